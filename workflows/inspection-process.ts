/**
 * The stage state machine of one inspection: pure rules, no Temporal, so every
 * transition and refusal is tested without a server. Validators only look and throw a
 * `Refusal`. Each transition is a preview: it returns the steps to record and the
 * state they lead to, and nothing changes until the workflow has recorded them and
 * calls `commit`. A step the database refuses therefore leaves the process as it was.
 */
import type {
  CancelInput,
  ChangeGroupInput,
  CurrentGroup,
  DecideStageInput,
  InspectionEvent,
  InspectionEventKind,
  InspectionPlan,
  StageStatus,
  SubmitStageInput,
  TransitionResult,
} from './messages.js';
import { REFUSAL, Refusal, type RefusalCode } from './refusal.js';
import { decidesAtMeeting, hasRole, type Actor, type ApproverRole } from './roles.js';
import {
  RECTIFICATION_DUE_DAYS,
  isFinished,
  nextStage,
  preparationDueAt,
  rectificationDueAt,
  stageDueAt,
  stageOwner,
  type RectificationDueDays,
  type StageId,
} from './stages.js';

const HOUR_MS = 60 * 60 * 1000;
/** Until the feedback meeting is recorded its date is unknown: the process looks once a day. */
const RECTIFICATION_LOOK_MS = 24 * HOUR_MS;

/** The target's two documents with a due date counted from the feedback meeting. */
export type RectificationDue = keyof RectificationDueDays;
const RECTIFICATION_DUES = Object.keys(RECTIFICATION_DUE_DAYS) as RectificationDue[];

/** What the records say when the process looks: the feedback meeting's day, and which documents are in. */
export interface RectificationFacts {
  meetingHeldOn: string | null;
  handedIn: RectificationDue[];
}
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

/** What the process last learned of the rectification (the records live in the database, not here). */
interface RectificationWatch {
  meetingHeldOn: string | null;
  /** Documents handed in, or already noticed as overdue: nothing more to watch for them. */
  settled: RectificationDue[];
  lookedAt: string;
}

interface ProcessState {
  status: StageStatus;
  submission: Submission | null;
  /** Absent until the rectification stage is first looked at. */
  rectification?: RectificationWatch;
  /** The group as the office last changed it: who may submit, and who may not decide. */
  group: CurrentGroup;
}

export interface InspectionSnapshot extends ProcessState {
  results: [string, TransitionResult][];
}

export interface Notice {
  kind: 'overdue' | 'escalation';
  recipientRole: 'office';
  /** English, as stored for logs; people read it worded anew from `code` and `params` in their language. */
  message: string;
  code: NoticeCode;
  params: Record<string, string>;
}

/** The notices' sentences, keys of the API's messages (`api/messages.ts`), with the English stored alongside. */
export type NoticeCode = 'notice_overdue' | 'notice_escalated' | 'notice_rectification_overdue';

export interface Transition {
  events: InspectionEvent[];
  notices: Notice[];
  result: TransitionResult | null;
  /** The state once the steps are recorded. */
  next: ProcessState;
}

interface Step {
  kind: InspectionEventKind;
  actor: Actor;
  at: string;
  comment?: string | null;
  requestId?: string | null;
  data?: Record<string, unknown>;
}

export class InspectionProcess {
  private state: ProcessState;
  private readonly results: Map<string, TransitionResult>;

  constructor(
    readonly plan: InspectionPlan,
    snapshot?: InspectionSnapshot,
  ) {
    if (snapshot) {
      this.state = { status: snapshot.status, submission: snapshot.submission, rectification: snapshot.rectification, group: snapshot.group };
      this.results = new Map(snapshot.results);
    } else {
      const openedAt = plan.launchedAt;
      this.state = {
        status: {
          stage: 'preparation',
          state: 'open',
          awaitingRole: null,
          submittedBy: null,
          stageOpenedAt: openedAt,
          stageDueAt: preparationDueAt(openedAt, plan.plannedStart, plan.stageDueDays),
          overdue: false,
          seq: 0,
        },
        submission: null,
        group: {
          name: plan.group.name,
          leader: plan.group.leader,
          members: plan.group.members,
          deputies: [],
          liaison: plan.target.liaison,
        },
      };
      this.results = new Map();
    }
  }

  get current(): StageStatus {
    return { ...this.state.status };
  }

  get group(): CurrentGroup {
    return structuredCloneState(this.state).group;
  }

  get finished(): boolean {
    return isFinished(this.state.status.state);
  }

  snapshot(): InspectionSnapshot {
    return { ...structuredCloneState(this.state), results: [...this.results] };
  }

