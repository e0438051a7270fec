import { sql, type Kysely } from 'kysely';

// A round is proposed by the office and authorised by the leading group before it
// starts (严格按授权和方案开展工作); groups change after launch; recusal and requests
// say what their decision means. Frozen in time: literals are written out here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table rounds drop constraint rounds_status_check`.execute(db);
  await sql`alter table rounds add constraint rounds_status_check
    check (status in ('proposed', 'returned', 'active', 'completed', 'cancelled'))`.execute(db);
  // The plan as last proposed or edited, and its version for stale-edit checks.
  await db.schema.alterTable('rounds').addColumn('proposal', 'jsonb').execute();
  await db.schema.alterTable('rounds').addColumn('version', 'integer', (c) => c.notNull().defaultTo(1)).execute();

  // Every step of a round's authorisation: proposed, edited, rejected, approved.
  await db.schema
    .createTable('round_authorisation_steps')
    .addColumn('round_id', 'uuid', (c) => c.notNull().references('rounds.id'))
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
    .addColumn('plan', 'jsonb')
    .addPrimaryKeyConstraint('round_authorisation_steps_pk', ['round_id', 'seq'])
    .addUniqueConstraint('round_authorisation_steps_request', ['round_id', 'request_id'])
    .execute();
  await sql`
    create trigger round_authorisation_steps_append_only
    before update or delete on round_authorisation_steps
    for each row execute function xuncha_refuse_history_change()`.execute(db);

  // 副组长: confirms the problem papers the group leader wrote.
  await db.schema.alterTable('inspection_members').addColumn('is_deputy', 'boolean', (c) => c.notNull().defaultTo(false)).execute();

  // Decisions say what they mean: approve/reject for requests, recused/not_recused for recusal.
  await sql`alter table records drop constraint records_decision_status_check`.execute(db);
  await sql`update records set decision_status = 'rejected' where decision_status = 'denied'`.execute(db);
  await sql`update records set decision_status = case decision_status when 'approved' then 'not_recused' else 'recused' end
    where kind = 'recusal_declaration' and decision_status in ('approved', 'rejected')`.execute(db);
  await sql`alter table records add constraint records_decision_status_check
    check (decision_status in ('pending', 'approved', 'rejected', 'recused', 'not_recused'))`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table records drop constraint records_decision_status_check`.execute(db);
  await sql`update records set decision_status = case decision_status when 'not_recused' then 'approved' else 'denied' end
    where decision_status in ('rejected', 'recused', 'not_recused')`.execute(db);
  await sql`alter table records add constraint records_decision_status_check
    check (decision_status in ('pending', 'approved', 'denied'))`.execute(db);
  await db.schema.alterTable('inspection_members').dropColumn('is_deputy').execute();
  await db.schema.dropTable('round_authorisation_steps').execute();
  await db.schema.alterTable('rounds').dropColumn('version').execute();
  await db.schema.alterTable('rounds').dropColumn('proposal').execute();
  await sql`alter table rounds drop constraint rounds_status_check`.execute(db);
  await sql`alter table rounds add constraint rounds_status_check
    check (status in ('active', 'completed', 'cancelled'))`.execute(db);
}
