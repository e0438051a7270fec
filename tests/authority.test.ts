import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roundWorkflowId } from '../workflows/messages.js';
import type { Actor } from '../workflows/roles.js';
import { startHarness, type Harness } from './support/harness.js';
import { auditor, launchBody, leaderOne, leaderTwo, leadingGroup, memberOne, memberTwo, office } from './support/people.js';
import { eventually, launchRound, meetingFor, passStage, rid } from './support/walk.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const newcomer: Actor = { sub: 'm-xu', name: '徐组员', roles: ['member'] };
const liaisonHe: Actor = { sub: 'liaison-he', name: '何联络员', roles: ['liaison'] };
const liaisonMa: Actor = { sub: 'liaison-ma', name: '马联络员', roles: ['liaison'] };

const rounds = '/api/v1/rounds';
const records = (id: string) => `/api/v1/inspections/${id}/records`;
const decide = (actor: Actor, roundId: string, body: Record<string, unknown>) => h.call(actor, 'POST', `${rounds}/${roundId}/decisions`, body);
const changeGroup = (actor: Actor, id: string, change: Record<string, unknown>, reason = '工作需要') =>
  h.call(actor, 'POST', `/api/v1/inspections/${id}/group-changes`, { requestId: rid('group'), reason, change });

describe('a round is proposed, then authorised', () => {
  it('goes proposed → rejected → edited → approved, and its inspections start only on approval', async () => {
    const proposed = await h.call(office, 'POST', rounds, launchBody());
    expect(proposed.status, JSON.stringify(proposed.body)).toBe(201);
    const round = proposed.body;
    expect(round).toMatchObject({ status: 'proposed', version: 1, inspections: [] });
    // The plan, targets and groups are there to read before anything starts.
    expect(round.plan.inspections.map((i: { target: { name: string } }) => i.target.name)).toEqual(['自治区交通运输综合行政执法局', '质监支队']);
    expect(round.authorisation).toEqual([expect.objectContaining({ seq: 1, kind: 'proposed', version: 1, actor: { sub: office.sub, name: office.name } })]);
    expect((await h.call(leadingGroup, 'GET', `${rounds}/${round.id}`)).body.plan.inspections[0].group.leader.sub).toBe(leaderOne.sub);
    expect((await h.call(auditor, 'GET', `${rounds}/${round.id}`)).status).toBe(200);
    // A group named in the plan has no authority yet ("一次一授权").
    expect((await h.call(leaderOne, 'GET', `${rounds}/${round.id}`)).status).toBe(403);
    await expect(h.temporal.workflow.getHandle(roundWorkflowId(round.id)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);

    // Only the leading group decides, and only at a meeting it names.
    expect((await decide(office, round.id, { decision: 'approve', requestId: rid('a'), meeting: meetingFor('leading_group') })).status).toBe(403);
    const noMeeting = await decide(leadingGroup, round.id, { decision: 'reject', requestId: rid('r'), comment: '重点不突出' });
    expect(noMeeting.status).toBe(400);
    expect(noMeeting.body.details.issues).toEqual([expect.objectContaining({ field: 'body.meeting' })]);
    const noComment = await decide(leadingGroup, round.id, { decision: 'reject', requestId: rid('r'), meeting: meetingFor('leading_group') });
    expect(noComment.body.details.issues).toEqual([expect.objectContaining({ field: 'body.comment' })]);

    const rejected = await decide(leadingGroup, round.id, {
      decision: 'reject',
      requestId: rid('r'),
      comment: '请补充选人用人专项检查内容',
      meeting: meetingFor('leading_group'),
    });
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'returned', statusReason: '请补充选人用人专项检查内容', inspections: [] });
    expect(rejected.body.authorisation.at(-1)).toMatchObject({
      kind: 'rejected',
      actor: { sub: leadingGroup.sub },
      comment: '请补充选人用人专项检查内容',
      meeting: meetingFor('leading_group'),
    });
    // A returned round waits for the office: nothing to approve until it is proposed again.
    const early = await decide(leadingGroup, round.id, { decision: 'approve', requestId: rid('a'), meeting: meetingFor('leading_group') });
    expect(early.status).toBe(409);
    expect(early.body.details).toMatchObject({ status: 'returned' });

    // The office edits with a merge patch: same validation as a proposal, stale versions refused.
    const patch = async (body: unknown) =>
      h.app.inject({
        method: 'PATCH',
        url: `${rounds}/${round.id}`,
        headers: { authorization: `Bearer ${await h.token(office)}`, 'content-type': 'application/merge-patch+json' },
        payload: JSON.stringify(body),
      });
    const invalid = await patch({ version: 1, plannedEnd: '2021-01-01' });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().details.issues).toEqual([expect.objectContaining({ field: 'body.plannedEnd' })]);
    const dropsPartyCommittee = await patch({ version: 1, approvalChains: { reporting: ['office', 'leading_group'] } });
    expect(dropsPartyCommittee.statusCode).toBe(400);
    expect(dropsPartyCommittee.json().details.issues).toEqual([expect.objectContaining({ field: 'body.approvalChains.reporting' })]);
    const edited = await patch({ version: 1, focus: ['行政执法', '财政资金使用', '选人用人', '以权谋私'] });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ status: 'proposed', version: 2, statusReason: null, name: '2021年第三轮巡察' });
    expect(edited.json().plan.focus).toContain('以权谋私');
    const stale = await h.call(office, 'PUT', `${rounds}/${round.id}`, { ...launchBody(), version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.details).toEqual({ currentVersion: 2 });
    expect((await h.call(leadingGroup, 'PUT', `${rounds}/${round.id}`, { ...launchBody(), version: 2 })).status).toBe(403);

    // The leading group approves what it saw; an approval of an older version is refused.
    expect((await decide(leadingGroup, round.id, { decision: 'approve', requestId: rid('a'), version: 1, meeting: meetingFor('leading_group') })).status).toBe(409);
    const approval = { decision: 'approve', requestId: rid('a'), version: 2, meeting: { kind: '领导小组会议', heldOn: '2021-09-28', minutesRef: '巡领〔2021〕4号' } };
    const approved = await decide(leadingGroup, round.id, approval);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.status).toBe('active');
    expect(approved.body.inspections).toHaveLength(2);
    expect(approved.body.focus).toContain('以权谋私');
    for (const inspection of approved.body.inspections) expect(inspection).toMatchObject({ stage: 'preparation', state: 'open' });
    expect(approved.body.authorisation.map((s: { kind: string; actor: { sub: string } }) => [s.kind, s.actor.sub])).toEqual([
      ['proposed', office.sub],
      ['rejected', leadingGroup.sub],
      ['edited', office.sub],
      ['approved', leadingGroup.sub],
    ]);
    expect(approved.body.authorisation.at(-1).meeting).toEqual(approval.meeting);

    // The same approval again answers the same round; nothing is editable after approval.
    const again = await decide(leadingGroup, round.id, approval);
    expect(again.body.inspections.map((i: { id: string }) => i.id)).toEqual(approved.body.inspections.map((i: { id: string }) => i.id));
    expect((await h.call(office, 'PUT', `${rounds}/${round.id}`, { ...launchBody(), version: 2 })).status).toBe(409);
    expect((await decide(leadingGroup, round.id, { ...approval, requestId: rid('a') })).status).toBe(409);
    const first = approved.body.inspections[0].id;
    // Authorised now: the leader reads their declaration page at once, the inspection once cleared (回避).
    expect((await h.call(leaderOne, 'GET', `/api/v1/inspections/${first}/declaration`)).body.standing).toBe('undeclared');
    expect((await h.call(leaderOne, 'GET', `/api/v1/inspections/${first}`)).status).toBe(403);
    // The inspection's workflow records its opening on its own time, just after the approval answers.
    await eventually(async () => {
      const history = await h.call(auditor, 'GET', `/api/v1/inspections/${first}/history`);
      expect(history.body.steps.map((s: { kind: string }) => s.kind)).toEqual(['stage_opened']);
    }, 'the first stage to open');
  });

  it('refuses at proposal a chain that removes a mandatory approver, naming the stage', async () => {
    const refused = await h.call(office, 'POST', rounds, launchBody({ approvalChains: { reporting: ['office', 'leading_group'] } }));
    expect(refused.status).toBe(400);
    expect(refused.body.details.issues).toEqual([
      expect.objectContaining({ field: 'body.approvalChains.reporting', message: expect.stringMatching(/巡察工作领导小组 → 党委（党组）/) }),
    ]);
    expect((await h.call(leadingGroup, 'POST', rounds, launchBody())).status).toBe(403);
  });
});

