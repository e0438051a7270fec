/**
 * Who may do what, in one place. Every service method opens with one
 * `requireAccess(db, actor, permission, context)`; the permission names what it
 * allows, the context is what the rule needs to know (the inspection, the record).
 */
import { sql, type Kysely } from 'kysely';
import type { Database, DecisionStatus } from '../db/database.js';
import { listRecords } from '../db/records.repository.js';
import { toSnapshot } from '../db/stage-gate.repository.js';
import { fedBackProblemIds } from '../workflows/exit-criteria.js';
import { APPROVER_ROLES, seesAllRounds, type Actor, type Role } from '../workflows/roles.js';
import { EVALUATION_READERS, LEAD_KIND_IDS, RECORD_KINDS, RECORD_KIND_IDS, type RecordKind, type RecordKindDefinition } from '../workflows/stages.js';
import { conflict, forbidden } from './errors.js';
import type { InspectionView } from './schemas.js';
import type { Inspection, RoundView } from './views.js';

/** Permissions a role grants by itself, wherever it is used. */
const ROLE_PERMISSIONS = {
  'round.launch': ['office'],
  // 严格按授权和方案开展工作: the leading group authorises each round.
  'round.authorise': ['leading_group'],
  'inspection.change_group': ['office'],
  'round.cancel': ['office'],
  'round.progress': ['office', 'leading_group', 'auditor'],
  // These three name an inspection: the service then asks `inspection.not_kept_out` of it.
  'inspection.raw_history': ['auditor', 'office', 'leading_group'],
  // The confidential lead report (问题线索专题报告) goes to the office and the leading group only.
  'inspection.leads_report': ['office', 'leading_group'],
  // Who read which confidential record: for those who supervise, not for the readers themselves.
  'inspection.access_log': ['office', 'auditor'],
  'round.evaluations': ['office'],
  // 谁来监督巡察组: the round's whole timeline and its state at any moment.
  'round.audit': ['auditor', 'office', 'leading_group'],
  // 立卷归档: the office builds the sealed dossier; it holds every lead and evaluation,
  // so it is read only by those who read all of them (never the group or the liaison).
  'inspection.dossier_build': ['office'],
  'inspection.dossier_read': ['office', 'leading_group', 'auditor'],
  // The register, the term plans and what the rounds found across them: kept by the
  // office, planned with the leading group, reported to the party committee.
  'register.write': ['office'],
  'register.read': ['office', 'leading_group', 'party_committee', 'auditor'],
  'term.propose': ['office'],
  'term.authorise': ['leading_group'],
  // Counts only; the lead hand-over ledger names people, so it goes to the leads' readers alone.
  'statistics.read': ['office', 'leading_group', 'party_committee', 'auditor'],
  'statistics.leads': ['office', 'leading_group', 'auditor'],
  // Discipline inspection follows the leads handed to it; the office, leading group and auditors every hand-over.
  'leads.handed_over': ['discipline', 'office', 'leading_group', 'auditor'],
} as const satisfies Record<string, readonly Role[]>;
type RolePermission = keyof typeof ROLE_PERMISSIONS;

interface RecordInContext {
  kind: RecordKind;
  created_by_sub: string;
}

/** Permissions that depend on the thing acted on, with what each rule reads. */
interface ContextOf {
  'round.read': RoundView;
  'inspection.read': Inspection;
  'inspection.submit': Inspection;
  'inspection.progress': Inspection;
  'inspection.history': Inspection;
  'inspection.decide': Inspection;
  'inspection.declaration': Inspection;
  'inspection.not_kept_out': Inspection;
  'record.read': { inspection: Inspection; kind?: RecordKind };
  'record.write': { inspection: Inspection; kind: RecordKind };
  'record.review': { inspection: Inspection; record: RecordInContext };
  'record.decide': { inspection: Inspection; record: RecordInContext };
  'report.read': Inspection;
  'report.write': Inspection;
  'questionnaire.issue': Inspection;
  'questionnaire.read': Inspection;
}
export type Permission = RolePermission | keyof ContextOf;

type Rule<C> = (db: Kysely<Database>, actor: Actor, context: C) => Promise<void> | void;

