/**
 * What a record's reviewer should look at, read from its data: a flag does not refuse
 * the record (the group leader judges), it makes sure nobody misses it.
 */
import type { RecordKind } from '../workflows/stages.js';

export interface RecordFlag {
  code: 'basis_after_conduct';
  field: string;
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
export function recordFlags(kind: RecordKind, data: Record<string, unknown>): RecordFlag[] {
  if (kind !== 'problem') return [];
  const { conduct, basis = [] } = data as PaperDates;
  if (!conduct?.from) return [];
  return basis.flatMap((b, i) =>
    b.effectiveOn && b.effectiveOn > conduct.from!
      ? [
          {
            code: 'basis_after_conduct' as const,
            field: `data.basis.${i}.effectiveOn`,
            message: `${b.source ?? 'the basis'} took effect on ${b.effectiveOn}, after the conduct began (${conduct.from})`,
          },
        ]
      : [],
  );
}
