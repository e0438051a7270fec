import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { listRecords } from '../db/records.repository.js';
import { latestReportSections } from '../db/report-sections.repository.js';
import { criteriaContext } from '../db/stage-gate.repository.js';
import { confirmedPapers } from '../workflows/exit-criteria.js';
import { WRITTEN_REPORT_SECTIONS, type WrittenReportSection } from '../workflows/stages.js';
import type { loadInspection } from './views.js';

type Inspection = Awaited<ReturnType<typeof loadInspection>>;

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
  sections: Record<WrittenReportSection, { text: string; version: number; updatedBy: string; updatedAt: string } | null>;
  mainProblems: { category: string; problems: ReportProblem[] }[];
  leads: { problemId: string; title: string; persons: string[]; handedTo: string | null; handedOn: string | null }[];
  generatedAt: string;
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
    title: `关于对${row.target.name}党组织${round.name}情况的报告`,
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
            ? { text: latest.text, version: latest.version, updatedBy: latest.actor_name, updatedAt: new Date(latest.at).toISOString() }
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
  };
}