  previousResult(requestId: string): TransitionResult | undefined {
    return this.results.get(requestId);
  }

  /** Makes a previewed transition the current state, once its steps are recorded. */
  commit(transition: Transition): void {
    this.state = transition.next;
    const { result } = transition;
    if (!result) return;
    this.results.set(result.requestId, result);
    if (this.results.size > REMEMBERED_RESULTS) {
      const oldest = this.results.keys().next().value;
      if (oldest !== undefined) this.results.delete(oldest);
    }
  }

  /** The step that opens the first stage, recorded once when the inspection starts. */
  opening(): Transition {
    const draft = structuredCloneState(this.state);
    return { ...record(draft, [{ kind: 'stage_opened', actor: this.plan.launchedBy, at: this.plan.launchedAt }]), next: draft };
  }

  validateSubmit(input: SubmitStageInput): void {
    if (this.results.has(input.requestId)) return;
    const { group } = this.state;
    if (stageOwner(input.stage) === 'office') {
      if (!hasRole(input.actor, 'office')) this.refuse(REFUSAL.forbidden, 'office_submits', { stage: input.stage });
      // The office evaluates the group and feeds back its findings: nobody of the group may do it for them.
      if (this.inGroup(input.actor)) this.refuse(REFUSAL.forbidden, 'group_may_not_submit', { group: group.name, stage: input.stage });
    } else if (!hasRole(input.actor, 'group_leader') || input.actor.sub !== group.leader.sub) {
      this.refuse(REFUSAL.forbidden, 'leader_submits', { group: group.name, leader: group.leader.name });
    }
    this.expectStage(input.stage, 'open');
  }

  /**
   * The `submitted` step. What the stage froze (the digest of its records) is added to
   * the step by the activity that checks the exit criteria and writes it.
   */
  submit(input: SubmitStageInput, now: string): Transition {
    const draft = structuredCloneState(this.state);
    draft.submission = { requestId: input.requestId, by: input.actor, at: now, comment: input.comment, decisions: [], escalated: false };
    draft.status = {
      ...draft.status,
      state: 'submitted',
      awaitingRole: this.chain()[0] ?? null,
      submittedBy: { sub: input.actor.sub, name: input.actor.name },
    };
    const steps = record(draft, [{ kind: 'submitted', actor: input.actor, at: now, comment: input.comment, requestId: input.requestId }]);
    return this.answer(input.requestId, 'submission', steps.events, draft);
  }

  validateDecide(input: DecideStageInput): void {
    if (this.results.has(input.requestId)) return;
    this.expectStage(input.stage, 'submitted');
    const { submission } = this.state;
    const role = this.state.status.awaitingRole;
    if (!submission || !role) this.refuse(REFUSAL.conflict, 'nothing_waiting');
    if (!hasRole(input.actor, role)) {
      this.refuse(REFUSAL.forbidden, 'not_your_turn', { stage: input.stage, role });
    }
    if (input.actor.sub === submission.by.sub) {
      this.refuse(REFUSAL.forbidden, 'own_submission');
    }
    // Nobody decides on the work of a group they belong to, whatever other roles they hold.
    if (this.inGroup(input.actor)) this.refuse(REFUSAL.forbidden, 'group_may_not_decide', { group: this.state.group.name });
    if (submission.decisions.some((d) => d.by.sub === input.actor.sub)) {
      this.refuse(REFUSAL.forbidden, 'decided_already');
    }
    if (input.decision === 'reject' && !input.comment?.trim()) {
      this.refuse(REFUSAL.conflict, 'rejection_needs_comment');
    }
    if (decidesAtMeeting(role) && !input.meeting) {
      this.refuse(REFUSAL.invalidInput, 'meeting_required', { role }, { field: 'body.meeting' });
    }
  }

