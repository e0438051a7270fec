import { Readable } from 'node:stream';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contentDisposition } from '../attachments-policy.js';
import { AttachmentsService, DEFAULT_ATTACHMENT_LIMITS } from '../attachments.service.js';
import { ApiError, commonErrors, ERROR_CODES, errorResponse, fieldIssue } from '../errors.js';
import { uuidParam } from '../schemas.js';

const recordParams = z.object({ id: uuidParam, recordId: uuidParam });
const attachmentParams = recordParams.extend({ attachmentId: uuidParam });
const version = z.coerce.number().int().min(1).max(2_147_483_647);

const attachmentView = z
  .object({
    id: z.uuid(),
    recordId: z.uuid(),
    name: z.string().describe('the name it was uploaded under, without any path, control or bidirectional characters'),
    mediaType: z.string().describe('read from the bytes, not from what the client claimed'),
    size: z.number().int().describe('bytes'),
    sha256: z.string().describe('SHA-256 (hex) of the bytes; the submission digest and the review cover it'),
    uploadedBy: z.object({ sub: z.string(), name: z.string() }),
    uploadedAt: z.string(),
  })
  .describe('Attachment');

const attachmentList = z
  .object({
    recordId: z.uuid(),
    recordVersion: z.number().int().describe('the record version these files belong to'),
    added: z.uuid().optional().describe('on an upload: the id of the file just attached'),
    attachments: z.array(attachmentView),
  })
  .describe('AttachmentList');

/** Busboy's own errors (a body cut short, a broken part header) are the client's, not ours. */
function malformed(error: unknown): unknown {
  if (error instanceof ApiError) return error;
  const status = (error as { statusCode?: number }).statusCode;
  if (status && status >= 400 && status < 500) return error;
  // Busboy's own wording stays in the log; the caller is told in their language what is wrong.
  const refused = new ApiError(400, ERROR_CODES[400], { key: 'body_not_multipart' }, { issues: [fieldIssue('body', { key: 'malformed_multipart' })] });
  refused.cause = error;
  return refused;
}

async function* parsed(file: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  try {
    yield* file;
  } catch (error) {
    throw malformed(error);
  }
}

const WHO = 'Written by whoever may edit the record, while its stage is open; read by whoever reads the record (a lead’s files as confidentially as the lead; the target’s liaison only on records it reads whole).';

export const attachmentRoutes: FastifyPluginAsyncZod = async (app) => {
  const limits = { ...DEFAULT_ATTACHMENT_LIMITS, ...app.services.attachments };
  const attachments = new AttachmentsService(app.services.db, limits, app.services.attachments?.store);
  // Scoped to these routes: nowhere else is a multipart body accepted. One file per
  // request; busboy stops one byte past the limit and the service refuses it there.
  await app.register(multipart, {
    limits: { fileSize: limits.maxFileBytes + 1, files: 1, fields: 10, fieldSize: 1000, headerPairs: 100 },
    throwFileSizeLimit: false,
  });

  app.post(
    '/inspections/:id/records/:recordId/attachments',
    {
      schema: {
        summary: 'Attach a file to a record (multipart/form-data, one file part): a new version of the record',
        description: `${WHO} The bytes are streamed into storage; the media type is sniffed from them (PDF, images, Word, Excel, WPS, plain text, audio; anything else 415). A file over ATTACHMENT_MAX_FILE_MB or past the inspection's ATTACHMENT_INSPECTION_QUOTA_MB is 413. A confirmed paper or decided request goes back to review, as after a text edit. \`version\`, when given, must be the record's current version (409 otherwise).`,
        tags: ['attachments'],
        params: recordParams,
        querystring: z.object({ version: version.optional() }),
        consumes: ['multipart/form-data'],
        body: z.object({ file: z.string().meta({ format: 'binary' }).describe('the file') }),
        response: { 201: attachmentList, ...commonErrors, 413: errorResponse, 415: errorResponse },
      },
      // The body is the multipart stream, read by the handler as it arrives: nothing to validate up front.
      validatorCompiler: (request) =>
        request.httpPart === 'body' ? (data: unknown) => ({ value: data }) : validatorCompiler(request as unknown as Parameters<typeof validatorCompiler>[0]),
    },
    async (request, reply) => {
      const { id, recordId } = request.params;
      if (!request.isMultipart()) {
        throw new ApiError(415, ERROR_CODES[415], { key: 'not_multipart' }, { issues: [fieldIssue('body', { key: 'is_not_multipart' })] });
      }
      const part = await request.file().catch((error: unknown) => {
        throw malformed(error);
      });
      if (!part) throw new ApiError(400, ERROR_CODES[400], 'invalid input: body.file is missing', { issues: [fieldIssue('body.file', { key: 'file_missing' })] });
      // Refused mid-stream, the rest of the body is read and dropped by Node, never held: closing
      // the connection instead would let the reset overtake the answer on the client's side.
      const list = await attachments.upload(request.actor, id, recordId, { fileName: part.filename, content: parsed(part.file), version: request.query.version });
      return reply.code(201).send(list);
    },
  );

  app.get(
    '/inspections/:id/records/:recordId/attachments',
    {
      schema: {
        summary: "The files a record carries (its current version's)",
        description: WHO,
        tags: ['attachments'],
        params: recordParams,
        response: { 200: attachmentList, ...commonErrors },
      },
    },
    async (request) => attachments.list(request.actor, request.params.id, request.params.recordId),
  );

  app.get(
    '/inspections/:id/records/:recordId/attachments/:attachmentId',
    {
      schema: {
        summary: 'Download a file of a record, byte for byte as uploaded',
        description: `${WHO} Any file the record carries or once carried; Content-Disposition carries the name (RFC 5987), never cached.`,
        tags: ['attachments'],
        params: attachmentParams,
        produces: ['application/octet-stream'],
        response: { 200: z.any().describe('the file'), ...commonErrors },
      },
    },
    async (request, reply) => {
      const { id, recordId, attachmentId } = request.params;
      const { attachment, content } = await attachments.download(request.actor, id, recordId, attachmentId);
      return reply
        .type(attachment.mediaType)
        .header('content-length', String(attachment.size))
        .header('content-disposition', contentDisposition(attachment.name))
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        .header('etag', `"${attachment.sha256}"`)
        .send(Readable.from(content, { objectMode: false }));
    },
  );

  app.delete(
    '/inspections/:id/records/:recordId/attachments/:attachmentId',
    {
      schema: {
        summary: 'Take a file off a record: a new version without it (nothing is deleted; earlier versions keep it)',
        description: `${WHO} \`version\` must be the record's current version. A confirmed paper goes back to review.`,
        tags: ['attachments'],
        params: attachmentParams,
        querystring: z.object({ version }),
        response: { 200: attachmentList, ...commonErrors },
      },
    },
    async (request) => {
      const { id, recordId, attachmentId } = request.params;
      return attachments.remove(request.actor, id, recordId, attachmentId, request.query.version);
    },
  );
};
