import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../api/app.js';
import { createDatabase } from '../db/connection.js';
import { JWT_SECRET, startHarness, type Harness } from './support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('GET /health', () => {
  it('is ok when it reaches both Temporal and the database', async () => {
    const response = await h.call(null, 'GET', '/health');
    expect(response).toEqual({ status: 200, body: { status: 'ok', temporal: 'ok', database: 'ok', worker: 'ok' } });
  });

  it('reports temporal: error with a 503 when Temporal is unreachable', async () => {
    // Nothing listens on port 1: the lazy connection fails when the check uses it.
    const connection = Connection.lazy({ address: '127.0.0.1:1' });
    const app = await buildApp({
      services: { db: h.database.db, temporal: new Client({ connection }), taskQueue: 'unused' },
      auth: { secret: JWT_SECRET },
    });
    try {
      const response = await app.inject({ method: 'GET', url: '/health' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({ status: 'error', temporal: 'error', database: 'ok', worker: 'unknown' });
    } finally {
      await app.close();
      await connection.close();
    }
  });

  it('reports database: error with a 503 when the database is unreachable', async () => {
    const db = createDatabase({ kind: 'postgres', url: 'postgres://nobody:nothing@127.0.0.1:1/none' });
    const app = await buildApp({
      services: { db, temporal: h.temporal, taskQueue: h.taskQueue },
      auth: { secret: JWT_SECRET },
    });
    try {
      const response = await app.inject({ method: 'GET', url: '/health' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({ status: 'error', temporal: 'ok', database: 'error', worker: 'ok' });
    } finally {
      await app.close();
      await db.destroy();
    }
  });

  it('reports worker: none with a 503 when Temporal answers but no worker polls the task queue', async () => {
    const app = await buildApp({
      services: { db: h.database.db, temporal: h.temporal, taskQueue: `nobody-polls-${Date.now()}` },
      auth: { secret: JWT_SECRET },
    });
    try {
      const response = await app.inject({ method: 'GET', url: '/health' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({ status: 'error', temporal: 'ok', database: 'ok', worker: 'none' });
    } finally {
      await app.close();
    }
  });
});

describe('the one error shape', () => {
  it('answers an unknown route, malformed JSON and a wrong content type with { error, message }', async () => {
    const unknown = await h.call(null, 'GET', '/nowhere');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: 'not_found', message: expect.any(String) });

    const token = await h.token({ sub: 'o', name: 'O', roles: ['office'] });
    const malformed = await h.app.inject({
      method: 'POST',
      url: '/api/v1/rounds',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ error: 'invalid_input', message: expect.any(String) });

    const wrongType = await h.app.inject({
      method: 'POST',
      url: '/api/v1/rounds',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' },
      payload: '<round/>',
    });
    expect(wrongType.statusCode).toBe(415);
    expect(wrongType.json()).toMatchObject({ error: 'unsupported_media_type' });
  });

  it('names every bad field of a launch', async () => {
    const response = await h.call({ sub: 'o', name: 'O', roles: ['office'] }, 'POST', '/api/v1/rounds', {
      name: '',
      year: 'twenty',
      plannedStart: '2021-13-01',
      plannedEnd: '2021-12-31',
      approvalChains: { lunch: ['office'], drafting: ['nobody'] },
      inspections: [],
    });
    expect(response.status).toBe(400);
    const fields = response.body.details.issues.map((i: { field: string }) => i.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'body.name',
        'body.year',
        'body.plannedStart',
        'body.approvalChains.lunch',
        'body.approvalChains.drafting.0',
        'body.inspections',
      ]),
    );
  });

  it('serves the OpenAPI document with every route', async () => {
    const doc = await h.call(null, 'GET', '/docs/json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/health',
        '/api/v1/rounds',
        '/api/v1/rounds/{roundId}',
        '/api/v1/rounds/{roundId}/cancel',
        '/api/v1/inspections/{id}',
        '/api/v1/inspections/{id}/submissions',
        '/api/v1/inspections/{id}/decisions',
        '/api/v1/approvals',
        '/api/v1/inspections/{id}/history',
        '/api/v1/inspections/{id}/history/temporal',
      ]),
    );
  });
});
