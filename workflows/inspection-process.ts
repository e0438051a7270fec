/**
 * The stage state machine of one inspection, kept apart from the workflow wiring so
 * its rules read in one place. Validators only look; transitions change state
 * synchronously (so the next update's validator already sees the change) and hand
 * back the steps to persist.
 */
import { ApplicationFailure, patched } from '@temporalio/workflow';
import {
  REFUSAL,
  type CancelInput,
  type DecideStageInput,
  type InspectionEvent,
  type InspectionEventKind,
  type InspectionPlan,
  type StageStatus,
  type SubmitStageInput,
  type TransitionResult,
} from './messages.js';
import { hasRole, type Actor, type ApproverRole } from './roles.js';
import { nextStage, stageDueAt, type StageId } from './stages.js';

const HOUR_MS = 60 * 60 * 1000;
/** Results remembered for repeated request ids; older ones are answered from the database. */
const REMEMBERED_RESULTS = 200;

export const SYSTEM_ACTOR: Actor = { sub: 'system', name: 'xuncha', roles: [] };

interface Decision {
  role: ApproverRole;
  by: Actor;
  at: string;
  comment: string | null;
}

interface Submission {
  requestId: string;
  by: Actor;
  at: string;
  comment: string | null;
  decisions: Decision[];
  escalated: boolean;
}

export interface InspectionSnapshot {
  status: StageStatus;
  submission: Submission | null;
  results: [string, TransitionResult][];
}

export interface Notice {
  kind: 'overdue' | 'escalation';
  recipientRole: 'office';
  message: string;
}

export interface Transition {
  events: InspectionEvent[];
  notices: Notice[];
  result: TransitionResult | null;
}

function refuse(type: string, message: string, status: StageStatus): never {
  throw ApplicationFailure.create({
    type,
    message,
    nonRetryable: true,
    details: [{ stage: status.stage, state: status.state, awaitingRole: status.awaitingRole }],
  });
}

export class InspectionProcess {
  private status: StageStatus;
  private submission: Submission | null;
  /** A submission whose exit criteria are being checked; no other request may start meanwhile. */
  private checking: string | null = null;
  private readonly results: Map<string, TransitionResult>;

  constructor(
    readonly plan: InspectionPlan,
    snapshot?: InspectionSnapshot,
  ) {
    if (snapshot) {
      this.status = snapshot.status;
      this.submission = snapshot.submission;
      this.results = new Map(snapshot.results);
    } else {
      this.status = {
        stage: 'preparation',
        state: 'open',
        awaitingRole: null,
        submittedBy: null,
        stageOpenedAt: plan.launchedAt,
        stageDueAt: this.dueAt('preparation', plan.launchedAt),
        overdue: false,
        seq: 0,
      };
      this.submission = null;
      this.results = new Map();
    }
  }

  get current(): StageStatus {
    return { ...this.status };
  }

  get finished(): boolean {
    return this.status.state === 'completed' || this.status.state === 'cancelled';
  }

  snapshot(): InspectionSnapshot {
    return { status: this.current, submission: this.submission, results: [...this.results] };
  }

  previousResult(requestId: string): TransitionResult | undefined {
    return this.results.get(requestId);
  }

  /** The step that opens the first stage, recorded once when the inspection starts. */
  opening(): Transition {
    return this.record([{ kind: 'stage_opened', actor: this.plan.launchedBy, at: this.plan.launchedAt }]);
  }

  validateSubmit(input: SubmitStageInput): void {
    if (this.results.has(input.requestId)) return;
    this.expectNotChecking();
    const { group } = this.plan;
    if (!hasRole(input.actor, 'group_leader') || input.actor.sub !== group.leader.sub) {
      refuse(REFUSAL.forbidden, `only ${group.name}'s leader ${group.leader.name} may submit its stages`, this.status);
    }
    this.expectStage(input.stage, 'open');
  }

  /** `data` goes into the recorded step: what the submission froze, for the auditor. */
  submit(input: SubmitStageInput, now: string, data: Record<string, unknown> = {}): Transition {
    const remembered = this.results.get(input.requestId);
    if (remembered) return { events: [], notices: [], result: remembered };
    const chain = this.chain();
    this.submission = { requestId: input.requestId, by: input.actor, at: now, comment: input.comment, decisions: [], escalated: false };
    this.status = {
      ...this.status,
      state: 'submitted',
      awaitingRole: chain[0] ?? null,
      submittedBy: { sub: input.actor.sub, name: input.actor.name },
    };
    return this.finish(
      input.requestId,
      'submission',
      this.record([{ kind: 'submitted', actor: input.actor, at: now, comment: input.comment, requestId: input.requestId, data }]),
    );
  }

