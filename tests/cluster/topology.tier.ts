// The cluster tier (`npm run test:cluster`): the production topology started for real
// (temporal-server on PostgreSQL, two workers, two API processes, each a separate
// supervised process), a round of inspections driven through every stage over HTTP,
// then the same again with one fault injected per round.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Connection, type TLSConfig } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAsAdmin, withDatabase } from '../../db/scratch-database.js';
import { startCluster, type RunningCluster } from '../../platform/cluster.js';
import { dropTemporalDatabases } from '../../platform/temporal-databases.js';
import { clientTlsEnv, makeTemporalCertificates, temporalTlsConfig } from '../../platform/temporal-tls.js';
import type { StageId } from '../../workflows/stages.js';
import { ApiPool } from './api-pool.js';
import { checkRound, type RoundOutcome } from './check.js';
import { driveRound, type DriveHooks } from './drive.js';
import { recordFigures } from './figures.js';

const INSPECTIONS = Number(process.env.CLUSTER_INSPECTIONS ?? 20);
/** Faults strike during this stage's transitions, once this many have been answered: mid-drive, decided by count. */
const FAULT_STAGE: StageId = 'drafting';
const FAULT_AFTER_ANSWERS = 4;

const adminUrl = process.env.DATABASE_URL;
const runId = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
const appDatabase = `xuncha_cluster_${runId}`;
let cluster: RunningCluster;
let api: ApiPool;

/**
 * The PostgreSQL cluster the tier may stop and start (Debian's `pg_ctlcluster`, as
 * `.ci/run` starts it). Stopping it takes Temporal's databases down too, as a real
 * outage of a shared server would.
 */
const postgresCluster = (process.env.CLUSTER_PG_CLUSTER ?? '15 main').split(' ');
const canStopPostgres = existsSync('/usr/bin/pg_ctlcluster') && process.getuid?.() === 0;
const POSTGRES_OUTAGE_MS = 30_000;
const run = promisify(execFile);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!check() && Date.now() < deadline) await sleep(50);
}

/** A fault for DriveHooks: strikes once FAULT_AFTER_ANSWERS transitions of FAULT_STAGE are answered, and notes when. */
function faultAt(strike: () => Promise<void>): { hooks: DriveHooks; struckAt: () => number | undefined } {
  let at: number | undefined;
  return {
    struckAt: () => at,
    hooks: {
      duringTransitions: (stage, answered) => {
        if (stage !== FAULT_STAGE) return undefined;
        return (async () => {
          await until(() => answered() >= FAULT_AFTER_ANSWERS, 60_000);
          at = Date.now();
          await strike();
        })();
      },
    },
  };
}

/** Drives a round, reads it back, records its figures and returns what it found. */
async function round(label: string, hooks: DriveHooks = {}, struckAt: () => number | undefined = () => undefined): Promise<RoundOutcome> {
  api.resetCounts();
  const started = Date.now();
  const driven = await driveRound(api, label, INSPECTIONS, hooks);
  const roundSeconds = (Date.now() - started) / 1000;
  const fiveHundreds = api.fiveHundreds();
  const { connectionErrors: cutMidRequest, refused } = api.seen;
  const fault = struckAt();
  const recovered = fault === undefined ? undefined : driven.firstSuccessAfter(fault);
  const outcome = await checkRound(api, driven);
  recordFigures({
    round: label,
    inspections: outcome.inspections,
    completed: outcome.completed,
    stepsLost: outcome.stepsLost,
    stepsDoubled: outcome.stepsDoubled,
    historiesIntact: outcome.historiesIntact,
    fiveHundreds,
    cutMidRequest,
    refused,
    recoverySeconds: fault === undefined || recovered === undefined ? null : (recovered - fault) / 1000,
    roundSeconds,
  });
  return { ...outcome, fiveHundreds } as RoundOutcome & { fiveHundreds: Record<string, number> };
}

function expectWhole(outcome: RoundOutcome): void {
  expect(outcome.problems).toEqual([]);
  expect(outcome.completed).toBe(INSPECTIONS);
  expect(outcome.stepsLost).toBe(0);
  expect(outcome.stepsDoubled).toBe(0);
  expect(outcome.historiesIntact).toBe(INSPECTIONS);
  expect(outcome.temporalAgrees).toBe(INSPECTIONS);
}

