import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { WRITTEN_REPORT_SECTIONS } from '../../workflows/stages.js';
import { commonErrors } from '../errors.js';
import { idempotencyHeaders, sendIdempotent } from '../idempotency.js';
import { ReportService } from '../report.service.js';
import { person, uuidParam } from '../schemas.js';

const inspectionParams = z.object({ id: uuidParam });
const writtenSection = z.object({ text: z.string(), version: z.number(), updatedBy: person, updatedAt: z.iso.datetime() }).nullable();

const reportView = z.object({
  inspectionId: z.uuid(),
  title: z.string(),
  round: z.object({ id: z.uuid(), name: z.string() }),
  target: z.object({
    name: z.string(),
    principalLeader: z.string(),
    extensions: z.array(z.object({ name: z.string(), principalLeader: z.string() })),
  }),
  group: z.object({ name: z.string(), leader: z.string(), members: z.array(z.string()) }),
  sections: z.object({ basic_situation: writtenSection, recommendations: writtenSection }),
  statistics: z
    .object({
      talks: z.number(),
      documentReviews: z.number(),
      documentsReviewed: z.number(),
      petitions: z.number(),
      fieldVisits: z.number(),
      problems: z.number(),
    })
    .describe('the work statistics of 基本情况, counted from the records'),
  classification: z.string().nullable().optional().describe('密级, printed top-left when set'),
  mainProblems: z.array(
    z.object({
      category: z.string(),
      problems: z.array(
        z.object({
          number: z.number(),
          id: z.uuid(),
          title: z.string(),
          facts: z.string(),
          characterization: z.string(),
          basis: z.array(z.object({ source: z.string(), article: z.string(), effectiveOn: z.string().optional() })),
          persons: z.array(z.string()),
          evidenceCount: z.number(),
        }),
      ),
    }),
  ),
  generatedAt: z.iso.datetime().describe('when the report was assembled; for a frozen report, when it was approved'),
  frozen: z
    .object({
      at: z.iso.datetime().describe('the final approval of the reporting stage'),
      sha256: z.string().describe('SHA-256 (hex) of the .docx bytes `…/report.docx` serves'),
      jsonSha256: z.string().describe('SHA-256 (hex) of this report as canonical JSON (keys sorted), without `frozen`'),
      approvals: z
        .array(
          z.object({
            seq: z.number().describe('the step in the history'),
            role: z.string(),
            by: z.object({ sub: z.string(), name: z.string() }),
            at: z.iso.datetime(),
            meeting: z.record(z.string(), z.unknown()).nullable(),
          }),
        )
        .describe('the reporting chain that approved it, in order'),
    })
    .nullable()
    .describe(
      'null until the last approver of the reporting chain approves; from then on this route and `.docx` serve the report as approved, and later records do not change it',
    ),
});

export const reportRoutes: FastifyPluginAsyncZod = async (app) => {
  const report = new ReportService(app.services.db);

  app.get(
    '/inspections/:id/report',
    {
      schema: {
        summary:
          'The inspection report, assembled from the confirmed problem papers to the office template; frozen when the reporting stage is approved. Readers: office, leading group, party committee, auditor, the group',
        tags: ['report'],
        params: inspectionParams,
        response: { 200: reportView, ...commonErrors },
      },
    },
    async (request) => report.get(request.actor, request.params.id),
  );

  app.get(
    '/inspections/:id/report.docx',
    {
      schema: {
        summary: 'The report as a Word document (opens in Word and WPS); once approved, the frozen bytes, with their SHA-256 as ETag',
        tags: ['report'],
        params: inspectionParams,
        produces: ['application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
        response: { 200: z.any().describe('the .docx file'), ...commonErrors },
      },
    },
    async (request, reply) => {
      const { file, fileName, frozen } = await report.docx(request.actor, request.params.id);
      const name = encodeURIComponent(fileName);
      // The approved document is known by its hash; a draft changes with every record.
      if (frozen) void reply.header('etag', `"${frozen.sha256}"`);
      return reply
        .type('application/vnd.openxmlformats-officedocument.wordprocessingml.document')
        .header('content-disposition', `attachment; filename="report.docx"; filename*=UTF-8''${name}`)
        .send(file);
    },
  );

  app.get(
    '/inspections/:id/leads-report.docx',
    {
      schema: {
        summary: 'The confidential lead report (问题线索专题报告, marked 秘密) as a Word document',
        description:
          'Every confirmed lead: the person named, the allegation, its sources, the proposed disposal, the hand-over and the disposal. Read by the office and the leading group only; leads never appear in the main report.',
        tags: ['report'],
        params: inspectionParams,
        produces: ['application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
        response: { 200: z.any().describe('the .docx file'), ...commonErrors },
      },
    },
    async (request, reply) => {
      const { file, fileName } = await report.leadsDocx(request.actor, request.params.id);
      return reply
        .type('application/vnd.openxmlformats-officedocument.wordprocessingml.document')
        .header('content-disposition', `attachment; filename="leads-report.docx"; filename*=UTF-8''${encodeURIComponent(fileName)}`)
        .send(file);
    },
  );

  app.put(
    '/inspections/:id/report/sections/:section',
    {
      schema: {
        summary: "Write a narrative section of the report, while reporting is open; each write is a new version",
        tags: ['report'],
        params: z.object({ id: uuidParam, section: z.enum(WRITTEN_REPORT_SECTIONS) }),
        headers: idempotencyHeaders,
        body: z.object({ text: z.string().trim().min(1).max(100_000) }),
        response: { 200: z.object({ section: z.enum(WRITTEN_REPORT_SECTIONS), version: z.number(), text: z.string() }), ...commonErrors },
      },
    },
    async (request, reply) =>
      // An idempotent write runs on the transaction that also stores the answer.
      sendIdempotent(request, reply, 200, (db) =>
        new ReportService(db).writeSection(request.actor, request.params.id, request.params.section, request.body.text),
      ),
  );
};
