import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InspectionProcess } from '../workflows/inspection-process.js';
import type { InspectionPlan } from '../workflows/messages.js';
import type { Actor } from '../workflows/roles.js';
import { STAGE_IDS, resolveApprovalChains, resolveDueDays, stageOwner } from '../workflows/stages.js';
import { startHarness, type Harness } from './support/harness.js';
import { launchBody, leaderOne, leadingGroup, liaisonOne, memberOne, office, officeDeputy, partyCommittee } from './support/people.js';
import { launchRound, meetingFor, passStage, recordWork, rid } from './support/walk.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const records = (id: string) => `/api/v1/inspections/${id}/records`;
type View = { id: string; kind: string; version: number; data: Record<string, unknown>; reviewStatus: string | null; versions?: unknown[] };

/**
 * An inspection whose report is heard and evaluated, with two findings the opinion feeds
 * back and one confirmed paper it does not (`withheld`: the office feeds back what it chooses).
 */
async function atRectification() {
  const round = await launchRound(h);
  const id = round.inspections[0].id as string;
  for (const stage of ['preparation', 'stationing'] as const) await passStage(h, id, stage, leaderOne);
  const talk = (await h.call(office, 'GET', `${records(id)}?kind=talk`)).body.records[0] as View;
  for (const title of ['干部选拔任用程序不规范', '干部档案审核不严']) {
    const extra = await h.call(memberOne, 'POST', records(id), {
      kind: 'problem',
      data: {
        category: '选人用人',
        title,
        facts: '2020年提拔的3名科级干部缺少民主推荐环节。',
        evidence: [talk.id],
        conduct: { from: '2020-01-01', to: '2020-12-31' },
        characterization: '违反干部选拔任用工作规定',
        basis: [{ source: '《党政领导干部选拔任用工作条例》', article: '第十七条' }],
        persons: ['某科长'],
      },
    });
    expect(extra.status, JSON.stringify(extra.body)).toBe(201);
    expect((await h.call(leaderOne, 'POST', `${records(id)}/${extra.body.id}/review`, { decision: 'confirm' })).status).toBe(200);
  }
  for (const stage of ['drafting', 'communication', 'reporting', 'post_evaluation'] as const) await passStage(h, id, stage, leaderOne);
  const papers = (await h.call(office, 'GET', `${records(id)}?kind=problem`)).body.records as View[];
  const withheld = papers.find((p) => p.data.title === '干部档案审核不严')!;
  return { id, talk, papers, findings: papers.filter((p) => p.id !== withheld.id), withheld };
}

const write = (actor: Actor, id: string, kind: string, data: unknown) => h.call(actor, 'POST', records(id), { kind, data });
const edit = (actor: Actor, id: string, record: View, data: Record<string, unknown>) =>
  h.call(actor, 'PATCH', `${records(id)}/${record.id}`, { data: { ...record.data, ...data }, version: record.version });
const review = (id: string, record: { id: string }, decision: 'confirm' | 'return', note = '') =>
  h.call(office, 'POST', `${records(id)}/${record.id}/review`, { decision, note });

