import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../api/app.js';
import { mintToken } from '../api/auth.js';
import type { Actor } from '../workflows/roles.js';
import { JWT_SECRET } from './support/harness.js';
import { memberOne, memberTwo, office } from './support/people.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

const PER_MINUTE = 3;
let database: TestDatabase;
let app: FastifyInstance;

beforeAll(async () => {
  database = await createTestDatabase();
  // Reading the focus areas needs only the database: no Temporal behind this app.
  app = await buildApp({ services: { db: database.app, temporal: {} as never, taskQueue: 'rate-limit' }, auth: { secret: JWT_SECRET }, rateLimitPerMinute: PER_MINUTE });
});
afterAll(async () => {
  await app?.close();
  await database?.drop();
});

async function focusAreas(options: { actor?: Actor; token?: string; from?: string; language?: string } = {}) {
  const token = options.token ?? (options.actor ? await mintToken({ secret: JWT_SECRET }, options.actor) : undefined);
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.language) headers['accept-language'] = options.language;
  return app.inject({ method: 'GET', url: '/api/v1/focus-areas', headers, remoteAddress: options.from ?? '192.0.2.1' });
}

describe('the rate limit', () => {
  it('answers a person past their allowance 429 with Retry-After, and nobody else notices', async () => {
    for (let i = 0; i < PER_MINUTE; i++) expect((await focusAreas({ actor: office })).statusCode).toBe(200);
    const limited = await focusAreas({ actor: office, language: 'en' });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json()).toMatchObject({ error: 'too_many_requests', message: expect.stringMatching(/^too many requests/), details: { limit: PER_MINUTE } });
    expect((await focusAreas({ actor: office })).json().message).toMatch(/请求过于频繁/);

    // Keyed by the person, not the token: a fresh token or another address does not start over.
    expect((await focusAreas({ actor: office, from: '198.51.100.7' })).statusCode).toBe(429);
    // Someone else, even from the same address (one office behind one NAT), works on.
    expect((await focusAreas({ actor: memberOne })).statusCode).toBe(200);
  });

  it('counts requests without a valid token by address, and a forged token cannot use up its named person’s allowance', async () => {
    const guesser = '203.0.113.9';
    const forged = await mintToken({ secret: 'someone-else-s-secret-someone-else-s-secret' }, memberTwo);
    for (let i = 0; i < PER_MINUTE; i++) expect((await focusAreas({ token: forged, from: guesser })).statusCode).toBe(401);
    const limited = await focusAreas({ from: guesser });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    // The person the forged tokens named is untouched, and so is another address.
    expect((await focusAreas({ actor: memberTwo, from: guesser })).statusCode).toBe(200);
    expect((await focusAreas({ from: '203.0.113.10' })).statusCode).toBe(401);
  });

  it('is declared in the OpenAPI document on every limited route', async () => {
    const document = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    // The anonymous questionnaire has its own stricter limit; the console's sign-in settings are static and public.
    const unlimited = (path: string) => path.startsWith('/api/v1/questionnaire/') || path === '/api/v1/console-config';
    const limited = Object.entries(document.paths).filter(([path]) => path.startsWith('/api/v1/') && !unlimited(path));
    expect(limited.length).toBeGreaterThan(40);
    for (const [path, operations] of limited) {
      for (const [method, operation] of Object.entries(operations)) expect(operation.responses['429'], `${method} ${path}`).toBeDefined();
    }
  });
});
