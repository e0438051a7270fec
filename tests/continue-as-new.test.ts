import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectionWorkflowId } from '../workflows/messages.js';
import { STAGE_IDS } from '../workflows/stages.js';
import { startHarness, type Harness } from './support/harness.js';
import { auditor, launchBody, leaderOne, leadingGroup, office } from './support/people.js';
import { eventually, passStage, recordWork, rid, meetingFor, launchRound } from './support/walk.js';

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
  });
});
