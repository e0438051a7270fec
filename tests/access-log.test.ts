import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.js';
import { auditor, leaderOne, leadingGroup, memberOne, office } from './support/people.js';
import { launchRound, passStage, recordWork } from './support/walk.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

interface Read {
  seq: number;
  at: string;
  actor: { sub: string; name: string };
  roles: string[];
  what: string;
  record: { id: string; kind: string; version: number } | null;
  route: string;
}

describe('reads of confidential material', () => {
  it('are logged, who, when and which version, and the office and auditors can ask who saw a lead', async () => {
    const round = await launchRound(h);
    const id = round.inspections[0].id as string;
    await passStage(h, id, 'preparation', leaderOne);
    await recordWork(h, id, 'stationing', leaderOne);
    const base = `/api/v1/inspections/${id}`;
    const lead = (await h.call(leaderOne, 'GET', `${base}/records?kind=lead`)).body.records[0];
    const talk = (await h.call(leaderOne, 'GET', `${base}/records?kind=talk`)).body.records[0];
    const log = async (query = '') => (await h.call(auditor, 'GET', `${base}/access-log?limit=500${query}`)).body.reads as Read[];
    const before = (await log()).length;

    const started = new Date().toISOString();
    expect((await h.call(memberOne, 'GET', `${base}/records/${lead.id}`)).status).toBe(200);
    expect((await h.call(auditor, 'GET', `${base}/records/${talk.id}`)).status).toBe(200);
    expect((await h.call(office, 'GET', `${base}/leads-report.docx`)).status).toBe(200);
    expect((await h.call(auditor, 'GET', `${base}/questionnaire`)).status).toBe(200);
    expect((await h.call(auditor, 'GET', `/api/v1/rounds/${round.id}/as-of?at=${new Date().toISOString()}`)).status).toBe(200);

    const reads = (await log()).slice(before);
    expect(reads.map((r) => [r.actor.sub, r.what, r.record?.kind ?? null])).toEqual([
      [memberOne.sub, 'record', 'lead'],
      [office.sub, 'leads_report', null],
      [auditor.sub, 'questionnaire_answers', null],
      [auditor.sub, 'as_of', 'lead'],
    ]);
    expect(reads[0]).toMatchObject({ roles: ['member'], record: { id: lead.id, version: lead.version }, route: 'GET /inspections/:id/records/:recordId' });
    expect(reads.every((r) => r.at >= started)).toBe(true);
    // A talk is not confidential: reading it leaves no trace here.
    expect((await log()).some((r) => r.record?.id === talk.id)).toBe(false);

    // Who saw this lead: every reader, the list the leader read it in included (the office read the lead report, not the record).
    const ofLead = await log(`&record=${lead.id}`);
    const readers = new Set(ofLead.map((r) => r.actor.sub));
    expect(readers).toEqual(new Set([leaderOne.sub, memberOne.sub, auditor.sub]));
    expect(ofLead.filter((r) => r.actor.sub === leaderOne.sub).every((r) => r.what === 'record_list')).toBe(true);
    expect((await log(`&actor=${memberOne.sub}`)).every((r) => r.actor.sub === memberOne.sub)).toBe(true);

    const all = await log();
    const paged: Read[] = [];
    let cursor: string | null = null;
    do {
      const page = await h.call(office, 'GET', `${base}/access-log?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      paged.push(...page.body.reads);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(all);
  }, 240_000);

  it('is read by the office and auditors only, and kept append-only by the database', async () => {
    const round = await launchRound(h);
    const id = round.inspections[0].id as string;
    for (const actor of [leaderOne, memberOne, leadingGroup]) {
      expect((await h.call(actor, 'GET', `/api/v1/inspections/${id}/access-log`)).status, actor.sub).toBe(403);
    }
    const bad = await h.call(auditor, 'GET', `/api/v1/inspections/${id}/access-log?cursor=abc`);
    expect(bad.status).toBe(400);
    expect(bad.body.details.issues[0].field).toBe('querystring.cursor');
    expect((await h.call(auditor, 'GET', `/api/v1/inspections/${crypto.randomUUID()}/access-log`)).status).toBe(404);

    await h.call(office, 'GET', `/api/v1/inspections/${id}/leads-report.docx`);
    const { db } = h.database;
    await expect(sql`update confidential_reads set actor_name = '别人'`.execute(db)).rejects.toThrow();
    await expect(sql`delete from confidential_reads`.execute(db)).rejects.toThrow();
    expect((await h.call(auditor, 'GET', `/api/v1/inspections/${id}/access-log`)).body.reads).toHaveLength(1);
  });
});
