import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../api/app.js';
import { mintToken } from '../api/auth.js';
import { serveMetrics } from '../platform/metrics.js';
import { startHarness, JWT_SECRET, type Harness } from './support/harness.js';
import { office } from './support/people.js';
import { launchRound } from './support/walk.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('what an operator sees', () => {
  it('serves Prometheus metrics per route pattern and status on a port of its own', async () => {
    const round = await launchRound(h);
    await h.call(office, 'GET', `/api/v1/inspections/${round.inspections[0].id}`);
    await h.call(office, 'GET', '/api/v1/inspections/not-a-uuid');
    const server = await serveMetrics(0, '127.0.0.1');
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const scraped = await fetch(`${base}/metrics`);
      expect(scraped.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await scraped.text();
      expect(text).toMatch(/xuncha_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/inspections\/:id",status_code="200"\} [1-9]/);
      expect(text).toMatch(/xuncha_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/inspections\/:id",status_code="400"\} [1-9]/);
      // One series per route, however many inspections: no id ever becomes a label.
      expect(text).not.toContain(round.inspections[0].id);
      expect(text).toContain('xuncha_temporal_call_errors_total');
      expect(text).toContain('xuncha_nodejs_heap_size_used_bytes');
      expect((await fetch(`${base}/elsewhere`)).status).toBe(404);
    } finally {
      server.close();
    }
  });

  it('logs one JSON line per request with its id, the caller, the route, the status and the time', async () => {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const app = await buildApp({
      services: { db: h.database.db, temporal: h.temporal, taskQueue: h.taskQueue },
      auth: { secret: JWT_SECRET },
      logger: { level: 'info', stream },
    });
    try {
      const answer = await app.inject({
        method: 'GET',
        url: '/api/v1/rounds',
        headers: { authorization: `Bearer ${await mintToken({ secret: JWT_SECRET }, office)}`, 'x-request-id': 'trace-me-1' },
      });
      expect(answer.statusCode).toBe(200);
      const forRequest = lines.filter((l) => l.reqId === 'trace-me-1');
      expect(forRequest).toHaveLength(1);
      expect(forRequest[0]).toMatchObject({ route: '/api/v1/rounds', method: 'GET', status: 200, sub: office.sub, msg: 'request' });
      expect(typeof forRequest[0]!.ms).toBe('number');
      expect(typeof forRequest[0]!.time).toBe('number');
    } finally {
      await app.close();
    }
  });
});
