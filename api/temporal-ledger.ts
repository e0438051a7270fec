/**
 * The inspection as Temporal's event history tells it, the ledger nobody with only
 * database access can rewrite: the plan it started with, every update with its actor
 * and outcome, and the activity input that wrote each step. `compareLedgers` names
 * every place where the database's history disagrees with it.
 */
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { canonicalJson } from '../db/event-hash.js';
import { fetchDecodedRuns } from '../platform/workflow-runs.js';
import type { HistoryEntry } from '../db/history.repository.js';
import type { CurrentGroup, InspectionEvent, InspectionPlan } from '../workflows/messages.js';
import { inspectionWorkflowId } from '../workflows/messages.js';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Payloads = temporal.api.common.v1.IPayloads | null | undefined;

const decode = (payloads: Payloads): unknown[] => (payloads?.payloads ?? []).map((p) => defaultPayloadConverter.fromPayload(p));

/** A step as the activity that wrote it was asked to write it. */
interface WrittenStep {
  event: InspectionEvent;
  /** The activity finished (a failed or refused one wrote nothing; a pending one may not have yet). */
  settled: boolean;
  /** What a submission froze, from the activity's result: the records, and the leads apart. */
  frozen?: unknown;
  leads?: unknown;
}

interface CompletedUpdate {
  name: string;
  updateId: string;
  actor: { sub: string; name: string; roles: string[] } | undefined;
  result: unknown;
}

export interface TemporalLedger {
  plan: InspectionPlan | undefined;
  steps: Map<number, WrittenStep>;
  updates: CompletedUpdate[];
  /** The group as the last recorded group change left it (from its activity input). */
  group: CurrentGroup | undefined;
}

const STEP_ACTIVITIES = new Set(['recordInspectionSteps', 'recordGroupChange', 'submitStage']);

export function readTemporalLedger(runs: HistoryEvent[][]): TemporalLedger {
  let plan: InspectionPlan | undefined;
  const steps = new Map<number, WrittenStep>();
  const updates: CompletedUpdate[] = [];
  let group: { seq: number; group: CurrentGroup } | undefined;
  for (const events of runs) {
    const scheduled = new Map<string, { type: string; input: unknown[] }>();
    const accepted = new Map<string, { name: string; args: unknown[] }>();
    for (const event of events) {
      const id = String(event.eventId);
      const started = event.workflowExecutionStartedEventAttributes;
      if (started && !plan) plan = (decode(started.input)[0] as { plan?: InspectionPlan } | undefined)?.plan;
      const activity = event.activityTaskScheduledEventAttributes;
      if (activity?.activityType?.name && STEP_ACTIVITIES.has(activity.activityType.name)) {
        const input = decode(activity.input);
        scheduled.set(id, { type: activity.activityType.name, input });
        const written = activity.activityType.name === 'recordGroupChange' ? (input[0] as { steps: { events: InspectionEvent[] } }).steps : (input[0] as { events: InspectionEvent[] });
        for (const e of written.events) {
          steps.set(e.seq, { event: e, settled: false });
          const changed = e.kind === 'group_changed' ? (e.data as { group?: CurrentGroup }).group : undefined;
          if (changed && (!group || group.seq < e.seq)) group = { seq: e.seq, group: changed };
        }
      }
      const done = event.activityTaskCompletedEventAttributes ?? event.activityTaskFailedEventAttributes ?? event.activityTaskTimedOutEventAttributes ?? event.activityTaskCanceledEventAttributes;
      if (done) {
        const origin = scheduled.get(String(done.scheduledEventId));
        if (origin) {
          const completed = event.activityTaskCompletedEventAttributes;
          const result = completed ? (decode(completed.result)[0] as { unmet?: unknown[]; frozen?: unknown; leads?: unknown } | undefined) : undefined;
          const wrote = Boolean(completed) && !(origin.type === 'submitStage' && (result?.unmet?.length ?? 0) > 0);
          const events = origin.type === 'recordGroupChange' ? (origin.input[0] as { steps: { events: InspectionEvent[] } }).steps.events : (origin.input[0] as { events: InspectionEvent[] }).events;
          for (const e of events) {
            if (wrote) steps.set(e.seq, { event: e, settled: true, frozen: origin.type === 'submitStage' ? result?.frozen : undefined, leads: origin.type === 'submitStage' ? result?.leads : undefined });
            else if (steps.get(e.seq)?.event === e) steps.delete(e.seq);
          }
        }
      }
      const acceptance = event.workflowExecutionUpdateAcceptedEventAttributes;
      if (acceptance?.acceptedRequest?.meta?.updateId) {
        const input = acceptance.acceptedRequest.input;
        accepted.set(acceptance.acceptedRequest.meta.updateId, { name: input?.name ?? '', args: decode(input?.args) });
      }
      const completion = event.workflowExecutionUpdateCompletedEventAttributes;
      if (completion?.meta?.updateId && completion.outcome?.success) {
        const request = accepted.get(completion.meta.updateId);
        if (request) {
          updates.push({
            name: request.name,
            updateId: completion.meta.updateId,
            actor: (request.args[0] as { actor?: CompletedUpdate['actor'] } | undefined)?.actor,
            result: decode(completion.outcome.success)[0],
          });
        }
      }
    }
  }
  return { plan, steps, updates, group: group?.group };
}

