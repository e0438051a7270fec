import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { commonErrors } from '../errors.js';
import { ProgressService } from '../progress.service.js';
import { inspectionView, roundStatus, uuidParam } from '../schemas.js';

const unmetView = z.object({ code: z.string(), message: z.string() });

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
            flags: z.array(z.object({ code: z.string(), field: z.string(), message: z.string() })),
          }),
        )
        .describe('problem papers flagged for the group leader, e.g. a basis that took effect after the conduct (不能用新标准去套老问题)'),
    }),
  ),
  totals: z.object({
    problems: z.number(),
    problemsByCategory: z.record(z.string(), z.number()),
    leads: z.number(),
    rectificationItems: z.object({ open: z.number(), done: z.number(), carried_over: z.number() }),
    overdue: z.number(),
  }),
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
    async (request) => progress.ofRound(request.actor, request.params.roundId),
  );
};
