import { createHash, randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateStage } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';
import { claimRequest, releaseRequest } from '../db/idempotency.repository.js';
import { cancelUnstartedRound, decideProposedRound, editProposedRound, hasRoundEvent, insertProposedRound, listRounds, type AuthorisationOutcome } from '../db/rounds.repository.js';
import {
  authoriseRoundUpdate,
  cancelInspectionUpdate,
  cancelRoundUpdate,
  inspectionWorkflowId,
  REFUSAL,
  roundWorkflowId,
  type CancelInput,
  type Meeting, type RoundPlan, type RoundStatus } from '../workflows/messages.js';
import type { roundWorkflow } from '../workflows/round.workflow.js';
import { seesAllRounds, type Actor } from '../workflows/roles.js';
import { isFinished, resolveApprovalChains, resolveDueDays } from '../workflows/stages.js';
import { isNamedIn, requireAccess } from './access.js';
import { ApiError, ERROR_CODES, conflict, notFound, zodFieldIssues } from './errors.js';
import { requireListedFocus } from './focus-areas.service.js';
import { claimInspectionRequest, requestFingerprint, requestIdReused } from './idempotency.js';
import { requireRegisteredOrganizations } from './organizations-in-rounds.js';
import { decodeKeyCursor, isMomentText, isUuid, keyPageOf } from './paging.js';
import type { Services } from './plugins/services.plugin.js';
import { editRoundBody, type EditRoundBody, type LaunchRoundBody } from './schemas.js';
import { callWorkflowWithin } from './temporal-errors.js';
import { loadRoundView, toRoundSummary } from './views.js';

type PlanBody = Omit<LaunchRoundBody, 'requestId'>;

const isRoundsPosition = (parts: unknown[]): parts is [string, string] => parts.length === 2 && isMomentText(parts[0]) && isUuid(parts[1]);

export interface RoundDecision {
  decision: 'approve' | 'reject';
  requestId: string;
  comment?: string;
  meeting: Meeting;
  version?: number;
}

/**
 * Rounds: proposed and edited by the office, authorised by the leading group (the
 * approval starts the round workflow), cancelled through it, read from the database.
 */
export class RoundsService {
  constructor(private readonly services: Services) {}

  private get within() {
    return this.services.requestTimeoutMs ?? 30_000;
  }

  /** The office proposes a round: its plan is visible, nothing runs until the leading group approves. */
  async propose(actor: Actor, body: LaunchRoundBody) {
    const { db, historyLimit } = this.services;
    await requireAccess(db, actor, 'round.launch');
    await requireListedFocus(db, body.focus, 'body.focus');
    await requireRegisteredOrganizations(db, body.inspections, 'body.inspections');
    // Random, so nobody can predict a round's id from a request id; a repeat finds it through its claim.
    const roundId = randomUUID();
    const key = body.requestId ? `round-proposal:${body.requestId}` : undefined;
    if (key) {
      const { requestId, ...plan } = body;
      const fingerprint = requestFingerprint(actor.sub, 'round.propose', '', plan);
      const claim = await claimRequest(db, actor.sub, key, fingerprint, { status: 201, body: { roundId } });
      if (!claim.claimed) {
        if (claim.fingerprint !== fingerprint) throw requestIdReused(requestId!);
        return loadRoundView(db, (claim.body as { roundId: string }).roundId);
      }
    }
    const plan = roundPlan(roundId, 1, body, actor, historyLimit);
    try {
      await insertProposedRound(db, plan, { kind: 'proposed', actor, at: new Date().toISOString(), comment: null, meeting: null, requestId: body.requestId ?? null });
    } catch (error) {
      if (key) await releaseRequest(db, actor.sub, key);
      throw error;
    }
    return loadRoundView(db, roundId);
  }

  /** The office replaces the plan of a proposed or returned round (PUT). */
  async edit(actor: Actor, roundId: string, body: EditRoundBody) {
    const { db, historyLimit } = this.services;
    await requireAccess(db, actor, 'round.launch');
    const { version, ...fields } = body;
    await requireListedFocus(db, fields.focus, 'body.focus');
    await requireRegisteredOrganizations(db, fields.inspections, 'body.inspections');
    // Whoever proposes the version approved is the one who launched the round.
    const outcome = await editProposedRound(db, (next) => roundPlan(roundId, next, fields, actor, historyLimit), {
      roundId,
      version,
      step: { kind: 'edited', actor, at: new Date().toISOString(), comment: null, meeting: null, requestId: null },
    });
    refuseUnless(outcome, roundId, 'edited');
    return loadRoundView(db, roundId);
  }

