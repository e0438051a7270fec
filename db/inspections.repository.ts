import type { Kysely, Transaction } from 'kysely';
import type { Database } from './database.js';

type Db = Kysely<Database> | Transaction<Database>;

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

export async function findInspection(db: Db, inspectionId: string) {
  return db.selectFrom('inspections').selectAll().where('id', '=', inspectionId).executeTakeFirst();
}

export async function listRoundInspections(db: Db, roundId: string) {
  return db.selectFrom('inspections').selectAll().where('round_id', '=', roundId).orderBy('position').execute();
}

export async function listMembers(db: Db, inspectionIds: string[]) {
  if (inspectionIds.length === 0) return [];
  return db
    .selectFrom('inspection_members')
    .selectAll()
    .where('inspection_id', 'in', inspectionIds)
    .orderBy('inspection_id')
    .orderBy('is_leader', 'desc')
    .orderBy('sub')
    .execute();
}

/** Submissions whose chain waits on one of `roles`, leaving out what the caller submitted. */
export async function listAwaiting(db: Db, roles: string[], callerSub: string) {
  if (roles.length === 0) return [];
  return db
    .selectFrom('inspections')
    .innerJoin('rounds', 'rounds.id', 'inspections.round_id')
    .selectAll('inspections')
    .select(['rounds.name as round_name'])
    .where('inspections.state', '=', 'submitted')
    .where('inspections.awaiting_role', 'in', roles)
    .where((eb) => eb.or([eb('inspections.submitted_by_sub', 'is', null), eb('inspections.submitted_by_sub', '!=', callerSub)]))
    .orderBy('inspections.stage_opened_at')
    .execute();
}

export async function listNotifications(db: Db, options: { roles: string[]; inspectionIds?: string[] }) {
  let query = db.selectFrom('notifications').selectAll().orderBy('created_at', 'desc').limit(500);
  if (options.inspectionIds) {
    if (options.inspectionIds.length === 0) return [];
    query = query.where('inspection_id', 'in', options.inspectionIds);
  } else {
    query = query.where('recipient_role', 'in', options.roles.length ? options.roles : ['-']);
  }
  return query.execute();
}
