import type { ColumnType, JSONColumnType, Kysely, Transaction } from 'kysely';
import type { Database } from './database.js';

export interface IdempotentRequestTable {
  actor_sub: string;
  key: string;
  /** A digest of method, path and body: the same key on another request is refused. */
  fingerprint: string;
  status: number | null;
  body: JSONColumnType<object> | null;
  created_at: ColumnType<Date, never, never>;
}

// Declared here rather than in Database: only this module reads or writes the table.
type WithRequests = Database & { idempotent_requests: IdempotentRequestTable };

export interface Answer<T> {
  status: number;
  body: T;
}

export type IdempotentOutcome<T> =
  | ({ outcome: 'answered' } & Answer<T>)
  /** The key was used before for this same request: its first answer, nothing written. */
  | ({ outcome: 'replayed' } & Answer<unknown>)
  /** The key was used before for a different request: nothing written. */
  | { outcome: 'reused' };

/**
 * Runs `write` and stores its answer under (actor, key) in one transaction, so a
 * crash cannot keep the record without the answer or the answer without the record.
 * The key is claimed first: a duplicate sent while the first is still running waits
 * on the unique key and then reads the first answer rather than writing again. A
 * write that throws (a refusal) rolls back the claim too, so repeating a refused
 * request evaluates it again.
 */
export async function withIdempotency<T>(
  db: Kysely<Database>,
  actorSub: string,
  key: string,
  fingerprint: string,
  write: (tx: Transaction<Database>) => Promise<Answer<T>>,
): Promise<IdempotentOutcome<T>> {
  return db.transaction().execute(async (tx) => {
    const requests = tx.withTables<{ idempotent_requests: IdempotentRequestTable }>() as Transaction<WithRequests>;
    const claimed = await requests
      .insertInto('idempotent_requests')
      .values({ actor_sub: actorSub, key, fingerprint, status: null, body: null })
      .onConflict((oc) => oc.columns(['actor_sub', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst();
    if (!claimed) {
      const first = await requests
        .selectFrom('idempotent_requests')
        .select(['fingerprint', 'status', 'body'])
        .where('actor_sub', '=', actorSub)
        .where('key', '=', key)
        .executeTakeFirstOrThrow();
      if (first.fingerprint !== fingerprint) return { outcome: 'reused' as const };
      return { outcome: 'replayed' as const, status: first.status!, body: first.body };
    }
    const answer = await write(tx);
    await requests
      .updateTable('idempotent_requests')
      .set({ status: answer.status, body: JSON.stringify(answer.body) })
      .where('actor_sub', '=', actorSub)
      .where('key', '=', key)
      .execute();
    return { outcome: 'answered' as const, ...answer };
  });
}

export type Claim = { claimed: true } | { claimed: false; fingerprint: string; body: unknown };

/**
 * Claims (actor, key) for a request whose work cannot share this module's transaction
 * (it opens its own), with the answer known up front, for example the id it will
 * create. A claim that loses to an earlier one gets that one's fingerprint and answer.
 */
export async function claimRequest(
  db: Kysely<Database>,
  actorSub: string,
  key: string,
  fingerprint: string,
  answer: Answer<object>,
): Promise<Claim> {
  const requests = db.withTables<{ idempotent_requests: IdempotentRequestTable }>() as Kysely<WithRequests>;
  const claimed = await requests
    .insertInto('idempotent_requests')
    .values({ actor_sub: actorSub, key, fingerprint, status: answer.status, body: JSON.stringify(answer.body) })
    .onConflict((oc) => oc.columns(['actor_sub', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  if (claimed) return { claimed: true };
  const first = await requests
    .selectFrom('idempotent_requests')
    .select(['fingerprint', 'body'])
    .where('actor_sub', '=', actorSub)
    .where('key', '=', key)
    .executeTakeFirstOrThrow();
  return { claimed: false, fingerprint: first.fingerprint, body: first.body };
}

/** Gives a claim back when the work it was made for was refused, so a repeat is evaluated again. */
export async function releaseRequest(db: Kysely<Database>, actorSub: string, key: string): Promise<void> {
  const requests = db.withTables<{ idempotent_requests: IdempotentRequestTable }>() as Kysely<WithRequests>;
  await requests.deleteFrom('idempotent_requests').where('actor_sub', '=', actorSub).where('key', '=', key).execute();
}
