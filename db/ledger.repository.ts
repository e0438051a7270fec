/**
 * The second chain (ledger_entries, written by triggers: see the 2026-11-29T1300
 * migration) and the signed checkpoints over both chains: writing a checkpoint when a
 * stage closes, and the auditor's recomputation of both.
 */
import { createHash } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { SigningKeys } from '../platform/signing-key.js';
import { checkSignature, signPayload } from '../platform/signing-key.js';
import type { Database } from './database.js';
import { GENESIS_HASH, canonicalJson } from './event-hash.js';
import type { InspectionSteps } from './history.repository.js';

/**
 * How each covered table's rows map to a chain (scope), an entry (key) and the content
 * hashed, over the row as `t`. The reference copy: the migration's trigger repeats
 * these literally, and a row whose recomputed hash differs from its latest entry was
 * changed around the trigger.
 */
export const LEDGER_SOURCES: Record<string, { scope: string; key: string; content: string }> = {
  inspections: {
    scope: `t.id::text`,
    key: `'"plan"'`,
    content: `jsonb_build_object('id', t.id, 'round_id', t.round_id, 'position', t.position, 'target', t.target,
      'group_name', t.group_name, 'leader_sub', t.leader_sub, 'leader_name', t.leader_name,
      'round', (select jsonb_build_object('name', r.name, 'year', r.year, 'planned_start', r.planned_start,
        'planned_end', r.planned_end, 'focus', r.focus, 'approval_chains', r.approval_chains,
        'stage_due_days', r.stage_due_days, 'escalate_after_hours', r.escalate_after_hours,
        'questionnaire_min_answers', r.questionnaire_min_answers) from rounds r where r.id = t.round_id))`,
  },
  inspection_members: {
    scope: `t.inspection_id::text`,
    key: `to_jsonb(t.sub)::text`,
    content: `to_jsonb(t)`,
  },
  record_versions: {
    scope: `(select r.inspection_id::text from records r where r.id = t.record_id)`,
    key: `jsonb_build_array(t.record_id, t.version)::text`,
    content: `to_jsonb(t) || jsonb_build_object('at', extract(epoch from t.at), 'record',
      (select jsonb_build_object('inspection_id', r.inspection_id, 'kind', r.kind, 'stage', r.stage,
        'created_by_sub', r.created_by_sub) from records r where r.id = t.record_id))`,
  },
  report_section_versions: {
    scope: `t.inspection_id::text`,
    key: `jsonb_build_array(t.section, t.version)::text`,
    content: `to_jsonb(t) || jsonb_build_object('at', extract(epoch from t.at))`,
  },
  request_results: {
    scope: `t.inspection_id::text`,
    key: `to_jsonb(t.request_id)::text`,
    content: `to_jsonb(t)`,
  },
  idempotent_requests: {
    scope: `'requests:' || t.actor_sub`,
    key: `to_jsonb(t.key)::text`,
    content: `to_jsonb(t) || jsonb_build_object('created_at', extract(epoch from t.created_at))`,
  },
  frozen_reports: {
    scope: `t.inspection_id::text`,
    key: `'"report"'`,
    content: `(to_jsonb(t) - 'docx') || jsonb_build_object('frozen_at', extract(epoch from t.frozen_at), 'docx', encode(sha256(t.docx), 'hex'))`,
  },
};

export interface LedgerEntry {
  seq: number;
  source: string;
  sourceKey: string;
  contentHash: string | null;
  prevHash: string;
  hash: string;
}

export function ledgerEntryHash(e: Omit<LedgerEntry, 'hash'>): string {
  return createHash('sha256')
    .update(`${e.prevHash}|${e.seq}|${e.source}|${e.sourceKey}|${e.contentHash ?? '-'}`, 'utf8')
    .digest('hex');
}

export async function listLedger(db: Kysely<Database>, scope: string): Promise<LedgerEntry[]> {
  const rows = await db.selectFrom('ledger_entries').selectAll().where('scope', '=', scope).orderBy('seq').execute();
  return rows.map((r) => ({ seq: r.seq, source: r.source, sourceKey: r.source_key, contentHash: r.content_hash, prevHash: r.prev_hash, hash: r.hash }));
}

/**
 * Recomputes one ledger chain and checks every covered row of its scope against the
 * latest entry for it: a row changed, added or removed around the trigger, or an
 * entry rewritten, is named.
 */
export async function verifyLedger(db: Kysely<Database>, scope: string, label: string): Promise<{ entries: LedgerEntry[]; problems: string[] }> {
  const entries = await listLedger(db, scope);
  const problems: string[] = [];
  let prev = GENESIS_HASH;
  entries.forEach((entry, index) => {
    if (entry.seq !== index + 1) problems.push(`${label} ledger entry ${index + 1}: missing`);
    if (entry.prevHash !== prev) problems.push(`${label} ledger entry ${entry.seq}: does not follow the entry before it`);
    if (ledgerEntryHash(entry) !== entry.hash) problems.push(`${label} ledger entry ${entry.seq}: its content no longer matches its hash`);
    prev = entry.hash;
  });
  const latest = new Map<string, LedgerEntry>();
  for (const entry of entries) latest.set(`${entry.source} ${entry.sourceKey}`, entry);

  const stored = new Map<string, string>();
  for (const [table, source] of Object.entries(LEDGER_SOURCES)) {
    const { rows } = await sql<{ key: string; hash: string }>`
      select ${sql.raw(source.key)} as key,
             encode(sha256(convert_to((${sql.raw(source.content)})::text, 'UTF8')), 'hex') as hash
      from ${sql.table(table)} t
      where ${sql.raw(source.scope)} = ${scope}`.execute(db);
    for (const row of rows) stored.set(`${table} ${row.key}`, row.hash);
  }
  for (const [id, hash] of stored) {
    const entry = latest.get(id);
    if (!entry) problems.push(`${label}: ${describe(id)} is not in the ledger (written around it)`);
    else if (entry.contentHash === null) problems.push(`${label}: ${describe(id)} was removed, yet is in the database`);
    else if (entry.contentHash !== hash) problems.push(`${label}: ${describe(id)} differs from what the ledger recorded (ledger entry ${entry.seq})`);
  }
  for (const [id, entry] of latest) {
    if (entry.contentHash !== null && !stored.has(id)) problems.push(`${label}: ${describe(id)} is in the ledger (entry ${entry.seq}) but no longer in the database`);
  }
  return { entries, problems };
}

