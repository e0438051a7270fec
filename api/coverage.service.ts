import type { Kysely } from 'kysely';
import type { z } from 'zod';
import { inspectionsInScope, organizationsInScope } from '../db/coverage.repository.js';
import type { Database } from '../db/database.js';
import type { Actor } from '../workflows/roles.js';
import { requireAccess } from './access.js';
import type { coverageView } from './coverage.schemas.js';
import type { TermsService } from './terms.service.js';

type CoverageView = z.infer<typeof coverageView>;
type CoveredOrganization = CoverageView['organizations'][number];

/**
 * 全覆盖: which organisations of a term's scope its rounds inspected, which are only
 * planned and which neither. Two queries: the scope, and the inspections naming it.
 */
export class CoverageService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly terms: TermsService,
  ) {}

  async ofTerm(actor: Actor, termId: string): Promise<CoverageView> {
    await requireAccess(this.db, actor, 'register.read');
    const term = await this.terms.load(termId);
    const scope = { ...term.scope, startsOn: term.startsOn, endsOn: term.endsOn };
    const [organizations, inspections] = await Promise.all([organizationsInScope(this.db, scope), inspectionsInScope(this.db, scope)]);

    const plannedFor = new Map<string, { year: number; roundId: string | null }[]>();
    for (const a of term.assignments) plannedFor.set(a.organizationId, [...(plannedFor.get(a.organizationId) ?? []), { year: a.year, roundId: a.roundId }]);
    const inspectedIn = new Map<string, CoveredOrganization['inspections']>();
    for (const row of inspections) {
      const earlier = inspectedIn.get(row.organization_id) ?? [];
      // A cancelled inspection covers nothing, so the next one is not a second look.
      const counted = earlier.filter((i) => i.state !== 'cancelled').length;
      earlier.push({
        inspectionId: row.inspection_id,
        roundId: row.round_id,
        roundName: row.round_name,
        year: row.year,
        as: row.role,
        stage: row.stage as CoveredOrganization['inspections'][number]['stage'],
        state: row.state as CoveredOrganization['inspections'][number]['state'],
        revisit: row.state !== 'cancelled' && counted > 0,
      });
      inspectedIn.set(row.organization_id, earlier);
    }

    const rows: CoveredOrganization[] = organizations.map((o) => {
      const seen = inspectedIn.get(o.id) ?? [];
      const planned = plannedFor.get(o.id) ?? [];
      const covering = seen.filter((i) => i.state !== 'cancelled');
      return {
        id: o.id,
        name: o.name,
        kind: o.kind as CoveredOrganization['kind'],
        level: o.level as CoveredOrganization['level'],
        parentId: o.parent_id,
        depth: Number(o.depth),
        active: !o.deactivated,
        status: covering.length ? 'covered' : planned.length ? 'planned' : 'not_covered',
        revisit: covering.length > 1,
        planned,
        inspections: seen,
      };
    });
    const count = (status: CoveredOrganization['status']) => rows.filter((r) => r.status === status).length;
    const covered = count('covered');
    return {
      term: (({ assignments: _a, steps: _s, ...summary }) => summary)(term),
      counts: {
        inScope: rows.length,
        covered,
        planned: count('planned'),
        notCovered: count('not_covered'),
        revisited: rows.filter((r) => r.revisit).length,
        shareCovered: rows.length ? covered / rows.length : 0,
      },
      organizations: rows,
      notCovered: rows.filter((r) => r.status !== 'covered').map((r) => ({ id: r.id, name: r.name, planned: r.status === 'planned' })),
    };
  }
}
