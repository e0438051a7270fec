import { type Kysely } from 'kysely';

// A global order over record and report-section versions, so a submission can name
// exactly which versions it froze ("through seq N") and an auditor can recompute them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('record_versions').addColumn('seq', 'serial').execute();
  await db.schema.alterTable('report_section_versions').addColumn('seq', 'serial').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('report_section_versions').dropColumn('seq').execute();
  await db.schema.alterTable('record_versions').dropColumn('seq').execute();
}
