import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Drawer, Flex, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import type { ApiFailure } from '../api/client';
import { useOrganizations, type Organization } from '../api/register-queries';
import { Failure, formatDate, tone } from '../app/widgets';
import { emptyText } from '../app/empty-text';
import { useLastPresent } from '../app/use-last-present';
import { hasRole, useSession } from '../auth/session';
import { ORGANIZATION_KIND_LABELS, ORGANIZATION_LEVEL_LABELS } from '../i18n/register-labels';
import { OrganizationDeactivation } from './register/organization-deactivation';
import { optionsOf, OrganizationForm } from './register/organization-form';
import { OrganizationHistory } from './register/organization-history';
import { OrganizationImport } from './register/organization-import';

/** The register in the system's tree order (each organisation under its parent), with its depth for indenting. */
function inTreeOrder(organizations: Organization[]): { organization: Organization; depth: number }[] {
  const known = new Set(organizations.map((o) => o.id));
  const children = new Map<string | null, Organization[]>();
  for (const o of organizations) {
    const parent = o.parentId && known.has(o.parentId) ? o.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), o]);
  }
  const ordered: { organization: Organization; depth: number }[] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const o of (children.get(parent) ?? []).sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'))) {
      ordered.push({ organization: o, depth });
      walk(o.id, depth + 1);
    }
  };
  walk(null, 0);
  return ordered;
}

type Panel = { kind: 'new' } | { kind: 'edit' | 'deactivate' | 'history'; organization: Organization } | null;

/** 被巡察单位名录: the office keeps it (register, import, change, deactivate); leaders and auditors read it. */
export function RegisterPage() {
  const person = useSession()!.person;
  const office = hasRole(person, 'office');
  const organizations = useOrganizations();
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<'all' | 'active' | 'inactive'>('active');
  const [level, setLevel] = useState<Organization['level'] | undefined>();
  const [panel, setPanel] = useState<Panel>(null);
  const titled = useLastPresent(panel);
  const all = useMemo(() => organizations.data?.organizations ?? [], [organizations.data]);
  const nameOf = new Map(all.map((o) => [o.id, o.name]));
  const rows = inTreeOrder(all).filter(
    ({ organization: o }) =>
      (!search.trim() || o.name.includes(search.trim()) || (o.principalLeader ?? '').includes(search.trim())) &&
      (status === 'all' || (status === 'active') === o.active) &&
      (!level || o.level === level),
  );

  return (
    <Flex vertical gap={16}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={2} style={{ margin: 0 }}>
          被巡察单位名录
        </Typography.Title>
        {office && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setPanel({ kind: 'new' })}>
            登记单位
          </Button>
        )}
      </Flex>
      {office && (
        <Card size="small" title={<h3 style={{ margin: 0, fontSize: 16 }}>从 Excel 导入</h3>}>
          <OrganizationImport />
        </Card>
      )}
      <Card size="small">
        <Flex gap={8} wrap style={{ marginBottom: 12 }}>
          <Input.Search allowClear placeholder="按名称或主要负责人查找" aria-label="查找单位" style={{ width: 280 }} value={search} onChange={(e) => setSearch(e.target.value)} />
          <Select
            aria-label="状态"
            style={{ width: 120 }}
            value={status}
            onChange={setStatus}
            options={[
              { value: 'active', label: '在册' },
              { value: 'inactive', label: '已撤销' },
              { value: 'all', label: '全部' },
            ]}
          />
          <Select aria-label="级别" allowClear placeholder="全部级别" style={{ width: 140 }} value={level} onChange={setLevel} options={optionsOf(ORGANIZATION_LEVEL_LABELS)} />
        </Flex>
        {organizations.isError && <Failure error={organizations.error as ApiFailure} />}
        <Table
          rowKey={(r) => r.organization.id}
          size="small"
          loading={organizations.isPending}
          dataSource={rows}
          pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }}
          scroll={{ x: 980 }}
          data-testid="register"
          locale={emptyText(all.length === 0 ? '名录为空：请登记单位或从 Excel 导入' : '没有符合条件的单位')}
          columns={[
            {
              title: '名称',
              render: (_, { organization: o, depth }) => (
                // Indented under its parent while the whole tree shows; a search shows the parent's name instead.
                <span style={{ paddingInlineStart: search ? 0 : depth * 20 }}>
                  {o.name}
                  {search && o.parentId && <Typography.Text type="secondary">（{nameOf.get(o.parentId)}）</Typography.Text>}
                </span>
              ),
            },
            { title: '类型', width: 80, render: (_, { organization: o }) => ORGANIZATION_KIND_LABELS[o.kind] },
            { title: '级别', width: 80, render: (_, { organization: o }) => ORGANIZATION_LEVEL_LABELS[o.level] },
            { title: '主要负责人', width: 110, render: (_, { organization: o }) => o.principalLeader ?? '—' },
            { title: '起止', width: 200, render: (_, { organization: o }) => `${formatDate(o.activeFrom)} 至 ${o.activeUntil ? formatDate(o.activeUntil) : '今'}` },
            {
              title: '状态',
              width: 80,
              render: (_, { organization: o }) => <Tag color={tone(o.active ? 'green' : 'default')}>{o.active ? '在册' : '已撤销'}</Tag>,
            },
            {
              title: '操作',
              width: office ? 190 : 80,
              render: (_, { organization: o }) => (
                <Space size={4}>
                  <Button size="small" onClick={() => setPanel({ kind: 'history', organization: o })} aria-label={`${o.name}的履历`}>
                    履历（{o.version}）
                  </Button>
                  {office && o.active && (
                    <>
                      <Button size="small" onClick={() => setPanel({ kind: 'edit', organization: o })} aria-label={`修改${o.name}`}>
                        修改
                      </Button>
                      <Button size="small" danger onClick={() => setPanel({ kind: 'deactivate', organization: o })} aria-label={`撤销${o.name}`}>
                        撤销
                      </Button>
                    </>
                  )}
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <Drawer
        open={!!panel}
        onClose={() => setPanel(null)}
        destroyOnHidden
        size="large"
        title={
          titled?.kind === 'new'
            ? '登记单位'
            : titled?.kind === 'edit'
              ? `修改：${titled.organization.name}`
              : titled?.kind === 'deactivate'
                ? `撤销：${titled.organization.name}`
                : titled?.kind === 'history'
                  ? `履历：${titled.organization.name}`
                  : ''
        }
      >
        {panel?.kind === 'new' && <OrganizationForm editing={null} organizations={all} onDone={() => setPanel(null)} />}
        {panel?.kind === 'edit' && <OrganizationForm editing={panel.organization} organizations={all} onDone={() => setPanel(null)} />}
        {panel?.kind === 'deactivate' && <OrganizationDeactivation organization={panel.organization} onDone={() => setPanel(null)} />}
        {panel?.kind === 'history' && <OrganizationHistory id={panel.organization.id} organizations={all} />}
      </Drawer>
    </Flex>
  );
}
