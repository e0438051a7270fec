import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { generatePayloadKey } from '../platform/payload-codec.js';
import { apiSettings, devSettings, loadSettings, SettingsError, workerSettings } from '../platform/settings.js';
import { clientTlsEnv, makeTemporalCertificates } from '../platform/temporal-tls.js';

const run = promisify(execFile);
const KEY = generatePayloadKey('k1');
const root = fileURLToPath(new URL('..', import.meta.url));

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
  throw new Error('expected a SettingsError');
}

describe('settings', () => {
  it('fill the documented defaults', () => {
    const settings = loadSettings(devSettings, {});
    expect(settings).toMatchObject({
      DATA_DIR: './.data',
      TEMPORAL_NAMESPACE: 'default',
      TASK_QUEUE: 'xuncha',
      PORT: 3000,
      HOST: '127.0.0.1',
      TEMPORAL_PORT: 7233,
      TEMPORAL_UI_PORT: 8233,
    });
    expect(settings.DATABASE_URL).toBeUndefined();
    expect(settings.TEMPORAL_ADDRESS).toBeUndefined();
  });

  it('name each malformed variable and its value', () => {
    const problems = problemsOf(() =>
      loadSettings(devSettings, {
        PORT: 'eighty',
        DATABASE_URL: 'mysql://root@localhost/x',
        TEMPORAL_ADDRESS: 'localhost',
        JWT_SECRET: 'short',
        LOG_LEVEL: 'loud',
      }),
    );
    expect(problems).toHaveLength(5);
    expect(problems.join('\n')).toMatch(/^PORT="eighty": /m);
    expect(problems.join('\n')).toMatch(/^DATABASE_URL="mysql:\/\/root@localhost\/x": must be a postgres/m);
    expect(problems.join('\n')).toMatch(/^TEMPORAL_ADDRESS="localhost": must be host:port/m);
    expect(problems.join('\n')).toMatch(/^JWT_SECRET=.*at least 32/m);
    expect(problems.join('\n')).toMatch(/^LOG_LEVEL=/m);
  });

  it('require a way to verify tokens for the API, and treat empty values as unset', () => {
    expect(problemsOf(() => loadSettings(apiSettings, { JWT_SECRET: '', PAYLOAD_KEYS: KEY, SIGNING_KEY_FILE: 'k.json' }))).toEqual([
      'JWT_SECRET: set JWT_SECRET, JWKS_URL or OIDC_ISSUER',
    ]);
    expect(
      loadSettings(workerSettings, { TASK_QUEUE: 'q', DATABASE_URL: 'postgres://a:b@h:5432/d', PAYLOAD_KEYS: KEY, SIGNING_KEY_FILE: 'k.json' }),
    ).toMatchObject({ TASK_QUEUE: 'q' });
  });

  it('refuse to start the API or a worker without a payload key, and name a malformed one', () => {
    for (const schema of [apiSettings, workerSettings]) {
      expect(problemsOf(() => loadSettings(schema, { JWT_SECRET: 'x'.repeat(40), SIGNING_KEY_FILE: 'k.json' }))).toEqual([expect.stringMatching(/^PAYLOAD_KEYS: set PAYLOAD_KEYS or PAYLOAD_KEYS_FILE/)]);
    }
    expect(problemsOf(() => loadSettings(workerSettings, { PAYLOAD_KEYS: 'k1:c2hvcnQ=', SIGNING_KEY_FILE: 'k.json' }))).toEqual([expect.stringMatching(/^PAYLOAD_KEYS=.*must be 32 bytes/)]);
    expect(problemsOf(() => loadSettings(workerSettings, { PAYLOAD_KEYS_FILE: '/nonexistent/keys', SIGNING_KEY_FILE: 'k.json' }))).toEqual([
      expect.stringMatching(/^PAYLOAD_KEYS_FILE=.*cannot be used/),
    ]);
    // npm start generates one into DATA_DIR instead.
    expect(loadSettings(devSettings, {}).PAYLOAD_KEYS).toBeUndefined();
  });

  it('take a Temporal client certificate only with its key, and only as readable PEM files', () => {
    const certificates = makeTemporalCertificates(join(mkdtempSync(join(tmpdir(), 'xuncha-settings-tls-')), 'tls'));
    const worker = { DATABASE_URL: 'postgres://a:b@h:5432/d', PAYLOAD_KEYS: KEY, SIGNING_KEY_FILE: 'k.json' };
    const tls = clientTlsEnv(certificates);
    expect(loadSettings(workerSettings, { ...worker, ...tls })).toMatchObject(tls);
    expect(problemsOf(() => loadSettings(workerSettings, { ...worker, TEMPORAL_TLS_CERT: certificates.clientCert }))).toEqual([
      expect.stringMatching(/^TEMPORAL_TLS_KEY: TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together/),
    ]);
    expect(problemsOf(() => loadSettings(apiSettings, { ...worker, JWT_SECRET: 'x'.repeat(40), TEMPORAL_TLS_CA: '/nonexistent/ca.pem' }))).toEqual([
      expect.stringMatching(/^TEMPORAL_TLS_CA=.*cannot be read: ENOENT/),
    ]);
    // An encrypted key would fail only at the first connection: the SDK cannot ask for its passphrase.
    const encrypted = join(certificates.dir, 'encrypted.key');
    writeFileSync(encrypted, '-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n');
    expect(problemsOf(() => loadSettings(workerSettings, { ...worker, TEMPORAL_TLS_CERT: certificates.clientCert, TEMPORAL_TLS_KEY: encrypted }))).toEqual([
      expect.stringMatching(/^TEMPORAL_TLS_KEY=.*holds an encrypted private key/),
    ]);
    // A key where the certificate belongs is named, not found out at the first connection.
    expect(problemsOf(() => loadSettings(workerSettings, { ...worker, TEMPORAL_TLS_CERT: certificates.clientKey, TEMPORAL_TLS_KEY: certificates.clientKey }))).toEqual([
      expect.stringMatching(/^TEMPORAL_TLS_CERT=.*is not a PEM file holding a certificate/),
    ]);
  });

  it('stop the API process with one line naming the bad variable', async () => {
    const failure = await run('npx', ['tsx', 'api/server.ts'], {
      cwd: root,
      env: { ...process.env, PORT: '99999', JWT_SECRET: 'x'.repeat(40), DATABASE_URL: 'postgres://a:b@127.0.0.1:1/none', PAYLOAD_KEYS: KEY, SIGNING_KEY_FILE: 'k.json' },
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^xuncha: invalid configuration: PORT="99999": /)]);
  });

  it('stop the worker without DATABASE_URL, saying why', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PAYLOAD_KEYS: KEY, SIGNING_KEY_FILE: 'k.json' };
    // CI's PostgreSQL tier also names the schema's owner: without DATABASE_URL that is a second complaint.
    delete env.DATABASE_URL;
    delete env.DATABASE_OWNER_URL;
    const failure = await run('npx', ['tsx', 'worker/main.ts'], { cwd: root, env }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr.trim()).toMatch(/^xuncha: invalid configuration: DATABASE_URL: is required/);
  });
});
