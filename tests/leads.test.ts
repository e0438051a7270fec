import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalBody, approverDue, approverOf, submitterOf } from '../platform/sample-stage-work.js';
import type { Actor } from '../workflows/roles.js';
import type { StageId } from '../workflows/stages.js';
import { startHarness, type Harness } from './support/harness.js';
import {
  auditor,
  castOf,
  launchBody,
  leaderOne,
  leaderTwo,
  leadingGroup,
  liaisonOne,
  memberOne,
  memberTwo,
  office,
  partyCommittee,
} from './support/people.js';
import { launchRound, passStage, recordWork, rid } from './support/walk.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** A second member of the first group: a colleague of the lead's author who must never learn of it. */
const memberThree: Actor = { sub: 'm-sun', name: '孙组员', roles: ['member'] };
const liaison: Actor = liaisonOne;
const discipline: Actor = { sub: 'dis-he', name: '何纪检', roles: ['discipline'] };

const ALLEGATION = '多名干部反映马某某在执法车辆采购中指定供应商，收受好处费。';
const leadData = {
  person: { name: '马某某', post: '党组成员、副局长', leadingCadre: true },
  allegation: ALLEGATION,
  sources: [] as string[],
  proposedDisposal: '建议由纪检监察机关初核',
  proposedRecipient: { kind: 'discipline', name: '驻厅纪检监察组' },
};

async function launchWithTwoMembers() {
  const base = launchBody();
  const [first, second] = base.inspections;
  const round = await launchRound(h, {
    inspections: [
      {
        ...first,
        target: { ...first!.target, liaison: { sub: liaison.sub, name: liaison.name } },
        group: { ...first!.group, members: [...first!.group.members, { sub: memberThree.sub, name: memberThree.name, homeUnit: '审计处' }] },
      },
      second,
    ],
  });
  return round as { id: string; inspections: { id: string }[] };
}

/** Submits the open stage as its owner and approves it through its chain, without recording more work. */
async function submitAndApprove(id: string, stage: StageId) {
  const cast = castOf(leaderOne);
  const submitted = await h.call(submitterOf(stage, cast), 'POST', `/api/v1/inspections/${id}/submissions`, { stage, requestId: rid('submit') });
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
  let awaiting = approverDue(submitted.body.status);
  while (awaiting) {
    const decided = await h.call(approverOf(awaiting, stage, cast), 'POST', `/api/v1/inspections/${id}/decisions`, approvalBody(stage, awaiting, rid('approve')));
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    awaiting = approverDue(decided.body.status);
  }
}

