import { expect } from 'vitest';
import type { Actor } from '../../workflows/roles.js';
import type { Harness } from './harness.js';

/**
 * Follows `nextCursor` from the first page (or the cursor `from`) to the last, as the
 * console does, checking that no page is larger than `limit`. The pages, in order.
 */
export async function everyPage<Item>(h: Harness, actor: Actor, path: string, listed: string, limit: number, from: string | null = null): Promise<Item[][]> {
  const pages: Item[][] = [];
  let cursor: string | null = from;
  do {
    const query: string = `limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await h.call(actor, 'GET', `${path}${path.includes('?') ? '&' : '?'}${query}`);
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    expect(page.body[listed].length).toBeLessThanOrEqual(limit);
    pages.push(page.body[listed]);
    cursor = page.body.nextCursor;
  } while (cursor);
  return pages;
}
