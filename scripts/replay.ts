// Replays workflow histories against the current workflow code (or a bundle of it);
// exits non-zero when one does not replay cleanly: a change that would break them.
//
//   npm run replay -- <history.json> [more.json …]   files from GET …/history/temporal (every run in
//                                                    it) or exported by the Temporal CLI
//   npm run replay -- --round <roundId>              every run of the round's workflow and of each
//                                                    inspection it started, from the Temporal server
//   npm run replay -- --running [--task-queue <q>]   every running workflow of the namespace: the
//                                                    check before deploying a new worker
//   --bundle <file>                                  replay against a prebuilt workflow bundle
//                                                    instead of bundling ./workflows
//
// The server is TEMPORAL_ADDRESS (default 127.0.0.1:7233) and TEMPORAL_NAMESPACE (default `default`).
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import { loadSettingsOrExit, temporalSettings, temporalTlsPaired } from '../platform/settings.js';
import { temporalConnectionOptions } from '../platform/temporal-tls.js';
import { dataConverter, decodeHistory, payloadKeysFromSettings } from '../platform/payload-codec.js';
import { childWorkflowIds, fetchAllRuns, type WorkflowRun } from '../platform/workflow-runs.js';
import { roundWorkflowId } from '../workflows/messages.js';
import { bundlerOptions, installRuntime, WORKFLOWS_PATH } from '../worker/create-worker.js';

const USAGE = 'usage: npm run replay -- <history.json> … | --round <roundId> | --running [--task-queue <queue>]  [--bundle <file>]\n';

let parsed;
try {
  parsed = parseArgs({
    args: process.argv.slice(2).filter((arg) => arg !== '--'),
    options: {
      round: { type: 'string' },
      running: { type: 'boolean' },
      'task-queue': { type: 'string' },
      bundle: { type: 'string' },
      help: { type: 'boolean' },
    },
    allowPositionals: true,
  });
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
const { values, positionals: files } = parsed;
const modes = [files.length > 0, values.round !== undefined, values.running === true].filter(Boolean).length;
if (values.help || modes !== 1) {
  process.stderr.write(USAGE);
  process.exit(values.help ? 0 : 2);
}
installRuntime('ERROR');

interface Named {
  label: string;
  workflowId: string;
  history: unknown;
}

/** A file holds one history (`{ events }`) or the API's answer with every run (`{ runs: [{ runId, history }] }`). */
function fromFile(file: string): Named[] {
  const json = JSON.parse(readFileSync(file, 'utf8')) as { runs?: { runId: string; history: unknown }[]; workflowId?: string };
  if (!Array.isArray(json.runs)) return [{ label: basename(file), workflowId: basename(file), history: json }];
  return json.runs.map((run, i) => ({
    label: `${basename(file)} run ${i + 1}/${json.runs!.length} (${run.runId})`,
    workflowId: json.workflowId ?? basename(file),
    history: run.history,
  }));
}

const named = (run: WorkflowRun, of: number, index: number): Named => ({
  label: `${run.workflowId} run ${index + 1}/${of} (${run.runId})`,
  workflowId: run.workflowId,
  history: run.history,
});

async function fromServer(): Promise<Named[]> {
  const settings = loadSettingsOrExit(temporalSettings.refine(temporalTlsPaired.check, temporalTlsPaired.message));
  const connection = await Connection.connect(temporalConnectionOptions(settings));
  // Histories on the server are sealed: the keys are the deployment's, or those npm start made.
  const startKeys = join(process.env.DATA_DIR ?? '.data', 'payload-keys');
  const keys = payloadKeysFromSettings(process.env) ?? (existsSync(startKeys) ? payloadKeysFromSettings({ PAYLOAD_KEYS_FILE: startKeys }) : undefined);
  const client = new Client({ connection, namespace: settings.TEMPORAL_NAMESPACE, ...(keys ? { dataConverter: dataConverter(keys) } : {}) });
  try {
    if (values.round !== undefined) {
      const roundRuns = await fetchAllRuns(client, roundWorkflowId(values.round));
      const all = [roundRuns];
      for (const id of childWorkflowIds(roundRuns)) all.push(await fetchAllRuns(client, id));
      return all.flatMap((runs) => runs.map((run, i) => named(run, runs.length, i)));
    }
    // Only the current run of each: it is the one a new worker would pick up.
    const queue = values['task-queue'];
    const query = `ExecutionStatus = 'Running'${queue ? ` AND TaskQueue = '${queue.replaceAll("'", "''")}'` : ''}`;
    const found: Named[] = [];
    for await (const execution of client.workflow.list({ query })) {
      const sealed = await client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
      const history = await decodeHistory(sealed, client.options.loadedDataConverter.payloadCodecs);
      found.push({ label: `${execution.workflowId} (${execution.runId}, running)`, workflowId: execution.workflowId, history });
    }
    return found;
  } finally {
    await connection.close();
  }
}

let histories: Named[] = [];
let failed = 0;
if (files.length) {
  for (const file of files) {
    try {
      histories.push(...fromFile(file));
    } catch (error) {
      process.stdout.write(`${basename(file)}: cannot read: ${(error as Error).message}\n`);
      failed++;
    }
  }
} else {
  histories = await fromServer();
  process.stdout.write(`${histories.length} histories to replay\n`);
}

const options: ReplayWorkerOptions = values.bundle
  ? { workflowBundle: { codePath: values.bundle } }
  : { workflowsPath: WORKFLOWS_PATH, bundlerOptions: bundlerOptions as never };
// One bundle for all of them; results come back in the order the histories went in.
const results = Worker.runReplayHistories(
  options,
  histories.map(({ workflowId, history }) => ({ workflowId, history: history as never })),
);
let index = 0;
for await (const result of results) {
  const { label } = histories[index++]!;
  if (result.error) {
    failed++;
    process.stdout.write(`${label}: DOES NOT REPLAY: ${result.error.message}\n`);
  } else {
    process.stdout.write(`${label}: replays cleanly\n`);
  }
}
if (!files.length) process.stdout.write(failed ? `${failed} of ${histories.length} would break\n` : 'all replay cleanly\n');
process.exit(failed ? 1 : 0);
