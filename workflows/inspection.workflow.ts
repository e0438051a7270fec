import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  setHandler,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type * as activities from '../activities/activities.js';
import { InspectionProcess, type InspectionSnapshot, type Transition } from './inspection-process.js';
import {
  cancelInspectionSignal,
  decideStageUpdate,
  inspectionStatusQuery,
  submitStageUpdate,
  type CancelInput,
  type InspectionPlan,
  type InspectionState,
  type SubmitStageInput,
  type TransitionResult,
  REFUSAL,
} from './messages.js';

const { recordInspectionSteps, freezeStage } = proxyActivities<ReturnType<typeof activities.createActivities>>({
  // A database write takes milliseconds; a short timeout lets a crashed worker's write be retried soon.
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** Past this many events a run hands its state to a fresh one (continue-as-new), unless the plan says otherwise. */
const DEFAULT_HISTORY_LIMIT = 2000;

export interface InspectionWorkflowInput {
  plan: InspectionPlan;
  /** Present when continuing as new: the state carried over from the previous run. */
  carried?: InspectionSnapshot;
}

export interface InspectionOutcome {
  inspectionId: string;
  state: Extract<InspectionState, 'completed' | 'cancelled'>;
}

/**
 * One group inspecting one target: the stages in order, each left only through its
 * approval chain. Every step is written to the database by an activity before the
 * update that caused it returns, one write at a time so the history's hash chain
 * stays in order.
 */
export async function inspectionWorkflow({ plan, carried }: InspectionWorkflowInput): Promise<InspectionOutcome> {
  const process = new InspectionProcess(plan, carried);
  let pendingCancel: CancelInput | undefined;
  let writes: Promise<unknown> = Promise.resolve();

  const persist = (transition: Transition): Promise<void> => {
    if (transition.events.length === 0) return writes.then(() => undefined);
    // Taken now, not when the write before it finishes: the row must match these events.
    const steps = {
      inspectionId: plan.inspectionId,
      roundId: plan.roundId,
      events: transition.events,
      status: process.current,
      notices: transition.notices.map((n) => ({ ...n, id: uuid4(), stage: process.current.stage })),
      result: transition.result,
    };
    const next = writes.then(() => recordInspectionSteps(steps));
    writes = next.catch(() => undefined);
    return next;
  };

  const apply = async (transition: Transition): Promise<TransitionResult> => {
    await persist(transition);
    if (!transition.result) throw new Error('a request transition always has a result');
    return transition.result;
  };

  setHandler(inspectionStatusQuery, () => process.current);
  /**
   * Exit criteria live in the database with the records, so the check is an activity
   * that also freezes the stage. While it runs, other requests are refused rather
   * than queued behind it.
   */
  const submit = async (input: SubmitStageInput): Promise<TransitionResult> => {
    const remembered = process.previousResult(input.requestId);
    if (remembered) return remembered;
    // Histories recorded before exit criteria existed replay without the check.
    let frozen: Record<string, unknown> = {};
    if (patched('inspection-exit-criteria')) {
      process.beginCheck(input.requestId);
      let gate;
      try {
        // The database must show every earlier step before the gate reads it.
        if (patched('inspection-gate-after-writes')) await writes;
        gate = await freezeStage({ inspectionId: plan.inspectionId, stage: input.stage });
      } finally {
        process.endCheck();
      }
      const { unmet } = gate;
      // Older gates returned no digest; the step then records none.
      if (gate.frozen) frozen = { records: gate.frozen };
      if (unmet.length > 0) {
        throw ApplicationFailure.create({
          type: REFUSAL.exitCriteriaUnmet,
          message: `stage ${input.stage} cannot be submitted: ${unmet.length} exit criteria unmet`,
          nonRetryable: true,
          details: [{ stage: input.stage, state: process.current.state, unmet }],
        });
      }
      if (process.finished) {
        throw ApplicationFailure.create({ type: REFUSAL.conflict, message: 'the inspection was cancelled', nonRetryable: true });
      }
    }
    return apply(process.submit(input, now(), frozen));
  };

  setHandler(submitStageUpdate, submit, {
    validator: (input) => process.validateSubmit(input),
  });
  setHandler(decideStageUpdate, (input) => apply(process.decide(input, now())), {
    validator: (input) => process.validateDecide(input),
  });
  setHandler(cancelInspectionSignal, (input) => {
    pendingCancel ??= input;
  });

  if (!carried) await persist(process.opening());

  while (!process.finished) {
    if (pendingCancel) {
      await persist(process.cancel(pendingCancel, now()));
      break;
    }
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > (plan.historyLimit ?? DEFAULT_HISTORY_LIMIT)) {
      await condition(allHandlersFinished);
      await writes;
      // A cancellation that arrived while we waited must be recorded, not dropped with this run.
      if (pendingCancel && patched('inspection-cancel-before-continue-as-new')) continue;
      return continueAsNew<typeof inspectionWorkflow>({ plan, carried: process.snapshot() });
    }
    const seen = process.current.seq;
    const deadline = process.nextDeadline();
    const woken = () => process.current.seq !== seen || pendingCancel !== undefined || process.finished;
    const changed =
      deadline === undefined ? (await condition(woken), true) : await condition(woken, Math.max(deadline - Date.now(), 1));
    if (!changed) await persist(process.checkDeadlines(Date.now()));
  }

  await condition(allHandlersFinished);
  await writes;
  const state = process.current.state;
  return { inspectionId: plan.inspectionId, state: state === 'cancelled' ? 'cancelled' : 'completed' };
}

/** Workflow time: deterministic on replay, unlike the machine clock. */
function now(): string {
  return new Date(Date.now()).toISOString();
}
