import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/database.js';
import {
  dataOf,
  findOrganization,
  findOrganizationsByName,
  isSelfOrBelow,
  listOrganizations,
  listVersions,
  lockOrganization,
  writeOrganization,
  type OrganizationData,
  type OrganizationRow,
} from '../db/organizations.repository.js';
import type { Actor } from '../workflows/roles.js';
import { requireAccess } from './access.js';
import { conflict, fieldIssue, notFound } from './errors.js';
import { importTemplateXlsx, readOrganizationSheet } from './organizations-import.js';
import { invalidInput, type FieldIssue, type OrganizationFields, type OrganizationView } from './organizations.schemas.js';

const iso = (value: Date | string) => new Date(value).toISOString();

export function toOrganizationView(row: OrganizationRow): OrganizationView {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as OrganizationView['kind'],
    level: row.level as OrganizationView['level'],
    parentId: row.parent_id,
    principalLeader: row.principal_leader,
    activeFrom: row.active_from,
    activeUntil: row.active_until,
    active: !row.deactivated,
    version: row.version,
    changedAt: iso(row.changed_at),
  };
}

/** The register of organisations to inspect (被巡察党组织): kept by the office, never deleted. */
export class OrganizationsService {
  constructor(private readonly db: Kysely<Database>) {}

  async list(actor: Actor, filter: { active?: boolean; parentId?: string; level?: string }) {
    await requireAccess(this.db, actor, 'register.read');
    return { organizations: (await listOrganizations(this.db, filter)).map(toOrganizationView) };
  }

  async get(actor: Actor, id: string) {
    await requireAccess(this.db, actor, 'register.read');
    const row = await findOrganization(this.db, id);
    if (!row) throw notFound('organization', id);
    const versions = await listVersions(this.db, id);
    return {
      ...toOrganizationView(row),
      history: versions.map((v) => ({
        version: v.version,
        change: v.change,
        data: v.data as unknown as OrganizationFields,
        reason: v.reason,
        actor: { sub: v.actor_sub, name: v.actor_name },
        at: iso(v.at),
      })),
    };
  }

  async create(actor: Actor, body: OrganizationFields) {
    await requireAccess(this.db, actor, 'register.write');
    const id = randomUUID();
    await nameTaken(this.db.transaction().execute(async (tx) => {
      await checkParent(tx, id, body.parentId);
      await checkNameFree(tx, body.name, null);
      await writeOrganization(tx, id, body, { change: 'created', version: 1, actor, at: new Date().toISOString(), reason: null });
    }));
    return this.view(id);
  }

  async edit(actor: Actor, id: string, body: Partial<Omit<OrganizationFields, 'activeUntil'>> & { version: number }) {
    await requireAccess(this.db, actor, 'register.write');
    await nameTaken(this.db.transaction().execute(async (tx) => {
      const row = await lockCurrent(tx, id, body.version);
      if (row.deactivated) throw conflict({ key: 'organization_deactivated' }, { active: false });
      const { version: _version, ...changes } = body;
      const next: OrganizationData = { ...dataOf(row), ...changes };
      if (next.activeUntil !== null && next.activeUntil < next.activeFrom) {
        throw invalidInput([fieldIssue('body.activeFrom', { key: 'not_after_field', params: { other: 'activeUntil', value: String(next.activeUntil) } })]);
      }
      if (changes.parentId !== undefined) await checkParent(tx, id, next.parentId);
      if (changes.name !== undefined) await checkNameFree(tx, next.name, id);
      await writeOrganization(tx, id, next, { change: 'edited', version: row.version + 1, actor, at: new Date().toISOString(), reason: null });
    }));
    return this.view(id);
  }

  /** It stays in the register and in every coverage it counted in; new rounds cannot pick it. */
  async deactivate(actor: Actor, id: string, body: { version: number; activeUntil: string; reason: string }) {
    await requireAccess(this.db, actor, 'register.write');
    await this.db.transaction().execute(async (tx) => {
      const row = await lockCurrent(tx, id, body.version);
      if (row.deactivated) throw conflict({ key: 'organization_already_deactivated' }, { active: false });
      if (body.activeUntil < row.active_from) throw invalidInput([fieldIssue('body.activeUntil', { key: 'not_before_value', params: { other: 'activeFrom', value: String(row.active_from) } })]);
      const next = { ...dataOf(row), activeUntil: body.activeUntil };
      await writeOrganization(tx, id, next, { change: 'deactivated', version: row.version + 1, actor, at: new Date().toISOString(), reason: body.reason });
    });
    return this.view(id);
  }

