import type { Client } from '@temporalio/client';
import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { AttachmentLimits } from '../attachments.service.js';
import type { AttachmentStore } from '../attachments-store.js';
import type { SigningKeys } from '../../platform/signing-key.js';
import type { Actor } from '../../workflows/roles.js';

export interface Services {
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
  /** How long a request waits for the workflow to answer before a 503 (default 30 s). */
  requestTimeoutMs?: number;
  /** Workflow history events after which an inspection continues as new (default 2000). */
  historyLimit?: number;
  /** Evidence files: size limits (default 50 MB a file, 2 GB an inspection) and where bytes go (default the database). */
  attachments?: Partial<AttachmentLimits> & { store?: AttachmentStore };
  /** The published checkpoint keys (SIGNING_KEY_FILE): what verify checks signatures with. */
  signingKeys?: SigningKeys;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
  interface FastifyRequest {
    /** Set by the auth hook on every /api route; absent on public ones. */
    actor: Actor;
  }
}

/**
 * Makes the database and Temporal client reachable from every route. Their owner
 * (the process entry point or a test) opens and closes them, not the app.
 */
export const servicesPlugin = fp<Services>(
  async (app, services) => {
    app.decorate('services', services);
  },
  { name: 'services' },
);
