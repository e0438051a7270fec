import { Alert, Tag } from 'antd';
import dayjs from 'dayjs';
import type { ApiFailure } from '../api/client';
import { ROLE_LABELS, STATE_LABELS } from '../i18n/labels';
import type { Role } from '../../../workflows/roles';

/**
 * Tag colours dark enough for white text to meet WCAG AA (Ant Design's preset tags
 * put light text on light backgrounds, which axe rates serious).
 */
const TONES: Record<string, string> = {
  blue: '#1d4ed8',
  red: '#b91c1c',
  orange: '#9a3412',
  green: '#166534',
  gold: '#854d0e',
  purple: '#6b21a8',
  default: '#525252',
};
export const tone = (name: string): string => TONES[name] ?? TONES.default!;

export const formatTime = (iso: string | null | undefined) => (iso ? dayjs(iso).format('YYYY-MM-DD HH:mm') : '—');
export const formatDate = (iso: string | null | undefined) => (iso ? dayjs(iso).format('YYYY-MM-DD') : '—');

export function StateTag({ state, overdue }: { state: string; overdue?: boolean }) {
  const color = { open: 'blue', submitted: 'orange', completed: 'green', cancelled: 'default', active: 'blue', proposed: 'orange', returned: 'red' }[state] ?? 'default';
  return (
    <>
      <Tag color={tone(color)}>{STATE_LABELS[state] ?? state}</Tag>
      {overdue && <Tag color={tone('red')}>逾期</Tag>}
    </>
  );
}

export function WaitingOn({ waitingOn }: { waitingOn: { role: string; sub?: string | null } | null | undefined }) {
  if (!waitingOn) return <>—</>;
  return <>{ROLE_LABELS[waitingOn.role as Role] ?? waitingOn.role}</>;
}

/** A server's refusal in words: its message, and each unmet criterion or bad field it names. */
export function Failure({ error, title }: { error: ApiFailure | null | undefined; title?: string }) {
  if (!error) return null;
  const unmet = error.body.details?.unmet ?? [];
  const issues = error.body.details?.issues ?? [];
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      title={title ?? error.message}
      description={
        unmet.length || issues.length || title ? (
          <>
            {title && <div>{error.message}</div>}
            {(unmet.length > 0 || issues.length > 0) && (
              <ul style={{ margin: 0, paddingInlineStart: 20 }} data-testid="refusal-list">
                {unmet.map((u) => (
                  <li key={u.code}>{u.message}</li>
                ))}
                {issues.map((i) => (
                  <li key={i.field}>
                    {i.field}：{i.message}
                  </li>
                ))}
              </ul>
            )}
          </>
        ) : undefined
      }
    />
  );
}
