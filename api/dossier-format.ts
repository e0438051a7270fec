/**
 * What a sealed dossier (立卷归档) holds and how it is checked with nothing but the file:
 * the paths inside the zip, the manifest, and every check `npm run verify-dossier`
 * makes except the Temporal replay (which needs the workflow code, see the script).
 * Pure: no database, no network, so an auditor can run it anywhere.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../db/event-hash.js';
import { verifyChain, type HistoryEntry } from '../db/history.repository.js';
import { checkpointPayload, ledgerEntryHash, type CheckpointContent, type LedgerEntry } from '../db/ledger.repository.js';
import { checkSignature, type PublicSigningKey } from '../platform/signing-key.js';
import { LEAD_KIND_IDS } from '../workflows/stages.js';

export const DOSSIER_FORMAT = 'xuncha-dossier/1';

/** Fixed paths inside the zip; records and attachments have one file each under their folders. */
export const DOSSIER_PATHS = {
  manifest: 'manifest.json',
  /** The manifest's Ed25519 signature: outside the manifest, which cannot hash itself. */
  manifestSignature: 'manifest.sig.json',
  catalogue: '卷内目录.docx',
  steps: 'history/steps.json',
  ledger: 'history/ledger.json',
  timeline: 'history/timeline.json',
  temporal: 'temporal/inspection-history.json',
  sections: 'report/sections.json',
  frozenReportJson: 'report/report.json',
  reportDocx: 'report/巡察报告.docx',
  leadsReportDocx: 'report/问题线索专题报告.docx',
  attachmentSets: 'attachments/sets.json',
  longTermItems: 'rectification/long-term-items.json',
  records: 'records/',
  attachments: 'attachments/',
} as const;

/** A record version as a submission's digest covers it (db/stage-gate.repository.ts `digestStageRecords`). */
export interface DigestedVersion {
  record_id: string;
  change: string;
  review_status: string | null;
  decision_status: string | null;
  note: string | null;
  actor_sub: string;
  actor_name: string;
  at: string;
  seq: number | string;
  version: number;
  data: unknown;
  kind: string;
}

/** One record's file: what it is and every version it had, oldest first. */
export interface RecordFile {
  id: string;
  kind: string;
  stage: string;
  createdBy: { sub: string; name: string };
  createdAt: string;
  currentVersion: number;
  versions: (DigestedVersion & { actor_roles: string[] })[];
}

export interface SectionVersion {
  seq: number | string;
  section: string;
  version: number;
  text: string;
  actor_sub: string;
  actor_name: string;
  at: string;
}

export interface ManifestFile {
  path: string;
  sha256: string;
  size: number;
}

export interface LongTermItem {
  itemId: string;
  problemId: string;
  measure: string;
  owner: string;
  dueOn: string;
  verifiedOn: string;
  nextMilestoneOn: string | null;
  note: string;
}

export interface DossierManifest {
  format: typeof DOSSIER_FORMAT;
  inspectionId: string;
  roundId: string;
  title: string;
  target: string;
  group: string;
  builtAt: string;
  builtBy: { sub: string; name: string };
  code: { version: string; commit: string };
  files: ManifestFile[];
  chains: {
    steps: { count: number; headSeq: number; headHash: string };
    ledger: { count: number; headSeq: number; headHash: string };
  };
  checkpoints: (CheckpointContent & { signature: string })[];
  publicKeys: PublicSigningKey[];
  /** 长期整改: items that go on after archiving, with when each is looked at next. */
  longTermItems: LongTermItem[];
}

export interface ManifestSignature {
  keyId: string;
  signature: string;
}

export const sha256Hex = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

/** What the manifest's signature signs: its exact bytes' digest, under a purpose of its own. */
export const manifestSignaturePayload = (manifestSha256: string) => canonicalJson({ purpose: 'xuncha dossier manifest v1', manifestSha256 });

export interface DossierCheck {
  name: string;
  ok: boolean;
  /** What broke, each naming the file (and the record or step) it concerns. */
  problems: string[];
  detail?: string;
}

const decoder = new TextDecoder();

/**
 * Every check but the replay, over the zip's files by path. Each check runs even when
 * an earlier one failed, so the auditor sees everything that broke at once.
 */
