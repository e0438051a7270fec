/**
 * The report is frozen when the last approver of the reporting chain approves it: the
 * report as it stood then, its Word rendering and their SHA-256 are stored with the
 * approval, and from then on that is the report. Later records (rectification, lead
 * hand-overs) do not change what the leading group and the party committee heard.
 */
import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Database } from '../db/database.js';
import { canonicalJson } from '../db/event-hash.js';
import { findFrozenReport, insertFrozenReport, reportingApprovals } from '../db/frozen-reports.repository.js';
import type { InspectionSteps } from '../db/history.repository.js';
import { renderReportDocx } from './report-docx.js';
import { buildReport } from './report.js';
import { loadInspection } from './views.js';

const sha256 = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The hash a frozen report's JSON is known by: over its canonical form, `frozen` left out. */
export const reportDigest = (report: Record<string, unknown>) => sha256(canonicalJson(report));

/** The step that closes the reporting stage, when these steps contain it. */
export function finalReportingApproval(steps: InspectionSteps) {
  return steps.events.find((e) => e.kind === 'approved' && e.stage === 'reporting' && e.data.final === true);
}

/**
 * Runs in the transaction that writes the final approval, after its steps, so the
 * approval and the frozen report commit together or not at all. Idempotent: a retry
 * after the commit finds the frozen report and leaves it as it is.
 */
export async function freezeReportOnFinalApproval(tx: Transaction<Database>, steps: InspectionSteps): Promise<void> {
  const approval = finalReportingApproval(steps);
  if (!approval) return;
  if (await findFrozenReport(tx, steps.inspectionId)) return;
  const inspection = await loadInspection(tx, steps.inspectionId);
  // Dated by the approval, not the clock, so the frozen report says when it was approved.
  const built = { ...(await buildReport(tx, inspection)), generatedAt: approval.at };
  const docx = await renderReportDocx(built);
  // Stored as the JSON route serves it (no undefined fields), so the digest is over what is served.
  const report = JSON.parse(JSON.stringify(built)) as Record<string, unknown>;
  await insertFrozenReport(tx, {
    inspectionId: steps.inspectionId,
    approvedSeq: approval.seq,
    frozenAt: approval.at,
    report,
    reportSha256: reportDigest(report),
    docx,
    docxSha256: sha256(docx),
    approvals: await reportingApprovals(tx, steps.inspectionId, approval.seq),
  });
}
