import { sql, type Kysely } from 'kysely';

// The register of organisations to inspect (被巡察党组织) and the term plans (巡察规划)
// that spread them over a term. Frozen in time: literals are written out here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('organizations')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    // One name per organisation across the register: spreadsheets and rounds name parents by it.
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'uuid', (c) => c.references('organizations.id'))
    .addColumn('principal_leader', 'text')
    .addColumn('active_from', 'text', (c) => c.notNull())
    .addColumn('active_until', 'text')
    .addColumn('deactivated', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('changed_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('organizations_parent').on('organizations').column('parent_id').execute();

  // Every version of every organisation, append-only: the register has no deletion.
  await db.schema
    .createTable('organization_versions')
    .addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('change', 'text', (c) => c.notNull().check(sql`change in ('created', 'imported', 'edited', 'deactivated')`))
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('actor_sub', 'text', (c) => c.notNull())
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('organization_versions_pk', ['organization_id', 'version'])
    .execute();
  await sql`
    create trigger organization_versions_append_only
    before update or delete on organization_versions
    for each row execute function xuncha_refuse_history_change()`.execute(db);

  await db.schema
    .createTable('terms')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('starts_on', 'text', (c) => c.notNull())
    .addColumn('ends_on', 'text', (c) => c.notNull())
    .addColumn('scope_root_id', 'uuid', (c) => c.references('organizations.id'))
    .addColumn('scope_levels', 'jsonb', (c) => c.notNull())
    .addColumn('assignments', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('proposed', 'returned', 'approved')`))
    .addColumn('status_changed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('proposed_by_sub', 'text', (c) => c.notNull())
    .addColumn('proposed_by_name', 'text', (c) => c.notNull())
    .addColumn('proposed_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('term_steps')
    .addColumn('term_id', 'uuid', (c) => c.notNull().references('terms.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('proposed', 'edited', 'rejected', 'approved')`))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('actor_sub', 'text', (c) => c.notNull())
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('actor_roles', 'jsonb', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addColumn('meeting', 'jsonb')
    .addColumn('request_id', 'text')
    .addPrimaryKeyConstraint('term_steps_pk', ['term_id', 'seq'])
    .addUniqueConstraint('term_steps_request', ['term_id', 'request_id'])
    .execute();
  await sql`
    create trigger term_steps_append_only
    before update or delete on term_steps
    for each row execute function xuncha_refuse_history_change()`.execute(db);

  // Coverage and statistics find a registered organisation's inspections by the id
  // their target carries; extensions are few per inspection and read from the row.
  await sql`create index inspections_target_organization on inspections ((target->>'organizationId'))`.execute(db);
  await db.schema.createIndex('records_kind').on('records').columns(['kind', 'inspection_id']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('records_kind').execute();
  await sql`drop index inspections_target_organization`.execute(db);
  await db.schema.dropTable('term_steps').execute();
  await db.schema.dropTable('terms').execute();
  await db.schema.dropTable('organization_versions').execute();
  await db.schema.dropTable('organizations').execute();
}
