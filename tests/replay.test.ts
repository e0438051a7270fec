import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeHistory } from '../platform/payload-codec.js';
import { roundWorkflowId } from '../workflows/messages.js';
import { STAGE_IDS } from '../workflows/stages.js';
import { bundlerOptions, WORKFLOWS_PATH } from '../worker/create-worker.js';
import { startHarness, type Harness } from './support/harness.js';
import { auditor, leaderOne, leaderTwo, leadingGroup, office } from './support/people.js';
import { eventually, passStage, recordWork, rid, meetingFor, launchRound } from './support/walk.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const fixtures = join(root, 'tests', 'fixtures', 'histories');
/** Set RECORD_HISTORIES=1 to refresh the fixtures from this run (only for new workflow behaviour). */
const recording = process.env.RECORD_HISTORIES === '1';
/**
 * Histories recorded by each release, named for it. Release 0.1.0 is the baseline:
 * nothing ran before it, so it carries no patches. From now on fixtures are only
 * added, never replaced: a change to running logic goes behind `patched()` and must
 * replay every release's histories (see the README's development section).
 */
const FIXTURE_GENERATION = '0.1.0';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

function fixtureFiles(): string[] {
  return readdirSync(fixtures)
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(fixtures, f));
}

describe('recorded histories', () => {
  it('of a complete and a cancelled inspection replay against the current workflow code', async () => {
    // Drive fresh ones through the API, as an auditor would download them.
    const round = await launchRound(h);
    const [complete, cancelled] = round.inspections;
    await recordWork(h, complete.id, 'preparation', leaderOne);
    await h.call(leaderOne, 'POST', `/api/v1/inspections/${complete.id}/submissions`, { stage: 'preparation', requestId: rid('s') });
    await h.call(leadingGroup, 'POST', `/api/v1/inspections/${complete.id}/decisions`, {
      meeting: meetingFor('leading_group'),
      stage: 'preparation',
      decision: 'reject',
      requestId: rid('r'),
      comment: '回避申报不全',
    });
    for (const stage of STAGE_IDS) await passStage(h, complete.id, stage, leaderOne);
    await passStage(h, cancelled.id, 'preparation', leaderTwo);
    await h.call(office, 'POST', `/api/v1/rounds/${round.id}/cancel`, { reason: '测试撤销' });

    const downloaded: Record<string, unknown> = {};
    for (const [name, id] of [['inspection-complete', complete.id], ['inspection-cancelled', cancelled.id]] as const) {
      const response = await h.call(auditor, 'GET', `/api/v1/inspections/${id}/history/temporal`);
      expect(response.status).toBe(200);
      expect(response.body.runs).toHaveLength(1);
      const [only] = response.body.runs;
      expect(only.history.events.length).toBeGreaterThan(10);
      downloaded[name] = only.history;
    }
    const roundHistory = await eventually(async () => {
      const sealed = await h.temporal.workflow.getHandle(roundWorkflowId(round.id)).fetchHistory();
      // Opened as the API serves inspection histories, so that it replays without the key.
      const history = await decodeHistory(sealed, h.temporal.options.loadedDataConverter.payloadCodecs);
      const json = JSON.parse(historyToJSON(history));
      expect(json.events.at(-1).eventType).toMatch(/COMPLETED/);
      return json;
    }, 'the round workflow to finish');
    downloaded['round-cancelled'] = roundHistory;

    const fresh = Object.entries(downloaded).map(([workflowId, history]) => ({ workflowId, history }));
    const results = Worker.runReplayHistories({ workflowsPath: WORKFLOWS_PATH, bundlerOptions: bundlerOptions as never }, fresh);
    for await (const result of results) expect(result.error, result.workflowId).toBeUndefined();

    if (recording) {
      for (const [name, history] of Object.entries(downloaded)) {
        writeFileSync(join(fixtures, `${FIXTURE_GENERATION}-${name}.json`), `${JSON.stringify(history, null, 1)}\n`);
      }
    }
  });

  it('kept under tests/fixtures still replay: the gate that keeps running rounds safe', async () => {
    const files = fixtureFiles();
    expect(files.length).toBeGreaterThanOrEqual(3);
    const histories = files.map((file) => ({ workflowId: file, history: JSON.parse(readFileSync(file, 'utf8')) }));
    const results = Worker.runReplayHistories({ workflowsPath: WORKFLOWS_PATH, bundlerOptions: bundlerOptions as never }, histories);
    let replayed = 0;
    for await (const result of results) {
      expect(result.error, result.workflowId).toBeUndefined();
      replayed++;
    }
    expect(replayed).toBe(files.length);
  });

  it('are checked by `npm run replay`, which fails on a history the code cannot reproduce', async () => {
    const good = fixtureFiles().find((f) => f.endsWith(`${FIXTURE_GENERATION}-inspection-complete.json`));
    expect(good).toBeDefined();
    const ok = await run('npm', ['run', '--silent', 'replay', '--', good!], { cwd: root });
    expect(ok.stdout).toContain(`${FIXTURE_GENERATION}-inspection-complete.json: replays cleanly`);

    // A history in which the workflow scheduled an activity the code never calls.
    const history = JSON.parse(readFileSync(good!, 'utf8'));
    const scheduled = history.events.find((e: { eventType: string }) => e.eventType === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED');
    scheduled.activityTaskScheduledEventAttributes.activityType.name = 'somethingElse';
    const broken = join(mkdtempSync(join(tmpdir(), 'xuncha-replay-')), 'broken.json');
    writeFileSync(broken, JSON.stringify(history));
    const failure = await run('npm', ['run', '--silent', 'replay', '--', broken], { cwd: root }).then(
      () => undefined,
      (error: { code: number; stdout: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stdout).toContain('broken.json: DOES NOT REPLAY');
    // Two child processes that each bundle the workflows: minutes on a loaded machine.
  }, 300_000);
});