/** The widened definition, so optional fields read the same for every kind. */
export const kindRules = (kind: RecordKind): RecordKindDefinition => RECORD_KINDS[kind];

/**
 * The kinds the target's liaison may see: those they write (questionnaire, plan,
 * items, report) and those the stage model shows them (`liaisonReads`); which
 * records of those, and how much of each, the records service decides.
 */
const LIAISON_KINDS = RECORD_KIND_IDS.filter((kind) => kindRules(kind).writers.includes('liaison') || kindRules(kind).liaisonReads);

/** The confidential kinds: a lead and what is recorded about it (hand-over, disposal). */
export const LEAD_KINDS = LEAD_KIND_IDS;

/** Roles that read every lead of every inspection. The party committee hears the main report, not the leads. */
const LEAD_READER_ROLES: readonly Role[] = ['office', 'leading_group', 'auditor'];

/** Named in the inspection's group, as its leader or a member. */
export function isNamedIn(inspection: InspectionView, actor: Actor): boolean {
  return inspection.group.leader.sub === actor.sub || inspection.group.members.some((m) => m.sub === actor.sub);
}

/** A leader or member named in this inspection's group, holding one of those roles. */
export function isGroupPerson(inspection: Inspection, actor: Actor): boolean {
  const inGroup = inspection.members.some((m) => m.sub === actor.sub);
  return inGroup && (actor.roles.includes('group_leader') || actor.roles.includes('member'));
}

export function isTargetLiaison(inspection: Inspection, actor: Actor): boolean {
  const liaison = inspection.row.target.liaison;
  return Boolean(liaison && liaison.sub === actor.sub && actor.roles.includes('liaison'));
}

/**
 * A kind with its own readers (how the group is judged) is read by those roles only,
 * and by nobody named in the group, whatever else their token holds.
 */
export function readsKind(inspection: Inspection, actor: Actor, kind: RecordKind): boolean {
  const { readers } = kindRules(kind);
  if (!readers) return true;
  return readers.some((role) => actor.roles.includes(role)) && !inspection.members.some((m) => m.sub === actor.sub);
}

/**
 * Which record kinds the caller sees once `record.read` holds: all of them for the
 * inspecting side, less those with readers they are not among; for the inspected
 * organisation's liaison only the kinds they take part in, so talks, petitions and
 * findings stay out of reach.
 */
export function visibleKinds(inspection: Inspection, actor: Actor): 'all' | RecordKind[] {
  if (!(seesAllRounds(actor) || isGroupPerson(inspection, actor))) return actor.roles.includes('discipline') ? LEAD_KINDS : LIAISON_KINDS;
  const kinds = RECORD_KIND_IDS.filter((kind) => readsKind(inspection, actor, kind));
  return kinds.length === RECORD_KIND_IDS.length ? 'all' : kinds;
}

interface RecordForReading {
  id: string;
  kind: RecordKind;
  data: Record<string, unknown>;
  created_by_sub: string;
  decision_status: DecisionStatus | null;
}

/** The target's side (its liaison) reads a cut-down view; the inspecting side reads records whole. */
const readsAsTarget = (inspection: Inspection, actor: Actor) =>
  isTargetLiaison(inspection, actor) && !seesAllRounds(actor) && !isGroupPerson(inspection, actor);

/**
 * What the target's liaison is shown of a record (`liaisonReads` on the stage model):
 * undefined when nothing; a fed-back problem paper cut down to its listed fields.
 */
function shownToLiaison<R extends RecordForReading>(row: R, fedBackIds: Set<string>): R | undefined {
  const { writers, liaisonReads } = kindRules(row.kind);
  if (writers.includes('liaison') || liaisonReads === 'all') return row;
  if (liaisonReads === 'approved') return row.decision_status === 'approved' ? row : undefined;
  if (liaisonReads && fedBackIds.has(row.id)) {
    return { ...row, data: Object.fromEntries(liaisonReads.fedBack.filter((f) => f in row.data).map((f) => [f, row.data[f]])) };
  }
  return undefined;
}

