import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { coverageView } from '../coverage.schemas.js';
import { CoverageService } from '../coverage.service.js';
import { commonErrors } from '../errors.js';
import { uuidParam } from '../schemas.js';
import { editTermBody, proposeTermBody, termDecisionBody, termSummary, termView } from '../terms.schemas.js';
import { TermsService } from '../terms.service.js';

const READERS = 'Reads: office, leading group, party committee, auditor.';
const params = z.object({ id: uuidParam });

export const termRoutes: FastifyPluginAsyncZod = async (app) => {
  const terms = new TermsService(app.services.db);
  const coverage = new CoverageService(app.services.db, terms);

  app.post(
    '/terms',
    {
      schema: {
        summary: 'Propose a term plan (巡察规划, office): the term, its scope in the register, organisations assigned to years or rounds',
        description: `Writes: office. ${READERS} The plan is \`proposed\` until the leading group approves it (\`POST /terms/:id/decisions\`). Every assigned organisation must be in the scope (400 naming \`body.assignments.N.organizationId\`).`,
        tags: ['terms'],
        body: proposeTermBody,
        response: { 201: termView, ...commonErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await terms.propose(request.actor, request.body)),
  );

  app.get(
    '/terms',
    {
      schema: { summary: 'Term plans, newest term first', description: READERS, tags: ['terms'], response: { 200: z.object({ terms: z.array(termSummary) }), ...commonErrors } },
    },
    async (request) => terms.list(request.actor),
  );

  app.get(
    '/terms/:id',
    {
      schema: { summary: 'A term plan with its assignments and every step of its approval', description: READERS, tags: ['terms'], params, response: { 200: termView, ...commonErrors } },
    },
    async (request) => terms.get(request.actor, request.params.id),
  );

  app.put(
    '/terms/:id',
    {
      schema: {
        summary: 'Replace the plan of a proposed or returned term (office); it is proposed again as the next version',
        description: `Writes: office. ${READERS} \`version\` must be the current one (409 otherwise); an approved plan is not edited (409).`,
        tags: ['terms'],
        params,
        body: editTermBody,
        response: { 200: termView, ...commonErrors },
      },
    },
    async (request) => terms.edit(request.actor, request.params.id, request.body),
  );

  app.post(
    '/terms/:id/decisions',
    {
      schema: {
        summary: 'The leading group approves a proposed term plan at a meeting, or returns it with a comment',
        description: `Writes: leading group. ${READERS} Repeating a requestId returns the term and changes nothing.`,
        tags: ['terms'],
        params,
        body: termDecisionBody,
        response: { 200: termView, ...commonErrors },
      },
    },
    async (request) => terms.decide(request.actor, request.params.id, request.body),
  );

  app.get(
    '/terms/:id/coverage',
    {
      schema: {
        summary: 'Coverage (全覆盖) of a term: every organisation in scope with the rounds that inspected it, the ones not yet covered, 回头看 marked',
        description: `${READERS} Counts rounds planned to start within the term; an organisation counts when a round names its id as a target or an extension.`,
        tags: ['terms'],
        params,
        response: { 200: coverageView, ...commonErrors },
      },
    },
    async (request) => coverage.ofTerm(request.actor, request.params.id),
  );
};
