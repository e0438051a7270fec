import type { Kysely, Transaction } from 'kysely';
import { unmetCriteria, type CriteriaContext, type RecordSnapshot, type Unmet } from '../workflows/exit-criteria.js';
import type { Actor } from '../workflows/roles.js';
import { WRITTEN_REPORT_SECTIONS, type RecordKind, type StageId, type WrittenReportSection } from '../workflows/stages.js';
import type { Database } from './database.js';
import { canonicalJson } from './event-hash.js';
import { createHash } from 'node:crypto';

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

/** What a submission froze: the stage's record and report versions through `throughSeq`. */
export interface FrozenRecords {
  stage: StageId;
  versions: number;
  throughSeq: number;
  digest: string;
}

/**
 * A digest of every version of the stage's records (and, for reporting, of the
 * report's sections) up to `throughSeq`. Stored in the hash-chained `submitted` step,
 * it lets an auditor show that what was approved is what the database still holds.
 */
export async function digestStageRecords(db: Db, inspectionId: string, stage: StageId, throughSeq?: number): Promise<FrozenRecords> {
  let versions = db
    .selectFrom('record_versions')
    .innerJoin('records', 'records.id', 'record_versions.record_id')
    .select([
      'record_versions.seq',
      'record_versions.record_id',
      'record_versions.version',
      'record_versions.change',
      'record_versions.data',
      'record_versions.review_status',
      'record_versions.decision_status',
      'record_versions.note',
      'record_versions.actor_sub',
      'record_versions.actor_name',
      'record_versions.at',
      'records.kind',
    ])
    .where('records.inspection_id', '=', inspectionId)
    .where('records.stage', '=', stage)
    .orderBy('record_versions.seq');
  let sections = db
    .selectFrom('report_section_versions')
    .select(['seq', 'section', 'version', 'text', 'actor_sub', 'actor_name', 'at'])
    .where('inspection_id', '=', inspectionId)
    .where(({ lit }) => lit(stage === 'reporting'))
    .orderBy('seq');
  if (throughSeq !== undefined) {
    versions = versions.where('record_versions.seq', '<=', throughSeq);
    sections = sections.where('seq', '<=', throughSeq);
  }
  const [recordRows, sectionRows] = await Promise.all([versions.execute(), sections.execute()]);
  const content = {
    records: recordRows.map((v) => ({ ...v, at: new Date(v.at).toISOString() })),
    sections: sectionRows.map((v) => ({ ...v, at: new Date(v.at).toISOString() })),
  };
  const seqs = [...recordRows.map((r) => r.seq), ...sectionRows.map((r) => r.seq)];
  return {
    stage,
    versions: seqs.length,
    throughSeq: throughSeq ?? (seqs.length ? Math.max(...seqs) : 0),
    digest: createHash('sha256').update(canonicalJson(content)).digest('hex'),
  };
}

/**
 * The submission's gate, in one transaction: with the inspection locked, check the
 * stage's exit criteria against its records and, when all hold, mark the stage
 * submitted so no record write can follow, and digest what was frozen. Idempotent: a
 * retry after the flip sees the stage already submitted and digests the same versions.
 */
export async function freezeStageForSubmission(
  db: Kysely<Database>,
  inspectionId: string,
  stage: StageId,
): Promise<{ unmet: Unmet[]; frozen: FrozenRecords | null }> {
  return db.transaction().execute(async (tx) => {
    const row = await lockInspection(tx, inspectionId);
    if (!row) throw new Error(`inspection ${inspectionId} is not in the database`);
    // Cancelled or completed meanwhile: nothing to freeze; the workflow refuses the submission.
    if (row.state === 'cancelled' || row.state === 'completed') return { unmet: [], frozen: null };
    if (row.stage !== stage) throw new Error(`inspection ${inspectionId} is at ${row.stage} in the database, not ${stage}`);
    if (row.state === 'open') {
      const unmet = unmetCriteria(stage, await criteriaContext(tx, inspectionId));
      if (unmet.length > 0) return { unmet, frozen: null };
      await tx
        .updateTable('inspections')
        .set({ state: 'submitted' })
        .where('id', '=', inspectionId)
        .where('state', '=', 'open')
        .execute();
    }
    return { unmet: [], frozen: await digestStageRecords(tx, inspectionId, stage) };
  });
}

/**
 * Recomputes, for every submission in the history, the digest of what it froze, and
 * checks that each record's current row is its latest version.
 */
export async function verifyRecords(
  db: Db,
  inspectionId: string,
  submissions: { seq: number; frozen: FrozenRecords }[],
): Promise<string[]> {
  const problems: string[] = [];
  for (const { seq, frozen } of submissions) {
    const now = await digestStageRecords(db, inspectionId, frozen.stage, frozen.throughSeq);
    if (now.digest !== frozen.digest || now.versions !== frozen.versions) {
      problems.push(`step ${seq}: the ${frozen.stage} records submitted then are not the ones stored now`);
    }
  }
  const current = await db
    .selectFrom('records')
    .innerJoin('record_versions', (join) =>
      join.onRef('record_versions.record_id', '=', 'records.id').onRef('record_versions.version', '=', 'records.version'),
    )
    .select([
      'records.id',
      'records.data as current',
      'record_versions.data as versioned',
      'records.review_status as currentReview',
      'record_versions.review_status as versionedReview',
      'records.decision_status as currentDecision',
      'record_versions.decision_status as versionedDecision',
    ])
    .where('records.inspection_id', '=', inspectionId)
    .execute();
  const count = await db.selectFrom('records').select((eb) => eb.fn.countAll().as('n')).where('inspection_id', '=', inspectionId).executeTakeFirstOrThrow();
  if (current.length !== Number(count.n)) problems.push('a record has no version matching its current state');
  for (const row of current) {
    if (
      canonicalJson(row.current) !== canonicalJson(row.versioned) ||
      row.currentReview !== row.versionedReview ||
      row.currentDecision !== row.versionedDecision
    ) {
      problems.push(`record ${row.id}: its current state differs from its latest version`);
    }
  }
  return problems;
}
