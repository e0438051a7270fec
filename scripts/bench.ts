// `npm run bench`: what xuncha's API and workflows cost over the least Temporal, Fastify
// and the database themselves cost for the same work, on this machine, in one process.
//
//   (a) latency of one approval through the real HTTP API, against one raw Temporal
//       Update whose handler runs one activity that inserts one row;
//   (b) wall time to drive N inspections through all seven stages via the API, in
//       seven phases (one per stage, all N inspections at once in each), against as
//       many raw Update+activity round trips, phased and concurrent the same way;
//   (c) the process's peak RSS (API, worker and the baseline's worker share it), and
//       where the memory went, phase by phase;
//   (d) latency of the read endpoints (approvals, a round's progress, an inspection's
//       timeline) with a round of --read-inspections in the database, against a bare
//       Fastify route running the same SQL (bench/baseline.reads.ts);
//   (e) record writes per second through the API, several inspections in parallel,
//       against inserting the same rows directly (bench/baseline.records.ts);
//   (f) evidence files: upload and download MB/s of a 20 MB file through the API,
//       against writing and reading the same bytes with the same SQL directly
//       (bench/baseline.attachments.ts).
//
// A stage can be submitted only once its exit criteria hold, so before a stage's
// transitions the bench records that stage's work through the API
// (platform/sample-stage-work.ts), as the tests do, and leaves that out of the timing.
//
// Flags: --inspections N (default 200), --samples K (default 200), --read-inspections R
// (default 500), --only f (the evidence files alone, on one inspection walked to
// stationing: a minute instead of the whole run). A benchmark, not a test: it prints numbers and goals and never fails
// on them.
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { buildApp } from '../api/app.js';
import { mintToken } from '../api/auth.js';
import { createBaselineActivities, ensureBenchTable } from '../bench/baseline.activities.js';
import { benchAttachments, type AttachmentBenchResult } from '../bench/baseline.attachments.js';
import { insertRecordRaw } from '../bench/baseline.records.js';
import { buildRawReadsApp } from '../bench/baseline.reads.js';
import { createScratchDatabase } from '../db/scratch-database.js';
import { QueryCounter } from '../bench/query-counter.js';
import {
  BASELINE_TASK_QUEUE,
  finishUpdate,
  writeRowUpdate,
  type baselineWorkflow,
} from '../bench/baseline.workflow.js';
import { describeTarget } from '../db/connection.js';
import type { Database } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import {
  SAMPLE_FOCUS,
  approvalBody,
  approverDue,
  approverOf,
  launchRound as launchThroughApi,
  recordStageWork,
  sampleRound,
  submitterOf,
  type ApiCall,
  type Cast,
  type TransitionStatus,
} from '../platform/sample-stage-work.js';
import { resolveTemporalCli, type TemporalCliSource } from '../platform/temporal-cli.js';
import { startTemporalDevServer, type RunningDevServer } from '../platform/temporal-dev-server.js';
import { DEFAULT_TASK_QUEUE, inspectionWorkflowId, roundWorkflowId, type InspectionState } from '../workflows/messages.js';
import type { Actor } from '../workflows/roles.js';
import type { roundWorkflow } from '../workflows/round.workflow.js';
import { STAGE_IDS, isFinished, type StageId } from '../workflows/stages.js';
import { bundleWorkflowsApart, createWorker, installRuntime, workerTuning } from '../worker/create-worker.js';
import { dataConverter, generatePayloadKey, parsePayloadKeys } from '../platform/payload-codec.js';

// Issue 7's goals.
const GOAL_LATENCY_RATIO = 1.15;
const GOAL_THROUGHPUT_RATIO = 1.3;
const GOAL_READ_RATIO = 1.2;
const GOAL_WRITE_RATIO = 1.5;
// Issue 14's goal: the API moves files at least this fraction of the raw SQL's MB/s.
const GOAL_ATTACHMENT_RATIO = 0.7;
const ATTACHMENT_BYTES = 20 * 1024 * 1024;
const ATTACHMENT_ROUNDS = 5;
/** Approvals (and as many raw updates) run and thrown away before (a) measures. */
const WARMUP_DECISIONS = 20;
const JWT_SECRET = `bench-${randomUUID()}-${randomUUID()}`;
/** Requests (of each side) run and thrown away before each read endpoint is measured. */
const WARMUP_READS = 5;
/** A round's progress reads every inspection's records: at most this many samples of it. */
const MAX_PROGRESS_SAMPLES = 30;
/** How many inspections (e) writes to at once, and in how many alternating API/raw slices. */
const WRITE_PARALLELISM = 10;
const WRITE_SLICES = 5;
/** At most this many requests in flight while the bench seeds the read round. */
const SEED_CONCURRENCY = 50;
const BENCH_WORKFLOWS_PATH = fileURLToPath(new URL('../bench/workflows.ts', import.meta.url));

const office: Actor = { sub: 'bench-office', name: '巡察办（基准）', roles: ['office'] };
const officeDeputy: Actor = { sub: 'bench-office-deputy', name: '巡察办副主任（基准）', roles: ['office'] };
const leadingGroup: Actor = { sub: 'bench-leading-group', name: '领导小组（基准）', roles: ['leading_group'] };
const partyCommittee: Actor = { sub: 'bench-party-committee', name: '党委（基准）', roles: ['party_committee'] };

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
const out = (line = '') => process.stdout.write(`${line}\n`);

// ---------------------------------------------------------------- arguments

function parseOptions(): { inspections: number; samples: number; readInspections: number; only: 'f' | undefined } {
  const { values } = parseArgs({
    options: {
      inspections: { type: 'string', default: '200' },
      samples: { type: 'string', default: '200' },
      'read-inspections': { type: 'string', default: '500' },
      only: { type: 'string' },
    },
    strict: true,
  });
  if (values.only !== undefined && values.only !== 'f') {
    process.stderr.write(`bench: --only takes f (the evidence files alone), got ${JSON.stringify(values.only)}\n`);
    process.exit(2);
  }
  const positive = (name: string, raw: string) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) {
      process.stderr.write(`bench: --${name} must be a positive integer, got ${JSON.stringify(raw)}\n`);
      process.exit(2);
    }
    return n;
  };
  return {
    inspections: positive('inspections', values.inspections),
    samples: positive('samples', values.samples),
    readInspections: positive('read-inspections', values['read-inspections']),
    only: values.only,
  };
}

