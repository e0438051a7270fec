import type { Kysely, Transaction } from 'kysely';
import type { InspectionEvent, InspectionEventKind, StageStatus, TransitionResult } from '../workflows/messages.js';
import type { StageId } from '../workflows/stages.js';
import type { Database, NotificationTable } from './database.js';
import { GENESIS_HASH, eventHash } from './event-hash.js';
import { InvariantViolation } from './invariant.js';

export interface NoticeRow {
  id: string;
  kind: NotificationTable['kind'];
  recipientRole: NotificationTable['recipient_role'];
  stage: NotificationTable['stage'];
  message: string;
  code?: string;
  params?: Record<string, string>;
}

export interface InspectionSteps {
  inspectionId: string;
  roundId: string;
  events: InspectionEvent[];
  status: StageStatus;
  notices: NoticeRow[];
  result: TransitionResult | null;
}

/**
 * Appends steps decided by an inspection workflow, in one transaction. Idempotent:
 * a retried activity finds its rows by (inspection, seq) and writes nothing twice;
 * the projection only moves forward.
 */
export async function appendInspectionSteps(db: Kysely<Database>, steps: InspectionSteps): Promise<void> {
  await db.transaction().execute((tx) => writeInspectionSteps(tx, steps));
}

/** The body of `appendInspectionSteps`, for a caller that already holds a transaction. */
export async function writeInspectionSteps(tx: Transaction<Database>, steps: InspectionSteps): Promise<void> {
  const first = steps.events[0]?.seq ?? 1;
  // One read for what a retry may already have written and the hash to chain onto.
  const stored = new Map(
    (
      await tx
        .selectFrom('inspection_events')
        .select(['seq', 'hash'])
        .where('inspection_id', '=', steps.inspectionId)
        .where('seq', '>=', first - 1)
        .where('seq', '<=', steps.events.at(-1)?.seq ?? first)
        .execute()
    ).map((row) => [row.seq, row.hash]),
  );
  let prevHash = first <= 1 ? GENESIS_HASH : stored.get(first - 1);
  // Steps are written strictly in order by the workflow; a gap means a bug, and the
  // activity's retry will not fix it, so fail loudly.
  if (prevHash === undefined) throw new InvariantViolation(`inspection ${steps.inspectionId}: step ${first - 1} missing before ${first}`);
  for (const event of steps.events) {
    const existing = stored.get(event.seq);
    if (existing) {
      prevHash = existing;
      continue;
    }
    const hash = eventHash({ inspectionId: steps.inspectionId, ...event, prevHash });
    await tx
      .insertInto('inspection_events')
      .values({
        inspection_id: steps.inspectionId,
        seq: event.seq,
        kind: event.kind,
        stage: event.stage,
        actor_sub: event.actor.sub,
        actor_name: event.actor.name,
        actor_roles: JSON.stringify(event.actor.roles),
        at: event.at,
        comment: event.comment,
        request_id: event.requestId,
        data: JSON.stringify(event.data),
        prev_hash: prevHash,
        hash,
      })
      .execute();
    prevHash = hash;
  }

  const { status } = steps;
  await tx
    .updateTable('inspections')
    .set({
      stage: status.stage,
      state: status.state,
      awaiting_role: status.awaitingRole,
      submitted_by_sub: status.submittedBy?.sub ?? null,
      stage_opened_at: status.stageOpenedAt,
      stage_due_at: status.stageDueAt,
      overdue: status.overdue,
      last_seq: status.seq,
    })
    .where('id', '=', steps.inspectionId)
    .where('last_seq', '<', status.seq)
    .execute();

  if (steps.notices.length) {
    await tx
      .insertInto('notifications')
      .values(
        steps.notices.map((n) => ({
          id: n.id,
          round_id: steps.roundId,
          inspection_id: steps.inspectionId,
          kind: n.kind,
          recipient_role: n.recipientRole,
          stage: n.stage,
          message: n.message,
          code: n.code ?? null,
          params: n.params ? JSON.stringify(n.params) : null,
          created_at: steps.events[0]?.at ?? new Date(),
        })),
      )
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  if (steps.result) {
    await tx
      .insertInto('request_results')
      .values({
        inspection_id: steps.inspectionId,
        request_id: steps.result.requestId,
        action: steps.result.action,
        stage: steps.result.stage,
        result: JSON.stringify(steps.result),
      })
      .onConflict((oc) => oc.columns(['inspection_id', 'request_id']).doNothing())
      .execute();
  }
}

export interface HistoryEntry {
  seq: number;
  kind: InspectionEventKind;
  stage: StageId;
  actor: { sub: string; name: string; roles: string[] };
  at: string;
  comment: string | null;
  requestId: string | null;
  data: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export async function listHistory(db: Kysely<Database>, inspectionId: string, page?: { afterSeq?: number; limit: number }): Promise<HistoryEntry[]> {
  let query = db.selectFrom('inspection_events').selectAll().where('inspection_id', '=', inspectionId);
  if (page?.afterSeq !== undefined) query = query.where('seq', '>', page.afterSeq);
  const rows = await (page ? query.orderBy('seq').limit(page.limit) : query.orderBy('seq')).execute();
  return rows.map((r) => ({
    seq: r.seq,
    kind: r.kind,
    stage: r.stage,
    actor: { sub: r.actor_sub, name: r.actor_name, roles: r.actor_roles },
    at: new Date(r.at).toISOString(),
    comment: r.comment,
    requestId: r.request_id,
    data: r.data,
    prevHash: r.prev_hash,
    hash: r.hash,
  }));
}

export interface HistoryVerification {
  intact: boolean;
  steps: number;
  /** The first step whose stored hash does not match its content, if any. */
  firstBrokenSeq: number | null;
  problems: string[];
}

/** Recomputes the chain from the stored rows: what an auditor runs to see nothing was altered. */
export function verifyChain(inspectionId: string, history: HistoryEntry[]): HistoryVerification {
  const problems: string[] = [];
  let prev = GENESIS_HASH;
  let firstBroken: number | null = null;
  history.forEach((entry, index) => {
    const mark = (problem: string) => {
      problems.push(`step ${entry.seq}: ${problem}`);
      firstBroken ??= entry.seq;
    };
    if (entry.seq !== index + 1) mark(`expected step ${index + 1}: a step is missing`);
    if (entry.prevHash !== prev) mark('does not follow the step before it');
    const { hash, ...content } = entry;
    if (eventHash({ inspectionId, ...content }) !== hash) mark('its content no longer matches its hash');
    prev = hash;
  });
  return { intact: problems.length === 0, steps: history.length, firstBrokenSeq: firstBroken, problems };
}

export async function findRequestResult(
  db: Kysely<Database>,
  inspectionId: string,
  requestId: string,
): Promise<{ action: string; stage: string; result: TransitionResult } | undefined> {
  const row = await db
    .selectFrom('request_results')
    .select(['action', 'stage', 'result'])
    .where('inspection_id', '=', inspectionId)
    .where('request_id', '=', requestId)
    .executeTakeFirst();
  return row ? { action: row.action, stage: row.stage, result: row.result as unknown as TransitionResult } : undefined;
}
