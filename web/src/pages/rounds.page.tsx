import { Button, Card, Flex, Table, Typography } from 'antd';
import { Link } from 'react-router';
import { useRoundPages } from '../api/queries';
import { formatDate, StateTag } from '../app/widgets';
import { hasRole, useSession } from '../auth/session';

/** The rounds, newest first, a page at a time: 「加载更多」 under the table asks for the next page. */
export function RoundsPage() {
  const person = useSession()!.person;
  const rounds = useRoundPages();
  // A round proposed while the pages are read comes first and shifts nothing; one id is shown once all the same.
  const shown = [...new Map((rounds.data?.pages ?? []).flatMap((page) => page.rounds).map((r) => [r.id, r])).values()];
  return (
    <Flex vertical gap={16}>
      <Flex justify="space-between" align="center">
        <Typography.Title level={2} style={{ margin: 0 }}>
          巡察轮次
        </Typography.Title>
        {hasRole(person, 'office') && (
          <Link to="/rounds/new">
            <Button type="primary">发起巡察</Button>
          </Link>
        )}
      </Flex>
      <Card>
        <Table
          rowKey="id"
          loading={rounds.isPending}
          dataSource={shown}
          pagination={false}
          scroll={{ x: 700 }}
          columns={[
            { title: '轮次', dataIndex: 'name', render: (name: string, r) => <Link to={`/rounds/${r.id}`}>{name}</Link> },
            { title: '年度', dataIndex: 'year', width: 80 },
            { title: '计划时间', render: (_, r) => `${formatDate(r.plannedStart)} 至 ${formatDate(r.plannedEnd)}` },
            { title: '状态', dataIndex: 'status', width: 100, render: (s: string) => <StateTag state={s} /> },
            { title: '发起人', render: (_, r) => r.launchedBy.name, width: 120 },
          ]}
        />
        {rounds.hasNextPage && (
          <Flex justify="center" style={{ marginTop: 16 }}>
            <Button onClick={() => void rounds.fetchNextPage()} loading={rounds.isFetchingNextPage} data-testid="rounds-more">
              加载更多
            </Button>
          </Flex>
        )}
      </Card>
    </Flex>
  );
}
