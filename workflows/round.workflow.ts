import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  proxyActivities,
  setHandler,
  startChild,
} from '@temporalio/workflow';
import type * as activities from '../activities/activities.js';
import { requireFromApi } from './api-assertion.js';
import { inspectionWorkflow } from './inspection.workflow.js';
import {
  REFUSAL,
  authoriseRoundUpdate,
  cancelRoundUpdate,
  inspectionWorkflowId,
  roundStatusQuery,
  roundWorkflowId,
  type CancelInput,
  type InspectionPlan,
  type RoundOutcome,
  type RoundPlan,
  type RoundStart,
  type RoundStatus,
} from './messages.js';
import { Refusal, REFUSAL_MESSAGES, type RefusalCode, type RefusalType } from './refusal.js';
import { hasRole } from './roles.js';

const { authoriseRound, recordRoundStatus } = proxyActivities<activities.Activities>({
  // Writing a round of many inspections takes longer than one step; still seconds.
  startToCloseTimeout: '30 seconds',
  // No attempt limit, on purpose, as for inspection steps: an outage delays the round's
  // record, never loses it; what the database can never accept is non-retryable.
  retry: { initialInterval: '500 milliseconds', maximumInterval: '10 seconds' },
});

/**
 * One round, started when the leading group approves its proposal: records the
 * approval and the launch in one activity, starts one inspection per target and ends
 * when every inspection has completed, or when the office cancels the round. The
 * approval runs inside this workflow so that once it is recorded the inspections are
 * sure to start: a worker that dies in between is replaced and replays to them.
 */
/**
 * Refuses an update with a code and parameters, so the API words the refusal in the
 * caller's language; the English sentence is what Temporal's history shows.
 */
function refuse(type: RefusalType, code: RefusalCode, params: Record<string, string> = {}, details: object = {}): never {
  throw ApplicationFailure.create({
    type,
    message: REFUSAL_MESSAGES[code].en(params),
    nonRetryable: true,
    details: [{ ...details, messageKey: { code, params } }],
  });
}

export async function roundWorkflow({ roundId }: RoundStart): Promise<RoundOutcome> {
  let plan: RoundPlan | undefined;
  let launchedAt = '';
  let authorising = false;
  let launched = false;
  let status: RoundStatus = 'proposed';
  let cancelRequest: CancelInput | undefined;
  let outcome: RoundOutcome | undefined = undefined;
  const completed = new Set<string>();

  setHandler(roundStatusQuery, () => ({ status, completed: [...completed] }));
  // From the input, not workflowInfo(): a replayer may run the history under another id.
  const workflowId = roundWorkflowId(roundId);
  const fromApi = (input: unknown): void => {
    try {
      requireFromApi(input, workflowId);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      refuse(error.type, error.code, error.params);
    }
  };
  setHandler(
    authoriseRoundUpdate,
    async (input) => {
      authorising = true;
      let started: RoundPlan;
      try {
        const answer = await authoriseRound({ roundId, ...input, at: new Date(Date.now()).toISOString() });
        if (!answer.done || !answer.plan || !answer.launchedAt) {
          if (answer.done) refuse(REFUSAL.conflict, 'round_no_plan', {}, answer);
          if (answer.reason === 'version') refuse(REFUSAL.conflict, 'round_proposal_edited', { version: String(answer.version) }, answer);
          if (answer.reason === 'status') refuse(REFUSAL.conflict, 'round_not_proposed', { status: String(answer.status) }, answer);
          refuse(REFUSAL.conflict, 'round_missing', { roundId }, answer);
        }
        started = answer.plan;
        plan = started;
        launchedAt = answer.launchedAt;
      } catch (error) {
        authorising = false;
        throw error;
      }
      await condition(() => launched);
      return { roundId, inspectionIds: started.inspections.map((i) => i.inspectionId) };
    },
    {
      validator: (input) => {
        fromApi(input);
        if (!hasRole(input.actor, 'leading_group')) {
          refuse(REFUSAL.forbidden, 'round_authorised_by_leading_group');
        }
        if (authorising || plan) {
          refuse(REFUSAL.conflict, 'round_already_approved');
        }
      },
    },
  );
  setHandler(
    cancelRoundUpdate,
    async (input) => {
      cancelRequest ??= input;
      await condition(() => outcome !== undefined);
      return outcome as RoundOutcome;
    },
    {
      validator: (input) => {
        fromApi(input);
        if (!hasRole(input.actor, 'office')) {
          refuse(REFUSAL.forbidden, 'round_cancelled_by_office');
        }
        if (status !== 'active' || cancelRequest) {
          if (cancelRequest) refuse(REFUSAL.conflict, 'round_being_cancelled', {}, { status });
          refuse(REFUSAL.conflict, 'round_already', { status }, { status });
        }
      },
    },
  );

  await condition(() => plan !== undefined);
  if (!plan) throw new Error('unreachable: the round started without a plan');
  const approved: RoundPlan = plan;
  status = 'active';

  const inspectionPlans: InspectionPlan[] = approved.inspections.map((inspection) => ({
    ...inspection,
    roundId,
    approvalChains: approved.approvalChains,
    stageDueDays: approved.stageDueDays,
    escalateAfterHours: approved.escalateAfterHours,
    launchedBy: approved.launchedBy,
    launchedAt,
    plannedStart: approved.plannedStart,
    ...(approved.historyLimit ? { historyLimit: approved.historyLimit } : {}),
    ...(approved.rectificationDueDays ? { rectificationDueDays: approved.rectificationDueDays } : {}),
  }));
  const start = (inspectionPlan: InspectionPlan) =>
    startChild(inspectionWorkflow, {
      workflowId: inspectionWorkflowId(inspectionPlan.inspectionId),
      args: [{ plan: inspectionPlan }],
    });
  // All starts in one workflow task: a round of 200 launches in one round trip, not 200.
  const children = await Promise.all(inspectionPlans.map(start));
  children.forEach((child, i) => {
    const inspectionId = inspectionPlans[i]!.inspectionId;
    // A child that fails or is terminated (by an operator) has ended too: the round must not wait on it.
    void child.result().then(
      () => completed.add(inspectionId),
      () => completed.add(inspectionId),
    );
  });
  // Only now may the launch return: a client that got its 201 can act on every inspection.
  launched = true;

  await condition(() => completed.size === children.length || cancelRequest !== undefined);

  if (cancelRequest && completed.size < children.length) {
    const request = cancelRequest;
    // The API cancels each unfinished inspection with an Update of its own (a workflow
    // cannot send one, and a signal could not refuse a forger with an answer), so each
    // records who cancelled it and why; the round waits for every one to end.
    await condition(() => completed.size === children.length);
    status = 'cancelled';
    await recordRoundStatus({
      roundId,
      status,
      at: new Date(Date.now()).toISOString(),
      actor: request.actor,
      reason: request.reason,
      requestId: request.requestId,
    });
  } else {
    status = 'completed';
    await recordRoundStatus({
      roundId,
      status,
      at: new Date(Date.now()).toISOString(),
      actor: approved.launchedBy,
      reason: null,
      requestId: null,
    });
  }
  outcome = { roundId, status: status as RoundOutcome['status'] };
  await condition(allHandlersFinished);
  return outcome;
}