  /** Call after `validateDecide`: a rejection reopens the stage; the last approval opens the next. */
  decide(input: DecideStageInput, now: string): Transition {
    const draft = structuredCloneState(this.state);
    const { submission } = draft;
    const role = draft.status.awaitingRole;
    if (!submission || !role) throw new Error('decide called without a pending submission');
    const chain = this.chain();
    const level = submission.decisions.length + 1;
    const step = { actor: input.actor, at: now, comment: input.comment, requestId: input.requestId };
    const meeting = input.meeting ? { meeting: input.meeting } : {};

    if (input.decision === 'reject') {
      draft.submission = null;
      draft.status = { ...draft.status, state: 'open', awaitingRole: null, submittedBy: null };
      const steps = record(draft, [{ kind: 'rejected', ...step, data: { role, level, of: chain.length, ...meeting } }]);
      return this.answer(input.requestId, 'decision', steps.events, draft);
    }

    submission.decisions.push({ role, by: input.actor, at: now, comment: input.comment });
    const nextRole = chain[level];
    if (nextRole) {
      // The next approver gets their own escalation clock.
      submission.escalated = false;
      draft.status = { ...draft.status, awaitingRole: nextRole };
      const steps = record(draft, [{ kind: 'approved', ...step, data: { role, level, of: chain.length, next: nextRole, ...meeting } }]);
      return this.answer(input.requestId, 'decision', steps.events, draft);
    }

    // The last approval closes the stage and opens the next one (or completes the inspection).
    const closed = draft.status.stage;
    const following = nextStage(closed);
    const approved: Step = { kind: 'approved', ...step, data: { role, level, of: chain.length, final: true, ...meeting } };
    draft.submission = null;
    if (!following) {
      draft.status = { ...draft.status, state: 'completed', awaitingRole: null, submittedBy: null };
      const steps = record(draft, [approved, { kind: 'completed', actor: input.actor, at: now, requestId: input.requestId }]);
      return this.answer(input.requestId, 'decision', steps.events, draft);
    }
    const approval = record(draft, [approved]);
    draft.status = {
      ...draft.status,
      stage: following,
      state: 'open',
      awaitingRole: null,
      submittedBy: null,
      stageOpenedAt: now,
      stageDueAt: stageDueAt(following, now, this.plan.stageDueDays),
      overdue: false,
    };
    const opened = record(draft, [{ kind: 'stage_opened', ...step, comment: null, data: { after: closed } }]);
    return this.answer(input.requestId, 'decision', [...approval.events, ...opened.events], draft);
  }

  /** The office changes the group after launch; each change names people who can be checked against the group now. */
  validateChangeGroup(input: ChangeGroupInput): void {
    if (!hasRole(input.actor, 'office')) this.refuse(REFUSAL.forbidden, 'office_changes_group');
    if (this.finished) this.refuse(REFUSAL.conflict, 'group_fixed', { state: this.state.status.state });
    const { change } = input;
    const { group } = this.state;
    const isMember = (sub: string) => group.members.some((m) => m.sub === sub);
    const taken = (sub: string) => sub === group.leader.sub || isMember(sub);
    const notMember = (field: string, sub: string) => this.refuse(REFUSAL.invalidInput, 'not_a_member', { sub, group: group.name }, { field });
    const inGroup = (field: string, sub: string) => this.refuse(REFUSAL.invalidInput, 'already_in_group', { sub, group: group.name }, { field });
    switch (change.kind) {
      case 'replace_member':
        if (!isMember(change.memberSub)) notMember('body.change.memberSub', change.memberSub);
        if (taken(change.by.sub)) inGroup('body.change.by.sub', change.by.sub);
        return;
      case 'add_member':
        if (taken(change.member.sub)) inGroup('body.change.member.sub', change.member.sub);
        return;
      case 'name_deputy':
        if (!isMember(change.memberSub)) notMember('body.change.memberSub', change.memberSub);
        if (group.deputies.includes(change.memberSub)) this.refuse(REFUSAL.conflict, 'already_deputy', { sub: change.memberSub });
        return;
      case 'set_liaison':
        if (taken(change.liaison.sub)) this.refuse(REFUSAL.invalidInput, 'liaison_in_group', {}, { field: 'body.change.liaison.sub' });
        return;
      case 'replace_leader':
        if (change.by.sub === group.leader.sub) inGroup('body.change.by.sub', change.by.sub);
        if (group.liaison?.sub === change.by.sub) this.refuse(REFUSAL.invalidInput, 'liaison_in_group', {}, { field: 'body.change.by.sub' });
        return;
    }
  }

  /** The `group_changed` step, with the change, the reason and the group it leaves. */
  changeGroup(input: ChangeGroupInput, now: string): Transition {
    const draft = structuredCloneState(this.state);
    const { change } = input;
    const group = draft.group;
    switch (change.kind) {
      case 'replace_member':
        group.members = group.members.map((m) => (m.sub === change.memberSub ? { ...change.by } : m));
        group.deputies = group.deputies.filter((sub) => sub !== change.memberSub);
        break;
      case 'add_member':
        group.members.push({ ...change.member });
        break;
      case 'name_deputy':
        group.deputies.push(change.memberSub);
        break;
      case 'set_liaison':
        group.liaison = { ...change.liaison };
        break;
      case 'replace_leader':
        // A member who moves up leaves the members (and the deputies); the old leader leaves the group.
        group.members = group.members.filter((m) => m.sub !== change.by.sub);
        group.deputies = group.deputies.filter((sub) => sub !== change.by.sub);
        group.leader = { sub: change.by.sub, name: change.by.name };
        break;
    }
    const steps = record(draft, [
      { kind: 'group_changed', actor: input.actor, at: now, comment: input.reason, requestId: input.requestId, data: { change, group: { ...group } } },
    ]);
    return { ...steps, next: draft };
  }

