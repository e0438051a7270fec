import { ApiError, ERROR_CODES } from './errors.js';

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
  const message = 'is not a cursor this list gave out';
  throw new ApiError(400, ERROR_CODES[400], `invalid input: querystring.cursor ${message}`, { issues: [{ field: 'querystring.cursor', message }] });
}

/** The rows of a page fetched with one extra row, and the cursor to the next page if that row came. */
export function pageOf<R>(rows: R[], limit: number, positionOf: (row: R) => string | number): { rows: R[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, nextCursor: rows.length > limit && last !== undefined ? encodePageCursor(positionOf(last)) : null };
}

export const isUuid = (value: unknown): value is string =>
  typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

export const isSeq = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value < 2 ** 31;
