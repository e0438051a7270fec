import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { writeInspectionSteps, type InspectionSteps } from '../db/history.repository.js';
import { InvariantViolation } from '../db/invariant.js';
import { insertLaunchedRound, recordRoundStatus, type RoundStatusChange } from '../db/rounds.repository.js';
import { submitStage, type FrozenRecords, type StageSubmission } from '../db/stage-gate.repository.js';
import type { Unmet } from '../workflows/exit-criteria.js';
import type { RoundPlan } from '../workflows/messages.js';
import { freezeReportOnFinalApproval } from '../api/report-freeze.js';

export interface ActivityDeps {
  db: Kysely<Database>;
}

/**
 * The workflows' only way to the database. Each activity is idempotent: a retry after
 * a worker crash finds what the first attempt wrote and adds nothing. What can never
 * succeed is thrown as non-retryable, so it fails the request instead of being
 * retried for ever; everything else (a lost connection, an outage) is retried.
 */
export function createActivities({ db }: ActivityDeps) {
  return {
    recordRoundLaunched: (input: { plan: RoundPlan; launchedAt: string }): Promise<void> =>
      final(() => insertLaunchedRound(db, input.plan, input.launchedAt)),
    recordRoundStatus: (change: RoundStatusChange): Promise<void> => final(() => recordRoundStatus(db, change)),
    /** Records steps; the final approval of the reporting stage freezes the report in the same transaction. */
    recordInspectionSteps: (steps: InspectionSteps): Promise<void> =>
      final(() =>
        db.transaction().execute(async (tx) => {
          await writeInspectionSteps(tx, steps);
          await freezeReportOnFinalApproval(tx, steps);
        }),
      ),
    /** Checks the stage's exit criteria and, if they hold, freezes its records and records the submission. */
    submitStage: (submission: StageSubmission): Promise<{ unmet: Unmet[]; frozen: FrozenRecords | null }> =>
      final(() => submitStage(db, submission)),
  };
}

export type Activities = ReturnType<typeof createActivities>;

/**
 * PostgreSQL's data exceptions (class 22) and integrity violations (class 23) say the
 * database will never take these values; retrying them only delays the refusal. A
 * unique violation (23505) is the exception: it means a concurrent attempt of the same
 * write got there first, and the retry finds its rows.
 */
const isPermanent = (code: string): boolean => /^2[23]/.test(code) && code !== '23505';

async function final<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (error instanceof InvariantViolation || (typeof code === 'string' && isPermanent(code))) {
      throw ApplicationFailure.nonRetryable((error as Error).message, (error as Error).name);
    }
    throw error;
  }
}
