// Builds the web console into web/dist (Vite, in a child process so its memory leaves
// with it) and writes a brotli and a gzip twin of each text file for the server to send
// as they are. `npm start` calls ensureConsoleBuilt; `npm run build:web` forces a build.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const repo = resolve(fileURLToPath(import.meta.url), '../..');
export const consoleDist = join(repo, 'web/dist');

// What the bundle is made of: its sources, the stage model it imports, its build settings.
const SOURCES = ['web/src', 'web/index.html', 'web/public', 'workflows/stages.ts', 'workflows/roles.ts', 'vite.config.ts', 'package-lock.json', 'scripts/web-build.ts'];

function newestMtime(path: string): number {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** Missing, or older than any of its sources. */
export function consoleIsStale(): boolean {
  const built = newestMtime(join(consoleDist, 'index.html'));
  return built === 0 || SOURCES.some((source) => newestMtime(join(repo, source)) > built);
}

export async function buildConsole(): Promise<void> {
  const vite = join(repo, 'node_modules/vite/bin/vite.js');
  await new Promise<void>((done, fail) => {
    // Always a production bundle: started from a test run, the inherited NODE_ENV=test would
    // give React's development build and antd's fixed test ids (every dialog named alike).
    const env = { ...process.env, NODE_ENV: 'production' };
    const child = spawn(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: repo, stdio: 'inherit', env });
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`building the console failed (vite exited with ${code})`))));
  });
  precompress(consoleDist);
}

function precompress(dir: string): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      precompress(path);
      continue;
    }
    if (!/\.(js|css|html|svg|json|txt)$/.test(name)) continue;
    const content = readFileSync(path);
    writeFileSync(`${path}.br`, brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
    writeFileSync(`${path}.gz`, gzipSync(content, { level: 9 }));
  }
}

/** Builds the console when its build is missing or stale; answers where it is. */
export async function ensureConsoleBuilt(say: (line: string) => void = () => {}): Promise<string> {
  if (consoleIsStale()) {
    say('xuncha: building the web console…');
    await buildConsole();
  }
  return consoleDist;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await buildConsole();
  process.stdout.write(`console built into ${consoleDist}\n`);
}
