/**
 * Issue 11 §6: the application connects as a role that owns nothing, so even with its
 * password (a leaked DATABASE_URL, an injected statement) the history cannot be
 * truncated, its triggers switched off, or its rows changed. The owner migrates.
 * PostgreSQL only, with DATABASE_OWNER_URL set (as CI's PostgreSQL run does).
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentRole } from '../db/application-role.js';
import { startHarness, type Harness } from './support/harness.js';
import { leaderOne, memberOne } from './support/people.js';
import { usingApplicationRole } from './support/test-database.js';
import { launchRound, passStage } from './support/walk.js';

describe.runIf(usingApplicationRole)('the application’s database role (PostgreSQL with DATABASE_OWNER_URL)', () => {
  let h: Harness;
  let inspectionId: string;

  beforeAll(async () => {
    h = await startHarness();
    const round = await launchRound(h);
    inspectionId = round.inspections[0].id;
    // Walked by the API and the worker as the application's role: what they need, they have.
    await passStage(h, inspectionId, 'preparation', leaderOne);
    const briefing = await h.call(memberOne, 'POST', `/api/v1/inspections/${inspectionId}/records`, {
      kind: 'talk',
      data: { on: '2021-10-14', summary: '反映超限检测站罚款未开具票据。', interviewee: '某执法大队队员' },
    });
    expect(briefing.status, JSON.stringify(briefing.body)).toBe(201);
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  /** The SQLSTATE a statement run as the application fails with, or null when it succeeds. */
  async function asApplication(statement: string): Promise<string | null> {
    try {
      await sql.raw(statement).execute(h.database.app);
      return null;
    } catch (error) {
      return (error as { code?: string }).code ?? String(error);
    }
  }

  it('is not the owner: another role created and migrated the schema', async () => {
    expect(await currentRole(h.database.app)).not.toBe(await currentRole(h.database.db));
    const { rows } = await sql<{ owned: number }>`select count(*)::int as owned from pg_tables where schemaname = 'public' and tableowner = current_user`.execute(h.database.app);
    expect(rows[0]!.owned).toBe(0);
  });

  it('cannot truncate, alter or switch off the triggers of the history, nor update a step or delete a version', async () => {
    // 42501 insufficient_privilege: refused by privileges before any trigger is asked.
    expect(await asApplication('truncate inspection_events')).toBe('42501');
    expect(await asApplication('truncate ledger_entries, record_versions cascade')).toBe('42501');
    expect(await asApplication('alter table inspection_events disable trigger user')).toBe('42501');
    expect(await asApplication('alter table record_versions disable trigger all')).toBe('42501');
    expect(await asApplication('alter table records add column forged text')).toBe('42501');
    expect(await asApplication(`update inspection_events set comment = '篡改' where inspection_id = '${inspectionId}'`)).toBe('42501');
    expect(await asApplication(`delete from record_versions where record_id in (select id from records where inspection_id = '${inspectionId}')`)).toBe('42501');
    expect(await asApplication(`delete from ledger_entries`)).toBe('42501');
    expect(await asApplication('delete from kysely_migration')).toBe('42501');
    // A sealed dossier (立卷归档) is never changed or removed.
    expect(await asApplication('update dossiers set size = 0')).toBe('42501');
    expect(await asApplication('delete from dossiers')).toBe('42501');
    expect(await asApplication('create table shadow (id int)')).toBe('42501');

    // Nothing moved: the history is whole and verifies.
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from inspection_events where inspection_id = ${inspectionId}`.execute(h.database.db);
    expect(rows[0]!.n).toBeGreaterThan(2);
    const verified = await h.call(leaderOne, 'GET', `/api/v1/inspections/${inspectionId}/history/verify`);
    expect(verified.body.intact).toBe(true);
  });
});
