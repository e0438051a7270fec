import type { WorkflowHandle } from '@temporalio/client';
import { fetchAllRuns } from '../platform/workflow-runs.js';
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
import { readsAllLeads, requireAccess, shownStepData } from './access.js';
import { conflict } from './errors.js';
import { decodePageCursor, isSeq, pageOf } from './paging.js';
import { claimInspectionRequest, requestFingerprint, requestIdReused } from './idempotency.js';
import type { Services } from './plugins/services.plugin.js';
import { callWorkflow, callWorkflowWithin } from './temporal-errors.js';
import { verifyInspection } from './verify.service.js';
import { loadInspection, toTransitionView, type Inspection } from './views.js';

/** A transition as the caller sees it: the fingerprint stays between the API and the workflow. */
function view({ fingerprint: _fingerprint, ...result }: TransitionResult, leaderSub: string) {
  return toTransitionView(result, leaderSub);
}

/** What a client sends for a transition: the API adds the verified actor. */
type Request<I> = Omit<I, 'actor' | 'comment' | 'issuedFor' | 'fingerprint'> & { comment?: string };

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
    const fingerprint = requestFingerprint(actor.sub, 'submission', inspectionId, { stage, comment: comment || null });
    return this.transition(actor, inspection, 'submission', stage, requestId, fingerprint, (handle) =>
      handle.executeUpdate(submitStageUpdate, {
        updateId: requestId,
        args: [{ stage, requestId, fingerprint, comment: comment || null, actor, issuedFor: inspectionWorkflowId(inspectionId) }],
      }),
    );
  }

  /** The role due next decides; the workflow checks which role that is. */
  async decide(actor: Actor, inspectionId: string, { stage, decision, requestId, comment, meeting }: Request<DecideStageInput>) {
    const inspection = await loadInspection(this.services.db, inspectionId);
    await requireAccess(this.services.db, actor, 'inspection.decide', inspection);
    const fingerprint = requestFingerprint(actor.sub, 'decision', inspectionId, { stage, decision, comment: comment || null, meeting: meeting ?? null });
    return this.transition(actor, inspection, 'decision', stage, requestId, fingerprint, (handle) =>
      handle.executeUpdate(decideStageUpdate, {
        updateId: requestId,
        args: [
          {
            stage,
            decision,
            requestId,
            fingerprint,
            comment: comment || null,
            meeting: meeting ?? null,
            actor,
            issuedFor: inspectionWorkflowId(inspectionId),
          },
        ],
      }),
    );
  }

  /** One page of the steps, in order (keyset on the step's sequence number). */
  async history(actor: Actor, inspectionId: string, page: { limit: number; cursor?: string }) {
    const inspection = await loadInspection(this.services.db, inspectionId);
    await requireAccess(this.services.db, actor, 'inspection.history', inspection);
    const afterSeq = page.cursor ? decodePageCursor(page.cursor, isSeq) : undefined;
    const fetched = await listHistory(this.services.db, inspectionId, { afterSeq, limit: page.limit + 1 });
    const { rows, nextCursor } = pageOf(fetched, page.limit, (step) => step.seq);
    return { inspectionId, steps: rows.map((step) => ({ ...step, data: shownStepData(inspection, actor, step.data) })), nextCursor };
  }

  /**
   * Recomputes the step chain, each submission's digest, the ledger, the signed
   * checkpoints, and compares the database with Temporal's history.
   */
  async verify(actor: Actor, inspectionId: string) {
    const inspection = await loadInspection(this.services.db, inspectionId);
    await requireAccess(this.services.db, actor, 'inspection.history', inspection);
    // Whoever does not read the leads learns nothing of them here either, not even that one was altered.
    const leads = readsAllLeads(inspection, actor);
    const verified = await verifyInspection(this.services, inspectionId, { leads });
    // The ledger and its signed heads cover the leads too: their count and heads would tell that one exists.
    return leads ? verified : { ...verified, ledgerEntries: null, checkpoints: [] };
  }

  /** Every run of the workflow (continued as new when its history grew long), oldest first, as the SDK's replayer reads each. */
  async temporalHistory(actor: Actor, inspectionId: string) {
    await requireAccess(this.services.db, actor, 'inspection.raw_history');
    await requireAccess(this.services.db, actor, 'inspection.not_kept_out', await loadInspection(this.services.db, inspectionId));
    const workflowId = inspectionWorkflowId(inspectionId);
    // Opened by fetchAllRuns with the API's codec, for readers entitled to the content: the replayer then needs no key.
    const runs = await callWorkflow(() => fetchAllRuns(this.services.temporal, workflowId));
    return { inspectionId, workflowId, runs: runs.map(({ runId, history }) => ({ runId, history })) };
  }

  /**
   * A repeated request id is answered from the database, so the answer is the first
   * one even after the workflow has finished, but only to the same person repeating
   * the same request (its fingerprint): anything else under a used id is a 409
   * `request_id_reused`, never someone else's result.
   */
  private async transition(
    actor: Actor,
    inspection: Inspection,
    action: TransitionResult['action'],
    stage: StageId,
    requestId: string,
    fingerprint: string,
    send: (handle: WorkflowHandle) => Promise<TransitionResult>,
  ) {
    const { db, temporal } = this.services;
    const { row } = inspection;
    const found = await findRequestResult(db, row.id, requestId);
    if (found) {
      // Results recorded before fingerprints existed are matched on action and stage.
      const same = found.result.fingerprint ? found.result.fingerprint === fingerprint : found.action === action && found.stage === stage;
      if (!same) throw requestIdReused(requestId);
      return view(found.result, row.leader_sub);
    }
    if (isFinished(row.state)) {
      throw conflict({ key: 'inspection_finished', params: { state: row.state } }, { stage: row.stage, state: row.state });
    }
    await claimInspectionRequest(db, actor.sub, requestId, fingerprint);
    const result = await callWorkflowWithin(temporal, this.services.requestTimeoutMs ?? 30_000, () =>
      send(temporal.workflow.getHandle(inspectionWorkflowId(row.id))),
    );
    // Temporal answers an update id it has seen with that update's outcome, whoever asks
    // and whatever the action (a group change too): only our own request's is ours to give.
    if ((result as { fingerprint?: string }).fingerprint !== fingerprint || result.action !== action) throw requestIdReused(requestId);
    return view(result, row.leader_sub);
  }
}
