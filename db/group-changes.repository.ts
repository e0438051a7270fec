import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { GroupChange } from '../workflows/messages.js';
import type { Database } from './database.js';
import { writeInspectionSteps, type InspectionSteps } from './history.repository.js';

/**
 * Records a group change as a step of the inspection's history and applies it to the
 * group the API reads, in one transaction: access follows the step, never runs ahead
 * of it or behind it. Idempotent: a retry finds the step and the rows as they are.
 */
export async function recordGroupChange(db: Kysely<Database>, steps: InspectionSteps, change: GroupChange): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await writeInspectionSteps(tx, steps);
    const { inspectionId } = steps;
    const join = (person: { sub: string; name: string; homeUnit?: string | null }) =>
      tx
        .insertInto('inspection_members')
        .values({ inspection_id: inspectionId, sub: person.sub, name: person.name, home_unit: person.homeUnit ?? null, is_leader: false })
        .onConflict((oc) => oc.columns(['inspection_id', 'sub']).doNothing())
        .execute();
    switch (change.kind) {
      case 'replace_member':
        // The member leaves the group: from now on they read nothing of it. The history keeps who they were.
        await tx.deleteFrom('inspection_members').where('inspection_id', '=', inspectionId).where('sub', '=', change.memberSub).execute();
        await join(change.by);
        return;
      case 'add_member':
        await join(change.member);
        return;
      case 'name_deputy':
        await tx
          .updateTable('inspection_members')
          .set({ is_deputy: true })
          .where('inspection_id', '=', inspectionId)
          .where('sub', '=', change.memberSub)
          .execute();
        return;
      case 'replace_leader': {
        // The old leader leaves at once; pending reviews and submissions follow leader_sub to the new one.
        const old = await tx.selectFrom('inspections').select('leader_sub').where('id', '=', inspectionId).executeTakeFirstOrThrow();
        await tx.deleteFrom('inspection_members').where('inspection_id', '=', inspectionId).where('sub', 'in', [old.leader_sub, change.by.sub]).execute();
        await tx
          .insertInto('inspection_members')
          .values({ inspection_id: inspectionId, sub: change.by.sub, name: change.by.name, home_unit: change.by.homeUnit ?? null, is_leader: true })
          .execute();
        await tx.updateTable('inspections').set({ leader_sub: change.by.sub, leader_name: change.by.name }).where('id', '=', inspectionId).execute();
        return;
      }
      case 'set_liaison':
        await tx
          .updateTable('inspections')
          .set({ target: sql`jsonb_set(target, '{liaison}', ${JSON.stringify(change.liaison)}::jsonb)` })
          .where('id', '=', inspectionId)
          .execute();
        return;
    }
  });
}

/** Whether the inspection already recorded a group change for this request id: a repeat answers as the first time. */
export async function hasGroupChange(db: Kysely<Database>, inspectionId: string, requestId: string): Promise<boolean> {
  const found = await db
    .selectFrom('inspection_events')
    .select('seq')
    .where('inspection_id', '=', inspectionId)
    .where('kind', '=', 'group_changed')
    .where('request_id', '=', requestId)
    .executeTakeFirst();
  return found !== undefined;
}
