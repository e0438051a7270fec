import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../workflows/roles.js';
import { QUESTIONNAIRE_ITEMS, STAGE_IDS } from '../workflows/stages.js';
import { startHarness, type Harness } from './support/harness.js';
import {
  auditor,
  launchBody,
  leaderOne,
  leaderTwo,
  leadingGroup,
  memberOne,
  memberTwo,
  office,
  officeDeputy,
  partyCommittee,
} from './support/people.js';
import { launchRound, passStage, rid } from './support/walk.js';

const liaison: Actor = { sub: 'liaison-ma', name: '马联络员', roles: ['liaison'] };

let h: Harness;
/** Two inspections walked to post_evaluation: the first answers its questionnaire, the second is closed early. */
let round: { id: string; inspections: { id: string }[] };
let answered: string;
let closedEarly: string;
/** A code already answered, for showing that its inspection's bucket is not the guessers'. */
let spentCode: string;

const base = (id: string) => `/api/v1/inspections/${id}`;
const allFive = (score: number) => Object.fromEntries(QUESTIONNAIRE_ITEMS.map((item) => [item.id, score]));

/** What the group must never read: the office's words about them and what the target's staff wrote. */
const EVALUATION_SECRET = '该同志谈话记录整理不及时';
const ANSWER_SECRET = '有组员在食堂议论案情';
const CLOSURE_SECRET = '单位机构改革人员分流';

async function issue(id: string, count: number, actor: Actor = office) {
  return h.call(actor, 'POST', `${base(id)}/questionnaire-codes`, { count, requestId: rid('codes') });
}
const answer = (code: string, body: unknown) => h.call(null, 'POST', `/api/v1/questionnaire/${code}`, body);

beforeAll(async () => {
  h = await startHarness();
  const [first, second] = launchBody().inspections;
  const inspections = [
    {
      ...first!,
      target: { ...first!.target, liaison: { sub: liaison.sub, name: liaison.name } },
      group: { ...first!.group, leader: { ...first!.group.leader, homeUnit: '审计处' } },
    },
    second,
  ];
  round = await launchRound(h, { inspections });
  [answered, closedEarly] = round.inspections.map((i) => i.id) as [string, string];
  const toPostEvaluation = STAGE_IDS.slice(0, STAGE_IDS.indexOf('post_evaluation'));
  await Promise.all(
    [
      [answered, leaderOne],
      [closedEarly, leaderTwo],
    ].map(async ([id, leader]) => {
      for (const stage of toPostEvaluation) await passStage(h, id as string, stage, leader as Actor);
    }),
  );
});
afterAll(async () => {
  await h?.close();
});

