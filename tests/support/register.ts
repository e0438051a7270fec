import ExcelJS from 'exceljs';
import { expect } from 'vitest';
import type { Actor } from '../../workflows/roles.js';
import type { Harness } from './harness.js';
import { office } from './people.js';

export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Registers an organisation as the office; fails the test unless it is. */
export async function register(h: Harness, fields: Record<string, unknown>): Promise<{ id: string; name: string; version: number }> {
  const created = await h.call(office, 'POST', '/api/v1/organizations', { activeFrom: '2018-01-01', ...fields });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body;
}

/** A spreadsheet as the office fills it in: the header row, then one row per array. */
export async function sheet(rows: (string | Date | null)[][], header = ['名称', '类型', '级别', '上级党组织', '主要负责人', '起始日期', '终止日期']): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const worksheet = workbook.addWorksheet('被巡察党组织');
  worksheet.addRow(header);
  for (const row of rows) worksheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Sends a file as the request body, as a browser upload would. */
export async function upload(h: Harness, actor: Actor, url: string, file: Buffer, type = XLSX) {
  const response = await h.app.inject({
    method: 'POST',
    url,
    headers: { authorization: `Bearer ${await h.token(actor)}`, 'content-type': type },
    payload: file,
  });
  return { status: response.statusCode, body: JSON.parse(response.body) };
}

/** Downloads a spreadsheet and reads its first sheet's rows (header first) as text. */
export async function download(h: Harness, actor: Actor, url: string): Promise<{ status: number; rows: string[][]; type: string | undefined }> {
  const response = await h.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${await h.token(actor)}` } });
  if (response.statusCode !== 200) return { status: response.statusCode, rows: [], type: String(response.headers['content-type']) };
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
  const rows: string[][] = [];
  workbook.worksheets[0]!.eachRow((row) => {
    rows.push((row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v))));
  });
  return { status: 200, rows, type: String(response.headers['content-type']) };
}
