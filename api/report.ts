import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { latestReportSections } from '../db/report-sections.repository.js';
import { criteriaContext } from '../db/stage-gate.repository.js';
import { confirmedPapers } from '../workflows/exit-criteria.js';
import { WRITTEN_REPORT_SECTIONS, type WrittenReportSection } from '../workflows/stages.js';
import type { Inspection } from './views.js';

export interface ReportProblem {
  number: number;
  id: string;
  title: string;
  facts: string;
  characterization: string;
  basis: { source: string; article: string }[];
  persons: string[];
  evidenceCount: number;
}

export interface Report {
  inspectionId: string;
  title: string;
  round: { id: string; name: string };
  target: { name: string; principalLeader: string; extensions: { name: string; principalLeader: string }[] };
  group: { name: string; leader: string; members: string[] };
  sections: Record<WrittenReportSection, { text: string; version: number; updatedBy: { sub: string; name: string }; updatedAt: string } | null>;
  mainProblems: { category: string; problems: ReportProblem[] }[];
  generatedAt: string;
  statistics: WorkStatistics;
  /** 密级 (e.g. 秘密, 机密), marked top-left on the document; none unless set. */
  classification?: string | null;
}

/**
 * The report to the office's template: the written sections and the confirmed problem
 * papers by category (numbered within each). Leads are not in it, not even counted: the
 * group and the target read this report, and leads go in the confidential lead report.
 */
export async function buildReport(db: Kysely<Database>, inspection: Inspection): Promise<Report> {
  const { row, round, members } = inspection;
  const [ctx, sections] = await Promise.all([criteriaContext(db, row.id), latestReportSections(db, row.id)]);
  const papers = confirmedPapers(ctx);
  const categories = new Map<string, ReportProblem[]>();
  for (const paper of papers) {
    const data = paper.data as {
      category: string;
      title: string;
      facts: string;
      characterization: string;
      basis: { source: string; article: string; effectiveOn?: string }[];
      persons?: string[];
      evidence: string[];
    };
    const list = categories.get(data.category) ?? [];
    list.push({
      number: list.length + 1,
      id: paper.id,
      title: data.title,
      facts: data.facts,
      characterization: data.characterization,
      // Only what the report prints and serves, so the frozen JSON and its hash are what readers get.
      basis: data.basis.map(({ source, article, effectiveOn }) => ({ source, article, ...(effectiveOn ? { effectiveOn } : {}) })),
      persons: data.persons ?? [],
      evidenceCount: data.evidence.length,
    });
    categories.set(data.category, list);
  }
  return {
    inspectionId: row.id,
    title: customaryTitle({ group: row.group_name, target: row.target.name }),
    round: { id: round.id, name: round.name },
    target: { name: row.target.name, principalLeader: row.target.principalLeader, extensions: row.target.extensions },
    group: {
      name: row.group_name,
      leader: row.leader_name,
      members: members.filter((m) => !m.is_leader).map((m) => m.name),
    },
    sections: Object.fromEntries(
      WRITTEN_REPORT_SECTIONS.map((s) => {
        const latest = sections.get(s);
        return [
          s,
          latest
            ? { text: latest.text, version: latest.version, updatedBy: { sub: latest.actor_sub, name: latest.actor_name }, updatedAt: new Date(latest.at).toISOString() }
            : null,
        ];
      }),
    ) as Report['sections'],
    mainProblems: [...categories].map(([category, problems]) => ({ category, problems })),
    generatedAt: new Date().toISOString(),
    statistics: workStatistics(ctx.records, papers),
  };
}

// ---- The 公文 form's parts: the customary title and the work statistics of 基本情况 ----

/** How the group learned the facts while stationed, counted from its records. */
export interface WorkStatistics {
  talks: number;
  documentReviews: number;
  /** The documents those reviews list (one review often covers several ledgers). */
  documentsReviewed: number;
  petitions: number;
  fieldVisits: number;
  problems: number;
}

/**
 * 厅党委第一巡察组关于巡察××党委的情况报告: the group (after the party committee it
 * answers to, when known) reporting on the target's party organisation. A target
 * named without its organisation gets the neutral 党组织, since it may have a 党委 or a 党组.
 */
export function customaryTitle(parts: { issuer?: string | null; group: string; target: string }, subject = '的情况报告'): string {
  const organisation = /党(委|组|工委|总支|支部)$/.test(parts.target) ? parts.target : `${parts.target}党组织`;
  return `${parts.issuer ?? ''}${parts.group}关于巡察${organisation}${subject}`;
}

function workStatistics(records: { kind: string; data: Record<string, unknown> }[], papers: { data: Record<string, unknown> }[]): WorkStatistics {
  const of = (kind: string) => records.filter((r) => r.kind === kind);
  return {
    talks: of('talk').length,
    documentReviews: of('document_review').length,
    documentsReviewed: of('document_review').reduce((n, r) => n + (Array.isArray(r.data.documents) ? r.data.documents.length : 0), 0),
    petitions: of('petition').length,
    fieldVisits: of('field_visit').length,
    problems: papers.length,
  };
}
