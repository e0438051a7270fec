import { sql, type Kysely } from 'kysely';

// The report as the last approver of the reporting chain approved it: the JSON and the
// .docx bytes (rendering again would not give the same bytes: the file carries its
// creation time), their hashes and the approvals that froze it. One per inspection,
// written with the final approval and never changed.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('frozen_reports')
    .addColumn('inspection_id', 'uuid', (c) => c.primaryKey().references('inspections.id'))
    .addColumn('approved_seq', 'integer', (c) => c.notNull())
    .addColumn('frozen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('report', 'jsonb', (c) => c.notNull())
    .addColumn('report_sha256', 'text', (c) => c.notNull())
    .addColumn('docx', 'bytea', (c) => c.notNull())
    .addColumn('docx_sha256', 'text', (c) => c.notNull())
    .addColumn('approvals', 'jsonb', (c) => c.notNull())
    .execute();
  await sql`
    create trigger frozen_reports_append_only
    before update or delete on frozen_reports
    for each row execute function xuncha_refuse_history_change()`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('frozen_reports').execute();
}
