// `npm start`: the whole system in one process tree. Starts (or connects to) Temporal
// and the database, migrates, runs the worker and the API, and on Ctrl-C drains the
// worker and stops everything it started, also when starting fails half-way.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { buildApp } from '../api/app.js';
import { attachmentLimitsOf } from '../api/attachments.service.js';
import { mintToken } from '../api/auth.js';
import { oidcAuthOf, oidcClientOf } from '../api/oidc.js';
import { createDatabase, describeTarget, reportDatabaseWait, waitForDatabase } from '../db/connection.js';
import type { Database } from '../db/database.js';
import { migrateAsOwner } from '../db/migrate.js';
import { databaseTarget } from '../platform/database-target.js';
import { DEMO_USERS } from '../platform/demo-users.js';
import { devJwtSecret } from '../platform/jwt-secret.js';
import { devSigningKeys, loadSigningKeys } from '../platform/signing-key.js';
import { devSettings, loadSettingsOrExit } from '../platform/settings.js';
import { resolveTemporalCli } from '../platform/temporal-cli.js';
import { startTemporalDevServer, type RunningDevServer } from '../platform/temporal-dev-server.js';
import { temporalTlsConfig } from '../platform/temporal-tls.js';
import { serveMetrics } from '../platform/metrics.js';
import { dataConverter, devPayloadKeys, payloadKeysFromSettings } from '../platform/payload-codec.js';
import { createWorker, installRuntime } from '../worker/create-worker.js';
import { ensureConsoleBuilt } from './web-build.js';

const settings = loadSettingsOrExit(devSettings);
installRuntime(settings.LOG_LEVEL === 'debug' || settings.LOG_LEVEL === 'trace' ? 'INFO' : 'WARN', {
  handleSignals: false,
  metricsPort: settings.TEMPORAL_METRICS_PORT,
  metricsHost: settings.METRICS_HOST,
});
const dataDir = resolve(settings.DATA_DIR);
const say = (line: string) => process.stdout.write(`${line}\n`);
mkdirSync(dataDir, { recursive: true });

let devServer: RunningDevServer | undefined;
let db: Kysely<Database> | undefined;
let workerConnection: NativeConnection | undefined;
let clientConnection: Connection | undefined;
let app: FastifyInstance | undefined;
let metrics: Server | undefined;
let failed = false;

// Ctrl-C may come at any moment, start-up included: each step checks, and a running
// worker is asked to drain.
class StopRequested extends Error {}
let stopping = false;
let stopWorker: (() => void) | undefined;
const checkpoint = () => {
  if (stopping) throw new StopRequested();
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    say('xuncha: stopping…');
    stopWorker?.();
  });
}

