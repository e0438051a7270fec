import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { findFrozenReport, type FrozenReportRow } from '../db/frozen-reports.repository.js';
import { appendReportSection } from '../db/report-sections.repository.js';
import type { Actor } from '../workflows/roles.js';
import type { WrittenReportSection } from '../workflows/stages.js';
import { requireAccess } from './access.js';
import { logConfidentialReads } from './access-log.js';
import { renderLeadsReportDocx } from './leads-report.js';
import { inOpenStage } from './open-stage.js';
import { renderReportDocx } from './report-docx.js';
import { buildReport, type Report } from './report.js';
import { loadInspection } from './views.js';

/** The inspection report: assembled for the inspecting side, its narrative written while reporting is open. */
export class ReportService {
  constructor(private readonly db: Kysely<Database>) {}

  async get(actor: Actor, inspectionId: string) {
    const inspection = await loadInspection(this.db, inspectionId);
    await requireAccess(this.db, actor, 'report.read', inspection);
    const frozen = await findFrozenReport(this.db, inspectionId);
    if (frozen) return { ...(frozen.report as unknown as Report), frozen: frozenView(frozen) };
    return { ...(await buildReport(this.db, inspection)), frozen: null };
  }

  /** The report as a Word document, with the file name a browser should save it under. */
  async docx(actor: Actor, inspectionId: string) {
    const inspection = await loadInspection(this.db, inspectionId);
    await requireAccess(this.db, actor, 'report.read', inspection);
    const fileName = `${inspection.row.target.name}巡察报告.docx`;
    const frozen = await findFrozenReport(this.db, inspectionId);
    if (frozen) return { file: frozen.docx, fileName, frozen: frozenView(frozen) };
    return { file: await renderReportDocx(await buildReport(this.db, inspection)), fileName, frozen: null };
  }

  /** The confidential lead report (秘密), for the office and the leading group only. */
  async leadsDocx(actor: Actor, inspectionId: string) {
    await requireAccess(this.db, actor, 'inspection.leads_report');
    const inspection = await loadInspection(this.db, inspectionId);
    await requireAccess(this.db, actor, 'inspection.not_kept_out', inspection);
    const rendered = await renderLeadsReportDocx(this.db, inspection);
    await logConfidentialReads(this.db, actor, 'GET /inspections/:id/leads-report.docx', [{ inspectionId, what: 'leads_report' }]);
    return rendered;
  }

  async writeSection(actor: Actor, inspectionId: string, section: WrittenReportSection, text: string) {
    const inspection = await loadInspection(this.db, inspectionId);
    await requireAccess(this.db, actor, 'report.write', inspection);
    const version = await inOpenStage(this.db, inspectionId, 'reporting', (tx) =>
      appendReportSection(tx, inspectionId, section, text, actor, new Date().toISOString()),
    );
    return { section, version, text };
  }
}

/** What the report route says about a frozen report: when, its hashes, who approved it. */
function frozenView(frozen: FrozenReportRow) {
  return { at: frozen.frozenAt, sha256: frozen.docxSha256, jsonSha256: frozen.reportSha256, approvals: frozen.approvals };
}
