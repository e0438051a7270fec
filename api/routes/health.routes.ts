import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { checkDatabase } from '../../db/migrate.js';

const healthView = z.object({
  status: z.enum(['ok', 'error']),
  temporal: z.enum(['ok', 'error']),
  database: z.enum(['ok', 'error']),
});

const CHECK_TIMEOUT_MS = 3000;

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
      const { db, temporal } = app.services;
      const [temporalOk, databaseOk] = await Promise.all([
        probe(() =>
          temporal.withDeadline(Date.now() + CHECK_TIMEOUT_MS, () =>
            temporal.workflowService.getSystemInfo({}),
          ),
        ),
        probe(() => withTimeout(checkDatabase(db), CHECK_TIMEOUT_MS)),
      ]);
      const body = {
        status: temporalOk && databaseOk ? ('ok' as const) : ('error' as const),
        temporal: temporalOk ? ('ok' as const) : ('error' as const),
        database: databaseOk ? ('ok' as const) : ('error' as const),
      };
      if (body.status === 'error') request.log.warn(body, 'health check failed');
      return reply.code(body.status === 'ok' ? 200 : 503).send(body);
    },
  );
};

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
