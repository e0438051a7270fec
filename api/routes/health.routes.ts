import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { checkDatabase } from '../../db/migrate.js';

const healthView = z.object({
  status: z.enum(['ok', 'error']),
  temporal: z.enum(['ok', 'error']),
  database: z.enum(['ok', 'error']),
  worker: z
    .enum(['ok', 'none', 'unknown'])
    .describe('whether a worker polls the task queue: with none, requests that need a workflow wait until they time out'),
});

const CHECK_TIMEOUT_MS = 3000;
/** temporal.api.enums.v1.TaskQueueType: the workflow pollers, which every request needs. */
const TASK_QUEUE_TYPE_WORKFLOW = 1;
/**
 * Workers long-poll for about a minute and Temporal keeps a poller listed for minutes
 * after it stops; one seen within this window is taken as alive.
 */
const POLLER_FRESH_MS = 90_000;

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/health',
    {
      schema: {
        summary: 'Whether the API reaches Temporal and the database',
        tags: ['system'],
        response: { 200: healthView, 503: healthView },
      },
    },
    async (request, reply) => {
      const { db, temporal, taskQueue } = app.services;
      const [pollers, databaseOk] = await Promise.all([
        temporal
          .withDeadline(Date.now() + CHECK_TIMEOUT_MS, () =>
            temporal.workflowService.describeTaskQueue({
              namespace: temporal.options.namespace,
              taskQueue: { name: taskQueue },
              taskQueueType: TASK_QUEUE_TYPE_WORKFLOW,
            }),
          )
          .then(
            (answer) => answer.pollers ?? [],
            () => undefined,
          ),
        probe(() => withTimeout(checkDatabase(db), CHECK_TIMEOUT_MS)),
      ]);
      const temporalOk = pollers !== undefined;
      const worker = !pollers ? ('unknown' as const) : pollers.some((p) => isFresh(p.lastAccessTime)) ? ('ok' as const) : ('none' as const);
      const body = {
        status: temporalOk && databaseOk && worker === 'ok' ? ('ok' as const) : ('error' as const),
        temporal: temporalOk ? ('ok' as const) : ('error' as const),
        database: databaseOk ? ('ok' as const) : ('error' as const),
        worker,
      };
      if (body.status === 'error') request.log.warn(body, 'health check failed');
      return reply.code(body.status === 'ok' ? 200 : 503).send(body);
    },
  );
};

function isFresh(lastAccess: { seconds?: unknown } | null | undefined): boolean {
  if (!lastAccess?.seconds) return false;
  return Date.now() - Number(lastAccess.seconds) * 1000 < POLLER_FRESH_MS;
}

async function probe(check: () => Promise<unknown>): Promise<boolean> {
  try {
    await check();
    return true;
  } catch {
    return false;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
