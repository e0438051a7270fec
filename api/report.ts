import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { listRecords } from '../db/records.repository.js';
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
  leads: { problemId: string; title: string; persons: string[]; handedTo: string | null; handedOn: string | null }[];
  generatedAt: string;
  statistics: WorkStatistics;
  /** 密级 (e.g. 秘密, 机密), marked top-left on the document; none unless set. */
  classification?: string | null;
}

/**
 * The report to the office's template: the written sections, the confirmed problem
 * papers by category (numbered within each), and the leads for hand-over.
 */
export async function buildReport(db: Kysely<Database>, inspection: Inspection): Promise<Report> {
  const { row, round, members } = inspection;
  const [ctx, sections, handovers] = await Promise.all([
    criteriaContext(db, row.id),
    latestReportSections(db, row.id),
    listRecords(db, row.id, { kind: 'lead_handover' }),
  ]);
  const papers = confirmedPapers(ctx);
  const categories = new Map<string, ReportProblem[]>();
  for (const paper of papers) {
    const data = paper.data as {
      category: string;
      title: string;
      facts: string;
      characterization: string;
      basis: { source: string; article: string }[];
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
      basis: data.basis,
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
    leads: papers
      .filter((p) => p.data.isLead === true)
      .map((p) => {
        const handover = handovers.find((h) => h.data.problemId === p.id);
        return {
          problemId: p.id,
          title: String(p.data.title),
          persons: (p.data.persons as string[] | undefined) ?? [],
          handedTo: handover ? String(handover.data.handedTo) : null,
          handedOn: handover ? String(handover.data.handedOn) : null,
        };
      }),
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
  /** Leads are reported separately and confidentially: the main report gives only their count. */
  leads: number;
}

/**
 * 厅党委第一巡察组关于巡察××党委的情况报告: the group (after the party committee it
 * answers to, when known) reporting on the target's party organisation. A target
 * named without its organisation gets the neutral 党组织, since it may have a 党委 or a 党组.
 */
export function customaryTitle(parts: { issuer?: string | null; group: string; target: string }): string {
  const organisation = /党(委|组|工委|总支|支部)$/.test(parts.target) ? parts.target : `${parts.target}党组织`;
  return `${parts.issuer ?? ''}${parts.group}关于巡察${organisation}的情况报告`;
}

function workStatistics(records: { kind: string; data: Record<string, unknown> }[], papers: { data: Record<string, unknown> }[]): WorkStatistics {
  const of = (kind: string) => records.filter((r) => r.kind === kind);
  const leads = papers.filter((p) => p.data.isLead === true).length;
  return {
    talks: of('talk').length,
    documentReviews: of('document_review').length,
    documentsReviewed: of('document_review').reduce((n, r) => n + (Array.isArray(r.data.documents) ? r.data.documents.length : 0), 0),
    petitions: of('petition').length,
    fieldVisits: of('field_visit').length,
    problems: papers.length - leads,
    leads,
  };
}
