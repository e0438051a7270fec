import {
  AlignmentType,
  Document,
  DocumentGridType,
  Footer,
  HeadingLevel,
  LineRuleType,
  Packer,
  PageNumber,
  Paragraph,
  TextRun,
  type IRunOptions,
} from 'docx';
import type { Report } from './report.js';

// ---- Page geometry, GB/T 9704-2012 (党政机关公文格式) ----
// Word measures in twips (1/20 pt); the standard in millimetres.
const twips = (mm: number) => Math.round((mm * 1440) / 25.4);
const A4 = { width: twips(210), height: twips(297) };
const MARGIN = { top: twips(37), bottom: twips(35), left: twips(28), right: twips(26) };

// 号 sizes in points (docx counts half-points).
const PT = { 二号: 22, 三号: 16, 四号: 14 } as const;
const half = (pt: number) => pt * 2;

// The 版心 must hold 22 lines of 28 characters of 3号 text. Its height, 16838 − 2098 −
// 1984 = 12756 twips, over 22 lines gives a line pitch of 579 twips (28.95 pt), rounded
// down so a 23rd line never fits. Its width, 11906 − 1587 − 1474 = 8845 twips
// (442.25 pt), over 28 characters is 15.795 pt: 0.205 pt less than a 3号 character.
// Word's own answer, a lines-and-characters grid with charSpace −842 (1/4096 pt), is
// not how LibreOffice reads it: a character wider than a cell gets two cells there (14
// to a line, and lines broken at random). So the grid here pitches lines only, and
// every character is condensed by whole twentieths of a point (−5, 15.75 pt wide):
// 28 to a line in Word, WPS and LibreOffice alike, never 29.
const LINES_PER_PAGE = 22;
const CHARS_PER_LINE = 28;
const LINE_PITCH = Math.floor((A4.height - MARGIN.top - MARGIN.bottom) / LINES_PER_PAGE);
const CHAR_PITCH_PT = (A4.width - MARGIN.left - MARGIN.right) / 20 / CHARS_PER_LINE;
const CONDENSED = Math.floor((CHAR_PITCH_PT - PT.三号) * 20);
const chars = (n: number) => Math.round(n * CHAR_PITCH_PT * 20);

// The fonts the standard names, as a government PC has them installed. Writers that
// lack them substitute by the font table's family and pitch; this machine's LibreOffice
// falls back to Noto Serif/Sans CJK (fonts-noto-cjk).
const font = (eastAsia: string, latin = 'Times New Roman') => ({ ascii: latin, hAnsi: latin, eastAsia, cs: latin });
const FONTS = {
  title: font('方正小标宋简体'),
  body: font('仿宋_GB2312'),
  heading1: font('黑体'),
  heading2: font('楷体_GB2312'),
  // Page numbers are half-width Arabic numerals in 宋体.
  pageNumber: font('宋体', '宋体'),
};

