import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TemporalCliSource } from './temporal-cli.js';

export interface DevServerOptions {
  cli: TemporalCliSource;
  namespace: string;
  /** Omit for a free port. */
  port?: number;
  /** Serve the Web UI on this port; omit for a headless server. */
  uiPort?: number;
  /** SQLite file that keeps state across restarts; omit for an in-memory server. */
  dbFilename?: string;
}

export interface RunningDevServer {
  address: string;
  uiUrl?: string;
  stop(): Promise<void>;
}

/**
 * Runs `temporal server start-dev` through the SDK's ephemeral-server support, which
 * owns the child process and kills it on teardown, so no server outlives us.
 */
export async function startTemporalDevServer(options: DevServerOptions): Promise<RunningDevServer> {
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable:
        options.cli.kind === 'path' ? { type: 'existing-path', path: options.cli.path } : { type: 'cached-download' },
      namespace: options.namespace,
      ip: '127.0.0.1',
      port: options.port,
      ui: options.uiPort !== undefined,
      uiPort: options.uiPort,
      dbFilename: options.dbFilename,
      log: { format: 'pretty', level: 'error' },
      // Lets the server hand an activity straight to the worker that scheduled it: about
      // half the latency of each approval when the system is not loaded (measured with npm run bench).
      extraArgs: ['--dynamic-config-value', 'system.enableActivityEagerExecution=true'],
    },
  });
  return {
    address: env.address,
    uiUrl: options.uiPort !== undefined ? `http://127.0.0.1:${options.uiPort}` : undefined,
    stop: () => env.teardown(),
  };
}
