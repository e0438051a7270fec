import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.js';
import { leaderOne, memberOne, office } from './support/people.js';
import { launchRound, passStage, recordWork } from './support/walk.js';
import { everyPage as everyPageOf } from './support/every-page.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const everyPage = (path: string, listed: 'records' | 'steps', limit: number) => everyPageOf<{ id?: string; seq?: number }>(h, office, path, listed, limit);

describe('lists that grow come a page at a time', () => {
  it('pages an inspection’s records and its history without gaps or repeats, and refuses a page too large or a cursor it never gave', async () => {
    const round = await launchRound(h);
    const id = round.inspections[0].id;
    await passStage(h, id, 'preparation', leaderOne);
    await recordWork(h, id, 'stationing', leaderOne);

    const records = `/api/v1/inspections/${id}/records`;
    const whole = (await h.call(office, 'GET', `${records}?limit=500`)).body;
    expect(whole.nextCursor).toBeNull();
    expect(whole.records.length).toBeGreaterThan(8);
    const pages = await everyPage(records, 'records', 3);
    expect(pages.length).toBe(Math.ceil(whole.records.length / 3));
    expect(pages.flat().map((r) => r.id)).toEqual(whole.records.map((r: { id: string }) => r.id));
    // Filters page too.
    const briefings = await everyPage(`${records}?kind=briefing`, 'records', 2);
    expect(briefings.flat()).toHaveLength(5);

    // A record written between two pages shows up on a later page, never twice.
    const first = await h.call(office, 'GET', `${records}?limit=2`);
    const written = await h.call(memberOne, 'POST', records, { kind: 'field_visit', data: { on: '2021-10-20', summary: '下沉调研', place: '口岸' } });
    expect(written.status, JSON.stringify(written.body)).toBe(201);
    const rest = [];
    let cursor = first.body.nextCursor;
    while (cursor) {
      const page = await h.call(office, 'GET', `${records}?limit=2&cursor=${encodeURIComponent(cursor)}`);
      rest.push(...page.body.records);
      cursor = page.body.nextCursor;
    }
    const seen = [...first.body.records, ...rest].map((r: { id: string }) => r.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toContain(written.body.id);

    const history = `/api/v1/inspections/${id}/history`;
    const steps = (await h.call(office, 'GET', history)).body.steps.map((s: { seq: number }) => s.seq);
    const stepPages = await everyPage(history, 'steps', 1);
    expect(stepPages.flat().map((s) => s.seq)).toEqual(steps);

    for (const path of [records, history]) {
      const tooMany = await h.call(office, 'GET', `${path}?limit=501`);
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.details.issues[0].field).toBe('querystring.limit');
      const forged = await h.call(office, 'GET', `${path}?cursor=${Buffer.from('["x"]').toString('base64url')}`);
      expect(forged.status).toBe(400);
      expect(forged.body.details.issues[0].field).toBe('querystring.cursor');
      const garbage = await h.call(office, 'GET', `${path}?cursor=%E4%B8%AD`);
      expect(garbage.status).toBe(400);
    }
  });
});
