import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.js';
import { launchBody, leaderOne, memberOne, office } from './support/people.js';
import { launchRound, passStage } from './support/walk.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const fields = (body: { details: { issues: { field: string }[] } }) => body.details.issues.map((i) => i.field);
const records = (id: string) => `/api/v1/inspections/${id}/records`;

describe('the focus areas a round picks from', () => {
  it('are the office’s list, seeded with the key matters, key problems and the four 落实, kept append-only', async () => {
    const listed = await h.call(memberOne, 'GET', '/api/v1/focus-areas');
    expect(listed.status).toBe(200);
    const names = listed.body.focusAreas.map((a: { name: string }) => a.name);
    expect(names).toEqual(expect.arrayContaining(['行政许可', '国有资产处置', '选人用人', '权钱交易', '利益输送', '落实全面从严治党战略部署']));
    expect(listed.body.focusAreas.filter((a: { grouping: string }) => a.grouping === 'implementation')).toHaveLength(4);

    expect((await h.call(memberOne, 'POST', '/api/v1/focus-areas', { name: '工程建设项目' })).status).toBe(403);
    const added = await h.call(office, 'POST', '/api/v1/focus-areas', { name: '工程建设项目', grouping: 'key_matters' });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ name: '工程建设项目', active: true, changedBy: { sub: office.sub } });
    expect((await h.call(office, 'POST', '/api/v1/focus-areas', { name: '工程建设项目' })).status).toBe(409);

    const deactivated = await h.call(office, 'POST', '/api/v1/focus-areas/deactivations', { name: '工程建设项目', reason: '并入行政审批' });
    expect(deactivated.body).toMatchObject({ active: false, reason: '并入行政审批' });
    const active = await h.call(office, 'GET', '/api/v1/focus-areas?active=true');
    expect(active.body.focusAreas.map((a: { name: string }) => a.name)).not.toContain('工程建设项目');

    // A round names only active areas; each other one is refused where it stands.
    const refused = await h.call(office, 'POST', '/api/v1/rounds', launchBody({ focus: ['行政执法', '工程建设项目', '招商引资'] }));
    expect(refused.status).toBe(400);
    expect(fields(refused.body)).toEqual(['body.focus.1', 'body.focus.2']);
  });

  it('bound the work plan by the round and a paper’s category by the work plan', async () => {
    const round = await launchRound(h, { focus: ['财政资金使用', '以权谋私', '选人用人', '行政执法', '权钱交易'] });
    const id = round.inspections[0]!.id as string;
    const plan = { schedule: '10月12日进驻', keyMatters: '执法经费' };
    const outside = await h.call(leaderOne, 'POST', records(id), { kind: 'work_plan', data: { ...plan, focus: ['财政资金使用', '行政许可'] } });
    expect(outside.status).toBe(400);
    expect(fields(outside.body)).toEqual(['body.data.focus.1']);

    await passStage(h, id, 'preparation', leaderOne);
    await passStage(h, id, 'stationing', leaderOne);
    const talk = (await h.call(leaderOne, 'GET', `${records(id)}?kind=talk`)).body.records[0].id;
    const paper = {
      title: '违规收受礼金',
      facts: '2020年春节期间收受管理服务对象礼金。',
      evidence: [talk],
      conduct: { from: '2020-01-20', to: '2020-02-10' },
      characterization: '违反廉洁纪律',
      basis: [{ source: '《中国共产党纪律处分条例》', article: '第八十八条' }],
    };
    // 权钱交易 is one of the round's areas, but the sample work plan did not pick it.
    const notPlanned = await h.call(memberOne, 'POST', records(id), { kind: 'problem', data: { ...paper, category: '权钱交易' } });
    expect(notPlanned.status).toBe(400);
    expect(fields(notPlanned.body)).toEqual(['body.data.category']);
    const planned = await h.call(memberOne, 'POST', records(id), { kind: 'problem', data: { ...paper, category: '以权谋私' } });
    expect(planned.status, JSON.stringify(planned.body)).toBe(201);
    expect(planned.body.data.involves).toEqual({ principalLeader: false, leadershipTeam: false });
    expect(planned.body.flags).toEqual([]);
  });

  it('flag a paper whose basis took effect after the conduct (不能用新标准去套老问题) for the group leader and in progress', async () => {
    const round = await launchRound(h);
    const id = round.inspections[0]!.id as string;
    await passStage(h, id, 'preparation', leaderOne);
    await passStage(h, id, 'stationing', leaderOne);
    const talk = (await h.call(leaderOne, 'GET', `${records(id)}?kind=talk`)).body.records[0].id;
    const written = await h.call(memberOne, 'POST', records(id), {
      kind: 'problem',
      data: {
        category: '选人用人',
        title: '超职数配备干部',
        facts: '2018年至2019年超职数配备副科级干部3名。',
        evidence: [talk],
        conduct: { from: '2018-03-01', to: '2019-12-31' },
        involves: { principalLeader: true },
        characterization: '违反干部选拔任用规定',
        basis: [
          { source: '《党政领导干部选拔任用工作条例》', article: '第五十九条', effectiveOn: '2019-03-03' },
          { source: '《中国共产党纪律处分条例》', article: '第七十四条', effectiveOn: '2018-10-01' },
        ],
      },
    });
    expect(written.status, JSON.stringify(written.body)).toBe(201);
    expect(written.body.data.involves).toEqual({ principalLeader: true, leadershipTeam: false });
    expect(written.body.flags.map((f: { code: string; field: string }) => [f.code, f.field])).toEqual([
      ['basis_after_conduct', 'data.basis.0.effectiveOn'],
      ['basis_after_conduct', 'data.basis.1.effectiveOn'],
    ]);
    // Worded in the reader's language: Chinese by default, English when asked.
    expect(written.body.flags[0].message).toBe('《党政领导干部选拔任用工作条例》自 2019-03-03 起施行，晚于问题行为开始之日（2018-03-01）：不能用新规定套老问题');
    const inEnglish = async (url: string) =>
      (await h.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${await h.token(leaderOne)}`, 'accept-language': 'en' } })).json();
    const read = { body: await inEnglish(`${records(id)}/${written.body.id}`) };
    expect(read.body.flags.map((f: { message: string }) => f.message)).toEqual([
      '《党政领导干部选拔任用工作条例》 took effect on 2019-03-03, after the conduct began (2018-03-01)',
      '《中国共产党纪律处分条例》 took effect on 2018-10-01, after the conduct began (2018-03-01)',
    ]);
    const page = { body: await inEnglish(`${records(id)}?kind=problem`) };
    expect(page.body.records[0].flags[1].message).toContain('took effect on 2018-10-01');

    const inverted = await h.call(memberOne, 'POST', records(id), {
      kind: 'problem',
      data: { ...written.body.data, conduct: { from: '2019-12-31', to: '2018-03-01' } },
    });
    expect(fields(inverted.body)).toEqual(['body.data.conduct.to']);

    const progress = await h.call(office, 'GET', `/api/v1/rounds/${round.id}/progress`);
    const flagged = progress.body.inspections.find((i: { id: string }) => i.id === id).flagged;
    expect(flagged).toEqual([expect.objectContaining({ recordId: written.body.id, title: '超职数配备干部' })]);
    expect(flagged[0].flags[0].params).toEqual({ source: '《党政领导干部选拔任用工作条例》', effectiveOn: '2019-03-03', from: '2018-03-01' });
    expect(progress.body.inspections.find((i: { id: string }) => i.id !== id).flagged).toEqual([]);
  });
});
