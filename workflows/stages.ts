/**
 * The stage model: the one place that lists the stages of an inspection, their
 * order, who approves them by default, how long each may take and which records
 * each holds (exit criteria sit beside it in exit-criteria.ts). Workflows, API
 * schemas, the database and the docs all read it from here, so it must stay
 * sandbox-safe (no imports beyond sibling workflow modules).
 */
import type { InspectionState } from './messages.js';
import type { ApproverRole, Role } from './roles.js';

export const STAGE_IDS = [
  'preparation',
  'stationing',
  'drafting',
  'communication',
  'reporting',
  'post_evaluation',
  'rectification',
] as const;
export type StageId = (typeof STAGE_IDS)[number];

/** Who submits a stage: the group runs the inspection itself, the office what follows it. */
export type StageOwner = 'group_leader' | 'office';

export interface StageDefinition {
  id: StageId;
  title: { zh: string; en: string };
  submittedBy: StageOwner;
  /** Roles that decide a submission, in order, after it is submitted. */
  approvalChain: readonly ApproverRole[];
  /** Approvers a round may not remove: its chain for the stage must end with these, in order. */
  mandatoryChainEnd?: readonly ApproverRole[];
  /** Days the stage may stay open before it is overdue, unless the round plan says otherwise. */
  dueDays: number;
}

export const STAGES: readonly StageDefinition[] = [
  { id: 'preparation', title: { zh: '巡前准备', en: 'Preparation' }, submittedBy: 'group_leader', approvalChain: ['leading_group'], dueDays: 10 },
  { id: 'stationing', title: { zh: '进驻了解', en: 'Stationing' }, submittedBy: 'group_leader', approvalChain: ['office'], dueDays: 30 },
  { id: 'drafting', title: { zh: '问题底稿', en: 'Problem drafting' }, submittedBy: 'group_leader', approvalChain: ['office'], dueDays: 10 },
  {
    id: 'communication',
    title: { zh: '与主要负责人沟通', en: 'Communication with the principal leader' },
    submittedBy: 'group_leader',
    approvalChain: ['office'],
    dueDays: 5,
  },
  // The group leader's review ("审核把关") is the submission itself; the office reviews,
  // then the report is heard by the leading group and last by the party committee
  // ("专题向党委和领导小组汇报"), which no round may leave out.
  {
    id: 'reporting',
    title: { zh: '巡察报告', en: 'Reporting' },
    submittedBy: 'group_leader',
    approvalChain: ['office', 'leading_group', 'party_committee'],
    mandatoryChainEnd: ['leading_group', 'party_committee'],
    dueDays: 15,
  },
  // After the report the group's work is done; the office owns what follows: the
  // evaluation of the group's own conduct ("谁来监督巡察组") and the feedback.
  {
    id: 'post_evaluation',
    title: { zh: '作风纪律后评估', en: 'Conduct post-evaluation' },
    submittedBy: 'office',
    approvalChain: ['office'],
    dueDays: 15,
  },
  {
    id: 'rectification',
    title: { zh: '反馈与整改', en: 'Feedback and rectification' },
    submittedBy: 'office',
    approvalChain: ['leading_group'],
    dueDays: 60,
  },
];

export type ApprovalChains = Record<StageId, ApproverRole[]>;
export type StageDueDays = Record<StageId, number>;

const DAY_MS = 24 * 60 * 60 * 1000;

/** When a stage opened at `openedAt` (ISO) becomes overdue, for a plan's due days. */
export function stageDueAt(stage: StageId, openedAt: string, dueDays: StageDueDays): string {
  return new Date(Date.parse(openedAt) + dueDays[stage] * DAY_MS).toISOString();
}

/** A finished inspection takes no more requests: it completed its last stage or was cancelled. */
export function isFinished(state: InspectionState): boolean {
  return state === 'completed' || state === 'cancelled';
}

/**
 * Preparation's due date counts from the later of the launch and the round's planned
 * start (a date, taken as the start of that day in China Standard Time, UTC+8, where
 * rounds run); each later stage's from when it opened.
 */
export function preparationDueAt(launchedAt: string, plannedStart: string | undefined, dueDays: StageDueDays): string {
  const planned = plannedStart ? new Date(`${plannedStart}T00:00:00+08:00`).toISOString() : launchedAt;
  return stageDueAt('preparation', planned > launchedAt ? planned : launchedAt, dueDays);
}

/** The stage after `stage`, or undefined after the last one. */
export function nextStage(stage: StageId): StageId | undefined {
  return STAGE_IDS[STAGE_IDS.indexOf(stage) + 1];
}

/** A round's chains: the defaults, with the stages the round overrides replaced. */
export function resolveApprovalChains(overrides: Partial<Record<StageId, ApproverRole[]>> = {}): ApprovalChains {
  return Object.fromEntries(
    STAGES.map((s) => [s.id, [...(overrides[s.id] ?? s.approvalChain)]]),
  ) as ApprovalChains;
}

