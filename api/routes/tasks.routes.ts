import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RECORD_KIND_IDS, type RecordKind } from '../../workflows/stages.js';
import { commonErrors } from '../errors.js';
import { stageId, waitingOn } from '../schemas.js';
import { TASK_KINDS, TasksService } from '../tasks.service.js';

const named = z.object({ id: z.uuid(), name: z.string() });

const taskView = z.object({
  kind: z
    .enum(TASK_KINDS)
    .describe(
      'stage_decision: a submitted stage waits on your role (also listed by /approvals); record_decision: a request or declaration waits on your decision (decidedBy); record_review: a record waits on your review (reviewedBy); stage_submission: an open stage you own meets every exit criterion and waits on your submission',
    ),
  title: z.string().describe('what it is, in words'),
  inspection: named.describe('the inspection, named by its group and target'),
  round: named,
  stage: stageId,
  record: z
    .object({ id: z.uuid(), kind: z.enum(RECORD_KIND_IDS as [RecordKind, ...RecordKind[]]), title: z.string() })
    .nullable()
    .describe('the record to decide or review; null for stage tasks'),
  since: z.iso.datetime().describe('since when it waits on you: the submission or last approval, the record’s last change, the stage’s opening'),
  dueAt: z.iso.datetime().describe("the stage's due date: a record can be decided only while its stage is open"),
  overdue: z.boolean(),
  waitingOn,
  action: z
    .object({ method: z.literal('POST'), href: z.string() })
    .describe('where to act on it: decisions and submissions take a requestId; see the route in this document'),
});

export const taskRoutes: FastifyPluginAsyncZod = async (app) => {
  const tasks = new TasksService(app.services.db);

  app.get(
    '/tasks',
    {
      schema: {
        summary:
          'My to-do list (待办): everything waiting on the caller, of every kind, oldest first, with counts per kind for a badge. Read by anyone; each sees only their own share. Written by nobody: tasks come from the stages and records.',
        tags: ['approvals'],
        response: {
          200: z.object({
            tasks: z.array(taskView),
            counts: z.object({ total: z.number().int(), byKind: z.object(Object.fromEntries(TASK_KINDS.map((k) => [k, z.number().int()]))) }),
          }),
          ...commonErrors,
        },
      },
    },
    async (request) => tasks.list(request.actor),
  );
};
