import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { criteriaContexts } from '../db/stage-gate.repository.js';
import { confirmedPapers, unmetCriteria, type CriteriaContext } from '../workflows/exit-criteria.js';
import type { Actor } from '../workflows/roles.js';
import { requireAccess } from './access.js';
import { recordFlags } from './record-flags.js';
import { loadRoundView } from './views.js';

const EMPTY: CriteriaContext = { records: [], members: [], reportSections: {} };

/** What the office watches ("巡察办要及时跟踪巡察工作进展情况"): two queries for a whole round. */
export class ProgressService {
  constructor(private readonly db: Kysely<Database>) {}

  async ofRound(actor: Actor, roundId: string) {
    await requireAccess(this.db, actor, 'round.progress');
    const round = await loadRoundView(this.db, roundId);
    // Each inspection's records are read once and serve its counts, its unmet criteria and the totals.
    const contexts = await criteriaContexts(
      this.db,
      round.inspections.map((i) => i.id),
    );
    const totals = {
      problems: 0,
      problemsByCategory: {} as Record<string, number>,
      leads: 0,
      rectificationItems: { open: 0, done: 0, carried_over: 0 },
      overdue: 0,
    };
    const inspections = round.inspections.map((inspection) => {
      const ctx = contexts.get(inspection.id) ?? EMPTY;
      const recordCounts: Record<string, number> = {};
      for (const record of ctx.records) recordCounts[record.kind] = (recordCounts[record.kind] ?? 0) + 1;
      const papers = confirmedPapers(ctx);
      totals.problems += papers.length;
      for (const paper of papers) {
        const category = String(paper.data.category);
        totals.problemsByCategory[category] = (totals.problemsByCategory[category] ?? 0) + 1;
        if (paper.data.isLead === true) totals.leads++;
      }
      for (const item of ctx.records.filter((r) => r.kind === 'rectification_item')) {
        const status = item.data.status as keyof typeof totals.rectificationItems;
        if (status in totals.rectificationItems) totals.rectificationItems[status]++;
      }
      if (inspection.overdue) totals.overdue++;
      const unmet = inspection.state === 'open' ? unmetCriteria(inspection.stage, ctx) : [];
      const flagged = ctx.records.flatMap((r) => {
        const flags = recordFlags(r.kind, r.data);
        return flags.length && r.data.withdrawn !== true ? [{ recordId: r.id, title: String(r.data.title), flags }] : [];
      });
      return { ...inspection, recordCounts, unmet, flagged };
    });
    return { roundId: round.id, name: round.name, status: round.status, inspections, totals };
  }
}
