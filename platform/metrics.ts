import { createServer, type Server } from 'node:http';
import { collectDefaultMetrics, Counter, Histogram, register, type Metric } from 'prom-client';

/**
 * What an operator scrapes from an API process (Prometheus text format). Metrics are
 * per process, so they live in prom-client's process-wide registry; a process that
 * builds several apps (the tests) shares them instead of registering a name twice.
 */
function once<M extends Metric>(name: string, make: () => M): M {
  return (register.getSingleMetric(name) as M | undefined) ?? make();
}

export const httpRequestDuration = once(
  'xuncha_http_request_duration_seconds',
  () =>
    new Histogram({
      name: 'xuncha_http_request_duration_seconds',
      help: 'API requests by method, route pattern and status, with their duration',
      labelNames: ['method', 'route', 'status_code'] as const,
      // Transitions wait on Temporal: most take tens of milliseconds, a stall takes seconds.
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    }),
);

/** Calls to Temporal that did not end in an answer from the workflow, by why. */
export type TemporalCallError = 'unavailable' | 'unanswered' | 'finished' | 'unexpected';

export const temporalCallErrors = once(
  'xuncha_temporal_call_errors_total',
  () =>
    new Counter({
      name: 'xuncha_temporal_call_errors_total',
      help: 'Calls from the API to Temporal that failed: unavailable (server unreachable), unanswered (no worker answered in time), finished (the workflow had ended), unexpected',
      labelNames: ['kind'] as const,
    }),
);

let defaultsCollected = false;

/** Node's own figures (heap, event-loop lag, handles) beside ours, collected once per process. */
export function collectProcessMetrics(): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  collectDefaultMetrics({ prefix: 'xuncha_' });
}

/**
 * Serves `/metrics` on a port of its own, apart from the API: scraping needs no token
 * and the figures say nothing about inspections, but they are for the operator's
 * network, not the one the API is published on.
 */
export async function serveMetrics(port: number, host: string): Promise<Server> {
  collectProcessMetrics();
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    register.metrics().then(
      (body) => response.writeHead(200, { 'content-type': register.contentType }).end(body),
      (error: unknown) => response.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return server;
}
