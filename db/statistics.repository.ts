import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from './database.js';

export interface Period {
  from: string;
  to: string;
}

/**
 * The inspections of the rounds planned to start within the period, and for a record
 * the organisation it concerns: the extension it names (by its name in the target's
 * extensions), else the target; by register id where the round gave one.
 */
function inPeriod(period: Period): RawBuilder<unknown> {
  return sql`
    scoped as (
      select i.id, i.target, i.group_name, i.round_id, r.name as round_name, r.year
      from inspections i join rounds r on r.id = i.round_id
      where r.planned_start >= ${period.from} and r.planned_start <= ${period.to}
    )`;
}

// An item concerns the extension it names, else the one its problem names.
const concerned = sql`
  left join records p on rec.kind = 'rectification_item' and p.inspection_id = rec.inspection_id
    and p.kind = 'problem' and p.id::text = rec.data->>'problemId'
  left join lateral (
    select e from jsonb_array_elements(coalesce(s.target->'extensions', '[]'::jsonb)) e
    where e->>'name' = coalesce(rec.data->>'extension', p.data->>'extension') limit 1
  ) x on true`;

const counted = sql`coalesce(rec.data->>'withdrawn', 'false') <> 'true' and rec.review_status = 'confirmed'`;

/** One aggregate row: which breakdown it belongs to, its keys, its counts. */
export interface StatisticsRow {
  breakdown: 'problems' | 'leads' | 'items' | 'round' | 'organization';
  k1: string | null;
  k2: string | null;
  k3: string | null;
  problems: string | number;
  leads: string | number;
  items: string | number;
  accepted: string | number;
  on_time: string | number;
  due: string | number;
}

/**
 * Every breakdown in one statement: the facts (confirmed papers, confirmed leads, and
 * rectification items, each with what the later records say of it) are gathered once
 * and counted five ways. Nothing of a lead but its recipient and disposal leaves here.
 */
export async function countStatistics(db: Kysely<Database>, period: Period, today: string): Promise<StatisticsRow[]> {
  const result = await sql<StatisticsRow>`
    with ${inPeriod(period)},
    facts as (
      select rec.kind, s.round_id, s.round_name, s.year,
        coalesce(x.e->>'organizationId', s.target->>'organizationId') as organization_id,
        coalesce(x.e->>'name', s.target->>'name') as organization_name,
        rec.data->>'category' as category,
        case when rec.kind = 'lead' then coalesce(ho.data->'recipient'->>'kind', 'not_handed_over') end as recipient,
        case when rec.kind = 'lead' then coalesce(dis.data->>'outcome', 'none') end as disposal,
        case when rec.kind = 'rectification_item' then coalesce(ver.data->>'outcome', 'open') end as item_state,
        rec.kind = 'rectification_item' and ver.data->>'outcome' = 'accepted' and ver.data->>'on' <= rec.data->>'dueOn' as on_time,
        rec.kind = 'rectification_item' and (ver.data->>'outcome' = 'accepted' or rec.data->>'dueOn' < ${today}) as due
      from records rec
      join scoped s on s.id = rec.inspection_id
      ${concerned}
      left join records ho on rec.kind = 'lead' and ho.inspection_id = rec.inspection_id and ho.kind = 'lead_handover' and ho.data->>'leadId' = rec.id::text
      left join records dis on rec.kind = 'lead' and dis.inspection_id = rec.inspection_id and dis.kind = 'lead_disposal' and dis.data->>'leadId' = rec.id::text
      left join records ver on rec.kind = 'rectification_item' and ver.inspection_id = rec.inspection_id
        and ver.kind = 'rectification_verification' and ver.data->>'itemId' = rec.id::text
      where (rec.kind in ('problem', 'lead') and ${counted}) or rec.kind = 'rectification_item'
    ),
    tallied as (
      select *,
        (kind = 'problem')::int as is_problem, (kind = 'lead')::int as is_lead, (kind = 'rectification_item')::int as is_item,
        (item_state = 'accepted')::int as is_accepted, coalesce(on_time, false)::int as is_on_time, coalesce(due, false)::int as is_due
      from facts
    )
    select 'problems' as breakdown, category as k1, year::text as k2, null as k3, count(*) as problems, 0 as leads, 0 as items, 0 as accepted, 0 as on_time, 0 as due
      from tallied where kind = 'problem' group by category, year
    union all
    select 'leads', recipient, disposal, null, 0, count(*), 0, 0, 0, 0
      from tallied where kind = 'lead' group by recipient, disposal
    union all
    select 'items', item_state, null, null, 0, 0, count(*), sum(is_accepted), sum(is_on_time), sum(is_due)
      from tallied where kind = 'rectification_item' group by item_state
    union all
    select 'round', round_id::text, round_name, year::text, sum(is_problem), sum(is_lead), sum(is_item), sum(is_accepted), sum(is_on_time), sum(is_due)
      from tallied group by round_id, round_name, year
    union all
    select 'organization', organization_id, organization_name, null, sum(is_problem), sum(is_lead), sum(is_item), sum(is_accepted), sum(is_on_time), sum(is_due)
      from tallied group by organization_id, organization_name`.execute(db);
  return result.rows;
}