describe('an approval whose worker is gone', () => {
  it('starts the round when a worker comes back, without the request being sent again', async () => {
    const slow = await startHarness({ requestTimeoutMs: 2000 });
    try {
      const proposed = await slow.call(office, 'POST', rounds, launchBody());
      await slow.stopWorker();
      const approval = { decision: 'approve', requestId: rid('a'), meeting: meetingFor('leading_group') };
      const unanswered = await slow.call(leadingGroup, 'POST', `${rounds}/${proposed.body.id}/decisions`, approval);
      expect(unanswered.status).toBe(503);
      expect((await slow.call(office, 'GET', `${rounds}/${proposed.body.id}`)).body.status).toBe('proposed');
      await slow.startWorker();
      const active = await eventually(async () => {
        const view = await slow.call(office, 'GET', `${rounds}/${proposed.body.id}`);
        expect(view.body.status).toBe('active');
        expect(view.body.inspections.map((i: { state: string }) => i.state)).toEqual(['open', 'open']);
        return view.body;
      }, 'the approved round to start');
      // The client repeating its request learns the outcome; nothing starts twice.
      const repeated = await slow.call(leadingGroup, 'POST', `${rounds}/${proposed.body.id}/decisions`, approval);
      expect(repeated.status).toBe(200);
      expect(repeated.body.inspections.map((i: { id: string }) => i.id)).toEqual(active.inspections.map((i: { id: string }) => i.id));
      expect(repeated.body.authorisation.filter((s: { kind: string }) => s.kind === 'approved')).toHaveLength(1);
    } finally {
      await slow.close();
    }
  });
});