/** What a reader may see of an inspection's records, from `recordsShownTo`. */
export interface RecordsShown {
  /** Whether the record exists for the reader at all: a lead they may not read is absent (404). */
  knows(row: RecordForReading): boolean;
  /** The record as the reader sees it (the liaison's cut-down view), or undefined when not shown. */
  shown<R extends RecordForReading>(row: R): R | undefined;
  /** Whether what `shown` gives is the target's cut-down view, without the group's internal history. */
  partial: boolean;
}

/**
 * What this reader may see of each of the inspection's records, in one place: the
 * leads (问题线索) only those who read them, and for the target's liaison only what
 * the stage model shows it. Record lists and single records both read through it.
 */
export async function recordsShownTo(db: Kysely<Database>, inspection: Inspection, actor: Actor): Promise<RecordsShown> {
  const knows = await leadFilter(db, inspection, actor);
  const partial = readsAsTarget(inspection, actor);
  if (!partial) return { knows, shown: (row) => (knows(row) ? row : undefined), partial };
  const opinions = await listRecords(db, inspection.row.id, { kind: 'feedback_opinion' });
  const fedBackIds = fedBackProblemIds({ records: opinions.map(toSnapshot) });
  return { knows, shown: (row) => (knows(row) ? shownToLiaison(row, fedBackIds) : undefined), partial };
}

/**
 * Which of the inspection's records about leads (问题线索) the caller may see; every
 * other kind passes (`visibleKinds` governs those). A lead is read by its author, the
 * group's leader, the office, the leading group and auditors; the discipline role reads
 * the leads handed over to discipline inspection (recipient `discipline`: one body per
 * deployment, so any `discipline` token), with their hand-overs and disposals. Leads
 * handed to the organisation department or another body gain no reader here. Other
 * members, the liaison and the party committee never see one; a record they may not
 * see is answered as absent (404), so not even its existence shows.
 */
export async function leadFilter(db: Kysely<Database>, inspection: Inspection, actor: Actor): Promise<(row: RecordForReading) => boolean> {
  const leadOf = (row: RecordForReading) => (kindRules(row.kind).aboutLead === 'self' ? row.id : String(row.data.leadId));
  const isConfidential = (row: RecordForReading) => Boolean(kindRules(row.kind).aboutLead);
  if (readsAllLeads(inspection, actor)) return () => true;
  const handedToDiscipline = new Set<string>();
  if (actor.roles.includes('discipline')) {
    const handovers = await db
      .selectFrom('records')
      .select(sql<string>`data->>'leadId'`.as('leadId'))
      .where('inspection_id', '=', inspection.row.id)
      .where('kind', '=', 'lead_handover')
      .where(sql<string>`data->'recipient'->>'kind'`, '=', 'discipline')
      .execute();
    for (const h of handovers) handedToDiscipline.add(h.leadId);
  }
  const authored = isGroupPerson(inspection, actor);
  return (row) =>
    !isConfidential(row) ||
    handedToDiscipline.has(leadOf(row)) ||
    (authored && row.kind === 'lead' && row.created_by_sub === actor.sub);
}

/**
 * Whether the caller reads every lead of the inspection, and so what the history
 * records of them (the digest of the leads a submission froze): the office, the leading
 * group, auditors and the group's own leader. Anyone else learns nothing from the
 * history about whether a lead exists.
 */
export function readsAllLeads(inspection: Inspection, actor: Actor): boolean {
  if (LEAD_READER_ROLES.some((role) => actor.roles.includes(role))) return true;
  return isGroupPerson(inspection, actor) && actor.sub === inspection.row.leader_sub;
}

/** Whether the caller reads every hand-over of every inspection; discipline inspection reads only those to it. */
export const seesEveryHandover = (actor: Actor) => LEAD_READER_ROLES.some((role) => actor.roles.includes(role));

/** A history step's data as the caller is shown it: the digest of the leads a submission froze only for those who read every lead. */
export function shownStepData<D extends Record<string, unknown>>(inspection: Inspection, actor: Actor, data: D): D {
  if (!('leads' in data) || readsAllLeads(inspection, actor)) return data;
  const { leads: _hidden, ...shown } = data;
  return shown as D;
}

