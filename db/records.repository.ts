import type { Kysely, Transaction } from 'kysely';
import { unmetCriteria, type CriteriaContext, type RecordSnapshot, type Unmet } from '../workflows/exit-criteria.js';
import type { Actor } from '../workflows/roles.js';
import { WRITTEN_REPORT_SECTIONS, type RecordKind, type StageId, type WrittenReportSection } from '../workflows/stages.js';
import type { Database } from './database.js';

type Db = Kysely<Database> | Transaction<Database>;

export type ReviewStatus = 'pending' | 'confirmed' | 'returned';
export type DecisionStatus = 'pending' | 'approved' | 'denied';
export type RecordChange = 'created' | 'edited' | 'reviewed' | 'decided';

/**
 * Locks the inspection's row for the rest of the transaction and returns its stage
 * and state. Record writes and the submission's freeze both take this lock, so no
 * write can land after a stage was submitted.
 */
export async function lockInspection(tx: Transaction<Database>, inspectionId: string) {
  return tx
    .selectFrom('inspections')
    .select(['id', 'stage', 'state', 'round_id'])
    .where('id', '=', inspectionId)
    .forUpdate()
    .executeTakeFirst();
}

export interface NewRecord {
  id: string;
  inspectionId: string;
  kind: RecordKind;
  stage: StageId;
  data: Record<string, unknown>;
  reviewStatus: ReviewStatus | null;
  decisionStatus: DecisionStatus | null;
  actor: Actor;
  at: string;
}

export async function insertRecord(tx: Transaction<Database>, record: NewRecord): Promise<void> {
  await tx
    .insertInto('records')
    .values({
      id: record.id,
      inspection_id: record.inspectionId,
      kind: record.kind,
      stage: record.stage,
      data: JSON.stringify(record.data),
      version: 1,
      review_status: record.reviewStatus,
      decision_status: record.decisionStatus,
      created_by_sub: record.actor.sub,
      created_by_name: record.actor.name,
      created_at: record.at,
      updated_by_sub: record.actor.sub,
      updated_by_name: record.actor.name,
      updated_at: record.at,
    })
    .execute();
  await insertVersion(tx, record.id, 1, 'created', record.data, record.reviewStatus, record.decisionStatus, null, record.actor, record.at);
}

export interface RecordUpdate {
  data: Record<string, unknown>;
  reviewStatus: ReviewStatus | null;
  decisionStatus: DecisionStatus | null;
  change: RecordChange;
  note: string | null;
  actor: Actor;
  at: string;
}

/**
 * Writes the next version. The `where version = ?` makes a concurrent writer that
 * read the same version lose cleanly (0 rows) instead of overwriting.
 */
export async function updateRecord(
  tx: Transaction<Database>,
  recordId: string,
  fromVersion: number,
  update: RecordUpdate,
): Promise<boolean> {
  const result = await tx
    .updateTable('records')
    .set({
      data: JSON.stringify(update.data),
      version: fromVersion + 1,
      review_status: update.reviewStatus,
      decision_status: update.decisionStatus,
      updated_by_sub: update.actor.sub,
      updated_by_name: update.actor.name,
      updated_at: update.at,
    })
    .where('id', '=', recordId)
    .where('version', '=', fromVersion)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return false;
  await insertVersion(tx, recordId, fromVersion + 1, update.change, update.data, update.reviewStatus, update.decisionStatus, update.note, update.actor, update.at);
  return true;
}

async function insertVersion(
  tx: Transaction<Database>,
  recordId: string,
  version: number,
  change: RecordChange,
  data: Record<string, unknown>,
  reviewStatus: string | null,
  decisionStatus: string | null,
  note: string | null,
  actor: Actor,
  at: string,
): Promise<void> {
  await tx
    .insertInto('record_versions')
    .values({
      record_id: recordId,
      version,
      change,
      data: JSON.stringify(data),
      review_status: reviewStatus,
      decision_status: decisionStatus,
      note,
      actor_sub: actor.sub,
      actor_name: actor.name,
      actor_roles: JSON.stringify(actor.roles),
      at,
    })
    .execute();
}

