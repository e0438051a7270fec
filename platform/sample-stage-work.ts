/**
 * A realistic body of work for each stage of one inspection (Chinese text, every
 * exit criterion met), recorded through the public API. The tests and the benchmark
 * use it to walk inspections the way a group would.
 */
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
    ...officials,
  }));
  const body = {
    name: round.name,
    year: 2025,
    plannedStart: '2025-03-01',
    plannedEnd: '2025-12-31',
    focus: round.focus,
    inspections: casts.map((cast, i) => ({
      target: { name: `${label} 被巡察单位 ${i + 1}`, principalLeader: `负责人${i + 1}` },
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
 * Launches a round as the office does, through the public API, and answers with the
 * launched round (201 expected). Every test, the cluster tier and the benchmark launch
 * through here, so a change to how a round gets started (for example an authorisation
 * step) is made once.
 */
export async function launchRound(call: ApiCall, officials: Pick<Officials, 'office' | 'leadingGroup'>, body: unknown) {
  const launched = await call(officials.office, 'POST', '/api/v1/rounds', body);
  if (launched.status !== 201) throw new Error(`launching the round answered ${launched.status}: ${JSON.stringify(launched.body)}`);
  return launched.body;
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
    reviewStatus: string | null;
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
        await ok(call(cast.office, 'POST', `${base}/records/${declaration.id}/decision`, { decision: 'approve' }), 'recusal decision');
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
      await record(member, 'talk', { on: '2021-10-14', summary: '反映超限检测站罚款未开具票据。', interviewee: '某执法大队队员' });
      await record(member, 'document_review', {
        on: '2021-10-18',
        summary: '调阅2020年罚没收入台账，发现37笔罚款未入账。',
        documents: ['2020年罚没收入台账', '票据领用登记簿'],
      });
      return;
    }
    case 'drafting': {
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
        {
          category: '以权谋私',
          title: '某执法大队负责人涉嫌收受好处',
          facts: '多名谈话对象反映某大队负责人对特定车辆“免检放行”。',
          evidence: evidence.slice(0, 1),
          conduct: { from: '2021-03-01', to: '2021-09-30' },
          involves: { principalLeader: false, leadershipTeam: false },
          characterization: '涉嫌违纪，属问题线索',
          basis: [{ source: '《中国共产党纪律处分条例》', article: '第八十八条' }],
          persons: ['某大队负责人'],
          isLead: true,
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
        text: '建议严格罚没收入管理；对问题线索依规移交处置。',
      }), 'recommendations');
      return;
    }
    case 'post_evaluation': {
      await record(cast.office, 'conduct_questionnaire', {
        items: [
          { item: '遵守工作纪律', score: 5 },
          { item: '廉洁自律', score: 5 },
        ],
        comments: '巡察组作风严谨。',
      });
      const evaluated = new Set((await list('inspector_evaluation')).map((e) => e.data.memberSub));
      for (const person of group.filter((p) => !evaluated.has(p.sub))) {
        await record(cast.office, 'inspector_evaluation', { memberSub: person.sub, grade: 'excellent', comment: '工作扎实，敢于担当。' });
      }
      return;
    }
    case 'rectification': {
      await record(cast.leader, 'feedback_meeting', { heldOn: '2021-12-20', attendees: ['马局长', '班子成员'] });
      for (const problem of (await list('problem')).filter((p) => p.reviewStatus === 'confirmed')) {
        await record(cast.leader, 'rectification_item', {
          problemId: problem.id,
          measure: '建立罚没收入日清月结制度',
          owner: '财务科科长',
          dueOn: '2022-03-31',
          status: 'done',
          progress: [{ on: '2022-02-28', note: '已全部上缴并建立台账' }],
        });
        if (problem.data.isLead === true) {
          await record(cast.leader, 'lead_handover', {
            problemId: problem.id,
            handedTo: '驻厅纪检监察组',
            handedOn: '2021-12-25',
            receiptRef: '纪收〔2021〕88号',
          });
        }
      }
      return;
    }
  }
}
