/**
 * The dossier's catalogue (卷内目录): every document in the order it is filed, as the
 * Word table an archivist prints and puts in front of the file. Its columns are the
 * archival ones (DA/T 22): 序号, 文件编号, 责任者, 题名, 日期 (eight digits), 页号 (the page
 * each document starts on in the whole dossier; the last one shows its first and last
 * page) and 备注; the dossier's title heads it and 立卷人 / 检查人 / 立卷时间 close it.
 */
import { strFromU8, unzipSync } from 'fflate';
import {
  AlignmentType,
  BorderStyle,
  Document,
  Packer,
  PageOrientation,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlign,
  WidthType,
} from 'docx';

export interface CatalogueEntry {
  /** 题名. */
  title: string;
  /** The day the document was made (YYYY-MM-DD, its day in China). */
  date: string;
  /** 责任者: who made it, unit then person. */
  responsible: string[];
  /** 文件编号: the document's own reference number (发文字号), where it has one. */
  number?: string;
  /** Where the file lies in the zip. */
  path: string;
  /** Printed pages, estimated; null for a file kept only in electronic form (not paginated). */
  pages: number | null;
}

// ---- Page estimates ----
// The dossier is electronic; its page numbers are those of the documents printed on
// the 公文 grid (GB/T 9704, see report-docx.ts: 22 lines of 28 characters a page), each
// document starting on a new page. They are estimated without laying anything out:
// every paragraph (or field) takes as many 28-character lines as its text needs, at
// least one. Exact counts need a layout engine (LibreOffice); for xuncha's own
// documents on that grid the estimate is within a page of it. A PDF counts its page
// objects, an image is one page; anything else (the machine-readable chains, the
// Temporal history, the indexes) is kept electronically only and takes no page.
const LINES_PER_PAGE = 22;
const CHARS_PER_LINE = 28;

const linesOf = (text: string) => Math.max(1, Math.ceil([...text].length / CHARS_PER_LINE));
const pagesOfLines = (lines: number) => Math.max(1, Math.ceil(lines / LINES_PER_PAGE));

/** Pages of a .docx: each paragraph of word/document.xml on the grid. Null if it is not one. */
export function docxPages(bytes: Uint8Array): number | null {
  let xml: string;
  try {
    const part = unzipSync(bytes, { filter: (file) => file.name === 'word/document.xml' })['word/document.xml'];
    if (!part) return null;
    xml = strFromU8(part);
  } catch {
    return null;
  }
  const paragraphs = xml.match(/<w:p[ >][\s\S]*?<\/w:p>/g) ?? [];
  return pagesOfLines(paragraphs.reduce((sum, p) => sum + linesOf(paragraphTexts(p).join('')), 0));
}

/** Pages of a record printed as a form: a heading, then every value, however nested, on lines of its own. */
export function formPages(fields: unknown): number {
  const texts: string[] = [];
  const walk = (value: unknown) => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) value.forEach(walk);
    else if (typeof value === 'object') Object.values(value as Record<string, unknown>).forEach(walk);
    else texts.push(String(value));
  };
  walk(fields);
  // The heading and a blank line, then one or more lines per value.
  return pagesOfLines(2 + texts.reduce((sum, t) => sum + t.split(/\n+/).reduce((s, line) => s + linesOf(line), 0), 0));
}

/** Pages of an evidence file: a PDF's page objects, one for an image, null for anything else. */
export function evidencePages(mediaType: string, bytes: Uint8Array): number | null {
  if (mediaType.startsWith('image/')) return 1;
  if (mediaType === 'application/pdf') {
    // /Type /Page (not /Pages) marks each page object; compressed object streams hide
    // them, and such a PDF is counted as one page rather than not at all.
    const found = Buffer.from(bytes).toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g);
    return Math.max(1, found?.length ?? 0);
  }
  return docxPages(bytes);
}

// ---- Reading the catalogue back (the test, and anyone checking a dossier by hand) ----

const paragraphTexts = (xml: string) => (xml.match(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g) ?? []).map((t) => unescapeXml(t.replace(/<[^>]+>/g, '')));
const unescapeXml = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** The catalogue's paragraphs outside the table, and its table as rows of cell texts (a cell's paragraphs joined by newlines). */
export function readCatalogueDocx(bytes: Uint8Array): { paragraphs: string[]; rows: string[][] } {
  const xml = strFromU8(unzipSync(bytes, { filter: (file) => file.name === 'word/document.xml' })['word/document.xml']!);
  const table = xml.match(/<w:tbl>[\s\S]*<\/w:tbl>/)?.[0] ?? '';
  const rows = (table.match(/<w:tr[ >][\s\S]*?<\/w:tr>/g) ?? []).map((tr) =>
    (tr.match(/<w:tc>[\s\S]*?<\/w:tc>/g) ?? []).map((tc) => (tc.match(/<w:p[ >][\s\S]*?<\/w:p>/g) ?? []).map((p) => paragraphTexts(p).join('')).join('\n')),
  );
  const outside = xml.replace(table, '');
  const paragraphs = (outside.match(/<w:p[ >][\s\S]*?<\/w:p>/g) ?? []).map((p) => paragraphTexts(p).join('')).filter(Boolean);
  return { paragraphs, rows };
}

// ---- Layout ----

const twips = (mm: number) => Math.round((mm * 1440) / 25.4);
// 宋体 for the table (五号, 10.5 pt), 黑体 for the heading, as printed forms use them.
const SONG = { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: '宋体', cs: 'Times New Roman' };
const HEI = { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: '黑体', cs: 'Times New Roman' };
const FIVE = 21; // 五号 in half-points
const SMALL_FIVE = 18; // 小五

