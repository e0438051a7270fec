import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { appendInspectionSteps, type InspectionSteps } from '../db/history.repository.js';
import { freezeStageForSubmission, type FrozenRecords } from '../db/stage-gate.repository.js';
import { insertLaunchedRound, recordRoundStatus, type RoundStatusChange } from '../db/rounds.repository.js';
import type { Unmet } from '../workflows/exit-criteria.js';
import type { RoundPlan } from '../workflows/messages.js';
import type { StageId } from '../workflows/stages.js';

export interface ActivityDeps {
  db: Kysely<Database>;
}

/**
 * The workflows' only way to the database. Each activity is idempotent: a retry after
 * a worker crash finds what the first attempt wrote and adds nothing.
 */
export function createActivities({ db }: ActivityDeps) {
  return {
    async recordRoundLaunched(input: { plan: RoundPlan; launchedAt: string }): Promise<void> {
      await insertLaunchedRound(db, input.plan, input.launchedAt);
    },
    async recordRoundStatus(change: RoundStatusChange): Promise<void> {
      await recordRoundStatus(db, change);
    },
    async recordInspectionSteps(steps: InspectionSteps): Promise<void> {
      await appendInspectionSteps(db, steps);
    },
    /** Checks the stage's exit criteria and, if they hold, freezes its records. */
    async freezeStage(input: { inspectionId: string; stage: StageId }): Promise<{ unmet: Unmet[]; frozen: FrozenRecords | null }> {
      return freezeStageForSubmission(db, input.inspectionId, input.stage);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
