import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { resolveTemporalCli } from '../../platform/temporal-cli.js';
import { startTemporalDevServer } from '../../platform/temporal-dev-server.js';
import { bundleWorkflows } from '../../worker/create-worker.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundlePath: string;
  }
}

/**
 * One real Temporal dev server (in memory, free port) and one workflow bundle for the
 * whole run; each test file gets its own database and task queue on top of them.
 */
export default async function setup(project: TestProject) {
  const cli = await resolveTemporalCli();
  const server = await startTemporalDevServer({ cli, namespace: 'default' });
  const dir = mkdtempSync(join(tmpdir(), 'xuncha-test-'));
  const bundle = await bundleWorkflows();
  const workflowBundlePath = join(dir, 'workflow-bundle.js');
  writeFileSync(workflowBundlePath, (bundle as { code: string }).code);
  project.provide('temporalAddress', server.address);
  project.provide('workflowBundlePath', workflowBundlePath);
  return async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
