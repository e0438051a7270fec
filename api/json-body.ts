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
