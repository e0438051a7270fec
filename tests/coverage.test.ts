import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.js';
import { auditor, launchBody, leadingGroup, memberOne, office, partyCommittee } from './support/people.js';
import { register, sheet, upload } from './support/register.js';
import { launchRound, meetingFor, rid } from './support/walk.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('the register of organisations to inspect', () => {
  it('keeps every version of an organisation, deactivates instead of deleting, and refuses what would break the tree', async () => {
    const department = await register(h, { name: '自治区交通运输厅党组', kind: 'party_group', level: 'department' });
    const bureau = await register(h, {
      name: '自治区道路运输管理局党委',
      kind: 'party_committee',
      level: 'county',
      parentId: department.id,
      principalLeader: '马局长',
    });

    const renamed = await h.call(office, 'PATCH', `/api/v1/organizations/${bureau.id}`, { principalLeader: '牛局长', version: 1 });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(renamed.body).toMatchObject({ principalLeader: '牛局长', version: 2, parentId: department.id, active: true });
    // Someone who read version 1 cannot overwrite version 2.
    const stale = await h.call(office, 'PATCH', `/api/v1/organizations/${bureau.id}`, { principalLeader: '马局长', version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.details).toEqual({ currentVersion: 2 });

    // A parent below the organisation would make a loop; a name already taken is a second organisation.
    const loop = await h.call(office, 'PATCH', `/api/v1/organizations/${department.id}`, { parentId: bureau.id, version: 1 });
    expect(loop.status).toBe(400);
    expect(loop.body.details.issues.map((i: { field: string }) => i.field)).toEqual(['body.parentId']);
    const twin = await h.call(office, 'POST', '/api/v1/organizations', { name: '自治区交通运输厅党组', kind: 'party_group', level: 'department', activeFrom: '2020-01-01' });
    expect(twin.status).toBe(409);

    const ended = await h.call(office, 'POST', `/api/v1/organizations/${bureau.id}/deactivation`, { version: 2, activeUntil: '2023-06-30', reason: '机构改革，并入综合行政执法局' });
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    expect(ended.body).toMatchObject({ active: false, activeUntil: '2023-06-30', version: 3 });
    expect((await h.call(office, 'PATCH', `/api/v1/organizations/${bureau.id}`, { principalLeader: '新局长', version: 3 })).status).toBe(409);
    expect((await h.call(office, 'DELETE', `/api/v1/organizations/${bureau.id}`)).status).toBe(404);

    const read = await h.call(auditor, 'GET', `/api/v1/organizations/${bureau.id}`);
    expect(read.status).toBe(200);
    expect(read.body.history.map((v: { version: number; change: string }) => [v.version, v.change])).toEqual([
      [1, 'created'],
      [2, 'edited'],
      [3, 'deactivated'],
    ]);
    expect(read.body.history[0].data.principalLeader).toBe('马局长');
    expect(read.body.history[1].data.principalLeader).toBe('牛局长');
    expect(read.body.history[2]).toMatchObject({ reason: '机构改革，并入综合行政执法局', actor: { sub: office.sub, name: office.name } });

    const active = await h.call(leadingGroup, 'GET', '/api/v1/organizations?active=true');
    expect(active.body.organizations.map((o: { name: string }) => o.name)).not.toContain('自治区道路运输管理局党委');
    const all = await h.call(partyCommittee, 'GET', '/api/v1/organizations');
    expect(all.body.organizations.map((o: { name: string }) => o.name)).toContain('自治区道路运输管理局党委');

    // Only the office writes; a group member does not read the register.
    expect((await h.call(leadingGroup, 'POST', '/api/v1/organizations', { name: '某党委', kind: 'party_committee', level: 'county', activeFrom: '2020-01-01' })).status).toBe(403);
    expect((await h.call(memberOne, 'GET', '/api/v1/organizations')).status).toBe(403);
  });

  it('imports a spreadsheet whole or not at all: two bad rows are named together and nothing is written', async () => {
    const before = (await h.call(office, 'GET', '/api/v1/organizations')).body.organizations.length;
    const rows = [
      // A child before its parent: the sheet's order does not matter.
      ['伊犁公路管理局党委', '党委', '县处级', '自治区公路管理局党委', '艾局长', '2019-01-01', null],
      ['自治区公路管理局党委', '党委', '厅局级', null, '王局长', '2018-01-01', null],
      ['塔城公路管理局党委', '党小组', '县处级', '自治区公路管理局党委', '', '2019-01-01', null],
      ['阿勒泰公路管理局党委', 'party_committee', 'county', '自治区公路管理局党委', '', new Date(Date.UTC(2019, 0, 1)), null],
      ['博州公路管理局党委', '党委', '县处级', '不存在的上级党委', '', '2019-13-01', null],
    ];
    const refused = await upload(h, office, '/api/v1/organizations/imports', await sheet(rows));
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_input');
    const issues = refused.body.details.issues as { row: number; field: string }[];
    expect([...new Set(issues.map((i) => i.row))]).toEqual([4, 6]);
    expect(issues.map((i) => i.field).sort()).toEqual(['rows.4.kind', 'rows.6.activeFrom', 'rows.6.parent'].sort());
    // Row errors are said in Chinese by default: the office reads them beside its spreadsheet.
    expect((refused.body.details.issues as { field: string; message: string }[]).find((i) => i.field === 'rows.4.kind')!.message).toMatch(/^须为.*之一（实为“/);
    expect((await h.call(office, 'GET', '/api/v1/organizations')).body.organizations.length).toBe(before);

    rows[2]![1] = '党委';
    rows[4]![3] = '自治区公路管理局党委';
    rows[4]![5] = '2019-03-01';
    const imported = await upload(h, office, '/api/v1/organizations/imports', await sheet(rows));
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    expect(imported.body.imported).toBe(5);
    const byName = new Map((imported.body.organizations as { id: string; name: string; parentId: string | null; activeFrom: string; level: string }[]).map((o) => [o.name, o]));
    const parent = byName.get('自治区公路管理局党委')!;
    expect(parent).toMatchObject({ parentId: null, level: 'department' });
    for (const child of ['伊犁公路管理局党委', '塔城公路管理局党委', '阿勒泰公路管理局党委', '博州公路管理局党委']) {
      expect(byName.get(child)).toMatchObject({ parentId: parent.id, level: 'county' });
    }
    expect(byName.get('阿勒泰公路管理局党委')!.activeFrom).toBe('2019-01-01');
    const history = await h.call(office, 'GET', `/api/v1/organizations/${parent.id}`);
    expect(history.body.history.map((v: { change: string }) => v.change)).toEqual(['imported']);

    // The same sheet again: every row is already registered, so nothing is imported.
    const again = await upload(h, office, '/api/v1/organizations/imports', await sheet(rows));
    expect(again.status).toBe(400);
    expect(again.body.details.issues).toHaveLength(5);
    expect((await upload(h, office, '/api/v1/organizations/imports', Buffer.from('not a spreadsheet'))).status).toBe(400);
    // A file that is not a spreadsheet by its type, or larger than the import takes, is refused in the one error shape.
    const wrongType = await upload(h, office, '/api/v1/organizations/imports', await sheet(rows), 'text/csv');
    expect([wrongType.status, wrongType.body.error]).toEqual([415, 'unsupported_media_type']);
    const tooLarge = await upload(h, office, '/api/v1/organizations/imports', Buffer.alloc(10 * 1024 * 1024 + 1));
    expect([tooLarge.status, tooLarge.body.error]).toEqual([413, 'payload_too_large']);
    expect((await upload(h, leadingGroup, '/api/v1/organizations/imports', await sheet(rows))).status).toBe(403);
  });
});

