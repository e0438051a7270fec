import { WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { ServiceError } from '@temporalio/client';
import { REFUSAL } from '../workflows/messages.js';
import { temporalCallErrors } from '../platform/metrics.js';
import { ApiError, ERROR_CODES, UnansweredError } from './errors.js';

/**
 * Turns what Temporal says about an update into our error shape: refusals from the
 * workflow's validators become 403/409 with the stage and state, an unreachable
 * server a 503. Anything else is ours to fix and stays a 500.
 */
export async function callWorkflow<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toApiError(error) ?? unexpected(error);
  }
}

function unexpected(error: unknown): unknown {
  temporalCallErrors.inc({ kind: 'unexpected' });
  return error;
}

/**
 * Sends an update but stops waiting after `timeoutMs`: with no worker running an
 * update waits indefinitely, and an HTTP client should hear why instead. The update
 * may still be applied later, which is why the answer says to repeat the request id.
 */
export async function callWorkflowWithin<T>(temporal: Client, timeoutMs: number, call: () => Promise<T>): Promise<T> {
  try {
    return await temporal.withAbortSignal(AbortSignal.timeout(timeoutMs), call);
  } catch (error) {
    if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError || (error as Error)?.name === 'TimeoutError') {
      temporalCallErrors.inc({ kind: 'unanswered' });
      throw new UnansweredError({ key: 'process_unanswered', params: { seconds: Math.round(timeoutMs / 1000) } });
    }
    throw toApiError(error) ?? unexpected(error);
  }
}

/** The process names whose move it is as a bare role; the API's one shape for that is `waitingOn`. */
function toDetailsView(details: unknown): unknown {
  if (!details || typeof details !== 'object' || !('awaitingRole' in details)) return details;
  const { awaitingRole, ...rest } = details as { awaitingRole: unknown };
  return awaitingRole ? { ...rest, waitingOn: { role: awaitingRole } } : rest;
}

export function toApiError(error: unknown): ApiError | undefined {
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    const failure = error.cause;
    const details = toDetailsView(failure.details?.[0]);
    if (failure.type === REFUSAL.forbidden) return new ApiError(403, ERROR_CODES[403], failure.message, details);
    if (failure.type === REFUSAL.conflict) return new ApiError(409, ERROR_CODES[409], failure.message, details);
    if (failure.type === REFUSAL.invalidInput) {
      const field = (details as { field?: string } | undefined)?.field;
      const messageKey = (details as { messageKey?: unknown } | undefined)?.messageKey;
      return new ApiError(400, ERROR_CODES[400], failure.message, { issues: [{ field, message: failure.message }], messageKey });
    }
    if (failure.type === REFUSAL.notRecordable) {
      return new ApiError(409, REFUSAL.notRecordable, { key: 'step_not_recordable', params: { reason: failure.message } });
    }
    if (failure.type === REFUSAL.requestIdReused) return new ApiError(409, REFUSAL.requestIdReused, failure.message, details);
    if (failure.type === REFUSAL.exitCriteriaUnmet) {
      // Worded by the error handler in the caller's language, the unmet list with it.
      const { stage, unmet } = (details ?? {}) as { stage?: string; unmet?: unknown[] };
      const messageKey = { code: REFUSAL.exitCriteriaUnmet, params: { stage: String(stage), count: String(unmet?.length ?? 0) } };
      return new ApiError(409, REFUSAL.exitCriteriaUnmet, failure.message, { ...(details as object), messageKey });
    }
  }
  if (error instanceof WorkflowNotFoundError) {
    temporalCallErrors.inc({ kind: 'finished' });
    return new ApiError(409, ERROR_CODES[409], { key: 'process_finished' });
  }
  if (error instanceof ServiceError || (error as { code?: number })?.code === 14) {
    temporalCallErrors.inc({ kind: 'unavailable' });
    return new ApiError(503, ERROR_CODES[503], { key: 'process_engine_unavailable' });
  }
  return undefined;
}
