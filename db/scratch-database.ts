/**
 * A database of its own for one test file, benchmark run or cluster round: a new
 * database on the PostgreSQL server at `serverUrl`, dropped afterwards, or PGlite in
 * memory when no server is given. Runs side by side never see each other's rows.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { createDatabase, type DatabaseTarget } from './connection.js';
import type { Database } from './database.js';

export interface ScratchDatabase {
  db: Kysely<Database>;
  target: DatabaseTarget;
  drop(): Promise<void>;
}

export async function createScratchDatabase(serverUrl: string | undefined, prefix: string): Promise<ScratchDatabase> {
  if (!serverUrl) {
    const target: DatabaseTarget = { kind: 'pglite' };
    const db = createDatabase(target);
    return { db, target, drop: () => db.destroy() };
  }
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await runAsAdmin(serverUrl, `create database ${name}`);
  const target: DatabaseTarget = { kind: 'postgres', url: withDatabase(serverUrl, name) };
  const db = createDatabase(target);
  return {
    db,
    target,
    drop: async () => {
      await db.destroy();
      await runAsAdmin(serverUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

/** `url` pointing at another database of the same server. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** One statement on its own connection: `create database` cannot run inside a pool's transaction. */
export async function runAsAdmin(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
