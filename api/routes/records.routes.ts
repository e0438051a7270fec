import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/database.js';
import { STAGE_IDS } from '../../workflows/stages.js';
import { commonErrors } from '../errors.js';
import {
  createRecordBody,
  recordDecisionBody,
  recordKindEnum,
  recordVersionView,
  recordView,
  reviewBody,
  updateRecordBody,
} from '../record-schemas.js';
import { idempotencyHeaders, sendIdempotent } from '../idempotency.js';
import { isMergePatch, MERGE_PATCH_TYPE } from '../merge-patch.js';
import { languageOf } from '../messages.js';
import { flagsWordedIn } from '../record-flags.js';
import { RecordsService } from '../records.service.js';
import { pagingQuery } from '../timeline.schemas.js';
import { uuidParam } from '../schemas.js';

const inspectionParams = z.object({ id: uuidParam });
const recordParams = z.object({ id: uuidParam, recordId: uuidParam });

export const recordRoutes: FastifyPluginAsyncZod = async (app) => {
  const records = new RecordsService(app.services.db);
  // An idempotent write runs its service on the transaction that also stores the answer.
  const recordsIn = (db: Kysely<Database>) => new RecordsService(db);
  // A paper's flags are worded in the reader's language as the answer leaves (see `flagsWordedIn`).
  app.addHook('preSerialization', async (request, reply, payload) => (reply.statusCode < 300 ? flagsWordedIn(payload, languageOf(request)) : payload));

  app.post(
    '/inspections/:id/records',
    {
      schema: {
        summary: "Record a stage's work: one of the record kinds, while its stage is open",
        tags: ['records'],
        params: inspectionParams,
        headers: idempotencyHeaders,
        body: createRecordBody,
        response: { 201: recordView, ...commonErrors },
      },
    },
    async (request, reply) => {
      const { kind, data } = request.body;
      return sendIdempotent(request, reply, 201, (db) => recordsIn(db).create(request.actor, request.params.id, kind, data));
    },
  );

  app.get(
    '/inspections/:id/records',
    {
      schema: {
        summary: "An inspection's records, optionally of one kind or stage, a page at a time (`limit`, `cursor`). Read by the group, the office, the leading group and auditors (less what each may not read), the liaison its own kinds",
        tags: ['records'],
        params: inspectionParams,
        querystring: pagingQuery.extend({ kind: recordKindEnum.optional(), stage: z.enum(STAGE_IDS).optional() }),
        response: {
          200: z.object({
            records: z.array(recordView).describe('in the order they were written; a page may hold fewer than `limit` (what you may not read is left out)'),
            nextCursor: z.string().nullable().describe('pass as `cursor` for the next page; null on the last page'),
          }),
          ...commonErrors,
        },
      },
    },
    async (request) => records.list(request.actor, request.params.id, request.query),
  );

  app.get(
    '/inspections/:id/records/:recordId',
    {
      schema: {
        summary: 'One record with every version it went through',
        tags: ['records'],
        params: recordParams,
        response: { 200: recordView.extend({ versions: z.array(recordVersionView) }), ...commonErrors },
      },
    },
    async (request) => records.get(request.actor, request.params.id, request.params.recordId),
  );

  app.patch(
    '/inspections/:id/records/:recordId',
    {
      schema: {
        summary:
          'Edit a record: a new version; a stale `version` is refused with 409. Send the whole data (application/json) or only what changes (application/merge-patch+json, RFC 7396)',
        tags: ['records'],
        params: recordParams,
        headers: idempotencyHeaders,
        consumes: ['application/json', MERGE_PATCH_TYPE],
        body: updateRecordBody,
        response: { 200: recordView, ...commonErrors },
      },
    },
    async (request, reply) => {
      const { id, recordId } = request.params;
      const form = isMergePatch(request.headers['content-type']) ? 'merge_patch' : 'whole';
      return sendIdempotent(request, reply, 200, (db) =>
        recordsIn(db).edit(request.actor, id, recordId, request.body.data, request.body.version, form),
      );
    },
  );

  app.post(
    '/inspections/:id/records/:recordId/review',
    {
      schema: {
        summary: "The group leader confirms or returns a problem paper (审核把关)",
        tags: ['records'],
        params: recordParams,
        headers: idempotencyHeaders,
        body: reviewBody,
        response: { 200: recordView, ...commonErrors },
      },
    },
    async (request, reply) => {
      const { id, recordId } = request.params;
      return sendIdempotent(request, reply, 200, (db) => recordsIn(db).review(request.actor, id, recordId, request.body.decision, request.body.note));
    },
  );

  app.post(
    '/inspections/:id/records/:recordId/decision',
    {
      schema: {
        summary: 'Decide a recusal declaration (office) or a major-matter request (leading group)',
        tags: ['records'],
        params: recordParams,
        headers: idempotencyHeaders,
        body: recordDecisionBody,
        response: { 200: recordView, ...commonErrors },
      },
    },
    async (request, reply) => {
      const { id, recordId } = request.params;
      return sendIdempotent(request, reply, 200, (db) =>
        recordsIn(db).decide(request.actor, id, recordId, request.body.decision, request.body.comment),
      );
    },
  );
};
