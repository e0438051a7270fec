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
const listOf = (p: MessageParams, key: string): readonly string[] => (Array.isArray(p[key]) ? (p[key] as readonly string[]) : []);
const kindZh = (p: MessageParams) => RECORD_KINDS[text(p, 'kind') as RecordKind]?.title.zh ?? text(p, 'kind');
const kindEn = (p: MessageParams) => RECORD_KINDS[text(p, 'kind') as RecordKind]?.title.en.toLowerCase() ?? text(p, 'kind');
const stageEn = (id: string) => STAGES.find((s) => s.id === id)?.title.en ?? id;
/** Who writes a kind: the group, the target's liaison, or a role. */
const writerZh = (w: string) => (w === 'group' ? '本巡察的巡察组' : w === 'liaison' ? '被巡察单位联络人' : roleZh(w));
const writerEn = (w: string) => (w === 'group' ? 'the inspection’s group' : w === 'liaison' ? 'the target’s liaison' : w);

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
} as const satisfies Record<string, Record<Language, Words>>;
export type MessageKey = keyof typeof API_MESSAGES;

/** A sentence to say, as data: its key and parameters, worded when the answer is sent. */
export interface Said {
  key: MessageKey;
  params?: MessageParams;
}

export const say = (said: Said, language: Language): string => API_MESSAGES[said.key][language](said.params ?? {});
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