describe('the group after launch', () => {
  it('replaces a member the office recused: the old member is refused at once, the new one reads the inspection', async () => {
    const round = await launchRound(h);
    const id = round.inspections[0].id;
    const declared = await h.call(memberOne, 'POST', records(id), {
      kind: 'recusal_declaration',
      data: { memberSub: memberOne.sub, hasRelation: true, relation: '配偶在被巡察单位任职' },
    });
    const url = `${records(id)}/${declared.body.id}/decision`;
    // The answer says what it means; approve/reject is for requests.
    const wrongVerb = await h.call(office, 'POST', url, { decision: 'approve' });
    expect(wrongVerb.status).toBe(400);
    expect(wrongVerb.body.details.issues).toEqual([expect.objectContaining({ field: 'body.decision' })]);
    const recused = await h.call(office, 'POST', url, { decision: 'recused', comment: '需回避' });
    expect(recused.body.decisionStatus).toBe('recused');
    expect((await h.call(memberOne, 'GET', `/api/v1/inspections/${id}`)).status).toBe(403);
    expect((await h.call(memberOne, 'GET', records(id))).status).toBe(403);

    expect((await changeGroup(leaderOne, id, { kind: 'replace_member', memberSub: memberOne.sub, by: { sub: newcomer.sub, name: newcomer.name } })).status).toBe(403);
    const unknown = await changeGroup(office, id, { kind: 'replace_member', memberSub: 'nobody', by: { sub: newcomer.sub, name: newcomer.name } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.details.issues).toEqual([expect.objectContaining({ field: 'body.change.memberSub' })]);
    expect((await h.call(newcomer, 'GET', `/api/v1/inspections/${id}`)).status).toBe(403);

    const replaced = await changeGroup(
      office,
      id,
      { kind: 'replace_member', memberSub: memberOne.sub, by: { sub: newcomer.sub, name: newcomer.name, homeUnit: '机关党委' } },
      '赵组员需回避，由徐组员接替',
    );
    expect(replaced.status, JSON.stringify(replaced.body)).toBe(200);
    expect(replaced.body.group.members).toEqual([{ sub: newcomer.sub, name: newcomer.name, homeUnit: '机关党委' }]);
    // Named now, but nothing of the inspection until the newcomer has declared and the office has decided (issue 12 §2; below).
    expect((await h.call(newcomer, 'GET', `/api/v1/inspections/${id}/declaration`)).body.standing).toBe('undeclared');
    expect((await h.call(newcomer, 'GET', `/api/v1/inspections/${id}`)).status).toBe(403);
    expect((await h.call(newcomer, 'GET', records(id))).status).toBe(403);
    expect((await h.call(memberOne, 'GET', `/api/v1/inspections/${id}/history`)).status).toBe(403);

    const history = await h.call(auditor, 'GET', `/api/v1/inspections/${id}/history`);
    expect(history.body.steps.at(-1)).toMatchObject({
      kind: 'group_changed',
      actor: { sub: office.sub },
      comment: '赵组员需回避，由徐组员接替',
      data: { change: { kind: 'replace_member', memberSub: memberOne.sub, by: { sub: newcomer.sub } } },
    });
    expect((await h.call(auditor, 'GET', `/api/v1/inspections/${id}/history/verify`)).body.intact).toBe(true);
    // The newcomer declares like everyone, and works once the office found no need to recuse.
    const declaration = await h.call(newcomer, 'POST', records(id), { kind: 'recusal_declaration', data: { memberSub: newcomer.sub, hasRelation: false } });
    expect(declaration.status, JSON.stringify(declaration.body)).toBe(201);
    expect((await h.call(office, 'POST', `${records(id)}/${declaration.body.id}/decision`, { decision: 'not_recused' })).body.decisionStatus).toBe('not_recused');
    const briefing = await h.call(newcomer, 'POST', records(id), { kind: 'briefing', data: { source: 'audit', receivedOn: '2021-10-09', summary: '审计发现问题3项' } });
    expect(briefing.status).toBe(201);
    expect((await h.call(newcomer, 'GET', records(id))).status).toBe(200);
    expect((await h.call(newcomer, 'GET', `/api/v1/inspections/${id}`)).status).toBe(200);
  });

  it('names and changes the target’s liaison: access follows the change', async () => {
    const round = await launchRound(h);
    const id = round.inspections[1].id;
    expect((await h.call(liaisonHe, 'GET', records(id))).status).toBe(403);
    const named = await changeGroup(office, id, { kind: 'set_liaison', liaison: { sub: liaisonHe.sub, name: liaisonHe.name } }, '被巡察单位指定联络人');
    expect(named.body.target.liaison).toEqual({ sub: liaisonHe.sub, name: liaisonHe.name });
    expect((await h.call(liaisonHe, 'GET', records(id))).status).toBe(200);
    const changed = await changeGroup(office, id, { kind: 'set_liaison', liaison: { sub: liaisonMa.sub, name: liaisonMa.name } }, '联络人岗位调整');
    expect(changed.body.target.liaison).toEqual({ sub: liaisonMa.sub, name: liaisonMa.name });
    expect((await h.call(liaisonHe, 'GET', records(id))).status).toBe(403);
    expect((await h.call(liaisonMa, 'GET', records(id))).status).toBe(200);
    const history = await h.call(auditor, 'GET', `/api/v1/inspections/${id}/history`);
    expect(history.body.steps.filter((s: { kind: string }) => s.kind === 'group_changed').map((s: { comment: string }) => s.comment)).toEqual([
      '被巡察单位指定联络人',
      '联络人岗位调整',
    ]);
  });
});

describe('the group leader replaced', () => {
  it('takes the old leader’s rights at once and moves what waited on them to the new leader', async () => {
    const newLeader: Actor = { sub: 'gl-feng', name: '冯组长', roles: ['group_leader'] };
    const round = await launchRound(h);
    const id = round.inspections[0].id as string;
    await passStage(h, id, 'preparation', leaderOne);
    const lead = await h.call(memberOne, 'POST', records(id), {
      kind: 'lead',
      data: {
        person: { name: '马某某', post: '副局长', leadingCadre: true },
        allegation: '对特定车辆免检放行',
        sources: [],
        proposedDisposal: '建议初核',
        proposedRecipient: { kind: 'discipline', name: '驻厅纪检监察组' },
      },
    });
    expect(lead.status, JSON.stringify(lead.body)).toBe(201);
    const reviewOf = async (actor: Actor) =>
      ((await h.call(actor, 'GET', '/api/v1/tasks')).body.tasks as { kind: string; record: { id: string } | null }[]).filter(
        (t) => t.kind === 'record_review' && t.record?.id === lead.body.id,
      );
    expect(await reviewOf(leaderOne)).toHaveLength(1);

    expect((await changeGroup(memberOne, id, { kind: 'replace_leader', by: { sub: newLeader.sub, name: newLeader.name } })).status).toBe(403);
    const noReason = await h.call(office, 'POST', `/api/v1/inspections/${id}/group-changes`, {
      requestId: rid('group'),
      change: { kind: 'replace_leader', by: { sub: newLeader.sub, name: newLeader.name } },
    });
    expect(noReason.status).toBe(400);
    const same = await changeGroup(office, id, { kind: 'replace_leader', by: { sub: leaderOne.sub, name: leaderOne.name } });
    expect(same.status).toBe(400);

    const changed = await changeGroup(office, id, { kind: 'replace_leader', by: { sub: newLeader.sub, name: newLeader.name, homeUnit: '厅机关纪委' } }, '原组长另有任用');
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.group.leader).toMatchObject({ sub: newLeader.sub, name: newLeader.name });

    // The old leader is out at once: no reading, no reviewing, no submitting, nothing waiting.
    expect((await h.call(leaderOne, 'GET', `/api/v1/inspections/${id}`)).status).toBe(403);
    expect((await h.call(leaderOne, 'POST', `${records(id)}/${lead.body.id}/review`, { decision: 'confirm' })).status).toBeGreaterThanOrEqual(403);
    expect((await h.call(leaderOne, 'POST', `/api/v1/inspections/${id}/submissions`, { stage: 'stationing', requestId: rid('submit') })).status).toBe(403);
    expect(await reviewOf(leaderOne)).toEqual([]);

    // The confirmation the old leader owed is the new leader's now.
    expect(await reviewOf(newLeader)).toHaveLength(1);
    // Put in charge after preparation, the new leader declares (回避申报) before seeing the work.
    const declared = await h.call(newLeader, 'POST', records(id), { kind: 'recusal_declaration', data: { memberSub: newLeader.sub, hasRelation: false } });
    expect(declared.status, JSON.stringify(declared.body)).toBe(201);
    expect((await h.call(office, 'POST', `${records(id)}/${declared.body.id}/decision`, { decision: 'not_recused' })).status).toBe(200);
    const confirmed = await h.call(newLeader, 'POST', `${records(id)}/${lead.body.id}/review`, { decision: 'confirm' });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    const refused = await h.call(newLeader, 'POST', `/api/v1/inspections/${id}/submissions`, { stage: 'stationing', requestId: rid('submit') });
    expect(refused.body.error).toBe('exit_criteria_unmet');

    const history = (await h.call(auditor, 'GET', `/api/v1/inspections/${id}/history`)).body.steps as { kind: string; comment: string; data: { change?: { kind: string } } }[];
    expect(history.find((s) => s.kind === 'group_changed')).toMatchObject({ comment: '原组长另有任用', data: { change: { kind: 'replace_leader' } } });
  });
});

