import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { listAwaiting, listNotifications } from '../db/inspections.repository.js';
import { seesAllRounds, type Actor } from '../workflows/roles.js';
import { API_MESSAGES, say, type Language, type MessageKey } from './messages.js';
import { toInspectionView } from './views.js';

/**
 * What waits on the caller and what the office is alerted to. Both are filtered by
 * who asks rather than refused: everyone may ask, each sees their own share.
 */
export class ApprovalsService {
  constructor(private readonly db: Kysely<Database>) {}

  /** Submissions whose chain waits on one of the caller's roles, with their round and group: one query. */
  async pending(actor: Actor) {
    const rows = await listAwaiting(this.db, actor.roles, actor.sub);
    return {
      approvals: rows.map(({ members, approval_chains, round_name, ...row }) => ({
        ...toInspectionView(row, approval_chains, members),
        roundName: round_name,
      })),
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