describe('a lead (问题线索)', () => {
  it('found in stationing is confirmed, handed over in drafting and disposed of by discipline, and no one else ever sees it', async () => {
    const round = await launchWithTwoMembers();
    const id = round.inspections[0]!.id;
    const records = `/api/v1/inspections/${id}/records`;
    const declared = await h.call(memberThree, 'POST', records, { kind: 'recusal_declaration', data: { memberSub: memberThree.sub, hasRelation: false } });
    await h.call(office, 'POST', `${records}/${declared.body.id}/decision`, { decision: 'not_recused' });
    // A lead cannot be written before the group is stationed.
    expect((await h.call(memberOne, 'POST', records, { kind: 'lead', data: leadData })).status).toBe(409);
    await passStage(h, id, 'preparation', leaderOne);

    const talk = await h.call(memberOne, 'POST', records, { kind: 'talk', data: { on: '2021-10-15', summary: '反映车辆采购问题。', interviewee: '装备科科长' } });
    const written = await h.call(memberOne, 'POST', records, { kind: 'lead', data: { ...leadData, sources: [talk.body.id] } });
    expect(written.status, JSON.stringify(written.body)).toBe(201);
    expect(written.body).toMatchObject({ stage: 'stationing', reviewStatus: 'pending' });
    const leadId = written.body.id as string;
    // Only the office hands over, and only a confirmed lead.
    const handover = { leadId, recipient: { kind: 'discipline', name: '驻厅纪检监察组' }, handedOn: '2021-11-10', letterRef: '巡移〔2021〕5号' };
    expect((await h.call(memberOne, 'POST', records, { kind: 'lead_handover', data: handover })).status).toBe(403);
    const unconfirmed = await h.call(office, 'POST', records, { kind: 'lead_handover', data: handover });
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.body.details.issues[0].field).toBe('body.data.leadId');
    // Stationing cannot be submitted with the lead unconfirmed: it would freeze unconfirmed.
    await recordWork(h, id, 'stationing', leaderOne);
    const early = await h.call(leaderOne, 'POST', `/api/v1/inspections/${id}/submissions`, { stage: 'stationing', requestId: rid('submit') });
    expect(early.status).toBe(409);
    expect(early.body.details.unmet.map((u: { code: string }) => u.code)).toEqual(['lead_unconfirmed']);
    expect(JSON.stringify(early.body)).not.toContain('马某某');
    expect((await h.call(leaderOne, 'POST', `${records}/${leadId}/review`, { decision: 'confirm' })).status).toBe(200);

    /** Everything a route that lists or shows records gives `actor`, as one string. */
    const seenBy = async (actor: Actor) => {
      const list = await h.call(actor, 'GET', records);
      const one = await h.call(actor, 'GET', `${records}/${leadId}`);
      const ofKind = await h.call(actor, 'GET', `${records}?kind=lead`);
      // The 404 echoes the id asked for, so only the listings are searched for it.
      return { list, one, ofKind, all: JSON.stringify([list.body, ofKind.body]) };
    };
    for (const outsider of [memberThree, liaison, partyCommittee, discipline]) {
      const seen = await seenBy(outsider);
      expect(seen.one.status, outsider.sub).toBe(404);
      expect(seen.all, outsider.sub).not.toContain(leadId);
      expect(seen.all, outsider.sub).not.toContain(ALLEGATION);
    }
    expect((await seenBy(memberThree)).list.body.records.map((r: { kind: string }) => r.kind)).toContain('talk');
    for (const reader of [memberOne, leaderOne, office, leadingGroup, auditor]) {
      const seen = await seenBy(reader);
      expect(seen.one.status, reader.sub).toBe(200);
      expect(seen.ofKind.body.records.map((r: { id: string }) => r.id), reader.sub).toContain(leadId);
    }
    // Another member cannot edit it either: to them it does not exist.
    expect((await h.call(memberThree, 'PATCH', `${records}/${leadId}`, { data: leadData, version: 2 })).status).toBe(404);
    await submitAndApprove(id, 'stationing');

    // Drafting: the office hands it over (即知即移) while drafting is open; once only.
    const handedOver = await h.call(office, 'POST', records, { kind: 'lead_handover', data: handover });
    expect(handedOver.status, JSON.stringify(handedOver.body)).toBe(201);
    expect(handedOver.body.stage).toBe('drafting');
    expect((await h.call(office, 'POST', records, { kind: 'lead_handover', data: handover })).status).toBe(409);

    // Discipline inspection now reads it, with its hand-over, and records what it did.
    const forDiscipline = await h.call(discipline, 'GET', records);
    expect(forDiscipline.status).toBe(200);
    const disciplineKinds = new Set(forDiscipline.body.records.map((r: { kind: string }) => r.kind));
    expect([...disciplineKinds].every((k) => ['lead', 'lead_handover', 'lead_disposal'].includes(k as string))).toBe(true);
    expect(forDiscipline.body.records.map((r: { id: string }) => r.id)).toContain(leadId);
    expect((await h.call(discipline, 'GET', `/api/v1/inspections/${id}/report`)).status).toBe(403);
    const disposal = { leadId, receivedOn: '2021-11-12', outcome: 'preliminary_verification', reference: '纪初〔2021〕9号' };
    expect((await h.call(office, 'POST', records, { kind: 'lead_disposal', data: disposal })).status).toBe(403);
    const disposed = await h.call(discipline, 'POST', records, { kind: 'lead_disposal', data: disposal });
    expect(disposed.status, JSON.stringify(disposed.body)).toBe(201);
    const updated = await h.call(discipline, 'PATCH', `${records}/${disposed.body.id}`, { data: { ...disposal, outcome: 'closed' }, version: 1 });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);

    // A paper returned in drafting gets one more talk, written in drafting, cited as evidence.
    await recordWork(h, id, 'drafting', leaderOne);
    const paperData = {
      category: '财政资金使用',
      title: '执法车辆采购程序不规范',
      facts: '2020年采购执法车辆12辆，未履行政府采购程序。',
      evidence: [talk.body.id],
      conduct: { from: '2020-01-01', to: '2020-12-31' },
      characterization: '违反政府采购规定',
      basis: [{ source: '《中华人民共和国政府采购法》', article: '第二条' }],
    };
    const paper = await h.call(memberOne, 'POST', records, { kind: 'problem', data: paperData });
    const returned = await h.call(leaderOne, 'POST', `${records}/${paper.body.id}/review`, { decision: 'return', note: '证据不足，补充谈话' });
    expect(returned.body.reviewStatus).toBe('returned');
    const newTalk = await h.call(memberOne, 'POST', records, { kind: 'talk', data: { on: '2021-11-15', summary: '核实采购程序。', interviewee: '办公室主任' } });
    expect(newTalk.status).toBe(201);
    expect(newTalk.body.stage).toBe('drafting');
    const edited = await h.call(memberOne, 'PATCH', `${records}/${paper.body.id}`, {
      data: { ...paperData, evidence: [talk.body.id, newTalk.body.id] },
      version: returned.body.version,
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect((await h.call(leaderOne, 'POST', `${records}/${paper.body.id}/review`, { decision: 'confirm' })).body.reviewStatus).toBe('confirmed');
    // A lead is not a finding: no paper cites it as evidence.
    const citingLead = await h.call(memberOne, 'POST', records, { kind: 'problem', data: { ...paperData, evidence: [leadId] } });
    expect(citingLead.status).toBe(400);
    await submitAndApprove(id, 'drafting');

    // The principal leader is never told of it: a communication cannot answer a lead.
    const answeringLead = await h.call(leaderOne, 'POST', records, {
      kind: 'communication',
      data: { heldOn: '2021-11-22', principalLeader: '马局长', answers: [{ problemId: leadId, response: '认可', accepted: true }] },
    });
    expect(answeringLead.status).toBe(400);
    expect(answeringLead.body.details.issues[0].field).toBe('body.data.answers.0.problemId');
    await passStage(h, id, 'communication', leaderOne);
    const communications = await h.call(office, 'GET', `${records}?kind=communication`);
    expect(JSON.stringify(communications.body)).not.toContain(leadId);
    await passStage(h, id, 'reporting', leaderOne);

    // The main report holds the findings and no lead; the lead report holds the lead, marked 秘密.
    for (const reader of [memberThree, leaderOne, office, partyCommittee]) {
      const report = await h.call(reader, 'GET', `/api/v1/inspections/${id}/report`);
      expect(report.status, reader.sub).toBe(200);
      expect(JSON.stringify(report.body)).not.toMatch(/马某某|指定供应商|线索/);
    }
    const docx = async (actor: Actor, path: string) =>
      h.app.inject({ method: 'GET', url: `/api/v1/inspections/${id}/${path}`, headers: { authorization: `Bearer ${await h.token(actor)}` } });
    const documentText = (payload: Buffer) => strFromU8(unzipSync(new Uint8Array(payload))['word/document.xml']!).replace(/<[^>]+>/g, '');
    expect(documentText((await docx(office, 'report.docx')).rawPayload)).not.toMatch(/马某某|线索/);
    const leadsReport = await docx(leadingGroup, 'leads-report.docx');
    expect(leadsReport.statusCode).toBe(200);
    const leadsText = documentText(leadsReport.rawPayload);
    expect(leadsText.startsWith('秘密')).toBe(true);
    expect(leadsText).toContain('第一巡察组关于巡察自治区交通运输综合行政执法局党组织发现问题线索的专题报告');
    expect(leadsText).toContain(ALLEGATION);
    expect(leadsText).toContain('移交驻厅纪检监察组（巡移〔2021〕5号）');
    expect(leadsText).toContain('了结（纪初〔2021〕9号）');
    for (const refused of [leaderOne, memberOne, memberThree, auditor, partyCommittee, discipline, liaison]) {
      expect((await docx(refused, 'leads-report.docx')).statusCode, refused.sub).toBe(403);
    }

    // History and progress: nothing about the lead for those who may not read it.
    for (const actor of [memberThree, leaderOne]) {
      const history = await h.call(actor, 'GET', `/api/v1/inspections/${id}/history`);
      expect(history.status).toBe(200);
      expect(JSON.stringify(history.body)).not.toMatch(new RegExp(`${leadId}|马某某`));
    }
    for (const actor of [memberThree, liaison, discipline]) {
      expect((await h.call(actor, 'GET', `/api/v1/rounds/${round.id}/progress`)).status, actor.sub).toBe(403);
    }
    const progress = await h.call(office, 'GET', `/api/v1/rounds/${round.id}/progress`);
    expect(progress.body.totals).toMatchObject({ leads: 2, leadsNotHandedOver: 0 });
  });

  it('found late must be handed over before rectification is submitted', async () => {
    const round = await launchWithTwoMembers();
    const id = round.inspections[0]!.id;
    const records = `/api/v1/inspections/${id}/records`;
    const declared = await h.call(memberThree, 'POST', records, { kind: 'recusal_declaration', data: { memberSub: memberThree.sub, hasRelation: false } });
    await h.call(office, 'POST', `${records}/${declared.body.id}/decision`, { decision: 'not_recused' });
    for (const stage of ['preparation', 'stationing', 'drafting', 'communication', 'reporting'] as const) await passStage(h, id, stage, leaderOne);
    // The sample evaluates the sample group; this group has one more inspector.
    await h.call(office, 'POST', records, { kind: 'inspector_evaluation', data: { memberSub: memberThree.sub, grade: 'competent', comment: '认真负责。' } });
    await passStage(h, id, 'post_evaluation', leaderOne);
    // 即知即移 holds to the last stage: a lead found during rectification is recorded there.
    const late = await h.call(memberThree, 'POST', records, { kind: 'lead', data: leadData });
    expect(late.status, JSON.stringify(late.body)).toBe(201);
    expect(late.body.stage).toBe('rectification');
    expect((await h.call(leaderOne, 'POST', `${records}/${late.body.id}/review`, { decision: 'confirm' })).status).toBe(200);
    await recordWork(h, id, 'rectification', leaderOne);

    const refused = await h.call(office, 'POST', `/api/v1/inspections/${id}/submissions`, { stage: 'rectification', requestId: rid('submit') });
    expect(refused.status).toBe(409);
    expect(refused.body.details.unmet.map((u: { code: string }) => u.code)).toEqual(['lead_not_handed_over']);
    const handedOver = await h.call(office, 'POST', records, {
      kind: 'lead_handover',
      data: { leadId: late.body.id, recipient: { kind: 'organization', name: '厅党组组织部' }, handedOn: '2022-01-05', letterRef: '巡移〔2022〕1号' },
    });
    expect(handedOver.status, JSON.stringify(handedOver.body)).toBe(201);
    // Handed to the organisation department, it gains no reader in discipline inspection.
    expect((await h.call(discipline, 'GET', `${records}/${late.body.id}`)).status).toBe(404);
    const notTheirs = await h.call(discipline, 'POST', records, {
      kind: 'lead_disposal',
      data: { leadId: late.body.id, receivedOn: '2022-01-06', outcome: 'held', reference: '纪〔2022〕1号' },
    });
    expect(notTheirs.status).toBe(400);
    await submitAndApprove(id, 'rectification');
    const done = await h.call(office, 'GET', `/api/v1/inspections/${id}`);
    expect([done.body.stage, done.body.state]).toEqual(['archiving', 'open']);
  });
});

