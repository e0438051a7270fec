/**
 * What a record's reviewer should look at, read from its data: a flag does not refuse
 * the record (the group leader judges), it makes sure nobody misses it.
 */
import type { RecordKind } from '../workflows/stages.js';
import { say, type Language } from './messages.js';

export interface RecordFlag {
  code: 'basis_after_conduct';
  field: string;
  params: { source: string; effectiveOn: string; from: string };
  message: string;
}

interface PaperDates {
  conduct?: { from?: string; to?: string };
  basis?: { source?: string; effectiveOn?: string }[];
}

/**
 * 不能用新政策、新标准去套老问题: a basis that took effect after the conduct began may
 * not apply to it (or only to its later part).
 */
export function recordFlags(kind: RecordKind, data: Record<string, unknown>, language: Language = 'zh'): RecordFlag[] {
  if (kind !== 'problem') return [];
  const { conduct, basis = [] } = data as PaperDates;
  if (!conduct?.from) return [];
  return basis.flatMap((b, i) => {
    if (!b.effectiveOn || b.effectiveOn <= conduct.from!) return [];
    const params = { source: b.source ?? '', effectiveOn: b.effectiveOn, from: conduct.from! };
    return [{ code: 'basis_after_conduct' as const, field: `data.basis.${i}.effectiveOn`, params, message: say({ key: 'basis_after_conduct', params }, language) }];
  });
}

type Flagged = { flags?: RecordFlag[] };

/**
 * An answer holding records (one, or a page in `records`) with its flags worded again in
 * `language`: records are viewed without the request at hand, and a repeated request's
 * remembered answer was worded for whoever asked first.
 */
export function flagsWordedIn<T>(payload: T, language: Language): T {
  const word = (record: Flagged) =>
    record.flags?.length ? { ...record, flags: record.flags.map((f) => ({ ...f, message: say({ key: f.code, params: f.params }, language) })) } : record;
  if (!payload || typeof payload !== 'object') return payload;
  const answer = payload as Flagged & { records?: Flagged[] };
  if (Array.isArray(answer.records)) return { ...answer, records: answer.records.map(word) } as T;
  return word(answer) as T;
}
