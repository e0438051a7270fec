/**
 * Messages for people: Chinese by default, English when the request asks for it
 * (`Accept-Language: en`). Error codes stay English and stable; only sentences change.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { refusalMessage, roleZh, stageZh, type Language } from '../workflows/refusal.js';
import { RECORD_KINDS, STAGES, type RecordKind } from '../workflows/stages.js';

export type { Language };

/** The first language the caller accepts that we speak; Chinese unless English comes first. */
export function languageOf(request: FastifyRequest): Language {
  const header = request.headers['accept-language'];
  const tags = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((part) => {
      const [tag = '', ...rest] = part.trim().toLowerCase().split(';');
      const q = Number(rest.find((r) => r.trim().startsWith('q='))?.split('=')[1] ?? 1);
      return { tag, q: Number.isNaN(q) ? 0 : q };
    })
    .filter((t) => t.tag && t.q > 0)
    .sort((a, b) => b.q - a.q);
  const spoken = tags.find((t) => t.tag.startsWith('en') || t.tag.startsWith('zh'));
  return spoken?.tag.startsWith('en') ? 'en' : 'zh';
}

export type MessageParams = Record<string, string | number | readonly string[]>;
type Words = (p: MessageParams) => string;

const text = (p: MessageParams, key: string) => String(p[key] ?? '');
const DOSSIER_STATE_ZH: Record<string, string> = { open: '进行中', submitted: '已提交待审批', completed: '已完成', cancelled: '已取消' };
const listOf = (p: MessageParams, key: string): readonly string[] => (Array.isArray(p[key]) ? (p[key] as readonly string[]) : []);
const kindZh = (p: MessageParams) => RECORD_KINDS[text(p, 'kind') as RecordKind]?.title.zh ?? text(p, 'kind');
const kindEn = (p: MessageParams) => RECORD_KINDS[text(p, 'kind') as RecordKind]?.title.en.toLowerCase() ?? text(p, 'kind');
const stageEn = (id: string) => STAGES.find((s) => s.id === id)?.title.en ?? id;
/** Who writes a kind: the group, the target's liaison, or a role. */
const writerZh = (w: string) => (w === 'group' ? '本巡察的巡察组' : w === 'liaison' ? '被巡察单位联络人' : roleZh(w));
const writerEn = (w: string) => (w === 'group' ? 'the inspection’s group' : w === 'liaison' ? 'the target’s liaison' : w);

/** Status and step words services name, in Chinese (the English is the word itself). */
const WORDS_ZH: Record<string, string> = {
  open: '进行中', submitted: '已提交', completed: '已完成', cancelled: '已取消', active: '进行中', proposed: '已提请', returned: '已退回',
  approved: '已批准', rejected: '已驳回', confirmed: '已确认', pending: '待处理', recused: '需回避', not_recused: '无需回避', withdrawn: '已撤回',
  edited: '已修改', decided: '已决定',
};
/** What can no longer be done to a plan, in Chinese. */
const VERBS_ZH: Record<string, string> = { edited: '修改', decided: '决定', withdrawn: '撤回' };
/** The paged lists a cursor names, in Chinese (any other is a 列表). */
const CURSOR_LISTS_ZH: Record<string, string> = { log: '访问日志', timeline: '时间线' };
const wordZh = (w: string) => `“${WORDS_ZH[w] ?? w}”`;
const verbZh = (w: string) => VERBS_ZH[w] ?? w;
/** What a record's reference must point to (`REFERENCE_CHECKS` in the records service). */
/** The kinds a problem paper may cite as evidence, from the stage model. */
const EVIDENCE_KINDS = Object.values(RECORD_KINDS).filter((k) => 'evidence' in k && k.evidence);
const EVIDENCE_EN = EVIDENCE_KINDS.map((k) => k.title.en.toLowerCase());
const REFERENCE_ZH: Record<string, string> = {
  evidence: `的${EVIDENCE_KINDS.map((k) => k.title.zh).join('、')}记录`, problem: '的问题底稿', confirmed_problem: '已确认的问题底稿', fed_back_problem: '反馈意见所列的问题',
  rectification_item: '的整改事项', confirmed_lead: '已确认的问题线索', lead_for_discipline: '已移交纪检监察机关的问题线索',
};
const REFERENCE_EN: Record<string, string> = {
  evidence: `is not a ${EVIDENCE_EN.slice(0, -1).join(', ')} or ${EVIDENCE_EN.at(-1)} of this inspection`,
  problem: 'is not a problem paper of this inspection',
  confirmed_problem: 'is not a confirmed problem paper',
  fed_back_problem: 'is not a problem the issued feedback opinion names',
  rectification_item: 'is not a rectification item of this inspection',
  confirmed_lead: 'is not a confirmed lead of this inspection',
  lead_for_discipline: 'is not a lead of this inspection handed over to discipline inspection',
};

