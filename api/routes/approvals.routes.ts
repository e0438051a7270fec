import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApprovalsService } from '../approvals.service.js';
import { commonErrors } from '../errors.js';
import { listPagingQuery, nextCursor } from '../list-paging.schemas.js';
import { languageOf } from '../messages.js';
import { inspectionView, stageId } from '../schemas.js';

export const approvalRoutes: FastifyPluginAsyncZod = async (app) => {
  const approvals = new ApprovalsService(app.services.db);

  app.get(
    '/approvals',
    {
      schema: {
        summary: "Submissions whose approval chain waits on one of the caller's roles, a page at a time (`limit`, `cursor`)",
        description:
          'Read by anyone; each sees only the submissions waiting on an approver role they hold (leading group, party committee, office), never one of a group they belong to nor their own. Written by nobody here: `POST /inspections/:id/decisions` decides one.',
        tags: ['approvals'],
        querystring: listPagingQuery.extend({ status: z.enum(['pending']).default('pending') }),
        response: {
          200: z.object({
            approvals: z.array(inspectionView.extend({ roundName: z.string() })).describe('oldest stage first (when the stage opened), then by inspection id'),
            nextCursor,
          }),
          ...commonErrors,
        },
      },
    },
    async (request) => approvals.pending(request.actor, request.query),
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
