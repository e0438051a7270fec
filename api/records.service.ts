import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../db/database.js';
import {
  findRecord,
  insertRecord,
  listRecords,
  updateRecord,
  type DecisionStatus,
  type ReviewStatus,
} from '../db/records.repository.js';
import { lockInspection } from '../db/inspections.repository.js';
import { seesAllRounds, type Actor } from '../workflows/roles.js';
import { RECORD_KINDS, type RecordKind, type StageId } from '../workflows/stages.js';
import { ApiError, ERROR_CODES, conflict, forbidden, notFound } from './errors.js';
import { recordDataSchemas } from './record-schemas.js';
import type { loadInspection } from './views.js';

type Inspection = Awaited<ReturnType<typeof loadInspection>>;
type RecordRow = NonNullable<Awaited<ReturnType<typeof findRecord>>>;

const EVIDENCE_KINDS: RecordKind[] = ['talk', 'document_review', 'petition', 'field_visit'];

export function toRecordView(row: RecordRow) {
  return {
    id: row.id,
    inspectionId: row.inspection_id,
    kind: row.kind as RecordKind,
    stage: row.stage as StageId,
    data: row.data,
    version: row.version,
    createdBy: { sub: row.created_by_sub, name: row.created_by_name },
    createdAt: new Date(row.created_at).toISOString(),
    updatedBy: { sub: row.updated_by_sub, name: row.updated_by_name },
    updatedAt: new Date(row.updated_at).toISOString(),
    reviewStatus: row.review_status as ReviewStatus | null,
    decisionStatus: row.decision_status as DecisionStatus | null,
  };
}

/** A leader or member named in this inspection's group. */
export function isGroupPerson(inspection: Inspection, actor: Actor): boolean {
  const inGroup = inspection.members.some((m) => m.sub === actor.sub);
  return inGroup && (actor.roles.includes('group_leader') || actor.roles.includes('member'));
}

function isTargetLiaison(inspection: Inspection, actor: Actor): boolean {
  const liaison = inspection.row.target.liaison;
  return Boolean(liaison && liaison.sub === actor.sub && actor.roles.includes('liaison'));
}

/**
 * A member whose recusal declaration is undecided, or whom the office did not allow,
 * is kept out of the inspection's records (回避).
 */
async function recusalBlock(db: Kysely<Database>, inspectionId: string, sub: string): Promise<string | undefined> {
  const declarations = await db
    .selectFrom('records')
    .select(['decision_status', 'data'])
    .where('inspection_id', '=', inspectionId)
    .where('kind', '=', 'recusal_declaration')
    .where(sql<string>`data->>'memberSub'`, '=', sub)
    .execute();
  if (declarations.some((d) => d.decision_status === 'pending')) {
    return 'your recusal declaration waits for the office’s decision; until then you cannot see or record this inspection’s work';
  }
  if (declarations.some((d) => d.decision_status === 'denied')) {
    return 'the office recused you from this inspection (回避)';
  }
  return undefined;
}

/** The kinds the target's liaison may see: those they write (questionnaire, rectification). */
const LIAISON_KINDS = (Object.keys(RECORD_KINDS) as RecordKind[]).filter((kind) =>
  (RECORD_KINDS[kind].writers as readonly string[]).includes('liaison'),
);

/** Refuses a group person whose recusal keeps them out of this inspection. */
export async function requireNotRecused(db: Kysely<Database>, inspectionId: string, actor: Actor): Promise<void> {
  const blocked = await recusalBlock(db, inspectionId, actor.sub);
  if (blocked) throw forbidden(blocked);
}

/**
 * Which record kinds the caller may read: all of them for the office, leading group,
 * auditors and the group (unless recused); for the inspected organisation's liaison
 * only the kinds they take part in: talks, petitions and findings stay out of reach.
 */
