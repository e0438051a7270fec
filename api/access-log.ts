import type { Kysely } from 'kysely';
import type { ConfidentialReadWhat, Database } from '../db/database.js';
import type { Actor } from '../workflows/roles.js';
import { RECORD_KIND_IDS, type RecordKind } from '../workflows/stages.js';
import { kindRules } from './access.js';

/**
 * Confidential material whose every read is logged: problem papers (findings before
 * they are reported), everything about leads (问题线索), and the kinds read only by
 * those who judge the group (the inspectors' evaluations).
 */
export const CONFIDENTIAL_KINDS: readonly RecordKind[] = RECORD_KIND_IDS.filter(
  (kind) => kind === 'problem' || Boolean(kindRules(kind).aboutLead) || Boolean(kindRules(kind).readers),
);

export const isConfidential = (kind: string): boolean => (CONFIDENTIAL_KINDS as readonly string[]).includes(kind);

export interface ConfidentialRead {
  inspectionId: string;
  what: ConfidentialReadWhat;
  record?: { id: string; kind: string; version: number };
}

/**
 * Appends one row per read, before the answer leaves: a read that cannot be logged
 * fails rather than goes unrecorded. Reads of other kinds are passed over here, so a
 * caller hands in everything it is about to show.
 */
export async function logConfidentialReads(db: Kysely<Database>, actor: Actor, route: string, reads: ConfidentialRead[]): Promise<void> {
  const logged = reads.filter((r) => !r.record || isConfidential(r.record.kind));
  if (logged.length === 0) return;
  await db
    .insertInto('confidential_reads')
    .values(
      logged.map((r) => ({
        inspection_id: r.inspectionId,
        what: r.what,
        record_id: r.record?.id ?? null,
        record_kind: r.record?.kind ?? null,
        record_version: r.record?.version ?? null,
        actor_sub: actor.sub,
        actor_name: actor.name,
        actor_roles: JSON.stringify(actor.roles),
        route,
      })),
    )
    .execute();
}

/** Shorthand for a records answer: every confidential record in it, at the version shown. */
export function recordReads(
  what: ConfidentialReadWhat,
  records: { id: string; inspectionId: string; kind: string; version: number }[],
): ConfidentialRead[] {
  return records.map((r) => ({ inspectionId: r.inspectionId, what, record: { id: r.id, kind: r.kind, version: r.version } }));
}
