import { sql, type Kysely, type Transaction } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { Actor } from '../workflows/roles.js';
import type { Meeting, RoundPlan, RoundStatus } from '../workflows/messages.js';
import { QUESTIONNAIRE_MIN_ANSWERS, preparationDueAt } from '../workflows/stages.js';
import type { AuthorisationStepKind, Database, RoundEventKind } from './database.js';
import { InvariantViolation } from './invariant.js';
import { membersOf, submitterNameOf } from './inspections.repository.js';

/** Writes a launched round and its inspections. Idempotent: a retry finds the rows and adds none. */
export async function insertLaunchedRound(db: Kysely<Database>, plan: RoundPlan, launchedAt: string): Promise<void> {
  await db.transaction().execute((tx) => writeLaunch(tx, plan, launchedAt));
}

/** The round made active (from its proposal, or anew), its inspections and their groups. */
async function writeLaunch(tx: Transaction<Database>, plan: RoundPlan, launchedAt: string): Promise<void> {
  await tx
    .insertInto('rounds')
    .values({
      ...roundColumns(plan),
      launched_by_sub: plan.launchedBy.sub,
      launched_by_name: plan.launchedBy.name,
      launched_at: launchedAt,
      status: 'active',
      status_changed_at: launchedAt,
      status_reason: null,
      proposal: JSON.stringify(plan),
    })
    .onConflict((oc) =>
      oc
        .column('id')
        .doUpdateSet({ status: 'active', launched_at: launchedAt, status_changed_at: launchedAt, status_reason: null })
        .where('rounds.status', '=', 'proposed'),
    )
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
}

/** The columns a plan sets on its round row, at proposal and at each edit. */
function roundColumns(plan: RoundPlan) {
  return {
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
  };
}

export interface AuthorisationStep {
  kind: AuthorisationStepKind;
  actor: Actor;
  at: string;
  comment: string | null;
  meeting: Meeting | null;
  requestId: string | null;
}

/** Appends the next step of a round's authorisation; the caller holds the round's row lock. */
async function appendAuthorisationStep(tx: Transaction<Database>, roundId: string, version: number, step: AuthorisationStep, plan: RoundPlan | null) {
  const last = await tx
    .selectFrom('round_authorisation_steps')
    .select((eb) => eb.fn.max<number>('seq').as('seq'))
    .where('round_id', '=', roundId)
    .executeTakeFirst();
  await tx
    .insertInto('round_authorisation_steps')
    .values({
      round_id: roundId,
      seq: (last?.seq ?? 0) + 1,
      kind: step.kind,
      version,
      actor_sub: step.actor.sub,
      actor_name: step.actor.name,
      actor_roles: JSON.stringify(step.actor.roles),
      at: step.at,
      comment: step.comment,
      meeting: step.meeting ? JSON.stringify(step.meeting) : null,
      request_id: step.requestId,
      plan: plan ? JSON.stringify(plan) : null,
    })
    .execute();
}

/** Writes a proposed round; a repeat with the same round id (same requestId) adds nothing. */
export async function insertProposedRound(db: Kysely<Database>, plan: RoundPlan, step: AuthorisationStep): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const inserted = await tx
      .insertInto('rounds')
      .values({
        ...roundColumns(plan),
        launched_by_sub: plan.launchedBy.sub,
        launched_by_name: plan.launchedBy.name,
        launched_at: step.at,
        status: 'proposed',
        status_changed_at: step.at,
        status_reason: null,
        proposal: JSON.stringify(plan),
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) await appendAuthorisationStep(tx, plan.roundId, 1, step, plan);
  });
}

/** Why a change to a round's authorisation was not made, or the version it left. */
export type AuthorisationOutcome =
  | { done: true; version: number; repeated: boolean }
  | { done: false; reason: 'status'; status: RoundStatus }
  | { done: false; reason: 'version'; version: number }
  | { done: false; reason: 'missing' };

async function lockRound(tx: Transaction<Database>, roundId: string) {
  return tx.selectFrom('rounds').select(['id', 'status', 'version', 'proposal']).where('id', '=', roundId).forUpdate().executeTakeFirst();
}

/** The office's edit of a proposed or returned round: proposes it again, as the next version. */
export async function editProposedRound(
  db: Kysely<Database>,
  plan: (version: number) => RoundPlan,
  edited: { roundId: string; version: number; step: AuthorisationStep },
): Promise<AuthorisationOutcome> {
  return db.transaction().execute(async (tx): Promise<AuthorisationOutcome> => {
    const round = await lockRound(tx, edited.roundId);
    if (!round) return { done: false, reason: 'missing' };
    if (round.status !== 'proposed' && round.status !== 'returned') return { done: false, reason: 'status', status: round.status };
    if (round.version !== edited.version) return { done: false, reason: 'version', version: round.version };
    const version = round.version + 1;
    const next = plan(version);
    const { id: _id, ...columns } = roundColumns(next);
    await tx
      .updateTable('rounds')
      .set({ ...columns, launched_by_sub: next.launchedBy.sub, launched_by_name: next.launchedBy.name, proposal: JSON.stringify(next), version, status: 'proposed', status_changed_at: edited.step.at, status_reason: null })
      .where('id', '=', edited.roundId)
      .execute();
    await appendAuthorisationStep(tx, edited.roundId, version, edited.step, next);
    return { done: true, version, repeated: false };
  });
}