  validateCancel(input: CancelInput): void {
    if (!hasRole(input.actor, 'office')) this.refuse(REFUSAL.forbidden, 'office_cancels');
    if (this.finished) this.refuse(REFUSAL.conflict, 'already_finished', { state: this.state.status.state });
  }

  cancel(input: CancelInput, now: string): Transition {
    const draft = structuredCloneState(this.state);
    draft.submission = null;
    draft.status = { ...draft.status, state: 'cancelled', awaitingRole: null };
    const steps = record(draft, [{ kind: 'cancelled', actor: input.actor, at: now, comment: input.reason, requestId: input.requestId }]);
    return { ...steps, next: draft };
  }

  /** The next moment a timer must fire for, or undefined when nothing is pending. */
  nextDeadline(): number | undefined {
    if (this.finished) return undefined;
    const deadlines: number[] = [];
    if (!this.state.status.overdue) deadlines.push(Date.parse(this.state.status.stageDueAt));
    const escalation = escalationAt(this.state, this.plan.escalateAfterHours);
    if (escalation !== undefined) deadlines.push(escalation);
    if (this.watchesRectification()) deadlines.push(this.nextRectificationLook());
    return deadlines.length ? Math.min(...deadlines) : undefined;
  }

  /**
   * While rectification is open and the target's plan or report is neither in nor
   * noticed as overdue, the workflow reads the records' facts for `checkDeadlines`.
   */
  watchesRectification(): boolean {
    const { stage, state } = this.state.status;
    return stage === 'rectification' && state === 'open' && (this.state.rectification?.settled.length ?? 0) < RECTIFICATION_DUES.length;
  }

  private rectificationDueAt(meetingHeldOn: string, due: RectificationDue): string {
    return rectificationDueAt(meetingHeldOn, (this.plan.rectificationDueDays ?? RECTIFICATION_DUE_DAYS)[due]);
  }

  /** The next due date still watched once the meeting is known; until then, a day after the last look. */
  private nextRectificationLook(): number {
    const watch = this.state.rectification;
    const meeting = watch?.meetingHeldOn;
    if (!meeting) return Date.parse(watch?.lookedAt ?? this.state.status.stageOpenedAt) + RECTIFICATION_LOOK_MS;
    const open = RECTIFICATION_DUES.filter((due) => !watch.settled.includes(due));
    return Math.min(...open.map((due) => Date.parse(this.rectificationDueAt(meeting, due))));
  }

  /**
   * What the clock made true at `nowMs`: the stage overdue, a submission waiting too
   * long, and with `facts` (read when `watchesRectification`), the target's plan or
   * report past its due date.
   */
  checkDeadlines(nowMs: number, facts?: RectificationFacts): Transition {
    const draft = structuredCloneState(this.state);
    const at = new Date(nowMs).toISOString();
    const steps: Step[] = [];
    const notices: Notice[] = [];
    const { stage } = draft.status;
    const target = this.plan.target.name;
    if (!this.finished && !draft.status.overdue && nowMs >= Date.parse(draft.status.stageDueAt)) {
      draft.status = { ...draft.status, overdue: true };
      steps.push({ kind: 'overdue', actor: SYSTEM_ACTOR, at, data: { dueAt: draft.status.stageDueAt } });
      notices.push({
        kind: 'overdue',
        recipientRole: 'office',
        message: `${target}: stage ${stage} passed its due date ${draft.status.stageDueAt}`,
        code: 'notice_overdue',
        params: { target, stage, dueAt: draft.status.stageDueAt },
      });
    }
    const escalation = escalationAt(draft, this.plan.escalateAfterHours);
    if (draft.submission && escalation !== undefined && nowMs >= escalation) {
      draft.submission.escalated = true;
      const waitingOn = draft.status.awaitingRole;
      steps.push({ kind: 'escalated', actor: SYSTEM_ACTOR, at, data: { waitingOn, since: draft.submission.at } });
      notices.push({
        kind: 'escalation',
        recipientRole: 'office',
        message: `${target}: the ${stage} submission has waited on ${waitingOn} since ${draft.submission.at}`,
        code: 'notice_escalated',
        params: { target, stage, waitingOn: String(waitingOn), since: draft.submission.at },
      });
    }
    if (facts && this.watchesRectification()) {
      const watch: RectificationWatch = { meetingHeldOn: facts.meetingHeldOn, settled: [...(draft.rectification?.settled ?? [])], lookedAt: at };
      for (const due of RECTIFICATION_DUES.filter((d) => !watch.settled.includes(d))) {
        if (facts.handedIn.includes(due)) {
          watch.settled.push(due);
          continue;
        }
        if (!facts.meetingHeldOn) continue;
        const dueAt = this.rectificationDueAt(facts.meetingHeldOn, due);
        if (nowMs < Date.parse(dueAt)) continue;
        watch.settled.push(due);
        steps.push({ kind: 'overdue', actor: SYSTEM_ACTOR, at, data: { record: due, dueAt, meetingHeldOn: facts.meetingHeldOn } });
        notices.push({
          kind: 'overdue',
          recipientRole: 'office',
          message: `${target}: the ${due} was due ${dueAt}, counted from the feedback meeting of ${facts.meetingHeldOn}, and is not in`,
          code: 'notice_rectification_overdue',
          params: { target, due, dueAt, meetingHeldOn: facts.meetingHeldOn },
        });
      }
      draft.rectification = watch;
    }
    return { ...record(draft, steps), notices, next: draft };
  }

