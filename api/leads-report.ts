/**
 * The confidential lead report (问题线索专题报告): every confirmed lead of an
 * inspection, whom it names, where it came from, and where it went. It exists apart
 * from the main report because the main report is read by the group and fed back to
 * the target, whose principal leader may be the person a lead names.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { criteriaContext } from '../db/stage-gate.repository.js';
import { confirmedLeads } from '../workflows/exit-criteria.js';
import { RECORD_KINDS, type LeadRecipient, type RecordKind } from '../workflows/stages.js';
import { bodyParagraph, chineseDate, heading, ordinal, renderOfficialDocx } from './report-docx.js';
import { customaryTitle } from './report.js';
import type { Inspection } from './views.js';

/** Every lead report is marked 秘密 (top-left, as GB/T 9704 places the 密级). */
export const LEADS_REPORT_CLASSIFICATION = '秘密';

interface Recipient {
  kind: LeadRecipient;
  name?: string;
}
interface LeadData {
  person: { name: string; post: string; leadingCadre: boolean };
  allegation: string;
  sources: string[];
  proposedDisposal: string;
  proposedRecipient: Recipient;
}

const RECIPIENT_NAMES: Record<LeadRecipient, string> = { discipline: '纪检监察机关', organization: '组织部门', other: '其他单位' };
const OUTCOMES: Record<string, string> = { preliminary_verification: '初核', talk_or_inquiry: '谈话函询', held: '暂存', closed: '了结' };
const recipientName = (r: Recipient) => r.name ?? RECIPIENT_NAMES[r.kind];

/** The lead report as a .docx in 公文 form, marked 秘密, with the file name to save it under. */
export async function renderLeadsReportDocx(db: Kysely<Database>, inspection: Inspection): Promise<{ file: Buffer; fileName: string }> {
  const { row } = inspection;
  const ctx = await criteriaContext(db, row.id);
  const leads = confirmedLeads(ctx);
  const byId = new Map(ctx.records.map((r) => [r.id, r]));
  const about = (kind: RecordKind, leadId: string) => ctx.records.find((r) => r.kind === kind && r.data.leadId === leadId);
  const handedOver = leads.filter((l) => about('lead_handover', l.id));
  const cadres = leads.filter((l) => (l.data as unknown as LeadData).person.leadingCadre);

  const summary =
    `巡察期间，巡察组共发现并经组长审核确认问题线索${leads.length}条，其中涉及被巡察党组织领导班子成员${cadres.length}条；` +
    `已移交${handedOver.length}条，尚未移交${leads.length - handedOver.length}条。`;
  const details = leads.flatMap((lead, i) => {
    const data = lead.data as unknown as LeadData;
    const sources = data.sources.map((id) => byId.get(id)?.kind).filter((k): k is RecordKind => Boolean(k));
    const sourceCounts = [...new Set(sources)].map((k) => `${RECORD_KINDS[k].title.zh}${sources.filter((s) => s === k).length}次`);
    const handover = about('lead_handover', lead.id);
    const disposal = about('lead_disposal', lead.id);
    const cadre = data.person.leadingCadre ? '，系被巡察党组织领导班子成员' : '';
    return [
      heading(2, `（${ordinal(i + 1)}）关于${data.person.name}的问题线索`),
      bodyParagraph(`被反映人：${data.person.name}，${data.person.post}${cadre}。`),
      bodyParagraph(`反映问题：${data.allegation}`),
      bodyParagraph(`线索来源：${sourceCounts.length ? sourceCounts.join('、') : '未关联巡察记录'}。`),
      bodyParagraph(`处置建议：${data.proposedDisposal}；建议移交${recipientName(data.proposedRecipient)}。`),
      bodyParagraph(
        handover
          ? `移交情况：已于${chineseDate(String(handover.data.handedOn))}移交${recipientName(handover.data.recipient as Recipient)}（${String(handover.data.letterRef)}）。`
          : '移交情况：尚未移交。',
      ),
      ...(disposal
        ? [bodyParagraph(`处置情况：${chineseDate(String(disposal.data.receivedOn))}收悉，${OUTCOMES[String(disposal.data.outcome)] ?? String(disposal.data.outcome)}（${String(disposal.data.reference)}）。`)]
        : []),
    ];
  });
  const file = await renderOfficialDocx({
    title: customaryTitle({ group: row.group_name, target: row.target.name }, '发现问题线索的专题报告'),
    classification: LEADS_REPORT_CLASSIFICATION,
    body: [
      heading(1, '一、基本情况'),
      bodyParagraph(summary),
      heading(1, '二、问题线索及处置情况'),
      ...(details.length ? details : [bodyParagraph('（无经确认的问题线索）')]),
    ],
    signer: row.group_name,
    signedAt: new Date().toISOString(),
  });
  return { file, fileName: `${row.target.name}问题线索专题报告.docx` };
}