export async function findRecord(db: Db, inspectionId: string, recordId: string) {
  return db
    .selectFrom('records')
    .selectAll()
    .where('inspection_id', '=', inspectionId)
    .where('id', '=', recordId)
    .executeTakeFirst();
}

export async function listRecords(db: Db, inspectionId: string, filter: { kind?: string; stage?: string } = {}) {
  let query = db.selectFrom('records').selectAll().where('inspection_id', '=', inspectionId);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.stage) query = query.where('stage', '=', filter.stage);
  return query.orderBy('created_at').orderBy('id').execute();
}

export async function listRecordVersions(db: Db, recordId: string) {
  return db.selectFrom('record_versions').selectAll().where('record_id', '=', recordId).orderBy('version').execute();
}

export async function latestReportSections(db: Db, inspectionId: string) {
  const rows = await db
    .selectFrom('report_section_versions')
    .selectAll()
    .where('inspection_id', '=', inspectionId)
    .orderBy('section')
    .orderBy('version', 'desc')
    .execute();
  const latest = new Map<string, (typeof rows)[number]>();
  for (const row of rows) if (!latest.has(row.section)) latest.set(row.section, row);
  return latest;
}

export async function appendReportSection(
  tx: Transaction<Database>,
  inspectionId: string,
  section: WrittenReportSection,
  text: string,
  actor: Actor,
  at: string,
): Promise<number> {
  const last = await tx
    .selectFrom('report_section_versions')
    .select((eb) => eb.fn.max('version').as('version'))
    .where('inspection_id', '=', inspectionId)
    .where('section', '=', section)
    .executeTakeFirst();
  const version = Number(last?.version ?? 0) + 1;
  await tx
    .insertInto('report_section_versions')
    .values({ inspection_id: inspectionId, section, version, text, actor_sub: actor.sub, actor_name: actor.name, at })
    .execute();
  return version;
}

/** What the exit criteria read: current records, the whole group, the written report sections. */
export async function criteriaContext(db: Db, inspectionId: string): Promise<CriteriaContext> {
  const [records, members, sections] = await Promise.all([
    listRecords(db, inspectionId),
    db.selectFrom('inspection_members').select(['sub', 'name']).where('inspection_id', '=', inspectionId).orderBy('sub').execute(),
    latestReportSections(db, inspectionId),
  ]);
  return {
    records: records.map(toSnapshot),
    members,
    reportSections: Object.fromEntries(
      WRITTEN_REPORT_SECTIONS.flatMap((s) => (sections.has(s) ? [[s, sections.get(s)!.text]] : [])),
    ),
  };
}

export function toSnapshot(row: { id: string; kind: string; data: Record<string, unknown>; review_status: string | null; decision_status: string | null }): RecordSnapshot {
  return {
    id: row.id,
    kind: row.kind as RecordKind,
    data: row.data,
    reviewStatus: row.review_status as RecordSnapshot['reviewStatus'],
    decisionStatus: row.decision_status as RecordSnapshot['decisionStatus'],
  };
}

/**
 * The submission's gate, in one transaction: with the inspection locked, check the
 * stage's exit criteria against its records and, when all hold, mark the stage
 * submitted so no record write can follow. Idempotent: a retry after the flip sees
 * the stage already submitted and reports nothing unmet.
 */
export async function freezeStageForSubmission(db: Kysely<Database>, inspectionId: string, stage: StageId): Promise<Unmet[]> {
  return db.transaction().execute(async (tx) => {
    const row = await lockInspection(tx, inspectionId);
    if (!row) throw new Error(`inspection ${inspectionId} is not in the database`);
    if (row.stage === stage && row.state === 'submitted') return [];
    const unmet = unmetCriteria(stage, await criteriaContext(tx, inspectionId));
    if (unmet.length === 0) {
      await tx
        .updateTable('inspections')
        .set({ state: 'submitted' })
        .where('id', '=', inspectionId)
        .where('stage', '=', stage)
        .where('state', '=', 'open')
        .execute();
    }
    return unmet;
  });
}
