/**
 * What the API, the worker, the workflows and the tests say to each other: workflow
 * ids, message definitions and the shapes they carry. Sandbox-safe.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { IssuedByApi } from './api-assertion.js';
import type { Actor, ApproverRole } from './roles.js';
import type { ApprovalChains, RectificationDueDays, StageDueDays, StageId } from './stages.js';

export const DEFAULT_TASK_QUEUE = 'xuncha';

export const roundWorkflowId = (roundId: string): string => `round-${roundId}`;
export const inspectionWorkflowId = (inspectionId: string): string => `inspection-${inspectionId}`;

export interface Person {
  sub: string;
  name: string;
}
export interface GroupMember extends Person {
  homeUnit: string | null;
}
export interface Target {
  name: string;
  principalLeader: string;
  /** The organisation in the register, when the round picked it from there. */
  organizationId?: string;
  extensions: { name: string; principalLeader: string; organizationId?: string }[];
  /** The inspected organisation's liaison (联络人), who returns the questionnaire and reports rectification. */
  liaison: Person | null;
}

export interface InspectionPlan {
  inspectionId: string;
  roundId: string;
  position: number;
  target: Target;
  /** The leader's home unit is absent in plans launched before it existed. */
  group: { name: string; leader: Person & { homeUnit?: string | null }; members: GroupMember[] };
  approvalChains: ApprovalChains;
  stageDueDays: StageDueDays;
  escalateAfterHours: number;
  launchedBy: Actor;
  /** ISO time the round was launched: the preparation stage opens then. */
  launchedAt: string;
  /** The round's planned start date: preparation's due date counts from it when it is later than the launch. */
  plannedStart: string;
  /** Events after which a run continues as new; absent in plans launched before it existed. */
  historyLimit?: number;
  /** Days from the feedback meeting to the target's plan and report; the stage model's defaults when absent. */
  rectificationDueDays?: RectificationDueDays;
}

export interface RoundPlan {
  roundId: string;
  name: string;
  year: number;
  plannedStart: string;
  plannedEnd: string;
  focus: string[];
  approvalChains: ApprovalChains;
  stageDueDays: StageDueDays;
  escalateAfterHours: number;
  launchedBy: Actor;
  historyLimit?: number;
  rectificationDueDays?: RectificationDueDays;
  /** Anonymous questionnaire answers post-evaluation needs; absent in plans launched before it existed. */
  questionnaireMinAnswers?: number;
  inspections: Omit<
    InspectionPlan,
    | 'roundId'
    | 'approvalChains'
    | 'stageDueDays'
    | 'escalateAfterHours'
    | 'launchedBy'
    | 'launchedAt'
    | 'plannedStart'
    | 'historyLimit'
    | 'rectificationDueDays'
  >[];
}

export type InspectionState = 'open' | 'submitted' | 'completed' | 'cancelled';
/**
 * A round is `proposed` by the office, `returned` to it by the leading group with a
 * comment (an edit proposes it again), `active` once the leading group approved it.
 */
export type RoundStatus = 'proposed' | 'returned' | 'active' | 'completed' | 'cancelled';

export const INSPECTION_EVENT_KINDS = [
  'stage_opened',
  'submitted',
  'approved',
  'rejected',
  'completed',
  'overdue',
  'escalated',
  'cancelled',
  'group_changed',
] as const;
export type InspectionEventKind = (typeof INSPECTION_EVENT_KINDS)[number];

/** One step of an inspection's history, as the workflow decides it. */
export interface InspectionEvent {
  seq: number;
  kind: InspectionEventKind;
  stage: StageId;
  actor: Actor;
  at: string;
  comment: string | null;
  requestId: string | null;
  data: Record<string, unknown>;
}

export interface StageStatus {
  stage: StageId;
  state: InspectionState;
  /** The approver role the open submission waits on, if any. */
  awaitingRole: ApproverRole | null;
  submittedBy: Person | null;
  stageOpenedAt: string;
  stageDueAt: string;
  overdue: boolean;
  seq: number;
}

export interface TransitionResult {
  requestId: string;
  inspectionId: string;
  action: 'submission' | 'decision';
  stage: StageId;
  /** What the request did: the kinds of the steps it recorded, in order. */
  recorded: InspectionEventKind[];
  status: StageStatus;
  /** The request's fingerprint (who, what, on what, with which body): a repeat must match it. */
  fingerprint?: string;
}