/**
 * The leading group's decision on a proposed round. A rejection returns it to the
 * office with the comment; an approval also writes the launch (the round active, its
 * inspections and groups) in the same transaction, and answers with the plan to start.
 * A repeated request id finds its step and changes nothing.
 */
export async function decideProposedRound(
  db: Kysely<Database>,
  decision: { roundId: string; verdict: 'approved' | 'rejected'; version: number | null; step: AuthorisationStep },
): Promise<AuthorisationOutcome & { plan?: RoundPlan; launchedAt?: string }> {
  return db.transaction().execute(async (tx) => {
    const round = await lockRound(tx, decision.roundId);
    if (!round) return { done: false as const, reason: 'missing' as const };
    const { requestId } = decision.step;
    const earlier = requestId
      ? await tx
          .selectFrom('round_authorisation_steps')
          .select(['kind', 'version', 'at'])
          .where('round_id', '=', decision.roundId)
          .where('request_id', '=', requestId)
          .executeTakeFirst()
      : undefined;
    if (earlier) {
      if (earlier.kind !== decision.verdict) return { done: false as const, reason: 'status' as const, status: round.status };
      return { done: true as const, version: earlier.version, repeated: true, plan: round.proposal ?? undefined, launchedAt: new Date(earlier.at).toISOString() };
    }
    if (round.status !== 'proposed') return { done: false as const, reason: 'status' as const, status: round.status };
    if (decision.version !== null && decision.version !== round.version) {
      return { done: false as const, reason: 'version' as const, version: round.version };
    }
    const plan = round.proposal;
    if (!plan) throw new InvariantViolation(`round ${decision.roundId} is proposed without a plan`);
    await appendAuthorisationStep(tx, decision.roundId, round.version, decision.step, null);
    if (decision.verdict === 'rejected') {
      await tx
        .updateTable('rounds')
        .set({ status: 'returned', status_changed_at: decision.step.at, status_reason: decision.step.comment })
        .where('id', '=', decision.roundId)
        .execute();
      return { done: true as const, version: round.version, repeated: false };
    }
    await writeLaunch(tx, plan, decision.step.at);
    return { done: true as const, version: round.version, repeated: false, plan, launchedAt: decision.step.at };
  });
}

export interface RoundStatusChange {
  roundId: string;
  status: 'completed' | 'cancelled';
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

/**
 * The office withdraws a round the leading group has not approved (proposed or
 * returned): nothing had started, so only the round's row and its event change. Under
 * the round's lock, so an approval deciding at the same moment finds it cancelled.
 */
export async function cancelUnstartedRound(
  db: Kysely<Database>,
  change: Omit<RoundStatusChange, 'status'>,
): Promise<{ done: true } | { done: false; status: RoundStatus | 'missing' }> {
  return db.transaction().execute(async (tx) => {
    const round = await lockRound(tx, change.roundId);
    if (!round) return { done: false as const, status: 'missing' as const };
    if (round.status !== 'proposed' && round.status !== 'returned') return { done: false as const, status: round.status };
    await appendRoundEvent(tx, change.roundId, 'cancelled', change);
    await tx
      .updateTable('rounds')
      .set({ status: 'cancelled', status_changed_at: change.at, status_reason: change.reason })
      .where('id', '=', change.roundId)
      .execute();
    return { done: true as const };
  });
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
          .select((inner) => [membersOf(inner), submitterNameOf(inner)])
          .whereRef('inspections.round_id', '=', 'rounds.id')
          .orderBy('inspections.position'),
      ).as('inspections'),
    )
    .select((eb) =>
      jsonArrayFrom(
        eb
          .selectFrom('round_authorisation_steps')
          .select([
            'round_authorisation_steps.seq',
            'round_authorisation_steps.kind',
            'round_authorisation_steps.version',
            'round_authorisation_steps.actor_sub',
            'round_authorisation_steps.actor_name',
            'round_authorisation_steps.at',
            'round_authorisation_steps.comment',
            'round_authorisation_steps.meeting',
            'round_authorisation_steps.request_id',
          ])
          .whereRef('round_authorisation_steps.round_id', '=', 'rounds.id')
          .orderBy('round_authorisation_steps.seq'),
      ).as('authorisation'),
    )
    .where('rounds.id', '=', roundId)
    .executeTakeFirst();
}

/** Rounds newest first; for a group member, only their rounds, counting only their inspections. */
/** Where a page of rounds starts: after this launch moment (as `launched_at_text` gave it) and id, newest first. */
export interface RoundsAfter {
  launchedAt: string;
  id: string;
}

/**
 * A page of rounds, newest first; the id breaks ties between rounds launched in the same
 * microsecond, so the order is total and pages neither skip nor repeat. Ask for one row
 * more than the page to learn whether another follows.
 */
export async function listRounds(db: Kysely<Database>, options: { memberSub?: string; status?: RoundStatus; after?: RoundsAfter; limit: number }) {
  const { memberSub, after } = options;
  let query = db
    .selectFrom('rounds')
    .selectAll('rounds')
    .select(sql<string>`to_char(rounds.launched_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('launched_at_text'))
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
    .orderBy('rounds.launched_at', 'desc')
    .orderBy('rounds.id', 'desc')
    .limit(options.limit);
  if (after) query = query.where(sql<boolean>`(rounds.launched_at, rounds.id) < (${after.launchedAt}::timestamptz, ${after.id}::uuid)`);
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
