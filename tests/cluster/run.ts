// `npm run test:cluster [-- --report] [vitest options]`: the cluster tier. Needs
// DATABASE_URL (a PostgreSQL role that may create databases); builds temporal-server
// first if it is not cached. --report prints each round's figures as a table after
// the run; other options go to vitest (CI passes its JSON reporter).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveTemporalServer } from '../../platform/temporal-server.js';
import { figuresTable, readFigures } from './figures.js';

const started = Date.now();
const args = process.argv.slice(2);
const report = args.includes('--report');
const vitestArgs = args.filter((a) => a !== '--report');
if (!process.env.DATABASE_URL) {
  process.stderr.write('test:cluster: set DATABASE_URL to a PostgreSQL server (the topology runs on PostgreSQL only)\n');
  process.exit(2);
}

// Built here, outside vitest's hook timeout, so a cold machine's build is not a test failure.
await resolveTemporalServer();

const scratch = mkdtempSync(join(tmpdir(), 'xuncha-cluster-figures-'));
const figuresFile = join(scratch, 'figures.jsonl');
const config = fileURLToPath(new URL('./vitest.config.ts', import.meta.url));
const code = await new Promise<number>((resolve) => {
  const child = spawn('npx', ['vitest', 'run', '--config', config, ...vitestArgs], {
    stdio: 'inherit',
    env: { ...process.env, CLUSTER_FIGURES: figuresFile },
  });
  child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
});

if (report) {
  const rows = readFigures(figuresFile);
  process.stdout.write(rows.length ? `\n${figuresTable(rows)}\n` : '\nno round recorded figures\n');
}
rmSync(scratch, { recursive: true, force: true });
process.stdout.write(`cluster tier took ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
process.exit(code);
