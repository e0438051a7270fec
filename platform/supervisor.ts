import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Runs one long-lived process the way compose's `restart: unless-stopped` does: when it
 * exits without being stopped, it is started again after a delay, and the restart is
 * logged. Each process gets its own process group, so a kill reaches whatever the
 * command started under it (tsx runs node as a child), and its output goes to a log
 * file instead of interleaving with everyone else's.
 */
export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  logFile: string;
  /** Delay before an unexpected exit is followed by a restart; null never restarts. */
  restartDelayMs: number | null;
}

export class SupervisedProcess {
  private child: ChildProcess | undefined;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private nextDelayMs: number | null;
  private readonly log: WriteStream;
  private exitWaiters: (() => void)[] = [];
  /** Times the process was started again after an exit nobody asked for. */
  restarts = 0;

  constructor(
    readonly spec: ProcessSpec,
    private readonly report: (line: string) => void,
  ) {
    mkdirSync(dirname(spec.logFile), { recursive: true });
    this.log = createWriteStream(spec.logFile, { flags: 'a' });
    this.nextDelayMs = spec.restartDelayMs;
  }

  get name(): string {
    return this.spec.name;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  start(): void {
    if (this.child) return;
    this.stopping = false;
    const child = spawn(this.spec.command, this.spec.args, {
      cwd: this.spec.cwd,
      env: this.spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.child = child;
    this.log.write(`--- ${new Date().toISOString()} started pid ${child.pid}\n`);
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    child.on('error', (error) => this.report(`${this.name}: could not start: ${error.message}`));
    child.on('exit', (code, signal) => {
      this.child = undefined;
      const how = signal ?? `exit ${code}`;
      this.log.write(`--- ${new Date().toISOString()} ended (${how})\n`);
      for (const wake of this.exitWaiters.splice(0)) wake();
      if (this.stopping) return;
      const delay = this.nextDelayMs;
      this.nextDelayMs = this.spec.restartDelayMs;
      if (delay === null) {
        this.report(`${this.name}: exited (${how}); not restarted`);
        return;
      }
      this.report(`restart: ${this.name} exited (${how}); starting it again in ${(delay / 1000).toFixed(1)} s`);
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined;
        if (this.stopping) return;
        this.restarts += 1;
        this.start();
      }, delay);
    });
  }

  /**
   * Sends `signal` to the process group as a crash would: the exit counts as
   * unexpected, so the process comes back after `restartAfterMs` (the spec's delay by
   * default; null leaves it down).
   */
  async crash(signal: NodeJS.Signals = 'SIGKILL', restartAfterMs: number | null | undefined = undefined): Promise<void> {
    if (!this.child?.pid) throw new Error(`${this.name} is not running`);
    if (restartAfterMs !== undefined) this.nextDelayMs = restartAfterMs;
    const exited = this.exited();
    process.kill(-this.child.pid, signal);
    await exited;
  }

  /** Stops it for good: SIGTERM to the group, SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const pid = this.child?.pid;
    if (pid) {
      const exited = this.exited();
      signalGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      // Anything the command left behind in its group goes too.
      signalGroup(pid, 'SIGKILL');
    }
    await new Promise<void>((resolve) => this.log.end(resolve));
  }

  private exited(): Promise<void> {
    return this.child ? new Promise((resolve) => this.exitWaiters.push(resolve)) : Promise.resolve();
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}
