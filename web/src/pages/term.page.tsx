import { Alert, Button, Card, Descriptions, Drawer, Flex, Table, Tag, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, unwrap, type ApiFailure } from '../api/client';
import { useOrganizations, useTerm, type Term } from '../api/register-queries';
import { MeetingDecision } from '../app/meeting-decision';
import { Failure, formatDate, formatTime, tone } from '../app/widgets';
import { emptyText } from '../app/empty-text';
import { hasRole, useSession } from '../auth/session';
import { ORGANIZATION_LEVEL_LABELS, TERM_STATUS_LABELS, TERM_STEP_LABELS } from '../i18n/register-labels';
import { TermForm } from './terms/term-form';
import { termStatusTone } from './terms.page';

/** One term plan: its scope and yearly assignments, every step of its approval, and the leading group's decision. */
export function TermPage() {
  const { id } = useParams() as { id: string };
  const person = useSession()!.person;
  const term = useTerm(id);
  const organizations = useOrganizations();
  const [editing, setEditing] = useState(false);
  if (term.isError) return <Failure error={term.error as ApiFailure} />;
  const data = term.data;
  const nameOf = (orgId: string | null) => (orgId ? (organizations.data?.organizations.find((o) => o.id === orgId)?.name ?? orgId.slice(0, 8)) : '整个名录');
  const pending = data?.status === 'proposed';
  return (
    <Flex vertical gap={16}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {data?.name ?? '巡察规划'}
        </Typography.Title>
        <Flex gap={8}>
          {data && data.status !== 'approved' && hasRole(person, 'office') && <Button onClick={() => setEditing(true)}>修改规划</Button>}
          <Link to={`/coverage?term=${id}`}>
            <Button>查看全覆盖</Button>
          </Link>
        </Flex>
      </Flex>
      <Card loading={term.isPending} size="small">
        {data && (
          <Descriptions
            size="small"
            column={{ xs: 1, md: 3 }}
            items={[
              { label: '状态', children: <Tag color={termStatusTone(data.status)}>{TERM_STATUS_LABELS[data.status]}</Tag> },
              { label: '任期', children: `${formatDate(data.startsOn)} 至 ${formatDate(data.endsOn)}` },
              { label: '版本', children: `第 ${data.version} 版` },
              { label: '范围', children: nameOf(data.scope.rootId) },
              { label: '级别', children: data.scope.levels.map((l) => ORGANIZATION_LEVEL_LABELS[l]).join('、') || '全部级别' },
              { label: '制定', children: `${data.proposedBy.name}（${formatTime(data.proposedAt)}）` },
            ]}
          />
        )}
      </Card>
      {data && (
        <Flex gap={16} wrap align="start">
          <Card size="small" title={<h3 style={{ margin: 0, fontSize: 16 }}>年度安排（{data.assignments.length}）</h3>} style={{ flex: '3 1 520px', minWidth: 0 }}>
            <Table
              rowKey={(a) => `${a.organizationId}-${a.year}`}
              size="small"
              pagination={false}
              dataSource={[...data.assignments].sort((a, b) => a.year - b.year)}
              locale={emptyText('尚未安排')}
              columns={[
                { title: '年度', width: 80, dataIndex: 'year' },
                { title: '单位', render: (_, a) => nameOf(a.organizationId) },
                { title: '轮次', width: 120, render: (_, a) => (a.roundId ? <Link to={`/rounds/${a.roundId}`}>查看轮次</Link> : '未定') },
              ]}
            />
          </Card>
          <Card size="small" title={<h3 style={{ margin: 0, fontSize: 16 }}>审批经过</h3>} style={{ flex: '1 1 300px', minWidth: 0 }}>
            <Timeline
              items={data.steps.map((step) => ({
                color: step.kind === 'rejected' ? 'red' : step.kind === 'approved' ? 'green' : 'blue',
                content: (
                  <div data-testid="term-step">
                    <strong>{TERM_STEP_LABELS[step.kind]}</strong>（第 {step.version} 版）· {step.actor.name} · {formatTime(step.at)}
                    {step.meeting && <div>{`${step.meeting.kind}（${step.meeting.heldOn}，${step.meeting.minutesRef}）`}</div>}
                    {step.comment && <div>{step.comment}</div>}
                  </div>
                ),
              }))}
            />
          </Card>
        </Flex>
      )}
      {data && pending && hasRole(person, 'leading_group') && <TermDecisionForm term={data} />}
      {data && pending && !hasRole(person, 'leading_group') && <Alert type="info" showIcon title="规划已提交，等待巡察工作领导小组审批。" />}
      {data?.status === 'returned' && <Alert type="warning" showIcon title="领导小组退回了规划：请按审批意见修改后重新提交。" />}
      <Link to="/terms">
        <Button>返回规划列表</Button>
      </Link>
      <Drawer open={editing} onClose={() => setEditing(false)} title="修改巡察规划" size="large" destroyOnHidden>
        {data && <TermForm editing={data} onDone={() => setEditing(false)} />}
      </Drawer>
    </Flex>
  );
}

/** The leading group adopts the plan at its meeting, or returns it saying what to change. */
function TermDecisionForm({ term }: { term: Term }) {
  return (
    <MeetingDecision
      title={<h3 style={{ margin: 0, fontSize: 16 }}>巡察工作领导小组审批规划</h3>}
      testId="term-decision"
      style={{ borderColor: tone('orange') }}
      formStyle={{ maxWidth: 640 }}
      meetingKind="领导小组会议"
      approveLabel="批准规划"
      success={{ key: `term-${term.id}`, approve: '规划已批准', reject: '规划已退回巡察办' }}
      invalidates={['terms']}
      send={(decision, input, requestId) => {
        const body = { decision, meeting: input.meeting!, version: term.version, ...(input.comment ? { comment: input.comment } : {}) };
        return unwrap(api.POST('/api/v1/terms/{id}/decisions', { params: { path: { id: term.id } }, body: { ...body, requestId: requestId(body) } }));
      }}
    />
  );
}
