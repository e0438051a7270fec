/**
 * Only the API may ask a workflow to do something on someone's behalf. Payloads travel
 * encrypted and authenticated under the payload key (`platform/payload-codec.ts`), and
 * the codec turns anything that was not, a request typed by hand into Temporal's
 * frontend included, into the `UNAUTHENTICATED` mark. What the API sends also names
 * the workflow it was meant for, so an encrypted request copied from one history and
 * sent to another workflow is refused too. Sandbox-safe.
 */
import { Refusal } from './refusal.js';

/** The key of the object a payload decodes to when it was not sealed with a payload key. */
export const UNAUTHENTICATED = 'xunchaUnauthenticated';

/**
 * What every actor-bearing request carries: the workflow the API addressed it to.
 * Optional in the type only so that the process classes can be driven without a
 * workflow; a workflow refuses a request without it.
 */
export interface IssuedByApi {
  issuedFor?: string;
}

/** True when `input` was sealed under the payload key for one of `workflowIds`. */
export function isFromApi(input: unknown, ...workflowIds: string[]): boolean {
  if (typeof input !== 'object' || input === null || UNAUTHENTICATED in input) return false;
  const issuedFor = (input as Partial<IssuedByApi>).issuedFor;
  return typeof issuedFor === 'string' && workflowIds.includes(issuedFor);
}

/** Refuses a request the API did not send to this workflow, before any other rule reads it. */
export function requireFromApi(input: unknown, ...workflowIds: string[]): void {
  if (!isFromApi(input, ...workflowIds)) throw new Refusal('forbidden', 'not_from_api');
}
