// The stage model, straight from the workflows' own module: the console shows the same
// stages, kinds and chains the server enforces, and a new kind appears here without
// console code.
import { DEFAULT_DECISION_ANSWERS, RECORD_KINDS, STAGES, type RecordKind, type RecordKindDefinition, type RecordReference, type StageId } from '../../workflows/stages';
import type { Person } from './auth/session';
import type { InspectionRecord } from './api/queries';
import type { PickOption, Pickers } from './forms/schema-form';

export { DEFAULT_DECISION_ANSWERS, RECORD_KINDS, STAGES, type RecordKind, type RecordKindDefinition, type StageId };

export const stageTitle = (stage: string): string => STAGES.find((s) => s.id === stage)?.title.zh ?? stage;
export const stageIndex = (stage: string): number => STAGES.findIndex((s) => s.id === stage);
export const kindTitle = (kind: string): string => (RECORD_KINDS as Record<string, RecordKindDefinition>)[kind]?.title.zh ?? kind;

export const kindsOfStage = (stage: StageId): RecordKind[] =>
  (Object.entries(RECORD_KINDS) as [RecordKind, RecordKindDefinition][]).filter(([, k]) => k.stage === stage).map(([id]) => id);

interface GroupPeople {
  leader: { sub: string; name: string };
  members: { sub: string; name: string }[];
}

const personName = (group: GroupPeople, sub: unknown): string | undefined =>
  [group.leader, ...group.members].find((p) => p.sub === sub)?.name;

/**
 * A record in a few words, for pickers and lists: its first short text field; a record
 * about one group member (a recusal declaration, an evaluation) by that member's name.
 */
export function recordCaption(record: InspectionRecord, group?: GroupPeople): string {
  const data = record.data as Record<string, unknown>;
  const about = (RECORD_KINDS as Record<string, RecordKindDefinition>)[record.kind]?.aboutMember && group ? personName(group, data.memberSub) : undefined;
  const text = about ?? ['title', 'interviewee', 'place', 'question', 'measure', 'summary', 'source', 'heldOn', 'on']
    .map((k) => data[k])
    .find((v): v is string => typeof v === 'string' && v.length > 0) ??
    // A kind without one of those fields (a work plan): its first text that is not an id.
    Object.values(data).find((v): v is string => typeof v === 'string' && v.length > 0 && !/^[0-9a-f-]{36}$/.test(v));
  return `${kindTitle(record.kind)}：${text ? (text.length > 40 ? `${text.slice(0, 40)}…` : text) : record.id.slice(0, 8)}`;
}


/**
 * The pickers a kind's form needs, from the stage model's `references` (what each id
 * field must name) and `aboutMember` (a group member), filled with this inspection's
 * records and people.
 */
export function pickersFor(kind: RecordKind, records: InspectionRecord[], group: GroupPeople): Pickers {
  const definition: RecordKindDefinition = RECORD_KINDS[kind];
  const pickers: Pickers = {};
  const toOption = (r: InspectionRecord): PickOption => ({ value: r.id, label: recordCaption(r) });
  const problems = records.filter((r) => r.kind === 'problem' && !(r.data as { withdrawn?: boolean }).withdrawn);
  const confirmedLeads = records.filter((r) => r.kind === 'lead' && r.reviewStatus === 'confirmed' && !(r.data as { withdrawn?: boolean }).withdrawn);
  const fedBack = new Set(
    records
      .filter((r) => r.kind === 'feedback_opinion' && r.decisionStatus === 'approved')
      .flatMap((r) => (r.data as { problemIds?: string[] }).problemIds ?? []),
  );
  const toDiscipline = new Set(
    records
      .filter((r) => r.kind === 'lead_handover' && (r.data as { recipient?: { kind?: string } }).recipient?.kind === 'discipline')
      .map((r) => (r.data as { leadId?: string }).leadId),
  );
  // Keyed by every reference the stage model knows, so a new one fails to compile here until it has its options.
  const eligible: Record<RecordReference, InspectionRecord[]> = {
    evidence: records.filter((r) => (RECORD_KINDS as Record<string, RecordKindDefinition>)[r.kind]?.evidence),
    problem: problems,
    confirmed_problem: problems.filter((r) => r.reviewStatus === 'confirmed'),
    confirmed_lead: confirmedLeads,
    lead_for_discipline: confirmedLeads.filter((r) => toDiscipline.has(r.id)),
    fed_back_problem: problems.filter((r) => fedBack.has(r.id)),
    rectification_item: records.filter((r) => r.kind === 'rectification_item'),
  };
  for (const reference of definition.references ?? []) pickers[reference.path] = eligible[reference.to].map(toOption);
  if (definition.aboutMember) {
    pickers.memberSub = [group.leader, ...group.members].map((p) => ({ value: p.sub, label: p.name }));
  }
  return pickers;
}

/** Whether `person` may write `kind` in this inspection, as the stage model says (the server checks again). */
export function canWrite(kind: RecordKind, person: Person, group: GroupPeople): boolean {
  const inGroup = group.leader.sub === person.sub || group.members.some((m) => m.sub === person.sub);
  return (RECORD_KINDS[kind] as RecordKindDefinition).writers.some((w) => (w === 'group' ? inGroup : person.roles.includes(w)));
}

export const isGroupLeaderOf = (person: Person, group: GroupPeople) => group.leader.sub === person.sub;
