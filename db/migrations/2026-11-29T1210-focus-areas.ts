import { sql, type Kysely } from 'kysely';

/**
 * The focus areas (重点) the office keeps for rounds to pick from: the key matters and
 * key problems the seed names, and the four 落实 of political inspection practice.
 * Key people (一把手, the leadership team) are not categories: a paper says whether
 * they are involved.
 */
export const SEEDED_FOCUS_AREAS: { name: string; grouping: string }[] = [
  ...['行政许可', '行政审批', '行政执法', '国有资产处置', '财政资金使用', '选人用人'].map((name) => ({ name, grouping: 'key_matters' })),
  ...['以权谋私', '权钱交易', '利益输送'].map((name) => ({ name, grouping: 'key_problems' })),
  ...[
    '落实党的路线方针政策和党中央决策部署',
    '落实全面从严治党战略部署',
    '落实新时代党的组织路线',
    '落实巡视巡察、审计等监督发现问题整改',
  ].map((name) => ({ name, grouping: 'implementation' })),
];

// Append-only like the history: an area is deactivated by a later row, never deleted,
// so a round that picked it years ago still names something the list explains.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('focus_area_events')
    .addColumn('seq', 'serial', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('grouping', 'text', (c) => c.notNull())
    .addColumn('change', 'text', (c) => c.notNull().check(sql`change in ('added', 'deactivated')`))
    .addColumn('actor_sub', 'text', (c) => c.notNull())
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('reason', 'text')
    .execute();
  await db.schema.createIndex('focus_area_events_name').on('focus_area_events').columns(['name', 'seq']).execute();
  await sql`
    create trigger focus_area_events_append_only
    before update or delete on focus_area_events
    for each row execute function xuncha_refuse_history_change()`.execute(db);
  await db
    .insertInto('focus_area_events')
    .values(SEEDED_FOCUS_AREAS.map((area) => ({ ...area, change: 'added', actor_sub: 'system', actor_name: 'xuncha' })))
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('focus_area_events').execute();
}
