import { sql, type Kysely } from 'kysely';

// Frozen in time: literals are written out here, never imported from app code.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('rounds')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('planned_start', 'text', (c) => c.notNull())
    .addColumn('planned_end', 'text', (c) => c.notNull())
    .addColumn('focus', 'jsonb', (c) => c.notNull())
    .addColumn('approval_chains', 'jsonb', (c) => c.notNull())
    .addColumn('stage_due_days', 'jsonb', (c) => c.notNull())
    .addColumn('escalate_after_hours', 'double precision', (c) => c.notNull())
    .addColumn('launched_by_sub', 'text', (c) => c.notNull())
    .addColumn('launched_by_name', 'text', (c) => c.notNull())
    .addColumn('launched_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'completed', 'cancelled')`))
    .addColumn('status_changed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status_reason', 'text')
    .execute();

  await db.schema
    .createTable('round_events')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('round_id', 'uuid', (c) => c.notNull().references('rounds.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('actor_sub', 'text', (c) => c.notNull())
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addColumn('request_id', 'text')
    .addUniqueConstraint('round_events_once', ['round_id', 'kind'])
    .execute();

  await db.schema
    .createTable('inspections')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('round_id', 'uuid', (c) => c.notNull().references('rounds.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('target', 'jsonb', (c) => c.notNull())
    .addColumn('group_name', 'text', (c) => c.notNull())
    .addColumn('leader_sub', 'text', (c) => c.notNull())
    .addColumn('leader_name', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('open', 'submitted', 'completed', 'cancelled')`))
    .addColumn('awaiting_role', 'text')
    .addColumn('submitted_by_sub', 'text')
    .addColumn('stage_opened_at', 'timestamptz', (c) => c.notNull())
    .addColumn('stage_due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('overdue', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('last_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('inspections_round').on('inspections').columns(['round_id', 'position']).execute();
  await db.schema.createIndex('inspections_awaiting').on('inspections').column('awaiting_role').execute();

  await db.schema
    .createTable('inspection_members')
    .addColumn('inspection_id', 'uuid', (c) => c.notNull().references('inspections.id'))
    .addColumn('sub', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('home_unit', 'text')
    .addColumn('is_leader', 'boolean', (c) => c.notNull())
    .addPrimaryKeyConstraint('inspection_members_pk', ['inspection_id', 'sub'])
    .execute();
  await db.schema.createIndex('inspection_members_sub').on('inspection_members').column('sub').execute();

  await db.schema
    .createTable('inspection_events')
    .addColumn('inspection_id', 'uuid', (c) => c.notNull().references('inspections.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('actor_sub', 'text', (c) => c.notNull())
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('actor_roles', 'jsonb', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addColumn('request_id', 'text')
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('inspection_events_pk', ['inspection_id', 'seq'])
    .execute();

  // The history is append-only: the database itself refuses to change or remove a step.
  await sql`
    create function xuncha_refuse_history_change() returns trigger language plpgsql as $$
    begin
      raise exception 'inspection history is append-only (% refused)', tg_op;
    end;
    $$`.execute(db);
  await sql`
    create trigger inspection_events_append_only
    before update or delete on inspection_events
    for each row execute function xuncha_refuse_history_change()`.execute(db);

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('round_id', 'uuid', (c) => c.notNull().references('rounds.id'))
    .addColumn('inspection_id', 'uuid', (c) => c.notNull().references('inspections.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('recipient_role', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('notifications_inspection').on('notifications').column('inspection_id').execute();

  // What each request id returned, so a repeat is answered the same way even after the
  // workflow that served it has finished or continued as new.
  await db.schema
    .createTable('request_results')
    .addColumn('inspection_id', 'uuid', (c) => c.notNull().references('inspections.id'))
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('result', 'jsonb', (c) => c.notNull())
    .addPrimaryKeyConstraint('request_results_pk', ['inspection_id', 'request_id'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('request_results').execute();
  await db.schema.dropTable('notifications').execute();
  await sql`drop trigger inspection_events_append_only on inspection_events`.execute(db);
  await sql`drop function xuncha_refuse_history_change()`.execute(db);
  await db.schema.dropTable('inspection_events').execute();
  await db.schema.dropTable('inspection_members').execute();
  await db.schema.dropTable('inspections').execute();
  await db.schema.dropTable('round_events').execute();
  await db.schema.dropTable('rounds').execute();
}
