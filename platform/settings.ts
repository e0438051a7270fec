import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_TASK_QUEUE } from '../workflows/messages.js';
import { parsePayloadKeys } from './payload-codec.js';

/**
 * Every environment variable the processes read. The README's configuration table
 * lists the same names; each entry point parses the part it needs at startup and
 * stops with one line naming the variable when a value is missing or malformed.
 */
const port = z.coerce.number().int().min(1).max(65535);
const postgresUrl = z
  .string()
  .url()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), 'must be a postgres:// or postgresql:// URL');

/** A path to a readable PEM file holding `label` (a certificate, a private key). */
function pemFile(label: string) {
  return z
    .string()
    .min(1)
    .superRefine((path, ctx) => {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
        return;
      }
      if (!new RegExp(`-----BEGIN [A-Z ]*${label}-----`).test(text)) ctx.addIssue({ code: 'custom', message: `is not a PEM file holding a ${label.toLowerCase()}` });
      // The SDK cannot ask for a passphrase: an encrypted key would fail only at the first connection.
      else if (text.includes('-----BEGIN ENCRYPTED')) ctx.addIssue({ code: 'custom', message: `holds an encrypted ${label.toLowerCase()}: the processes need it unencrypted (protect the file instead)` });
    });
}

export const databaseSettings = z.object({
  DATABASE_URL: postgresUrl.optional(),
  /** The schema's owner, for migrations; DATABASE_URL's role then gets only what the code needs. */
  DATABASE_OWNER_URL: postgresUrl.optional(),
  DATA_DIR: z.string().min(1).default('./.data'),
});

export const temporalSettings = z.object({
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^\s:]+:\d+$/, 'must be host:port')
    .optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TASK_QUEUE: z.string().min(1).default(DEFAULT_TASK_QUEUE),
  // Mutual TLS to a frontend that requires it (platform/temporal-tls.ts); the same names the `temporal` CLI reads.
  TEMPORAL_TLS_CA: pemFile('CERTIFICATE').optional(),
  TEMPORAL_TLS_CERT: pemFile('CERTIFICATE').optional(),
  TEMPORAL_TLS_KEY: pemFile('PRIVATE KEY').optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).max(253).optional(),
});

/** A certificate without its key (or the reverse) would fail only at the first connection: say so at startup. */
export const temporalTlsPaired = {
  check: (s: { TEMPORAL_TLS_CERT?: string; TEMPORAL_TLS_KEY?: string }) => Boolean(s.TEMPORAL_TLS_CERT) === Boolean(s.TEMPORAL_TLS_KEY),
  message: { message: 'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together: the client certificate and its private key', path: ['TEMPORAL_TLS_KEY'] },
};

