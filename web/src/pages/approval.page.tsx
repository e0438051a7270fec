import { Alert, Card, Collapse, Descriptions, Flex, Result, Tag, Typography } from 'antd';
import { Link, useParams } from 'react-router';
import { api, unwrap, type ApiFailure } from '../api/client';
import { useHistory, useInspection, useRecords, type HistoryStep } from '../api/queries';
import { MeetingDecision } from '../app/meeting-decision';
import { Failure, formatTime, StateTag, tone } from '../app/widgets';
import { useSession } from '../auth/session';
import { ROLE_LABELS } from '../i18n/labels';
import { kindTitle, recordCaption, stageTitle } from '../model';
import { RecordData } from './inspection/record-data';
import { FilesOfRecords } from './inspection/record-attachments';
import { decidesAtMeeting, type ApproverRole } from '../../../workflows/roles';

const MEETING_KIND: Record<string, string> = { leading_group: '领导小组会议', party_committee: '书记专题会' };

/** What a submission froze, as an approver reads it before deciding: the records, their digest, earlier decisions. */
export function ApprovalPage() {
  const { id } = useParams() as { id: string };
  const person = useSession()!.person;
  const inspection = useInspection(id);
  const records = useRecords(id);
  const history = useHistory(id);

  if (inspection.isError) return <Failure error={inspection.error as ApiFailure} />;
  if (!inspection.data || !history.data) return <Card loading />;
  const data = inspection.data;
  const steps = history.data.steps;
  const submittedAt = steps.findLastIndex((s) => s.kind === 'submitted' && s.stage === data.stage);
  const submission = steps[submittedAt];
  const decisions = submittedAt >= 0 ? steps.slice(submittedAt + 1).filter((s) => s.kind === 'approved' || s.kind === 'rejected') : [];
  const frozen = (records.data?.records ?? []).filter((r) => r.stage === data.stage);
  const awaiting = data.state === 'submitted' ? (data.waitingOn?.role as ApproverRole | undefined) : undefined;
  const mayDecide = !!awaiting && person.roles.includes(awaiting);

  return (
    <Flex vertical gap={12}>
      <Typography.Title level={2} style={{ margin: 0, fontSize: 22 }}>
        审批：{stageTitle(data.stage)}
      </Typography.Title>
      <Card size="small">
        <Descriptions
          size="small"
          column={1}
          items={[
            { label: '被巡察单位', children: data.target.name },
            { label: '巡察组', children: data.group.name },
            { label: '状态', children: <StateTag state={data.state} overdue={data.overdue} /> },
            { label: '审批链', children: data.approvalChain.map((r) => ROLE_LABELS[r]).join(' → ') },
            ...(submission
              ? [
                  { label: '提交人', children: `${submission.actor.name}（${formatTime(submission.at)}）` },
                  { label: '提交说明', children: submission.comment || '—' },
                  { label: '冻结记录摘要', children: <FrozenDigest step={submission} /> },
                ]
              : []),
          ]}
        />
      </Card>
      {decisions.length > 0 && (
        <Card size="small" title={<h3 style={{ margin: 0, fontSize: 16 }}>此前的审批</h3>}>
          {decisions.map((d) => (
            <div key={d.seq}>
              <Tag color={tone(d.kind === 'approved' ? 'green' : 'red')}>{d.kind === 'approved' ? '批准' : '退回'}</Tag>
              {d.actor.name} · {formatTime(d.at)} {d.comment ? `· ${d.comment}` : ''}
            </div>
          ))}
        </Card>
      )}
      <Card size="small" title={<h3 style={{ margin: 0, fontSize: 16 }}>提交的记录（{frozen.length}）</h3>}>
        <Collapse
          size="small"
          items={frozen.map((r) => ({
            key: r.id,
            label: recordCaption(r, data.group),
            extra: <Typography.Text type="secondary">{kindTitle(r.kind)}</Typography.Text>,
            children: <RecordData data={r.data as Record<string, unknown>} records={records.data?.records ?? []} />,
          }))}
        />
      </Card>
      <Card size="small" title={<h3 style={{ margin: 0, fontSize: 16 }}>提交记录的文件（其 SHA-256 计入冻结摘要）</h3>} data-testid="submitted-files">
        <FilesOfRecords inspectionId={id} records={frozen} empty="提交的记录均未附文件。" />
      </Card>
      {mayDecide && awaiting ? (
        <DecisionForm inspectionId={id} stage={data.stage} role={awaiting} />
      ) : data.state === 'submitted' ? (
        <Alert type="info" showIcon title={`等待${ROLE_LABELS[awaiting ?? 'office']}审批`} />
      ) : (
        <Result status="success" title="本阶段没有待审批的提交" extra={<Link to="/">回到工作台</Link>} />
      )}
    </Flex>
  );
}

function FrozenDigest({ step }: { step: HistoryStep }) {
  // A submission freezes its records and, apart, its leads; the database keeps the step's
  // facts as jsonb, which reorders keys, so each part is read by its name.
  const data = (step.data ?? {}) as { records?: unknown; leads?: unknown };
  const records = frozenPart(data.records);
  const leads = frozenPart(data.leads);
  if (!records) return <>—</>;
  return (
    <span>
      {records.versions} 个记录版本 · <code style={{ wordBreak: 'break-all' }} data-testid="digest">{records.digest}</code>
      {leads && leads.versions > 0 && (
        <>
          <br />
          线索 {leads.versions} 个版本 · <code style={{ wordBreak: 'break-all' }}>{leads.digest}</code>
        </>
      )}
    </span>
  );
}

function frozenPart(value: unknown): { digest: string; versions: number } | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const { digest, versions } = value as { digest?: unknown; versions?: unknown };
  return typeof digest === 'string' ? { digest, versions: typeof versions === 'number' ? versions : 0 } : undefined;
}

function DecisionForm({ inspectionId, stage, role }: { inspectionId: string; stage: string; role: ApproverRole }) {
  const atMeeting = decidesAtMeeting(role);
  return (
    <MeetingDecision
      title={<h3 style={{ margin: 0, fontSize: 16 }}>{ROLE_LABELS[role]}审批</h3>}
      meetingKind={atMeeting ? MEETING_KIND[role]! : null}
      approveLabel="批准"
      large
      success={{ key: `decision-${inspectionId}`, approve: '已批准', reject: '已退回' }}
      send={(decision, { comment, meeting }, requestId) =>
        unwrap(
          api.POST('/api/v1/inspections/{id}/decisions', {
            params: { path: { id: inspectionId } },
            body: { stage: stage as never, decision, requestId: requestId({ stage, decision, comment, meeting }), comment: comment ?? '', ...(meeting ? { meeting } : {}) },
          }),
        )
      }
    />
  );
}
