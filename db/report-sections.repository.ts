import type { Kysely, Transaction } from 'kysely';
import type { Actor } from '../workflows/roles.js';
import type { WrittenReportSection } from '../workflows/stages.js';
import type { Database } from './database.js';

/** The report's written sections: append-only versions, the latest one per section is current. */
export async function latestReportSections(db: Kysely<Database>, inspectionId: string) {
  const rows = await db
    .selectFrom('report_section_versions')
    .selectAll()
    .where('inspection_id', '=', inspectionId)
    .orderBy('section')
    .orderBy('version', 'desc')
    .execute();
  const latest = new Map<string, (typeof rows)[number]>();
  for (const row of rows) if (!latest.has(row.section)) latest.set(row.section, row);
  return latest;
}

export async function appendReportSection(
  tx: Transaction<Database>,
  inspectionId: string,
  section: WrittenReportSection,
  text: string,
  actor: Actor,
  at: string,
): Promise<number> {
  const last = await tx
    .selectFrom('report_section_versions')
    .select((eb) => eb.fn.max('version').as('version'))
    .where('inspection_id', '=', inspectionId)
    .where('section', '=', section)
    .executeTakeFirst();
  const version = Number(last?.version ?? 0) + 1;
  await tx
    .insertInto('report_section_versions')
    .values({ inspection_id: inspectionId, section, version, text, actor_sub: actor.sub, actor_name: actor.name, at })
    .execute();
  return version;
}
