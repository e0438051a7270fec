import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { RecordReference, StageOwner } from '../workflows/stages.js';
import type { Database, DecisionStatus } from './database.js';
import { membersOf } from './inspections.repository.js';

/** What the caller may act on, as the service derived it from the stage model and their roles. */
export interface TaskScope {
  sub: string;
  /** Approver roles the caller holds: submissions waiting on them. */
  approverRoles: string[];
  /** Kinds whose pending decision is the caller's (by role), on inspections they are not in. */
  decideKinds: string[];
  /** Kinds whose pending review is the caller's by role, on inspections they are not in. */
  reviewKinds: string[];
  /** Kinds the group's own leader reviews: pending on the inspections the caller leads. */
  leaderReviewKinds: string[];
  /** Stages the caller may submit: the group's own when they lead it, the office's to anyone in the office. */
  submits: Partial<Record<StageOwner, string[]>>;
  /** Recusal decisions that keep a member out of the inspection (回避). */
  keptOut: DecisionStatus[];
  /** Kinds the caller writes that are owed for other records (`owed` in the stage model), on inspections they are not in. */
  owed: OwedKind[];
}

/** A kind owed once for each record of `target` its data field `field` may name, as the stage model declares it. */
export interface OwedKind {
  kind: string;
  field: string;
  target: RecordReference;
  again?: { field: string; value: string };
}

type Eb = ExpressionBuilder<Database, 'inspections' | 'rounds'>;

/** Whether `sub` is named in the inspection in scope's group. */
const isMember = (sub: string) =>
  sql<boolean>`exists (select 1 from inspection_members m where m.inspection_id = inspections.id and m.sub = ${sub})`;

type RecordEb = ExpressionBuilder<Database, 'inspections' | 'rounds' | 'records'>;

const confirmedLead = (eb: RecordEb) =>
  eb.and([
    eb('records.kind', '=', 'lead'),
    eb('records.review_status', '=', 'confirmed'),
    sql<boolean>`coalesce(records.data->>'withdrawn', 'false') <> 'true'`,
  ]);

/**
 * The records an owed kind may name, in SQL: the same targets the records service
 * checks a reference against, for those an owed kind points at.
 */
const OWED_TARGETS: Partial<Record<RecordReference, (eb: RecordEb) => Expression<SqlBool>>> = {
  confirmed_lead: confirmedLead,
  lead_for_discipline: (eb) =>
    eb.and([
      confirmedLead(eb),
      sql<boolean>`exists (select 1 from records h where h.inspection_id = records.inspection_id and h.kind = 'lead_handover'
        and h.data->>'leadId' = records.id::text and h.data->'recipient'->>'kind' = 'discipline')`,
    ]),
  rectification_item: (eb) => eb('records.kind', '=', 'rectification_item'),
};

/** The record of the owed kind already written for the row's record, if any. */
const answerOf = (owed: OwedKind) =>
  sql`(select a.id from records a where a.inspection_id = records.inspection_id and a.kind = ${owed.kind}
    and a.data->>${owed.field} = records.id::text limit 1)`;

/**
 * Records still waiting for the owed kind: none written for them yet, or (with `again`)
 * the one written says so and the record changed after it. `answer_id` is that one.
 */
function owedRecords(outer: Eb, owed: OwedKind) {
  const target = OWED_TARGETS[owed.target];
  if (!target) throw new Error(`no SQL for owed target ${owed.target}`);
  const again = owed.again
    ? sql<boolean>`exists (select 1 from records a where a.inspection_id = records.inspection_id and a.kind = ${owed.kind}
        and a.data->>${owed.field} = records.id::text and a.data->>${owed.again.field} = ${owed.again.value} and records.updated_at > a.updated_at)`
    : sql<boolean>`false`;
  return outer
    .selectFrom('records')
    .select([
      'records.id',
      'records.kind',
      'records.data',
      'records.created_by_sub',
      'records.created_by_name',
      'records.updated_at',
      sql<string | null>`${answerOf(owed)}`.as('answer_id'),
    ])
    .whereRef('records.inspection_id', '=', 'inspections.id')
    .where((eb) => eb.and([target(eb), eb.or([sql<boolean>`not exists ${answerOf(owed)}`, again])]))
    .orderBy('records.updated_at')
    .orderBy('records.id');
}

