/**
 * The dossier's catalogue (卷内目录): every document in the order it is filed, with its
 * date and page count, as a Word table an archivist prints and puts in front of the file.
 */
import { unzipSync, strFromU8 } from 'fflate';
import { AlignmentType, Document, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';

export interface CatalogueEntry {
  title: string;
  /** ISO time; its day in China is shown. */
  date: string;
  path: string;
  bytes: Uint8Array;
}

// The 公文 grid (GB/T 9704, see report-docx.ts): 22 lines of 28 characters a page.
const LINES_PER_PAGE = 22;
const CHARS_PER_LINE = 28;

/**
 * Pages of a .docx, estimated, not laid out: each paragraph of word/document.xml takes
 * as many 28-character lines as its text needs (at least one), and 22 lines fill a page.
 * Exact counts need a layout engine (LibreOffice); for the documents xuncha writes on
 * that grid the estimate matches it within a page. Other files have no page count.
 */
export function estimatePages(path: string, bytes: Uint8Array): number | null {
  if (!path.endsWith('.docx')) return null;
  let xml: string;
  try {
    const part = unzipSync(bytes, { filter: (file) => file.name === 'word/document.xml' })['word/document.xml'];
    if (!part) return null;
    xml = strFromU8(part);
  } catch {
    return null;
  }
  const paragraphs = xml.match(/<w:p[ >][\s\S]*?<\/w:p>/g) ?? [];
  const lines = paragraphs.reduce((sum, p) => {
    const text = (p.match(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g) ?? []).map((t) => t.replace(/<[^>]+>/g, '')).join('');
    return sum + Math.max(1, Math.ceil([...text].length / CHARS_PER_LINE));
  }, 0);
  return Math.max(1, Math.ceil(lines / LINES_PER_PAGE));
}

const chinaDay = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 10);

const cell = (text: string, width: number, center = false) =>
  new TableCell({
    width: { size: width, type: WidthType.PERCENTAGE },
    children: [new Paragraph({ alignment: center ? AlignmentType.CENTER : AlignmentType.LEFT, children: [new TextRun({ text, size: 21 })] })],
  });

export async function renderCatalogueDocx(input: { title: string; group: string; builtAt: string; entries: CatalogueEntry[] }): Promise<Uint8Array> {
  const header = new TableRow({
    tableHeader: true,
    children: [cell('序号', 8, true), cell('文件题名', 44, true), cell('日期', 14, true), cell('页数', 8, true), cell('卷内位置', 26, true)],
  });
  const rows = input.entries.map(
    (entry, i) =>
      new TableRow({
        children: [
          cell(String(i + 1), 8, true),
          cell(entry.title, 44),
          cell(chinaDay(entry.date), 14, true),
          cell(String(estimatePages(entry.path, entry.bytes) ?? '—'), 8, true),
          cell(entry.path, 26),
        ],
      }),
  );
  const document = new Document({
    creator: 'xuncha',
    title: `${input.title}卷内目录`,
    sections: [
      {
        children: [
          new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: '卷内目录', bold: true, size: 36 })] }),
          new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: input.title, size: 24 })] }),
          new Paragraph({ children: [new TextRun({ text: `立卷单位：巡察办\u3000巡察组：${input.group}\u3000立卷日期：${chinaDay(input.builtAt)}`, size: 21 })] }),
          new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, rows: [header, ...rows] }),
          new Paragraph({
            children: [new TextRun({ text: '页数按公文版心（每页22行、每行28字）估算；JSON等电子文件无页数，以卷内位置及清单（manifest.json）中的SHA-256为准。', size: 18 })],
          }),
        ],
      },
    ],
  });
  return new Uint8Array(await Packer.toBuffer(document));
}
