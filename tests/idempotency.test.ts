import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../workflows/roles.js';
import { startHarness, type Harness } from './support/harness.js';
import { leaderOne, memberOne, office } from './support/people.js';
import { passStage, rid, launchRound } from './support/walk.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** Calls the API with an Idempotency-Key, as a client that may repeat a write would. */
async function send(actor: Actor, method: 'POST' | 'PUT' | 'PATCH', url: string, body: unknown, key?: string) {
  const headers: Record<string, string> = { authorization: `Bearer ${await h.token(actor)}` };
  if (key !== undefined) headers['idempotency-key'] = key;
  const response = await h.app.inject({ method, url, headers, payload: body as object });
  return { status: response.statusCode, body: response.json(), replayed: response.headers['idempotent-replayed'] === 'true' };
}

async function launch(): Promise<string> {
  return (await launchRound(h)).inspections[0].id;
}

const records = (id: string) => `/api/v1/inspections/${id}/records`;
const briefing = (summary: string) => ({ kind: 'briefing', data: { source: 'audit', receivedOn: '2021-10-09', summary } });
const briefings = async (id: string) => (await h.call(office, 'GET', `${records(id)}?kind=briefing`)).body.records as { id: string }[];

describe('a record write sent again after its answer was lost', () => {
  it('returns the first answer and leaves exactly one record', async () => {
    const id = await launch();
    const key = rid('briefing');
    const first = await send(leaderOne, 'POST', records(id), briefing('审计发现罚没收入未及时上缴。'), key);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.replayed).toBe(false);

    const again = await send(leaderOne, 'POST', records(id), briefing('审计发现罚没收入未及时上缴。'), key);
    expect(again).toEqual({ status: 201, body: first.body, replayed: true });
    expect((await briefings(id)).map((r) => r.id)).toEqual([first.body.id]);
  });

  it('sent twice at once still writes one record, and both senders get its answer', async () => {
    const id = await launch();
    const key = rid('race');
    const [a, b] = await Promise.all([
      send(leaderOne, 'POST', records(id), briefing('同时发送两次。'), key),
      send(leaderOne, 'POST', records(id), briefing('同时发送两次。'), key),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body).toEqual(b.body);
    expect((await briefings(id)).map((r) => r.id)).toEqual([a.body.id]);
  });

  it('with the same key on a different request is refused with 409 request_id_reused and writes nothing', async () => {
    const id = await launch();
    const key = rid('reused');
    expect((await send(leaderOne, 'POST', records(id), briefing('第一次。'), key)).status).toBe(201);
    const other = await send(leaderOne, 'POST', records(id), briefing('另一份通报。'), key);
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ error: 'request_id_reused', message: expect.any(String) });
    expect(await briefings(id)).toHaveLength(1);
  });

  it('without a key is a new write each time, as before', async () => {
    const id = await launch();
    for (let i = 0; i < 2; i++) expect((await send(leaderOne, 'POST', records(id), briefing('无键。'))).status).toBe(201);
    expect(await briefings(id)).toHaveLength(2);
  });

  it('keeps each caller’s keys their own', async () => {
    const id = await launch();
    const key = rid('shared');
    const mine = await send(leaderOne, 'POST', records(id), briefing('组长的通报。'), key);
    const theirs = await send(memberOne, 'POST', records(id), briefing('组员的通报。'), key);
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.body.id).not.toBe(mine.body.id);
  });

  it('refuses a key that is empty, too long or not printable with 400 naming the header', async () => {
    const id = await launch();
    for (const key of ['', 'k'.repeat(201), 'tab\there', '密钥']) {
      const refused = await send(leaderOne, 'POST', records(id), briefing('坏键。'), key);
      expect(refused.status, key).toBe(400);
      expect(refused.body.details.issues[0].field).toBe('headers.idempotency-key');
    }
    expect((await send(leaderOne, 'POST', records(id), briefing('长键。'), 'k'.repeat(200))).status).toBe(201);
    expect(await briefings(id)).toHaveLength(1);
  });

  it('is not stored when the write was refused, so the same request is evaluated again', async () => {
    const id = await launch();
    const key = rid('refused');
    // Talks belong to stationing, which is not open yet.
    const talk = { kind: 'talk', data: { on: '2021-10-14', summary: '谈话。', interviewee: '某队员' } };
    expect((await send(memberOne, 'POST', records(id), talk, key)).status).toBe(409);
    const rows = await sql<{ n: number }>`select count(*)::int as n from idempotent_requests where key = ${key}`.execute(h.database.db);
    expect(rows.rows[0]!.n).toBe(0);
  });
});

