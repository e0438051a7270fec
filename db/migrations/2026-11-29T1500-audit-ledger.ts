import { sql, type Kysely } from 'kysely';

// The second chain: every row an auditor must be able to trust that is not a step of
// the inspection's history (the plan, the group, every record and report version, the
// remembered answers, the frozen report) enters a per-inspection hash chain in the
// same transaction that writes it, from a trigger, so no code path can forget it.
// Verify recomputes each row's content hash with the same expressions
// (db/ledger.repository.ts holds the reference copy; these are frozen in time).
//
// Also: stage freezes enforced by the database, TRUNCATE refused, the remembered
// answers append-only, and the signed checkpoints' table.

/** scope, key and content of each covered table, over its row as `t`. */
const SOURCES: Record<string, { scope: string; key: string; content: string }> = {
  inspections: {
    scope: `t.id::text`,
    key: `'"plan"'`,
    content: `jsonb_build_object('id', t.id, 'round_id', t.round_id, 'position', t.position, 'target', t.target,
      'group_name', t.group_name, 'leader_sub', t.leader_sub, 'leader_name', t.leader_name,
      'round', (select jsonb_build_object('name', r.name, 'year', r.year, 'planned_start', r.planned_start,
        'planned_end', r.planned_end, 'focus', r.focus, 'approval_chains', r.approval_chains,
        'stage_due_days', r.stage_due_days, 'escalate_after_hours', r.escalate_after_hours,
        'questionnaire_min_answers', r.questionnaire_min_answers) from rounds r where r.id = t.round_id))`,
  },
  inspection_members: {
    scope: `t.inspection_id::text`,
    key: `to_jsonb(t.sub)::text`,
    content: `to_jsonb(t)`,
  },
  record_versions: {
    scope: `(select r.inspection_id::text from records r where r.id = t.record_id)`,
    key: `jsonb_build_array(t.record_id, t.version)::text`,
    content: `to_jsonb(t) || jsonb_build_object('at', extract(epoch from t.at), 'record',
      (select jsonb_build_object('inspection_id', r.inspection_id, 'kind', r.kind, 'stage', r.stage,
        'created_by_sub', r.created_by_sub) from records r where r.id = t.record_id))`,
  },
  report_section_versions: {
    scope: `t.inspection_id::text`,
    key: `jsonb_build_array(t.section, t.version)::text`,
    content: `to_jsonb(t) || jsonb_build_object('at', extract(epoch from t.at))`,
  },
  request_results: {
    scope: `t.inspection_id::text`,
    key: `to_jsonb(t.request_id)::text`,
    content: `to_jsonb(t)`,
  },
  idempotent_requests: {
    scope: `'requests:' || t.actor_sub`,
    key: `to_jsonb(t.key)::text`,
    content: `to_jsonb(t) || jsonb_build_object('created_at', extract(epoch from t.created_at))`,
  },
  frozen_reports: {
    scope: `t.inspection_id::text`,
    key: `'"report"'`,
    content: `(to_jsonb(t) - 'docx') || jsonb_build_object('frozen_at', extract(epoch from t.frozen_at), 'docx', encode(sha256(t.docx), 'hex'))`,
  },
};

/** Tables whose rows, once written, never change or go (the ledger and checkpoints included). */
const APPEND_ONLY = ['request_results', 'ledger_entries', 'checkpoints'];

