import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findRequestResult, listHistory, verifyChain } from '../../db/history.repository.js';
import { verifyRecords, type FrozenRecords } from '../../db/stage-gate.repository.js';
import {
  decideStageUpdate,
  inspectionWorkflowId,
  submitStageUpdate,
  type TransitionResult,
} from '../../workflows/messages.js';
import { requireInspectionReader, requireRole } from '../access.js';
import { commonErrors, conflict } from '../errors.js';
import { decisionBody, historyStep, inspectionView, submissionBody, transitionView, uuidParam } from '../schemas.js';
import { callWorkflow, callWorkflowWithin } from '../temporal-errors.js';
import { loadInspection } from '../views.js';
import { requireNotRecused } from '../records.service.js';

const inspectionParams = z.object({ id: uuidParam });

export const inspectionRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, temporal } = app.services;
  const within = app.services.requestTimeoutMs ?? 30_000;

  /** Loads the inspection for a caller allowed to see it: 404 before 403, so ids do not leak by timing. */
  const readable = async (id: string, actor: Parameters<typeof requireInspectionReader>[0]) => {
    const inspection = await loadInspection(db, id);
    requireInspectionReader(actor, inspection.members);
    return inspection;
  };

  /**
   * A repeated request id is answered from the database, so the answer is the first
   * one even after the workflow has finished. A different request under a used id
   * is refused rather than silently given someone else's result.
   */
  const previous = async (id: string, requestId: string, action: TransitionResult['action'], stage: string) => {
    const found = await findRequestResult(db, id, requestId);
    if (!found) return undefined;
    if (found.action !== action || found.stage !== stage) {
      throw conflict(`requestId ${requestId} was already used for a ${found.action} on stage ${found.stage}`, {
        requestId,
      });
    }
    return found.result;
  };

  const stillRunning = (row: { stage: string; state: string }) => {
    if (row.state === 'completed' || row.state === 'cancelled') {
      throw conflict(`the inspection is ${row.state}; nothing more can be submitted or decided`, {
        stage: row.stage,
        state: row.state,
      });
    }
  };

  app.get(
    '/inspections/:id',
    {
      schema: {
        summary: 'One inspection: target, group, stage, state, due date and whose move it is',
        tags: ['inspections'],
        params: inspectionParams,
        response: { 200: inspectionView, ...commonErrors },
      },
    },
    async (request) => (await readable(request.params.id, request.actor)).view,
  );

  app.post(
    '/inspections/:id/submissions',
    {
      schema: {
        summary: "Submit the open stage for approval (the group's leader); its records freeze",
        tags: ['inspections'],
        params: inspectionParams,
        body: submissionBody,
        response: { 200: transitionView, ...commonErrors },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { stage, requestId, comment } = request.body;
      const { row } = await readable(id, request.actor);
      const repeat = await previous(id, requestId, 'submission', stage);
      if (repeat) return repeat;
      stillRunning(row);
      await requireNotRecused(db, id, request.actor);
      return callWorkflowWithin(temporal, within, () =>
        temporal.workflow.getHandle(inspectionWorkflowId(id)).executeUpdate(submitStageUpdate, {
          updateId: requestId,
          args: [{ stage, requestId, comment: comment || null, actor: request.actor }],
        }),
      );
    },
  );

  app.post(
    '/inspections/:id/decisions',
    {
      schema: {
        summary: 'Approve or reject the submitted stage (the role due next in its chain)',
        tags: ['inspections'],
        params: inspectionParams,
        body: decisionBody,
        response: { 200: transitionView, ...commonErrors },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { stage, decision, requestId, comment, meeting } = request.body;
      const { row } = await readable(id, request.actor);
      const repeat = await previous(id, requestId, 'decision', stage);
      if (repeat) return repeat;
      stillRunning(row);
      return callWorkflowWithin(temporal, within, () =>
        temporal.workflow.getHandle(inspectionWorkflowId(id)).executeUpdate(decideStageUpdate, {
          updateId: requestId,
          args: [{ stage, decision, requestId, comment: comment || null, meeting: meeting ?? null, actor: request.actor }],
        }),
      );
    },
  );

  app.get(
    '/inspections/:id/history',
    {
      schema: {
        summary: 'The timeline: every step with time, actor, stage, kind and comment, hash-chained',
        tags: ['history'],
        params: inspectionParams,
        response: { 200: z.object({ inspectionId: z.uuid(), steps: z.array(historyStep) }), ...commonErrors },
      },
    },
    async (request) => {
      await readable(request.params.id, request.actor);
      const steps = await listHistory(db, request.params.id);
      return { inspectionId: request.params.id, steps: steps as z.infer<typeof historyStep>[] };
    },
  );

  app.get(
    '/inspections/:id/history/verify',
    {
      schema: {
        summary:
          "Recompute the history's hash chain and each submission's digest of its records: shows whether any step or record was altered or removed",
        tags: ['history'],
        params: inspectionParams,
        response: {
          200: z.object({
            inspectionId: z.uuid(),
            intact: z.boolean(),
            historyIntact: z.boolean(),
            recordsIntact: z.boolean(),
            steps: z.number(),
            firstBrokenSeq: z.number().nullable(),
            problems: z.array(z.string()),
          }),
          ...commonErrors,
        },
      },
    },
    async (request) => {
      await readable(request.params.id, request.actor);
      const history = await listHistory(db, request.params.id);
      const chain = verifyChain(request.params.id, history);
      const submissions = history
        .filter((step) => step.kind === 'submitted' && step.data.records)
        .map((step) => ({ seq: step.seq, frozen: step.data.records as FrozenRecords }));
      const recordProblems = await verifyRecords(db, request.params.id, submissions);
      return {
        inspectionId: request.params.id,
        ...chain,
        intact: chain.intact && recordProblems.length === 0,
        historyIntact: chain.intact,
        recordsIntact: recordProblems.length === 0,
        problems: [...chain.problems, ...recordProblems],
      };
    },
  );

  app.get(
    '/inspections/:id/history/temporal',
    {
      schema: {
        summary: "The inspection workflow's raw Temporal event history, as the SDK's replayer reads it",
        tags: ['history'],
        params: inspectionParams,
        response: { 200: z.record(z.string(), z.unknown()), ...commonErrors },
      },
    },
    async (request) => {
      requireRole(request.actor, 'auditor', 'office', 'leading_group');
      await readable(request.params.id, request.actor);
      const history = await callWorkflow(() =>
        temporal.workflow.getHandle(inspectionWorkflowId(request.params.id)).fetchHistory(),
      );
      return JSON.parse(historyToJSON(history)) as Record<string, unknown>;
    },
  );
};
