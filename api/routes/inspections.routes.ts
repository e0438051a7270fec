import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { commonErrors } from '../errors.js';
import { DeclarationService } from '../declaration.service.js';
import { declarationView } from '../declaration.schemas.js';
import { InspectionsService } from '../inspections.service.js';
import { decisionBody, historyStep, inspectionView, submissionBody, transitionView, uuidParam } from '../schemas.js';
import { verification } from '../verification.schemas.js';
import { pagingQuery } from '../timeline.schemas.js';

const inspectionParams = z.object({ id: uuidParam });

export const inspectionRoutes: FastifyPluginAsyncZod = async (app) => {
  const inspections = new InspectionsService(app.services);
  const declarations = new DeclarationService(app.services.db);

  app.get(
    '/inspections/:id',
    {
      schema: {
        summary: 'One inspection: target, group, stage, state, due date and whose move it is',
        tags: ['inspections'],
        params: inspectionParams,
        response: { 200: inspectionView, ...commonErrors },
      },
    },
    async (request) => inspections.get(request.actor, request.params.id),
  );

  app.get(
    '/inspections/:id/declaration',
    {
      schema: {
        summary:
          "The caller's own recusal declaration page (回避申报): the target, the group and the caller's declarations. Read by anyone the group names, also while kept out; they declare with POST /inspections/:id/records (kind recusal_declaration)",
        tags: ['inspections'],
        params: inspectionParams,
        response: { 200: declarationView, ...commonErrors },
      },
    },
    async (request) => declarations.ofCaller(request.actor, request.params.id),
  );

  app.post(
    '/inspections/:id/submissions',
    {
      schema: {
        summary: "Submit the open stage for approval (the group's leader); its records freeze",
        tags: ['inspections'],
        params: inspectionParams,
        body: submissionBody,
        response: { 200: transitionView, ...commonErrors },
      },
    },
    async (request) => inspections.submit(request.actor, request.params.id, request.body),
  );

  app.post(
    '/inspections/:id/decisions',
    {
      schema: {
        summary: 'Approve or reject the submitted stage (the role due next in its chain)',
        tags: ['inspections'],
        params: inspectionParams,
        body: decisionBody,
        response: { 200: transitionView, ...commonErrors },
      },
    },
    async (request) => inspections.decide(request.actor, request.params.id, request.body),
  );

  app.get(
    '/inspections/:id/history',
    {
      schema: {
        summary:
          'The timeline: every step with time, actor, stage, kind and comment, hash-chained, a page at a time (`limit`, `cursor`). Read by the office, the leading group, auditors and the group',
        tags: ['history'],
        params: inspectionParams,
        querystring: pagingQuery,
        response: {
          200: z.object({
            inspectionId: z.uuid(),
            steps: z.array(historyStep),
            nextCursor: z.string().nullable().describe('pass as `cursor` for the next page; null on the last page'),
          }),
          ...commonErrors,
        },
      },
    },
    async (request) => inspections.history(request.actor, request.params.id, request.query),
  );

  app.get(
    '/inspections/:id/history/verify',
    {
      schema: {
        summary:
          "Whether the inspection's record can be trusted: recomputes the history's hash chain, each submission's digest of its records, the ledger over the plan, group, every record and report version and the remembered answers, checks the signed checkpoints, and compares every step with the workflow's Temporal history",
        description:
          'Read by the office, the leading group, auditors and the group (whoever reads the inspection); written by nobody: it only reads. `problems` lists every finding in words; `mismatches` names each disagreement between the database and Temporal.',
        tags: ['history'],
        params: inspectionParams,
        response: { 200: verification, ...commonErrors },
      },
    },
    async (request) => inspections.verify(request.actor, request.params.id),
  );

  app.get(
    '/inspections/:id/history/temporal',
    {
      schema: {
        summary:
          "Every run of the inspection workflow's raw Temporal event history (it continues as new when long), oldest first, each as the SDK's replayer and `npm run replay` read it",
        tags: ['history'],
        params: inspectionParams,
        response: {
          200: z.object({
            inspectionId: z.uuid(),
            workflowId: z.string(),
            runs: z
              .array(z.object({ runId: z.string(), history: z.record(z.string(), z.unknown()).describe('`{ events: [...] }` of this run') }))
              .describe('oldest first; the last is the current run'),
          }),
          ...commonErrors,
        },
      },
    },
    async (request) => inspections.temporalHistory(request.actor, request.params.id),
  );
};
