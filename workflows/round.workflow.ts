import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  startChild,
} from '@temporalio/workflow';
import type * as activities from '../activities/activities.js';
import { inspectionWorkflow } from './inspection.workflow.js';
import {
  REFUSAL,
  cancelInspectionSignal,
  cancelRoundUpdate,
  inspectionWorkflowId,
  roundLaunchedUpdate,
  roundStatusQuery,
  type CancelInput,
  type InspectionPlan,
  type RoundOutcome,
  type RoundPlan,
  type RoundStatus,
} from './messages.js';
import { hasRole } from './roles.js';

const { recordRoundLaunched, recordRoundStatus } = proxyActivities<activities.Activities>({
  // Writing a round of many inspections takes longer than one step; still seconds.
  startToCloseTimeout: '30 seconds',
  // No attempt limit, on purpose, as for inspection steps: an outage delays the round's
  // record, never loses it; what the database can never accept is non-retryable.
  retry: { initialInterval: '500 milliseconds', maximumInterval: '10 seconds' },
});

/**
 * One round: writes the plan to the database, starts one inspection per target and
 * ends when every inspection has completed, or when the office cancels the round.
 */
export async function roundWorkflow(plan: RoundPlan): Promise<RoundOutcome> {
  let launched = false;
  let status: RoundStatus = 'active';
  let cancelRequest: CancelInput | undefined;
  let outcome: RoundOutcome | undefined = undefined;
  const completed = new Set<string>();

  setHandler(roundStatusQuery, () => ({ status, completed: [...completed] }));
  setHandler(roundLaunchedUpdate, async () => {
    await condition(() => launched);
    return { roundId: plan.roundId, inspectionIds: plan.inspections.map((i) => i.inspectionId) };
  });
  setHandler(
    cancelRoundUpdate,
    async (input) => {
      cancelRequest ??= input;
      await condition(() => outcome !== undefined);
      return outcome as RoundOutcome;
    },
    {
      validator: (input) => {
        if (!hasRole(input.actor, 'office')) {
          throw ApplicationFailure.create({ type: REFUSAL.forbidden, message: 'only the inspection office may cancel a round', nonRetryable: true });
        }
        if (status !== 'active' || cancelRequest) {
          throw ApplicationFailure.create({
            type: REFUSAL.conflict,
            message: `the round is already ${cancelRequest ? 'being cancelled' : status}`,
            nonRetryable: true,
            details: [{ status }],
          });
        }
      },
    },
  );

  const launchedAt = new Date(Date.now()).toISOString();
  await recordRoundLaunched({ plan, launchedAt });

  const inspectionPlans: InspectionPlan[] = plan.inspections.map((inspection) => ({
    ...inspection,
    roundId: plan.roundId,
    approvalChains: plan.approvalChains,
    stageDueDays: plan.stageDueDays,
    escalateAfterHours: plan.escalateAfterHours,
    launchedBy: plan.launchedBy,
    launchedAt,
    plannedStart: plan.plannedStart,
    ...(plan.historyLimit ? { historyLimit: plan.historyLimit } : {}),
    ...(plan.rectificationDueDays ? { rectificationDueDays: plan.rectificationDueDays } : {}),
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
    // Signal rather than cancel the children, so each records who cancelled it and why
    // as a step of its own history before it ends.
    for (const inspection of plan.inspections) {
      if (completed.has(inspection.inspectionId)) continue;
      try {
        await getExternalWorkflowHandle(inspectionWorkflowId(inspection.inspectionId)).signal(cancelInspectionSignal, request);
      } catch {
        // It completed between our check and the signal: nothing left to cancel.
      }
    }
    await condition(() => completed.size === children.length);
    status = 'cancelled';
    await recordRoundStatus({
      roundId: plan.roundId,
      status,
      at: new Date(Date.now()).toISOString(),
      actor: request.actor,
      reason: request.reason,
      requestId: request.requestId,
    });
  } else {
    status = 'completed';
    await recordRoundStatus({
      roundId: plan.roundId,
      status,
      at: new Date(Date.now()).toISOString(),
      actor: plan.launchedBy,
      reason: null,
      requestId: null,
    });
  }
  outcome = { roundId: plan.roundId, status };
  await condition(allHandlersFinished);
  return outcome;
}
