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
  /** The owner's connection: migrations, and whatever is done behind the application's back. */
  db: Kysely<Database>;
  /** The application's connection: as its own role when one was given, else the same as `db`. */
  app: Kysely<Database>;
  /** Where the application connects. */
  target: DatabaseTarget;
  /** The owner's URL of this database, when the application connects as another role. */
  ownerUrl?: string;
  drop(): Promise<void>;
}

/**
 * `serverUrl` creates (and owns) the database; `options.appUrl`, another role on the
 * same server, is how the application connects to it (its database part is replaced).
 */
export async function createScratchDatabase(
  serverUrl: string | undefined,
  prefix: string,
  options: { appUrl?: string } = {},
): Promise<ScratchDatabase> {
  if (!serverUrl) {
    const target: DatabaseTarget = { kind: 'pglite' };
    const db = createDatabase(target);
    return { db, app: db, target, drop: () => db.destroy() };
  }
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await runAsAdmin(serverUrl, `create database ${name}`);
  const ownerUrl = withDatabase(serverUrl, name);
  const db = createDatabase({ kind: 'postgres', url: ownerUrl });
  const target: DatabaseTarget = { kind: 'postgres', url: withDatabase(options.appUrl ?? serverUrl, name) };
  const app = options.appUrl ? createDatabase(target) : db;
  return {
    db,
    app,
    target,
    ...(options.appUrl ? { ownerUrl } : {}),
    drop: async () => {
      if (app !== db) await app.destroy();
      await db.destroy();
      await dropForce(serverUrl, name);
    },
  };
}

/**
 * Drops a scratch database with whatever is still connected to it. A process there with
 * no role (an autovacuum worker, or a connection still starting up) cannot be terminated
 * by a role that is not superuser (42501): no new connections are let in, and the drop is
 * tried again once it has gone.
 */
async function dropForce(serverUrl: string, name: string): Promise<void> {
  await runAsAdmin(serverUrl, `alter database ${name} allow_connections false`).catch(() => undefined);
  for (let attempt = 1; ; attempt++) {
    try {
      await runAsAdmin(serverUrl, `drop database if exists ${name} with (force)`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '42501' || attempt === 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
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