  validateDecide(input: DecideStageInput): void {
    if (this.results.has(input.requestId)) return;
    this.expectNotChecking();
    this.expectStage(input.stage, 'submitted');
    const submission = this.submission;
    const role = this.status.awaitingRole;
    if (!submission || !role) refuse(REFUSAL.conflict, 'nothing is waiting for a decision', this.status);
    if (!hasRole(input.actor, role)) {
      refuse(REFUSAL.forbidden, `the ${input.stage} submission is waiting on ${role}, which you do not hold`, this.status);
    }
    if (input.actor.sub === submission.by.sub) {
      refuse(REFUSAL.forbidden, 'you may not decide on a submission you made', this.status);
    }
    if (submission.decisions.some((d) => d.by.sub === input.actor.sub)) {
      refuse(REFUSAL.forbidden, 'you already decided on this submission at an earlier level of its chain', this.status);
    }
    if (input.decision === 'reject' && !input.comment?.trim()) {
      refuse(REFUSAL.conflict, 'a rejection needs a comment saying what to fix', this.status);
    }
  }

  decide(input: DecideStageInput, now: string): Transition {
    const remembered = this.results.get(input.requestId);
    if (remembered) return { events: [], notices: [], result: remembered };
    const submission = this.submission;
    const role = this.status.awaitingRole;
    if (!submission || !role) throw new Error('decide called without a pending submission');
    const chain = this.chain();
    const level = submission.decisions.length + 1;
    const step = { actor: input.actor, at: now, comment: input.comment, requestId: input.requestId };

    if (input.decision === 'reject') {
      this.submission = null;
      this.status = { ...this.status, state: 'open', awaitingRole: null, submittedBy: null };
      return this.finish(
        input.requestId,
        'decision',
        this.record([{ kind: 'rejected', ...step, data: { role, level, of: chain.length } }]),
      );
    }

    submission.decisions.push({ role, by: input.actor, at: now, comment: input.comment });
    const nextRole = chain[level];
    if (nextRole) {
      // The next approver gets their own escalation clock.
      if (patched('inspection-escalate-each-level')) submission.escalated = false;
      this.status = { ...this.status, awaitingRole: nextRole };
      return this.finish(
        input.requestId,
        'decision',
        this.record([{ kind: 'approved', ...step, data: { role, level, of: chain.length, next: nextRole } }]),
      );
    }

    // The last approval closes the stage and opens the next one (or completes the inspection).
    const closed = this.status.stage;
    const following = nextStage(closed);
    const approved = { kind: 'approved' as const, ...step, data: { role, level, of: chain.length, final: true } };
    this.submission = null;
    if (!following) {
      this.status = { ...this.status, state: 'completed', awaitingRole: null, submittedBy: null };
      return this.finish(
        input.requestId,
        'decision',
        this.record([approved, { kind: 'completed', actor: input.actor, at: now, requestId: input.requestId }]),
      );
    }
    const events = this.record([approved]);
    this.status = {
      ...this.status,
      stage: following,
      state: 'open',
      awaitingRole: null,
      submittedBy: null,
      stageOpenedAt: now,
      stageDueAt: this.dueAt(following, now),
      overdue: false,
    };
    const opened = this.record([
      { kind: 'stage_opened', actor: input.actor, at: now, requestId: input.requestId, data: { after: closed } },
    ]);
    return this.finish(input.requestId, 'decision', {
      events: [...events.events, ...opened.events],
      notices: [],
      result: null,
    });
  }

  cancel(input: CancelInput, now: string): Transition {
    this.submission = null;
    this.status = { ...this.status, state: 'cancelled', awaitingRole: null };
    return this.record([
      { kind: 'cancelled', actor: input.actor, at: now, comment: input.reason, requestId: input.requestId },
    ]);
  }

  /** Holds the stage while its exit criteria are checked outside the workflow. */
  beginCheck(requestId: string): void {
    this.checking = requestId;
  }

