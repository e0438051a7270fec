import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import { isDatabaseUnavailable } from '../db/connection.js';
import { exceedsDepth, MAX_JSON_DEPTH } from './json-body.js';
import { unmetView } from './criteria-messages.js';
import { apiMessage, languageOf, localizedIssue, localizedRefusal, say, type Language, type Said } from './messages.js';

/** The one error shape every non-2xx response has. */
export const errorResponse = z
  .object({
    error: z.string().describe('a stable machine-readable code'),
    message: z.string().describe('a sentence for a person'),
    details: z
      .unknown()
      .optional()
      .describe(
        'what the refusal is about: `issues[].field` for 400; the stage, state and `waitingOn` for a 409 from the process; with exit_criteria_unmet, `unmet` lists every unmet exit criterion of the stage',
      ),
  })
  .describe('Error');
export type ErrorBody = z.infer<typeof errorResponse>;

export const ERROR_CODES = {
  400: 'invalid_input',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  500: 'internal',
  503: 'unavailable',
} as const;

/**
 * A refusal the API means to send: thrown anywhere, shaped by the error handler. Its
 * sentence is either written out (English) or said as a key of `API_MESSAGES`, worded
 * in the caller's language when the answer is sent; the English one is what logs show.
 */
export class ApiError extends Error {
  readonly said?: Said;
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string | Said,
    readonly details?: unknown,
  ) {
    super(typeof message === 'string' ? message : say(message, 'en'));
    if (typeof message !== 'string') this.said = message;
    this.name = 'ApiError';
  }
}

/**
 * A 503 for a write the process engine did not answer in time. Its cause may be the
 * database behind the worker rather than the engine, so the handler checks before it
 * names one.
 */
export class UnansweredError extends ApiError {
  constructor(message: string | Said) {
    super(503, ERROR_CODES[503], message);
    this.name = 'UnansweredError';
  }
}

/** Seconds a client is asked to wait before repeating a request refused for an outage. */
const RETRY_AFTER_SECONDS = 5;
const DATABASE_PROBE_MS = 2000;

const databaseUnavailable = (language: Language) => ({ error: 'database_unavailable', message: apiMessage('database_unavailable', language) });

/**
 * A 404 naming what was not found (`thing`, a key of the 404 vocabulary in `api/messages.ts`),
 * its id, and optionally what it belongs to, so the sentence is worded in either language.
 */
export const notFound = (thing: string, id?: string, within?: { thing: string; id: string; how?: string }) =>
  new ApiError(404, ERROR_CODES[404], {
    key: 'not_found',
    params: { thing, ...(id === undefined ? {} : { id }), ...(within ? { within: within.thing, withinId: within.id, withinHow: within.how ?? 'of' } : {}) },
  });
export const forbidden = (message: string | Said) => new ApiError(403, ERROR_CODES[403], message);
export const conflict = (message: string | Said, details?: unknown) => new ApiError(409, ERROR_CODES[409], message, details);

/** The error responses every authenticated route may give, for the OpenAPI document. */
export const commonErrors = {
  400: errorResponse,
  401: errorResponse,
  403: errorResponse,
  404: errorResponse,
  409: errorResponse,
  503: errorResponse,
} as const;

interface FieldIssue {
  field: string;
  message: string;
  /** The message as a key of `API_MESSAGES`: worded in the caller's language when sent. */
  said?: Said;
  /** A zod issue found by a service (not by a route's schema): worded by zod's locale in the caller's language when sent. */
  zod?: ZodIssueLike;
}

type ZodIssueLike = Parameters<typeof localizedIssue>[0];

/** The field issues of a failed `safeParse`, under `prefix` (`body`, `body.data`). */
export const zodFieldIssues = (prefix: string, issues: readonly z.core.$ZodIssue[]): FieldIssue[] =>
  issues.map((issue) => ({ field: [prefix, ...issue.path.map(String)].join('.'), message: issue.message, zod: issue as unknown as ZodIssueLike }));

/** A field issue said in the caller's language (`message` keeps the English, for logs). */
export const fieldIssue = <Extra extends object>(field: string, said: Said, extra?: Extra) => ({ field, message: say(said, 'en'), said, ...extra });

/**
 * PostgreSQL cannot store NUL in text or jsonb, and a lone UTF-16 surrogate is not
 * text at all (the driver would store U+FFFD, breaking the history's hashes), so
 * both are refused at the edge, naming where they were found.
 */
