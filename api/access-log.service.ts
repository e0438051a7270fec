import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { Actor } from '../workflows/roles.js';
import { requireAccess } from './access.js';
import { ApiError, ERROR_CODES, fieldIssue } from './errors.js';
import { loadInspection } from './views.js';

export interface AccessLogQuery {
  limit: number;
  cursor?: string;
  actor?: string;
  record?: string;
}

/** Who read an inspection's confidential material, oldest first: the office and auditors ask. */
export class AccessLogService {
  constructor(private readonly db: Kysely<Database>) {}

  async list(actor: Actor, inspectionId: string, query: AccessLogQuery) {
    await requireAccess(this.db, actor, 'inspection.access_log');
    await requireAccess(this.db, actor, 'inspection.not_kept_out', await loadInspection(this.db, inspectionId));
    let after = '0';
    if (query.cursor !== undefined) {
      if (!/^[0-9]{1,18}$/.test(query.cursor)) {
        const issue = fieldIssue('querystring.cursor', { key: 'not_our_cursor', params: { list: 'log' } });
        throw new ApiError(400, ERROR_CODES[400], `invalid input: ${issue.field} ${issue.message}`, { issues: [issue] });
      }
      after = query.cursor;
    }
    let q = this.db
      .selectFrom('confidential_reads')
      .selectAll()
      .where('inspection_id', '=', inspectionId)
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(query.limit + 1);
    if (query.actor) q = q.where('actor_sub', '=', query.actor);
    if (query.record) q = q.where('record_id', '=', query.record);
    const rows = await q.execute();
    const page = rows.slice(0, query.limit);
    return {
      inspectionId,
      reads: page.map((r) => ({
        seq: Number(r.seq),
        at: new Date(r.at).toISOString(),
        actor: { sub: r.actor_sub, name: r.actor_name },
        roles: r.actor_roles,
        what: r.what,
        record: r.record_id && r.record_kind && r.record_version !== null ? { id: r.record_id, kind: r.record_kind, version: r.record_version } : null,
        route: r.route,
      })),
      nextCursor: rows.length > query.limit ? String(page.at(-1)!.seq) : null,
    };
  }
}
