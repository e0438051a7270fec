import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { commonErrors } from '../errors.js';
import type { OidcClientConfig } from '../oidc.js';
import { role } from '../schemas.js';

export interface ConsoleConfigOptions {
  /** Whether `npm start` offers its demo people (its own secret only). */
  demo: boolean;
  oidc?: OidcClientConfig;
}

const consoleConfig = z
  .object({
    signIn: z.object({
      demo: z.boolean().describe('the demo people are offered at /demo/people (only `npm start` on its own secret)'),
      oidc: z
        .object({
          issuer: z.string().describe('the OpenID provider (OIDC_ISSUER); the console reads its discovery document'),
          clientId: z.string().describe('the console\'s public client at the provider (OIDC_CLIENT_ID)'),
          scope: z.string().describe('the scopes the console asks for (OIDC_SCOPE)'),
        })
        .nullable()
        .describe('sign-in at the organisation\'s identity provider (authorization code with PKCE); null when not configured'),
    }),
  })
  .describe('The console\'s public configuration: which ways to sign in are open. Never holds a secret.');

/**
 * What the built console learns at run time instead of at build time, so one build
 * serves every deployment: which sign-in it offers and where the provider is.
 */
export const consoleConfigRoutes: FastifyPluginAsyncZod<ConsoleConfigOptions> = async (app, options) => {
  const answer = {
    signIn: {
      demo: options.demo,
      oidc: options.oidc ? { issuer: options.oidc.issuer, clientId: options.oidc.clientId, scope: options.oidc.scope } : null,
    },
  };
  app.get(
    '/console-config',
    {
      schema: {
        summary: 'How the console signs people in (no token needed; read by the console before sign-in, written by the deployment\'s settings)',
        tags: ['sign-in'],
        security: [],
        response: { 200: consoleConfig },
      },
    },
    async () => answer,
  );
};

const person = z
  .object({
    sub: z.string().describe('the person\'s id at the identity provider, as every step records it'),
    name: z.string(),
    roles: z.array(role).describe('the roles xuncha knows, as read from the token\'s roles claim'),
  })
  .describe('The caller as the API reads their token.');

/** Who the token says the caller is, as the API reads it: the console shows this, not its own reading of the token. */
export const meRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/me',
    {
      schema: {
        summary: 'The signed-in person: id, name and roles as the API reads the token (any role; read by the console after sign-in)',
        tags: ['sign-in'],
        response: { 200: person, ...commonErrors },
      },
    },
    async (request) => ({ sub: request.actor.sub, name: request.actor.name, roles: request.actor.roles }),
  );
};
