import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { appendFocusAreaChange, listFocusAreas } from '../db/focus-areas.repository.js';
import { hasRole, type Actor } from '../workflows/roles.js';
import { ApiError, ERROR_CODES, conflict, fieldIssue, forbidden, notFound } from './errors.js';

/** The office's list of focus areas (重点), which rounds pick their focus from. */
export class FocusAreasService {
  constructor(private readonly db: Kysely<Database>) {}

  async list(filter: { active?: boolean }) {
    const areas = await listFocusAreas(this.db);
    return { focusAreas: filter.active === undefined ? areas : areas.filter((a) => a.active === filter.active) };
  }

  /** Adds an area, or makes a deactivated one active again. */
  async add(actor: Actor, input: { name: string; grouping?: string }) {
    requireOffice(actor);
    const existing = (await listFocusAreas(this.db)).find((a) => a.name === input.name);
    if (existing?.active) throw conflict({ key: 'focus_area_exists', params: { name: input.name } }, { name: input.name });
    await appendFocusAreaChange(this.db, {
      name: input.name,
      grouping: input.grouping ?? existing?.grouping ?? 'other',
      change: 'added',
      actor,
      reason: null,
    });
    return this.find(input.name);
  }

  async deactivate(actor: Actor, input: { name: string; reason: string }) {
    requireOffice(actor);
    const existing = (await listFocusAreas(this.db)).find((a) => a.name === input.name);
    if (!existing) throw notFound('focus_area', input.name);
    if (!existing.active) throw conflict({ key: 'focus_area_inactive_already', params: { name: input.name } }, { name: input.name });
    await appendFocusAreaChange(this.db, { name: input.name, grouping: existing.grouping, change: 'deactivated', actor, reason: input.reason });
    return this.find(input.name);
  }

  private async find(name: string) {
    return (await listFocusAreas(this.db)).find((a) => a.name === name)!;
  }
}

function requireOffice(actor: Actor): void {
  if (!hasRole(actor, 'office')) throw forbidden({ key: 'focus_areas_office_only' });
}

/**
 * A round picks its focus from the active list: each name that is not on it is a 400
 * naming its place (`body.focus.1`).
 */
export async function requireListedFocus(db: Kysely<Database>, focus: string[], field: string): Promise<void> {
  const active = new Set((await listFocusAreas(db)).filter((a) => a.active).map((a) => a.name));
  const issues = focus.flatMap((name, i) =>
    active.has(name) ? [] : [fieldIssue(`${field}.${i}`, { key: 'focus_area_not_active', params: { name } })],
  );
  if (issues.length) {
    throw new ApiError(400, ERROR_CODES[400], `invalid input: ${issues.map((i) => `${i.field} ${i.message}`).join('; ')}`, { issues });
  }
}