export async function readableKinds(db: Kysely<Database>, inspection: Inspection, actor: Actor): Promise<'all' | RecordKind[]> {
  if (seesAllRounds(actor)) return 'all';
  if (isGroupPerson(inspection, actor)) {
    await requireNotRecused(db, inspection.row.id, actor);
    return 'all';
  }
  if (isTargetLiaison(inspection, actor)) return LIAISON_KINDS;
  throw forbidden('you are not a member of this inspection’s group');
}

/** For what shows every record (the report, the progress of the work): no partial readers. */
export async function requireRecordReader(db: Kysely<Database>, inspection: Inspection, actor: Actor): Promise<void> {
  if ((await readableKinds(db, inspection, actor)) !== 'all') throw forbidden('this is for the inspecting side only');
}

export async function requireRecordWriter(db: Kysely<Database>, inspection: Inspection, actor: Actor, kind: RecordKind) {
  const { writers } = RECORD_KINDS[kind];
  const allowed =
    (writers.includes('group' as never) && isGroupPerson(inspection, actor)) ||
    (writers.includes('office' as never) && actor.roles.includes('office')) ||
    (writers.includes('liaison' as never) && isTargetLiaison(inspection, actor));
  if (!allowed) {
    const who = writers.map((w) => (w === 'group' ? 'the inspection’s group' : w === 'liaison' ? 'the target’s liaison' : w));
    throw forbidden(`a ${kind} record is written by ${who.join(' or ')}`);
  }
  if (isGroupPerson(inspection, actor) && !actor.roles.includes('office')) {
    const blocked = await recusalBlock(db, inspection.row.id, actor.sub);
    // A blocked member may still correct the declaration that blocks them.
    if (blocked && kind !== 'recusal_declaration') throw forbidden(blocked);
  }
}

/** Rules about who may say what in a record, beyond the kind's writers. */
function requireAuthorOf(inspection: Inspection, actor: Actor, kind: RecordKind, data: Record<string, unknown>, before?: Record<string, unknown>) {
  if (kind === 'recusal_declaration' && data.memberSub !== actor.sub) {
    throw forbidden('each member declares for themselves: memberSub must be your own');
  }
  if (kind === 'recusal_declaration' && before && before.memberSub !== actor.sub) {
    throw forbidden('only the member who declared may change the declaration');
  }
  // Withdrawing a finding drops it from the report: the group leader's call, not a member's.
  if (kind === 'problem' && Boolean(data.withdrawn) !== Boolean(before?.withdrawn) && actor.sub !== inspection.row.leader_sub) {
    throw forbidden('only the group leader may withdraw a problem paper or restore it');
  }
}