  /** A JSON Merge Patch (RFC 7396) of the plan, validated as the whole plan. */
  async patch(actor: Actor, roundId: string, patch: Record<string, unknown>) {
    const { db } = this.services;
    await requireAccess(db, actor, 'round.launch');
    const round = await loadRoundView(db, roundId);
    if (!round.plan) throw conflict({ key: 'round_no_plan' }, { status: round.status });
    const merged = mergePatch(round.plan, patch);
    return this.edit(actor, roundId, parseOrRefuse(editRoundBody, merged));
  }

  /**
   * The leading group's decision. A rejection is recorded here and returns the round to
   * the office. An approval is recorded by the round workflow itself, started with it
   * (its id is the round's, so a repeat finds it): once recorded, the inspections start
   * even if a worker dies in between, and a repeated request id gets the same answer.
   */
  async decide(actor: Actor, roundId: string, body: RoundDecision) {
    const { db, temporal, taskQueue, historyLimit } = this.services;
    await requireAccess(db, actor, 'round.authorise');
    const round = await loadRoundView(db, roundId);
    const repeated = round.authorisation.find((step) => step.requestId === body.requestId);
    if (repeated) {
      if (repeated.kind !== `${body.decision === 'approve' ? 'approved' : 'rejected'}`) {
        throw conflict({ key: 'request_id_other_step', params: { kind: repeated.kind } }, { requestId: body.requestId });
      }
      return round;
    }
    if (round.status !== 'proposed') {
      throw conflict({ key: 'round_not_proposed', params: { status: round.status } }, {
        status: round.status,
      });
    }
    const step = { actor, at: new Date().toISOString(), comment: body.comment || null, meeting: body.meeting, requestId: body.requestId };
    if (body.decision === 'reject') {
      const outcome = await decideProposedRound(db, { roundId, verdict: 'rejected', version: body.version ?? null, step: { kind: 'rejected', ...step } });
      refuseUnless(outcome, roundId, 'decided');
      return loadRoundView(db, roundId);
    }
    await callWorkflowWithin(temporal, this.within, () =>
      temporal.workflow.executeUpdateWithStart(authoriseRoundUpdate, {
        updateId: body.requestId,
        args: [
          { requestId: body.requestId, actor, comment: step.comment, meeting: body.meeting, version: body.version ?? null, issuedFor: roundWorkflowId(roundId) },
        ],
        startWorkflowOperation: new WithStartWorkflowOperation<typeof roundWorkflow>('roundWorkflow', {
          workflowId: roundWorkflowId(roundId),
          taskQueue,
          args: [{ roundId, ...(historyLimit ? { historyLimit } : {}) }],
          workflowIdConflictPolicy: 'USE_EXISTING',
          // A finished round must never be started again by a late repeat.
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        }),
      }),
    );
    return loadRoundView(db, roundId);
  }

