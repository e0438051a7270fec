import { fileURLToPath } from 'node:url';
import {
  bundleWorkflowCode,
  DefaultLogger,
  type NativeConnection,
  Runtime,
  Worker,
  type WorkflowBundleOption,
} from '@temporalio/worker';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { createActivities } from '../activities/activities.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

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

/** Bundles the workflow code once, so several workers (tests, benchmarks) can share it. */
export async function bundleWorkflows(): Promise<WorkflowBundleOption> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    // The bundler's default hook types are narrower than webpack's; ours only adds a resolve alias.
    webpackConfigHook: bundlerOptions.webpackConfigHook as never,
    logger: quietLogger,
  });
  return { code };
}

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Kysely<Database>;
  /** A prebuilt bundle; without it the worker bundles the workflows itself. */
  workflowBundle?: WorkflowBundleOption;
}

export async function createWorker(options: WorkerOptions): Promise<Worker> {
  const workflows = options.workflowBundle
    ? { workflowBundle: options.workflowBundle }
    : { workflowsPath: WORKFLOWS_PATH, bundlerOptions: bundlerOptions as never };
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities({ db: options.db }),
    ...workflows,
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
 * Quiets the SDK's own logging (the bundler prints a module table at INFO). Must run
 * before the first worker or native connection is created.
 */
export function installRuntime(
  level: 'ERROR' | 'WARN' | 'INFO' | 'DEBUG' | 'TRACE' = 'WARN',
  options: { handleSignals?: boolean } = {},
): void {
  Runtime.install({
    logger: new DefaultLogger(level),
    // By default the SDK stops workers on SIGINT/SIGTERM; an entry point that must also
    // stop during its own start-up handles the signals itself.
    ...(options.handleSignals === false ? { shutdownSignals: [] } : {}),
  });
}