describe('what the history says of leads', () => {
  /** Stationing's own work, the same in both inspections; a lead only where `withLead`. */
  async function stationWithSameWork(id: string, leader: Actor, withLead: boolean) {
    const records = `/api/v1/inspections/${id}/records`;
    const write = async (actor: Actor, kind: string, data: unknown) => {
      const written = await h.call(actor, 'POST', records, { kind, data });
      expect(written.status, JSON.stringify(written.body)).toBe(201);
      return written.body as { id: string };
    };
    await write(leader, 'mobilization', { heldOn: '2021-10-12', attendees: ['马局长'] });
    await write(leader, 'public_notice', { postedOn: '2021-10-12', phone: '0991-1234567', mailbox: '第1号信箱', periodEnd: '2021-11-20' });
    if (withLead) {
      // Written by the leader, confirmed by the office (no deputy): the member takes no part in it.
      const lead = await write(leader, 'lead', leadData);
      expect((await h.call(office, 'POST', `${records}/${lead.id}/review`, { decision: 'confirm' })).status).toBe(200);
    }
    const cast = castOf(leader);
    const submitted = await h.call(leader, 'POST', `/api/v1/inspections/${id}/submissions`, { stage: 'stationing', requestId: rid('submit') });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    const approved = await h.call(approverOf('office', 'stationing', cast), 'POST', `/api/v1/inspections/${id}/decisions`, approvalBody('stationing', 'office', rid('approve')));
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  }

  /** What a reader learns of the stationing submission: everything but ids, times and hashes, which differ between any two inspections. */
  async function submissionAsSeenBy(actor: Actor, id: string) {
    const history = await h.call(actor, 'GET', `/api/v1/inspections/${id}/history`);
    expect(history.status, JSON.stringify(history.body)).toBe(200);
    const step = history.body.steps.find((s: { kind: string; stage: string }) => s.kind === 'submitted' && s.stage === 'stationing');
    const { records, ...rest } = step.data as { records: { versions: number; stage: string } };
    const verified = await h.call(actor, 'GET', `/api/v1/inspections/${id}/history/verify`);
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    return {
      keys: Object.keys(step.data).sort(),
      records: { stage: records.stage, versions: records.versions },
      rest: Object.keys(rest),
      steps: history.body.steps.map((s: { kind: string }) => s.kind),
      verified: {
        intact: verified.body.intact,
        recordsIntact: verified.body.recordsIntact,
        problems: verified.body.problems,
        // The second chain covers every record version, leads too: its count and signed heads are not the member's.
        ledgerEntries: verified.body.ledgerEntries,
        checkpoints: verified.body.checkpoints.length,
      },
    };
  }

  it("tells a member nothing: a stage's submission reads the same with a lead and without one", async () => {
    const round = await launchRound(h);
    const [one, two] = round.inspections.map((i: { id: string }) => i.id) as [string, string];
    await passStage(h, one, 'preparation', leaderOne);
    await passStage(h, two, 'preparation', leaderTwo);
    await stationWithSameWork(one, leaderOne, true);
    await stationWithSameWork(two, leaderTwo, false);

    const withLead = await submissionAsSeenBy(memberOne, one);
    const withoutLead = await submissionAsSeenBy(memberTwo, two);
    expect(withLead).toEqual(withoutLead);
    expect(withLead.keys).not.toContain('leads');
    expect(withLead.verified).toEqual({ intact: true, recordsIntact: true, problems: [], ledgerEntries: null, checkpoints: 0 });

    // Those who read every lead see the leads' own count and digest, checked by verify like the rest.
    for (const reader of [office, auditor, leaderOne]) {
      const history = await h.call(reader, 'GET', `/api/v1/inspections/${one}/history`);
      const step = history.body.steps.find((s: { kind: string; stage: string }) => s.kind === 'submitted' && s.stage === 'stationing');
      expect(step.data.leads, reader.sub).toMatchObject({ stage: 'stationing', versions: 2, digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(step.data.records.versions).toBe(withLead.records.versions);
    }
    const verified = await h.call(auditor, 'GET', `/api/v1/inspections/${one}/history/verify`);
    expect(verified.body).toMatchObject({ intact: true, recordsIntact: true });
  });
});

describe("discipline inspection's list of the leads handed to it", () => {
  type Listed = { id: string; inspection: { id: string }; round: { id: string }; lead: { allegation: string }; handover: { data: { recipient: { kind: string } } }; disposal: { data: { outcome: string }; by: { sub: string } } | null };
  const list = async (actor: Actor, query = '') => {
    const answer = await h.call(actor, 'GET', `/api/v1/leads${query}`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body as { leads: Listed[]; page: { total: number; limit: number; offset: number } };
  };

  it('lists across inspections, paged, with each disposal, only what was handed to discipline; the office sees every hand-over', async () => {
    const round = await launchRound(h);
    const [one, two] = round.inspections.map((i: { id: string }) => i.id) as [string, string];
    const leadOf = {} as Record<string, string>;
    for (const [id, leader, recipient] of [
      [one, leaderOne, { kind: 'discipline', name: '驻厅纪检监察组' }],
      [two, leaderTwo, { kind: 'organization', name: '厅党委组织部' }],
    ] as const) {
      await passStage(h, id, 'preparation', leader);
      await recordWork(h, id, 'stationing', leader);
      const lead = (await h.call(office, 'GET', `/api/v1/inspections/${id}/records?kind=lead`)).body.records[0] as { id: string };
      leadOf[id] = lead.id;
      const handed = await h.call(office, 'POST', `/api/v1/inspections/${id}/records`, {
        kind: 'lead_handover',
        data: { leadId: lead.id, recipient, handedOn: '2021-10-25', letterRef: '巡移〔2021〕8号' },
      });
      expect(handed.status, JSON.stringify(handed.body)).toBe(201);
    }
    const ours = (leads: Listed[]) => leads.filter((l) => l.round.id === round.id);

    const forDiscipline = ours((await list(discipline, '?limit=100')).leads);
    expect(forDiscipline).toEqual([
      expect.objectContaining({ id: leadOf[one], inspection: expect.objectContaining({ id: one }), disposal: null }),
    ]);
    expect(forDiscipline[0]!.handover.data.recipient.kind).toBe('discipline');
    expect(ours((await list(discipline, '?disposed=false&limit=100')).leads).map((l) => l.id)).toEqual([leadOf[one]]);
    expect(ours((await list(discipline, '?disposed=true&limit=100')).leads)).toEqual([]);
    expect((await h.call(discipline, 'GET', '/api/v1/leads?recipient=organization')).status).toBe(403);

    const disposed = await h.call(discipline, 'POST', `/api/v1/inspections/${one}/records`, {
      kind: 'lead_disposal',
      data: { leadId: leadOf[one], receivedOn: '2021-10-27', outcome: 'talk_or_inquiry', reference: '纪函〔2021〕12号' },
    });
    expect(disposed.status, JSON.stringify(disposed.body)).toBe(201);
    const afterDisposal = ours((await list(discipline, '?disposed=true&limit=100')).leads);
    expect(afterDisposal).toEqual([expect.objectContaining({ id: leadOf[one], disposal: expect.objectContaining({ data: expect.objectContaining({ outcome: 'talk_or_inquiry' }), by: expect.objectContaining({ sub: discipline.sub }) }) })]);

    // The office reads every hand-over, and can narrow to one recipient.
    expect(ours((await list(office, '?limit=100')).leads).map((l) => l.id).sort()).toEqual([leadOf[one], leadOf[two]].sort());
    expect(ours((await list(office, '?recipient=organization&limit=100')).leads).map((l) => l.id)).toEqual([leadOf[two]]);

    // Paged: one at a time, every lead once, the total the same on each page.
    const all = await list(office, '?limit=100');
    const seen: string[] = [];
    for (let offset = 0; offset < all.page.total; offset++) {
      const page = await list(office, `?limit=1&offset=${offset}`);
      expect(page.page).toEqual({ total: all.page.total, limit: 1, offset });
      expect(page.leads).toHaveLength(1);
      seen.push(page.leads[0]!.id);
    }
    expect(seen).toEqual(all.leads.map((l) => l.id));

    for (const refused of [memberOne, leaderOne, liaisonOne, partyCommittee]) {
      expect((await h.call(refused, 'GET', '/api/v1/leads')).status, refused.sub).toBe(403);
    }
    expect((await h.call(office, 'GET', '/api/v1/leads?limit=0')).body.details.issues[0].field).toContain('limit');
  });
});
