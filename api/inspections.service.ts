import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { findRequestResult, listHistory } from '../db/history.repository.js';
import {
  decideStageUpdate,
  inspectionWorkflowId,
  submitStageUpdate,
  type DecideStageInput,
  type SubmitStageInput,
  type TransitionResult,
} from '../workflows/messages.js';
import type { Actor } from '../workflows/roles.js';
import { isFinished, type StageId } from '../workflows/stages.js';
import { requireAccess } from './access.js';
import { conflict } from './errors.js';
import type { Services } from './plugins/services.plugin.js';
import { callWorkflow, callWorkflowWithin } from './temporal-errors.js';
import { verifyInspection } from './verify.service.js';
import { loadInspection, toTransitionView, type Inspection } from './views.js';

/** What a client sends for a transition: the API adds the verified actor. */
type Request<I> = Omit<I, 'actor' | 'comment'> & { comment?: string };

/** One inspection: its stage transitions (through its workflow) and its audit trail. */
export class InspectionsService {
  constructor(private readonly services: Services) {}

  async get(actor: Actor, inspectionId: string) {
    const inspection = await loadInspection(this.services.db, inspectionId);
    await requireAccess(this.services.db, actor, 'inspection.read', inspection);
    return inspection.view;
  }

  /** The group's leader submits the open stage; the workflow checks who and the exit criteria. */
  async submit(actor: Actor, inspectionId: string, { stage, requestId, comment }: Request<SubmitStageInput>) {
    const inspection = await loadInspection(this.services.db, inspectionId);
    await requireAccess(this.services.db, actor, 'inspection.submit', inspection);
    return this.transition(inspection, 'submission', stage, requestId, (handle) =>
      handle.executeUpdate(submitStageUpdate, { updateId: requestId, args: [{ stage, requestId, comment: comment || null, actor }] }),
    );
  }

  /** The role due next decides; the workflow checks which role that is. */
  async decide(actor: Actor, inspectionId: string, { stage, decision, requestId, comment, meeting }: Request<DecideStageInput>) {
    const inspection = await loadInspection(this.services.db, inspectionId);
    await requireAccess(this.services.db, actor, 'inspection.read', inspection);
    return this.transition(inspection, 'decision', stage, requestId, (handle) =>
      handle.executeUpdate(decideStageUpdate, {
        updateId: requestId,
        args: [{ stage, decision, requestId, comment: comment || null, meeting: meeting ?? null, actor }],
      }),
    );
  }

  async history(actor: Actor, inspectionId: string) {
    const inspection = await loadInspection(this.services.db, inspectionId);
    await requireAccess(this.services.db, actor, 'inspection.read', inspection);
    const steps = await listHistory(this.services.db, inspectionId);
    return { inspectionId, steps };
  }

  /**
   * Recomputes the step chain, each submission's digest, the ledger, the signed
   * checkpoints, and compares the database with Temporal's history.
   */
  async verify(actor: Actor, inspectionId: string) {
    const inspection = await loadInspection(this.services.db, inspectionId);
    await requireAccess(this.services.db, actor, 'inspection.read', inspection);
    return verifyInspection(this.services, inspectionId);
  }

  /** The workflow's raw event history, as the SDK's replayer reads it. */
  async temporalHistory(actor: Actor, inspectionId: string) {
    await requireAccess(this.services.db, actor, 'inspection.raw_history');
    await loadInspection(this.services.db, inspectionId);
    const history = await callWorkflow(() => this.services.temporal.workflow.getHandle(inspectionWorkflowId(inspectionId)).fetchHistory());
    return JSON.parse(historyToJSON(history)) as Record<string, unknown>;
  }

  /**
   * A repeated request id is answered from the database, so the answer is the first
   * one even after the workflow has finished. A different request under a used id
   * is refused rather than silently given someone else's result.
   */
  private async transition(
    inspection: Inspection,
    action: TransitionResult['action'],
    stage: StageId,
    requestId: string,
    send: (handle: WorkflowHandle) => Promise<TransitionResult>,
  ) {
    const { db, temporal } = this.services;
    const { row } = inspection;
    const found = await findRequestResult(db, row.id, requestId);
    if (found) {
      if (found.action !== action || found.stage !== stage) {
        throw conflict(`requestId ${requestId} was already used for a ${found.action} on stage ${found.stage}`, { requestId });
      }
      return toTransitionView(found.result, row.leader_sub);
    }
    if (isFinished(row.state)) {
      throw conflict(`the inspection is ${row.state}; nothing more can be submitted or decided`, { stage: row.stage, state: row.state });
    }
    const result = await callWorkflowWithin(temporal, this.services.requestTimeoutMs ?? 30_000, () =>
      send(temporal.workflow.getHandle(inspectionWorkflowId(row.id))),
    );
    // The workflow remembers every request id it answered, whatever the action (a group
    // change too): an id reused for another action gets that answer back, never this one.
    if ((result as { action?: string }).action !== action || result.stage !== stage) {
      throw conflict(`requestId ${requestId} was already used for another request on this inspection`, { requestId });
    }
    return toTransitionView(result, row.leader_sub);
  }
}