/** What a 404 names, in both languages. */
const THINGS: Record<string, { zh: string; en: string }> = {
  round: { zh: '巡察轮次', en: 'round' },
  inspection: { zh: '巡察', en: 'inspection' },
  record: { zh: '记录', en: 'record' },
  attachment: { zh: '附件', en: 'attachment' },
  attachment_bytes: { zh: '附件内容', en: 'attachment' },
  current_record: { zh: '记录的当前版本', en: 'the current version of record' },
  term: { zh: '届期巡察规划', en: 'term' },
  organization: { zh: '单位', en: 'organization' },
  focus_area: { zh: '重点领域', en: 'focus area' },
  questionnaire_code: { zh: '问卷码', en: 'questionnaire code' },
  dossier: { zh: '案卷（尚未生成）', en: 'dossier (not built yet)' },
};
const thingZh = (t: string) => THINGS[t]?.zh ?? t;
const thingEn = (t: string) => THINGS[t]?.en ?? t;
/** The conditions of `required_when`, in Chinese. */
const WHEN_ZH: Record<string, string> = {
  'kind is other': '类型为 other',
  'hasRelation is true': 'hasRelation 为 true',
  'the outcome is long_term': '结果为 long_term',
  'returning an item': '退回事项',
  'returning a record': '退回记录',
  rejecting: '退回',
  'rejecting: say what to fix': '退回（说明需要改正的内容）',
  'rejecting: say what to change': '退回（说明需要修改的内容）',
};

/**
 * The API's own sentences, by key, in Chinese and English. Names of stages, record
 * kinds and roles come from the stage model (`title.zh` / `title.en`), so a message
 * never shows a bare id to a person reading Chinese.
 */
