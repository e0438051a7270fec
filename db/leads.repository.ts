import { sql, type Kysely } from 'kysely';
import type { LeadRecipient } from '../workflows/stages.js';
import type { Database } from './database.js';

export interface HandedLeadQuery {
  /** Only leads handed to this kind of recipient; every hand-over when absent. */
  recipient?: LeadRecipient;
  /** Only leads whose disposal is (true) or is not yet (false) recorded. */
  disposed?: boolean;
  limit: number;
  offset: number;
}

/**
 * Leads handed over (移交), across every inspection, with their inspection, round,
 * hand-over and disposal: one query, newest hand-over first, with the total the
 * filters match for paging.
 */
export async function listHandedLeads(db: Kysely<Database>, query: HandedLeadQuery) {
  let select = db
    .selectFrom('records as handover')
    .innerJoin('records as lead', (join) => join.on(sql`lead.id::text`, '=', sql`handover.data->>'leadId'`).on('lead.kind', '=', 'lead'))
    .innerJoin('inspections', 'inspections.id', 'lead.inspection_id')
    .innerJoin('rounds', 'rounds.id', 'inspections.round_id')
    .leftJoin('records as disposal', (join) =>
      join
        .on('disposal.kind', '=', 'lead_disposal')
        .onRef('disposal.inspection_id', '=', 'lead.inspection_id')
        .on(sql`disposal.data->>'leadId'`, '=', sql`lead.id::text`),
    )
    .select([
      'lead.id as lead_id',
      'lead.data as lead_data',
      'lead.created_at as lead_created_at',
      'inspections.id as inspection_id',
      'inspections.group_name',
      'inspections.target',
      'rounds.id as round_id',
      'rounds.name as round_name',
      'handover.data as handover_data',
      'handover.created_by_sub as handover_by_sub',
      'handover.created_by_name as handover_by_name',
      'handover.created_at as handover_at',
      'disposal.data as disposal_data',
      'disposal.updated_by_sub as disposal_by_sub',
      'disposal.updated_by_name as disposal_by_name',
      'disposal.updated_at as disposal_at',
      sql<string>`count(*) over ()`.as('total'),
    ])
    .where('handover.kind', '=', 'lead_handover');
  if (query.recipient) select = select.where(sql`handover.data->'recipient'->>'kind'`, '=', query.recipient);
  if (query.disposed !== undefined) select = select.where('disposal.id', query.disposed ? 'is not' : 'is', null);
  return select
    .orderBy(sql`handover.data->>'handedOn'`, 'desc')
    .orderBy('handover.created_at', 'desc')
    .orderBy('handover.id')
    .limit(query.limit)
    .offset(query.offset)
    .execute();
}
