import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Actor } from '../workflows/roles.js';
import type { Database, OrganizationChange, OrganizationTable } from './database.js';

export type OrganizationRow = Selectable<OrganizationTable>;

/** What a version stores and a caller sets: the organisation's own fields. */
export interface OrganizationData {
  name: string;
  kind: string;
  level: string;
  parentId: string | null;
  principalLeader: string | null;
  activeFrom: string;
  activeUntil: string | null;
}

export function dataOf(row: OrganizationRow): OrganizationData {
  return {
    name: row.name,
    kind: row.kind,
    level: row.level,
    parentId: row.parent_id,
    principalLeader: row.principal_leader,
    activeFrom: row.active_from,
    activeUntil: row.active_until,
  };
}

export async function listOrganizations(db: Kysely<Database>, filter: { active?: boolean; parentId?: string; level?: string } = {}) {
  let query = db.selectFrom('organizations').selectAll().orderBy('name');
  if (filter.active !== undefined) query = query.where('deactivated', '=', !filter.active);
  if (filter.parentId) query = query.where('parent_id', '=', filter.parentId);
  if (filter.level) query = query.where('level', '=', filter.level);
  return query.execute();
}

export async function findOrganization(db: Kysely<Database> | Transaction<Database>, id: string) {
  return db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function lockOrganization(tx: Transaction<Database>, id: string) {
  return tx.selectFrom('organizations').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** The registered organisations among `ids`. */
export async function findOrganizations(db: Kysely<Database> | Transaction<Database>, ids: string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('organizations').selectAll().where('id', 'in', ids).execute();
}

export async function findOrganizationsByName(db: Kysely<Database> | Transaction<Database>, names: string[]) {
  if (names.length === 0) return [];
  return db.selectFrom('organizations').select(['id', 'name']).where('name', 'in', names).execute();
}

/** Whether `candidate` is `id` or lies below it: a parent there would close a loop. */
export async function isSelfOrBelow(db: Kysely<Database> | Transaction<Database>, id: string, candidate: string): Promise<boolean> {
  const found = await sql<{ id: string }>`
    with recursive below as (
      select id from organizations where id = ${id}
      union
      select o.id from organizations o join below b on o.parent_id = b.id
    )
    select id from below where id = ${candidate}`.execute(db);
  return found.rows.length > 0;
}

export async function listVersions(db: Kysely<Database>, id: string) {
  return db.selectFrom('organization_versions').selectAll().where('organization_id', '=', id).orderBy('version').execute();
}

/**
 * Writes the organisation as `data` and appends that as its next version, in the
 * caller's transaction: the row is only ever the latest version.
 */
export async function writeOrganization(
  tx: Transaction<Database>,
  id: string,
  data: OrganizationData,
  change: { change: OrganizationChange; version: number; actor: Actor; at: string; reason: string | null },
): Promise<void> {
  const columns = {
    name: data.name,
    kind: data.kind,
    level: data.level,
    parent_id: data.parentId,
    principal_leader: data.principalLeader,
    active_from: data.activeFrom,
    active_until: data.activeUntil,
    deactivated: change.change === 'deactivated',
    version: change.version,
    changed_at: change.at,
  };
  if (change.version === 1) await tx.insertInto('organizations').values({ id, ...columns }).execute();
  else await tx.updateTable('organizations').set(columns).where('id', '=', id).execute();
  await tx
    .insertInto('organization_versions')
    .values({
      organization_id: id,
      version: change.version,
      change: change.change,
      data: JSON.stringify(data),
      reason: change.reason,
      actor_sub: change.actor.sub,
      actor_name: change.actor.name,
      at: change.at,
    })
    .execute();
}