function describe(id: string): string {
  const [table, ...key] = id.split(' ');
  return `${table} ${key.join(' ')}`;
}

/** What a checkpoint signs: both chain heads of an inspection at the step that closed a stage. */
export interface CheckpointContent {
  inspectionId: string;
  stepSeq: number;
  stepHash: string;
  ledgerSeq: number;
  ledgerHash: string;
  signedAt: string;
  keyId: string;
}

export const checkpointPayload = (c: CheckpointContent): string => canonicalJson({ purpose: 'xuncha checkpoint v1', ...c });

/** The steps after which a stage has closed: a checkpoint is signed at each. */
export const CHECKPOINT_KINDS: readonly string[] = ['stage_opened', 'completed', 'cancelled'];

/**
 * Signs both chain heads at each step just written that closes a stage, in the
 * transaction that wrote them (the inspection row is already locked by it: the
 * ledger head cannot move meanwhile). Idempotent by step.
 */
export async function writeCheckpoint(tx: Transaction<Database>, steps: InspectionSteps, signer: SigningKeys['signer']): Promise<void> {
  const closing = steps.events.filter((e) => CHECKPOINT_KINDS.includes(e.kind));
  if (closing.length === 0 || !signer) return;
  const head = await tx
    .selectFrom('ledger_entries')
    .select(['seq', 'hash'])
    .where('scope', '=', steps.inspectionId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  for (const event of closing) {
    const step = await tx
      .selectFrom('inspection_events')
      .select(['hash'])
      .where('inspection_id', '=', steps.inspectionId)
      .where('seq', '=', event.seq)
      .executeTakeFirstOrThrow();
    const content: CheckpointContent = {
      inspectionId: steps.inspectionId,
      stepSeq: event.seq,
      stepHash: step.hash,
      ledgerSeq: head?.seq ?? 0,
      ledgerHash: head?.hash ?? GENESIS_HASH,
      signedAt: event.at,
      keyId: signer.id,
    };
    await tx
      .insertInto('checkpoints')
      .values({
        inspection_id: content.inspectionId,
        step_seq: content.stepSeq,
        step_hash: content.stepHash,
        ledger_seq: content.ledgerSeq,
        ledger_hash: content.ledgerHash,
        signed_at: content.signedAt,
        key_id: content.keyId,
        signature: signPayload(signer, checkpointPayload(content)),
      })
      .onConflict((oc) => oc.columns(['inspection_id', 'step_seq']).doNothing())
      .execute();
  }
}

export interface CheckpointView extends CheckpointContent {
  signature: string;
  valid: boolean;
}

/**
 * Checks every checkpoint's signature against the published keys and that the chains
 * still pass through the heads it signed; and that every step that closed a stage has
 * its checkpoint. A chain rewritten with every hash recomputed still fails here: the
 * rewriter has no private key.
 */
export async function verifyCheckpoints(
  db: Kysely<Database>,
  inspectionId: string,
  keys: Pick<SigningKeys, 'publicKeys'>,
  steps: { seq: number; kind: string; hash: string }[],
  ledger: LedgerEntry[],
): Promise<{ checkpoints: CheckpointView[]; problems: string[] }> {
  const rows = await db.selectFrom('checkpoints').selectAll().where('inspection_id', '=', inspectionId).orderBy('step_seq').execute();
  const problems: string[] = [];
  const bySeq = new Map(steps.map((s) => [s.seq, s]));
  const checkpoints = rows.map((row): CheckpointView => {
    const content: CheckpointContent = {
      inspectionId,
      stepSeq: row.step_seq,
      stepHash: row.step_hash,
      ledgerSeq: row.ledger_seq,
      ledgerHash: row.ledger_hash,
      signedAt: new Date(row.signed_at).toISOString(),
      keyId: row.key_id,
    };
    const mark = (problem: string) => problems.push(`checkpoint at step ${row.step_seq}: ${problem}`);
    const before = problems.length;
    const signatureProblem = checkSignature(keys, row.key_id, checkpointPayload(content), row.signature);
    if (signatureProblem) mark(signatureProblem);
    const step = bySeq.get(row.step_seq);
    if (!step) mark('the step it signed is no longer in the history');
    else if (step.hash !== row.step_hash) mark('the history no longer passes through the step it signed (rewritten since)');
    if (row.ledger_seq > 0) {
      const entry = ledger[row.ledger_seq - 1];
      if (!entry || entry.seq !== row.ledger_seq) mark(`the ledger entry ${row.ledger_seq} it signed is no longer there`);
      else if (entry.hash !== row.ledger_hash) mark(`the ledger no longer passes through entry ${row.ledger_seq} as signed (rewritten since)`);
    }
    return { ...content, signature: row.signature, valid: problems.length === before };
  });
  const signed = new Set(rows.map((r) => r.step_seq));
  for (const step of steps) {
    if (CHECKPOINT_KINDS.includes(step.kind) && !signed.has(step.seq)) problems.push(`step ${step.seq}: closes a stage but has no signed checkpoint`);
  }
  return { checkpoints, problems };
}
