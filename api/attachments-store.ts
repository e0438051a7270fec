import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/database.js';

/** A file as the store holds it: named by the SHA-256 of its bytes. */
export interface StoredFile {
  sha256: string;
  size: number;
}

/**
 * Where the bytes of evidence files live. The database store (the default) writes them
 * in the caller's transaction, so a file exists exactly when the record version that
 * carries it does; a store elsewhere (S3-compatible) would write first and let the
 * transaction commit only the reference. Either way a file is written once per hash.
 */
export interface AttachmentStore {
  /** Consumes `chunks` (each at most one chunk size long) and stores them; a throw from the iterable aborts. */
  write(tx: Transaction<Database>, chunks: AsyncIterable<Uint8Array>): Promise<StoredFile>;
  /** The file's bytes in order, one chunk at a time; undefined when the hash is unknown. */
  read(db: Kysely<Database>, sha256: string): Promise<AsyncIterable<Uint8Array> | undefined>;
}