/** Runs `write` with the inspection locked, if `stage` is the open stage; else a 409 naming it. */
export async function inOpenStage<T>(
  db: Kysely<Database>,
  inspectionId: string,
  stage: StageId,
  write: (tx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  // An idempotent write arrives inside the transaction that also stores its answer.
  const inTransaction = (run: (tx: Transaction<Database>) => Promise<T>) =>
    db.isTransaction ? run(db as Transaction<Database>) : db.transaction().execute(run);
  return inTransaction(async (tx) => {
    const row = await lockInspection(tx, inspectionId);
    if (!row) throw notFound(`inspection ${inspectionId}`);
    if (row.stage !== stage || row.state !== 'open') {
      throw conflict(
        row.stage === stage
          ? `stage ${stage} is ${row.state}: its records are frozen`
          : `${stage} records can change only while ${stage} is open; the inspection is at ${row.stage} (${row.state})`,
        { stage: row.stage, state: row.state, recordStage: stage },
      );
    }
    return write(tx);
  });
}

function invalid(field: string, message: string): ApiError {
  return new ApiError(400, ERROR_CODES[400], `invalid input: ${field} ${message}`, { issues: [{ field, message }] });
}

export function parseRecordData(kind: RecordKind, data: unknown): Record<string, unknown> {
  const parsed = (recordDataSchemas[kind] as z.ZodType<Record<string, unknown>>).safeParse(data);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    field: ['body', 'data', ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  throw new ApiError(400, ERROR_CODES[400], `invalid input: ${issues.map((i) => `${i.field} ${i.message}`).join('; ')}`, { issues });
}

/** Checks that ids and people a record names belong to this inspection. */
async function checkReferences(
  tx: Transaction<Database>,
  inspection: Inspection,
  kind: RecordKind,
  data: Record<string, unknown>,
  recordId: string | null,
): Promise<void> {
  const records = await listRecords(tx, inspection.row.id);
  const byId = new Map(records.map((r) => [r.id, r]));
  const memberSubs = new Set(inspection.members.map((m) => m.sub));
  const problem = (field: string, id: unknown, leadOnly = false) => {
    const found = byId.get(String(id));
    if (!found || found.kind !== 'problem') throw invalid(field, 'is not a problem paper of this inspection');
    if (leadOnly && found.data.isLead !== true) throw invalid(field, 'is not a problem paper flagged as a lead');
    return found;
  };

  if (kind === 'problem') {
    (data.evidence as string[]).forEach((id, i) => {
      const found = byId.get(id);
      if (!found || !EVIDENCE_KINDS.includes(found.kind as RecordKind)) {
        throw invalid(`body.data.evidence.${i}`, 'is not a talk, document review, petition or field visit of this inspection');
      }
    });
  }
  if (kind === 'recusal_declaration' || kind === 'inspector_evaluation') {
    if (!memberSubs.has(String(data.memberSub))) throw invalid('body.data.memberSub', 'is not in this inspection’s group');
    const twin = records.find((r) => r.kind === kind && r.data.memberSub === data.memberSub && r.id !== recordId);
    if (twin) throw conflict(`a ${kind} for ${String(data.memberSub)} already exists (${twin.id}); edit that one`, { recordId: twin.id });
  }
  if (kind === 'communication') {
    (data.answers as { problemId: string }[]).forEach((answer, i) => {
      const paper = problem(`body.data.answers.${i}.problemId`, answer.problemId);
      if (paper.review_status !== 'confirmed') throw invalid(`body.data.answers.${i}.problemId`, 'is not a confirmed problem paper');
    });
  }
  if (kind === 'rectification_item') problem('body.data.problemId', data.problemId);
  if (kind === 'lead_handover') problem('body.data.problemId', data.problemId, true);
}

export async function createRecord(db: Kysely<Database>, inspection: Inspection, actor: Actor, kind: RecordKind, data: Record<string, unknown>) {
  const definition = RECORD_KINDS[kind] as { stage: StageId; decidedBy?: string; reviewedBy?: string };
  await requireRecordWriter(db, inspection, actor, kind);
  requireAuthorOf(inspection, actor, kind, data);
  const id = randomUUID();
  await inOpenStage(db, inspection.row.id, definition.stage, async (tx) => {
    await checkReferences(tx, inspection, kind, data, null);
    await insertRecord(tx, {
      id,
      inspectionId: inspection.row.id,
      kind,
      stage: definition.stage,
      data,
      reviewStatus: definition.reviewedBy ? 'pending' : null,
      decisionStatus: definition.decidedBy ? 'pending' : null,
      actor,
      at: new Date().toISOString(),
    });
  });
  return toRecordView((await findRecord(db, inspection.row.id, id))!);
}

export async function loadRecord(db: Kysely<Database>, inspectionId: string, recordId: string): Promise<RecordRow> {
  const row = await findRecord(db, inspectionId, recordId);
  if (!row) throw notFound(`record ${recordId} of inspection ${inspectionId}`);
  return row;
}

/** An edit is a new version; it sends a reviewed paper or decided request back for review. */
export async function editRecord(db: Kysely<Database>, inspection: Inspection, actor: Actor, recordId: string, rawData: unknown, version: number) {
  const current = await loadRecord(db, inspection.row.id, recordId);
  const kind = current.kind as RecordKind;
  await requireRecordWriter(db, inspection, actor, kind);
  const data = parseRecordData(kind, rawData);
  requireAuthorOf(inspection, actor, kind, data, current.data);
  await inOpenStage(db, inspection.row.id, current.stage as StageId, async (tx) => {
    const fresh = await findRecord(tx, inspection.row.id, recordId);
    if (!fresh || fresh.version !== version) {
      throw conflict(`the record is at version ${fresh?.version}; you edited version ${version}. Reload and edit again`, {
        currentVersion: fresh?.version,
      });
    }
    await checkReferences(tx, inspection, kind, data, recordId);
    const ok = await updateRecord(tx, recordId, version, {
      data,
      reviewStatus: fresh.review_status ? 'pending' : null,
      decisionStatus: fresh.decision_status ? 'pending' : null,
      change: 'edited',
      note: null,
      actor,
      at: new Date().toISOString(),
    });
    if (!ok) throw conflict('the record changed while you edited it; reload and edit again', { currentVersion: version + 1 });
  });
  return toRecordView(await loadRecord(db, inspection.row.id, recordId));
}

export async function reviewRecord(
  db: Kysely<Database>,
  inspection: Inspection,
  actor: Actor,
  recordId: string,
  decision: 'confirm' | 'return',
  note: string,
) {
  const current = await loadRecord(db, inspection.row.id, recordId);
  const definition = RECORD_KINDS[current.kind as RecordKind] as { reviewedBy?: string };
  if (!definition.reviewedBy) throw conflict(`a ${current.kind} record is not reviewed by the group leader`, { kind: current.kind });
  if (!(actor.roles.includes('group_leader') && actor.sub === inspection.row.leader_sub)) {
    throw forbidden(`only ${inspection.row.group_name}'s leader ${inspection.row.leader_name} reviews its problem papers`);
  }
  await requireNotRecused(db, inspection.row.id, actor);
  await inOpenStage(db, inspection.row.id, current.stage as StageId, async (tx) => {
    const fresh = (await findRecord(tx, inspection.row.id, recordId))!;
    if (fresh.review_status !== 'pending') {
      throw conflict(`the paper is already ${fresh.review_status}; it can be reviewed again after an edit`, { reviewStatus: fresh.review_status });
    }
    await updateRecord(tx, recordId, fresh.version, {
      data: fresh.data,
      reviewStatus: decision === 'confirm' ? 'confirmed' : 'returned',
      decisionStatus: fresh.decision_status as DecisionStatus | null,
      change: 'reviewed',
      note: note || null,
      actor,
      at: new Date().toISOString(),
    });
  });
  return toRecordView(await loadRecord(db, inspection.row.id, recordId));
}

export async function decideRecord(
  db: Kysely<Database>,
  inspection: Inspection,
  actor: Actor,
  recordId: string,
  decision: 'approve' | 'deny',
  comment: string,
) {
  const current = await loadRecord(db, inspection.row.id, recordId);
  const definition = RECORD_KINDS[current.kind as RecordKind] as { decidedBy?: 'office' | 'leading_group' };
  if (!definition.decidedBy) throw conflict(`a ${current.kind} record needs no decision`, { kind: current.kind });
  if (!actor.roles.includes(definition.decidedBy)) throw forbidden(`a ${current.kind} is decided by ${definition.decidedBy}`);
  if (current.created_by_sub === actor.sub) throw forbidden('you may not decide on a request you made');
  await inOpenStage(db, inspection.row.id, current.stage as StageId, async (tx) => {
    const fresh = (await findRecord(tx, inspection.row.id, recordId))!;
    if (fresh.decision_status !== 'pending') {
      throw conflict(`already ${fresh.decision_status}; an edit sends it back for a new decision`, { decisionStatus: fresh.decision_status });
    }
    await updateRecord(tx, recordId, fresh.version, {
      data: fresh.data,
      reviewStatus: fresh.review_status as ReviewStatus | null,
      decisionStatus: decision === 'approve' ? 'approved' : 'denied',
      change: 'decided',
      note: comment || null,
      actor,
      at: new Date().toISOString(),
    });
  });
  return toRecordView(await loadRecord(db, inspection.row.id, recordId));
}

