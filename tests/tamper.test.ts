// Each tamper of issue 11 §6, made in the database directly as its owner could (the
// server need not be stopped: it is the same database), then /history/verify. Every
// one must be detected; where the database can refuse the tamper outright, it must.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAGE_IDS } from '../workflows/stages.js';
import { startHarness, type Harness } from './support/harness.js';
import { leaderOne, outsider } from './support/people.js';
import { aroundTriggers, recomputeChain, recomputeLedger, verify } from './support/tamper.js';
import { launchRound, passStage, recordWork } from './support/walk.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const db = () => h.database.db;

/** A fresh inspection walked through `stages`, verified intact before anyone tampers with it. */
async function inspectionPast(stages: readonly string[]): Promise<string> {
  const round = await launchRound(h);
  const id = round.inspections[0].id as string;
  for (const stage of stages) await passStage(h, id, stage as (typeof STAGE_IDS)[number], leaderOne);
  const before = await verify(h, id);
  expect(before.problems).toEqual([]);
  expect(before.intact).toBe(true);
  return id;
}

describe('a tamper with the database', () => {
  it('an approved finding changed by a new version the record points at: refused, and around the refusal reported', async () => {
    const id = await inspectionPast(STAGE_IDS.slice(0, 5));
    const paper = await db().selectFrom('records').selectAll().where('inspection_id', '=', id).where('kind', '=', 'problem').executeTakeFirstOrThrow();
    const forged = { ...paper.data, facts: '改写后的事实' };
    const insertVersion = () =>
      sql`insert into record_versions (record_id, version, change, data, review_status, decision_status, note, actor_sub, actor_name, actor_roles, at)
          values (${paper.id}, ${paper.version + 1}, 'edited', ${JSON.stringify(forged)}::jsonb, ${paper.review_status}, null, null,
                  ${leaderOne.sub}, ${leaderOne.name}, '["group_leader"]'::jsonb, now())`.execute(db());
    await expect(insertVersion()).rejects.toThrow(/stage drafting is frozen/);

    await aroundTriggers(db(), ['record_versions', 'records'], async () => {
      await insertVersion();
      await db().updateTable('records').set({ version: paper.version + 1, data: JSON.stringify(forged) }).where('id', '=', paper.id).execute();
    });
    const verdict = await verify(h, id);
    expect(verdict).toMatchObject({ intact: false, historyIntact: true, recordsIntact: false, ledgerIntact: false });
    const freeze = await db().selectFrom('inspection_events').select('seq').where('inspection_id', '=', id).where('kind', '=', 'submitted').where('stage', '=', 'drafting').executeTakeFirstOrThrow();
    expect(verdict.problems).toContain(`record ${paper.id} version ${paper.version + 1} was written into drafting after step ${freeze.seq} froze it`);
    expect(verdict.problems.join('\n')).toContain(`record_versions ["${paper.id}", ${paper.version + 1}] is not in the ledger`);

    // The report section, the same way, on the same (already reported) inspection.
    const section = await db().selectFrom('report_section_versions').selectAll().where('inspection_id', '=', id).where('section', '=', 'basic_situation').orderBy('version', 'desc').executeTakeFirstOrThrow();
    const insertSection = () =>
      sql`insert into report_section_versions (inspection_id, section, version, text, actor_sub, actor_name, at)
          values (${id}, 'basic_situation', ${section.version + 1}, '改写后的基本情况', ${leaderOne.sub}, ${leaderOne.name}, now())`.execute(db());
    await expect(insertSection()).rejects.toThrow(/stage reporting is frozen/);
    await aroundTriggers(db(), ['report_section_versions'], insertSection);
    const after = await verify(h, id);
    expect(after.problems.join('\n')).toContain(`report_section_versions ["basic_situation", ${section.version + 1}] is not in the ledger`);
    expect(after.problems.join('\n')).toMatch(/report section basic_situation version \d+ was written after step \d+ froze the report|the reporting records submitted then are not the ones stored now/);
  });

  it("an approver's name changed with every later hash recomputed: the signatures and Temporal's history still tell", async () => {
    const id = await inspectionPast(['preparation']);
    const approval = await db().selectFrom('inspection_events').select(['seq', 'actor_name']).where('inspection_id', '=', id).where('kind', '=', 'approved').executeTakeFirstOrThrow();
    await aroundTriggers(db(), ['inspection_events'], () =>
      db().updateTable('inspection_events').set({ actor_name: '冒名者' }).where('inspection_id', '=', id).where('seq', '=', approval.seq).execute(),
    );
    await recomputeChain(db(), id);
    const verdict = await verify(h, id);
    expect(verdict).toMatchObject({ intact: false, historyIntact: true, signaturesValid: false, ledgersAgree: false });
    expect(verdict.mismatches).toContainEqual(expect.objectContaining({ kind: 'different', what: `step ${approval.seq}` }));
    expect(verdict.mismatches.find((m) => m.what === `step ${approval.seq}`)!.problem).toContain('actor');
    expect(verdict.problems.join('\n')).toMatch(/checkpoint at step \d+: the history no longer passes through the step it signed/);
  });

  it('the last two steps deleted: Temporal still has them, the signed checkpoint names a step that is gone', async () => {
    const id = await inspectionPast(['preparation']);
    const { last_seq: last } = await db().selectFrom('inspections').select('last_seq').where('id', '=', id).executeTakeFirstOrThrow();
    await aroundTriggers(db(), ['inspection_events'], () => db().deleteFrom('inspection_events').where('inspection_id', '=', id).where('seq', '>', last - 2).execute());
    const verdict = await verify(h, id);
    expect(verdict).toMatchObject({ intact: false, historyIntact: true, steps: last - 2, ledgersAgree: false, signaturesValid: false });
    expect(verdict.mismatches.filter((m) => m.kind === 'only_in_temporal').map((m) => m.what)).toEqual(expect.arrayContaining([`step ${last - 1}`, `step ${last}`]));
    expect(verdict.problems).toContain(`the inspection says it is at step ${last}, its history ends at step ${last - 2}`);
  });

  it('a person added to the group behind the process: the group no longer follows from the plan and its recorded changes', async () => {
    const id = await inspectionPast([]);
    // As the application could, triggers and all: the ledger takes it, Temporal's history does not.
    await db().insertInto('inspection_members').values({ inspection_id: id, sub: outsider.sub, name: outsider.name, home_unit: null, is_leader: false }).execute();
    const verdict = await verify(h, id);
    expect(verdict).toMatchObject({ intact: false, ledgersAgree: false });
    expect(verdict.mismatches).toContainEqual(expect.objectContaining({ kind: 'only_in_database', what: `member ${outsider.sub}` }));
  });

  it("the target's principal leader renamed", async () => {
    const id = await inspectionPast([]);
    await db().updateTable('inspections').set({ target: sql`jsonb_set(target, '{principalLeader}', '"替身局长"')` }).where('id', '=', id).execute();
    const plain = await verify(h, id);
    expect(plain).toMatchObject({ intact: false, ledgersAgree: false });
    expect(plain.mismatches).toContainEqual(expect.objectContaining({ what: 'target' }));

    // Around the ledger's trigger too: then the ledger no longer matches the plan it recorded.
    await aroundTriggers(db(), ['inspections'], () =>
      db().updateTable('inspections').set({ target: sql`jsonb_set(target, '{principalLeader}', '"另一替身"')` }).where('id', '=', id).execute(),
    );
    const around = await verify(h, id);
    expect(around.ledgerIntact).toBe(false);
    expect(around.problems.join('\n')).toContain('inspections "plan" differs from what the ledger recorded');
  });

  it('a remembered request answer forged: refused, and around the refusal reported by the ledger and by Temporal', async () => {
    const id = await inspectionPast(['preparation']);
    const remembered = await db().selectFrom('request_results').selectAll().where('inspection_id', '=', id).where('action', '=', 'submission').executeTakeFirstOrThrow();
    const forged = { ...remembered.result, recorded: ['submitted', 'approved'] };
    const forge = () => db().updateTable('request_results').set({ result: JSON.stringify(forged) }).where('inspection_id', '=', id).where('request_id', '=', remembered.request_id).execute();
    await expect(forge()).rejects.toThrow(/append-only/);
    await aroundTriggers(db(), ['request_results'], forge);
    await recomputeLedger(db(), id);
    const verdict = await verify(h, id);
    expect(verdict).toMatchObject({ intact: false, ledgerIntact: true, ledgersAgree: false, signaturesValid: false });
    expect(verdict.mismatches).toContainEqual(expect.objectContaining({ kind: 'different', what: `request ${remembered.request_id}` }));
  });

  it('a record of the open stage deleted', async () => {
    const id = await inspectionPast(['preparation']);
    await recordWork(h, id, 'stationing', leaderOne);
    const record = await db().selectFrom('records').select(['id', 'version']).where('inspection_id', '=', id).where('stage', '=', 'stationing').executeTakeFirstOrThrow();
    await expect(db().deleteFrom('record_versions').where('record_id', '=', record.id).execute()).rejects.toThrow(/append-only/);
    await aroundTriggers(db(), ['record_versions'], async () => {
      await db().deleteFrom('record_versions').where('record_id', '=', record.id).execute();
      await db().deleteFrom('records').where('id', '=', record.id).execute();
    });
    const verdict = await verify(h, id);
    expect(verdict).toMatchObject({ intact: false, ledgerIntact: false });
    expect(verdict.problems.join('\n')).toContain(`record_versions ["${record.id}", 1] is in the ledger`);
  });

  it('TRUNCATE: refused, and around the refusal every lost step reported', async () => {
    const id = await inspectionPast(['preparation']);
    const steps = (await verify(h, id)).steps;
    for (const table of ['inspection_events', 'record_versions', 'request_results', 'ledger_entries', 'checkpoints']) {
      await expect(sql.raw(`truncate ${table} cascade`).execute(db())).rejects.toThrow(/TRUNCATE of \w+ refused/);
    }
    await aroundTriggers(db(), ['inspection_events'], () => sql`truncate inspection_events`.execute(db()));
    const verdict = await verify(h, id);
    expect(verdict).toMatchObject({ intact: false, steps: 0, ledgersAgree: false, signaturesValid: false });
    expect(verdict.mismatches.filter((m) => m.kind === 'only_in_temporal' && m.what.startsWith('step ')).length).toBe(steps);
  });

});

