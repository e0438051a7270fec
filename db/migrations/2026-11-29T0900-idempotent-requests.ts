import { sql, type Kysely } from 'kysely';

// The first answer to each record write sent with an Idempotency-Key, so a client that
// lost the answer can send the write again and get that answer instead of a second
// record. Keys are the caller's own: two people may use the same one.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('idempotent_requests')
    .addColumn('actor_sub', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    // Null only inside the transaction that claimed the key and writes its answer.
    .addColumn('status', 'integer')
    .addColumn('body', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('idempotent_requests_pk', ['actor_sub', 'key'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('idempotent_requests').execute();
}
