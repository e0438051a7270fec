import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { z } from 'zod';
import type { Database, DecisionStatus, ReviewStatus } from '../db/database.js';
import { findRecord, insertRecord, insertRecordIfOpen, latestVerdicts, listRecordPage, listRecords, listRecordVersions, updateRecord } from '../db/records.repository.js';
import { toSnapshot } from '../db/stage-gate.repository.js';
import { fedBackProblemIds } from '../workflows/exit-criteria.js';
import type { Actor } from '../workflows/roles.js';
import { DEFAULT_DECISION_ANSWERS, writableStages, type RecordKind, type RecordReference, type StageId } from '../workflows/stages.js';
import { isTargetLiaison, kindRules, recordsShownTo, requireAccess, visibleKinds, type RecordsShown } from './access.js';
import { logConfidentialReads, recordReads } from './access-log.js';
import { ApiError, ERROR_CODES, conflict, fieldIssue, forbidden, notFound, zodFieldIssues } from './errors.js';
import type { Said } from './messages.js';
import { inOpenStage, intoOpenStage } from './open-stage.js';
import { decodePageCursor, isUuid, pageOf } from './paging.js';
import { applyMergePatch } from './merge-patch.js';
import { recordFlags } from './record-flags.js';
import { recordDataSchemas } from './record-schemas.js';
import { loadInspection, type Inspection } from './views.js';
import { requireOwnExtension } from './organizations-in-rounds.js';

type RecordRow = NonNullable<Awaited<ReturnType<typeof findRecord>>>;
type VerdictRow = Awaited<ReturnType<typeof latestVerdicts>>[number];

/** The latest review or decision of a record, as it shows on the record: status, note, by whom, when. */
function toVerdict(row: VerdictRow | undefined, status: string | null) {
  if (!row || !status) return null;
  return { status, note: row.note, by: { sub: row.actor_sub, name: row.actor_name }, at: new Date(row.at).toISOString() };
}

export function toRecordView(row: RecordRow, verdicts: VerdictRow[] = []) {
  const latest = (change: VerdictRow['change']) => verdicts.find((v) => v.record_id === row.id && v.change === change);
  const review = latest('reviewed');
  const decision = latest('decided');
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
    review: toVerdict(review, review?.review_status ?? null),
    decision: toVerdict(decision, decision?.decision_status ?? null),
    flags: recordFlags(row.kind, row.data),
  };
}

function invalid(field: string, said: Said): ApiError {
  const issue = fieldIssue(field, said);
  return new ApiError(400, ERROR_CODES[400], `invalid input: ${field} ${issue.message}`, { issues: [issue] });
}

export function parseRecordData(kind: RecordKind, data: unknown): Record<string, unknown> {
  const parsed = (recordDataSchemas[kind] as z.ZodType<Record<string, unknown>>).safeParse(data);
  if (parsed.success) return parsed.data;
  const issues = zodFieldIssues('body.data', parsed.error.issues);
  throw new ApiError(400, ERROR_CODES[400], `invalid input: ${issues.map((i) => `${i.field} ${i.message}`).join('; ')}`, { issues });
}

/** A record counts once whoever must approve or confirm it has: what `follows` waits for. */
const counts = (r: RecordRow) =>
  kindRules(r.kind).decidedBy ? r.decision_status === 'approved' : kindRules(r.kind).reviewedBy ? r.review_status === 'confirmed' : true;

const isConfirmedLead = (found: RecordRow | undefined) =>
  found?.kind === 'lead' && found.review_status === 'confirmed' && found.data.withdrawn !== true;

/**
 * What is wrong with the record a reference names (among all the inspection's), as the
 * reference it fails to be (`reference_wrong` words it), or undefined when it may name it.
 */
