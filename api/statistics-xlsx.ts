/**
 * The ledgers the office keeps by hand, as spreadsheets: 问题清单, 整改台账 and the
 * confidential 线索移交台账.
 */
import ExcelJS from 'exceljs';
import type { ItemLedgerRow, LeadLedgerRow, ProblemLedgerRow } from '../db/statistics.repository.js';

const OUTCOMES: Record<string, string> = { accepted: '验收通过', returned: '退回', long_term: '长期整改', open: '整改中' };
const RECIPIENTS: Record<string, string> = { discipline: '纪检监察机关', organization: '组织部门', other: '其他' };
const DISPOSALS: Record<string, string> = { preliminary_verification: '初核', talk_or_inquiry: '谈话函询', held: '暂存', closed: '了结' };

interface Column<T> {
  header: string;
  width: number;
  value: (row: T) => string | number;
}

async function render<T>(title: string, sheetName: string, columns: Column<T>[], rows: T[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.title = title;
  const sheet = workbook.addWorksheet(sheetName);
  sheet.columns = [{ header: '序号', key: 'n', width: 6 }, ...columns.map((c, i) => ({ header: c.header, key: `c${i}`, width: c.width }))];
  sheet.getRow(1).font = { bold: true };
  rows.forEach((row, n) => sheet.addRow({ n: n + 1, ...Object.fromEntries(columns.map((c, i) => [`c${i}`, c.value(row)])) }));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export const PROBLEM_COLUMNS: Column<ProblemLedgerRow>[] = [
  { header: '轮次', width: 22, value: (r) => r.round_name },
  { header: '年度', width: 8, value: (r) => r.year },
  { header: '巡察组', width: 14, value: (r) => r.group_name },
  { header: '被巡察党组织', width: 30, value: (r) => r.target_name },
  { header: '延伸巡察单位', width: 24, value: (r) => r.extension ?? '' },
  { header: '问题类别', width: 16, value: (r) => r.category },
  { header: '问题', width: 40, value: (r) => r.title },
  { header: '定性', width: 24, value: (r) => r.characterization },
  { header: '发生期间', width: 24, value: (r) => (r.conduct_from ? `${r.conduct_from}至${r.conduct_to ?? ''}` : '') },
  { header: '整改情况', width: 12, value: (r) => (r.item_state ? (OUTCOMES[r.item_state] ?? r.item_state) : '未建整改项') },
];

export const ITEM_COLUMNS: Column<ItemLedgerRow>[] = [
  { header: '轮次', width: 22, value: (r) => r.round_name },
  { header: '被巡察党组织', width: 30, value: (r) => r.target_name },
  { header: '延伸巡察单位', width: 24, value: (r) => r.extension ?? '' },
  { header: '问题', width: 40, value: (r) => r.problem_title ?? '' },
  { header: '整改措施', width: 40, value: (r) => r.measure },
  { header: '责任人', width: 14, value: (r) => r.owner },
  { header: '完成时限', width: 12, value: (r) => r.due_on },
  { header: '验收结果', width: 12, value: (r) => OUTCOMES[r.outcome ?? 'open'] ?? r.outcome ?? '' },
  { header: '验收日期', width: 12, value: (r) => r.verified_on ?? '' },
  { header: '下一节点', width: 12, value: (r) => r.next_milestone_on ?? '' },
  { header: '按期完成', width: 10, value: (r) => (r.outcome === 'accepted' && r.verified_on ? (r.verified_on <= r.due_on ? '是' : '否') : '') },
];

export const LEAD_COLUMNS: Column<LeadLedgerRow>[] = [
  { header: '轮次', width: 22, value: (r) => r.round_name },
  { header: '巡察组', width: 14, value: (r) => r.group_name },
  { header: '被巡察党组织', width: 30, value: (r) => r.target_name },
  { header: '延伸巡察单位', width: 24, value: (r) => r.extension ?? '' },
  { header: '被反映人', width: 12, value: (r) => r.person_name },
  { header: '职务', width: 20, value: (r) => r.person_post },
  { header: '班子成员', width: 10, value: (r) => (r.leading_cadre ? '是' : '否') },
  { header: '反映问题', width: 48, value: (r) => r.allegation },
  { header: '移交对象', width: 20, value: (r) => (r.recipient_kind ? `${RECIPIENTS[r.recipient_kind] ?? r.recipient_kind}${r.recipient_name ? `（${r.recipient_name}）` : ''}` : '未移交') },
  { header: '移交日期', width: 12, value: (r) => r.handed_on ?? '' },
  { header: '移交函文号', width: 18, value: (r) => r.letter_ref ?? '' },
  { header: '处置情况', width: 12, value: (r) => (r.disposal ? (DISPOSALS[r.disposal] ?? r.disposal) : '') },
];

export const renderProblemLedger = (rows: ProblemLedgerRow[]) => render('问题清单', '问题清单', PROBLEM_COLUMNS, rows);
export const renderItemLedger = (rows: ItemLedgerRow[]) => render('整改台账', '整改台账', ITEM_COLUMNS, rows);
export const renderLeadLedger = (rows: LeadLedgerRow[]) => render('线索移交台账（秘密）', '线索移交台账', LEAD_COLUMNS, rows);