export interface ProblemLedgerRow {
  round_name: string;
  year: number;
  group_name: string;
  target_name: string;
  extension: string | null;
  category: string;
  title: string;
  characterization: string;
  conduct_from: string | null;
  conduct_to: string | null;
  item_state: string | null;
}

/** 问题清单: every confirmed problem paper of the period, with where its rectification stands. */
export async function problemLedger(db: Kysely<Database>, period: Period): Promise<ProblemLedgerRow[]> {
  const result = await sql<ProblemLedgerRow>`
    with ${inPeriod(period)}
    select s.round_name, s.year, s.group_name, s.target->>'name' as target_name, rec.data->>'extension' as extension,
      rec.data->>'category' as category, rec.data->>'title' as title, rec.data->>'characterization' as characterization,
      rec.data->'conduct'->>'from' as conduct_from, rec.data->'conduct'->>'to' as conduct_to,
      (select coalesce(ver.data->>'outcome', 'open') from records item
         left join records ver on ver.inspection_id = item.inspection_id and ver.kind = 'rectification_verification' and ver.data->>'itemId' = item.id::text
         where item.inspection_id = rec.inspection_id and item.kind = 'rectification_item' and item.data->>'problemId' = rec.id::text limit 1) as item_state
    from records rec join scoped s on s.id = rec.inspection_id
    where rec.kind = 'problem' and ${counted}
    order by s.year, s.round_name, s.group_name, rec.created_at`.execute(db);
  return result.rows;
}

export interface ItemLedgerRow {
  round_name: string;
  target_name: string;
  extension: string | null;
  problem_title: string | null;
  measure: string;
  owner: string;
  due_on: string;
  outcome: string | null;
  verified_on: string | null;
  next_milestone_on: string | null;
}

/** 整改台账: every rectification item of the period with the office's verification. */
export async function itemLedger(db: Kysely<Database>, period: Period): Promise<ItemLedgerRow[]> {
  const result = await sql<ItemLedgerRow>`
    with ${inPeriod(period)}
    select s.round_name, s.target->>'name' as target_name, coalesce(rec.data->>'extension', p.data->>'extension') as extension,
      p.data->>'title' as problem_title, rec.data->>'measure' as measure, rec.data->>'owner' as owner, rec.data->>'dueOn' as due_on,
      ver.data->>'outcome' as outcome, ver.data->>'on' as verified_on, ver.data->>'nextMilestoneOn' as next_milestone_on
    from records rec join scoped s on s.id = rec.inspection_id
    left join records p on p.inspection_id = rec.inspection_id and p.kind = 'problem' and p.id::text = rec.data->>'problemId'
    left join records ver on ver.inspection_id = rec.inspection_id and ver.kind = 'rectification_verification' and ver.data->>'itemId' = rec.id::text
    where rec.kind = 'rectification_item'
    order by s.year, s.round_name, s.group_name, rec.data->>'dueOn', rec.created_at`.execute(db);
  return result.rows;
}

export interface LeadLedgerRow {
  round_name: string;
  group_name: string;
  target_name: string;
  extension: string | null;
  person_name: string;
  person_post: string;
  leading_cadre: boolean | null;
  allegation: string;
  recipient_kind: string | null;
  recipient_name: string | null;
  handed_on: string | null;
  letter_ref: string | null;
  disposal: string | null;
}

/** 线索移交台账: confidential, for the leads' readers only. */
export async function leadLedger(db: Kysely<Database>, period: Period): Promise<LeadLedgerRow[]> {
  const result = await sql<LeadLedgerRow>`
    with ${inPeriod(period)}
    select s.round_name, s.group_name, s.target->>'name' as target_name, rec.data->>'extension' as extension,
      rec.data->'person'->>'name' as person_name, rec.data->'person'->>'post' as person_post,
      (rec.data->'person'->>'leadingCadre')::boolean as leading_cadre, rec.data->>'allegation' as allegation,
      ho.data->'recipient'->>'kind' as recipient_kind, ho.data->'recipient'->>'name' as recipient_name,
      ho.data->>'handedOn' as handed_on, ho.data->>'letterRef' as letter_ref, dis.data->>'outcome' as disposal
    from records rec join scoped s on s.id = rec.inspection_id
    left join records ho on ho.inspection_id = rec.inspection_id and ho.kind = 'lead_handover' and ho.data->>'leadId' = rec.id::text
    left join records dis on dis.inspection_id = rec.inspection_id and dis.kind = 'lead_disposal' and dis.data->>'leadId' = rec.id::text
    where rec.kind = 'lead' and ${counted}
    order by s.year, s.round_name, s.group_name, rec.created_at`.execute(db);
  return result.rows;
}
