// Production entry point of the worker: runs the workflows and activities on TASK_QUEUE
// until SIGINT/SIGTERM, then drains in-flight tasks and exits.
import { NativeConnection } from '@temporalio/worker';
import { createDatabase, waitForDatabase } from '../db/connection.js';
import { migrateAsOwner } from '../db/migrate.js';
import { databaseTarget } from '../platform/database-target.js';
import { loadSettingsOrExit, workerSettings } from '../platform/settings.js';
import { serveMetrics } from '../platform/metrics.js';
import { payloadKeysFromSettings } from '../platform/payload-codec.js';
import { loadSigningKeys } from '../platform/signing-key.js';
import { temporalConnectionOptions } from '../platform/temporal-tls.js';
import { createWorker, installRuntime } from './create-worker.js';

const settings = loadSettingsOrExit(workerSettings.refine((s) => s.DATABASE_URL, {
  path: ['DATABASE_URL'],
  message: 'is required: the API and the worker are separate processes sharing one PostgreSQL (npm start runs the embedded database)',
}));
const signingKeys = loadSigningKeys(settings.SIGNING_KEY_FILE);
const db = createDatabase(databaseTarget(settings));
installRuntime(settings.LOG_LEVEL === 'debug' || settings.LOG_LEVEL === 'trace' ? 'INFO' : 'WARN', {
  metricsPort: settings.TEMPORAL_METRICS_PORT,
  metricsHost: settings.METRICS_HOST,
});
const metrics = settings.METRICS_PORT ? await serveMetrics(settings.METRICS_PORT, settings.METRICS_HOST) : undefined;
await waitForDatabase(db);
await migrateAsOwner(db, settings.DATABASE_OWNER_URL);
const temporalAt = temporalConnectionOptions(settings);
const connection = await NativeConnection.connect(temporalAt);
try {
  const worker = await createWorker({
    connection,
    namespace: settings.TEMPORAL_NAMESPACE,
    taskQueue: settings.TASK_QUEUE,
    db,
    // The settings refuse to start without keys.
    payloadKeys: payloadKeysFromSettings(settings)!,
    signingKeys,
  });
  process.stderr.write(`xuncha worker polling ${settings.TASK_QUEUE} on ${temporalAt.address}${temporalAt.tls ? ' (mutual TLS)' : ''}\n`);
  // The SDK's runtime shuts the worker down on SIGINT/SIGTERM; run() resolves once drained.
  await worker.run();
} finally {
  metrics?.close();
  await connection.close();
  await db.destroy();
}
