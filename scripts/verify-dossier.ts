// Checks a sealed dossier (立卷归档) with nothing but the file: every file's SHA-256 in
// the manifest, the manifest's signature, both chains recomputed from the steps and the
// ledger entries it holds, the signed checkpoints against the public keys it carries,
// each submission's digest against the records, and every Temporal run replayed
// against this checkout's workflow code. Prints each check; exits 1 on any failure.
//
//   npm run verify-dossier -- <file.zip> [--bundle <workflow bundle>]
//
// The keys come from the file itself: compare their ids with GET /api/v1/signing-keys
// (or the key file) to know the signatures are the deployment's.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { unzipSync } from 'fflate';
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import { DOSSIER_PATHS, verifyDossierFiles, type DossierCheck } from '../api/dossier-format.js';
import { bundlerOptions, installRuntime, WORKFLOWS_PATH } from '../worker/create-worker.js';

const USAGE = 'usage: npm run verify-dossier -- <file.zip> [--bundle <file>]\n';
const parsed = (() => {
  try {
    return parseArgs({
      args: process.argv.slice(2).filter((arg) => arg !== '--'),
      options: { bundle: { type: 'string' }, help: { type: 'boolean' } },
      allowPositionals: true,
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
})();
const [file] = parsed.positionals;
if (parsed.values.help || !file || parsed.positionals.length !== 1) {
  process.stderr.write(USAGE);
  process.exit(parsed.values.help ? 0 : 2);
}

let files: Map<string, Uint8Array>;
try {
  files = new Map(Object.entries(unzipSync(readFileSync(file))));
} catch (error) {
  process.stdout.write(`FAIL ${file}: not a readable zip: ${(error as Error).message}\n`);
  process.exit(1);
}

const { manifest, checks } = verifyDossierFiles(files);
checks.push(await replay(files));
let failed = 0;
for (const check of checks) {
  if (!check.ok) failed++;
  process.stdout.write(`${check.ok ? 'ok  ' : 'FAIL'} ${check.name}${check.detail ? `: ${check.detail}` : ''}\n`);
  for (const problem of check.problems) process.stdout.write(`       ${problem}\n`);
}
process.stdout.write(
  failed ? `${failed} of ${checks.length} checks failed: ${file} cannot be trusted as sealed\n` : `all ${checks.length} checks passed: ${file} (inspection ${manifest?.inspectionId}) is intact\n`,
);
process.exit(failed ? 1 : 0);

/** Every Temporal run in the dossier replayed against the current workflow code, as `npm run replay` does. */
async function replay(all: Map<string, Uint8Array>): Promise<DossierCheck> {
  const name = 'Temporal replay';
  const bytes = all.get(DOSSIER_PATHS.temporal);
  if (!bytes) return { name, ok: false, problems: [`${DOSSIER_PATHS.temporal}: missing from the dossier`] };
  let runs: { runId: string; history: unknown }[];
  let workflowId: string;
  try {
    ({ runs, workflowId } = JSON.parse(new TextDecoder().decode(bytes)) as { runs: { runId: string; history: unknown }[]; workflowId: string });
  } catch (error) {
    return { name, ok: false, problems: [`${DOSSIER_PATHS.temporal}: not valid JSON (${(error as Error).message})`] };
  }
  installRuntime('ERROR');
  const options: ReplayWorkerOptions = parsed.values.bundle
    ? { workflowBundle: { codePath: parsed.values.bundle } }
    : { workflowsPath: WORKFLOWS_PATH, bundlerOptions: bundlerOptions as never };
  const problems: string[] = [];
  let index = 0;
  try {
    for await (const result of Worker.runReplayHistories(options, runs.map((run) => ({ workflowId, history: run.history as never })))) {
      const run = runs[index++]!;
      if (result.error) problems.push(`${DOSSIER_PATHS.temporal}: run ${index}/${runs.length} (${run.runId}) does not replay: ${result.error.message}`);
    }
  } catch (error) {
    problems.push(`${DOSSIER_PATHS.temporal}: cannot be replayed: ${(error as Error).message}`);
  }
  return { name, ok: problems.length === 0, problems, detail: `${runs.length} run(s) of ${workflowId} against the current workflow code` };
}