export interface DatabaseSide {
  history: HistoryEntry[];
  lastSeq: number;
  requestResults: { requestId: string; result: unknown }[];
  target: { name: string; principalLeader: string; extensions?: unknown; liaison?: unknown };
  groupName: string;
  leader: { sub: string; name: string };
  members: { sub: string; name: string; isDeputy: boolean }[];
}

export interface LedgerMismatch {
  /** Where the thing was found: only in the database, only in Temporal, or in both but different. */
  kind: 'only_in_database' | 'only_in_temporal' | 'different';
  what: string;
  problem: string;
}

const sameActor = (a: { sub: string; name: string; roles: string[] } | undefined, b: { sub: string; name: string; roles: string[] }) =>
  a !== undefined && a.sub === b.sub && a.name === b.name && canonicalJson(a.roles) === canonicalJson(b.roles);

/** Every disagreement between the database and Temporal's history, named. */
export function compareLedgers(temporalSide: TemporalLedger, db: DatabaseSide): LedgerMismatch[] {
  const mismatches: LedgerMismatch[] = [];
  const add = (kind: LedgerMismatch['kind'], what: string, problem: string) => mismatches.push({ kind, what, problem });
  const stored = new Map(db.history.map((s) => [s.seq, s]));

  for (const step of db.history) {
    const written = temporalSide.steps.get(step.seq);
    if (!written) {
      add('only_in_database', `step ${step.seq}`, `step ${step.seq} (${step.kind}) is in the database but no activity in Temporal's history wrote it`);
      continue;
    }
    const e = written.event;
    const differ: string[] = [];
    if (e.kind !== step.kind) differ.push('kind');
    if (e.stage !== step.stage) differ.push('stage');
    if (!sameActor(e.actor, step.actor)) differ.push('actor');
    if (new Date(e.at).toISOString() !== step.at) differ.push('time');
    if ((e.comment ?? null) !== step.comment) differ.push('comment');
    if ((e.requestId ?? null) !== step.requestId) differ.push('request id');
    const { records, leads, ...data } = step.data;
    if (canonicalJson(e.data ?? {}) !== canonicalJson(step.kind === 'submitted' ? data : step.data)) differ.push('data');
    if (step.kind === 'submitted' && written.frozen !== undefined && canonicalJson(written.frozen) !== canonicalJson(records)) differ.push('frozen records');
    // Histories recorded before the leads had their own digest carry none to compare.
    if (step.kind === 'submitted' && written.leads !== undefined && canonicalJson(written.leads) !== canonicalJson(leads ?? null)) differ.push('frozen leads');
    if (differ.length) add('different', `step ${step.seq}`, `step ${step.seq}: its ${differ.join(', ')} differ from the activity input that wrote it in Temporal's history`);
  }
  for (const [seq, written] of temporalSide.steps) {
    if (written.settled && !stored.has(seq)) {
      add('only_in_temporal', `step ${seq}`, `step ${seq} (${written.event.kind}) was written according to Temporal's history but is not in the database`);
    }
  }
  const maxSeq = db.history.at(-1)?.seq ?? 0;
  if (db.lastSeq !== maxSeq) add('different', 'inspection', `the inspection says it is at step ${db.lastSeq}, its history ends at step ${maxSeq}`);

  // Every completed update left its step, by the same actor.
  for (const update of temporalSide.updates) {
    const steps = db.history.filter((s) => s.requestId === update.updateId);
    if (steps.length === 0) {
      add('only_in_temporal', `request ${update.updateId}`, `request ${update.updateId} (${update.name}) completed in Temporal but has no step in the database`);
    } else if (!steps.some((s) => sameActor(update.actor, s.actor))) {
      add('different', `request ${update.updateId}`, `request ${update.updateId}: its steps name another actor than the one Temporal's history shows asking`);
    }
  }
  // The remembered answers are the updates' outcomes.
  const outcomes = new Map(temporalSide.updates.map((u) => [u.updateId, u.result]));
  for (const remembered of db.requestResults) {
    if (!outcomes.has(remembered.requestId)) {
      add('only_in_database', `request ${remembered.requestId}`, `the remembered answer to request ${remembered.requestId} answers no update in Temporal's history`);
    } else if (canonicalJson(outcomes.get(remembered.requestId)) !== canonicalJson(remembered.result)) {
      add('different', `request ${remembered.requestId}`, `the remembered answer to request ${remembered.requestId} differs from the outcome in Temporal's history`);
    }
  }

  // The plan the workflow started with, changed only by recorded group changes.
  const plan = temporalSide.plan;
  if (plan) {
    const target = db.target;
    if (target.name !== plan.target.name || target.principalLeader !== plan.target.principalLeader || canonicalJson(target.extensions ?? []) !== canonicalJson(plan.target.extensions ?? [])) {
      add('different', 'target', `the target (name, principal leader) differs from the plan the workflow started with`);
    }
    const group: CurrentGroup = temporalSide.group ?? {
      name: plan.group.name,
      leader: plan.group.leader,
      members: plan.group.members,
      deputies: [],
      liaison: plan.target.liaison ?? null,
    };
    if (db.groupName !== group.name || db.leader.sub !== group.leader.sub || db.leader.name !== group.leader.name) {
      add('different', 'group', `the group's name or leader differs from the plan and its recorded changes`);
    }
    if (canonicalJson(target.liaison ?? null) !== canonicalJson(group.liaison ?? null)) {
      add('different', 'liaison', `the target's liaison differs from the plan and its recorded changes`);
    }
    const expected = new Map([[group.leader.sub, group.leader.name], ...group.members.map((m) => [m.sub, m.name] as const)]);
    const actual = new Map(db.members.map((m) => [m.sub, m]));
    for (const [sub, name] of expected) {
      const member = actual.get(sub);
      if (!member) add('only_in_temporal', `member ${sub}`, `${name} (${sub}) belongs to the group by the plan and its recorded changes but is not in the database's group`);
      else if (member.name !== name) add('different', `member ${sub}`, `member ${sub} is named ${member.name} in the database, ${name} by the plan and its recorded changes`);
    }
    for (const member of db.members) {
      if (!expected.has(member.sub)) add('only_in_database', `member ${member.sub}`, `${member.name} (${member.sub}) is in the database's group but was never added by a recorded change`);
      else if (member.isDeputy !== group.deputies.includes(member.sub)) add('different', `member ${member.sub}`, `member ${member.sub}: deputy or not differs from the recorded changes`);
    }
  } else {
    add('only_in_database', 'plan', "Temporal's history holds no start of this inspection's workflow");
  }
  return mismatches;
}

export async function readInspectionLedger(client: Client, inspectionId: string): Promise<TemporalLedger> {
  // Continue-as-new leaves earlier runs behind: the ledger reads every one, oldest first.
  const runs = await fetchDecodedRuns(client, inspectionWorkflowId(inspectionId));
  return readTemporalLedger(runs.map((run) => run.history.events ?? []));
}
