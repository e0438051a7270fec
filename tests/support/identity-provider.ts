import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import Provider, { type Interaction } from 'oidc-provider';
import type { Role } from '../../workflows/roles.js';

/** Someone who can sign in at the test provider, with the roles it puts in their access token. */
export interface ProviderAccount {
  login: string;
  password: string;
  sub: string;
  name: string;
  /** Roles as the provider holds them: xuncha's and others' (another application's) mixed. */
  roles: (Role | string)[];
}

export interface RunningIdentityProvider {
  issuer: string;
  clientId: string;
  /** The API's audience: access tokens carry it because the provider knows the API as a resource server. */
  audience: string;
  scope: string;
  /** Where the access token keeps the roles, as OIDC_ROLES_CLAIM names it. */
  rolesClaim: string;
  account: ProviderAccount;
  /** Signs a token with the provider's own key: for what no client of the provider would ever be given. */
  sign(claims: JWTPayload, options?: { audience?: string; issuer?: string; expiresIn?: string }): Promise<string>;
  stop(): Promise<void>;
}

const API_RESOURCE = 'urn:xuncha:api';
const API_SCOPE = 'xuncha';
const KEY_ID = 'test-provider-1';

/**
 * A real OpenID provider (the `oidc-provider` package) on a loopback port: one public
 * console client (authorization code with PKCE), one account, JWT access tokens for the
 * API with the roles nested as Keycloak nests them (`realm_access.roles`). Its login
 * page is our own, so nothing in it reaches out to the internet; consent is implied,
 * as it is for an organisation's own console.
 */
export async function startIdentityProvider(options: { consoleUrl: string; account: ProviderAccount }): Promise<RunningIdentityProvider> {
  const { consoleUrl, account } = options;
  const clientId = 'xuncha-console';
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), kid: KEY_ID, alg: 'RS256', use: 'sig' };

  // Requests arrive only once the provider below exists: its issuer names the port this server got.
  const server: Server = createServer((request, response) => {
    const handle = request.url?.startsWith('/interaction/') ? interact(provider, account, request, response) : Promise.resolve(provider.callback()(request, response));
    handle.catch((error: unknown) => {
      response.statusCode = 500;
      response.end(`test provider: ${(error as Error).message}`);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_name: '巡察工作台',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [`${consoleUrl}/signin/callback`],
        post_logout_redirect_uris: [`${consoleUrl}/signin`],
      },
    ],
    jwks: { keys: [privateJwk] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    claims: { openid: ['sub'], profile: ['name'] },
    scopes: ['openid', 'profile', API_SCOPE],
    pkce: { required: () => true },
    findAccount: async (_ctx: unknown, sub: string) =>
      sub === account.sub ? { accountId: sub, claims: async () => ({ sub, name: account.name }) } : undefined,
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    extraTokenClaims: async (_ctx: unknown, token: { accountId?: string; kind: string }) =>
      token.kind === 'AccessToken' && token.accountId === account.sub ? { name: account.name, realm_access: { roles: account.roles } } : undefined,
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true, logoutSource },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => API_RESOURCE,
        useGrantedResource: async () => true,
        getResourceServerInfo: async () => ({ scope: API_SCOPE, audience: API_RESOURCE, accessTokenFormat: 'jwt', accessTokenTTL: 600 }),
      },
    },
    renderError: async (ctx: { type: string; body: string }, out: Record<string, string>) => {
      ctx.type = 'html';
      ctx.body = `<!doctype html><title>error</title><pre>${escapeHtml(JSON.stringify(out, null, 2))}</pre>`;
    },
  });

  return {
    issuer,
    clientId,
    audience: API_RESOURCE,
    scope: `openid profile ${API_SCOPE}`,
    rolesClaim: 'realm_access.roles',
    account,
    sign: (claims, signOptions = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: KEY_ID, typ: 'at+jwt' })
        .setIssuer(signOptions.issuer ?? issuer)
        .setAudience(signOptions.audience ?? API_RESOURCE)
        .setIssuedAt()
        .setExpirationTime(signOptions.expiresIn ?? '10m')
        .sign(privateKey as CryptoKey),
    stop: () => new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    }),
  };
}

/** The provider's login page (用户名, 密码) and, once signed in, consent granted without asking. */
async function interact(provider: Provider, account: ProviderAccount, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const interaction = await provider.interactionDetails(request, response);
  if (interaction.prompt.name === 'consent') return consent(provider, interaction, request, response);
  if (request.method === 'POST') {
    const form = new URLSearchParams(await readBody(request));
    if (form.get('login') === account.login && form.get('password') === account.password) {
      return provider.interactionFinished(request, response, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
    }
    return loginPage(response, interaction.uid, '用户名或密码错误');
  }
  return loginPage(response, interaction.uid);
}

async function consent(provider: Provider, interaction: Interaction, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const { details } = interaction.prompt as { details: { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> } };
  const grant = interaction.grantId
    ? (await provider.Grant.find(interaction.grantId))!
    : new provider.Grant({ accountId: interaction.session!.accountId, clientId: interaction.params.client_id });
  if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
  if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
  for (const [resource, scopes] of Object.entries(details.missingResourceScopes ?? {})) grant.addResourceScope(resource, scopes.join(' '));
  await provider.interactionFinished(request, response, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
}

function loginPage(response: ServerResponse, uid: string, error?: string): void {
  response.setHeader('content-type', 'text/html; charset=utf-8');
  response.end(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>统一身份认证</title></head><body>
<main><h1>统一身份认证</h1>${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${encodeURIComponent(uid)}">
<label>用户名 <input name="login" autocomplete="username" required></label>
<label>密码 <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">登录</button></form></main></body></html>`);
}

async function logoutSource(ctx: { body: string; type: string }, form: string): Promise<void> {
  ctx.type = 'html';
  ctx.body = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>退出统一身份认证</title></head><body>
<main><h1>是否退出统一身份认证？</h1>${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout">确认退出</button></main></body></html>`;
}

async function readBody(request: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of request) body += String(chunk);
  return body;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