/** Each stage whose chain leaves out an approver it must end with, and what it must end with. */
export function chainProblems(chains: Partial<Record<StageId, readonly ApproverRole[]>>): { stage: StageId; message: string }[] {
  return STAGES.flatMap((s) => {
    const chain = chains[s.id];
    const end = s.mandatoryChainEnd;
    if (!chain || !end) return [];
    const tail = chain.slice(-end.length);
    if (tail.length === end.length && tail.every((role, i) => role === end[i])) return [];
    return [{ stage: s.id, message: `the ${s.id} chain must end with ${end.join(' → ')}` }];
  });
}

export function stageOwner(stage: StageId): StageOwner {
  return STAGES.find((s) => s.id === stage)!.submittedBy;
}

export function resolveDueDays(overrides: Partial<Record<StageId, number>> = {}): StageDueDays {
  return Object.fromEntries(STAGES.map((s) => [s.id, overrides[s.id] ?? s.dueDays])) as StageDueDays;
}

/**
 * What can be recorded in each stage, who writes it, who must review or decide it
 * before it counts, and what its data may point at. `group` means the inspection's
 * own leader and members.
 */
export interface RecordKindDefinition {
  stage: StageId;
  title: { zh: string; en: string };
  writers: readonly (Role | 'group')[];
  /** A record that needs a decision (approve/deny) by this role before it counts. */
  decidedBy?: ApproverRole;
  /** A record the group leader confirms or returns ("审核把关"). */
  reviewedBy?: 'group_leader';
  /** How the group learns the facts while stationed: what a problem paper cites as evidence. */
  evidence?: true;
  /**
   * The data names one group member (`memberSub`), and there is one such record per
   * member. `self`: each member writes their own, and may do so even while it keeps
   * them out of the inspection (回避), since correcting it is how they get back in.
   */
  aboutMember?: { self: boolean };
  /** Data flags only the group leader may set or clear, each with what doing so means. */
  leaderFlags?: Readonly<Record<string, string>>;
  /** Record ids the data holds (`*` for each element of a list), and what each must name in the same inspection. */
  references?: readonly { path: string; to: RecordReference }[];
  /**
   * Only these roles read it, and never anyone named in the inspection's group,
   * whatever else their token holds: the group does not see how it is judged
   * ("谁来监督巡察组").
   */
  readers?: readonly Role[];
}

/** What a referenced id must name: an evidence record, a problem paper, a confirmed one, or one flagged as a lead. */
export type RecordReference = 'evidence' | 'problem' | 'confirmed_problem' | 'lead';

/** Who reads how the group is judged (evaluations, questionnaire answers): never the group or the liaison. */
export const EVALUATION_READERS = ['office', 'leading_group', 'auditor'] as const satisfies readonly Role[];

export const RECORD_KINDS = {
  briefing: { stage: 'preparation', title: { zh: '情况通报', en: 'Briefing' }, writers: ['group'] },
  recusal_declaration: {
    stage: 'preparation',
    title: { zh: '回避申报', en: 'Recusal declaration' },
    writers: ['group'],
    decidedBy: 'office',
    aboutMember: { self: true },
  },
  work_plan: { stage: 'preparation', title: { zh: '工作方案', en: 'Work plan' }, writers: ['group'] },
  contingency_plan: { stage: 'preparation', title: { zh: '防控预案', en: 'Contingency plan' }, writers: ['group'] },
  mobilization: { stage: 'stationing', title: { zh: '动员会', en: 'Mobilisation meeting' }, writers: ['group'] },
  public_notice: { stage: 'stationing', title: { zh: '巡察公告', en: 'Public notice' }, writers: ['group'] },
  talk: { stage: 'stationing', title: { zh: '个别谈话', en: 'Talk' }, writers: ['group'], evidence: true },
  document_review: { stage: 'stationing', title: { zh: '调阅资料', en: 'Document review' }, writers: ['group'], evidence: true },
  petition: { stage: 'stationing', title: { zh: '信访举报', en: 'Petition' }, writers: ['group'], evidence: true },
  field_visit: { stage: 'stationing', title: { zh: '下沉调研', en: 'Field visit' }, writers: ['group'], evidence: true },
  major_matter: {
    stage: 'stationing',
    title: { zh: '重大事项请示', en: 'Major-matter request' },
    writers: ['group'],
    decidedBy: 'leading_group',
  },
  problem: {
    stage: 'drafting',
    title: { zh: '问题底稿', en: 'Problem paper' },
    writers: ['group'],
    reviewedBy: 'group_leader',
    // Withdrawing a finding drops it from the report: the group leader's call, not a member's.
    leaderFlags: { withdrawn: 'withdraw a problem paper or restore it' },
    references: [{ path: 'evidence.*', to: 'evidence' }],
  },
  communication: {
    stage: 'communication',
    title: { zh: '沟通记录', en: 'Communication' },
    writers: ['group'],
    references: [{ path: 'answers.*.problemId', to: 'confirmed_problem' }],
  },
  // The target's staff answer anonymously through one-time codes (api/questionnaire*);
  // the office may close the questionnaire short of the round's minimum, saying why.
  questionnaire_closure: {
    stage: 'post_evaluation',
    title: { zh: '作风纪律评价问卷关闭说明', en: 'Conduct questionnaire closure' },
    writers: ['office'],
    readers: EVALUATION_READERS,
  },
  inspector_evaluation: {
    stage: 'post_evaluation',
    title: { zh: '巡察干部现实表现评价', en: 'Inspector evaluation' },
    writers: ['office'],
    aboutMember: { self: false },
    readers: EVALUATION_READERS,
  },
  feedback_meeting: { stage: 'rectification', title: { zh: '反馈会', en: 'Feedback meeting' }, writers: ['group'] },
  rectification_item: {
    stage: 'rectification',
    title: { zh: '整改事项', en: 'Rectification item' },
    writers: ['group', 'liaison'],
    references: [{ path: 'problemId', to: 'problem' }],
  },
  lead_handover: {
    stage: 'rectification',
    title: { zh: '线索移交', en: 'Lead hand-over' },
    writers: ['group'],
    references: [{ path: 'problemId', to: 'lead' }],
  },
} as const satisfies Record<string, RecordKindDefinition>;

