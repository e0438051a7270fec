import { createHash } from 'node:crypto';

/** The hash that starts every inspection's chain. */
export const GENESIS_HASH = '0'.repeat(64);

export interface HashedFields {
  inspectionId: string;
  seq: number;
  kind: string;
  stage: string;
  actor: { sub: string; name: string; roles: string[] };
  at: string;
  comment: string | null;
  requestId: string | null;
  data: unknown;
  prevHash: string;
}

/**
 * Each step's hash covers its content and the previous step's hash, so changing or
 * removing any recorded step breaks every hash after it: what an auditor checks.
 */
export function eventHash(fields: HashedFields): string {
  return createHash('sha256').update(canonicalJson(fields)).digest('hex');
}

/** JSON with object keys sorted, so the same content always hashes the same (jsonb reorders keys). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