describe('the drafting stage, with answers lost on the way back', () => {
  it('keeps one problem paper, one review and one report section version, and the stage passes', async () => {
    const id = await launch();
    await passStage(h, id, 'preparation', leaderOne);
    await passStage(h, id, 'stationing', leaderOne);

    const evidence = (await h.call(office, 'GET', `${records(id)}?kind=talk`)).body.records.map((r: { id: string }) => r.id);
    const paper = {
      kind: 'problem',
      data: {
        category: '财政资金使用',
        title: '罚没收入未及时足额上缴',
        facts: '2020年超限检测罚款37笔共计18.6万元未按规定入账上缴。',
        conduct: { from: '2020-01-01', to: '2020-12-31' },
        evidence,
        characterization: '违反财经纪律',
        basis: [{ source: '《罚款决定与罚款收缴分离实施办法》', article: '第十条' }],
        persons: [],
      },
    };
    const paperKey = rid('paper');
    const written = await send(memberOne, 'POST', records(id), paper, paperKey);
    expect(written.status, JSON.stringify(written.body)).toBe(201);
    expect((await send(memberOne, 'POST', records(id), paper, paperKey)).body).toEqual(written.body);

    // Repeating an edit of version 1 would be a stale edit without the key; with it, the first answer.
    const edit = { data: { ...paper.data, facts: `${paper.data.facts}已核实。` }, version: 1 };
    const editKey = rid('edit');
    const edited = await send(memberOne, 'PATCH', `${records(id)}/${written.body.id}`, edit, editKey);
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(await send(memberOne, 'PATCH', `${records(id)}/${written.body.id}`, edit, editKey)).toEqual({ ...edited, replayed: true });

    // A repeated confirmation would be "already confirmed" without the key.
    const reviewKey = rid('review');
    const review = `${records(id)}/${written.body.id}/review`;
    const confirmed = await send(leaderOne, 'POST', review, { decision: 'confirm' }, reviewKey);
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(await send(leaderOne, 'POST', review, { decision: 'confirm' }, reviewKey)).toEqual({ ...confirmed, replayed: true });

    const papers = (await h.call(office, 'GET', `${records(id)}?kind=problem`)).body.records;
    expect(papers).toHaveLength(1);
    expect(papers[0]).toMatchObject({ reviewStatus: 'confirmed', version: 3 });

    await passStage(h, id, 'drafting', leaderOne);
    await passStage(h, id, 'communication', leaderOne);

    const section = `/api/v1/inspections/${id}/report/sections/basic_situation`;
    const sectionKey = rid('section');
    const put = await send(leaderOne, 'PUT', section, { text: '巡察组于2021年10月12日进驻。' }, sectionKey);
    expect(put).toEqual({ status: 200, body: { section: 'basic_situation', version: 1, text: '巡察组于2021年10月12日进驻。' }, replayed: false });
    expect((await send(leaderOne, 'PUT', section, { text: '巡察组于2021年10月12日进驻。' }, sectionKey)).replayed).toBe(true);
    const report = await h.call(office, 'GET', `/api/v1/inspections/${id}/report`);
    expect(report.body.sections.basic_situation.version).toBe(1);
  });
});

describe('a recusal decision sent again', () => {
  it('answers as the first time instead of "already approved"', async () => {
    const id = await launch();
    const declared = await send(memberOne, 'POST', records(id), { kind: 'recusal_declaration', data: { memberSub: memberOne.sub, hasRelation: false } });
    const key = rid('decision');
    const url = `${records(id)}/${declared.body.id}/decision`;
    const first = await send(office, 'POST', url, { decision: 'not_recused' }, key);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(await send(office, 'POST', url, { decision: 'not_recused' }, key)).toEqual({ ...first, replayed: true });
    expect((await send(office, 'POST', url, { decision: 'not_recused' })).status).toBe(409);
  });
});
