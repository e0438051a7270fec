import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { criteriaContexts } from '../db/stage-gate.repository.js';
import { listTaskInspections, type OwedKind, type TaskScope } from '../db/tasks.repository.js';
import { unmetCriteria } from '../workflows/exit-criteria.js';
import { APPROVER_ROLES, type Actor, type Role } from '../workflows/roles.js';
import { RECORD_KIND_IDS, STAGES, stageOwner, type RecordKind, type StageId, type StageOwner } from '../workflows/stages.js';
import { KEPT_OUT, kindRules } from './access.js';
import { decodeKeyCursor, isUuid, keyPageOf } from './paging.js';
import type { WaitingOn } from './schemas.js';
import { inspectionName } from './views.js';

export const TASK_KINDS = ['stage_decision', 'record_decision', 'record_review', 'stage_submission', 'record_owed'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

type Row = Awaited<ReturnType<typeof listTaskInspections>>[number];
type PendingRecord = Row['pending_records'][number];
/** A record waiting for an owed kind, and the one already written for it when it must be written again. */
type OwedRecord = Omit<PendingRecord, 'review_status' | 'decision_status'> & { answer_id: string | null };

const iso = (value: Date | string) => new Date(value).toISOString();
const stageTitle = (stage: StageId) => STAGES.find((s) => s.id === stage)!.title.zh;

/**
 * What the caller may act on, read off the stage model: the kinds whose `decidedBy`
 * or `reviewedBy` is one of their roles, and the stages whose owner they are. A kind
 * or stage added there shows up here without a change.
 */
function scopeOf(actor: Actor): TaskScope {
  const holds = (role: string) => actor.roles.includes(role as Role);
  const kinds = (pick: (kind: RecordKind) => boolean) => RECORD_KIND_IDS.filter(pick);
  const submits: Partial<Record<StageOwner, StageId[]>> = {};
  for (const stage of STAGES) {
    if (holds(stage.submittedBy)) (submits[stage.submittedBy] ??= []).push(stage.id);
  }
  return {
    sub: actor.sub,
    approverRoles: APPROVER_ROLES.filter(holds),
    decideKinds: kinds((k) => Boolean(kindRules(k).decidedBy && holds(kindRules(k).decidedBy!))),
    // The group leader reviews their own group's records only; any other reviewing role, every group's but its own.
    reviewKinds: kinds((k) => Boolean(kindRules(k).reviewedBy && kindRules(k).reviewedBy !== 'group_leader' && holds(kindRules(k).reviewedBy!))),
    leaderReviewKinds: holds('group_leader') ? kinds((k) => kindRules(k).reviewedBy === 'group_leader') : [],
    submits,
    keptOut: KEPT_OUT,
    owed: owedKinds(holds),
  };
}

/** The kinds owed for other records (`owed`) that the caller writes by one of their roles, with what they name. */
function owedKinds(holds: (role: string) => boolean): OwedKind[] {
  return RECORD_KIND_IDS.flatMap((kind) => {
    const { owed, onePer, references = [], writers } = kindRules(kind);
    const target = references.find((r) => r.path === onePer)?.to;
    if (!owed || !onePer || !target || !writers.some((w) => w !== 'group' && w !== 'liaison' && holds(w))) return [];
    return [{ kind, field: onePer, target, ...(owed.again ? { again: owed.again } : {}) }];
  });
}

/** How a person recognises a record in a list: its title, whom it is about, or who wrote it. */
function recordSubject(record: Pick<PendingRecord, 'data' | 'created_by_name'>, row: Row): string {
  const data = record.data;
  if (typeof data.title === 'string') return `《${data.title}》`;
  if (typeof data.measure === 'string') return data.measure;
  const person = data.person as { name?: unknown } | undefined;
  if (typeof person?.name === 'string') return person.name;
  if (typeof data.memberSub === 'string') return row.members.find((m) => m.sub === data.memberSub)?.name ?? data.memberSub;
  return record.created_by_name;
}

/**
 * Where a task stands in the list, oldest first: since when it waits, then what makes it
 * unique (its inspection, kind, record and the kind it owes), so the order is total and a
 * cursor names the exact task after which the next page starts.
 */
type TaskPosition = [since: string, inspectionId: string, kind: string, recordId: string, writes: string];

function taskPosition(task: { since: string; inspection: { id: string }; kind: TaskKind; record: { id: string } | null; writes: { kind: string } | null }): TaskPosition {
  return [task.since, task.inspection.id, task.kind, task.record?.id ?? '', task.writes?.kind ?? ''];
}

function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i]! !== b[i]!) return a[i]! < b[i]! ? -1 : 1;
  }
  return 0;
}

const isIsoMoment = (value: unknown): value is string =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value) && !Number.isNaN(Date.parse(value));

const isTaskPosition = (parts: unknown[]): parts is TaskPosition =>
  parts.length === 5 &&
  isIsoMoment(parts[0]) &&
  isUuid(parts[1]) &&
  (TASK_KINDS as readonly unknown[]).includes(parts[2]) &&
  (parts[3] === '' || isUuid(parts[3])) &&
  (parts[4] === '' || (RECORD_KIND_IDS as readonly unknown[]).includes(parts[4]));

/**
 * The caller's to-do list (待办): everything of every kind that waits on them, from
 * two queries however many inspections there are.
 */
