import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError, ERROR_CODES, commonErrors, errorResponse } from '../errors.js';
import {
  answerBody,
  answerReceipt,
  issueCodesBody,
  issuedCodesView,
  questionnaireFormView,
  questionnaireSummaryView,
} from '../questionnaire.schemas.js';
import { QuestionnaireService, questionnaireRateKey } from '../questionnaire.service.js';
import { uuidParam } from '../schemas.js';

const inspectionParams = z.object({ id: uuidParam });
const codeParams = z.object({ code: z.string().max(100).describe('the one-time code, as printed (dashes and case do not matter)') });

/** The office's side: issuing codes, reading the answers, the evaluations for the home units. */
export const questionnaireRoutes: FastifyPluginAsyncZod = async (app) => {
  const questionnaire = new QuestionnaireService(app.services.db);

  app.post(
    '/inspections/:id/questionnaire-codes',
    {
      schema: {
        summary: 'The office issues one-time codes for the anonymous conduct questionnaire, while post_evaluation is open',
        description:
          'Written by the office. The codes are in this answer only: the database keeps their hashes, so a repeated requestId is a 409, not the codes again.',
        tags: ['questionnaire'],
        params: inspectionParams,
        body: issueCodesBody,
        response: { 201: issuedCodesView, ...commonErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await questionnaire.issueCodes(request.actor, request.params.id, request.body)),
  );

  app.get(
    '/inspections/:id/questionnaire',
    {
      schema: {
        summary: "The questionnaire's answers: counts, each item's average, every anonymous response",
        description: 'Read by the office, the leading group and auditors; never by anyone named in the group, never by the liaison.',
        tags: ['questionnaire'],
        params: inspectionParams,
        response: { 200: questionnaireSummaryView, ...commonErrors },
      },
    },
    async (request) => questionnaire.summary(request.actor, request.params.id),
  );

  app.get(
    '/rounds/:id/inspector-evaluations.xlsx',
    {
      schema: {
        summary: "Each inspector's evaluation (巡察干部现实表现), one sheet per home unit",
        description: 'Read by the office only; people without a home unit are on the sheet 未注明, people not yet evaluated show 未评价.',
        tags: ['questionnaire'],
        params: z.object({ id: uuidParam }),
        produces: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
        response: { 200: z.any().describe('the .xlsx file'), ...commonErrors },
      },
    },
    async (request, reply) => {
      const { file, fileName } = await questionnaire.evaluationsXlsx(request.actor, request.params.id);
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="inspector-evaluations.xlsx"; filename*=UTF-8''${encodeURIComponent(fileName)}`)
        .send(file);
    },
  );
};

/** Requests one address may make per minute to one inspection's questionnaire, or with codes that name none. */
const PER_MINUTE = 20;

/**
 * The answering side: no token, the code is the only credential. Rate-limited here
 * and nowhere else; a guessed code is counted with every other unknown code from the
 * same address, so guessing stays slow while the staff of one unit, behind one
 * address, can all answer.
 */
export const questionnaireAnswerRoutes: FastifyPluginAsyncZod = async (app) => {
  const questionnaire = new QuestionnaireService(app.services.db);
  // Global only within this plugin's scope: one allowance, shared by reading the form
  // and answering (per-route limits would each keep their own count).
  await app.register(rateLimit, {
    global: true,
    max: PER_MINUTE,
    timeWindow: 60_000,
    keyGenerator: (request) =>
      questionnaireRateKey(app.services.db, request.ip, (request.params as { code?: string } | undefined)?.code),
    errorResponseBuilder: (_request, context) =>
      new ApiError(429, ERROR_CODES[429], { key: 'questionnaire_rate_limited', params: { after: context.after } }),
  });
  const errors = { 404: errorResponse, 409: errorResponse, 410: errorResponse, 429: errorResponse, 503: errorResponse };

  app.get(
    '/questionnaire/:code',
    {
      schema: {
        summary: 'The conduct questionnaire a one-time code opens: the target, the group, the items to score',
        description: 'No token: the code is the only credential. 404 unknown code, 410 code already answered, 429 with Retry-After when rate-limited.',
        tags: ['questionnaire'],
        security: [],
        params: codeParams,
        response: { 200: questionnaireFormView, ...errors },
      },
    },
    async (request) => questionnaire.form(request.params.code),
  );

  app.post(
    '/questionnaire/:code',
    {
      schema: {
        summary: 'Answer the conduct questionnaire, once per code',
        description:
          'Written by anyone holding a code (the target hands them out). Stored without the code, the caller or their address, and with the day only.',
        tags: ['questionnaire'],
        security: [],
        params: codeParams,
        body: answerBody,
        response: { 201: answerReceipt, 400: errorResponse, ...errors },
      },
    },
    async (request, reply) => reply.code(201).send(await questionnaire.answer(request.params.code, request.body)),
  );
};
