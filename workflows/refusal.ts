/**
 * Why a request to a process is refused, in terms the API turns into HTTP answers.
 * Kept free of Temporal imports so the process classes that throw it can be tested
 * without a server; the workflow turns a `Refusal` into an `ApplicationFailure`.
 */
import { STAGES } from './stages.js';

/** Refusal types carried by ApplicationFailure; the API maps each to its HTTP status. */
export const REFUSAL = {
  forbidden: 'forbidden',
  conflict: 'conflict',
  exitCriteriaUnmet: 'exit_criteria_unmet',
  /** The request lacks something only the process can tell it needs; `details.field` names it. */
  invalidInput: 'invalid_input',
  /** The database will never accept the step (an invariant or a data error): retrying cannot help. */
  notRecordable: 'not_recordable',
  /** A request id already answered for another request (another person, target or body). */
  requestIdReused: 'request_id_reused',
} as const;
export type RefusalType = (typeof REFUSAL)[keyof typeof REFUSAL];

export type Language = 'zh' | 'en';
type Params = Record<string, string>;

export const ROLE_ZH: Record<string, string> = {
  office: '巡察办',
  leading_group: '巡察工作领导小组',
  party_committee: '党委（党组）',
  group_leader: '巡察组组长',
  member: '巡察组成员',
  auditor: '监督',
  discipline: '纪检监察机关',
  liaison: '被巡察单位联络人',
};
const STATE_ZH: Record<string, string> = { open: '进行中', submitted: '已提交待审批', completed: '已完成', cancelled: '已取消' };
const ROUND_STATUS_ZH: Record<string, string> = {
  proposed: '待批准',
  returned: '已退回',
  active: '进行中',
  completed: '已完成',
  cancelled: '已取消',
};
export const stageZh = (id: string | undefined) => STAGES.find((s) => s.id === id)?.title.zh ?? String(id);
export const roleZh = (role: string | undefined) => ROLE_ZH[role ?? ''] ?? String(role);

/**
 * Every refusal's sentence, in Chinese (the default) and English, keyed by a stable
 * code: the process throws the code and its parameters, the API words it in the
 * caller's language.
 */
