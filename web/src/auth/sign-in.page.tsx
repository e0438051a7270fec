import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Flex, Spin, Typography } from 'antd';
import { useState } from 'react';
import { Navigate, useLocation } from 'react-router';
import { api, unwrap, type ApiFailure } from '../api/client';
import { ROLE_LABELS } from '../i18n/labels';
import { sessionFromToken, signIn, takeSignOutReason, useSession } from './session';

/**
 * Sign-in. Today the only way in is the demo people, offered only by a server that runs
 * `npm start` on its own secret (`GET /api/v1/demo/people` is 404 anywhere else). An
 * organisation's identity provider (OpenID Connect with PKCE, `oidc-client-ts`) goes
 * here beside it: it ends, as the demo does, in `signIn(sessionFromToken(token))`.
 */
export function SignInPage() {
  const session = useSession();
  const location = useLocation();
  const queryClient = useQueryClient();
  const [reason] = useState(takeSignOutReason);
  const people = useQuery({
    queryKey: ['demo-people'],
    queryFn: () => unwrap(api.GET('/api/v1/demo/people')),
    retry: false,
    refetchInterval: false,
  });
  const signInAs = useMutation<unknown, ApiFailure, string>({
    mutationFn: async (sub) => {
      const answer = await unwrap(api.POST('/api/v1/demo/sessions', { body: { sub } }));
      queryClient.clear();
      signIn(sessionFromToken(answer.token));
      return answer;
    },
  });

  if (session) return <Navigate to={(location.state as { from?: string } | null)?.from ?? '/'} replace />;

  return (
    <main>
      <Flex justify="center" style={{ padding: 24, minHeight: '100vh', background: '#f5f5f5' }}>
        <Card style={{ width: 560, maxWidth: '100%', alignSelf: 'flex-start', marginTop: '8vh' }}>
          <Typography.Title level={1} style={{ fontSize: 24 }}>
            巡察工作台 · 登录
          </Typography.Title>
          {reason === 'expired' && <Alert type="warning" showIcon title="登录已过期，请重新登录。" style={{ marginBottom: 16 }} />}
          {reason === 'signed_out' && <Alert type="info" showIcon title="您已退出登录。" style={{ marginBottom: 16 }} />}
          {people.isPending && <Spin />}
          {people.isError && (
            <Alert
              type="info"
              showIcon
              title="本服务器未开放演示账号"
              description="请使用本单位统一身份认证登录（尚未配置）。"
            />
          )}
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
