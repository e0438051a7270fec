// `npm start`: the whole system in one process tree. Starts (or connects to) Temporal
// and the database, migrates, runs the worker and the API, and on Ctrl-C drains the
// worker and stops everything it started.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { buildApp } from '../api/app.js';
import { mintToken } from '../api/auth.js';
import { createDatabase, describeTarget } from '../db/connection.js';
import { migrateToLatest } from '../db/migrate.js';
import { databaseTarget } from '../platform/database-target.js';
import { DEMO_USERS } from '../platform/demo-users.js';
import { devJwtSecret } from '../platform/jwt-secret.js';
import { devSettings, loadSettingsOrExit } from '../platform/settings.js';
import { resolveTemporalCli } from '../platform/temporal-cli.js';
import { startTemporalDevServer, type RunningDevServer } from '../platform/temporal-dev-server.js';
import { createWorker, installRuntime } from '../worker/create-worker.js';

const settings = loadSettingsOrExit(devSettings);
installRuntime(settings.LOG_LEVEL === 'debug' || settings.LOG_LEVEL === 'trace' ? 'INFO' : 'WARN');
const dataDir = resolve(settings.DATA_DIR);
const say = (line: string) => process.stdout.write(`${line}\n`);
mkdirSync(dataDir, { recursive: true });

let devServer: RunningDevServer | undefined;
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

const target = databaseTarget(settings);
const db = createDatabase(target);
await migrateToLatest(db);

const workerConnection = await NativeConnection.connect({ address });
const worker = await createWorker({
  connection: workerConnection,
  namespace: settings.TEMPORAL_NAMESPACE,
  taskQueue: settings.TASK_QUEUE,
  db,
});
const clientConnection = await Connection.connect({ address });
const temporal = new Client({ connection: clientConnection, namespace: settings.TEMPORAL_NAMESPACE });

const auth = {
  secret: settings.JWT_SECRET ?? (settings.JWKS_URL ? undefined : devJwtSecret(join(dataDir, 'jwt-secret'))),
  jwksUrl: settings.JWKS_URL,
  issuer: settings.JWT_ISSUER,
  audience: settings.JWT_AUDIENCE,
};
const app = await buildApp({
  services: { db, temporal, taskQueue: settings.TASK_QUEUE, requestTimeoutMs: settings.REQUEST_TIMEOUT_SECONDS * 1000 },
  auth,
  logger: { level: settings.LOG_LEVEL === 'info' ? 'warn' : settings.LOG_LEVEL },
});
await app.listen({ port: settings.PORT, host: settings.HOST });

const api = `http://${settings.HOST}:${settings.PORT}`;
say('');
say(`xuncha is running`);
say(`  API            ${api}/api/v1`);
say(`  API docs       ${api}/docs`);
say(`  health         ${api}/health`);
say(`  Temporal       ${address}${devServer ? ' (embedded dev server)' : ''}`);
if (devServer?.uiUrl) say(`  Temporal UI    ${devServer.uiUrl}`);
say(`  database       ${describeTarget(target)}`);
if (auth.secret) {
  say('');
  say('Demo tokens (valid 30 days; send as "Authorization: Bearer <token>"):');
  for (const user of DEMO_USERS) {
    const token = await mintToken(auth, user, { expiresIn: '30d' });
    say(`  ${user.roles[0]!.padEnd(14)} ${user.sub.padEnd(20)} ${token}`);
  }
}
say('');
say('Ctrl-C stops everything.');

// The SDK's runtime stops the worker on SIGINT/SIGTERM; once it has drained, close the rest.
try {
  await worker.run();
} finally {
  await app.close();
  await clientConnection.close();
  await workerConnection.close();
  await db.destroy();
  await devServer?.stop();
  say('xuncha: stopped');
}
