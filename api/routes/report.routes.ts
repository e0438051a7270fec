import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { appendReportSection } from '../../db/report-sections.repository.js';
import { WRITTEN_REPORT_SECTIONS } from '../../workflows/stages.js';
import { commonErrors, forbidden } from '../errors.js';
import { buildReport } from '../report.js';
import { renderReportDocx } from '../report-docx.js';
import { inOpenStage, isGroupPerson, requireRecordReader } from '../records.service.js';
import { idempotencyHeaders, sendIdempotent } from '../idempotency.js';
import { uuidParam } from '../schemas.js';
import { loadInspection } from '../views.js';

const inspectionParams = z.object({ id: uuidParam });
const writtenSection = z.object({ text: z.string(), version: z.number(), updatedBy: z.string(), updatedAt: z.iso.datetime() }).nullable();

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
          basis: z.array(z.object({ source: z.string(), article: z.string() })),
          persons: z.array(z.string()),
          evidenceCount: z.number(),
        }),
      ),
    }),
  ),
  leads: z.array(
    z.object({
      problemId: z.uuid(),
      title: z.string(),
      persons: z.array(z.string()),
      handedTo: z.string().nullable(),
      handedOn: z.string().nullable(),
    }),
  ),
  generatedAt: z.iso.datetime(),
});

export const reportRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.services;

  app.get(
    '/inspections/:id/report',
    {
      schema: {
        summary: 'The inspection report, assembled from the confirmed problem papers to the office template',
        tags: ['report'],
        params: inspectionParams,
        response: { 200: reportView, ...commonErrors },
      },
    },
    async (request) => {
      const inspection = await loadInspection(db, request.params.id);
      await requireRecordReader(db, inspection, request.actor);
      return buildReport(db, inspection);
    },
  );

  app.get(
    '/inspections/:id/report.docx',
    {
      schema: {
        summary: 'The report as a Word document (opens in Word and WPS)',
        tags: ['report'],
        params: inspectionParams,
        produces: ['application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
        response: { 200: z.any().describe('the .docx file'), ...commonErrors },
      },
    },
    async (request, reply) => {
      const inspection = await loadInspection(db, request.params.id);
      await requireRecordReader(db, inspection, request.actor);
      const file = await renderReportDocx(await buildReport(db, inspection));
      const name = encodeURIComponent(`${inspection.row.target.name}巡察报告.docx`);
      return reply
        .type('application/vnd.openxmlformats-officedocument.wordprocessingml.document')
        .header('content-disposition', `attachment; filename="report.docx"; filename*=UTF-8''${name}`)
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
    async (request, reply) => {
      const inspection = await loadInspection(db, request.params.id);
      const { actor } = request;
      if (!isGroupPerson(inspection, actor)) {
        throw forbidden('the report is written by the inspection’s group');
      }
      await requireRecordReader(db, inspection, actor);
      const { section } = request.params;
      return sendIdempotent(request, reply, 200, async (tx) => {
        const version = await inOpenStage(tx, inspection.row.id, 'reporting', (locked) =>
          appendReportSection(locked, inspection.row.id, section, request.body.text, actor, new Date().toISOString()),
        );
        return { section, version, text: request.body.text };
      });
    },
  );
};
