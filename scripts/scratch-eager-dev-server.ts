// SCRATCH (delete after the experiment): platform/temporal-dev-server.ts plus extraArgs.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TemporalCliSource } from '../platform/temporal-cli.js';

export const SCRATCH_METRICS_PORT = 19191;
export const SCRATCH_EAGER = process.env.BENCH_EAGER === '1';

export async function startTemporalDevServer(options: { cli: TemporalCliSource; namespace: string }) {
  const extraArgs = ['--metrics-port', String(SCRATCH_METRICS_PORT)];
  if (SCRATCH_EAGER) extraArgs.push('--dynamic-config-value', 'system.enableActivityEagerExecution=true');
  process.stderr.write(`scratch: dev server extraArgs ${JSON.stringify(extraArgs)}\n`);
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable:
        options.cli.kind === 'path' ? { type: 'existing-path', path: options.cli.path } : { type: 'cached-download' },
      namespace: options.namespace,
      ip: '127.0.0.1',
      log: { format: 'pretty', level: 'error' },
      extraArgs,
    },
  });
  return { address: env.address, uiUrl: undefined as string | undefined, stop: () => env.teardown() };
}
