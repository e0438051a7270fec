import { sql, type Kysely } from 'kysely';

// Evidence files, stored in the database itself so the embedded default needs nothing
// more. Bytes are content-addressed twice: each chunk by its SHA-256 (so the same file,
// or the same chunk of two files, is stored once) and each file by the SHA-256 of the
// whole, which names its chunks in order. An upload is an `attachments` row; which
// files a record version carries is an `attachment_sets` row written with the version
// whenever the set changes, so the submission's digest can cover the hashes. Nothing
// here is updated or deleted: a file is removed by a version whose set lacks it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('attachment_chunks')
    .addColumn('sha256', 'text', (c) => c.primaryKey())
    .addColumn('bytes', 'bytea', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('attachment_blobs')
    .addColumn('sha256', 'text', (c) => c.primaryKey())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('chunks', 'jsonb', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('attachments')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('inspection_id', 'uuid', (c) => c.notNull().references('inspections.id'))
    .addColumn('record_id', 'uuid', (c) => c.notNull().references('records.id'))
    .addColumn('sha256', 'text', (c) => c.notNull().references('attachment_blobs.sha256'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('uploaded_by_sub', 'text', (c) => c.notNull())
    .addColumn('uploaded_by_name', 'text', (c) => c.notNull())
    .addColumn('uploaded_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('attachments_by_record').on('attachments').columns(['record_id']).execute();
  await db.schema.createIndex('attachments_by_inspection').on('attachments').columns(['inspection_id', 'sha256']).execute();
  await db.schema
    .createTable('attachment_sets')
    .addColumn('record_id', 'uuid', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('attachment_ids', 'jsonb', (c) => c.notNull())
    .addPrimaryKeyConstraint('attachment_sets_pk', ['record_id', 'version'])
    .addForeignKeyConstraint('attachment_sets_version', ['record_id', 'version'], 'record_versions', ['record_id', 'version'])
    .execute();
  for (const table of ['attachment_chunks', 'attachment_blobs', 'attachments', 'attachment_sets']) {
    await sql`
      create trigger ${sql.raw(`${table}_append_only`)}
      before update or delete on ${sql.table(table)}
      for each row execute function xuncha_refuse_history_change()`.execute(db);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['attachment_sets', 'attachments', 'attachment_blobs', 'attachment_chunks']) {
    await db.schema.dropTable(table).execute();
  }
}
