import { Button, Card, Flex, Table, Typography } from 'antd';
import { Link } from 'react-router';
import { useRounds } from '../api/queries';
import { formatDate, StateTag } from '../app/widgets';
import { hasRole, useSession } from '../auth/session';

export function RoundsPage() {
  const person = useSession()!.person;
  const rounds = useRounds();
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
          dataSource={rounds.data?.rounds ?? []}
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
      </Card>
    </Flex>
  );
}
