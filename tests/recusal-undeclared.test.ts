import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiMessage } from '../api/messages.js';
import { startHarness, type Harness } from './support/harness.js';
import { leaderOne, memberOne, office } from './support/people.js';
import { launchRound } from './support/walk.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** Everything of the inspection's work a member could read: its records, history, progress, timeline and report. */
const workReads = (id: string) => [
  `/api/v1/inspections/${id}/records`,
  `/api/v1/inspections/${id}/records?kind=briefing`,
  `/api/v1/inspections/${id}/history`,
  `/api/v1/inspections/${id}/progress`,
  `/api/v1/inspections/${id}/timeline`,
  `/api/v1/inspections/${id}/report`,
];

describe('a group member who has not declared (issue 12 §2)', () => {
  it('reads none of the inspection’s work, briefings and plan included, until they declare and the office decides', async () => {
    const round = await launchRound(h);
    const inspectionId = round.inspections[0].id;
    const base = `/api/v1/inspections/${inspectionId}`;
    const briefing = await h.call(leaderOne, 'POST', `${base}/records`, {
      kind: 'briefing',
      data: { source: 'discipline', receivedOn: '2021-10-09', summary: '该局近三年信访举报十二件，集中在执法收费。' },
    });
    expect(briefing.status, JSON.stringify(briefing.body)).toBe(201);

    const refusedWith = async (code: 'recusal_undeclared' | 'recusal_pending') => {
      for (const url of workReads(inspectionId)) {
        const response = await h.call(memberOne, 'GET', url);
        expect(response.status, `${url}: ${JSON.stringify(response.body)}`).toBe(403);
        expect([apiMessage(code, 'zh'), apiMessage(code, 'en')], url).toContain(response.body.message);
        // The refusal names what to do, never what the records hold.
        expect(JSON.stringify(response.body)).not.toContain('信访');
      }
    };
    await refusedWith('recusal_undeclared');
    // The leader has not declared either: writing preparation's work is not reading the rest of it.
    expect((await h.call(leaderOne, 'GET', `${base}/records?kind=briefing`)).status).toBe(403);

    const declared = await h.call(memberOne, 'POST', `${base}/records`, {
      kind: 'recusal_declaration',
      data: { memberSub: memberOne.sub, hasRelation: false },
    });
    expect(declared.status, JSON.stringify(declared.body)).toBe(201);
    await refusedWith('recusal_pending');

    const decided = await h.call(office, 'POST', `${base}/records/${declared.body.id}/decision`, { decision: 'not_recused' });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    const records = await h.call(memberOne, 'GET', `${base}/records?kind=briefing`);
    expect(records.status, JSON.stringify(records.body)).toBe(200);
    expect(records.body.records.map((r: { id: string }) => r.id)).toEqual([briefing.body.id]);
    expect((await h.call(memberOne, 'GET', `${base}/history`)).status).toBe(200);
  });
});
