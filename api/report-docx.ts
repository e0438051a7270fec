import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, TextRun } from 'docx';
import { REPORT_SECTIONS } from '../workflows/stages.js';
import type { Report } from './report.js';

// Word and WPS both ship these; naming them for East Asian text keeps Chinese from
// falling back to a Latin font.
const BODY_FONT = { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: '仿宋_GB2312' };
const HEADING_FONT = { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: '黑体' };
const TITLE_FONT = { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: '方正小标宋简体' };
const CHINESE_NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

const numeral = (n: number) => CHINESE_NUMERALS[n - 1] ?? String(n);
const para = (text: string) => new Paragraph({ children: [new TextRun(text)], indent: { firstLine: 640 } });

/** Renders the report as a .docx, headings in the template's order. */
export async function renderReportDocx(report: Report): Promise<Buffer> {
  const body: Paragraph[] = [
    new Paragraph({
      heading: HeadingLevel.TITLE,
      alignment: AlignmentType.CENTER,
      children: [new TextRun({ text: report.title, font: TITLE_FONT, size: 44 })],
    }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      children: [new TextRun(`${report.group.name}（组长：${report.group.leader}）`)],
    }),
  ];

  REPORT_SECTIONS.forEach((section, index) => {
    body.push(new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun(`${numeral(index + 1)}、${section.title}`)] }));
    if (section.id === 'basic_situation' || section.id === 'recommendations') {
      const written = report.sections[section.id];
      for (const line of (written?.text ?? '（未撰写）').split(/\n+/)) body.push(para(line));
    } else if (section.id === 'main_problems') {
      if (report.mainProblems.length === 0) body.push(para('（无经确认的问题）'));
      report.mainProblems.forEach((group, g) => {
        body.push(new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun(`（${numeral(g + 1)}）${group.category}`)] }));
        for (const problem of group.problems) {
          body.push(
            new Paragraph({ heading: HeadingLevel.HEADING_3, children: [new TextRun(`${problem.number}. ${problem.title}`)] }),
            para(problem.facts),
            para(`定性：${problem.characterization}`),
            para(`依据：${problem.basis.map((b) => `${b.source}${b.article}`).join('；')}`),
          );
        }
      });
    } else {
      if (report.leads.length === 0) body.push(para('（无）'));
      report.leads.forEach((lead, i) => {
        const handed = lead.handedTo ? `，已于${lead.handedOn}移交${lead.handedTo}` : '，待移交';
        body.push(para(`${i + 1}. ${lead.title}${lead.persons.length ? `（涉及：${lead.persons.join('、')}）` : ''}${handed}`));
      });
    }
  });

  const document = new Document({
    creator: 'xuncha',
    title: report.title,
    styles: {
      default: {
        document: { run: { font: BODY_FONT, size: 32 } },
        heading1: { run: { font: HEADING_FONT, size: 32, bold: false } },
        heading2: { run: { font: { ...BODY_FONT, eastAsia: '楷体_GB2312' }, size: 32 } },
        heading3: { run: { font: BODY_FONT, size: 32, bold: true } },
        title: { run: { font: TITLE_FONT, size: 44 } },
      },
    },
    sections: [{ children: body }],
  });
  return Packer.toBuffer(document);
}
