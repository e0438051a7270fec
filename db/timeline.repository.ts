import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from './database.js';

/**
 * What a timeline item says happened: a closed vocabulary, one word per kind of step
 * in the append-only tables (round authorisation, round events, inspection steps,
 * record versions, report section versions).
 */
export const TIMELINE_WHATS = [
  'round_proposed',
  'round_edited',
  'round_rejected',
  'round_authorised',
  'round_launched',
  'round_completed',
  'round_cancelled',
  'stage_opened',
  'stage_submitted',
  'stage_approved',
  'stage_rejected',
  'stage_overdue',
  'stage_escalated',
  'inspection_completed',
  'inspection_cancelled',
  'group_changed',
  'record_created',
  'record_edited',
  'record_reviewed',
  'record_decided',
  'lead_handed_over',
  'report_section_written',
] as const;
export type TimelineWhat = (typeof TIMELINE_WHATS)[number];

export interface TimelineFilter {
  roundId: string;
  inspectionIds?: string[];
  /** Inspections whose steps are left out (those the reader is kept out of, 回避); the round's own steps stay. */
  exceptInspectionIds?: string[];
  stage?: string;
  actorSub?: string;
  whats?: TimelineWhat[];
  from?: Date;
  to?: Date;
  /** Record ids the caller may not know of: their versions are left out. */
  hiddenRecordIds?: string[];
  /** Only steps after this position (from the previous page's last item). */
  after?: { at: string; key: string };
  limit: number;
}

export interface TimelineRow {
  key: string;
  /** The stored time as text at full precision, so a cursor names the exact position. */
  at_text: string;
  at: Date | string;
  what: TimelineWhat;
  round_id: string;
  inspection_id: string | null;
  stage: string | null;
  actor_sub: string;
  actor_name: string;
  actor_roles: string[] | null;
  comment: string | null;
  record_id: string | null;
  record_kind: string | null;
  version: number | null;
  outcome: string | null;
  request_id: string | null;
  details: Record<string, unknown> | null;
}

const pad = (expr: RawBuilder<unknown>) => sql`lpad(${expr}::text, 12, '0')`;

/**
 * Every step of a round and its inspections, in time order, from the append-only
 * tables in one query. Ties in time are ordered by source (the round's own steps,
 * then each inspection's steps in sequence, then record and section versions in the
 * order they were written), so the order and the cursor are stable.
 */
export async function listTimeline(db: Kysely<Database>, f: TimelineFilter): Promise<TimelineRow[]> {
  const inRound = sql`i.round_id = ${f.roundId}::uuid`;
  const all = sql<TimelineRow>`
    select 'a' || ${pad(sql`s.seq`)} as key, s.at,
      case s.kind when 'proposed' then 'round_proposed' when 'edited' then 'round_edited'
        when 'rejected' then 'round_rejected' else 'round_authorised' end as what,
      s.round_id::text as round_id, null::text as inspection_id, null::text as stage,
      s.actor_sub, s.actor_name, s.actor_roles, s.comment,
      null::text as record_id, null::text as record_kind, s.version as version, null::text as outcome,
      s.request_id, case when s.meeting is null then null else jsonb_build_object('meeting', s.meeting) end as details
    from round_authorisation_steps s where s.round_id = ${f.roundId}::uuid
    union all
    select 'b' || ${pad(sql`e.id`)}, e.at, 'round_' || e.kind,
      e.round_id::text, null, null, e.actor_sub, e.actor_name, null::jsonb, e.comment,
      null, null, null, null, e.request_id, null::jsonb
    from round_events e where e.round_id = ${f.roundId}::uuid
    union all
    select 'c' || ev.inspection_id::text || ${pad(sql`ev.seq`)}, ev.at,
      case ev.kind when 'submitted' then 'stage_submitted' when 'approved' then 'stage_approved'
        when 'rejected' then 'stage_rejected' when 'overdue' then 'stage_overdue' when 'escalated' then 'stage_escalated'
        when 'completed' then 'inspection_completed' when 'cancelled' then 'inspection_cancelled' else ev.kind end,
      i.round_id::text, ev.inspection_id::text, ev.stage, ev.actor_sub, ev.actor_name, ev.actor_roles, ev.comment,
      null, null, null, null, ev.request_id, ev.data
    from inspection_events ev join inspections i on i.id = ev.inspection_id where ${inRound}
    union all
    select 'd' || ${pad(sql`v.seq`)}, v.at,
      case when v.change = 'created' and r.kind = 'lead_handover' then 'lead_handed_over' else 'record_' || v.change end,
      i.round_id::text, r.inspection_id::text, r.stage, v.actor_sub, v.actor_name, v.actor_roles, v.note,
      r.id::text, r.kind, v.version,
      case v.change when 'reviewed' then v.review_status when 'decided' then v.decision_status end,
      null, null::jsonb
    from record_versions v join records r on r.id = v.record_id join inspections i on i.id = r.inspection_id where ${inRound}
    union all
    select 'e' || ${pad(sql`sv.seq`)}, sv.at, 'report_section_written',
      i.round_id::text, sv.inspection_id::text, 'reporting', sv.actor_sub, sv.actor_name, null::jsonb, null,
      null, sv.section, sv.version, null, null, null::jsonb
    from report_section_versions sv join inspections i on i.id = sv.inspection_id where ${inRound}`;

  const where: RawBuilder<unknown>[] = [sql`true`];
  if (f.inspectionIds) where.push(sql`(t.inspection_id is null or t.inspection_id in (${sql.join(f.inspectionIds.map((id) => sql`${id}`))}))`);
  if (f.exceptInspectionIds?.length) {
    where.push(sql`(t.inspection_id is null or t.inspection_id not in (${sql.join(f.exceptInspectionIds.map((id) => sql`${id}`))}))`);
  }
  if (f.stage) where.push(sql`t.stage = ${f.stage}`);
  if (f.actorSub) where.push(sql`t.actor_sub = ${f.actorSub}`);
  if (f.whats?.length) where.push(sql`t.what in (${sql.join(f.whats.map((w) => sql`${w}`))})`);
  if (f.from) where.push(sql`t.at >= ${f.from.toISOString()}::timestamptz`);
  if (f.to) where.push(sql`t.at <= ${f.to.toISOString()}::timestamptz`);
  if (f.hiddenRecordIds?.length) {
    where.push(sql`(t.record_id is null or t.record_id not in (${sql.join(f.hiddenRecordIds.map((id) => sql`${id}`))}))`);
  }
  if (f.after) where.push(sql`(t.at, t.key) > (${f.after.at}::timestamptz, ${f.after.key})`);

  const { rows } = await sql<TimelineRow>`
    select t.*, to_char(t.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at_text
    from (${all}) t
    where ${sql.join(where, sql` and `)}
    order by t.at, t.key
    limit ${f.limit}`.execute(db);
  return rows;
}
