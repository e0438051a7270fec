/**
 * A realistic body of work for each stage of one inspection (Chinese text, every
 * exit criterion met), recorded through the public API. The tests and the benchmark
 * use it to walk inspections the way a group would.
 */
import { randomUUID } from 'node:crypto';
import { decidesAtMeeting, type Actor, type ApproverRole } from '../workflows/roles.js';
import { BRIEFING_SOURCES, stageOwner, type StageId } from '../workflows/stages.js';

export type ApiCall = (
  actor: Actor,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH',
  url: string,
  body?: unknown,
) => Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Cast {
  leader: Actor;
  members: Actor[];
  office: Actor;
  /** Approves what the office itself submitted: nobody decides on their own submission. */
  officeDeputy: Actor;
  leadingGroup: Actor;
  /** Hears the report last. */
  partyCommittee: Actor;
  /** The target's liaison (联络人): writes its rectification plan, items' progress and report. */
  liaison?: Actor;
}

/** The office-side people of a sample round; each inspection gets a group of its own. */
export type Officials = Pick<Cast, 'office' | 'officeDeputy' | 'leadingGroup' | 'partyCommittee'>;

/**
 * `count` inspections' casts and the launch body of a round over them: each group a
 * leader and one member (recording a stage's work needs both).
 */
export function sampleRound(label: string, count: number, officials: Officials, round: { name: string; focus: string[] }) {
  const casts = Array.from({ length: count }, (_, i): Cast => ({
    leader: { sub: `${label}-leader-${i + 1}`, name: `${label}组长${i + 1}`, roles: ['group_leader'] },
    members: [{ sub: `${label}-member-${i + 1}`, name: `${label}组员${i + 1}`, roles: ['member'] }],
    liaison: { sub: `${label}-liaison-${i + 1}`, name: `${label}联络人${i + 1}`, roles: ['liaison'] },
    ...officials,
  }));
  const body = {
    name: round.name,
    year: 2025,
    plannedStart: '2025-03-01',
    plannedEnd: '2025-12-31',
    focus: round.focus,
    inspections: casts.map((cast, i) => ({
      target: {
        name: `${label} 被巡察单位 ${i + 1}`,
        principalLeader: `负责人${i + 1}`,
        liaison: { sub: cast.liaison!.sub, name: cast.liaison!.name },
      },
      group: {
        name: `${label} 第${i + 1}巡察组`,
        leader: { sub: cast.leader.sub, name: cast.leader.name },
        members: cast.members.map((m) => ({ sub: m.sub, name: m.name })),
      },
    })),
  };
  return { casts, body };
}

/**
 * Launches a round as it is done: the office proposes it, the leading group approves
 * it at a meeting, through the public API; answers with the active round. Every test,
 * the cluster tier and the benchmark launch through here. The approval's request id
 * comes from the round's, so repeating a launch (same requestId) repeats nothing.
 */
export async function launchRound(call: ApiCall, officials: Pick<Officials, 'office' | 'leadingGroup'>, body: unknown) {
  const proposed = await call(officials.office, 'POST', '/api/v1/rounds', body);
  if (proposed.status !== 201) throw new Error(`proposing the round answered ${proposed.status}: ${JSON.stringify(proposed.body)}`);
  const approved = await call(officials.leadingGroup, 'POST', `/api/v1/rounds/${proposed.body.id}/decisions`, {
    decision: 'approve',
    requestId: `approve-${proposed.body.id}`,
    meeting: { ...sampleMeeting('leading_group'), minutesRef: '巡领〔2021〕3号' },
  });
  if (approved.status !== 200) throw new Error(`approving the round answered ${approved.status}: ${JSON.stringify(approved.body)}`);
  return approved.body;
}

/**
 * The focus areas (from the seeded list) the sample rounds pick and their work plans
 * take over: the sample papers' categories are among them.
 */
export const SAMPLE_FOCUS = ['行政执法', '财政资金使用', '选人用人', '以权谋私'];

/** Who submits `stage`: the group's leader for the group's own stages, the office after the report. */
export function submitterOf(stage: StageId, cast: Cast): Actor {
  return stageOwner(stage) === 'office' ? cast.office : cast.leader;
}

