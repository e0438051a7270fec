import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { devSigningKeys } from './signing-key.js';
import { SupervisedProcess } from './supervisor.js';
import {
  createTemporalDatabases,
  migrateTemporalSchemas,
  persistenceEnv,
  temporalDatabasesOn,
  type TemporalDatabases,
} from './temporal-databases.js';
import { resolveTemporalServer } from './temporal-server.js';
import { clientTlsEnv, makeTemporalCertificates, serverTlsEnv, temporalTlsConfig, type TemporalCertificates } from './temporal-tls.js';
import { generatePayloadKey } from './payload-codec.js';

/**
 * The production topology on one machine: a Temporal server persisting to PostgreSQL
 * (config/temporal/postgres.yaml), then N workers and M API processes started with the
 * package's own `start:worker` / `start:api` scripts, each supervised and restarted
 * when it dies. `npm run cluster` and the cluster test tier both start it from here.
 */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const TEMPORAL_CONFIG_DIR = 'config/temporal';
export const TEMPORAL_CONFIG_ENV = 'postgres';
export const TEMPORAL_SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;

export interface ClusterOptions {
  /** The application's database; Temporal's two databases go on the same server. */
  databaseUrl: string;
  temporalDatabase?: string;
  visibilityDatabase?: string;
  /** Frontend gRPC port; the server's other ports are offsets of it (see postgres.yaml). */
  temporalPort?: number;
  /** First API port; API i listens on apiPort + i. */
  apiPort?: number;
  apis?: number;
  workers?: number;
  /**
   * First metrics port: API i serves its Prometheus metrics on metricsPort + i, worker j
   * its Temporal SDK metrics on metricsPort + 50 + j.
   */
  metricsPort?: number;
  /** One server process with all four services, or one process per service. */
  services?: 'single' | 'split';
  namespace?: string;
  taskQueue?: string;
  jwtSecret?: string;
  logDir?: string;
  /**
   * Where the topology's certificate authority and certificates are (made there with
   * openssl when missing or near expiry): the frontend admits only clients they sign.
   * Default: `temporal-tls` beside the log folder.
   */
  tlsDir?: string;
  /** How long a crashed process stays down before it is started again. */
  restartDelayMs?: number;
  log?: (line: string) => void;
}