  /**
   * The office's spreadsheet: all rows or none. A parent is named by an organisation
   * already registered or by another row of the sheet (in any order).
   */
  async import(actor: Actor, file: Buffer | undefined) {
    await requireAccess(this.db, actor, 'register.write');
    if (!file || file.length === 0) throw invalidInput([fieldIssue('body', { key: 'sheet_empty_body' })]);
    const { rows, named, issues } = await readOrganizationSheet(file);
    const ids = await nameTaken(this.db.transaction().execute(async (tx) => {
      const names = [...new Set(named.flatMap((r) => [r.name, ...(r.parentName ? [r.parentName] : [])]))];
      const registered = new Map((await findOrganizationsByName(tx, names)).map((o) => [o.name, o.id]));
      const inSheet = new Map<string, { row: number; id: string }>();
      const problems: FieldIssue[] = [...issues];
      for (const row of named) {
        const bad = (key: string, message: string) => problems.push({ field: `rows.${row.row}.${key}`, row: row.row, message });
        if (registered.has(row.name)) bad('name', `${row.name} is already in the register`);
        else if (inSheet.has(row.name)) bad('name', `${row.name} is also on row ${inSheet.get(row.name)!.row}`);
        else inSheet.set(row.name, { row: row.row, id: randomUUID() });
      }
      const parentOf = new Map<string, string | null>();
      for (const row of named) {
        const { parentName } = row;
        if (parentName === null) continue;
        if (parentName === row.name) {
          problems.push(fieldIssue(`rows.${row.row}.parent`, { key: 'parent_is_self' }, { row: row.row }));
        } else if (!registered.has(parentName) && !inSheet.has(parentName)) {
          problems.push(fieldIssue(`rows.${row.row}.parent`, { key: 'parent_unknown', params: { parent: parentName } }, { row: row.row }));
        } else if (!parentOf.has(row.name)) {
          parentOf.set(row.name, parentName);
        }
      }
      for (const row of named) {
        // Follow the sheet's parents upwards: coming back to the row is a loop.
        const seen = new Set<string>([row.name]);
        for (let up = parentOf.get(row.name); up && inSheet.has(up); up = parentOf.get(up)) {
          if (seen.has(up)) {
            problems.push(fieldIssue(`rows.${row.row}.parent`, { key: 'parent_loop' }, { row: row.row }));
            break;
          }
          seen.add(up);
        }
      }
      if (problems.length) {
        problems.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
        throw invalidInput(problems);
      }
      const at = new Date().toISOString();
      // Parents first, so each row's parent exists when it is written.
      const written = new Set<string>();
      const rowNamed = new Map(rows.map((r) => [r.fields.name, r]));
      const write = async (name: string): Promise<void> => {
        if (written.has(name) || !inSheet.has(name)) return;
        const parent = parentOf.get(name) ?? null;
        if (parent) await write(parent);
        const row = rowNamed.get(name)!;
        const parentId = parent === null ? null : (registered.get(parent) ?? inSheet.get(parent)!.id);
        await writeOrganization(tx, inSheet.get(name)!.id, { ...row.fields, parentId }, { change: 'imported', version: 1, actor, at, reason: null });
        written.add(name);
      };
      for (const row of rows) await write(row.fields.name);
      return rows.map((r) => inSheet.get(r.fields.name)!.id);
    }));
    const written = await Promise.all(ids.map((id) => findOrganization(this.db, id)));
    return { imported: ids.length, organizations: written.map((row) => toOrganizationView(row!)) };
  }

  async template(actor: Actor) {
    await requireAccess(this.db, actor, 'register.read');
    return importTemplateXlsx();
  }

  private async view(id: string) {
    return toOrganizationView((await findOrganization(this.db, id))!);
  }
}

async function lockCurrent(tx: Transaction<Database>, id: string, version: number) {
  const row = await lockOrganization(tx, id);
  if (!row) throw notFound('organization', id);
  if (row.version !== version) throw conflict({ key: 'organization_version', params: { version: row.version } }, { currentVersion: row.version });
  return row;
}

async function checkParent(tx: Transaction<Database>, id: string, parentId: string | null): Promise<void> {
  if (parentId === null) return;
  if (!(await findOrganization(tx, parentId))) throw invalidInput([fieldIssue('body.parentId', { key: 'not_registered_organization' })]);
  if (await isSelfOrBelow(tx, id, parentId)) throw invalidInput([fieldIssue('body.parentId', { key: 'parent_is_self_or_below' })]);
}

async function checkNameFree(tx: Transaction<Database>, name: string, self: string | null): Promise<void> {
  const [twin] = await findOrganizationsByName(tx, [name]);
  if (twin && twin.id !== self) throw conflict({ key: 'organization_name_taken', params: { name } }, { organizationId: twin.id });
}

/** Two writers racing for one name: the unique index decides, and the loser hears it as a 409. */
async function nameTaken<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw conflict({ key: 'organization_registered_meanwhile' });
    throw error;
  }
}
