/**
 * What each stage must contain before it can be submitted ("to leave it" in
 * DOMAIN.md), as data beside the stage model: each criterion has a code, what it
 * asks, and a pure check over the inspection's current records. The submission
 * activity evaluates them inside the same transaction that freezes the stage.
 */
import {
  BRIEFING_SOURCES,
  QUESTIONNAIRE_MIN_ANSWERS,
  WRITTEN_REPORT_SECTIONS,
  type DecidedStatus,
  type RecordKind,
  type StageId,
  type WrittenReportSection,
} from './stages.js';

export interface RecordSnapshot {
  id: string;
  kind: RecordKind;
  // Record data is validated at the API's edge; here it is read by field name.
  data: Record<string, unknown>;
  reviewStatus: 'pending' | 'confirmed' | 'returned' | null;
  decisionStatus: 'pending' | DecidedStatus | null;
}

export interface CriteriaContext {
  records: RecordSnapshot[];
  /** Everyone in the group, the leader included. */
  members: { sub: string; name: string }[];
  reportSections: Partial<Record<WrittenReportSection, string>>;
  /** The anonymous conduct questionnaire: answers in, and the round's minimum (absent: none in, the default minimum). */
  questionnaire?: { answers: number; minimumAnswers: number };
  /** The sealed dossier (立卷归档), once built: the SHA-256 of its manifest. */
  dossier?: { manifestSha256: string } | null;
}

/**
 * What is missing, as data: counts, names, titles, source and section ids. The API
 * words it in the caller's language (`api/criteria-messages.ts`), so nothing the
 * workflow or its history carries is a sentence in one language.
 */
export type CriterionParams = Record<string, string | number | string[]>;

export interface Unmet {
  code: string;
  params: CriterionParams;
}

export interface ExitCriterion {
  code: string;
  /** What the criterion asks, in English; `api/criteria-messages.ts` words it for people. */
  requirement: string;
  /** What is missing; undefined when the criterion holds. */
  check(ctx: CriteriaContext): CriterionParams | undefined;
}

const of = (ctx: Pick<CriteriaContext, 'records'>, kind: RecordKind) => ctx.records.filter((r) => r.kind === kind);
const names = (list: { name: string }[]) => list.map((m) => m.name);
const titles = (list: RecordSnapshot[]) => list.map((p) => String(p.data.title));

/** Problem papers that stand: not withdrawn by the group. */
export function livePapers(ctx: CriteriaContext): RecordSnapshot[] {
  return of(ctx, 'problem').filter((p) => p.data.withdrawn !== true);
}
export function confirmedPapers(ctx: CriteriaContext): RecordSnapshot[] {
  return livePapers(ctx).filter((p) => p.reviewStatus === 'confirmed');
}

/** The problem papers an issued (approved) feedback opinion names. */
export function fedBackProblemIds(ctx: Pick<CriteriaContext, 'records'>): Set<string> {
  const issued = of(ctx, 'feedback_opinion').filter((o) => o.decisionStatus === 'approved');
  return new Set(issued.flatMap((o) => (o.data.problemIds as string[] | undefined) ?? []));
}

/** Where an item stands: the office's verification (验收) is the only thing that moves it from `open`. */
export function itemStatus(ctx: Pick<CriteriaContext, 'records'>, itemId: string): 'open' | 'accepted' | 'returned' | 'long_term' {
  const verification = of(ctx, 'rectification_verification').find((v) => v.data.itemId === itemId);
  return (verification?.data.outcome as 'accepted' | 'returned' | 'long_term' | undefined) ?? 'open';
}

const reviewed = (ctx: CriteriaContext, kind: RecordKind) => of(ctx, kind).some((r) => r.reviewStatus === 'confirmed');

/** Leads that stand: not withdrawn by the group leader. */
export function liveLeads(ctx: CriteriaContext): RecordSnapshot[] {
  return of(ctx, 'lead').filter((l) => l.data.withdrawn !== true);
}
export function confirmedLeads(ctx: CriteriaContext): RecordSnapshot[] {
  return liveLeads(ctx).filter((l) => l.reviewStatus === 'confirmed');
}

