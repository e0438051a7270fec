/**
 * Gathers an inspection's whole file (立卷) into one zip: every record with all its
 * versions, the report's section versions, the frozen report and the lead report,
 * the evidence files, the history, the ledger, the timeline, every Temporal run, a
 * catalogue (卷内目录) and a manifest that names each file's SHA-256 and is signed.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import type { Kysely } from 'kysely';
import { attachmentSetsForDigest, DatabaseAttachmentStore } from '../db/attachments.repository.js';
import type { Database } from '../db/database.js';
import { findFrozenReport } from '../db/frozen-reports.repository.js';
import { listHistory } from '../db/history.repository.js';
import { listLedger } from '../db/ledger.repository.js';
import type { FrozenPart } from '../db/stage-gate.repository.js';
import { criteriaContext } from '../db/stage-gate.repository.js';
import { listTimeline } from '../db/timeline.repository.js';
import { signPayload } from '../platform/signing-key.js';
import { fetchAllRuns } from '../platform/workflow-runs.js';
import { confirmedLeads, itemStatus } from '../workflows/exit-criteria.js';
import { inspectionWorkflowId } from '../workflows/messages.js';
import type { Actor } from '../workflows/roles.js';
import { RECORD_KINDS, STAGE_IDS, type RecordKindDefinition, type StageId } from '../workflows/stages.js';
import type { AttachmentStore } from './attachments-store.js';
import { docxPages, evidencePages, formPages, renderCatalogueDocx, type CatalogueEntry } from './dossier-catalogue.js';
import {
  DOSSIER_FORMAT,
  DOSSIER_PATHS,
  manifestSignaturePayload,
  sha256Hex,
  type DossierManifest,
  type LongTermItem,
  type RecordFile,
  type SectionVersion,
} from './dossier-format.js';
import { renderLeadsReportDocx } from './leads-report.js';
import type { Services } from './plugins/services.plugin.js';
import { toTimelineItem } from './timeline.service.js';
import { callWorkflow } from './temporal-errors.js';
import type { Inspection } from './views.js';
import { VERSION_COLUMNS } from '../db/records.repository.js';

export interface BuiltDossier {
  zip: Uint8Array;
  manifestSha256: string;
  files: number;
}

const encoder = new TextEncoder();
const asJson = (value: unknown) => encoder.encode(`${JSON.stringify(value, null, 2)}\n`);
const iso = (at: Date | string) => new Date(at).toISOString();
/** The day of an instant in China (UTC+8), YYYY-MM-DD. */
const chinaDay = (at: string) => new Date(Date.parse(at) + 8 * 3600_000).toISOString().slice(0, 10);

/** The day a document was made, from its own date field (a briefing's receipt, a meeting's), where it has one. */
function documentDay(data: Record<string, unknown> | undefined): string | undefined {
  const day = ['receivedOn', 'heldOn', 'postedOn', 'handedOn', 'submittedOn', 'on'].map((k) => data?.[k]).find((v) => typeof v === 'string');
  return day as string | undefined;
}

/** 文件编号: the reference a hand-over letter or a disposal carries. */
function documentNumber(data: Record<string, unknown> | undefined): string | undefined {
  const ref = data?.letterRef ?? data?.reference;
  return typeof ref === 'string' && ref ? ref : undefined;
}

let codeVersion: DossierManifest['code'] | undefined;
/**
 * The code that built the dossier, read once per process: the package version and the
 * git commit, or XUNCHA_COMMIT where there is no git checkout (a container image).
 */
function readCodeVersion(): DossierManifest['code'] {
  if (codeVersion) return codeVersion;
  const root = fileURLToPath(new URL('..', import.meta.url));
  const { version } = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { version: string };
  let commit = process.env.XUNCHA_COMMIT ?? 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // No git or no checkout: the environment's commit, if it says one.
  }
  codeVersion = { version, commit };
  return codeVersion;
}

