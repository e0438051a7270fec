import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Drawer, Flex, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import type { ApiFailure } from '../api/client';
import { useTerms } from '../api/register-queries';
import { Failure, formatDate, tone } from '../app/widgets';
import { emptyText } from '../app/empty-text';
import { hasRole, useSession } from '../auth/session';
import { TERM_STATUS_LABELS } from '../i18n/register-labels';
import { TermForm } from './terms/term-form';

export const termStatusTone = (status: string) => tone(status === 'approved' ? 'green' : status === 'returned' ? 'red' : 'orange');

/** 届内巡察规划: the office proposes a term's plan, the leading group decides on it. */
export function TermsPage() {
  const person = useSession()!.person;
  const terms = useTerms();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  return (
    <Flex vertical gap={16}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={2} style={{ margin: 0 }}>
          届内巡察规划
        </Typography.Title>
        {hasRole(person, 'office') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            制定规划
          </Button>
        )}
      </Flex>
      {terms.isError && <Failure error={terms.error as ApiFailure} />}
      <Card>
        <Table
          rowKey="id"
          loading={terms.isPending}
          dataSource={terms.data?.terms ?? []}
          pagination={false}
          scroll={{ x: 760 }}
          locale={emptyText('尚无巡察规划')}
          columns={[
            { title: '规划', render: (_, t) => <Link to={`/terms/${t.id}`}>{t.name}</Link> },
            { title: '任期', width: 220, render: (_, t) => `${formatDate(t.startsOn)} 至 ${formatDate(t.endsOn)}` },
            { title: '状态', width: 140, render: (_, t) => <Tag color={termStatusTone(t.status)}>{TERM_STATUS_LABELS[t.status]}</Tag> },
            { title: '版本', width: 70, render: (_, t) => `第 ${t.version} 版` },
            { title: '覆盖情况', width: 110, render: (_, t) => <Link to={`/coverage?term=${t.id}`}>查看全覆盖</Link> },
          ]}
        />
      </Card>
      <Drawer open={creating} onClose={() => setCreating(false)} title="制定巡察规划" size="large" destroyOnHidden>
        <TermForm editing={null} onDone={(term) => void navigate(`/terms/${term.id}`)} />
      </Drawer>
    </Flex>
  );
}