describe('a term plan and its coverage', () => {
  it('is proposed by the office and approved by the leading group at a meeting; two rounds cover part of the scope and coverage shows exactly the rest', async () => {
    const root = await register(h, { name: '自治区交通运输厅党委', kind: 'party_committee', level: 'department' });
    const units = [];
    for (const name of ['综合行政执法局党委', '质监支队党委', '口岸运输管理局党委', '公路规划院党委', '驾培中心党委']) {
      units.push(await register(h, { name, kind: 'party_committee', level: 'county', parentId: root.id }));
    }
    const [enforcement, quality, port, planning, training] = units as [(typeof units)[0], (typeof units)[0], (typeof units)[0], (typeof units)[0], (typeof units)[0]];
    // Below the scope's level: not in the term's coverage.
    const branch = await register(h, { name: '执法局第一支部', kind: 'branch', level: 'township', parentId: enforcement.id });
    // Another system: outside the subtree.
    const elsewhere = await register(h, { name: '自治区水利厅党组', kind: 'party_group', level: 'county' });

    const plan = {
      name: '第十一届厅党委任期巡察规划（2021—2025年）',
      startsOn: '2021-01-01',
      endsOn: '2025-12-31',
      scope: { rootId: root.id, levels: ['county'] },
      assignments: [
        { organizationId: enforcement.id, year: 2021 },
        { organizationId: planning.id, year: 2023 },
      ],
    };
    const outside = await h.call(office, 'POST', '/api/v1/terms', { ...plan, assignments: [{ organizationId: elsewhere.id, year: 2022 }, { organizationId: branch.id, year: 2030 }] });
    expect(outside.status).toBe(400);
    expect(outside.body.details.issues.map((i: { field: string }) => i.field).sort()).toEqual(['body.assignments.1.year']);
    const notInScope = await h.call(office, 'POST', '/api/v1/terms', { ...plan, assignments: [{ organizationId: elsewhere.id, year: 2022 }, { organizationId: branch.id, year: 2022 }] });
    expect(notInScope.status).toBe(400);
    expect(notInScope.body.details.issues.map((i: { field: string }) => i.field)).toEqual(['body.assignments.0.organizationId', 'body.assignments.1.organizationId']);

    const proposed = await h.call(office, 'POST', '/api/v1/terms', plan);
    expect(proposed.status, JSON.stringify(proposed.body)).toBe(201);
    const termId = proposed.body.id as string;
    expect(proposed.body).toMatchObject({ status: 'proposed', version: 1 });

    expect((await h.call(office, 'POST', `/api/v1/terms/${termId}/decisions`, { decision: 'approve', requestId: rid('term'), meeting: meetingFor('leading_group') })).status).toBe(403);
    const noMeeting = await h.call(leadingGroup, 'POST', `/api/v1/terms/${termId}/decisions`, { decision: 'approve', requestId: rid('term') });
    expect(noMeeting.status).toBe(400);
    expect(noMeeting.body.details.issues.map((i: { field: string }) => i.field)).toContain('body.meeting');
    const decision = { decision: 'approve', requestId: rid('term'), meeting: { kind: '领导小组会议', heldOn: '2021-02-20', minutesRef: '巡领〔2021〕1号' } };
    const approved = await h.call(leadingGroup, 'POST', `/api/v1/terms/${termId}/decisions`, decision);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.status).toBe('approved');
    expect(approved.body.steps.map((s: { kind: string }) => s.kind)).toEqual(['proposed', 'approved']);
    expect(approved.body.steps[1]).toMatchObject({ actor: { sub: leadingGroup.sub }, meeting: decision.meeting, version: 1 });
    // The same decision repeated changes nothing; an approved plan is no longer edited.
    expect((await h.call(leadingGroup, 'POST', `/api/v1/terms/${termId}/decisions`, decision)).body.steps).toHaveLength(2);
    expect((await h.call(office, 'PUT', `/api/v1/terms/${termId}`, { ...plan, version: 1 })).status).toBe(409);

    // A round names registered organisations only, active ones, each once.
    const [first, second] = launchBody().inspections;
    const bad = await h.call(office, 'POST', '/api/v1/rounds', {
      ...launchBody(),
      inspections: [
        { ...first, target: { ...first!.target, organizationId: crypto.randomUUID(), extensions: [] } },
        { ...second, target: { ...second!.target, organizationId: quality.id, extensions: [{ name: '质监支队', principalLeader: '杨', organizationId: quality.id }] } },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details.issues.map((i: { field: string }) => i.field)).toEqual([
      'body.inspections.0.target.organizationId',
      'body.inspections.1.target.extensions.0.organizationId',
    ]);

    // Round one: the enforcement bureau with the port authority as its extension, and the quality unit.
    const roundOne = (await launchRound(h, {
      inspections: [
        {
          ...first,
          target: {
            ...first!.target,
            name: '自治区交通运输综合行政执法局',
            organizationId: enforcement.id,
            extensions: [{ name: '阿拉山口口岸国际道路运输管理局', principalLeader: '哈局长', organizationId: port.id }],
          },
        },
        { ...second, target: { ...second!.target, organizationId: quality.id } },
      ],
    })) as { id: string; inspections: { id: string; target: { organizationId?: string } }[] };
    expect(roundOne.inspections[0]!.target.organizationId).toBe(enforcement.id);
    // Round two, a year later: the enforcement bureau again (回头看), and a unit named in free text.
    const roundTwo = (await launchRound(h, {
      name: '2022年第一轮巡察',
      year: 2022,
      plannedStart: '2022-03-01',
      plannedEnd: '2022-05-31',
      inspections: [
        { ...first, target: { ...first!.target, organizationId: enforcement.id, extensions: [] } },
        { ...second, target: { ...second!.target, name: '某新设单位', extensions: [] } },
      ],
    })) as { id: string; inspections: { id: string }[] };

    const coverage = await h.call(partyCommittee, 'GET', `/api/v1/terms/${termId}/coverage`);
    expect(coverage.status, JSON.stringify(coverage.body)).toBe(200);
    const byId = new Map((coverage.body.organizations as { id: string; status: string; revisit: boolean; inspections: { roundId: string; as: string; revisit: boolean }[] }[]).map((o) => [o.id, o]));
    expect([...byId.keys()].sort()).toEqual(units.map((u) => u.id).sort());
    expect(byId.get(enforcement.id)).toMatchObject({ status: 'covered', revisit: true });
    expect(byId.get(enforcement.id)!.inspections.map((i) => [i.roundId, i.as, i.revisit])).toEqual([
      [roundOne.id, 'target', false],
      [roundTwo.id, 'target', true],
    ]);
    expect(byId.get(port.id)).toMatchObject({ status: 'covered', revisit: false });
    expect(byId.get(port.id)!.inspections.map((i) => i.as)).toEqual(['extension']);
    expect(byId.get(quality.id)).toMatchObject({ status: 'covered', revisit: false });
    expect(byId.get(planning.id)).toMatchObject({ status: 'planned', inspections: [] });
    expect(byId.get(training.id)).toMatchObject({ status: 'not_covered', inspections: [] });
    expect(coverage.body.notCovered).toHaveLength(2);
    expect(coverage.body.notCovered).toEqual(
      expect.arrayContaining([
        { id: planning.id, name: planning.name, planned: true },
        { id: training.id, name: training.name, planned: false },
      ]),
    );
    expect(coverage.body.counts).toEqual({ inScope: 5, covered: 3, planned: 1, notCovered: 1, revisited: 1, shareCovered: 0.6 });

    expect((await h.call(memberOne, 'GET', `/api/v1/terms/${termId}/coverage`)).status).toBe(403);
    expect((await h.call(office, 'GET', `/api/v1/terms/${crypto.randomUUID()}/coverage`)).status).toBe(404);
  });
});