export class TasksService {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * A page of the list, whose counts are the whole list's (a badge shows them). Whether a
   * stage waits on its submission is only known after its exit criteria are checked in
   * here, so every task is worked out on each request and the page is cut from them: the
   * same two queries whatever the page, and the answer no larger than `limit` tasks.
   */
  async list(actor: Actor, page: { limit: number; cursor?: string }) {
    const after = page.cursor ? decodeKeyCursor<TaskPosition>('tasks', page.cursor, isTaskPosition) : undefined;
    const scope = scopeOf(actor);
    const rows = await listTaskInspections(this.db, scope);
    const submittable = rows.filter((row) => row.state === 'open' && this.submits(row, actor));
    const contexts = await criteriaContexts(
      this.db,
      submittable.map((row) => row.id),
    );

    const tasks = rows.flatMap((row) => {
      const base = `/api/v1/inspections/${row.id}`;
      const common = {
        inspection: { id: row.id, name: inspectionName(row) },
        round: { id: row.round_id, name: row.round_name },
        stage: row.stage,
        // A record can be decided only while its stage is open, so the stage's due date is the record's too.
        dueAt: iso(row.stage_due_at),
        overdue: row.overdue,
      };
      const member = row.members.some((m) => m.sub === actor.sub);
      const found = [];

      // Rows come back only where something waits on the caller; these checks say what.
      if (row.state === 'submitted' && row.awaiting_role && scope.approverRoles.includes(row.awaiting_role)) {
        found.push({
          kind: 'stage_decision' as const,
          title: `审批「${stageTitle(row.stage)}」阶段`,
          ...common,
          record: null,
          since: iso(row.waiting_since ?? row.stage_opened_at),
          waitingOn: { role: row.awaiting_role } satisfies WaitingOn,
          action: { method: 'POST' as const, href: `${base}/decisions` },
          writes: null,
        });
      }
      for (const record of row.state === 'open' ? row.pending_records : []) {
        const rules = kindRules(record.kind);
        const subject = recordSubject(record, row);
        const recordRef = { id: record.id, kind: record.kind, title: rules.title.zh };
        if (record.decision_status === 'pending' && rules.decidedBy && scope.decideKinds.includes(record.kind) && !member) {
          found.push({
            kind: 'record_decision' as const,
            title: `决定：${rules.title.zh} ${subject}`,
            ...common,
            record: recordRef,
            since: iso(record.updated_at),
            waitingOn: { role: rules.decidedBy } satisfies WaitingOn,
            action: { method: 'POST' as const, href: `${base}/records/${record.id}/decision` },
            writes: null,
          });
        }
        const byLeader = scope.leaderReviewKinds.includes(record.kind) && row.leader_sub === actor.sub;
        const byRole = scope.reviewKinds.includes(record.kind) && !member;
        if (record.review_status === 'pending' && rules.reviewedBy && (byLeader || byRole)) {
          found.push({
            kind: 'record_review' as const,
            title: `审核：${rules.title.zh} ${subject}`,
            ...common,
            record: recordRef,
            since: iso(record.updated_at),
            waitingOn: (byLeader ? { role: rules.reviewedBy, sub: row.leader_sub } : { role: rules.reviewedBy }) satisfies WaitingOn,
            action: { method: 'POST' as const, href: `${base}/records/${record.id}/review` },
            writes: null,
          });
        }
      }
      for (const owed of row.state === 'open' ? scope.owed : []) {
        const rules = kindRules(owed.kind as RecordKind);
        const waiting = (row as unknown as Record<string, OwedRecord[]>)[`owed:${owed.kind}`] ?? [];
        for (const record of waiting) {
          const title = kindRules(record.kind).title.zh;
          found.push({
            kind: 'record_owed' as const,
            title: `${rules.title.zh}：${title} ${recordSubject(record, row)}`,
            ...common,
            record: { id: record.id, kind: record.kind, title },
            since: iso(record.updated_at),
            waitingOn: { role: rules.writers.find((w) => w !== 'group' && w !== 'liaison' && actor.roles.includes(w as Role))! } as WaitingOn,
            // A second verdict on the same record is an edit of the first (onePer).
            action: record.answer_id
              ? { method: 'PATCH' as const, href: `${base}/records/${record.answer_id}` }
              : { method: 'POST' as const, href: `${base}/records` },
            writes: { kind: owed.kind as RecordKind, field: owed.field },
          });
        }
      }
      const ctx = contexts.get(row.id);
      if (ctx && unmetCriteria(row.stage, ctx).length === 0) {
        const owner = stageOwner(row.stage);
        found.push({
          kind: 'stage_submission' as const,
          title: `提交「${stageTitle(row.stage)}」阶段：准出条件已全部满足`,
          ...common,
          record: null,
          since: iso(row.waiting_since ?? row.stage_opened_at),
          waitingOn: (owner === 'group_leader' ? { role: owner, sub: row.leader_sub } : { role: owner }) satisfies WaitingOn,
          action: { method: 'POST' as const, href: `${base}/submissions` },
          writes: null,
        });
      }
      return found;
    });

    const keyed = tasks.map((task) => ({ task, key: taskPosition(task) })).sort((a, b) => compareKeys(a.key, b.key));
    const byKind = Object.fromEntries(TASK_KINDS.map((kind) => [kind, tasks.filter((t) => t.kind === kind).length])) as Record<TaskKind, number>;
    const { rows: shown, nextCursor } = keyPageOf(
      'tasks',
      after ? keyed.filter(({ key }) => compareKeys(key, after) > 0) : keyed,
      page.limit,
      ({ key }) => key,
    );
    return { tasks: shown.map(({ task }) => task), counts: { total: tasks.length, byKind }, nextCursor };
  }

  /** Whether the caller is the one to submit the row's open stage. */
  private submits(row: Row, actor: Actor): boolean {
    const owner = stageOwner(row.stage);
    if (owner === 'group_leader') return actor.roles.includes('group_leader') && row.leader_sub === actor.sub;
    return actor.roles.includes(owner) && !row.members.some((m) => m.sub === actor.sub);
  }
}
