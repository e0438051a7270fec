import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.js';
import { launchBody, leaderOne, leaderTwo, leadingGroup, memberOne, office } from './support/people.js';
import { launchRound, recordWork, rid } from './support/walk.js';
import type { Actor } from '../workflows/roles.js';
import { everyPage as everyPageOf } from './support/every-page.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

type Listed = 'rounds' | 'tasks' | 'approvals';
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Item = any;

const everyPage = (actor: Actor, path: string, listed: Listed, limit: number, from: string | null = null) =>
  everyPageOf<Item>(h, actor, path, listed, limit, from);

/** Proposes a round (nothing starts until the leading group approves it). */
async function propose(name: string) {
  const proposed = await h.call(office, 'POST', '/api/v1/rounds', launchBody({ name }));
  expect(proposed.status, JSON.stringify(proposed.body)).toBe(201);
  return proposed.body.id as string;
}

/** A forged cursor, a cursor that is not base64url JSON, and a real cursor of another list. */
function refusedCursors(otherListsCursor: string) {
  return [Buffer.from('["x"]').toString('base64url'), '%E4%B8%AD', encodeURIComponent(otherListsCursor)];
}

async function expectListRefusals(actor: Actor, path: string, otherListsCursor: string) {
  const tooMany = await h.call(actor, 'GET', `${path}?limit=201`);
  expect(tooMany.status).toBe(400);
  expect(tooMany.body.details.issues[0].field).toBe('querystring.limit');
  for (const cursor of refusedCursors(otherListsCursor)) {
    const refused = await h.call(actor, 'GET', `${path}?cursor=${cursor}`);
    expect(refused.status, `${path} ${cursor}`).toBe(400);
    expect(refused.body.error).toBeTypeOf('string');
    expect(refused.body.details.issues[0].field).toBe('querystring.cursor');
    expect(refused.body.details.issues[0].message).toBe('不是本列表给出的游标');
  }
  // The same refusal in English for a caller who asks for it.
  const english = await h.app.inject({
    method: 'GET',
    url: `${path}?cursor=${refusedCursors(otherListsCursor)[0]}`,
    headers: { authorization: `Bearer ${await h.token(actor)}`, 'accept-language': 'en' },
  });
  expect(english.statusCode).toBe(400);
  expect(english.json().details.issues[0].message).toBe('is not a cursor this list gave out');
}

