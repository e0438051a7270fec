import type { Kysely, Selectable } from 'kysely';
import type { Database, InspectionTable, RoundTable } from '../db/database.js';
import { findInspection, listMembers, listRoundInspections } from '../db/inspections.repository.js';
import { findRound } from '../db/rounds.repository.js';
import type { ApproverRole, Role } from '../workflows/roles.js';
import type { StageId } from '../workflows/stages.js';
import { notFound } from './errors.js';
import type { InspectionView } from './schemas.js';

type RoundRow = Selectable<RoundTable>;
type InspectionRow = Selectable<InspectionTable>;
type MemberRow = Awaited<ReturnType<typeof listMembers>>[number];

const iso = (value: Date | string) => new Date(value).toISOString();

export function toInspectionView(row: InspectionRow, round: RoundRow, members: MemberRow[]): InspectionView {
  const chains = round.approval_chains as Record<StageId, ApproverRole[]>;
  const waitingOn =
    row.state === 'open'
      ? { role: 'group_leader' as Role, sub: row.leader_sub }
      : row.state === 'submitted' && row.awaiting_role
        ? { role: row.awaiting_role as Role, sub: null }
        : null;
  return {
    id: row.id,
    roundId: row.round_id,
    target: { ...row.target, liaison: row.target.liaison ?? null },
    group: {
      name: row.group_name,
      leader: { sub: row.leader_sub, name: row.leader_name },
      members: members
        .filter((m) => m.inspection_id === row.id && !m.is_leader)
        .map((m) => ({ sub: m.sub, name: m.name, homeUnit: m.home_unit })),
    },
    stage: row.stage as StageId,
    state: row.state as InspectionView['state'],
    stageOpenedAt: iso(row.stage_opened_at),
    dueAt: iso(row.stage_due_at),
    overdue: row.overdue,
    approvalChain: chains[row.stage as StageId] ?? [],
    waitingOn,
    submittedBy: row.submitted_by_sub,
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
    status: round.status as 'active' | 'completed' | 'cancelled',
    statusChangedAt: iso(round.status_changed_at),
    statusReason: round.status_reason,
    launchedBy: { sub: round.launched_by_sub, name: round.launched_by_name },
    launchedAt: iso(round.launched_at),
    approvalChains: round.approval_chains as Record<string, ApproverRole[]>,
    stageDueDays: round.stage_due_days,
    escalateAfterHours: round.escalate_after_hours,
  };
}

export async function loadRoundView(db: Kysely<Database>, roundId: string) {
  const round = await findRound(db, roundId);
  if (!round) throw notFound(`round ${roundId}`);
  const inspections = await listRoundInspections(db, roundId);
  const members = await listMembers(
    db,
    inspections.map((i) => i.id),
  );
  return { ...toRoundSummary(round), inspections: inspections.map((i) => toInspectionView(i, round, members)) };
}

export async function loadInspection(db: Kysely<Database>, inspectionId: string) {
  const row = await findInspection(db, inspectionId);
  if (!row) throw notFound(`inspection ${inspectionId}`);
  const round = await findRound(db, row.round_id);
  if (!round) throw notFound(`round ${row.round_id}`);
  const members = await listMembers(db, [row.id]);
  return { row, round, members, view: toInspectionView(row, round, members) };
}
