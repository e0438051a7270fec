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
  'archiving',
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
  // 立卷归档: the office builds and seals the dossier (api/dossier*.ts); nothing is
  // recorded in this stage, so the sealed dossier holds every record there will be.
  {
    id: 'archiving',
    title: { zh: '立卷归档', en: 'Archiving' },
    submittedBy: 'office',
    approvalChain: ['leading_group'],
    dueDays: 30,
  },
];

/**
 * Days the target has, counted from the feedback meeting, to hand in its rectification
 * plan (整改方案, about 30) and report (整改报告, about 60); a round may set its own.
 */
export const RECTIFICATION_DUE_DAYS = { rectification_plan: 30, rectification_report: 60 } as const;
export type RectificationDueDays = Record<keyof typeof RECTIFICATION_DUE_DAYS, number>;

/** When the plan or report is due: that many days after the start of the meeting's day in China Standard Time. */
export function rectificationDueAt(meetingHeldOn: string, days: number): string {
  return new Date(Date.parse(`${meetingHeldOn}T00:00:00+08:00`) + days * DAY_MS).toISOString();
}

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
export function chainProblems(
  chains: Partial<Record<StageId, readonly ApproverRole[]>>,
): { stage: StageId; message: string; end: readonly ApproverRole[] }[] {
  return STAGES.flatMap((s) => {
    const chain = chains[s.id];
    const end = s.mandatoryChainEnd;
    if (!chain || !end) return [];
    const tail = chain.slice(-end.length);
    if (tail.length === end.length && tail.every((role, i) => role === end[i])) return [];
    return [{ stage: s.id, message: `the ${s.id} chain must end with ${end.join(' → ')}`, end }];
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
  /** A record that needs a decision by this role before it counts. */
  decidedBy?: ApproverRole;
  /** The answers its decision takes and the status each leaves; approve/reject unless listed. */
  decisionAnswers?: Readonly<Record<string, DecidedStatus>>;
  /**
   * A record its reviewer confirms or returns with a note: the group leader a problem
   * paper ("审核把关"), the office the target's rectification plan and report (to
   * confirm is to accept them).
   */
  reviewedBy?: 'group_leader' | 'office';
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
   * The kind (a key of RECORD_KINDS) that must be in and count first (approved or
   * confirmed where it needs that): the order of the work, e.g. no plan before the
   * feedback meeting.
   */
  follows?: string;
  /** At most one record per value of this data field: the next verdict on the same thing is an edit, so a version. */
  onePer?: string;
  /**
   * One is owed for every record its `onePer` field may name (a hand-over for each
   * confirmed lead, a verification for each item): until it is written, or while it
   * says `again` and the record it names changed after it, that record waits on the
   * kind's writers in their to-do list.
   */
  owed?: { again?: { field: string; value: string } };
  /**
   * The one list field of the data the target's liaison may add entries to once the
   * record exists; every other field stays as written, so the target reports progress
   * but never changes what it must do or closes it.
   */
  liaisonAppends?: string;
  /**
   * What the target's liaison reads of a kind it does not write: `all` records,
   * those `approved` (an opinion once issued), or only those an issued feedback
   * opinion names (`fedBack`), showing only the fields listed and no review history.
   */
  liaisonReads?: 'all' | 'approved' | { fedBack: readonly string[] };
  /**
   * Stages in which the kind may be written, when not only its own: the record then
   * belongs to the stage open when it was written, and freezes with that stage.
   */
  writableIn?: readonly StageId[];
  /**
   * Confidential (问题线索): shown only to those who may read the lead it concerns,
   * the record itself (`self`) or the lead its `leadId` names.
   */
  aboutLead?: 'self' | 'leadId';
  /**
   * Only these roles read it, and never anyone named in the inspection's group,
   * whatever else their token holds: the group does not see how it is judged
   * ("谁来监督巡察组").
   */
  readers?: readonly Role[];
}

/** What a decided record says: a request approved or rejected; a member recused (需回避) or not (无需回避). */
export type DecidedStatus = 'approved' | 'rejected' | 'recused' | 'not_recused';
export const DEFAULT_DECISION_ANSWERS: Readonly<Record<string, DecidedStatus>> = { approve: 'approved', reject: 'rejected' };

/**
 * What a referenced id must name: an evidence record, a problem paper, a confirmed
 * one, a confirmed lead, a lead handed over to discipline inspection, a problem an
 * issued feedback opinion names, or a rectification item.
 */
export type RecordReference =
  | 'evidence'
  | 'problem'
  | 'confirmed_problem'
  | 'confirmed_lead'
  | 'lead_for_discipline'
  | 'fed_back_problem'
  | 'rectification_item';

/** Papers are drafted while the group still learns the facts; a returned paper often needs one more talk. */
const EVIDENCE_STAGES = ['stationing', 'drafting'] as const satisfies readonly StageId[];
/**
 * A lead is handed over as soon as it is found (即知即移): from stationing until the
 * inspection is archived; the sealed dossier must hold every lead and hand-over.
 */
const LEAD_STAGES = STAGE_IDS.slice(STAGE_IDS.indexOf('stationing'), STAGE_IDS.indexOf('archiving'));

/** Who reads how the group is judged (evaluations, questionnaire answers): never the group or the liaison. */
export const EVALUATION_READERS = ['office', 'leading_group', 'auditor'] as const satisfies readonly Role[];

export const RECORD_KINDS = {
  briefing: { stage: 'preparation', title: { zh: '情况通报', en: 'Briefing' }, writers: ['group'] },
  recusal_declaration: {
    stage: 'preparation',
    title: { zh: '回避申报', en: 'Recusal declaration' },
    writers: ['group'],
    decidedBy: 'office',
    // The answer says what it means: 需回避 keeps the member out at once, 无需回避 lets them work.
    decisionAnswers: { recused: 'recused', not_recused: 'not_recused' },
    aboutMember: { self: true },
    // Whoever joins the group later (add_member, replace_member, replace_leader) declares in the stage then open.
    writableIn: STAGE_IDS,
  },
  work_plan: { stage: 'preparation', title: { zh: '工作方案', en: 'Work plan' }, writers: ['group'] },
  contingency_plan: { stage: 'preparation', title: { zh: '防控预案', en: 'Contingency plan' }, writers: ['group'] },
  mobilization: { stage: 'stationing', title: { zh: '动员会', en: 'Mobilisation meeting' }, writers: ['group'] },
  public_notice: { stage: 'stationing', title: { zh: '巡察公告', en: 'Public notice' }, writers: ['group'] },
  talk: { stage: 'stationing', title: { zh: '个别谈话', en: 'Talk' }, writers: ['group'], evidence: true, writableIn: EVIDENCE_STAGES },
  document_review: { stage: 'stationing', title: { zh: '调阅资料', en: 'Document review' }, writers: ['group'], evidence: true, writableIn: EVIDENCE_STAGES },
  petition: { stage: 'stationing', title: { zh: '信访举报', en: 'Petition' }, writers: ['group'], evidence: true, writableIn: EVIDENCE_STAGES },
  field_visit: { stage: 'stationing', title: { zh: '下沉调研', en: 'Field visit' }, writers: ['group'], evidence: true, writableIn: EVIDENCE_STAGES },
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
    // The target learns the finding, not how it was found or who said what.
    liaisonReads: { fedBack: ['category', 'title', 'facts', 'characterization', 'basis'] },
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
  // Feedback and rectification belong to the office and the target: the group has
  // usually been disbanded by now, and it must not judge the rectification of its own findings.
  feedback_opinion: {
    stage: 'rectification',
    title: { zh: '反馈意见', en: 'Feedback opinion' },
    writers: ['office'],
    decidedBy: 'leading_group',
    references: [{ path: 'problemIds.*', to: 'confirmed_problem' }],
    liaisonReads: 'approved',
  },
  feedback_meeting: {
    stage: 'rectification',
    title: { zh: '反馈会', en: 'Feedback meeting' },
    writers: ['office'],
    follows: 'feedback_opinion',
    liaisonReads: 'all',
  },
  rectification_plan: {
    stage: 'rectification',
    title: { zh: '整改方案', en: 'Rectification plan' },
    writers: ['liaison'],
    reviewedBy: 'office',
    follows: 'feedback_meeting',
  },
  rectification_item: {
    stage: 'rectification',
    title: { zh: '整改事项', en: 'Rectification item' },
    writers: ['office', 'liaison'],
    references: [{ path: 'problemId', to: 'fed_back_problem' }],
    follows: 'feedback_meeting',
    onePer: 'problemId',
    liaisonAppends: 'progress',
  },
  rectification_verification: {
    stage: 'rectification',
    title: { zh: '整改验收', en: 'Rectification verification' },
    writers: ['office'],
    references: [{ path: 'itemId', to: 'rectification_item' }],
    onePer: 'itemId',
    // A returned item comes back to the office once the target reports progress on it.
    owed: { again: { field: 'outcome', value: 'returned' } },
    liaisonReads: 'all',
  },
  rectification_report: {
    stage: 'rectification',
    title: { zh: '整改报告', en: 'Rectification report' },
    writers: ['liaison'],
    reviewedBy: 'office',
    follows: 'rectification_plan',
  },
  lead: {
    stage: 'stationing',
    title: { zh: '问题线索', en: 'Lead' },
    writers: ['group'],
    reviewedBy: 'group_leader',
    leaderFlags: { withdrawn: 'withdraw a lead or restore it' },
    references: [{ path: 'sources.*', to: 'evidence' }],
    writableIn: LEAD_STAGES,
    aboutLead: 'self',
  },
  lead_handover: {
    stage: 'stationing',
    title: { zh: '线索移交', en: 'Lead hand-over' },
    writers: ['office'],
    references: [{ path: 'leadId', to: 'confirmed_lead' }],
    writableIn: LEAD_STAGES,
    aboutLead: 'leadId',
    onePer: 'leadId',
    owed: {},
  },
  lead_disposal: {
    stage: 'stationing',
    title: { zh: '线索处置', en: 'Lead disposal' },
    writers: ['discipline'],
    references: [{ path: 'leadId', to: 'lead_for_discipline' }],
    writableIn: LEAD_STAGES,
    aboutLead: 'leadId',
    onePer: 'leadId',
    owed: {},
  },
} as const satisfies Record<string, RecordKindDefinition>;

export type RecordKind = keyof typeof RECORD_KINDS;
export const RECORD_KIND_IDS = Object.keys(RECORD_KINDS) as RecordKind[];

/** The confidential kinds (问题线索): a lead and what is recorded about it (hand-over, disposal). */
export const LEAD_KIND_IDS = RECORD_KIND_IDS.filter((kind) => (RECORD_KINDS[kind] as RecordKindDefinition).aboutLead);

/** The stages a kind may be written in: its own, unless it declares more. */
export function writableStages(kind: RecordKind): readonly StageId[] {
  const definition: RecordKindDefinition = RECORD_KINDS[kind];
  return definition.writableIn ?? [definition.stage];
}

/** Where a lead may be handed over to (移交): discipline inspection, the organisation department, or another body. */
export const LEAD_RECIPIENTS = ['discipline', 'organization', 'other'] as const;
export type LeadRecipient = (typeof LEAD_RECIPIENTS)[number];

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
  { id: 'recommendations', title: '意见建议', written: true },
] as const;
type ReportSection = (typeof REPORT_SECTIONS)[number];
/** The narrative sections a person writes; the others are built from the problem papers. */
export type WrittenReportSection = Extract<ReportSection, { written: true }>['id'];
export const WRITTEN_REPORT_SECTIONS = REPORT_SECTIONS.filter((s): s is Extract<ReportSection, { written: true }> => s.written).map(
  (s) => s.id,
) as [WrittenReportSection, ...WrittenReportSection[]];
