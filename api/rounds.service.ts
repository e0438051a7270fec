import { createHash, randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { hasRoundEvent, listRounds } from '../db/rounds.repository.js';
import { cancelRoundUpdate, roundLaunchedUpdate, roundWorkflowId, type RoundPlan, type RoundStatus } from '../workflows/messages.js';
import type { roundWorkflow } from '../workflows/round.workflow.js';
import { seesAllRounds, type Actor } from '../workflows/roles.js';
import { resolveApprovalChains, resolveDueDays } from '../workflows/stages.js';
import { isNamedIn, requireAccess } from './access.js';
import { conflict } from './errors.js';
import { requireListedFocus } from './focus-areas.service.js';
import type { Services } from './plugins/services.plugin.js';
import type { LaunchRoundBody } from './schemas.js';
import { callWorkflowWithin } from './temporal-errors.js';
import { loadRoundView, toRoundSummary } from './views.js';

/** Rounds: launched and cancelled through the round workflow, read from the database. */
export class RoundsService {
  constructor(private readonly services: Services) {}

  private get within() {
    return this.services.requestTimeoutMs ?? 30_000;
  }

  async launch(actor: Actor, body: LaunchRoundBody) {
    const { db, temporal, taskQueue, historyLimit } = this.services;
    await requireAccess(db, actor, 'round.launch');
    await requireListedFocus(db, body.focus, 'body.focus');
    const plan = roundPlan(body, actor, historyLimit);
    await callWorkflowWithin(temporal, this.within, () =>
      temporal.workflow.executeUpdateWithStart(roundLaunchedUpdate, {
        updateId: body.requestId ?? `launch-${plan.roundId}`,
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
    return loadRoundView(db, plan.roundId);
  }

  /** Everyone may list; a group sees only its rounds, counting only its own inspections. */
  async list(actor: Actor, filter: { status?: RoundStatus }) {
    const rows = await listRounds(this.services.db, {
      status: filter.status,
      memberSub: seesAllRounds(actor) ? undefined : actor.sub,
    });
    return { rounds: rows.map((round) => ({ ...toRoundSummary(round), inspectionCount: Number(round.inspection_count) })) };
  }

  async get(actor: Actor, roundId: string) {
    const round = await loadRoundView(this.services.db, roundId);
    await requireAccess(this.services.db, actor, 'round.read', round);
    if (seesAllRounds(actor)) return round;
    // Authority is per group: a group sees its own inspections of the round, not the others'.
    return { ...round, inspections: round.inspections.filter((i) => isNamedIn(i, actor)) };
  }

  async cancel(actor: Actor, roundId: string, input: { reason: string; requestId?: string }) {
    const { db, temporal } = this.services;
    await requireAccess(db, actor, 'round.cancel');
    const round = await loadRoundView(db, roundId);
    const requestId = input.requestId ?? randomUUID();
    // The same cancellation repeated: answer as the first time.
    if (await hasRoundEvent(db, roundId, 'cancelled', requestId)) return round;
    if (round.status !== 'active') throw conflict(`the round is already ${round.status}`, { status: round.status });
    await callWorkflowWithin(temporal, this.within, () =>
      temporal.workflow.getHandle(roundWorkflowId(roundId)).executeUpdate(cancelRoundUpdate, {
        updateId: requestId,
        args: [{ reason: input.reason, requestId, actor }],
      }),
    );
    return loadRoundView(db, roundId);
  }
}

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
