import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { latestVerdicts, listRecords } from '../db/records.repository.js';
import type { Actor } from '../workflows/roles.js';
import { recusalStanding, requireAccess } from './access.js';
import type { DeclarationView } from './declaration.schemas.js';
import { toRecordView } from './records.service.js';
import { loadInspection } from './views.js';

/**
 * A newly named member declares before reading anything of the inspection (回避申报).
 * This is all they read until the office decides: who is inspected, by which group, and
 * their own declarations. They write the declaration as any record (`POST …/records`).
 */
export class DeclarationService {
  constructor(private readonly db: Kysely<Database>) {}

  async ofCaller(actor: Actor, inspectionId: string): Promise<DeclarationView> {
    const inspection = await loadInspection(this.db, inspectionId);
    await requireAccess(this.db, actor, 'inspection.declaration', inspection);
    const own = (await listRecords(this.db, inspectionId, { kind: 'recusal_declaration' })).filter((r) => r.data.memberSub === actor.sub);
    const verdicts = own.length ? await latestVerdicts(this.db, inspectionId, undefined, own.map((r) => r.id)) : [];
    const { view } = inspection;
    const organization = (o: { name: string; principalLeader: string }) => ({ name: o.name, principalLeader: o.principalLeader });
    return {
      inspectionId,
      roundId: view.roundId,
      roundName: inspection.round.name,
      target: { ...organization(view.target), extensions: view.target.extensions.map(organization) },
      group: { name: view.group.name, leader: view.group.leader },
      stage: view.stage,
      state: view.state,
      standing: recusalStanding(inspection, actor),
      declarations: own.map((r) => toRecordView(r, verdicts)),
    };
  }
}
