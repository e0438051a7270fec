import { Migrator, sql, type Kysely } from 'kysely';
import { currentRole, grantApplicationRole } from './application-role.js';
import { createDatabase, waitForDatabase } from './connection.js';
import type { Database } from './database.js';
import { withDatabase } from './scratch-database.js';
import { migrations } from './migrations/index.js';

/**
 * Brings the schema up to date. Safe to run at every start: Kysely records what ran
 * and takes a lock, and each migration runs in a transaction.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`database migration ${failed ?? ''} failed: ${String(error)}`, { cause: error });
  }
  return (results ?? []).map((r) => r.migrationName);
}

/**
 * Migrates the database `app` connects to. With `ownerUrl` (DATABASE_OWNER_URL) the
 * migrations run as that owner, on a connection of their own to the same database
 * (whatever database `ownerUrl` names), and the application's
 * role (whoever `app` connects as) is then granted only what the code needs (see
 * application-role.ts); without it the application's role is the owner, as before.
 */
export async function migrateAsOwner(app: Kysely<Database>, ownerUrl: string | undefined): Promise<string[]> {
  if (!ownerUrl) return migrateToLatest(app);
  // The owner's credentials and server, on the database the application uses: one URL
  // naming another database would otherwise migrate (and grant on) the wrong one.
  const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(app);
  const owner = createDatabase({ kind: 'postgres', url: withDatabase(ownerUrl, rows[0]!.name) });
  try {
    await waitForDatabase(owner);
    const ran = await migrateToLatest(owner);
    const [appRole, ownerRole] = [await currentRole(app), await currentRole(owner)];
    // Revoking from the owner itself would take away what it owns the tables for.
    if (appRole !== ownerRole) await grantApplicationRole(owner, appRole);
    return ran;
  } finally {
    await owner.destroy();
  }
}

export async function checkDatabase(db: Kysely<Database>): Promise<void> {
  await db.selectFrom('rounds').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
}
