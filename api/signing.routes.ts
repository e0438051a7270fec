import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { commonErrors } from './errors.js';

const signingKeyView = z.object({
  id: z.string().describe('the keyId a checkpoint names'),
  algorithm: z.literal('Ed25519'),
  createdAt: z.iso.datetime(),
  publicKey: z.string().describe('SPKI, PEM'),
  current: z.boolean().describe('the key that signs new checkpoints; the others signed earlier ones and are kept after a rotation'),
});

/** The public halves of the checkpoint keys: what anyone checking a signature outside xuncha needs. */
export const signingRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/signing-keys',
    {
      schema: {
        summary:
          'The public Ed25519 keys that sign the checkpoints verify checks, current first, earlier ones kept. Readers: everyone signed in; written by nobody (the key file, SIGNING_KEY_FILE)',
        tags: ['history'],
        response: { 200: z.object({ keys: z.array(signingKeyView) }), ...commonErrors },
      },
    },
    async () => ({
      keys: (app.services.signingKeys?.publicKeys ?? []).map((k) => ({ id: k.id, algorithm: 'Ed25519' as const, createdAt: k.createdAt, publicKey: k.publicKey, current: k.current })),
    }),
  );
};
