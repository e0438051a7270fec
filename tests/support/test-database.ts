import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { createDatabase, type DatabaseTarget } from '../../db/connection.js';
import type { Database } from '../../db/database.js';
import { migrateToLatest } from '../../db/migrate.js';

export interface TestDatabase {
  db: Kysely<Database>;
  target: DatabaseTarget;
  drop(): Promise<void>;
}

/** Which engine the run uses: the PostgreSQL server at DATABASE_URL, else in-memory PGlite. */
export const usingPostgres = Boolean(process.env.DATABASE_URL);

/**
 * A fresh, empty database for one test file: a new database on the server when
 * DATABASE_URL is set (files run in parallel without seeing each other), else a new
 * in-memory PGlite.
 */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const migrate = options.migrate ?? true;
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const target: DatabaseTarget = { kind: 'pglite' };
    const db = createDatabase(target);
    if (migrate) await migrateToLatest(db);
    return { db, target, drop: () => db.destroy() };
  }
  const name = `xuncha_test_${randomBytes(6).toString('hex')}`;
  await admin(adminUrl, `create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const target: DatabaseTarget = { kind: 'postgres', url: url.toString() };
  const db = createDatabase(target);
  if (migrate) await migrateToLatest(db);
  return {
    db,
    target,
    drop: async () => {
      await db.destroy();
      await admin(adminUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

async function admin(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