const payloadKeys = z.string().superRefine((value, ctx) => {
  try {
    parsePayloadKeys(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

/** The keys sealing every Temporal payload (platform/payload-codec.ts): the API and every worker share them. */
export const payloadKeySettings = z.object({
  PAYLOAD_KEYS: payloadKeys.optional(),
  PAYLOAD_KEYS_FILE: z
    .string()
    .min(1)
    .superRefine((path, ctx) => {
      try {
        parsePayloadKeys(readFileSync(path, 'utf8'));
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `cannot be used: ${(error as Error).message}` });
      }
    })
    .optional(),
});

/** Outside `npm start` nobody generates a key: Temporal would otherwise hold requests anyone can forge. */
const payloadKeyRequired = {
  check: (s: { PAYLOAD_KEYS?: string; PAYLOAD_KEYS_FILE?: string }) => Boolean(s.PAYLOAD_KEYS || s.PAYLOAD_KEYS_FILE),
  message: {
    message: 'set PAYLOAD_KEYS or PAYLOAD_KEYS_FILE (id:base64 of 32 random bytes, e.g. k1:$(openssl rand -base64 32)), the same for the API and every worker',
    path: ['PAYLOAD_KEYS'],
  },
};

export const authSettings = z.object({
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWKS_URL: z.string().url().optional(),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).optional(),
  /** An OpenID provider people sign in at from the console (authorization code with PKCE). */
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  /** Where in the provider's access token the roles are: a claim name or a dotted path (`realm_access.roles`). */
  OIDC_ROLES_CLAIM: z
    .string()
    .regex(/^[^.\s]+(\.[^.\s]+)*$/, 'must be a claim name or a dotted path like realm_access.roles')
    .default('roles'),
  OIDC_SCOPE: z.string().min(1).default('openid profile'),
});

export const httpSettings = z.object({
  REQUEST_TIMEOUT_SECONDS: z.coerce.number().positive().max(3600).default(30),
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // The default is api/plugins/rate-limit.plugin.ts's DEFAULT_RATE_LIMIT_PER_MINUTE (this module stays free of the API's imports).
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(10_000_000).default(600),
});

/** Where operators scrape metrics; each port unset means that exporter is off. */
export const metricsSettings = z.object({
  METRICS_PORT: port.optional(),
  TEMPORAL_METRICS_PORT: port.optional(),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
});

/** Evidence files: the largest one file may be, and what one inspection's files may take together. */
export const attachmentSettings = z.object({
  ATTACHMENT_MAX_FILE_MB: z.coerce.number().positive().max(10_240).default(50),
  ATTACHMENT_INSPECTION_QUOTA_MB: z.coerce.number().positive().max(10_485_760).default(2048),
});
/**
 * The checkpoint keys. Required outside `npm start`: a production process without one
 * would leave every closed stage unsigned (`npm run signing-key -- <file>` makes one).
 */
const signingKeyRequired = 'is required: the Ed25519 key file that signs checkpoints (npm run signing-key -- <file> makes one)';
const signingKeyFile = z.string({ error: (issue) => (issue.input === undefined ? signingKeyRequired : undefined) }).min(1, signingKeyRequired);

const tokenLifetime = (defaultHours: number) => ({
  TOKEN_MAX_LIFETIME_HOURS: z.coerce.number().positive().max(24 * 30).default(defaultHours),
});

/**
 * An identity provider's tokens must name it and us: a token minted for another service
 * is not ours to accept. With OIDC_ISSUER they default to the issuer and the client id.
 */
const identityProviderNamed = <S extends { JWKS_URL?: string; JWT_ISSUER?: string; JWT_AUDIENCE?: string; OIDC_ISSUER?: string }>(s: S) =>
  !s.JWKS_URL || Boolean(s.OIDC_ISSUER) || Boolean(s.JWT_ISSUER && s.JWT_AUDIENCE);
/** The console cannot start a sign-in at a provider without knowing which client it is there. */
const oidcClientNamed = {
  check: (s: { OIDC_ISSUER?: string; OIDC_CLIENT_ID?: string }) => !s.OIDC_ISSUER || Boolean(s.OIDC_CLIENT_ID),
  message: { message: 'is required with OIDC_ISSUER: the console signs in as this client at the provider', path: ['OIDC_CLIENT_ID'] },
};

/** The owner migrates the database DATABASE_URL names; the embedded one has a single user. */
const ownerNeedsServer: [(s: { DATABASE_URL?: string; DATABASE_OWNER_URL?: string }) => boolean, { message: string; path: string[] }] = [
  (s) => !s.DATABASE_OWNER_URL || Boolean(s.DATABASE_URL),
  { message: 'needs DATABASE_URL too: the owner migrates the database the application connects to', path: ['DATABASE_OWNER_URL'] },
];

export const apiSettings = databaseSettings
  .extend(temporalSettings.shape)
  .extend(authSettings.shape)
  .extend(httpSettings.shape)
  .extend(metricsSettings.shape)
  .extend(attachmentSettings.shape)
  .extend(tokenLifetime(12))
  .extend(payloadKeySettings.shape)
  .extend({ SIGNING_KEY_FILE: signingKeyFile })
  .refine((s) => s.JWT_SECRET || s.JWKS_URL || s.OIDC_ISSUER, { message: 'set JWT_SECRET, JWKS_URL or OIDC_ISSUER', path: ['JWT_SECRET'] })
  .refine(payloadKeyRequired.check, payloadKeyRequired.message)
  .refine(temporalTlsPaired.check, temporalTlsPaired.message)
  .refine(identityProviderNamed, { message: 'is required with JWKS_URL (and so is JWT_AUDIENCE)', path: ['JWT_ISSUER'] })
  .refine(...ownerNeedsServer)
  .refine(oidcClientNamed.check, oidcClientNamed.message);

export const workerSettings = databaseSettings
  .extend(temporalSettings.shape)
  .extend(metricsSettings.shape)
  .extend(payloadKeySettings.shape)
  .extend({ LOG_LEVEL: httpSettings.shape.LOG_LEVEL, SIGNING_KEY_FILE: signingKeyFile })
  .refine(payloadKeyRequired.check, payloadKeyRequired.message)
  .refine(temporalTlsPaired.check, temporalTlsPaired.message)
  .refine(...ownerNeedsServer);

export const devSettings = databaseSettings
  .extend(temporalSettings.shape)
  .extend(authSettings.shape)
  .extend(httpSettings.shape)
  .extend(metricsSettings.shape)
  .extend(attachmentSettings.shape)
  // npm start's demo tokens are valid for a day.
  .extend(tokenLifetime(24))
  // Unset, npm start generates a key into DATA_DIR.
  .extend(payloadKeySettings.shape)
  .extend({
    TEMPORAL_CLI_PATH: z.string().min(1).optional(),
    TEMPORAL_PORT: port.default(7233),
    TEMPORAL_UI_PORT: port.default(8233),
    /** Made in DATA_DIR when unset. */
    SIGNING_KEY_FILE: z.string().min(1).optional(),
  })
  .refine(temporalTlsPaired.check, temporalTlsPaired.message)
  .refine(identityProviderNamed, { message: 'is required with JWKS_URL (and so is JWT_AUDIENCE)', path: ['JWT_ISSUER'] })
  .refine(...ownerNeedsServer)
  .refine(oidcClientNamed.check, oidcClientNamed.message);

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'SettingsError';
  }
}

/** Parses the environment; empty strings count as unset, as shells often export them. */
export function loadSettings<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  throw new SettingsError(
    result.error.issues.map((issue) => {
      const name = issue.path.join('.') || '(environment)';
      const value = issue.path.length ? present[String(issue.path[0])] : undefined;
      return value === undefined
        ? `${name}: ${issue.message}`
        : `${name}=${JSON.stringify(value)}: ${issue.message}`;
    }),
  );
}

/** For entry points: a bad setting ends the process with one clear line, not a stack trace. */
export function loadSettingsOrExit<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  try {
    return loadSettings(schema, env);
  } catch (error) {
    if (error instanceof SettingsError) {
      process.stderr.write(`xuncha: invalid configuration: ${error.problems.join('; ')}\n`);
      process.exit(1);
    }
    throw error;
  }
}
