import { Alert, Button, Card, Descriptions, Flex, Space, Table, Tag, Timeline, Typography } from 'antd';
import { Link, useParams } from 'react-router';
import { api, unwrap, type ApiFailure } from '../api/client';
import { useRound, type Round } from '../api/queries';
import { MeetingDecision } from '../app/meeting-decision';
import { Failure, formatDate, formatTime, StateTag, tone, WaitingOn } from '../app/widgets';
import { hasRole, useSession, type Person } from '../auth/session';
import { ROLE_LABELS } from '../i18n/labels';
import { STAGES, stageIndex } from '../model';
import { RoundFindings } from './round/round-findings';

const AUTHORISATION_LABELS: Record<string, string> = { proposed: '提交方案', edited: '修改方案', rejected: '退回', approved: '批准' };

export function RoundPage() {
  const { roundId } = useParams() as { roundId: string };
  const person = useSession()!.person;
  const round = useRound(roundId);
  if (round.isError) return <Failure error={round.error as ApiFailure} />;
  const data = round.data;
  const awaitingAuthorisation = data?.status === 'proposed' || data?.status === 'returned';
  return (
    <Flex vertical gap={16}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {data?.name ?? '巡察轮次'}
      </Typography.Title>
      <Card loading={round.isPending}>
        {data && (
          <Descriptions
            size="small"
            column={{ xs: 1, md: 3 }}
            items={[
              { label: '状态', children: <StateTag state={data.status} /> },
              { label: '计划时间', children: `${formatDate(data.plannedStart)} 至 ${formatDate(data.plannedEnd)}` },
              { label: '监督重点', children: data.focus.join('、') || '—' },
              ...(data.statusReason ? [{ label: data.status === 'cancelled' ? '撤销原因' : '退回意见', children: data.statusReason }] : []),
            ]}
          />
        )}
      </Card>
      {data && awaitingAuthorisation && <Proposal round={data} />}
      {data?.status === 'proposed' && hasRole(person, 'leading_group') && <RoundDecisionForm round={data} />}
      {data?.status === 'proposed' && !hasRole(person, 'leading_group') && (
        <Alert type="info" showIcon title="方案已提交，等待巡察工作领导小组审批；批准后各巡察组即开始巡前准备。" />
      )}
      {!awaitingAuthorisation && <Matrix round={data} loading={round.isPending} person={person} />}
      {data && !awaitingAuthorisation && hasRole(person, 'office', 'leading_group', 'auditor') && <RoundFindings round={data} />}
      <Link to="/rounds">
        <Button>返回轮次列表</Button>
      </Link>
    </Flex>
  );
}

/** The plan the office proposed, and every step of its authorisation so far. */
function Proposal({ round }: { round: Round }) {
  const targets = round.plan?.inspections ?? [];
  return (
    <Flex gap={16} wrap align="start">
      <Card size="small" title={<h3 style={{ margin: 0 }}>巡察方案（第 {round.version} 版）</h3>} style={{ flex: '3 1 560px', minWidth: 0 }}>
        <Table
          rowKey={(t) => t.target.name}
          size="small"
          pagination={false}
          dataSource={targets}
          scroll={{ x: 640 }}
          columns={[
            { title: '被巡察单位', render: (_, t) => `${t.target.name}（${t.target.principalLeader}）` },
            { title: '巡察组', render: (_, t) => t.group.name },
            { title: '组长', render: (_, t) => t.group.leader.name },
            { title: '组员', render: (_, t) => t.group.members.map((m) => m.name).join('、') || '—' },
            { title: '联络人', render: (_, t) => t.target.liaison?.name ?? '—' },
          ]}
        />
      </Card>
      <Card size="small" title={<h3 style={{ margin: 0 }}>审批经过</h3>} style={{ flex: '1 1 300px', minWidth: 0 }}>
        <Timeline
          items={round.authorisation.map((step) => ({
            color: step.kind === 'rejected' ? 'red' : step.kind === 'approved' ? 'green' : 'blue',
            content: (
              <div>
                <strong>{AUTHORISATION_LABELS[step.kind] ?? step.kind}</strong> · {step.actor.name} · {formatTime(step.at)}
                {step.meeting && <div>{`${step.meeting.kind}（${step.meeting.heldOn}，${step.meeting.minutesRef}）`}</div>}
                {step.comment && <div>{step.comment}</div>}
              </div>
            ),
          }))}
        />
      </Card>
    </Flex>
  );
}

/** The leading group approves the proposed plan at its meeting (the round starts), or returns it with what to change. */
function RoundDecisionForm({ round }: { round: Round }) {
  return (
    <MeetingDecision
      title={<h3 style={{ margin: 0 }}>{ROLE_LABELS.leading_group}审批方案</h3>}
      testId="round-decision"
      formStyle={{ maxWidth: 640 }}
      meetingKind="领导小组会议"
      approveLabel="批准方案"
      success={{ key: `round-${round.id}`, approve: '已批准，本轮巡察开始', reject: '已退回巡察办' }}
      send={(decision, input, requestId) => {
        const body = { decision, meeting: input.meeting!, version: round.version, ...(input.comment ? { comment: input.comment } : {}) };
        return unwrap(api.POST('/api/v1/rounds/{roundId}/decisions', { params: { path: { roundId: round.id } }, body: { ...body, requestId: requestId(body) } }));
      }}
    />
  );
}

type RoundInspection = Round['inspections'][number];

/** One cell of the dashboard: a stage of an inspection, passed, where it is now (and whom it waits on), or ahead. */
function StageCell({ inspection, stage }: { inspection: RoundInspection; stage: number }) {
  const at = stageIndex(inspection.stage);
  if (inspection.state === 'completed' || stage < at) return <Tag color={tone('green')}>已通过</Tag>;
  if (stage > at || inspection.state === 'cancelled') return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Flex vertical gap={2} align="start">
      <StateTag state={inspection.state} overdue={inspection.overdue} />
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        等待 <WaitingOn waitingOn={inspection.waitingOn} /> · {formatDate(inspection.dueAt)}
      </Typography.Text>
    </Flex>
  );
}

/** The round's dashboard: inspections × stages, each cell open, submitted, approved or overdue, and whom it waits on. */
function Matrix({ round, loading, person }: { round: Round | undefined; loading: boolean; person: Person }) {
  return (
    <Card title={<h3 style={{ margin: 0 }}>各被巡察单位进度</h3>} data-testid="round-matrix">
      <Table
        rowKey="id"
        loading={loading}
        dataSource={round?.inspections ?? []}
        pagination={false}
        scroll={{ x: 1200 }}
        size="small"
        columns={[
          {
            title: '被巡察单位',
            fixed: 'left',
            width: 200,
            render: (_, i) => (
              <div>
                <Link to={`/inspections/${i.id}`}>{i.target.name}</Link>
                <div>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {i.group.name}（组长 {i.group.leader.name}）
                  </Typography.Text>
                </div>
              </div>
            ),
          },
          ...STAGES.map((s, index) => ({ title: s.title.zh, key: s.id, render: (_: unknown, i: RoundInspection) => <StageCell inspection={i} stage={index} /> })),
          {
            title: '操作',
            width: 110,
            render: (_, i) => (
              <Space wrap size={4}>
                {i.state === 'submitted' && hasRole(person, 'office', 'leading_group', 'party_committee') && <Link to={`/inspections/${i.id}/approval`}>审批</Link>}
                {hasRole(person, 'auditor', 'office', 'leading_group') && <Link to={`/inspections/${i.id}/audit`}>履历与校验</Link>}
              </Space>
            ),
          },
        ]}
      />
    </Card>
  );
}
