import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { listAwaiting, listNotifications } from '../db/inspections.repository.js';
import { seesAllRounds, type Actor } from '../workflows/roles.js';
import { decodeKeyCursor, isMomentText, isUuid, keyPageOf } from './paging.js';
import { API_MESSAGES, say, type Language, type MessageKey } from './messages.js';
import { toInspectionView } from './views.js';

const isApprovalPosition = (parts: unknown[]): parts is [string, string] => parts.length === 2 && isMomentText(parts[0]) && isUuid(parts[1]);

/**
 * What waits on the caller and what the office is alerted to. Both are filtered by
 * who asks rather than refused: everyone may ask, each sees their own share.
 */
export class ApprovalsService {
  constructor(private readonly db: Kysely<Database>) {}

  /** Submissions whose chain waits on one of the caller's roles, with their round and group, a page at a time: one query. */
  async pending(actor: Actor, page: { limit: number; cursor?: string }) {
    const after = page.cursor ? decodeKeyCursor<[string, string]>('approvals', page.cursor, isApprovalPosition) : undefined;
    const fetched = await listAwaiting(this.db, actor.roles, actor.sub, {
      after: after && { stageOpenedAt: after[0], id: after[1] },
      limit: page.limit + 1,
    });
    const { rows, nextCursor } = keyPageOf('approvals', fetched, page.limit, (row) => [row.stage_opened_at_text, row.id]);
    return {
      approvals: rows.map(({ members, approval_chains, round_name, stage_opened_at_text: _position, ...row }) => ({
        ...toInspectionView(row, approval_chains, members),
        roundName: round_name,
      })),
      nextCursor,
    };
  }

  /** For the office (and leading group) what is addressed to them; for a group, its own inspections'. */
  async notifications(actor: Actor, language: Language) {
    const rows = await listNotifications(this.db, { roles: actor.roles, memberSub: seesAllRounds(actor) ? undefined : actor.sub });
    return {
      notifications: rows.map((n) => ({
        id: n.id,
        roundId: n.round_id,
        inspectionId: n.inspection_id,
        kind: n.kind,
        recipientRole: n.recipient_role,
        stage: n.stage,
        // Kept as a key with parameters: worded in the reader's language; older rows are English only.
        message: n.code && n.code in API_MESSAGES ? say({ key: n.code as MessageKey, params: n.params ?? {} }, language) : n.message,
        createdAt: new Date(n.created_at).toISOString(),
      })),
    };
  }
}