export interface SubmitStageInput extends IssuedByApi {
  stage: StageId;
  requestId: string;
  /** Absent only where no API sent it (the process classes' tests). */
  fingerprint?: string;
  actor: Actor;
  comment: string | null;
}

/** The meeting at which a collective body took a decision: 领导小组会议, 书记专题会, or another. */
export interface Meeting {
  kind: string;
  /** ISO date. */
  heldOn: string;
  /** The minutes' reference number (会议纪要编号). */
  minutesRef: string;
}

export interface DecideStageInput extends IssuedByApi {
  stage: StageId;
  decision: 'approve' | 'reject';
  requestId: string;
  fingerprint?: string;
  actor: Actor;
  comment: string | null;
  /** Required when the deciding role decides at a meeting (leading group, party committee). */
  meeting?: Meeting | null;
}

export interface CancelInput extends IssuedByApi {
  reason: string;
  requestId: string;
  actor: Actor;
}

export interface RoundLaunchResult {
  roundId: string;
  inspectionIds: string[];
}

export interface RoundOutcome {
  roundId: string;
  status: 'completed' | 'cancelled';
}

/** What a round workflow starts with: the plan is read from the database when the leading group approves it. */
export interface RoundStart {
  roundId: string;
  historyLimit?: number;
}

/** The leading group's approval of a proposed round (领导小组会议), which starts it. */
export interface AuthoriseRoundInput extends IssuedByApi {
  requestId: string;
  actor: Actor;
  comment: string | null;
  meeting: Meeting;
  /** The version of the plan the leading group approved, when it names one: a later edit refuses the approval. */
  version: number | null;
}

/**
 * A change to an inspection's group after launch (the office, with a reason): a member
 * replaced (for example after a recusal) or added, the target's liaison named or
 * changed, a deputy group leader (副组长) named.
 */
export type GroupChange =
  | { kind: 'replace_member'; memberSub: string; by: GroupMember }
  | { kind: 'add_member'; member: GroupMember }
  | { kind: 'set_liaison'; liaison: Person }
  | { kind: 'name_deputy'; memberSub: string }
  /** The group leader replaced: the old one leaves the group at once; `by` may be one of its members, who moves up. */
  | { kind: 'replace_leader'; by: GroupMember };

export interface ChangeGroupInput extends IssuedByApi {
  requestId: string;
  actor: Actor;
  reason: string;
  change: GroupChange;
}

/** The group (and liaison) an inspection works with now. */
export interface CurrentGroup {
  name: string;
  leader: Person;
  members: GroupMember[];
  deputies: string[];
  liaison: Person | null;
}

export const submitStageUpdate = defineUpdate<TransitionResult, [SubmitStageInput]>('submitStage');
export const decideStageUpdate = defineUpdate<TransitionResult, [DecideStageInput]>('decideStage');
export const inspectionStatusQuery = defineQuery<StageStatus>('inspectionStatus');
/** What an inspection's cancellation answers: the state it ended in. */
export interface CancelInspectionResult {
  inspectionId: string;
  state: InspectionState;
}
/**
 * The office cancels an inspection (the API sends it for each unfinished inspection of
 * a round it cancels). An Update, not a Signal, so that its validator can refuse a
 * request the API did not send with an answer, before it reaches the history.
 */
export const cancelInspectionUpdate = defineUpdate<CancelInspectionResult, [CancelInput]>('cancelInspection');

/**
 * The leading group approves the proposed round: resolves once the approval, the round
 * and its inspections are in the database and every inspection workflow has started.
 */
export const authoriseRoundUpdate = defineUpdate<RoundLaunchResult, [AuthoriseRoundInput]>('authoriseRound');
export const changeGroupUpdate = defineUpdate<{ requestId: string; seq: number; group: CurrentGroup }, [ChangeGroupInput]>('changeGroup');
export const cancelRoundUpdate = defineUpdate<RoundOutcome, [CancelInput]>('cancelRound');
export const roundStatusQuery = defineQuery<{ status: RoundStatus; completed: string[] }>('roundStatus');

export { REFUSAL } from './refusal.js';