describe('the lists that grow with the rounds come a page at a time', () => {
  let roundsCursor = '';
  let approvalsCursor = '';

  it('pages the rounds newest first, each exactly once, even when rounds are launched at the same moment or meanwhile', async () => {
    const active = await launchRound(h);
    const proposedIds: string[] = [];
    for (let i = 1; i <= 6; i++) proposedIds.push(await propose(`2022年第${i}轮巡察`));
    // Two rounds launched in the same microsecond: the id decides which comes first, and a page boundary between them loses neither.
    await sql`update rounds set launched_at = (select launched_at from rounds where id = ${proposedIds[2]}) where id = ${proposedIds[3]}`.execute(h.database.db);

    const whole = (await h.call(office, 'GET', '/api/v1/rounds?limit=200')).body;
    expect(whole.nextCursor).toBeNull();
    expect(whole.rounds).toHaveLength(7);
    const launched = whole.rounds.map((r: { launchedAt: string }) => r.launchedAt);
    expect([...launched].sort().reverse()).toEqual(launched);
    // Without a limit, a page is 50: all seven, as before paging.
    expect((await h.call(office, 'GET', '/api/v1/rounds')).body.rounds).toEqual(whole.rounds);

    for (const limit of [1, 2, 3]) {
      const pages = await everyPage(office, '/api/v1/rounds', 'rounds', limit);
      expect(pages.length).toBe(Math.ceil(7 / limit));
      expect(pages.flat().map((r) => r.id)).toEqual(whole.rounds.map((r: { id: string }) => r.id));
    }
    // A filter pages too.
    const proposed = await everyPage(office, '/api/v1/rounds?status=proposed', 'rounds', 4);
    expect(proposed.flat().map((r) => r.id).sort()).toEqual([...proposedIds].sort());
    // A member sees only the rounds their group is in, paged the same way.
    expect((await everyPage(memberOne, '/api/v1/rounds', 'rounds', 1)).flat().map((r) => r.id)).toEqual([active.id]);

    // A round proposed between two pages comes first in the list: the later pages neither repeat nor lose one.
    const first = await h.call(office, 'GET', '/api/v1/rounds?limit=3');
    roundsCursor = first.body.nextCursor;
    const meanwhile = await propose('2022年第七轮巡察');
    const rest = await everyPage(office, '/api/v1/rounds', 'rounds', 3, roundsCursor);
    const seen = [...first.body.rounds, ...rest.flat()].map((r: { id: string }) => r.id);
    expect(seen).toEqual(whole.rounds.map((r: { id: string }) => r.id));
    expect((await h.call(office, 'GET', '/api/v1/rounds?limit=1')).body.rounds[0].id).toBe(meanwhile);
  });

  it('pages the submissions waiting on the leading group and its to-do, each exactly once, with counts of the whole list', async () => {
    const round = await launchRound(h);
    const ids: string[] = round.inspections.map((i: { id: string }) => i.id);
    const leaders = [leaderOne, leaderTwo];
    for (const [i, id] of ids.entries()) {
      await recordWork(h, id, 'preparation', leaders[i]!);
      const submitted = await h.call(leaders[i]!, 'POST', `/api/v1/inspections/${id}/submissions`, { stage: 'preparation', requestId: rid('submit') });
      expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    }

    const whole = (await h.call(leadingGroup, 'GET', '/api/v1/approvals?status=pending&limit=200')).body;
    expect(whole.nextCursor).toBeNull();
    expect(whole.approvals.map((a: { id: string }) => a.id).sort()).toEqual([...ids].sort());
    const approvalPages = await everyPage(leadingGroup, '/api/v1/approvals?status=pending', 'approvals', 1);
    expect(approvalPages).toHaveLength(ids.length);
    expect(approvalPages.flat().map((a) => a.id)).toEqual(whole.approvals.map((a: { id: string }) => a.id));
    approvalsCursor = (await h.call(leadingGroup, 'GET', '/api/v1/approvals?limit=1')).body.nextCursor;
    expect(approvalsCursor).toBeTypeOf('string');

    const todo = (await h.call(leadingGroup, 'GET', '/api/v1/tasks?limit=200')).body;
    expect(todo.nextCursor).toBeNull();
    expect(todo.tasks.filter((t: { kind: string }) => t.kind === 'stage_decision').map((t: { inspection: { id: string } }) => t.inspection.id).sort()).toEqual(
      [...ids].sort(),
    );
    const taskPages = await everyPage(leadingGroup, '/api/v1/tasks', 'tasks', 1);
    expect(taskPages).toHaveLength(todo.tasks.length);
    expect(taskPages.flat()).toEqual(todo.tasks);
    // Every page counts the whole list, for the badge.
    const firstPage = await h.call(leadingGroup, 'GET', '/api/v1/tasks?limit=1');
    expect(firstPage.body.counts).toEqual(todo.counts);
    expect(firstPage.body.counts.total).toBe(todo.tasks.length);
    // Oldest first.
    const since = todo.tasks.map((t: { since: string }) => t.since);
    expect([...since].sort()).toEqual(since);

    // Once the leading group approves one, the page after the first no longer holds it, and nothing repeats.
    const cursor = firstPage.body.nextCursor;
    const decided = whole.approvals.find((a: { id: string }) => a.id !== firstPage.body.tasks[0].inspection.id);
    const approved = await h.call(leadingGroup, 'POST', `/api/v1/inspections/${decided.id}/decisions`, {
      stage: 'preparation',
      decision: 'approve',
      requestId: rid('approve'),
      meeting: { kind: '领导小组会议', heldOn: '2021-10-11', minutesRef: '巡领〔2021〕5号' },
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const after = await everyPage(leadingGroup, '/api/v1/tasks', 'tasks', 1, cursor);
    const seen = [firstPage.body.tasks[0], ...after.flat()].map((t) => `${t.kind}:${t.inspection.id}:${t.record?.id ?? ''}`);
    expect(new Set(seen).size).toBe(seen.length);
    expect(after.flat().some((t) => t.kind === 'stage_decision' && t.inspection.id === decided.id)).toBe(false);
  });

  it('refuses a page larger than 200 and a cursor the list did not give out, naming the field, in the caller’s language', async () => {
    expect(roundsCursor && approvalsCursor).toBeTruthy();
    await expectListRefusals(office, '/api/v1/rounds', approvalsCursor);
    await expectListRefusals(leadingGroup, '/api/v1/approvals', roundsCursor);
    await expectListRefusals(leadingGroup, '/api/v1/tasks', roundsCursor);
    // A cursor of the right list whose position the database could not read is refused the same way.
    const unreadable = Buffer.from(JSON.stringify(['rounds', '2021-02-30T00:00:00.000000Z', '00000000-0000-4000-8000-000000000000'])).toString('base64url');
    const refused = await h.call(office, 'GET', `/api/v1/rounds?cursor=${unreadable}`);
    expect(refused.status).toBe(400);
    expect(refused.body.details.issues[0].field).toBe('querystring.cursor');
  });
});
