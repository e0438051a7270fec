import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { commonErrors } from '../errors.js';
import { listPagingQuery, nextCursor } from '../list-paging.schemas.js';
import { RoundsService } from '../rounds.service.js';
import { cancelBody, editRoundBody, launchRoundBody, patchRoundBody, roundDecisionBody, roundStatus, roundSummary, roundView, uuidParam } from '../schemas.js';
import { groupRoutes } from './group.routes.js';

const roundParams = z.object({ roundId: uuidParam });

export const roundRoutes: FastifyPluginAsyncZod = async (app) => {
  const rounds = new RoundsService(app.services);
  await app.register(groupRoutes);

  // A merge patch is JSON; the app may already parse it (record PATCH), so add it only here and only once.
  if (!app.hasContentTypeParser('application/merge-patch+json')) {
    app.addContentTypeParser('application/merge-patch+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));
  }

  app.post(
    '/rounds',
    {
      schema: {
        summary: 'Propose a round (office): its plan, targets and groups are visible to round-wide readers; nothing starts until the leading group approves it',
        description: 'Writes: office. Reads: office, leading group, party committee, auditor. The round is `proposed`; `POST /rounds/:roundId/decisions` starts it.',
        tags: ['rounds'],
        body: launchRoundBody,
        response: { 201: roundView, ...commonErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await rounds.propose(request.actor, request.body)),
  );

  app.put(
    '/rounds/:roundId',
    {
      schema: {
        summary: 'Replace the plan of a proposed or returned round (office); it is proposed again as the next version',
        description: 'Writes: office. Same validation as the proposal; `version` must be the current one (409 otherwise). Nothing is editable once approved.',
        tags: ['rounds'],
        params: roundParams,
        body: editRoundBody,
        response: { 200: roundView, ...commonErrors },
      },
    },
    async (request) => rounds.edit(request.actor, request.params.roundId, request.body),
  );

  app.patch(
    '/rounds/:roundId',
    {
      schema: {
        summary: 'Change part of the plan of a proposed or returned round (office), as a JSON Merge Patch',
        description: 'Writes: office. `application/merge-patch+json` or JSON; send only what changes, with `version`. The merged plan is validated as a whole.',
        tags: ['rounds'],
        params: roundParams,
        body: patchRoundBody,
        response: { 200: roundView, ...commonErrors },
      },
    },
    async (request) => {
      const { version, ...patch } = request.body;
      return rounds.patch(request.actor, request.params.roundId, { ...patch, version });
    },
  );

  app.post(
    '/rounds/:roundId/decisions',
    {
      schema: {
        summary: 'The leading group approves a proposed round (it starts: its inspections begin) or rejects it (it returns to the office with the comment)',
        description:
          'Writes: leading group, naming the meeting (领导小组会议) that decided. Reads: the round’s `authorisation` steps. A repeated requestId answers as the first time.',
        tags: ['rounds'],
        params: roundParams,
        body: roundDecisionBody,
        response: { 200: roundView, ...commonErrors },
      },
    },
    async (request) => rounds.decide(request.actor, request.params.roundId, request.body),
  );

  app.get(
    '/rounds',
    {
      schema: {
        summary: 'Rounds the caller may see, newest first, a page at a time (`limit`, `cursor`)',
        description:
          'Read by everyone: the office, the leading group, the party committee and auditors see every round; a group member or the liaison only the rounds they are named in, counting only their own inspections. Written by nobody here: `POST /rounds` proposes one.',
        tags: ['rounds'],
        querystring: listPagingQuery.extend({ status: roundStatus.optional() }),
        response: {
          200: z.object({
            rounds: z.array(roundSummary).describe('newest launch first; rounds launched at the same moment by id'),
            nextCursor,
          }),
          ...commonErrors,
        },
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
        summary: 'Cancel a round (office, with a reason): an active round cancels every unfinished inspection with the reason; a proposed or returned one is withdrawn before anything starts',
        tags: ['rounds'],
        params: roundParams,
        body: cancelBody,
        response: { 200: roundView, ...commonErrors },
      },
    },
    async (request) => rounds.cancel(request.actor, request.params.roundId, request.body),
  );
};
