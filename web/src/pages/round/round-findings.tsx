import { Card, Empty, Flex, Statistic, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { useNotifications, useRoundProgress, type Round } from '../../api/queries';
import { emptyText } from '../../app/empty-text';
import { Failure, formatTime, tone } from '../../app/widgets';
import type { ApiFailure } from '../../api/client';
import { RECTIFICATION_STATE_LABELS } from '../../i18n/register-labels';
import { stageTitle } from '../../model';

const card = { flex: '1 1 300px', minWidth: 0 } as const;
const heading = (text: string) => <h3 style={{ margin: 0, fontSize: 16 }}>{text}</h3>;

/**
 * Beside the matrix, what the round has found and what follows from it: problems by focus area,
 * leads and their hand-over, rectification items by the office's verification, overdue stages and
 * escalations. Counts only: the leads themselves stay in their inspections, read by their readers.
 */
export function RoundFindings({ round }: { round: Round }) {
  const progress = useRoundProgress(round.id);
  if (progress.isError) return <Failure error={progress.error as ApiFailure} />;
  const totals = progress.data?.totals;
  const categories = Object.entries(totals?.problemsByCategory ?? {})
    .map(([category, count]) => ({ category, count }))
    .sort((a, b) => b.count - a.count || a.category.localeCompare(b.category, 'zh'));
  return (
    <Flex gap={16} wrap align="stretch" data-testid="round-findings">
      <Card size="small" title={heading(`发现问题（${totals?.problems ?? 0}）`)} loading={progress.isPending} style={card} data-testid="round-problems">
        <Table
          rowKey="category"
          size="small"
          pagination={false}
          dataSource={categories}
          locale={emptyText('尚未形成问题底稿')}
          columns={[
            { title: '监督重点', dataIndex: 'category' },
            { title: '问题数', dataIndex: 'count', width: 80, align: 'right' },
          ]}
        />
      </Card>
      <Card size="small" title={heading('问题线索')} loading={progress.isPending} style={card} data-testid="round-leads">
        <Flex gap={24} wrap>
          <Statistic title="已确认" value={totals?.leads ?? 0} />
          <Statistic title="待移交" value={totals?.leadsNotHandedOver ?? 0} />
        </Flex>
      </Card>
      <Card size="small" title={heading('整改事项')} loading={progress.isPending} style={card} data-testid="round-rectification">
        <Flex gap={24} wrap>
          {(['open', 'returned', 'accepted', 'long_term'] as const).map((state) => (
            <Statistic key={state} title={RECTIFICATION_STATE_LABELS[state]} value={totals?.rectificationItems[state] ?? 0} />
          ))}
        </Flex>
      </Card>
      <RoundNotifications round={round} overdue={totals?.overdue} />
    </Flex>
  );
}

/** The round's overdue stages and escalated submissions, newest first, named by the unit inspected. */
function RoundNotifications({ round, overdue }: { round: Round; overdue: number | undefined }) {
  const notifications = useNotifications();
  const targets = new Map(round.inspections.map((i) => [i.id, i.target.name]));
  const mine = (notifications.data?.notifications ?? []).filter((n) => n.roundId === round.id);
  return (
    <Card
      size="small"
      title={heading(`逾期与催办${overdue ? `（逾期阶段 ${overdue}）` : ''}`)}
      loading={notifications.isPending}
      style={{ ...card, flexBasis: '100%' }}
      data-testid="round-notifications"
    >
      {mine.length === 0 && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={<Typography.Text type="secondary">本轮没有逾期或催办</Typography.Text>} />}
      <Flex vertical gap={4}>
        {mine.slice(0, 30).map((n) => (
          <div key={n.id}>
            <Tag color={tone(n.kind === 'overdue' ? 'red' : 'orange')}>{n.kind === 'overdue' ? '逾期' : '催办'}</Tag>
            <Link to={`/inspections/${n.inspectionId}`}>{targets.get(n.inspectionId) ?? '巡察'}</Link> · {stageTitle(n.stage)} · {formatTime(n.createdAt)} ·{' '}
            <Typography.Text type="secondary">{n.message}</Typography.Text>
          </div>
        ))}
      </Flex>
    </Card>
  );
}
