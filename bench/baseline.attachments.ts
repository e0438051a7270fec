/**
 * The bench's evidence files (f): a file uploaded and downloaded through the API, against
 * the same bytes written and read with the same SQL directly (as
 * db/attachments.repository.ts's DatabaseAttachmentStore issues it: one insert per
 * 1 MiB chunk, then the file's row, in one transaction; one select per chunk to read).
 * KEEP IN STEP with that store.
 */
import { createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql, type Kysely } from 'kysely';
import { CHUNK_BYTES } from '../db/attachments.repository.js';
import type { Database } from '../db/database.js';

/** A file of `bytes` bytes of fresh text (so every run stores new chunks, and the type is allowed). */
export function freshTextFile(bytes: number): Buffer {
  return Buffer.from(randomBytes(Math.ceil((bytes * 3) / 4)).toString('base64').slice(0, bytes));
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export async function writeFileRaw(db: Kysely<Database>, file: Buffer): Promise<string> {
  const hashes: string[] = [];
  await db.transaction().execute(async (tx) => {
    for (let offset = 0; offset < file.length; offset += CHUNK_BYTES) {
      const chunk = file.subarray(offset, offset + CHUNK_BYTES);
      const hash = sha256(chunk);
      hashes.push(hash);
      await sql`insert into attachment_chunks (sha256, bytes) values (${hash}, ${chunk}) on conflict (sha256) do nothing`.execute(tx);
    }
    await sql`insert into attachment_blobs (sha256, size, chunks) values (${sha256(file)}, ${file.length}, ${JSON.stringify(hashes)}) on conflict (sha256) do nothing`.execute(tx);
  });
  return sha256(file);
}

export async function readFileRaw(db: Kysely<Database>, fileSha256: string): Promise<number> {
  const blob = await sql<{ chunks: string[] }>`select chunks from attachment_blobs where sha256 = ${fileSha256}`.execute(db);
  let size = 0;
  for (const hash of blob.rows[0]!.chunks) {
    const row = await sql<{ bytes: Uint8Array }>`select bytes from attachment_chunks where sha256 = ${hash}`.execute(db);
    size += row.rows[0]!.bytes.length;
  }
  return size;
}

export interface AttachmentBenchTarget {
  db: Kysely<Database>;
  baseUrl: string;
  token: string;
  inspectionId: string;
  recordId: string;
}

export interface AttachmentBenchResult {
  fileBytes: number;
  rounds: number;
  mbPerSecond: { upload: { api: number; raw: number }; download: { api: number; raw: number } };
}

/**
 * `rounds` uploads and downloads of a fresh file of `fileBytes` on each side, the sides
 * taking turns so that load from elsewhere falls on both; MB/s over the sum of the times.
 */
export async function benchAttachments(target: AttachmentBenchTarget, fileBytes: number, rounds: number): Promise<AttachmentBenchResult> {
  const url = `${target.baseUrl}/api/v1/inspections/${target.inspectionId}/records/${target.recordId}/attachments`;
  const authorization = `Bearer ${target.token}`;
  const ms = { upload: { api: 0, raw: 0 }, download: { api: 0, raw: 0 } };
  const apiRound = async () => {
    const file = freshTextFile(fileBytes);
    const form = new FormData();
    form.append('file', new Blob([file], { type: 'text/plain' }), 'ledger.txt');
    let started = performance.now();
    const sent = await fetch(url, { method: 'POST', headers: { authorization }, body: form });
    const answer = (await sent.json()) as { added: string };
    ms.upload.api += performance.now() - started;
    if (sent.status !== 201) throw new Error(`upload answered ${sent.status}: ${JSON.stringify(answer)}`);
    started = performance.now();
    const got = await fetch(`${url}/${answer.added}`, { headers: { authorization } });
    const bytes = Buffer.from(await got.arrayBuffer());
    ms.download.api += performance.now() - started;
    if (!bytes.equals(file)) throw new Error('download differs from upload');
  };
  const rawRound = async () => {
    const file = freshTextFile(fileBytes);
    let started = performance.now();
    const hash = await writeFileRaw(target.db, file);
    ms.upload.raw += performance.now() - started;
    started = performance.now();
    const size = await readFileRaw(target.db, hash);
    ms.download.raw += performance.now() - started;
    if (size !== file.length) throw new Error('raw read differs from raw write');
  };
  // One of each first, thrown away: warms the pool, the JIT and the database's caches.
  await apiRound();
  await rawRound();
  ms.upload = { api: 0, raw: 0 };
  ms.download = { api: 0, raw: 0 };
  for (let round = 0; round < rounds; round += 1) {
    if (round % 2 === 0) {
      await apiRound();
      await rawRound();
    } else {
      await rawRound();
      await apiRound();
    }
  }
  const rate = (total: number) => (fileBytes * rounds) / 1e6 / (total / 1000);
  return {
    fileBytes,
    rounds,
    mbPerSecond: {
      upload: { api: rate(ms.upload.api), raw: rate(ms.upload.raw) },
      download: { api: rate(ms.download.api), raw: rate(ms.download.raw) },
    },
  };
}
