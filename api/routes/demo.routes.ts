import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { mintToken, type AuthConfig } from '../auth.js';
import { ApiError, ERROR_CODES, commonErrors, fieldIssue } from '../errors.js';
import { role } from '../schemas.js';
import type { Actor } from '../../workflows/roles.js';

export interface DemoOptions {
  auth: AuthConfig;
  people: readonly Actor[];
}

const demoPerson = z.object({ sub: z.string(), name: z.string(), roles: z.array(role) });

/**
 * Sign-in for the demo people, without a password. Registered only by `npm start` on
 * its own generated secret: anyone who reaches the server can become anyone listed,
 * which is the point of a demo and must never happen with a real identity provider.
 */
export const demoRoutes: FastifyPluginAsyncZod<DemoOptions> = async (app, { auth, people }) => {
  app.get(
    '/demo/people',
    {
      schema: {
        summary: 'The demo people one can sign in as (only on `npm start` with its own secret; read by the console)',
        tags: ['demo'],
        security: [],
        response: { 200: z.object({ people: z.array(demoPerson) }) },
      },
    },
    async () => ({ people: people.map(({ sub, name, roles }) => ({ sub, name, roles })) }),
  );

  app.post(
    '/demo/sessions',
    {
      schema: {
        summary: 'Sign in as a demo person: a token for them (only on `npm start` with its own secret; written by the console)',
        tags: ['demo'],
        security: [],
        body: z.object({ sub: z.string().min(1).max(200).describe('one of /demo/people') }),
        response: {
          200: z.object({ token: z.string().describe('a bearer token, valid 12 hours'), person: demoPerson }),
          ...commonErrors,
        },
      },
    },
    async (request) => {
      const person = people.find((p) => p.sub === request.body.sub);
      if (!person) {
        throw new ApiError(400, ERROR_CODES[400], 'invalid input: body.sub is not a demo person', {
          issues: [fieldIssue('body.sub', { key: 'not_a_demo_person' })],
        });
      }
      return { token: await mintToken(auth, person, { expiresIn: '12h' }), person };
    },
  );
};
