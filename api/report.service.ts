import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { appendReportSection } from '../db/report-sections.repository.js';
import type { Actor } from '../workflows/roles.js';
import type { WrittenReportSection } from '../workflows/stages.js';
import { requireAccess } from './access.js';
import { renderLeadsReportDocx } from './leads-report.js';
import { inOpenStage } from './open-stage.js';
import { renderReportDocx } from './report-docx.js';
import { buildReport } from './report.js';
import { loadInspection } from './views.js';

/** The inspection report: assembled for the inspecting side, its narrative written while reporting is open. */
export class ReportService {
  constructor(private readonly db: Kysely<Database>) {}

  async get(actor: Actor, inspectionId: string) {
    const inspection = await loadInspection(this.db, inspectionId);
    await requireAccess(this.db, actor, 'report.read', inspection);
    return buildReport(this.db, inspection);
  }

  /** The report as a Word document, with the file name a browser should save it under. */
  async docx(actor: Actor, inspectionId: string) {
    const inspection = await loadInspection(this.db, inspectionId);
    await requireAccess(this.db, actor, 'report.read', inspection);
    const file = await renderReportDocx(await buildReport(this.db, inspection));
    return { file, fileName: `${inspection.row.target.name}巡察报告.docx` };
  }

  /** The confidential lead report (秘密), for the office and the leading group only. */
  async leadsDocx(actor: Actor, inspectionId: string) {
    await requireAccess(this.db, actor, 'inspection.leads_report');
    return renderLeadsReportDocx(this.db, await loadInspection(this.db, inspectionId));
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
