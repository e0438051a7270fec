/**
 * The exit criteria in words, Chinese and English: what each asks and what is still
 * missing. The criteria themselves (`workflows/exit-criteria.ts`) return only a code
 * and parameters, so a refusal kept in Temporal's history is worded anew in whatever
 * language the person reading it asks for.
 */
import { EXIT_CRITERIA, type CriterionParams, type Unmet } from '../workflows/exit-criteria.js';
import type { Language } from '../workflows/refusal.js';
import { REPORT_SECTIONS, STAGE_IDS, type BriefingSource } from '../workflows/stages.js';

const SOURCE_ZH: Record<BriefingSource, string> = {
  discipline: '纪检监察',
  organization: '组织人事',
  finance: '财务',
  audit: '审计',
  petition: '信访',
};

const list = (p: CriterionParams, key: string): string[] => (Array.isArray(p[key]) ? (p[key] as string[]) : []);
const count = (p: CriterionParams, key = 'count') => Number(p[key] ?? 0);
const papers = (p: CriterionParams) => list(p, 'titles').map((t) => `《${t}》`).join('');
const sectionZh = (id: string) => REPORT_SECTIONS.find((s) => s.id === id)?.title ?? id;

/** What a criterion asks, in Chinese (its English is the criterion's own `requirement`), and what is missing in each language. */
type CriterionWords = { requirementZh: string } & Record<Language, (p: CriterionParams) => string>;

