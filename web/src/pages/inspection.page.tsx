import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { CheckCircleFilled, CloseCircleFilled } from '@ant-design/icons';
import { Alert, App, Button, Card, Descriptions, Flex, Input, Steps, Typography } from 'antd';
import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, unwrap, type ApiFailure } from '../api/client';
import { useHistory, useInspection, useRecords, type HistoryStep, type Inspection } from '../api/queries';
import { useRequestId } from '../api/request-id';
import { Failure, formatTime, StateTag, WaitingOn } from '../app/widgets';
import { hasRole, useSession, type Person } from '../auth/session';
import { isGroupLeaderOf, kindsOfStage, RECORD_KINDS, STAGES, stageIndex, stageTitle, type StageId } from '../model';
import { DeclarationPanel, useDeclaration } from './inspection/declaration-panel';
import { DossierPanel, readsDossier } from './inspection/dossier-panel';
import { RecordKindCard } from './inspection/records-panel';
import { ReportSections } from './inspection/report-sections';

/** The group's workspace: the stages as steps, each stage's records, the open stage's checklist and its submission. */
export function InspectionPage() {
  const { id } = useParams() as { id: string };
  const person = useSession()!.person;
  const inspection = useInspection(id);
  const records = useRecords(id);
  const history = useHistory(id);
  // A to-do item links to the stage it is about (a paper to confirm, a declaration to decide).
  const [search] = useSearchParams();
  const [viewed, setViewed] = useState<StageId | null>(STAGES.find((s) => s.id === search.get('stage'))?.id ?? null);

  // 回避: a member kept out of the inspection is refused its view and reads their own declaration page instead.
  const refused = inspection.isError && (inspection.error as ApiFailure).status === 403;
  const declaration = useDeclaration(id, refused);

  if (inspection.isError) {
    if (declaration.data && declaration.data.standing !== 'cleared') return <DeclarationPanel declaration={declaration.data} person={person} />;
    if (refused && declaration.isLoading) return <Card loading />;
    return <Failure error={inspection.error as ApiFailure} />;
  }
  if (!inspection.data) return <Card loading />;
  const data = inspection.data;
  const current = stageIndex(data.stage);
  const stage = viewed ?? data.stage;
  const isOpen = data.state === 'open';
  const finished = data.state === 'completed' || data.state === 'cancelled';
  // Evidence may still be recorded while drafting is open (a returned paper often needs one more talk).
  const writableStage = (s: StageId) => isOpen && (s === data.stage || (data.stage === 'drafting' && s === 'stationing'));

  return (
    <Flex vertical gap={16}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {data.target.name}
        </Typography.Title>
        <Flex gap={8} wrap>
          {data.state === 'submitted' && hasRole(person, 'office', 'leading_group', 'party_committee') && (
            <Link to={`/inspections/${id}/approval`}>
              <Button type="primary">审批</Button>
            </Link>
          )}
          {hasRole(person, 'auditor', 'office', 'leading_group') && (
            <Link to={`/inspections/${id}/audit`}>
              <Button>履历与校验</Button>
            </Link>
          )}
        </Flex>
      </Flex>
      <Card size="small">
        <Descriptions
          size="small"
          column={{ xs: 1, md: 4 }}
          items={[
            { label: '巡察组', children: `${data.group.name}（组长 ${data.group.leader.name}）` },
            { label: '当前阶段', children: <>{stageTitle(data.stage)} <StateTag state={data.state} overdue={data.overdue} /></> },
            { label: '等待', children: <WaitingOn waitingOn={data.waitingOn} /> },
            { label: '截止', children: formatTime(data.dueAt) },
          ]}
        />
      </Card>
      <Card size="small" styles={{ body: { overflowX: 'auto' } }}>
        <Steps
          size="small"
          current={finished && data.state === 'completed' ? STAGES.length : current}
          status={data.overdue ? 'error' : 'process'}
          onChange={(i) => setViewed(STAGES[i]!.id)}
          items={STAGES.map((s, i) => ({
            title: s.title.zh,
            description: i === current && !finished ? (data.state === 'submitted' ? '待审批' : '进行中') : undefined,
          }))}
        />
      </Card>
      <RejectionNotice inspection={data} steps={history.data?.steps ?? []} />
      <Flex gap={16} align="start" wrap>
        <Flex vertical gap={12} style={{ flex: '3 1 560px', minWidth: 0 }}>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {stageTitle(stage)}
            {stage !== data.stage && <Typography.Text type="secondary"> （只读）</Typography.Text>}
          </Typography.Title>
          {/* An undeclared or undecided member is refused the work: the refusal says to declare first. */}
          {records.isError && <Failure error={records.error as ApiFailure} />}
          {kindsOfStage(stage).map((kind) => (
            <RecordKindCard key={kind} kind={kind} inspection={data} records={records.data?.records ?? []} person={person} writable={writableStage(stage)} />
          ))}
          {stage === 'reporting' && stageIndex(stage) <= current && (
            <ReportSections inspectionId={id} writable={isOpen && data.stage === 'reporting' && isGroupLeaderOrMember(person, data)} />
          )}
          {stage === 'archiving' && stageIndex(stage) <= current && readsDossier(person, data) && <DossierPanel inspection={data} person={person} />}
        </Flex>
        {!finished && (
          <div style={{ flex: '1 1 300px', minWidth: 0 }}>
            <SubmitPanel key={data.stage} inspection={data} person={person} />
          </div>
        )}
      </Flex>
    </Flex>
  );
}

