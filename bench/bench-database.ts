/**
 * The bench's database: a new one on the PostgreSQL server at DATABASE_URL, dropped
 * at the end (so each run starts empty and `GET /approvals` sees only this run's
 * inspections), else PGlite in memory.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { createDatabase, type DatabaseTarget } from '../db/connection.js';
import type { Database } from '../db/database.js';

export interface BenchDatabase {
  db: Kysely<Database>;
  target: DatabaseTarget;
  drop(): Promise<void>;
}

export async function createBenchDatabase(serverUrl: string | undefined): Promise<BenchDatabase> {
  if (!serverUrl) {
    const target: DatabaseTarget = { kind: 'pglite' };
    const db = createDatabase(target);
    return { db, target, drop: () => db.destroy() };
  }
  const name = `xuncha_bench_${randomBytes(6).toString('hex')}`;
  await admin(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const target: DatabaseTarget = { kind: 'postgres', url: url.toString() };
  const db = createDatabase(target);
  return {
    db,
    target,
    drop: async () => {
      await db.destroy();
      await admin(serverUrl, `drop database if exists ${name} with (force)`);
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
