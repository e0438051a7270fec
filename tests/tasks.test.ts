import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../workflows/roles.js';
import { startHarness, type Harness } from './support/harness.js';
import { launchBody, leaderOne, leaderTwo, leadingGroup, liaisonOne, memberOne, memberTwo, office, outsider } from './support/people.js';
import { launchRound, meetingFor, passStage, recordWork, rid } from './support/walk.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

interface Task {
  kind: string;
  title: string;
  inspection: { id: string; name: string };
  round: { id: string; name: string };
  record: { id: string; kind: string } | null;
  since: string;
  dueAt: string;
  waitingOn: { role: string; sub?: string };
  action: { method: string; href: string };
  writes: { kind: string; field: string } | null;
}

const discipline: Actor = { sub: 'dis-he', name: '何纪检', roles: ['discipline'] };

type Round = { id: string; name: string; inspections: { id: string }[] };

const launch = async (overrides: Record<string, unknown> = {}) => (await launchRound(h, overrides)) as Round;
const base = (id: string) => `/api/v1/inspections/${id}`;

/** The caller's to-do list, checked for shape: counts agree with the list. */
async function tasksOf(actor: Actor): Promise<Task[]> {
  const answer = await h.call(actor, 'GET', '/api/v1/tasks');
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  const { tasks, counts } = answer.body as { tasks: Task[]; counts: { total: number; byKind: Record<string, number> } };
  expect(counts.total).toBe(tasks.length);
  for (const [kind, n] of Object.entries(counts.byKind)) expect(n, kind).toBe(tasks.filter((t) => t.kind === kind).length);
  return tasks;
}

/** The caller's tasks on one inspection. */
async function tasksOn(actor: Actor, inspectionId: string): Promise<Task[]> {
  return (await tasksOf(actor)).filter((t) => t.inspection.id === inspectionId);
}

async function declare(person: Actor, inspectionId: string) {
  const declared = await h.call(person, 'POST', `${base(inspectionId)}/records`, {
    kind: 'recusal_declaration',
    data: { memberSub: person.sub, hasRelation: false },
  });
  expect(declared.status, JSON.stringify(declared.body)).toBe(201);
  return declared.body as { id: string; version: number; data: Record<string, unknown> };
}

