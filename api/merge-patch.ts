/**
 * JSON Merge Patch (RFC 7396): the patch says only what changes; `null` removes a
 * member; an array or a scalar replaces what was there whole.
 */
export const MERGE_PATCH_TYPE = 'application/merge-patch+json';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether a request's body is a merge patch, by its content type (parameters such as charset ignored). */
export function isMergePatch(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === MERGE_PATCH_TYPE;
}
