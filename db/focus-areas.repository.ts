import type { Kysely } from 'kysely';
import type { Actor } from '../workflows/roles.js';
import type { Database, FocusAreaChange } from './database.js';

export interface FocusArea {
  name: string;
  grouping: string;
  active: boolean;
  /** The latest change: when it was added, or deactivated. */
  changedBy: { sub: string; name: string };
  changedAt: string;
  reason: string | null;
}

/** Every focus area ever added, as its latest change left it, in the order they were first added. */
export async function listFocusAreas(db: Kysely<Database>): Promise<FocusArea[]> {
  const rows = await db
    .selectFrom('focus_area_events')
    .select(['name', 'grouping', 'change', 'actor_sub', 'actor_name', 'at', 'reason'])
    .orderBy('seq')
    .execute();
  // A Map keeps the order names were first set in; a later change replaces the value only.
  const latest = new Map<string, (typeof rows)[number]>();
  for (const row of rows) latest.set(row.name, row);
  return [...latest.values()].map((row) => ({
      name: row.name,
      grouping: row.grouping,
      active: row.change === 'added',
      changedBy: { sub: row.actor_sub, name: row.actor_name },
      changedAt: new Date(row.at).toISOString(),
      reason: row.reason,
    }));
}

export async function appendFocusAreaChange(
  db: Kysely<Database>,
  change: { name: string; grouping: string; change: FocusAreaChange; actor: Actor; reason: string | null },
): Promise<void> {
  await db
    .insertInto('focus_area_events')
    .values({
      name: change.name,
      grouping: change.grouping,
      change: change.change,
      actor_sub: change.actor.sub,
      actor_name: change.actor.name,
      at: new Date().toISOString(),
      reason: change.reason,
    })
    .execute();
}
