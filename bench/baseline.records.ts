/**
 * The raw baseline for the bench's record writes (e): the rows a created record costs,
 * inserted directly in one transaction, as db/records.repository.ts insertRecord writes
 * them (the record at version 1 and its first version). KEEP IN STEP with that function.
 * (A talk, which the bench writes, goes through insertRecordIfOpen: the same two rows
 * in one statement that also locks and checks the inspection. The baseline keeps the
 * plain two inserts: the least a client writing these rows would do.)
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { Actor } from '../workflows/roles.js';

export interface RawRecord {
  inspectionId: string;
  kind: string;
  stage: string;
  data: Record<string, unknown>;
  actor: Actor;
}

export async function insertRecordRaw(db: Kysely<Database>, record: RawRecord): Promise<void> {
  const id = randomUUID();
  const at = new Date().toISOString();
  const data = JSON.stringify(record.data);
  await db.transaction().execute(async (tx) => {
    await sql`
      insert into records (id, inspection_id, kind, stage, data, version, review_status, decision_status,
                           created_by_sub, created_by_name, created_at, updated_by_sub, updated_by_name, updated_at)
      values (${id}, ${record.inspectionId}, ${record.kind}, ${record.stage}, ${data}, 1, null, null,
              ${record.actor.sub}, ${record.actor.name}, ${at}, ${record.actor.sub}, ${record.actor.name}, ${at})
    `.execute(tx);
    await sql`
      insert into record_versions (record_id, version, change, data, review_status, decision_status, note,
                                   actor_sub, actor_name, actor_roles, at)
      values (${id}, 1, 'created', ${data}, null, null, null,
              ${record.actor.sub}, ${record.actor.name}, ${JSON.stringify(record.actor.roles)}, ${at})
    `.execute(tx);
  });
}
