import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { listTimeline, type TimelineRow } from '../db/timeline.repository.js';
import type { Actor } from '../workflows/roles.js';
import { inspectionsKeptFrom, isGroupPerson, leadFilter, requireAccess, shownStepData, visibleKinds } from './access.js';
import { ApiError, ERROR_CODES, fieldIssue, forbidden, notFound } from './errors.js';
import type { TimelineItem } from './timeline.schemas.js';
import { loadInspection, type Inspection } from './views.js';

export interface TimelineQuery {
  limit: number;
  cursor?: string;
  inspection?: string;
  stage?: string;
  actor?: string;
  kind?: TimelineItem['what'][];
  from?: string;
  to?: string;
}

const AUDIT_ROLES = ['auditor', 'office', 'leading_group'] as const;
const audits = (actor: Actor) => AUDIT_ROLES.some((role) => actor.roles.includes(role));

function encodeCursor(row: TimelineRow): string {
  return Buffer.from(JSON.stringify([row.at_text, row.key])).toString('base64url');
}

function decodeCursor(cursor: string): { at: string; key: string } {
  try {
    const [at, key] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    // Exactly the form this service writes, and a real moment: the database parses it next.
    const wellFormed = typeof at === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(at) && at.slice(0, 4) !== '0000';
    if (wellFormed && new Date(at).toISOString().slice(0, 23) === at.slice(0, 23) && typeof key === 'string' && /^[a-e][0-9a-f-]{1,60}$/.test(key)) {
      return { at, key };
    }
  } catch {
    // falls through to the refusal below
  }
  const issue = fieldIssue('querystring.cursor', { key: 'not_our_cursor', params: { list: 'timeline' } });
  throw new ApiError(400, ERROR_CODES[400], `invalid input: ${issue.field} ${issue.message}`, { issues: [issue] });
}

export function toTimelineItem(row: TimelineRow): TimelineItem {
  const isSection = row.what === 'report_section_written';
  return {
    id: row.key,
    at: new Date(row.at).toISOString(),
    what: row.what,
    roundId: row.round_id,
    inspectionId: row.inspection_id,
    stage: row.stage as TimelineItem['stage'],
    actor: { sub: row.actor_sub, name: row.actor_name },
    roles: row.actor_roles ?? [],
    comment: row.comment,
    record: row.record_kind && row.version !== null ? { id: isSection ? null : row.record_id, kind: row.record_kind, version: row.version } : null,
    version: row.version,
    outcome: row.outcome,
    requestId: row.request_id,
    details: row.details,
  };
}

/**
 * The records of an inspection the caller may not know of, by the records' own read
 * rules: kinds not shown to them (how the group is judged) and leads they do not read.
 */
export async function hiddenRecordIds(db: Kysely<Database>, inspection: Inspection, actor: Actor): Promise<string[]> {
  const kinds = visibleKinds(inspection, actor);
  const [rows, shown] = await Promise.all([
    db.selectFrom('records').select(['id', 'kind', 'data', 'created_by_sub', 'decision_status']).where('inspection_id', '=', inspection.row.id).execute(),
    leadFilter(db, inspection, actor),
  ]);
  return rows.filter((r) => !shown(r) || (kinds !== 'all' && !kinds.includes(r.kind))).map((r) => r.id);
}

/** One timeline for a round and its inspections, built from the append-only tables. */
export class TimelineService {
  constructor(private readonly db: Kysely<Database>) {}

  async forRound(actor: Actor, roundId: string, query: TimelineQuery) {
    await requireAccess(this.db, actor, 'round.audit');
    const round = await this.db.selectFrom('rounds').select('id').where('id', '=', roundId).executeTakeFirst();
    if (!round) throw notFound('round', roundId);
    const keptFrom = await inspectionsKeptFrom(this.db, actor, roundId);
    const keptOut = query.inspection ? keptFrom.get(query.inspection) : undefined;
    if (keptOut) throw forbidden({ key: keptOut });
    const inspections = query.inspection ? [query.inspection] : undefined;
    return { roundId, inspectionId: null, ...(await this.page(roundId, query, inspections, [], [...keptFrom.keys()])) };
  }

  /**
   * The supervisors read it whole; the group's own people read their inspection's,
   * less the records they may not read (a member another's lead, the group its evaluations).
   */
  async forInspection(actor: Actor, inspectionId: string, query: Omit<TimelineQuery, 'inspection'>) {
    const inspection = await loadInspection(this.db, inspectionId);
    let hidden: string[] = [];
    // 回避 first: an auditor's role does not lift the holder's own recusal from their group's inspection.
    await requireAccess(this.db, actor, 'inspection.not_kept_out', inspection);
    if (!audits(actor)) {
      if (!isGroupPerson(inspection, actor)) throw forbidden({ key: 'timeline_readers', params: { roles: AUDIT_ROLES } });
      await requireAccess(this.db, actor, 'inspection.progress', inspection);
      hidden = await hiddenRecordIds(this.db, inspection, actor);
    }
    const { round_id: roundId } = inspection.row;
    const page = await this.page(roundId, query, [inspectionId], hidden);
    // A submission's lead count and digest would tell a member that a lead exists.
    const items = page.items.map((item) => (item.details ? { ...item, details: shownStepData(inspection, actor, item.details) } : item));
    return { roundId, inspectionId, ...page, items };
  }

  private async page(
    roundId: string,
    query: Omit<TimelineQuery, 'inspection'>,
    inspectionIds: string[] | undefined,
    hiddenRecordIds: string[],
    exceptInspectionIds: string[] = [],
  ) {
    const rows = await listTimeline(this.db, {
      roundId,
      inspectionIds,
      exceptInspectionIds,
      stage: query.stage,
      actorSub: query.actor,
      whats: query.kind,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
      hiddenRecordIds,
      after: query.cursor ? decodeCursor(query.cursor) : undefined,
      limit: query.limit + 1,
    });
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return { items: items.map(toTimelineItem), nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null };
  }
}