/** Reads everything the dossier holds, in one database snapshot, then Temporal's runs; answers the zip. */
export async function buildDossier(services: Services, inspection: Inspection, actor: Actor, builtAt: string): Promise<BuiltDossier> {
  const { row } = inspection;
  const inspectionId = row.id;
  const store: AttachmentStore = services.attachments?.store ?? new DatabaseAttachmentStore();
  const files = new Map<string, Uint8Array>();
  const catalogue: CatalogueEntry[] = [];

  const gathered = await services.db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (db) => {
      const steps = await listHistory(db, inspectionId);
      const ledger = await listLedger(db, inspectionId);
      const checkpoints = await db.selectFrom('checkpoints').selectAll().where('inspection_id', '=', inspectionId).orderBy('step_seq').execute();
      const records = await recordFiles(db, inspectionId);
      const sections = (
        await db
          .selectFrom('report_section_versions')
          .select(['seq', 'section', 'version', 'text', 'actor_sub', 'actor_name', 'at'])
          .where('inspection_id', '=', inspectionId)
          .orderBy('seq')
          .execute()
      ).map((s): SectionVersion => ({ ...s, at: iso(s.at) }));
      const attachmentSets = await submissionAttachmentSets(db, inspectionId, steps);
      const attachments = await db.selectFrom('attachments').selectAll().where('inspection_id', '=', inspectionId).orderBy('uploaded_at').orderBy('id').execute();
      const frozen = await findFrozenReport(db, inspectionId);
      const context = await criteriaContext(db, inspectionId);
      const leadsReport = confirmedLeads(context).length ? await renderLeadsReportDocx(db, inspection) : null;
      const timeline = await wholeTimeline(db, row.round_id, inspectionId);
      return { steps, ledger, checkpoints, records, sections, attachmentSets, attachments, frozen, context, leadsReport, timeline };
    });

  const runs = await callWorkflow(() => fetchAllRuns(services.temporal, inspectionWorkflowId(inspectionId)));
  const add = (path: string, bytes: Uint8Array, entry?: Omit<CatalogueEntry, 'path'>) => {
    files.set(path, bytes);
    if (entry) catalogue.push({ ...entry, path });
  };

  // 责任者: the unit that made a document, then the person.
  const unitOf = (roles: readonly string[]) =>
    roles.includes('office') ? '巡察办' : roles.includes('liaison') ? row.target.name : roles.includes('discipline') ? '纪检监察机关' : row.group_name;
  const group = [row.group_name];
  const system = ['巡察办', '系统生成'];

  if (gathered.frozen) {
    const docx = gathered.frozen.docx;
    add(DOSSIER_PATHS.reportDocx, docx, { title: '巡察报告（经审定）', date: chinaDay(gathered.frozen.frozenAt), responsible: group, pages: docxPages(docx) });
    add(DOSSIER_PATHS.frozenReportJson, asJson({ ...gathered.frozen, docx: undefined }));
  }
  if (gathered.leadsReport) {
    const docx = gathered.leadsReport.file;
    add(DOSSIER_PATHS.leadsReportDocx, docx, { title: '发现问题线索的专题报告（秘密）', date: chinaDay(builtAt), responsible: group, pages: docxPages(docx) });
  }
  const stageOrder = (stage: string) => STAGE_IDS.indexOf(stage as StageId);
  const ordered = [...gathered.records].sort((a, b) => stageOrder(a.stage) - stageOrder(b.stage) || a.createdAt.localeCompare(b.createdAt));
  // Evidence files are filed right behind the record they belong to, as papers are.
  const filesOf = new Map<string, typeof gathered.attachments>();
  for (const file of gathered.attachments) filesOf.set(file.record_id, [...(filesOf.get(file.record_id) ?? []), file]);
  const addAttachment = async (file: (typeof gathered.attachments)[number]) => {
    const content = await store.read(services.db, file.sha256);
    if (!content) throw new Error(`attachment ${file.id}: its file ${file.sha256} is not in the store`);
    const chunks: Uint8Array[] = [];
    for await (const chunk of content) chunks.push(chunk);
    const bytes = Buffer.concat(chunks);
    add(`${DOSSIER_PATHS.attachments}${file.record_id}/${file.id}-${file.name}`, bytes, {
      title: `证据材料：${file.name}`,
      date: chinaDay(iso(file.uploaded_at)),
      responsible: [file.uploaded_by_name],
      pages: evidencePages(file.media_type, bytes),
    });
  };
  for (const record of ordered) {
    const first = record.versions[0];
    const latest = record.versions.at(-1)?.data as Record<string, unknown> | undefined;
    add(`${DOSSIER_PATHS.records}${record.kind}/${record.id}.json`, asJson(record), {
      title: recordTitle(record),
      date: documentDay(latest) ?? chinaDay(record.createdAt),
      responsible: [unitOf(first?.actor_roles ?? []), record.createdBy.name],
      number: documentNumber(latest),
      pages: formPages(latest),
    });
    for (const file of filesOf.get(record.id) ?? []) await addAttachment(file);
  }
  const filed = new Set(ordered.map((r) => r.id));
  for (const file of gathered.attachments.filter((a) => !filed.has(a.record_id))) await addAttachment(file);
  add(DOSSIER_PATHS.sections, asJson(gathered.sections), {
    title: '巡察报告各部分全部版本',
    date: chinaDay(gathered.sections.at(-1)?.at ?? builtAt),
    responsible: group,
    pages: formPages(gathered.sections.map((v) => v.text)),
  });
  add(
    `${DOSSIER_PATHS.attachments}index.json`,
    asJson(gathered.attachments.map((a) => ({ ...a, size: Number(a.size), uploaded_at: iso(a.uploaded_at) }))),
  );
  add(DOSSIER_PATHS.attachmentSets, asJson(gathered.attachmentSets));
  const longTermItems = longTerm(gathered.context);
  add(DOSSIER_PATHS.longTermItems, asJson(longTermItems), {
    title: `长期整改事项（${longTermItems.length}项）`,
    date: chinaDay(builtAt),
    responsible: ['巡察办'],
    pages: formPages(longTermItems),
  });
  // The machine-readable record of how it all happened: kept, verified, never printed.
  add(DOSSIER_PATHS.timeline, asJson(gathered.timeline), { title: '巡察工作时间线', date: chinaDay(builtAt), responsible: system, pages: null });
  add(DOSSIER_PATHS.steps, asJson(gathered.steps), {
    title: '流程步骤（哈希链）',
    date: chinaDay(gathered.steps.at(-1)?.at ?? builtAt),
    responsible: system,
    pages: null,
  });
  add(DOSSIER_PATHS.ledger, asJson(gathered.ledger), { title: '数据台账（哈希链）', date: chinaDay(builtAt), responsible: system, pages: null });
  const workflowId = inspectionWorkflowId(inspectionId);
  add(DOSSIER_PATHS.temporal, asJson({ inspectionId, workflowId, runs: runs.map(({ runId, history }) => ({ runId, history })) }), {
    title: `Temporal 工作流历史（${runs.length}次运行）`,
    date: chinaDay(builtAt),
    responsible: system,
    pages: null,
  });

  const title = `${row.target.name}巡察案卷`;
  add(
    DOSSIER_PATHS.catalogue,
    await renderCatalogueDocx({ title: `${row.group_name}巡察${row.target.name}工作案卷（${inspection.round.name}）`, builtBy: actor.name, builtAt, entries: catalogue }),
  );

  const lastStep = gathered.steps.at(-1);
  const lastEntry = gathered.ledger.at(-1);
  const manifest: DossierManifest = {
    format: DOSSIER_FORMAT,
    inspectionId,
    roundId: row.round_id,
    title,
    target: row.target.name,
    group: row.group_name,
    builtAt,
    builtBy: { sub: actor.sub, name: actor.name },
    code: readCodeVersion(),
    files: [...files].map(([path, bytes]) => ({ path, sha256: sha256Hex(bytes), size: bytes.length })),
    chains: {
      steps: { count: gathered.steps.length, headSeq: lastStep?.seq ?? 0, headHash: lastStep?.hash ?? '' },
      ledger: { count: gathered.ledger.length, headSeq: lastEntry?.seq ?? 0, headHash: lastEntry?.hash ?? '0'.repeat(64) },
    },
    checkpoints: gathered.checkpoints.map((c) => ({
      inspectionId,
      stepSeq: c.step_seq,
      stepHash: c.step_hash,
      ledgerSeq: c.ledger_seq,
      ledgerHash: c.ledger_hash,
      signedAt: iso(c.signed_at),
      keyId: c.key_id,
      signature: c.signature,
    })),
    publicKeys: services.signingKeys?.publicKeys ?? [],
    longTermItems,
  };
  const manifestBytes = asJson(manifest);
  const manifestSha256 = sha256Hex(manifestBytes);
  files.set(DOSSIER_PATHS.manifest, manifestBytes);
  const signer = services.signingKeys?.signer;
  if (signer) {
    files.set(DOSSIER_PATHS.manifestSignature, asJson({ keyId: signer.id, signature: signPayload(signer, manifestSignaturePayload(manifestSha256)) }));
  }
  // A fixed time inside the zip: the same content always makes the same bytes.
  const mtime = new Date(builtAt);
  const zip = zipSync(Object.fromEntries([...files].map(([path, bytes]) => [path, [bytes, { mtime }]])), { level: 6 });
  return { zip, manifestSha256, files: files.size };
}

