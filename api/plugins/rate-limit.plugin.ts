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
  zh: (seconds: number) => `请求过于频繁，请 ${seconds} 秒后重试`,
  en: (seconds: number) => `too many requests; try again in ${seconds} s`,
};

/**
 * One allowance per person across every route of the scope it is registered in, and
 * one per address for requests without a valid token. Its hook is the scope's own and
 * is registered before the auth plugin's, so it runs first: failed sign-ins count
 * against their address too (a token guesser is slowed, not only a signed-in person).
 * (@fastify/rate-limit's `global` mode hooks each route, which runs after the scope's
 * hooks, i.e. after authentication has already answered 401.)
 *
 * The key is the `sub` of a token whose signature holds, never of one merely decoded:
 * otherwise anyone could write a token naming someone else and use up that person's
 * allowance. That verifies the token a second time (the auth plugin verifies it again
 * for the route); an HS256 check costs microseconds, and a JWKS key is cached.
 */
export const rateLimitPlugin = fp<RateLimitOptions>(
  async (app, options) => {
    const verify = createTokenVerifier(options.auth);
    await app.register(rateLimit, { global: false });
    const limit = app.createRateLimit({
      max: options.perMinute,
      timeWindow: 60_000,
      keyGenerator: async (request) => {
        const token = request.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
        if (token) {
          try {
            return `sub:${(await verify(token)).sub}`;
          } catch {
            // Not a token we accept: counted by its address, and refused by the auth plugin.
          }
        }
        return `ip:${request.ip}`;
      },
    });
    app.addHook('onRequest', async (request, reply) => {
      const verdict = await limit(request);
      // `isAllowed` only says the key is exempt; whether this request is one too many is `isExceeded`.
      if (verdict.isAllowed || !verdict.isExceeded) return;
      const seconds = Math.max(1, verdict.ttlInSeconds);
      void reply.header('retry-after', String(seconds));
      throw new ApiError(429, ERROR_CODES[429], MESSAGES[languageOf(request)](seconds), { limit: verdict.max, retryAfterSeconds: seconds });
    });
    // Every limited route may answer 429: the OpenAPI document says so, and the fuzzer holds it to it.
    app.addHook('onRoute', (route) => {
      const response = route.schema?.response as Record<number, unknown> | undefined;
      if (response && !response[429]) response[429] = errorResponse;
    });
  },
  { name: 'xuncha-rate-limit' },
);
