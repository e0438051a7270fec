import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LEAD_RECIPIENTS } from '../../workflows/stages.js';
import { commonErrors } from '../errors.js';
import { LeadsService } from '../leads.service.js';
import { recordDataSchemas } from '../record-schemas.js';
import { person } from '../schemas.js';

const named = z.object({ id: z.uuid(), name: z.string() });
const written = <T extends z.ZodType>(data: T) => z.object({ data, by: person, at: z.iso.datetime() });

const handedLead = z.object({
  id: z.uuid().describe('the lead (问题线索) record'),
  inspection: named.describe('the inspection it was found in, named by its group and target'),
  round: named,
  lead: recordDataSchemas.lead.describe('the lead as the group recorded it: the person named, the allegation, the proposed disposal'),
  handover: written(recordDataSchemas.lead_handover).describe("the office's hand-over (移交): recipient, date, letter"),
  disposal: written(recordDataSchemas.lead_disposal)
    .nullable()
    .describe("discipline inspection's disposal (处置): received on, outcome (初核 / 谈话函询 / 暂存 / 了结), reference; null until recorded"),
});

export const leadRoutes: FastifyPluginAsyncZod = async (app) => {
  const leads = new LeadsService(app.services.db);

  app.get(
    '/leads',
    {
      schema: {
        summary:
          'Leads handed over (移交), across inspections, with their disposal, newest hand-over first. Read by discipline inspection (纪检监察机关: only the leads handed to it), the office, the leading group and auditors (every hand-over). Written by nobody here: hand-overs and disposals are records (lead_handover by the office, lead_disposal by discipline).',
        tags: ['records'],
        querystring: z.object({
          recipient: z.enum(LEAD_RECIPIENTS).optional().describe('only leads handed to this kind of body; discipline inspection may ask for its own only'),
          disposed: z
            .enum(['true', 'false'])
            .transform((v) => v === 'true')
            .optional()
            .describe('only leads whose disposal is (true) or is not yet (false) recorded'),
          limit: z.coerce.number().int().min(1).max(100).default(20),
          offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
        }),
        response: {
          200: z.object({
            leads: z.array(handedLead),
            page: z.object({ total: z.number().int().describe('leads the filters match'), limit: z.number().int(), offset: z.number().int() }),
          }),
          ...commonErrors,
        },
      },
    },
    async (request) => leads.handedOver(request.actor, request.query),
  );
};