// ---------------------------------------------------------------- measuring

/** Samples the process's RSS every 50 ms; `mark()` starts a new window and keeps the old peaks. */
class RssSampler {
  private peakAll = 0;
  private peakWindow = 0;
  private readonly timer: NodeJS.Timeout;

  constructor() {
    this.sample();
    this.timer = setInterval(() => this.sample(), 50);
    this.timer.unref();
  }

  private sample(): void {
    const rss = process.memoryUsage.rss();
    this.peakAll = Math.max(this.peakAll, rss);
    this.peakWindow = Math.max(this.peakWindow, rss);
  }

  /** Peak since the last call (or the start), and starts a new window. */
  window(): number {
    this.sample();
    const peak = this.peakWindow;
    this.peakWindow = 0;
    return peak;
  }

  overall(): number {
    this.sample();
    return this.peakAll;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/**
 * Where the memory went, phase by phase: each phase's peak RSS, and at its end the RSS,
 * the main thread's V8 heap, memory outside it (Buffers, PGlite's WebAssembly memory)
 * and how many workflows the workers keep cached. RSS above heap + external is native:
 * the Temporal core, the workflow threads' V8 heaps (one per worker), code.
 */
class MemoryPhases {
  readonly phases: {
    name: string;
    peak: number;
    rss: number;
    heapUsed: number;
    heapTotal: number;
    external: number;
    cachedWorkflows: number | undefined;
  }[] = [];

  constructor(
    private readonly sampler: RssSampler,
    private cachedWorkflows: () => number | undefined = () => undefined,
  ) {}

  countCachedWorkflows(count: () => number): void {
    this.cachedWorkflows = count;
  }

  mark(name: string): number {
    const peak = this.sampler.window();
    const usage = process.memoryUsage();
    this.phases.push({
      name,
      peak,
      rss: usage.rss,
      heapUsed: usage.heapUsed,
      heapTotal: usage.heapTotal,
      external: usage.external,
      cachedWorkflows: this.cachedWorkflows(),
    });
    return peak;
  }
}

/**
 * CPU seconds used so far by this process, by its child processes that are still
 * running (the Temporal dev server) and by the whole machine. The children and the
 * machine are read from /proc, so on other systems they count as unknown.
 */
function cpuSeconds(): { self: number; children: number | undefined; machine: number | undefined } {
  const { user, system } = process.cpuUsage();
  return { self: (user + system) / 1e6, children: childrenCpuSeconds(), machine: machineCpuSeconds() };
}

/** Busy CPU seconds of all cores since boot (/proc/stat), so the bench can tell when something else ran too. */
function machineCpuSeconds(): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    // cpu user nice system idle iowait irq softirq steal …
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    const busy = [user, nice, system, irq, softirq, steal].reduce<number>((sum, x) => sum + (x ?? 0), 0);
    return busy / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

function childrenCpuSeconds(): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    let ticks = 0;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue;
      }
      // Fields after the command name (which may hold spaces): state ppid … utime(14) stime(15).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) !== process.pid) continue;
      ticks += Number(fields[11]) + Number(fields[12]);
    }
    return ticks / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/**
 * What a run of phases cost, summed over its phases: wall time, CPU of this process,
 * of the server and of anything else on the machine, main-thread busyness. `begin()` starts a phase; the function it
 * returns ends it, adds it to the total and returns that phase's wall time in ms.
 */
class CostMeter {
  private wallMs = 0;
  private cpuSelf = 0;
  private cpuChildren: number | undefined = 0;
  private cpuMachine: number | undefined = 0;
  private eluActive = 0;
  private eluIdle = 0;

  begin(): () => number {
    const wallStart = performance.now();
    const cpuStart = cpuSeconds();
    const eluStart = performance.eventLoopUtilization();
    return () => {
      const wallMs = performance.now() - wallStart;
      const cpu = cpuSeconds();
      const elu = performance.eventLoopUtilization(eluStart);
      this.wallMs += wallMs;
      this.cpuSelf += cpu.self - cpuStart.self;
      this.cpuChildren =
        this.cpuChildren !== undefined && cpu.children !== undefined && cpuStart.children !== undefined
          ? this.cpuChildren + (cpu.children - cpuStart.children)
          : undefined;
      this.cpuMachine =
        this.cpuMachine !== undefined && cpu.machine !== undefined && cpuStart.machine !== undefined
          ? this.cpuMachine + (cpu.machine - cpuStart.machine)
          : undefined;
      this.eluActive += elu.active;
      this.eluIdle += elu.idle;
      return wallMs;
    };
  }

  total() {
    const seconds = this.wallMs / 1000;
    return {
      wallMs: this.wallMs,
      selfCores: this.cpuSelf / seconds,
      serverCores: this.cpuChildren === undefined ? undefined : this.cpuChildren / seconds,
      /** CPU that neither this process nor the server used: other work on the machine, which skews the numbers. */
      otherCores:
        this.cpuMachine === undefined || this.cpuChildren === undefined
          ? undefined
          : Math.max(0, this.cpuMachine - this.cpuSelf - this.cpuChildren) / seconds,
      eventLoop: this.eluActive / Math.max(this.eluActive + this.eluIdle, Number.EPSILON),
    };
  }
}
type PhaseCost = ReturnType<CostMeter['total']>;

const cores = (x: number | undefined) => (x === undefined ? 'n/a' : `${x.toFixed(2)} cores`);

function describeCost(cost: PhaseCost): string {
  return `CPU: this process ${cost.selfCores.toFixed(2)} cores, Temporal server ${cores(cost.serverCores)}, other processes ${cores(cost.otherCores)}; main thread busy ${(cost.eventLoop * 100).toFixed(0)}%`;
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function summarize(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    mean: sorted.reduce((s, x) => s + x, 0) / Math.max(sorted.length, 1),
  };
}