export interface RunningCluster {
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  jwtSecret: string;
  /** The files every client of the frontend needs: the CA to trust, the certificate to present. */
  certificates: TemporalCertificates;
  databases: TemporalDatabases;
  apis: { process: SupervisedProcess; url: string; metricsUrl: string }[];
  workers: { process: SupervisedProcess; metricsUrl: string }[];
  servers: SupervisedProcess[];
  logDir: string;
  /** Waits until the frontend answers and the namespace is served. */
  waitForTemporal(timeoutMs?: number): Promise<void>;
  /** Waits until every running API process answers /health with 200. */
  waitForApis(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** The command line a package.json script runs, so processes start as `npm run <script>` would start them, minus npm itself. */
function packageScript(name: string): string {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const script = pkg.scripts?.[name];
  if (!script) throw new Error(`package.json has no script ${name}`);
  return script;
}

/** Only what the processes need: a test runner's or a shell's own variables stay out. */
function baseEnv(): NodeJS.ProcessEnv {
  const keep = ['HOME', 'LANG', 'LC_ALL', 'TZ', 'XDG_CACHE_HOME', 'TMPDIR', 'USER'];
  const env: NodeJS.ProcessEnv = { PATH: `${join(REPO_ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}` };
  for (const key of keep) if (process.env[key]) env[key] = process.env[key];
  return env;
}

export function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once('error', () => resolvePort(false));
    server.listen(port, host, () => server.close(() => resolvePort(true)));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      last = error;
    }
    await sleep(250);
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

export async function startCluster(options: ClusterOptions): Promise<RunningCluster> {
  const log = options.log ?? ((line: string) => process.stderr.write(`cluster: ${line}\n`));
  const temporalPort = options.temporalPort ?? 17233;
  const apiPort = options.apiPort ?? 13000;
  const metricsPort = options.metricsPort ?? 19000;
  const apiCount = options.apis ?? 2;
  const workerCount = options.workers ?? 2;
  const namespace = options.namespace ?? 'default';
  const taskQueue = options.taskQueue ?? 'xuncha';
  const jwtSecret = options.jwtSecret ?? randomBytes(32).toString('base64url');
  const logDir = resolve(options.logDir ?? join(REPO_ROOT, '.data', 'cluster', 'logs'));
  const restartDelayMs = options.restartDelayMs ?? 1000;
  const temporalAddress = `127.0.0.1:${temporalPort}`;
  const certificates = makeTemporalCertificates(resolve(options.tlsDir ?? join(logDir, '..', 'temporal-tls')));
  const clientTls = clientTlsEnv(certificates);
  // This process's own calls (namespace, readiness) present the same client certificate as the API and workers.
  const connect = (connectTimeout?: number) =>
    Connection.connect({ address: temporalAddress, tls: temporalTlsConfig(clientTls), ...(connectTimeout ? { connectTimeout } : {}) });

  const ports = [temporalPort, temporalPort + 1, temporalPort + 2, temporalPort + 6, temporalPort + 10, temporalPort + 100, temporalPort + 101, temporalPort + 102, temporalPort + 106];
  ports.push(...Array.from({ length: apiCount }, (_, i) => apiPort + i));
  for (const port of ports) {
    if (!(await portIsFree(port))) throw new Error(`port ${port} is in use: pick other ports (--temporal-port, --api-port)`);
  }

  const binaries = await resolveTemporalServer(process.env, log);
  const databases = temporalDatabasesOn(options.databaseUrl, { main: options.temporalDatabase, visibility: options.visibilityDatabase });
  await createTemporalDatabases(options.databaseUrl, databases, log);
  await migrateTemporalSchemas(binaries.sqlTool, binaries.schemaDir, databases, log);

  const started: SupervisedProcess[] = [];
  const supervise = (name: string, command: string, args: string[], env: NodeJS.ProcessEnv) => {
    const process = new SupervisedProcess(
      { name, command, args, env: { ...baseEnv(), ...env }, cwd: REPO_ROOT, logFile: join(logDir, `${name}.log`), restartDelayMs },
      log,
    );
    started.push(process);
    process.start();
    return process;
  };
  const stop = async () => {
    // Clients first, then the server they talk to.
    const order = [...started].reverse();
    for (const group of [order.filter((p) => !servers.includes(p)), servers]) {
      await Promise.all(group.map((p) => p.stop()));
    }
  };

  const servers: SupervisedProcess[] = [];
  const serverEnv = {
    ...persistenceEnv(databases),
    ...serverTlsEnv(certificates),
    TEMPORAL_SERVER_PORT: String(temporalPort),
    TEMPORAL_SERVER_BIND_IP: '127.0.0.1',
    TEMPORAL_DYNAMIC_CONFIG_FILE: join(REPO_ROOT, TEMPORAL_CONFIG_DIR, 'dynamicconfig.yaml'),
    TEMPORAL_LOG_LEVEL: 'warn',
  };
  const serverArgs = ['--root', REPO_ROOT, '--config', TEMPORAL_CONFIG_DIR, '--env', TEMPORAL_CONFIG_ENV, '--allow-no-auth', 'start'];
  const groups = options.services === 'split' ? TEMPORAL_SERVICES.map((s) => [s]) : [[...TEMPORAL_SERVICES]];
  for (const services of groups) {
    const name = services.length === 1 ? `temporal-${services[0]}` : 'temporal-server';
    servers.push(supervise(name, binaries.server, [...serverArgs, ...services.flatMap((s) => ['--service', s])], serverEnv));
  }

  const waitForTemporal = async (timeoutMs = 120_000) => {
    await until(`the Temporal frontend at ${temporalAddress} to serve namespace ${namespace}`, timeoutMs, async () => {
      const connection = await connect(2000);
      try {
        await connection.withDeadline(Date.now() + 5000, () =>
          connection.workflowService.describeTaskQueue({ namespace, taskQueue: { name: taskQueue }, taskQueueType: 1 }),
        );
        return true;
      } finally {
        await connection.close();
      }
    });
  };

  try {
    // Registering the namespace is the CLI's `operator namespace create`, done through the SDK's client.
    await until(`the Temporal frontend at ${temporalAddress}`, 120_000, async () => {
      const connection = await connect(2000);
      try {
        await connection.withDeadline(Date.now() + 10_000, () =>
          connection.workflowService.registerNamespace({
            namespace,
            workflowExecutionRetentionPeriod: msToTs('7 days'),
          }),
        );
        log(`registered namespace ${namespace}`);
      } catch (error) {
        if (!/already exists|ALREADY_EXISTS/i.test(String(error))) throw error;
      } finally {
        await connection.close();
      }
      return true;
    });
    await waitForTemporal();

    // One checkpoint key for the whole topology, kept beside the logs: the workers sign, the APIs verify.
    const signingKeyFile = join(logDir, '..', 'signing-key.json');
    devSigningKeys(signingKeyFile);
    const common = {
      DATABASE_URL: options.databaseUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      ...clientTls,
      TEMPORAL_NAMESPACE: namespace,
      TASK_QUEUE: taskQueue,
      // One key for every process of the topology, as operators share one between API and workers.
      PAYLOAD_KEYS: process.env.PAYLOAD_KEYS || generatePayloadKey('cluster'),
      SIGNING_KEY_FILE: signingKeyFile,
    };
    const workerScript = packageScript('start:worker');
    const apiScript = packageScript('start:api');
    const workers = Array.from({ length: workerCount }, (_, i) => {
      const port = metricsPort + 50 + i;
      const process = supervise(`worker-${i + 1}`, '/bin/sh', ['-c', `exec ${workerScript}`], { ...common, TEMPORAL_METRICS_PORT: String(port) });
      return { process, metricsUrl: `http://127.0.0.1:${port}/metrics` };
    });
    const apis = Array.from({ length: apiCount }, (_, i) => {
      const port = apiPort + i;
      const process = supervise(`api-${i + 1}`, '/bin/sh', ['-c', `exec ${apiScript}`], {
        ...common,
        JWT_SECRET: jwtSecret,
        PORT: String(port),
        HOST: '127.0.0.1',
        METRICS_PORT: String(metricsPort + i),
        // The tier drives whole rounds as a handful of people, far faster than anyone clicks.
        RATE_LIMIT_PER_MINUTE: '10000000',
      });
      return { process, url: `http://127.0.0.1:${port}`, metricsUrl: `http://127.0.0.1:${metricsPort + i}/metrics` };
    });

    const waitForApis = async (timeoutMs = 120_000) => {
      for (const api of apis.filter((a) => a.process.running)) {
        await until(`${api.process.name} at ${api.url}/health`, timeoutMs, async () => (await fetch(`${api.url}/health`)).status === 200);
      }
    };
    await waitForApis();
    // A worker is ready once Temporal sees it polling the task queue.
    await until(`${workerCount} workers polling ${taskQueue}`, 120_000, async () => {
      const connection = await connect();
      try {
        const { pollers } = await connection.workflowService.describeTaskQueue({ namespace, taskQueue: { name: taskQueue }, taskQueueType: 1 });
        return pollers.length >= workerCount;
      } finally {
        await connection.close();
      }
    });

    return { temporalAddress, namespace, taskQueue, jwtSecret, certificates, databases, apis, workers, servers, logDir, waitForTemporal, waitForApis, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
