import { sql, type ExpressionBuilder, type Kysely, type Transaction } from 'kysely';
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres';
import { APPROVER_ROLES, type Role } from '../workflows/roles.js';
import type { Database } from './database.js';

/**
 * Locks the inspection's row for the rest of the transaction and returns its stage
 * and state. Record writes and the submission's freeze both take this lock, so no
 * write can land after a stage was submitted.
 */
export async function lockInspection(tx: Transaction<Database>, inspectionId: string) {
  return tx
    .selectFrom('inspections')
    .select(['id', 'stage', 'state', 'round_id', 'last_seq'])
    .where('id', '=', inspectionId)
    .forUpdate()
    .executeTakeFirst();
}

/** The group of the inspection in scope, leader first, as a JSON array beside its row. */
export function membersOf(eb: ExpressionBuilder<Database, 'inspections'>) {
  return jsonArrayFrom(
    eb
      .selectFrom('inspection_members')
      .select(['inspection_members.sub', 'inspection_members.name', 'inspection_members.home_unit', 'inspection_members.is_leader', 'inspection_members.is_deputy'])
      .whereRef('inspection_members.inspection_id', '=', 'inspections.id')
      .orderBy('inspection_members.is_leader', 'desc')
      .orderBy('inspection_members.sub'),
  ).as('members');
}

/** The name of whoever made the open submission, beside the inspection's row (the row keeps only the sub). */
export function submitterNameOf(eb: ExpressionBuilder<Database, 'inspections'>) {
  return eb
    .selectFrom('inspection_events')
    .select('inspection_events.actor_name')
    .whereRef('inspection_events.inspection_id', '=', 'inspections.id')
    .where('inspection_events.kind', '=', 'submitted')
    .orderBy('inspection_events.seq', 'desc')
    .limit(1)
    .as('submitted_by_name');
}

/** One inspection with its group and what the API reads of its round, in one query. */
export async function findInspection(db: Kysely<Database>, inspectionId: string) {
  return db
    .selectFrom('inspections')
    .selectAll('inspections')
    .select((eb) => [
      membersOf(eb),
      submitterNameOf(eb),
      jsonObjectFrom(
        eb
          .selectFrom('rounds')
          .select(['rounds.id', 'rounds.name', 'rounds.approval_chains', 'rounds.focus'])
          .whereRef('rounds.id', '=', 'inspections.round_id'),
      ).as('round'),
      // Every access check asks whether the caller is kept out (回避); reading the
      // declarations here saves each request a round trip of its own.
      jsonArrayFrom(
        eb
          .selectFrom('records')
          .select([sql<string>`records.data->>'memberSub'`.as('sub'), 'records.decision_status'])
          .whereRef('records.inspection_id', '=', 'inspections.id')
          .where('records.kind', '=', 'recusal_declaration'),
      ).as('recusals'),
    ])
    .where('inspections.id', '=', inspectionId)
    .executeTakeFirst();
}

/** Submissions whose chain waits on one of `roles`, leaving out what the caller submitted, with their round and group. */
export async function listAwaiting(
  db: Kysely<Database>,
  roles: readonly Role[],
  callerSub: string,
  page: { after?: { stageOpenedAt: string; id: string }; limit: number },
) {
  const approverRoles = APPROVER_ROLES.filter((r) => roles.includes(r));
  if (approverRoles.length === 0) return [];
  const { after } = page;
  return db
    .selectFrom('inspections')
    .innerJoin('rounds', 'rounds.id', 'inspections.round_id')
    .selectAll('inspections')
    .select((eb) => ['rounds.name as round_name', 'rounds.approval_chains', membersOf(eb), submitterNameOf(eb)])
    .select(sql<string>`to_char(inspections.stage_opened_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('stage_opened_at_text'))
    .where('inspections.state', '=', 'submitted')
    .where('inspections.awaiting_role', 'in', approverRoles)
    .where((eb) => eb.or([eb('inspections.submitted_by_sub', 'is', null), eb('inspections.submitted_by_sub', '!=', callerSub)]))
    // Nobody decides on a group they belong to, so nobody is asked to.
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('inspection_members')
            .select('inspection_members.sub')
            .whereRef('inspection_members.inspection_id', '=', 'inspections.id')
            .where('inspection_members.sub', '=', callerSub),
        ),
      ),
    )
    // Keyset paging: the id breaks ties between stages opened in the same microsecond.
    .$if(after !== undefined, (q) =>
      q.where(sql<boolean>`(inspections.stage_opened_at, inspections.id) > (${after!.stageOpenedAt}::timestamptz, ${after!.id}::uuid)`),
    )
    .orderBy('inspections.stage_opened_at')
    .orderBy('inspections.id')
    .limit(page.limit)
    .execute();
}

/** The newest notifications: for `memberSub`, those of their group's inspections; otherwise those addressed to `roles`. */
export async function listNotifications(db: Kysely<Database>, options: { roles: readonly Role[]; memberSub?: string }) {
  let query = db.selectFrom('notifications').selectAll().orderBy('created_at', 'desc').limit(500);
  if (options.memberSub !== undefined) {
    const sub = options.memberSub;
    query = query.where('inspection_id', 'in', (eb) =>
      eb.selectFrom('inspection_members').select('inspection_members.inspection_id').where('inspection_members.sub', '=', sub),
    );
  } else {
    const recipients = APPROVER_ROLES.filter((r) => options.roles.includes(r));
    if (recipients.length === 0) return [];
    query = query.where('recipient_role', 'in', recipients);
  }
  return query.execute();
}
