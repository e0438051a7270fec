import { hasGroupChange } from '../db/group-changes.repository.js';
import { changeGroupUpdate, inspectionWorkflowId, type GroupChange } from '../workflows/messages.js';
import type { Actor } from '../workflows/roles.js';
import { isFinished } from '../workflows/stages.js';
import { requireAccess } from './access.js';
import { conflict } from './errors.js';
import { claimInspectionRequest, requestFingerprint } from './idempotency.js';
import type { Services } from './plugins/services.plugin.js';
import { callWorkflowWithin } from './temporal-errors.js';
import { loadInspection } from './views.js';

type NewMember = { sub: string; name: string; homeUnit?: string };
type GroupChangeBody =
  | { kind: 'replace_member'; memberSub: string; by: NewMember }
  | { kind: 'add_member'; member: NewMember }
  | { kind: 'replace_leader'; by: NewMember }
  | Extract<GroupChange, { kind: 'set_liaison' | 'name_deputy' }>;

/** People as the workflow keeps them: a home unit is null when not given. */
function asGroupChange(change: GroupChangeBody): GroupChange {
  const member = (m: NewMember) => ({ sub: m.sub, name: m.name, homeUnit: m.homeUnit ?? null });
  if (change.kind === 'replace_member') return { ...change, by: member(change.by) };
  if (change.kind === 'add_member') return { ...change, member: member(change.member) };
  if (change.kind === 'replace_leader') return { ...change, by: member(change.by) };
  return change;
}

/**
 * Changes to an inspection's group after launch. Each goes through the inspection's
 * workflow, like every step with an actor, so it sits in the hash-chained history in
 * order with the stage steps; the group the API checks access against changes in the
 * same transaction as the step.
 */
export class GroupService {
  constructor(private readonly services: Services) {}

  async change(actor: Actor, inspectionId: string, body: { requestId: string; reason: string; change: GroupChangeBody }) {
    const input = { ...body, change: asGroupChange(body.change) };
    const { db, temporal } = this.services;
    const inspection = await loadInspection(db, inspectionId);
    await requireAccess(db, actor, 'inspection.change_group');
    if (await hasGroupChange(db, inspectionId, input.requestId)) return inspection.view;
    const { row } = inspection;
    if (isFinished(row.state)) throw conflict({ key: 'group_finished', params: { state: row.state } }, { stage: row.stage, state: row.state });
    await claimInspectionRequest(db, actor.sub, input.requestId, requestFingerprint(actor.sub, 'group_change', inspectionId, { reason: input.reason, change: input.change }));
    await callWorkflowWithin(temporal, this.services.requestTimeoutMs ?? 30_000, () =>
      temporal.workflow.getHandle(inspectionWorkflowId(inspectionId)).executeUpdate(changeGroupUpdate, {
        updateId: input.requestId,
        args: [{ ...input, actor, issuedFor: inspectionWorkflowId(inspectionId) }],
      }),
    );
    return (await loadInspection(db, inspectionId)).view;
  }
}
