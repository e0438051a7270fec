import type { Kysely } from 'kysely';
import type { Database, FrozenApproval } from './database.js';

export interface FrozenReportRow {
  inspectionId: string;
  approvedSeq: number;
  frozenAt: string;
  report: Record<string, unknown>;
  reportSha256: string;
  docx: Buffer;
  docxSha256: string;
  approvals: FrozenApproval[];
}

export async function findFrozenReport(db: Kysely<Database>, inspectionId: string): Promise<FrozenReportRow | undefined> {
  const row = await db.selectFrom('frozen_reports').selectAll().where('inspection_id', '=', inspectionId).executeTakeFirst();
  if (!row) return undefined;
  return {
    inspectionId: row.inspection_id,
    approvedSeq: row.approved_seq,
    frozenAt: new Date(row.frozen_at).toISOString(),
    report: row.report,
    reportSha256: row.report_sha256,
    // pg answers a Buffer, PGlite a Uint8Array.
    docx: Buffer.from(row.docx),
    docxSha256: row.docx_sha256,
    approvals: row.approvals,
  };
}

/** Stores the frozen report once; a second attempt (a retried activity) keeps the first. */
export async function insertFrozenReport(db: Kysely<Database>, frozen: FrozenReportRow): Promise<void> {
  await db
    .insertInto('frozen_reports')
    .values({
      inspection_id: frozen.inspectionId,
      approved_seq: frozen.approvedSeq,
      frozen_at: frozen.frozenAt,
      report: JSON.stringify(frozen.report),
      report_sha256: frozen.reportSha256,
      docx: frozen.docx,
      docx_sha256: frozen.docxSha256,
      approvals: JSON.stringify(frozen.approvals),
    })
    .onConflict((oc) => oc.column('inspection_id').doNothing())
    .execute();
}

/** The approvals of the reporting stage's last submission, in chain order. */
export async function reportingApprovals(db: Kysely<Database>, inspectionId: string, throughSeq: number): Promise<FrozenApproval[]> {
  const events = await db
    .selectFrom('inspection_events')
    .select(['seq', 'kind', 'actor_sub', 'actor_name', 'at', 'data'])
    .where('inspection_id', '=', inspectionId)
    .where('stage', '=', 'reporting')
    .where('kind', 'in', ['submitted', 'approved'])
    .where('seq', '<=', throughSeq)
    .orderBy('seq')
    .execute();
  const lastSubmission = events.findLastIndex((e) => e.kind === 'submitted');
  return events.slice(lastSubmission + 1).map((e) => ({
    seq: e.seq,
    role: e.data.role as FrozenApproval['role'],
    by: { sub: e.actor_sub, name: e.actor_name },
    at: new Date(e.at).toISOString(),
    meeting: (e.data.meeting as Record<string, unknown> | undefined) ?? null,
  }));
}