describe('the anonymous conduct questionnaire', () => {
  it('gives the office one-time codes once, and stores only their hashes', async () => {
    const issued = await issue(answered, 3);
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    expect(issued.body.codes).toHaveLength(3);
    expect(new Set(issued.body.codes).size).toBe(3);
    for (const code of issued.body.codes) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/);

    const stored = await sql<{ row: string }>`select row_to_json(c)::text as row from questionnaire_codes c`.execute(h.database.db);
    const dump = stored.rows.map((r) => r.row).join('\n');
    for (const code of issued.body.codes as string[]) {
      expect(dump).not.toContain(code);
      expect(dump).not.toContain(code.replace(/-/g, ''));
    }

    // The codes cannot be shown again: the same requestId is refused, not answered with them.
    const again = await h.call(office, 'POST', `${base(answered)}/questionnaire-codes`, { count: 3, requestId: issued.body.requestId });
    expect(again.status).toBe(409);
    expect(again.body.details).toMatchObject({ count: 3 });

    for (const actor of [leaderOne, memberOne, liaison, leadingGroup]) expect((await issue(answered, 1, actor)).status).toBe(403);
    const bad = await h.call(office, 'POST', `${base(answered)}/questionnaire-codes`, { count: 0, requestId: rid('codes') });
    expect(bad.status).toBe(400);
    expect(bad.body.details.issues[0].field).toBe('body.count');
  });

  it('opens the form with a code alone, takes one answer per code, and refuses the code again', async () => {
    const [code] = (await issue(answered, 1)).body.codes as [string];
    const form = await h.call(null, 'GET', `/api/v1/questionnaire/${code}`);
    expect(form.status, JSON.stringify(form.body)).toBe(200);
    expect(form.body).toMatchObject({ target: '自治区交通运输综合行政执法局', group: '第一巡察组', score: { min: 1, max: 5 } });
    expect(form.body.items.map((i: { id: string }) => i.id)).toEqual(QUESTIONNAIRE_ITEMS.map((i) => i.id));
    expect(form.body.items.map((i: { basis: string }) => i.basis)).toEqual(expect.arrayContaining(['八项规定', '巡察工作守则']));

    const missing = await answer(code, { scores: { ...allFive(5), attitude: undefined } });
    expect(missing.status).toBe(400);
    expect(missing.body.details.issues.map((i: { field: string }) => i.field)).toContain('body.scores.attitude');
    expect((await answer(code, { scores: { ...allFive(5), discretion: 6 } })).status).toBe(400);

    // Typed by hand: lower case, no dashes.
    const first = await answer(code.toLowerCase().replace(/-/g, ''), { scores: allFive(4), comment: ANSWER_SECRET });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.answeredOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const reused = await answer(code, { scores: allFive(1), comment: '第二次提交' });
    expect(reused.status).toBe(410);
    expect(reused.body).toMatchObject({ error: 'questionnaire_code_used' });
    spentCode = code;
    expect((await h.call(null, 'GET', `/api/v1/questionnaire/${code}`)).status).toBe(410);
    expect((await h.call(null, 'GET', '/api/v1/questionnaire/AAAA-BBBB-CCCC-DDDD-EEEE')).status).toBe(404);
  });

  it('stores nothing of the answerer: no subject, no address, no code, no time finer than the day', async () => {
    const [code] = (await issue(answered, 1)).body.codes as [string];
    // Sent with a token and from a named address: neither may reach the row.
    const sent = await h.app.inject({
      method: 'POST',
      url: `/api/v1/questionnaire/${code}`,
      remoteAddress: '10.20.30.40',
      headers: { authorization: `Bearer ${await h.token(memberOne)}`, 'x-forwarded-for': '198.51.100.7' },
      payload: { scores: allFive(5), comment: '态度很好' },
    });
    expect(sent.statusCode, sent.body).toBe(201);

    const columns = await sql<{ column_name: string }>`
      select column_name from information_schema.columns where table_name = 'questionnaire_answers' order by ordinal_position`.execute(h.database.db);
    expect(columns.rows.map((c) => c.column_name)).toEqual(['id', 'inspection_id', 'scores', 'comment', 'answered_on']);
    const dateType = await sql<{ data_type: string }>`
      select data_type from information_schema.columns where table_name = 'questionnaire_answers' and column_name = 'answered_on'`.execute(h.database.db);
    expect(dateType.rows[0]!.data_type).toBe('date');

    const rows = await sql<{ row: string }>`select row_to_json(a)::text as row from questionnaire_answers a where comment = '态度很好'`.execute(h.database.db);
    expect(rows.rows).toHaveLength(1);
    const row = rows.rows[0]!.row;
    for (const trace of [memberOne.sub, memberOne.name, '10.20.30.40', '198.51.100.7', '127.0.0.1', code, code.replace(/-/g, '')]) {
      expect(row).not.toContain(trace);
    }
    // The code's row remembers only that it was used: not when, not by whom.
    const codeColumns = await sql<{ column_name: string }>`
      select column_name from information_schema.columns where table_name = 'questionnaire_codes' order by ordinal_position`.execute(h.database.db);
    expect(codeColumns.rows.map((c) => c.column_name)).toEqual(['code_hash', 'inspection_id', 'batch_id', 'used']);
    // And an answer, once in, cannot be changed.
    await expect(sql`update questionnaire_answers set comment = 'changed'`.execute(h.database.db)).rejects.toThrow(/append-only/);
  });

  it('lets post-evaluation be submitted only once the round’s five answers are in', async () => {
    for (const member of [leaderOne, memberOne]) {
      const evaluated = await h.call(office, 'POST', `${base(answered)}/records`, {
        kind: 'inspector_evaluation',
        data: { memberSub: member.sub, grade: member === leaderOne ? 'excellent' : 'competent', comment: `${EVALUATION_SECRET}（${member.name}）` },
      });
      expect(evaluated.status, JSON.stringify(evaluated.body)).toBe(201);
    }
    const codes = (await issue(answered, 3)).body.codes as string[];
    // Two answers so far (earlier tests); two more make four.
    for (const code of codes.slice(0, 2)) expect((await answer(code, { scores: allFive(5) })).status).toBe(201);

    const submit = () => h.call(office, 'POST', `${base(answered)}/submissions`, { stage: 'post_evaluation', requestId: rid('submit') });
    const short = await submit();
    expect(short.status).toBe(409);
    expect(short.body.details.unmet).toEqual([{ code: 'questionnaire_short', params: { answers: 4, minimum: 5 }, message: expect.stringContaining('要求 5 份问卷答复，已收到 4 份') }]);
    const progress = await h.call(office, 'GET', `/api/v1/rounds/${round.id}/progress`);
    const mine = progress.body.inspections.find((i: { id: string }) => i.id === answered);
    expect(mine.unmet.map((u: { code: string }) => u.code)).toEqual(['questionnaire_short']);

    expect((await answer(codes[2]!, { scores: allFive(3) })).status).toBe(201);
    const accepted = await submit();
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);

    // Frozen: the stage takes no more answers or codes.
    expect((await issue(answered, 1)).status).toBe(409);

    const summary = await h.call(leadingGroup, 'GET', `${base(answered)}/questionnaire`);
    expect(summary.status).toBe(200);
    expect(summary.body).toMatchObject({ minimumAnswers: 5, answers: 5, codes: { issued: 8, used: 5 }, closed: null });
    expect(summary.body.responses.map((r: { comment: string | null }) => r.comment)).toContain(ANSWER_SECRET);
    expect(summary.body.items.find((i: { id: string }) => i.id === 'attitude')).toMatchObject({ average: 4.4, lowest: 3 });
  });

  it('lets the office close the questionnaire short of the minimum, with a reason, after which no code answers', async () => {
    const [code] = (await issue(closedEarly, 2)).body.codes as [string, string];
    expect((await answer(code, { scores: allFive(5) })).status).toBe(201);
    const noReason = await h.call(office, 'POST', `${base(closedEarly)}/records`, { kind: 'questionnaire_closure', data: { reason: ' ' } });
    expect(noReason.status).toBe(400);
    expect(noReason.body.details.issues[0].field).toBe('body.data.reason');
    expect((await h.call(leaderTwo, 'POST', `${base(closedEarly)}/records`, { kind: 'questionnaire_closure', data: { reason: '组长想关' } })).status).toBe(403);

    const closed = await h.call(office, 'POST', `${base(closedEarly)}/records`, { kind: 'questionnaire_closure', data: { reason: CLOSURE_SECRET } });
    expect(closed.status, JSON.stringify(closed.body)).toBe(201);
    expect((await issue(closedEarly, 1)).status).toBe(409);
    for (const member of [leaderTwo, memberTwo]) {
      await h.call(office, 'POST', `${base(closedEarly)}/records`, {
        kind: 'inspector_evaluation',
        data: { memberSub: member.sub, grade: 'basically_competent', comment: EVALUATION_SECRET },
      });
    }
    const submitted = await h.call(office, 'POST', `${base(closedEarly)}/submissions`, { stage: 'post_evaluation', requestId: rid('submit') });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    const summary = await h.call(auditor, 'GET', `${base(closedEarly)}/questionnaire`);
    expect(summary.body).toMatchObject({ answers: 1, minimumAnswers: 5, closed: { reason: CLOSURE_SECRET, recordId: closed.body.id } });
  });

  it('never shows the group or the liaison how the group is judged, on any route they can read', async () => {
    const ids = [answered, closedEarly];
    const evaluation = (await h.call(office, 'GET', `${base(answered)}/records?kind=inspector_evaluation`)).body.records[0];
    for (const [actor, id] of [
      [leaderOne, answered],
      [memberOne, answered],
      [leaderTwo, closedEarly],
      [memberTwo, closedEarly],
    ] as const) {
      const seen = [
        await h.call(actor, 'GET', `${base(id)}/records`),
        await h.call(actor, 'GET', `${base(id)}/records?stage=post_evaluation`),
        await h.call(actor, 'GET', `${base(id)}/report`),
        await h.call(actor, 'GET', `${base(id)}/history`),
        await h.call(actor, 'GET', `${base(id)}`),
        await h.call(actor, 'GET', `/api/v1/rounds/${round.id}`),
        await h.call(actor, 'GET', '/api/v1/approvals?status=pending'),
      ];
      for (const response of seen) expect(response.status, JSON.stringify(response.body)).toBe(200);
      const text = JSON.stringify(seen.map((r) => r.body));
      for (const secret of [EVALUATION_SECRET, ANSWER_SECRET, CLOSURE_SECRET]) expect(text).not.toContain(secret);
      const kinds = seen[0]!.body.records.map((r: { kind: string }) => r.kind);
      expect(kinds).not.toContain('inspector_evaluation');
      expect(kinds).not.toContain('questionnaire_closure');
      expect((await h.call(actor, 'GET', `${base(id)}/records?kind=inspector_evaluation`)).body.records).toEqual([]);

      expect((await h.call(actor, 'GET', `${base(answered)}/records/${evaluation.id}`)).status).toBe(403);
      expect((await h.call(actor, 'GET', `${base(id)}/questionnaire`)).status).toBe(403);
      expect((await h.call(actor, 'GET', `/api/v1/rounds/${round.id}/progress`)).status).toBe(403);
      expect((await h.call(actor, 'GET', `/api/v1/rounds/${round.id}/inspector-evaluations.xlsx`)).status).toBe(403);
    }
    // A group leader who also holds an office role still does not read their own group's evaluation.
    const doubleHatted: Actor = { ...leaderOne, roles: ['group_leader', 'office'] };
    expect((await h.call(doubleHatted, 'GET', `${base(answered)}/records/${evaluation.id}`)).status).toBe(403);
    expect((await h.call(doubleHatted, 'GET', `${base(answered)}/questionnaire`)).status).toBe(403);

    const liaisonSees = await h.call(liaison, 'GET', `${base(answered)}/records`);
    expect(liaisonSees.status).toBe(200);
    expect(JSON.stringify(liaisonSees.body)).not.toContain(EVALUATION_SECRET);
    expect((await h.call(liaison, 'GET', `${base(answered)}/questionnaire`)).status).toBe(403);
    expect((await h.call(partyCommittee, 'GET', `${base(answered)}/questionnaire`)).status).toBe(403);

    for (const reader of [office, leadingGroup, auditor]) {
      for (const id of ids) expect((await h.call(reader, 'GET', `${base(id)}/questionnaire`)).status).toBe(200);
      expect((await h.call(reader, 'GET', `${base(answered)}/records/${evaluation.id}`)).status).toBe(200);
    }
  });

  it('gives the office each home unit’s people’s evaluations as a spreadsheet', async () => {
    const response = await h.app.inject({
      method: 'GET',
      url: `/api/v1/rounds/${round.id}/inspector-evaluations.xlsx`,
      headers: { authorization: `Bearer ${await h.token(officeDeputy)}` },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    const sheets = Object.fromEntries(
      workbook.worksheets.map((sheet) => {
        const rows: string[][] = [];
        sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
        return [sheet.name, rows];
      }),
    );
    // Home units from the launch: the first leader's 审计处, each member's own; the second leader gave none.
    expect(Object.keys(sheets)).toEqual(['财务审计处', '审计处', '厅机关纪委', '未注明']);
    const header = ['姓名', '巡察组', '组内职务', '被巡察单位', '评价等级', '评价意见', '评价人', '评价日期'];
    for (const rows of Object.values(sheets)) expect(rows[0]).toEqual(header);
    expect(sheets['审计处']!.slice(1).map((r) => r.slice(0, 5))).toEqual([['张组长', '第一巡察组', '组长', '自治区交通运输综合行政执法局', '优秀']]);
    expect(sheets['厅机关纪委']!.slice(1).map((r) => r.slice(0, 6))).toEqual([
      ['赵组员', '第一巡察组', '组员', '自治区交通运输综合行政执法局', '称职', `${EVALUATION_SECRET}（赵组员）`],
    ]);
    expect(sheets['财务审计处']!.slice(1).map((r) => [r[0], r[4]])).toEqual([['钱组员', '基本称职']]);
    expect(sheets['未注明']!.slice(1).map((r) => [r[0], r[2], r[4], r[6]])).toEqual([['周组长', '组长', '基本称职', office.name]]);

    for (const reader of [leadingGroup, auditor]) {
      expect((await h.call(reader, 'GET', `/api/v1/rounds/${round.id}/inspector-evaluations.xlsx`)).status).toBe(403);
    }
  });

  it('takes the round’s own minimum of answers at launch, and describes the routes in the OpenAPI document', async () => {
    const strict = await launchRound(h, { name: '2022年第一轮巡察', questionnaireMinAnswers: 12, inspections: [launchBody().inspections[1]] });
    const summary = await h.call(office, 'GET', `${base(strict.inspections[0].id)}/questionnaire`);
    expect(summary.body).toMatchObject({ minimumAnswers: 12, answers: 0, codes: { issued: 0, used: 0 } });
    const refused = await h.call(office, 'POST', '/api/v1/rounds', launchBody({ questionnaireMinAnswers: 0 }));
    expect(refused.status).toBe(400);
    expect(refused.body.details.issues[0].field).toBe('body.questionnaireMinAnswers');

    const doc = (await h.call(null, 'GET', '/docs/json')).body;
    expect(doc.paths['/api/v1/questionnaire/{code}'].post.security).toEqual([]);
    expect(doc.paths['/api/v1/inspections/{id}/questionnaire-codes'].post.description).toContain('office');
    expect(doc.paths['/api/v1/inspections/{id}/questionnaire'].get.description).toContain('never by anyone named in the group');
    expect(doc.paths['/api/v1/rounds/{id}/inspector-evaluations.xlsx'].get).toBeDefined();
    expect(JSON.stringify(doc)).toContain('questionnaire_closure');
  });

  it('limits requests to the answering route by address, strictly for codes that name nothing, and nowhere else', async () => {
    const from = (address: string, code: string) =>
      h.app.inject({ method: 'GET', url: `/api/v1/questionnaire/${code}`, remoteAddress: address });
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await from('203.0.113.9', `AAAA-B${String(i).padStart(3, '0')}-0000-0000-0000`)).statusCode);
    expect(statuses).toEqual(Array(20).fill(404));
    const limited = await from('203.0.113.9', 'ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(limited.body)).toMatchObject({ error: 'too_many_requests', message: expect.any(String) });
    const answerLimited = await h.app.inject({
      method: 'POST',
      url: '/api/v1/questionnaire/ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ',
      remoteAddress: '203.0.113.9',
      payload: { scores: allFive(5) },
    });
    expect(answerLimited.statusCode).toBe(429);

    // A real code from the same address is counted with its inspection, not with the guesses.
    expect((await from('203.0.113.9', spentCode)).statusCode).toBe(410);
    // Another address is counted apart, and the authenticated API is not limited at all.
    expect((await from('203.0.113.10', 'ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ')).statusCode).toBe(404);
    for (let i = 0; i < 25; i++) {
      const read = await h.app.inject({
        method: 'GET',
        url: `${base(answered)}`,
        remoteAddress: '203.0.113.9',
        headers: { authorization: `Bearer ${await h.token(office)}` },
      });
      expect(read.statusCode).toBe(200);
    }
  });
});
