// `npm run replay -- <history.json> [more.json …]`: replays recorded workflow histories
// (as GET /api/v1/inspections/:id/history/temporal returns them, or as the Temporal CLI
// exports them) against the current workflow code. Exits non-zero when one does not
// replay cleanly: a change that would break running inspections.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Worker } from '@temporalio/worker';
import { bundlerOptions, installRuntime, WORKFLOWS_PATH } from '../worker/create-worker.js';

const files = process.argv.slice(2).filter((arg) => arg !== '--');
if (files.length === 0) {
  process.stderr.write('usage: npm run replay -- <history.json> [more.json …]\n');
  process.exit(2);
}
installRuntime('ERROR');

let failed = 0;
for (const file of files) {
  let history: unknown;
  try {
    history = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    process.stdout.write(`${basename(file)}: cannot read: ${(error as Error).message}\n`);
    failed++;
    continue;
  }
  try {
    await Worker.runReplayHistory({ workflowsPath: WORKFLOWS_PATH, bundlerOptions: bundlerOptions as never }, history, basename(file));
    process.stdout.write(`${basename(file)}: replays cleanly\n`);
  } catch (error) {
    failed++;
    process.stdout.write(`${basename(file)}: DOES NOT REPLAY: ${(error as Error).message}\n`);
  }
}
process.exit(failed ? 1 : 0);
