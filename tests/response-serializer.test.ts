import Fastify from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { registerErrorHandling } from '../api/errors.js';
import { serializerCompiler } from '../api/response-serializer.js';

/** A Fastify app as the API sets it up, with one route answering whatever the test hands it. */
async function answering(body: unknown) {
  const app = Fastify().withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  const step = z.object({ kind: z.literal('talk'), with: z.string() }).or(z.object({ kind: z.literal('review'), documents: z.array(z.string()) }));
  app.get('/x', { schema: { response: { 200: z.object({ id: z.uuid(), leader: z.string().nullable(), steps: z.array(step), counts: z.record(z.string(), z.number()), note: z.string().optional() }) } } }, async () => body as never);
  return app.inject({ method: 'GET', url: '/x' });
}

describe('answers written from the declared response schema', () => {
  it('writes the declared properties and nothing else, each union member with its own, and a map whole', async () => {
    const answer = await answering({
      id: '8a4b5c2e-1d3f-4a6b-9c8d-7e6f5a4b3c2d',
      leader: null,
      steps: [{ kind: 'talk', with: '王局长', secret: 'x' }, { kind: 'review', documents: ['会议纪要'] }],
      counts: { talk: 1, review: 1 },
      passwordHash: 'never sent',
    });
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({
      id: '8a4b5c2e-1d3f-4a6b-9c8d-7e6f5a4b3c2d',
      leader: null,
      steps: [{ kind: 'talk', with: '王局长' }, { kind: 'review', documents: ['会议纪要'] }],
      counts: { talk: 1, review: 1 },
    });
  });

  it('refuses to send an answer missing a required property: a 500 in the one error shape', async () => {
    const answer = await answering({ id: '8a4b5c2e-1d3f-4a6b-9c8d-7e6f5a4b3c2d', steps: [], counts: {} });
    expect(answer.statusCode).toBe(500);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'internal' });
    expect(answer.body).not.toContain('leader');
  });
});
