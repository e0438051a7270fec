import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { commonErrors, errorResponse } from '../errors.js';
import { IMPORT_COLUMNS, MAX_IMPORT_ROWS } from '../organizations-import.js';
import {
  createOrganizationBody,
  deactivationBody,
  editOrganizationBody,
  importResult,
  organizationListQuery,
  organizationView,
  organizationWithHistory,
} from '../organizations.schemas.js';
import { OrganizationsService } from '../organizations.service.js';
import { uuidParam } from '../schemas.js';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const IMPORT_BODY_LIMIT = 10 * 1024 * 1024;

const READERS = 'Reads: office, leading group, party committee, auditor.';
const params = z.object({ id: uuidParam });

export const organizationRoutes: FastifyPluginAsyncZod = async (app) => {
  const organizations = new OrganizationsService(app.services.db);

  // Only this plugin takes spreadsheets as a body; everywhere else they stay a 415.
  app.addContentTypeParser(XLSX_TYPE, { parseAs: 'buffer', bodyLimit: IMPORT_BODY_LIMIT }, (_request, body, done) => done(null, body));

  app.get(
    '/organizations',
    {
      schema: {
        summary: 'The register of organisations to inspect (被巡察党组织), by name',
        description: `${READERS} Writes: office.`,
        tags: ['register'],
        querystring: organizationListQuery,
        response: { 200: z.object({ organizations: z.array(organizationView) }), ...commonErrors },
      },
    },
    async (request) => organizations.list(request.actor, request.query),
  );

  app.post(
    '/organizations',
    {
      schema: {
        summary: 'Register an organisation (office); its first version in the history',
        description: `Writes: office. ${READERS} The name is unique in the register (409 otherwise).`,
        tags: ['register'],
        body: createOrganizationBody,
        response: { 201: organizationView, ...commonErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await organizations.create(request.actor, request.body)),
  );

  app.get(
    '/organizations/import-template.xlsx',
    {
      schema: {
        summary: 'A blank spreadsheet with the header row the import reads',
        description: `${READERS}`,
        tags: ['register'],
        produces: [XLSX_TYPE],
        response: { 200: z.any().describe('the .xlsx file'), ...commonErrors },
      },
    },
    async (request, reply) => {
      const file = await organizations.template(request.actor);
      return reply.type(XLSX_TYPE).header('content-disposition', 'attachment; filename="organizations.xlsx"').send(file);
    },
  );

  app.post(
    '/organizations/imports',
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        summary: 'Import organisations from a spreadsheet (.xlsx, office): all rows or none',
        description: [
          `Writes: office. Send the file as the body with \`Content-Type: ${XLSX_TYPE}\`.`,
          `The first sheet's first row names the columns: ${IMPORT_COLUMNS.map((c) => `${c.header} (${c.key})`).join(', ')};`,
          '类型 and 级别 take the Chinese words or the ids; 上级党组织 names a registered organisation or another row.',
          `Every row is checked first: one 400 lists every bad row (\`details.issues[].row\` and \`field\`, e.g. \`rows.3.kind\`) and nothing is imported. At most ${MAX_IMPORT_ROWS} rows.`,
        ].join(' '),
        tags: ['register'],
        consumes: [XLSX_TYPE],
        response: { 201: importResult, ...commonErrors, 413: errorResponse, 415: errorResponse },
      },
    },
    async (request, reply) => {
      const file = Buffer.isBuffer(request.body) ? request.body : undefined;
      return reply.code(201).send(await organizations.import(request.actor, file));
    },
  );

  app.get(
    '/organizations/:id',
    {
      schema: {
        summary: 'One organisation with its whole history of versions (who changed what, when)',
        description: READERS,
        tags: ['register'],
        params,
        response: { 200: organizationWithHistory, ...commonErrors },
      },
    },
    async (request) => organizations.get(request.actor, request.params.id),
  );

  app.patch(
    '/organizations/:id',
    {
      schema: {
        summary: 'Change an organisation (office): the fields given, as its next version',
        description: `Writes: office. ${READERS} \`version\` must be the current one (409 otherwise); a deactivated organisation is not changed (409).`,
        tags: ['register'],
        params,
        body: editOrganizationBody,
        response: { 200: organizationView, ...commonErrors },
      },
    },
    async (request) => organizations.edit(request.actor, request.params.id, request.body),
  );

  app.post(
    '/organizations/:id/deactivation',
    {
      schema: {
        summary: 'Deactivate an organisation (office): no deletion; it keeps its history and the coverage it counted in',
        description: `Writes: office. ${READERS}`,
        tags: ['register'],
        params,
        body: deactivationBody,
        response: { 200: organizationView, ...commonErrors },
      },
    },
    async (request) => organizations.deactivate(request.actor, request.params.id, request.body),
  );
};
