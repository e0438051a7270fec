import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { commonErrors } from '../errors.js';
import { FocusAreasService } from '../focus-areas.service.js';

const name = z.string().trim().min(1).max(200);
const grouping = z
  .enum(['key_matters', 'key_problems', 'implementation', 'other'])
  .describe('重点事项 / 重点问题 / the four 落实 / other');

const focusAreaView = z.object({
  name,
  grouping: z.string(),
  active: z.boolean().describe('only active areas can be picked by a new round'),
  changedBy: z.object({ sub: z.string(), name: z.string() }).describe('who added it or, when inactive, deactivated it'),
  changedAt: z.iso.datetime(),
  reason: z.string().nullable().describe('why it was deactivated'),
});

export const focusAreaRoutes: FastifyPluginAsyncZod = async (app) => {
  const areas = new FocusAreasService(app.services.db);

  app.get(
    '/focus-areas',
    {
      schema: {
        summary: "The office's focus areas (重点), which a round's `focus` picks from. Readers: everyone signed in",
        tags: ['focus areas'],
        querystring: z.object({ active: z.enum(['true', 'false']).optional().transform((v) => (v === undefined ? undefined : v === 'true')) }),
        response: { 200: z.object({ focusAreas: z.array(focusAreaView) }), ...commonErrors },
      },
    },
    async (request) => areas.list(request.query),
  );

  app.post(
    '/focus-areas',
    {
      schema: {
        summary: 'Add a focus area, or make a deactivated one active again. Writer: the office. The list is append-only',
        tags: ['focus areas'],
        body: z.object({ name, grouping: grouping.optional() }),
        response: { 201: focusAreaView, ...commonErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await areas.add(request.actor, request.body)),
  );

  app.post(
    '/focus-areas/deactivations',
    {
      schema: {
        summary: 'Deactivate a focus area: new rounds can no longer pick it; rounds that did keep it. Writer: the office',
        tags: ['focus areas'],
        body: z.object({ name, reason: z.string().trim().min(1).max(2000) }),
        response: { 200: focusAreaView, ...commonErrors },
      },
    },
    async (request) => areas.deactivate(request.actor, request.body),
  );
};
