import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RECORD_KIND_IDS, type RecordKind } from '../../workflows/stages.js';
import { commonErrors } from '../errors.js';
import { listPagingQuery, nextCursor } from '../list-paging.schemas.js';
import { stageId, waitingOn } from '../schemas.js';
import { TASK_KINDS, TasksService } from '../tasks.service.js';

const named = z.object({ id: z.uuid(), name: z.string() });

const taskView = z.object({
  kind: z
    .enum(TASK_KINDS)
    .describe(
      'stage_decision: a submitted stage waits on your role (also listed by /approvals); record_decision: a request or declaration waits on your decision (decidedBy); record_review: a record waits on your review (reviewedBy); stage_submission: an open stage you own meets every exit criterion and waits on your submission; record_owed: a record waits for one you write about it (`owed` in the stage model): the office’s hand-over (移交) of a confirmed lead, discipline inspection’s disposal of a lead handed to it, the office’s verification (验收) of a rectification item, new or with progress since it was returned',
    ),
  title: z.string().describe('what it is, in words'),
  inspection: named.describe('the inspection, named by its group and target'),
  round: named,
  stage: stageId,
  record: z
    .object({ id: z.uuid(), kind: z.enum(RECORD_KIND_IDS as [RecordKind, ...RecordKind[]]), title: z.string() })
    .nullable()
    .describe('the record to decide or review, or the one a record is owed for; null for stage tasks'),
  since: z.iso.datetime().describe('since when it waits on you: the submission or last approval, the record’s last change, the stage’s opening'),
  dueAt: z.iso.datetime().describe("the stage's due date: a record can be decided only while its stage is open"),
  overdue: z.boolean(),
  waitingOn,
  action: z
    .object({ method: z.enum(['POST', 'PATCH']), href: z.string() })
    .describe(
      'where to act on it: decisions and submissions take a requestId; an owed record is written (POST) or, when one was written and must be again, edited (PATCH with its version); see the route in this document',
    ),
  writes: z
    .object({ kind: z.enum(RECORD_KIND_IDS as [RecordKind, ...RecordKind[]]), field: z.string() })
    .nullable()
    .describe('for record_owed: the kind of record to write and the data field that names `record.id`; null otherwise'),
});

export const taskRoutes: FastifyPluginAsyncZod = async (app) => {
  const tasks = new TasksService(app.services.db);

  app.get(
    '/tasks',
    {
      schema: {
        summary:
          'My to-do list (待办): everything waiting on the caller, of every kind, oldest first, a page at a time (`limit`, `cursor`), with counts per kind of the whole list for a badge. Read by anyone; each sees only their own share. Written by nobody: tasks come from the stages and records.',
        tags: ['approvals'],
        querystring: listPagingQuery,
        response: {
          200: z.object({
            tasks: z.array(taskView).describe('oldest first (`since`), then by inspection, kind and record'),
            counts: z
              .object({ total: z.number().int(), byKind: z.object(Object.fromEntries(TASK_KINDS.map((k) => [k, z.number().int()]))) })
              .describe('of every task waiting on the caller, not only this page'),
            nextCursor,
          }),
          ...commonErrors,
        },
      },
    },
    async (request) => tasks.list(request.actor, request.query),
  );
};