describe('a round withdrawn before it starts', () => {
  it('is cancelled by the office with a reason, proposed or returned, and can then never be approved', async () => {
    const proposed = (await h.call(office, 'POST', rounds, launchBody())).body;
    expect((await h.call(leadingGroup, 'POST', `${rounds}/${proposed.id}/cancel`, { reason: '计划调整' })).status).toBe(403);
    expect((await h.call(office, 'POST', `${rounds}/${proposed.id}/cancel`, {})).body.details.issues[0].field).toContain('reason');
    const cancelled = await h.call(office, 'POST', `${rounds}/${proposed.id}/cancel`, { reason: '计划调整，本轮不再开展', requestId: rid('cancel') });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    const approve = await decide(leadingGroup, proposed.id, { decision: 'approve', requestId: rid('approve'), meeting: meetingFor('leading_group') });
    expect(approve.status).toBe(409);
    expect((await h.call(office, 'GET', `${rounds}/${proposed.id}`)).body).toMatchObject({ status: 'cancelled', inspections: [] });
    expect((await h.call(office, 'POST', `${rounds}/${proposed.id}/cancel`, { reason: '再次取消', requestId: rid('cancel') })).status).toBe(409);

    const other = (await h.call(office, 'POST', rounds, launchBody({ name: '2021年第四轮巡察' }))).body;
    expect((await decide(leadingGroup, other.id, { decision: 'reject', requestId: rid('reject'), comment: '重点不突出', meeting: meetingFor('leading_group') })).status).toBe(200);
    const withdrawn = await h.call(office, 'POST', `${rounds}/${other.id}/cancel`, { reason: '并入下一轮', requestId: rid('cancel') });
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
    expect(withdrawn.body.status).toBe('cancelled');
    expect((await h.call(office, 'PUT', `${rounds}/${other.id}`, { ...launchBody(), version: 2 })).status).toBe(409);
  });
});

