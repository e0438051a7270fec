import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalBody, approverDue, approverOf, submitterOf } from '../platform/sample-stage-work.js';
import type { Actor } from '../workflows/roles.js';
import type { StageId } from '../workflows/stages.js';
import { startHarness, type Harness } from './support/harness.js';
import { auditor, castOf, launchBody, leaderOne, leaderTwo, leadingGroup, memberOne, memberTwo, office, partyCommittee } from './support/people.js';
import { download, register } from './support/register.js';
import { launchRound, passStage, recordWork, rid } from './support/walk.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const discipline: Actor = { sub: 'dis-he', name: '何纪检', roles: ['discipline'] };
const EXTENSION = '阿拉山口口岸国际道路运输管理局';
/** What the sample lead says: it must never reach a reader of counts. */
const LEAD_PERSON = '某大队负责人';
const LEAD_WORDS = '免检放行';

async function submitAndApprove(id: string, stage: StageId, leader: Actor) {
  const cast = castOf(leader);
  const submitted = await h.call(submitterOf(stage, cast), 'POST', `/api/v1/inspections/${id}/submissions`, { stage, requestId: rid('submit') });
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
  let awaiting = approverDue(submitted.body.status);
  while (awaiting) {
    const decided = await h.call(approverOf(awaiting, stage, cast), 'POST', `/api/v1/inspections/${id}/decisions`, approvalBody(stage, awaiting, rid('approve')));
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    awaiting = approverDue(decided.body.status);
  }
}

type RecordView = { id: string; kind: string; data: Record<string, unknown>; version: number; reviewStatus: string | null };
async function records(inspectionId: string, kind: string): Promise<RecordView[]> {
  const listed = await h.call(office, 'GET', `/api/v1/inspections/${inspectionId}/records?kind=${kind}`);
  expect(listed.status).toBe(200);
  return listed.body.records;
}

async function paper(inspectionId: string, author: Actor, fields: Record<string, unknown>) {
  const evidence = (await records(inspectionId, 'talk')).map((r) => r.id);
  return h.call(author, 'POST', `/api/v1/inspections/${inspectionId}/records`, {
    kind: 'problem',
    data: {
      title: '违规提拔任用干部',
      facts: '2020年提拔的3名科级干部未经民主推荐。',
      evidence,
      conduct: { from: '2020-01-01', to: '2020-12-31' },
      characterization: '违反干部选拔任用工作纪律',
      basis: [{ source: '《党政领导干部选拔任用工作条例》', article: '第二十条', effectiveOn: '2019-03-03' }],
      category: '选人用人',
      ...fields,
    },
  });
}

