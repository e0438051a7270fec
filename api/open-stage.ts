import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/database.js';
import { lockInspection } from '../db/inspections.repository.js';
import type { StageId } from '../workflows/stages.js';
import { conflict, notFound, type ApiError } from './errors.js';

// An idempotent write arrives inside the transaction that also stores its answer.
function inTransaction<T>(db: Kysely<Database>, run: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? run(db as Transaction<Database>) : db.transaction().execute(run);
}

/** The 404 or 409 for a write into `stage` when the inspection's row says it is not open. */
function notOpen(inspectionId: string, stage: StageId, row: { stage: StageId; state: string } | undefined): ApiError | undefined {
  if (!row) return notFound('inspection', inspectionId);
  if (row.stage === stage && row.state === 'open') return undefined;
  return conflict(
    row.stage === stage
      ? `stage ${stage} is ${row.state}: its records are frozen`
      : `${stage} records can change only while ${stage} is open; the inspection is at ${row.stage} (${row.state})`,
    { stage: row.stage, state: row.state, recordStage: stage },
  );
}

/**
 * Runs `write` with the inspection locked, if `stage` is the open stage; else a 409
 * naming where the inspection is. The submission takes the same lock to freeze a
 * stage, so no write lands after it.
 */
export async function inOpenStage<T>(
  db: Kysely<Database>,
  inspectionId: string,
  stage: StageId,
  write: (tx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  return inTransaction(db, async (tx) => {
    const refused = notOpen(inspectionId, stage, await lockInspection(tx, inspectionId));
    if (refused) throw refused;
    return write(tx);
  });
}

/**
 * For a write that locks the inspection and checks its stage in its one statement
 * (`insertRecordIfOpen`), which answers where the inspection was: the 404 or 409 when
 * `stage` was not open, else what it wrote.
 */
export function intoOpenStage<T>(
  inspectionId: string,
  stage: StageId,
  written: { stage: StageId; state: string; row: T | null } | undefined,
): T {
  const refused = notOpen(inspectionId, stage, written);
  if (refused) throw refused;
  return written!.row!;
}