export const REFUSAL_MESSAGES = {
  office_submits: { en: (p: Params) => `the office submits the ${p.stage} stage`, zh: (p: Params) => `${stageZh(p.stage)}阶段由巡察办提交` },
  group_may_not_submit: {
    en: (p: Params) => `members of ${p.group} may not submit the ${p.stage} stage`,
    zh: (p: Params) => `${p.group}的成员不得提交${stageZh(p.stage)}阶段`,
  },
  leader_submits: {
    en: (p: Params) => `only ${p.group}'s leader ${p.leader} may submit its stages`,
    zh: (p: Params) => `只有${p.group}组长${p.leader}可以提交本组的阶段`,
  },
  nothing_waiting: { en: () => 'nothing is waiting for a decision', zh: () => '没有待决定的提交' },
  not_your_turn: {
    en: (p: Params) => `the ${p.stage} submission is waiting on ${p.role}, which you do not hold`,
    zh: (p: Params) => `${stageZh(p.stage)}阶段的提交正等待${roleZh(p.role)}决定，您不具有该角色`,
  },
  own_submission: { en: () => 'you may not decide on a submission you made', zh: () => '不得对自己提交的事项作决定' },
  office_changes_group: { en: () => 'only the inspection office changes a group', zh: () => '只有巡察办可以调整巡察组' },
  group_fixed: {
    en: (p: Params) => `the inspection is ${p.state}; its group no longer changes`,
    zh: (p: Params) => `本巡察${STATE_ZH[p.state ?? ''] ?? p.state}，巡察组不再调整`,
  },
  not_a_member: { en: (p: Params) => `${p.sub} is not a member of ${p.group}`, zh: (p: Params) => `${p.sub}不是${p.group}的成员` },
  already_in_group: { en: (p: Params) => `${p.sub} is already in ${p.group}`, zh: (p: Params) => `${p.sub}已在${p.group}中` },
  already_deputy: { en: (p: Params) => `${p.sub} is already a deputy group leader`, zh: (p: Params) => `${p.sub}已是副组长` },
  liaison_in_group: {
    en: () => 'the target’s liaison cannot be a member of the group inspecting it',
    zh: () => '被巡察单位联络人不能是巡察该单位的巡察组成员',
  },
  group_may_not_decide: {
    en: (p: Params) => `members of ${p.group} may not decide on its stages`,
    zh: (p: Params) => `${p.group}的成员不得对本组的阶段作决定`,
  },
  decided_already: {
    en: () => 'you already decided on this submission at an earlier level of its chain',
    zh: () => '您已在审批链的前一级对本次提交作出决定',
  },
  rejection_needs_comment: { en: () => 'a rejection needs a comment saying what to fix', zh: () => '退回须附意见，说明需要改正的内容' },
  meeting_required: {
    en: (p: Params) => `a decision of the ${p.role} names the meeting that took it`,
    zh: (p: Params) => `${roleZh(p.role)}的决定须注明作出决定的会议`,
  },
  office_cancels: { en: () => 'only the inspection office cancels an inspection', zh: () => '只有巡察办可以撤销巡察' },
  already_finished: {
    en: (p: Params) => `the inspection is already ${p.state}`,
    zh: (p: Params) => `本巡察${STATE_ZH[p.state ?? ''] ?? p.state}`,
  },
  not_from_api: {
    en: () => 'this request did not come from the xuncha API and is refused',
    zh: () => '该请求并非由巡察系统接口发出，已拒绝',
  },
  exit_criteria_unmet: {
    en: (p: Params) => `the ${p.stage} stage cannot be submitted: ${p.count} exit criteria unmet`,
    zh: (p: Params) => `${stageZh(p.stage)}阶段尚不能提交：${p.count} 项退出条件未满足`,
  },
  wrong_stage: {
    en: (p: Params) => `the inspection is at stage ${p.stage} (${p.state}); this needs ${p.wanted} to be ${p.wantedState}`,
    zh: (p: Params) =>
      `巡察当前处于${stageZh(p.stage)}阶段（${STATE_ZH[p.state ?? ''] ?? p.state}）；此操作需要${stageZh(p.wanted)}阶段${STATE_ZH[p.wantedState ?? ''] ?? p.wantedState}`,
  },
  request_id_reused: {
    en: (p: Params) => `requestId ${p.requestId} was already used for a different request`,
    zh: (p: Params) => `requestId ${p.requestId} 已用于另一请求；新的请求请使用新的 requestId`,
  },

  // The round (workflows/round.workflow.ts).
  round_authorised_by_leading_group: { en: () => 'only the leading group authorises a round', zh: () => '巡察轮次只能由巡察工作领导小组批准' },
  round_already_approved: { en: () => 'the round is already approved', zh: () => '本轮巡察已获批准' },
  round_cancelled_by_office: { en: () => 'only the inspection office may cancel a round', zh: () => '只有巡察办可以取消巡察轮次' },
  round_being_cancelled: { en: () => 'the round is already being cancelled', zh: () => '本轮巡察正在取消' },
  round_already: {
    en: (p: Params) => `the round is already ${p.status}`,
    zh: (p: Params) => `本轮巡察已${ROUND_STATUS_ZH[p.status ?? ''] ?? p.status}`,
  },
  round_no_plan: { en: () => 'the round has no plan to start', zh: () => '本轮巡察没有可启动的方案' },
  round_proposal_edited: {
    en: (p: Params) => `the proposal was edited since: it is at version ${p.version}; approve what is proposed now`,
    zh: (p: Params) => `方案此后已被修改，当前为第 ${p.version} 版；请对现在提出的方案作决定`,
  },
  round_not_proposed: {
    en: (p: Params) => `the round is ${p.status}, not proposed`,
    zh: (p: Params) => `本轮巡察${ROUND_STATUS_ZH[p.status ?? ''] ?? p.status}，不是待批准状态`,
  },
  round_missing: { en: (p: Params) => `round ${p.roundId} does not exist`, zh: (p: Params) => `巡察轮次 ${p.roundId} 不存在` },
} as const satisfies Record<string, Record<Language, (p: Params) => string>>;
export type RefusalCode = keyof typeof REFUSAL_MESSAGES;

/** The sentence for a refusal code, in `language`; unknown codes (an older worker) give undefined. */
export function refusalMessage(code: string, params: Params, language: Language): string | undefined {
  const entry = (REFUSAL_MESSAGES as Record<string, Record<Language, (p: Params) => string>>)[code];
  return entry?.[language](params);
}

export class Refusal extends Error {
  constructor(
    readonly type: RefusalType,
    readonly code: RefusalCode,
    readonly params: Params = {},
    readonly details?: Record<string, unknown>,
  ) {
    // The English sentence is what logs and Temporal's failure show.
    super(REFUSAL_MESSAGES[code].en(params));
    this.name = 'Refusal';
  }
}
