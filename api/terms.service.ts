import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { organizationsInScope } from '../db/coverage.repository.js';
import type { Database } from '../db/database.js';
import { findOrganization } from '../db/organizations.repository.js';
import { decideProposedTerm, editProposedTerm, existingRounds, findTerm, insertProposedTerm, listTerms, type TermOutcome, type TermPlan } from '../db/terms.repository.js';
import type { Actor } from '../workflows/roles.js';
import { requireAccess } from './access.js';
import { conflict, fieldIssue, notFound } from './errors.js';
import { invalidInput, type FieldIssue } from './organizations.schemas.js';
import type { EditTermBody, ProposeTermBody, TermDecisionBody, TermView } from './terms.schemas.js';

const iso = (value: Date | string) => new Date(value).toISOString();

/**
 * Term plans (巡察规划): proposed by the office, approved by the leading group at a
 * meeting, as a round is. A state change with its recorded step: nothing runs on a
 * plan, so no workflow holds it.
 */
export class TermsService {
  constructor(private readonly db: Kysely<Database>) {}

  async propose(actor: Actor, body: ProposeTermBody) {
    await requireAccess(this.db, actor, 'term.propose');
    const { requestId, ...plan } = body;
    await this.checkPlan(plan);
    const id = requestId ? uuidFrom(`term:${actor.sub}:${requestId}`) : randomUUID();
    await insertProposedTerm(this.db, id, plan, { kind: 'proposed', actor, at: new Date().toISOString(), comment: null, meeting: null, requestId: requestId ?? null });
    return this.load(id);
  }

  async edit(actor: Actor, id: string, body: EditTermBody) {
    await requireAccess(this.db, actor, 'term.propose');
    const { version, ...plan } = body;
    await this.checkPlan(plan);
    const outcome = await editProposedTerm(this.db, id, version, plan, { kind: 'edited', actor, at: new Date().toISOString(), comment: null, meeting: null, requestId: null });
    refuseUnless(outcome, id, 'edited');
    return this.load(id);
  }

  async decide(actor: Actor, id: string, body: TermDecisionBody) {
    await requireAccess(this.db, actor, 'term.authorise');
    const verdict = body.decision === 'approve' ? 'approved' : 'rejected';
    const outcome = await decideProposedTerm(this.db, id, {
      verdict,
      version: body.version ?? null,
      step: { kind: verdict, actor, at: new Date().toISOString(), comment: body.comment || null, meeting: body.meeting, requestId: body.requestId },
    });
    refuseUnless(outcome, id, 'decided');
    return this.load(id);
  }

  async list(actor: Actor) {
    await requireAccess(this.db, actor, 'register.read');
    const rows = await listTerms(this.db);
    return { terms: rows.map((row) => termSummaryOf(row)) };
  }

  async get(actor: Actor, id: string) {
    await requireAccess(this.db, actor, 'register.read');
    return this.load(id);
  }

  async load(id: string): Promise<TermView> {
    const found = await findTerm(this.db, id);
    if (!found) throw notFound('term', id);
    const { term, steps } = found;
    return {
      ...termSummaryOf(term),
      assignments: term.assignments.map((a) => ({ organizationId: a.organizationId, year: a.year, roundId: a.roundId ?? null })),
      steps: steps.map((s) => ({
        seq: s.seq,
        kind: s.kind,
        version: s.version,
        actor: { sub: s.actor_sub, name: s.actor_name },
        at: iso(s.at),
        comment: s.comment,
        meeting: s.meeting,
        requestId: s.request_id,
      })),
    };
  }

  /** The root is registered, every planned organisation is in the scope, every planned round exists. */
  private async checkPlan(plan: TermPlan): Promise<void> {
    if (plan.scope.rootId !== null && !(await findOrganization(this.db, plan.scope.rootId))) {
      throw invalidInput([fieldIssue('body.scope.rootId', { key: 'not_registered_organization' })]);
    }
    const inScope = new Set((await organizationsInScope(this.db, { ...plan.scope, startsOn: plan.startsOn, endsOn: plan.endsOn })).map((o) => o.id));
    const rounds = await existingRounds(this.db, [...new Set(plan.assignments.flatMap((a) => (a.roundId ? [a.roundId] : [])))]);
    const issues: FieldIssue[] = [];
    plan.assignments.forEach((a, i) => {
      if (!inScope.has(a.organizationId)) issues.push(fieldIssue(`body.assignments.${i}.organizationId`, { key: 'not_in_term_scope' }));
      if (a.roundId && !rounds.has(a.roundId)) issues.push(fieldIssue(`body.assignments.${i}.roundId`, { key: 'not_a_round' }));
    });
    if (issues.length) throw invalidInput(issues);
  }
}

export function termSummaryOf(row: {
  id: string;
  name: string;
  starts_on: string;
  ends_on: string;
  scope_root_id: string | null;
  scope_levels: string[];
  status: TermView['status'];
  status_changed_at: Date | string;
  version: number;
  proposed_by_sub: string;
  proposed_by_name: string;
  proposed_at: Date | string;
}) {
  return {
    id: row.id,
    name: row.name,
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    scope: { rootId: row.scope_root_id, levels: row.scope_levels as TermView['scope']['levels'] },
    status: row.status,
    statusChangedAt: iso(row.status_changed_at),
    version: row.version,
    proposedBy: { sub: row.proposed_by_sub, name: row.proposed_by_name },
    proposedAt: iso(row.proposed_at),
  };
}

function refuseUnless(outcome: TermOutcome, id: string, what: string): void {
  if (outcome.done) return;
  if (outcome.reason === 'missing') throw notFound('term', id);
  if (outcome.reason === 'version') throw conflict({ key: 'plan_version', params: { version: outcome.version } }, { currentVersion: outcome.version });
  if (outcome.reason === 'request') throw conflict({ key: 'request_id_other_step', params: { kind: outcome.kind } }, { kind: outcome.kind });
  throw conflict({ key: 'term_status_final', params: { status: outcome.status, what } }, { status: outcome.status });
}

/** A stable UUID from a name, so a repeated proposal names the same term. */
function uuidFrom(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  const variant = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
