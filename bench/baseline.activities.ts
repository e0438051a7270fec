/**
 * The baseline's one activity: insert one row into a table of its own, in the same
 * database the API and xuncha's worker use.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.js';

export const BENCH_TABLE = 'bench_rows';

export interface BaselineRow {
  workflowId: string;
  requestId: string;
  payload: Record<string, unknown>;
}

/** Creates the baseline's table if it is missing; safe on every run. */
export async function ensureBenchTable(db: Kysely<Database>): Promise<void> {
  await sql`
    create table if not exists ${sql.table(BENCH_TABLE)} (
      id bigserial primary key,
      workflow_id text not null,
      request_id text not null,
      payload jsonb not null,
      created_at timestamptz not null default now()
    )
  `.execute(db);
}

export function createBaselineActivities({ db }: { db: Kysely<Database> }) {
  return {
    async insertBenchRow(row: BaselineRow): Promise<void> {
      await sql`
        insert into ${sql.table(BENCH_TABLE)} (workflow_id, request_id, payload)
        values (${row.workflowId}, ${row.requestId}, ${JSON.stringify(row.payload)})
      `.execute(db);
    },
  };
}

export type BaselineActivities = ReturnType<typeof createBaselineActivities>;
