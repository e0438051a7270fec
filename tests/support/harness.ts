import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { inject } from 'vitest';
import { buildApp } from '../../api/app.js';
import { dataConverter, parsePayloadKeys } from '../../platform/payload-codec.js';
import { mintToken } from '../../api/auth.js';
import { ephemeralSigningKeys, type SigningKeys } from '../../platform/signing-key.js';
import type { Actor } from '../../workflows/roles.js';
import { createWorker } from '../../worker/create-worker.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export const JWT_SECRET = 'test-secret-test-secret-test-secret-0123456789';
/** The payload key of every test's API and worker; a client without it is a forger. */
export const PAYLOAD_KEYS_SETTING = 'test:dGVzdC1wYXlsb2FkLWtleS1mb3IteHVuY2hhLXRlc3Q=';
export const PAYLOAD_KEYS = parsePayloadKeys(PAYLOAD_KEYS_SETTING);

export interface Harness {
  app: FastifyInstance;
  database: TestDatabase;
  temporal: Client;
  taskQueue: string;
  token(actor: Actor): Promise<string>;
  /** Calls the API as `actor` (or anonymously) and returns status and parsed body. */
  call(
    actor: Actor | null,
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
  ): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The system as a test sees it: the real API (driven with inject), a real worker on
 * a task queue of its own, the run's real Temporal server and a fresh database.
 */
export async function startHarness(
  options: { historyLimit?: number; requestTimeoutMs?: number; signingKeys?: SigningKeys; rateLimitPerMinute?: number } = {},
): Promise<Harness> {
  const address = inject('temporalAddress');
  const workflowBundle = { codePath: inject('workflowBundlePath') };
  const database = await createTestDatabase();
  const signingKeys = options.signingKeys ?? ephemeralSigningKeys();
  const taskQueue = `test-${randomUUID()}`;
  const connection = await Connection.connect({ address });
  const temporal = new Client({ connection, namespace: 'default', dataConverter: dataConverter(PAYLOAD_KEYS) });
  const app = await buildApp({
    services: { db: database.app, temporal, taskQueue, historyLimit: options.historyLimit, requestTimeoutMs: options.requestTimeoutMs, signingKeys },
    auth: { secret: JWT_SECRET },
    // A test walks whole rounds as a few people in seconds; the limit's own test sets a small one.
    rateLimitPerMinute: options.rateLimitPerMinute ?? 10_000_000,
    // XUNCHA_TEST_LOG=debug shows the API's logs while a test runs.
    logger: process.env.XUNCHA_TEST_LOG ? { level: process.env.XUNCHA_TEST_LOG } : false,
  });

  let workerConnection: NativeConnection | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;

  const harness: Harness = {
    app,
    database,
    temporal,
    taskQueue,
    token: (actor) => mintToken({ secret: JWT_SECRET }, actor),
    async call(actor, method, url, body) {
      const headers: Record<string, string> = {};
      if (actor) headers.authorization = `Bearer ${await harness.token(actor)}`;
      const response = await app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body as object }) });
      const text = response.body;
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: leave the text for the assertion to show
      }
      return { status: response.statusCode, body: parsed };
    },
    async startWorker() {
      if (worker) return;
      workerConnection = await NativeConnection.connect({ address });
      worker = await createWorker({
        connection: workerConnection,
        namespace: 'default',
        taskQueue,
        db: database.app,
        workflowBundle,
        payloadKeys: PAYLOAD_KEYS,
        signingKeys,
      });
      running = worker.run();
    },
    async stopWorker() {
      if (!worker) return;
      worker.shutdown();
      await running;
      await workerConnection?.close();
      worker = undefined;
      workerConnection = undefined;
    },
    async close() {
      await harness.stopWorker();
      await app.close();
      await connection.close();
      await database.drop();
    },
  };
  await harness.startWorker();
  return harness;
}