describe('the to-do list (待办)', () => {
  it("lists a recusal declaration for the office only, until the office decides it, and never for the declaring group", async () => {
    const round = await launch();
    const [one, two] = round.inspections.map((i) => i.id) as [string, string];
    const declaration = await declare(memberOne, one);

    const officeTasks = await tasksOn(office, one);
    expect(officeTasks).toEqual([
      expect.objectContaining({
        kind: 'record_decision',
        inspection: { id: one, name: '第一巡察组巡察自治区交通运输综合行政执法局' },
        round: { id: round.id, name: round.name },
        record: expect.objectContaining({ id: declaration.id, kind: 'recusal_declaration' }),
        waitingOn: { role: 'office' },
        action: { method: 'POST', href: `${base(one)}/records/${declaration.id}/decision` },
      }),
    ]);
    expect(officeTasks[0]!.title).toContain('赵组员');
    for (const person of [leaderOne, memberOne, leaderTwo, leadingGroup]) {
      expect((await tasksOn(person, one)).filter((t) => t.kind === 'record_decision'), person.sub).toEqual([]);
    }
    expect(await tasksOn(office, two)).toEqual([]);

    const decided = await h.call(office, 'POST', `${base(one)}/records/${declaration.id}/decision`, { decision: 'not_recused' });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    expect(await tasksOn(office, one)).toEqual([]);
  });

  it('never asks a member of the group to decide on its own inspection, whatever roles their token carries', async () => {
    const officeMember: Actor = { sub: 'office-he', name: '何干部', roles: ['office', 'member'] };
    const body = launchBody();
    body.inspections[1]!.group.members.push({ sub: officeMember.sub, name: officeMember.name, homeUnit: '巡察办' });
    const round = await launch({ inspections: body.inspections });
    const [one, two] = round.inspections.map((i) => i.id) as [string, string];
    await declare(memberOne, one);
    await declare(memberTwo, two);

    expect((await tasksOn(officeMember, one)).map((t) => t.kind)).toEqual(['record_decision']);
    expect(await tasksOn(officeMember, two)).toEqual([]);
    // Nor on what they declared themselves.
    await declare(officeMember, two);
    expect(await tasksOn(officeMember, two)).toEqual([]);
    expect((await tasksOn(office, two)).map((t) => t.kind)).toEqual(['record_decision', 'record_decision']);
  });

  it("offers the group leader the submission once every exit criterion is met, and the stage's approver the decision once submitted", async () => {
    const round = await launch();
    const [one, two] = round.inspections.map((i) => i.id) as [string, string];
    expect(await tasksOn(leaderOne, one)).toEqual([]);

    await recordWork(h, one, 'preparation', leaderOne);
    const ready = await tasksOn(leaderOne, one);
    expect(ready).toEqual([
      expect.objectContaining({
        kind: 'stage_submission',
        waitingOn: { role: 'group_leader', sub: leaderOne.sub },
        action: { method: 'POST', href: `${base(one)}/submissions` },
      }),
    ]);
    const inspection = (await h.call(leaderOne, 'GET', base(one))).body;
    expect(ready[0]!.dueAt).toBe(inspection.dueAt);
    for (const person of [memberOne, leaderTwo, office, leadingGroup]) expect(await tasksOn(person, one), person.sub).toEqual([]);
    expect(await tasksOn(leaderTwo, two)).toEqual([]);

    const submitted = await h.call(leaderOne, 'POST', `${base(one)}/submissions`, { stage: 'preparation', requestId: rid('submit') });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    expect(await tasksOn(leaderOne, one)).toEqual([]);
    const deciding = await tasksOn(leadingGroup, one);
    expect(deciding).toEqual([
      expect.objectContaining({
        kind: 'stage_decision',
        stage: 'preparation',
        waitingOn: { role: 'leading_group' },
        action: { method: 'POST', href: `${base(one)}/decisions` },
      }),
    ]);
    expect(await tasksOn(office, one)).toEqual([]);
    // /approvals stays the stage-only view of the same submission.
    const approvals = await h.call(leadingGroup, 'GET', '/api/v1/approvals?status=pending');
    expect(approvals.body.approvals.map((a: { id: string }) => a.id)).toContain(one);

    const approved = await h.call(leadingGroup, 'POST', `${base(one)}/decisions`, {
      stage: 'preparation',
      decision: 'approve',
      requestId: rid('approve'),
      meeting: meetingFor('leading_group'),
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(await tasksOn(leadingGroup, one)).toEqual([]);
  });

  it('asks the leading group, and only it, to decide a major-matter request', async () => {
    const round = await launch();
    const one = round.inspections[0]!.id;
    await passStage(h, one, 'preparation', leaderOne);
    const request = await h.call(memberOne, 'POST', `${base(one)}/records`, {
      kind: 'major_matter',
      data: { question: '拟调阅局党组会议记录原件', proposedAction: '赴档案室现场调阅' },
    });
    expect(request.status, JSON.stringify(request.body)).toBe(201);

    expect(await tasksOn(leadingGroup, one)).toEqual([
      expect.objectContaining({ kind: 'record_decision', record: expect.objectContaining({ id: request.body.id }), waitingOn: { role: 'leading_group' } }),
    ]);
    expect(await tasksOn(office, one)).toEqual([]);
    expect(await tasksOn(leaderOne, one)).toEqual([]);

    await h.call(leadingGroup, 'POST', `${base(one)}/records/${request.body.id}/decision`, { decision: 'approve' });
    expect(await tasksOn(leadingGroup, one)).toEqual([]);
  });

  it("asks the group's own leader to review a problem paper; a returned paper shows its note and comes back once edited", async () => {
    const round = await launch();
    const one = round.inspections[0]!.id;
    await passStage(h, one, 'preparation', leaderOne);
    await passStage(h, one, 'stationing', leaderOne);
    const talks = (await h.call(memberOne, 'GET', `${base(one)}/records?kind=talk`)).body.records as { id: string }[];
    const paper = await h.call(memberOne, 'POST', `${base(one)}/records`, {
      kind: 'problem',
      data: {
        category: '财政资金使用',
        title: '执法专项经费超范围列支',
        facts: '2020年执法专项经费中列支招待费4.2万元。',
        evidence: talks.map((t) => t.id),
        conduct: { from: '2020-01-01', to: '2020-12-31' },
        characterization: '违反财经纪律',
        basis: [{ source: '《党政机关厉行节约反对浪费条例》', article: '第八条' }],
        persons: [],
      },
    });
    expect(paper.status, JSON.stringify(paper.body)).toBe(201);
    expect(paper.body.review).toBeNull();

    const review = await tasksOn(leaderOne, one);
    expect(review).toEqual([
      expect.objectContaining({
        kind: 'record_review',
        record: expect.objectContaining({ id: paper.body.id, kind: 'problem' }),
        waitingOn: { role: 'group_leader', sub: leaderOne.sub },
        action: { method: 'POST', href: `${base(one)}/records/${paper.body.id}/review` },
      }),
    ]);
    expect(review[0]!.title).toContain('执法专项经费超范围列支');
    for (const person of [memberOne, leaderTwo, leadingGroup]) expect(await tasksOn(person, one), person.sub).toEqual([]);
    // The office's only task here is the lead the sample stationing confirmed, waiting for its hand-over.
    expect((await tasksOn(office, one)).map((t) => t.kind)).toEqual(['record_owed']);

    const note = '证据不足：请补充财务凭证';
    const returned = await h.call(leaderOne, 'POST', `${base(one)}/records/${paper.body.id}/review`, { decision: 'return', note });
    expect(returned.status, JSON.stringify(returned.body)).toBe(200);
    const expected = { status: 'returned', note, by: { sub: leaderOne.sub, name: leaderOne.name }, at: expect.any(String) };
    expect(returned.body.review).toEqual(expected);
    expect((await h.call(memberOne, 'GET', `${base(one)}/records/${paper.body.id}`)).body.review).toEqual(expected);
    const listed = (await h.call(memberOne, 'GET', `${base(one)}/records?kind=problem`)).body.records;
    expect(listed[0].review).toEqual(expected);
    expect(await tasksOn(leaderOne, one)).toEqual([]);

    // The member fixes the paper: it waits on the leader again, and the note that sent it back stays in sight.
    const edited = await h.call(memberOne, 'PATCH', `${base(one)}/records/${paper.body.id}`, {
      data: { ...paper.body.data, facts: '2020年执法专项经费中列支招待费4.2万元，有记账凭证12张为证。' },
      version: returned.body.version,
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body).toMatchObject({ reviewStatus: 'pending', review: { status: 'returned', note } });
    expect((await tasksOn(leaderOne, one)).map((t) => t.kind)).toEqual(['record_review']);

    const confirmed = await h.call(leaderOne, 'POST', `${base(one)}/records/${paper.body.id}/review`, { decision: 'confirm' });
    expect(confirmed.body.review).toMatchObject({ status: 'confirmed', by: { sub: leaderOne.sub } });
    expect((await tasksOn(leaderOne, one)).map((t) => t.kind)).toEqual(['stage_submission']);
  });

  it('gives a recused leader nothing of the inspection, not even a submission its criteria would allow', async () => {
    const round = await launch();
    const two = round.inspections[1]!.id;
    await recordWork(h, two, 'preparation', leaderTwo);
    expect((await tasksOn(leaderTwo, two)).map((t) => t.kind)).toEqual(['stage_submission']);

    const mine = (await h.call(office, 'GET', `${base(two)}/records?kind=recusal_declaration`)).body.records.find(
      (d: { data: { memberSub: string } }) => d.data.memberSub === leaderTwo.sub,
    );
    const changed = await h.call(leaderTwo, 'PATCH', `${base(two)}/records/${mine.id}`, {
      data: { memberSub: leaderTwo.sub, hasRelation: true, relation: '配偶在被巡察单位任职' },
      version: mine.version,
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(await tasksOn(leaderTwo, two)).toEqual([]);
    const recused = await h.call(office, 'POST', `${base(two)}/records/${mine.id}/decision`, { decision: 'recused', comment: '需回避' });
    expect(recused.status, JSON.stringify(recused.body)).toBe(200);

    // Every declaration is decided, so the criteria hold; but the leader is out.
    const progress = await h.call(office, 'GET', `${base(two)}/progress`);
    expect(progress.body.readyToSubmit).toBe(true);
    expect(await tasksOn(leaderTwo, two)).toEqual([]);
    expect((await h.call(leaderTwo, 'GET', `${base(two)}/progress`)).status).toBe(403);
  });
});

describe('records owed for others (record_owed)', () => {
  it('asks the office to hand over a confirmed lead, then discipline inspection to dispose of it, and nobody else', async () => {
    const round = await launch();
    const one = round.inspections[0]!.id;
    await passStage(h, one, 'preparation', leaderOne);
    await recordWork(h, one, 'stationing', leaderOne);
    const lead = (await h.call(office, 'GET', `${base(one)}/records?kind=lead`)).body.records[0] as { id: string };

    const handOver = await tasksOn(office, one);
    expect(handOver).toEqual([
      expect.objectContaining({
        kind: 'record_owed',
        record: expect.objectContaining({ id: lead.id, kind: 'lead' }),
        waitingOn: { role: 'office' },
        action: { method: 'POST', href: `${base(one)}/records` },
        writes: { kind: 'lead_handover', field: 'leadId' },
      }),
    ]);
    expect(handOver[0]!.title).toContain('线索移交');
    // Leads are confidential: nobody but the office learns of this one from the list.
    for (const person of [memberOne, leaderOne, leaderTwo, leadingGroup, discipline, liaisonOne]) {
      expect((await tasksOn(person, one)).filter((t) => t.kind !== 'stage_submission'), person.sub).toEqual([]);
    }

    const handed = await h.call(office, 'POST', `${base(one)}/records`, {
      kind: 'lead_handover',
      data: { leadId: lead.id, recipient: { kind: 'discipline', name: '驻厅纪检监察组' }, handedOn: '2021-10-20', letterRef: '巡移〔2021〕2号' },
    });
    expect(handed.status, JSON.stringify(handed.body)).toBe(201);
    expect(await tasksOn(office, one)).toEqual([]);
    expect(await tasksOn(discipline, one)).toEqual([
      expect.objectContaining({ kind: 'record_owed', record: expect.objectContaining({ id: lead.id }), waitingOn: { role: 'discipline' }, writes: { kind: 'lead_disposal', field: 'leadId' } }),
    ]);

    const disposed = await h.call(discipline, 'POST', `${base(one)}/records`, {
      kind: 'lead_disposal',
      data: { leadId: lead.id, receivedOn: '2021-10-22', outcome: 'preliminary_verification', reference: '纪初核〔2021〕9号' },
    });
    expect(disposed.status, JSON.stringify(disposed.body)).toBe(201);
    expect(await tasksOn(discipline, one)).toEqual([]);
  });

  it("asks the office to verify each rectification item, and again once the target reports progress on one it returned", async () => {
    const round = await launch();
    const one = round.inspections[0]!.id;
    for (const stage of ['preparation', 'stationing', 'drafting', 'communication', 'reporting', 'post_evaluation'] as const) {
      await passStage(h, one, stage, leaderOne);
    }
    const papers = (await h.call(office, 'GET', `${base(one)}/records?kind=problem`)).body.records as { id: string; reviewStatus: string }[];
    const problemIds = papers.filter((p) => p.reviewStatus === 'confirmed').map((p) => p.id);
    const opinion = await h.call(office, 'POST', `${base(one)}/records`, { kind: 'feedback_opinion', data: { text: '反馈意见', problemIds } });
    expect(opinion.status, JSON.stringify(opinion.body)).toBe(201);
    expect((await h.call(leadingGroup, 'POST', `${base(one)}/records/${opinion.body.id}/decision`, { decision: 'approve' })).status).toBe(200);
    await h.call(office, 'POST', `${base(one)}/records`, { kind: 'feedback_meeting', data: { heldOn: '2021-12-20', attendees: ['马局长'] } });
    expect((await tasksOn(office, one)).filter((t) => t.kind === 'record_owed')).toEqual([]);

    const item = await h.call(liaisonOne, 'POST', `${base(one)}/records`, {
      kind: 'rectification_item',
      data: { problemId: problemIds[0], measure: '建立罚没收入日清月结制度', owner: '财务科科长', dueOn: '2022-03-31' },
    });
    expect(item.status, JSON.stringify(item.body)).toBe(201);
    const verify = (await tasksOn(office, one)).filter((t) => t.kind === 'record_owed');
    expect(verify).toEqual([
      expect.objectContaining({
        record: expect.objectContaining({ id: item.body.id, kind: 'rectification_item' }),
        waitingOn: { role: 'office' },
        action: { method: 'POST', href: `${base(one)}/records` },
        writes: { kind: 'rectification_verification', field: 'itemId' },
      }),
    ]);
    expect(verify[0]!.title).toContain('建立罚没收入日清月结制度');
    for (const person of [liaisonOne, leaderOne, memberOne, leadingGroup]) {
      expect((await tasksOn(person, one)).filter((t) => t.kind === 'record_owed'), person.sub).toEqual([]);
    }

    const returned = await h.call(office, 'POST', `${base(one)}/records`, {
      kind: 'rectification_verification',
      data: { itemId: item.body.id, outcome: 'returned', on: '2022-02-01', note: '台账不完整' },
    });
    expect(returned.status, JSON.stringify(returned.body)).toBe(201);
    expect((await tasksOn(office, one)).filter((t) => t.kind === 'record_owed')).toEqual([]);

    const progress = await h.call(liaisonOne, 'PATCH', `${base(one)}/records/${item.body.id}`, {
      data: { ...item.body.data, progress: [{ on: '2022-02-28', note: '已补全台账' }] },
      version: item.body.version,
    });
    expect(progress.status, JSON.stringify(progress.body)).toBe(200);
    expect((await tasksOn(office, one)).filter((t) => t.kind === 'record_owed')).toEqual([
      expect.objectContaining({
        record: expect.objectContaining({ id: item.body.id }),
        action: { method: 'PATCH', href: `${base(one)}/records/${returned.body.id}` },
      }),
    ]);

    const accepted = await h.call(office, 'PATCH', `${base(one)}/records/${returned.body.id}`, {
      data: { ...returned.body.data, outcome: 'accepted', on: '2022-03-05' },
      version: returned.body.version,
    });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect((await tasksOn(office, one)).filter((t) => t.kind === 'record_owed')).toEqual([]);
  });
});

describe("the group's progress", () => {
  it('shows each exit criterion of the open stage in words, unmet and then met, with record counts and the due date', async () => {
    const round = await launch();
    const one = round.inspections[0]!.id;
    // The office: nobody of the group reads the work before declaring (issue 12 §2).
    expect((await h.call(memberOne, 'GET', `${base(one)}/progress`)).status).toBe(403);
    const before = await h.call(office, 'GET', `${base(one)}/progress`);
    expect(before.status, JSON.stringify(before.body)).toBe(200);
    const inspection = (await h.call(office, 'GET', base(one))).body;
    expect(before.body).toMatchObject({
      inspection: { id: one },
      round: { id: round.id, name: round.name },
      stage: 'preparation',
      state: 'open',
      dueAt: inspection.dueAt,
      overdue: false,
      waitingOn: { role: 'group_leader', sub: leaderOne.sub },
      readyToSubmit: false,
      recordCounts: {},
    });
    const briefings = before.body.criteria.find((c: { code: string }) => c.code === 'briefings_missing');
    expect(briefings).toMatchObject({ met: false, requirement: expect.stringContaining('五个方面的情况通报') });
    expect(briefings.missing).toContain('纪检监察、组织人事、财务、审计、信访');
    expect(before.body.criteria.map((c: { code: string }) => c.code)).toEqual([
      'briefings_missing',
      'recusal_undeclared',
      'recusal_undecided',
      'work_plan_missing',
    ]);

    await recordWork(h, one, 'preparation', leaderOne);
    const after = await h.call(leaderOne, 'GET', `${base(one)}/progress`);
    expect(after.body.readyToSubmit).toBe(true);
    expect(after.body.criteria.every((c: { met: boolean; missing: string | null }) => c.met && c.missing === null)).toBe(true);
    expect(after.body.recordCounts).toMatchObject({ briefing: 5, recusal_declaration: 2, work_plan: 1 });

    for (const reader of [office, leadingGroup]) expect((await h.call(reader, 'GET', `${base(one)}/progress`)).status).toBe(200);
    for (const stranger of [outsider, leaderTwo]) expect((await h.call(stranger, 'GET', `${base(one)}/progress`)).status).toBe(403);
  });
});

describe('one shape', () => {
  it('names whose move it is as waitingOn, due dates as dueAt, people as { sub, name }, and lists the unmet criteria once', async () => {
    const round = await launch();
    const one = round.inspections[0]!.id;
    const refused = await h.call(leaderOne, 'POST', `${base(one)}/submissions`, { stage: 'preparation', requestId: rid('submit') });
    expect(refused.status).toBe(409);
    expect(Object.keys(refused.body).sort()).toEqual(['details', 'error', 'message']);
    expect(refused.body.details.unmet.map((u: { code: string }) => u.code)).toContain('briefings_missing');

    await recordWork(h, one, 'preparation', leaderOne);
    const submitted = await h.call(leaderOne, 'POST', `${base(one)}/submissions`, { stage: 'preparation', requestId: rid('submit') });
    expect(submitted.body.status).toMatchObject({ state: 'submitted', waitingOn: { role: 'leading_group' }, dueAt: expect.any(String) });
    expect(submitted.body.status).not.toHaveProperty('awaitingRole');
    const inspection = (await h.call(office, 'GET', base(one))).body;
    expect(inspection).toMatchObject({
      waitingOn: { role: 'leading_group' },
      submittedBy: { sub: leaderOne.sub, name: leaderOne.name },
      dueAt: submitted.body.status.dueAt,
    });

    const early = await h.call(office, 'POST', `${base(one)}/decisions`, { stage: 'preparation', decision: 'approve', requestId: rid('approve') });
    expect(early.status).toBe(403);
    expect(early.body.details).toMatchObject({ stage: 'preparation', state: 'submitted', waitingOn: { role: 'leading_group' } });
  });
});
