import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../api/app.js';
import { oidcAuthOf, oidcClientOf } from '../api/oidc.js';
import { apiSettings, loadSettings, type SettingsError } from '../platform/settings.js';
import { startIdentityProvider, type RunningIdentityProvider } from './support/identity-provider.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

let provider: RunningIdentityProvider;
let database: TestDatabase;
let connection: Connection;
let app: FastifyInstance;

const account = { login: 'qian', password: 'pw', sub: 'idp-qian', name: '钱组长', roles: ['group_leader', 'offline_access'] };

/** The settings an operator writes, read as the API reads them. */
const settingsFor = (provider: RunningIdentityProvider, extra: Record<string, string> = {}) =>
  loadSettings(apiSettings, {
    DATABASE_URL: 'postgres://a:b@h:5432/d',
    PAYLOAD_KEYS: 'k1:dGVzdC1wYXlsb2FkLWtleS1mb3IteHVuY2hhLXRlc3Q=',
    SIGNING_KEY_FILE: 'k.json',
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: provider.clientId,
    OIDC_ROLES_CLAIM: provider.rolesClaim,
    OIDC_SCOPE: provider.scope,
    JWT_AUDIENCE: provider.audience,
    ...extra,
  });

async function appFor(settings: ReturnType<typeof settingsFor>): Promise<FastifyInstance> {
  const services = { db: database.db, temporal: new Client({ connection }), taskQueue: 'unused' };
  return buildApp({ services, auth: { ...oidcAuthOf(settings) }, oidc: oidcClientOf(settings) });
}

beforeAll(async () => {
  provider = await startIdentityProvider({ consoleUrl: 'http://127.0.0.1:1', account });
  database = await createTestDatabase();
  connection = Connection.lazy({ address: '127.0.0.1:1' });
  app = await appFor(settingsFor(provider));
});

afterAll(async () => {
  await app?.close();
  await connection?.close();
  await database?.drop();
  await provider?.stop();
});

const me = (token: string) => app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });

describe('signing in with the organisation’s identity provider', () => {
  it('tells the console where the provider is, and nothing secret, before anyone signs in', async () => {
    const answer = await app.inject({ method: 'GET', url: '/api/v1/console-config' });
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({
      signIn: { demo: false, oidc: { issuer: provider.issuer, clientId: provider.clientId, scope: provider.scope } },
    });
    // The console fetches the provider's discovery document and token endpoint itself.
    expect(answer.headers['content-security-policy']).toMatch(new RegExp(`connect-src 'self' ${provider.issuer}(;|$)`));
  });

  it('accepts the provider’s access token, with the roles from the configured nested claim and only the ones xuncha knows', async () => {
    const token = await provider.sign({ sub: account.sub, name: account.name, realm_access: { roles: account.roles } });
    const answer = await me(token);
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({ sub: 'idp-qian', name: '钱组长', roles: ['group_leader'] });
  });

  it('refuses a token the provider minted for another service, or that another issuer signed', async () => {
    const claims = { sub: account.sub, name: account.name, realm_access: { roles: ['office'] } };
    const payroll = await me(await provider.sign(claims, { audience: 'urn:payroll' }));
    expect(payroll.statusCode).toBe(401);
    expect(payroll.json()).toMatchObject({ error: 'unauthorized', message: expect.stringMatching(/aud/) });
    const elsewhere = await me(await provider.sign(claims, { issuer: 'https://idp.elsewhere.example' }));
    expect(elsewhere.statusCode).toBe(401);
    expect(elsewhere.json()).toMatchObject({ message: expect.stringMatching(/iss/) });
  });

  it('refuses a token whose roles claim holds none of xuncha’s roles, naming the roles', async () => {
    const answer = await me(await provider.sign({ sub: account.sub, name: account.name, realm_access: { roles: ['offline_access'] } }));
    expect(answer.statusCode).toBe(401);
    expect(answer.json().message).toMatch(/roles/);
  });

  it('reads the name from preferred_username when the access token has no name', async () => {
    const answer = await me(await provider.sign({ sub: account.sub, preferred_username: 'qian', realm_access: { roles: ['member'] } }));
    expect(answer.json()).toEqual({ sub: 'idp-qian', name: 'qian', roles: ['member'] });
  });

  it('defaults the audience to the console’s client id and the roles claim to `roles`', async () => {
    const defaults = await appFor(settingsFor(provider, { JWT_AUDIENCE: '', OIDC_ROLES_CLAIM: '' }));
    try {
      const forClient = await provider.sign({ sub: 'a', name: 'A', roles: ['auditor'] }, { audience: provider.clientId });
      const answer = await defaults.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${forClient}` } });
      expect(answer.json()).toEqual({ sub: 'a', name: 'A', roles: ['auditor'] });
      const forApi = await provider.sign({ sub: 'a', name: 'A', roles: ['auditor'] });
      expect((await defaults.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${forApi}` } })).statusCode).toBe(401);
    } finally {
      await defaults.close();
    }
  });

  it('answers 503, not 401, while the provider’s discovery document cannot be read', async () => {
    const token = await provider.sign({ sub: account.sub, name: account.name, realm_access: { roles: ['office'] } });
    const down = await appFor(settingsFor(provider, { OIDC_ISSUER: 'http://127.0.0.1:1' }));
    try {
      const answer = await down.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}`, 'accept-language': 'en' } });
      expect(answer.statusCode).toBe(503);
      expect(answer.json()).toMatchObject({ error: 'unavailable', message: expect.stringMatching(/discovery/) });
    } finally {
      await down.close();
    }
  });

  it('needs the client id with the issuer, and a roles claim that is a name or a dotted path', () => {
    const problems = (extra: Record<string, string>) => {
      try {
        settingsFor(provider, extra);
        return [];
      } catch (error) {
        return (error as SettingsError).problems;
      }
    };
    expect(problems({ OIDC_CLIENT_ID: '' })).toEqual(['OIDC_CLIENT_ID: is required with OIDC_ISSUER: the console signs in as this client at the provider']);
    expect(problems({ OIDC_ROLES_CLAIM: 'realm_access..roles' })[0]).toMatch(/^OIDC_ROLES_CLAIM=.*dotted path/);
    expect(problems({})).toEqual([]);
  });
});
