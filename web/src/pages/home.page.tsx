import { useQueries } from '@tanstack/react-query';
import { Button, Card, Empty, Flex, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { api, unwrap } from '../api/client';
import { useNotifications, useRounds, useRoundsIn, useTasks, type Task } from '../api/queries';
import { formatDate, formatTime, StateTag, tone } from '../app/widgets';
import { hasRole, useSession } from '../auth/session';
import { stageTitle } from '../model';

/** Where a task is done: the approval page for a stage decision, else the inspection at the task's stage. */
const taskLink = (task: Task) =>
  task.kind === 'stage_decision' ? `/inspections/${task.inspection.id}/approval` : `/inspections/${task.inspection.id}?stage=${task.stage}`;
// An owed record (a hand-over, a disposal, a verification) is written in the stage's records: 办理, not a decision.
const TASK_BUTTONS: Record<Task['kind'], string> = { stage_decision: '审批', record_decision: '决定', record_review: '审核', stage_submission: '提交', record_owed: '办理' };

const taskKey = (task: Task) => `${task.kind}-${task.inspection.id}-${task.record?.id ?? task.stage}-${task.writes?.kind ?? ''}`;

/**
 * The tasks of the pages loaded so far, in order. A task whose wait began again between two
 * pages (a record changed) can come on both; it is shown once, where it came first.
 */
function shownTasks(pages: { tasks: Task[] }[] | undefined): Task[] {
  const byKey = new Map<string, Task>();
  for (const task of (pages ?? []).flatMap((page) => page.tasks)) {
    if (!byKey.has(taskKey(task))) byKey.set(taskKey(task), task);
  }
  return [...byKey.values()];
}

/** 工作台: everything waiting on me, what is overdue, and (for a group) my inspections. */
export function HomePage() {
  const person = useSession()!.person;
  const tasks = useTasks();
  const notifications = useNotifications();
  // Round proposals are not inspection tasks: the leading group authorises them, the office reworks the returned ones.
  const proposed = useRoundsIn('proposed', hasRole(person, 'leading_group'));
  const returned = useRoundsIn('returned', hasRole(person, 'office'));
  const inGroup = hasRole(person, 'group_leader', 'member');
  const roundTasks = [
    ...(proposed.data?.rounds ?? []).map((r) => ({ round: r, title: `审批巡察轮次方案：${r.name}`, button: '审批' })),
    ...(returned.data?.rounds ?? []).map((r) => ({ round: r, title: `领导小组退回的方案：${r.name}`, button: '查看' })),
  ];
  const taskList = shownTasks(tasks.data?.pages);
  const counts = tasks.data?.pages[0]?.counts;
  const empty = !!tasks.data && taskList.length === 0 && roundTasks.length === 0;

  return (
    <Flex vertical gap={16}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        工作台
      </Typography.Title>
      <Card
        title={
          <h3 style={{ margin: 0 }}>
            我的待办 {!!counts && <Tag color={tone('red')}>{counts.total + roundTasks.length}</Tag>}
          </h3>
        }
        loading={tasks.isPending}
        data-testid="todo"
      >
        {empty && <Empty description="暂无待办" />}
        <Flex vertical gap={8}>
          {roundTasks.map(({ round, title, button }) => (
            <TodoItem
              key={round.id}
              title={title}
              lines={[`计划 ${formatDate(round.plannedStart)} 至 ${formatDate(round.plannedEnd)}`, round.statusReason ? `退回意见：${round.statusReason}` : `${round.launchedBy.name} 于 ${formatTime(round.statusChangedAt)} 提交`]}
              to={`/rounds/${round.id}`}
              button={button}
            />
          ))}
          {taskList.map((task) => (
            <TodoItem
              key={taskKey(task)}
              title={task.title}
              lines={[`${task.inspection.name} · ${stageTitle(task.stage)}`, `${task.round.name} · 截止 ${formatTime(task.dueAt)}`]}
              overdue={task.overdue}
              to={taskLink(task)}
              button={TASK_BUTTONS[task.kind]}
            />
          ))}
          {tasks.hasNextPage && (
            <Button block onClick={() => void tasks.fetchNextPage()} loading={tasks.isFetchingNextPage} data-testid="todo-more">
              加载更多{counts && counts.total > taskList.length ? `（还有 ${counts.total - taskList.length} 项）` : ''}
            </Button>
          )}
        </Flex>
      </Card>
      {inGroup && <MyInspections sub={person.sub} />}
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

function TodoItem({ title, lines, overdue, to, button }: { title: string; lines: string[]; overdue?: boolean; to: string; button: string }) {
  return (
    <Card size="small" type="inner">
      <Flex justify="space-between" align="center" wrap gap={8}>
        <div style={{ minWidth: 0 }}>
          <Typography.Text strong>{title}</Typography.Text>
          {overdue && (
            <Tag color={tone('red')} style={{ marginInlineStart: 8 }}>
              逾期
            </Tag>
          )}
          {lines.map((line) => (
            <div key={line}>
              <Typography.Text type="secondary">{line}</Typography.Text>
            </div>
          ))}
        </div>
        <Link to={to}>
          <Button type="primary">{button}</Button>
        </Link>
      </Flex>
    </Card>
  );
}

/** The inspections of my group, whatever their stage: where the group's daily work is done. */
function MyInspections({ sub }: { sub: string }) {
  const rounds = useRounds();
  const details = useQueries({
    queries: (rounds.data?.rounds ?? [])
      .filter((r) => r.status === 'active' || r.status === 'completed')
      .map((r) => ({
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
    <Card title={<h3 style={{ margin: 0 }}>我的巡察</h3>} loading={rounds.isPending} data-testid="my-inspections">
      {mine.length === 0 && <Empty description="尚未参加巡察组" />}
      <Flex vertical gap={8}>
        {mine.map((i) => (
          <Card key={i.id} size="small" type="inner">
            <Flex justify="space-between" align="center" wrap gap={8}>
              <div>
                <Typography.Text strong>{i.target.name}</Typography.Text>
                <div>
                  {i.group.name} · {stageTitle(i.stage)} <StateTag state={i.state} overdue={i.overdue} />
                </div>
                <Typography.Text type="secondary">
                  {i.roundName} · 截止 {formatTime(i.dueAt)}
                </Typography.Text>
              </div>
              <Link to={`/inspections/${i.id}`}>
                <Button>进入巡察</Button>
              </Link>
            </Flex>
          </Card>
        ))}
      </Flex>
    </Card>
  );
}
