import { tone } from './widgets';
import { LogoutOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Button, Flex, Grid, Layout, Menu, Spin, Tag, Typography } from 'antd';
import { Suspense } from 'react';
import { Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { hasRole, signOut, useSession } from '../auth/session';
import { ROLE_LABELS } from '../i18n/labels';

/** The frame of every signed-in screen: who is signed in, where they can go, signing out. */
export function Shell() {
  const session = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  // On a phone the header has room for the name and 退出 only: the role tag would push 退出 off the screen.
  const wide = Grid.useBreakpoint().sm !== false;
  const queryClient = useQueryClient();
  if (!session) return <Navigate to="/signin" replace state={{ from: location.pathname }} />;
  const { person } = session;

  const items = [
    { key: '/', label: '工作台' },
    ...(hasRole(person, 'office', 'leading_group', 'party_committee', 'auditor', 'group_leader', 'member')
      ? [{ key: '/rounds', label: '巡察轮次' }]
      : []),
    ...(hasRole(person, 'office') ? [{ key: '/rounds/new', label: '发起巡察' }] : []),
    // The register, term plans, coverage and statistics: read by these four (api/routes/organizations, terms, statistics).
    ...(hasRole(person, 'office', 'leading_group', 'party_committee', 'auditor')
      ? [
          { key: '/organizations', label: '被巡察单位' },
          { key: '/terms', label: '巡察规划' },
          { key: '/coverage', label: '全覆盖' },
          { key: '/statistics', label: '统计' },
        ]
      : []),
  ];
  const selected = items.filter((i) => i.key === location.pathname).map((i) => i.key);

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 16, paddingInline: 16, background: '#8e1414' }}>
        <Typography.Text strong style={{ color: '#fff', fontSize: 18, whiteSpace: 'nowrap' }}>
          巡察工作台
        </Typography.Text>
        <nav aria-label="主菜单" style={{ flex: 1, minWidth: 0 }}>
          <Menu
            theme="dark"
            mode="horizontal"
            selectedKeys={selected}
            items={items}
            onClick={({ key }) => void navigate(key)}
            style={{ background: 'transparent', minWidth: 0 }}
          />
        </nav>
        <Flex align="center" gap={8} style={{ color: '#fff', whiteSpace: 'nowrap' }}>
          <span data-testid="signed-in-as">{person.name}</span>
          {wide && (
            <Tag color={tone('gold')} style={{ marginInlineEnd: 0 }}>
              {person.roles.map((r) => ROLE_LABELS[r]).join('、')}
            </Tag>
          )}
          <Button
            size="small"
            icon={<LogoutOutlined />}
            onClick={() => {
              signOut('signed_out');
              queryClient.clear();
            }}
          >
            退出
          </Button>
        </Flex>
      </Layout.Header>
      <Layout.Content style={{ padding: 16, maxWidth: 1400, width: '100%', margin: '0 auto' }}>
        <main>
          <Suspense fallback={<Spin />}>
            <Outlet />
          </Suspense>
        </main>
      </Layout.Content>
    </Layout>
  );
}