const CHINESE_DIGITS = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1–99 as written in dates and ordinals: 十, 十二, 二十, 三十一. */
function chineseNumber(n: number): string {
  if (n < 10) return CHINESE_DIGITS[n]!;
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : CHINESE_DIGITS[tens]}十${ones ? CHINESE_DIGITS[ones] : ''}`;
}

/** A date as 成文日期 writes it: '2021-12-15' → 二〇二一年十二月十五日 (year digit by digit). */
export function chineseDate(isoDate: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  const [year, month, day] = match ? [match[1]!, Number(match[2]), Number(match[3])] : [];
  if (!year || !month || !day || month > 12 || day > 31) throw new RangeError(`not a calendar date: ${isoDate}`);
  return `${[...year].map((d) => CHINESE_DIGITS[Number(d)]).join('')}年${chineseNumber(month)}月${chineseNumber(day)}日`;
}

/** The calendar day in China (UTC+8, no daylight saving) of an instant. */
function chinaDay(instant: string): string {
  return new Date(Date.parse(instant) + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** 1 → 一: the ordinals of 一、 and （一） headings. */
export const ordinal = (n: number) => chineseNumber(n);
const run = (text: string, options: Omit<IRunOptions, 'text'> = {}) => new TextRun({ text, ...options });
/** A body paragraph: 3号 仿宋, justified, the first line indented two characters. */
export const bodyParagraph = (text: string) =>
  new Paragraph({ alignment: AlignmentType.JUSTIFIED, children: [run(text)], indent: { firstLine: chars(2) } });
const blankLine = () => new Paragraph({ children: [] });
/** Headings of the three levels: 一、 in 黑体, （一） in 楷体, 1. in bold 仿宋. */
export const heading = (level: 1 | 2 | 3, text: string) =>
  new Paragraph({ heading: [HeadingLevel.HEADING_1, HeadingLevel.HEADING_2, HeadingLevel.HEADING_3][level - 1], children: [run(text)] });

function pageNumberFooter(alignment: 'right' | 'left'): Footer {
  // 单页码居右空一字，双页码居左空一字: the number sits on the page's outer side.
  const indent = alignment === 'right' ? { right: PT.四号 * 20 } : { left: PT.四号 * 20 };
  const style = { font: FONTS.pageNumber, size: half(PT.四号) };
  return new Footer({
    children: [
      new Paragraph({
        alignment: alignment === 'right' ? AlignmentType.RIGHT : AlignmentType.LEFT,
        indent,
        children: [run('— ', style), new TextRun({ children: [PageNumber.CURRENT], ...style }), run(' —', style)],
      }),
    ],
  });
}

/** The work statistics sentence that opens 基本情况, from the records. */
function statisticsSentence(report: Report): string {
  const s = report.statistics;
  return (
    `巡察期间，巡察组开展个别谈话${s.talks}人次，调阅资料${s.documentsReviewed}份，` +
    `受理信访举报${s.petitions}件，开展下沉调研${s.fieldVisits}次，经审核确认问题${s.problems}个。`
  );
}

function writtenText(report: Report, section: 'basic_situation' | 'recommendations'): Paragraph[] {
  const text = report.sections[section]?.text ?? '（未撰写）';
  return text.split(/\n+/).map((line) => line.trim()).filter(Boolean).map(bodyParagraph);
}

function mainProblems(report: Report): Paragraph[] {
  const categories = report.mainProblems.filter((c) => c.problems.length > 0);
  if (categories.length === 0) return [bodyParagraph('（无经确认的问题）')];
  return categories.flatMap((c, i) => [
    heading(2, `（${ordinal(i + 1)}）${c.category}`),
    ...c.problems.flatMap((problem, n) => [
      heading(3, `${n + 1}. ${problem.title}`),
      bodyParagraph(problem.facts),
      bodyParagraph(`定性：${problem.characterization}`),
      bodyParagraph(`依据：${problem.basis.map((b) => `${b.source}${b.article}`).join('；')}`),
    ]),
  ]);
}

/**
 * 落款: the group's name centred over the date, the date four characters from the right
 * margin (the layout of a sealed document, which a report handed up in person follows).
 */
function signature(signer: string, signedAt: string): Paragraph[] {
  const date = chineseDate(chinaDay(signedAt));
  const signerRight = Math.max(2, 4 + (date.length - signer.length) / 2);
  return [
    blankLine(),
    new Paragraph({ alignment: AlignmentType.RIGHT, indent: { right: chars(signerRight) }, children: [run(signer)] }),
    new Paragraph({ alignment: AlignmentType.RIGHT, indent: { right: chars(4) }, children: [run(date)] }),
  ];
}

/** Renders the report as a .docx laid out to GB/T 9704 (党政机关公文格式). */
export async function renderReportDocx(report: Report): Promise<Buffer> {
  const latestWrite = Object.values(report.sections)
    .map((s) => s?.updatedAt)
    .filter((at): at is string => Boolean(at))
    .sort()
    .at(-1);
  return renderOfficialDocx({
    title: report.title,
    classification: report.classification,
    body: [
      heading(1, '一、基本情况'),
      bodyParagraph(statisticsSentence(report)),
      ...writtenText(report, 'basic_situation'),
      heading(1, '二、发现的主要问题'),
      ...mainProblems(report),
      heading(1, '三、意见建议'),
      ...writtenText(report, 'recommendations'),
    ],
    signer: report.group.name,
    signedAt: latestWrite ?? report.generatedAt,
  });
}

/** A document in 公文 form: its 密级 if any, title, body (built from the helpers above) and 落款. */
export interface OfficialDocument {
  title: string;
  /** 密级 (e.g. 秘密, 机密), marked top-left. */
  classification?: string | null;
  body: Paragraph[];
  signer: string;
  /** The instant the 落款's date is taken from (its day in China). */
  signedAt: string;
}

/** Lays a document out to GB/T 9704: page, grid, fonts, page numbers, 落款. */
export async function renderOfficialDocx(doc: OfficialDocument): Promise<Buffer> {
  const body: Paragraph[] = [
    ...(doc.classification ? [new Paragraph({ children: [run(doc.classification, { font: FONTS.heading1 })] })] : []),
    new Paragraph({ heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER, children: [run(doc.title)] }),
    blankLine(),
    ...doc.body,
    ...signature(doc.signer, doc.signedAt),
  ];

  // Every line sits exactly on the grid's pitch, so the page holds its 22 lines even in
  // a writer that ignores the document grid.
  const onGrid = { line: LINE_PITCH, lineRule: LineRuleType.EXACT, before: 0, after: 0 };
  const black = '000000';
  const document = new Document({
    creator: 'xuncha',
    title: doc.title,
    evenAndOddHeaderAndFooters: true,
    styles: {
      default: {
        document: {
          run: {
            font: FONTS.body,
            size: half(PT.三号),
            color: black,
            characterSpacing: CONDENSED,
            language: { value: 'zh-CN', eastAsia: 'zh-CN' },
          },
          paragraph: { spacing: onGrid },
        },
        // Only 3号 text is condensed to the 28-character line; the title keeps its own width.
        title: {
          run: { font: FONTS.title, size: half(PT.二号), color: black, characterSpacing: 0 },
          paragraph: { spacing: onGrid },
        },
        heading1: {
          run: { font: FONTS.heading1, size: half(PT.三号), bold: false, color: black },
          paragraph: { spacing: onGrid, indent: { firstLine: chars(2) } },
        },
        heading2: {
          run: { font: FONTS.heading2, size: half(PT.三号), bold: false, color: black },
          paragraph: { spacing: onGrid, indent: { firstLine: chars(2) } },
        },
        heading3: {
          run: { font: FONTS.body, size: half(PT.三号), bold: true, color: black },
          paragraph: { spacing: onGrid, indent: { firstLine: chars(2) } },
        },
      },
      // Writers that size the grid from Normal's font rather than the document defaults
      // (LibreOffice does) need 3号 named here too.
      paragraphStyles: [
        { id: 'Normal', name: 'Normal', quickFormat: true, run: { font: FONTS.body, size: half(PT.三号), characterSpacing: CONDENSED } },
      ],
    },
    sections: [
      {
        properties: {
          page: {
            size: A4,
            // The footer's top edge sits about 7 mm under the 版心, as the standard places the page number.
            margin: { ...MARGIN, header: twips(15), footer: twips(22) },
          },
          grid: { type: DocumentGridType.LINES, linePitch: LINE_PITCH },
        },
        footers: { default: pageNumberFooter('right'), even: pageNumberFooter('left') },
        children: body,
      },
    ],
  });
  return Packer.toBuffer(document);
}
