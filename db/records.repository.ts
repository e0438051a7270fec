import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { RectificationFacts } from '../workflows/inspection-process.js';
import type { Actor } from '../workflows/roles.js';
import type { RecordKind, StageId } from '../workflows/stages.js';
import type { Database, DecisionStatus, RecordChange, RecordTable, ReviewStatus } from './database.js';

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

/** Writes a new record at version 1 and its first version; answers the record's row. */
export async function insertRecord(tx: Transaction<Database>, record: NewRecord) {
  const row = await tx
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
    .returningAll()
    .executeTakeFirstOrThrow();
  await insertVersion(tx, record.id, 1, 'created', record.data, record.reviewStatus, record.decisionStatus, null, record.actor, record.at);
  return row;
}

/**
 * As `insertRecord`, in one statement, and only while `record.stage` is the
 * inspection's open stage. It takes the inspection's lock first (the one a
 * submission's freeze takes: `for update` waits for a freeze under way and then sees
 * the stage it left), so a write that reads no other record under the lock needs no
 * transaction of its own. Answers the record's row, or where the inspection is when
 * the stage is not open (nothing written), or undefined when there is no inspection.
 */
export async function insertRecordIfOpen(db: Kysely<Database>, record: NewRecord) {
  const data = JSON.stringify(record.data);
  // The version's triggers (open stage, ledger) see the record the statement inserted
  // before it: the version's rows are made from its `returning`.
  type Row = { inspection_stage: StageId; inspection_state: string } & (Selectable<RecordTable> | { [K in keyof Selectable<RecordTable>]: null });
  const { rows } = await sql<Row>`
    with inspection as (
      select id, stage, state from inspections where id = ${record.inspectionId} for update
    ), inserted as (
      insert into records (id, inspection_id, kind, stage, data, version, review_status, decision_status,
                           created_by_sub, created_by_name, created_at, updated_by_sub, updated_by_name, updated_at)
      select ${record.id}::uuid, inspection.id, ${record.kind}, ${record.stage}, ${data}::jsonb, 1,
             ${record.reviewStatus}::text, ${record.decisionStatus}::text,
             ${record.actor.sub}, ${record.actor.name}, ${record.at}::timestamptz, ${record.actor.sub}, ${record.actor.name}, ${record.at}::timestamptz
      from inspection
      where inspection.stage = ${record.stage} and inspection.state = 'open'
      returning *
    ), version as (
      insert into record_versions (record_id, version, change, data, review_status, decision_status, note,
                                   actor_sub, actor_name, actor_roles, at)
      select id, 1, 'created', data, review_status, decision_status, null,
             ${record.actor.sub}, ${record.actor.name}, ${JSON.stringify(record.actor.roles)}::jsonb, ${record.at}::timestamptz
      from inserted
    )
    select inspection.stage as inspection_stage, inspection.state as inspection_state, inserted.*
    from inspection left join inserted on true`.execute(db);
  const found = rows[0];
  if (!found) return undefined;
  const { inspection_stage: stage, inspection_state: state, ...row } = found;
  return { stage, state, row: row.id === null ? null : (row as Selectable<RecordTable>) };
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
  reviewStatus: ReviewStatus | null,
  decisionStatus: DecisionStatus | null,
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

export async function findRecord(db: Kysely<Database>, inspectionId: string, recordId: string) {
  return db
    .selectFrom('records')
    .selectAll()
    .where('inspection_id', '=', inspectionId)
    .where('id', '=', recordId)
    .executeTakeFirst();
}

export async function listRecords(db: Kysely<Database>, inspectionId: string, filter: { kind?: RecordKind; stage?: StageId } = {}) {
  let query = db.selectFrom('records').selectAll().where('inspection_id', '=', inspectionId);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.stage) query = query.where('stage', '=', filter.stage);
  return query.orderBy('created_at').orderBy('id').execute();
}

/**
 * One page of an inspection's records in the order they were written, after the record
 * `afterId` (the previous page's last), in one query: keyset paging, so a page never
 * repeats or skips a record whatever is written meanwhile. `kinds` leaves out what the
 * reader may not see.
 */
export async function listRecordPage(
  db: Kysely<Database>,
  inspectionId: string,
  page: { kind?: RecordKind; stage?: StageId; kinds?: readonly RecordKind[]; afterId?: string; limit: number },
) {
  let query = db.selectFrom('records').selectAll().where('inspection_id', '=', inspectionId);
  if (page.kind) query = query.where('kind', '=', page.kind);
  if (page.stage) query = query.where('stage', '=', page.stage);
  if (page.kinds) query = page.kinds.length ? query.where('kind', 'in', [...page.kinds]) : query.where(sql<boolean>`false`);
  if (page.afterId) {
    const afterId = page.afterId;
    query = query.where(({ eb, refTuple, selectFrom }) =>
      eb(
        refTuple('created_at', 'id'),
        '>',
        selectFrom('records as after').select(['after.created_at', 'after.id']).where('after.id', '=', afterId).where('after.inspection_id', '=', inspectionId).$asTuple('created_at', 'id'),
      ),
    );
  }
  return query.orderBy('created_at').orderBy('id').limit(page.limit).execute();
}

export async function listRecordVersions(db: Kysely<Database>, recordId: string) {
  return db.selectFrom('record_versions').selectAll().where('record_id', '=', recordId).orderBy('version').execute();
}

/** What the inspection workflow watches the target's due dates by: the feedback meeting's day, and which documents are in. */
export async function rectificationFacts(db: Kysely<Database>, inspectionId: string): Promise<RectificationFacts> {
  const rows = await db
    .selectFrom('records')
    .select(['kind', 'data'])
    .where('inspection_id', '=', inspectionId)
    .where('kind', 'in', ['feedback_meeting', 'rectification_plan', 'rectification_report'])
    .execute();
  const meetings = rows.filter((r) => r.kind === 'feedback_meeting').map((r) => String(r.data.heldOn)).sort();
  return {
    meetingHeldOn: meetings[0] ?? null,
    handedIn: (['rectification_plan', 'rectification_report'] as const).filter((kind) => rows.some((r) => r.kind === kind)),
  };
}

/**
 * The columns of a record version that say who changed it, how and when: what a
 * record shows of its verdicts, and (with the data) what a submission digests.
 */
export const VERSION_COLUMNS = [
  'record_versions.record_id',
  'record_versions.change',
  'record_versions.review_status',
  'record_versions.decision_status',
  'record_versions.note',
  'record_versions.actor_sub',
  'record_versions.actor_name',
  'record_versions.at',
] as const;

/**
 * Each record's latest review and latest decision, with the note and who gave it: a
 * returned paper shows why on the record itself. One query for an inspection's records.
 */
export async function latestVerdicts(db: Kysely<Database>, inspectionId: string, recordId?: string, recordIds?: string[]) {
  let query = db
    .selectFrom('record_versions')
    .innerJoin('records', 'records.id', 'record_versions.record_id')
    .distinctOn(['record_versions.record_id', 'record_versions.change'])
    .select(VERSION_COLUMNS)
    .where('records.inspection_id', '=', inspectionId)
    .where('record_versions.change', 'in', ['reviewed', 'decided'])
    .orderBy('record_versions.record_id')
    .orderBy('record_versions.change')
    .orderBy('record_versions.version', 'desc');
  if (recordId) query = query.where('record_versions.record_id', '=', recordId);
  if (recordIds) query = query.where('record_versions.record_id', 'in', recordIds.length ? recordIds : ['00000000-0000-0000-0000-000000000000']);
  return query.execute();
}
