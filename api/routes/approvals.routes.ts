import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApprovalsService } from '../approvals.service.js';
import { commonErrors } from '../errors.js';
import { languageOf } from '../messages.js';
import { inspectionView, stageId } from '../schemas.js';

export const approvalRoutes: FastifyPluginAsyncZod = async (app) => {
  const approvals = new ApprovalsService(app.services.db);

  app.get(
    '/approvals',
    {
      schema: {
        summary: "Submissions whose approval chain waits on one of the caller's roles",
        tags: ['approvals'],
        querystring: z.object({ status: z.enum(['pending']).default('pending') }),
        response: {
          200: z.object({ approvals: z.array(inspectionView.extend({ roundName: z.string() })) }),
          ...commonErrors,
        },
      },
    },
    async (request) => approvals.pending(request.actor),
  );

  app.get(
    '/notifications',
    {
      schema: {
        summary: 'Overdue stages and escalated submissions: for the office all, for a group its own',
        tags: ['approvals'],
        response: {
          200: z.object({
            notifications: z.array(
              z.object({
                id: z.uuid(),
                roundId: z.uuid(),
                inspectionId: z.uuid(),
                kind: z.enum(['overdue', 'escalation']),
                recipientRole: z.string(),
                stage: stageId,
                message: z.string().describe('the notice in the language of `Accept-Language` (Chinese unless English comes first)'),
                createdAt: z.iso.datetime(),
              }),
            ),
          }),
          ...commonErrors,
        },
      },
    },
    async (request) => approvals.notifications(request.actor, languageOf(request)),
  );
};
