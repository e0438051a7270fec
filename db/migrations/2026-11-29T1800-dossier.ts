import { sql, type Kysely } from 'kysely';

// 立卷归档: one sealed dossier per inspection. The zip itself goes into the append-only
// attachment store (attachment_blobs/attachment_chunks); this row names it and the
// SHA-256 of its manifest, which the archiving stage's exit criterion reads. Like the
// history, a sealed dossier is never changed, replaced or removed.
// Reading the inspectors' evaluations as a spreadsheet, and a dossier, are confidential reads.
// Frozen in time: literals are written out here, never imported from app code.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('dossiers')
    .addColumn('inspection_id', 'uuid', (c) => c.primaryKey().references('inspections.id'))
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('zip_sha256', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('manifest_sha256', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('files', 'integer', (c) => c.notNull())
    .addColumn('built_by_sub', 'text', (c) => c.notNull())
    .addColumn('built_by_name', 'text', (c) => c.notNull())
    .addColumn('built_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`
    create trigger dossiers_append_only
    before update or delete on dossiers
    for each row execute function xuncha_refuse_history_change()`.execute(db);
  await sql`create trigger dossiers_no_truncate before truncate on dossiers for each statement execute function xuncha_refuse_truncate()`.execute(db);

  await sql`alter table confidential_reads drop constraint confidential_reads_what_check`.execute(db);
  await sql`alter table confidential_reads add constraint confidential_reads_what_check
    check (what in ('record', 'record_list', 'as_of', 'questionnaire_answers', 'leads_report', 'inspector_evaluations', 'dossier'))`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table confidential_reads drop constraint confidential_reads_what_check`.execute(db);
  await sql`alter table confidential_reads add constraint confidential_reads_what_check
    check (what in ('record', 'record_list', 'as_of', 'questionnaire_answers', 'leads_report'))`.execute(db);
  await sql`drop trigger if exists dossiers_no_truncate on dossiers`.execute(db);
  await sql`drop trigger if exists dossiers_append_only on dossiers`.execute(db);
  await db.schema.dropTable('dossiers').execute();
}