export type RecordKind = keyof typeof RECORD_KINDS;
export const RECORD_KIND_IDS = Object.keys(RECORD_KINDS) as RecordKind[];

/** The five sources a group must hear from before stationing (情况通报). */
export const BRIEFING_SOURCES = ['discipline', 'organization', 'finance', 'audit', 'petition'] as const;
export type BriefingSource = (typeof BRIEFING_SOURCES)[number];

/** Answers a round asks for before post-evaluation can be submitted, unless the office closes it early. */
export const QUESTIONNAIRE_MIN_ANSWERS = 5;

/** How each questionnaire item is scored: 1 (seriously breached) to 5 (fully kept). */
export const QUESTIONNAIRE_SCORE = { min: 1, max: 5 } as const;

/**
 * The conduct questionnaire's preset items (作风纪律评价): the inspectors' code of
 * conduct (巡察工作守则) and the eight-point rules (中央八项规定), each scored by the
 * target's staff; free text follows them.
 */
export const QUESTIONNAIRE_ITEMS = [
  { id: 'no_meals_or_gifts', basis: '八项规定', title: { zh: '未接受宴请、礼品礼金和土特产', en: 'Accepted no meals, gifts or money' } },
  { id: 'frugal_stay', basis: '八项规定', title: { zh: '轻车简从，食宿交通不超标准、不搞特殊化', en: 'Kept to the allowed standards of board, lodging and transport' } },
  { id: 'no_interference', basis: '巡察工作守则', title: { zh: '不干预被巡察单位正常工作，不处理具体问题', en: "Did not interfere in the unit's work or settle its cases" } },
  { id: 'discretion', basis: '巡察工作守则', title: { zh: '保守秘密，不泄露巡察工作情况，不随意表态', en: 'Kept the work confidential and made no offhand pronouncements' } },
  { id: 'attitude', basis: '巡察工作守则', title: { zh: '工作态度端正，作风严谨，平等待人', en: 'Worked with a proper attitude, rigour and respect' } },
  { id: 'no_private_gain', basis: '巡察工作守则', title: { zh: '未借巡察之机谋取私利、打招呼办私事', en: 'Sought no private gain or favours through the inspection' } },
] as const;
export type QuestionnaireItemId = (typeof QUESTIONNAIRE_ITEMS)[number]['id'];

/** The office's report template (巡察报告模板): its sections, in order. */
export const REPORT_SECTIONS = [
  { id: 'basic_situation', title: '基本情况', written: true },
  { id: 'main_problems', title: '主要问题', written: false },
  { id: 'leads', title: '问题线索', written: false },
  { id: 'recommendations', title: '意见建议', written: true },
] as const;
type ReportSection = (typeof REPORT_SECTIONS)[number];
/** The narrative sections a person writes; the others are built from the problem papers. */
export type WrittenReportSection = Extract<ReportSection, { written: true }>['id'];
export const WRITTEN_REPORT_SECTIONS = REPORT_SECTIONS.filter((s): s is Extract<ReportSection, { written: true }> => s.written).map(
  (s) => s.id,
) as [WrittenReportSection, ...WrittenReportSection[]];
