import type { Kysely, Transaction } from 'kysely';
import type { Meeting } from '../workflows/messages.js';
import type { Actor } from '../workflows/roles.js';
import type { AuthorisationStepKind, Database, TermStatus } from './database.js';

export interface TermPlan {
  name: string;
  startsOn: string;
  endsOn: string;
  scope: { rootId: string | null; levels: string[] };
  assignments: { organizationId: string; year: number; roundId: string | null }[];
}

export interface TermStep {
  kind: AuthorisationStepKind;
  actor: Actor;
  at: string;
  comment: string | null;
  meeting: Meeting | null;
  requestId: string | null;
}

function planColumns(plan: TermPlan) {
  return {
    name: plan.name,
    starts_on: plan.startsOn,
    ends_on: plan.endsOn,
    scope_root_id: plan.scope.rootId,
    scope_levels: JSON.stringify(plan.scope.levels),
    assignments: JSON.stringify(plan.assignments),
  };
}

async function appendStep(tx: Transaction<Database>, termId: string, version: number, step: TermStep): Promise<void> {
  const last = await tx
    .selectFrom('term_steps')
    .select((eb) => eb.fn.max<number>('seq').as('seq'))
    .where('term_id', '=', termId)
    .executeTakeFirst();
  await tx
    .insertInto('term_steps')
    .values({
      term_id: termId,
      seq: (last?.seq ?? 0) + 1,
      kind: step.kind,
      version,
      actor_sub: step.actor.sub,
      actor_name: step.actor.name,
      actor_roles: JSON.stringify(step.actor.roles),
      at: step.at,
      comment: step.comment,
      meeting: step.meeting ? JSON.stringify(step.meeting) : null,
      request_id: step.requestId,
    })
    .execute();
}

/** A repeat with the same id (the same requestId) writes nothing. */
export async function insertProposedTerm(db: Kysely<Database>, id: string, plan: TermPlan, step: TermStep): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const inserted = await tx
      .insertInto('terms')
      .values({
        id,
        ...planColumns(plan),
        status: 'proposed',
        status_changed_at: step.at,
        version: 1,
        proposed_by_sub: step.actor.sub,
        proposed_by_name: step.actor.name,
        proposed_at: step.at,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) await appendStep(tx, id, 1, step);
  });
}

export type TermOutcome =
  | { done: true }
  | { done: false; reason: 'missing' }
  | { done: false; reason: 'status'; status: TermStatus }
  | { done: false; reason: 'version'; version: number }
  | { done: false; reason: 'request'; kind: AuthorisationStepKind };

async function lockTerm(tx: Transaction<Database>, id: string) {
  return tx.selectFrom('terms').select(['id', 'status', 'version']).where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function editProposedTerm(db: Kysely<Database>, id: string, version: number, plan: TermPlan, step: TermStep): Promise<TermOutcome> {
  return db.transaction().execute(async (tx): Promise<TermOutcome> => {
    const term = await lockTerm(tx, id);
    if (!term) return { done: false, reason: 'missing' };
    if (term.status === 'approved') return { done: false, reason: 'status', status: term.status };
    if (term.version !== version) return { done: false, reason: 'version', version: term.version };
    await tx
      .updateTable('terms')
      .set({ ...planColumns(plan), version: version + 1, status: 'proposed', status_changed_at: step.at, proposed_by_sub: step.actor.sub, proposed_by_name: step.actor.name })
      .where('id', '=', id)
      .execute();
    await appendStep(tx, id, version + 1, step);
    return { done: true };
  });
}

/** The leading group's decision; a repeated request id finds its step and changes nothing. */
export async function decideProposedTerm(
  db: Kysely<Database>,
  id: string,
  decision: { verdict: 'approved' | 'rejected'; version: number | null; step: TermStep },
): Promise<TermOutcome> {
  return db.transaction().execute(async (tx): Promise<TermOutcome> => {
    const term = await lockTerm(tx, id);
    if (!term) return { done: false, reason: 'missing' };
    const { requestId } = decision.step;
    const earlier = requestId
      ? await tx.selectFrom('term_steps').select('kind').where('term_id', '=', id).where('request_id', '=', requestId).executeTakeFirst()
      : undefined;
    if (earlier) return earlier.kind === decision.verdict ? { done: true } : { done: false, reason: 'request', kind: earlier.kind };
    if (term.status !== 'proposed') return { done: false, reason: 'status', status: term.status };
    if (decision.version !== null && decision.version !== term.version) return { done: false, reason: 'version', version: term.version };
    await appendStep(tx, id, term.version, decision.step);
    await tx
      .updateTable('terms')
      .set({ status: decision.verdict === 'approved' ? 'approved' : 'returned', status_changed_at: decision.step.at })
      .where('id', '=', id)
      .execute();
    return { done: true };
  });
}

export async function findTerm(db: Kysely<Database>, id: string) {
  const term = await db.selectFrom('terms').selectAll().where('id', '=', id).executeTakeFirst();
  if (!term) return undefined;
  const steps = await db.selectFrom('term_steps').selectAll().where('term_id', '=', id).orderBy('seq').execute();
  return { term, steps };
}

export async function listTerms(db: Kysely<Database>) {
  return db.selectFrom('terms').selectAll().orderBy('starts_on', 'desc').orderBy('proposed_at', 'desc').execute();
}

/** Which of `ids` are registered rounds. */
export async function existingRounds(db: Kysely<Database>, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('rounds').select('id').where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}