  /** Everyone may list, a page at a time; a group sees only its rounds, counting only its own inspections. */
  async list(actor: Actor, filter: { status?: RoundStatus; limit: number; cursor?: string }) {
    const after = filter.cursor ? decodeKeyCursor<[string, string]>('rounds', filter.cursor, isRoundsPosition) : undefined;
    const fetched = await listRounds(this.services.db, {
      status: filter.status,
      memberSub: seesAllRounds(actor) ? undefined : actor.sub,
      after: after && { launchedAt: after[0], id: after[1] },
      limit: filter.limit + 1,
    });
    const { rows, nextCursor } = keyPageOf('rounds', fetched, filter.limit, (round) => [round.launched_at_text, round.id]);
    return { rounds: rows.map((round) => ({ ...toRoundSummary(round), inspectionCount: Number(round.inspection_count) })), nextCursor };
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
    // Not yet authorised, nothing has started: the office withdraws the proposal, saying why.
    if (round.status === 'proposed' || round.status === 'returned') {
      const outcome = await cancelUnstartedRound(db, { roundId, at: new Date().toISOString(), actor, reason: input.reason, requestId });
      if (!outcome.done) throw conflict({ key: 'round_status_final', params: { status: outcome.status, what: 'withdrawn' } }, { status: outcome.status });
      return loadRoundView(db, roundId);
    }
    if (round.status !== 'active') throw conflict({ key: 'round_not_cancellable', params: { status: round.status } }, { status: round.status });
    await claimInspectionRequest(db, actor.sub, requestId, requestFingerprint(actor.sub, 'round.cancel', roundId, { reason: input.reason }));
    await callWorkflowWithin(temporal, this.within, async () => {
      // Accepted first: the round then refuses any other cancellation and waits for its inspections to end.
      const update = await temporal.workflow.getHandle(roundWorkflowId(roundId)).startUpdate(cancelRoundUpdate, {
        updateId: requestId,
        args: [{ reason: input.reason, requestId, actor, issuedFor: roundWorkflowId(roundId) }],
        waitForStage: WorkflowUpdateStage.ACCEPTED,
      });
      const unfinished = round.inspections.filter((inspection) => !isFinished(inspection.state));
      await Promise.all(unfinished.map((inspection) => this.cancelInspection(inspection.id, { reason: input.reason, requestId, actor })));
      return update.result();
    });
    return loadRoundView(db, roundId);
  }

  /**
   * One inspection's cancellation, as an Update its workflow validates (and records as
   * its own step, which the verification matches to the update by its id). The id was
   * claimed for this cancellation, so no transition of the inspection holds it; a repeat
   * of the round's cancellation repeats it harmlessly. An inspection that ended
   * meanwhile has nothing left to cancel.
   */
  private async cancelInspection(inspectionId: string, request: Omit<CancelInput, 'issuedFor'>): Promise<void> {
    const workflowId = inspectionWorkflowId(inspectionId);
    try {
      await this.services.temporal.workflow.getHandle(workflowId).executeUpdate(cancelInspectionUpdate, {
        updateId: request.requestId,
        args: [{ ...request, issuedFor: workflowId }],
      });
    } catch (error) {
      const finished = error instanceof WorkflowUpdateFailedError && (error.cause as ApplicationFailure | undefined)?.type === REFUSAL.conflict;
      if (!finished && !(error instanceof WorkflowNotFoundError)) throw error;
    }
  }
}

function roundPlan(roundId: string, version: number, body: PlanBody, actor: Actor, historyLimit?: number): RoundPlan {
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
    rectificationDueDays: body.rectificationDueDays,
    questionnaireMinAnswers: body.questionnaireMinAnswers,
    launchedBy: actor,
    ...(historyLimit ? { historyLimit } : {}),
    inspections: body.inspections.map((inspection, position) => ({
      // Named by round, plan version and position: an approval starts exactly the plan it approved.
      inspectionId: uuidFrom(`inspection:${roundId}:${version}:${position}`),
      position,
      target: { ...inspection.target, liaison: inspection.target.liaison ?? null },
      group: {
        name: inspection.group.name,
        leader: { ...inspection.group.leader, homeUnit: inspection.group.leader.homeUnit ?? null },
        members: inspection.group.members.map((m) => ({ sub: m.sub, name: m.name, homeUnit: m.homeUnit ?? null })),
      },
    })),
  };
}

/** RFC 7396: objects merge key by key, null removes a key, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const base: Record<string, unknown> = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete base[key];
    else base[key] = mergePatch(base[key], value);
  }
  return base;
}

function parseOrRefuse<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = zodFieldIssues('body', parsed.error.issues);
  throw new ApiError(400, ERROR_CODES[400], `invalid input: ${issues.map((i) => `${i.field} ${i.message}`).join('; ')}`, { issues });
}

function refuseUnless(outcome: AuthorisationOutcome, roundId: string, what: string): void {
  if (outcome.done) return;
  if (outcome.reason === 'missing') throw notFound('round', roundId);
  if (outcome.reason === 'version') {
    throw conflict({ key: 'plan_version', params: { version: outcome.version } }, { currentVersion: outcome.version });
  }
  throw conflict({ key: 'round_status_final', params: { status: outcome.status, what } }, { status: outcome.status });
}

/** A stable UUID (v8 layout) from a name: the same plan version always names the same inspections. */
function uuidFrom(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  const variant = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
