import { sql, type Kysely } from 'kysely';

// The anonymous conduct questionnaire (作风纪律后评估). What is stored is chosen so
// that no answer can be traced to a person: codes are kept only as hashes and only
// remember that they were used; an answer holds no code, no identity, no address,
// and only the day it came in; its key is random, so no sequence betrays the order.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('rounds')
    .addColumn('questionnaire_min_answers', 'integer', (c) => c.notNull().defaultTo(5).check(sql`questionnaire_min_answers >= 1`))
    .execute();

  await db.schema
    .createTable('questionnaire_batches')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('inspection_id', 'uuid', (c) => c.notNull().references('inspections.id'))
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull().check(sql`count >= 1`))
    .addColumn('issued_by_sub', 'text', (c) => c.notNull())
    .addColumn('issued_by_name', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('questionnaire_batches_request_uq', ['inspection_id', 'request_id'])
    .execute();

  await db.schema
    .createTable('questionnaire_codes')
    .addColumn('code_hash', 'text', (c) => c.primaryKey())
    .addColumn('inspection_id', 'uuid', (c) => c.notNull().references('inspections.id'))
    .addColumn('batch_id', 'uuid', (c) => c.notNull().references('questionnaire_batches.id'))
    .addColumn('used', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  await db.schema.createIndex('questionnaire_codes_inspection_idx').on('questionnaire_codes').column('inspection_id').execute();

  await db.schema
    .createTable('questionnaire_answers')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('inspection_id', 'uuid', (c) => c.notNull().references('inspections.id'))
    .addColumn('scores', 'jsonb', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addColumn('answered_on', 'date', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('questionnaire_answers_inspection_idx').on('questionnaire_answers').column('inspection_id').execute();
  // An answer, once given, is evidence about the group: nobody edits or removes it.
  await sql`
    create trigger questionnaire_answers_append_only
    before update or delete on questionnaire_answers
    for each row execute function xuncha_refuse_history_change()`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('questionnaire_answers').execute();
  await db.schema.dropTable('questionnaire_codes').execute();
  await db.schema.dropTable('questionnaire_batches').execute();
  await db.schema.alterTable('rounds').dropColumn('questionnaire_min_answers').execute();
}
