import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Flex, Spin, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { api, unwrap } from '../api/client';
import { signIn } from './session';

/**
 * Where the identity provider sends the person back with a code: the code becomes
 * tokens, the API says who the access token names (the provider may keep the roles
 * anywhere: the API reads them where it was told to), and the person goes on where
 * they were headed.
 */
export function SignInCallbackPage() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [failure, setFailure] = useState<string | null>(null);
  // A code is good for one exchange; React's development double effect must not spend it twice.
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    void (async () => {
      try {
        const config = await unwrap(api.GET('/api/v1/console-config'));
        if (!config.signIn.oidc) throw new Error('本服务器未配置统一身份认证。');
        const { completeProviderSignIn } = await import('./oidc');
        const { session, from } = await completeProviderSignIn(config.signIn.oidc);
        const person = await unwrap(api.GET('/api/v1/me', { headers: { authorization: `Bearer ${session.token}` } }));
        queryClient.clear();
        signIn({ ...session, person });
        // Only a path of ours: the state came back through the provider.
        await navigate(from.startsWith('/') && !from.startsWith('//') ? from : '/', { replace: true });
      } catch (error) {
        setFailure((error as Error).message);
      }
    })();
  }, [navigate, queryClient]);

  return (
    <main>
      <Flex justify="center" style={{ padding: 24, minHeight: '100vh', background: '#f5f5f5' }}>
        <Card style={{ width: 560, maxWidth: '100%', alignSelf: 'flex-start', marginTop: '8vh' }}>
          <Typography.Title level={1} style={{ fontSize: 24 }}>
            巡察工作台 · 登录
          </Typography.Title>
          {failure === null ? (
            <Flex gap={8} align="center">
              <Spin /> 正在完成统一身份认证登录……
            </Flex>
          ) : (
            <>
              <Alert type="error" showIcon title="登录未完成" description={failure} style={{ marginBottom: 16 }} />
              <Button type="primary" onClick={() => void navigate('/signin', { replace: true })}>
                返回登录页
              </Button>
            </>
          )}
        </Card>
      </Flex>
    </main>
  );
}
