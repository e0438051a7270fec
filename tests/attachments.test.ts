import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { crc32, deflateSync } from 'node:zlib';
import { Document, Packer, Paragraph } from 'docx';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../api/app.js';
import { CHUNK_BYTES } from '../db/attachments.repository.js';
import type { Actor } from '../workflows/roles.js';
import { JWT_SECRET, startHarness, type Harness } from './support/harness.js';
import { approvalBody } from '../platform/sample-stage-work.js';
import { auditor, leaderOne, leaderTwo, liaisonOne, memberOne, memberTwo, office } from './support/people.js';
import { launchRound, passStage, recordWork, rid } from './support/walk.js';

let h: Harness;
let first: string; // led by leaderOne, stationing open
let second: string; // led by leaderTwo, walked further
beforeAll(async () => {
  h = await startHarness();
  const round = (await launchRound(h)) as { inspections: { id: string }[] };
  [first, second] = round.inspections.map((i) => i.id) as [string, string];
  await passStage(h, first, 'preparation', leaderOne);
  await passStage(h, second, 'preparation', leaderTwo);
}, 180_000);
afterAll(async () => {
  await h?.close();
});

const BOUNDARY = '----xuncha-test-boundary';
const head = (name: string, claimedType: string) =>
  Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${claimedType}\r\n\r\n`, 'utf8');
const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);

async function upload(
  actor: Actor,
  inspectionId: string,
  recordId: string,
  name: string,
  payload: Buffer | Readable,
  options: { app?: FastifyInstance; claimedType?: string; version?: number } = {},
) {
  const body = Buffer.isBuffer(payload) ? Buffer.concat([head(name, options.claimedType ?? 'application/octet-stream'), payload, tail]) : payload;
  const response = await (options.app ?? h.app).inject({
    method: 'POST',
    url: `/api/v1/inspections/${inspectionId}/records/${recordId}/attachments${options.version ? `?version=${options.version}` : ''}`,
    headers: { authorization: `Bearer ${await h.token(actor)}`, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    payload: body,
  });
  return { status: response.statusCode, body: response.json() };
}

async function download(actor: Actor, inspectionId: string, recordId: string, attachmentId: string) {
  return h.app.inject({
    method: 'GET',
    url: `/api/v1/inspections/${inspectionId}/records/${recordId}/attachments/${attachmentId}`,
    headers: { authorization: `Bearer ${await h.token(actor)}` },
  });
}

async function record(actor: Actor, inspectionId: string, kind: string, data: Record<string, unknown>) {
  const created = await h.call(actor, 'POST', `/api/v1/inspections/${inspectionId}/records`, { kind, data });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { id: string; version: number };
}

const talk = (inspectionId: string) =>
  record(memberOne, inspectionId, 'talk', { on: '2021-10-14', summary: '反映超限检测站罚款未开具票据。', interviewee: '某执法大队队员' });

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function pdf(text: string): Buffer {
  return Buffer.from(
    `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% ${text}\ntrailer<</Root 1 0 R>>\n%%EOF\n`,
  );
}

/** A real 2×2 PNG: signature, header, pixels, end. */
function png(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typed));
    return Buffer.concat([length, typed, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(2, 0);
  header.writeUInt32BE(2, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const pixels = Buffer.from([0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 255, 255, 255]);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(pixels)), chunk('IEND', Buffer.alloc(0))]);
}

const docx = async () => Buffer.from(await Packer.toBuffer(new Document({ sections: [{ children: [new Paragraph('谈话笔录：某执法大队队员反映罚款未开票据。')] }] })));

describe('evidence files on records', () => {
  it('gives back a PDF, a PNG and a .docx byte for byte, typed by their bytes, never cached', async () => {
    const { id: talkId } = await talk(first);
    const files = [
      { name: '谈话笔录.pdf', bytes: pdf('signed transcript'), type: 'application/pdf' },
      { name: 'photo.png', bytes: png(), type: 'image/png' },
      { name: '笔录 (签字).docx', bytes: await docx(), type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
    ];
    for (const file of files) {
      // The client's claim is ignored: the type comes from the bytes.
      const sent = await upload(memberOne, first, talkId, file.name, file.bytes, { claimedType: 'application/octet-stream' });
      expect(sent.status, JSON.stringify(sent.body)).toBe(201);
      const added = sent.body.attachments.find((a: { id: string }) => a.id === sent.body.added);
      expect(added).toMatchObject({ name: file.name, mediaType: file.type, size: file.bytes.length, sha256: sha256(file.bytes), uploadedBy: { sub: memberOne.sub } });
      const got = await download(leaderOne, first, talkId, added.id);
      expect(got.statusCode).toBe(200);
      expect(got.rawPayload.equals(file.bytes)).toBe(true);
      expect(got.headers['content-type']).toContain(file.type);
      expect(got.headers['cache-control']).toBe('no-store');
      expect(got.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent(file.name).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`);
    }
    const listed = await h.call(memberOne, 'GET', `/api/v1/inspections/${first}/records/${talkId}/attachments`);
    expect(listed.status).toBe(200);
    expect(listed.body.attachments.map((a: { name: string }) => a.name)).toEqual(files.map((f) => f.name));
    // Each file is a version of the record, as an edit is.
    const versions = await h.call(memberOne, 'GET', `/api/v1/inspections/${first}/records/${talkId}`);
    expect(versions.body.version).toBe(4);
  }, 60_000);

  it('stores the same file once, however often it is attached', async () => {
    const { id: one } = await talk(first);
    const { id: two } = await talk(first);
    // Three chunks and a bit, so dedup is shown for chunks as well as for the whole.
    const bytes = Buffer.from(randomBytes(Math.floor(CHUNK_BYTES * 1.6)).toString('base64'));
    const counts = async () => {
      const chunks = await h.database.db.selectFrom('attachment_chunks').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      const blobs = await h.database.db.selectFrom('attachment_blobs').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      return { chunks: Number(chunks.n), blobs: Number(blobs.n) };
    };
    const before = await counts();
    expect((await upload(memberOne, first, one, 'ledger.txt', bytes)).status).toBe(201);
    const once = await counts();
    expect(once).toEqual({ chunks: before.chunks + 3, blobs: before.blobs + 1 });
    const again = await upload(memberOne, first, two, 'ledger copy.txt', bytes);
    expect(again.status).toBe(201);
    expect(await counts()).toEqual(once);
    const got = await download(memberOne, first, two, again.body.added);
    expect(got.rawPayload.equals(bytes)).toBe(true);
    expect(got.headers['content-type']).toContain('text/plain');
  }, 60_000);

  it('refuses a program renamed to .pdf by its bytes, and archives', async () => {
    const { id: talkId } = await talk(first);
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(58), Buffer.from([0x80, 0, 0, 0]), randomBytes(4096)]);
    const refused = await upload(memberOne, first, talkId, 'report.pdf', exe, { claimedType: 'application/pdf' });
    expect(refused.status).toBe(415);
    expect(refused.body).toMatchObject({
      error: 'unsupported_media_type',
      message: expect.stringMatching(/^不接受application\/x-msdownload 文件作为证据材料/),
      details: { detected: 'application/x-msdownload' },
    });
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), randomBytes(4096)]);
    expect((await upload(memberOne, first, talkId, 'scans.docx', zip)).status).toBe(415);
    const listed = await h.call(memberOne, 'GET', `/api/v1/inspections/${first}/records/${talkId}/attachments`);
    expect(listed.body).toMatchObject({ recordVersion: 1, attachments: [] });
  }, 60_000);

  it('refuses an oversized upload as it streams, without holding it in memory, and names the quota past it', async () => {
    const { id: talkId } = await talk(first);
    const limited = await buildApp({
      services: { db: h.database.db, temporal: h.temporal, taskQueue: h.taskQueue, attachments: { maxFileBytes: 2 * 1024 * 1024, inspectionQuotaBytes: 8 * 1024 * 1024 } },
      auth: { secret: JWT_SECRET },
    });
    try {
      // Over a real socket, as a browser would send it: 200 MB made while it is read.
      await limited.listen({ port: 0, host: '127.0.0.1' });
      const { port } = limited.server.address() as AddressInfo;
      const total = 200 * 1024 * 1024;
      const piece = Buffer.alloc(1024 * 1024, 'x');
      let produced = 0;
      const rssBefore = process.memoryUsage.rss();
      let rssPeak = rssBefore;
      const body = new Readable({
        read() {
          rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
          if (produced === 0) this.push(head('huge.txt', 'text/plain'));
          if (produced >= total) {
            this.push(tail);
            this.push(null);
            return;
          }
          produced += piece.length;
          this.push(piece);
        },
      });
      const token = await h.token(memberOne);
      const answer = await new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
        const request = httpRequest(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: `/api/v1/inspections/${first}/records/${talkId}/attachments`,
            headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
          },
          (response) => {
            const parts: Buffer[] = [];
            response.on('data', (d: Buffer) => parts.push(d));
            response.on('end', () => {
              // Answered: the client stops sending, as a browser does on an early answer.
              body.unpipe(request);
              request.destroy();
              resolve({ status: response.statusCode!, body: JSON.parse(Buffer.concat(parts).toString()) });
            });
          },
        );
        request.on('error', (error) => (request.destroyed ? undefined : reject(error)));
        body.pipe(request);
      });
      body.destroy();
      expect(answer.status).toBe(413);
      expect(answer.body).toMatchObject({ error: 'payload_too_large', details: { limit: 'file_size', maxBytes: 2 * 1024 * 1024 } });
      // Refused after 2 MB, answered long before the client could send the 200 MB, and the
      // process's memory never grew by anything like them.
      expect(produced).toBeLessThan(total / 4);
      expect(rssPeak - rssBefore, `RSS grew by ${Math.round((rssPeak - rssBefore) / 1024 / 1024)} MB`).toBeLessThan(100 * 1024 * 1024);

      // The quota: 1.5 MB files fit one after another until the inspection's 8 MB would be passed.
      let status = 201;
      let last: { status: number; body: { details?: unknown; message?: string } } | undefined;
      for (let i = 0; i < 30 && status === 201; i++) {
        last = await upload(memberOne, first, talkId, `scan-${i}.txt`, Buffer.from(randomBytes(768 * 1024).toString('hex')), { app: limited });
        status = last.status;
      }
      expect(last!.status).toBe(413);
      expect(last!.body.details).toMatchObject({ limit: 'inspection_quota', quotaBytes: 8 * 1024 * 1024 });
      expect(last!.body.message).toContain('ATTACHMENT_INSPECTION_QUOTA_MB');
    } finally {
      // Node keeps a connection whose body it was still draining; the test has no more use for it.
      limited.server.closeAllConnections();
      await limited.close();
    }
  }, 180_000);

  it("keeps a lead's files as confidential as the lead", async () => {
    const lead = await record(memberOne, first, 'lead', {
      person: { name: '马某某', post: '副局长', leadingCadre: true },
      allegation: '对特定车辆免检放行',
      sources: [],
      proposedDisposal: '建议初核',
      proposedRecipient: { kind: 'discipline', name: '驻厅纪检监察组' },
    });
    const sent = await upload(memberOne, first, lead.id, '举报材料.pdf', pdf('report of the allegation'));
    expect(sent.status).toBe(201);
    const fileId = sent.body.added as string;
    for (const reader of [memberOne, leaderOne, auditor]) {
      expect((await download(reader, first, lead.id, fileId)).statusCode, reader.sub).toBe(200);
    }
    // Another group's member and the target's liaison do not even learn the lead exists,
    for (const outsider of [memberTwo, liaisonOne]) {
      expect((await download(outsider, first, lead.id, fileId)).statusCode, outsider.sub).toBe(404);
      expect((await h.call(outsider, 'GET', `/api/v1/inspections/${first}/records/${lead.id}/attachments`)).status, outsider.sub).toBe(404);
      expect((await upload(outsider, first, lead.id, 'x.txt', Buffer.from('x'))).status, outsider.sub).toBe(404);
    }
    // and are refused the files of the talks as they are the talks themselves.
    const { id: talkId } = await talk(first);
    const onTalk = await upload(memberOne, first, talkId, '笔录.pdf', pdf('talk'));
    expect((await download(memberTwo, first, talkId, onTalk.body.added)).statusCode).toBe(403);
    expect((await download(liaisonOne, first, talkId, onTalk.body.added)).statusCode).toBe(403);
  }, 60_000);

  it('stores a name with ../ and bidirectional characters as a plain file name', async () => {
    const { id: talkId } = await talk(first);
    const sent = await upload(memberOne, first, talkId, '../../etc/\u202Etxt.exe\u0007谈话\u2067笔录.txt', Buffer.from('谈话笔录正文\n'));
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    const [stored] = sent.body.attachments as { id: string; name: string }[];
    expect(stored!.name).toBe('txt.exe谈话笔录.txt');
    const got = await download(memberOne, first, talkId, stored!.id);
    expect(got.headers['content-disposition']).toBe(
      `attachment; filename="txt.exe____.txt"; filename*=UTF-8''${encodeURIComponent('txt.exe谈话笔录.txt')}`,
    );
  }, 60_000);

  it('removes a file only as a new version without it', async () => {
    const { id: talkId } = await talk(first);
    const sent = await upload(memberOne, first, talkId, 'a.txt', Buffer.from('first file'));
    const stale = await h.call(memberOne, 'DELETE', `/api/v1/inspections/${first}/records/${talkId}/attachments/${sent.body.added}?version=1`);
    expect(stale.status).toBe(409);
    const removed = await h.call(memberOne, 'DELETE', `/api/v1/inspections/${first}/records/${talkId}/attachments/${sent.body.added}?version=2`);
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    expect(removed.body).toMatchObject({ recordVersion: 3, attachments: [] });
    // The bytes stay: the earlier version still names them.
    expect((await download(memberOne, first, talkId, sent.body.added)).rawPayload.toString()).toBe('first file');
  }, 60_000);
});

