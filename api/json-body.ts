import type { FastifyInstance } from 'fastify';
import { ApiError, ERROR_CODES } from './errors.js';

/** No request of ours nests deeper than a handful of levels; this leaves room and no more. */
export const MAX_JSON_DEPTH = 32;

/**
 * How deep `text` nests, stopping as soon as it passes `limit`. One pass, no recursion,
 * no allocation: a hostile body 6,000 levels deep costs a scan, not a parse (which in
 * V8 takes the main thread for hundreds of milliseconds and, deeper, overflows the stack).
 */
export function exceedsDepth(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > limit) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return false;
}

/** JSON bodies, refused with a 400 before parsing when they nest deeper than MAX_JSON_DEPTH. */
export function registerJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (text.length === 0) return done(null, undefined);
    if (exceedsDepth(text, MAX_JSON_DEPTH)) {
      return done(
        new ApiError(400, ERROR_CODES[400], `the JSON body nests deeper than ${MAX_JSON_DEPTH} levels`, {
          issues: [{ field: 'body', message: `nests deeper than ${MAX_JSON_DEPTH} levels` }],
        }),
      );
    }
    try {
      // Fastify's own parser refuses __proto__ keys; so do we.
      done(null, JSON.parse(text, (key, value: unknown) => (key === '__proto__' ? undefined : value)));
    } catch {
      done(new ApiError(400, ERROR_CODES[400], 'the body is not valid JSON', { issues: [{ field: 'body', message: 'is not valid JSON' }] }));
    }
  });
}
