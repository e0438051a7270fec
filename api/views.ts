import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { findInspection } from '../db/inspections.repository.js';
import { findRound } from '../db/rounds.repository.js';
import type { InspectionState, RoundPlan, TransitionResult } from '../workflows/messages.js';
import type { ApproverRole } from '../workflows/roles.js';
import { QUESTIONNAIRE_MIN_ANSWERS, RECTIFICATION_DUE_DAYS, stageOwner, type ApprovalChains, type StageId } from '../workflows/stages.js';
import { notFound } from './errors.js';
import type { InspectionView, WaitingOn } from './schemas.js';

type RoundRow = Omit<NonNullable<Awaited<ReturnType<typeof findRound>>>, 'inspections' | 'authorisation' | 'proposal'>;
type Stored<T, Timestamps extends keyof T> = Omit<T, Timestamps> & { [K in Timestamps]: Date | string };
type InspectionRow = Stored<Omit<NonNullable<Awaited<ReturnType<typeof findInspection>>>, 'members' | 'round' | 'recusals'>, 'stage_opened_at' | 'stage_due_at'>;
type MemberRow = { sub: string; name: string; home_unit: string | null; is_leader: boolean; is_deputy?: boolean };

// Rows nested as JSON carry timestamps as text; top-level rows carry Dates.
const iso = (value: Date | string) => new Date(value).toISOString();

/**
 * Whose move it is: while open the stage's owner (the group's own leader, or anyone
 * in the office for the stages it owns), once submitted the approver due next.
 */
export function waitingOnOf(stage: StageId, state: InspectionState, awaitingRole: ApproverRole | null, leaderSub: string): WaitingOn | null {
  if (state === 'open') return stageOwner(stage) === 'group_leader' ? { role: 'group_leader', sub: leaderSub } : { role: 'office' };
  if (state === 'submitted' && awaitingRole) return { role: awaitingRole };
  return null;
}

/** What a submission or decision answers: the workflow's status in the API's shapes. */
export function toTransitionView(result: TransitionResult, leaderSub: string) {
  const { awaitingRole, stageDueAt, ...status } = result.status;
  return {
    ...result,
    status: { ...status, waitingOn: waitingOnOf(status.stage, status.state, awaitingRole, leaderSub), dueAt: stageDueAt },
  };
}

/** How people name an inspection: the group and its target (第一巡察组巡察××局). */
export function inspectionName(row: { group_name: string; target: { name: string } }): string {
  return `${row.group_name}巡察${row.target.name}`;
}

/** An inspection as the API shows it; `members` are its group's, leader included. */
export function toInspectionView(row: InspectionRow, chains: ApprovalChains, members: MemberRow[]): InspectionView {
  return {
    id: row.id,
    roundId: row.round_id,
    target: { ...row.target, liaison: row.target.liaison ?? null },
    group: {
      name: row.group_name,
      leader: { sub: row.leader_sub, name: row.leader_name },
      members: members.filter((m) => !m.is_leader).map((m) => ({ sub: m.sub, name: m.name, homeUnit: m.home_unit })),
      deputies: members.filter((m) => m.is_deputy).map((m) => ({ sub: m.sub, name: m.name })),
    },
    stage: row.stage,
    state: row.state,
    stageOpenedAt: iso(row.stage_opened_at),
    dueAt: iso(row.stage_due_at),
    overdue: row.overdue,
    approvalChain: chains[row.stage] ?? [],
    waitingOn: waitingOnOf(row.stage, row.state, row.awaiting_role, row.leader_sub),
    submittedBy:
      row.state === 'submitted' && row.submitted_by_sub ? { sub: row.submitted_by_sub, name: row.submitted_by_name ?? row.submitted_by_sub } : null,
  };
}

export function toRoundSummary(round: RoundRow) {
  return {
    id: round.id,
    name: round.name,
    year: round.year,
    plannedStart: round.planned_start,
    plannedEnd: round.planned_end,
    focus: round.focus,
    status: round.status,
    statusChangedAt: iso(round.status_changed_at),
    statusReason: round.status_reason,
    launchedBy: { sub: round.launched_by_sub, name: round.launched_by_name },
    launchedAt: iso(round.launched_at),
    approvalChains: round.approval_chains,
    stageDueDays: round.stage_due_days,
    escalateAfterHours: round.escalate_after_hours,
    version: round.version,
  };
}

export type RoundView = Awaited<ReturnType<typeof loadRoundView>>;

export async function loadRoundView(db: Kysely<Database>, roundId: string) {
  const found = await findRound(db, roundId);
  if (!found) throw notFound('round', roundId);
  const { inspections, authorisation, proposal, ...round } = found;
  return {
    ...toRoundSummary(round),
    plan: proposal && planOf(proposal),
    authorisation: authorisation.map((step) => ({
      seq: step.seq,
      kind: step.kind,
      version: step.version,
      actor: { sub: step.actor_sub, name: step.actor_name },
      at: iso(step.at),
      comment: step.comment,
      meeting: step.meeting,
      requestId: step.request_id,
    })),
    inspections: inspections.map(({ members, ...row }) => toInspectionView(row, round.approval_chains, members)),
  };
}

/** A stored plan in the shape the office sends it (ids and the proposer left out). */
export function planOf(plan: RoundPlan) {
  return {
    name: plan.name,
    year: plan.year,
    plannedStart: plan.plannedStart,
    plannedEnd: plan.plannedEnd,
    focus: plan.focus,
    approvalChains: plan.approvalChains,
    stageDueDays: plan.stageDueDays,
    escalateAfterHours: plan.escalateAfterHours,
    rectificationDueDays: plan.rectificationDueDays ?? { ...RECTIFICATION_DUE_DAYS },
    questionnaireMinAnswers: plan.questionnaireMinAnswers ?? QUESTIONNAIRE_MIN_ANSWERS,
    inspections: plan.inspections.map(({ target, group }) => ({
      target: { name: target.name, principalLeader: target.principalLeader, ...(target.organizationId ? { organizationId: target.organizationId } : {}), extensions: target.extensions, ...(target.liaison ? { liaison: target.liaison } : {}) },
      group: {
        name: group.name,
        leader: { sub: group.leader.sub, name: group.leader.name, ...(group.leader.homeUnit ? { homeUnit: group.leader.homeUnit } : {}) },
        members: group.members.map((m) => ({ sub: m.sub, name: m.name, ...(m.homeUnit ? { homeUnit: m.homeUnit } : {}) })),
      },
    })),
  };
}

export type Inspection = Awaited<ReturnType<typeof loadInspection>>;

export async function loadInspection(db: Kysely<Database>, inspectionId: string) {
  const found = await findInspection(db, inspectionId);
  if (!found) throw notFound('inspection', inspectionId);
  const { members, round, recusals, ...row } = found;
  if (!round) throw notFound('round', row.round_id);
  return { row, round, members, recusals, view: toInspectionView(row, round.approval_chains, members) };
}