export const API_MESSAGES = {
  invalid_input: { zh: () => '输入无效：', en: () => 'invalid input: ' },
  no_route: { zh: () => '没有此路由：', en: () => 'no route ' },
  internal: { zh: () => '内部错误', en: () => 'internal error' },
  database_unavailable: {
    zh: () => '数据库暂时无法访问；请在几秒后用相同的 requestId 重试',
    en: () => 'the database is unreachable; repeat the request (with the same requestId) in a few seconds',
  },

  // Access (api/access.ts).
  needs_role: {
    zh: (p) => `此操作需要${listOf(p, 'roles').map(roleZh).join('或')}角色；您的令牌具有：${listOf(p, 'held').map(roleZh).join('、')}`,
    en: (p) => `this needs the role ${listOf(p, 'roles').join(' or ')}; your token has ${listOf(p, 'held').join(', ')}`,
  },
  recusal_pending: {
    zh: () => '您的回避申报正等待巡察办决定；在此之前您不能查看或录入本巡察的工作',
    en: () => 'your recusal declaration waits for the office’s decision; until then you cannot see or record this inspection’s work',
  },
  recusal_undeclared: {
    zh: () => '请先作回避申报；巡察办决定之前，您不能查看或录入本巡察的工作',
    en: () => 'declare whether you must recuse yourself (回避申报) first; until the office decides you cannot see or record this inspection’s work',
  },
  stage_deciders: {
    zh: () => '阶段由巡察办、巡察工作领导小组或党委审批',
    en: () => 'stages are decided by the office, the leading group or the party committee',
  },
  no_decision_on_own_group: {
    zh: (p) => `${text(p, 'group')}的成员不得对本组的阶段作决定`,
    en: (p) => `members of ${text(p, 'group')} may not decide on its stages`,
  },
  recused: { zh: () => '巡察办已决定您对本巡察需回避', en: () => 'the office recused you from this inspection (需回避)' },
  not_in_group: { zh: () => '您不是本巡察的巡察组成员', en: () => 'you are not a member of this inspection’s group' },
  not_named_in_round: { zh: () => '您未被列入本轮任何巡察组', en: () => 'you are not named in any group of this round' },
  office_confirms_leaders_papers: {
    zh: (p) => `${text(p, 'group')}未设副组长，组长${text(p, 'leader')}撰写的问题底稿由巡察办确认`,
    en: (p) => `${text(p, 'group')} has no deputy group leader, so the office confirms the papers its leader ${text(p, 'leader')} wrote`,
  },
  deputy_confirms_leaders_papers: {
    zh: (p) => `组长${text(p, 'leader')}撰写的问题底稿由副组长确认：${listOf(p, 'deputies').join('、')}`,
    en: (p) => `a paper the group leader ${text(p, 'leader')} wrote is confirmed by a deputy group leader: ${listOf(p, 'deputies').join(', ')}`,
  },
  kind_not_shown: { zh: (p) => `${kindZh(p)}记录不向您显示`, en: (p) => `a ${kindEn(p)} record is not shown to you` },
  kind_written_by: {
    zh: (p) => `${kindZh(p)}记录由${listOf(p, 'writers').map(writerZh).join('或')}录入`,
    en: (p) => `a ${kindEn(p)} record is written by ${listOf(p, 'writers').map(writerEn).join(' or ')}`,
  },
  kind_not_reviewed: { zh: (p) => `${kindZh(p)}记录无需审核`, en: (p) => `a ${kindEn(p)} record is not reviewed` },
  office_reviews: { zh: (p) => `${kindZh(p)}由巡察办审核`, en: (p) => `the office reviews a ${kindEn(p)}` },
  own_paper: { zh: () => '任何人不得确认自己撰写的问题底稿，须由他人审核', en: () => 'nobody confirms their own problem paper; another reviewer must' },
  leader_reviews_papers: {
    zh: (p) => `只有${text(p, 'group')}组长${text(p, 'leader')}审核本组的问题底稿`,
    en: (p) => `only ${text(p, 'group')}'s leader ${text(p, 'leader')} reviews its problem papers`,
  },
  kind_needs_no_decision: { zh: (p) => `${kindZh(p)}记录无需决定`, en: (p) => `a ${kindEn(p)} record needs no decision` },
  kind_decided_by: {
    zh: (p) => `${kindZh(p)}由${roleZh(text(p, 'role'))}决定`,
    en: (p) => `a ${kindEn(p)} is decided by ${text(p, 'role')}`,
  },
  own_request: { zh: () => '不得对自己提出的请示作决定', en: () => 'you may not decide on a request you made' },
  inspecting_side_only: { zh: () => '此内容仅供巡察方查看', en: () => 'this is for the inspecting side only' },
  report_by_group: { zh: () => '巡察报告由本巡察的巡察组撰写', en: () => 'the report is written by the inspection’s group' },
  office_issues_codes: { zh: () => '问卷码由巡察办发放', en: () => 'the office issues the questionnaire codes' },
  answers_read_by: {
    zh: (p) => `问卷答复仅由${listOf(p, 'roles').map(roleZh).join('、')}查看`,
    en: (p) => `the answers are read by ${listOf(p, 'roles').join(', ')} only`,
  },
  group_not_judged: { zh: () => '巡察组不查看对本组的评价', en: () => 'the group does not read how it is judged' },

  // Evidence files (api/attachments*.ts).
  file_too_large: {
    zh: (p) => `单个文件不得超过 ${text(p, 'maxBytes')} 字节（ATTACHMENT_MAX_FILE_MB）`,
    en: (p) => `a file may be at most ${text(p, 'maxBytes')} bytes (ATTACHMENT_MAX_FILE_MB)`,
  },
  inspection_quota: {
    zh: (p) => `本巡察的文件合计不得超过 ${text(p, 'quotaBytes')} 字节（每个巡察的配额，ATTACHMENT_INSPECTION_QUOTA_MB）；已用 ${text(p, 'usedBytes')} 字节`,
    en: (p) =>
      `the inspection's files may take at most ${text(p, 'quotaBytes')} bytes together (the per-inspection quota, ATTACHMENT_INSPECTION_QUOTA_MB); ${text(p, 'usedBytes')} are used`,
  },
  not_evidence: {
    zh: (p) => `不接受${text(p, 'detectedZh') || text(p, 'detected')}作为证据材料：请上传 PDF、图片、Word/Excel/WPS 文档、纯文本或录音`,
    en: (p) => `${text(p, 'detected')} is not accepted as evidence: send a PDF, an image, a Word, Excel or WPS document, plain text or an audio recording`,
  },
  not_multipart: { zh: () => '请以 multipart/form-data 上传文件', en: () => 'send the file as multipart/form-data' },
  is_not_multipart: { zh: () => '不是 multipart/form-data', en: () => 'is not multipart/form-data' },
  body_not_multipart: { zh: () => '请求体不是完整的 multipart/form-data', en: () => 'the body is not well-formed multipart/form-data' },
  malformed_multipart: { zh: () => '不是完整的 multipart 请求体（上传中断或分段头损坏）', en: () => 'is not a well-formed multipart body (cut short, or a broken part header)' },

  // The sealed dossier (立卷归档, api/dossier.service.ts).
  dossier_not_open: {
    zh: (p) => `案卷在整改阶段获批、立卷归档阶段进行中时生成；本巡察现处于${stageZh(text(p, 'stage'))}阶段（${DOSSIER_STATE_ZH[text(p, 'state')] ?? text(p, 'state')}）`,
    en: (p) => `the dossier is built once rectification is approved, while archiving (立卷归档) is open; the inspection is at ${text(p, 'stage')} (${text(p, 'state')})`,
  },
  dossier_sealed: {
    zh: (p) => `案卷已于 ${text(p, 'sealedAt')} 封存，封存的案卷不再重新生成`,
    en: (p) => `the dossier is already sealed (${text(p, 'sealedAt')}); a sealed dossier is never rebuilt`,
  },

  // The approval chains a round may override (workflows/stages.ts chainProblems).
  chain_must_end: {
    zh: (p) => `${stageZh(text(p, 'stage'))}阶段的审批链必须以${listOf(p, 'end').map(roleZh).join(' → ')}结尾`,
    en: (p) => `the ${stageEn(text(p, 'stage'))} chain must end with ${listOf(p, 'end').join(' → ')}`,
  },

  // Field issues, mostly of the register's .xlsx import (api/organizations-import.ts).
  is_required: { zh: () => '为必填项', en: () => 'is required' },
  too_long: { zh: (p) => `超过 ${text(p, 'max')} 个字符`, en: (p) => `is longer than ${text(p, 'max')} characters` },
  unstorable_text: {
    zh: () => '含有 NUL 字符或孤立代理项，无法作为文本保存',
    en: () => 'contains a NUL character or a lone surrogate, which cannot be stored as text',
  },
  one_of: {
    zh: (p) => `须为${listOf(p, 'options').join('、')}之一（实为“${text(p, 'got')}”）`,
    en: (p) => `must be one of ${listOf(p, 'options').join('、')} (got “${text(p, 'got')}”)`,
  },
  a_date: { zh: (p) => `须为日期，格式 YYYY-MM-DD（实为“${text(p, 'got')}”）`, en: (p) => `must be a date, YYYY-MM-DD (got “${text(p, 'got')}”)` },
  not_before_start: { zh: (p) => `不得早于${text(p, 'start')}`, en: (p) => `must not be before ${text(p, 'start')}` },
  sheet_not_xlsx: { zh: () => '不是 .xlsx 电子表格', en: () => 'is not an .xlsx spreadsheet' },
  sheet_empty_body: { zh: () => '为空：请以请求体发送 .xlsx 文件', en: () => 'is empty: send the .xlsx file as the body' },
  sheet_no_worksheet: { zh: () => '没有工作表', en: () => 'has no worksheet' },
  sheet_header_missing: { zh: (p) => `表头行缺少“${text(p, 'header')}”列`, en: (p) => `the header row has no column ${text(p, 'header')}` },
  sheet_too_many_rows: { zh: (p) => `超过 ${text(p, 'max')} 行，请拆分`, en: (p) => `has more than ${text(p, 'max')} rows; split it` },
  sheet_no_rows: { zh: () => '表头下没有数据行', en: () => 'has no rows under the header' },
  parent_is_self: { zh: () => '上级单位是其本身', en: () => 'names the organization itself' },
  parent_unknown: {
    zh: (p) => `${text(p, 'parent')}既不在名录中，也不在表中其他行`,
    en: (p) => `${text(p, 'parent')} is neither in the register nor on another row`,
  },
  parent_loop: { zh: () => '表中的上级单位形成循环', en: () => 'makes a loop of parents within the sheet' },

  // 404 (api/errors.ts notFound): the thing, its id, and what it belongs to.
  not_found: {
    zh: (p) => `未找到${p.within ? `${thingZh(text(p, 'within'))} ${text(p, 'withinId')} 的` : ''}${thingZh(text(p, 'thing'))}${p.id ? ` ${text(p, 'id')}` : ''}`,
    en: (p) => `${p.thing === 'attachment_bytes' ? 'the bytes of attachment' : thingEn(text(p, 'thing'))}${p.id ? ` ${text(p, 'id')}` : ''}${p.within ? ` ${text(p, 'withinHow') || 'of'} ${thingEn(text(p, 'within'))} ${text(p, 'withinId')}` : ''} not found`,
  },

  // 409 on a stale version: someone else wrote in between.
  record_version_edit: {
    zh: (p) => `记录当前为第 ${text(p, 'current')} 版，您编辑的是第 ${text(p, 'yours')} 版；请刷新后重新编辑`,
    en: (p) => `the record is at version ${text(p, 'current')}; you edited version ${text(p, 'yours')}. Reload and edit again`,
  },
  record_version_change: {
    zh: (p) => `记录当前为第 ${text(p, 'current')} 版，您修改的是第 ${text(p, 'yours')} 版；请刷新后重试`,
    en: (p) => `the record is at version ${text(p, 'current')}; you changed version ${text(p, 'yours')}. Reload and try again`,
  },
  record_changed_while_editing: {
    zh: () => '您编辑期间记录已被他人修改；请刷新后重新编辑',
    en: () => 'the record changed while you edited it; reload and edit again',
  },
  record_changed_meanwhile: { zh: () => '记录已被他人修改；请刷新后重试', en: () => 'the record changed meanwhile; reload and try again' },
  plan_version: {
    zh: (p) => `方案当前为第 ${text(p, 'version')} 版；请刷新后重试`,
    en: (p) => `the plan is at version ${text(p, 'version')}; reload it and try again`,
  },
  organization_version: {
    zh: (p) => `该单位当前为第 ${text(p, 'version')} 版；请刷新后重试`,
    en: (p) => `the organization is at version ${text(p, 'version')}; reload it and try again`,
  },
  organization_registered_meanwhile: {
    zh: () => '同名单位刚刚已被登记；请刷新后重试',
    en: () => 'an organization of that name was registered meanwhile; reload and try again',
  },

  request_id_reused: {
    zh: (p) => `requestId ${text(p, 'requestId')} 已用于另一请求；新的请求请使用新的 requestId`,
    en: (p) => `requestId ${text(p, 'requestId')} was already used for a different request; use a new requestId for a new request`,
  },
  idempotency_key_reused: {
    zh: () => '此 Idempotency-Key 已用于另一请求；新的请求请使用新的键',
    en: () => 'this Idempotency-Key was already used for a different request; use a new key for a new request',
  },

  // Cursors of paged lists.
  not_our_cursor: {
    zh: (p) => `不是本${CURSOR_LISTS_ZH[text(p, 'list')] ?? '列表'}给出的游标`,
    en: (p) => `is not a cursor this ${text(p, 'list') in CURSOR_LISTS_ZH ? text(p, 'list') : 'list'} gave out`,
  },

  // 401: our own words for a refused token, never the token library's.
  token_missing: { zh: () => '请在 Authorization 请求头中发送 Bearer 令牌', en: () => 'send a bearer token in the Authorization header' },
  token_expired: { zh: () => '令牌已过期：请重新登录', en: () => 'the token has expired: sign in again' },
  token_claim_refused: {
    zh: (p) => `令牌的 ${text(p, 'claim')} 声明缺失或不被本服务接受`,
    en: (p) => `the token's ${text(p, 'claim')} claim is missing or not accepted here`,
  },
  token_untrusted_key: { zh: () => '令牌不是由本服务信任的密钥签名的', en: () => 'the token is not signed by a key this server trusts' },
  token_algorithm: { zh: () => '令牌的签名算法不被本服务接受', en: () => 'the token is signed with an algorithm this server does not accept' },
  token_invalid: { zh: () => '令牌不是有效的签名令牌', en: () => 'the token is not a valid signed token' },
  token_claims_unacceptable: {
    zh: (p) => `令牌的声明不可接受：${listOf(p, 'claims').join('、')}（须含 sub、name、roles 和 exp）`,
    en: (p) => `the token's claims are not acceptable: ${listOf(p, 'why').join('; ')} (needs sub, name, roles and exp)`,
  },
  token_from_future: { zh: () => '令牌的签发时间（iat）在未来', en: () => 'the token was issued in the future (iat)' },
  token_too_long_lived: {
    zh: (p) => `令牌有效期超过本服务接受的 ${text(p, 'hours')} 小时（exp − iat）；请申请有效期更短的令牌`,
    en: (p) => `the token lives longer than the ${text(p, 'hours')} h this server accepts (exp − iat); ask for a shorter one`,
  },
  identity_provider_unavailable: {
    zh: () => '身份提供方暂时无法访问，无法核验令牌；请稍后重试',
    en: (p) => `the identity provider cannot be reached to check the token (${text(p, 'reason')}); try again`,
  },

  // The process engine (api/temporal-errors.ts).
  process_unanswered: {
    zh: (p) => `流程引擎未在 ${text(p, 'seconds')} 秒内答复（工作进程是否在运行？）；请用相同的 requestId 重复请求以获知结果`,
    en: (p) =>
      `the process engine did not answer within ${text(p, 'seconds')} s (is a worker running?); repeat the request with the same requestId to learn its outcome`,
  },
  process_finished: { zh: () => '该流程已结束，不能再作任何改变', en: () => 'this process has already finished; nothing more can change in it' },
  process_engine_unavailable: { zh: () => '流程引擎（Temporal）暂时无法访问；请重试', en: () => 'the process engine (Temporal) is unavailable; try again' },
  step_not_recordable: {
    zh: (p) => `数据库拒绝记录此步骤，因此未执行：${text(p, 'reason')}`,
    en: (p) => `the database refused to record this step, so it was not taken: ${text(p, 'reason')}`,
  },
  service_unavailable: { zh: () => 'API 所依赖的服务暂时无法访问；请重试', en: () => 'a service the API depends on is unavailable; try again' },

  // Fastify's own refusals of a request's body (api/errors.ts).
  body_not_json: { zh: () => '请求体不是有效的 JSON', en: () => 'the body is not valid JSON' },
  is_not_json: { zh: () => '不是有效的 JSON', en: () => 'is not valid JSON' },
  nests_too_deep: { zh: (p) => `嵌套超过 ${text(p, 'max')} 层`, en: (p) => `nests deeper than ${text(p, 'max')} levels` },
  body_too_large: { zh: () => '请求体过大', en: () => 'the request body is too large' },
  media_type_unsupported: {
    zh: (p) => `不支持的内容类型：${text(p, 'type') || '（未给出）'}`,
    en: (p) => `unsupported media type: ${text(p, 'type') || '(none given)'}`,
  },
  empty_json_body: {
    zh: () => '内容类型为 application/json 的请求体不能为空',
    en: () => 'a body of type application/json must not be empty',
  },
  bad_request: { zh: () => '请求无效', en: () => 'bad request' },

  // Hand-written field checks (zod refinements and services).
  not_before_field: { zh: (p) => `不得早于 ${text(p, 'other')}`, en: (p) => `must not be before ${text(p, 'other')}` },
  required_when: {
    zh: (p) => `${WHEN_ZH[text(p, 'when')] ?? text(p, 'when')}时为必填项`,
    en: (p) => `is required when ${text(p, 'when')}`,
  },
  bidi_controls: {
    zh: () => '不得包含改变文字显示方向的控制字符（U+202A–U+202E、U+2066–U+2069）',
    en: () => 'must not hold bidirectional override or isolate characters (U+202A–U+202E, U+2066–U+2069)',
  },
  // A flag on a problem paper (`api/record-flags.ts`), not a refusal: the group leader judges it.
  basis_after_conduct: {
    zh: (p) => `${text(p, 'source') || '该依据'}自 ${text(p, 'effectiveOn')} 起施行，晚于问题行为开始之日（${text(p, 'from')}）：不能用新规定套老问题`,
    en: (p) => `${text(p, 'source') || 'the basis'} took effect on ${text(p, 'effectiveOn')}, after the conduct began (${text(p, 'from')})`,
  },
  repeats_entry: { zh: (p) => `与第 ${text(p, 'first')} 项重复`, en: (p) => `repeats entry ${text(p, 'first')}` },
  inspected_twice: { zh: () => '在本轮中被重复巡察', en: () => 'is inspected twice in this round' },
  twice_in_group: { zh: () => '在巡察组中出现两次', en: () => 'appears twice in the group' },
  within_term: { zh: (p) => `须在届期之内（${text(p, 'first')}–${text(p, 'last')}）`, en: (p) => `must be within the term (${text(p, 'first')}–${text(p, 'last')})` },
  planned_twice: { zh: () => '同一年度被重复规划', en: () => 'is planned twice for the same year' },
  unknown_timeline_kind: {
    zh: (p) => `未知类型 ${listOf(p, 'bad').join('、')}；须为 ${listOf(p, 'options').join('、')} 之一`,
    en: (p) => `unknown kind ${listOf(p, 'bad').join(', ')}; one of ${listOf(p, 'options').join(', ')}`,
  },

  // Services' own refusals (409 and 403) and field checks.
  liaison_appends_only: {
    zh: (p) => `被巡察单位联络人只能向${kindZh(p)}追加${text(p, 'field')}条目；${text(p, 'key')}由巡察办填写`,
    en: (p) => `the target's liaison may only add ${text(p, 'field')} entries to a ${text(p, 'kind')}; ${text(p, 'key')} is the office's`,
  },
  entries_append_only: { zh: (p) => `${text(p, 'field')}条目只能追加，不能修改或删除`, en: (p) => `${text(p, 'field')} entries are appended, never changed or removed` },
  declare_for_yourself: { zh: () => '回避申报须本人填写：memberSub 须为您自己', en: () => 'each member declares for themselves: memberSub must be your own' },
  declarant_only: { zh: () => '只有申报人本人可以修改回避申报', en: () => 'only the member who declared may change the declaration' },
  leader_only_flag: {
    zh: (p) => `只有巡察组组长可以${text(p, 'flag') === 'withdrawn' ? '撤回或恢复' : '更改'}${kindZh(p)}`,
    en: (p) => `only the group leader may ${text(p, 'meaning')}`,
  },
  follows_none_yet: {
    zh: (p) => `${kindZh(p)}须在${kindZh({ kind: text(p, 'follows') })}之后填写：目前还没有可据以填写的${kindZh({ kind: text(p, 'follows') })}（需要审批或验收的，须已通过）`,
    en: (p) => `a ${text(p, 'kind')} follows the ${text(p, 'follows')}: there is none yet that counts (approved or accepted where it needs it)`,
  },
  record_twin_exists: {
    zh: (p) => `该${text(p, 'about')}已有${kindZh(p)}（${text(p, 'recordId')}），请修改该记录`,
    en: (p) => `a ${text(p, 'kind')} for ${text(p, 'about')} already exists (${text(p, 'recordId')}); edit that one`,
  },
  already_reviewed: {
    zh: (p) => `该记录已审核，结果为${wordZh(text(p, 'status'))}；修改后方可再次审核`,
    en: (p) => `the record is already ${text(p, 'status')}; it can be reviewed again after an edit`,
  },
  already_decided: {
    zh: (p) => `已作出决定，结果为${wordZh(text(p, 'status'))}；修改后将重新提请决定`,
    en: (p) => `already ${text(p, 'status')}; an edit sends it back for a new decision`,
  },
  record_stage_closed: {
    zh: (p) => `${kindZh(p)}只能在${listOf(p, 'stages').map(stageZh).join('、')}阶段进行时填写；本巡察现处于${stageZh(text(p, 'stage'))}阶段（${wordZh(text(p, 'state'))}）`,
    en: (p) => `a ${text(p, 'kind')} record can be written while ${listOf(p, 'stages').join(', ')} is open; the inspection is at ${text(p, 'stage')} (${text(p, 'state')})`,
  },
  record_not_shown: { zh: (p) => `此${kindZh(p)}记录不向您显示`, en: (p) => `this ${text(p, 'kind')} record is not shown to you` },
  files_not_shown_to_target: { zh: (p) => `${kindZh(p)}记录的附件不向被巡察单位显示`, en: (p) => `the files of a ${text(p, 'kind')} record are not shown to the target` },
  reference_wrong: {
    zh: (p) => `不是本巡察${REFERENCE_ZH[text(p, 'to')] ?? text(p, 'to')}`,
    en: (p) => REFERENCE_EN[text(p, 'to')] ?? `is not a valid ${text(p, 'to')}`,
  },
  member_not_in_group: { zh: () => '不是本巡察组的成员', en: () => 'is not in this inspection’s group' },
  not_round_focus: { zh: (p) => `不是本轮巡察的监督重点（${listOf(p, 'focus').join('、')}）`, en: (p) => `is not one of the round’s focus areas (${listOf(p, 'focus').join('、')})` },
  not_plan_focus: {
    zh: (p) => `不是工作方案所列的监督重点（${listOf(p, 'focus').join('、') || '尚无工作方案'}）`,
    en: (p) => `is not one of the work plan’s focus areas (${listOf(p, 'focus').join('、') || 'no work plan yet'})`,
  },
  decision_answers: { zh: (p) => `${kindZh(p)}的决定须为 ${listOf(p, 'answers').join(' 或 ')}`, en: (p) => `a ${text(p, 'kind')} is decided ${listOf(p, 'answers').join(' or ')}` },
  inspection_finished: {
    zh: (p) => `本巡察的状态为${wordZh(text(p, 'state'))}，不能再提交或决定`,
    en: (p) => `the inspection is ${text(p, 'state')}; nothing more can be submitted or decided`,
  },
  group_finished: { zh: (p) => `本巡察的状态为${wordZh(text(p, 'state'))}，巡察组不再变更`, en: (p) => `the inspection is ${text(p, 'state')}; its group no longer changes` },
  request_id_other_step: {
    zh: (p) => `该 requestId 已用于另一步骤（${wordZh(text(p, 'kind'))}）`,
    en: (p) => `that requestId was already used for a ${text(p, 'kind')} step`,
  },
  term_status_final: {
    zh: (p) => `巡察规划的状态为${wordZh(text(p, 'status'))}，不能再${verbZh(text(p, 'what'))}`,
    en: (p) => `the term plan is ${text(p, 'status')}; it can no longer be ${text(p, 'what')}`,
  },
  round_status_final: {
    zh: (p) => `本轮巡察的状态为${wordZh(text(p, 'status'))}，不能再${verbZh(text(p, 'what'))}`,
    en: (p) => `the round is ${text(p, 'status')}; it can no longer be ${text(p, 'what')}`,
  },
  round_no_plan: { zh: () => '本轮巡察在启用方案审批之前发起，没有可修改的方案', en: () => 'this round was launched before proposals existed; it has no plan to edit' },
  round_not_proposed: {
    zh: (p) => `本轮巡察的状态为${wordZh(text(p, 'status'))}；只有已提请的轮次可以决定${text(p, 'status') === 'returned' ? '（巡察办修改后重新提请）' : ''}`,
    en: (p) => `the round is ${text(p, 'status')}; only a proposed round is decided${text(p, 'status') === 'returned' ? ' (the office edits it to propose it again)' : ''}`,
  },
  round_not_cancellable: {
    zh: (p) => `本轮巡察的状态为${wordZh(text(p, 'status'))}；只有进行中、已提请或已退回的轮次可以取消`,
    en: (p) => `the round is ${text(p, 'status')}; only an active, proposed or returned round can be cancelled`,
  },
  organization_deactivated: { zh: () => '该单位已撤销，其记录保持原样', en: () => 'the organization is deactivated; its record stays as it was' },
  organization_already_deactivated: { zh: () => '该单位已撤销', en: () => 'the organization is already deactivated' },
  organization_name_taken: { zh: (p) => `${text(p, 'name')}已在名录中`, en: (p) => `${text(p, 'name')} is already in the register` },
  not_registered_organization: { zh: () => '不是名录中的单位', en: () => 'is not a registered organization' },
  organization_deactivated_named: { zh: (p) => `${text(p, 'name')}已撤销`, en: (p) => `${text(p, 'name')} is deactivated` },
  organization_named_twice: { zh: (p) => `${text(p, 'name')}已在 ${text(p, 'at')} 列出`, en: (p) => `${text(p, 'name')} is already named at ${text(p, 'at')}` },
  not_in_term_scope: { zh: () => '不在本届巡察规划的范围内', en: () => 'is not an organization in the term’s scope' },
  not_a_round: { zh: () => '不是已有的巡察轮次', en: () => 'is not a round' },
  not_after_field: { zh: (p) => `不得晚于 ${text(p, 'other')}（${text(p, 'value')}）`, en: (p) => `must not be after ${text(p, 'other')} (${text(p, 'value')})` },
  not_before_value: { zh: (p) => `不得早于 ${text(p, 'other')}（${text(p, 'value')}）`, en: (p) => `must not be before ${text(p, 'other')} (${text(p, 'value')})` },
  parent_is_self_or_below: { zh: () => '是该单位本身或其下级单位', en: () => 'is the organization itself or one below it' },
  focus_area_exists: { zh: (p) => `重点领域“${text(p, 'name')}”已在列表中`, en: (p) => `focus area ${text(p, 'name')} is already on the list` },
  focus_area_inactive_already: { zh: (p) => `重点领域“${text(p, 'name')}”已停用`, en: (p) => `focus area ${text(p, 'name')} is already deactivated` },
  focus_areas_office_only: { zh: () => '重点领域列表由巡察办维护', en: () => 'the inspection office keeps the list of focus areas' },
  focus_area_not_active: {
    zh: (p) => `“${text(p, 'name')}”不是启用中的重点领域（GET /api/v1/focus-areas 列出全部）`,
    en: (p) => `${text(p, 'name')} is not an active focus area (GET /api/v1/focus-areas lists them)`,
  },
  questionnaire_closed: { zh: () => '巡察办已关闭本问卷，不再接受作答', en: () => 'the office has closed this questionnaire; it takes no more answers' },
  questionnaire_not_open: { zh: () => '本问卷当前不接受作答', en: () => 'this questionnaire is not open for answers' },
  timeline_readers: {
    zh: (p) => `履历由${listOf(p, 'roles').map(roleZh).join('、')}及本巡察组阅读`,
    en: (p) => `the timeline is read by ${listOf(p, 'roles').join(', ')} and the inspection’s group`,
  },
  discipline_own_leads: { zh: () => '纪检监察机关只能阅读移交给它的问题线索', en: () => 'discipline inspection reads only the leads handed over to it' },
  file_missing: { zh: () => '缺少文件', en: () => 'is missing' },
  questionnaire_rate_limited: {
    zh: (p) => `来自本地址的问卷请求过多，请在 ${text(p, 'after')} 后重试`,
    en: (p) => `too many questionnaire requests from this address; try again in ${text(p, 'after')}`,
  },
  not_a_demo_person: { zh: () => '不是演示人员', en: () => 'is not a demo person' },

  // Notices people read (the overdue and escalation notifications).
  notice_overdue: {
    zh: (p) => `${text(p, 'target')}：${stageZh(text(p, 'stage'))}阶段已超过期限 ${text(p, 'dueAt')}`,
    en: (p) => `${text(p, 'target')}: stage ${text(p, 'stage')} passed its due date ${text(p, 'dueAt')}`,
  },
  notice_escalated: {
    zh: (p) => `${text(p, 'target')}：${stageZh(text(p, 'stage'))}阶段的提交自 ${text(p, 'since')} 起一直等待${roleZh(text(p, 'waitingOn'))}决定`,
    en: (p) => `${text(p, 'target')}: the ${text(p, 'stage')} submission has waited on ${text(p, 'waitingOn')} since ${text(p, 'since')}`,
  },
  notice_rectification_overdue: {
    zh: (p) => `${text(p, 'target')}：${kindZh({ kind: text(p, 'due') })}应于 ${text(p, 'dueAt')} 前提交（自 ${text(p, 'meetingHeldOn')} 的反馈会起算），至今未交`,
    en: (p) =>
      `${text(p, 'target')}: the ${text(p, 'due')} was due ${text(p, 'dueAt')}, counted from the feedback meeting of ${text(p, 'meetingHeldOn')}, and is not in`,
  },
} as const satisfies Record<string, Record<Language, Words>>;
export type MessageKey = keyof typeof API_MESSAGES;