const ms = (x: number) => `${x.toFixed(1)} ms`;
const secs = (x: number) => `${(x / 1000).toFixed(2)} s`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const ratio = (api: number, raw: number) => (api / raw).toFixed(2);
const goal = (value: number, limit: number, unit = '') =>
  `(goal ≤ ${unit ? limit.toFixed(0) : String(limit)}${unit ? ` ${unit}` : ''}: ${value <= limit ? 'met' : 'not met'})`;

// ---------------------------------------------------------------- the API, as a client sees it

interface TransitionBody {
  status: TransitionStatus & { state: InspectionState };
}
interface RoundBody {
  id: string;
  inspections: { id: string; group: { leader: { sub: string } } }[];
}

class ApiClient {
  private readonly tokens = new Map<string, Promise<string>>();
  /** Requests made through `call` (the recording of stages' work), by kind. */
  readonly counts = { writes: 0, reads: 0 };

  constructor(private readonly baseUrl: string) {}

  token(actor: Actor): Promise<string> {
    let token = this.tokens.get(actor.sub);
    if (!token) {
      token = mintToken({ secret: JWT_SECRET }, actor);
      this.tokens.set(actor.sub, token);
    }
    return token;
  }

  async post<T>(actor: Actor, path: string, body: unknown, expected = 200): Promise<T> {
    const { status, text } = await this.request(actor, 'POST', path, body);
    if (status !== expected) {
      throw new Error(`POST ${path} answered ${status}: ${text.slice(0, 500)}`);
    }
    return JSON.parse(text) as T;
  }

