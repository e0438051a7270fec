import { sql, type Kysely } from 'kysely';

// Frozen in time: literals are written out here, never imported from app code.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // The current version of each record; every version, this one included, is in record_versions.
  await db.schema
    .createTable('records')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('inspection_id', 'uuid', (c) => c.notNull().references('inspections.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('review_status', 'text', (c) => c.check(sql`review_status in ('pending', 'confirmed', 'returned')`))
    .addColumn('decision_status', 'text', (c) => c.check(sql`decision_status in ('pending', 'approved', 'denied')`))
    .addColumn('created_by_sub', 'text', (c) => c.notNull())
    .addColumn('created_by_name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_by_sub', 'text', (c) => c.notNull())
    .addColumn('updated_by_name', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('records_inspection_kind').on('records').columns(['inspection_id', 'kind']).execute();

  await db.schema
    .createTable('record_versions')
    .addColumn('record_id', 'uuid', (c) => c.notNull().references('records.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('change', 'text', (c) => c.notNull().check(sql`change in ('created', 'edited', 'reviewed', 'decided')`))
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('review_status', 'text')
    .addColumn('decision_status', 'text')
    .addColumn('note', 'text')
    .addColumn('actor_sub', 'text', (c) => c.notNull())
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('actor_roles', 'jsonb', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('record_versions_pk', ['record_id', 'version'])
    .execute();
  await sql`
    create trigger record_versions_append_only
    before update or delete on record_versions
    for each row execute function xuncha_refuse_history_change()`.execute(db);

  await db.schema
    .createTable('report_section_versions')
    .addColumn('inspection_id', 'uuid', (c) => c.notNull().references('inspections.id'))
    .addColumn('section', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('actor_sub', 'text', (c) => c.notNull())
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('report_section_versions_pk', ['inspection_id', 'section', 'version'])
    .execute();
  await sql`
    create trigger report_section_versions_append_only
    before update or delete on report_section_versions
    for each row execute function xuncha_refuse_history_change()`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('report_section_versions').execute();
  await db.schema.dropTable('record_versions').execute();
  await db.schema.dropTable('records').execute();
}
