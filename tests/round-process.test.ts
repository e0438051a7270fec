import { createActivities } from '../activities/activities.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectionStatusQuery, inspectionWorkflowId } from '../workflows/messages.js';
import { STAGE_IDS } from '../workflows/stages.js';
import { startHarness, type Harness } from './support/harness.js';
import {
  auditor,
  launchBody,
  leaderOne,
  leaderTwo,
  leadingGroup,
  memberOne,
  office,
  officeDeputy,
} from './support/people.js';
import { eventually, passStage, recordWork, rid, meetingFor, launchRound } from './support/walk.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

async function launch(overrides: Record<string, unknown> = {}) {
  return launchRound(h, overrides);
}

describe('a whole round', () => {
  it('walks two inspections through every stage to a completed round, with every step in history', async () => {
    const round = await launch();
    expect(round.status).toBe('active');
    expect(round.inspections).toHaveLength(2);
    for (const inspection of round.inspections) {
      expect(inspection).toMatchObject({ stage: 'preparation', state: 'open', waitingOn: { role: 'group_leader' } });
    }
    const [first, second] = round.inspections;
    const leaders = [leaderOne, leaderTwo];

    for (const stage of STAGE_IDS) {
      await Promise.all([first, second].map((inspection, i) => passStage(h, inspection.id, stage, leaders[i]!)));
    }

    const done = await eventually(async () => {
      const view = await h.call(office, 'GET', `/api/v1/rounds/${round.id}`);
      expect(view.body.status).toBe('completed');
      return view.body;
    }, 'the round to complete');
    expect(done.inspections.map((i: { state: string }) => i.state)).toEqual(['completed', 'completed']);

    const history = await h.call(auditor, 'GET', `/api/v1/inspections/${first.id}/history`);
    expect(history.status).toBe(200);
    const steps = history.body.steps as { seq: number; kind: string; stage: string; actor: { sub: string } }[];
    // Opened, submitted, then one approval per chain level, for every stage; reporting has
    // three levels (office, leading group, party committee).
    const approvals = steps.filter((s) => s.kind === 'approved');
    expect(approvals).toHaveLength(STAGE_IDS.length + 2);
    expect(steps.filter((s) => s.kind === 'stage_opened').map((s) => s.stage)).toEqual([...STAGE_IDS]);
    // The group submits its own stages; the office those after the report (archiving included).
    expect(steps.filter((s) => s.kind === 'submitted').map((s) => [s.stage, s.actor.sub])).toEqual(
      STAGE_IDS.map((stage) => [stage, ['post_evaluation', 'rectification', 'archiving'].includes(stage) ? office.sub : leaderOne.sub]),
    );
    expect(steps.at(-1)?.kind).toBe('completed');
    expect(steps.map((s) => s.seq)).toEqual(steps.map((_, i) => i + 1));

    const verified = await h.call(auditor, 'GET', `/api/v1/inspections/${first.id}/history/verify`);
    expect(verified.body).toMatchObject({ intact: true, steps: steps.length, problems: [] });

    const late = await h.call(leaderOne, 'POST', `/api/v1/inspections/${first.id}/submissions`, {
      stage: 'rectification',
      requestId: rid('late'),
    });
    expect(late.status).toBe(409);
    expect(late.body.details).toMatchObject({ state: 'completed' });
  });
});