  endCheck(): void {
    this.checking = null;
  }

  /** The next moment a timer must fire for, or undefined when nothing is pending. */
  nextDeadline(): number | undefined {
    if (this.finished) return undefined;
    const deadlines: number[] = [];
    if (!this.status.overdue) deadlines.push(Date.parse(this.status.stageDueAt));
    const escalation = this.escalationAt();
    if (escalation !== undefined) deadlines.push(escalation);
    return deadlines.length ? Math.min(...deadlines) : undefined;
  }

  /** Records what the clock made true: the stage overdue, a submission waiting too long. */
  checkDeadlines(nowMs: number): Transition {
    const at = new Date(nowMs).toISOString();
    const steps: Step[] = [];
    const notices: Notice[] = [];
    const stage = this.status.stage;
    const target = this.plan.target.name;
    if (!this.finished && !this.status.overdue && nowMs >= Date.parse(this.status.stageDueAt)) {
      this.status = { ...this.status, overdue: true };
      steps.push({ kind: 'overdue', actor: SYSTEM_ACTOR, at, data: { dueAt: this.status.stageDueAt } });
      notices.push({
        kind: 'overdue',
        recipientRole: 'office',
        message: `${target}: stage ${stage} passed its due date ${this.status.stageDueAt}`,
      });
    }
    const escalation = this.escalationAt();
    if (this.submission && escalation !== undefined && nowMs >= escalation) {
      this.submission.escalated = true;
      const waitingOn = this.status.awaitingRole;
      steps.push({ kind: 'escalated', actor: SYSTEM_ACTOR, at, data: { waitingOn, since: this.submission.at } });
      notices.push({
        kind: 'escalation',
        recipientRole: 'office',
        message: `${target}: the ${stage} submission has waited on ${waitingOn} since ${this.submission.at}`,
      });
    }
    const transition = this.record(steps);
    return { ...transition, notices };
  }

  private escalationAt(): number | undefined {
    if (this.status.state !== 'submitted' || !this.submission || this.submission.escalated) return undefined;
    // Escalation measures how long the current approver has sat on it, not the whole chain.
    const lastMove = this.submission.decisions.at(-1)?.at ?? this.submission.at;
    return Date.parse(lastMove) + this.plan.escalateAfterHours * HOUR_MS;
  }

  private chain(): ApproverRole[] {
    return this.plan.approvalChains[this.status.stage];
  }

  private dueAt(stage: StageId, openedAt: string): string {
    return stageDueAt(stage, openedAt, this.plan.stageDueDays);
  }

  private expectNotChecking(): void {
    if (this.checking) refuse(REFUSAL.conflict, 'a submission of this stage is being checked; try again in a moment', this.status);
  }

  private expectStage(stage: StageId, state: 'open' | 'submitted'): void {
    if (this.status.state !== state || this.status.stage !== stage) {
      refuse(
        REFUSAL.conflict,
        `the inspection is at stage ${this.status.stage} (${this.status.state}); this needs ${stage} to be ${state}`,
        this.status,
      );
    }
  }

  private record(steps: Step[]): Transition {
    const events = steps.map((step): InspectionEvent => {
      this.status = { ...this.status, seq: this.status.seq + 1 };
      return {
        seq: this.status.seq,
        kind: step.kind,
        stage: this.status.stage,
        actor: step.actor,
        at: step.at,
        comment: step.comment ?? null,
        requestId: step.requestId ?? null,
        data: step.data ?? {},
      };
    });
    return { events, notices: [], result: null };
  }

  private finish(requestId: string, action: TransitionResult['action'], transition: Transition): Transition {
    const result: TransitionResult = {
      requestId,
      inspectionId: this.plan.inspectionId,
      action,
      stage: transition.events[0]?.stage ?? this.status.stage,
      recorded: transition.events.map((e) => e.kind),
      status: this.current,
    };
    this.results.set(requestId, result);
    if (this.results.size > REMEMBERED_RESULTS) {
      const oldest = this.results.keys().next().value;
      if (oldest !== undefined) this.results.delete(oldest);
    }
    return { ...transition, result };
  }
}

interface Step {
  kind: InspectionEventKind;
  actor: Actor;
  at: string;
  comment?: string | null;
  requestId?: string | null;
  data?: Record<string, unknown>;
}