/** Each record with every version, in the columns a submission's digest covers (and who had which roles). */
async function recordFiles(db: Kysely<Database>, inspectionId: string): Promise<RecordFile[]> {
  const [records, versions] = await Promise.all([
    db.selectFrom('records').selectAll().where('inspection_id', '=', inspectionId).orderBy('created_at').orderBy('id').execute(),
    db
      .selectFrom('record_versions')
      .innerJoin('records', 'records.id', 'record_versions.record_id')
      .select([...VERSION_COLUMNS, 'record_versions.actor_roles', 'record_versions.seq', 'record_versions.version', 'record_versions.data', 'records.kind'])
      .where('records.inspection_id', '=', inspectionId)
      .orderBy('record_versions.seq')
      .execute(),
  ]);
  return records.map((r) => ({
    id: r.id,
    kind: r.kind,
    stage: r.stage,
    createdBy: { sub: r.created_by_sub, name: r.created_by_name },
    createdAt: iso(r.created_at),
    currentVersion: r.version,
    versions: versions.filter((v) => v.record_id === r.id).map((v) => ({ ...v, at: iso(v.at) })),
  }));
}

/** The attachment sets each submission's digest covered, keyed as the verifier looks them up. */
async function submissionAttachmentSets(db: Kysely<Database>, inspectionId: string, steps: { kind: string; data: Record<string, unknown> }[]) {
  const sets: Record<string, unknown[]> = {};
  for (const step of steps) {
    if (step.kind !== 'submitted') continue;
    for (const part of ['records', 'leads'] as FrozenPart[]) {
      const frozen = step.data[part] as { stage: StageId; throughSeq: number } | undefined;
      if (!frozen) continue;
      const found = await attachmentSetsForDigest(db, inspectionId, frozen.stage, frozen.throughSeq, part);
      if (found.length) sets[`${frozen.stage}:${part}:${frozen.throughSeq}`] = found;
    }
  }
  return sets;
}