  /** One GET, timed from sending it to the end of its body (the token is minted before); throws unless 200. */
  async timedGet(actor: Actor | undefined, path: string): Promise<{ ms: number; bytes: number }> {
    const headers: Record<string, string> = actor ? { authorization: `Bearer ${await this.token(actor)}` } : {};
    const started = performance.now();
    const response = await fetch(`${this.baseUrl}${path}`, { headers });
    const text = await response.text();
    const ms = performance.now() - started;
    if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${text.slice(0, 500)}`);
    return { ms, bytes: Buffer.byteLength(text) };
  }

  /** Any request, answered with status and parsed body (platform/sample-stage-work.ts's `ApiCall`); counted. */
  readonly call: ApiCall = async (actor, method, url, body) => {
    if (method === 'GET') this.counts.reads += 1;
    else this.counts.writes += 1;
    const { status, text } = await this.request(actor, method, url, body);
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: leave the text for the error message to show
    }
    return { status, body: parsed };
  };

  private async request(actor: Actor, method: string, path: string, body: unknown): Promise<{ status: number; text: string }> {
    const token = await this.token(actor);
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, text: await response.text() };
  }
}

/**
 * Launches one round whose every inspection has a group of its own: a leader and one
 * member (recording a stage's work needs both, as platform/sample-stage-work.ts does).
 */
async function launchRound(api: ApiClient, label: string, count: number): Promise<{ roundId: string; walkers: Walker[] }> {
  const { casts, body } = sampleRound(`bench-${label}`, count, { office, officeDeputy, leadingGroup, partyCommittee }, {
    name: `基准测试 ${label}`,
    focus: SAMPLE_FOCUS,
  });
  const round = (await launchThroughApi(api.call, { office, leadingGroup }, body)) as RoundBody;
  const byLeader = new Map(casts.map((c) => [c.leader.sub, c]));
  const walkers = round.inspections.map((inspection) => {
    const cast = byLeader.get(inspection.group.leader.sub);
    if (!cast) throw new Error(`inspection ${inspection.id} has a leader the bench did not name`);
    return new Walker(api, inspection.id, cast);
  });
  return { roundId: round.id, walkers };
}

/**
 * Walks one inspection the way its people would (tests/support/walk.ts passStage):
 * the group records the open stage's work, the group leader submits the stage, then
 * each approver in the chain decides, as the response says whose turn it is. One
 * request per transition; recording the work is kept apart from the transitions.
 */
class Walker {
  private status: TransitionBody['status'] = { stage: 'preparation', state: 'open', waitingOn: null };
  transitions = 0;
  /** Transitions (submission + decisions) each stage took. */
  readonly transitionsByStage = new Map<StageId, number>();

  constructor(
    private readonly api: ApiClient,
    readonly inspectionId: string,
    readonly cast: Cast,
  ) {}

  get done(): boolean {
    return isFinished(this.status.state);
  }

  get stage(): StageId {
    return this.status.stage as StageId;
  }

  /** The next step's kind, without taking it. */
  get nextAction(): 'submission' | 'decision' {
    return this.status.state === 'submitted' ? 'decision' : 'submission';
  }

  /** Records, through the API, the work the open stage needs before it can be submitted. */
  async recordWork(): Promise<void> {
    if (this.status.state !== 'open') {
      throw new Error(`inspection ${this.inspectionId} is ${this.status.state} at ${this.stage}: nothing to record`);
    }
    await recordStageWork(this.api.call, this.inspectionId, this.stage, this.cast);
  }

  /** Takes one step and returns how long its request took, in milliseconds. */
  async step(): Promise<number> {
    const stage = this.stage;
    const requestId = `bench-${randomUUID()}`;
    const started = performance.now();
    let body: TransitionBody;
    if (this.status.state === 'open') {
      body = await this.api.post<TransitionBody>(submitterOf(stage, this.cast), `/api/v1/inspections/${this.inspectionId}/submissions`, {
        stage,
        requestId,
      });
    } else if (approverDue(this.status)) {
      const role = approverDue(this.status)!;
      body = await this.api.post<TransitionBody>(
        approverOf(role, stage, this.cast),
        `/api/v1/inspections/${this.inspectionId}/decisions`,
        approvalBody(stage, role, requestId),
      );
    } else {
      throw new Error(`inspection ${this.inspectionId} has no step to take in state ${this.status.state}`);
    }
    const elapsed = performance.now() - started;
    this.status = body.status;
    this.transitions += 1;
    this.transitionsByStage.set(stage, (this.transitionsByStage.get(stage) ?? 0) + 1);
    return elapsed;
  }

  /** Submits the open stage (its work already recorded) and takes every decision of its chain. */
  async passStage(): Promise<void> {
    const stage = this.stage;
    if (this.status.state !== 'open') throw new Error(`inspection ${this.inspectionId} is ${this.status.state} at ${stage}`);
    do await this.step();
    while (!this.done && this.stage === stage);
  }
}

/** Records the open stage's work of every walker at once; returns the wall time and the requests it took. */
async function recordAll(api: ApiClient, walkers: Walker[]): Promise<{ ms: number; writes: number; reads: number }> {
  const before = { ...api.counts };
  const started = performance.now();
  await Promise.all(walkers.map((w) => w.recordWork()));
  return { ms: performance.now() - started, writes: api.counts.writes - before.writes, reads: api.counts.reads - before.reads };
}

/** Runs `task` on every item, at most `limit` at a time. */
async function inPool<T>(items: T[], limit: number, task: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await task(items[next++]!);
  });
  await Promise.all(lanes);
}

/** A talk record's data, as a stationing group writes it: (e) writes them, (f) attaches files to one. */
const sampleTalk = (n: number) => ({
  on: '2021-10-14',
  summary: `第${n}次个别谈话：反映超限检测站罚款未开具票据，涉及2020年度罚没收入。`,
  interviewee: '某执法大队队员',
});

/** (f): a talk recorded on `walker`'s inspection (open at stationing), then files attached to it and read back, against the raw SQL. */
async function benchFiles(api: ApiClient, db: Kysely<Database>, baseUrl: string, walker: Walker) {
  log(`(f) ${ATTACHMENT_ROUNDS} uploads and downloads of ${ATTACHMENT_BYTES / 2 ** 20} MiB per side…`);
  const filer = walker.cast.members[0]!;
  const talk = await api.post<{ id: string }>(filer, `/api/v1/inspections/${walker.inspectionId}/records`, { kind: 'talk', data: sampleTalk(0) }, 201);
  const meter = new CostMeter();
  const end = meter.begin();
  const files = await benchAttachments(
    { db, baseUrl, token: await api.token(filer), inspectionId: walker.inspectionId, recordId: talk.id },
    ATTACHMENT_BYTES,
    ATTACHMENT_ROUNDS,
  );
  end();
  return { ...files, cost: meter.total() };
}

function reportFiles(files: AttachmentBenchResult & { cost: PhaseCost }): { upload: number; download: number } {
  const fileRatio = {
    upload: files.mbPerSecond.upload.api / files.mbPerSecond.upload.raw,
    download: files.mbPerSecond.download.api / files.mbPerSecond.download.raw,
  };
  out(`(f) evidence files: ${files.rounds} rounds of a fresh ${files.fileBytes / 2 ** 20} MiB text file each side, taking turns`);
  out(`  API  POST …/attachments (multipart) ${files.mbPerSecond.upload.api.toFixed(1).padStart(7)} MB/s up   GET …/attachments/:id ${files.mbPerSecond.download.api.toFixed(1).padStart(7)} MB/s down`);
  out(`  raw  same chunk SQL, 1 transaction  ${files.mbPerSecond.upload.raw.toFixed(1).padStart(7)} MB/s up   same selects          ${files.mbPerSecond.download.raw.toFixed(1).padStart(7)} MB/s down`);
  out(`  ratio api/raw  upload ${fileRatio.upload.toFixed(2)}   download ${fileRatio.download.toFixed(2)}   goal ≥ ${GOAL_ATTACHMENT_RATIO} each: ${fileRatio.upload >= GOAL_ATTACHMENT_RATIO && fileRatio.download >= GOAL_ATTACHMENT_RATIO ? 'met' : 'NOT MET'}`);
  const cpu = files.cpuMsPerFile;
  out(`  CPU of this process per file, ms (the API side's includes its client): API ${cpu.upload.api.toFixed(0)} up, ${cpu.download.api.toFixed(0)} down; raw ${cpu.upload.raw.toFixed(0)} up, ${cpu.download.raw.toFixed(0)} down`);
  out(`  while (f) ran: ${describeCost(files.cost)}`);
  return fileRatio;
}

// ---------------------------------------------------------------- the raw baseline

class Baseline {
  private readonly workflowIds: string[] = [];

  constructor(private readonly client: Client) {}

  async start(count: number, label: string): Promise<string[]> {
    const ids = await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const workflowId = `bench-baseline-${label}-${i + 1}-${randomUUID()}`;
        await this.client.workflow.start<typeof baselineWorkflow>('baselineWorkflow', {
          workflowId,
          taskQueue: BASELINE_TASK_QUEUE,
          args: [],
        });
        return workflowId;
      }),
    );
    this.workflowIds.push(...ids);
    return ids;
  }

  /** One Update whose handler inserts one row; returns how long it took, in milliseconds. */
  async roundTrip(workflowId: string): Promise<number> {
    const requestId = `bench-${randomUUID()}`;
    const started = performance.now();
    await this.client.workflow.getHandle(workflowId).executeUpdate(writeRowUpdate, {
      updateId: requestId,
      args: [{ workflowId, requestId, payload: { at: Date.now() } }],
    });
    return performance.now() - started;
  }

  /** Ends every baseline workflow this bench started and waits for each to close. */
  async finishAll(): Promise<void> {
    await Promise.all(
      this.workflowIds.map(async (id) => {
        const handle = this.client.workflow.getHandle<typeof baselineWorkflow>(id);
        try {
          await handle.executeUpdate(finishUpdate);
          await handle.result();
        } catch {
          await handle.terminate('bench finished').catch(() => undefined);
        }
      }),
    );
    this.workflowIds.length = 0;
  }
}

// ---------------------------------------------------------------- the run

