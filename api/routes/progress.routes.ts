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
    }),
  ),
  totals: z.object({
    problems: z.number(),
    problemsByCategory: z.record(z.string(), z.number()),
    leads: z.number().describe('confirmed leads (问题线索)'),
    leadsNotHandedOver: z.number().describe('confirmed leads the office has yet to hand over (移交)'),
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
