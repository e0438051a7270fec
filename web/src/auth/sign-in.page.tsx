import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Flex, Spin, Typography } from 'antd';
import { useState } from 'react';
import { Navigate, useLocation } from 'react-router';
import { api, unwrap, type ApiFailure } from '../api/client';
import { ROLE_LABELS } from '../i18n/labels';
import { sessionFromToken, signIn, takeSignOutReason, useSession } from './session';

/**
 * Sign-in, in the ways the server says are open (`GET /api/v1/console-config`, so one
 * build serves every deployment): the organisation's identity provider (OpenID Connect,
 * authorization code with PKCE; the provider's page, then /signin/callback), and the
 * demo people, offered only by `npm start` on its own secret.
 */
export function SignInPage() {
  const session = useSession();
  const location = useLocation();
  const queryClient = useQueryClient();
  const [reason] = useState(takeSignOutReason);
  const from = (location.state as { from?: string } | null)?.from ?? '/';
  const config = useQuery({
    queryKey: ['console-config'],
    queryFn: () => unwrap(api.GET('/api/v1/console-config')),
    refetchInterval: false,
    refetchOnWindowFocus: false,
  });
  const oidc = config.data?.signIn.oidc ?? null;
  const people = useQuery({
    queryKey: ['demo-people'],
    queryFn: () => unwrap(api.GET('/api/v1/demo/people')),
    enabled: config.data?.signIn.demo === true,
    retry: false,
    refetchInterval: false,
  });
  const toProvider = useMutation<void, Error>({
    mutationFn: async () => {
      const { signInWithProvider } = await import('./oidc');
      await signInWithProvider(oidc!, from);
    },
  });
  const signInAs = useMutation<unknown, ApiFailure, string>({
    mutationFn: async (sub) => {
      const answer = await unwrap(api.POST('/api/v1/demo/sessions', { body: { sub } }));
      queryClient.clear();
      signIn(sessionFromToken(answer.token));
      return answer;
    },
  });

  if (session) return <Navigate to={from} replace />;

  return (
    <main>
      <Flex justify="center" style={{ padding: 24, minHeight: '100vh', background: '#f5f5f5' }}>
        <Card style={{ width: 560, maxWidth: '100%', alignSelf: 'flex-start', marginTop: '8vh' }}>
          <Typography.Title level={1} style={{ fontSize: 24 }}>
            巡察工作台 · 登录
          </Typography.Title>
          {reason === 'expired' && <Alert type="warning" showIcon title="登录已过期，请重新登录。" style={{ marginBottom: 16 }} />}
          {reason === 'signed_out' && <Alert type="info" showIcon title="您已退出登录。" style={{ marginBottom: 16 }} />}
          {config.isPending && <Spin />}
          {config.isError && <Alert type="error" showIcon title="无法读取登录配置" description={config.error.message} />}
          {oidc && (
            <Flex vertical gap={8} style={{ marginBottom: 16 }}>
              <Button type="primary" size="large" block loading={toProvider.isPending || toProvider.isSuccess} onClick={() => toProvider.mutate()}>
                使用统一身份认证登录
              </Button>
              <Typography.Text type="secondary">将前往本单位统一身份认证页面（{new URL(oidc.issuer).host}）。</Typography.Text>
              {toProvider.isError && <Alert type="error" showIcon title="无法连接统一身份认证" description={toProvider.error.message} />}
            </Flex>
          )}
          {config.data && !oidc && !config.data.signIn.demo && (
            <Alert type="warning" showIcon title="本服务器未配置登录方式" description="请联系管理员配置统一身份认证（OIDC_ISSUER、OIDC_CLIENT_ID）。" />
          )}
          {config.data?.signIn.demo && people.isPending && <Spin />}
          {people.isError && <Alert type="error" showIcon title="无法读取演示账号" description={people.error.message} />}
          {people.data && (
            <>
              <Typography.Paragraph>演示环境：选择一位人员直接登录（无需密码）。</Typography.Paragraph>
              <Flex vertical gap={8}>
                {people.data.people.map((person) => (
                  <Button
                    key={person.sub}
                    size="large"
                    block
                    loading={signInAs.isPending && signInAs.variables === person.sub}
                    disabled={signInAs.isPending}
                    onClick={() => signInAs.mutate(person.sub)}
                    style={{ justifyContent: 'space-between', display: 'flex' }}
                  >
                    <span>{person.name}</span>
                    <Typography.Text type="secondary">{person.roles.map((r) => ROLE_LABELS[r]).join('、')}</Typography.Text>
                  </Button>
                ))}
              </Flex>
              {signInAs.isError && <Alert type="error" showIcon title={signInAs.error.message} style={{ marginTop: 16 }} />}
            </>
          )}
        </Card>
      </Flex>
    </main>
  );
}
