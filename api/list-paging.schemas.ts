import { z } from 'zod';

/** Lists that grow with the rounds (rounds, tasks, approvals) answer this many items at most per page. */
export const LIST_MAX_LIMIT = 200;
export const LIST_DEFAULT_LIMIT = 50;

export const listPagingQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(LIST_MAX_LIMIT)
    .default(LIST_DEFAULT_LIMIT)
    .describe(`items per page, at most ${LIST_MAX_LIMIT} (${LIST_DEFAULT_LIMIT} unless given)`),
  cursor: z
    .string()
    .max(500)
    .optional()
    .describe('`nextCursor` of the previous page of this list (with the same filters); a cursor this list did not give out is a 400 naming `querystring.cursor`'),
});

export const nextCursor = z
  .string()
  .nullable()
  .describe('pass as `cursor` for the next page; null on the last page. Pages never repeat an item; one that moves in the order between two requests may show on another page or be missed until the list is read again');
