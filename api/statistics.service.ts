import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { countStatistics, itemLedger, leadLedger, problemLedger, type Period, type StatisticsRow } from '../db/statistics.repository.js';
import type { Actor } from '../workflows/roles.js';
import { requireAccess } from './access.js';
import { renderItemLedger, renderLeadLedger, renderProblemLedger } from './statistics-xlsx.js';
import type { StatisticsQuery, StatisticsView } from './statistics.schemas.js';

const ITEM_STATES = ['open', 'returned', 'accepted', 'long_term'] as const;

/** The day in China Standard Time: an item is past due once its day is over there. */
function todayInChina(): string {
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
}

function periodOf(query: StatisticsQuery): Period {
  return { from: query.from ?? '0000-01-01', to: query.to ?? '9999-12-31' };
}

function tally(row: Pick<StatisticsRow, 'problems' | 'leads' | 'items' | 'accepted' | 'on_time' | 'due'>) {
  const due = Number(row.due);
  return {
    problems: Number(row.problems),
    leads: Number(row.leads),
    rectificationItems: Number(row.items),
    accepted: Number(row.accepted),
    onTimeRate: due ? Number(row.on_time) / due : null,
  };
}

/** What the rounds found and fixed across a period, for the office and those it reports to. */
export class StatisticsService {
  constructor(private readonly db: Kysely<Database>) {}

  async summary(actor: Actor, query: StatisticsQuery): Promise<StatisticsView> {
    await requireAccess(this.db, actor, 'statistics.read');
    const rows = await countStatistics(this.db, periodOf(query), todayInChina());
    const of = (breakdown: StatisticsRow['breakdown']) => rows.filter((r) => r.breakdown === breakdown);
    const byRound = of('round').map((r) => ({ roundId: r.k1!, roundName: r.k2!, year: Number(r.k3), ...tally(r) }));
    const sum = (key: 'problems' | 'leads' | 'items' | 'accepted' | 'on_time' | 'due') => of('round').reduce((n, r) => n + Number(r[key]), 0);
    const states = new Map(of('items').map((r) => [r.k1, Number(r.items)]));
    return {
      from: query.from ?? null,
      to: query.to ?? null,
      totals: tally({ problems: sum('problems'), leads: sum('leads'), items: sum('items'), accepted: sum('accepted'), on_time: sum('on_time'), due: sum('due') }),
      problemsByFocusArea: of('problems')
        .map((r) => ({ category: r.k1 ?? '', year: Number(r.k2), count: Number(r.problems) }))
        .sort((a, b) => a.year - b.year || b.count - a.count || a.category.localeCompare(b.category, 'zh-CN')),
      leadsByRecipient: of('leads')
        .map((r) => ({ recipient: r.k1 ?? 'not_handed_over', disposal: r.k2 ?? 'none', count: Number(r.leads) }))
        .sort((a, b) => a.recipient.localeCompare(b.recipient) || a.disposal.localeCompare(b.disposal)),
      rectificationItemsByState: ITEM_STATES.map((state) => ({ state, count: states.get(state) ?? 0 })),
      byRound: byRound.sort((a, b) => a.year - b.year || a.roundName.localeCompare(b.roundName, 'zh-CN')),
      byOrganization: of('organization')
        .map((r) => ({ organizationId: r.k1, name: r.k2 ?? '', ...tally(r) }))
        .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN')),
    };
  }

  async problemsXlsx(actor: Actor, query: StatisticsQuery) {
    await requireAccess(this.db, actor, 'statistics.read');
    return renderProblemLedger(await problemLedger(this.db, periodOf(query)));
  }

  async rectificationXlsx(actor: Actor, query: StatisticsQuery) {
    await requireAccess(this.db, actor, 'statistics.read');
    return renderItemLedger(await itemLedger(this.db, periodOf(query)));
  }

  async leadsXlsx(actor: Actor, query: StatisticsQuery) {
    await requireAccess(this.db, actor, 'statistics.leads');
    return renderLeadLedger(await leadLedger(this.db, periodOf(query)));
  }
}