/** The columns, their widths in millimetres of the 170 mm between the margins. */
const COLUMNS = [
  { title: '序号', mm: 10 },
  { title: '文件编号', mm: 22 },
  { title: '责任者', mm: 24 },
  { title: '题名', mm: 54 },
  { title: '日期', mm: 18 },
  { title: '页号', mm: 14 },
  { title: '备注', mm: 28 },
] as const;

// The file's place in the zip, each id cut to its first eight characters: enough to find
// it by eye, while manifest.json names it in full.
const shortPath = (path: string) => path.replace(/\b([0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '$1');
const eightDigits = (day: string) => day.replaceAll('-', '');
const chineseDay = (day: string) => {
  const [y, m, d] = day.split('-').map(Number);
  return `${y}年${m}月${d}日`;
};

function cell(lines: string | string[], column: number, options: { center?: boolean; small?: boolean; bold?: boolean } = {}) {
  const size = options.small ? SMALL_FIVE : FIVE;
  return new TableCell({
    width: { size: twips(COLUMNS[column]!.mm), type: WidthType.DXA },
    verticalAlign: VerticalAlign.CENTER,
    margins: { left: 60, right: 60, top: 30, bottom: 30 },
    children: (Array.isArray(lines) ? lines : [lines]).map(
      (text) =>
        new Paragraph({
          alignment: options.center ? AlignmentType.CENTER : AlignmentType.LEFT,
          children: [new TextRun({ text, size, font: options.bold ? HEI : SONG })],
        }),
    ),
  });
}

/**
 * The running 页号: the page each paginated document starts on, counting from 1 through
 * the dossier in filing order; the last paginated document shows first–last page.
 */
export function runningPages(entries: readonly Pick<CatalogueEntry, 'pages'>[]): (string | null)[] {
  const lastPaginated = entries.findLastIndex((e) => e.pages !== null);
  let next = 1;
  return entries.map((entry, i) => {
    if (entry.pages === null) return null;
    const first = next;
    next += entry.pages;
    return i === lastPaginated && entry.pages > 1 ? `${first}-${next - 1}` : String(first);
  });
}

export async function renderCatalogueDocx(input: {
  /** 案卷题名: the round, the group and the target. */
  title: string;
  builtBy: string;
  /** ISO time of the seal; its day in China is 立卷时间. */
  builtAt: string;
  entries: CatalogueEntry[];
}): Promise<Uint8Array> {
  const pages = runningPages(input.entries);
  const header = new TableRow({ tableHeader: true, cantSplit: true, children: COLUMNS.map((c, i) => cell(c.title, i, { center: true, bold: true })) });
  const rows = input.entries.map(
    (entry, i) =>
      new TableRow({
        cantSplit: true,
        children: [
          cell(String(i + 1), 0, { center: true }),
          cell(entry.number ?? '', 1, { small: true }),
          cell(entry.responsible, 2, { small: true }),
          cell(entry.title, 3),
          cell(eightDigits(entry.date), 4, { center: true }),
          cell(pages[i] ?? '—', 5, { center: true }),
          cell([...(entry.pages === null ? ['电子文件'] : []), shortPath(entry.path)], 6, { small: true }),
        ],
      }),
  );
  const builtOn = chineseDay(new Date(Date.parse(input.builtAt) + 8 * 3600_000).toISOString().slice(0, 10));
  const line = (text: string, options: { size?: number; font?: typeof SONG; center?: boolean; before?: number } = {}) =>
    new Paragraph({
      alignment: options.center ? AlignmentType.CENTER : AlignmentType.LEFT,
      spacing: { before: options.before ?? 0, after: 120 },
      children: [new TextRun({ text, size: options.size ?? FIVE, font: options.font ?? SONG })],
    });
  const border = { style: BorderStyle.SINGLE, size: 6, color: '000000' };
  const document = new Document({
    creator: 'xuncha',
    title: `${input.title}卷内目录`,
    sections: [
      {
        properties: {
          page: {
            size: { width: twips(210), height: twips(297), orientation: PageOrientation.PORTRAIT },
            margin: { top: twips(25), bottom: twips(25), left: twips(20), right: twips(20) },
          },
        },
        children: [
          line('卷内目录', { size: 36, font: HEI, center: true }),
          line(`案卷题名：${input.title}`, { size: 24 }),
          new Table({
            layout: TableLayoutType.FIXED,
            width: { size: twips(170), type: WidthType.DXA },
            columnWidths: COLUMNS.map((c) => twips(c.mm)),
            borders: { top: border, bottom: border, left: border, right: border, insideHorizontal: border, insideVertical: border },
            rows: [header, ...rows],
          }),
          // 检查人 signs on paper: the check is the leading group's approval of the
          // archiving stage, which comes after the seal and so cannot be printed in it.
          new Paragraph({
            spacing: { before: 240, after: 120 },
            children: [
              new TextRun({ text: `立卷人：${input.builtBy}\u3000\u3000检查人：`, size: 24, font: SONG }),
              new TextRun({ text: '\u3000'.repeat(6), size: 24, font: SONG, underline: {} }),
              new TextRun({ text: `\u3000\u3000立卷时间：${builtOn}`, size: 24, font: SONG }),
            ],
          }),
          line(
            '页号为各份文件在案卷中的起始页（最后一份注起止页），按公文版心（每页22行、每行28字）估算；注“电子文件”者只以电子形式保存，不编页号。备注栏为文件在案卷中的位置（编号取前8位），各文件以manifest.json所列SHA-256为准。',
            { size: SMALL_FIVE },
          ),
        ],
      },
    ],
  });
  return new Uint8Array(await Packer.toBuffer(document));
}