export function verifyDossierFiles(files: Map<string, Uint8Array>): { manifest: DossierManifest | null; checks: DossierCheck[] } {
  const checks: DossierCheck[] = [];
  const check = (name: string, run: () => { problems: string[]; detail?: string }) => {
    try {
      const { problems, detail } = run();
      checks.push({ name, ok: problems.length === 0, problems, ...(detail ? { detail } : {}) });
    } catch (error) {
      checks.push({ name, ok: false, problems: [(error as Error).message] });
    }
  };
  const json = <T>(path: string): T => {
    const bytes = files.get(path);
    if (!bytes) throw new Error(`${path}: missing from the dossier`);
    try {
      return JSON.parse(decoder.decode(bytes)) as T;
    } catch (error) {
      throw new Error(`${path}: not valid JSON (${(error as Error).message})`, { cause: error });
    }
  };

  let manifest: DossierManifest | null = null;
  check('manifest', () => {
    manifest = json<DossierManifest>(DOSSIER_PATHS.manifest);
    if (manifest.format !== DOSSIER_FORMAT) return { problems: [`${DOSSIER_PATHS.manifest}: format ${String(manifest.format)} is not ${DOSSIER_FORMAT}`] };
    return { problems: [], detail: `inspection ${manifest.inspectionId}, built ${manifest.builtAt} by ${manifest.builtBy.name}, code ${manifest.code.version} (${manifest.code.commit})` };
  });
  if (!manifest) return { manifest, checks };
  const m: DossierManifest = manifest;

  check('manifest signature', () => {
    const signed = files.get(DOSSIER_PATHS.manifestSignature);
    if (!signed) return { problems: [`${DOSSIER_PATHS.manifestSignature}: missing: the manifest is not signed`] };
    const { keyId, signature } = json<ManifestSignature>(DOSSIER_PATHS.manifestSignature);
    const problem = checkSignature({ publicKeys: m.publicKeys }, keyId, manifestSignaturePayload(sha256Hex(files.get(DOSSIER_PATHS.manifest)!)), signature);
    return { problems: problem ? [`${DOSSIER_PATHS.manifest}: ${problem}`] : [], detail: `key ${keyId}` };
  });

  check('file hashes', () => {
    const problems: string[] = [];
    const listed = new Set(m.files.map((f) => f.path));
    for (const file of m.files) {
      const bytes = files.get(file.path);
      if (!bytes) problems.push(`${file.path}: listed in the manifest but missing from the dossier`);
      else if (sha256Hex(bytes) !== file.sha256) problems.push(`${file.path}: its SHA-256 differs from the manifest's (altered)`);
      else if (bytes.length !== file.size) problems.push(`${file.path}: its size differs from the manifest's`);
    }
    for (const path of files.keys()) {
      if (path !== DOSSIER_PATHS.manifest && path !== DOSSIER_PATHS.manifestSignature && !listed.has(path)) {
        problems.push(`${path}: in the dossier but not in the manifest (added)`);
      }
    }
    return { problems, detail: `${m.files.length} files` };
  });

  let steps: HistoryEntry[] = [];
  check('step chain', () => {
    steps = json<HistoryEntry[]>(DOSSIER_PATHS.steps);
    const chain = verifyChain(m.inspectionId, steps);
    const problems = chain.problems.map((p) => `${DOSSIER_PATHS.steps}: ${p}`);
    const head = steps.at(-1);
    if (m.chains.steps.count !== steps.length || (head?.hash ?? '') !== m.chains.steps.headHash) {
      problems.push(`${DOSSIER_PATHS.steps}: its head is not the one the manifest names (step ${m.chains.steps.headSeq})`);
    }
    return { problems, detail: `${steps.length} steps recomputed` };
  });

  let ledger: LedgerEntry[] = [];
  check('ledger chain', () => {
    ledger = json<LedgerEntry[]>(DOSSIER_PATHS.ledger);
    const problems: string[] = [];
    let prev = '0'.repeat(64);
    ledger.forEach((entry, index) => {
      if (entry.seq !== index + 1) problems.push(`${DOSSIER_PATHS.ledger}: entry ${index + 1} is missing`);
      if (entry.prevHash !== prev) problems.push(`${DOSSIER_PATHS.ledger}: entry ${entry.seq} does not follow the entry before it`);
      if (ledgerEntryHash(entry) !== entry.hash) problems.push(`${DOSSIER_PATHS.ledger}: entry ${entry.seq}: its content no longer matches its hash`);
      prev = entry.hash;
    });
    if (m.chains.ledger.count !== ledger.length || (ledger.at(-1)?.hash ?? '0'.repeat(64)) !== m.chains.ledger.headHash) {
      problems.push(`${DOSSIER_PATHS.ledger}: its head is not the one the manifest names (entry ${m.chains.ledger.headSeq})`);
    }
    return { problems, detail: `${ledger.length} entries recomputed` };
  });

  check('checkpoint signatures', () => {
    const problems: string[] = [];
    for (const { signature, ...content } of m.checkpoints) {
      const mark = (problem: string) => problems.push(`${DOSSIER_PATHS.manifest}: checkpoint at step ${content.stepSeq}: ${problem}`);
      const bad = checkSignature({ publicKeys: m.publicKeys }, content.keyId, checkpointPayload(content), signature);
      if (bad) mark(bad);
      const step = steps[content.stepSeq - 1];
      if (!step || step.hash !== content.stepHash) mark(`${DOSSIER_PATHS.steps} no longer passes through the step it signed`);
      if (content.ledgerSeq > 0 && ledger[content.ledgerSeq - 1]?.hash !== content.ledgerHash) {
        mark(`${DOSSIER_PATHS.ledger} no longer passes through the entry it signed`);
      }
    }
    if (m.checkpoints.length === 0) problems.push(`${DOSSIER_PATHS.manifest}: holds no signed checkpoint`);
    return { problems, detail: `${m.checkpoints.length} checkpoints, keys ${m.publicKeys.map((k) => k.id).join(', ')}` };
  });

  check('records against the submissions', () => verifySubmissionDigests(files, steps, json));

  return { manifest, checks };
}