describe('approvals', () => {
  it('sends a rejected stage back to open with the comment, and takes a resubmission', async () => {
    const round = await launch();
    const id = round.inspections[0].id;
    await recordWork(h, id, 'preparation', leaderOne);
    await h.call(leaderOne, 'POST', `/api/v1/inspections/${id}/submissions`, { stage: 'preparation', requestId: rid('s') });
    const rejected = await h.call(leadingGroup, 'POST', `/api/v1/inspections/${id}/decisions`, {
      meeting: meetingFor('leading_group'),
      stage: 'preparation',
      decision: 'reject',
      requestId: rid('r'),
      comment: '工作方案未列明重点监督内容',
    });
    expect(rejected.status).toBe(200);
    expect(rejected.body.status).toMatchObject({ stage: 'preparation', state: 'open', waitingOn: { role: 'group_leader', sub: leaderOne.sub } });

    const view = await h.call(leaderOne, 'GET', `/api/v1/inspections/${id}`);
    expect(view.body).toMatchObject({ stage: 'preparation', state: 'open' });

    await passStage(h, id, 'preparation', leaderOne);
    const after = await h.call(leaderOne, 'GET', `/api/v1/inspections/${id}`);
    expect(after.body).toMatchObject({ stage: 'stationing', state: 'open' });
    // Operators can ask the workflow itself; it agrees with what the API shows.
    const queried = await h.temporal.workflow.getHandle(inspectionWorkflowId(id)).query(inspectionStatusQuery);
    expect(queried).toMatchObject({ stage: 'stationing', state: 'open', awaitingRole: null, stageDueAt: after.body.dueAt });

    const history = await h.call(auditor, 'GET', `/api/v1/inspections/${id}/history`);
    const rejection = history.body.steps.find((s: { kind: string }) => s.kind === 'rejected');
    expect(rejection).toMatchObject({ comment: '工作方案未列明重点监督内容', actor: { sub: leadingGroup.sub } });
  });

  it('runs the reporting chain office, leading group, party committee; a rejection at the second level reopens it', async () => {
    const round = await launch({ approvalChains: { preparation: ['office'], stationing: ['office'], drafting: ['office'], communication: ['office'] } });
    const id = round.inspections[0].id;
    for (const stage of ['preparation', 'stationing', 'drafting', 'communication'] as const) {
      await passStage(h, id, stage, leaderOne);
    }
    await recordWork(h, id, 'reporting', leaderOne);
    const submitted = await h.call(leaderOne, 'POST', `/api/v1/inspections/${id}/submissions`, { stage: 'reporting', requestId: rid('s') });
    expect(submitted.body.status.waitingOn).toEqual({ role: 'office' });

    // The leading group may not jump the queue.
    const early = await h.call(leadingGroup, 'POST', `/api/v1/inspections/${id}/decisions`, {
      meeting: meetingFor('leading_group'),
      stage: 'reporting',
      decision: 'approve',
      requestId: rid('early'),
    });
    expect(early.status).toBe(403);
    expect(early.body.details).toMatchObject({ stage: 'reporting', state: 'submitted', waitingOn: { role: 'office' } });

    const first = await h.call(office, 'POST', `/api/v1/inspections/${id}/decisions`, { stage: 'reporting', decision: 'approve', requestId: rid('a') });
    expect(first.body.status).toMatchObject({ state: 'submitted', waitingOn: { role: 'leading_group' } });
    const pending = await h.call(leadingGroup, 'GET', '/api/v1/approvals?status=pending');
    expect(pending.body.approvals.map((a: { id: string }) => a.id)).toContain(id);

    // A collective body's decision names the meeting that took it.
    const noMeeting = await h.call(leadingGroup, 'POST', `/api/v1/inspections/${id}/decisions`, {
      stage: 'reporting',
      decision: 'reject',
      requestId: rid('r'),
      comment: '问题定性依据不充分',
    });
    expect(noMeeting.status, JSON.stringify(noMeeting.body)).toBe(400);
    expect(noMeeting.body.details.issues).toEqual([expect.objectContaining({ field: 'body.meeting' })]);
    const second = await h.call(leadingGroup, 'POST', `/api/v1/inspections/${id}/decisions`, {
      meeting: meetingFor('leading_group'),
      stage: 'reporting',
      decision: 'reject',
      requestId: rid('r'),
      comment: '问题定性依据不充分',
    });
    expect(second.body.status).toMatchObject({ stage: 'reporting', state: 'open' });
    const history = await h.call(auditor, 'GET', `/api/v1/inspections/${id}/history`);
    expect(history.body.steps.at(-1)).toMatchObject({
      kind: 'rejected',
      data: { role: 'leading_group', level: 2, of: 3, meeting: meetingFor('leading_group') },
    });

    await passStage(h, id, 'reporting', leaderOne);
    const view = await h.call(office, 'GET', `/api/v1/inspections/${id}`);
    expect(view.body.stage).toBe('post_evaluation');
  });

  it('returns the first result for a repeated requestId and records the step once', async () => {
    const round = await launch();
    const id = round.inspections[0].id;
    await recordWork(h, id, 'preparation', leaderOne);
    const body = { stage: 'preparation', requestId: rid('same') };
    const first = await h.call(leaderOne, 'POST', `/api/v1/inspections/${id}/submissions`, body);
    const again = await h.call(leaderOne, 'POST', `/api/v1/inspections/${id}/submissions`, body);
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);

    const decision = { stage: 'preparation', decision: 'approve', requestId: rid('same-d'), meeting: meetingFor('leading_group') };
    const d1 = await h.call(leadingGroup, 'POST', `/api/v1/inspections/${id}/decisions`, decision);
    const d2 = await h.call(leadingGroup, 'POST', `/api/v1/inspections/${id}/decisions`, decision);
    expect(d2.body).toEqual(d1.body);

    const history = await h.call(auditor, 'GET', `/api/v1/inspections/${id}/history`);
    expect(history.body.steps.map((s: { kind: string }) => s.kind)).toEqual(['stage_opened', 'submitted', 'approved', 'stage_opened']);

    // The same id for a different request is refused, not answered with the old result.
    const reused = await h.call(leaderOne, 'POST', `/api/v1/inspections/${id}/submissions`, { stage: 'stationing', requestId: body.requestId });
    expect(reused.status).toBe(409);
  });

  it('launches a round once for a repeated launch requestId', async () => {
    const requestId = rid('launch');
    const a = await launch({ requestId });
    const b = await launch({ requestId });
    expect(b.id).toBe(a.id);
    const list = await h.call(office, 'GET', '/api/v1/rounds');
    expect(list.body.rounds.filter((r: { id: string }) => r.id === a.id)).toEqual([expect.objectContaining({ id: a.id, inspectionCount: 2 })]);
  });
});

