/**
 * The office's spreadsheet of a round's inspector evaluations: one sheet per home unit
 * (派出单位), since each unit receives its own people's results (巡察干部现实表现反馈).
 */
import ExcelJS from 'exceljs';

export const NO_UNIT = '未注明';

export const GRADE_LABELS: Record<string, string> = {
  excellent: '优秀',
  competent: '称职',
  basically_competent: '基本称职',
  incompetent: '不称职',
};

export interface EvaluatedInspector {
  unit: string | null;
  name: string;
  group: string;
  isLeader: boolean;
  target: string;
  grade: string | null;
  comment: string | null;
  evaluatedBy: string | null;
  evaluatedOn: string | null;
}

export const COLUMNS = [
  { header: '姓名', key: 'name', width: 12 },
  { header: '巡察组', key: 'group', width: 16 },
  { header: '组内职务', key: 'role', width: 10 },
  { header: '被巡察单位', key: 'target', width: 30 },
  { header: '评价等级', key: 'grade', width: 10 },
  { header: '评价意见', key: 'comment', width: 50 },
  { header: '评价人', key: 'evaluatedBy', width: 12 },
  { header: '评价日期', key: 'evaluatedOn', width: 12 },
] as const;

// Excel refuses these characters and more than 31 characters in a sheet name.
function sheetName(unit: string, taken: Set<string>): string {
  const base = unit.replace(/[[\]:*?/\\]/g, '_').slice(0, 31);
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base.slice(0, 31 - String(n).length - 1)}_${n}`;
  taken.add(name);
  return name;
}

export async function renderEvaluationsXlsx(roundName: string, people: EvaluatedInspector[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.title = `${roundName}巡察干部现实表现评价`;
  const byUnit = new Map<string, EvaluatedInspector[]>();
  for (const person of people) {
    const unit = person.unit?.trim() || NO_UNIT;
    byUnit.set(unit, [...(byUnit.get(unit) ?? []), person]);
  }
  // Named units in order, then the people whose unit nobody gave.
  const units = [...byUnit.keys()].sort((a, b) => (a === NO_UNIT ? 1 : b === NO_UNIT ? -1 : a.localeCompare(b, 'zh-CN')));
  const taken = new Set<string>();
  for (const unit of units) {
    const sheet = workbook.addWorksheet(sheetName(unit, taken));
    sheet.columns = COLUMNS.map((c) => ({ ...c }));
    sheet.getRow(1).font = { bold: true };
    for (const person of byUnit.get(unit)!) {
      sheet.addRow({
        name: person.name,
        group: person.group,
        role: person.isLeader ? '组长' : '组员',
        target: person.target,
        grade: person.grade ? (GRADE_LABELS[person.grade] ?? person.grade) : '未评价',
        comment: person.comment ?? '',
        evaluatedBy: person.evaluatedBy ?? '',
        evaluatedOn: person.evaluatedOn ?? '',
      });
    }
  }
  if (units.length === 0) workbook.addWorksheet(NO_UNIT).columns = COLUMNS.map((c) => ({ ...c }));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
