import { Descriptions } from 'antd';
import type { InspectionRecord } from '../../api/queries';
import { labelOf, valueLabel } from '../../i18n/labels';
import { recordCaption } from '../../model';

/** A record's data in words: labels for fields, captions for the records it cites. */
export function RecordData({ data, records }: { data: Record<string, unknown>; records: InspectionRecord[] }) {
  const byId = new Map(records.map((r) => [r.id, r]));
  const show = (value: unknown): string => {
    if (value === null || value === undefined) return '—';
    if (typeof value === 'boolean') return value ? '是' : '否';
    if (typeof value === 'string') return byId.has(value) ? recordCaption(byId.get(value)!) : valueLabel(value);
    if (Array.isArray(value)) return value.map(show).join('；');
    if (typeof value === 'object') {
      return Object.entries(value as Record<string, unknown>)
        .map(([k, v]) => `${labelOf(k)}：${show(v)}`)
        .join('，');
    }
    return String(value);
  };
  return (
    <Descriptions
      size="small"
      column={1}
      bordered
      items={Object.entries(data).map(([key, value]) => ({ key, label: labelOf(key), children: <span style={{ whiteSpace: 'pre-wrap' }}>{show(value)}</span> }))}
    />
  );
}
