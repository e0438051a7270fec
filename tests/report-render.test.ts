import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chineseDate, renderReportDocx } from '../api/report-docx.js';
import { buildReport } from '../api/report.js';
import { loadInspection } from '../api/views.js';
import { startHarness, type Harness } from './support/harness.js';
import { auditor, leaderOne, memberOne } from './support/people.js';
import { passStage, recordWork, launchRound } from './support/walk.js';

const run = promisify(execFile);
const INSTALL = 'apt-get install -y libreoffice-writer-nogui poppler-utils fonts-noto-cjk (.ci/run does it)';

const MM = 72 / 25.4;
/** Punctuation that may hang past the end of a line. */
const HANGING = /[，。、；：！？”’）》]$/;
const A4 = { width: 595.28, height: 841.89 };
const MARGIN = { top: 37 * MM, bottom: 35 * MM, left: 28 * MM, right: 26 * MM };
// Glyph boxes stand a little inside or outside their line; half a millimetre is far
// less than any margin mistake (a default Word margin is off by 6 mm or more).
const TOLERANCE = 0.5 * MM;

// Only the test's LibreOffice sees these: the official fonts the document names map
// to the nearest Noto face instead of falling back to one sans-serif for everything.
const FONT_ALIASES: Record<string, string> = {
  仿宋_GB2312: 'Noto Serif CJK SC',
  方正小标宋简体: 'Noto Serif CJK SC',
  楷体_GB2312: 'Noto Serif CJK SC',
  宋体: 'Noto Serif CJK SC',
  黑体: 'Noto Sans CJK SC',
};