/** After a fault, everything is back before the next round starts. */
async function restored(): Promise<void> {
  for (const p of [...cluster.servers, ...cluster.workers.map((w) => w.process), ...cluster.apis.map((a) => a.process)]) {
    if (!p.running) await until(() => p.running, 30_000);
  }
  await cluster.waitForTemporal();
  await cluster.waitForApis();
}

describe.skipIf(!adminUrl)('the production topology', () => {
  beforeAll(async () => {
    await runAsAdmin(adminUrl!, `CREATE DATABASE ${appDatabase}`);
    const workDir = mkdtempSync(join(tmpdir(), 'xuncha-cluster-'));
    const logDir = join(workDir, 'logs');
    process.stderr.write(`cluster tier: process logs in ${logDir}\n`);
    cluster = await startCluster({
      databaseUrl: withDatabase(adminUrl!, appDatabase),
      temporalDatabase: `${appDatabase}_temporal`,
      visibilityDatabase: `${appDatabase}_visibility`,
      temporalPort: Number(process.env.CLUSTER_TEMPORAL_PORT ?? 27233),
      apiPort: Number(process.env.CLUSTER_API_PORT ?? 23000),
      metricsPort: Number(process.env.CLUSTER_METRICS_PORT ?? 29000),
      services: process.env.CLUSTER_SERVICES === 'split' ? 'split' : 'single',
      logDir,
      tlsDir: join(workDir, 'temporal-tls'),
      restartDelayMs: 1000,
      log: (line) => process.stderr.write(`cluster: ${line}\n`),
    });
    api = new ApiPool(() => cluster.apis.map((a) => a.url), cluster.jwtSecret);
  });

  afterAll(async () => {
    await cluster?.stop();
    if (cluster) await dropTemporalDatabases(adminUrl!, cluster.databases);
    await runAsAdmin(adminUrl!, `DROP DATABASE IF EXISTS ${appDatabase} WITH (FORCE)`);
  });

  it('admits to Temporal only a client presenting a certificate of the topology (mutual TLS), on gRPC and HTTP alike', async () => {
    const { certificates, temporalAddress, namespace } = cluster;
    const describeNamespace = async (tls: TLSConfig | undefined) => {
      const connection = await Connection.connect({ address: temporalAddress, tls, connectTimeout: 5000 });
      try {
        return (await connection.workflowService.describeNamespace({ namespace })).namespaceInfo?.name;
      } finally {
        await connection.close();
      }
    };
    const ca = readFileSync(certificates.ca);
    const serverNameOverride = certificates.serverName;
    // A certificate of the right shape from another authority: what anyone can make.
    const stranger = makeTemporalCertificates(join(certificates.dir, '..', 'stranger-tls'), certificates.serverName);
    const refused = {
      plaintext: undefined,
      'TLS without a client certificate': { serverRootCACertificate: ca, serverNameOverride },
      'a client certificate from another authority': {
        serverRootCACertificate: ca,
        serverNameOverride,
        clientCertPair: { crt: readFileSync(stranger.clientCert), key: readFileSync(stranger.clientKey) },
      },
    } satisfies Record<string, TLSConfig | undefined>;
    for (const [what, tls] of Object.entries(refused)) {
      await expect(describeNamespace(tls), what).rejects.toThrow();
    }
    // The API's and workers' own settings, read back as they read them, are admitted.
    expect(await describeNamespace(temporalTlsConfig(clientTlsEnv(certificates)))).toBe(namespace);

    // The frontend's HTTP API listens behind the same TLS settings.
    const httpPort = Number(temporalAddress.split(':')[1]) + 10;
    const plain = await fetch(`http://127.0.0.1:${httpPort}/api/v1/namespaces`);
    expect(plain.status).toBe(400);
    expect(await plain.text()).not.toContain(namespace);
    const httpsGet = (withCert: boolean) =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1', port: httpPort, path: '/api/v1/namespaces', servername: serverNameOverride, ca,
            ...(withCert ? { cert: readFileSync(certificates.clientCert), key: readFileSync(certificates.clientKey) } : {}),
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      });
    await expect(httpsGet(false)).rejects.toThrow();
    expect(await httpsGet(true)).toBe(200);
  });

  it(`drives ${INSPECTIONS} inspections through every stage, spread over the API processes`, async () => {
    const outcome = (await round('baseline')) as RoundOutcome & { fiveHundreds: Record<string, number> };
    expectWhole(outcome);
    expect(outcome.fiveHundreds).toEqual({});
    for (const { url } of cluster.apis) expect(api.seen.answeredBy.get(url) ?? 0, url).toBeGreaterThan(100);
  });

  it('lets an operator scrape each API process and each worker', async () => {
    for (const { metricsUrl } of cluster.apis) {
      const scraped = await (await fetch(metricsUrl)).text();
      // Route patterns, not URLs: one series per route whatever the inspection.
      expect(scraped).toMatch(/xuncha_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/inspections\/:id\/submissions",status_code="200"\} [1-9]/);
      expect(scraped).not.toMatch(/route="\/api\/v1\/inspections\/[0-9a-f]{8}-/);
      expect(scraped).toContain('xuncha_process_resident_memory_bytes');
    }
    for (const { metricsUrl } of cluster.workers) {
      const scraped = await (await fetch(metricsUrl)).text();
      expect(scraped).toMatch(/temporal_activity_execution_latency\w*\{[^}]*activity_type="submitStage"/);
      expect(scraped).toMatch(/temporal_workflow_task_execution_latency/);
    }
  });

  it('loses and doubles nothing when a worker is killed with SIGKILL mid-drive and restarted after a few seconds', async () => {
    const worker = cluster.workers[0]!.process;
    const restartsBefore = worker.restarts;
    const fault = faultAt(() => worker.crash('SIGKILL', 3000));
    const outcome = (await round('worker SIGKILL, back after 3 s', fault.hooks, fault.struckAt)) as RoundOutcome & { fiveHundreds: Record<string, number> };
    expectWhole(outcome);
    expect(Object.keys(outcome.fiveHundreds).filter((s) => s !== '503')).toEqual([]);
    await until(() => worker.running, 30_000);
    expect(worker.restarts).toBe(restartsBefore + 1);
    await restored();
  });

  it('finishes the round on the one worker left when the other is killed for good', async () => {
    const worker = cluster.workers[1]!.process;
    const fault = faultAt(() => worker.crash('SIGKILL', null));
    const outcome = (await round('one of two workers killed for good', fault.hooks, fault.struckAt)) as RoundOutcome & { fiveHundreds: Record<string, number> };
    expectWhole(outcome);
    expect(Object.keys(outcome.fiveHundreds).filter((s) => s !== '503')).toEqual([]);
    expect(worker.running).toBe(false);
    worker.start();
    await restored();
  });

  it('loses and doubles nothing when the Temporal server is killed with SIGKILL mid-drive and restarted on the same database', async () => {
    const fault = faultAt(() => Promise.all(cluster.servers.map((s) => s.crash('SIGKILL', 2000))).then(() => undefined));
    const outcome = (await round('Temporal server SIGKILL, back after 2 s', fault.hooks, fault.struckAt)) as RoundOutcome & { fiveHundreds: Record<string, number> };
    expectWhole(outcome);
    expect(Object.keys(outcome.fiveHundreds).filter((s) => s !== '503')).toEqual([]);
    await restored();
  });

  it.skipIf(!canStopPostgres)(
    'answers 503 with Retry-After while PostgreSQL is stopped for 30 s mid-drive, then finishes with nothing half-written (needs root and pg_ctlcluster)',
    async () => {
      const fault = faultAt(async () => {
        await run('pg_ctlcluster', [...postgresCluster, 'stop', '-m', 'fast']);
        try {
          await sleep(POSTGRES_OUTAGE_MS);
        } finally {
          await run('pg_ctlcluster', [...postgresCluster, 'start']);
        }
      });
      const outcome = (await round('PostgreSQL stopped for 30 s', fault.hooks, fault.struckAt)) as RoundOutcome & { fiveHundreds: Record<string, number> };
      expectWhole(outcome);
      // The outage is answered 503 (and each repeated with the same requestId until it succeeded); never a 500.
      expect(Object.keys(outcome.fiveHundreds).filter((s) => s !== '503')).toEqual([]);
      await restored();
    },
  );

  it('answers a request repeated on another API process after the first was killed mid-request', async () => {
    const victim = cluster.apis[0]!.process;
    const fault = faultAt(() => victim.crash('SIGKILL', 2000));
    const outcome = (await round('API process SIGKILL mid-request', fault.hooks, fault.struckAt)) as RoundOutcome & { fiveHundreds: Record<string, number> };
    expectWhole(outcome);
    expect(Object.keys(outcome.fiveHundreds).filter((s) => s !== '503')).toEqual([]);
    await restored();
  });
});
