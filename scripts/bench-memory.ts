/**
 * `npm run bench:memory`: issue 7's goal (c), the peak resident memory of the
 * all-in-one process (`npm start`: the API and the worker in one process; the Temporal
 * dev server it starts is a process of its own and not counted), while a round of N
 * inspections is driven through every stage over HTTP, as the cluster tier drives it.
 * `npm run bench` reports its own process's peak too, but that process also holds the
 * raw baseline's worker and Fastify and the bench's client.
 *
 * DATABASE_URL set: PostgreSQL (a scratch database, dropped at the end), as the goal is
 * measured; unset: the embedded PGlite, which lives inside the process and so counts.
 * A benchmark, not a test: it prints, it does not fail.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runAsAdmin, withDatabase } from '../db/scratch-database.js';
import { ApiPool } from '../tests/cluster/api-pool.js';
import { driveRound } from '../tests/cluster/drive.js';
import { startSystem } from '../tests/web/support/system.js';

const GOAL_MIB = 600;
const { values } = parseArgs({ options: { inspections: { type: 'string', default: '50' } } });
const inspections = Number(values.inspections);
if (!Number.isInteger(inspections) || inspections < 1) throw new Error(`--inspections must be a positive integer, got ${values.inspections}`);

const adminUrl = process.env.DATABASE_URL;
const database = `xuncha_bench_memory_${Date.now().toString(36)}`;
if (adminUrl) await runAsAdmin(adminUrl, `CREATE DATABASE ${database}`);
const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;
/** VmRSS (now) and VmHWM (the kernel's own peak since start) of a process, in KiB. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: field('VmRSS'), peak: field('VmHWM') };
}

// Launching a round of many inspections starts every inspection's workflow before it answers: on a
// loaded machine that can outlast the default 30 s, and this measures memory, not waiting.
const system = await startSystem({ env: { REQUEST_TIMEOUT_SECONDS: '600', ...(adminUrl ? { DATABASE_URL: withDatabase(adminUrl, database) } : {}) } });
try {
  const atStart = memoryOf(system.pid);
  const samples: number[] = [];
  let peak = atStart.peak;
  const sampler = setInterval(() => {
    // Read while it runs: a process that dies mid-drive has no /proc entry left to read its peak from.
    if (!existsSync(`/proc/${system.pid}/status`)) return;
    const now = memoryOf(system.pid);
    samples.push(now.rss);
    peak = Math.max(peak, now.peak);
  }, 250);
  const started = Date.now();
  try {
    await driveRound(new ApiPool(() => [system.url], system.secret), 'memory', inspections);
  } catch (error) {
    console.error(`the drive failed after ${((Date.now() - started) / 1000).toFixed(0)} s (peak so far ${mib(peak)}); the system's last output:\n${system.log().slice(-4000)}`);
    throw error;
  } finally {
    clearInterval(sampler);
  }
  const atEnd = memoryOf(system.pid);
  const sorted = [...samples].sort((a, b) => a - b);
  console.log(`all-in-one process (npm start) on ${adminUrl ? 'PostgreSQL' : 'embedded PGlite'}: ${inspections} inspections through every stage in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(`  resident after start-up   ${mib(atStart.rss).padStart(9)}`);
  console.log(`  resident while driven     median ${mib(sorted[Math.floor(sorted.length / 2)] ?? NaN)}, at the end ${mib(atEnd.rss)}`);
  console.log(`  peak resident (VmHWM)     ${mib(atEnd.peak).padStart(9)}   goal ≤ ${GOAL_MIB} MiB   ${atEnd.peak / 1024 <= GOAL_MIB ? 'met' : 'NOT met'}`);
} finally {
  await system.stop();
  if (adminUrl) await runAsAdmin(adminUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
}
