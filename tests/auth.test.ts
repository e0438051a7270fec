import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../api/app.js';
import { AuthError, AuthUnavailableError, createTokenVerifier, mintToken } from '../api/auth.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

// An organisation's identity provider, as far as we need one: a JWKS endpoint on loopback.
let jwks: Server;
let jwksUrl: string;
let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'idp-1', alg: 'RS256', use: 'sig' };
  jwks = createServer((_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
});
afterAll(async () => {
  await new Promise((resolve) => jwks?.close(resolve));
});

const AUDIENCE = 'xuncha';
const idpToken = (claims: Record<string, unknown>, issuer = 'https://idp.example.gov', audience = AUDIENCE) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'idp-1' })
    .setSubject('idp-user-42')
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKey);

describe('tokens', () => {
  it('are verified against an identity provider’s JWKS, issuer and audience included', async () => {
    expect(() => createTokenVerifier({ jwksUrl, issuer: 'https://idp.example.gov' })).toThrow(/JWT_AUDIENCE/);
    const verify = createTokenVerifier({ jwksUrl, issuer: 'https://idp.example.gov', audience: AUDIENCE });
    await expect(verify(await idpToken({ name: '王主任', roles: ['office'] }))).resolves.toEqual({
      sub: 'idp-user-42',
      name: '王主任',
      roles: ['office'],
    });
    await expect(verify(await idpToken({ name: '王主任', roles: ['office'] }, 'https://elsewhere'))).rejects.toBeInstanceOf(AuthError);
    // A token the provider minted for another service is not ours.
    await expect(verify(await idpToken({ name: '王主任', roles: ['office'] }, undefined, 'payroll'))).rejects.toThrow(/aud claim/);
    await expect(verify(await idpToken({ name: '王主任', roles: ['emperor'] }))).rejects.toThrow(/roles/);
    // An HS256 token signed with some secret is not accepted where the JWKS rules.
    const forged = await mintToken({ secret: 'x'.repeat(40) }, { sub: 'a', name: 'A', roles: ['office'] });
    await expect(verify(forged)).rejects.toBeInstanceOf(AuthError);
  });

  it('with an unreachable identity provider are a 503 through the API, not a 401', async () => {
    const idp = { issuer: 'https://idp.example.gov', audience: AUDIENCE };
    const verify = createTokenVerifier({ jwksUrl: 'http://127.0.0.1:1/jwks.json', ...idp });
    await expect(verify(await idpToken({ name: 'x', roles: ['office'] }))).rejects.toBeInstanceOf(AuthUnavailableError);

    let database: TestDatabase | undefined;
    const connection = Connection.lazy({ address: '127.0.0.1:1' });
    try {
      database = await createTestDatabase();
      const services = { db: database.db, temporal: new Client({ connection }), taskQueue: 'unused' };
      const down = await buildApp({ services, auth: { jwksUrl: 'http://127.0.0.1:1/jwks.json', ...idp } });
      const up = await buildApp({ services, auth: { jwksUrl, ...idp } });
      const token = await idpToken({ name: '陈审计', roles: ['auditor'] });
      const headers = { authorization: `Bearer ${token}` };
      const refused = await down.inject({ method: 'GET', url: '/api/v1/rounds', headers });
      expect(refused.statusCode).toBe(503);
      expect(refused.json()).toMatchObject({ error: 'unavailable' });
      const served = await up.inject({ method: 'GET', url: '/api/v1/rounds', headers });
      expect(served.statusCode).toBe(200);
      expect(served.json()).toEqual({ rounds: [], nextCursor: null });
      await down.close();
      await up.close();
    } finally {
      await connection.close();
      await database?.drop();
    }
  });
});