/** Records of the open stage whose review or decision waits on the caller; never their own. */
function pendingRecords(outer: Eb, scope: TaskScope) {
  const mine = (eb: ExpressionBuilder<Database, 'inspections' | 'rounds' | 'records'>) => {
  const which = [];
  if (scope.decideKinds.length) {
    which.push(eb.and([eb('records.decision_status', '=', 'pending'), eb('records.kind', 'in', scope.decideKinds as never[]), eb.not(isMember(scope.sub))]));
  }
  if (scope.reviewKinds.length) {
    which.push(eb.and([eb('records.review_status', '=', 'pending'), eb('records.kind', 'in', scope.reviewKinds as never[]), eb.not(isMember(scope.sub))]));
  }
  if (scope.leaderReviewKinds.length) {
    which.push(
      eb.and([
        eb('records.review_status', '=', 'pending'),
        eb('records.kind', 'in', scope.leaderReviewKinds as never[]),
        eb('inspections.leader_sub', '=', scope.sub),
      ]),
    );
  }
  return eb.or(which.length ? which : [eb.lit(false)]);
  };
  return outer
    .selectFrom('records')
    .select([
      'records.id',
      'records.kind',
      'records.data',
      'records.review_status',
      'records.decision_status',
      'records.created_by_sub',
      'records.created_by_name',
      'records.updated_at',
    ])
    .whereRef('records.inspection_id', '=', 'inspections.id')
    .whereRef('records.stage', '=', 'inspections.stage')
    .where('records.created_by_sub', '!=', scope.sub)
    .where(mine)
    .orderBy('records.updated_at')
    .orderBy('records.id');
}

/**
 * Every inspection where something waits on the caller, with its round, its group,
 * the records waiting on them and since when the stage waits: one query for everyone's
 * inspections, however many. Whether an open stage's criteria are all met is the
 * service's to check (one more query, for the stages the caller submits).
 */
export async function listTaskInspections(db: Kysely<Database>, scope: TaskScope) {
  return db
    .selectFrom('inspections')
    .innerJoin('rounds', 'rounds.id', 'inspections.round_id')
    .selectAll('inspections')
    .select((eb) => [
      'rounds.name as round_name',
      membersOf(eb),
      jsonArrayFrom(pendingRecords(eb, scope)).as('pending_records'),
      // One list per owed kind, keyed by it: each names the records waiting for one.
      ...scope.owed.map((owed) => jsonArrayFrom(owedRecords(eb, owed)).as(`owed:${owed.kind}`)),
      // Since the stage last moved: opened, sent back, submitted or passed to the next approver.
      eb
        .selectFrom('inspection_events')
        .select((inner) => inner.fn.max('inspection_events.at').as('at'))
        .whereRef('inspection_events.inspection_id', '=', 'inspections.id')
        .where('inspection_events.kind', 'in', ['stage_opened', 'rejected', 'submitted', 'approved'])
        .as('waiting_since'),
    ])
    .where((eb) => {
      const waiting = [eb.and([eb('inspections.state', '=', 'open'), eb.exists(pendingRecords(eb, scope))])];
      if (scope.approverRoles.length) {
        waiting.push(
          eb.and([
            eb('inspections.state', '=', 'submitted'),
            eb('inspections.awaiting_role', 'in', scope.approverRoles as never[]),
            eb.or([eb('inspections.submitted_by_sub', 'is', null), eb('inspections.submitted_by_sub', '!=', scope.sub)]),
            eb.not(isMember(scope.sub)),
          ]),
        );
      }
      for (const owed of scope.owed) {
        waiting.push(eb.and([eb('inspections.state', '=', 'open'), eb.exists(owedRecords(eb, owed)), eb.not(isMember(scope.sub))]));
      }
      const leaderStages = scope.submits.group_leader ?? [];
      if (leaderStages.length) {
        waiting.push(
          eb.and([
            eb('inspections.state', '=', 'open'),
            eb('inspections.stage', 'in', leaderStages as never[]),
            eb('inspections.leader_sub', '=', scope.sub),
          ]),
        );
      }
      const officeStages = scope.submits.office ?? [];
      if (officeStages.length) {
        waiting.push(
          eb.and([eb('inspections.state', '=', 'open'), eb('inspections.stage', 'in', officeStages as never[]), eb.not(isMember(scope.sub))]),
        );
      }
      return eb.and([
        eb.or(waiting),
        // A member the office recused, or whose declaration is undecided, is asked nothing about the inspection.
        eb.not(
          eb.exists(
            eb
              .selectFrom('records as recusal')
              .select('recusal.id')
              .whereRef('recusal.inspection_id', '=', 'inspections.id')
              .where('recusal.kind', '=', 'recusal_declaration')
              .where(sql<string>`recusal.data->>'memberSub'`, '=', scope.sub)
              .where('recusal.decision_status', 'in', scope.keptOut),
          ),
        ),
      ]);
    })
    .orderBy('inspections.stage_due_at')
    .orderBy('inspections.id')
    .execute();
}
