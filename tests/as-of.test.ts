import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.js';
import { auditor, leaderOne, leaderTwo, leadingGroup, memberOne, office } from './support/people.js';
import { eventually, launchRound, meetingFor, passStage, recordWork, rid } from './support/walk.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

interface Moment {
  label: string;
  at: string;
  round: { status: string; inspections: { id: string; stage: string; state: string; waitingOn: unknown; stageOpenedAt: string; overdue: boolean }[] };
  records: Record<string, unknown[]>;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What the API answered just now (the round, every inspection's records as the office
 * reads them), and the moment right after: the steps behind the answers are strictly
 * before it, whatever the clock's precision, and the next write strictly after.
 */
async function capture(label: string, roundId: string): Promise<Moment> {
  const round = (await h.call(office, 'GET', `/api/v1/rounds/${roundId}`)).body;
  const records: Record<string, unknown[]> = {};
  for (const inspection of round.inspections) {
    records[inspection.id] = (await h.call(office, 'GET', `/api/v1/inspections/${inspection.id}/records`)).body.records;
  }
  await pause(3);
  const at = new Date().toISOString();
  await pause(3);
  return { label, at, round, records };
}

describe('the round as of any moment', () => {
  it('answers, at each of six moments of a scripted round, what the API answered then', async () => {
    const round = await launchRound(h);
    const roundId = round.id as string;
    const [first, second] = (round.inspections as { id: string }[]).map((i) => i.id) as [string, string];
    await eventually(async () => {
      for (const id of [first, second]) expect((await h.call(auditor, 'GET', `/api/v1/inspections/${id}/history`)).body.steps.length).toBeGreaterThan(0);
      const launched = await h.call(auditor, 'GET', `/api/v1/rounds/${roundId}/timeline?kind=round_launched`);
      expect(launched.body.items).toHaveLength(1);
    }, 'the inspections to open');
    const moments: Moment[] = [await capture('launched', roundId)];

    await recordWork(h, first, 'preparation', leaderOne);
    moments.push(await capture('preparation recorded', roundId));

    const submit = await h.call(leaderOne, 'POST', `/api/v1/inspections/${first}/submissions`, { stage: 'preparation', requestId: rid('s') });
    expect(submit.status).toBe(200);
    moments.push(await capture('preparation submitted', roundId));

    const reject = await h.call(leadingGroup, 'POST', `/api/v1/inspections/${first}/decisions`, {
      stage: 'preparation',
      decision: 'reject',
      comment: '工作方案重点不突出',
      requestId: rid('r'),
      meeting: meetingFor('leading_group'),
    });
    expect(reject.status).toBe(200);
    moments.push(await capture('preparation rejected', roundId));

    await passStage(h, first, 'preparation', leaderOne);
    await recordWork(h, first, 'stationing', leaderOne);
    moments.push(await capture('stationing recorded', roundId));

    // A talk corrected, the lead withdrawn: as of earlier moments both read as they were.
    const base = `/api/v1/inspections/${first}/records`;
    const talk = (await h.call(office, 'GET', `${base}?kind=talk`)).body.records[0];
    const edited = await h.call(memberOne, 'PATCH', `${base}/${talk.id}`, { version: talk.version, data: { ...talk.data, summary: '更正：罚款未开具票据共5笔。' } });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    const lead = (await h.call(office, 'GET', `${base}?kind=lead`)).body.records[0];
    const withdrawn = await h.call(leaderOne, 'PATCH', `${base}/${lead.id}`, { version: lead.version, data: { ...lead.data, withdrawn: true } });
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
    moments.push(await capture('talk edited, lead withdrawn', roundId));

    // Later work that no earlier moment may show.
    await passStage(h, second, 'preparation', leaderTwo);

    for (const moment of moments) {
      const asOf = await h.call(auditor, 'GET', `/api/v1/rounds/${roundId}/as-of?at=${moment.at}&limit=500`);
      expect(asOf.status, JSON.stringify(asOf.body)).toBe(200);
      expect(asOf.body.status, moment.label).toBe(moment.round.status);
      expect(asOf.body.inspections.map((i: { id: string }) => i.id), moment.label).toEqual(moment.round.inspections.map((i) => i.id));
      for (const then of moment.round.inspections) {
        const rebuilt = asOf.body.inspections.find((i: { id: string }) => i.id === then.id);
        const { stage, state, waitingOn, stageOpenedAt, overdue } = then;
        expect(rebuilt, `${moment.label}: ${then.id}`).toMatchObject({ stage, state, waitingOn, stageOpenedAt, overdue });
        expect(rebuilt.records, `${moment.label}: records of ${then.id}`).toEqual(moment.records[then.id]);
      }
      const timeline = await h.call(auditor, 'GET', `/api/v1/rounds/${roundId}/timeline?to=${moment.at}&limit=500`);
      expect(asOf.body.timeline.items, moment.label).toEqual(timeline.body.items);
      expect(asOf.body.timeline.items.every((i: { at: string }) => i.at <= moment.at)).toBe(true);
    }
    // The moments differ where the round moved: the test would notice a rebuild that ignored time.
    const states = moments.map((m) => m.round.inspections[0]!.state);
    expect(states.slice(1, 4)).toEqual(['open', 'submitted', 'open']);
    const talkAt = (m: Moment) => (m.records[first] as { kind: string; version: number }[]).find((r) => r.kind === 'talk')?.version;
    expect([talkAt(moments[4]!), talkAt(moments[5]!)]).toEqual([1, 2]);
  }, 300_000);

  it('is read by auditors, the office and the leading group, and refuses a moment it cannot read', async () => {
    const round = await launchRound(h);
    const before = await h.call(auditor, 'GET', `/api/v1/rounds/${round.id}/as-of?at=2001-01-01T00:00:00Z`);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ status: null, inspections: [], timeline: { items: [], nextCursor: null } });
    for (const actor of [office, leadingGroup]) expect((await h.call(actor, 'GET', `/api/v1/rounds/${round.id}/as-of?at=${new Date().toISOString()}`)).status).toBe(200);
    expect((await h.call(leaderOne, 'GET', `/api/v1/rounds/${round.id}/as-of?at=${new Date().toISOString()}`)).status).toBe(403);
    for (const query of ['', '?at=yesterday', '?at=2021-13-01T00:00:00Z']) {
      const refused = await h.call(auditor, 'GET', `/api/v1/rounds/${round.id}/as-of${query}`);
      expect(refused.status, query).toBe(400);
      expect(refused.body.details.issues.map((i: { field: string }) => i.field)).toContain('querystring.at');
    }
  });
});
