import rateLimit from '@fastify/rate-limit';
import fp from 'fastify-plugin';
import { createTokenVerifier, type AuthConfig } from '../auth.js';
import { ApiError, ERROR_CODES, errorResponse } from '../errors.js';
import { languageOf } from '../messages.js';

/** Requests one person (or one address without a valid token) may make per minute, unless configured. */
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 600;

export interface RateLimitOptions {
  perMinute: number;
  auth: AuthConfig;
}

const MESSAGES = {
  zh: (after: string) => `请求过于频繁，请在 ${after} 后重试`,
  en: (after: string) => `too many requests; try again in ${after}`,
};

/**
 * One allowance per person across every route of the scope it is registered in, and
 * one per address for requests without a valid token. It runs before authentication,
 * so failed sign-ins count against their address too (a token guesser is slowed, not
 * only a signed-in person).
 *
 * The key is the `sub` of a token whose signature holds, never of one merely decoded:
 * otherwise anyone could write a token naming someone else and use up that person's
 * allowance. That verifies the token a second time (the auth plugin verifies it again
 * for the route); an HS256 check costs microseconds, and a JWKS key is cached.
 */
export const rateLimitPlugin = fp<RateLimitOptions>(
  async (app, options) => {
    const verify = createTokenVerifier(options.auth);
    await app.register(rateLimit, {
      global: true,
      max: options.perMinute,
      timeWindow: 60_000,
      keyGenerator: async (request) => {
        const token = request.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
        if (token) {
          try {
            return `sub:${(await verify(token)).sub}`;
          } catch {
            // Not a token we accept: the request is counted by its address and refused by the auth plugin.
          }
        }
        return `ip:${request.ip}`;
      },
      errorResponseBuilder: (request, context) =>
        new ApiError(429, ERROR_CODES[429], MESSAGES[languageOf(request)](context.after), {
          limit: context.max,
          retryAfterSeconds: Math.ceil(context.ttl / 1000),
        }),
    });
    // Every limited route may answer 429: the OpenAPI document says so, and the fuzzer holds it to it.
    app.addHook('onRoute', (route) => {
      const response = route.schema?.response as Record<number, unknown> | undefined;
      if (response && !response[429]) response[429] = errorResponse;
    });
  },
  { name: 'xuncha-rate-limit' },
);
