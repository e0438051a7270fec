import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { inspectionWorkflowId } from '../workflows/messages.js';
import { STAGE_IDS } from '../workflows/stages.js';
import { PAYLOAD_KEYS_SETTING, startHarness, type Harness } from './support/harness.js';
import { auditor, launchBody, leaderOne, leadingGroup, office } from './support/people.js';
import { eventually, passStage, recordWork, rid, meetingFor, launchRound } from './support/walk.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Runs `npm run replay` against this run's Temporal server: its exit code and what it printed. */
async function replay(args: string[]): Promise<{ code: number; stdout: string }> {
  const env = { ...process.env, TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_NAMESPACE: 'default', PAYLOAD_KEYS: PAYLOAD_KEYS_SETTING };
  return promisify(execFile)('npm', ['run', '--silent', 'replay', '--', ...args], { cwd: root, env, maxBuffer: 16 * 1024 * 1024 }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: `${error.stdout}${error.stderr}` }),
  );
}

// A tiny history limit makes every inspection continue as new several times on its way.
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ historyLimit: 30 });
});
afterAll(async () => {
  await h?.close();
});

describe('an inspection whose history grows long', () => {
  it('continues as new, carrying its state, and still completes with one history and one answer per request', async () => {
    const round = await launchRound(h, { inspections: [launchBody().inspections[0]] });
    const id = round.inspections[0].id as string;
    await recordWork(h, id, 'preparation', leaderOne);
    const submit = { stage: 'preparation', requestId: rid('submit') };
    const first = await h.call(leaderOne, 'POST', `/api/v1/inspections/${id}/submissions`, submit);
    expect(first.status).toBe(200);
    const approve = await h.call(leadingGroup, 'POST', `/api/v1/inspections/${id}/decisions`, {
      meeting: meetingFor('leading_group'),
      stage: 'preparation',
      decision: 'approve',
      requestId: rid('approve'),
    });
    expect(approve.status).toBe(200);
    for (const stage of STAGE_IDS.slice(1)) await passStage(h, id, stage, leaderOne);

    const handle = h.temporal.workflow.getHandle(inspectionWorkflowId(id));
    const runs: string[] = [];
    for await (const execution of h.temporal.workflow.list({ query: `WorkflowId = '${inspectionWorkflowId(id)}'` })) {
      runs.push(execution.runId);
    }
    expect(runs.length).toBeGreaterThan(2);
    expect((await handle.describe()).status.name).toBe('COMPLETED');

    // The first submission, repeated long after the run that served it ended.
    const again = await h.call(leaderOne, 'POST', `/api/v1/inspections/${id}/submissions`, submit);
    expect(again.body).toEqual(first.body);

    const history = await h.call(auditor, 'GET', `/api/v1/inspections/${id}/history`);
    const steps = history.body.steps as { seq: number; kind: string }[];
    expect(steps.map((s) => s.seq)).toEqual(steps.map((_, i) => i + 1));
    expect(steps.filter((s) => s.kind === 'stage_opened')).toHaveLength(STAGE_IDS.length);
    expect(steps.at(-1)?.kind).toBe('completed');
    expect((await h.call(auditor, 'GET', `/api/v1/inspections/${id}/history/verify`)).body.intact).toBe(true);
    await eventually(async () => {
      expect((await h.call(office, 'GET', `/api/v1/rounds/${round.id}`)).body.status).toBe('completed');
    }, 'the round to see the inspection complete');

    // An auditor downloads every run, oldest first, and each replays against the current code.
    const served = await h.call(auditor, 'GET', `/api/v1/inspections/${id}/history/temporal`);
    expect(served.status).toBe(200);
    const servedRuns = served.body.runs as { runId: string; history: { events: { eventType: string }[] } }[];
    expect(servedRuns.map((r) => r.runId)).toEqual([...runs].reverse());
    expect(servedRuns.slice(0, -1).every((r) => r.history.events.at(-1)?.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW')).toBe(true);
    expect(servedRuns.at(-1)!.history.events.at(-1)?.eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
    const file = join(mkdtempSync(join(tmpdir(), 'xuncha-runs-')), 'inspection.json');
    writeFileSync(file, JSON.stringify(served.body));
    const fromFile = await replay([file]);
    expect(fromFile.code, fromFile.stdout).toBe(0);
    expect(fromFile.stdout.match(/replays cleanly/g)).toHaveLength(servedRuns.length);

    // The same, fetched from the server by round: the round's workflow and every run of its inspection.
    const byRound = await replay(['--round', round.id]);
    expect(byRound.code, byRound.stdout).toBe(0);
    expect(byRound.stdout).toContain(`${inspectionWorkflowId(id)} run ${servedRuns.length}/${servedRuns.length}`);
    expect(byRound.stdout).toContain(`round-${round.id} run 1/`);
    expect(byRound.stdout).toContain('all replay cleanly');
  }, 600_000);

  it('is checked before a deploy: `replay --running` names every running workflow a changed bundle would break', async () => {
    const round = await launchRound(h);
    const ids = (round.inspections as { id: string }[]).map((i) => inspectionWorkflowId(i.id));
    // Both inspections wait in their first run, whose history already scheduled the step-writing activity.

    // The current code replays every running workflow of this test's queue.
    const good = await eventually(async () => {
      const result = await replay(['--running', '--task-queue', h.taskQueue, '--bundle', inject('workflowBundlePath')]);
      for (const workflowId of ids) expect(result.stdout).toContain(`${workflowId} (`);
      return result;
    }, 'the visibility store to list the running inspections', 120_000);
    expect(good.code, good.stdout).toBe(0);
    expect(good.stdout).toContain('all replay cleanly');

    // A deliberately breaking change: the inspection writes its steps through a renamed activity.
    const code = readFileSync(inject('workflowBundlePath'), 'utf8');
    const renamed = code.replace(/\{\s*recordInspectionSteps\s*,/g, '{ recordInspectionStepsV2: recordInspectionSteps,');
    expect(renamed).not.toBe(code);
    const brokenBundle = join(mkdtempSync(join(tmpdir(), 'xuncha-bundle-')), 'broken-bundle.js');
    writeFileSync(brokenBundle, renamed);
    const broken = await replay(['--running', '--task-queue', h.taskQueue, '--bundle', brokenBundle]);
    expect(broken.code, broken.stdout).toBe(1);
    for (const workflowId of ids) expect(broken.stdout).toMatch(new RegExp(`${workflowId} \\([^)]*\\): DOES NOT REPLAY`));
    expect(broken.stdout).toMatch(/\d+ of \d+ would break/);
  }, 300_000);
});
