import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { appendInspectionSteps, listHistory, verifyChain } from '../db/history.repository.js';
import { migrateToLatest } from '../db/migrate.js';
import { migrations } from '../db/migrations/index.js';
import { insertLaunchedRound } from '../db/rounds.repository.js';
import type { RoundPlan } from '../workflows/messages.js';
import { resolveApprovalChains, resolveDueDays } from '../workflows/stages.js';
import { createTestDatabase, usingPostgres, type TestDatabase } from './support/test-database.js';

const engine = usingPostgres ? 'PostgreSQL (DATABASE_URL)' : 'embedded PGlite';
let database: TestDatabase | undefined;
afterEach(async () => {
  await database?.drop();
  database = undefined;
});

const actor = { sub: 'office-wang', name: '王主任', roles: ['office' as const] };
const plan: RoundPlan = {
  roundId: '11111111-1111-4111-8111-111111111111',
  name: '2021年第三轮巡察',
  year: 2021,
  plannedStart: '2021-10-08',
  plannedEnd: '2021-12-31',
  focus: [],
  approvalChains: resolveApprovalChains(),
  stageDueDays: resolveDueDays(),
  escalateAfterHours: 72,
  launchedBy: actor,
  inspections: [
    {
      inspectionId: '22222222-2222-4222-8222-222222222222',
      position: 0,
      target: { name: '质监支队', principalLeader: '杨支队长', extensions: [], liaison: null },
      group: { name: '第二巡察组', leader: { sub: 'gl-zhou', name: '周组长' }, members: [] },
    },
  ],
};
const inspectionId = plan.inspections[0]!.inspectionId;
const at = '2021-10-08T01:00:00.000Z';
const status = {
  stage: 'preparation' as const,
  state: 'open' as const,
  awaitingRole: null,
  submittedBy: null,
  stageOpenedAt: at,
  stageDueAt: '2021-10-18T01:00:00.000Z',
  overdue: false,
};
const step = (seq: number, kind: 'stage_opened' | 'submitted', comment: string | null = null) => ({
  seq,
  kind,
  stage: 'preparation' as const,
  actor,
  at,
  comment,
  requestId: null,
  data: { level: 1, note: '巡前准备' },
});

describe(`migrations on ${engine}`, () => {
  it('build the schema from empty, and running them again changes nothing', async () => {
    database = await createTestDatabase({ migrate: false });
    const ran = await migrateToLatest(database.db);
    expect(ran).toEqual(Object.keys(migrations));
    expect(await migrateToLatest(database.db)).toEqual([]);
    const tables = await database.db.introspection.getTables();
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(['rounds', 'round_events', 'inspections', 'inspection_members', 'inspection_events', 'notifications', 'request_results']),
    );
  });

  it('keep the history append-only, and the hash chain shows a change made behind the trigger’s back', async () => {
    database = await createTestDatabase();
    const { db } = database;
    await insertLaunchedRound(db, plan, at);
    await insertLaunchedRound(db, plan, at); // a retried activity adds nothing
    await appendInspectionSteps(db, { inspectionId, roundId: plan.roundId, events: [step(1, 'stage_opened')], status: { ...status, seq: 1 }, notices: [], result: null });
    const second = { inspectionId, roundId: plan.roundId, events: [step(2, 'submitted', '请审批')], status: { ...status, seq: 2 }, notices: [], result: null };
    await appendInspectionSteps(db, second);
    await appendInspectionSteps(db, second);

    const history = await listHistory(db, inspectionId);
    expect(history.map((e) => e.seq)).toEqual([1, 2]);
    expect(verifyChain(inspectionId, history)).toMatchObject({ intact: true, steps: 2 });

    await expect(sql`update inspection_events set comment = 'changed' where seq = 2`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from inspection_events where seq = 1`.execute(db)).rejects.toThrow(/append-only/);

    // Someone with owner rights turns the guard off and edits a step: the chain notices.
    await sql`alter table inspection_events disable trigger inspection_events_append_only`.execute(db);
    await sql`update inspection_events set comment = '改过的' where seq = 2`.execute(db);
    const tampered = verifyChain(inspectionId, await listHistory(db, inspectionId));
    expect(tampered).toMatchObject({ intact: false, firstBrokenSeq: 2 });
  });
});
