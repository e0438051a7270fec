import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { commonErrors } from '../errors.js';
import { statisticsQuery, statisticsView } from '../statistics.schemas.js';
import { StatisticsService } from '../statistics.service.js';
import { XLSX_TYPE } from './organizations.routes.js';

const READERS = 'Reads: office, leading group, party committee, auditor.';
const PERIOD = 'Rounds count when planned to start within `from`–`to`.';

export const statisticsRoutes: FastifyPluginAsyncZod = async (app) => {
  const statistics = new StatisticsService(app.services.db);

  app.get(
    '/statistics',
    {
      schema: {
        summary: 'What the rounds found and fixed: problems by focus area and year, leads by recipient and disposal (counts only), rectification items by state and on-time rate, per round and per organisation',
        description: `${READERS} ${PERIOD}`,
        tags: ['statistics'],
        querystring: statisticsQuery,
        response: { 200: statisticsView, ...commonErrors },
      },
    },
    async (request) => statistics.summary(request.actor, request.query),
  );

  const ledgers = [
    { path: '/statistics/problems.xlsx', name: '问题清单', file: 'problems.xlsx', readers: READERS, render: statistics.problemsXlsx.bind(statistics) },
    { path: '/statistics/rectification-items.xlsx', name: '整改台账', file: 'rectification-items.xlsx', readers: READERS, render: statistics.rectificationXlsx.bind(statistics) },
    {
      path: '/statistics/lead-handovers.xlsx',
      name: '线索移交台账',
      file: 'lead-handovers.xlsx',
      readers: 'Confidential: reads office, leading group, auditor (the readers of leads); the party committee gets 403.',
      render: statistics.leadsXlsx.bind(statistics),
    },
  ];
  for (const ledger of ledgers) {
    app.get(
      ledger.path,
      {
        schema: {
          summary: `${ledger.name} as a spreadsheet (.xlsx)`,
          description: `${ledger.readers} ${PERIOD}`,
          tags: ['statistics'],
          querystring: statisticsQuery,
          produces: [XLSX_TYPE],
          response: { 200: z.any().describe('the .xlsx file'), ...commonErrors },
        },
      },
      async (request, reply) => {
        const file = await ledger.render(request.actor, request.query);
        return reply
          .type(XLSX_TYPE)
          .header('content-disposition', `attachment; filename="${ledger.file}"; filename*=UTF-8''${encodeURIComponent(`${ledger.name}.xlsx`)}`)
          .send(file);
      },
    );
  }
};