  private chain(): readonly ApproverRole[] {
    return this.plan.approvalChains[this.state.status.stage];
  }

  private expectStage(stage: StageId, state: 'open' | 'submitted'): void {
    const { status } = this.state;
    if (status.state !== state || status.stage !== stage) {
      this.refuse(REFUSAL.conflict, 'wrong_stage', { stage: status.stage, state: status.state, wanted: stage, wantedState: state });
    }
  }

  private inGroup(actor: Actor): boolean {
    const { group } = this.state;
    return actor.sub === group.leader.sub || group.members.some((m) => m.sub === actor.sub);
  }

  private refuse(type: Refusal['type'], code: RefusalCode, params: Record<string, string> = {}, extra: Record<string, unknown> = {}): never {
    const { status } = this.state;
    throw new Refusal(type, code, params, { stage: status.stage, state: status.state, awaitingRole: status.awaitingRole, ...extra });
  }

  private answer(requestId: string, action: TransitionResult['action'], events: InspectionEvent[], next: ProcessState): Transition {
    const result: TransitionResult = {
      requestId,
      inspectionId: this.plan.inspectionId,
      action,
      stage: events[0]?.stage ?? next.status.stage,
      recorded: events.map((e) => e.kind),
      status: { ...next.status },
    };
    return { events, notices: [], result, next };
  }
}

/** Numbers the steps after the draft's last one and stamps them with its stage. */
function record(draft: ProcessState, steps: Step[]): { events: InspectionEvent[]; notices: Notice[]; result: null } {
  const events = steps.map((step): InspectionEvent => {
    draft.status = { ...draft.status, seq: draft.status.seq + 1 };
    return {
      seq: draft.status.seq,
      kind: step.kind,
      stage: draft.status.stage,
      actor: step.actor,
      at: step.at,
      comment: step.comment ?? null,
      requestId: step.requestId ?? null,
      data: step.data ?? {},
    };
  });
  return { events, notices: [], result: null };
}

function escalationAt(state: ProcessState, escalateAfterHours: number): number | undefined {
  const { status, submission } = state;
  if (status.state !== 'submitted' || !submission || submission.escalated) return undefined;
  // Escalation measures how long the current approver has sat on it, not the whole chain.
  const lastMove = submission.decisions.at(-1)?.at ?? submission.at;
  return Date.parse(lastMove) + escalateAfterHours * HOUR_MS;
}

/** A deep copy, so a preview never touches the committed state (plain data only). */
function structuredCloneState(state: ProcessState): ProcessState {
  const { group } = state;
  return {
    group: {
      ...group,
      members: group.members.map((m) => ({ ...m })),
      deputies: [...group.deputies],
      liaison: group.liaison && { ...group.liaison },
    },
    status: { ...state.status, submittedBy: state.status.submittedBy && { ...state.status.submittedBy } },
    submission: state.submission && {
      ...state.submission,
      decisions: state.submission.decisions.map((d) => ({ ...d })),
    },
    ...(state.rectification ? { rectification: { ...state.rectification, settled: [...state.rectification.settled] } } : {}),
  };
}
