import { sql, type Kysely } from 'kysely';
import type { Database } from './database.js';

export interface CoverageScope {
  rootId: string | null;
  levels: string[];
  startsOn: string;
  endsOn: string;
}

export interface ScopedOrganization {
  id: string;
  name: string;
  kind: string;
  level: string;
  parent_id: string | null;
  deactivated: boolean;
  depth: number;
}

export interface InspectionOfOrganization {
  organization_id: string;
  role: 'target' | 'extension';
  inspection_id: string;
  round_id: string;
  round_name: string;
  year: number;
  planned_start: string;
  stage: string;
  state: string;
}

/**
 * The subtree under the scope's root (the root included; the whole register when
 * there is none), at the scope's levels, that existed at some time during the term:
 * an organisation dissolved mid-term still had to be covered while it existed.
 */
function scopeQuery(scope: CoverageScope) {
  const start = scope.rootId === null ? sql`parent_id is null` : sql`id = ${scope.rootId}`;
  const levels = scope.levels.length ? sql`and level in (${sql.join(scope.levels)})` : sql``;
  return sql`
    with recursive tree as (
      select id, name, kind, level, parent_id, deactivated, active_from, active_until, 0 as depth
      from organizations where ${start}
      union all
      select o.id, o.name, o.kind, o.level, o.parent_id, o.deactivated, o.active_from, o.active_until, t.depth + 1
      from organizations o join tree t on o.parent_id = t.id
    ),
    scoped as (
      select id, name, kind, level, parent_id, deactivated, depth from tree
      where active_from <= ${scope.endsOn} and (active_until is null or active_until >= ${scope.startsOn}) ${levels}
    )`;
}

export async function organizationsInScope(db: Kysely<Database>, scope: CoverageScope): Promise<ScopedOrganization[]> {
  const result = await sql<ScopedOrganization>`${scopeQuery(scope)} select * from scoped order by depth, name`.execute(db);
  return result.rows;
}

/**
 * Every inspection of a round planned to start within the term that names an
 * organisation of the scope, as its target or as one of its extensions, in round order.
 */
export async function inspectionsInScope(db: Kysely<Database>, scope: CoverageScope): Promise<InspectionOfOrganization[]> {
  const result = await sql<InspectionOfOrganization>`
    ${scopeQuery(scope)}
    select x.organization_id, x.role, i.id as inspection_id, r.id as round_id, r.name as round_name, r.year, r.planned_start, i.stage, i.state
    from inspections i
    join rounds r on r.id = i.round_id
    cross join lateral (
      select i.target->>'organizationId' as organization_id, 'target' as role
      union all
      select e->>'organizationId', 'extension' from jsonb_array_elements(coalesce(i.target->'extensions', '[]'::jsonb)) e
    ) x
    join scoped s on s.id::text = x.organization_id
    where r.planned_start >= ${scope.startsOn} and r.planned_start <= ${scope.endsOn}
    order by r.planned_start, r.launched_at, i.position, x.role desc`.execute(db);
  return result.rows;
}
