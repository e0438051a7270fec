import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { commonErrors } from '../errors.js';
import { GroupService } from '../group.service.js';
import { groupChangeBody, inspectionView, uuidParam } from '../schemas.js';

export const groupRoutes: FastifyPluginAsyncZod = async (app) => {
  const groups = new GroupService(app.services);

  app.post(
    '/inspections/:id/group-changes',
    {
      schema: {
        summary: 'Change the group after launch (office), with a reason: replace or add a member, name or change the liaison, name a deputy group leader (副组长)',
        description:
          'Writes: office. Recorded as a `group_changed` step of the inspection’s history (readers of the inspection see it). Access follows at once: a replaced member reads nothing more.',
        tags: ['inspections'],
        params: z.object({ id: uuidParam }),
        body: groupChangeBody,
        response: { 200: inspectionView, ...commonErrors },
      },
    },
    async (request) => groups.change(request.actor, request.params.id, request.body),
  );
};
