import { describe, expect, it } from 'vitest';
import { criterionMissing, criterionRequirement } from '../api/criteria-messages.js';
import { EXIT_CRITERIA, unmetCriteria, type CriteriaContext, type RecordSnapshot } from '../workflows/exit-criteria.js';
import { BRIEFING_SOURCES, STAGE_IDS, type RecordKind, type StageId } from '../workflows/stages.js';

let n = 0;
const rec = (kind: RecordKind, data: Record<string, unknown>, extra: Partial<RecordSnapshot> = {}): RecordSnapshot => ({
  id: `r${++n}`,
  kind,
  data,
  reviewStatus: kind === 'problem' || kind === 'lead' ? 'confirmed' : null,
  decisionStatus: kind === 'recusal_declaration' || kind === 'major_matter' ? 'approved' : null,
  ...extra,
});

const members = [
  { sub: 'gl', name: '张组长' },
  { sub: 'm1', name: '赵组员' },
];
const paper = rec('problem', { title: '罚没收入未上缴', category: '财政资金使用' });
const paperCarriedOver = rec('problem', { title: '执法台账不全', category: '行政执法' });
const item = rec('rectification_item', { problemId: paper.id });
const lead = rec('lead', { person: { name: '某大队长' }, allegation: '收受好处' });
const laterLead = rec('lead', { person: { name: '某科长' }, allegation: '违规发放补贴' });

/** A context in which every criterion of every stage holds. */
function complete(): CriteriaContext {
  return {
    members,
    reportSections: { basic_situation: '基本情况', recommendations: '意见建议' },
    questionnaire: { answers: 5, minimumAnswers: 5 },
    dossier: { manifestSha256: 'a'.repeat(64) },
    records: [
      ...BRIEFING_SOURCES.map((source) => rec('briefing', { source })),
      ...members.map((m) => rec('recusal_declaration', { memberSub: m.sub, hasRelation: false })),
      rec('work_plan', {}),
      rec('mobilization', {}),
      rec('public_notice', {}),
      rec('major_matter', {}),
      paper,
      paperCarriedOver,
      lead,
      laterLead,
      rec('communication', { answers: [{ problemId: paper.id }, { problemId: paperCarriedOver.id }] }),
      ...members.map((m) => rec('inspector_evaluation', { memberSub: m.sub })),
      rec('feedback_opinion', { problemIds: [paper.id] }, { decisionStatus: 'approved' }),
      rec('feedback_meeting', {}),
      rec('rectification_plan', {}, { reviewStatus: 'confirmed' }),
      item,
      rec('rectification_verification', { itemId: item.id, outcome: 'long_term' }),
      rec('rectification_report', {}, { reviewStatus: 'confirmed' }),
      rec('lead_handover', { leadId: lead.id }),
      rec('lead_handover', { leadId: laterLead.id }),
    ],
  };
}

const without = (ctx: CriteriaContext, drop: (r: RecordSnapshot) => boolean): CriteriaContext => ({
  ...ctx,
  records: ctx.records.filter((r) => !drop(r)),
});
const changed = (ctx: CriteriaContext, pick: (r: RecordSnapshot) => boolean, change: Partial<RecordSnapshot>): CriteriaContext => ({
  ...ctx,
  records: ctx.records.map((r) => (pick(r) ? { ...r, ...change, data: { ...r.data, ...(change.data ?? {}) } } : r)),
});

/** For each criterion, the one change to a complete context that breaks it alone. */
const breakOne: Record<string, (ctx: CriteriaContext) => CriteriaContext> = {
  briefings_missing: (ctx) => without(ctx, (r) => r.kind === 'briefing' && r.data.source === 'audit'),
  recusal_undeclared: (ctx) => without(ctx, (r) => r.kind === 'recusal_declaration' && r.data.memberSub === 'm1'),
  recusal_undecided: (ctx) => changed(ctx, (r) => r.kind === 'recusal_declaration' && r.data.memberSub === 'gl', { decisionStatus: 'pending' }),
  work_plan_missing: (ctx) => without(ctx, (r) => r.kind === 'work_plan'),
  mobilization_missing: (ctx) => without(ctx, (r) => r.kind === 'mobilization'),
  stationing_period_missing: (ctx) => without(ctx, (r) => r.kind === 'public_notice'),
  major_matter_undecided: (ctx) => changed(ctx, (r) => r.kind === 'major_matter', { decisionStatus: 'pending' }),
  no_problems: (ctx) => changed(ctx, (r) => r.kind === 'problem', { data: { withdrawn: true } }),
  problem_unconfirmed: (ctx) => changed(ctx, (r) => r.id === paper.id, { reviewStatus: 'returned' }),
  problem_not_communicated: (ctx) => without(ctx, (r) => r.kind === 'communication'),
  report_section_missing: (ctx) => ({ ...ctx, reportSections: { basic_situation: '基本情况', recommendations: '  ' } }),
  questionnaire_short: (ctx) => ({ ...ctx, questionnaire: { answers: 4, minimumAnswers: 5 } }),
  inspector_not_evaluated: (ctx) => without(ctx, (r) => r.kind === 'inspector_evaluation' && r.data.memberSub === 'gl'),
  feedback_opinion_not_issued: (ctx) => changed(ctx, (r) => r.kind === 'feedback_opinion', { decisionStatus: 'pending' }),
  feedback_meeting_missing: (ctx) => without(ctx, (r) => r.kind === 'feedback_meeting'),
  rectification_plan_not_accepted: (ctx) => changed(ctx, (r) => r.kind === 'rectification_plan', { reviewStatus: 'returned' }),
  problem_without_item: (ctx) => without(ctx, (r) => r.kind === 'rectification_item' && r.data.problemId === paper.id),
  // An item the office has not verified yet (for a paper no opinion feeds back).
  item_open: (ctx) => ({ ...ctx, records: [...ctx.records, rec('rectification_item', { problemId: paperCarriedOver.id })] }),
  rectification_report_not_accepted: (ctx) => changed(ctx, (r) => r.kind === 'rectification_report', { reviewStatus: 'pending' }),
  lead_unconfirmed: (ctx) => changed(ctx, (r) => r.id === laterLead.id, { reviewStatus: 'returned' }),
  lead_not_handed_over: (ctx) => without(ctx, (r) => r.kind === 'lead_handover' && r.data.leadId === lead.id),
  dossier_not_sealed: (ctx) => ({ ...ctx, dossier: null }),
};

