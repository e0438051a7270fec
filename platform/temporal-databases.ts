import { spawn } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';

/**
 * Temporal's two databases (history and visibility) on the same PostgreSQL server as
 * the application's: created when missing, their schemas set up once and migrated to
 * the server version's latest on every start, with the server's own schema tool.
 */
export interface TemporalDatabases {
  host: string;
  port: number;
  user: string;
  password: string;
  /** Default `temporal` and `temporal_visibility`. */
  main: string;
  visibility: string;
}

export function temporalDatabasesOn(databaseUrl: string, names: { main?: string; visibility?: string } = {}): TemporalDatabases {
  const url = new URL(databaseUrl);
  return {
    host: url.hostname || '127.0.0.1',
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    main: names.main ?? 'temporal',
    visibility: names.visibility ?? 'temporal_visibility',
  };
}

/** The environment config/temporal/postgres.yaml reads its persistence settings from. */
export function persistenceEnv(dbs: TemporalDatabases): Record<string, string> {
  return {
    TEMPORAL_DB_HOST: dbs.host,
    TEMPORAL_DB_PORT: String(dbs.port),
    TEMPORAL_DB_USER: dbs.user,
    TEMPORAL_DB_PASSWORD: dbs.password,
    TEMPORAL_DB: dbs.main,
    TEMPORAL_VISIBILITY_DB: dbs.visibility,
  };
}

function clientFor(dbs: TemporalDatabases, database: string) {
  return new pg.Client({ host: dbs.host, port: dbs.port, user: dbs.user, password: dbs.password, database });
}

/** Creates the databases if missing, through `adminUrl`'s database (the role needs CREATEDB). */
export async function createTemporalDatabases(adminUrl: string, dbs: TemporalDatabases, log: (line: string) => void): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (const name of [dbs.main, dbs.visibility]) {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (found.rowCount) continue;
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      log(`created database ${name}`);
    }
  } finally {
    await client.end();
  }
}

export async function dropTemporalDatabases(adminUrl: string, dbs: TemporalDatabases): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (const name of [dbs.main, dbs.visibility]) {
      await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}

async function hasSchemaVersion(dbs: TemporalDatabases, database: string): Promise<boolean> {
  const client = clientFor(dbs, database);
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'schema_version'");
    return Boolean(found.rowCount);
  } finally {
    await client.end();
  }
}

/**
 * setup-schema only on a database that has never had one (running it again would
 * reset the recorded version); update-schema every time, which applies only what is newer.
 */
export async function migrateTemporalSchemas(
  sqlTool: string,
  schemaDir: string,
  dbs: TemporalDatabases,
  log: (line: string) => void,
): Promise<void> {
  for (const [database, folder] of [[dbs.main, 'temporal'], [dbs.visibility, 'visibility']] as const) {
    const common = ['--endpoint', dbs.host, '--port', String(dbs.port), '--user', dbs.user, '--plugin', 'postgres12', '--database', database];
    // The password goes through the environment, so it never shows in a process list.
    if (!(await hasSchemaVersion(dbs, database))) {
      await runTool(sqlTool, [...common, 'setup-schema', '--version', '0.0'], dbs.password);
      log(`set up Temporal's ${folder} schema in ${database}`);
    }
    await runTool(sqlTool, [...common, 'update-schema', '--schema-dir', join(schemaDir, folder, 'versioned')], dbs.password);
  }
}

function runTool(command: string, args: string[], password: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, SQL_PASSWORD: password }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0
        ? resolve()
        : reject(new Error(`temporal-sql-tool ${args.slice(-3).join(' ')} failed (${signal ?? `exit ${code}`}):\n${output.slice(-2000)}`)),
    );
  });
}
