import type { Kysely, Transaction } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { Actor } from '../workflows/roles.js';
import type { RoundPlan, RoundStatus } from '../workflows/messages.js';
import { QUESTIONNAIRE_MIN_ANSWERS, preparationDueAt } from '../workflows/stages.js';
import type { Database, RoundEventKind } from './database.js';
import { membersOf } from './inspections.repository.js';

/** Writes a launched round and its inspections. Idempotent: a retry finds the rows and adds none. */
export async function insertLaunchedRound(db: Kysely<Database>, plan: RoundPlan, launchedAt: string): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto('rounds')
      .values({
        id: plan.roundId,
        name: plan.name,
        year: plan.year,
        planned_start: plan.plannedStart,
        planned_end: plan.plannedEnd,
        focus: JSON.stringify(plan.focus),
        approval_chains: JSON.stringify(plan.approvalChains),
        stage_due_days: JSON.stringify(plan.stageDueDays),
        escalate_after_hours: plan.escalateAfterHours,
        questionnaire_min_answers: plan.questionnaireMinAnswers ?? QUESTIONNAIRE_MIN_ANSWERS,
        launched_by_sub: plan.launchedBy.sub,
        launched_by_name: plan.launchedBy.name,
        launched_at: launchedAt,
        status: 'active',
        status_changed_at: launchedAt,
        status_reason: null,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    await appendRoundEvent(tx, plan.roundId, 'launched', { actor: plan.launchedBy, at: launchedAt, reason: null, requestId: null });
    const dueAt = preparationDueAt(launchedAt, plan.plannedStart, plan.stageDueDays);
    for (const inspection of plan.inspections) {
      await tx
        .insertInto('inspections')
        .values({
          id: inspection.inspectionId,
          round_id: plan.roundId,
          position: inspection.position,
          target: JSON.stringify(inspection.target),
          group_name: inspection.group.name,
          leader_sub: inspection.group.leader.sub,
          leader_name: inspection.group.leader.name,
          stage: 'preparation',
          state: 'open',
          awaiting_role: null,
          submitted_by_sub: null,
          stage_opened_at: launchedAt,
          stage_due_at: dueAt,
          overdue: false,
          last_seq: 0,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      const people = [
        { ...inspection.group.leader, homeUnit: inspection.group.leader.homeUnit ?? null, isLeader: true },
        ...inspection.group.members
          .filter((m) => m.sub !== inspection.group.leader.sub)
          .map((m) => ({ ...m, isLeader: false })),
      ];
      await tx
        .insertInto('inspection_members')
        .values(
          people.map((p) => ({
            inspection_id: inspection.inspectionId,
            sub: p.sub,
            name: p.name,
            home_unit: p.homeUnit,
            is_leader: p.isLeader,
          })),
        )
        .onConflict((oc) => oc.columns(['inspection_id', 'sub']).doNothing())
        .execute();
    }
  });
}

export interface RoundStatusChange {
  roundId: string;
  status: Exclude<RoundStatus, 'active'>;
  at: string;
  actor: Actor;
  reason: string | null;
  requestId: string | null;
}

/** A round records each kind of event once: a retried activity adds nothing. */
async function appendRoundEvent(
  tx: Transaction<Database>,
  roundId: string,
  kind: RoundEventKind,
  event: Pick<RoundStatusChange, 'actor' | 'at' | 'reason' | 'requestId'>,
): Promise<void> {
  await tx
    .insertInto('round_events')
    .values({
      round_id: roundId,
      kind,
      actor_sub: event.actor.sub,
      actor_name: event.actor.name,
      at: event.at,
      comment: event.reason,
      request_id: event.requestId,
    })
    .onConflict((oc) => oc.columns(['round_id', 'kind']).doNothing())
    .execute();
}

export async function recordRoundStatus(db: Kysely<Database>, change: RoundStatusChange): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await appendRoundEvent(tx, change.roundId, change.status, change);
    await tx
      .updateTable('rounds')
      .set({ status: change.status, status_changed_at: change.at, status_reason: change.reason })
      .where('id', '=', change.roundId)
      .where('status', '=', 'active')
      .execute();
  });
}

/** A round with its inspections in launch order, each with its group: one query. */
export async function findRound(db: Kysely<Database>, roundId: string) {
  return db
    .selectFrom('rounds')
    .selectAll('rounds')
    .select((eb) =>
      jsonArrayFrom(
        eb
          .selectFrom('inspections')
          .selectAll('inspections')
          .select((inner) => membersOf(inner))
          .whereRef('inspections.round_id', '=', 'rounds.id')
          .orderBy('inspections.position'),
      ).as('inspections'),
    )
    .where('rounds.id', '=', roundId)
    .executeTakeFirst();
}

/** Rounds newest first; for a group member, only their rounds, counting only their inspections. */
export async function listRounds(db: Kysely<Database>, options: { memberSub?: string; status?: RoundStatus }) {
  const { memberSub } = options;
  let query = db
    .selectFrom('rounds')
    .selectAll('rounds')
    .select((eb) => {
      let counted = eb
        .selectFrom('inspections')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('inspections.round_id', '=', 'rounds.id');
      if (memberSub) {
        counted = counted.where(({ exists, selectFrom }) =>
          exists(
            selectFrom('inspection_members')
              .select('inspection_members.sub')
              .whereRef('inspection_members.inspection_id', '=', 'inspections.id')
              .where('inspection_members.sub', '=', memberSub),
          ),
        );
      }
      return counted.as('inspection_count');
    })
    .orderBy('launched_at', 'desc');
  if (options.status) query = query.where('status', '=', options.status);
  if (options.memberSub) {
    const sub = options.memberSub;
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('inspection_members')
          .innerJoin('inspections', 'inspections.id', 'inspection_members.inspection_id')
          .select('inspection_members.sub')
          .whereRef('inspections.round_id', '=', 'rounds.id')
          .where('inspection_members.sub', '=', sub),
      ),
    );
  }
  return query.execute();
}

/** Whether the round already recorded `kind` for this request: a repeated request answers as the first time. */
export async function hasRoundEvent(db: Kysely<Database>, roundId: string, kind: RoundEventKind, requestId: string): Promise<boolean> {
  const found = await db
    .selectFrom('round_events')
    .select('id')
    .where('round_id', '=', roundId)
    .where('kind', '=', kind)
    .where('request_id', '=', requestId)
    .executeTakeFirst();
  return found !== undefined;
}
