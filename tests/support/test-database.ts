import { currentRole, grantApplicationRole } from '../../db/application-role.js';
import { migrateToLatest } from '../../db/migrate.js';
import { createScratchDatabase, type ScratchDatabase } from '../../db/scratch-database.js';

export type TestDatabase = ScratchDatabase;

/** Which engine the run uses: the PostgreSQL server at DATABASE_URL, else in-memory PGlite. */
export const usingPostgres = Boolean(process.env.DATABASE_URL);

/**
 * Whether the application connects as a role of its own (DATABASE_URL) while another
 * (DATABASE_OWNER_URL) owns the schema, as CI's PostgreSQL run does.
 */
export const usingApplicationRole = Boolean(process.env.DATABASE_URL && process.env.DATABASE_OWNER_URL);

/**
 * A fresh, empty database for one test file: a new database on the server when
 * DATABASE_URL is set (files run in parallel without seeing each other), else a new
 * in-memory PGlite. With DATABASE_OWNER_URL the owner creates and migrates it and
 * grants DATABASE_URL's role what the application needs: `app` connects as that role
 * (the API and worker of the harness use it), `db` as the owner.
 */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const { DATABASE_URL: appUrl, DATABASE_OWNER_URL: ownerUrl } = process.env;
  const database = await createScratchDatabase(ownerUrl && appUrl ? ownerUrl : appUrl, 'xuncha_test', ownerUrl && appUrl ? { appUrl } : {});
  if (options.migrate ?? true) {
    await migrateToLatest(database.db);
    if (database.app !== database.db) await grantApplicationRole(database.db, await currentRole(database.app));
  }
  return database;
}