const TIMELINE_PAGE = 500;

async function wholeTimeline(db: Kysely<Database>, roundId: string, inspectionId: string) {
  const items = [];
  let after: { at: string; key: string } | undefined;
  for (;;) {
    const rows = await listTimeline(db, { roundId, inspectionIds: [inspectionId], limit: TIMELINE_PAGE, ...(after ? { after } : {}) });
    items.push(...rows.map(toTimelineItem));
    const last = rows.at(-1);
    if (rows.length < TIMELINE_PAGE || !last) return items;
    after = { at: last.at_text, key: last.key };
  }
}

/** 长期整改: the items the office verified as long-term, each with its next milestone. */
function longTerm(context: Awaited<ReturnType<typeof criteriaContext>>): LongTermItem[] {
  return context.records
    .filter((r) => r.kind === 'rectification_item' && itemStatus(context, r.id) === 'long_term')
    .map((item) => {
      const verification = context.records.find((v) => v.kind === 'rectification_verification' && v.data.itemId === item.id)!;
      return {
        itemId: item.id,
        problemId: String(item.data.problemId),
        measure: String(item.data.measure),
        owner: String(item.data.owner),
        dueOn: String(item.data.dueOn),
        verifiedOn: String(verification.data.on),
        nextMilestoneOn: (verification.data.nextMilestoneOn as string | undefined) ?? null,
        note: String(verification.data.note ?? ''),
      };
    });
}

function recordTitle(record: RecordFile): string {
  const latest = record.versions.at(-1)?.data as Record<string, unknown> | undefined;
  const caption = ['title', 'interviewee', 'measure', 'summary', 'source', 'text']
    .map((k) => latest?.[k])
    .find((v): v is string => typeof v === 'string' && v.length > 0);
  return `${kindTitleZh(record.kind)}${caption ? `：${caption.length > 30 ? `${caption.slice(0, 30)}…` : caption}` : ''}（${record.versions.length}个版本）`;
}

const kindTitleZh = (kind: string) => (RECORD_KINDS as Record<string, RecordKindDefinition>)[kind]?.title.zh ?? kind;
