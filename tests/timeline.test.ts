import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalBody, approverDue, approverOf, submitterOf } from '../platform/sample-stage-work.js';
import type { Actor } from '../workflows/roles.js';
import type { StageId } from '../workflows/stages.js';
import { startHarness, type Harness } from './support/harness.js';
import { auditor, castOf, leaderOne, leaderTwo, leadingGroup, liaisonOne, memberOne, memberTwo, office, partyCommittee } from './support/people.js';
import { launchRound, passStage, recordWork, rid } from './support/walk.js';

/** Submits the open stage as its owner and approves it through its chain, without recording more work. */
async function submitAndApprove(id: string, stage: StageId) {
  const cast = castOf(leaderOne);
  const submitted = await h.call(submitterOf(stage, cast), 'POST', `/api/v1/inspections/${id}/submissions`, { stage, requestId: rid('submit') });
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
  let awaiting = approverDue(submitted.body.status);
  while (awaiting) {
    const decided = await h.call(approverOf(awaiting, stage, cast), 'POST', `/api/v1/inspections/${id}/decisions`, approvalBody(stage, awaiting, rid('approve')));
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    awaiting = approverDue(decided.body.status);
  }
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** A member the office adds to the first group after preparation: a colleague of the lead's author. */
const memberThree: Actor = { sub: 'm-sun', name: '孙组员', roles: ['member'] };

interface Item {
  id: string;
  at: string;
  what: string;
  inspectionId: string | null;
  stage: string | null;
  actor: { sub: string; name: string };
  roles: string[];
  comment: string | null;
  record: { id: string | null; kind: string; version: number } | null;
  outcome: string | null;
  details: Record<string, unknown> | null;
}

let roundId: string;
let first: string;
let second: string;
let leadId: string;

/** A round with two inspections: the first through stationing (a lead found), a talk edited, a member added; the second prepared. */
beforeAll(async () => {
  const round = (await launchRound(h)) as { id: string; inspections: { id: string }[] };
  roundId = round.id;
  [first, second] = round.inspections.map((i) => i.id) as [string, string];
  await passStage(h, first, 'preparation', leaderOne);
  const added = await h.call(office, 'POST', `/api/v1/inspections/${first}/group-changes`, {
    requestId: rid('group'),
    reason: '加强力量',
    change: { kind: 'add_member', member: { sub: memberThree.sub, name: memberThree.name, homeUnit: '审计处' } },
  });
  expect(added.status, JSON.stringify(added.body)).toBe(200);
  // Added after preparation, the member declares (回避申报) before seeing the work.
  const declared = await h.call(memberThree, 'POST', `/api/v1/inspections/${first}/records`, {
    kind: 'recusal_declaration',
    data: { memberSub: memberThree.sub, hasRelation: false },
  });
  expect(declared.status, JSON.stringify(declared.body)).toBe(201);
  await h.call(office, 'POST', `/api/v1/inspections/${first}/records/${declared.body.id}/decision`, { decision: 'not_recused' });
  await recordWork(h, first, 'stationing', leaderOne);
  const talk = (await h.call(leaderOne, 'GET', `/api/v1/inspections/${first}/records?kind=talk`)).body.records[0];
  const edited = await h.call(memberOne, 'PATCH', `/api/v1/inspections/${first}/records/${talk.id}`, {
    version: talk.version,
    data: { ...talk.data, summary: '反映超限检测站罚款未开具票据，涉及3名队员。' },
  });
  expect(edited.status, JSON.stringify(edited.body)).toBe(200);
  await submitAndApprove(first, 'stationing');
  await passStage(h, second, 'preparation', leaderTwo);
  const leads = await h.call(leaderOne, 'GET', `/api/v1/inspections/${first}/records?kind=lead`);
  leadId = leads.body.records[0].id;
}, 240_000);

async function whole(actor: Actor, path: string, query = ''): Promise<Item[]> {
  const items: Item[] = [];
  let cursor: string | null = null;
  do {
    const sep = query ? '&' : '';
    const page = await h.call(actor, 'GET', `${path}?limit=500${sep}${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

describe('an auditor reads the round’s timeline', () => {
  it('tells every step in order: authorisation, launch, stages, records with their versions, reviews, decisions, the group change', async () => {
    const items = await whole(auditor, `/api/v1/rounds/${roundId}/timeline`);
    const times = items.map((i) => i.at);
    expect(times).toEqual([...times].sort());
    const whats = items.map((i) => i.what);
    expect(whats.indexOf('round_proposed')).toBe(0);
    expect(whats.indexOf('round_authorised')).toBeLessThan(whats.indexOf('stage_opened'));
    expect(whats).toContain('round_launched');

    const authorised = items.find((i) => i.what === 'round_authorised')!;
    expect(authorised).toMatchObject({ actor: { sub: leadingGroup.sub, name: leadingGroup.name }, roles: ['leading_group'], inspectionId: null });
    expect(authorised.details?.meeting).toMatchObject({ kind: '领导小组会议' });

    const ofFirst = items.filter((i) => i.inspectionId === first);
    const approved = ofFirst.filter((i) => i.what === 'stage_approved');
    expect(approved.map((i) => i.stage)).toEqual(['preparation', 'stationing']);
    expect(ofFirst.filter((i) => i.what === 'stage_opened').map((i) => i.stage)).toEqual(['preparation', 'stationing', 'drafting']);
    expect(ofFirst.find((i) => i.what === 'stage_submitted')).toMatchObject({ actor: { sub: leaderOne.sub }, roles: ['group_leader'] });

    const declarations = ofFirst.filter((i) => i.record?.kind === 'recusal_declaration' && i.what === 'record_decided');
    // The two named at launch, and the member added after preparation.
    expect(declarations.map((i) => i.outcome)).toEqual(['not_recused', 'not_recused', 'not_recused']);
    expect(declarations[0]).toMatchObject({ actor: { sub: office.sub }, stage: 'preparation', record: { version: 2 } });

    const leadSteps = ofFirst.filter((i) => i.record?.id === leadId);
    expect(leadSteps.map((i) => [i.what, i.record!.version, i.outcome])).toEqual([
      ['record_created', 1, null],
      ['record_reviewed', 2, 'confirmed'],
    ]);
    expect(leadSteps[0]!.actor.sub).toBe(memberOne.sub);

    const talkSteps = ofFirst.filter((i) => i.record?.kind === 'talk');
    expect(talkSteps.map((i) => [i.what, i.record!.version])).toEqual([
      ['record_created', 1],
      ['record_edited', 2],
    ]);
    // Steps of both inspections, never of another round.
    expect(new Set(items.map((i) => i.inspectionId))).toEqual(new Set([null, first, second]));

    const change = ofFirst.find((i) => i.what === 'group_changed')!;
    expect(change).toMatchObject({ actor: { sub: office.sub }, comment: '加强力量', stage: 'stationing' });
    expect(change.details).toMatchObject({ change: { kind: 'add_member', member: { sub: memberThree.sub } } });
  });

  it('filters by inspection, stage, actor, kind and time, and pages without gaps or repeats', async () => {
    const all = await whole(auditor, `/api/v1/rounds/${roundId}/timeline`);
    const onlySecond = await whole(auditor, `/api/v1/rounds/${roundId}/timeline`, `inspection=${second}`);
    expect(onlySecond.some((i) => i.inspectionId === first)).toBe(false);
    expect(onlySecond.filter((i) => i.inspectionId === second)).toEqual(all.filter((i) => i.inspectionId === second));

    const stationing = await whole(auditor, `/api/v1/rounds/${roundId}/timeline`, 'stage=stationing');
    expect(stationing.length).toBeGreaterThan(0);
    expect(stationing.every((i) => i.stage === 'stationing')).toBe(true);

    const byOffice = await whole(auditor, `/api/v1/rounds/${roundId}/timeline`, `actor=${office.sub}`);
    expect(byOffice.map((i) => i.id)).toEqual(all.filter((i) => i.actor.sub === office.sub).map((i) => i.id));

    const decisions = await whole(auditor, `/api/v1/rounds/${roundId}/timeline`, 'kind=record_decided,stage_approved');
    expect(decisions.map((i) => i.id)).toEqual(all.filter((i) => ['record_decided', 'stage_approved'].includes(i.what)).map((i) => i.id));

    const middle = all[Math.floor(all.length / 2)]!;
    const last = all.at(-5)!;
    const between = await whole(auditor, `/api/v1/rounds/${roundId}/timeline`, `from=${middle.at}&to=${last.at}`);
    expect(between.map((i) => i.id)).toEqual(all.filter((i) => i.at >= middle.at && i.at <= last.at).map((i) => i.id));

    const paged: Item[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await h.call(auditor, 'GET', `/api/v1/rounds/${roundId}/timeline?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(7);
      paged.push(...page.body.items);
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBeGreaterThan(3);
    expect(paged.map((i) => i.id)).toEqual(all.map((i) => i.id));
  });

  it('refuses bad filters with a 400 naming the field', async () => {
    const base = `/api/v1/rounds/${roundId}/timeline`;
    for (const [query, field] of [
      ['cursor=not-a-cursor', 'querystring.cursor'],
      ['kind=stage_opened,launched_rocket', 'querystring.kind'],
      ['limit=501', 'querystring.limit'],
      ['from=yesterday', 'querystring.from'],
      ['stage=archiving_nowhere', 'querystring.stage'],
      ['inspection=42', 'querystring.inspection'],
      // The database has no year 0 and no NUL in text: refused here, never a 500 there.
      ['from=0000-01-01T00:00:00Z', 'querystring.from'],
      ['actor=a%00b', 'querystring.actor'],
    ] as const) {
      const answer = await h.call(auditor, 'GET', `${base}?${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.body.error).toBe('invalid_input');
      expect(answer.body.details.issues.map((i: { field: string }) => i.field), query).toContain(field);
    }
    for (const [at, key] of [
      ['2021-01-01T00:00:00.000000Z', "x' or 1=1"],
      ['1', 'a000000000001'],
      ['0000-01-01T00:00:00.000000Z', 'a000000000001'],
      ['2021-02-31T00:00:00.000000Z', 'a000000000001'],
    ]) {
      const forged = Buffer.from(JSON.stringify([at, key])).toString('base64url');
      expect((await h.call(auditor, 'GET', `${base}?cursor=${forged}`)).status, at).toBe(400);
    }
    expect((await h.call(auditor, 'GET', `/api/v1/rounds/${crypto.randomUUID()}/timeline`)).status).toBe(404);
  });
});

describe('who reads a timeline', () => {
  it('is the auditors, the office and the leading group for a round; nobody else', async () => {
    for (const actor of [auditor, office, leadingGroup]) expect((await h.call(actor, 'GET', `/api/v1/rounds/${roundId}/timeline`)).status).toBe(200);
    for (const actor of [leaderOne, memberOne, liaisonOne, partyCommittee]) {
      const refused = await h.call(actor, 'GET', `/api/v1/rounds/${roundId}/timeline`);
      expect(refused.status, actor.sub).toBe(403);
    }
  });

  it('is the group for its own inspection, less what each may not read: a colleague never learns of a lead', async () => {
    const full = await whole(auditor, `/api/v1/inspections/${first}/timeline`);
    expect(full.some((i) => i.record?.id === leadId)).toBe(true);
    expect(full.some((i) => i.inspectionId === second)).toBe(false);

    const author = await whole(memberOne, `/api/v1/inspections/${first}/timeline`);
    expect(author.filter((i) => i.record?.id === leadId)).toHaveLength(2);
    const leader = await whole(leaderOne, `/api/v1/inspections/${first}/timeline`);
    expect(leader.map((i) => i.id)).toEqual(full.map((i) => i.id));

    const colleague = await whole(memberThree, `/api/v1/inspections/${first}/timeline`);
    expect(colleague.some((i) => i.record?.kind === 'lead' || i.record?.kind === 'lead_handover')).toBe(false);
    expect(colleague.map((i) => i.id)).toEqual(full.filter((i) => i.record?.id !== leadId).map((i) => i.id));
    // Filtering by kind does not bring it back.
    const reviews = await whole(memberThree, `/api/v1/inspections/${first}/timeline`, 'kind=record_reviewed,record_created');
    expect(reviews.some((i) => i.record?.id === leadId)).toBe(false);

    for (const actor of [memberTwo, leaderTwo, liaisonOne, partyCommittee]) {
      expect((await h.call(actor, 'GET', `/api/v1/inspections/${first}/timeline`)).status, actor.sub).toBe(403);
    }
    expect((await h.call(memberTwo, 'GET', `/api/v1/inspections/${second}/timeline`)).status).toBe(200);
  });
});
