/**
 * Reading the office's spreadsheet of organisations (.xlsx): one organisation a row
 * under a header row. Every row is checked before anything is written, so the office
 * gets one list of every bad row and fixes the sheet once.
 */
import ExcelJS from 'exceljs';
import { z } from 'zod';
import { fieldIssue, findUnstorableText } from './errors.js';
import type { Said } from './messages.js';
import { ORGANIZATION_KINDS, ORGANIZATION_LEVELS, organizationKind, organizationLevel, type FieldIssue, type OrganizationFields } from './organizations.schemas.js';

/** The columns, by the header people write (Chinese) or the API's field name. */
export const IMPORT_COLUMNS = [
  { key: 'name', header: '名称' },
  { key: 'kind', header: '类型' },
  { key: 'level', header: '级别' },
  { key: 'parent', header: '上级党组织' },
  { key: 'principalLeader', header: '主要负责人' },
  { key: 'activeFrom', header: '起始日期' },
  { key: 'activeUntil', header: '终止日期' },
] as const;
type ColumnKey = (typeof IMPORT_COLUMNS)[number]['key'];

export const MAX_IMPORT_ROWS = 10_000;

export interface NamedRow {
  row: number;
  name: string;
  parentName: string | null;
}

/** A row as read: the parent still a name, resolved against the register and the sheet. */
export interface ImportedRow {
  row: number;
  fields: Omit<OrganizationFields, 'parentId'>;
  parentName: string | null;
}

const byLabel = <T extends string>(labels: Record<T, string>) =>
  new Map<string, T>(Object.entries(labels).flatMap(([id, label]) => [[id, id as T], [label as string, id as T]]));
const KIND_WORDS = byLabel(ORGANIZATION_KINDS);
const LEVEL_WORDS = byLabel(ORGANIZATION_LEVELS);

const dayText = z.iso.date();

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('text' in value) return String(value.text);
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    return '';
  }
  return String(value);
}

/** Reads the first sheet; a file that is no spreadsheet, or has no known header, is one issue. */
/**
 * `rows` are the rows whose own cells are good; `named` is every row that gives a name,
 * so names and parents are checked on bad rows too and the office hears of everything.
 */
export async function readOrganizationSheet(file: Buffer): Promise<{ rows: ImportedRow[]; named: NamedRow[]; issues: FieldIssue[] }> {
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs's types predate Node's generic Buffer.
    await workbook.xlsx.load(file as unknown as ArrayBuffer);
  } catch {
    return { rows: [], named: [], issues: [fieldIssue('body', { key: 'sheet_not_xlsx' })] };
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return { rows: [], named: [], issues: [fieldIssue('body', { key: 'sheet_no_worksheet' })] };

  const columnOf = new Map<ColumnKey, number>();
  sheet.getRow(1).eachCell((cell, col) => {
    const header = cellText(cell.value).trim();
    const column = IMPORT_COLUMNS.find((c) => c.header === header || c.key === header);
    if (column && !columnOf.has(column.key)) columnOf.set(column.key, col);
  });
  const missing = IMPORT_COLUMNS.filter((c) => ['name', 'kind', 'level', 'activeFrom'].includes(c.key) && !columnOf.has(c.key));
  if (missing.length) {
    return {
      rows: [],
      named: [],
      issues: missing.map((c) => fieldIssue(`rows.1.${c.key}`, { key: 'sheet_header_missing', params: { header: c.header } }, { row: 1 })),
    };
  }
  if (sheet.rowCount - 1 > MAX_IMPORT_ROWS) {
    return { rows: [], named: [], issues: [fieldIssue('body', { key: 'sheet_too_many_rows', params: { max: MAX_IMPORT_ROWS } })] };
  }

  const rows: ImportedRow[] = [];
  const named: NamedRow[] = [];
  const issues: FieldIssue[] = [];
  for (let r = 2; r <= sheet.rowCount; r++) {
    const line = sheet.getRow(r);
    const read = (key: ColumnKey) => {
      const col = columnOf.get(key);
      return col === undefined ? '' : cellText(line.getCell(col).value).trim();
    };
    const values = Object.fromEntries(IMPORT_COLUMNS.map((c) => [c.key, read(c.key)])) as Record<ColumnKey, string>;
    if (Object.values(values).every((v) => v === '')) continue;
    const bad = (key: ColumnKey, said: Said) => issues.push(fieldIssue(`rows.${r}.${key}`, said, { row: r }));
    const before = issues.length;

    // A spreadsheet can carry characters the database cannot store as text (_x0000_ decodes to NUL).
    for (const column of IMPORT_COLUMNS) {
      if (findUnstorableText(values[column.key]) !== undefined) bad(column.key, { key: 'unstorable_text' });
    }
    if (issues.length > before) continue;
    if (!values.name) bad('name', { key: 'is_required' });
    else if (values.name.length > 200) bad('name', { key: 'too_long', params: { max: 200 } });
    const kind = KIND_WORDS.get(values.kind);
    if (!kind) bad('kind', { key: 'one_of', params: { options: Object.values(ORGANIZATION_KINDS), got: values.kind } });
    const level = LEVEL_WORDS.get(values.level);
    if (!level) bad('level', { key: 'one_of', params: { options: Object.values(ORGANIZATION_LEVELS), got: values.level } });
    if (!dayText.safeParse(values.activeFrom).success) bad('activeFrom', { key: 'a_date', params: { got: values.activeFrom } });
    if (values.activeUntil && !dayText.safeParse(values.activeUntil).success) bad('activeUntil', { key: 'a_date', params: { got: values.activeUntil } });
    else if (values.activeUntil && values.activeUntil < values.activeFrom) bad('activeUntil', { key: 'not_before_start', params: { start: '起始日期' } });
    if (values.principalLeader.length > 200) bad('principalLeader', { key: 'too_long', params: { max: 200 } });
    if (values.parent.length > 200) bad('parent', { key: 'too_long', params: { max: 200 } });
    if (values.name) named.push({ row: r, name: values.name, parentName: values.parent || null });
    if (issues.length > before) continue;

    rows.push({
      row: r,
      fields: {
        name: values.name,
        kind: organizationKind.parse(kind),
        level: organizationLevel.parse(level),
        principalLeader: values.principalLeader || null,
        activeFrom: values.activeFrom,
        activeUntil: values.activeUntil || null,
      },
      parentName: values.parent || null,
    });
  }
  if (rows.length === 0 && issues.length === 0) issues.push(fieldIssue('body', { key: 'sheet_no_rows' }));
  return { rows, named, issues };
}

/** A blank sheet with the header row, for the office to fill in. */
export async function importTemplateXlsx(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('被巡察党组织');
  sheet.columns = IMPORT_COLUMNS.map((c) => ({ header: c.header, key: c.key, width: c.key === 'name' || c.key === 'parent' ? 36 : 14 }));
  sheet.getRow(1).font = { bold: true };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