function isGroupLeaderOrMember(person: Person, inspection: Inspection): boolean {
  return isGroupLeaderOf(person, inspection.group) || inspection.group.members.some((m) => m.sub === person.sub);
}

/** When the open stage came back from its approvers: who sent it back and why. */
function RejectionNotice({ inspection, steps }: { inspection: Inspection; steps: HistoryStep[] }) {
  const last = [...steps].reverse().find((s) => s.stage === inspection.stage && (s.kind === 'submitted' || s.kind === 'rejected'));
  if (inspection.state !== 'open' || last?.kind !== 'rejected') return null;
  return (
    <Alert
      type="warning"
      showIcon
      data-testid="rejection"
      title={`${stageTitle(inspection.stage)}被退回（${last.actor.name}，${formatTime(last.at)}）`}
      description={last.comment}
    />
  );
}

/**
 * The open stage's exit criteria, live from the inspection's progress, and its
 * submission. A refused submission lists what the server found unmet at that moment.
 */
function SubmitPanel({ inspection, person }: { inspection: Inspection; person: Person }) {
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const requestId = useRequestId();
  const [comment, setComment] = useState('');
  const [refusal, setRefusal] = useState<ApiFailure | null>(null);
  const definition = STAGES.find((s) => s.id === inspection.stage)!;
  const owner = definition.submittedBy === 'office' ? hasRole(person, 'office') : isGroupLeaderOf(person, inspection.group);
  // Under the inspection's key, so every record written refreshes the checklist too.
  const progress = useQuery({
    queryKey: ['inspection', inspection.id, 'progress'],
    retry: false,
    queryFn: () => unwrap(api.GET('/api/v1/inspections/{id}/progress', { params: { path: { id: inspection.id } } })),
  });
  const criteria = progress.data?.criteria ?? [];
  const refusedUnmet = refusal?.body.details?.unmet;

  const submit = useMutation<unknown, ApiFailure>({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/inspections/{id}/submissions', {
          body: { stage: inspection.stage, requestId: requestId.id({ stage: inspection.stage, comment }), ...(comment ? { comment } : {}) },
          params: { path: { id: inspection.id } },
        }),
      ),
    onSuccess: async () => {
      requestId.settle();
      setRefusal(null);
      void message.success('已提交审批');
      await queryClient.invalidateQueries({ queryKey: ['inspection', inspection.id] });
    },
    onError: (failure) => {
      // A refusal is final for its requestId: after fixing what it lists, the next press is a new submission.
      if (!failure.retryable) requestId.settle();
      setRefusal(failure);
    },
  });

  return (
    <Card size="small" title={<h3 style={{ margin: 0 }}>退出条件与提交</h3>} data-testid="submit-panel">
      <Flex vertical gap={12}>
        {inspection.state === 'submitted' ? (
          <Alert type="info" showIcon title={`已提交，等待${definition.approvalChain.length > 1 ? '审批链' : ''}审批`} description={<>当前等待：<WaitingOn waitingOn={inspection.waitingOn} /></>} />
        ) : (
          criteria.length > 0 && (
            <ul aria-label="退出条件" data-testid="checklist" style={{ margin: 0, padding: 0, listStyle: 'none' }}>
              {criteria.map((c) => (
                <li key={c.code} style={{ display: 'flex', gap: 8, marginBlockEnd: 6 }}>
                  {c.met ? <CheckCircleFilled style={{ color: '#166534', marginTop: 4 }} aria-label="已满足" /> : <CloseCircleFilled style={{ color: '#b91c1c', marginTop: 4 }} aria-label="未满足" />}
                  <span>
                    {c.requirement}
                    {c.missing && (
                      <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
                        {c.missing}
                      </Typography.Text>
                    )}
                  </span>
                </li>
              ))}
            </ul>
          )
        )}
        {refusedUnmet && refusedUnmet.length > 0 && (
          <Alert
            type="error"
            showIcon
            role="alert"
            title="提交未被接受，尚未满足的退出条件："
            description={
              <ul style={{ margin: 0, paddingInlineStart: 20 }} data-testid="unmet-criteria">
                {refusedUnmet.map((u) => (
                  <li key={u.code}>{u.message}</li>
                ))}
              </ul>
            }
          />
        )}
        {refusal && refusal.body.error !== 'exit_criteria_unmet' && <Failure error={refusal} />}
        {owner && inspection.state === 'open' && (
          <>
            <Input.TextArea placeholder="提交说明（可选）" aria-label="提交说明" value={comment} onChange={(e) => setComment(e.target.value)} autoSize={{ minRows: 2 }} />
            <Button type="primary" block loading={submit.isPending} onClick={() => submit.mutate()}>
              提交{stageTitle(inspection.stage)}审批
            </Button>
          </>
        )}
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          本阶段记录：
          {kindsOfStage(inspection.stage).map((k) => RECORD_KINDS[k].title.zh).join('、') || (inspection.stage === 'archiving' ? '巡察案卷' : '报告章节')}
        </Typography.Text>
      </Flex>
    </Card>
  );
}
