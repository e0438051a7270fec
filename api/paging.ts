import { ApiError, ERROR_CODES, fieldIssue } from './errors.js';

/**
 * Opaque cursors for keyset paging: the position after which the next page starts,
 * as base64url JSON, so clients pass it back without reading it. A cursor this list did
 * not give out is a 400 naming `querystring.cursor`, never a 500 from the database.
 */
export function encodePageCursor(position: string | number): string {
  return Buffer.from(JSON.stringify([position])).toString('base64url');
}

export function decodePageCursor<T extends string | number>(cursor: string, valid: (position: unknown) => position is T): T {
  try {
    const [position] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (valid(position)) return position;
  } catch {
    // falls through to the refusal below
  }
  throw notOurCursor();
}

function notOurCursor() {
  const issue = fieldIssue('querystring.cursor', { key: 'not_our_cursor', params: { list: 'list' } });
  return new ApiError(400, ERROR_CODES[400], `invalid input: ${issue.field} ${issue.message}`, { issues: [issue] });
}

/**
 * A keyset position of several parts, for lists whose order is not unique on one column
 * (a moment, then the id that breaks ties). The list's name comes first, so one list's
 * cursor is refused by another whose positions look alike. `valid` checks every part: a
 * part the database would have to parse is refused here, as a 400, before any query.
 */
export function encodeKeyCursor(list: string, parts: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify([list, ...parts])).toString('base64url');
}

export function decodeKeyCursor<T extends readonly unknown[]>(list: string, cursor: string, valid: (parts: unknown[]) => parts is [...T]): T {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(decoded) && decoded[0] === list) {
      const parts = decoded.slice(1);
      if (valid(parts)) return parts as unknown as T;
    }
  } catch {
    // falls through to the refusal below
  }
  throw notOurCursor();
}

/** A page fetched with one extra row, with a cursor of several parts to the next page if that row came. */
export function keyPageOf<R>(
  list: string,
  rows: R[],
  limit: number,
  keyOf: (row: R) => readonly (string | number)[],
): { rows: R[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, nextCursor: rows.length > limit && last !== undefined ? encodeKeyCursor(list, keyOf(last)) : null };
}

/**
 * A moment as the database writes it for a cursor (`to_char(… 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`):
 * microseconds kept, which a JavaScript Date would drop, so the next page starts exactly
 * after the last row. Only real moments in years the database holds.
 */
export const isMomentText = (value: unknown): value is string => {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(value) || value.startsWith('0000')) return false;
  const parsed = new Date(value);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 23) === value.slice(0, 23);
};

/** The rows of a page fetched with one extra row, and the cursor to the next page if that row came. */
export function pageOf<R>(rows: R[], limit: number, positionOf: (row: R) => string | number): { rows: R[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, nextCursor: rows.length > limit && last !== undefined ? encodePageCursor(positionOf(last)) : null };
}

export const isUuid = (value: unknown): value is string =>
  typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

export const isSeq = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value < 2 ** 31;
