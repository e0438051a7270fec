// The database's history and Temporal's event history, written by different systems,
// compared by /history/verify (issue 11 §4).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.js';
import { leaderOne, leadingGroup, memberOne, office, outsider } from './support/people.js';
import { aroundTriggers, recomputeChain, verify } from './support/tamper.js';
import { launchRound, meetingFor, passStage, recordWork, rid } from './support/walk.js';

// A small history limit: the comparison must read every run of a workflow that continued as new.
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ historyLimit: 40 });
});
afterAll(async () => {
  await h?.close();
});

const groupChange = (id: string, change: unknown) =>
  h.call(office, 'POST', `/api/v1/inspections/${id}/group-changes`, { requestId: rid('group'), reason: '工作需要', change });

describe('the two ledgers', () => {
  it('agree on a walked inspection: group changes, a refused submission, a rejection, runs continued as new', async () => {
    const round = await launchRound(h);
    const id = round.inspections[0].id as string;
    expect((await groupChange(id, { kind: 'set_liaison', liaison: { sub: outsider.sub, name: outsider.name } })).status).toBe(200);
    expect((await groupChange(id, { kind: 'name_deputy', memberSub: memberOne.sub })).status).toBe(200);
    const refused = await h.call(leaderOne, 'POST', `/api/v1/inspections/${id}/submissions`, { stage: 'preparation', requestId: rid('early') });
    expect(refused.status).toBe(409);
    await recordWork(h, id, 'preparation', leaderOne);
    expect((await h.call(leaderOne, 'POST', `/api/v1/inspections/${id}/submissions`, { stage: 'preparation', requestId: rid('s') })).status).toBe(200);
    const rejected = await h.call(leadingGroup, 'POST', `/api/v1/inspections/${id}/decisions`, {
      stage: 'preparation', decision: 'reject', comment: '补充材料', requestId: rid('reject'), meeting: meetingFor('leading_group'),
    });
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    await passStage(h, id, 'preparation', leaderOne);
    await passStage(h, id, 'stationing', leaderOne);

    const runs: string[] = [];
    for await (const execution of h.temporal.workflow.list({ query: `WorkflowId = 'inspection-${id}'` })) runs.push(execution.runId);
    expect(runs.length).toBeGreaterThan(1);
    const verdict = await verify(h, id);
    expect(verdict.problems).toEqual([]);
    expect(verdict).toMatchObject({ intact: true, ledgersAgree: true, mismatches: [] });
  });

  it("report a history row altered in the database with the chain recomputed, from Temporal's side", async () => {
    const round = await launchRound(h);
    const id = round.inspections[0].id as string;
    await passStage(h, id, 'preparation', leaderOne);
    const submitted = await h.database.db.selectFrom('inspection_events').select(['seq']).where('inspection_id', '=', id).where('kind', '=', 'submitted').executeTakeFirstOrThrow();
    await aroundTriggers(h.database.db, ['inspection_events'], () =>
      h.database.db.updateTable('inspection_events').set({ comment: '事后补写的说明', at: '2021-10-01T00:00:00.000Z' }).where('inspection_id', '=', id).where('seq', '=', submitted.seq).execute(),
    );
    await recomputeChain(h.database.db, id);
    const verdict = await verify(h, id);
    expect(verdict).toMatchObject({ intact: false, historyIntact: true, ledgersAgree: false });
    expect(verdict.mismatches).toEqual([
      {
        kind: 'different',
        what: `step ${submitted.seq}`,
        problem: `step ${submitted.seq}: its time, comment differ from the activity input that wrote it in Temporal's history`,
      },
    ]);
  });

  it('report a completed update whose step the database lost, and a step no activity wrote', async () => {
    const round = await launchRound(h);
    const id = round.inspections[0].id as string;
    await recordWork(h, id, 'preparation', leaderOne);
    const requestId = rid('submit');
    expect((await h.call(leaderOne, 'POST', `/api/v1/inspections/${id}/submissions`, { stage: 'preparation', requestId })).status).toBe(200);
    const step = await h.database.db.selectFrom('inspection_events').selectAll().where('inspection_id', '=', id).where('request_id', '=', requestId).executeTakeFirstOrThrow();
    await aroundTriggers(h.database.db, ['inspection_events'], async () => {
      await h.database.db.deleteFrom('inspection_events').where('inspection_id', '=', id).where('seq', '=', step.seq).execute();
      // A step nobody asked for, where the submission was.
      await h.database.db
        .insertInto('inspection_events')
        .values({ ...step, seq: step.seq, kind: 'approved', request_id: 'forged', actor_roles: JSON.stringify(step.actor_roles), data: JSON.stringify(step.data) })
        .execute();
    });
    await recomputeChain(h.database.db, id);
    const verdict = await verify(h, id);
    expect(verdict.historyIntact).toBe(true);
    expect(verdict.mismatches).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'different', what: `step ${step.seq}` }),
        expect.objectContaining({ kind: 'only_in_temporal', what: `request ${requestId}` }),
      ]),
    );
  });
});
