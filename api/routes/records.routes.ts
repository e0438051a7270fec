import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listRecords, listRecordVersions } from '../../db/records.repository.js';
import { STAGE_IDS, type RecordKind } from '../../workflows/stages.js';
import { commonErrors, forbidden } from '../errors.js';
import {
  createRecordBody,
  recordDecisionBody,
  recordKindEnum,
  recordVersionView,
  recordView,
  reviewBody,
  updateRecordBody,
} from '../record-schemas.js';
import {
  createRecord,
  decideRecord,
  editRecord,
  loadRecord,
  readableKinds,
  reviewRecord,
  toRecordView,
} from '../records.service.js';
import { idempotencyHeaders, sendIdempotent } from '../idempotency.js';
import { uuidParam } from '../schemas.js';
import { loadInspection } from '../views.js';

const inspectionParams = z.object({ id: uuidParam });
const recordParams = z.object({ id: uuidParam, recordId: uuidParam });

export const recordRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.services;

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
      const inspection = await loadInspection(db, request.params.id);
      const { kind, data } = request.body;
      return sendIdempotent(request, reply, 201, (tx) => createRecord(tx, inspection, request.actor, kind as RecordKind, data));
    },
  );

  app.get(
    '/inspections/:id/records',
    {
      schema: {
        summary: "An inspection's records, optionally of one kind or stage",
        tags: ['records'],
        params: inspectionParams,
        querystring: z.object({ kind: recordKindEnum.optional(), stage: z.enum(STAGE_IDS).optional() }),
        response: { 200: z.object({ records: z.array(recordView) }), ...commonErrors },
      },
    },
    async (request) => {
      const inspection = await loadInspection(db, request.params.id);
      const kinds = await readableKinds(db, inspection, request.actor);
      const rows = await listRecords(db, request.params.id, request.query);
      return { records: rows.filter((r) => kinds === 'all' || kinds.includes(r.kind as RecordKind)).map(toRecordView) };
    },
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
    async (request) => {
      const inspection = await loadInspection(db, request.params.id);
      const kinds = await readableKinds(db, inspection, request.actor);
      const row = await loadRecord(db, request.params.id, request.params.recordId);
      if (kinds !== 'all' && !kinds.includes(row.kind as RecordKind)) throw forbidden(`a ${row.kind} record is not shown to you`);
      const versions = await listRecordVersions(db, row.id);
      return {
        ...toRecordView(row),
        versions: versions.map((v) => ({
          version: v.version,
          change: v.change as 'created' | 'edited' | 'reviewed' | 'decided',
          data: v.data,
          reviewStatus: v.review_status,
          decisionStatus: v.decision_status,
          note: v.note,
          actor: { sub: v.actor_sub, name: v.actor_name, roles: v.actor_roles },
          at: new Date(v.at).toISOString(),
        })),
      };
    },
  );

  app.patch(
    '/inspections/:id/records/:recordId',
    {
      schema: {
        summary: 'Edit a record: a new version; a stale `version` is refused with 409',
        tags: ['records'],
        params: recordParams,
        headers: idempotencyHeaders,
        body: updateRecordBody,
        response: { 200: recordView, ...commonErrors },
      },
    },
    async (request, reply) => {
      const inspection = await loadInspection(db, request.params.id);
      const { recordId } = request.params;
      return sendIdempotent(request, reply, 200, (tx) => editRecord(tx, inspection, request.actor, recordId, request.body.data, request.body.version));
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
      const inspection = await loadInspection(db, request.params.id);
      const { recordId } = request.params;
      return sendIdempotent(request, reply, 200, (tx) => reviewRecord(tx, inspection, request.actor, recordId, request.body.decision, request.body.note));
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
      const inspection = await loadInspection(db, request.params.id);
      const { recordId } = request.params;
      return sendIdempotent(request, reply, 200, (tx) => decideRecord(tx, inspection, request.actor, recordId, request.body.decision, request.body.comment));
    },
  );
};
