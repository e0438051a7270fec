import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { z } from 'zod';
import type { Database, DecisionStatus, ReviewStatus } from '../db/database.js';
import { findRecord, insertRecord, listRecords, listRecordVersions, updateRecord } from '../db/records.repository.js';
import type { Actor } from '../workflows/roles.js';
import { RECORD_KIND_IDS, type RecordKind, type RecordReference, type StageId } from '../workflows/stages.js';
import { kindRules, requireAccess, visibleKinds } from './access.js';
import { ApiError, ERROR_CODES, conflict, forbidden, notFound } from './errors.js';
import { inOpenStage } from './open-stage.js';
import { applyMergePatch } from './merge-patch.js';
import { recordFlags } from './record-flags.js';
import { recordDataSchemas } from './record-schemas.js';
import { loadInspection, type Inspection } from './views.js';

type RecordRow = NonNullable<Awaited<ReturnType<typeof findRecord>>>;

export function toRecordView(row: RecordRow) {
  return {
    id: row.id,
    inspectionId: row.inspection_id,
    kind: row.kind,
    stage: row.stage,
    data: row.data,
    version: row.version,
    createdBy: { sub: row.created_by_sub, name: row.created_by_name },
    createdAt: new Date(row.created_at).toISOString(),
    updatedBy: { sub: row.updated_by_sub, name: row.updated_by_name },
    updatedAt: new Date(row.updated_at).toISOString(),
    reviewStatus: row.review_status,
    decisionStatus: row.decision_status,
    flags: recordFlags(row.kind, row.data),
  };
}

function invalid(field: string, message: string): ApiError {
  return new ApiError(400, ERROR_CODES[400], `invalid input: ${field} ${message}`, { issues: [{ field, message }] });
}