describe('feedback and rectification, owned by the office and the target', () => {
  it('runs opinion, meeting, plan, items, verification and report in order, and the leading group closes the stage', async () => {
    const { id, findings, withheld } = await atRectification();

    // The office drafts the opinion; until the leading group approves it nothing else can follow.
    const opinion = await write(office, id, 'feedback_opinion', { text: '巡察发现以下问题，请认真整改。', problemIds: findings.map((p) => p.id) });
    expect(opinion.status, JSON.stringify(opinion.body)).toBe(201);
    expect((await write(leaderOne, id, 'feedback_opinion', { text: '组长代拟', problemIds: [findings[0]!.id] })).status).toBe(403);
    const early = await write(office, id, 'feedback_meeting', { heldOn: '2021-12-20', attendees: ['马局长'] });
    expect(early.status).toBe(409);
    expect(early.body.message).toMatch(/须在.+之后填写：目前还没有可据以填写的/);
    expect((await h.call(leadingGroup, 'POST', `${records(id)}/${opinion.body.id}/decision`, { decision: 'approve' })).status).toBe(200);

    expect((await write(leaderOne, id, 'feedback_meeting', { heldOn: '2021-12-20', attendees: ['马局长'] })).status).toBe(403);
    expect((await write(office, id, 'feedback_meeting', { heldOn: '2021-12-20', attendees: ['马局长', '班子成员'] })).status).toBe(201);

    // The target's plan: returned once with a note the liaison reads, then accepted.
    const plan = await write(liaisonOne, id, 'rectification_plan', { text: '整改方案初稿', submittedOn: '2022-01-10' });
    expect(plan.status, JSON.stringify(plan.body)).toBe(201);
    expect((await write(office, id, 'rectification_plan', { text: '办代拟', submittedOn: '2022-01-10' })).status).toBe(403);
    expect((await h.call(leaderOne, 'POST', `${records(id)}/${plan.body.id}/review`, { decision: 'confirm' })).status).toBe(403);
    expect((await review(id, plan.body, 'return')).status).toBe(400);
    const returned = await review(id, plan.body, 'return', '整改措施不具体，请细化到人到时');
    expect(returned.body.reviewStatus).toBe('returned');
    const seenPlan = await h.call(liaisonOne, 'GET', `${records(id)}/${plan.body.id}`);
    expect(seenPlan.body.versions.at(-1)).toMatchObject({ change: 'reviewed', reviewStatus: 'returned', note: '整改措施不具体，请细化到人到时' });
    const revised = await edit(liaisonOne, id, returned.body, { text: '整改方案：逐项明确责任人和时限' });
    expect(revised.body.reviewStatus).toBe('pending');
    expect((await review(id, revised.body, 'confirm')).body.reviewStatus).toBe('confirmed');

    // One item per problem fed back; never for a paper the opinion does not name.
    const notFedBack = await write(liaisonOne, id, 'rectification_item', { problemId: withheld.id, measure: '自查', owner: '纪委', dueOn: '2022-03-31' });
    expect(notFedBack.status).toBe(400);
    expect(notFedBack.body.details.issues[0].field).toBe('body.data.problemId');
    const items: View[] = [];
    for (const [i, paper] of findings.entries()) {
      const item = await write(i === 0 ? liaisonOne : office, id, 'rectification_item', {
        problemId: paper.id,
        measure: `整改措施${i + 1}`,
        owner: '财务科科长',
        dueOn: '2022-03-31',
      });
      expect(item.status, JSON.stringify(item.body)).toBe(201);
      items.push(item.body);
    }
    const twin = await write(office, id, 'rectification_item', { problemId: findings[0]!.id, measure: '重复', owner: '某', dueOn: '2022-03-31' });
    expect(twin.status).toBe(409);

    // The liaison reports progress but can neither change what must be done nor close the item.
    const [first, second] = items as [View, View];
    expect((await edit(liaisonOne, id, first, { measure: '改为口头提醒' })).status).toBe(403);
    expect((await edit(liaisonOne, id, first, { owner: '临时工' })).status).toBe(403);
    expect((await edit(liaisonOne, id, first, { status: 'done' })).status).toBe(403);
    const closing = await write(liaisonOne, id, 'rectification_verification', { itemId: first.id, outcome: 'accepted', on: '2022-03-01' });
    expect(closing.status).toBe(403);
    const progressed = await edit(liaisonOne, id, first, { progress: [{ on: '2022-02-28', note: '已全部上缴' }] });
    expect(progressed.status, JSON.stringify(progressed.body)).toBe(200);
    expect((await edit(liaisonOne, id, progressed.body, { progress: [{ on: '2022-02-28', note: '改写历史' }] })).status).toBe(403);
    expect(progressed.body.data).toMatchObject({ measure: '整改措施1', progress: [{ on: '2022-02-28', note: '已全部上缴' }] });

    const refused = await h.call(office, 'POST', `/api/v1/inspections/${id}/submissions`, { stage: 'rectification', requestId: rid('submit') });
    expect(refused.status).toBe(409);
    // (The lead's hand-over is the group's part of the stage, recorded below.)
    const unmet = refused.body.details.unmet.map((u: { code: string }) => u.code).filter((c: string) => c !== 'lead_not_handed_over');
    expect(unmet).toEqual(['item_open', 'rectification_report_not_accepted']);

    // 验收: one accepted; the other returned, then (an edit, so a new version) long-term with its next milestone.
    expect((await write(office, id, 'rectification_verification', { itemId: first.id, outcome: 'accepted', on: '2022-04-10' })).status).toBe(201);
    const noDate = await write(office, id, 'rectification_verification', { itemId: second.id, outcome: 'long_term', on: '2022-04-10' });
    expect(noDate.status).toBe(400);
    expect(noDate.body.details.issues[0].field).toBe('body.data.nextMilestoneOn');
    const back = await write(office, id, 'rectification_verification', { itemId: second.id, outcome: 'returned', on: '2022-04-10', note: '证明材料不全' });
    expect(back.status).toBe(201);
    const longTerm = await edit(office, id, back.body, { outcome: 'long_term', note: '需跨年度推进', nextMilestoneOn: '2022-12-31' });
    expect(longTerm.status, JSON.stringify(longTerm.body)).toBe(200);
    const verification = await h.call(liaisonOne, 'GET', `${records(id)}/${back.body.id}`);
    expect(verification.body.versions.map((v: { data: { outcome: string } }) => v.data.outcome)).toEqual(['returned', 'long_term']);

    // The report follows the accepted plan, and the office accepts it.
    const report = await write(liaisonOne, id, 'rectification_report', { text: '整改报告：反馈问题已整改到位', submittedOn: '2022-02-20' });
    expect(report.status, JSON.stringify(report.body)).toBe(201);
    expect((await review(id, report.body, 'confirm')).body.reviewStatus).toBe('confirmed');
    await recordWork(h, id, 'rectification', leaderOne); // the sample walk adds only the lead's hand-over now

    const submitted = await h.call(office, 'POST', `/api/v1/inspections/${id}/submissions`, { stage: 'rectification', requestId: rid('submit') });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    expect(submitted.body.status.waitingOn).toEqual({ role: 'leading_group' });
    const approved = await h.call(leadingGroup, 'POST', `/api/v1/inspections/${id}/decisions`, {
      stage: 'rectification',
      decision: 'approve',
      requestId: rid('approve'),
      meeting: meetingFor('leading_group'),
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    // Rectification approved: the inspection goes on to archiving (立卷归档).
    expect(approved.body.status).toMatchObject({ stage: 'archiving', state: 'open' });
    const progress = await h.call(office, 'GET', `/api/v1/rounds/${(await h.call(office, 'GET', `/api/v1/inspections/${id}`)).body.roundId}/progress`);
    expect(progress.body.totals.rectificationItems).toEqual({ open: 0, returned: 0, accepted: 1, long_term: 1 });
  });

  it('shows the liaison the issued opinion and the facts of the problems it names, never talks, leads or internal notes', async () => {
    const { id, talk, findings, withheld } = await atRectification();
    const opinion = await write(office, id, 'feedback_opinion', { text: '反馈意见', problemIds: [findings[0]!.id] });
    expect((await h.call(liaisonOne, 'GET', `${records(id)}/${opinion.body.id}`)).status).toBe(403);
    expect((await h.call(liaisonOne, 'GET', `${records(id)}/${findings[0]!.id}`)).status).toBe(403);
    await h.call(leadingGroup, 'POST', `${records(id)}/${opinion.body.id}/decision`, { decision: 'approve', comment: '内部意见：措辞再斟酌' });

    const listed = (await h.call(liaisonOne, 'GET', records(id))).body.records as View[];
    expect(listed.map((r) => r.kind).sort()).toEqual(['feedback_opinion', 'problem']);
    const paper = listed.find((r) => r.kind === 'problem')!;
    expect(paper.id).toBe(findings[0]!.id);
    expect(Object.keys(paper.data).sort()).toEqual(['basis', 'category', 'characterization', 'facts', 'title']);
    const read = await h.call(liaisonOne, 'GET', `${records(id)}/${paper.id}`);
    expect(read.status).toBe(200);
    expect(read.body.data.evidence).toBeUndefined();
    expect(read.body.versions).toEqual([]); // the group leader's review is internal
    const issued = await h.call(liaisonOne, 'GET', `${records(id)}/${opinion.body.id}`);
    expect(issued.body.data.text).toBe('反馈意见');
    expect(JSON.stringify(issued.body)).not.toContain('内部意见');

    for (const hidden of [findings[1]!.id, withheld.id, talk.id]) {
      expect((await h.call(liaisonOne, 'GET', `${records(id)}/${hidden}`)).status, hidden).toBe(403);
    }
    for (const kind of ['talk', 'lead_handover', 'problem']) {
      const only = (await h.call(liaisonOne, 'GET', `${records(id)}?kind=${kind}`)).body.records as View[];
      expect(only.map((r) => r.id)).toEqual(kind === 'problem' ? [findings[0]!.id] : []);
    }
    expect((await h.call(liaisonOne, 'GET', `/api/v1/inspections/${id}/report`)).status).toBe(403);
    expect((await h.call(liaisonOne, 'GET', `/api/v1/inspections/${id}/history`)).status).toBe(403);
  });
});

describe('the target’s due dates, counted from the feedback meeting', () => {
  it('are the round’s to set at launch, and a bad one is a 400 naming it', async () => {
    const bad = await h.call(office, 'POST', '/api/v1/rounds', launchBody({ rectificationDueDays: { rectification_plan: 0 } }));
    expect(bad.status).toBe(400);
    expect(bad.body.details.issues.map((i: { field: string }) => i.field)).toEqual(['body.rectificationDueDays.rectification_plan']);
  });

  const DAY = 24 * 60 * 60 * 1000;
  const OPENED = '2026-03-01T02:00:00.000Z';
  const plan: InspectionPlan = {
    ...{ inspectionId: 'insp-r', roundId: 'round-r', position: 0, launchedBy: office, launchedAt: '2026-01-05T02:00:00.000Z' },
    target: { name: '质监支队', principalLeader: '杨支队长', extensions: [], liaison: { sub: liaisonOne.sub, name: liaisonOne.name } },
    group: { name: '第一巡察组', leader: { sub: leaderOne.sub, name: leaderOne.name }, members: [] },
    ...{ approvalChains: resolveApprovalChains(), stageDueDays: resolveDueDays(), escalateAfterHours: 72, plannedStart: '2026-01-01' },
    rectificationDueDays: { rectification_plan: 20, rectification_report: 45 },
  };
  const meeting = { kind: '领导小组会议', heldOn: '2026-02-20', minutesRef: '巡领〔2026〕3号' };

  /** A process whose rectification stage opened at OPENED: every earlier stage submitted and approved. */
  function atRectification(): InspectionProcess {
    const process = new InspectionProcess(plan);
    let n = 0;
    for (const stage of STAGE_IDS.slice(0, STAGE_IDS.indexOf('rectification'))) {
      const by = stageOwner(stage) === 'office' ? office : leaderOne;
      const at = stage === 'post_evaluation' ? OPENED : '2026-02-01T00:00:00.000Z';
      const submit = { stage, actor: by, requestId: `s${++n}`, comment: null };
      process.validateSubmit(submit);
      process.commit(process.submit(submit, at));
      for (const role of plan.approvalChains[stage]) {
        const actor = role === 'office' ? (by === office ? officeDeputy : office) : role === 'leading_group' ? leadingGroup : partyCommittee;
        const decide = { stage, actor, decision: 'approve' as const, requestId: `d${++n}`, comment: null, meeting: role === 'office' ? null : meeting };
        process.validateDecide(decide);
        process.commit(process.decide(decide, at));
      }
    }
    expect(process.current).toMatchObject({ stage: 'rectification', state: 'open', stageOpenedAt: OPENED });
    return process;
  }

  it('notices the office once when the plan is not in by its due date, and never for a report handed in', () => {
    const process = atRectification();
    expect(process.watchesRectification()).toBe(true);
    // No meeting yet: nothing is due, and the process looks again a day later.
    expect(process.nextDeadline()).toBe(Date.parse(OPENED) + DAY);
    const before = process.checkDeadlines(Date.parse(OPENED) + DAY, { meetingHeldOn: null, handedIn: [] });
    expect(before.events).toEqual([]);
    process.commit(before);
    expect(process.nextDeadline()).toBe(Date.parse(OPENED) + 2 * DAY);

    // The meeting on 3 March (China Standard Time): the round gives the plan 20 days.
    const planDue = '2026-03-22T16:00:00.000Z';
    const learned = process.checkDeadlines(Date.parse(OPENED) + 2 * DAY, { meetingHeldOn: '2026-03-03', handedIn: [] });
    expect(learned.events).toEqual([]);
    process.commit(learned);
    expect(process.nextDeadline()).toBe(Date.parse(planDue));
    expect(process.checkDeadlines(Date.parse(planDue) - 1, { meetingHeldOn: '2026-03-03', handedIn: [] }).events).toEqual([]);

    const overdue = process.checkDeadlines(Date.parse(planDue), { meetingHeldOn: '2026-03-03', handedIn: [] });
    expect(overdue.events).toEqual([
      expect.objectContaining({ kind: 'overdue', stage: 'rectification', data: { record: 'rectification_plan', dueAt: planDue, meetingHeldOn: '2026-03-03' } }),
    ]);
    expect(overdue.notices).toEqual([
      {
        kind: 'overdue',
        recipientRole: 'office',
        message: expect.stringMatching(/质监支队: the rectification_plan was due 2026-03-22T16:00:00.000Z/),
        code: 'notice_rectification_overdue',
        params: { target: '质监支队', due: 'rectification_plan', dueAt: '2026-03-22T16:00:00.000Z', meetingHeldOn: '2026-03-03' },
      },
    ]);
    process.commit(overdue);
    // Noticed once; the report (45 days) is handed in before its date, so nothing more is watched.
    const reportDue = Date.parse('2026-04-16T16:00:00.000Z');
    expect(process.nextDeadline()).toBe(Math.min(reportDue, Date.parse(process.current.stageDueAt)));
    const later = process.checkDeadlines(reportDue, { meetingHeldOn: '2026-03-03', handedIn: ['rectification_report'] });
    expect(later.events.filter((e) => e.data.record)).toEqual([]);
    process.commit(later);
    expect(process.watchesRectification()).toBe(false);
  });

  it('carries what it learned across continue-as-new', () => {
    const process = atRectification();
    process.commit(process.checkDeadlines(Date.parse(OPENED) + DAY, { meetingHeldOn: '2026-03-03', handedIn: ['rectification_plan'] }));
    const carried = new InspectionProcess(plan, structuredClone(process.snapshot()));
    expect(carried.nextDeadline()).toBe(process.nextDeadline());
    expect(carried.nextDeadline()).toBe(Math.min(Date.parse('2026-04-16T16:00:00.000Z'), Date.parse(process.current.stageDueAt)));
  });
});
