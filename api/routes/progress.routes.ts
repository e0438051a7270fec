import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { criteriaContext } from '../../db/stage-gate.repository.js';
import { confirmedPapers, unmetCriteria } from '../../workflows/exit-criteria.js';
import type { StageId } from '../../workflows/stages.js';
import { requireRole } from '../access.js';
import { commonErrors } from '../errors.js';
import { inspectionView, roundStatus, uuidParam } from '../schemas.js';
import { loadRoundView } from '../views.js';

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
    leads: z.number(),
    rectificationItems: z.object({ open: z.number(), done: z.number(), carried_over: z.number() }),
    overdue: z.number(),
  }),
});

/** What the office watches ("巡察办要及时跟踪巡察工作进展情况"). */
export const progressRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.services;

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
    async (request) => {
      requireRole(request.actor, 'office', 'leading_group', 'auditor');
      const round = await loadRoundView(db, request.params.roundId);
      const totals = {
        problems: 0,
        problemsByCategory: {} as Record<string, number>,
        leads: 0,
        rectificationItems: { open: 0, done: 0, carried_over: 0 },
        overdue: 0,
      };
      const inspections = [];
      for (const inspection of round.inspections) {
        const ctx = await criteriaContext(db, inspection.id);
        const recordCounts: Record<string, number> = {};
        for (const record of ctx.records) recordCounts[record.kind] = (recordCounts[record.kind] ?? 0) + 1;
        const papers = confirmedPapers(ctx);
        totals.problems += papers.length;
        for (const paper of papers) {
          const category = String(paper.data.category);
          totals.problemsByCategory[category] = (totals.problemsByCategory[category] ?? 0) + 1;
          if (paper.data.isLead === true) totals.leads++;
        }
        for (const item of ctx.records.filter((r) => r.kind === 'rectification_item')) {
          const status = item.data.status as keyof typeof totals.rectificationItems;
          if (status in totals.rectificationItems) totals.rectificationItems[status]++;
        }
        if (inspection.overdue) totals.overdue++;
        const unmet = inspection.state === 'open' ? unmetCriteria(inspection.stage as StageId, ctx) : [];
        inspections.push({ ...inspection, recordCounts, unmet });
      }
      return { roundId: round.id, name: round.name, status: round.status, inspections, totals };
    },
  );
};
