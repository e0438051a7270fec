import { mkdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { Database } from './database.js';

export type DatabaseTarget =
  | { kind: 'postgres'; url: string }
  /** `dataDir` undefined keeps the database in memory (tests). */
  | { kind: 'pglite'; dataDir?: string };

export interface DatabaseOptions {
  /** Where a lost connection is reported; by default one line on stderr. */
  onConnectionError?: (error: Error) => void;
}

export function describeTarget(target: DatabaseTarget): string {
  if (target.kind === 'postgres') return `PostgreSQL at ${redactUrl(target.url)}`;
  return target.dataDir ? `embedded PGlite in ${target.dataDir}` : 'embedded PGlite in memory';
}

// A connection attempt to a host that drops packets would otherwise wait for the OS
// (minutes) while the request holding it waits too.
const CONNECT_TIMEOUT_MS = 5000;

export function createDatabase(target: DatabaseTarget, options: DatabaseOptions = {}): Kysely<Database> {
  if (target.kind === 'postgres') {
    const report =
      options.onConnectionError ??
      ((error: Error) => process.stderr.write(`xuncha: a database connection was lost: ${error.message}\n`));
    const pool = new pg.Pool({ connectionString: target.url, max: 10, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    // An idle client losing its server must not crash the process; the next query reports it.
    pool.on('error', () => undefined);
    // pg-pool detaches its own listener from a client while it is checked out, so a
    // connection ended mid-transaction (server stopped, pg_terminate_backend) would emit
    // an unhandled 'error' and end the process. The query in flight already rejects with
    // the same error and the pool discards the client, so here it is only reported.
    pool.on('connect', (client) => {
      client.on('error', report);
    });
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  if (target.dataDir) mkdirSync(target.dataDir, { recursive: true });
  const pglite = target.dataDir ? new PGlite(target.dataDir) : new PGlite();
  return new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
}

// SQLSTATE class 08 (connection exception); admin_shutdown, crash_shutdown,
// cannot_connect_now (starting up or shutting down); too_many_connections.
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const UNAVAILABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/,
  /timeout exceeded when trying to connect/,
  /Client has encountered a connection error and is not queryable/,
  /database system is (starting up|shutting down|in recovery mode)/,
  // ALTER DATABASE … ALLOW_CONNECTIONS false, as for maintenance (SQLSTATE 55000, too broad to match).
  /is not currently accepting connections/,
];

/**
 * Whether `error` says the database could not be reached (as opposed to a query it
 * refused): worth repeating in a moment. Looks through `cause` too, since Kysely's
 * migrator and others wrap the driver's error.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_ERRNOS.has(code))) {
      return true;
    }
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))) return true;
    // Node's net module reports a refused dual-stack connect as an AggregateError of both attempts.
    if (e instanceof AggregateError && e.errors.some((inner) => isDatabaseUnavailable(inner))) return true;
  }
  return false;
}

/**
 * Waits until the database answers, so a process started before PostgreSQL (or during
 * its restart) comes up late instead of exiting. An error that is not about reaching
 * the server (a wrong password, an unknown database) fails at once: waiting would not
 * fix it.
 */
export async function waitForDatabase(
  db: Kysely<Database>,
  options: { timeoutMs?: number; onRetry?: (error: Error, attempt: number, delayMs: number) => void } = {},
): Promise<void> {
  const onRetry = options.onRetry ?? reportDatabaseWait;
  const deadline = Date.now() + (options.timeoutMs ?? 5 * 60_000);
  for (let attempt = 1; ; attempt++) {
    try {
      await sql`select 1`.execute(db);
      return;
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      const delayMs = Math.min(500 * 2 ** (attempt - 1), 5000);
      if (Date.now() + delayMs > deadline) {
        throw new Error(`the database did not become reachable in time: ${(error as Error).message}`, { cause: error });
      }
      onRetry(error as Error, attempt, delayMs);
      await sleep(delayMs);
    }
  }
}

/** The line a process writes for each attempt while it waits for the database. */
export function reportDatabaseWait(error: Error, attempt: number, delayMs: number): void {
  const reason = error.message || (error as { code?: string }).code || error.name;
  process.stderr.write(`xuncha: waiting for the database (attempt ${attempt}, next in ${delayMs / 1000} s): ${reason}\n`);
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}
