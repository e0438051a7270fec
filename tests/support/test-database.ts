import { migrateToLatest } from '../../db/migrate.js';
import { createScratchDatabase, type ScratchDatabase } from '../../db/scratch-database.js';

export type TestDatabase = ScratchDatabase;

/** Which engine the run uses: the PostgreSQL server at DATABASE_URL, else in-memory PGlite. */
export const usingPostgres = Boolean(process.env.DATABASE_URL);

/**
 * A fresh, empty database for one test file: a new database on the server when
 * DATABASE_URL is set (files run in parallel without seeing each other), else a new
 * in-memory PGlite.
 */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const database = await createScratchDatabase(process.env.DATABASE_URL, 'xuncha_test');
  if (options.migrate ?? true) await migrateToLatest(database.db);
  return database;
}