describe('nobody confirms their own problem paper', () => {
  const paper = (evidence: string[]) => ({
    kind: 'problem',
    data: {
      category: '选人用人',
      title: '干部选拔任用程序不规范',
      facts: '2020年提拔的2名干部未经民主推荐。',
      evidence,
      conduct: { from: '2020-01-01', to: '2020-12-31' },
      characterization: '违反干部选拔任用规定',
      basis: [{ source: '《党政领导干部选拔任用工作条例》', article: '第十四条' }],
    },
  });
  const review = (actor: Actor, id: string, paperId: string) =>
    h.call(actor, 'POST', `${records(id)}/${paperId}/review`, { decision: 'confirm' });

  it('has the deputy confirm the leader’s paper, or the office when the group has no deputy', async () => {
    const round = await launchRound(h);
    const [withDeputy, withoutDeputy] = round.inspections.map((i: { id: string }) => i.id) as [string, string];
    const leaders = [leaderOne, leaderTwo];
    for (const stage of ['preparation', 'stationing'] as const) {
      await Promise.all([withDeputy, withoutDeputy].map((id, i) => passStage(h, id, stage, leaders[i]!)));
    }
    const notMember = await changeGroup(office, withDeputy, { kind: 'name_deputy', memberSub: newcomer.sub });
    expect(notMember.status).toBe(400);
    expect(notMember.body.details.issues).toEqual([expect.objectContaining({ field: 'body.change.memberSub' })]);
    const deputy = await changeGroup(office, withDeputy, { kind: 'name_deputy', memberSub: memberOne.sub }, '设副组长');
    expect(deputy.body.group.deputies).toEqual([{ sub: memberOne.sub, name: memberOne.name }]);

    const evidenceOf = async (id: string) => (await h.call(office, 'GET', `${records(id)}?kind=talk`)).body.records.map((r: { id: string }) => r.id);
    const own = await h.call(leaderOne, 'POST', records(withDeputy), paper(await evidenceOf(withDeputy)));
    expect(own.status, JSON.stringify(own.body)).toBe(201);
    const bySelf = await review(leaderOne, withDeputy, own.body.id);
    expect(bySelf.status).toBe(403);
    expect(bySelf.body.message).toMatch(/不得确认自己撰写的问题底稿/);
    const byOffice = await review(office, withDeputy, own.body.id);
    expect(byOffice.status).toBe(403);
    expect(byOffice.body.message).toMatch(/由副组长确认：赵组员/);
    const byDeputy = await review(memberOne, withDeputy, own.body.id);
    expect(byDeputy.status, JSON.stringify(byDeputy.body)).toBe(200);
    expect(byDeputy.body.reviewStatus).toBe('confirmed');

    const lone = await h.call(leaderTwo, 'POST', records(withoutDeputy), paper(await evidenceOf(withoutDeputy)));
    expect((await review(leaderTwo, withoutDeputy, lone.body.id)).status).toBe(403);
    const byMember = await review(memberTwo, withoutDeputy, lone.body.id);
    expect(byMember.status).toBe(403);
    expect(byMember.body.message).toMatch(/未设副组长.*由巡察办确认/);
    const confirmed = await review(office, withoutDeputy, lone.body.id);
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body.reviewStatus).toBe('confirmed');
  });
});

describe('a request id reused for another kind of request', () => {
  it('is refused 409, never answered with the other request’s result', async () => {
    const round = await launchRound(h);
    const id = round.inspections[0].id as string;
    const shared = rid('shared');
    const changed = await h.call(office, 'POST', `/api/v1/inspections/${id}/group-changes`, {
      requestId: shared,
      reason: '设副组长',
      change: { kind: 'name_deputy', memberSub: memberOne.sub },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    const submission = await h.call(leaderOne, 'POST', `/api/v1/inspections/${id}/submissions`, { stage: 'preparation', requestId: shared });
    expect(submission.status, JSON.stringify(submission.body)).toBe(409);
  });
});
