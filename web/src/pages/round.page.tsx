import { Button, Card, Descriptions, Flex, Space, Table, Typography } from 'antd';
import { Link, useParams } from 'react-router';
import { useRound } from '../api/queries';
import { Failure, formatDate, formatTime, StateTag, WaitingOn } from '../app/widgets';
import { hasRole, useSession } from '../auth/session';
import { stageTitle } from '../model';
import type { ApiFailure } from '../api/client';

export function RoundPage() {
  const { roundId } = useParams() as { roundId: string };
  const person = useSession()!.person;
  const round = useRound(roundId);
  if (round.isError) return <Failure error={round.error as ApiFailure} />;
  const data = round.data;
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
            ]}
          />
        )}
      </Card>
      <Card title={<h3 style={{ margin: 0 }}>被巡察单位</h3>}>
        <Table
          rowKey="id"
          loading={round.isPending}
          dataSource={data?.inspections ?? []}
          pagination={false}
          scroll={{ x: 900 }}
          columns={[
            { title: '被巡察单位', render: (_, i) => i.target.name },
            { title: '巡察组', render: (_, i) => `${i.group.name}（组长 ${i.group.leader.name}）` },
            { title: '阶段', render: (_, i) => stageTitle(i.stage) },
            { title: '状态', render: (_, i) => <StateTag state={i.state} overdue={i.overdue} /> },
            { title: '等待', render: (_, i) => <WaitingOn waitingOn={i.waitingOn} /> },
            { title: '截止', render: (_, i) => formatTime(i.dueAt) },
            {
              title: '操作',
              render: (_, i) => (
                <Space wrap>
                  <Link to={`/inspections/${i.id}`}>工作台</Link>
                  {i.state === 'submitted' && hasRole(person, 'office', 'leading_group', 'party_committee') && (
                    <Link to={`/inspections/${i.id}/approval`}>审批</Link>
                  )}
                  {hasRole(person, 'auditor', 'office', 'leading_group') && <Link to={`/inspections/${i.id}/audit`}>履历与校验</Link>}
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <Link to="/rounds">
        <Button>返回轮次列表</Button>
      </Link>
    </Flex>
  );
}
