import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/database.js';
import { claimRequest, withIdempotency } from '../db/idempotency.repository.js';
import { ApiError } from './errors.js';

/** The optional header of every record write; `.loose()` keeps the other headers. */
export const idempotencyHeaders = z.looseObject({
  'idempotency-key': z
    .string()
    .regex(/^[\x20-\x7e]{1,200}$/, 'must be 1 to 200 printable ASCII characters')
    .optional()
    .describe(
      'makes the write safe to repeat: the same key (per caller) with the same request returns the first answer and writes nothing; with another request it is a 409',
    ),
});

/**
 * Sends the answer of `write`, which returns the body for `status`. With an
 * Idempotency-Key the write runs in a transaction that also stores that answer (so
 * `write` must do all its work through the handle it is given); without one it runs
 * as it always did.
 */
export async function sendIdempotent<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  write: (db: Kysely<Database>) => Promise<T>,
): Promise<FastifyReply> {
  const { db } = request.server.services;
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string') return reply.code(status).send(await write(db));
  const result = await withIdempotency(db, request.actor.sub, key, fingerprint(request), async (tx) => ({
    status,
    body: await write(tx),
  }));
  if (result.outcome === 'reused') {
    throw new ApiError(409, 'request_id_reused', { key: 'idempotency_key_reused' });
  }
  if (result.outcome === 'replayed') void reply.header('idempotent-replayed', 'true');
  return reply.code(result.status).send(result.body);
}

/**
 * What a request id stands for: who asked, for what, on what, with which body (its
 * keys sorted). The same id with another fingerprint is another request: 409
 * `request_id_reused`, never the first request's answer.
 */
export function requestFingerprint(actorSub: string, action: string, target: string, body: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical([actorSub, action, target, body ?? null])))
    .digest('hex');
}

/** The 409 for a request id (or Idempotency-Key) that already stands for another request. */
export function requestIdReused(requestId: string): ApiError {
  return new ApiError(409, 'request_id_reused', { key: 'request_id_reused', params: { requestId } }, {
    requestId,
  });
}

/**
 * Claims a request id sent to an inspection's workflow for this person and this request
 * before it is sent. The workflow and `request_results` only know the ids used on their
 * own inspection, so without the claim the same id reused on another inspection (or
 * for another stage, after a refusal left no result) would be taken as a new request
 * there. A repeat of the same request finds its own claim and goes on.
 */
export async function claimInspectionRequest(db: Kysely<Database>, actorSub: string, requestId: string, fingerprint: string): Promise<void> {
  const claim = await claimRequest(db, actorSub, `inspection-request:${requestId}`, fingerprint, { status: 200, body: {} });
  if (!claim.claimed && claim.fingerprint !== fingerprint) throw requestIdReused(requestId);
}

/** Method, path and body, the body with its keys sorted so their order does not matter. */
function fingerprint(request: FastifyRequest): string {
  const path = request.url.split('?')[0];
  return createHash('sha256')
    .update(JSON.stringify([request.method, path, canonical(request.body)]))
    .digest('hex');
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