try {
  let address = settings.TEMPORAL_ADDRESS;
  if (!address) {
    const cli = await resolveTemporalCli();
    say('xuncha: starting the Temporal dev server…');
    devServer = await startTemporalDevServer({
      cli,
      namespace: settings.TEMPORAL_NAMESPACE,
      port: settings.TEMPORAL_PORT,
      uiPort: settings.TEMPORAL_UI_PORT,
      // A file, not memory: running rounds survive a restart of `npm start`.
      dbFilename: join(dataDir, 'temporal.sqlite'),
    });
    address = devServer.address;
  }
  checkpoint();

  const target = databaseTarget(settings);
  db = createDatabase(target);
  // Ctrl-C while PostgreSQL is not up yet stops the wait at the next attempt.
  await waitForDatabase(db, {
    onRetry: (...wait) => {
      checkpoint();
      reportDatabaseWait(...wait);
    },
  });
  await migrateAsOwner(db, settings.DATABASE_OWNER_URL);
  checkpoint();

  const payloadKeys = payloadKeysFromSettings(settings) ?? devPayloadKeys(join(dataDir, 'payload-keys'));
  // A frontend of the operator's own (TEMPORAL_ADDRESS) may require mutual TLS; the embedded one does not.
  const tls = settings.TEMPORAL_ADDRESS ? temporalTlsConfig(settings) : undefined;
  clientConnection = await Connection.connect({ address, tls });
  const temporal = new Client({ connection: clientConnection, namespace: settings.TEMPORAL_NAMESPACE, dataConverter: dataConverter(payloadKeys) });

  // Demo sign-in only on a secret of our own: never where tokens come from elsewhere.
  const ownSecret = !settings.JWT_SECRET && !settings.JWKS_URL && !settings.OIDC_ISSUER;
  const signingKeyFile = settings.SIGNING_KEY_FILE ?? join(dataDir, 'signing-key.json');
  const signingKeys = settings.SIGNING_KEY_FILE ? loadSigningKeys(signingKeyFile) : devSigningKeys(signingKeyFile);
  const auth = {
    secret: settings.JWT_SECRET ?? (ownSecret ? devJwtSecret(join(dataDir, 'jwt-secret')) : undefined),
    jwksUrl: settings.JWKS_URL,
    issuer: settings.JWT_ISSUER,
    audience: settings.JWT_AUDIENCE,
    maxLifetimeSeconds: settings.TOKEN_MAX_LIFETIME_HOURS * 3600,
    ...oidcAuthOf(settings),
  };
  const consoleRoot = await ensureConsoleBuilt(say);
  checkpoint();
  app = await buildApp({
    services: {
      db,
      temporal,
      taskQueue: settings.TASK_QUEUE,
      requestTimeoutMs: settings.REQUEST_TIMEOUT_SECONDS * 1000,
      attachments: attachmentLimitsOf(settings),
      signingKeys,
    },
    rateLimitPerMinute: settings.RATE_LIMIT_PER_MINUTE,
    auth,
    console: { root: consoleRoot },
    demoUsers: ownSecret ? DEMO_USERS : undefined,
    oidc: oidcClientOf(settings),
    logger: { level: settings.LOG_LEVEL === 'info' ? 'warn' : settings.LOG_LEVEL },
  });
  await app.listen({ port: settings.PORT, host: settings.HOST });
  if (settings.METRICS_PORT) metrics = await serveMetrics(settings.METRICS_PORT, settings.METRICS_HOST);
  checkpoint();

  // Created last and run at once: a worker that exists but never runs keeps the process alive.
  workerConnection = await NativeConnection.connect({ address, tls });
  const worker = await createWorker({
    connection: workerConnection,
    namespace: settings.TEMPORAL_NAMESPACE,
    taskQueue: settings.TASK_QUEUE,
    db,
    payloadKeys,
    signingKeys,
  });
  const running = worker.run();
  stopWorker = () => worker.shutdown();
  if (stopping) stopWorker();

  const api = `http://${settings.HOST}:${settings.PORT}`;
  say('');
  say(`xuncha is running`);
  say(`  console        ${api}/`);
  say(`  API            ${api}/api/v1`);
  say(`  API docs       ${api}/docs`);
  say(`  health         ${api}/health`);
  if (metrics) say(`  metrics        http://${settings.METRICS_HOST}:${settings.METRICS_PORT}/metrics`);
  if (settings.TEMPORAL_METRICS_PORT) say(`  worker metrics http://${settings.METRICS_HOST}:${settings.TEMPORAL_METRICS_PORT}/metrics`);
  say(`  Temporal       ${address}${devServer ? ' (embedded dev server)' : ''}`);
  if (devServer?.uiUrl) say(`  Temporal UI    ${devServer.uiUrl}`);
  say(`  database       ${describeTarget(target)}`);
  say(`  signing key    ${signingKeyFile} (checkpoints; public keys at ${api}/api/v1/signing-keys)`);
  if (settings.OIDC_ISSUER) say(`  sign-in        ${settings.OIDC_ISSUER} (client ${settings.OIDC_CLIENT_ID})`);
  if (auth.secret && !settings.OIDC_ISSUER) {
    say('');
    say(`Demo tokens (valid ${settings.TOKEN_MAX_LIFETIME_HOURS} hours; send as "Authorization: Bearer <token>"):`);
    for (const user of DEMO_USERS) {
      const token = await mintToken(auth, user, { expiresIn: `${settings.TOKEN_MAX_LIFETIME_HOURS}h` });
      say(`  ${user.roles[0]!.padEnd(14)} ${user.sub.padEnd(20)} ${token}`);
    }
  }
  say('');
  say('Ctrl-C stops everything.');

  // Ctrl-C asks the worker to drain; once it has, close the rest.
  await running;
} catch (error) {
  // Stopped during start-up, as asked: not a failure.
  if (!(error instanceof StopRequested)) reportFailure(error);
} finally {
  // Each part is stopped even if stopping another fails, the Temporal server last.
  for (const stop of [
    () => app?.close(),
    () => metrics?.close(),
    () => clientConnection?.close(),
    () => workerConnection?.close(),
    () => db?.destroy(),
    () => devServer?.stop(),
  ]) {
    try {
      await stop();
    } catch (error) {
      process.stderr.write(`xuncha: while stopping: ${(error as Error).message}\n`);
    }
  }
  say('xuncha: stopped');
}

function reportFailure(error: unknown): void {
  const code = (error as { code?: string }).code;
  process.stderr.write(
    code === 'EADDRINUSE'
      ? `xuncha: port ${settings.PORT} is already in use: stop what uses it or set PORT\n`
      : `xuncha: could not start: ${(error as Error).message}\n`,
  );
  failed = true;
}

// Explicitly: the SDK's runtime may still hold handles, and its shutdown resets the exit code.
process.exit(failed ? 1 : 0);
