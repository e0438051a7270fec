import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { findOrganizations } from '../db/organizations.repository.js';
import { fieldIssue } from './errors.js';
import { invalidInput, type FieldIssue } from './organizations.schemas.js';
import type { Inspection } from './views.js';

interface PlannedTarget {
  target: { organizationId?: string; extensions: { organizationId?: string }[] };
}

/**
 * A round picks its targets and extensions from the register: each id it gives must
 * name an active organisation, and none twice in one round (a target is not its own
 * extension, nor inspected by two groups at once).
 */
export async function requireRegisteredOrganizations(db: Kysely<Database>, inspections: PlannedTarget[], field: string): Promise<void> {
  const named = inspections.flatMap((inspection, i) => [
    ...(inspection.target.organizationId ? [{ id: inspection.target.organizationId, field: `${field}.${i}.target.organizationId` }] : []),
    ...inspection.target.extensions.flatMap((e, j) => (e.organizationId ? [{ id: e.organizationId, field: `${field}.${i}.target.extensions.${j}.organizationId` }] : [])),
  ]);
  if (named.length === 0) return;
  const registered = new Map((await findOrganizations(db, [...new Set(named.map((n) => n.id))])).map((o) => [o.id, o]));
  const issues: FieldIssue[] = [];
  const seen = new Map<string, string>();
  for (const { id, field: at } of named) {
    const organization = registered.get(id);
    if (!organization) issues.push(fieldIssue(at, { key: 'not_registered_organization' }));
    else if (organization.deactivated) issues.push(fieldIssue(at, { key: 'organization_deactivated_named', params: { name: organization.name } }));
    else if (seen.has(id)) issues.push(fieldIssue(at, { key: 'organization_named_twice', params: { name: organization.name, at: seen.get(id)! } }));
    seen.set(id, seen.get(id) ?? at);
  }
  if (issues.length) throw invalidInput(issues);
}

/** A paper, lead or item may say which extension (延伸巡察) of the inspection it concerns. */
export function requireOwnExtension(inspection: Inspection, data: Record<string, unknown>): void {
  if (data.extension === undefined) return;
  const extensions = inspection.row.target.extensions.map((e) => e.name);
  if (!extensions.includes(String(data.extension))) {
    throw invalidInput([
      {
        field: 'body.data.extension',
        message: extensions.length ? `is not one of this inspection’s extensions (${extensions.join('、')})` : 'this inspection has no extensions',
      },
    ]);
  }
}
