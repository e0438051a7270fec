import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireAccess, type Permission } from '../api/access.js';
import { loadInspection, type Inspection } from '../api/views.js';
import { insertRecord } from '../db/records.repository.js';
import { insertLaunchedRound } from '../db/rounds.repository.js';
import type { RoundPlan } from '../workflows/messages.js';
import { ROLES, type Actor, type Role } from '../workflows/roles.js';
import { resolveApprovalChains, resolveDueDays, type RecordKind } from '../workflows/stages.js';
import { auditor, leaderOne, leadingGroup, memberOne, memberTwo, office, outsider } from './support/people.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

const liaison: Actor = { sub: 'liaison-he', name: '何联络员', roles: ['liaison'] };
const inspectionId = '33333333-3333-4333-8333-333333333333';
const plan: RoundPlan = {
  roundId: '44444444-4444-4444-8444-444444444444',
  name: '2021年第三轮巡察',
  year: 2021,
  plannedStart: '2021-10-08',
  plannedEnd: '2021-12-31',
  focus: [],
  approvalChains: resolveApprovalChains(),
  stageDueDays: resolveDueDays(),
  escalateAfterHours: 72,
  launchedBy: office,
  inspections: [
    {
      inspectionId,
      position: 0,
      target: { name: '质监支队', principalLeader: '杨支队长', extensions: [], liaison: { sub: liaison.sub, name: liaison.name } },
      group: {
        name: '第一巡察组',
        leader: { sub: leaderOne.sub, name: leaderOne.name },
        members: [
          { sub: memberOne.sub, name: memberOne.name, homeUnit: null },
          { sub: memberTwo.sub, name: memberTwo.name, homeUnit: null },
        ],
      },
    },
  ],
};

let database: TestDatabase;
let inspection: Inspection;

beforeAll(async () => {
  database = await createTestDatabase();
  await insertLaunchedRound(database.db, plan, '2021-10-08T01:00:00.000Z');
  // memberTwo's declaration waits for the office: it keeps them out until decided.
  await database.db.transaction().execute((tx) =>
    insertRecord(tx, {
    id: '55555555-5555-4555-8555-555555555555',
    inspectionId,
    kind: 'recusal_declaration',
    stage: 'preparation',
    data: { memberSub: memberTwo.sub, hasRelation: true, relation: '配偶在该单位任职' },
    reviewStatus: null,
    decisionStatus: 'pending',
    actor: memberTwo,
    at: '2021-10-09T01:00:00.000Z',
  }),
  );
  inspection = await loadInspection(database.db, inspectionId);
});
afterAll(() => database?.drop());

/** The HTTP status a request would get: 200 when allowed. */
async function answer(run: () => Promise<void>): Promise<number> {
  try {
    await run();
    return 200;
  } catch (error) {
    return (error as { statusCode?: number }).statusCode ?? 500;
  }
}

const asRole = (role: Role): Actor => ({ sub: `someone-${role}`, name: role, roles: [role] });

describe('who may do what', () => {
  it('lets only the office launch and cancel rounds, and the office, leading group and auditors follow progress or read raw histories', async () => {
    const allowed: Partial<Record<Permission, Role[]>> = {
      'round.launch': ['office'],
      'round.cancel': ['office'],
      'round.progress': ['office', 'leading_group', 'auditor'],
      'inspection.raw_history': ['office', 'leading_group', 'auditor'],
    };
    for (const [permission, roles] of Object.entries(allowed) as [Permission, Role[]][]) {
      for (const role of ROLES) {
        const status = await answer(() => requireAccess(database.db, asRole(role), permission as 'round.launch'));
        expect({ permission, role, status }).toEqual({ permission, role, status: roles.includes(role) ? 200 : 403 });
      }
    }
  });

  it('shows an inspection to the round-wide roles and its own group only, and keeps a member with an undecided declaration from submitting', async () => {
    const cases: [Actor, 'inspection.read' | 'inspection.submit', number][] = [
      [office, 'inspection.read', 200],
      [leadingGroup, 'inspection.read', 200],
      [auditor, 'inspection.read', 200],
      [leaderOne, 'inspection.read', 200],
      [memberTwo, 'inspection.read', 200],
      [outsider, 'inspection.read', 403],
      [liaison, 'inspection.read', 403],
      [leaderOne, 'inspection.submit', 200],
      [memberTwo, 'inspection.submit', 403],
    ];
    for (const [actor, permission, expected] of cases) {
      const status = await answer(() => requireAccess(database.db, actor, permission, inspection));
      expect({ actor: actor.sub, permission, status }).toEqual({ actor: actor.sub, permission, status: expected });
    }
  });

  it('lets each kind be written by the writers it declares, and a member kept out still correct their own declaration', async () => {
    const cases: [Actor, RecordKind, number][] = [
      [memberOne, 'talk', 200],
      [memberTwo, 'talk', 403],
      [memberTwo, 'recusal_declaration', 200],
      [office, 'talk', 403],
      [office, 'inspector_evaluation', 200],
      [liaison, 'rectification_item', 200],
      [liaison, 'talk', 403],
      [outsider, 'briefing', 403],
    ];
    for (const [actor, kind, expected] of cases) {
      const status = await answer(() => requireAccess(database.db, actor, 'record.write', { inspection, kind }));
      expect({ actor: actor.sub, kind, status }).toEqual({ actor: actor.sub, kind, status: expected });
    }
  });

  it('shows the liaison only the kinds they take part in, and never the report', async () => {
    expect(await answer(() => requireAccess(database.db, liaison, 'record.read', { inspection, kind: 'rectification_item' }))).toBe(200);
    expect(await answer(() => requireAccess(database.db, liaison, 'record.read', { inspection, kind: 'problem' }))).toBe(403);
    expect(await answer(() => requireAccess(database.db, liaison, 'report.read', inspection))).toBe(403);
    expect(await answer(() => requireAccess(database.db, memberTwo, 'report.read', inspection))).toBe(403);
    expect(await answer(() => requireAccess(database.db, auditor, 'report.read', inspection))).toBe(200);
  });

  it('has each request decided by the role its kind names, never by the one who made it, and refuses a decision a kind does not take', async () => {
    const request = (kind: 'major_matter' | 'talk', by: Actor) => ({ inspection, record: { kind, created_by_sub: by.sub } });
    expect(await answer(() => requireAccess(database.db, leadingGroup, 'record.decide', request('major_matter', memberOne)))).toBe(200);
    expect(await answer(() => requireAccess(database.db, office, 'record.decide', request('major_matter', memberOne)))).toBe(403);
    const selfMade = { inspection, record: { kind: 'major_matter' as const, created_by_sub: leadingGroup.sub } };
    expect(await answer(() => requireAccess(database.db, leadingGroup, 'record.decide', selfMade))).toBe(403);
    expect(await answer(() => requireAccess(database.db, leadingGroup, 'record.decide', request('talk', memberOne)))).toBe(409);
    expect(await answer(() => requireAccess(database.db, leaderOne, 'record.review', request('talk', memberOne)))).toBe(409);
  });
});
