import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireAccess } from '../api/access.js';
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
  ...{ roundId: '44444444-4444-4444-8444-444444444444', name: '2021年第三轮巡察', year: 2021, focus: [] },
  ...{ plannedStart: '2021-10-08', plannedEnd: '2021-12-31', launchedBy: office, escalateAfterHours: 72 },
  ...{ approvalChains: resolveApprovalChains(), stageDueDays: resolveDueDays() },
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
  // The leader declared and the office cleared them (无需回避): they read the inspection.
  await database.db.transaction().execute((tx) =>
    insertRecord(tx, {
      id: '66666666-6666-4666-8666-666666666666',
      inspectionId,
      kind: 'recusal_declaration',
      stage: 'preparation',
      data: { memberSub: leaderOne.sub, hasRelation: false },
      reviewStatus: null,
      decisionStatus: 'not_recused',
      actor: leaderOne,
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

type Case = [label: string, run: () => Promise<void>, expected: number];

/** Runs every case and compares all their statuses at once, so a failure lists each wrong one. */
async function expectStatuses(cases: Case[]): Promise<void> {
  const got: [string, number][] = [];
  for (const [label, run] of cases) got.push([label, await answer(run)]);
  expect(got).toEqual(cases.map(([label, , expected]) => [label, expected]));
}

const asRole = (role: Role): Actor => ({ sub: `someone-${role}`, name: role, roles: [role] });

describe('who may do what', () => {
  it('lets only the office launch and cancel rounds, and the office, leading group and auditors follow progress or read raw histories', async () => {
    const allowed: Record<'round.launch' | 'round.authorise' | 'inspection.change_group' | 'round.cancel' | 'round.progress' | 'inspection.raw_history', Role[]> = {
      'round.launch': ['office'],
      'round.authorise': ['leading_group'],
      'inspection.change_group': ['office'],
      'round.cancel': ['office'],
      'round.progress': ['office', 'leading_group', 'auditor'],
      'inspection.raw_history': ['office', 'leading_group', 'auditor'],
    };
    await expectStatuses(
      Object.entries(allowed).flatMap(([permission, roles]) =>
        ROLES.map((role): Case => [
          `${role} ${permission}`,
          () => requireAccess(database.db, asRole(role), permission as keyof typeof allowed),
          roles.includes(role) ? 200 : 403,
        ]),
      ),
    );
  });

  it('shows an inspection to the round-wide roles and its own group only, and keeps a member with an undecided declaration out of it but for their declaration', async () => {
    const may = (permission: 'inspection.read' | 'inspection.submit' | 'inspection.declaration', actor: Actor) => () =>
      requireAccess(database.db, actor, permission, inspection);
    await expectStatuses([
      ['office reads', may('inspection.read', office), 200],
      ['leading group reads', may('inspection.read', leadingGroup), 200],
      ['auditor reads', may('inspection.read', auditor), 200],
      ['group leader reads', may('inspection.read', leaderOne), 200],
      ['undecided member reads', may('inspection.read', memberTwo), 403],
      ['undecided member reads their declaration page', may('inspection.declaration', memberTwo), 200],
      ['office reads a declaration page', may('inspection.declaration', office), 403],
      ['another group’s member reads', may('inspection.read', outsider), 403],
      ['liaison reads', may('inspection.read', liaison), 403],
      ['group leader submits', may('inspection.submit', leaderOne), 200],
      ['undecided member submits', may('inspection.submit', memberTwo), 403],
    ]);
  });

  it('lets each kind be written by the writers it declares, and a member kept out still correct their own declaration', async () => {
    const writes = (actor: Actor, kind: RecordKind): Case[1] => () => requireAccess(database.db, actor, 'record.write', { inspection, kind });
    await expectStatuses([
      ['member writes a talk', writes(memberOne, 'talk'), 200],
      ['undecided member writes a talk', writes(memberTwo, 'talk'), 403],
      ['undecided member corrects their declaration', writes(memberTwo, 'recusal_declaration'), 200],
      ['office writes a talk', writes(office, 'talk'), 403],
      ['office evaluates an inspector', writes(office, 'inspector_evaluation'), 200],
      ['liaison reports rectification', writes(liaison, 'rectification_item'), 200],
      ['liaison writes a talk', writes(liaison, 'talk'), 403],
      ['another group’s member writes a briefing', writes(outsider, 'briefing'), 403],
    ]);
  });

  it('shows the liaison only the kinds they take part in, and never the report', async () => {
    await expectStatuses([
      ['liaison reads rectification', () => requireAccess(database.db, liaison, 'record.read', { inspection, kind: 'rectification_item' }), 200],
      ['liaison reads a talk', () => requireAccess(database.db, liaison, 'record.read', { inspection, kind: 'talk' }), 403],
      ['liaison reads the report', () => requireAccess(database.db, liaison, 'report.read', inspection), 403],
      ['undecided member reads the report', () => requireAccess(database.db, memberTwo, 'report.read', inspection), 403],
      ['auditor reads the report', () => requireAccess(database.db, auditor, 'report.read', inspection), 200],
    ]);
  });

  it('has each request decided by the role its kind names, never by the one who made it, and refuses a decision a kind does not take', async () => {
    const on = (kind: 'major_matter' | 'talk', by: Actor) => ({ inspection, record: { kind, created_by_sub: by.sub } });
    await expectStatuses([
      ['leading group decides a major matter', () => requireAccess(database.db, leadingGroup, 'record.decide', on('major_matter', memberOne)), 200],
      ['office decides a major matter', () => requireAccess(database.db, office, 'record.decide', on('major_matter', memberOne)), 403],
      ['leading group decides its own request', () => requireAccess(database.db, leadingGroup, 'record.decide', on('major_matter', leadingGroup)), 403],
      ['leading group decides a talk', () => requireAccess(database.db, leadingGroup, 'record.decide', on('talk', memberOne)), 409],
      ['group leader reviews a talk', () => requireAccess(database.db, leaderOne, 'record.review', on('talk', memberOne)), 409],
    ]);
  });
});
