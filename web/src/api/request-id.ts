import { useCallback, useRef } from 'react';

/**
 * One id per intended action (a submission, a decision, a record write), kept until
 * the server has answered it: a double click or a retry after a lost answer repeats
 * the same id, and the server applies the action once. After a definite answer the
 * next press is a new action (a refused submission, for one, needs a new id).
 */
export function useRequestId(): { id: () => string; settle: () => void } {
  const ref = useRef<string | null>(null);
  const id = useCallback(() => (ref.current ??= crypto.randomUUID()), []);
  const settle = useCallback(() => {
    ref.current = null;
  }, []);
  return { id, settle };
}
