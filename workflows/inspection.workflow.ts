import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type * as activities from '../activities/activities.js';
import type { InspectionSteps } from '../db/history.repository.js';
import { requireFromApi } from './api-assertion.js';
import { InspectionProcess, type InspectionSnapshot, type Transition } from './inspection-process.js';
import {
  cancelInspectionUpdate,
  changeGroupUpdate,
  decideStageUpdate,
  inspectionStatusQuery,
  inspectionWorkflowId,
  submitStageUpdate,
  type InspectionPlan,
  type InspectionState,
  type TransitionResult,
} from './messages.js';
import { REFUSAL, Refusal, REFUSAL_MESSAGES } from './refusal.js';
import { StepWriter } from './step-writer.js';

const { recordInspectionSteps, recordGroupChange, submitStage, rectificationFacts } = proxyActivities<activities.Activities>({
  // A write takes milliseconds; a short timeout lets another worker retry a crashed
  // worker's write within seconds (a retry finds what the first attempt wrote).
  startToCloseTimeout: '5 seconds',
  // No attempt limit, on purpose: a database outage must delay a step, never lose it
  // (the API's caller gets a 503 and repeats the request id). What the database can
  // never accept is thrown as non-retryable by the activity and fails the request.
  retry: { initialInterval: '500 milliseconds', maximumInterval: '10 seconds' },
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
 * approval chain. The rules live in `InspectionProcess`; this function wires the
 * messages to it and waits. Every transition is recorded by one activity before the
 * request that caused it returns, one at a time (`StepWriter`).
 */
export async function inspectionWorkflow({ plan, carried }: InspectionWorkflowInput): Promise<InspectionOutcome> {
  const process = new InspectionProcess(plan, carried);
  const writer = new StepWriter();

  const stepsOf = (transition: Transition): InspectionSteps => ({
    inspectionId: plan.inspectionId,
    roundId: plan.roundId,
    events: transition.events,
    status: transition.next.status,
    notices: transition.notices.map((n) => ({ ...n, id: uuid4(), stage: transition.next.status.stage })),
    result: transition.result,
  });

  /** Records a transition the clock caused; nobody waits for an answer. */
  const record = (next: () => Transition): Promise<void> =>
    writer.run(async () => {
      const transition = next();
      if (transition.events.length > 0) await asProcessFailure(recordInspectionSteps(stepsOf(transition)));
      process.commit(transition);
    });

  /**
   * Validators refuse early only what the settled state refuses. While a transition is
   * being written the state is about to change, and the database may already hold it
   * (its request is then answered from there, and the caller's next step, say a
   * decision on a submission, can arrive before the workflow has committed it); such a
   * request queues and is checked when its turn comes.
   */
  const whenSettled = (check: () => void): void => {
    if (writer.idle) asFailure(check);
  };

  setHandler(inspectionStatusQuery, () => process.current);

  /** The first answer to this request id, only for the same request: another under its id is refused. */
  const answered = (input: { requestId: string; fingerprint?: string }): TransitionResult | undefined => {
    const remembered = process.previousResult(input.requestId);
    if (remembered?.fingerprint && remembered.fingerprint !== input.fingerprint) {
      throw ApplicationFailure.create({
        type: REFUSAL.requestIdReused,
        message: REFUSAL_MESSAGES.request_id_reused.en({ requestId: input.requestId }),
        nonRetryable: true,
        details: [{ requestId: input.requestId, messageKey: { code: 'request_id_reused', params: { requestId: input.requestId } } }],
      });
    }
    return remembered;
  };
  /** The result remembers its request's fingerprint, in this workflow's memory and in the database. */
  const fingerprinted = (transition: Transition, input: { fingerprint?: string }): Transition =>
    input.fingerprint && transition.result ? { ...transition, result: { ...transition.result, fingerprint: input.fingerprint } } : transition;

  // From the plan, not workflowInfo(): a replayer may run the history under another id.
  const workflowId = inspectionWorkflowId(plan.inspectionId);
  /** Checked first and whatever the state: a forged request never reaches the rules or the queue. */
  const fromApi = (input: unknown): void => asFailure(() => requireFromApi(input, workflowId));

  setHandler(
    submitStageUpdate,
    (input) =>
      writer.run(async (): Promise<TransitionResult> => {
        const remembered = answered(input);
        if (remembered) return remembered;
        asFailure(() => process.validateSubmit(input));
        const transition = fingerprinted(process.submit(input, now()), input);
        // One activity, one transaction: the exit criteria, the freeze and the step.
        const gate = await asRequestFailure(submitStage({ ...stepsOf(transition), stage: input.stage }));
        if (gate.unmet.length > 0) {
          throw ApplicationFailure.create({
            type: REFUSAL.exitCriteriaUnmet,
            message: `stage ${input.stage} cannot be submitted: ${gate.unmet.length} exit criteria unmet`,
            nonRetryable: true,
            details: [{ stage: input.stage, state: process.current.state, unmet: gate.unmet }],
          });
        }
        process.commit(transition);
        return transition.result!;
      }),
    {
      validator: (input) => {
        fromApi(input);
        whenSettled(() => process.validateSubmit(input));
      },
    },
  );

  setHandler(
    decideStageUpdate,
    (input) =>
      writer.run(async (): Promise<TransitionResult> => {
        const remembered = answered(input);
        if (remembered) return remembered;
        // Checked again: an earlier request in the queue may have changed the stage.
        asFailure(() => process.validateDecide(input));
        const transition = fingerprinted(process.decide(input, now()), input);
        await asRequestFailure(recordInspectionSteps(stepsOf(transition)));
        process.commit(transition);
        return transition.result!;
      }),
    {
      validator: (input) => {
        fromApi(input);
        whenSettled(() => process.validateDecide(input));
      },
    },
  );

  setHandler(
    changeGroupUpdate,
    (input) =>
      writer.run(async () => {
        asFailure(() => process.validateChangeGroup(input));
        const transition = process.changeGroup(input, now());
        await asRequestFailure(recordGroupChange({ steps: stepsOf(transition), change: input.change }));
        process.commit(transition);
        return { requestId: input.requestId, seq: transition.next.status.seq, group: process.group };
      }),
    {
      validator: (input) => {
        fromApi(input);
        asFailure(() => process.validateChangeGroup(input));
      },
    },
  );

  setHandler(
    cancelInspectionUpdate,
    (input) =>
      writer.run(async () => {
        // Checked again in its turn: a transition ahead of it in the queue may have ended the inspection.
        if (!process.finished) {
          const transition = process.cancel(input, now());
          await asRequestFailure(recordInspectionSteps(stepsOf(transition)));
          process.commit(transition);
        }
        return { inspectionId: plan.inspectionId, state: process.current.state };
      }),
    {
      validator: (input) => {
        fromApi(input);
        asFailure(() => process.validateCancel(input));
      },
    },
  );

  if (!carried) await record(() => process.opening());

  while (!process.finished) {
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > (plan.historyLimit ?? DEFAULT_HISTORY_LIMIT)) {
      await condition(() => allHandlersFinished() && writer.idle);
      // A cancellation recorded while we waited ends the inspection here, not in a new run.
      if (process.finished) break;
      return continueAsNew<typeof inspectionWorkflow>({ plan, carried: process.snapshot() });
    }
    const seen = process.current.seq;
    const deadline = process.nextDeadline();
    const woken = () => process.current.seq !== seen || process.finished;
    const changed =
      deadline === undefined ? (await condition(woken), true) : await condition(woken, Math.max(deadline - Date.now(), 1));
    if (!changed) {
      // The target's due dates count from the feedback meeting, which only the records know.
      const facts = process.watchesRectification() ? await rectificationFacts(plan.inspectionId) : undefined;
      await record(() => process.checkDeadlines(Date.now(), facts));
    }
  }

  await condition(() => allHandlersFinished() && writer.idle);
  const state = process.current.state;
  return { inspectionId: plan.inspectionId, state: state === 'cancelled' ? 'cancelled' : 'completed' };
}

/** Workflow time: deterministic on replay, unlike the machine clock. */
function now(): string {
  return new Date(Date.now()).toISOString();
}

/** A refusal of the process rules becomes the failure the API maps to 403/409. */
function asFailure(check: () => void): void {
  try {
    check();
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    // The code and parameters travel with the failure, so the API can word it in the caller's language.
    throw ApplicationFailure.create({
      type: error.type,
      message: error.message,
      nonRetryable: true,
      details: [{ ...error.details, messageKey: { code: error.code, params: error.params } }],
    });
  }
}

/**
 * A write the database refused for good fails the request that asked for it; the
 * process state was not committed, so the inspection goes on as before.
 */
async function asRequestFailure<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure) {
      throw ApplicationFailure.create({ type: REFUSAL.notRecordable, message: error.cause.message, nonRetryable: true });
    }
    throw error;
  }
}

/**
 * A step nobody asked for (timer, cancellation, opening) that the database refuses
 * cannot be answered to anyone: fail the workflow task, which Temporal retries and
 * shows as failing, until the cause is fixed. The workflow itself stays open.
 */
async function asProcessFailure<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    throw new Error(`recording a step failed: ${(error as Error).message}`, { cause: error });
  }
}
