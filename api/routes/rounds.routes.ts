import { createHash, randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listRoundEvents, listRounds } from '../../db/rounds.repository.js';
import { cancelRoundUpdate, roundLaunchedUpdate, roundWorkflowId, type RoundPlan } from '../../workflows/messages.js';
import type { roundWorkflow } from '../../workflows/round.workflow.js';
import { seesAllRounds } from '../../workflows/roles.js';
import { resolveApprovalChains, resolveDueDays } from '../../workflows/stages.js';
import { requireRole } from '../access.js';
import { commonErrors, conflict, forbidden } from '../errors.js';
import { cancelBody, launchRoundBody, roundStatus, roundSummary, roundView, uuidParam, type LaunchRoundBody } from '../schemas.js';
import { callWorkflowWithin } from '../temporal-errors.js';
import { loadRoundView, toRoundSummary } from '../views.js';

const roundParams = z.object({ roundId: uuidParam });

export const roundRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, temporal, taskQueue } = app.services;
  const within = app.services.requestTimeoutMs ?? 30_000;

  app.post(
    '/rounds',
    {
      schema: {
        summary: 'Launch a round: one inspection per target, each starting at preparation',
        tags: ['rounds'],
        body: launchRoundBody,
        response: { 201: roundView, ...commonErrors },
      },
    },
    async (request, reply) => {
      requireRole(request.actor, 'office');
      const plan = roundPlan(request.body, request.actor, app.services.historyLimit);
      await callWorkflowWithin(temporal, within, () =>
        temporal.workflow.executeUpdateWithStart(roundLaunchedUpdate, {
          updateId: request.body.requestId ?? `launch-${plan.roundId}`,
          startWorkflowOperation: new WithStartWorkflowOperation<typeof roundWorkflow>('roundWorkflow', {
            workflowId: roundWorkflowId(plan.roundId),
            taskQueue,
            args: [plan],
            // With a requestId the round id is derived from it, so a repeat finds the
            // running round instead of launching a second one.
            workflowIdConflictPolicy: 'USE_EXISTING',
          }),
        }),
      );
      return reply.code(201).send(await loadRoundView(db, plan.roundId));
    },
  );

  app.get(
    '/rounds',
    {
      schema: {
        summary: 'Rounds the caller may see, newest first',
        tags: ['rounds'],
        querystring: z.object({ status: roundStatus.optional() }),
        response: { 200: z.object({ rounds: z.array(roundSummary) }), ...commonErrors },
      },
    },
    async (request) => {
      const rows = await listRounds(db, {
        status: request.query.status,
        memberSub: seesAllRounds(request.actor) ? undefined : request.actor.sub,
      });
      return { rounds: rows.map((round) => ({ ...toRoundSummary(round), inspectionCount: Number(round.inspection_count) })) };
    },
  );

  app.get(
    '/rounds/:roundId',
    {
      schema: {
        summary: "A round with each inspection's stage, state, due date, overdue flag and whose move it is",
        tags: ['rounds'],
        params: roundParams,
        response: { 200: roundView, ...commonErrors },
      },
    },
    async (request) => {
      const round = await loadRoundView(db, request.params.roundId);
      if (seesAllRounds(request.actor)) return round;
      // Authority is per group: a group sees its own inspections of the round, not the others'.
      const mine = round.inspections.filter(
        (i) => i.group.leader.sub === request.actor.sub || i.group.members.some((m) => m.sub === request.actor.sub),
      );
      if (mine.length === 0) throw forbidden('you are not named in any group of this round');
      return { ...round, inspections: mine };
    },
  );

  app.post(
    '/rounds/:roundId/cancel',
    {
      schema: {
        summary: 'Cancel a round: every unfinished inspection is cancelled with the reason',
        tags: ['rounds'],
        params: roundParams,
        body: cancelBody,
        response: { 200: roundView, ...commonErrors },
      },
    },
    async (request) => {
      requireRole(request.actor, 'office');
      const { roundId } = request.params;
      const round = await loadRoundView(db, roundId);
      const requestId = request.body.requestId ?? randomUUID();
      const events = await listRoundEvents(db, roundId);
      // The same cancellation repeated: answer as the first time.
      if (events.some((e) => e.kind === 'cancelled' && e.request_id === requestId)) return round;
      if (round.status !== 'active') {
        throw conflict(`the round is already ${round.status}`, { status: round.status });
      }
      await callWorkflowWithin(temporal, within, () =>
        temporal.workflow.getHandle(roundWorkflowId(roundId)).executeUpdate(cancelRoundUpdate, {
          updateId: requestId,
          args: [{ reason: request.body.reason, requestId, actor: request.actor }],
        }),
      );
      return loadRoundView(db, roundId);
    },
  );
};

function roundPlan(body: LaunchRoundBody, actor: RoundPlan['launchedBy'], historyLimit?: number): RoundPlan {
  const roundId = body.requestId ? uuidFrom(`round:${body.requestId}`) : randomUUID();
  return {
    roundId,
    name: body.name,
    year: body.year,
    plannedStart: body.plannedStart,
    plannedEnd: body.plannedEnd,
    focus: body.focus,
    approvalChains: resolveApprovalChains(body.approvalChains),
    stageDueDays: resolveDueDays(body.stageDueDays),
    escalateAfterHours: body.escalateAfterHours,
    launchedBy: actor,
    ...(historyLimit ? { historyLimit } : {}),
    inspections: body.inspections.map((inspection, position) => ({
      inspectionId: body.requestId ? uuidFrom(`inspection:${body.requestId}:${position}`) : randomUUID(),
      position,
      target: { ...inspection.target, liaison: inspection.target.liaison ?? null },
      group: {
        name: inspection.group.name,
        leader: inspection.group.leader,
        members: inspection.group.members.map((m) => ({ sub: m.sub, name: m.name, homeUnit: m.homeUnit ?? null })),
      },
    })),
  };
}

/** A stable UUID (v8 layout) from a name, so the same request id always names the same round. */
function uuidFrom(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  const variant = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