const RECUSED = 'recused' as const;
/** The states of a member's recusal declaration that keep them out of the inspection (see `recusalBlock`). */
export const KEPT_OUT: DecisionStatus[] = ['pending', 'recused'];

/**
 * A member whose recusal declaration is undecided, or whom the office recused, is
 * kept out of the inspection's records (回避). So is a member of the group who has
 * not declared: for reading at any stage (a conflict of interest is found out before
 * the briefings and the work plan are seen, not after), for writing once preparation
 * is over, since preparation's own work (briefings, the plan) is written while the
 * declarations are being decided and cannot close until everyone named has declared.
 */
function recusalBlock(inspection: Inspection, sub: string, use: 'read' | 'write' = 'write'): KeptOut | undefined {
  const inGroup = inspection.row.leader_sub === sub || inspection.members.some((m) => m.sub === sub);
  const statuses = inspection.recusals.filter((d) => d.sub === sub).map((d) => d.decision_status);
  return keptOutBy(statuses, inGroup && (use === 'read' || inspection.row.stage !== 'preparation'));
}

type KeptOut = 'recused' | 'recusal_pending' | 'recusal_undeclared';

/** A person's own declarations, read: undecided or recused keeps them out; none does when `undeclaredCounts`. */
function keptOutBy(statuses: (DecisionStatus | null)[], undeclaredCounts: boolean): KeptOut | undefined {
  if (statuses.includes('pending')) return 'recusal_pending';
  if (statuses.includes('recused')) return RECUSED;
  if (statuses.length === 0 && undeclaredCounts) return 'recusal_undeclared';
  return undefined;
}

function requireNotRecused(inspection: Inspection, actor: Actor, use: 'read' | 'write' = 'write'): void {
  const blocked = recusalBlock(inspection, actor.sub, use);
  if (blocked) throw forbidden({ key: blocked });
}

/** Named in the group by the person's id, whatever roles their token carries. */
const namedInGroup = (inspection: Inspection, actor: Actor) =>
  inspection.row.leader_sub === actor.sub || inspection.members.some((m) => m.sub === actor.sub);

/**
 * 回避 comes before every other rule: a person named in the group who has not declared,
 * whose declaration is undecided, or whom the office recused reads nothing of the
 * inspection, whatever round-wide role (office, leading group, auditor) the same token
 * carries. Their own declaration (`GET …/declaration`, `record.write` of it) is the way back in.
 */
function requireNotKeptOut(inspection: Inspection, actor: Actor, use: 'read' | 'write' = 'read'): void {
  if (namedInGroup(inspection, actor)) requireNotRecused(inspection, actor, use);
}

/**
 * The inspections of a round the caller is named in and kept out of (回避): what a
 * round-wide read (progress, timeline, as-of) leaves out for them, whatever role let
 * them read the round. Two small queries, and nothing to do for whoever no group names.
 */
export async function inspectionsKeptFrom(db: Kysely<Database>, actor: Actor, roundId: string): Promise<Map<string, KeptOut>> {
  const named = await db
    .selectFrom('inspection_members')
    .innerJoin('inspections', 'inspections.id', 'inspection_members.inspection_id')
    .select('inspections.id')
    .where('inspections.round_id', '=', roundId)
    .where('inspection_members.sub', '=', actor.sub)
    .execute();
  if (named.length === 0) return new Map();
  const ids = named.map((n) => n.id);
  const declarations = await db
    .selectFrom('records')
    .select(['inspection_id', 'decision_status'])
    .where('inspection_id', 'in', ids)
    .where('kind', '=', 'recusal_declaration')
    .where(sql<string>`data->>'memberSub'`, '=', actor.sub)
    .execute();
  const kept = new Map<string, KeptOut>();
  for (const id of ids) {
    const blocked = keptOutBy(
      declarations.filter((d) => d.inspection_id === id).map((d) => d.decision_status),
      true,
    );
    if (blocked) kept.set(id, blocked);
  }
  return kept;
}

/** Where a person named in the group stands on 回避, for their own declaration page. */
export function recusalStanding(inspection: Inspection, actor: Actor): 'undeclared' | 'pending' | 'recused' | 'cleared' {
  const blocked = recusalBlock(inspection, actor.sub, 'read');
  return blocked === 'recusal_undeclared' ? 'undeclared' : blocked === 'recusal_pending' ? 'pending' : blocked === RECUSED ? 'recused' : 'cleared';
}

