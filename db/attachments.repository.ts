import { createHash } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { AttachmentStore, StoredFile } from '../api/attachments-store.js';
import type { Actor } from '../workflows/roles.js';
import { LEAD_KIND_IDS, type StageId } from '../workflows/stages.js';
import type { Database } from './database.js';
import type { FrozenPart } from './stage-gate.repository.js';

/**
 * 1 MiB: large enough that a 50 MB file is 50 rows and round trips stay few, small
 * enough that the API holds one chunk per upload, never the file.
 */
export const CHUNK_BYTES = 1024 * 1024;

/** Cuts a stream of pieces of any size into chunks of exactly CHUNK_BYTES (the last one shorter). */
async function* rechunk(pieces: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  let held: Buffer[] = [];
  let heldBytes = 0;
  for await (const piece of pieces) {
    held.push(Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength));
    heldBytes += piece.byteLength;
    while (heldBytes >= CHUNK_BYTES) {
      const joined = Buffer.concat(held, heldBytes);
      yield joined.subarray(0, CHUNK_BYTES);
      const rest = joined.subarray(CHUNK_BYTES);
      held = rest.length ? [rest] : [];
      heldBytes = rest.length;
    }
  }
  if (heldBytes > 0) yield Buffer.concat(held, heldBytes);
}

const sha256Of = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The default store: chunks and files in PostgreSQL (or PGlite), in the caller's transaction. */
export class DatabaseAttachmentStore implements AttachmentStore {
  async write(tx: Transaction<Database>, pieces: AsyncIterable<Uint8Array>): Promise<StoredFile> {
    const whole = createHash('sha256');
    const chunks: string[] = [];
    let size = 0;
    for await (const chunk of rechunk(pieces)) {
      const hash = sha256Of(chunk);
      whole.update(chunk);
      size += chunk.length;
      chunks.push(hash);
      await tx.insertInto('attachment_chunks').values({ sha256: hash, bytes: chunk }).onConflict((oc) => oc.column('sha256').doNothing()).execute();
    }
    const sha256 = whole.digest('hex');
    await tx
      .insertInto('attachment_blobs')
      .values({ sha256, size, chunks: JSON.stringify(chunks) })
      .onConflict((oc) => oc.column('sha256').doNothing())
      .execute();
    return { sha256, size };
  }

  async read(db: Kysely<Database>, sha256: string): Promise<AsyncIterable<Uint8Array> | undefined> {
    const blob = await db.selectFrom('attachment_blobs').select('chunks').where('sha256', '=', sha256).executeTakeFirst();
    if (!blob) return undefined;
    // One chunk in memory at a time: the next is fetched when the response has sent this one.
    return (async function* () {
      for (const hash of blob.chunks) {
        const row = await db.selectFrom('attachment_chunks').select('bytes').where('sha256', '=', hash).executeTakeFirstOrThrow();
        yield row.bytes;
      }
    })();
  }
}

export interface NewAttachment {
  id: string;
  inspectionId: string;
  recordId: string;
  sha256: string;
  name: string;
  mediaType: string;
  size: number;
  actor: Actor;
  at: string;
}

export async function insertAttachment(tx: Transaction<Database>, a: NewAttachment): Promise<void> {
  await tx
    .insertInto('attachments')
    .values({
      id: a.id,
      inspection_id: a.inspectionId,
      record_id: a.recordId,
      sha256: a.sha256,
      name: a.name,
      media_type: a.mediaType,
      size: a.size,
      uploaded_by_sub: a.actor.sub,
      uploaded_by_name: a.actor.name,
      uploaded_at: a.at,
    })
    .execute();
}

/** The attachment ids a record carries at `version`: those of the latest set written at or before it. */
export async function attachmentIdsAt(db: Kysely<Database>, recordId: string, version: number): Promise<string[]> {
  const set = await db
    .selectFrom('attachment_sets')
    .select('attachment_ids')
    .where('record_id', '=', recordId)
    .where('version', '<=', version)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return set?.attachment_ids ?? [];
}

export async function insertAttachmentSet(tx: Transaction<Database>, recordId: string, version: number, ids: string[]): Promise<void> {
  await tx.insertInto('attachment_sets').values({ record_id: recordId, version, attachment_ids: JSON.stringify(ids) }).execute();
}

/** The uploads a record ever had, oldest first. */
export async function listRecordAttachments(db: Kysely<Database>, recordId: string) {
  return db.selectFrom('attachments').selectAll().where('record_id', '=', recordId).orderBy('uploaded_at').orderBy('id').execute();
}

/** One upload of the record, whether or not its current version still carries it. */
export async function findRecordAttachment(db: Kysely<Database>, recordId: string, attachmentId: string) {
  return db.selectFrom('attachments').selectAll().where('record_id', '=', recordId).where('id', '=', attachmentId).executeTakeFirst();
}

/** Bytes the inspection's files take: each distinct file once, however often it was attached. */
export async function inspectionUsage(db: Kysely<Database>, inspectionId: string): Promise<number> {
  const row = await db
    .selectFrom('attachment_blobs')
    .select(sql<string>`coalesce(sum(size), 0)`.as('bytes'))
    .where('sha256', 'in', db.selectFrom('attachments').select('sha256').where('inspection_id', '=', inspectionId))
    .executeTakeFirstOrThrow();
  return Number(row.bytes);
}

/** Whether the inspection already holds a file with this hash (so attaching it again takes no more room). */
export async function inspectionHolds(db: Kysely<Database>, inspectionId: string, sha256: string): Promise<boolean> {
  const row = await db.selectFrom('attachments').select('id').where('inspection_id', '=', inspectionId).where('sha256', '=', sha256).executeTakeFirst();
  return Boolean(row);
}

/**
 * The attachment sets of a stage's record versions through `throughSeq` (a version's
 * `seq` orders it among all versions), each with its files' names, types, sizes and
 * hashes: what a submission's digest covers besides the records' text.
 */
export async function attachmentSetsForDigest(db: Kysely<Database>, inspectionId: string, stage: StageId, throughSeq?: number, part: FrozenPart = 'records') {
  let query = db
    .selectFrom('attachment_sets')
    .innerJoin('record_versions', (join) =>
      join.onRef('record_versions.record_id', '=', 'attachment_sets.record_id').onRef('record_versions.version', '=', 'attachment_sets.version'),
    )
    .innerJoin('records', 'records.id', 'attachment_sets.record_id')
    .select(['record_versions.seq', 'attachment_sets.record_id', 'attachment_sets.version', 'attachment_sets.attachment_ids'])
    .where('records.inspection_id', '=', inspectionId)
    .where('records.stage', '=', stage)
    // The leads' files go into the leads' own digest, like the leads.
    .where('records.kind', part === 'leads' ? 'in' : 'not in', LEAD_KIND_IDS)
    .orderBy('record_versions.seq');
  if (throughSeq !== undefined) query = query.where('record_versions.seq', '<=', throughSeq);
  const sets = await query.execute();
  if (sets.length === 0) return [];
  const files = await db
    .selectFrom('attachments')
    .select(['id', 'sha256', 'name', 'media_type', 'size'])
    .where('inspection_id', '=', inspectionId)
    .where('record_id', 'in', [...new Set(sets.map((s) => s.record_id))])
    .execute();
  const byId = new Map(files.map((f) => [f.id, { ...f, size: Number(f.size) }]));
  return sets.map((s) => ({ ...s, attachments: s.attachment_ids.map((id) => byId.get(id) ?? { id, missing: true }) }));
}
