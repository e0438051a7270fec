import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.js';
import { launchBody, leaderOne, leaderTwo, leadingGroup, memberOne, office, officeDeputy } from './support/people.js';
import { launchRound, meetingFor, passStage, recordWork, rid } from './support/walk.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const fieldsOf = (body: { details?: { issues?: { field: string }[] } }) => (body.details?.issues ?? []).map((i) => i.field);

// U+202E turns "罚没收入未上缴" into text that reads backwards wherever it is shown.
const RLO = '\u202e';
const ISOLATE = '\u2067';

describe('titles and names cannot reorder what a reader sees', () => {
  it('refuses bidirectional controls in a round’s, a target’s, a group’s and a person’s name, naming each field', async () => {
    const body = {
      name: `2021年第三轮巡察${RLO}`,
      year: 2021,
      plannedStart: '2021-10-08',
      plannedEnd: '2021-12-31',
      focus: [],
      inspections: [
        {
          target: { name: `交通运输局${ISOLATE}`, principalLeader: '马局长' },
          group: { name: '第一巡察组', leader: { sub: leaderOne.sub, name: `张${RLO}组长` }, members: [] },
        },
      ],
    };
    const refused = await h.call(office, 'POST', '/api/v1/rounds', body);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_input');
    expect(fieldsOf(refused.body)).toEqual(
      expect.arrayContaining(['body.name', 'body.inspections.0.target.name', 'body.inspections.0.group.leader.name']),
    );
    // Chinese text and ordinary punctuation stay welcome.
    const fine = await h.call(office, 'POST', '/api/v1/rounds', { ...body, name: '2021年第三轮巡察（补充）', inspections: [{ ...body.inspections[0], target: { name: '交通运输局', principalLeader: '马局长' }, group: { ...body.inspections[0]!.group, leader: { sub: leaderOne.sub, name: '张组长' } } }] });
    expect(fine.status, JSON.stringify(fine.body)).toBe(201);
  });

  it('refuses them in a record’s titles and names, and keeps them in free text', async () => {
    const round = await launchRound(h);
    const id = round.inspections[0].id;
    await passStage(h, id, 'preparation', leaderOne);
    const talk = await h.call(memberOne, 'POST', `/api/v1/inspections/${id}/records`, {
      kind: 'talk',
      data: { on: '2021-10-14', summary: '谈话摘要', interviewee: `某执法大队${RLO}队员` },
    });
    expect(talk.status).toBe(400);
    expect(fieldsOf(talk.body)).toEqual(['body.data.interviewee']);
    const visit = await h.call(memberOne, 'POST', `/api/v1/inspections/${id}/records`, {
      kind: 'document_review',
      data: { on: '2021-10-14', summary: `摘要里的${RLO}字符不改变标题`, documents: ['票据存根', `罚没${ISOLATE}台账`] },
    });
    expect(visit.status).toBe(400);
    expect(fieldsOf(visit.body)).toEqual(['body.data.documents.1']);
  });
});

describe('a problem paper’s lists name each thing once', () => {
  it('refuses a repeated evidence id and a repeated basis, naming the repeated entry', async () => {
    const round = await launchRound(h);
    const id = round.inspections[0].id;
    await passStage(h, id, 'preparation', leaderOne);
    await passStage(h, id, 'stationing', leaderOne);
    const talks = (await h.call(leaderOne, 'GET', `/api/v1/inspections/${id}/records?kind=talk`)).body.records as { id: string }[];
    const talk = talks[0]!.id;
    await recordWork(h, id, 'drafting', leaderOne);
    const paper = {
      category: '财政资金使用',
      title: '罚没收入未及时足额上缴',
      facts: '2020年超限检测罚款37笔共计18.6万元未按规定入账上缴。',
      evidence: [talk, talk],
      conduct: { from: '2020-01-01', to: '2020-12-31' },
      characterization: '违反财经纪律',
      basis: [{ source: '《罚款决定与罚款收缴分离实施办法》', article: '第十条' }],
    };
    const repeated = await h.call(memberOne, 'POST', `/api/v1/inspections/${id}/records`, { kind: 'problem', data: paper });
    expect(repeated.status, JSON.stringify(repeated.body)).toBe(400);
    expect(fieldsOf(repeated.body)).toEqual(['body.data.evidence.1']);

    const twiceCited = await h.call(memberOne, 'POST', `/api/v1/inspections/${id}/records`, {
      kind: 'problem',
      data: { ...paper, evidence: [talk], basis: [paper.basis[0], { ...paper.basis[0], effectiveOn: '1998-01-01' }] },
    });
    expect(twiceCited.status).toBe(400);
    expect(fieldsOf(twiceCited.body)).toEqual(['body.data.basis.1']);

    const written = await h.call(memberOne, 'POST', `/api/v1/inspections/${id}/records`, { kind: 'problem', data: { ...paper, evidence: [talk] } });
    expect(written.status, JSON.stringify(written.body)).toBe(201);
    // An edit is held to the same rule.
    const edited = await h.call(memberOne, 'PATCH', `/api/v1/inspections/${id}/records/${written.body.id}`, {
      data: { ...paper, evidence: [talk, talk] },
      version: written.body.version,
    });
    expect(edited.status).toBe(400);
    expect(fieldsOf(edited.body)).toEqual(['body.data.evidence.1']);
  });
});

