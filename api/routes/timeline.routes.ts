import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AccessLogService } from '../access-log.service.js';
import { AsOfService } from '../as-of.service.js';
import { commonErrors } from '../errors.js';
import { recordView } from '../record-schemas.js';
import { inspectionState, roundStatus, stageId, uuidParam, waitingOn } from '../schemas.js';
import { moment, pagingQuery, subFilter, timelineItem, timelinePage, timelineQuery } from '../timeline.schemas.js';
import { TimelineService } from '../timeline.service.js';

const idParams = z.object({ id: uuidParam });

const asOfView = z.object({
  roundId: z.uuid(),
  at: z.iso.datetime(),
  status: roundStatus.nullable().describe('the round’s status then; null before it was proposed'),
  inspections: z
    .array(
      z.object({
        id: z.uuid(),
        name: z.string(),
        stage: stageId,
        state: inspectionState,
        waitingOn: waitingOn.nullable(),
        stageOpenedAt: z.iso.datetime(),
        overdue: z.boolean(),
        records: z.array(recordView).describe('every record that existed then, at the version it had then (later edits and withdrawals not applied)'),
      }),
    )
    .describe('the inspections that had started by then'),
  timeline: z
    .object({ items: z.array(timelineItem), nextCursor: z.string().nullable() })
    .describe('the timeline up to the moment; continue with GET /rounds/:id/timeline?to=<at>&cursor=<nextCursor>'),
});

const accessLogView = z.object({
  inspectionId: z.uuid(),
  reads: z.array(
    z.object({
      seq: z.number(),
      at: z.iso.datetime(),
      actor: z.object({ sub: z.string(), name: z.string() }),
      roles: z.array(z.string()),
      what: z
        .enum(['record', 'record_list', 'as_of', 'questionnaire_answers', 'leads_report', 'inspector_evaluations', 'dossier'])
        .describe('one record opened; a record in a list; a record in an as-of answer; the questionnaire answers; the lead report; an evaluation in the inspector-evaluations spreadsheet; the sealed dossier downloaded'),
      record: z.object({ id: z.uuid(), kind: z.string(), version: z.number() }).nullable().describe('the record and the version read, if one was'),
      route: z.string(),
    }),
  ),
  nextCursor: z.string().nullable(),
});

/** What auditors replay a round with: the timeline, the round as of a moment, who read what. */
export const timelineRoutes: FastifyPluginAsyncZod = async (app) => {
  const timeline = new TimelineService(app.services.db);
  const asOf = new AsOfService(app.services.db);
  const accessLog = new AccessLogService(app.services.db);

  app.get(
    '/rounds/:id/timeline',
    {
      schema: {
        summary:
          'Every step of the round and its inspections in time order: authorisation, launch, stage steps, record versions, reviews, decisions, group changes, hand-overs. Read by auditors, the office and the leading group',
        tags: ['history'],
        params: idParams,
        querystring: timelineQuery,
        response: { 200: timelinePage, ...commonErrors },
      },
    },
    async (request) => timeline.forRound(request.actor, request.params.id, request.query),
  );

  app.get(
    '/inspections/:id/timeline',
    {
      schema: {
        summary:
          "One inspection's timeline (with its round's own steps). Auditors, the office and the leading group read it whole; the group's leader and members read it less the records they may not read",
        tags: ['history'],
        params: idParams,
        querystring: timelineQuery.omit({ inspection: true }),
        response: { 200: timelinePage, ...commonErrors },
      },
    },
    async (request) => timeline.forInspection(request.actor, request.params.id, request.query),
  );

  app.get(
    '/rounds/:id/as-of',
    {
      schema: {
        summary:
          'The round as it stood at a moment: each inspection’s stage, state and whom it waited on, every record at the version it had then, and the timeline up to then. Auditors, the office and the leading group; reading confidential records here is logged',
        tags: ['history'],
        params: idParams,
        querystring: pagingQuery.extend({ at: moment.describe('the moment, ISO 8601 with a zone') }),
        response: { 200: asOfView, ...commonErrors },
      },
    },
    async (request) => asOf.round(request.actor, request.params.id, new Date(request.query.at), request.query),
  );

  app.get(
    '/inspections/:id/access-log',
    {
      schema: {
        summary:
          'Who read the inspection’s confidential material (problem papers, leads, hand-overs, disposals, evaluations, questionnaire answers, the lead report), when and which version. The office and auditors',
        tags: ['history'],
        params: idParams,
        querystring: pagingQuery.extend({
          cursor: z.string().max(20).optional().describe('`nextCursor` of the previous page'),
          actor: subFilter.optional().describe('only reads by this person (`sub`)'),
          record: z.uuid().optional().describe('only reads of this record'),
        }),
        response: { 200: accessLogView, ...commonErrors },
      },
    },
    async (request) => accessLog.list(request.actor, request.params.id, request.query),
  );
};