/**
 * Recomputes each submission's digest of the records (and report sections, and their
 * files) it froze from the record files in the dossier: a record altered, added or
 * dropped is caught even if its file's hash in the manifest were recomputed too,
 * because the digest sits in the hash-chained, signed history.
 */
function verifySubmissionDigests(
  files: Map<string, Uint8Array>,
  steps: HistoryEntry[],
  json: <T>(path: string) => T,
): { problems: string[]; detail: string } {
  const recordPaths = [...files.keys()].filter((p) => p.startsWith(DOSSIER_PATHS.records) && p.endsWith('.json'));
  const records = recordPaths.map((path) => ({ path, file: json<RecordFile>(path) }));
  const sections = json<SectionVersion[]>(DOSSIER_PATHS.sections);
  const attachmentSets = json<Record<string, unknown[]>>(DOSSIER_PATHS.attachmentSets);
  const problems: string[] = [];
  let checked = 0;
  for (const step of steps) {
    if (step.kind !== 'submitted') continue;
    for (const part of ['records', 'leads'] as const) {
      const frozen = step.data[part] as { stage: string; throughSeq: number; digest: string; versions: number } | undefined;
      if (!frozen) continue;
      checked++;
      const inPart = records.filter(({ file }) => file.stage === frozen.stage && LEAD_KIND_IDS.includes(file.kind as never) === (part === 'leads'));
      const versions = inPart
        .flatMap(({ file }) => file.versions)
        .filter((v) => Number(v.seq) <= frozen.throughSeq)
        .sort((a, b) => Number(a.seq) - Number(b.seq))
        .map(({ actor_roles: _roles, ...v }) => v);
      const sectionRows = frozen.stage === 'reporting' && part === 'records' ? sections.filter((s) => Number(s.seq) <= frozen.throughSeq) : [];
      const sets = attachmentSets[`${frozen.stage}:${part}:${frozen.throughSeq}`] ?? [];
      const content = { records: versions, sections: sectionRows, ...(sets.length ? { attachments: sets } : {}) };
      if (sha256Hex(canonicalJson(content)) !== frozen.digest || versions.length + sectionRows.length !== frozen.versions) {
        const paths = inPart.map((r) => r.path);
        problems.push(
          `step ${step.seq}: the ${frozen.stage} ${part} it froze differ from the dossier's (${paths.length ? paths.join(', ') : 'no record file'}${sectionRows.length ? `, ${DOSSIER_PATHS.sections}` : ''})`,
        );
      }
    }
  }
  return { problems, detail: `${checked} frozen digests over ${records.length} records` };
}
