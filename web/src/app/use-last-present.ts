import { useRef } from 'react';

/**
 * The value, or while it is null the last value it held. A drawer closing over a panel that was just
 * set to null still animates for a moment; keeping its title meanwhile keeps the dialog named for
 * screen readers (an unnamed dialog is a serious accessibility violation, and the browser tests look).
 */
export function useLastPresent<T>(value: T | null): T | null {
  const last = useRef(value);
  if (value !== null) last.current = value;
  return last.current;
}
