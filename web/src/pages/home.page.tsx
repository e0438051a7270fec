import { useQueries } from '@tanstack/react-query';
import { Button, Card, Empty, Flex, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { api, unwrap } from '../api/client';
import { useApprovals, useNotifications, useRounds } from '../api/queries';
import { formatTime, StateTag, tone } from '../app/widgets';
import { hasRole, useSession } from '../auth/session';
import { ROLE_LABELS } from '../i18n/labels';
import { stageTitle } from '../model';
import type { Role } from '../../../workflows/roles';

/** 工作台: everything waiting on me, what is overdue, and (for a group) my inspections. */
export function HomePage() {
  const person = useSession()!.person;
  const approvals = useApprovals();
  const notifications = useNotifications();
  const inGroup = hasRole(person, 'group_leader', 'member');

  return (
    <Flex vertical gap={16}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        工作台
      </Typography.Title>
      <Card title={<h3 style={{ margin: 0 }}>我的待办</h3>} loading={approvals.isPending} data-testid="todo">
        {approvals.data?.approvals.length === 0 && !inGroup && <Empty description="暂无待办" />}
        <Flex vertical gap={8}>
          {approvals.data?.approvals.map((a) => (
            <Card key={a.id} size="small" type="inner">
              <Flex justify="space-between" align="center" wrap gap={8}>
                <div>
                  <Typography.Text strong>{a.target.name}</Typography.Text>
                  <div>
                    {a.group.name} · {stageTitle(a.stage)} · 待{ROLE_LABELS[(a.waitingOn?.role ?? 'office') as Role]}审批
                    {a.overdue && (
                      <Tag color={tone('red')} style={{ marginInlineStart: 8 }}>
                        逾期
                      </Tag>
                    )}
                  </div>
                  <Typography.Text type="secondary">{a.roundName}</Typography.Text>
                </div>
                <Link to={`/inspections/${a.id}/approval`}>
                  <Button type="primary">审批</Button>
                </Link>
              </Flex>
            </Card>
          ))}
          {inGroup && <GroupTodo sub={person.sub} />}
        </Flex>
      </Card>
      <Card title={<h3 style={{ margin: 0 }}>逾期与催办</h3>} loading={notifications.isPending}>
        {notifications.data?.notifications.length === 0 && <Empty description="没有逾期事项" />}
        <Flex vertical gap={4}>
          {notifications.data?.notifications.slice(0, 20).map((n) => (
            <div key={n.id}>
              <Tag color={tone(n.kind === 'overdue' ? 'red' : 'orange')}>{n.kind === 'overdue' ? '逾期' : '催办'}</Tag>
              <Link to={`/inspections/${n.inspectionId}`}>{stageTitle(n.stage)}</Link> · {formatTime(n.createdAt)} ·{' '}
              <Typography.Text type="secondary">{n.message}</Typography.Text>
            </div>
          ))}
        </Flex>
      </Card>
    </Flex>
  );
}

/** The inspections of my group, the open ones whose move is mine first. */
function GroupTodo({ sub }: { sub: string }) {
  const rounds = useRounds();
  const details = useQueries({
    queries: (rounds.data?.rounds ?? []).map((r) => ({
      queryKey: ['round', r.id],
      queryFn: () => unwrap(api.GET('/api/v1/rounds/{roundId}', { params: { path: { roundId: r.id } } })),
    })),
  });
  const mine = details.flatMap((d) =>
    (d.data?.inspections ?? [])
      .filter((i) => i.group.leader.sub === sub || i.group.members.some((m) => m.sub === sub))
      .map((i) => ({ ...i, roundName: d.data!.name })),
  );
  return (
    <>
      {mine.map((i) => {
        const myMove = i.state === 'open' && i.waitingOn?.sub === sub;
        return (
          <Card key={i.id} size="small" type="inner">
            <Flex justify="space-between" align="center" wrap gap={8}>
              <div>
                <Typography.Text strong>{i.target.name}</Typography.Text>
                <div>
                  {i.group.name} · {stageTitle(i.stage)} <StateTag state={i.state} overdue={i.overdue} />
                  {myMove && <Tag color={tone('purple')}>待我提交</Tag>}
                </div>
                <Typography.Text type="secondary">
                  {i.roundName} · 截止 {formatTime(i.dueAt)}
                </Typography.Text>
              </div>
              <Link to={`/inspections/${i.id}`}>
                <Button type={myMove ? 'primary' : 'default'}>进入巡察</Button>
              </Link>
            </Flex>
          </Card>
        );
      })}
    </>
  );
}