const REFERENCE_CHECKS: Record<RecordReference, (found: RecordRow | undefined, all: RecordRow[]) => RecordReference | undefined> = {
  evidence: (found) => (found && kindRules(found.kind).evidence ? undefined : 'evidence'),
  problem: (found) => (found?.kind === 'problem' ? undefined : 'problem'),
  confirmed_problem: (found, all) => REFERENCE_CHECKS.problem(found, all) ?? (found?.review_status === 'confirmed' ? undefined : 'confirmed_problem'),
  fed_back_problem: (found, all) =>
    REFERENCE_CHECKS.problem(found, all) ?? (fedBackProblemIds({ records: all.map(toSnapshot) }).has(found!.id) ? undefined : 'fed_back_problem'),
  rectification_item: (found) => (found?.kind === 'rectification_item' ? undefined : 'rectification_item'),
  confirmed_lead: (found) => (isConfirmedLead(found) ? undefined : 'confirmed_lead'),
  // One answer whether the lead exists or went elsewhere: the discipline role learns of no other lead.
  lead_for_discipline: (found, all) =>
    isConfirmedLead(found) &&
    all.some((h) => h.kind === 'lead_handover' && h.data.leadId === found!.id && (h.data.recipient as { kind?: string }).kind === 'discipline')
      ? undefined
      : 'lead_for_discipline',
};

/** JSON with its keys sorted, so values read back from jsonb compare equal to freshly parsed ones. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}

/** Review notes and decisions the liaison sees: on the records whose versions it sees (its own documents), never the group's internal ones. */
function liaisonVerdicts(rows: RecordRow[], verdicts: VerdictRow[]): VerdictRow[] {
  const seen = new Set(rows.filter((r) => liaisonSeesVersions(r.kind)).map((r) => r.id));
  return verdicts.filter((v) => seen.has(v.record_id));
}

const liaisonSeesVersions = (kind: RecordKind) => kindRules(kind).writers.includes('liaison') || kindRules(kind).liaisonReads === 'all';

/**
 * The target's liaison, editing a record that exists, may only append to the kind's
 * `liaisonAppends` list: the measure, owner and deadline are set, and only the
 * office's verification closes an item. `raw` is what was sent, so a field the schema
 * would drop (a `status: done`) is refused rather than silently ignored.
 */
