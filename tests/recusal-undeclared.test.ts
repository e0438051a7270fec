import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiMessage } from '../api/messages.js';
import type { Actor } from '../workflows/roles.js';
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

/** Everything of the inspection a member could read: its view, records, history, progress, timeline and report. */
const workReads = (id: string) => [
  `/api/v1/inspections/${id}`,
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
    // What they read instead: who is inspected, by which group, and where they stand.
    const page = async () => {
      const response = await h.call(memberOne, 'GET', `${base}/declaration`);
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return response.body;
    };
    const before = await page();
    expect(before).toMatchObject({ inspectionId, roundId: round.id, standing: 'undeclared', declarations: [], target: { name: round.inspections[0].target.name } });
    expect(JSON.stringify(before)).not.toContain('信访');
    // The leader has not declared either: writing preparation's work is not reading the rest of it.
    expect((await h.call(leaderOne, 'GET', `${base}/records?kind=briefing`)).status).toBe(403);

    const declared = await h.call(memberOne, 'POST', `${base}/records`, {
      kind: 'recusal_declaration',
      data: { memberSub: memberOne.sub, hasRelation: false },
    });
    expect(declared.status, JSON.stringify(declared.body)).toBe(201);
    await refusedWith('recusal_pending');
    const waiting = await page();
    expect(waiting.standing).toBe('pending');
    expect(waiting.declarations.map((d: { id: string; decisionStatus: string }) => [d.id, d.decisionStatus])).toEqual([[declared.body.id, 'pending']]);

    const decided = await h.call(office, 'POST', `${base}/records/${declared.body.id}/decision`, { decision: 'not_recused' });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    const records = await h.call(memberOne, 'GET', `${base}/records?kind=briefing`);
    expect(records.status, JSON.stringify(records.body)).toBe(200);
    expect(records.body.records.map((r: { id: string }) => r.id)).toEqual([briefing.body.id]);
    expect((await h.call(memberOne, 'GET', `${base}/history`)).status).toBe(200);
    expect((await h.call(memberOne, 'GET', base)).status).toBe(200);
    const cleared = await page();
    expect(cleared.standing).toBe('cleared');
    expect(cleared.declarations[0].decision).toMatchObject({ status: 'not_recused', by: { sub: office.sub } });
  });

  it('is read by nobody the group does not name', async () => {
    const round = await launchRound(h);
    const response = await h.call(office, 'GET', `/api/v1/inspections/${round.inspections[0].id}/declaration`);
    expect(response.status).toBe(403);
    expect([apiMessage('not_in_group', 'zh'), apiMessage('not_in_group', 'en')]).toContain(response.body.message);
  });
});

describe('a recused member who also holds a round-wide role (issue 12 §2)', () => {
  it('reads nothing of the inspection, whatever else their token says', async () => {
    const round = await launchRound(h);
    const inspectionId = round.inspections[0].id;
    const base = `/api/v1/inspections/${inspectionId}`;
    // The same person as the member the group names, signed in with the office's and auditors' roles too.
    const memberAndOffice: Actor = { ...memberOne, roles: ['member', 'office', 'auditor', 'leading_group'] };
    const declared = await h.call(memberOne, 'POST', `${base}/records`, {
      kind: 'recusal_declaration',
      data: { memberSub: memberOne.sub, hasRelation: true, relation: '其配偶在被巡察单位任职。' },
    });
    expect(declared.status, JSON.stringify(declared.body)).toBe(201);
    expect((await h.call(office, 'POST', `${base}/records/${declared.body.id}/decision`, { decision: 'recused' })).status).toBe(200);

    const reads = [...workReads(inspectionId), `${base}/history/temporal`, `${base}/access-log`, `${base}/leads-report.docx`, `${base}/report.docx`];
    for (const url of reads) {
      const response = await h.call(memberAndOffice, 'GET', url);
      expect(response.status, `${url}: ${JSON.stringify(response.body).slice(0, 300)}`).toBe(403);
      expect([apiMessage('recused', 'zh'), apiMessage('recused', 'en')], url).toContain(response.body.message);
    }
    // Round-wide reads leave their inspection out and keep the rest.
    const other = round.inspections[1].id;
    const progress = await h.call(memberAndOffice, 'GET', `/api/v1/rounds/${round.id}/progress`);
    expect(progress.status).toBe(200);
    expect(progress.body.inspections.map((i: { id: string }) => i.id)).toEqual([other]);
    const timeline = await h.call(memberAndOffice, 'GET', `/api/v1/rounds/${round.id}/timeline?limit=500`);
    expect(timeline.status).toBe(200);
    const about = new Set(timeline.body.items.map((i: { inspectionId: string | null }) => i.inspectionId));
    expect(about.has(inspectionId)).toBe(false);
    expect(about.has(other)).toBe(true);
    expect((await h.call(memberAndOffice, 'GET', `/api/v1/rounds/${round.id}/timeline?inspection=${inspectionId}`)).status).toBe(403);
    const asOf = await h.call(memberAndOffice, 'GET', `/api/v1/rounds/${round.id}/as-of?at=${encodeURIComponent(new Date().toISOString())}`);
    expect(asOf.status).toBe(200);
    expect(asOf.body.inspections.map((i: { id: string }) => i.id)).toEqual([other]);
    expect(asOf.body.timeline.items.some((i: { inspectionId: string | null }) => i.inspectionId === inspectionId)).toBe(false);
    // Whoever no group names reads the whole round.
    expect((await h.call(office, 'GET', `/api/v1/rounds/${round.id}/progress`)).body.inspections).toHaveLength(2);
    // Nor may they write the work as the office would, or decide on their own group.
    const write = await h.call(memberAndOffice, 'POST', `${base}/records`, {
      kind: 'briefing',
      data: { source: 'audit', receivedOn: '2021-10-09', summary: '审计发现的问题。' },
    });
    expect(write.status, JSON.stringify(write.body)).toBe(403);
    // Their own page still tells them where they stand; the office without the member's id reads on.
    expect((await h.call(memberAndOffice, 'GET', `${base}/declaration`)).body.standing).toBe('recused');
    expect((await h.call(office, 'GET', `${base}/records`)).status).toBe(200);
  });
});