let h: Harness;
let scratch: string;
beforeAll(async () => {
  h = await startHarness();
  scratch = await mkdtemp(join(tmpdir(), 'xuncha-report-'));
});
afterAll(async () => {
  await h?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** Converts a .docx to PDF with LibreOffice under a private profile, so parallel runs never share one. */
async function toPdf(docx: Buffer, name: string): Promise<string> {
  try {
    await run('soffice', ['--version']);
  } catch (error) {
    throw new Error(`LibreOffice (soffice) is not installed; the report test needs it: ${INSTALL}`, { cause: error });
  }
  const fontsConf = join(scratch, 'fonts.conf');
  await writeFile(
    fontsConf,
    `<?xml version="1.0"?>\n<fontconfig>\n  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n` +
      Object.entries(FONT_ALIASES)
        .map(([name, noto]) => `  <alias binding="same"><family>${name}</family><prefer><family>${noto}</family></prefer></alias>\n`)
        .join('') +
      '</fontconfig>\n',
  );
  const docxPath = join(scratch, `${name}.docx`);
  await writeFile(docxPath, docx);
  await run(
    'soffice',
    [`-env:UserInstallation=file://${join(scratch, `profile-${name}`)}`, '--headless', '--convert-to', 'pdf', '--outdir', scratch, docxPath],
    { env: { ...process.env, FONTCONFIG_FILE: fontsConf }, timeout: 120_000 },
  );
  return join(scratch, `${name}.pdf`);
}

async function poppler(tool: 'pdfinfo' | 'pdftotext', args: string[]): Promise<string> {
  try {
    return (await run(tool, args, { maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`${tool} is not installed: ${INSTALL}`, { cause: error });
    }
    throw error;
  }
}

interface Word {
  page: number;
  text: string;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

/** Every word pdftotext finds, with its box in points from the page's top-left corner. */
async function words(pdf: string): Promise<Word[]> {
  const html = await poppler('pdftotext', ['-bbox', pdf, '-']);
  const found: Word[] = [];
  html.split('<page ').slice(1).forEach((page, index) => {
    for (const m of page.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)) {
      found.push({ page: index + 1, xMin: Number(m[1]), yMin: Number(m[2]), xMax: Number(m[3]), yMax: Number(m[4]), text: m[5]! });
    }
  });
  return found;
}

/** A page's lines, top to bottom, each the text of its words (a line is the words sharing a baseline). */
function lines(all: Word[], page: number): string[] {
  const byLine = new Map<number, Word[]>();
  for (const w of all.filter((x) => x.page === page)) {
    const key = Math.round(w.yMax);
    byLine.set(key, [...(byLine.get(key) ?? []), w]);
  }
  return [...byLine].sort(([a], [b]) => a - b).map(([, ws]) => ws.sort((a, b) => a.xMin - b.xMin).map((w) => w.text).join(''));
}

const PARAGRAPH =
  '巡察组坚持把政治监督摆在首位，围绕被巡察党组织贯彻落实党中央决策部署情况，聚焦行政执法和财政资金使用等重点领域，' +
  '通过听取汇报、个别谈话、调阅资料、受理信访和下沉调研等方式深入了解情况，对发现的问题逐项形成问题底稿，做到事实清楚、证据确凿、依据准确。';

describe('the report in 公文 format (GB/T 9704)', () => {
  it('writes the date in Chinese numerals, the year digit by digit', () => {
    expect(chineseDate('2021-12-15')).toBe('二〇二一年十二月十五日');
    expect(chineseDate('2020-01-01')).toBe('二〇二〇年一月一日');
    expect(chineseDate('2021-10-20')).toBe('二〇二一年十月二十日');
    expect(chineseDate('2022-03-31')).toBe('二〇二二年三月三十一日');
    expect(() => chineseDate('2021-13-01')).toThrow(/not a calendar date/);
    expect(() => chineseDate('15/12/2021')).toThrow(/not a calendar date/);
  });

  it('renders an inspection’s report on A4 with the standard’s margins, 22 lines of 28 characters, its title, headings, findings and page numbers, and no lead', async () => {
    const id = (await launchRound(h)).inspections[0].id as string;
    const records = `/api/v1/inspections/${id}/records`;

    await passStage(h, id, 'preparation', leaderOne);
    // Stationing's work beyond the sample: a petition and a field visit, to be counted.
    for (const [kind, data] of [
      ['petition', { on: '2021-10-16', summary: '来信反映罚款不开票据。', channel: '信箱' }],
      ['field_visit', { on: '2021-10-20', summary: '到超限检测站查看执法台账。', place: '某超限检测站' }],
      ['talk', { on: '2021-10-21', summary: '了解票据管理情况。', interviewee: '财务科科长' }],
    ] as const) {
      const written = await h.call(memberOne, 'POST', records, { kind, data });
      expect(written.status, JSON.stringify(written.body)).toBe(201);
    }
    for (const stage of ['stationing', 'drafting', 'communication'] as const) await passStage(h, id, stage, leaderOne);
    await recordWork(h, id, 'reporting', leaderOne);
    // A basic situation long enough to fill whole pages.
    const basic = Array.from({ length: 8 }, () => PARAGRAPH).join('\n');
    const section = await h.call(leaderOne, 'PUT', `/api/v1/inspections/${id}/report/sections/basic_situation`, { text: basic });
    expect(section.status, JSON.stringify(section.body)).toBe(200);

    const report = await h.call(auditor, 'GET', `/api/v1/inspections/${id}/report`);
    expect(report.status).toBe(200);
    expect(report.body.title).toBe('第一巡察组关于巡察自治区交通运输综合行政执法局党组织的情况报告');
    const docx = await h.app.inject({
      method: 'GET',
      url: `/api/v1/inspections/${id}/report.docx`,
      headers: { authorization: `Bearer ${await h.token(auditor)}` },
    });
    expect(docx.statusCode).toBe(200);
    const pdf = await toPdf(docx.rawPayload, 'report');

    const info = await poppler('pdfinfo', [pdf]);
    const [, width, height] = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(info) ?? [];
    expect(Math.abs(Number(width) - A4.width)).toBeLessThanOrEqual(1);
    expect(Math.abs(Number(height) - A4.height)).toBeLessThanOrEqual(1);
    const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
    expect(pages).toBeGreaterThanOrEqual(3);

    // The text survives: title (over two lines), headings, statistics, a finding's facts, the 落款.
    const text = await poppler('pdftotext', [pdf, '-']);
    const flat = text.replace(/\s+/g, '');
    expect(flat).toContain(report.body.title);
    for (const heading of ['一、基本情况', '二、发现的主要问题', '三、意见建议', '（一）财政资金使用', '1.罚没收入未及时足额上缴']) {
      expect(flat).toContain(heading);
    }
    expect(flat).toContain('巡察期间，巡察组开展个别谈话2人次，调阅资料2份，受理信访举报1件，开展下沉调研1次，经审核确认问题1个。');
    expect(flat).toContain('2020年超限检测罚款37笔共计18.6万元未按规定入账上缴。');
    expect(flat).toContain('依据：《罚款决定与罚款收缴分离实施办法》第十条');
    // Dated the day (in China) the report was last written.
    const writtenOn = new Date(Date.parse(report.body.sections.basic_situation.updatedAt) + 8 * 3_600_000).toISOString().slice(0, 10);
    expect(flat).toContain(`第一巡察组${chineseDate(writtenOn)}`);
    // The lead never reaches the main report, not even as a count.
    expect(flat).not.toContain('某大队负责人');
    expect(flat).not.toContain('免检放行');
    expect(flat).not.toContain('线索');
    expect(text).toMatch(/—\s*1\s*—/);

    // Margins: everything but the page number lies inside the 版心.
    const all = await words(pdf);
    const textArea = { left: MARGIN.left, top: MARGIN.top, right: A4.width - MARGIN.right, bottom: A4.height - MARGIN.bottom };
    const [body, foot] = [all.filter((w) => w.yMin < textArea.bottom), all.filter((w) => w.yMin >= textArea.bottom)];
    expect(Math.min(...body.map((w) => w.xMin))).toBeGreaterThanOrEqual(textArea.left - TOLERANCE);
    expect(Math.min(...body.map((w) => w.yMin))).toBeGreaterThanOrEqual(textArea.top - TOLERANCE);
    // A comma or full stop may hang past the right margin (标点溢出, Word's and WPS's
    // default for Chinese too); nothing else may, and nothing by more than its own width.
    const overRight = body.filter((w) => w.xMax > textArea.right + TOLERANCE);
    for (const w of overRight) {
      expect(w.text).toMatch(HANGING);
      expect(w.xMax).toBeLessThanOrEqual(textArea.right + 16 + TOLERANCE);
    }
    expect(Math.max(...body.map((w) => w.yMax))).toBeLessThanOrEqual(textArea.bottom + TOLERANCE);
    // The text reaches the margins, so they are the standard's, not merely inside them.
    expect(Math.min(...body.map((w) => w.xMin))).toBeLessThan(textArea.left + 2 * MM);
    // Below it, only the page number, "— N —" (pdftotext sets no space beside a dash in
    // running text, but the boxes show the three parts apart).
    const footOf = (page: number) => foot.filter((w) => w.page === page);
    for (let page = 1; page <= pages; page++) expect(footOf(page).map((w) => w.text).join(' ')).toBe(`— ${page} —`);
    // Odd pages carry the number on the right, even pages on the left.
    expect(Math.min(...footOf(1).map((w) => w.xMin))).toBeGreaterThan(A4.width / 2);
    expect(Math.max(...footOf(2).map((w) => w.xMax))).toBeLessThan(A4.width / 2);

    // The grid: a full page holds 22 lines, a full line of Chinese text 28 characters.
    const pageTwo = lines(body, 2);
    expect(pageTwo).toHaveLength(22);
    const lengths = pageTwo.map((l) => [...l.replace(HANGING, '')].length);
    expect(Math.max(...lengths)).toBe(28);
    expect(lengths.filter((n) => n === 28).length).toBeGreaterThan(10);
  });

  it('marks the 密级 top-left in 黑体 when the report has one, and nothing when it has none', async () => {
    const inspection = await loadInspection(h.database.db, (await launchRound(h)).inspections[0].id);
    const report = await buildReport(h.database.db, inspection);
    const firstParagraph = async (docx: Buffer) => {
      const xml = strFromU8(unzipSync(new Uint8Array(docx))['word/document.xml']!);
      return /<w:p(?:\s[^>]*)?>([\s\S]*?)<\/w:p>/.exec(xml)![1]!;
    };
    const marked = await firstParagraph(await renderReportDocx({ ...report, classification: '机密' }));
    expect(marked).toContain('<w:t xml:space="preserve">机密</w:t>');
    expect(marked).toContain('w:eastAsia="黑体"');
    const plain = await firstParagraph(await renderReportDocx(report));
    expect(plain).toContain(report.title);

    const pdf = await toPdf(await renderReportDocx({ ...report, classification: '机密' }), 'classified');
    const top = lines(await words(pdf), 1)[0];
    expect(top).toBe('机密');
  });
});