describe('the upload route at its edges', () => {
  it('answers a JSON body, a body cut short and a form without a file with a 4xx in the one error shape', async () => {
    const { id: talkId } = await talk(first);
    const url = `/api/v1/inspections/${first}/records/${talkId}/attachments`;
    const authorization = `Bearer ${await h.token(memberOne)}`;
    const json = await h.app.inject({ method: 'POST', url, headers: { authorization }, payload: { file: 'x' } });
    expect(json.statusCode).toBe(415);
    const cut = await h.app.inject({
      method: 'POST',
      url,
      headers: { authorization, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      payload: Buffer.concat([head('a.txt', 'text/plain'), Buffer.from('no closing boundary')]),
    });
    expect(cut.statusCode).toBe(400);
    // Said in the caller's language (Chinese by default), never the multipart parser's own English.
    expect(cut.json()).toMatchObject({
      error: 'invalid_input',
      message: '请求体不是完整的 multipart/form-data',
      details: { issues: [{ field: 'body', message: '不是完整的 multipart 请求体（上传中断或分段头损坏）' }] },
    });
    const noBoundary = await h.app.inject({ method: 'POST', url, headers: { authorization, 'content-type': 'multipart/form-data' }, payload: 'x' });
    expect(noBoundary.statusCode).toBe(400);
    const fieldOnly = await h.app.inject({
      method: 'POST',
      url,
      headers: { authorization, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      payload: `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"\r\n\r\nnot a file\r\n--${BOUNDARY}--\r\n`,
    });
    expect(fieldOnly.statusCode).toBe(400);
    expect(fieldOnly.json().details.issues[0].field).toBe('body.file');
  });

  it('describes the routes in the OpenAPI document: a multipart file in, a list of attachments out', async () => {
    const doc = (await h.call(null, 'GET', '/docs/json')).body;
    const path = doc.paths['/api/v1/inspections/{id}/records/{recordId}/attachments'];
    expect(path.post.requestBody.content['multipart/form-data'].schema.properties.file).toMatchObject({ type: 'string', format: 'binary' });
    expect(Object.keys(path.post.responses)).toEqual(expect.arrayContaining(['201', '400', '403', '404', '409', '413', '415']));
    expect(path.get.responses['200']).toBeDefined();
    const one = doc.paths['/api/v1/inspections/{id}/records/{recordId}/attachments/{attachmentId}'];
    expect(one.get.responses['200']).toBeDefined();
    expect(one.delete.parameters.some((p: { name: string; in: string; required: boolean }) => p.name === 'version' && p.in === 'query' && p.required)).toBe(true);
  });
});

describe('evidence files bound to what was reviewed', () => {
  it('refuses files for a submitted stage, and sends a confirmed paper back to review when one is added', async () => {
    await recordWork(h, second, 'stationing', leaderTwo);
    const talks = await h.call(memberTwo, 'GET', `/api/v1/inspections/${second}/records?kind=talk`);
    const talkId = talks.body.records[0].id as string;
    const attached = await upload(memberTwo, second, talkId, '谈话笔录.pdf', pdf('transcript'));
    expect(attached.status).toBe(201);
    const submitted = await h.call(leaderTwo, 'POST', `/api/v1/inspections/${second}/submissions`, { stage: 'stationing', requestId: rid('submit') });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);

    const frozen = await upload(memberTwo, second, talkId, 'late.pdf', pdf('too late'));
    expect(frozen.status).toBe(409);
    expect(frozen.body.details).toMatchObject({ stage: 'stationing', state: 'submitted' });

    // The digest the submission froze covers the file: one slipped into a frozen version shows.
    const verified = await h.call(auditor, 'GET', `/api/v1/inspections/${second}/history/verify`);
    expect(verified.body.recordsIntact, JSON.stringify(verified.body)).toBe(true);
    const decided = await h.call(office, 'POST', `/api/v1/inspections/${second}/decisions`, approvalBody('stationing', 'office', rid('approve')));
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);

    await recordWork(h, second, 'drafting', leaderTwo);
    const papers = await h.call(leaderTwo, 'GET', `/api/v1/inspections/${second}/records?kind=problem`);
    const paper = papers.body.records[0] as { id: string; reviewStatus: string; version: number };
    expect(paper.reviewStatus).toBe('confirmed');
    const added = await upload(memberTwo, second, paper.id, '记账凭证.png', png());
    expect(added.status).toBe(201);
    const after = await h.call(leaderTwo, 'GET', `/api/v1/inspections/${second}/records/${paper.id}`);
    expect(after.body).toMatchObject({ reviewStatus: 'pending', version: paper.version + 1 });
    // Until the leader confirms again, drafting cannot be submitted.
    const refused = await h.call(leaderTwo, 'POST', `/api/v1/inspections/${second}/submissions`, { stage: 'drafting', requestId: rid('submit') });
    expect(refused.status).toBe(409);

    // A file slipped into a version the stationing submission froze breaks its digest.
    const blob = await h.database.db.selectFrom('attachments').select('id').where('record_id', '=', talkId).executeTakeFirstOrThrow();
    await h.database.db.insertInto('attachment_sets').values({ record_id: talkId, version: 1, attachment_ids: JSON.stringify([blob.id]) }).execute();
    const broken = await h.call(auditor, 'GET', `/api/v1/inspections/${second}/history/verify`);
    expect(broken.body.recordsIntact).toBe(false);
  }, 180_000);
});