/** A sentence to say, as data: its key and parameters, worded when the answer is sent. */
export interface Said {
  key: MessageKey;
  params?: MessageParams;
}

export const say = (said: Said, language: Language): string => API_MESSAGES[said.key][language](said.params ?? {});

/**
 * A refinement's message said by key: zod keeps the English (for logs), the error
 * handler words it in the caller's language. Spread into `.refine`'s options or `addIssue`.
 */
export const saidIssue = (key: MessageKey, params?: MessageParams) => ({
  message: say({ key, params }, 'en'),
  params: { said: { key, params } satisfies Said },
});
export const apiMessage = (key: MessageKey, language: Language) => say({ key }, language);

/** A process refusal's sentence in `language`, when it carries its code (see `workflows/refusal.ts`). */
export function localizedRefusal(details: unknown, language: Language): string | undefined {
  const key = (details as { messageKey?: { code: string; params: Record<string, string> } } | undefined)?.messageKey;
  return key ? refusalMessage(key.code, key.params, language) : undefined;
}

const zhCN = z.locales.zhCN().localeError;

/**
 * A zod issue's message in `language`. Zod's own messages are English (the global
 * locale); in Chinese they are worded again by zod's zh-CN locale. A message the
 * schema set itself (a refinement) is kept as written unless it was said by key.
 */
export function localizedIssue(issue: { code: string; message: string; [key: string]: unknown }, language: Language): string {
  // A refinement may say its message as a key of API_MESSAGES (`params.said`).
  const said = (issue.params as { said?: Said } | undefined)?.said;
  if (said) return say(said, language);
  if (language === 'en' || issue.code === 'custom') return issue.message;
  const worded = zhCN?.(issue as unknown as Parameters<NonNullable<typeof zhCN>>[0]);
  const text = typeof worded === 'string' ? worded : worded?.message;
  return text ?? issue.message;
}
