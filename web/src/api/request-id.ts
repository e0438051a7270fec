import { useCallback, useRef } from 'react';

/**
 * One id per intended action (a submission, a decision, a record write), kept until
 * the server has answered it: a double click or a retry after a lost answer repeats
 * the same id, and the server applies the action once. After a definite answer the
 * next press is a new action (a refused submission, for one, needs a new id).
 *
 * The server scopes an id to its person and request: the same id with another body is
 * a 409 (request_id_reused). So `id(body)` keeps the id only while the body is the same;
 * an edited comment or the other button after a lost answer is a new action.
 */
export function useRequestId(): { id: (body?: unknown) => string; settle: () => void } {
  const ref = useRef<{ id: string; body: string } | null>(null);
  const id = useCallback((body?: unknown) => {
    const fingerprint = JSON.stringify(body ?? null);
    if (ref.current?.body !== fingerprint) ref.current = { id: crypto.randomUUID(), body: fingerprint };
    return ref.current.id;
  }, []);
  const settle = useCallback(() => {
    ref.current = null;
  }, []);
  return { id, settle };
}