/** Who decides for `role` on `stage`: never the person who submitted it. */
export function approverOf(role: ApproverRole, stage: StageId, cast: Cast): Actor {
  if (role === 'office') return submitterOf(stage, cast) === cast.office ? cast.officeDeputy : cast.office;
  return role === 'leading_group' ? cast.leadingGroup : cast.partyCommittee;
}

/** A stage's status as a submission or decision answers it. */
export interface TransitionStatus {
  stage: string;
  state: string;
  waitingOn: { role: string; sub?: string } | null;
}

/** The approver a submitted stage waits on, or null once nothing waits on an approver. */
export function approverDue(status: TransitionStatus): ApproverRole | null {
  return status.state === 'submitted' && status.waitingOn ? (status.waitingOn.role as ApproverRole) : null;
}

/** The meeting a collective body decides at in the sample rounds. */
export function sampleMeeting(role: 'leading_group' | 'party_committee') {
  return { kind: role === 'leading_group' ? '领导小组会议' : '书记专题会', heldOn: '2021-12-10', minutesRef: '巡领〔2021〕7号' };
}

/** An approval by `role`, naming the meeting when the role decides at one. */
export function approvalBody(stage: StageId, role: ApproverRole, requestId: string) {
  const meeting = role !== 'office' && decidesAtMeeting(role) ? { meeting: sampleMeeting(role) } : {};
  return { stage, decision: 'approve' as const, requestId, ...meeting };
}

const BRIEFING_SUMMARIES: Record<(typeof BRIEFING_SOURCES)[number], string> = {
  discipline: '近三年受理涉及该单位信访举报12件，立案2件，给予党纪处分1人。',
  organization: '领导班子7人，近两年提拔干部9人，其中破格提拔1人。',
  finance: '2020年度执法专项经费支出较上年增长38%，存在大额现金支出。',
  audit: '2019年经济责任审计发现罚没收入未及时上缴问题，整改未完成。',
  petition: '群众反映执法人员在超限检测中“以罚代管”，共5件。',
};

/** Five of the target's staff on the group's conduct: mostly kept, one doubt about discretion. */
const SAMPLE_ANSWERS = [5, 5, 4, 5, 3].map((discretion, i) => ({
  scores: { no_meals_or_gifts: 5, frugal_stay: 5, no_interference: i === 2 ? 4 : 5, discretion, attitude: 5, no_private_gain: 5 },
  ...(discretion < 4 ? { comment: '个别组员在食堂议论谈话内容，建议注意保密。' } : {}),
}));

async function ok(response: Promise<{ status: number; body: any }>, what: string) { // eslint-disable-line @typescript-eslint/no-explicit-any
  const result = await response;
  if (result.status >= 300) throw new Error(`${what}: ${result.status} ${JSON.stringify(result.body)}`);
  return result.body;
}