/**
 * A lead freezes with the stage it was written in, so it must be confirmed (or
 * withdrawn) before that stage is submitted, or it could never be handed over. Earlier
 * stages' leads were settled when those were submitted, so every lead is checked.
 * Parameters give counts, never names: leads are confidential.
 */
const leadUnconfirmed: ExitCriterion = {
  code: 'lead_unconfirmed',
  requirement: 'the group leader has confirmed or withdrawn every lead (问题线索)',
  check: (ctx) => {
    const waiting = liveLeads(ctx).filter((l) => l.reviewStatus !== 'confirmed');
    return waiting.length ? { count: waiting.length } : undefined;
  },
};

export const EXIT_CRITERIA: Record<StageId, ExitCriterion[]> = {
  preparation: [
    {
      code: 'briefings_missing',
      requirement: 'briefings in from all five sources: discipline, organization, finance, audit, petition',
      check: (ctx) => {
        const have = new Set(of(ctx, 'briefing').map((b) => b.data.source));
        const missing = BRIEFING_SOURCES.filter((s) => !have.has(s));
        return missing.length ? { sources: [...missing] } : undefined;
      },
    },
    {
      code: 'recusal_undeclared',
      requirement: 'every member of the group has declared (回避申报)',
      check: (ctx) => {
        const declared = new Set(of(ctx, 'recusal_declaration').map((d) => d.data.memberSub));
        const missing = ctx.members.filter((m) => !declared.has(m.sub));
        return missing.length ? { names: names(missing) } : undefined;
      },
    },
    {
      code: 'recusal_undecided',
      requirement: 'the office has decided every recusal declaration',
      check: (ctx) => {
        const pending = of(ctx, 'recusal_declaration').filter((d) => d.decisionStatus === 'pending');
        return pending.length ? { count: pending.length } : undefined;
      },
    },
    {
      code: 'work_plan_missing',
      requirement: 'the work plan (工作方案) is recorded',
      check: (ctx) => (of(ctx, 'work_plan').length ? undefined : {}),
    },
  ],
  stationing: [
    {
      code: 'mobilization_missing',
      requirement: 'the mobilisation meeting (动员会) is recorded',
      check: (ctx) => (of(ctx, 'mobilization').length ? undefined : {}),
    },
    {
      code: 'stationing_period_missing',
      requirement: 'the public notice with the stationing period (巡察公告) is recorded',
      check: (ctx) => (of(ctx, 'public_notice').length ? undefined : {}),
    },
    {
      code: 'major_matter_undecided',
      requirement: 'no major-matter request (重大事项请示) is left undecided',
      check: (ctx) => {
        const open = of(ctx, 'major_matter').filter((m) => m.decisionStatus === 'pending');
        return open.length ? { count: open.length } : undefined;
      },
    },
    leadUnconfirmed,
  ],
  drafting: [
    {
      code: 'no_problems',
      requirement: 'at least one problem paper: finding problems is the lifeline (发现问题是生命线)',
      check: (ctx) => (livePapers(ctx).length ? undefined : {}),
    },
    {
      code: 'problem_unconfirmed',
      requirement: 'the group leader has confirmed every problem paper (审核把关)',
      check: (ctx) => {
        const waiting = livePapers(ctx).filter((p) => p.reviewStatus !== 'confirmed');
        return waiting.length ? { titles: titles(waiting) } : undefined;
      },
    },
    leadUnconfirmed,
  ],
  communication: [
    {
      code: 'problem_not_communicated',
      requirement: "every confirmed problem is communicated to the principal leader and the answer recorded (同题共答)",
      check: (ctx) => {
        const answered = new Set(
          of(ctx, 'communication').flatMap((c) => (c.data.answers as { problemId: string }[] | undefined)?.map((a) => a.problemId) ?? []),
        );
        const missing = confirmedPapers(ctx).filter((p) => !answered.has(p.id));
        return missing.length ? { titles: titles(missing) } : undefined;
      },
    },
    leadUnconfirmed,
  ],
  reporting: [
    {
      code: 'report_section_missing',
      requirement: 'the report\'s narrative sections (基本情况, 意见建议) are written',
      check: (ctx) => {
        const missing = WRITTEN_REPORT_SECTIONS.filter((s) => !ctx.reportSections[s]?.trim());
        return missing.length ? { sections: [...missing] } : undefined;
      },
    },
    leadUnconfirmed,
  ],
  post_evaluation: [
    {
      code: 'questionnaire_short',
      requirement:
        "the round's minimum of anonymous conduct questionnaires (作风纪律评价) is answered, or the office closed the questionnaire with a reason",
      check: (ctx) => {
        const { answers, minimumAnswers } = ctx.questionnaire ?? { answers: 0, minimumAnswers: QUESTIONNAIRE_MIN_ANSWERS };
        if (answers >= minimumAnswers || of(ctx, 'questionnaire_closure').length) return undefined;
        return { answers, minimum: minimumAnswers };
      },
    },
    {
      code: 'inspector_not_evaluated',
      requirement: 'the office has evaluated every inspector (巡察干部现实表现)',
      check: (ctx) => {
        const evaluated = new Set(of(ctx, 'inspector_evaluation').map((e) => e.data.memberSub));
        const missing = ctx.members.filter((m) => !evaluated.has(m.sub));
        return missing.length ? { names: names(missing) } : undefined;
      },
    },
    leadUnconfirmed,
  ],
  rectification: [
    {
      code: 'feedback_opinion_not_issued',
      requirement: "the office's feedback opinion (反馈意见) is approved by the leading group",
      check: (ctx) =>
        of(ctx, 'feedback_opinion').some((o) => o.decisionStatus === 'approved') ? undefined : {},
    },
    {
      code: 'feedback_meeting_missing',
      requirement: 'the feedback meeting (反馈会) is recorded',
      check: (ctx) => (of(ctx, 'feedback_meeting').length ? undefined : {}),
    },
    {
      code: 'rectification_plan_not_accepted',
      requirement: "the target's rectification plan (整改方案) is accepted by the office",
      check: (ctx) => (reviewed(ctx, 'rectification_plan') ? undefined : {}),
    },
    {
      code: 'problem_without_item',
      requirement: 'every problem fed back has a rectification item with a measure, an owner and a deadline',
      check: (ctx) => {
        const covered = new Set(of(ctx, 'rectification_item').map((i) => i.data.problemId));
        const fedBack = fedBackProblemIds(ctx);
        const missing = of(ctx, 'problem').filter((p) => fedBack.has(p.id) && !covered.has(p.id));
        return missing.length ? { titles: titles(missing) } : undefined;
      },
    },
    {
      code: 'item_open',
      requirement: 'the office has verified every rectification item (验收) as accepted or long-term (长期整改)',
      check: (ctx) => {
        const open = of(ctx, 'rectification_item').filter((i) => !['accepted', 'long_term'].includes(itemStatus(ctx, i.id)));
        return open.length ? { count: open.length } : undefined;
      },
    },
    leadUnconfirmed,
    {
      code: 'rectification_report_not_accepted',
      requirement: "the target's rectification report (整改报告) is accepted by the office",
      check: (ctx) => (reviewed(ctx, 'rectification_report') ? undefined : {}),
    },
    {
      code: 'lead_not_handed_over',
      requirement: 'every confirmed lead is handed over (移交), never investigated by the group',
      check: (ctx) => {
        const handed = new Set(of(ctx, 'lead_handover').map((h) => h.data.leadId));
        const missing = confirmedLeads(ctx).filter((l) => !handed.has(l.id));
        return missing.length ? { count: missing.length } : undefined;
      },
    },
  ],
  archiving: [
    {
      code: 'dossier_not_sealed',
      requirement: 'the dossier (案卷) is built and sealed: its manifest digest recorded',
      check: (ctx) => (ctx.dossier ? undefined : {}),
    },
  ],
};

/** Every unmet criterion of the stage, not just the first. */
export function unmetCriteria(stage: StageId, ctx: CriteriaContext): Unmet[] {
  return EXIT_CRITERIA[stage].flatMap((criterion) => {
    const params = criterion.check(ctx);
    return params === undefined ? [] : [{ code: criterion.code, params }];
  });
}
