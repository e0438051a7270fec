import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../api/app.js';
import { createTokenVerifier } from '../api/auth.js';
import type { Services } from '../api/plugins/services.plugin.js';
import { DEMO_USERS } from '../platform/demo-users.js';

// The console's serving and its demo sign-in need neither Temporal nor the database:
// an app without services answers them, and any route that would use one is not called.
const auth = { secret: 'console-serving-console-serving-0123' };
let root: string;
let app: FastifyInstance;
let plainApp: FastifyInstance;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'xuncha-console-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>巡察工作台</title>');
  const script = `console.log(${JSON.stringify('x'.repeat(4000))});`;
  writeFileSync(join(root, 'assets/main-abc123.js'), script);
  writeFileSync(join(root, 'assets/main-abc123.js.br'), brotliCompressSync(script));
  app = await buildApp({ services: {} as Services, auth, console: { root }, demoUsers: DEMO_USERS });
  plainApp = await buildApp({ services: {} as Services, auth });
});

afterAll(async () => {
  await app?.close();
  await plainApp?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('the web console is served by the API at /', () => {
  it('serves index.html at / and at every client route, never cached', async () => {
    for (const url of ['/', '/rounds/new', '/inspections/8f0c1c1e-0000-4000-8000-000000000000/approval?x=1']) {
      const response = await app.inject({ url });
      expect([url, response.statusCode, response.headers['content-type'], response.body]).toEqual([
        url,
        200,
        'text/html; charset=utf-8',
        '<!doctype html><title>巡察工作台</title>',
      ]);
      expect(response.headers['cache-control']).toBe('no-cache');
    }
  });

  it('sends hashed assets brotli-compressed to browsers that accept it, cached for good', async () => {
    const response = await app.inject({ url: '/assets/main-abc123.js', headers: { 'accept-encoding': 'gzip, br' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-encoding']).toBe('br');
    expect(response.headers['cache-control']).toContain('immutable');
  });

  it('leaves the API, the docs and health as they are: an unknown API path is a JSON 404, not the console', async () => {
    for (const url of ['/api/v1/no-such-route', '/api', '/healthz/../health/x']) {
      const response = await app.inject({ url });
      expect([url, response.statusCode, response.json().error]).toEqual([url, 404, 'not_found']);
    }
    const docs = await app.inject({ url: '/docs/json' });
    expect(docs.json().openapi).toMatch(/^3\./);
    const unauthorised = await app.inject({ url: '/api/v1/rounds' });
    expect(unauthorised.statusCode).toBe(401);
  });
});

describe('demo sign-in', () => {
  it('lists the demo people and signs one in with a token the API accepts as that person', async () => {
    const list = await app.inject({ url: '/api/v1/demo/people' });
    expect(list.json().people.map((p: { sub: string }) => p.sub)).toEqual(DEMO_USERS.map((u) => u.sub));
    const signIn = await app.inject({ method: 'POST', url: '/api/v1/demo/sessions', payload: { sub: 'demo-group-leader' } });
    expect(signIn.statusCode).toBe(200);
    const actor = await createTokenVerifier(auth)(signIn.json().token);
    expect(actor).toEqual({ sub: 'demo-group-leader', name: '张组长', roles: ['group_leader'] });
  });

  it('refuses someone who is not a demo person with a 400 naming body.sub', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/v1/demo/sessions', payload: { sub: 'mallory' } });
    expect([response.statusCode, response.json().details.issues[0].field]).toEqual([400, 'body.sub']);
  });

  it('does not exist on a server that was not given demo people (a real deployment)', async () => {
    const list = await plainApp.inject({ url: '/api/v1/demo/people' });
    const signIn = await plainApp.inject({ method: 'POST', url: '/api/v1/demo/sessions', payload: { sub: 'demo-office' } });
    expect([list.statusCode, signIn.statusCode]).toEqual([404, 404]);
  });
});