/**
 * Authority is per round ("一次一授权"): the office, leading group and auditors see
 * every inspection; anyone else only those of the group they were named to.
 */
function requireInspectionReader(inspection: Inspection, actor: Actor): void {
  if (seesAllRounds(actor)) return;
  if (inspection.members.some((m) => m.sub === actor.sub)) return;
  throw forbidden({ key: 'not_in_group' });
}

/** The inspecting side, unless recused; the target's liaison for their own kinds. */
async function requireRecordReader(db: Kysely<Database>, inspection: Inspection, actor: Actor): Promise<void> {
  requireNotKeptOut(inspection, actor);
  if (seesAllRounds(actor) || isGroupPerson(inspection, actor)) return;
  if (isTargetLiaison(inspection, actor)) return;
  // Discipline inspection reads only the leads handed to it: `leadFilter` narrows to those.
  if (actor.roles.includes('discipline')) return;
  throw forbidden({ key: 'not_in_group' });
}

/**
 * Nobody confirms their own paper: one the group leader wrote is confirmed by a deputy
 * group leader (副组长), or by the office when the group has none.
 */
async function requireLeadersReviewer(db: Kysely<Database>, inspection: Inspection, actor: Actor): Promise<void> {
  const { row } = inspection;
  const deputies = inspection.members.filter((m) => m.is_deputy);
  if (deputies.length === 0) {
    if (actor.roles.includes('office')) return;
    throw forbidden({ key: 'office_confirms_leaders_papers', params: { group: row.group_name, leader: row.leader_name } });
  }
  if (!deputies.some((d) => d.sub === actor.sub) || !isGroupPerson(inspection, actor)) {
    throw forbidden({ key: 'deputy_confirms_leaders_papers', params: { leader: row.leader_name, deputies: deputies.map((d) => d.name) } });
  }
  await requireNotRecused(inspection, actor);
}

