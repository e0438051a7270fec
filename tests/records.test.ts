import fc from 'fast-check';
import { sql } from 'kysely';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvariantViolation } from '../db/invariant.js';
import { submitStage } from '../db/stage-gate.repository.js';
import { RECORD_KIND_IDS, STAGE_IDS } from '../workflows/stages.js';
import { startHarness, type Harness } from './support/harness.js';
import { auditor, launchBody, leaderOne, leaderTwo, leadingGroup, memberOne, office } from './support/people.js';
import { passStage, recordWork, rid, meetingFor, launchRound } from './support/walk.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

async function launch() {
  return (await launchRound(h)) as { id: string; inspections: { id: string }[] };
}

const records = (id: string) => `/api/v1/inspections/${id}/records`;
const submit = (id: string, stage: string) =>
  h.call(leaderOne, 'POST', `/api/v1/inspections/${id}/submissions`, { stage, requestId: rid('submit') });

describe('recording a stage', () => {
  it('refuses a submission listing every unmet exit criterion, and takes it once the work is recorded', async () => {
    const round = await launch();
    const id = round.inspections[0]!.id;
    const refused = await submit(id, 'preparation');
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('exit_criteria_unmet');
    expect(refused.body.details.unmet.map((u: { code: string }) => u.code)).toEqual(['briefings_missing', 'recusal_undeclared', 'work_plan_missing']);
    expect(refused.body.details.unmet[0]).toMatchObject({ params: { sources: ['discipline', 'organization', 'finance', 'audit', 'petition'] }, message: expect.stringContaining('纪检监察、组织人事、财务、审计、信访') });

    // One criterion alone: everything but the audit briefing.
    await recordWork(h, id, 'preparation', leaderOne);
    const all = await h.call(leaderOne, 'GET', `${records(id)}?kind=briefing`);
    expect(all.body.records).toHaveLength(5);
    const progress = await h.call(office, 'GET', `/api/v1/rounds/${round.id}/progress`);
    expect(progress.body.inspections[0].unmet).toEqual([]);
    expect(progress.body.inspections[0].recordCounts).toMatchObject({ briefing: 5, recusal_declaration: 2, work_plan: 1 });

    const accepted = await submit(id, 'preparation');
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    const history = await h.call(auditor, 'GET', `/api/v1/inspections/${id}/history`);
    expect(history.body.steps.map((s: { kind: string }) => s.kind)).toEqual(['stage_opened', 'submitted']);
  });

  it('freezes records once submitted and opens them again after a rejection', async () => {
    const round = await launch();
    const id = round.inspections[0]!.id;
    await recordWork(h, id, 'preparation', leaderOne);
    const plan = (await h.call(leaderOne, 'GET', `${records(id)}?kind=work_plan`)).body.records[0];
    expect((await submit(id, 'preparation')).status).toBe(200);

    const late = await h.call(memberOne, 'POST', records(id), { kind: 'contingency_plan', data: { summary: '补充预案' } });
    expect(late.status).toBe(409);
    expect(late.body.details).toMatchObject({ stage: 'preparation', state: 'submitted' });
    const edit = await h.call(leaderOne, 'PATCH', `${records(id)}/${plan.id}`, { data: { ...plan.data, schedule: '改期' }, version: plan.version });
    expect(edit.status).toBe(409);
    // A stationing record cannot be written while preparation is the stage.
    const early = await h.call(memberOne, 'POST', records(id), { kind: 'talk', data: { on: '2021-10-14', summary: '谈话', interviewee: '某人' } });
    expect(early.status).toBe(409);
    expect(early.body.message).toMatch(/只能在进驻了解、问题底稿阶段进行时填写；本巡察现处于巡前准备阶段/);

    await h.call(leadingGroup, 'POST', `/api/v1/inspections/${id}/decisions`, {
      meeting: meetingFor('leading_group'),
      stage: 'preparation',
      decision: 'reject',
      requestId: rid('reject'),
      comment: '工作方案进度安排不具体',
    });
    const fixed = await h.call(leaderOne, 'PATCH', `${records(id)}/${plan.id}`, {
      data: { ...plan.data, schedule: '10月12日进驻，10月13日至11月20日个别谈话与调阅资料' },
      version: plan.version,
    });
    expect(fixed.status, JSON.stringify(fixed.body)).toBe(200);
    expect(fixed.body.version).toBe(plan.version + 1);
  });

  it('keeps every version and refuses an edit of a stale version', async () => {
    const round = await launch();
    const id = round.inspections[0]!.id;
    const created = await h.call(memberOne, 'POST', records(id), { kind: 'contingency_plan', data: { summary: '初稿' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: 'contingency_plan', stage: 'preparation', version: 1, createdBy: { sub: memberOne.sub } });
    const url = `${records(id)}/${created.body.id}`;
    const first = await h.call(leaderOne, 'PATCH', url, { data: { summary: '第二稿' }, version: 1 });
    expect(first.status).toBe(200);
    const stale = await h.call(memberOne, 'PATCH', url, { data: { summary: '基于初稿的修改' }, version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.details).toEqual({ currentVersion: 2 });
    const full = await h.call(auditor, 'GET', url);
    expect(full.body.data).toEqual({ summary: '第二稿' });
    expect(full.body.versions.map((v: { version: number; change: string; data: { summary: string }; actor: { sub: string } }) => [v.version, v.change, v.data.summary, v.actor.sub])).toEqual([
      [1, 'created', '初稿', memberOne.sub],
      [2, 'edited', '第二稿', leaderOne.sub],
    ]);
    const badEdit = await h.call(leaderOne, 'PATCH', url, { data: { summary: '' }, version: 2 });
    expect(badEdit.status).toBe(400);
    expect(badEdit.body.details.issues[0].field).toBe('body.data.summary');
  });

  it('refuses a problem paper without evidence from this inspection or without a basis, naming the field', async () => {
    const round = await launch();
    const [id, other] = round.inspections.map((i) => i.id) as [string, string];
    for (const stage of ['preparation', 'stationing'] as const) {
      await passStage(h, id, stage, leaderOne);
      await passStage(h, other, stage, leaderTwo);
    }
    const paper = {
      category: '选人用人',
      title: '违规提拔干部',
      facts: '2020年破格提拔1名干部未履行报备程序。',
      conduct: { from: '2020-05-01', to: '2020-05-31' },
      characterization: '违反干部选拔任用程序',
      basis: [{ source: '《党政领导干部选拔任用工作条例》', article: '第五十条' }],
    };
    const noEvidence = await h.call(memberOne, 'POST', records(id), { kind: 'problem', data: { ...paper, evidence: [] } });
    expect(noEvidence.status).toBe(400);
    expect(noEvidence.body.details.issues.map((i: { field: string }) => i.field)).toEqual(['body.data.evidence']);
    const talk = (await h.call(leaderOne, 'GET', `${records(id)}?kind=talk`)).body.records[0].id;
    const noBasis = await h.call(memberOne, 'POST', records(id), { kind: 'problem', data: { ...paper, evidence: [talk], basis: [] } });
    expect(noBasis.status).toBe(400);
    expect(noBasis.body.details.issues.map((i: { field: string }) => i.field)).toEqual(['body.data.basis']);
    const theirTalk = (await h.call(leaderTwo, 'GET', `${records(other)}?kind=talk`)).body.records[0].id;
    const foreign = await h.call(memberOne, 'POST', records(id), { kind: 'problem', data: { ...paper, evidence: [talk, theirTalk] } });
    expect(foreign.status).toBe(400);
    expect(foreign.body.details.issues[0].field).toBe('body.data.evidence.1');

    const good = await h.call(memberOne, 'POST', records(id), { kind: 'problem', data: { ...paper, evidence: [talk] } });
    expect(good.status).toBe(201);
    expect(good.body.reviewStatus).toBe('pending');
    const notLeader = await h.call(memberOne, 'POST', `${records(id)}/${good.body.id}/review`, { decision: 'confirm' });
    expect(notLeader.status).toBe(403);
    const returned = await h.call(leaderOne, 'POST', `${records(id)}/${good.body.id}/review`, { decision: 'return', note: '定性依据需补充' });
    expect(returned.body.reviewStatus).toBe('returned');
    const refused = await submit(id, 'drafting');
    expect(refused.body.details.unmet.map((u: { code: string }) => u.code)).toEqual(['problem_unconfirmed']);
  });
});

describe('who may see and say what', () => {
  it('shows the target’s liaison only what they take part in, and never the findings', async () => {
    const liaison = { sub: 'liaison-ma', name: '马联络员', roles: ['liaison' as const] };
    const body = launchBody();
    body.inspections[0]!.target = { ...body.inspections[0]!.target, liaison: { sub: liaison.sub, name: liaison.name } } as never;
    const round = await launchRound(h, { inspections: body.inspections });
    const id = round.inspections[0].id as string;
    for (const stage of STAGE_IDS.slice(0, 6)) await passStage(h, id, stage, leaderOne);

    const paper = (await h.call(leaderOne, 'GET', `${records(id)}?kind=problem`)).body.records[0].id;
    // An opinion the leading group has not approved yet is not issued: the target does not see it.
    const opinion = await h.call(office, 'POST', records(id), { kind: 'feedback_opinion', data: { text: '反馈意见稿', problemIds: [paper] } });
    expect(opinion.status, JSON.stringify(opinion.body)).toBe(201);
    const seen = await h.call(liaison, 'GET', records(id));
    expect(seen.status).toBe(200);
    expect(seen.body.records).toEqual([]);
    expect((await h.call(liaison, 'GET', `${records(id)}/${paper}`)).status).toBe(403);
    expect((await h.call(liaison, 'GET', `${records(id)}/${opinion.body.id}`)).status).toBe(403);
    expect((await h.call(liaison, 'GET', `/api/v1/inspections/${id}/report`)).status).toBe(403);
  });

  it('lets each member declare only for themselves, and only the leader withdraw a finding', async () => {
    const round = await launch();
    const id = round.inspections[0]!.id;
    const forOther = await h.call(memberOne, 'POST', records(id), {
      kind: 'recusal_declaration',
      data: { memberSub: leaderOne.sub, hasRelation: true, relation: '捏造' },
    });
    expect(forOther.status).toBe(403);
    for (const stage of ['preparation', 'stationing'] as const) await passStage(h, id, stage, leaderOne);
    await recordWork(h, id, 'drafting', leaderOne);
    const paper = (await h.call(leaderOne, 'GET', `${records(id)}?kind=problem`)).body.records[0];
    const byMember = await h.call(memberOne, 'PATCH', `${records(id)}/${paper.id}`, { data: { ...paper.data, withdrawn: true }, version: paper.version });
    expect(byMember.status).toBe(403);
    const byLeader = await h.call(leaderOne, 'PATCH', `${records(id)}/${paper.id}`, { data: { ...paper.data, withdrawn: true }, version: paper.version });
    expect(byLeader.status).toBe(200);
    expect(byLeader.body.reviewStatus).toBe('pending');
  });

  it('shows a group only its own inspections of a round', async () => {
    const round = await launch();
    const view = await h.call(memberOne, 'GET', `/api/v1/rounds/${round.id}`);
    expect(view.body.inspections.map((i: { id: string }) => i.id)).toEqual([round.inspections[0]!.id]);
    const cancel = { reason: '测试重复撤销', requestId: rid('cancel') };
    const first = await h.call(office, 'POST', `/api/v1/rounds/${round.id}/cancel`, cancel);
    const again = await h.call(office, 'POST', `/api/v1/rounds/${round.id}/cancel`, cancel);
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('cancelled');
  });
});

describe('the submission gate', () => {
  it('writes nothing for a submission the database has already moved past, and leaves a cancelled inspection cancelled', async () => {
    const round = await launch();
    const id = round.inspections[0]!.id;
    await recordWork(h, id, 'preparation', leaderOne);
    await h.call(office, 'POST', `/api/v1/rounds/${round.id}/cancel`, { reason: '撤销' });
    const before = (await h.call(auditor, 'GET', `/api/v1/inspections/${id}/history`)).body.steps.length;
    // A submission previewed before the cancellation (step 2, after the opening step) arriving late.
    const stale = {
      inspectionId: id,
      roundId: round.id,
      stage: 'preparation' as const,
      events: [
        {
          seq: 2,
          kind: 'submitted' as const,
          stage: 'preparation' as const,
          actor: { ...leaderOne, roles: ['group_leader' as const] },
          at: new Date().toISOString(),
          comment: null,
          requestId: rid('late'),
          data: {},
        },
      ],
      status: {
        stage: 'preparation' as const,
        state: 'submitted' as const,
        awaitingRole: 'leading_group' as const,
        submittedBy: { sub: leaderOne.sub, name: leaderOne.name },
        stageOpenedAt: new Date().toISOString(),
        stageDueAt: new Date().toISOString(),
        overdue: false,
        seq: 2,
      },
      notices: [],
      result: null,
    };
    await expect(submitStage(h.database.db, stale)).rejects.toBeInstanceOf(InvariantViolation);
    expect((await h.call(office, 'GET', `/api/v1/inspections/${id}`)).body.state).toBe('cancelled');
    expect((await h.call(auditor, 'GET', `/api/v1/inspections/${id}/history`)).body.steps).toHaveLength(before);
  });
});

describe('recusal (回避)', () => {
  it('keeps a member with an undecided or refused declaration out of the records', async () => {
    const round = await launch();
    const id = round.inspections[0]!.id;
    // Not yet declared: nothing of the work until they declare and the office decides (issue 12 §2).
    const undeclared = await h.call(memberOne, 'GET', records(id));
    expect(undeclared.status).toBe(403);
    expect(undeclared.body.message).toMatch(/请先作回避申报/);
    const declared = await h.call(memberOne, 'POST', records(id), {
      kind: 'recusal_declaration',
      data: { memberSub: memberOne.sub, hasRelation: true, relation: '配偶在被巡察单位财务科工作' },
    });
    expect(declared.status).toBe(201);
    expect(declared.body.decisionStatus).toBe('pending');

    const blocked = await h.call(memberOne, 'GET', records(id));
    expect(blocked.status).toBe(403);
    expect(blocked.body.message).toMatch(/回避申报正等待巡察办决定/);
    expect((await h.call(memberOne, 'POST', records(id), { kind: 'contingency_plan', data: { summary: 'x' } })).status).toBe(403);
    // Only the office decides; a leading group token cannot.
    const wrongRole = await h.call(leadingGroup, 'POST', `${records(id)}/${declared.body.id}/decision`, { decision: 'approve' });
    expect(wrongRole.status).toBe(403);

    const recused = await h.call(office, 'POST', `${records(id)}/${declared.body.id}/decision`, { decision: 'recused', comment: '应当回避' });
    expect(recused.body.decisionStatus).toBe('recused');
    expect((await h.call(memberOne, 'GET', records(id))).status).toBe(403);
    expect((await h.call(office, 'GET', records(id))).status).toBe(200);
  });

  it('lets a member the office allowed despite a relation take part', async () => {
    const round = await launch();
    const id = round.inspections[0]!.id;
    const declared = await h.call(memberOne, 'POST', records(id), {
      kind: 'recusal_declaration',
      data: { memberSub: memberOne.sub, hasRelation: true, relation: '曾在该单位挂职' },
    });
    await h.call(office, 'POST', `${records(id)}/${declared.body.id}/decision`, { decision: 'not_recused', comment: '挂职已满三年，无需回避' });
    expect((await h.call(memberOne, 'GET', records(id))).status).toBe(200);
  });
});

describe('a whole inspection', () => {
  it('ends with a report built from the confirmed papers, as JSON and as a Word document', async () => {
    const round = await launch();
    const id = round.inspections[0]!.id;
    for (const stage of STAGE_IDS.slice(0, 5)) await passStage(h, id, stage, leaderOne);

    const report = await h.call(auditor, 'GET', `/api/v1/inspections/${id}/report`);
    expect(report.status).toBe(200);
    expect(report.body.title).toBe('第一巡察组关于巡察自治区交通运输综合行政执法局党组织的情况报告');
    expect(report.body.mainProblems.map((c: { category: string }) => c.category)).toEqual(['财政资金使用']);
    expect(report.body.mainProblems[0].problems[0]).toMatchObject({ number: 1, title: '罚没收入未及时足额上缴' });
    // The sample's lead is a record of its own, never part of the main report.
    expect(report.body).not.toHaveProperty('leads');
    expect(report.body.sections.basic_situation.text).toContain('个别谈话46人次');
    // The work statistics 基本情况 opens with, counted from the sample records (one talk, one document review).
    expect(report.body.statistics).toEqual({ talks: 1, documentReviews: 1, documentsReviewed: 2, petitions: 0, fieldVisits: 0, problems: 1 });

    // The sections are frozen once reporting is approved.
    const late = await h.call(leaderOne, 'PUT', `/api/v1/inspections/${id}/report/sections/recommendations`, { text: '改' });
    expect(late.status).toBe(409);

    const docx = await h.app.inject({
      method: 'GET',
      url: `/api/v1/inspections/${id}/report.docx`,
      headers: { authorization: `Bearer ${await h.token(auditor)}` },
    });
    expect(docx.statusCode).toBe(200);
    expect(docx.headers['content-type']).toContain('wordprocessingml');
    const files = unzipSync(new Uint8Array(docx.rawPayload));
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['word/document.xml', 'word/styles.xml', '[Content_Types].xml']));
    const xml = strFromU8(files['word/document.xml']!);
    const paragraphs = [...xml.matchAll(/<w:p(?:\s[^>]*)?>([\s\S]*?)<\/w:p>/g)].map((m) =>
      [...(m[1] ?? '').matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(''),
    ).filter(Boolean);
    expect(paragraphs[0]).toBe(report.body.title);
    const headings = paragraphs.filter((p) => /^[一二三四]、/.test(p));
    expect(headings).toEqual(['一、基本情况', '二、发现的主要问题', '三、意见建议']);
    expect(paragraphs).toEqual(expect.arrayContaining(['（一）财政资金使用', '1. 罚没收入未及时足额上缴']));
    // The lead stays out of the main report: neither named nor counted.
    expect(paragraphs.join('\n')).not.toMatch(/免检放行|某大队负责人|线索/);
    expect(paragraphs.some((p) => p.startsWith('依据：《罚款决定与罚款收缴分离实施办法》第十条'))).toBe(true);
    expect(xml).toMatch(/<w:pStyle w:val="Heading1"\/>/);
    expect(strFromU8(files['word/styles.xml']!)).toContain('w:eastAsia="仿宋_GB2312"');

    for (const stage of STAGE_IDS.slice(5)) await passStage(h, id, stage, leaderOne);

    // Every submission names what it froze; an edit made behind the database's guard shows up.
    const history = await h.call(auditor, 'GET', `/api/v1/inspections/${id}/history`);
    const submitted = history.body.steps.filter((s: { kind: string }) => s.kind === 'submitted');
    expect(submitted).toHaveLength(STAGE_IDS.length);
    expect(submitted[0].data.records).toMatchObject({ stage: 'preparation', versions: expect.any(Number), digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect((await h.call(auditor, 'GET', `/api/v1/inspections/${id}/history/verify`)).body).toMatchObject({ intact: true, recordsIntact: true });
    await sql`alter table record_versions disable trigger record_versions_append_only`.execute(h.database.db);
    await sql`update record_versions set data = jsonb_set(data, '{facts}', '"改写后的事实"') where record_id = (select id from records where inspection_id = ${id} and kind = 'problem' order by created_at limit 1)`.execute(h.database.db);
    await sql`alter table record_versions enable trigger record_versions_append_only`.execute(h.database.db);
    const tampered = await h.call(auditor, 'GET', `/api/v1/inspections/${id}/history/verify`);
    expect(tampered.body).toMatchObject({ intact: false, historyIntact: true, recordsIntact: false });
    expect(tampered.body.problems.join('\n')).toMatch(/the drafting records submitted then are not the ones stored now/);

    const progress = await h.call(office, 'GET', `/api/v1/rounds/${round.id}/progress`);
    expect(progress.body.totals).toMatchObject({
      problems: 1,
      problemsByCategory: { 财政资金使用: 1 },
      leads: 1,
      leadsNotHandedOver: 0,
      rectificationItems: { open: 0, returned: 0, accepted: 1, long_term: 0 },
    });
    expect(progress.body.inspections[0]).toMatchObject({ state: 'completed', unmet: [] });
  });

  it('documents every record kind in the OpenAPI document', async () => {
    const doc = await h.call(null, 'GET', '/docs/json');
    const body = doc.body.paths['/api/v1/inspections/{id}/records'].post.requestBody.content['application/json'].schema;
    const kinds = JSON.stringify(body);
    for (const kind of RECORD_KIND_IDS) expect(kinds).toContain(`"${kind}"`);
  });
});

describe('any payload', () => {
  it('with text PostgreSQL cannot store is refused naming the field, and leaves the process able to go on', async () => {
    const round = await launch();
    const id = round.inspections[0]!.id;
    const nul = await h.call(memberOne, 'POST', records(id), { kind: 'contingency_plan', data: { summary: 'a\u0000b' } });
    expect(nul.status).toBe(400);
    expect(nul.body.details.issues[0].field).toBe('body.data.summary');
    const surrogate = await submit(id, 'preparation').then(() =>
      h.call(leaderOne, 'POST', `/api/v1/inspections/${id}/submissions`, { stage: 'preparation', requestId: rid('s'), comment: 'ok \ud800 x' }),
    );
    expect(surrogate.status).toBe(400);
    expect(surrogate.body.details.issues[0].field).toBe('body.comment');
    await recordWork(h, id, 'preparation', leaderOne);
    expect((await submit(id, 'preparation')).status).toBe(200);
    expect((await h.call(auditor, 'GET', `/api/v1/inspections/${id}/history/verify`)).body.intact).toBe(true);
  });

  it('gets a 2xx or a 4xx in the error shape, never a 500', async () => {
    const round = await launch();
    const id = round.inspections[0]!.id;
    // Full Unicode, lone surrogates and NUL included: what PostgreSQL cannot store must be a 400, not a 500.
    const text = fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('a\u0000b', 'x\ud800y', '\udfff', '正常文本'));
    const value = fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null), fc.uuid(), fc.date().map((d) => (Number.isNaN(d.getTime()) ? '2021-01-01' : d.toISOString().slice(0, 10))));
    const data = fc.dictionary(
      fc.constantFrom('source', 'receivedOn', 'summary', 'memberSub', 'hasRelation', 'evidence', 'basis', 'focus', 'on', 'title', 'answers', 'items', 'status', 'problemId'),
      fc.oneof(value, fc.array(value, { maxLength: 3 }), fc.dictionary(text, value, { maxKeys: 3 })),
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constantFrom(...RECORD_KIND_IDS), fc.string()), fc.oneof(data, value), async (kind, payload) => {
        const response = await h.call(memberOne, 'POST', records(id), { kind, data: payload });
        expect(response.status === 201 || (response.status >= 400 && response.status < 500), JSON.stringify(response.body)).toBe(true);
        if (response.status >= 400) expect(response.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
      }),
      { numRuns: 150 },
    );
  });
});