async function main(): Promise<void> {
  const options = parseOptions();
  const rss = new RssSampler();
  const memory = new MemoryPhases(rss);
  installRuntime('WARN');

  const cleanups: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await step().catch((error: unknown) => log(`cleanup: ${String(error)}`));
    cleanups.length = 0;
  };

  try {
    // Temporal: the dev server, in memory, as the tests run it.
    const cli: TemporalCliSource = await resolveTemporalCli();
    log('starting the Temporal dev server (in memory)…');
    const server: RunningDevServer = await startTemporalDevServer({ cli, namespace: 'default' });
    cleanups.push(() => server.stop());

    memory.mark('start-up: modules loaded, Temporal server started');

    // Database: a new one on the server at DATABASE_URL if set, else PGlite in memory.
    const bench = await createScratchDatabase(process.env.DATABASE_URL, 'xuncha_bench');
    const { target } = bench;
    const db: Kysely<Database> = bench.db;
    cleanups.push(() => bench.drop());
    await migrateToLatest(db);
    await ensureBenchTable(db);
    memory.mark('start-up: database created and migrated');

    // Counts the API's queries, and the raw baselines' (the workers use `db` itself).
    const apiQueries = new QueryCounter();
    const rawQueries = new QueryCounter();

    // Workers: xuncha's on its task queue, the baseline's on its own, one bundle for both
    // (built in a child process: webpack's memory is not this process's).
    log('bundling workflows and starting both workers…');
    const workflowBundle = await bundleWorkflowsApart(BENCH_WORKFLOWS_PATH);
    memory.mark('start-up: workflows bundled (in a child process)');
    const xunchaConnection = await NativeConnection.connect({ address: server.address });
    cleanups.push(() => xunchaConnection.close());
    const baselineConnection = await NativeConnection.connect({ address: server.address });
    cleanups.push(() => baselineConnection.close());
    // Both sides seal their payloads, so the comparison stays fair.
    const payloadKeys = parsePayloadKeys(generatePayloadKey('bench'));
    const xunchaWorker = await createWorker({
      connection: xunchaConnection,
      namespace: 'default',
      taskQueue: DEFAULT_TASK_QUEUE,
      db,
      workflowBundle,
      payloadKeys,
    });
    const baselineWorker = await Worker.create({
      connection: baselineConnection,
      namespace: 'default',
      taskQueue: BASELINE_TASK_QUEUE,
      workflowBundle,
      activities: createBaselineActivities({ db }),
      dataConverter: dataConverter(payloadKeys),
      ...workerTuning,
    });
    memory.countCachedWorkflows(
      () => xunchaWorker.getStatus().numCachedWorkflows + baselineWorker.getStatus().numCachedWorkflows,
    );
    const workersRunning = Promise.all([xunchaWorker.run(), baselineWorker.run()]);
    cleanups.push(async () => {
      xunchaWorker.shutdown();
      baselineWorker.shutdown();
      await workersRunning;
    });

    // One Temporal client, shared by the API and the raw baseline.
    const clientConnection = await Connection.connect({ address: server.address });
    cleanups.push(() => clientConnection.close());
    const temporal = new Client({ connection: clientConnection, namespace: 'default', dataConverter: dataConverter(payloadKeys) });

    const app: FastifyInstance = await buildApp({
      // Launching hundreds of inspections on a busy 2-core machine can take longer than the
      // API's default 30 s; a 503 would end the run, so the bench waits.
      services: { db: db.withPlugin(apiQueries), temporal, taskQueue: DEFAULT_TASK_QUEUE, requestTimeoutMs: 300_000 },
      auth: { secret: JWT_SECRET },
      // A few people make every request of the run: the limiter is measured, never tripped.
      rateLimitPerMinute: 10_000_000,
    });
    cleanups.push(() => app.close());
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const api = new ApiClient(`http://127.0.0.1:${port}`);
    // The raw reads' bare Fastify, in this process, reached over HTTP the same way.
    const rawApp = await buildRawReadsApp(db.withPlugin(rawQueries));
    cleanups.push(() => rawApp.close());
    await rawApp.listen({ port: 0, host: '127.0.0.1' });
    const raw = new ApiClient(`http://127.0.0.1:${(rawApp.server.address() as AddressInfo).port}`);
    const baseline = new Baseline(temporal);
    cleanups.push(() => baseline.finishAll());
    const rounds: string[] = [];
    memory.mark('start-up: both workers, the API and the raw app up');

    if (options.only === 'f') {
      log('(f) alone: one inspection walked to stationing…');
      const fRound = await launchRound(api, 'f', 1);
      const walker = fRound.walkers[0]!;
      await walker.recordWork();
      await walker.passStage();
      out(`xuncha benchmark, (f) alone   database ${describeTarget(target)}   load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
      reportFiles(await benchFiles(api, db, `http://127.0.0.1:${port}`, walker));
      return;
    }

    // ---- (a) one approval at a time, interleaved with one raw round trip at a time.
    // Each stage's work is recorded and the stage submitted before its approvals,
    // outside the timing; only the decision's POST (and the raw Update) is timed.
    const decisionsPerInspection = 9; // the default chains: one approval per stage, three for reporting
    const aCount = Math.ceil((WARMUP_DECISIONS + options.samples) / decisionsPerInspection);
    log(`(a) launching a round of ${aCount} inspections; ${WARMUP_DECISIONS} warm-up + ${options.samples} measured approvals…`);
    const aRound = await launchRound(api, 'a', aCount);
    rounds.push(aRound.roundId);
    const [aBaselineId] = await baseline.start(1, 'a');
    const apiDecisions: number[] = [];
    const apiSubmissions: number[] = [];
    const rawTrips: number[] = [];
    let decisionsSeen = 0;
    const aMeter = new CostMeter();
    const endA = aMeter.begin();
    for (const walker of aRound.walkers) {
      while (!walker.done) {
        const action = walker.nextAction;
        if (action === 'submission') await walker.recordWork();
        const measuring = decisionsSeen >= WARMUP_DECISIONS && apiDecisions.length < options.samples;
        const elapsed = await walker.step();
        if (action === 'submission') {
          if (measuring) apiSubmissions.push(elapsed);
          continue;
        }
        decisionsSeen += 1;
        if (decisionsSeen > WARMUP_DECISIONS + options.samples) continue;
        const raw = await baseline.roundTrip(aBaselineId!);
        if (measuring) {
          apiDecisions.push(elapsed);
          rawTrips.push(raw);
        }
      }
    }
    endA();
    memory.mark('(a) approvals');
    const apiA = summarize(apiDecisions);
    const rawA = summarize(rawTrips);
    const subA = summarize(apiSubmissions);
    log(`(a) done: API p50 ${ms(apiA.p50)}, raw p50 ${ms(rawA.p50)}`);

    // ---- (b) N inspections through all seven stages, one phase per stage, against as
    // many raw round trips phased the same way. In each API phase the stage's work is
    // first recorded for every inspection at once (not timed), then every inspection's
    // transitions (submission + each decision of the chain) run at once (timed).
    log(`(b) launching a round of ${options.inspections} inspections…`);
    const launchStarted = performance.now();
    const bRound = await launchRound(api, 'b', options.inspections);
    const launchMs = performance.now() - launchStarted;
    rounds.push(bRound.roundId);
    memory.mark('(b) launch');

    const apiMeter = new CostMeter();
    const apiStageMs = new Map<StageId, number>();
    const recording = new Map<StageId, { ms: number; writes: number; reads: number }>();
    for (const stage of STAGE_IDS) {
      const stragglers = bRound.walkers.filter((w) => w.done || w.stage !== stage);
      if (stragglers.length > 0) throw new Error(`${stragglers.length} inspections are not at ${stage}`);
      log(`(b) ${stage}: recording the work of ${bRound.walkers.length} inspections…`);
      recording.set(stage, await recordAll(api, bRound.walkers));
      log(`(b) ${stage}: the transitions of ${bRound.walkers.length} inspections via the API…`);
      const endPhase = apiMeter.begin();
      await Promise.all(bRound.walkers.map((w) => w.passStage()));
      apiStageMs.set(stage, endPhase());
    }
    const apiCost = apiMeter.total();
    const apiWallMs = apiCost.wallMs;
    memory.mark('(b) API phases, incl. recording');
    const perInspection = bRound.walkers.map((w) => w.transitions);
    const transitions = perInspection.reduce((s, n) => s + n, 0);
    const stageTransitions = (stage: StageId) => bRound.walkers.reduce((s, w) => s + (w.transitionsByStage.get(stage) ?? 0), 0);
    const recordingMs = [...recording.values()].reduce((s, r) => s + r.ms, 0);
    const recordWrites = [...recording.values()].reduce((s, r) => s + r.writes, 0);
    const recordReads = [...recording.values()].reduce((s, r) => s + r.reads, 0);
    log(`(b) API: ${transitions} transitions in ${secs(apiWallMs)} over ${STAGE_IDS.length} phases (+ ${secs(recordingMs)} recording)`);

    log(`(b) ${transitions} raw Update+activity round trips, ${perInspection.length} workflows at once, in ${STAGE_IDS.length} phases…`);
    const bBaselineIds = await baseline.start(perInspection.length, 'b');
    const rawMeter = new CostMeter();
    const rawStageMs = new Map<StageId, number>();
    for (const stage of STAGE_IDS) {
      const endPhase = rawMeter.begin();
      await Promise.all(
        bBaselineIds.map(async (id, i) => {
          const trips = bRound.walkers[i]!.transitionsByStage.get(stage) ?? 0;
          for (let k = 0; k < trips; k += 1) await baseline.roundTrip(id);
        }),
      );
      rawStageMs.set(stage, endPhase());
    }
    const rawCost = rawMeter.total();
    const rawWallMs = rawCost.wallMs;
    memory.mark('(b) raw phases');
    log(`(b) raw: ${transitions} round trips in ${secs(rawWallMs)} over ${STAGE_IDS.length} phases`);

    // How much Temporal history each path writes per transition (one workflow of each).
    const sampleWalker = bRound.walkers[0]!;
    const apiHistory = (await temporal.workflow.getHandle(inspectionWorkflowId(sampleWalker.inspectionId)).describe()).historyLength;
    const rawHistory = (await temporal.workflow.getHandle(bBaselineIds[0]!).describe()).historyLength;

    // Every inspection walked to its end, so both rounds finish on their own.
    const roundOutcomes = await Promise.all(
      rounds.map((id) => temporal.workflow.getHandle<typeof roundWorkflow>(roundWorkflowId(id)).result()),
    );
    await baseline.finishAll();

    // ---- (d) reads, with a round of R inspections in the database. Seeding, not timed:
    // launch the round, record each inspection's preparation and submit it, and approve
    // every other one. The rest wait on the leading group (GET /approvals lists them);
    // the approved ones are open at stationing, where (e) writes.
    const R = options.readInspections;
    log(`(d) seeding: a round of ${R} inspections, each preparation recorded and submitted, half approved…`);
    const seedStarted = performance.now();
    const dRound = await launchRound(api, 'd', R);
    await inPool(dRound.walkers, SEED_CONCURRENCY, async (w) => {
      await w.recordWork();
      await w.step();
    });
    const approved = dRound.walkers.filter((_, i) => i % 2 === 0);
    await inPool(approved, SEED_CONCURRENCY, (w) => w.step());
    const seedMs = performance.now() - seedStarted;
    memory.mark('(d) seeding the read round');

    const timeline = bRound.walkers[0]!.inspectionId; // walked through all seven stages
    const readCases = [
      {
        name: 'GET /approvals',
        actor: leadingGroup,
        api: '/api/v1/approvals?status=pending',
        raw: `/raw/approvals?sub=${leadingGroup.sub}&roles=${leadingGroup.roles.join(',')}`,
        samples: options.samples,
        what: `the first page (50) of ${R - approved.length} submissions waiting on the leading group`,
      },
      {
        name: 'GET /rounds/:id/progress',
        actor: office,
        api: `/api/v1/rounds/${dRound.roundId}/progress`,
        raw: `/raw/rounds/${dRound.roundId}/progress`,
        samples: Math.min(options.samples, MAX_PROGRESS_SAMPLES),
        what: `a round of ${R} inspections`,
      },
      {
        name: 'GET /inspections/:id/history',
        actor: office,
        api: `/api/v1/inspections/${timeline}/history`,
        raw: `/raw/inspections/${timeline}/history`,
        samples: options.samples,
        what: `an inspection through all ${STAGE_IDS.length} stages`,
      },
    ];
    const reads = [];
    const readMeter = new CostMeter();
    for (const read of readCases) {
      log(`(d) ${read.name}: ${WARMUP_READS} warm-up + ${read.samples} samples each side…`);
      for (let i = 0; i < WARMUP_READS; i += 1) {
        await api.timedGet(read.actor, read.api);
        await raw.timedGet(undefined, read.raw);
      }
      const queriesBefore = { api: apiQueries.count, raw: rawQueries.count };
      const apiMs: number[] = [];
      const rawMs: number[] = [];
      let bytes = { api: 0, raw: 0 };
      const endRead = readMeter.begin();
      for (let i = 0; i < read.samples; i += 1) {
        // Taking turns at going first keeps warm caches and machine load from favouring a side.
        const takeApi = async () => api.timedGet(read.actor, read.api);
        const takeRaw = async () => raw.timedGet(undefined, read.raw);
        let a: Awaited<ReturnType<typeof takeApi>>;
        let r: Awaited<ReturnType<typeof takeRaw>>;
        if (i % 2 === 0) {
          a = await takeApi();
          r = await takeRaw();
        } else {
          r = await takeRaw();
          a = await takeApi();
        }
        apiMs.push(a.ms);
        rawMs.push(r.ms);
        bytes = { api: a.bytes, raw: r.bytes };
      }
      endRead();
      reads.push({
        ...read,
        api: summarize(apiMs),
        raw: summarize(rawMs),
        bytes,
        queries: {
          api: (apiQueries.count - queriesBefore.api) / read.samples,
          raw: (rawQueries.count - queriesBefore.raw) / read.samples,
        },
      });
    }

    // ---- (e) record writes: talk records, WRITE_PARALLELISM stationing inspections at
    // once, each written by its group member in sequence; against the same rows inserted
    // directly, as many at once. Slices alternate between the two so that load from
    // elsewhere on the machine falls on both.
    const writers = approved.slice(0, WRITE_PARALLELISM);
    const writesPerSlice = Math.max(1, Math.round((options.samples * 5) / (WRITE_SLICES * writers.length)));
    const rawDb = db.withPlugin(rawQueries);
    const writeVia = {
      api: (w: Walker, n: number) =>
        api.post(w.cast.members[0]!, `/api/v1/inspections/${w.inspectionId}/records`, { kind: 'talk', data: sampleTalk(n) }, 201),
      raw: (w: Walker, n: number) =>
        insertRecordRaw(rawDb, { inspectionId: w.inspectionId, kind: 'talk', stage: 'stationing', data: sampleTalk(n), actor: w.cast.members[0]! }),
    };
    const writeSlice = async (side: 'api' | 'raw', count: number) => {
      const started = performance.now();
      await Promise.all(writers.map(async (w) => {
        for (let n = 0; n < count; n += 1) await writeVia[side](w, n);
      }));
      return performance.now() - started;
    };
    log(`(e) ${writers.length} inspections at once, ${WRITE_SLICES} slices of ${writesPerSlice} writes each per side…`);
    await writeSlice('api', 2);
    await writeSlice('raw', 2);
    const writeQueriesBefore = { api: apiQueries.count, raw: rawQueries.count };
    const writeMs = { api: 0, raw: 0 };
    for (let slice = 0; slice < WRITE_SLICES; slice += 1) {
      for (const side of slice % 2 === 0 ? (['api', 'raw'] as const) : (['raw', 'api'] as const)) {
        writeMs[side] += await writeSlice(side, writesPerSlice);
      }
    }
    const writesEach = WRITE_SLICES * writesPerSlice * writers.length;
    const writeRate = { api: writesEach / (writeMs.api / 1000), raw: writesEach / (writeMs.raw / 1000) };
    const writeQueries = {
      api: (apiQueries.count - writeQueriesBefore.api) / writesEach,
      raw: (rawQueries.count - writeQueriesBefore.raw) / writesEach,
    };
    memory.mark('(d) reads and (e) writes');

    // ---- (f) evidence files: one 20 MB file at a time, on a talk of a stationing inspection.
    const files = await benchFiles(api, db, `http://127.0.0.1:${port}`, writers[0]!);
    memory.mark('(f) evidence files');
    const overallPeak = rss.overall();
    // With `node --expose-gc`, how much of the main heap is alive rather than not yet collected.
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const liveHeap = gc ? process.memoryUsage().heapUsed : undefined;

    // ---- report
    const cpus = os.cpus();
    const latencyRatio = apiA.p50 / rawA.p50;
    const wallRatio = apiWallMs / rawWallMs;
    out('xuncha benchmark');
    out(`  machine   ${cpus[0]?.model.trim() ?? 'unknown cpu'}, ${cpus.length} cores, ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, node ${process.version}`);
    out(`  database  ${describeTarget(target)}`);
    out(`  temporal  dev server in memory (${cli.kind === 'path' ? cli.path : 'SDK download'}), one client shared by API and baseline`);
    out(`  api       Fastify on 127.0.0.1:${port}, driven with fetch; worker in the same process`);
    out();
    out(`(a) one approval, sequential: ${apiA.n} samples after ${WARMUP_DECISIONS} warm-up, interleaved with the baseline`);
    out(`  API  POST /inspections/:id/decisions   p50 ${ms(apiA.p50)}   p95 ${ms(apiA.p95)}   mean ${ms(apiA.mean)}`);
    out(`  raw  Update + 1-row insert activity     p50 ${ms(rawA.p50)}   p95 ${ms(rawA.p95)}   mean ${ms(rawA.mean)}`);
    out(`  ratio api/raw  p50 ${ratio(apiA.p50, rawA.p50)}   p95 ${ratio(apiA.p95, rawA.p95)}   ${goal(latencyRatio, GOAL_LATENCY_RATIO)} on p50`);
    out(`  (for reference: the submission before each approval, API p50 ${ms(subA.p50)}   p95 ${ms(subA.p95)})`);
    out(`  while (a) ran: other processes on the machine used ${cores(aMeter.total().otherCores)} (more than ~0.1 skews the numbers)`);
    out();
    out(`(b) ${options.inspections} inspections through all ${STAGE_IDS.length} stages, one phase per stage, all ${options.inspections} at once in each: ${transitions} transitions (submissions + decisions)`);
    out(`  API  ${secs(apiWallMs)} wall (sum of ${STAGE_IDS.length} phases)   ${(transitions / (apiWallMs / 1000)).toFixed(0)} transitions/s`);
    out(`  raw  ${secs(rawWallMs)} wall (sum of ${STAGE_IDS.length} phases)   ${(transitions / (rawWallMs / 1000)).toFixed(0)} round trips/s   (${perInspection.length} workflows, each its stage's share in sequence)`);
    out(`  ratio api/raw  ${wallRatio.toFixed(2)}   ${goal(wallRatio, GOAL_THROUGHPUT_RATIO)}`);
    out(`  API  ${describeCost(apiCost)}`);
    out(`  raw  ${describeCost(rawCost)}`);
    out(`  by phase          transitions        API        raw   ratio   | recording (not timed above)`);
    for (const stage of STAGE_IDS) {
      const api = apiStageMs.get(stage)!;
      const raw = rawStageMs.get(stage)!;
      const rec = recording.get(stage)!;
      out(`    ${stage.padEnd(16)} ${String(stageTransitions(stage)).padStart(11)} ${secs(api).padStart(10)} ${secs(raw).padStart(10)}   ${ratio(api, raw).padStart(5)}   | ${secs(rec.ms).padStart(8)}, ${rec.writes} writes + ${rec.reads} reads`);
    }
    out(`  Temporal history events per transition: API ${(apiHistory / sampleWalker.transitions).toFixed(1)} (an inspection workflow, incl. its opening), raw ${(rawHistory / perInspection[0]!).toFixed(1)}`);
    out(`  not in the ratio: recording the stages' work took ${secs(recordingMs)} in all: ${recordWrites} record writes (+ ${recordReads} reads) through the API`);
    out(`  (also not in the ratio: launching the round of ${options.inspections} took ${secs(launchMs)}; rounds ended ${roundOutcomes.map((o) => o.status).join(', ')})`);
    out();
    // Goal (c) names the all-in-one process (npm start), which `npm run bench:memory` measures; this process also holds the baseline.
    out('(c′) peak RSS of this process, for reference: API + xuncha worker + the baseline\'s worker, Fastify and client (goal (c) is the all-in-one process alone: npm run bench:memory)');
    out(`  whole run  ${mib(overallPeak)}`);
    if (liveHeap !== undefined) out(`  main V8 heap alive after a full GC at the end: ${mib(liveHeap)}`);
    out(`  worker tuning: maxCachedWorkflows ${workerTuning.maxCachedWorkflows}, reuseV8Context ${workerTuning.reuseV8Context}, sticky queue timeout ${workerTuning.stickyQueueScheduleToStartTimeout}`);
    out(`  by phase                                            peak RSS   RSS at end   V8 heap used/total   external   cached workflows`);
    for (const phase of memory.phases) {
      out(`    ${phase.name.padEnd(48)} ${mib(phase.peak).padStart(8)} ${mib(phase.rss).padStart(12)} ${`${mib(phase.heapUsed)} / ${mib(phase.heapTotal)}`.padStart(20)} ${mib(phase.external).padStart(10)}   ${phase.cachedWorkflows ?? '-'}`);
    }
    out();
    out(`(d) reads, sequential, with ${R} more inspections in the database (seeded in ${secs(seedMs)}, not timed): API against a bare Fastify route running the same SQL, both over HTTP, taking turns`);
    out(`  endpoint                        what                                          API p50 / p95         raw p50 / p95      ratio p50    queries api/raw   bytes api/raw`);
    for (const read of reads) {
      out(`  ${read.name.padEnd(31)} ${read.what.padEnd(45)} ${`${ms(read.api.p50)} / ${ms(read.api.p95)}`.padStart(19)} ${`${ms(read.raw.p50)} / ${ms(read.raw.p95)}`.padStart(19)}   ${ratio(read.api.p50, read.raw.p50).padStart(6)}   ${`${read.queries.api.toFixed(0)} / ${read.queries.raw.toFixed(0)}`.padStart(15)}   ${read.bytes.api} / ${read.bytes.raw}   (n ${read.api.n})`);
    }
    out(`  goal ≤ ${GOAL_READ_RATIO} on p50, each endpoint; while (d) ran: ${describeCost(readMeter.total())}`);
    out();
    out(`(e) record writes (talk records at stationing), ${writers.length} inspections at once, ${writesEach} writes each side in ${WRITE_SLICES} alternating slices`);
    out(`  API  POST /inspections/:id/records          ${writeRate.api.toFixed(0).padStart(6)} writes/s   ${writeQueries.api.toFixed(1)} queries per write (+ begin/commit)`);
    out(`  raw  insert record + version, 1 transaction ${writeRate.raw.toFixed(0).padStart(6)} writes/s   ${writeQueries.raw.toFixed(1)} queries per write (+ begin/commit)`);
    out(`  ratio raw/api  ${ratio(writeRate.raw, writeRate.api)}   ${goal(writeRate.raw / writeRate.api, GOAL_WRITE_RATIO)}`);
    out();
    reportFiles(files);
    out();
    const goals: [string, number, number, string][] = [
      ['(a) approval latency, API/raw p50', latencyRatio, GOAL_LATENCY_RATIO, '×'],
      [`(b) ${STAGE_IDS.length}-stage walk wall time, API/raw`, wallRatio, GOAL_THROUGHPUT_RATIO, '×'],
      ...reads.map((read): [string, number, number, string] => [`(d) ${read.name}, API/raw p50`, read.api.p50 / read.raw.p50, GOAL_READ_RATIO, '×']),
      ['(e) record writes/s, raw/API', writeRate.raw / writeRate.api, GOAL_WRITE_RATIO, '×'],
    ];
    out('goals');
    for (const [name, value, limit, unit] of goals) {
      const shown = (x: number) => (unit === '×' ? `${x.toFixed(2)}×` : `${x.toFixed(0)}${unit}`);
      out(`  ${name.padEnd(46)} ${shown(value).padStart(9)}   goal ≤ ${shown(limit).padEnd(9)} ${value <= limit ? 'met' : 'NOT MET'}`);
    }
  } catch (error) {
    process.exitCode = 1;
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    log('shutting down…');
    await cleanup();
    rss.stop();
  }
}

await main();
