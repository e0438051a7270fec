import fp from 'fastify-plugin';
import { AuthError, AuthUnavailableError, createTokenVerifier, type AuthConfig } from '../auth.js';
import { ApiError, ERROR_CODES } from '../errors.js';

/** Every route registered after this, in the same scope, requires a bearer token. */
export const authPlugin = fp<AuthConfig>(
  async (app, config) => {
    const verify = createTokenVerifier(config);
    app.decorateRequest('actor', null as never);
    app.addHook('onRequest', async (request) => {
      const header = request.headers.authorization;
      const token = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
      if (!token) throw new ApiError(401, ERROR_CODES[401], { key: 'token_missing' });
      try {
        request.actor = await verify(token);
      } catch (error) {
        if (error instanceof AuthError) throw new ApiError(401, ERROR_CODES[401], error.said);
        if (error instanceof AuthUnavailableError) throw new ApiError(503, ERROR_CODES[503], { key: 'identity_provider_unavailable', params: { reason: error.message } });
        throw error;
      }
    });
  },
  { name: 'auth' },
);
