import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  bundleWorkflowCode,
  DefaultLogger,
  type NativeConnection,
  Runtime,
  Worker,
  type WorkerOptions as SdkWorkerOptions,
  type WorkflowBundleOption,
} from '@temporalio/worker';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { createActivities } from '../activities/activities.js';
import { dataConverter, FAILURE_CONVERTER_PATH, type PayloadKeys } from '../platform/payload-codec.js';
import type { SigningKeys } from '../platform/signing-key.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
const BUNDLE_CLI_PATH = fileURLToPath(new URL('./bundle-workflows.ts', import.meta.url));

/**
 * Our sources are ESM TypeScript that import siblings as `./x.js`; the workflow
 * bundler must map those to the `.ts` files.
 */
export const bundlerOptions = {
  webpackConfigHook: (config: { resolve?: Record<string, unknown> }) => {
    config.resolve = { ...config.resolve, extensionAlias: { '.js': ['.ts', '.js'] } };
    return config;
  },
};

/** Bundles the workflow code in this process, so several workers (tests, benchmarks) can share it. */
export async function bundleWorkflows(workflowsPath = WORKFLOWS_PATH): Promise<WorkflowBundleOption> {
  const { code } = await bundleWorkflowCode({
    workflowsPath,
    // Refusals become failures inside the sandbox: sealed like every payload (see payload-codec.ts).
    failureConverterPath: FAILURE_CONVERTER_PATH,
    // The bundler's default hook types are narrower than webpack's; ours only adds a resolve alias.
    webpackConfigHook: bundlerOptions.webpackConfigHook as never,
    logger: quietLogger,
  });
  return { code };
}

/**
 * Bundles the workflow code in a short-lived child process and returns it. Webpack
 * left about 100 MiB in the RSS of the process that ran it (its modules, its heap,
 * malloc arenas never handed back); a long-running process bundles this way so that
 * memory leaves with the child.
 */
export async function bundleWorkflowsApart(workflowsPath = WORKFLOWS_PATH): Promise<WorkflowBundleOption> {
  // The child runs our TypeScript through tsx whatever runs this process (tsx, vitest).
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child = spawn(process.execPath, ['--import', tsx, BUNDLE_CLI_PATH, workflowsPath], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (exitCode !== 0) throw new Error(`bundling the workflows failed (exit code ${exitCode}); its errors are above`);
  return { code: Buffer.concat(chunks).toString('utf8') };
}

/**
 * Worker settings for a 2-core machine with 24 GiB that runs the API, the worker and
 * (with `npm start`) PGlite in one process. Every worker the project starts uses them,
 * the benchmark's baseline worker too.
 */
export const workerTuning = {
  // One V8 context for all workflows (the SDK's default, stated because the cache
  // size below assumes it): a cached workflow then costs its own state, not a context.
  reuseV8Context: true,
  // The SDK sizes the cache from the heap limit (about 2,300 workflows with Node's
  // 4 GiB default here), which lets an idle round grow RSS without bound. Two cores
  // advance at most a few hundred inspections at once (the bench drives 200 per
  // phase); beyond this an evicted workflow is replayed from its history when it
  // next moves, which costs milliseconds, so memory is the better trade.
  maxCachedWorkflows: 300,
  // A workflow task waits this long on the sticky queue of the worker that last ran
  // the workflow before the server hands it to any worker. The SDK's 10 s cost every
  // in-flight transition 10–13 s when that worker died; a live worker polls its
  // sticky queue within milliseconds even on a busy 2-core machine.
  stickyQueueScheduleToStartTimeout: '3 seconds',
} satisfies Partial<SdkWorkerOptions>;

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Kysely<Database>;
  /** The keys the API seals its requests with: the workflows refuse anything else. */
  payloadKeys: PayloadKeys;
  /** The checkpoint signing key (SIGNING_KEY_FILE). */
  signingKeys?: SigningKeys;
  /** A prebuilt bundle; without it the workflows are bundled in a child process. */
  workflowBundle?: WorkflowBundleOption;
}

export async function createWorker(options: WorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities({ db: options.db, signingKeys: options.signingKeys }),
    dataConverter: dataConverter(options.payloadKeys),
    workflowBundle: options.workflowBundle ?? (await bundleWorkflowsApart()),
    ...workerTuning,
  });
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => process.stderr.write(`workflow bundler: ${message}\n`),
  error: (message: string) => process.stderr.write(`workflow bundler: ${message}\n`),
};

/**
 * Installs the SDK's runtime: its log lines (an activity failure with its workflow id
 * and activity type among them) go to stderr as one JSON object per line, as the API's
 * do, and with `metricsPort` its Prometheus exporter (workflow and activity counts and
 * latencies, task slots, polls) listens there. Must run before the first worker or
 * native connection is created.
 */
export function installRuntime(
  level: 'ERROR' | 'WARN' | 'INFO' | 'DEBUG' | 'TRACE' = 'WARN',
  options: { handleSignals?: boolean; metricsPort?: number; metricsHost?: string } = {},
): void {
  Runtime.install({
    logger: new DefaultLogger(level, (entry) => {
      const { message, level: entryLevel, meta } = entry;
      process.stderr.write(
        `${JSON.stringify({ level: entryLevel.toLowerCase(), time: Number(entry.timestampNanos / 1_000_000n), msg: message, ...meta }, jsonSafe)}\n`,
      );
    }),
    ...(options.metricsPort
      ? { telemetryOptions: { metrics: { prometheus: { bindAddress: `${options.metricsHost ?? '127.0.0.1'}:${options.metricsPort}` } } } }
      : {}),
    // By default the SDK stops workers on SIGINT/SIGTERM; an entry point that must also
    // stop during its own start-up handles the signals itself.
    ...(options.handleSignals === false ? { shutdownSignals: [] } : {}),
  });
}

/** Errors in a log line's metadata keep their message and type; bigints become strings. */
function jsonSafe(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { type: value.name, message: value.message };
  return typeof value === 'bigint' ? value.toString() : value;
}