describe('who may act', () => {
  it('refuses wrong tokens, roles, groups, stages and states with the right status', async () => {
    const round = await launch();
    const [mine, theirs] = round.inspections;
    const submit = (actor: typeof leaderOne | null, id: string, body: Record<string, unknown>) =>
      h.call(actor, 'POST', `/api/v1/inspections/${id}/submissions`, body);

    expect((await submit(null, mine.id, { stage: 'preparation', requestId: rid('x') })).status).toBe(401);
    const badToken = await h.app.inject({
      method: 'GET',
      url: '/api/v1/rounds',
      headers: { authorization: 'Bearer not.a.token' },
    });
    expect(badToken.statusCode).toBe(401);
    expect(badToken.json()).toMatchObject({ error: 'unauthorized' });

    // 403: a member may not propose a round nor the office authorise one, a leader may not submit another group's stage.
    expect((await h.call(memberOne, 'POST', '/api/v1/rounds', launchBody())).status).toBe(403);
    const authorisedByOffice = await h.call(office, 'POST', `/api/v1/rounds/${round.id}/decisions`, {
      decision: 'approve',
      requestId: rid('x'),
      meeting: meetingFor('leading_group'),
    });
    expect(authorisedByOffice.status).toBe(403);
    const otherGroup = await submit(leaderOne, theirs.id, { stage: 'preparation', requestId: rid('x') });
    expect(otherGroup.status).toBe(403);
    const memberSubmits = await submit(memberOne, mine.id, { stage: 'preparation', requestId: rid('x') });
    expect(memberSubmits.status).toBe(403);

    // 404: unknown ids.
    const unknown = await submit(leaderOne, '00000000-0000-4000-8000-000000000000', { stage: 'preparation', requestId: rid('x') });
    expect(unknown.status).toBe(404);
    expect((await h.call(office, 'GET', '/api/v1/rounds/00000000-0000-4000-8000-000000000000')).status).toBe(404);

    // 409: wrong stage, nothing submitted yet.
    const wrongStage = await submit(leaderOne, mine.id, { stage: 'drafting', requestId: rid('x') });
    expect(wrongStage.status).toBe(409);
    expect(wrongStage.body.details).toEqual({ stage: 'preparation', state: 'open' });
    const noSubmission = await h.call(leadingGroup, 'POST', `/api/v1/inspections/${mine.id}/decisions`, {
      meeting: meetingFor('leading_group'),
      stage: 'preparation',
      decision: 'approve',
      requestId: rid('x'),
    });
    expect(noSubmission.status).toBe(409);

    // 400: each bad field named.
    const invalid = await submit(leaderOne, mine.id, { stage: 'lunch', requestId: 'x' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toBe('invalid_input');
    const fields = invalid.body.details.issues.map((i: { field: string }) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['body.stage', 'body.requestId']));
    const rejectWithoutComment = await h.call(leadingGroup, 'POST', `/api/v1/inspections/${mine.id}/decisions`, {
      meeting: meetingFor('leading_group'),
      stage: 'preparation',
      decision: 'reject',
      requestId: rid('x'),
    });
    expect(rejectWithoutComment.status).toBe(400);
    expect(rejectWithoutComment.body.details.issues[0].field).toBe('body.comment');
    expect((await h.call(office, 'GET', '/api/v1/inspections/not-a-uuid')).status).toBe(400);

    // Nothing refused reached the history.
    const history = await h.call(auditor, 'GET', `/api/v1/inspections/${mine.id}/history`);
    expect(history.body.steps.map((s: { kind: string }) => s.kind)).toEqual(['stage_opened']);
  });

  it('does not let one person approve the same submission twice along its chain', async () => {
    const both = { sub: 'office-and-lg', name: '兼职领导', roles: ['office', 'leading_group'] } as const;
    const round = await launch({ approvalChains: { preparation: ['office', 'leading_group'] } });
    const id = round.inspections[0].id;
    await recordWork(h, id, 'preparation', leaderOne);
    await h.call(leaderOne, 'POST', `/api/v1/inspections/${id}/submissions`, { stage: 'preparation', requestId: rid('s') });
    const first = await h.call({ ...both, roles: [...both.roles] }, 'POST', `/api/v1/inspections/${id}/decisions`, {
      stage: 'preparation',
      decision: 'approve',
      requestId: rid('a'),
    });
    expect(first.status).toBe(200);
    const second = await h.call({ ...both, roles: [...both.roles] }, 'POST', `/api/v1/inspections/${id}/decisions`, {
      stage: 'preparation',
      decision: 'approve',
      requestId: rid('b'),
    });
    expect(second.status).toBe(403);
    expect(second.body.message).toMatch(/已在审批链的前一级/);
  });

  it('does not let a person approve a submission they made', async () => {
    const leaderWhoIsOffice = { sub: leaderOne.sub, name: leaderOne.name, roles: ['group_leader', 'office'] as const };
    const round = await launch({ approvalChains: { preparation: ['office'] } });
    const id = round.inspections[0].id;
    const actor = { ...leaderWhoIsOffice, roles: [...leaderWhoIsOffice.roles] };
    await recordWork(h, id, 'preparation', leaderOne);
    await h.call(actor, 'POST', `/api/v1/inspections/${id}/submissions`, { stage: 'preparation', requestId: rid('s') });
    const own = await h.call(actor, 'POST', `/api/v1/inspections/${id}/decisions`, { stage: 'preparation', decision: 'approve', requestId: rid('a') });
    expect(own.status).toBe(403);
    // Refused before the workflow hears of it: they are in the group, which never decides its own stages.
    expect(own.body.message).toMatch(/第一巡察组的成员不得/);
    const other = await h.call(officeDeputy, 'POST', `/api/v1/inspections/${id}/decisions`, { stage: 'preparation', decision: 'approve', requestId: rid('b') });
    expect(other.status).toBe(200);
  });

  it('never asks a member of the group to decide on its stages, whatever other roles their token carries', async () => {
    const round = await launch({ approvalChains: { preparation: ['office'] } });
    const id = round.inspections[0].id;
    await recordWork(h, id, 'preparation', leaderOne);
    await h.call(leaderOne, 'POST', `/api/v1/inspections/${id}/submissions`, { stage: 'preparation', requestId: rid('s') });
    const memberInOffice = { ...memberOne, roles: ['member' as const, 'office' as const] };
    const listed = await h.call(memberInOffice, 'GET', '/api/v1/approvals?status=pending');
    expect(listed.body.approvals.map((a: { id: string }) => a.id)).not.toContain(id);
    expect((await h.call(office, 'GET', '/api/v1/approvals?status=pending')).body.approvals.map((a: { id: string }) => a.id)).toContain(id);
    const decided = await h.call(memberInOffice, 'POST', `/api/v1/inspections/${id}/decisions`, { stage: 'preparation', decision: 'approve', requestId: rid('a') });
    expect(decided.status).toBe(403);
    expect(decided.body.message).toMatch(/第一巡察组的成员不得/);
  });

  it('refuses a round that would leave the leading group or the party committee out of the reporting chain', async () => {
    const refused = await h.call(office, 'POST', '/api/v1/rounds', launchBody({ approvalChains: { reporting: ['office', 'leading_group'] } }));
    expect(refused.status).toBe(400);
    expect(refused.body.details.issues).toEqual([
      expect.objectContaining({ field: 'body.approvalChains.reporting', message: expect.stringMatching(/巡察工作领导小组 → 党委（党组）/) }),
    ]);
    const shorter = await h.call(office, 'POST', '/api/v1/rounds', launchBody({ approvalChains: { reporting: ['leading_group', 'party_committee'] } }));
    expect(shorter.status).toBe(201);
    // A proposal: the round starts only when the leading group approves it (tests/authority.test.ts).
    expect(shorter.body).toMatchObject({ status: 'proposed', inspections: [] });
    expect(shorter.body.plan.approvalChains.reporting).toEqual(['leading_group', 'party_committee']);
  });

  it('counts preparation’s days from the planned start when the round is launched before it', async () => {
    const round = await launch({ plannedStart: '2099-03-01', plannedEnd: '2099-06-30' });
    // 2099-03-01 00:00 China Standard Time, plus preparation's ten days.
    expect(round.inspections[0].dueAt).toBe('2099-03-10T16:00:00.000Z');
    const view = await h.call(office, 'GET', `/api/v1/inspections/${round.inspections[0].id}`);
    expect(view.body.dueAt).toBe('2099-03-10T16:00:00.000Z');
    const queried = await h.temporal.workflow.getHandle(inspectionWorkflowId(round.inspections[0].id)).query(inspectionStatusQuery);
    expect(queried.stageDueAt).toBe('2099-03-10T16:00:00.000Z');
  });

  it('shows a group member only their own inspections', async () => {
    const round = await launch();
    const [mine, theirs] = round.inspections;
    // Their own once declared and cleared (回避); before that only its declaration page.
    expect((await h.call(memberOne, 'GET', `/api/v1/inspections/${mine.id}/declaration`)).status).toBe(200);
    await recordWork(h, mine.id, 'preparation', leaderOne);
    expect((await h.call(memberOne, 'GET', `/api/v1/inspections/${mine.id}`)).status).toBe(200);
    expect((await h.call(memberOne, 'GET', `/api/v1/inspections/${theirs.id}`)).status).toBe(403);
    expect((await h.call(memberOne, 'GET', `/api/v1/inspections/${theirs.id}/declaration`)).status).toBe(403);
    expect((await h.call(memberOne, 'GET', `/api/v1/inspections/${theirs.id}/history`)).status).toBe(403);
    expect((await h.call(auditor, 'GET', `/api/v1/inspections/${theirs.id}/history`)).status).toBe(200);
  });
});

describe('time and cancellation', () => {
  // The deadline arithmetic (overdue, escalation per approver) is tested on the process
  // itself in inspection-process.test.ts; this checks the wiring once: a durable timer
  // fires, the step and the office's notice are written.
  it('marks a stage overdue when its due time passes and notifies the office', async () => {
    // About two seconds: fractions of a day are allowed so a test need not wait days.
    const round = await launch({ stageDueDays: { preparation: 2 / 86_400 } });
    const id = round.inspections[0].id;
    const view = await eventually(async () => {
      const r = await h.call(office, 'GET', `/api/v1/inspections/${id}`);
      expect(r.body.overdue).toBe(true);
      return r.body;
    }, 'the overdue flag');
    expect(view.stage).toBe('preparation');
    const notifications = await h.call(office, 'GET', '/api/v1/notifications');
    expect(notifications.body.notifications).toEqual(
      expect.arrayContaining([expect.objectContaining({ inspectionId: id, kind: 'overdue', stage: 'preparation' })]),
    );
    const history = await h.call(auditor, 'GET', `/api/v1/inspections/${id}/history`);
    expect(history.body.steps.at(-1)).toMatchObject({ kind: 'overdue', actor: { sub: 'system' } });
  });

  it('ends a round whose inspections an operator terminated instead of waiting on them forever', async () => {
    const round = await launch();
    for (const inspection of round.inspections) {
      await h.temporal.workflow.getHandle(inspectionWorkflowId(inspection.id)).terminate('operator test');
    }
    await eventually(async () => {
      expect((await h.call(office, 'GET', `/api/v1/rounds/${round.id}`)).body.status).toBe('completed');
    }, 'the round to end');
  });

  it('cancels a round: unfinished inspections record the reason and refuse further steps', async () => {
    const round = await launch();
    const [first] = round.inspections;
    await passStage(h, first.id, 'preparation', leaderOne);
    expect((await h.call(memberOne, 'POST', `/api/v1/rounds/${round.id}/cancel`, { reason: 'x' })).status).toBe(403);
    const cancelled = await h.call(office, 'POST', `/api/v1/rounds/${round.id}/cancel`, { reason: '机构改革，本轮暂停' });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', statusReason: '机构改革，本轮暂停' });
    expect(cancelled.body.inspections.map((i: { state: string }) => i.state)).toEqual(['cancelled', 'cancelled']);

    const history = await h.call(auditor, 'GET', `/api/v1/inspections/${first.id}/history`);
    expect(history.body.steps.at(-1)).toMatchObject({ kind: 'cancelled', comment: '机构改革，本轮暂停', actor: { sub: office.sub } });
    const after = await h.call(leaderOne, 'POST', `/api/v1/inspections/${first.id}/submissions`, { stage: 'stationing', requestId: rid('s') });
    expect(after.status).toBe(409);
    const again = await h.call(office, 'POST', `/api/v1/rounds/${round.id}/cancel`, { reason: 'again' });
    expect(again.status).toBe(409);
  });
});

describe('a step the database can never store', () => {
  it('is refused at the edge (400 naming the field) before it reaches the workflow, and the inspection goes on', async () => {
    const round = await launch();
    const id = round.inspections[0].id;
    await recordWork(h, id, 'preparation', leaderOne);
    const submitted = await h.call(leaderOne, 'POST', `/api/v1/inspections/${id}/submissions`, { stage: 'preparation', requestId: rid('s') });
    expect(submitted.status).toBe(200);
    // Text PostgreSQL cannot store (a NUL; names with one are refused at the token already).
    const refused = await h.call(leadingGroup, 'POST', `/api/v1/inspections/${id}/decisions`, {
      stage: 'preparation',
      decision: 'approve',
      comment: '同意\u0000',
      requestId: rid('d'),
      meeting: meetingFor('leading_group'),
    });
    expect(refused.status, JSON.stringify(refused.body)).toBe(400);
    expect(refused.body.details.issues[0].field).toBe('body.comment');
    expect((await h.call(office, 'GET', `/api/v1/inspections/${id}`)).body).toMatchObject({ stage: 'preparation', state: 'submitted' });
    const approved = await h.call(leadingGroup, 'POST', `/api/v1/inspections/${id}/decisions`, {
      stage: 'preparation',
      decision: 'approve',
      requestId: rid('d'),
      meeting: meetingFor('leading_group'),
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.status).toMatchObject({ stage: 'stationing', state: 'open' });
    expect((await h.call(auditor, 'GET', `/api/v1/inspections/${id}/history/verify`)).body.intact).toBe(true);
  });

  it('is failed for good by the activity, not retried, when one gets that far', async () => {
    const round = await launch();
    const id = round.inspections[0].id;
    const activities = createActivities({ db: h.database.db });
    const now = new Date().toISOString();
    const write = activities.recordInspectionSteps({
      inspectionId: id,
      roundId: round.id,
      events: [{ kind: 'note', stage: 'preparation', at: now, actor: { sub: 'x', name: 'x\u0000', roles: ['office'] }, comment: null, data: {} }],
      status: { stage: 'preparation', state: 'open', awaitingRole: null, submittedBy: null, stageOpenedAt: now, stageDueAt: now, overdue: false, seq: 1 },
      notices: [],
      result: null,
    } as never);
    await expect(write).rejects.toMatchObject({ nonRetryable: true });
  });
});
