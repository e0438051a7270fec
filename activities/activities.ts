import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { recordGroupChange } from '../db/group-changes.repository.js';
import { writeInspectionSteps, type InspectionSteps } from '../db/history.repository.js';
import { writeCheckpoint } from '../db/ledger.repository.js';
import type { SigningKeys } from '../platform/signing-key.js';
import { InvariantViolation } from '../db/invariant.js';
import { decideProposedRound, recordRoundStatus, type RoundStatusChange } from '../db/rounds.repository.js';
import { rectificationFacts } from '../db/records.repository.js';
import { submitStage, type FrozenRecords, type StageSubmission } from '../db/stage-gate.repository.js';
import type { Unmet } from '../workflows/exit-criteria.js';
import type { RectificationFacts } from '../workflows/inspection-process.js';
import type { AuthoriseRoundInput, GroupChange } from '../workflows/messages.js';
import { freezeReportOnFinalApproval } from '../api/report-freeze.js';

export interface ActivityDeps {
  db: Kysely<Database>;
  /** Signs a checkpoint when a stage closes; without it none is signed (and verify says so). */
  signingKeys?: SigningKeys;
}

/**
 * The workflows' only way to the database. Each activity is idempotent: a retry after
 * a worker crash finds what the first attempt wrote and adds nothing. What can never
 * succeed is thrown as non-retryable, so it fails the request instead of being
 * retried for ever; everything else (a lost connection, an outage) is retried.
 */
export function createActivities({ db, signingKeys }: ActivityDeps) {
  return {
    /** Records the leading group's approval and writes the launch; a retry finds the step by its request id. */
    authoriseRound: ({ roundId, requestId, actor, comment, meeting, version, at }: AuthoriseRoundInput & { roundId: string; at: string }) =>
      final(() =>
        decideProposedRound(db, { roundId, verdict: 'approved', version, step: { kind: 'approved', actor, at, comment, meeting, requestId } }),
      ),
    recordRoundStatus: (change: RoundStatusChange): Promise<void> => final(() => recordRoundStatus(db, change)),
    /**
     * Records steps; the final approval of the reporting stage freezes the report, and a
     * stage closing signs a checkpoint, in the same transaction.
     */
    recordInspectionSteps: (steps: InspectionSteps): Promise<void> =>
      final(() =>
        db.transaction().execute(async (tx) => {
          await writeInspectionSteps(tx, steps);
          await freezeReportOnFinalApproval(tx, steps);
          await writeCheckpoint(tx, steps, signingKeys?.signer ?? null);
        }),
      ),
    /** The `group_changed` step and the group it leaves, in one transaction. */
    recordGroupChange: (input: { steps: InspectionSteps; change: GroupChange }): Promise<void> =>
      final(() => recordGroupChange(db, input.steps, input.change)),
    /** Checks the stage's exit criteria and, if they hold, freezes its records and records the submission. */
    submitStage: (submission: StageSubmission): Promise<{ unmet: Unmet[]; frozen: FrozenRecords | null; leads: FrozenRecords | null }> =>
      final(() => submitStage(db, submission)),
    /** A read: the feedback meeting's day and which of the target's plan and report are in. */
    rectificationFacts: (inspectionId: string): Promise<RectificationFacts> => rectificationFacts(db, inspectionId),
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
