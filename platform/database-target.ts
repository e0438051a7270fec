import { join, resolve } from 'node:path';
import type { DatabaseTarget } from '../db/connection.js';

/** DATABASE_URL when set; otherwise the embedded PGlite under DATA_DIR. */
export function databaseTarget(settings: { DATABASE_URL?: string; DATA_DIR: string }): DatabaseTarget {
  return settings.DATABASE_URL
    ? { kind: 'postgres', url: settings.DATABASE_URL }
    : { kind: 'pglite', dataDir: join(resolve(settings.DATA_DIR), 'pglite') };
}
