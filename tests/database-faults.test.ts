import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../api/app.js';
import { JWT_SECRET, PAYLOAD_KEYS_SETTING, startHarness, type Harness } from './support/harness.js';
import { devSigningKeys } from '../platform/signing-key.js';
import { launchBody, leaderOne, office } from './support/people.js';
import { createTestDatabase, usingPostgres, type TestDatabase } from './support/test-database.js';
import { eventually, recordWork, rid, launchRound } from './support/walk.js';

// Dropping connections, refusing them and running a second process against the same
// database need a PostgreSQL server: the embedded PGlite has no connections to lose.
describe.runIf(usingPostgres)('when the database drops or refuses connections (PostgreSQL only: set DATABASE_URL)', () => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const children: ChildProcess[] = [];
  let h: Harness;
  let databaseName: string;

  beforeAll(async () => {
    // Clients here wait out a retried activity.
    h = await startHarness({ requestTimeoutMs: 120_000 });
    databaseName = new URL(urlOf(h.database)).pathname.slice(1);
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await h?.close();
  });

  function urlOf(database: TestDatabase): string {
    return (database.target as { url: string }).url;
  }

  /** `url` tagged with an application_name, so its connections can be found in pg_stat_activity. */
  function tagged(url: string, applicationName: string): string {
    const tagged = new URL(url);
    tagged.searchParams.set('application_name', applicationName);
    return tagged.toString();
  }

  async function admin<T extends pg.QueryResultRow>(statement: string, values: unknown[] = [], url = process.env.DATABASE_OWNER_URL ?? process.env.DATABASE_URL!) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<T>(statement, values)).rows;
    } finally {
      await client.end();
    }
  }

  /** Locks the inspection's row in a transaction of our own, as a slow write would. */
  async function holdInspectionLock(inspectionId: string) {
    const client = new pg.Client({ connectionString: urlOf(h.database) });
    // Terminated along with everyone else in one test: that ends the lock, which is all we want.
    client.on('error', () => undefined);
    await client.connect();
    await client.query('begin');
    await client.query('select id from inspections where id = $1 for update', [inspectionId]);
    return async () => {
      await client.query('rollback');
      await client.end();
    };
  }

  /** Waits until a connection of `applicationName` is blocked on a lock: a transaction is open mid-statement. */
  async function waitUntilBlocked(applicationName: string) {
    await eventually(async () => {
      const rows = await admin(`select pid from pg_stat_activity where application_name = $1 and wait_event_type = 'Lock'`, [applicationName]);
      expect(rows.length).toBeGreaterThan(0);
    }, `a transaction of ${applicationName} waiting on the lock`);
  }

  async function terminate(applicationName: string): Promise<number> {
    const rows = await admin(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1`, [applicationName]);
    return rows.length;
  }

  async function freePort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    return port;
  }

  // The production entry points refuse to start without a checkpoint key.
  function signingKeyFile(): string {
    const file = join(tmpdir(), `xuncha-faults-${process.pid}-signing-key.json`);
    devSigningKeys(file);
    return file;
  }

  function startProcess(entry: string, env: Record<string, string>) {
    const child = spawn(process.execPath, ['--import', 'tsx', entry], {
      cwd: root,
      env: { ...process.env, TEMPORAL_ADDRESS: inject('temporalAddress'), TASK_QUEUE: h.taskQueue, LOG_LEVEL: 'warn', PAYLOAD_KEYS: PAYLOAD_KEYS_SETTING, SIGNING_KEY_FILE: signingKeyFile(), ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    children.push(child);
    return { child, stderr: () => stderr };
  }

  async function startApi(databaseUrl: string) {
    const port = await freePort();
    const api = startProcess('api/server.ts', { DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', JWT_SECRET });
    const base = `http://127.0.0.1:${port}`;
    const ready = () =>
      eventually(async () => {
        expect(api.child.exitCode, api.stderr()).toBeNull();
        expect((await fetch(`${base}/health`)).status).toBe(200);
      }, 'the API process to answer /health', 60_000);
    return { ...api, base, ready };
  }

  async function launch(): Promise<string> {
    return (await launchRound(h)).inspections[0].id;
  }

  const briefing = { kind: 'briefing', data: { source: 'audit', receivedOn: '2021-10-09', summary: '审计发现罚没收入未及时上缴。' } };

  it('an API process whose connection is terminated mid-transaction answers 503 and serves the next request', async () => {
    const name = `xuncha-api-${rid('a')}`;
    const api = await startApi(tagged(urlOf(h.database), name));
    await api.ready();
    const id = await launch();
    const post = async () =>
      fetch(`${api.base}/api/v1/inspections/${id}/records`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await h.token(leaderOne)}`, 'content-type': 'application/json' },
        body: JSON.stringify(briefing),
      });

    const release = await holdInspectionLock(id);
    const pending = post();
    await waitUntilBlocked(name);
    expect(await terminate(name)).toBeGreaterThan(0);
    const cut = await pending;
    await release();

    expect(cut.status).toBe(503);
    expect(cut.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await cut.json()).toMatchObject({ error: 'database_unavailable', message: expect.stringMatching(/数据库暂时无法访问/) });
    expect(api.child.exitCode).toBeNull();

    const next = await post();
    expect(next.status, await next.clone().text()).toBe(201);
    expect(api.stderr()).toMatch(/a database connection was lost/);
    api.child.kill('SIGTERM');
  });

  it('a worker process whose connection is terminated mid-activity stays up, and the submission goes through', async () => {
    const name = `xuncha-worker-${rid('w')}`;
    await h.stopWorker();
    const worker = startProcess('worker/main.ts', { DATABASE_URL: tagged(urlOf(h.database), name) });
    try {
      const id = await launch();
      await recordWork(h, id, 'preparation', leaderOne);

      // The submission's gate locks the inspection in the worker's activity.
      const release = await holdInspectionLock(id);
      const submitting = h.call(leaderOne, 'POST', `/api/v1/inspections/${id}/submissions`, { stage: 'preparation', requestId: rid('submit') });
      await waitUntilBlocked(name);
      expect(await terminate(name)).toBeGreaterThan(0);
      await release();

      const submitted = await submitting;
      expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
      expect(submitted.body.status).toMatchObject({ stage: 'preparation', state: 'submitted' });
      expect(worker.child.exitCode, worker.stderr()).toBeNull();
      expect(worker.stderr()).toMatch(/a database connection was lost/);
    } finally {
      worker.child.kill('SIGTERM');
      await new Promise((resolve) => (worker.child.exitCode === null ? worker.child.once('exit', resolve) : resolve(undefined)));
      await h.startWorker();
    }
  });

  it('a write the engine does not answer because the worker lost the database is a 503 that names the database', async () => {
    const impatient = await buildApp({
      services: { db: h.database.db, temporal: h.temporal, taskQueue: h.taskQueue, requestTimeoutMs: 15_000 },
      auth: { secret: JWT_SECRET },
    });
    const allow = (yes: boolean) => admin(`alter database ${databaseName} allow_connections ${yes}`);
    try {
      const id = await launch();
      await recordWork(h, id, 'preparation', leaderOne);
      const release = await holdInspectionLock(id);
      const submitting = impatient.inject({
        method: 'POST',
        url: `/api/v1/inspections/${id}/submissions`,
        headers: { authorization: `Bearer ${await h.token(leaderOne)}` },
        payload: { stage: 'preparation', requestId: rid('submit') },
      });
      // The route has read what it needs and the worker's activity waits on our lock:
      // now the database goes away, before the engine's answer is due.
      await eventually(async () => {
        const rows = await admin(`select pid from pg_stat_activity where datname = $1 and wait_event_type = 'Lock'`, [databaseName]);
        expect(rows.length).toBeGreaterThan(0);
      }, 'the submission gate waiting on the lock');
      await allow(false);
      await admin(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1`, [databaseName]);
      await release().catch(() => undefined);

      const unanswered = await submitting;
      expect(unanswered.statusCode).toBe(503);
      expect(unanswered.headers['retry-after']).toMatch(/^\d+$/);
      expect(unanswered.json().error).toBe('database_unavailable');
    } finally {
      await allow(true);
      await impatient.close();
    }
  });

  describe('a database that refuses connections', () => {
    let outage: TestDatabase;
    let outageName: string;
    const allowConnections = (allow: boolean) => admin(`alter database ${outageName} allow_connections ${allow}`);

    beforeAll(async () => {
      outage = await createTestDatabase();
      outageName = new URL(urlOf(outage)).pathname.slice(1);
    });
    afterAll(async () => {
      await allowConnections(true);
      await outage?.drop();
    });

    it('gets 503 database_unavailable with Retry-After, /health names the database, and it recovers', async () => {
      const app = await buildApp({ services: { db: outage.db, temporal: h.temporal, taskQueue: h.taskQueue }, auth: { secret: JWT_SECRET } });
      const token = await h.token(office);
      const rounds = () => app.inject({ method: 'GET', url: '/api/v1/rounds', headers: { authorization: `Bearer ${token}` } });
      try {
        expect((await rounds()).statusCode).toBe(200);

        await allowConnections(false);
        await admin(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1`, [outageName]);

        const refused = await rounds();
        expect(refused.statusCode).toBe(503);
        expect(refused.headers['retry-after']).toMatch(/^\d+$/);
        expect(refused.json()).toEqual({
          error: 'database_unavailable',
          message: '数据库暂时无法访问；请在几秒后用相同的 requestId 重试',
        });
        const launchRefused = await app.inject({ method: 'POST', url: '/api/v1/rounds', headers: { authorization: `Bearer ${token}` }, payload: launchBody() });
        expect(launchRefused.statusCode).toBe(503);
        expect(launchRefused.json().error).toBe('database_unavailable');

        const health = await app.inject({ method: 'GET', url: '/health' });
        expect(health.statusCode).toBe(503);
        expect(health.json()).toEqual({ status: 'error', temporal: 'ok', worker: 'ok', database: 'error' });

        await allowConnections(true);
        expect((await rounds()).statusCode).toBe(200);
      } finally {
        await allowConnections(true);
        await app.close();
      }
    });

    it('keeps an API process starting up waiting, one line per attempt, until the database lets it in', async () => {
      await allowConnections(false);
      const api = await startApi(urlOf(outage));
      await eventually(async () => expect(api.stderr()).toMatch(/waiting for the database \(attempt 2/), 'a second attempt', 60_000);
      expect(api.child.exitCode).toBeNull();
      await allowConnections(true);
      await api.ready();
      api.child.kill('SIGTERM');
    });
  });
});

