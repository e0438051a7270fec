import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startIdentityProvider, type RunningIdentityProvider } from '../support/identity-provider.js';
import { screenshot } from './support/browser.js';
import { consoleUnderTest, expectAccessible } from './support/console-under-test.js';
import { freePort } from './support/system.js';

// Roles as the provider holds them: one of xuncha's, and one it keeps for other applications.
const account = { login: 'qian.zuzhang', password: 'correct horse', sub: 'idp-7f3a', name: '钱组长', roles: ['group_leader', 'offline_access'] };

let provider: RunningIdentityProvider;
const web = consoleUnderTest({
  // The provider must know the console's address (its redirect URI) before the system starts with the provider's.
  before: async () => {
    const port = await freePort();
    provider = await startIdentityProvider({ consoleUrl: `http://127.0.0.1:${port}`, account });
    return {
      port,
      env: {
        OIDC_ISSUER: provider.issuer,
        OIDC_CLIENT_ID: provider.clientId,
        OIDC_ROLES_CLAIM: provider.rolesClaim,
        OIDC_SCOPE: provider.scope,
        JWT_AUDIENCE: provider.audience,
      },
    };
  },
  after: async () => provider?.stop(),
});
const { newPage, cspViolations } = web;

/** From the console's sign-in page through the provider's login page, back to the console. */
async function signInAtProvider(page: Page): Promise<void> {
  await page.getByRole('button', { name: '使用统一身份认证登录' }).click();
  await page.waitForURL(`${provider.issuer}/interaction/**`);
  await page.getByLabel('用户名').fill(account.login);
  await page.getByLabel('密码').fill(account.password);
  await page.getByRole('button', { name: '登录' }).click();
}

const storedSession = async (page: Page) => JSON.parse((await page.evaluate(`localStorage.getItem('xuncha.session')`)) as string) as { token: string };

describe('signing in with the organisation’s identity provider', () => {
  it('signs a person in at the provider’s page, shows their name and role on the 工作台, serves their API calls, and signs them out there too', async () => {
    const { context, page } = await newPage();
    await page.goto('/rounds');
    await page.waitForURL(`${web.system.url}/signin`);
    await page.getByRole('button', { name: '使用统一身份认证登录' }).waitFor();
    // The demo people are npm start's own-secret mode only.
    expect(await page.getByText('演示环境').count()).toBe(0);
    await screenshot(page, 'oidc-01-sign-in');
    await expectAccessible(page);

    await page.getByRole('button', { name: '使用统一身份认证登录' }).click();
    await page.waitForURL(`${provider.issuer}/interaction/**`);
    await screenshot(page, 'oidc-02-provider-login');
    await page.getByLabel('用户名').fill(account.login);
    await page.getByLabel('密码').fill(account.password);
    const tasks = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/v1/tasks');
    await page.getByRole('button', { name: '登录' }).click();

    // Back where they were headed, as the provider's access token names them.
    await page.getByTestId('signed-in-as').filter({ hasText: account.name }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/rounds');
    await page.getByText('巡察组组长', { exact: true }).waitFor();
    await page.getByRole('menuitem', { name: '工作台' }).click();
    expect((await tasks).status()).toBe(200);
    await page.getByRole('heading', { name: '工作台' }).waitFor();
    await page.getByText('暂无待办').waitFor();
    await screenshot(page, 'oidc-03-home');
    expect(cspViolations).toEqual([]);

    // The token the console holds is the provider's, for the API, and the API reads the person from it.
    const { token } = await storedSession(page);
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { iss: string; aud: string };
    expect([claims.iss, claims.aud]).toEqual([provider.issuer, provider.audience]);
    const me = await fetch(`${web.system.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(await me.json()).toEqual({ sub: account.sub, name: account.name, roles: ['group_leader'] });

    await page.getByRole('button', { name: '退出' }).click();
    await page.getByRole('heading', { name: '是否退出统一身份认证？' }).waitFor();
    await page.getByRole('button', { name: '确认退出' }).click();
    await page.waitForURL(`${web.system.url}/signin`);
    await page.getByText('您已退出登录。').waitFor();
    expect(await page.evaluate(`localStorage.getItem('xuncha.session')`)).toBeNull();
    await screenshot(page, 'oidc-04-signed-out');

    // The provider's session ended with ours: signing in again asks for the password again.
    await page.getByRole('button', { name: '使用统一身份认证登录' }).click();
    await page.waitForURL(`${provider.issuer}/interaction/**`);
    await page.getByLabel('密码').waitFor();
    await context.close();
  });

  it('sends a person whose provider token has run out back to sign in, saying so, without leaving the provider’s session', async () => {
    const { context, page } = await newPage();
    await page.goto('/');
    await signInAtProvider(page);
    await page.getByTestId('signed-in-as').filter({ hasText: account.name }).waitFor();

    // The session a sign-in left behind, whose token has run out since: only the API can tell (expiresAt unknown).
    const session = await storedSession(page);
    const expired = await provider.sign({ sub: account.sub, name: account.name, realm_access: { roles: account.roles } }, { expiresIn: '-1m' });
    await page.evaluate(`localStorage.setItem('xuncha.session', ${JSON.stringify(JSON.stringify({ ...session, token: expired, expiresAt: null }))})`);
    await page.goto('/rounds');
    await page.getByText('登录已过期，请重新登录。').waitFor();
    expect(new URL(page.url()).pathname).toBe('/signin');
    await screenshot(page, 'oidc-05-expired');

    // The provider still knows the person: signing in again needs no password.
    await page.getByRole('button', { name: '使用统一身份认证登录' }).click();
    await page.getByTestId('signed-in-as').filter({ hasText: account.name }).waitFor();
    await context.close();
  });
});
