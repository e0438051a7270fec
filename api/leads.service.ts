import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../db/database.js';
import { listHandedLeads, type HandedLeadQuery } from '../db/leads.repository.js';
import type { Actor } from '../workflows/roles.js';
import { requireAccess, seesEveryHandover } from './access.js';
import { forbidden } from './errors.js';
import type { recordDataSchemas } from './record-schemas.js';
import { inspectionName } from './views.js';

const iso = (value: Date | string) => new Date(value).toISOString();
/** Record data was validated against its kind's schema when it was written. */
type DataOf<K extends 'lead' | 'lead_handover' | 'lead_disposal'> = z.output<(typeof recordDataSchemas)[K]>;

/**
 * The cross-inspection list of leads handed over (移交), with what became of them: for
 * discipline inspection the leads handed to it, to follow up its own disposals; for the
 * office, the leading group and auditors every hand-over.
 */
export class LeadsService {
  constructor(private readonly db: Kysely<Database>) {}

  async handedOver(actor: Actor, query: HandedLeadQuery) {
    await requireAccess(this.db, actor, 'leads.handed_over');
    if (!seesEveryHandover(actor)) {
      if (query.recipient && query.recipient !== 'discipline') throw forbidden({ key: 'discipline_own_leads' });
      query = { ...query, recipient: 'discipline' };
    }
    const rows = await listHandedLeads(this.db, query);
    return {
      leads: rows.map((row) => ({
        id: row.lead_id,
        inspection: { id: row.inspection_id, name: inspectionName(row) },
        round: { id: row.round_id, name: row.round_name },
        lead: row.lead_data as DataOf<'lead'>,
        handover: {
          data: row.handover_data as DataOf<'lead_handover'>,
          by: { sub: row.handover_by_sub, name: row.handover_by_name },
          at: iso(row.handover_at),
        },
        disposal:
          row.disposal_data && row.disposal_at
            ? { data: row.disposal_data as DataOf<'lead_disposal'>, by: { sub: row.disposal_by_sub!, name: row.disposal_by_name! }, at: iso(row.disposal_at) }
            : null,
      })),
      page: { total: Number(rows[0]?.total ?? 0), limit: query.limit, offset: query.offset },
    };
  }
}