const RULES: { [P in keyof ContextOf]: Rule<ContextOf[P]> } = {
  'round.read': (_db, actor, round) => {
    if (seesAllRounds(actor)) return;
    if (!round.inspections.some((i) => isNamedIn(i, actor))) throw forbidden({ key: 'not_named_in_round' });
  },
  // A member kept out (回避) reads not even the inspection's view: only their own declaration page.
  'inspection.read': (_db, actor, inspection) => {
    requireNotKeptOut(inspection, actor);
    requireInspectionReader(inspection, actor);
  },
  'inspection.progress': (_db, actor, inspection) => {
    requireNotKeptOut(inspection, actor);
    requireInspectionReader(inspection, actor);
  },
  // The steps name every record written and every comment: the inspection's work, read as its records are.
  'inspection.history': (_db, actor, inspection) => {
    requireNotKeptOut(inspection, actor);
    requireInspectionReader(inspection, actor);
  },
  // What a named person needs to declare (the target, the group) and their own declarations, kept out or not.
  'inspection.declaration': (_db, actor, inspection) => {
    if (!namedInGroup(inspection, actor)) throw forbidden({ key: 'not_in_group' });
  },
  // After a round-wide role's check on one inspection: that role does not lift the holder's own 回避.
  'inspection.not_kept_out': (_db, actor, inspection) => requireNotKeptOut(inspection, actor),
  // Refused before the stage's state is told: only a body that decides, and never on its own group.
  'inspection.decide': (_db, actor, inspection) => {
    if (!APPROVER_ROLES.some((role) => actor.roles.includes(role))) throw forbidden({ key: 'stage_deciders' });
    if (isGroupPerson(inspection, actor)) throw forbidden({ key: 'no_decision_on_own_group', params: { group: inspection.row.group_name } });
  },
  'inspection.submit': (_db, actor, inspection) => {
    requireNotKeptOut(inspection, actor, 'write');
    requireInspectionReader(inspection, actor);
  },
  'record.read': async (db, actor, { inspection, kind }) => {
    await requireRecordReader(db, inspection, actor);
    const visible = visibleKinds(inspection, actor);
    if (kind && visible !== 'all' && !visible.includes(kind)) throw forbidden({ key: 'kind_not_shown', params: { kind } });
  },
  'record.write': async (db, actor, { inspection, kind }) => {
    const { writers, aboutMember } = kindRules(kind);
    const allowed = writers.some((writer) =>
      writer === 'group' ? isGroupPerson(inspection, actor) : writer === 'liaison' ? isTargetLiaison(inspection, actor) : actor.roles.includes(writer),
    );
    if (!allowed) {
      throw forbidden({ key: 'kind_written_by', params: { kind, writers } });
    }
    // A member kept out by their own declaration may still correct it: that is how they get back in.
    if (!aboutMember?.self) requireNotKeptOut(inspection, actor, 'write');
  },
  'record.review': async (db, actor, { inspection, record }) => {
    const { reviewedBy } = kindRules(record.kind);
    if (!reviewedBy) throw conflict({ key: 'kind_not_reviewed', params: { kind: record.kind } }, { kind: record.kind });
    if (reviewedBy === 'office') {
      if (!actor.roles.includes('office')) throw forbidden({ key: 'office_reviews', params: { kind: record.kind } });
      return;
    }
    const { row } = inspection;
    if (record.created_by_sub === actor.sub) throw forbidden({ key: 'own_paper' });
    if (record.created_by_sub === row.leader_sub) return requireLeadersReviewer(db, inspection, actor);
    if (!(actor.roles.includes('group_leader') && actor.sub === row.leader_sub)) {
      throw forbidden({ key: 'leader_reviews_papers', params: { group: row.group_name, leader: row.leader_name } });
    }
    await requireNotRecused(inspection, actor);
  },
  'record.decide': (_db, actor, { record }) => {
    const { decidedBy } = kindRules(record.kind);
    if (!decidedBy) throw conflict({ key: 'kind_needs_no_decision', params: { kind: record.kind } }, { kind: record.kind });
    if (!actor.roles.includes(decidedBy)) throw forbidden({ key: 'kind_decided_by', params: { kind: record.kind, role: decidedBy } });
    if (record.created_by_sub === actor.sub) throw forbidden({ key: 'own_request' });
  },
  // The report and the progress of the work are the inspecting side's, not the liaison's.
  'report.read': async (db, actor, inspection) => {
    await requireRecordReader(db, inspection, actor);
    if (!seesAllRounds(actor) && !isGroupPerson(inspection, actor)) throw forbidden({ key: 'inspecting_side_only' });
  },
  'report.write': (_db, actor, inspection) => {
    if (!isGroupPerson(inspection, actor)) throw forbidden({ key: 'report_by_group' });
    requireNotKeptOut(inspection, actor, 'write');
  },
  'questionnaire.issue': (_db, actor) => {
    if (!actor.roles.includes('office')) throw forbidden({ key: 'office_issues_codes' });
  },
  // The answers judge the group: read as the evaluations are, never by the group.
  'questionnaire.read': (_db, actor, inspection) => {
    if (!EVALUATION_READERS.some((role) => actor.roles.includes(role))) {
      throw forbidden({ key: 'answers_read_by', params: { roles: EVALUATION_READERS } });
    }
    if (inspection.members.some((m) => m.sub === actor.sub)) throw forbidden({ key: 'group_not_judged' });
  },
};

/** Refuses with a 403 (or a 409 where the act makes no sense for the thing) unless `actor` holds `permission`. */
export async function requireAccess<P extends Permission>(
  db: Kysely<Database>,
  actor: Actor,
  permission: P,
  ...[context]: P extends keyof ContextOf ? [ContextOf[P]] : []
): Promise<void> {
  if (permission in ROLE_PERMISSIONS) {
    const roles: readonly Role[] = ROLE_PERMISSIONS[permission as RolePermission];
    if (!roles.some((role) => actor.roles.includes(role))) {
      throw forbidden({ key: 'needs_role', params: { roles, held: actor.roles } });
    }
    return;
  }
  const rule = RULES[permission as keyof ContextOf] as Rule<unknown>;
  await rule(db, actor, context);
}
