import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * Where the `temporal` CLI (dev server and Web UI in one binary) comes from. No
 * Temporal server ships on npm and the SDK's downloader needs the internet, so we
 * look in order: TEMPORAL_CLI_PATH, PATH, our cache, then build it with Go.
 */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
// The newest tag whose go.mod has no `replace` directive; later ones refuse `go install`.
export const TEMPORAL_CLI_VERSION = 'v1.5.1';

export type TemporalCliSource =
  | { kind: 'path'; path: string; foundVia: 'TEMPORAL_CLI_PATH' | 'PATH' | 'cache' | 'go build' }
  /** Nothing local and no Go: let the SDK download its pinned dev server (needs internet). */
  | { kind: 'sdk-download' };

export function temporalCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'xuncha', 'temporal');
}

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

export async function resolveTemporalCli(
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<TemporalCliSource> {
  if (env.TEMPORAL_CLI_PATH) {
    if (!isExecutable(env.TEMPORAL_CLI_PATH)) {
      throw new Error(`TEMPORAL_CLI_PATH=${env.TEMPORAL_CLI_PATH} is not an executable file`);
    }
    return { kind: 'path', path: env.TEMPORAL_CLI_PATH, foundVia: 'TEMPORAL_CLI_PATH' };
  }
  const fromPath = onPath('temporal', env);
  if (fromPath) return { kind: 'path', path: fromPath, foundVia: 'PATH' };

  const cacheDir = temporalCacheDir(env);
  const cached = join(cacheDir, 'temporal');
  if (isExecutable(cached)) return { kind: 'path', path: cached, foundVia: 'cache' };

  const go = onPath('go', env);
  if (go) {
    mkdirSync(cacheDir, { recursive: true });
    log(`xuncha: building the Temporal CLI ${TEMPORAL_CLI_VERSION} with Go into ${cacheDir}`);
    log('xuncha: this happens once and takes a few minutes; later starts reuse the binary');
    await run(go, ['install', `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`], { ...env, GOBIN: cacheDir });
    if (!isExecutable(cached)) throw new Error(`go install finished but ${cached} is missing`);
    log(`xuncha: Temporal CLI ready at ${cached}`);
    return { kind: 'path', path: cached, foundVia: 'go build' };
  }
  log('xuncha: no temporal binary and no Go toolchain: falling back to the SDK download (needs internet)');
  return { kind: 'sdk-download' };
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    // The Go build's own output goes to our stderr, so a newcomer sees it working and a
    // caller capturing our stdout (the binary's path) gets nothing else.
    const child = spawn(command, args, { env, stdio: ['ignore', 2, 2] });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`)),
    );
  });
}
