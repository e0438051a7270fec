import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listAwaiting, listMembers, listNotifications } from '../../db/inspections.repository.js';
import { findRound } from '../../db/rounds.repository.js';
import { seesAllRounds } from '../../workflows/roles.js';
import { commonErrors } from '../errors.js';
import { inspectionView, stageId } from '../schemas.js';
import { toInspectionView } from '../views.js';

export const approvalRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.services;

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
    async (request) => {
      const rows = await listAwaiting(db, request.actor.roles, request.actor.sub);
      const members = await listMembers(
        db,
        rows.map((r) => r.id),
      );
      const rounds = new Map<string, NonNullable<Awaited<ReturnType<typeof findRound>>>>();
      const approvals = [];
      for (const row of rows) {
        let round = rounds.get(row.round_id);
        if (!round) {
          round = await findRound(db, row.round_id);
          if (!round) continue;
          rounds.set(row.round_id, round);
        }
        approvals.push({ ...toInspectionView(row, round, members), roundName: row.round_name });
      }
      return { approvals };
    },
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
                message: z.string(),
                createdAt: z.iso.datetime(),
              }),
            ),
          }),
          ...commonErrors,
        },
      },
    },
    async (request) => {
      const { actor } = request;
      const mine = seesAllRounds(actor)
        ? undefined
        : (await db.selectFrom('inspection_members').select('inspection_id').where('sub', '=', actor.sub).execute()).map(
            (r) => r.inspection_id,
          );
      const rows = await listNotifications(db, { roles: actor.roles, inspectionIds: mine });
      return {
        notifications: rows.map((n) => ({
          id: n.id,
          roundId: n.round_id,
          inspectionId: n.inspection_id,
          kind: n.kind as 'overdue' | 'escalation',
          recipientRole: n.recipient_role,
          stage: n.stage as z.infer<typeof stageId>,
          message: n.message,
          createdAt: new Date(n.created_at).toISOString(),
        })),
      };
    },
  );
};
