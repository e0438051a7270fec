import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { commonErrors } from '../errors.js';
import { RoundsService } from '../rounds.service.js';
import { cancelBody, launchRoundBody, roundStatus, roundSummary, roundView, uuidParam } from '../schemas.js';

const roundParams = z.object({ roundId: uuidParam });

export const roundRoutes: FastifyPluginAsyncZod = async (app) => {
  const rounds = new RoundsService(app.services);

  app.post(
    '/rounds',
    {
      schema: {
        summary: 'Launch a round: one inspection per target, each starting at preparation',
        tags: ['rounds'],
        body: launchRoundBody,
        response: { 201: roundView, ...commonErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await rounds.launch(request.actor, request.body)),
  );

  app.get(
    '/rounds',
    {
      schema: {
        summary: 'Rounds the caller may see, newest first',
        tags: ['rounds'],
        querystring: z.object({ status: roundStatus.optional() }),
        response: { 200: z.object({ rounds: z.array(roundSummary) }), ...commonErrors },
      },
    },
    async (request) => rounds.list(request.actor, request.query),
  );

  app.get(
    '/rounds/:roundId',
    {
      schema: {
        summary: "A round with each inspection's stage, state, due date, overdue flag and whose move it is",
        tags: ['rounds'],
        params: roundParams,
        response: { 200: roundView, ...commonErrors },
      },
    },
    async (request) => rounds.get(request.actor, request.params.roundId),
  );

  app.post(
    '/rounds/:roundId/cancel',
    {
      schema: {
        summary: 'Cancel a round: every unfinished inspection is cancelled with the reason',
        tags: ['rounds'],
        params: roundParams,
        body: cancelBody,
        response: { 200: roundView, ...commonErrors },
      },
    },
    async (request) => rounds.cancel(request.actor, request.params.roundId, request.body),
  );
};
