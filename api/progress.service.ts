import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { criteriaContext, criteriaContexts } from '../db/stage-gate.repository.js';
import { EXIT_CRITERIA, confirmedLeads, confirmedPapers, itemStatus, unmetCriteria, type CriteriaContext } from '../workflows/exit-criteria.js';
import type { Actor } from '../workflows/roles.js';
import { STAGES } from '../workflows/stages.js';
import { inspectionsKeptFrom, requireAccess, visibleKinds } from './access.js';
import { criterionMissing, criterionRequirement, unmetView } from './criteria-messages.js';
import type { Language } from './messages.js';
import { recordFlags } from './record-flags.js';
import { inspectionName, loadInspection, loadRoundView } from './views.js';

const EMPTY: CriteriaContext = { records: [], members: [], reportSections: {} };

/** Counts of the records by kind, of the kinds in `visible`. */
function countByKind(ctx: CriteriaContext, visible: 'all' | string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const record of ctx.records) {
    if (visible === 'all' || visible.includes(record.kind)) counts[record.kind] = (counts[record.kind] ?? 0) + 1;
  }
  return counts;
}

/** What the office watches ("巡察办要及时跟踪巡察工作进展情况"): two queries for a whole round. */
export class ProgressService {
  constructor(private readonly db: Kysely<Database>) {}

  async ofRound(actor: Actor, roundId: string, language: Language = 'zh') {
    await requireAccess(this.db, actor, 'round.progress');
    const loaded = await loadRoundView(this.db, roundId);
    const keptFrom = await inspectionsKeptFrom(this.db, actor, roundId);
    const round = { ...loaded, inspections: loaded.inspections.filter((i) => !keptFrom.has(i.id)) };
    // Each inspection's records are read once and serve its counts, its unmet criteria and the totals.
    const contexts = await criteriaContexts(
      this.db,
      round.inspections.map((i) => i.id),
    );
    const totals = {
      problems: 0,
      problemsByCategory: {} as Record<string, number>,
      leads: 0,
      leadsNotHandedOver: 0,
      rectificationItems: { open: 0, returned: 0, accepted: 0, long_term: 0 },
      overdue: 0,
    };
    const inspections = round.inspections.map((inspection) => {
      const ctx = contexts.get(inspection.id) ?? EMPTY;
      const recordCounts = countByKind(ctx, 'all');
      const papers = confirmedPapers(ctx);
      totals.problems += papers.length;
      for (const paper of papers) {
        const category = String(paper.data.category);
        totals.problemsByCategory[category] = (totals.problemsByCategory[category] ?? 0) + 1;
      }
      // Only lead readers call this (office, leading group, auditors): counting leads here leaks nothing.
      const handed = new Set(ctx.records.filter((r) => r.kind === 'lead_handover').map((h) => h.data.leadId));
      const leads = confirmedLeads(ctx);
      totals.leads += leads.length;
      totals.leadsNotHandedOver += leads.filter((l) => !handed.has(l.id)).length;
      for (const item of ctx.records.filter((r) => r.kind === 'rectification_item')) totals.rectificationItems[itemStatus(ctx, item.id)]++;
      if (inspection.overdue) totals.overdue++;
      const unmet = inspection.state === 'open' ? unmetCriteria(inspection.stage, ctx).map((u) => unmetView(u, language)) : [];
      const flagged = ctx.records.flatMap((r) => {
        const flags = recordFlags(r.kind, r.data, language);
        return flags.length && r.data.withdrawn !== true ? [{ recordId: r.id, title: String(r.data.title), flags }] : [];
      });
      return { ...inspection, recordCounts, unmet, flagged };
    });
    return { roundId: round.id, name: round.name, status: round.status, inspections, totals };
  }

  /**
   * One inspection's progress, for its group and everyone who reads it: a leader sees
   * what the open stage still lacks before submitting, never from a refusal.
   */
  async ofInspection(actor: Actor, inspectionId: string, language: Language = 'zh') {
    const inspection = await loadInspection(this.db, inspectionId);
    await requireAccess(this.db, actor, 'inspection.progress', inspection);
    const { view, row, round } = inspection;
    const ctx = await criteriaContext(this.db, inspectionId);
    // A finished inspection has no stage to leave; a submitted one shows what its submission met.
    const live = view.state === 'open' || view.state === 'submitted';
    const criteria = live
      ? EXIT_CRITERIA[view.stage].map((criterion) => {
          const params = criterion.check(ctx);
          return {
            code: criterion.code,
            requirement: criterionRequirement(criterion.code, language),
            met: params === undefined,
            missing: params === undefined ? null : criterionMissing(criterion.code, params, language),
            params: params ?? null,
          };
        })
      : [];
    return {
      inspection: { id: view.id, name: inspectionName(row) },
      round: { id: round.id, name: round.name },
      stage: view.stage,
      stageTitle: STAGES.find((s) => s.id === view.stage)!.title,
      state: view.state,
      stageOpenedAt: view.stageOpenedAt,
      dueAt: view.dueAt,
      overdue: view.overdue,
      waitingOn: view.waitingOn,
      readyToSubmit: view.state === 'open' && criteria.every((c) => c.met),
      criteria,
      recordCounts: countByKind(ctx, visibleKinds(inspection, actor)),
    };
  }
}
