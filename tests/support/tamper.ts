/**
 * What someone with the database's owner rights can do behind the application's back:
 * switch a table's triggers off, change rows, and recompute the unkeyed hashes so the
 * chains look whole again. The tamper tests use these to show what verify still sees.
 */
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { eventHash } from '../../db/event-hash.js';
import { listHistory } from '../../db/history.repository.js';
import { LEDGER_SOURCES, ledgerEntryHash, listLedger } from '../../db/ledger.repository.js';
import type { Harness } from './harness.js';
import { auditor } from './people.js';

export async function verify(h: Harness, inspectionId: string) {
  const answer = await h.call(auditor, 'GET', `/api/v1/inspections/${inspectionId}/history/verify`);
  if (answer.status !== 200) throw new Error(`verify answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body as {
    intact: boolean;
    historyIntact: boolean;
    recordsIntact: boolean;
    ledgerIntact: boolean;
    signaturesValid: boolean;
    ledgersAgree: boolean;
    steps: number;
    checkpoints: { stepSeq: number; valid: boolean; keyId: string }[];
    mismatches: { kind: string; what: string; problem: string }[];
    problems: string[];
  };
}

/** Runs `tamper` with every user trigger of `tables` off, as only the owner can. */
export async function aroundTriggers(db: Kysely<Database>, tables: string[], tamper: () => Promise<unknown>): Promise<void> {
  for (const table of tables) await sql.raw(`alter table ${table} disable trigger user`).execute(db);
  try {
    await tamper();
  } finally {
    for (const table of tables) await sql.raw(`alter table ${table} enable trigger user`).execute(db);
  }
}

/** Recomputes every step hash of the inspection from its stored content, as a forger would after an edit. */
export async function recomputeChain(db: Kysely<Database>, inspectionId: string): Promise<void> {
  const steps = await listHistory(db, inspectionId);
  let prevHash = '0'.repeat(64);
  await aroundTriggers(db, ['inspection_events'], async () => {
    for (const { hash: _old, prevHash: _prev, ...content } of steps) {
      const hash = eventHash({ inspectionId, ...content, prevHash });
      await db.updateTable('inspection_events').set({ prev_hash: prevHash, hash }).where('inspection_id', '=', inspectionId).where('seq', '=', content.seq).execute();
      prevHash = hash;
    }
  });
}

/** Recomputes the ledger of `scope` from the rows as they are now, so its own check passes again. */
export async function recomputeLedger(db: Kysely<Database>, scope: string): Promise<void> {
  const entries = await listLedger(db, scope);
  const current = new Map<string, string>();
  for (const [table, source] of Object.entries(LEDGER_SOURCES)) {
    const { rows } = await sql<{ key: string; content: string }>`
      select ${sql.raw(source.key)} as key, (${sql.raw(source.content)})::text as content
      from ${sql.table(table)} t where ${sql.raw(source.scope)} = ${scope}`.execute(db);
    for (const row of rows) current.set(`${table} ${row.key}`, createHash('sha256').update(row.content, 'utf8').digest('hex'));
  }
  const latest = new Map(entries.map((e) => [`${e.source} ${e.sourceKey}`, e.seq]));
  let prevHash = '0'.repeat(64);
  await aroundTriggers(db, ['ledger_entries'], async () => {
    for (const entry of entries) {
      const id = `${entry.source} ${entry.sourceKey}`;
      const contentHash = latest.get(id) === entry.seq && current.has(id) ? current.get(id)! : entry.contentHash;
      const hash = ledgerEntryHash({ ...entry, contentHash, prevHash });
      await db
        .updateTable('ledger_entries')
        .set({ content_hash: contentHash, prev_hash: prevHash, hash })
        .where('scope', '=', scope)
        .where('seq', '=', entry.seq)
        .execute();
      prevHash = hash;
    }
  });
}
