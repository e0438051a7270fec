/**
 * The stage model: the one place that lists the stages of an inspection, their
 * order, who approves them by default and how long each may take. Workflows, API
 * schemas, the database and the docs all read it from here, so it must stay
 * sandbox-safe (no imports beyond sibling workflow modules).
 */
import type { ApproverRole } from './roles.js';

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

export interface StageDefinition {
  id: StageId;
  title: { zh: string; en: string };
  /** Roles that decide a submission, in order, after the group leader submits it. */
  approvalChain: readonly ApproverRole[];
  /** Days the stage may stay open before it is overdue, unless the round plan says otherwise. */
  dueDays: number;
}

export const STAGES: readonly StageDefinition[] = [
  { id: 'preparation', title: { zh: '巡前准备', en: 'Preparation' }, approvalChain: ['leading_group'], dueDays: 10 },
  { id: 'stationing', title: { zh: '进驻了解', en: 'Stationing' }, approvalChain: ['office'], dueDays: 30 },
  { id: 'drafting', title: { zh: '问题底稿', en: 'Problem drafting' }, approvalChain: ['office'], dueDays: 10 },
  {
    id: 'communication',
    title: { zh: '与主要负责人沟通', en: 'Communication with the principal leader' },
    approvalChain: ['office'],
    dueDays: 5,
  },
  // The group leader's review ("审核把关") is the submission itself; the office and
  // then the leading group approve after it.
  { id: 'reporting', title: { zh: '巡察报告', en: 'Reporting' }, approvalChain: ['office', 'leading_group'], dueDays: 15 },
  {
    id: 'post_evaluation',
    title: { zh: '作风纪律后评估', en: 'Conduct post-evaluation' },
    approvalChain: ['office'],
    dueDays: 15,
  },
  {
    id: 'rectification',
    title: { zh: '反馈与整改', en: 'Feedback and rectification' },
    approvalChain: ['leading_group'],
    dueDays: 60,
  },
];

export type ApprovalChains = Record<StageId, ApproverRole[]>;
export type StageDueDays = Record<StageId, number>;

export function stageDefinition(stage: StageId): StageDefinition {
  const found = STAGES.find((s) => s.id === stage);
  if (!found) throw new Error(`unknown stage ${stage}`);
  return found;
}

/** The stage after `stage`, or undefined after the last one. */
export function nextStage(stage: StageId): StageId | undefined {
  return STAGE_IDS[STAGE_IDS.indexOf(stage) + 1];
}

export function stageNumber(stage: StageId): number {
  return STAGE_IDS.indexOf(stage) + 1;
}

/** A round's chains: the defaults, with the stages the round overrides replaced. */
export function resolveApprovalChains(overrides: Partial<Record<StageId, ApproverRole[]>> = {}): ApprovalChains {
  return Object.fromEntries(
    STAGES.map((s) => [s.id, [...(overrides[s.id] ?? s.approvalChain)]]),
  ) as ApprovalChains;
}

export function resolveDueDays(overrides: Partial<Record<StageId, number>> = {}): StageDueDays {
  return Object.fromEntries(STAGES.map((s) => [s.id, overrides[s.id] ?? s.dueDays])) as StageDueDays;
}
