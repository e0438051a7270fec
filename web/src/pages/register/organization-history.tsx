import { Alert, Descriptions, Empty, Spin, Timeline, Typography } from 'antd';
import type { ApiFailure } from '../../api/client';
import { useOrganization, type Organization } from '../../api/register-queries';
import { formatTime } from '../../app/widgets';
import { ORGANIZATION_CHANGE_LABELS, ORGANIZATION_KIND_LABELS, ORGANIZATION_LEVEL_LABELS } from '../../i18n/register-labels';

/** Every version of an organisation, oldest first: who changed what, when and why. */
export function OrganizationHistory({ id, organizations }: { id: string; organizations: Organization[] }) {
  const organization = useOrganization(id);
  const nameOf = (parentId: string | null) => (parentId ? (organizations.find((o) => o.id === parentId)?.name ?? parentId) : '—');
  if (organization.isError) return <Alert type="error" showIcon title={(organization.error as ApiFailure).message} />;
  if (!organization.data) return <Spin />;
  const { history } = organization.data;
  if (history.length === 0) return <Empty description="暂无版本记录" />;
  return (
    <Timeline
      items={history.map((v) => ({
        key: v.version,
        content: (
          <div data-testid="organization-version">
            <Typography.Text strong>
              第 {v.version} 版 · {ORGANIZATION_CHANGE_LABELS[v.change]}
            </Typography.Text>
            <div>
              {v.actor.name} · {formatTime(v.at)}
              {v.reason ? ` · ${v.reason}` : ''}
            </div>
            <Descriptions
              size="small"
              column={1}
              style={{ marginTop: 4 }}
              items={[
                { label: '名称', children: v.data.name },
                { label: '类型 / 级别', children: `${ORGANIZATION_KIND_LABELS[v.data.kind]} · ${ORGANIZATION_LEVEL_LABELS[v.data.level]}` },
                { label: '上级党组织', children: nameOf(v.data.parentId) },
                { label: '主要负责人', children: v.data.principalLeader ?? '—' },
                { label: '起止', children: `${v.data.activeFrom} 至 ${v.data.activeUntil ?? '今'}` },
              ]}
            />
          </div>
        ),
      }))}
    />
  );
}