function requireLiaisonAppendOnly(kind: RecordKind, raw: unknown, data: Record<string, unknown>, before: Record<string, unknown>) {
  const field = kindRules(kind).liaisonAppends;
  if (!field) return;
  const sent = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  for (const key of new Set([...Object.keys(sent), ...Object.keys(before)])) {
    if (key === field) continue;
    if (canonical(data[key] ?? sent[key]) !== canonical(before[key])) {
      throw forbidden({ key: 'liaison_appends_only', params: { field, kind, key } });
    }
  }
  const earlier = (before[field] as unknown[] | undefined) ?? [];
  const now = (data[field] as unknown[] | undefined) ?? [];
  if (canonical(now.slice(0, earlier.length)) !== canonical(earlier)) {
    throw forbidden({ key: 'entries_append_only', params: { field } });
  }
}

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
    throw forbidden({ key: 'declare_for_yourself' });
  }
  if (aboutMember?.self && before && before.memberSub !== actor.sub) {
    throw forbidden({ key: 'declarant_only' });
  }
  for (const [flag, meaning] of Object.entries(leaderFlags)) {
    if (Boolean(data[flag]) !== Boolean(before?.[flag]) && actor.sub !== inspection.row.leader_sub) {
      throw forbidden({ key: 'leader_only_flag', params: { flag, meaning, kind } });
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
  const { references = [], aboutMember, follows, onePer } = kindRules(kind);
  if (references.length === 0 && !aboutMember && !follows && !onePer) return;
  const records = await listRecords(tx, inspection.row.id);
  const byId = new Map(records.map((r) => [r.id, r]));
  if (follows && recordId === null && !records.some((r) => r.kind === follows && counts(r))) {
    throw conflict({ key: 'follows_none_yet', params: { kind, follows } }, { follows });
  }
  for (const { path, to } of references) {
    for (const [field, id] of valuesAt(data, path.split('.'))) {
      const wrong = REFERENCE_CHECKS[to](byId.get(String(id)), records);
      if (wrong) throw invalid(field, { key: 'reference_wrong', params: { to: wrong } });
    }
  }
  if (onePer) {
    const twin = records.find((r) => r.kind === kind && r.data[onePer] === data[onePer] && r.id !== recordId);
    if (twin) throw conflict({ key: 'record_twin_exists', params: { kind, about: `that ${onePer}`, recordId: twin.id } }, { recordId: twin.id });
  }
  if (aboutMember) {
    if (!inspection.members.some((m) => m.sub === data.memberSub)) throw invalid('body.data.memberSub', { key: 'member_not_in_group' });
    const twin = records.find((r) => r.kind === kind && r.data.memberSub === data.memberSub && r.id !== recordId);
    if (twin) throw conflict({ key: 'record_twin_exists', params: { kind, about: String(data.memberSub), recordId: twin.id } }, { recordId: twin.id });
  }
}

/**
 * Whether a new record of `kind` is checked against the inspection's other records
 * (`checkReferences`, `checkFocus`), which must hold still under the lock meanwhile.
 */
function checkedAgainstRecords(kind: RecordKind): boolean {
  const { references = [], aboutMember, follows, onePer } = kindRules(kind);
  // A work plan's focus is bounded by the round's, a paper's category by the work plans (checkFocus).
  return references.length > 0 || Boolean(aboutMember || follows || onePer) || kind === 'problem' || kind === 'work_plan';
}

/**
 * 严格对照巡察工作方案上的重点监督内容查找问题: the work plan's focus is chosen from the
 * round's, and a paper's category from the work plan's.
 */
async function checkFocus(tx: Transaction<Database>, inspection: Inspection, kind: RecordKind, data: Record<string, unknown>): Promise<void> {
  if (kind === 'work_plan') {
    const roundFocus = inspection.round.focus;
    (data.focus as string[]).forEach((area, i) => {
      if (!roundFocus.includes(area)) throw invalid(`body.data.focus.${i}`, { key: 'not_round_focus', params: { focus: roundFocus } });
    });
  }
  if (kind === 'problem') {
    const plans = await listRecords(tx, inspection.row.id, { kind: 'work_plan' });
    const planFocus = [...new Set(plans.flatMap((p) => p.data.focus as string[]))];
    if (!planFocus.includes(String(data.category))) {
      throw invalid('body.data.category', { key: 'not_plan_focus', params: { focus: planFocus } });
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
      conflict({ key: 'already_reviewed', params: { status: String(r.review_status) } }, { reviewStatus: r.review_status }),
  },
  decision: {
    change: 'decided',
    status: (r: RecordRow) => r.decision_status,
    settled: (r: RecordRow) =>
      conflict({ key: 'already_decided', params: { status: String(r.decision_status) } }, { decisionStatus: r.decision_status }),
  },
} as const;

/**
 * The stage a new record belongs to: its kind's own, or, for a kind written in several
 * stages, the one open now (checked again under the lock). While the inspection's stage
 * waits on its approvers nothing is written, hand-overs and disposals included: they
 * wait for the decision (approval opens the next stage, rejection reopens this one), so
 * approvers decide on exactly what was submitted. After the last stage, nothing more.
 */
function stageToWrite(kind: RecordKind, inspection: Inspection): StageId {
  const stages = writableStages(kind);
  if (stages.length === 1) return stages[0]!;
  const { stage, state } = inspection.row;
  if (stages.includes(stage)) return stage;
  throw conflict({ key: 'record_stage_closed', params: { kind, stages, stage, state } }, {
    stage,
    state,
  });
}

/** An inspection's records: stage work written while its stage is open, every change a version. */
export class RecordsService {
  constructor(private readonly db: Kysely<Database>) {}

  async create(actor: Actor, inspectionId: string, kind: RecordKind, data: Record<string, unknown>) {
    const inspection = await loadInspection(this.db, inspectionId);
    await requireAccess(this.db, actor, 'record.write', { inspection, kind });
    requireAuthorship(inspection, actor, kind, data);
    const { reviewedBy, decidedBy } = kindRules(kind);
    const stage = stageToWrite(kind, inspection);
    const record = {
      id: randomUUID(),
      inspectionId,
      kind,
      stage,
      data,
      reviewStatus: reviewedBy ? ('pending' as const) : null,
      decisionStatus: decidedBy ? ('pending' as const) : null,
      actor,
      at: new Date().toISOString(),
    };
    if (!checkedAgainstRecords(kind)) {
      requireOwnExtension(inspection, data);
      return toRecordView(intoOpenStage(inspectionId, stage, await insertRecordIfOpen(this.db, record)));
    }
    const row = await inOpenStage(this.db, inspectionId, stage, async (tx) => {
      await checkReferences(tx, inspection, kind, data, null);
      await checkFocus(tx, inspection, kind, data);
      requireOwnExtension(inspection, data);
      return insertRecord(tx, record);
    });
    // A new record has no review or decision yet: its row is its whole view.
    return toRecordView(row);
  }

  /**
   * One page of the records the caller may read. Kinds they may not read are left out
   * in the query; a lead they may not read after it, so a page can hold fewer than
   * `limit` records and still have a next one.
   */
  async list(actor: Actor, inspectionId: string, filter: { kind?: RecordKind; stage?: StageId; limit: number; cursor?: string }) {
    const inspection = await loadInspection(this.db, inspectionId);
    await requireAccess(this.db, actor, 'record.read', { inspection });
    const kinds = visibleKinds(inspection, actor);
    const afterId = filter.cursor ? decodePageCursor(filter.cursor, isUuid) : undefined;
    const [fetched, reader] = await Promise.all([
      listRecordPage(this.db, inspectionId, { kind: filter.kind, stage: filter.stage, kinds: kinds === 'all' ? undefined : kinds, afterId, limit: filter.limit + 1 }),
      recordsShownTo(this.db, inspection, actor),
    ]);
    const { rows, nextCursor } = pageOf(fetched, filter.limit, (r) => r.id);
    const shown = rows.flatMap((r) => reader.shown(r) ?? []);
    const verdicts = await latestVerdicts(this.db, inspectionId, undefined, shown.map((r) => r.id));
    return this.logged(actor, 'record_list', {
      records: shown.map((r) => toRecordView(r, reader.partial ? liaisonVerdicts(shown, verdicts) : verdicts)),
      nextCursor,
    });
  }

  /**
   * The record as the caller may read it, checked and logged as `get` checks and logs
   * it, without its versions and verdicts: for what hangs off a record (its files),
   * whose reads should not pay for the record's whole view.
   */
  async readable(actor: Actor, inspectionId: string, recordId: string) {
    const inspection = await loadInspection(this.db, inspectionId);
    const { row: stored, shownTo } = await this.loadShown(actor, inspection, recordId);
    const { shown, partial } = shownTo;
    await requireAccess(this.db, actor, 'record.read', { inspection, kind: stored.kind });
    const row = shown(stored);
    if (!row) throw forbidden({ key: 'record_not_shown', params: { kind: stored.kind } });
    await logConfidentialReads(this.db, actor, 'GET /inspections/:id/records/:recordId', recordReads('record', [toRecordView(row)]));
    return { inspection, row, partial };
  }

  async get(actor: Actor, inspectionId: string, recordId: string) {
    const { row, partial } = await this.readable(actor, inspectionId, recordId);
    const [versions, allVerdicts] = await Promise.all([
      partial && !liaisonSeesVersions(row.kind) ? [] : listRecordVersions(this.db, row.id),
      latestVerdicts(this.db, inspectionId, row.id),
    ]);
    const verdicts = partial ? liaisonVerdicts([row], allVerdicts) : allVerdicts;
    return {
      ...toRecordView(row, verdicts),
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
    const { row: current } = await this.loadShown(actor, inspection, recordId);
    await requireAccess(this.db, actor, 'record.write', { inspection, kind: current.kind });
    // A patch of another version than the current one would merge onto the wrong data:
    // it is refused below as stale, whatever it merges to here.
    const data = parseRecordData(current.kind, form === 'merge_patch' ? applyMergePatch(current.data, rawData) : rawData);
    requireAuthorship(inspection, actor, current.kind, data, current.data);
    if (isTargetLiaison(inspection, actor) && visibleKinds(inspection, actor) !== 'all') {
      requireLiaisonAppendOnly(current.kind, rawData, data, current.data);
    }
    await inOpenStage(this.db, inspectionId, current.stage, async (tx) => {
      const fresh = await findRecord(tx, inspectionId, recordId);
      if (!fresh || fresh.version !== version) {
        throw conflict({ key: 'record_version_edit', params: { current: String(fresh?.version), yours: version } }, {
          currentVersion: fresh?.version,
        });
      }
      await checkReferences(tx, inspection, current.kind, data, recordId);
      await checkFocus(tx, inspection, current.kind, data);
      requireOwnExtension(inspection, data);
      const ok = await updateRecord(tx, recordId, version, {
        data,
        reviewStatus: fresh.review_status ? 'pending' : null,
        decisionStatus: fresh.decision_status ? 'pending' : null,
        change: 'edited',
        note: null,
        actor,
        at: new Date().toISOString(),
      });
      if (!ok) throw conflict({ key: 'record_changed_while_editing' }, { currentVersion: version + 1 });
    });
    return this.view(inspectionId, recordId);
  }

  /** The group leader confirms or returns a problem paper ("审核把关"); the office a rectification plan or report. */
  async review(actor: Actor, inspectionId: string, recordId: string, decision: 'confirm' | 'return', note: string) {
    const inspection = await loadInspection(this.db, inspectionId);
    const { row: record } = await this.loadShown(actor, inspection, recordId);
    await requireAccess(this.db, actor, 'record.review', { inspection, record });
    const reviewStatus: ReviewStatus = decision === 'confirm' ? 'confirmed' : 'returned';
    return this.settle(actor, record, 'review', (fresh) => ({ reviewStatus, decisionStatus: fresh.decision_status }), note);
  }

  /**
   * The office decides a recusal declaration (recused / not_recused), the leading group
   * a major-matter request (approve / reject): each kind's answers say what they mean.
   */
  async decide(actor: Actor, inspectionId: string, recordId: string, decision: string, comment: string) {
    const inspection = await loadInspection(this.db, inspectionId);
    const { row: record } = await this.loadShown(actor, inspection, recordId);
    await requireAccess(this.db, actor, 'record.decide', { inspection, record });
    const answers = kindRules(record.kind).decisionAnswers ?? DEFAULT_DECISION_ANSWERS;
    const decisionStatus: DecisionStatus | undefined = answers[decision];
    if (!decisionStatus) throw invalid('body.decision', { key: 'decision_answers', params: { kind: record.kind, answers: Object.keys(answers) } });
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

  /** Logs the confidential records of a list before it is answered (see `access-log.ts`). */
  private async logged<T extends { records: { id: string; inspectionId: string; kind: string; version: number }[] }>(
    actor: Actor,
    what: 'record_list',
    answer: T,
  ): Promise<T> {
    await logConfidentialReads(this.db, actor, 'GET /inspections/:id/records', recordReads(what, answer.records));
    return answer;
  }

  private async load(inspectionId: string, recordId: string): Promise<RecordRow> {
    const row = await findRecord(this.db, inspectionId, recordId);
    if (!row) throw notFound('record', recordId, { thing: 'inspection', id: inspectionId });
    return row;
  }

  /** A record the caller may know of: one about a lead they may not read is absent to them. */
  /** The record, 404 to whoever may not know it exists; with what the caller is shown of records, for callers that cut it down. */
  private async loadShown(actor: Actor, inspection: Inspection, recordId: string): Promise<{ row: RecordRow; shownTo: RecordsShown }> {
    const row = await this.load(inspection.row.id, recordId);
    const shownTo = await recordsShownTo(this.db, inspection, actor);
    if (!shownTo.knows(row)) throw notFound('record', recordId, { thing: 'inspection', id: inspection.row.id });
    return { row, shownTo };
  }

  private async view(inspectionId: string, recordId: string) {
    // Sequential: inside an idempotent write this runs on the write's one transaction.
    const row = await this.load(inspectionId, recordId);
    return toRecordView(row, await latestVerdicts(this.db, inspectionId, recordId));
  }
}