export function findUnstorableText(value: unknown, path: string[] = []): string | undefined {
  if (typeof value === 'string') {
    return value.includes('\u0000') || !value.isWellFormed() ? path.join('.') : undefined;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findUnstorableText(item, [...path, String(i)]);
      if (found !== undefined) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = findUnstorableText(key, [...path, key]) ?? findUnstorableText(item, [...path, key]);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

export function registerErrorHandling(app: FastifyInstance): void {
  // A merge patch (RFC 7396, PATCH of a record) is JSON too, checked the same way.
  app.addContentTypeParser(['application/json', 'application/merge-patch+json'], { parseAs: 'string' }, (_request, body, done) => {
    // Checked before parsing: a body nested thousands deep costs a scan, not a parse that
    // holds the main thread (and, deeper still, overflows the stack).
    if (exceedsDepth(body as string, MAX_JSON_DEPTH)) {
      const issue = fieldIssue('body', { key: 'nests_too_deep', params: { max: MAX_JSON_DEPTH } });
      done(new ApiError(400, ERROR_CODES[400], `invalid input: body ${issue.message}`, { issues: [issue] }), undefined);
      return;
    }
    let parsed: unknown;
    try {
      parsed = body === '' ? undefined : JSON.parse(body as string);
    } catch {
      done(new ApiError(400, ERROR_CODES[400], { key: 'body_not_json' }, { issues: [fieldIssue('body', { key: 'is_not_json' })] }), undefined);
      return;
    }
    const where = findUnstorableText(parsed, ['body']);
    if (where !== undefined) {
      const issue = fieldIssue(where || 'body', { key: 'unstorable_text' });
      done(new ApiError(400, ERROR_CODES[400], `invalid input: ${issue.field} ${issue.message}`, { issues: [issue] }), undefined);
      return;
    }
    done(null, parsed);
  });

  app.setNotFoundHandler((request, reply) => {
    void reply
      .code(404)
      .send({ error: ERROR_CODES[404], message: `${apiMessage('no_route', languageOf(request))}${request.method} ${request.url.split('?')[0]}` });
  });

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const language = languageOf(request);
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      return reply.code(503).header('retry-after', String(RETRY_AFTER_SECONDS)).send(databaseUnavailable(language));
    }
    if (error instanceof UnansweredError && !(await databaseAnswers(request.server))) {
      return reply.code(503).header('retry-after', String(RETRY_AFTER_SECONDS)).send(databaseUnavailable(language));
    }
    if (error instanceof ApiError) {
      if (error.statusCode === 503) void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      // A process refusal carries its code and parameters: worded here in the caller's language.
      let message = (error.said && say(error.said, language)) ?? localizedRefusal(error.details, language) ?? error.message;
      const details = withoutMessageKey(error.details) as { issues?: FieldIssue[]; unmet?: unknown[] } | undefined;
      if (details && Array.isArray(details.issues)) {
        if (error.statusCode === 400 && message !== error.message && !error.said) {
          details.issues = details.issues.map((i) => ({ ...i, message }));
        } else if (details.issues.some((i) => i.said || i.zod)) {
          details.issues = details.issues.map(({ said, zod, ...i }) =>
            said ? { ...i, message: say(said, language) } : zod ? { ...i, message: localizedIssue(zod, language) } : i,
          );
          if (!error.said) message = `${apiMessage('invalid_input', language)}${details.issues.map((i) => `${i.field} ${i.message}`).join('; ')}`;
        }
      }
      if (details && Array.isArray(details.unmet)) {
        details.unmet = details.unmet.map((u) => unmetView(u as Parameters<typeof unmetView>[0], language));
      }
      return reply.code(error.statusCode).send({ error: error.code, message, details });
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? 'body';
      const issues: FieldIssue[] = error.validation.map((v) => ({
        field: fieldPath(where, v.instancePath, v.params),
        message: localizedIssue({ ...(v.params as object), code: v.keyword, message: v.message ?? 'is invalid' }, language),
      }));
      return reply.code(400).send({
        error: ERROR_CODES[400],
        message: `${apiMessage('invalid_input', language)}${issues.map((i) => `${i.field} ${i.message}`).join('; ')}`,
        details: { issues },
      });
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error, issues: error.cause.issues }, 'response did not match its schema');
      return reply.code(500).send({ error: ERROR_CODES[500], message: apiMessage('internal', language) });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Fastify's own client errors: malformed JSON, wrong content type, body too large.
      const code = ERROR_CODES[status as keyof typeof ERROR_CODES] ?? 'bad_request';
      return reply.code(status).send({ error: code, message: say(fastifyRefusal(error, request.headers['content-type']), language) });
    }
    request.log.error({ err: error }, 'unhandled error');
    if (status === 503) void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    // Internals stay in the log; the client learns only that it was not its fault.
    return reply.code(status >= 500 && status < 600 ? status : 500).send({
      error: status === 503 ? ERROR_CODES[503] : ERROR_CODES[500],
      message: apiMessage(status === 503 ? 'service_unavailable' : 'internal', language),
    });
  });
}

/** Fastify's own client errors in our words: its texts are English and name its internals. */
function fastifyRefusal(error: FastifyError, contentType: string | undefined): Said {
  if (error.statusCode === 413) return { key: 'body_too_large' };
  if (error.statusCode === 415) return { key: 'media_type_unsupported', params: { type: contentType?.split(';')[0]?.trim() ?? '' } };
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return { key: 'empty_json_body' };
  return { key: 'bad_request' };
}

async function databaseAnswers(app: FastifyInstance): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      sql`select 1`.execute(app.services.db),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('no answer')), DATABASE_PROBE_MS);
      }),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

function fieldPath(where: string, instancePath: string, params: unknown): string {
  const segments = instancePath.split('/').filter(Boolean);
  // Unknown keys and missing keys report the key in params rather than the path.
  const keys = (params as { keys?: string[] } | undefined)?.keys;
  if (keys?.length) segments.push(keys.join(','));
  return [where, ...segments].join('.');
}

function withoutMessageKey(details: unknown): unknown {
  if (!details || typeof details !== 'object' || !('messageKey' in details)) return details;
  const { messageKey: _key, ...rest } = details as Record<string, unknown>;
  return rest;
}