describe('statistics across rounds', () => {
  it('counts what two rounds found and fixed, as the records say, and the ledgers hold the same rows; lead counts are shown, lead content only to its readers', async () => {
    const enforcement = await register(h, { name: '自治区交通运输综合行政执法局党委', kind: 'party_committee', level: 'county' });
    const port = await register(h, { name: '阿拉山口口岸国际道路运输管理局党委', kind: 'party_committee', level: 'county', parentId: enforcement.id });
    const quality = await register(h, { name: '质监支队党委', kind: 'party_committee', level: 'county' });
    const [first, second] = launchBody().inspections;

    const roundA = (await launchRound(h, {
      inspections: [
        {
          ...first,
          target: { ...first!.target, organizationId: enforcement.id, extensions: [{ name: EXTENSION, principalLeader: '哈局长', organizationId: port.id }] },
        },
      ],
    })) as { id: string; inspections: { id: string }[] };
    const roundB = (await launchRound(h, {
      name: '2022年第一轮巡察',
      year: 2022,
      plannedStart: '2022-03-01',
      plannedEnd: '2022-05-31',
      inspections: [{ ...second, target: { ...second!.target, organizationId: quality.id } }],
    })) as { id: string; inspections: { id: string }[] };
    const a = roundA.inspections[0]!.id;
    const b = roundB.inspections[0]!.id;

    const walkA = async () => {
      await passStage(h, a, 'preparation', leaderOne);
      await passStage(h, a, 'stationing', leaderOne);
      await recordWork(h, a, 'drafting', leaderOne);
      // A paper about the extension, confirmed; an extension the inspection does not have is refused.
      const wrong = await paper(a, memberOne, { extension: '不存在的单位' });
      expect(wrong.status).toBe(400);
      expect(wrong.body.details.issues.map((i: { field: string }) => i.field)).toEqual(['body.data.extension']);
      const aboutExtension = await paper(a, memberOne, { extension: EXTENSION });
      expect(aboutExtension.status, JSON.stringify(aboutExtension.body)).toBe(201);
      expect((await h.call(leaderOne, 'POST', `/api/v1/inspections/${a}/records/${aboutExtension.body.id}/review`, { decision: 'confirm' })).status).toBe(200);
      const [lead] = await records(a, 'lead');
      const disposed = await h.call(discipline, 'POST', `/api/v1/inspections/${a}/records`, {
        kind: 'lead_disposal',
        data: { leadId: lead!.id, receivedOn: '2021-11-15', outcome: 'preliminary_verification', reference: '驻厅纪检〔2021〕12号' },
      });
      expect(disposed.status, JSON.stringify(disposed.body)).toBe(201);
      await submitAndApprove(a, 'drafting', leaderOne);
      for (const stage of ['communication', 'reporting', 'post_evaluation'] as const) await passStage(h, a, stage, leaderOne);
      await recordWork(h, a, 'rectification', leaderOne);
      // The sample verifies every item after its due date; the extension's item was on time.
      const items = await records(a, 'rectification_item');
      const extensionPaper = (await records(a, 'problem')).find((p) => p.data.extension === EXTENSION)!;
      const extensionItem = items.find((i) => i.data.problemId === extensionPaper.id)!;
      const verification = (await records(a, 'rectification_verification')).find((v) => v.data.itemId === extensionItem.id)!;
      const early = await h.call(office, 'PATCH', `/api/v1/inspections/${a}/records/${verification.id}`, {
        data: { ...verification.data, on: '2022-03-30' },
        version: verification.version,
      });
      expect(early.status, JSON.stringify(early.body)).toBe(200);
    };
    const walkB = async () => {
      await passStage(h, b, 'preparation', leaderTwo);
      await passStage(h, b, 'stationing', leaderTwo);
      await recordWork(h, b, 'drafting', leaderTwo);
      // Not yet confirmed by the leader: not a finding, not counted.
      const pending = await paper(b, memberTwo, { category: '行政执法', title: '执法程序不规范' });
      expect(pending.status, JSON.stringify(pending.body)).toBe(201);
    };
    await Promise.all([walkA(), walkB()]);

    // What the records say, read through the records API.
    const confirmed = async (id: string, kind: string) => (await records(id, kind)).filter((r) => r.reviewStatus === 'confirmed' && !r.data.withdrawn);
    const problemsA = await confirmed(a, 'problem');
    const problemsB = await confirmed(b, 'problem');
    expect((await records(b, 'problem')).length).toBe(2);
    const leadsA = await confirmed(a, 'lead');
    const leadsB = await confirmed(b, 'lead');
    const itemsA = await records(a, 'rectification_item');

    const stats = await h.call(office, 'GET', '/api/v1/statistics');
    expect(stats.status, JSON.stringify(stats.body)).toBe(200);
    const body = stats.body;
    expect(body.totals).toEqual({
      problems: problemsA.length + problemsB.length,
      leads: leadsA.length + leadsB.length,
      rectificationItems: itemsA.length,
      accepted: itemsA.length,
      onTimeRate: 1 / itemsA.length,
    });
    expect(body.totals).toMatchObject({ problems: 3, leads: 2, rectificationItems: 2 });
    const tally = (rows: { category: string; year: number }[]) => rows.map((p) => `${p.category}/${p.year}`).sort();
    expect(tally(body.problemsByFocusArea.flatMap((r: { category: string; year: number; count: number }) => Array(r.count).fill(r)))).toEqual(
      tally([...problemsA.map((p) => ({ category: String(p.data.category), year: 2021 })), ...problemsB.map((p) => ({ category: String(p.data.category), year: 2022 }))]),
    );
    expect(body.leadsByRecipient).toEqual([
      { recipient: 'discipline', disposal: 'none', count: 1 },
      { recipient: 'discipline', disposal: 'preliminary_verification', count: 1 },
    ]);
    expect(body.rectificationItemsByState).toEqual([
      { state: 'open', count: 0 },
      { state: 'returned', count: 0 },
      { state: 'accepted', count: 2 },
      { state: 'long_term', count: 0 },
    ]);
    const byRound = new Map(body.byRound.map((r: { roundId: string }) => [r.roundId, r]));
    expect(byRound.get(roundA.id)).toMatchObject({ year: 2021, problems: 2, leads: 1, rectificationItems: 2, accepted: 2, onTimeRate: 0.5 });
    expect(byRound.get(roundB.id)).toMatchObject({ year: 2022, problems: 1, leads: 1, rectificationItems: 0, onTimeRate: null });
    const byOrganization = new Map(body.byOrganization.map((o: { organizationId: string }) => [o.organizationId, o]));
    expect(byOrganization.size).toBe(3);
    expect(byOrganization.get(enforcement.id)).toMatchObject({ problems: 1, leads: 1, rectificationItems: 1, accepted: 1, onTimeRate: 0 });
    expect(byOrganization.get(port.id)).toMatchObject({ name: EXTENSION, problems: 1, leads: 0, rectificationItems: 1, accepted: 1, onTimeRate: 1 });
    expect(byOrganization.get(quality.id)).toMatchObject({ problems: 1, leads: 1, rectificationItems: 0 });

    // The period: rounds planned to start in it.
    const later = await h.call(leadingGroup, 'GET', '/api/v1/statistics?from=2022-01-01&to=2022-12-31');
    expect(later.body.totals).toMatchObject({ problems: 1, leads: 1, rectificationItems: 0 });
    expect(later.body.byRound.map((r: { roundId: string }) => r.roundId)).toEqual([roundB.id]);
    const backwards = await h.call(office, 'GET', '/api/v1/statistics?from=2022-01-01&to=2021-01-01');
    expect(backwards.status).toBe(400);
    expect(backwards.body.details.issues.map((i: { field: string }) => i.field)).toEqual(['querystring.to']);

    // 问题清单: one row per confirmed paper.
    const problems = await download(h, office, '/api/v1/statistics/problems.xlsx');
    expect(problems.status).toBe(200);
    expect(problems.type).toContain('spreadsheetml');
    const [problemHeader, ...problemRows] = problems.rows;
    expect(problemHeader).toEqual(['序号', '轮次', '年度', '巡察组', '被巡察党组织', '延伸巡察单位', '问题类别', '问题', '定性', '发生期间', '整改情况']);
    expect(problemRows.map((r) => r[7]).sort()).toEqual([...problemsA, ...problemsB].map((p) => String(p.data.title)).sort());
    const extensionRow = problemRows.find((r) => r[5] === EXTENSION)!;
    expect(extensionRow.slice(1, 7)).toEqual(['2021年第三轮巡察', '2021', '第一巡察组', '自治区交通运输综合行政执法局', EXTENSION, '选人用人']);
    expect(extensionRow[10]).toBe('验收通过');
    expect(problemRows.filter((r) => r[2] === '2022').map((r) => r[10])).toEqual(['未建整改项']);

    // 整改台账: one row per item, on time or not.
    const ledger = await download(h, office, '/api/v1/statistics/rectification-items.xlsx');
    const [itemHeader, ...itemRows] = ledger.rows;
    expect(itemHeader![11]).toBe('按期完成');
    expect(itemRows).toHaveLength(itemsA.length);
    expect(itemRows.map((r) => r[11]).sort()).toEqual(['否', '是']);
    expect(itemRows.find((r) => r[11] === '是')![3]).toBe(EXTENSION);

    // 线索移交台账: the leads' own readers see who and what.
    const handovers = await download(h, auditor, '/api/v1/statistics/lead-handovers.xlsx');
    expect(handovers.status).toBe(200);
    const [, ...leadRows] = handovers.rows;
    expect(leadRows).toHaveLength(2);
    expect(leadRows.every((r) => r[5] === LEAD_PERSON && r[8]!.includes(LEAD_WORDS))).toBe(true);
    expect(leadRows.map((r) => r[12]).sort()).toEqual(['', '初核']);

    // The party committee reads the counts, never a lead's content.
    const forCommittee = await h.call(partyCommittee, 'GET', '/api/v1/statistics');
    expect(forCommittee.status).toBe(200);
    expect(forCommittee.body.totals.leads).toBe(2);
    expect(JSON.stringify(forCommittee.body)).not.toContain(LEAD_PERSON);
    expect(JSON.stringify(forCommittee.body)).not.toContain(LEAD_WORDS);
    expect((await download(h, partyCommittee, '/api/v1/statistics/lead-handovers.xlsx')).status).toBe(403);
    expect((await download(h, partyCommittee, '/api/v1/statistics/problems.xlsx')).status).toBe(200);
    for (const refused of [memberOne, leaderOne, discipline]) {
      expect((await h.call(refused, 'GET', '/api/v1/statistics')).status).toBe(403);
      expect((await download(h, refused, '/api/v1/statistics/lead-handovers.xlsx')).status).toBe(403);
    }
  });
});
