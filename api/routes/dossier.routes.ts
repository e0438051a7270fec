import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contentDisposition } from '../attachments-policy.js';
import { DossierService } from '../dossier.service.js';
import { dossierBuildBody, dossierStatus, dossierView } from '../dossier.schemas.js';
import { commonErrors } from '../errors.js';
import { uuidParam } from '../schemas.js';

const inspectionParams = z.object({ id: uuidParam });
const READERS = 'Read by the office, the leading group and auditors; never by anyone named in the group (it holds how the group was judged) nor the liaison.';

export const dossierRoutes: FastifyPluginAsyncZod = async (app) => {
  const dossiers = new DossierService(app.services);

  app.post(
    '/inspections/:id/dossier',
    {
      schema: {
        summary: 'Build and seal the dossier (立卷归档): the archiving stage cannot be submitted without it',
        description: `Written by the office, once, while the archiving stage is open (409 before rectification is approved, and for a new requestId once sealed). ${READERS}`,
        tags: ['dossier'],
        params: inspectionParams,
        body: dossierBuildBody,
        response: { 201: dossierView, 200: dossierView.describe('the same requestId again: the dossier it sealed'), ...commonErrors },
      },
    },
    async (request, reply) => {
      const { created, dossier } = await dossiers.build(request.actor, request.params.id, request.body.requestId);
      return reply.code(created ? 201 : 200).send(dossier);
    },
  );

  app.get(
    '/inspections/:id/dossier',
    {
      schema: {
        summary: 'Whether the dossier is sealed, and its digests',
        description: `${READERS} Written by nobody: POST builds it.`,
        tags: ['dossier'],
        params: inspectionParams,
        response: { 200: dossierStatus, ...commonErrors },
      },
    },
    async (request) => dossiers.get(request.actor, request.params.id),
  );

  app.get(
    '/inspections/:id/dossier.zip',
    {
      schema: {
        summary: 'Download the sealed dossier, byte for byte as sealed; each download is logged as a confidential read',
        description: `${READERS} 404 until it is built. Check it offline with \`npm run verify-dossier -- <file.zip>\`.`,
        tags: ['dossier'],
        params: inspectionParams,
        produces: ['application/zip'],
        response: { 200: z.any().describe('the .zip file'), ...commonErrors },
      },
    },
    async (request, reply) => {
      const { content, size, fileName, sha256 } = await dossiers.download(request.actor, request.params.id);
      return reply
        .type('application/zip')
        .header('content-length', String(size))
        .header('content-disposition', contentDisposition(fileName))
        .header('etag', `"${sha256}"`)
        .send(Readable.from(content, { objectMode: false }));
    },
  );
};
