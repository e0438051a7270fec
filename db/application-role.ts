/**
 * What the application's own database role may do when migrations run as another role,
 * the owner (DATABASE_OWNER_URL). The application then owns nothing: it cannot
 * TRUNCATE, ALTER a table or switch its triggers off (all of which need ownership), and
 * it may change rows only where the code changes rows. Everything the history rests on
 * (steps, record and report-section versions, both ledgers, remembered answers,
 * checkpoints) is insert-only for it twice over: no privilege, and the triggers.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from './database.js';

/**
 * The tables whose rows the code updates in place, each for a reason: a round's or a
 * term's status and version, an inspection's stage pointer and group, a member's role,
 * a record's head version and review state, an organisation's current version, a
 * questionnaire code spent, an idempotent request's stored answer.
 */
const UPDATED = ['rounds', 'inspections', 'inspection_members', 'records', 'terms', 'organizations', 'questionnaire_codes', 'idempotent_requests'];

/** The tables whose rows the code deletes: a member replaced or recused out, a refused write's reserved key. */
const DELETED = ['inspection_members', 'idempotent_requests'];

/** Kysely's own bookkeeping: only the owner migrates. */
const MIGRATOR_TABLES = ['kysely_migration', 'kysely_migration_lock'];

/** The role a connection acts as. */
export async function currentRole(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ role: string }>`select current_user as role`.execute(db);
  return rows[0]!.role;
}

/**
 * Grants `role` exactly what the application needs on the schema the owner (`owner`'s
 * connection) has just migrated, and takes back anything more: run after every
 * migration, so a table a new migration adds is covered at the next start.
 */
export async function grantApplicationRole(owner: Kysely<Database>, role: string): Promise<void> {
  const who = sql.id(role);
  await owner.transaction().execute(async (tx) => {
    await sql`revoke all on all tables in schema public from ${who}`.execute(tx);
    await sql`revoke all on all sequences in schema public from ${who}`.execute(tx);
    await sql`grant usage on schema public to ${who}`.execute(tx);
    await sql`grant select, insert on all tables in schema public to ${who}`.execute(tx);
    await sql`grant usage, select on all sequences in schema public to ${who}`.execute(tx);
    await sql`grant update on ${sql.join(UPDATED.map((t) => sql.table(t)))} to ${who}`.execute(tx);
    await sql`grant delete on ${sql.join(DELETED.map((t) => sql.table(t)))} to ${who}`.execute(tx);
    await sql`revoke all on ${sql.join(MIGRATOR_TABLES.map((t) => sql.table(t)))} from ${who}`.execute(tx);
  });
}