/** Row triggers do not see TRUNCATE; these refuse it outright. */
const NO_TRUNCATE = [
  'rounds',
  'round_events',
  'round_authorisation_steps',
  'inspections',
  'inspection_members',
  'inspection_events',
  'request_results',
  'records',
  'record_versions',
  'report_section_versions',
  'idempotent_requests',
  'questionnaire_answers',
  'frozen_reports',
  'ledger_entries',
  'checkpoints',
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('ledger_entries')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_key', 'text', (c) => c.notNull())
    // Null when the row was removed (a member leaving the group).
    .addColumn('content_hash', 'text')
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('ledger_entries_pk', ['scope', 'seq'])
    .execute();

  await db.schema
    .createTable('checkpoints')
    .addColumn('inspection_id', 'uuid', (c) => c.notNull().references('inspections.id'))
    .addColumn('step_seq', 'integer', (c) => c.notNull())
    .addColumn('step_hash', 'text', (c) => c.notNull())
    .addColumn('ledger_seq', 'integer', (c) => c.notNull())
    .addColumn('ledger_hash', 'text', (c) => c.notNull())
    .addColumn('signed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('checkpoints_pk', ['inspection_id', 'step_seq'])
    .execute();

  const branches = Object.entries(SOURCES)
    .map(
      ([table, s], i) => `
      ${i === 0 ? 'if' : 'elsif'} tg_table_name = '${table}' then
        select ${s.scope}, ${s.key}, ${s.content} into v_scope, v_key, v_content from (select row_.*) t;`,
    )
    .join('');
  await sql
    .raw(
      `
    create function xuncha_ledger_append() returns trigger language plpgsql as $$
    declare
      row_ record;
      v_scope text;
      v_key text;
      v_content jsonb;
      v_content_hash text;
      v_prev record;
      v_seq integer;
      v_prev_hash text;
    begin
      if tg_op = 'DELETE' then row_ := old; else row_ := new; end if;
      ${branches}
      end if;
      v_content_hash := case when tg_op = 'DELETE' then null
        else encode(sha256(convert_to(v_content::text, 'UTF8')), 'hex') end;
      -- One writer per chain at a time: inspections are locked by row (every writer
      -- locks its inspection first), request scopes by an advisory lock.
      if v_scope like 'requests:%' then
        perform pg_advisory_xact_lock(hashtextextended(v_scope, 0));
      else
        perform 1 from inspections where id = v_scope::uuid for update;
      end if;
      select seq, hash into v_prev from ledger_entries where scope = v_scope order by seq desc limit 1;
      v_seq := coalesce(v_prev.seq, 0) + 1;
      v_prev_hash := coalesce(v_prev.hash, repeat('0', 64));
      insert into ledger_entries (scope, seq, source, source_key, content_hash, prev_hash, hash)
      values (v_scope, v_seq, tg_table_name, v_key, v_content_hash, v_prev_hash,
        encode(sha256(convert_to(v_prev_hash || '|' || v_seq || '|' || tg_table_name || '|' || v_key || '|' || coalesce(v_content_hash, '-'), 'UTF8')), 'hex'));
      return null;
    end;
    $$`,
    )
    .execute(db);

  await sql`create trigger inspections_ledger after insert or update of round_id, position, target, group_name, leader_sub, leader_name on inspections for each row execute function xuncha_ledger_append()`.execute(db);
  await sql`create trigger inspection_members_ledger after insert or update or delete on inspection_members for each row execute function xuncha_ledger_append()`.execute(db);
  await sql`create trigger idempotent_requests_ledger after insert or update on idempotent_requests for each row execute function xuncha_ledger_append()`.execute(db);
  for (const table of ['record_versions', 'report_section_versions', 'request_results', 'frozen_reports']) {
    await sql.raw(`create trigger ${table}_ledger after insert on ${table} for each row execute function xuncha_ledger_append()`).execute(db);
  }

  // The application already writes only into the open stage; the database now refuses
  // anything else, so a version slipped into an approved stage needs the owner's rights.
  await sql`
    create function xuncha_refuse_frozen_write() returns trigger language plpgsql as $$
    declare
      v_stage text;
      v_state text;
      v_record_stage text;
    begin
      if tg_table_name = 'record_versions' then
        select i.stage, i.state, r.stage into v_stage, v_state, v_record_stage
        from records r join inspections i on i.id = r.inspection_id where r.id = new.record_id;
      else
        select i.stage, i.state, 'reporting' into v_stage, v_state, v_record_stage
        from inspections i where i.id = new.inspection_id;
      end if;
      if v_stage is distinct from v_record_stage or v_state is distinct from 'open' then
        raise exception 'stage % is frozen: no version can be written into it (the inspection is at % %)',
          v_record_stage, v_stage, v_state using errcode = '55000';
      end if;
      return new;
    end;
    $$`.execute(db);
  await sql`create trigger record_versions_open_stage before insert on record_versions for each row execute function xuncha_refuse_frozen_write()`.execute(db);
  await sql`create trigger report_section_versions_open_stage before insert on report_section_versions for each row execute function xuncha_refuse_frozen_write()`.execute(db);

  for (const table of APPEND_ONLY) {
    await sql
      .raw(`create trigger ${table}_append_only before update or delete on ${table} for each row execute function xuncha_refuse_history_change()`)
      .execute(db);
  }
  // An answer, once written, stays: only the claim's empty row may be filled in.
  await sql`
    create function xuncha_refuse_answer_change() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' or old.status is not null then
        raise exception 'remembered answers are append-only (% refused)', tg_op;
      end if;
      return new;
    end;
    $$`.execute(db);
  await sql`create trigger idempotent_requests_append_only before update or delete on idempotent_requests for each row execute function xuncha_refuse_answer_change()`.execute(db);

  await sql`
    create function xuncha_refuse_truncate() returns trigger language plpgsql as $$
    begin
      raise exception 'TRUNCATE of % refused: the audit trail is append-only', tg_table_name;
    end;
    $$`.execute(db);
  for (const table of NO_TRUNCATE) {
    await sql.raw(`create trigger ${table}_no_truncate before truncate on ${table} for each statement execute function xuncha_refuse_truncate()`).execute(db);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of NO_TRUNCATE) await sql.raw(`drop trigger if exists ${table}_no_truncate on ${table}`).execute(db);
  await sql`drop trigger if exists idempotent_requests_append_only on idempotent_requests`.execute(db);
  for (const table of ['request_results']) await sql.raw(`drop trigger if exists ${table}_append_only on ${table}`).execute(db);
  await sql`drop trigger if exists record_versions_open_stage on record_versions`.execute(db);
  await sql`drop trigger if exists report_section_versions_open_stage on report_section_versions`.execute(db);
  for (const table of Object.keys(SOURCES)) await sql.raw(`drop trigger if exists ${table}_ledger on ${table}`).execute(db);
  await db.schema.dropTable('checkpoints').execute();
  await db.schema.dropTable('ledger_entries').execute();
  await sql`drop function xuncha_refuse_truncate, xuncha_refuse_answer_change, xuncha_refuse_frozen_write, xuncha_ledger_append`.execute(db);
}
