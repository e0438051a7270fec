import type { Kysely } from 'kysely';

// Notices were stored as English sentences; their key and parameters are kept too, so
// each reader gets them in their own language (Chinese unless they ask for English).
// Older rows keep only their English sentence.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('notifications').addColumn('code', 'text').addColumn('params', 'jsonb').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('notifications').dropColumn('params').dropColumn('code').execute();
}
