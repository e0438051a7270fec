import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isExecutable, temporalCacheDir } from './temporal-cli.js';

/**
 * Where the production Temporal server (`temporal-server`) and its schema tool
 * (`temporal-sql-tool`) come from: TEMPORAL_SERVER_PATH / TEMPORAL_SQL_TOOL_PATH, else
 * the same cache folder as the CLI, else built there with Go. v1.29.1 is the server the
 * CLI (v1.5.1) embeds, and its go.mod has no `replace` directive, so `go install` works.
 */
export const TEMPORAL_SERVER_MODULE = 'go.temporal.io/server';
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';

export interface TemporalServerBinaries {
  server: string;
  sqlTool: string;
  /** `schema/postgresql/v12` of the same module version: `temporal/versioned`, `visibility/versioned`. */
  schemaDir: string;
}

type Log = (line: string) => void;
const toStderr: Log = (line) => process.stderr.write(`${line}\n`);


function goBinary(env: NodeJS.ProcessEnv): string {
  for (const dir of (env.PATH ?? '').split(':')) {
    if (dir && isExecutable(join(dir, 'go'))) return join(dir, 'go');
  }
  throw new Error('no Go toolchain on PATH: Go builds the Temporal server (or set TEMPORAL_SERVER_PATH, TEMPORAL_SQL_TOOL_PATH and TEMPORAL_SCHEMA_DIR)');
}

export async function resolveTemporalServer(
  env: NodeJS.ProcessEnv = process.env,
  log: Log = toStderr,
): Promise<TemporalServerBinaries> {
  const cacheDir = temporalCacheDir(env);
  mkdirSync(cacheDir, { recursive: true });
  const server = env.TEMPORAL_SERVER_PATH || join(cacheDir, 'temporal-server');
  const sqlTool = env.TEMPORAL_SQL_TOOL_PATH || join(cacheDir, 'temporal-sql-tool');
  for (const [name, path] of [['TEMPORAL_SERVER_PATH', env.TEMPORAL_SERVER_PATH], ['TEMPORAL_SQL_TOOL_PATH', env.TEMPORAL_SQL_TOOL_PATH]]) {
    if (path && !isExecutable(path)) throw new Error(`${name}=${path} is not an executable file`);
  }
  if (!isExecutable(server) || !isExecutable(sqlTool)) {
    const go = goBinary(env);
    log(`xuncha: building temporal-server and temporal-sql-tool ${TEMPORAL_SERVER_VERSION} with Go into ${cacheDir}`);
    log('xuncha: this happens once and takes a few minutes; later starts reuse the binaries');
    // go install names binaries after their package folders (server, sql): build into a
    // scratch folder and move them under names that say what they are.
    const scratch = mkdtempSync(join(cacheDir, '.build-'));
    try {
      await run(go, ['install', `${TEMPORAL_SERVER_MODULE}/cmd/server@${TEMPORAL_SERVER_VERSION}`, `${TEMPORAL_SERVER_MODULE}/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`], {
        ...env,
        GOBIN: scratch,
      });
      if (!isExecutable(server)) renameSync(join(scratch, 'server'), server);
      if (!isExecutable(sqlTool)) renameSync(join(scratch, 'sql'), sqlTool);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    log(`xuncha: Temporal server ready at ${server}`);
  }
  return { server, sqlTool, schemaDir: env.TEMPORAL_SCHEMA_DIR || (await schemaDirOf(env)) };
}

/** The schema ships inside the Go module only; `go mod download` finds it (fetching it if the module cache was cleaned). */
async function schemaDirOf(env: NodeJS.ProcessEnv): Promise<string> {
  const go = goBinary(env);
  const output = await run(go, ['mod', 'download', '-json', `${TEMPORAL_SERVER_MODULE}@${TEMPORAL_SERVER_VERSION}`], env, true);
  const dir = (JSON.parse(output) as { Dir?: string }).Dir;
  const schemaDir = dir && join(dir, 'schema', 'postgresql', 'v12');
  if (!schemaDir || !existsSync(join(schemaDir, 'temporal', 'versioned'))) {
    throw new Error(`no PostgreSQL schema in ${TEMPORAL_SERVER_MODULE}@${TEMPORAL_SERVER_VERSION} (looked in ${schemaDir ?? 'nothing'})`);
  }
  return schemaDir;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, capture = false): Promise<string> {
  return new Promise((resolve, reject) => {
    // Go's own progress goes to our stderr, so a caller capturing our stdout gets only what it asked for.
    const child = spawn(command, args, { env, cwd: temporalCacheDir(env), stdio: ['ignore', capture ? 'pipe' : 2, 2] });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve(out) : reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`)),
    );
  });
}
