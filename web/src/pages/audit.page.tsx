import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Card, Flex, Table, Tag, Typography } from 'antd';
import { useParams } from 'react-router';
import { api, unwrap, type ApiFailure } from '../api/client';
import { useHistory, useInspection } from '../api/queries';
import { Failure, formatTime, tone } from '../app/widgets';
import { STEP_LABELS } from '../i18n/labels';
import { stageTitle } from '../model';

/** The auditor's view: every step of the inspection, whether the history and records are intact, the raw Temporal history. */
export function AuditPage() {
  const { id } = useParams() as { id: string };
  const inspection = useInspection(id);
  const history = useHistory(id);
  const verify = useMutation({
    mutationFn: () => unwrap(api.GET('/api/v1/inspections/{id}/history/verify', { params: { path: { id } } })),
  });
  if (history.isError) return <Failure error={history.error as ApiFailure} />;
  const result = verify.data;
  return (
    <Flex vertical gap={16}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        履历与校验{inspection.data ? `：${inspection.data.target.name}` : ''}
      </Typography.Title>
      <Card size="small" title={<h3 style={{ margin: 0 }}>完整性校验</h3>}>
        <Flex vertical gap={12}>
          <Flex gap={8} wrap>
            <Button type="primary" loading={verify.isPending} onClick={() => verify.mutate()}>
              校验履历与记录
            </Button>
          </Flex>
          {verify.error && <Failure error={verify.error as ApiFailure} />}
          {result &&
            (result.intact ? (
              <Alert
                type="success"
                showIcon
                data-testid="verify-result"
                title={`完整：${result.steps} 个步骤的哈希链、${result.ledgerEntries} 条台账和每次提交冻结的记录均未被改动，${result.checkpoints.length} 个签名检查点有效，与 Temporal 履历一致`}
              />
            ) : (
              <Alert
                type="error"
                showIcon
                data-testid="verify-result"
                title={`发现改动${result.firstBrokenSeq !== null ? `：第 ${result.firstBrokenSeq} 步起哈希链断裂` : ''}`}
                description={
                  <ul style={{ margin: 0 }}>
                    {result.problems.map((p) => (
                      <li key={p}>{p}</li>
                    ))}
                  </ul>
                }
              />
            ))}
          {result && (
            // Which of the five checks held: an auditor reads the failing one first.
            <Flex gap={8} wrap data-testid="verify-checks">
              {(
                [
                  ['履历哈希链', result.historyIntact],
                  ['提交冻结的记录', result.recordsIntact],
                  ['台账', result.ledgerIntact],
                  ['签名检查点', result.signaturesValid],
                  ['与 Temporal 履历一致', result.ledgersAgree],
                ] as const
              ).map(([label, ok]) => (
                <Tag key={label} color={tone(ok ? 'green' : 'red')}>
                  {ok ? '✓' : '✗'} {label}
                </Tag>
              ))}
            </Flex>
          )}
        </Flex>
      </Card>
      <TemporalHistory inspectionId={id} />
      <Card size="small" title={<h3 style={{ margin: 0 }}>履历</h3>}>
        <Table
          rowKey="seq"
          size="small"
          loading={history.isPending}
          dataSource={history.data?.steps ?? []}
          pagination={false}
          scroll={{ x: 800 }}
          columns={[
            { title: '#', dataIndex: 'seq', width: 50 },
            { title: '时间', width: 150, render: (_, s) => formatTime(s.at) },
            { title: '阶段', width: 130, render: (_, s) => stageTitle(s.stage) },
            { title: '事项', width: 100, render: (_, s) => <Tag color={tone(s.kind === 'rejected' ? 'red' : s.kind === 'approved' ? 'green' : 'blue')}>{STEP_LABELS[s.kind] ?? s.kind}</Tag> },
            { title: '人员', width: 110, render: (_, s) => s.actor.name },
            { title: '意见', render: (_, s) => s.comment ?? '' },
            { title: '哈希', width: 120, render: (_, s) => <code title={s.hash}>{s.hash.slice(0, 10)}…</code> },
          ]}
        />
      </Card>
    </Flex>
  );
}

/**
 * The workflow's raw Temporal history, every run of it, as a file, and the command that replays it
 * against the code in a checkout: the auditor's check that the recorded process is the one the code runs.
 */
function TemporalHistory({ inspectionId }: { inspectionId: string }) {
  const file = `inspection-${inspectionId}-history.json`;
  const download = useMutation<number, ApiFailure>({
    mutationFn: async () => {
      const history = await unwrap(api.GET('/api/v1/inspections/{id}/history/temporal', { params: { path: { id: inspectionId } } }));
      const url = URL.createObjectURL(new Blob([JSON.stringify(history)], { type: 'application/json' }));
      Object.assign(document.createElement('a'), { href: url, download: file }).click();
      // The click hands the blob to the download before the next task; revoking at once could cut it off.
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      return history.runs.length;
    },
  });
  const command = `npm run replay -- ${file}`;
  return (
    <Card size="small" title={<h3 style={{ margin: 0 }}>Temporal 原始履历</h3>} data-testid="temporal-history">
      <Flex vertical gap={12}>
        <Typography.Paragraph style={{ margin: 0 }}>
          工作流在 Temporal 中的全部事件（每次运行一份），由 Temporal 服务器记录，与本系统数据库无关。下载后在本系统的代码目录中执行下列命令，用当前代码逐一重放：每份履历都能重放，说明记录下的流程正是这份代码所执行的流程。
        </Typography.Paragraph>
        <Flex gap={8} wrap align="center">
          <Button loading={download.isPending} onClick={() => download.mutate()}>
            下载 Temporal 原始履历（JSON）
          </Button>
          {download.data !== undefined && <Typography.Text data-testid="temporal-history-downloaded">已下载 {file}（{download.data} 次运行）</Typography.Text>}
        </Flex>
        <Failure error={download.error} />
        <div>
          <Typography.Text>重放命令：</Typography.Text>
          <Typography.Text code copyable={{ text: command, tooltips: ['复制命令', '已复制'] }} data-testid="replay-command">
            {command}
          </Typography.Text>
        </div>
      </Flex>
    </Card>
  );
}