export function parseRecordData(kind: RecordKind, data: unknown): Record<string, unknown> {
  const parsed = (recordDataSchemas[kind] as z.ZodType<Record<string, unknown>>).safeParse(data);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    field: ['body', 'data', ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  throw new ApiError(400, ERROR_CODES[400], `invalid input: ${issues.map((i) => `${i.field} ${i.message}`).join('; ')}`, { issues });
}

const EVIDENCE_TITLES = RECORD_KIND_IDS.filter((kind) => kindRules(kind).evidence).map((kind) => kindRules(kind).title.en.toLowerCase());
const EVIDENCE_NAMES = `${EVIDENCE_TITLES.slice(0, -1).join(', ')} or ${EVIDENCE_TITLES.at(-1)}`;

/** What is wrong with the record a reference names, or undefined when it may name it. */
const REFERENCE_CHECKS: Record<RecordReference, (found: RecordRow | undefined) => string | undefined> = {
  evidence: (found) => (found && kindRules(found.kind).evidence ? undefined : `is not a ${EVIDENCE_NAMES} of this inspection`),
  problem: (found) => (found?.kind === 'problem' ? undefined : 'is not a problem paper of this inspection'),
  confirmed_problem: (found) =>
    REFERENCE_CHECKS.problem(found) ?? (found?.review_status === 'confirmed' ? undefined : 'is not a confirmed problem paper'),
  lead: (found) => REFERENCE_CHECKS.problem(found) ?? (found?.data.isLead === true ? undefined : 'is not a problem paper flagged as a lead'),
};

/** The values at a reference path (`*` for each element of a list), with the field each sits in. */
function valuesAt(data: unknown, path: string[], at: string[] = ['body', 'data']): [string, unknown][] {
  const [head, ...rest] = path;
  if (head === undefined) return [[at.join('.'), data]];
  if (head === '*') return Array.isArray(data) ? data.flatMap((item, i) => valuesAt(item, rest, [...at, String(i)])) : [];
  return valuesAt((data as Record<string, unknown> | undefined)?.[head], rest, [...at, head]);
}

/** Rules about who may say what in a record, beyond the kind's writers. */
function requireAuthorship(inspection: Inspection, actor: Actor, kind: RecordKind, data: Record<string, unknown>, before?: Record<string, unknown>) {
  const { aboutMember, leaderFlags = {} } = kindRules(kind);
  if (aboutMember?.self && data.memberSub !== actor.sub) {
    throw forbidden('each member declares for themselves: memberSub must be your own');
  }
  if (aboutMember?.self && before && before.memberSub !== actor.sub) {
    throw forbidden('only the member who declared may change the declaration');
  }
  for (const [flag, meaning] of Object.entries(leaderFlags)) {
    if (Boolean(data[flag]) !== Boolean(before?.[flag]) && actor.sub !== inspection.row.leader_sub) {
      throw forbidden(`only the group leader may ${meaning}`);
    }
  }
}

/** Checks that the ids and people a record names belong to this inspection, as its kind declares. */
async function checkReferences(
  tx: Transaction<Database>,
  inspection: Inspection,
  kind: RecordKind,
  data: Record<string, unknown>,
  recordId: string | null,
): Promise<void> {
  const { references = [], aboutMember } = kindRules(kind);
  if (references.length === 0 && !aboutMember) return;
  const records = await listRecords(tx, inspection.row.id);
  const byId = new Map(records.map((r) => [r.id, r]));
  for (const { path, to } of references) {
    for (const [field, id] of valuesAt(data, path.split('.'))) {
      const wrong = REFERENCE_CHECKS[to](byId.get(String(id)));
      if (wrong) throw invalid(field, wrong);
    }
  }
  if (aboutMember) {
    if (!inspection.members.some((m) => m.sub === data.memberSub)) throw invalid('body.data.memberSub', 'is not in this inspection’s group');
    const twin = records.find((r) => r.kind === kind && r.data.memberSub === data.memberSub && r.id !== recordId);
    if (twin) throw conflict(`a ${kind} for ${String(data.memberSub)} already exists (${twin.id}); edit that one`, { recordId: twin.id });
  }
}

/**
 * 严格对照巡察工作方案上的重点监督内容查找问题: the work plan's focus is chosen from the
 * round's, and a paper's category from the work plan's.
 */
async function checkFocus(tx: Transaction<Database>, inspection: Inspection, kind: RecordKind, data: Record<string, unknown>): Promise<void> {
  if (kind === 'work_plan') {
    const roundFocus = inspection.round.focus;
    (data.focus as string[]).forEach((area, i) => {
      if (!roundFocus.includes(area)) throw invalid(`body.data.focus.${i}`, `is not one of the round’s focus areas (${roundFocus.join('、')})`);
    });
  }
  if (kind === 'problem') {
    const plans = await listRecords(tx, inspection.row.id, { kind: 'work_plan' });
    const planFocus = [...new Set(plans.flatMap((p) => p.data.focus as string[]))];
    if (!planFocus.includes(String(data.category))) {
      throw invalid('body.data.category', `is not one of the work plan’s focus areas (${planFocus.join('、') || 'no work plan yet'})`);
    }
  }
}

/**
 * A review or a decision: under the open stage's lock, the pending status becomes
 * the verdict, written as the record's next version with the note.
 */
const VERDICTS = {
  review: {
    change: 'reviewed',
    status: (r: RecordRow) => r.review_status,
    settled: (r: RecordRow) =>
      conflict(`the paper is already ${r.review_status}; it can be reviewed again after an edit`, { reviewStatus: r.review_status }),
  },
  decision: {
    change: 'decided',
    status: (r: RecordRow) => r.decision_status,
    settled: (r: RecordRow) =>
      conflict(`already ${r.decision_status}; an edit sends it back for a new decision`, { decisionStatus: r.decision_status }),
  },
} as const;

/** An inspection's records: stage work written while its stage is open, every change a version. */
export class RecordsService {
  constructor(private readonly db: Kysely<Database>) {}

  async create(actor: Actor, inspectionId: string, kind: RecordKind, data: Record<string, unknown>) {
    const inspection = await loadInspection(this.db, inspectionId);
    await requireAccess(this.db, actor, 'record.write', { inspection, kind });
    requireAuthorship(inspection, actor, kind, data);
    const { stage, reviewedBy, decidedBy } = kindRules(kind);
    const id = randomUUID();
    await inOpenStage(this.db, inspectionId, stage, async (tx) => {
      await checkReferences(tx, inspection, kind, data, null);
      await checkFocus(tx, inspection, kind, data);
      await insertRecord(tx, {
        id,
        inspectionId,
        kind,
        stage,
        data,
        reviewStatus: reviewedBy ? 'pending' : null,
        decisionStatus: decidedBy ? 'pending' : null,
        actor,
        at: new Date().toISOString(),
      });
    });
    return this.view(inspectionId, id);
  }

  async list(actor: Actor, inspectionId: string, filter: { kind?: RecordKind; stage?: StageId }) {
    const inspection = await loadInspection(this.db, inspectionId);
    await requireAccess(this.db, actor, 'record.read', { inspection });
    const kinds = visibleKinds(inspection, actor);
    const rows = await listRecords(this.db, inspectionId, filter);
    return { records: rows.filter((r) => kinds === 'all' || kinds.includes(r.kind)).map(toRecordView) };
  }

  async get(actor: Actor, inspectionId: string, recordId: string) {
    const inspection = await loadInspection(this.db, inspectionId);
    const row = await this.load(inspectionId, recordId);
    await requireAccess(this.db, actor, 'record.read', { inspection, kind: row.kind });
    const versions = await listRecordVersions(this.db, row.id);
    return {
      ...toRecordView(row),
      versions: versions.map((v) => ({
        version: v.version,
        change: v.change,
        data: v.data,
        reviewStatus: v.review_status,
        decisionStatus: v.decision_status,
        note: v.note,
        actor: { sub: v.actor_sub, name: v.actor_name, roles: v.actor_roles },
        at: new Date(v.at).toISOString(),
      })),
    };
  }

  /** An edit is a new version; it sends a reviewed paper or decided request back for review. */
  async edit(actor: Actor, inspectionId: string, recordId: string, rawData: unknown, version: number, form: 'whole' | 'merge_patch' = 'whole') {
    const inspection = await loadInspection(this.db, inspectionId);
    const current = await this.load(inspectionId, recordId);
    await requireAccess(this.db, actor, 'record.write', { inspection, kind: current.kind });
    // A patch of another version than the current one would merge onto the wrong data:
    // it is refused below as stale, whatever it merges to here.
    const data = parseRecordData(current.kind, form === 'merge_patch' ? applyMergePatch(current.data, rawData) : rawData);
    requireAuthorship(inspection, actor, current.kind, data, current.data);
    await inOpenStage(this.db, inspectionId, current.stage, async (tx) => {
      const fresh = await findRecord(tx, inspectionId, recordId);
      if (!fresh || fresh.version !== version) {
        throw conflict(`the record is at version ${fresh?.version}; you edited version ${version}. Reload and edit again`, {
          currentVersion: fresh?.version,
        });
      }
      await checkReferences(tx, inspection, current.kind, data, recordId);
      await checkFocus(tx, inspection, current.kind, data);
      const ok = await updateRecord(tx, recordId, version, {
        data,
        reviewStatus: fresh.review_status ? 'pending' : null,
        decisionStatus: fresh.decision_status ? 'pending' : null,
        change: 'edited',
        note: null,
        actor,
        at: new Date().toISOString(),
      });
      if (!ok) throw conflict('the record changed while you edited it; reload and edit again', { currentVersion: version + 1 });
    });
    return this.view(inspectionId, recordId);
  }

  /** The group leader confirms or returns a problem paper ("审核把关"). */
  async review(actor: Actor, inspectionId: string, recordId: string, decision: 'confirm' | 'return', note: string) {
    const inspection = await loadInspection(this.db, inspectionId);
    const record = await this.load(inspectionId, recordId);
    await requireAccess(this.db, actor, 'record.review', { inspection, record });
    const reviewStatus: ReviewStatus = decision === 'confirm' ? 'confirmed' : 'returned';
    return this.settle(actor, record, 'review', (fresh) => ({ reviewStatus, decisionStatus: fresh.decision_status }), note);
  }

  /** The office decides a recusal declaration, the leading group a major-matter request. */
  async decide(actor: Actor, inspectionId: string, recordId: string, decision: 'approve' | 'deny', comment: string) {
    const inspection = await loadInspection(this.db, inspectionId);
    const record = await this.load(inspectionId, recordId);
    await requireAccess(this.db, actor, 'record.decide', { inspection, record });
    const decisionStatus: DecisionStatus = decision === 'approve' ? 'approved' : 'denied';
    return this.settle(actor, record, 'decision', (fresh) => ({ reviewStatus: fresh.review_status, decisionStatus }), comment);
  }

  private async settle(
    actor: Actor,
    record: RecordRow,
    verdict: keyof typeof VERDICTS,
    statuses: (fresh: RecordRow) => { reviewStatus: ReviewStatus | null; decisionStatus: DecisionStatus | null },
    note: string,
  ) {
    const { change, status, settled } = VERDICTS[verdict];
    await inOpenStage(this.db, record.inspection_id, record.stage, async (tx) => {
      const fresh = (await findRecord(tx, record.inspection_id, record.id))!;
      if (status(fresh) !== 'pending') throw settled(fresh);
      await updateRecord(tx, record.id, fresh.version, {
        data: fresh.data,
        ...statuses(fresh),
        change,
        note: note || null,
        actor,
        at: new Date().toISOString(),
      });
    });
    return this.view(record.inspection_id, record.id);
  }

  private async load(inspectionId: string, recordId: string): Promise<RecordRow> {
    const row = await findRecord(this.db, inspectionId, recordId);
    if (!row) throw notFound(`record ${recordId} of inspection ${inspectionId}`);
    return row;
  }

  private async view(inspectionId: string, recordId: string) {
    return toRecordView(await this.load(inspectionId, recordId));
  }
}
