import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mintToken } from '../../../api/auth.js';
import type { ApiCall } from '../../../platform/sample-stage-work.js';
import type { Actor } from '../../../workflows/roles.js';

const repo = resolve(fileURLToPath(import.meta.url), '../../../..');

export interface RunningSystem {
  url: string;
  dataDir: string;
  /** The all-in-one process itself (not the Temporal dev server it starts as its own child). */
  pid: number;
  /** The HS256 secret `npm start` generated for this data dir: tests mint tokens with it (empty with an identity provider). */
  secret: string;
  /** Calls the API as `actor`, as any client would. */
  call: ApiCall;
  /** What the system has written to its stdout and stderr so far: a failing test's best witness. */
  log(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/** `npm start`'s node arguments from package.json (its heap cap included), so the system here is the one people start. */
function startCommandArgs(): string[] {
  const script = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start!;
  const [command, ...args] = script.split(/\s+/);
  if (command !== 'node') throw new Error(`package.json's start script should run node directly (one process, its own pid), not ${command}`);
  return args;
}

/**
 * Starts the whole system the way `npm start` does (scripts/start.ts: the embedded
 * Temporal dev server, PGlite, the worker, the API and the console, building it when
 * stale) in a fresh data dir on free ports, and waits until it says it is running.
 */
export async function startSystem(options: { port?: number; env?: Record<string, string> } = {}): Promise<RunningSystem> {
  const dataDir = mkdtempSync(join(tmpdir(), 'xuncha-web-'));
  const [port, temporalPort, uiPort] = [options.port ?? (await freePort()), await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), TEMPORAL_PORT: String(temporalPort), TEMPORAL_UI_PORT: String(uiPort), RATE_LIMIT_PER_MINUTE: '10000000' };
  // The embedded defaults, whatever the shell running the tests has set; then the test's own.
  for (const name of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'JWT_SECRET', 'JWKS_URL', 'JWT_ISSUER', 'JWT_AUDIENCE', 'OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_ROLES_CLAIM', 'OIDC_SCOPE']) delete env[name];
  Object.assign(env, options.env);
  const child: ChildProcess = spawn(process.execPath, startCommandArgs(), { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((done, fail) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ctrl-C stops everything.')) done();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => fail(new Error(`npm start exited with ${code} before it was running:\n${output}`)));
  });
  const secretFile = join(dataDir, 'jwt-secret');
  const secret = existsSync(secretFile) ? readFileSync(secretFile, 'utf8').trim() : '';
  const url = `http://127.0.0.1:${port}`;
  const call: ApiCall = async (actor, method, path, body) => {
    const token = await mintToken({ secret }, actor);
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    url,
    dataDir,
    pid: child.pid!,
    secret,
    call,
    log: () => output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGINT');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const tokenFor = (system: RunningSystem, actor: Actor, expiresIn?: string) => mintToken({ secret: system.secret }, actor, { expiresIn });
