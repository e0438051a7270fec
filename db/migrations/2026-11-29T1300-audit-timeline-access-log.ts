import { sql, type Kysely } from 'kysely';

// "Who saw this lead" must have an answer years later: reads of confidential material
// are appended here and, like the history, never updated or deleted.
// Frozen in time: literals are written out here, never imported from app code.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('confidential_reads')
    .addColumn('seq', 'bigserial', (c) => c.primaryKey())
    .addColumn('inspection_id', 'uuid', (c) => c.notNull().references('inspections.id'))
    .addColumn('what', 'text', (c) => c.notNull().check(sql`what in ('record', 'record_list', 'as_of', 'questionnaire_answers', 'leads_report')`))
    .addColumn('record_id', 'uuid')
    .addColumn('record_kind', 'text')
    .addColumn('record_version', 'integer')
    .addColumn('actor_sub', 'text', (c) => c.notNull())
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('actor_roles', 'jsonb', (c) => c.notNull())
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('confidential_reads_inspection').on('confidential_reads').columns(['inspection_id', 'seq']).execute();
  await sql`
    create trigger confidential_reads_append_only
    before update or delete on confidential_reads
    for each row execute function xuncha_refuse_history_change()`.execute(db);

  // The timeline pages through record versions of one inspection by time.
  await db.schema.createIndex('record_versions_at').on('record_versions').columns(['at']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('record_versions_at').execute();
  await db.schema.dropTable('confidential_reads').execute();
}
