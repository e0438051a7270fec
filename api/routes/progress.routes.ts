import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { commonErrors } from '../errors.js';
import { languageOf } from '../messages.js';
import { ProgressService } from '../progress.service.js';
import { inspectionState, inspectionView, roundStatus, stageId, uuidParam, waitingOn } from '../schemas.js';

/** Parameters of an unmet criterion (counts, names, titles, source or section ids), for clients that word it themselves. */
export const criterionParams = z
  .record(z.string(), z.union([z.string(), z.number(), z.array(z.string())]))
  .describe('what is missing, as data: counts, names, titles, source or section ids; `message` words it');
export const unmetView = z.object({
  code: z.string().describe('a stable code of the exit criterion'),
  params: criterionParams,
  message: z.string().describe('what is missing, in the language of `Accept-Language` (Chinese unless English comes first)'),
});

const progressView = z.object({
  roundId: z.uuid(),
  name: z.string(),
  status: roundStatus,
  inspections: z.array(
    inspectionView.extend({
      recordCounts: z.record(z.string(), z.number()),
      unmet: z.array(unmetView).describe('exit criteria of the open stage not yet met'),
      flagged: z
        .array(
          z.object({
            recordId: z.uuid(),
            title: z.string(),
            flags: z.array(z.object({ code: z.string(), field: z.string(), params: z.record(z.string(), z.string()), message: z.string() })),
          }),
        )
        .describe('problem papers flagged for the group leader, e.g. a basis that took effect after the conduct (不能用新标准去套老问题)'),
    }),
  ),
  totals: z.object({
    problems: z.number(),
    problemsByCategory: z.record(z.string(), z.number()),
    leads: z.number().describe('confirmed leads (问题线索)'),
    leadsNotHandedOver: z.number().describe('confirmed leads the office has yet to hand over (移交)'),
    rectificationItems: z
      .object({ open: z.number(), returned: z.number(), accepted: z.number(), long_term: z.number() })
      .describe("items by the office's verification (验收); open until it verifies them"),
    overdue: z.number(),
  }),
});

const named = z.object({ id: z.uuid(), name: z.string() });

const inspectionProgressView = z.object({
  inspection: named,
  round: named,
  stage: stageId.describe('the stage the inspection is at'),
  stageTitle: z.object({ zh: z.string(), en: z.string() }),
  state: inspectionState,
  stageOpenedAt: z.iso.datetime(),
  dueAt: z.iso.datetime(),
  overdue: z.boolean(),
  waitingOn: waitingOn.nullable(),
  readyToSubmit: z.boolean().describe('the stage is open and every exit criterion is met'),
  criteria: z
    .array(
      z.object({
        code: z.string(),
        requirement: z.string().describe('what the criterion asks, in words (the language of `Accept-Language`)'),
        met: z.boolean(),
        missing: z.string().nullable().describe('what is still missing, in words; null when met'),
        params: criterionParams.nullable().describe('what is still missing, as data; null when met'),
      }),
    )
    .describe("each exit criterion of the stage, met or not (empty once the inspection is finished): the stage's unmet list, given once"),
  recordCounts: z.record(z.string(), z.number()).describe('records by kind, of the kinds the caller may read'),
});

export const progressRoutes: FastifyPluginAsyncZod = async (app) => {
  const progress = new ProgressService(app.services.db);

  app.get(
    '/rounds/:roundId/progress',
    {
      schema: {
        summary: "A round's progress: each inspection's stage, records and unmet criteria; problems, leads and rectification totals",
        tags: ['rounds'],
        params: z.object({ roundId: uuidParam }),
        response: { 200: progressView, ...commonErrors },
      },
    },
    async (request) => progress.ofRound(request.actor, request.params.roundId, languageOf(request)),
  );

  app.get(
    '/inspections/:id/progress',
    {
      schema: {
        summary:
          "One inspection's progress: the open stage, each exit criterion met or not in words, record counts, due date. Read by the group (unless recused), the office, the leading group, the party committee and auditors",
        tags: ['inspections'],
        params: z.object({ id: uuidParam }),
        response: { 200: inspectionProgressView, ...commonErrors },
      },
    },
    async (request) => progress.ofInspection(request.actor, request.params.id, languageOf(request)),
  );
};