describe('exit criteria', () => {
  it('all hold for a complete inspection', () => {
    for (const stage of STAGE_IDS) expect(unmetCriteria(stage, complete()), stage).toEqual([]);
  });

  it('has a case below for every criterion of every stage', () => {
    const codes = STAGE_IDS.flatMap((s) => EXIT_CRITERIA[s].map((c) => c.code));
    // A criterion may guard several stages (lead_unconfirmed): one case serves them all.
    expect(Object.keys(breakOne).sort()).toEqual([...new Set(codes)].sort());
  });

  for (const stage of STAGE_IDS) {
    for (const criterion of EXIT_CRITERIA[stage]) {
      it(`${stage}: refuses ${criterion.code} alone, saying what is missing`, () => {
        const unmet = unmetCriteria(stage, breakOne[criterion.code]!(complete()));
        expect(unmet.map((u) => u.code)).toEqual([criterion.code]);
        // Worded at the API's edge from the criterion's parameters, in either language.
        expect(criterionMissing(criterion.code, unmet[0]!.params, 'zh')).toMatch(/[\u4e00-\u9fff]/);
        expect(criterionMissing(criterion.code, unmet[0]!.params, 'en')).toMatch(/^[\x20-\x7e《》、\u4e00-\u9fff]{10,}$/);
        expect(criterionRequirement(criterion.code, 'zh')).not.toBe(criterion.requirement);
      });
    }
  }

  it('lets the office close the questionnaire short of the minimum, with a reason', () => {
    const short = breakOne.questionnaire_short!(complete());
    const closed = { ...short, records: [...short.records, rec('questionnaire_closure', { reason: '被巡察单位撤并，人员已分流' })] };
    expect(unmetCriteria('post_evaluation', closed)).toEqual([]);
    expect(unmetCriteria('post_evaluation', { ...complete(), questionnaire: { answers: 7, minimumAnswers: 8 } }).map((u) => u.code)).toEqual([
      'questionnaire_short',
    ]);
  });

  it('lists every unmet criterion of a stage at once, not just the first', () => {
    const empty: CriteriaContext = { members, records: [], reportSections: {} };
    const expected: Record<StageId, string[]> = {
      preparation: ['briefings_missing', 'recusal_undeclared', 'work_plan_missing'],
      stationing: ['mobilization_missing', 'stationing_period_missing'],
      drafting: ['no_problems'],
      communication: [],
      reporting: ['report_section_missing'],
      post_evaluation: ['questionnaire_short', 'inspector_not_evaluated'],
      rectification: ['feedback_opinion_not_issued', 'feedback_meeting_missing', 'rectification_plan_not_accepted', 'rectification_report_not_accepted'],
      archiving: ['dossier_not_sealed'],
    };
    for (const stage of STAGE_IDS) expect(unmetCriteria(stage, empty).map((u) => u.code), stage).toEqual(expected[stage]);
    // And with every criterion of a stage broken at once, each is reported.
    for (const stage of STAGE_IDS) {
      const codes = EXIT_CRITERIA[stage].map((c) => c.code);
      const broken = codes.reduce((ctx, code) => breakOne[code]!(ctx), complete());
      expect(unmetCriteria(stage, broken).map((u) => u.code), stage).toEqual(
        // Withdrawing every paper (no_problems) also leaves none unconfirmed; an opinion not
        // issued feeds nothing back, so no problem lacks an item.
        stage === 'drafting'
          ? codes.filter((c) => c !== 'problem_unconfirmed')
          : stage === 'rectification'
            ? codes.filter((c) => c !== 'problem_without_item')
            : codes,
      );
    }
  });
});
