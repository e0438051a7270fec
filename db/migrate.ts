import { Migrator, type Kysely } from 'kysely';
import type { Database } from './database.js';
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

export async function checkDatabase(db: Kysely<Database>): Promise<void> {
  await db.selectFrom('rounds').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
}
