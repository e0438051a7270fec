// `npm run cluster`: the production topology on this machine. See --help.
import { parseArgs } from 'node:util';
import { mintToken } from '../api/auth.js';
import { DEMO_USERS } from '../platform/demo-users.js';
import { startCluster, type RunningCluster } from '../platform/cluster.js';

const HELP = `usage: npm run cluster -- [options]

Starts xuncha's production topology against DATABASE_URL's PostgreSQL server:
  1. creates Temporal's databases there if missing and sets up or migrates their
     schemas with temporal-sql-tool (built with Go on first use, cached beside the CLI);
  2. makes a certificate authority and certificates (kept in --tls-dir), starts
     temporal-server with config/temporal/postgres.yaml (frontend, history, matching
     and worker services; mutual TLS: only clients holding a certificate of that
     authority are admitted), and registers the namespace;
  3. starts the workers (npm run start:worker) and the API processes (npm run
     start:api), each on its own port.
A process that dies is started again, and the restart is logged, as compose's
restart: unless-stopped does. Ctrl-C stops all of it. Each process's output goes to
its own file in the log folder.

options:
  --workers N            worker processes (default 2)
  --apis M               API processes (default 2)
  --api-port P           first API port; API i listens on P+i-1 (default 13000)
  --metrics-port P       first metrics port: API i on P+i-1, worker j on P+50+j-1 (default 19000)
  --temporal-port P      Temporal frontend gRPC port; the server also uses
                         P+1, P+2, P+6, P+10 and P+100..P+106 (default 17233)
  --services single|split  one server process, or one per Temporal service (default single)
  --temporal-db NAME     Temporal's database (default temporal)
  --visibility-db NAME   Temporal's visibility database (default temporal_visibility)
  --namespace NAME       Temporal namespace (default TEMPORAL_NAMESPACE or default)
  --log-dir DIR          where each process's output goes (default .data/cluster/logs)
  --tls-dir DIR          the Temporal certificates, made there if missing or near
                         expiry (default temporal-tls beside the log folder)
  -h, --help             this text

environment: DATABASE_URL (required), JWT_SECRET (generated for the run if unset),
TASK_QUEUE, TEMPORAL_SERVER_PATH / TEMPORAL_SQL_TOOL_PATH / TEMPORAL_SCHEMA_DIR
(use these instead of the cached build).
`;

function fail(message: string): never {
  process.stderr.write(`cluster: ${message}\n`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    options: {
      workers: { type: 'string', default: '2' },
      apis: { type: 'string', default: '2' },
      'api-port': { type: 'string', default: '13000' },
      'metrics-port': { type: 'string', default: '19000' },
      'temporal-port': { type: 'string', default: '17233' },
      services: { type: 'string', default: 'single' },
      'temporal-db': { type: 'string', default: 'temporal' },
      'visibility-db': { type: 'string', default: 'temporal_visibility' },
      namespace: { type: 'string' },
      'log-dir': { type: 'string' },
      'tls-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  }).values;
} catch (error) {
  fail(`${(error as Error).message}\n\n${HELP}`);
}
if (parsed.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const count = (name: string, raw: string, min: number) => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) fail(`--${name} must be an integer ≥ ${min}, got ${JSON.stringify(raw)}`);
  return n;
};
const port = (name: string, raw: string) => {
  const n = count(name, raw, 1);
  if (n > 65_000) fail(`--${name} must leave room for the ports after it, got ${n}`);
  return n;
};
if (parsed.services !== 'single' && parsed.services !== 'split') fail(`--services must be single or split, got ${JSON.stringify(parsed.services)}`);
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl || !/^postgres(ql)?:\/\//.test(databaseUrl)) fail('DATABASE_URL must be set to a postgres:// URL (the topology runs on PostgreSQL only)');
const jwtSecret = process.env.JWT_SECRET;
if (jwtSecret !== undefined && jwtSecret.length < 32) fail('JWT_SECRET must be at least 32 characters');

let cluster: RunningCluster | undefined;
let stopping = false;
const stop = async (code: number) => {
  if (stopping) return;
  stopping = true;
  process.stderr.write('cluster: stopping everything\n');
  await cluster?.stop();
  process.exit(code);
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(0));

try {
  cluster = await startCluster({
    databaseUrl,
    temporalDatabase: parsed['temporal-db'],
    visibilityDatabase: parsed['visibility-db'],
    temporalPort: port('temporal-port', parsed['temporal-port']),
    apiPort: port('api-port', parsed['api-port']),
    metricsPort: port('metrics-port', parsed['metrics-port']),
    apis: count('apis', parsed.apis, 1),
    workers: count('workers', parsed.workers, 1),
    services: parsed.services,
    namespace: parsed.namespace ?? process.env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: process.env.TASK_QUEUE || 'xuncha',
    jwtSecret,
    logDir: parsed['log-dir'],
    tlsDir: parsed['tls-dir'],
  });
} catch (error) {
  process.stderr.write(`cluster: could not start: ${(error as Error).message}\n`);
  process.exit(1);
}
if (stopping) process.exit(0);

const out = (line = '') => process.stdout.write(`${line}\n`);
out('xuncha cluster running');
out(`  Temporal frontend  ${cluster.temporalAddress} (namespace ${cluster.namespace}; ${cluster.servers.map((s) => s.name).join(', ')})`);
out(`  Temporal databases ${cluster.databases.main}, ${cluster.databases.visibility} on ${cluster.databases.host}:${cluster.databases.port}`);
for (const api of cluster.apis) out(`  ${api.process.name.padEnd(18)} ${api.url}/api/v1  (docs ${api.url}/docs; metrics ${api.metricsUrl})`);
out(`  workers            ${cluster.workers.map((w) => w.process.name).join(', ')} on task queue ${cluster.taskQueue}`);
for (const worker of cluster.workers) out(`  ${worker.process.name.padEnd(18)} metrics ${worker.metricsUrl}`);
out(`  logs               ${cluster.logDir}`);
const tls = cluster.certificates;
out(`  Temporal TLS       ${tls.dir}: the CLI needs --address ${cluster.temporalAddress} --tls-ca-path ${tls.ca} --tls-cert-path ${tls.clientCert} --tls-key-path ${tls.clientKey} --tls-server-name ${tls.serverName}`);
if (!jwtSecret) {
  out('  tokens (JWT_SECRET was unset: a secret was generated for this run)');
  for (const user of DEMO_USERS) out(`    ${user.roles.join(',').padEnd(14)} ${await mintToken({ secret: cluster.jwtSecret }, user)}`);
}
out('Ctrl-C stops everything.');