describe('a request id stands for one request of one person', () => {
  it('refuses the same id for a submission of another inspection, for another stage, and for a cancellation', async () => {
    // Leader one leads one inspection of each round: the same person, two inspections.
    const first = await launchRound(h);
    const second = await launchRound(h);
    const one = first.inspections[0].id;
    const other = second.inspections[0].id;
    await recordWork(h, one, 'preparation', leaderOne);
    await recordWork(h, other, 'preparation', leaderOne);
    const requestId = rid('submit');

    const submitted = await h.call(leaderOne, 'POST', `/api/v1/inspections/${one}/submissions`, { stage: 'preparation', requestId });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    const repeated = await h.call(leaderOne, 'POST', `/api/v1/inspections/${one}/submissions`, { stage: 'preparation', requestId });
    expect(repeated.status).toBe(200);
    expect(repeated.body).toEqual(submitted.body);

    const elsewhere = await h.call(leaderOne, 'POST', `/api/v1/inspections/${other}/submissions`, { stage: 'preparation', requestId });
    expect(elsewhere.status).toBe(409);
    expect(elsewhere.body.error).toBe('request_id_reused');
    const progress = await h.call(leaderOne, 'GET', `/api/v1/inspections/${other}`);
    expect(progress.body.state).toBe('open');

    // A refused submission leaves no result behind; its id still stands for that request.
    const early = rid('early');
    const refused = await h.call(leaderOne, 'POST', `/api/v1/inspections/${one}/submissions`, { stage: 'stationing', requestId: early });
    expect(refused.status).toBe(409);
    expect(refused.body.error).not.toBe('request_id_reused');
    const anotherStage = await h.call(leaderOne, 'POST', `/api/v1/inspections/${other}/submissions`, { stage: 'preparation', requestId: early });
    expect(anotherStage.body.error).toBe('request_id_reused');

    // Another person may use the same words for their own request.
    await recordWork(h, second.inspections[1].id, 'preparation', leaderTwo);
    const theirs = await h.call(leaderTwo, 'POST', `/api/v1/inspections/${second.inspections[1].id}/submissions`, { stage: 'preparation', requestId });
    expect(theirs.status, JSON.stringify(theirs.body)).toBe(200);

    // The office's cancellation and its group changes share the inspections' ids.
    const cancelId = rid('cancel');
    const change = await h.call(office, 'POST', `/api/v1/inspections/${other}/group-changes`, {
      requestId: cancelId,
      reason: '工作需要',
      change: { kind: 'name_deputy', memberSub: memberOne.sub },
    });
    expect(change.status, JSON.stringify(change.body)).toBe(200);
    const cancel = await h.call(office, 'POST', `/api/v1/rounds/${first.id}/cancel`, { reason: '测试撤销', requestId: cancelId });
    expect(cancel.status).toBe(409);
    expect(cancel.body.error).toBe('request_id_reused');
    expect((await h.call(office, 'GET', `/api/v1/rounds/${first.id}`)).body.status).toBe('active');
  });
});

describe('ids are not derivable from client-chosen values (issue 12 §4)', () => {
  it('gives a round a random id, the same one to a repeat of the same request, another to anyone else’s', async () => {
    const requestId = rid('propose');
    const body = launchBody({ requestId });
    const proposed = await h.call(office, 'POST', '/api/v1/rounds', body);
    expect(proposed.status, JSON.stringify(proposed.body)).toBe(201);
    // A version-4 UUID: random, not a hash of the request id (which anyone who sees it could compute).
    expect(proposed.body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const repeated = await h.call(office, 'POST', '/api/v1/rounds', body);
    expect(repeated.body.id).toBe(proposed.body.id);
    const colleague = await h.call(officeDeputy, 'POST', '/api/v1/rounds', body);
    expect(colleague.status, JSON.stringify(colleague.body)).toBe(201);
    expect(colleague.body.id).not.toBe(proposed.body.id);

    // The inspections' ids come from the round's random id: the two rounds proposed with one request id share none.
    const authorised = await Promise.all(
      [proposed.body.id, colleague.body.id].map((id: string) =>
        h.call(leadingGroup, 'POST', `/api/v1/rounds/${id}/decisions`, { decision: 'approve', requestId: rid('approve'), meeting: meetingFor('leading_group') }),
      ),
    );
    for (const answer of authorised) expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const ids = authorised.flatMap((answer) => answer.body.inspections.map((i: { id: string }) => i.id));
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
