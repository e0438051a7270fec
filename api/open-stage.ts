import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/database.js';
import { lockInspection } from '../db/inspections.repository.js';
import type { StageId } from '../workflows/stages.js';
import { conflict, notFound } from './errors.js';

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
  // An idempotent write arrives inside the transaction that also stores its answer.
  const inTransaction = (run: (tx: Transaction<Database>) => Promise<T>) =>
    db.isTransaction ? run(db as Transaction<Database>) : db.transaction().execute(run);
  return inTransaction(async (tx) => {
    const row = await lockInspection(tx, inspectionId);
    if (!row) throw notFound(`inspection ${inspectionId}`);
    if (row.stage !== stage || row.state !== 'open') {
      throw conflict(
        row.stage === stage
          ? `stage ${stage} is ${row.state}: its records are frozen`
          : `${stage} records can change only while ${stage} is open; the inspection is at ${row.stage} (${row.state})`,
        { stage: row.stage, state: row.state, recordStage: stage },
      );
    }
    return write(tx);
  });
}
