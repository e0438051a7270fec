/**
 * The bench's evidence files (f): a file uploaded and downloaded through the API, against
 * the same bytes written and read with the same SQL directly (as
 * db/attachments.repository.ts's DatabaseAttachmentStore issues it: one insert per
 * 1 MiB chunk, then the file's row, in one transaction; one select per chunk to read).
 * KEEP IN STEP with that store.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
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

type Side = 'api' | 'raw';
type Direction = 'upload' | 'download';

export interface AttachmentBenchResult {
  fileBytes: number;
  rounds: number;
  mbPerSecond: Record<Direction, Record<Side, number>>;
  /** CPU milliseconds this process spent per file (client and server alike on the API side): less swayed by other load than MB/s. */
  cpuMsPerFile: Record<Direction, Record<Side, number>>;
}

/** Reads a whole answer from node's http client. */
function collect(response: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const pieces: Buffer[] = [];
    response.on('data', (piece: Buffer) => pieces.push(piece));
    response.on('end', () => resolve(Buffer.concat(pieces)));
    response.on('error', reject);
  });
}

/**
 * The upload as a browser's form sends it (one file part, its length known), written
 * with node's http client: the client shares this process's one thread with the API,
 * and fetch's web streams cost it about twice node:http's CPU for the same bytes.
 */
function uploadFile(url: string, authorization: string, file: Buffer): Promise<{ status: number; body: string }> {
  const boundary = `----xuncha-bench-${randomBytes(12).toString('hex')}`;
  const head = Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="ledger.txt"\r\ncontent-type: text/plain\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        headers: { authorization, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': head.length + file.length + tail.length },
      },
      (response) => {
        collect(response).then((body) => resolve({ status: response.statusCode ?? 0, body: body.toString() }), reject);
      },
    );
    request.on('error', reject);
    request.write(head);
    request.write(file);
    request.end(tail);
  });
}

/**
 * Downloads the file and checks it against `expected` piece by piece as it arrives, as
 * a client saving it to disk would, rather than gathering a second copy of it: 20 MB
 * of garbage per file that the API's own thread would collect.
 */
function downloadFile(url: string, authorization: string, expected: Buffer): Promise<{ status: number; identical: boolean }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { authorization } }, (response) => {
        let offset = 0;
        let identical = true;
        response.on('data', (piece: Buffer) => {
          identical &&= piece.equals(expected.subarray(offset, offset + piece.length));
          offset += piece.length;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, identical: identical && offset === expected.length }));
        response.on('error', reject);
      })
      .on('error', reject);
  });
}

/**
 * `rounds` uploads and downloads of a fresh file of `fileBytes` on each side, the sides
 * taking turns so that load from elsewhere falls on both; MB/s over the sum of the times.
 */
export async function benchAttachments(target: AttachmentBenchTarget, fileBytes: number, rounds: number): Promise<AttachmentBenchResult> {
  const url = `${target.baseUrl}/api/v1/inspections/${target.inspectionId}/records/${target.recordId}/attachments`;
  const authorization = `Bearer ${target.token}`;
  const zero = () => ({ upload: { api: 0, raw: 0 }, download: { api: 0, raw: 0 } });
  let ms = zero();
  let cpuMs = zero();
  const timed = async <T>(direction: Direction, side: Side, work: () => Promise<T>): Promise<T> => {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const result = await work();
    ms[direction][side] += performance.now() - started;
    const used = process.cpuUsage(cpu);
    cpuMs[direction][side] += (used.user + used.system) / 1000;
    return result;
  };
  const apiRound = async () => {
    const file = freshTextFile(fileBytes);
    const sent = await timed('upload', 'api', () => uploadFile(url, authorization, file));
    if (sent.status !== 201) throw new Error(`upload answered ${sent.status}: ${sent.body}`);
    const { added } = JSON.parse(sent.body) as { added: string };
    const got = await timed('download', 'api', () => downloadFile(`${url}/${added}`, authorization, file));
    if (got.status !== 200 || !got.identical) throw new Error(`download answered ${got.status} with bytes that differ from the upload`);
  };
  const rawRound = async () => {
    const file = freshTextFile(fileBytes);
    const hash = await timed('upload', 'raw', () => writeFileRaw(target.db, file));
    const size = await timed('download', 'raw', () => readFileRaw(target.db, hash));
    if (size !== file.length) throw new Error('raw read differs from raw write');
  };
  // One of each first, thrown away: warms the pool, the JIT and the database's caches.
  await apiRound();
  await rawRound();
  ms = zero();
  cpuMs = zero();
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
  const each = (total: number) => total / rounds;
  return {
    fileBytes,
    rounds,
    mbPerSecond: {
      upload: { api: rate(ms.upload.api), raw: rate(ms.upload.raw) },
      download: { api: rate(ms.download.api), raw: rate(ms.download.raw) },
    },
    cpuMsPerFile: {
      upload: { api: each(cpuMs.upload.api), raw: each(cpuMs.upload.raw) },
      download: { api: each(cpuMs.download.api), raw: each(cpuMs.download.raw) },
    },
  };
}
