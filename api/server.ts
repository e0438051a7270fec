// Production entry point of the API: everything from the environment, nothing started
// beside it. Run the worker with `npm run start:worker`.
import { Client, Connection } from '@temporalio/client';
import { createDatabase, describeTarget, waitForDatabase } from '../db/connection.js';
import { migrateAsOwner } from '../db/migrate.js';
import { databaseTarget } from '../platform/database-target.js';
import { apiSettings, loadSettingsOrExit } from '../platform/settings.js';
import { serveMetrics } from '../platform/metrics.js';
import { dataConverter, payloadKeysFromSettings } from '../platform/payload-codec.js';
import { loadSigningKeys } from '../platform/signing-key.js';
import { temporalConnectionOptions } from '../platform/temporal-tls.js';
import { buildApp } from './app.js';
import { attachmentLimitsOf } from './attachments.service.js';
import { oidcAuthOf, oidcClientOf } from './oidc.js';

const settings = loadSettingsOrExit(apiSettings.refine((s) => s.DATABASE_URL, {
  path: ['DATABASE_URL'],
  message: 'is required: the API and the worker are separate processes sharing one PostgreSQL (npm start runs the embedded database)',
}));
const signingKeys = loadSigningKeys(settings.SIGNING_KEY_FILE);
const target = databaseTarget(settings);
const db = createDatabase(target);
await waitForDatabase(db);
await migrateAsOwner(db, settings.DATABASE_OWNER_URL);

// Lazy, so the API starts (and /health says so) while Temporal is still coming up.
const temporalAt = temporalConnectionOptions(settings);
const connection = Connection.lazy(temporalAt);
// The settings refuse to start without keys.
const temporal = new Client({ connection, namespace: settings.TEMPORAL_NAMESPACE, dataConverter: dataConverter(payloadKeysFromSettings(settings)!) });
const app = await buildApp({
  services: {
      db,
      temporal,
      taskQueue: settings.TASK_QUEUE,
      requestTimeoutMs: settings.REQUEST_TIMEOUT_SECONDS * 1000,
      attachments: attachmentLimitsOf(settings),
      signingKeys,
    },
    rateLimitPerMinute: settings.RATE_LIMIT_PER_MINUTE,
    auth: {
    secret: settings.JWT_SECRET,
    jwksUrl: settings.JWKS_URL,
    issuer: settings.JWT_ISSUER,
    audience: settings.JWT_AUDIENCE,
    maxLifetimeSeconds: settings.TOKEN_MAX_LIFETIME_HOURS * 3600,
    ...oidcAuthOf(settings),
  },
  oidc: oidcClientOf(settings),
  logger: { level: settings.LOG_LEVEL },
});

await app.listen({ port: settings.PORT, host: settings.HOST });
const metrics = settings.METRICS_PORT ? await serveMetrics(settings.METRICS_PORT, settings.METRICS_HOST) : undefined;
app.log.info({ database: describeTarget(target), temporal: temporalAt.address, temporalTls: Boolean(temporalAt.tls) }, 'xuncha API ready');

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (closing) return;
    closing = true;
    void (async () => {
      await app.close();
      metrics?.close();
      await connection.close();
      await db.destroy();
      process.exit(0);
    })();
  });
}
