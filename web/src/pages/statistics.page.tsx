import { DownloadOutlined } from '@ant-design/icons';
import { App, Button, Card, DatePicker, Flex, Form, Statistic, Table, Typography } from 'antd';
import { useState } from 'react';
import type { ApiFailure } from '../api/client';
import { download } from '../api/files';
import { useStatistics, type Statistics } from '../api/register-queries';
import { dayFieldProps } from '../app/date-field';
import { Failure } from '../app/widgets';
import { emptyText } from '../app/empty-text';
import { hasRole, useSession } from '../auth/session';
import { LEAD_DISPOSAL_LABELS, LEAD_RECIPIENT_LABELS, RECTIFICATION_STATE_LABELS } from '../i18n/register-labels';

type Tally = Statistics['totals'];
const rate = (r: number | null) => (r === null ? '—' : `${Math.round(r * 100)}%`);

/** A tally's columns, shared by the per-round and per-organisation tables. */
const tallyColumns = [
  { title: '问题', width: 70, render: (_: unknown, t: Tally) => t.problems },
  { title: '线索', width: 70, render: (_: unknown, t: Tally) => t.leads },
  { title: '整改事项', width: 90, render: (_: unknown, t: Tally) => t.rectificationItems },
  { title: '验收通过', width: 90, render: (_: unknown, t: Tally) => t.accepted },
  { title: '按期率', width: 80, render: (_: unknown, t: Tally) => rate(t.onTimeRate) },
];

function LedgerButton({ path, name, period }: { path: string; name: string; period: { from?: string; to?: string } }) {
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const query = new URLSearchParams(Object.entries(period).filter((e): e is [string, string] => !!e[1])).toString();
  return (
    <Button
      icon={<DownloadOutlined />}
      loading={busy}
      onClick={() => {
        setBusy(true);
        download(`${path}${query ? `?${query}` : ''}`, `${name}.xlsx`)
          .catch((e: ApiFailure) => void message.error(`下载失败：${e.message}`))
          .finally(() => setBusy(false));
      }}
    >
      {name}（Excel）
    </Button>
  );
}

/** 统计: what the rounds found and fixed over a period, and the three ledgers the office keeps. */
export function StatisticsPage() {
  const person = useSession()!.person;
  const [period, setPeriod] = useState<{ from?: string; to?: string }>({});
  const statistics = useStatistics(period);
  const data = statistics.data;
  // The lead ledger names people: only the readers of leads get it (the party committee reads counts only).
  const readsLeads = hasRole(person, 'office', 'leading_group', 'auditor');
  return (
    <Flex vertical gap={16}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        巡察统计
      </Typography.Title>
      <Card size="small">
        <Flex justify="space-between" wrap gap={8} align="end">
          <Form layout="inline" initialValues={period} onValuesChange={(_, values: { from?: string; to?: string }) => setPeriod({ from: values.from || undefined, to: values.to || undefined })}>
            <Form.Item name="from" label="轮次计划开始自" {...dayFieldProps}>
              <DatePicker />
            </Form.Item>
            <Form.Item name="to" label="至" {...dayFieldProps}>
              <DatePicker />
            </Form.Item>
          </Form>
          <Flex gap={8} wrap data-testid="ledgers">
            <LedgerButton path="/api/v1/statistics/problems.xlsx" name="问题清单" period={period} />
            <LedgerButton path="/api/v1/statistics/rectification-items.xlsx" name="整改台账" period={period} />
            {readsLeads && <LedgerButton path="/api/v1/statistics/lead-handovers.xlsx" name="线索移交台账" period={period} />}
          </Flex>
        </Flex>
      </Card>
      {statistics.isError && <Failure error={statistics.error as ApiFailure} />}
      <Card size="small" loading={statistics.isPending} data-testid="statistics-totals">
        {data && (
          <Flex gap={40} wrap>
            <Statistic title="发现问题" value={data.totals.problems} />
            <Statistic title="问题线索" value={data.totals.leads} />
            <Statistic title="整改事项" value={data.totals.rectificationItems} />
            <Statistic title="验收通过" value={data.totals.accepted} />
            <Statistic title="按期整改率" value={rate(data.totals.onTimeRate)} />
          </Flex>
        )}
      </Card>
      {data && (
        <>
          <Flex gap={16} wrap align="start">
            <Card size="small" title={<h3 style={{ margin: 0, fontSize: 16 }}>问题：按监督重点和年度</h3>} style={{ flex: '1 1 400px', minWidth: 0 }}>
              <Table
                rowKey={(r) => `${r.category}-${r.year}`}
                size="small"
                pagination={false}
                dataSource={data.problemsByFocusArea}
                locale={emptyText('暂无问题')}
                columns={[
                  { title: '监督重点', dataIndex: 'category' },
                  { title: '年度', dataIndex: 'year', width: 80 },
                  { title: '问题数', dataIndex: 'count', width: 80 },
                ]}
              />
            </Card>
            <Card size="small" title={<h3 style={{ margin: 0, fontSize: 16 }}>问题线索：按移交对象和处置（仅数量）</h3>} style={{ flex: '1 1 400px', minWidth: 0 }}>
              <Table
                rowKey={(r) => `${r.recipient}-${r.disposal}`}
                size="small"
                pagination={false}
                dataSource={data.leadsByRecipient}
                locale={emptyText('暂无线索')}
                columns={[
                  { title: '移交对象', render: (_, r) => LEAD_RECIPIENT_LABELS[r.recipient] ?? r.recipient },
                  { title: '处置', render: (_, r) => LEAD_DISPOSAL_LABELS[r.disposal] ?? r.disposal },
                  { title: '数量', dataIndex: 'count', width: 70 },
                ]}
              />
            </Card>
            <Card size="small" title={<h3 style={{ margin: 0, fontSize: 16 }}>整改事项：按验收状态</h3>} style={{ flex: '1 1 260px', minWidth: 0 }}>
              <Table
                rowKey="state"
                size="small"
                pagination={false}
                dataSource={data.rectificationItemsByState}
                locale={emptyText('暂无整改事项')}
                columns={[
                  { title: '状态', render: (_, r) => RECTIFICATION_STATE_LABELS[r.state] ?? r.state },
                  { title: '数量', dataIndex: 'count', width: 70 },
                ]}
              />
            </Card>
          </Flex>
          <Card size="small" title={<h3 style={{ margin: 0, fontSize: 16 }}>按轮次</h3>}>
            <Table
              rowKey="roundId"
              size="small"
              pagination={false}
              dataSource={data.byRound}
              scroll={{ x: 760 }}
              locale={emptyText('期间内没有巡察轮次')}
              columns={[{ title: '轮次', render: (_: unknown, r: Statistics['byRound'][number]) => `${r.roundName}（${r.year}）` }, ...tallyColumns]}
            />
          </Card>
          <Card size="small" title={<h3 style={{ margin: 0, fontSize: 16 }}>按单位</h3>}>
            <Table
              rowKey={(r) => r.organizationId ?? r.name}
              size="small"
              pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
              dataSource={data.byOrganization}
              scroll={{ x: 760 }}
              locale={emptyText('暂无数据')}
              columns={[{ title: '单位', render: (_: unknown, r: Statistics['byOrganization'][number]) => r.name }, ...tallyColumns]}
            />
          </Card>
        </>
      )}
    </Flex>
  );
}