export const CRITERIA_MESSAGES: Record<string, CriterionWords> = {
  briefings_missing: {
    requirementZh: '已收到全部五个方面的情况通报：纪检监察、组织人事、财务、审计、信访',
    zh: (p) => `尚未收到以下方面的情况通报：${list(p, 'sources').map((s) => SOURCE_ZH[s as BriefingSource] ?? s).join('、')}`,
    en: (p) => `no briefing yet from: ${list(p, 'sources').join(', ')}`,
  },
  recusal_undeclared: {
    requirementZh: '巡察组每位成员均已作回避申报',
    zh: (p) => `尚未申报：${list(p, 'names').join('、')}`,
    en: (p) => `not yet declared: ${list(p, 'names').join('、')}`,
  },
  recusal_undecided: {
    requirementZh: '巡察办已对每份回避申报作出决定',
    zh: (p) => `${count(p)} 份回避申报等待巡察办决定`,
    en: (p) => `${count(p)} recusal declaration(s) wait for the office's decision`,
  },
  work_plan_missing: {
    requirementZh: '已录入工作方案',
    zh: () => '尚未录入工作方案',
    en: () => 'no work plan recorded',
  },
  mobilization_missing: {
    requirementZh: '已录入巡察动员会',
    zh: () => '尚未录入动员会',
    en: () => 'no mobilisation meeting recorded',
  },
  stationing_period_missing: {
    requirementZh: '已录入载明进驻期间的巡察公告',
    zh: () => '尚未录入载明进驻期间的巡察公告',
    en: () => 'no public notice with the stationing period recorded',
  },
  major_matter_undecided: {
    requirementZh: '没有尚未决定的重大事项请示',
    zh: (p) => `${count(p)} 件重大事项请示等待领导小组决定`,
    en: (p) => `${count(p)} major-matter request(s) wait for the leading group's decision`,
  },
  lead_unconfirmed: {
    requirementZh: '组长已确认或撤回每条问题线索',
    zh: (p) => `${count(p)} 条问题线索等待组长确认`,
    en: (p) => `${count(p)} lead(s) wait for the group leader's confirmation`,
  },
  no_problems: {
    requirementZh: '至少形成一份问题底稿：发现问题是生命线',
    zh: () => '尚未形成问题底稿',
    en: () => 'no problem paper drafted',
  },
  problem_unconfirmed: {
    requirementZh: '组长已审核确认每份问题底稿（审核把关）',
    zh: (p) => `组长尚未确认：${papers(p)}`,
    en: (p) => `not confirmed by the group leader: ${papers(p)}`,
  },
  problem_not_communicated: {
    requirementZh: '每个已确认的问题均已与主要负责人沟通并记录其回应（同题共答）',
    zh: (p) => `尚未记录回应：${papers(p)}`,
    en: (p) => `no recorded answer to: ${papers(p)}`,
  },
  report_section_missing: {
    requirementZh: '巡察报告的基本情况、意见建议两部分已撰写',
    zh: (p) => `报告尚未撰写：${list(p, 'sections').map(sectionZh).join('、')}`,
    en: (p) => `report section(s) not written: ${list(p, 'sections').join(', ')}`,
  },
  questionnaire_short: {
    requirementZh: '作风纪律评价问卷已达到本轮要求的最少份数，或巡察办已说明理由关闭问卷',
    zh: (p) => `本轮要求 ${count(p, 'minimum')} 份问卷答复，已收到 ${count(p, 'answers')} 份；巡察办可说明理由关闭问卷`,
    en: (p) =>
        `${count(p, 'answers')} of the ${count(p, 'minimum')} questionnaire answers the round asks for are in; the office may close it with a reason`,
  },
  inspector_not_evaluated: {
    requirementZh: '巡察办已评价每名巡察干部的现实表现',
    zh: (p) => `尚未评价：${list(p, 'names').join('、')}`,
    en: (p) => `not yet evaluated: ${list(p, 'names').join('、')}`,
  },
  feedback_opinion_not_issued: {
    requirementZh: '巡察办的反馈意见已经领导小组批准',
    zh: () => '尚无经领导小组批准的反馈意见',
    en: () => 'no feedback opinion approved by the leading group',
  },
  feedback_meeting_missing: {
    requirementZh: '已录入反馈会',
    zh: () => '尚未录入反馈会',
    en: () => 'no feedback meeting recorded',
  },
  rectification_plan_not_accepted: {
    requirementZh: '被巡察单位的整改方案已经巡察办审核通过',
    zh: () => '尚无经巡察办审核通过的整改方案',
    en: () => 'no rectification plan accepted by the office',
  },
  problem_without_item: {
    requirementZh: '反馈的每个问题都有整改事项，载明措施、责任人和完成时限',
    zh: (p) => `尚无整改事项：${papers(p)}`,
    en: (p) => `no rectification item for: ${papers(p)}`,
  },
  item_open: {
    requirementZh: '巡察办已验收每项整改事项，结论为已完成或长期整改',
    zh: (p) => `${count(p)} 项整改事项尚未验收为已完成或长期整改`,
    en: (p) => `${count(p)} rectification item(s) not verified as accepted or long-term`,
  },
  rectification_report_not_accepted: {
    requirementZh: '被巡察单位的整改报告已经巡察办审核通过',
    zh: () => '尚无经巡察办审核通过的整改报告',
    en: () => 'no rectification report accepted by the office',
  },
  lead_not_handed_over: {
    requirementZh: '每条已确认的问题线索均已移交，巡察组不履行执纪审查职责',
    zh: (p) => `${count(p)} 条已确认的问题线索尚未移交`,
    en: (p) => `${count(p)} confirmed lead(s) not handed over`,
  },
  dossier_not_sealed: {
    requirementZh: '案卷已生成并封存，卷内清单的摘要已记录',
    zh: () => '案卷尚未生成封存',
    en: () => 'the dossier is not built and sealed yet',
  },
};

const ENGLISH_REQUIREMENTS = new Map(STAGE_IDS.flatMap((s) => EXIT_CRITERIA[s].map((c) => [c.code, c.requirement] as const)));

/** What a criterion asks, in `language`; English is the criterion's own definition. */
export function criterionRequirement(code: string, language: Language): string {
  const english = ENGLISH_REQUIREMENTS.get(code) ?? code;
  return language === 'en' ? english : (CRITERIA_MESSAGES[code]?.requirementZh ?? english);
}

/** What is missing, in `language`. */
export function criterionMissing(code: string, params: CriterionParams, language: Language): string {
  return CRITERIA_MESSAGES[code]?.[language](params) ?? code;
}

/**
 * An unmet criterion as people and programs read it: its code and parameters, and the
 * sentence in `language`. A refusal recorded before criteria carried parameters has
 * only its English sentence, which is shown as it was stored.
 */
export function unmetView(unmet: Unmet | { code: string; message?: string; params?: CriterionParams }, language: Language) {
  if (!unmet.params) return { code: unmet.code, params: {}, message: (unmet as { message?: string }).message ?? unmet.code };
  return { code: unmet.code, params: unmet.params, message: criterionMissing(unmet.code, unmet.params, language) };
}