/** Records what `stage` needs before its group leader can submit it. */
export async function recordStageWork(call: ApiCall, inspectionId: string, stage: StageId, cast: Cast): Promise<void> {
  const base = `/api/v1/inspections/${inspectionId}`;
  const record = (actor: Actor, kind: string, data: unknown) =>
    ok(call(actor, 'POST', `${base}/records`, { kind, data }), `record ${kind}`);
  const list = async (kind: string) => (await ok(call(cast.office, 'GET', `${base}/records?kind=${kind}`), `list ${kind}`)).records as {
    id: string;
    data: Record<string, unknown>;
    version: number;
    reviewStatus: string | null;
    decisionStatus: string | null;
  }[];
  const group = [cast.leader, ...cast.members];
  const member = cast.members[0] ?? cast.leader;

  switch (stage) {
    case 'preparation': {
      for (const source of BRIEFING_SOURCES) {
        await record(cast.leader, 'briefing', { source, receivedOn: '2021-10-09', summary: BRIEFING_SUMMARIES[source] });
      }
      // Work recorded before a rejection is still there; declare only who has not.
      const declared = new Set((await list('recusal_declaration')).map((d) => d.data.memberSub));
      for (const person of group.filter((p) => !declared.has(p.sub))) {
        const declaration = await record(person, 'recusal_declaration', { memberSub: person.sub, hasRelation: false });
        await ok(call(cast.office, 'POST', `${base}/records/${declaration.id}/decision`, { decision: 'not_recused' }), 'recusal decision');
      }
      await record(cast.leader, 'work_plan', {
        focus: SAMPLE_FOCUS,
        schedule: '10月12日进驻，11月20日前完成了解工作',
        keyMatters: '超限检测执法、执法专项经费使用、近两年干部选拔任用',
      });
      await record(cast.leader, 'contingency_plan', { summary: '组内设防疫联络员，进驻期间每日健康监测。' });
      return;
    }
    case 'stationing': {
      await record(cast.leader, 'mobilization', { heldOn: '2021-10-12', attendees: ['马局长', '班子成员', '中层干部'] });
      await record(cast.leader, 'public_notice', {
        postedOn: '2021-10-12',
        phone: '0991-1234567',
        mailbox: '乌鲁木齐市第1号信箱',
        periodEnd: '2021-11-20',
      });
      const talk = await record(member, 'talk', { on: '2021-10-14', summary: '反映超限检测站罚款未开具票据。', interviewee: '某执法大队队员' });
      await record(member, 'document_review', {
        on: '2021-10-18',
        summary: '调阅2020年罚没收入台账，发现37笔罚款未入账。',
        documents: ['2020年罚没收入台账', '票据领用登记簿'],
      });
      // A lead found while stationed: confirmed now, handed over by the office in drafting (即知即移).
      const lead = await record(member, 'lead', {
        person: { name: '某大队负责人', post: '某执法大队大队长', leadingCadre: false },
        allegation: '多名谈话对象反映其对特定车辆“免检放行”，涉嫌收受好处。',
        sources: [talk.id],
        proposedDisposal: '建议由纪检监察机关初核',
        proposedRecipient: { kind: 'discipline', name: '驻厅纪检监察组' },
      });
      await ok(call(cast.leader, 'POST', `${base}/records/${lead.id}/review`, { decision: 'confirm' }), 'lead review');
      return;
    }
    case 'drafting': {
      const handed = new Set((await list('lead_handover')).map((h) => h.data.leadId));
      for (const lead of (await list('lead')).filter((l) => l.reviewStatus === 'confirmed' && !handed.has(l.id))) {
        await record(cast.office, 'lead_handover', {
          leadId: lead.id,
          recipient: { kind: 'discipline', name: '驻厅纪检监察组' },
          handedOn: '2021-11-10',
          letterRef: '巡移〔2021〕3号',
        });
      }
      const evidence = [...(await list('talk')), ...(await list('document_review'))].map((r) => r.id);
      const papers = [
        {
          category: '财政资金使用',
          title: '罚没收入未及时足额上缴',
          facts: '2020年超限检测罚款37笔共计18.6万元未按规定入账上缴。',
          evidence,
          conduct: { from: '2020-01-01', to: '2020-12-31' },
          characterization: '违反财经纪律',
          basis: [{ source: '《罚款决定与罚款收缴分离实施办法》', article: '第十条', effectiveOn: '1998-01-01' }],
          persons: [],
        },
      ];
      for (const data of papers) {
        const paper = await record(member, 'problem', data);
        await ok(call(cast.leader, 'POST', `${base}/records/${paper.id}/review`, { decision: 'confirm' }), 'paper review');
      }
      return;
    }
    case 'communication': {
      const problems = (await list('problem')).filter((p) => p.reviewStatus === 'confirmed');
      await record(cast.leader, 'communication', {
        heldOn: '2021-11-22',
        principalLeader: '马局长',
        answers: problems.map((p) => ({ problemId: p.id, response: '认可，立即组织整改。', accepted: true })),
      });
      return;
    }
    case 'reporting': {
      await ok(call(cast.leader, 'PUT', `${base}/report/sections/basic_situation`, {
        text: '巡察组于2021年10月12日进驻，开展个别谈话46人次，调阅资料320份。',
      }), 'basic situation');
      await ok(call(cast.leader, 'PUT', `${base}/report/sections/recommendations`, {
        text: '建议严格罚没收入管理，健全超限检测执法监督机制。',
      }), 'recommendations');
      return;
    }
    case 'post_evaluation': {
      // The target's staff answer the anonymous questionnaire, one code each. The answer
      // route reads no token, so the one this call carries is ignored.
      const issued = await ok(
        call(cast.office, 'POST', `${base}/questionnaire-codes`, { count: SAMPLE_ANSWERS.length, requestId: `sample-codes-${randomUUID()}` }),
        'questionnaire codes',
      );
      for (const [i, code] of (issued.codes as string[]).entries()) {
        await ok(call(cast.office, 'POST', `/api/v1/questionnaire/${code}`, SAMPLE_ANSWERS[i]), 'questionnaire answer');
      }
      const evaluated = new Set((await list('inspector_evaluation')).map((e) => e.data.memberSub));
      for (const person of group.filter((p) => !evaluated.has(p.sub))) {
        await record(cast.office, 'inspector_evaluation', { memberSub: person.sub, grade: 'excellent', comment: '工作扎实，敢于担当。' });
      }
      return;
    }
    case 'rectification': {
      // The office and the target own this stage; the group only hands its leads over.
      const { liaison } = cast;
      if (!liaison) throw new Error('walking rectification needs the target’s liaison in the cast (and in the launch body)');
      const problems = (await list('problem')).filter((p) => p.reviewStatus === 'confirmed');
      // Work recorded before a rejection is still there: each step only adds what is missing.
      if (!(await list('feedback_opinion')).some((o) => o.decisionStatus === 'approved')) {
        const opinion = await record(cast.office, 'feedback_opinion', {
          text: '巡察发现罚没收入管理不规范等问题，请认真组织整改。',
          problemIds: problems.map((p) => p.id),
        });
        await ok(call(cast.leadingGroup, 'POST', `${base}/records/${opinion.id}/decision`, { decision: 'approve' }), 'opinion decision');
      }
      if (!(await list('feedback_meeting')).length) {
        await record(cast.office, 'feedback_meeting', { heldOn: '2021-12-20', attendees: ['马局长', '班子成员'] });
      }
      const accept = async (kind: string, data: unknown) => {
        const existing = await list(kind);
        if (existing.some((r) => r.reviewStatus === 'confirmed')) return;
        const written = existing[0] ?? (await record(liaison, kind, data));
        await ok(call(cast.office, 'POST', `${base}/records/${written.id}/review`, { decision: 'confirm' }), `${kind} review`);
      };
      await accept('rectification_plan', { text: '成立整改工作领导小组，逐项明确整改措施、责任人和时限。', submittedOn: '2022-01-15' });
      const fedBack = new Set((await list('feedback_opinion')).filter((o) => o.decisionStatus === 'approved').flatMap((o) => o.data.problemIds as string[]));
      const items = await list('rectification_item');
      for (const problemId of fedBack) {
        if (items.some((i) => i.data.problemId === problemId)) continue;
        const item = await record(liaison, 'rectification_item', {
          problemId,
          measure: '建立罚没收入日清月结制度',
          owner: '财务科科长',
          dueOn: '2022-03-31',
        });
        const progress = [{ on: '2022-02-28', note: '已全部上缴并建立台账' }];
        await ok(call(liaison, 'PATCH', `${base}/records/${item.id}`, { data: { ...item.data, progress }, version: item.version }), 'item progress');
        items.push(item);
      }
      const verified = new Set((await list('rectification_verification')).map((v) => v.data.itemId));
      for (const item of items.filter((i) => !verified.has(i.id))) {
        await record(cast.office, 'rectification_verification', { itemId: item.id, outcome: 'accepted', on: '2022-04-10', note: '' });
      }
      await accept('rectification_report', { text: '反馈问题已全部整改到位，建立长效机制。', submittedOn: '2022-02-20' });
      return;
    }
    case 'archiving': {
      // 立卷归档: the office seals the dossier; a repeat (after a rejection) answers the sealed one.
      const sealed = await ok(call(cast.office, 'GET', `${base}/dossier`), 'dossier status');
      if (!sealed.dossier) await ok(call(cast.office, 'POST', `${base}/dossier`, { requestId: `sample-dossier-${inspectionId}` }), 'dossier');
      return;
    }
  }
}
