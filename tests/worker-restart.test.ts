import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { devSigningKeys } from '../platform/signing-key.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { buildApp } from '../api/app.js';
import { STAGE_IDS } from '../workflows/stages.js';
import { JWT_SECRET, PAYLOAD_KEYS_SETTING, startHarness, type Harness } from './support/harness.js';
import { auditor, leaderOne, leaderTwo, office } from './support/people.js';
import { usingPostgres } from './support/test-database.js';
import { eventually, passStage, recordWork, rid, launchRound } from './support/walk.js';

const root = fileURLToPath(new URL('..', import.meta.url));

let h: Harness;
beforeAll(async () => {
  // Clients here wait out a worker's death: activity timeouts, a new worker's start.
  h = await startHarness({ requestTimeoutMs: 120_000, signingKeys: devSigningKeys(signingKeyFile) });
});
afterAll(async () => {
  await h?.close();
});

async function expectIntactHistory(inspectionId: string) {
  const history = await h.call(auditor, 'GET', `/api/v1/inspections/${inspectionId}/history`);
  const steps = history.body.steps as { seq: number; kind: string; stage: string }[];
  // Nothing lost: every stage opened once, in order. Nothing doubled: one approval per chain level.
  expect(steps.filter((s) => s.kind === 'stage_opened').map((s) => s.stage)).toEqual([...STAGE_IDS]);
  expect(steps.filter((s) => s.kind === 'submitted')).toHaveLength(STAGE_IDS.length);
  // Reporting's chain has three levels, every other stage one.
  expect(steps.filter((s) => s.kind === 'approved')).toHaveLength(STAGE_IDS.length + 2);
  expect(steps.map((s) => s.seq)).toEqual(steps.map((_, i) => i + 1));
  const verified = await h.call(auditor, 'GET', `/api/v1/inspections/${inspectionId}/history/verify`);
  expect(verified.body.intact, JSON.stringify(verified.body.problems)).toBe(true);
}


// One checkpoint key for the harness's API and the worker processes this file starts: the API verifies what they sign.
const signingKeyFile = join(tmpdir(), `xuncha-restart-${process.pid}-signing-key.json`);
describe('a worker that stops mid-round', () => {
  it('is replaced by a new one and the round completes with nothing lost or doubled', async () => {
    const round = await launchRound(h);
    const [first, second] = round.inspections;
    for (const stage of STAGE_IDS.slice(0, 3)) {
      await passStage(h, first.id, stage, leaderOne);
      await passStage(h, second.id, stage, leaderTwo);
    }

    await h.stopWorker();
    await h.startWorker();

    for (const stage of STAGE_IDS.slice(3)) {
      await Promise.all([passStage(h, first.id, stage, leaderOne), passStage(h, second.id, stage, leaderTwo)]);
    }
    await eventually(async () => {
      expect((await h.call(office, 'GET', `/api/v1/rounds/${round.id}`)).body.status).toBe('completed');
    }, 'the round to complete');
    await expectIntactHistory(first.id);
    await expectIntactHistory(second.id);
  });

  it('answers a request it cannot serve with a 503, and the same requestId once a worker is back', async () => {
    const impatient = await buildApp({
      services: { db: h.database.db, temporal: h.temporal, taskQueue: h.taskQueue, requestTimeoutMs: 1500 },
      auth: { secret: JWT_SECRET },
    });
    try {
      const round = await launchRound(h);
      const id = round.inspections[0].id;
      await recordWork(h, id, 'preparation', leaderOne);
      const body = { stage: 'preparation', requestId: rid('while-down') };
      const submit = async () => {
        const response = await impatient.inject({
          method: 'POST',
          url: `/api/v1/inspections/${id}/submissions`,
          headers: { authorization: `Bearer ${await h.token(leaderOne)}` },
          payload: body,
        });
        return { status: response.statusCode, body: response.json() };
      };

      await h.stopWorker();
      const waiting = await submit();
      expect(waiting.status).toBe(503);
      expect(waiting.body.message).toMatch(/相同的 requestId/);

      await h.startWorker();
      const answered = await eventually(async () => {
        const again = await submit();
        expect(again.status).toBe(200);
        return again.body;
      }, 'the repeated request to be answered');
      expect(answered.status).toMatchObject({ stage: 'preparation', state: 'submitted' });
      const history = await h.call(auditor, 'GET', `/api/v1/inspections/${id}/history`);
      expect(history.body.steps.filter((s: { kind: string }) => s.kind === 'submitted')).toHaveLength(1);
    } finally {
      await h.startWorker();
      await impatient.close();
    }
  });

  // Killing a worker process needs a database two processes can share: PostgreSQL, not the embedded PGlite.
  describe.runIf(usingPostgres)('killed with SIGKILL while requests are in flight', () => {
    const workers: ChildProcess[] = [];
    const startWorkerProcess = () => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
        cwd: root,
        env: {
          ...process.env,
          DATABASE_URL: (h.database.target as { url: string }).url,
          TEMPORAL_ADDRESS: inject('temporalAddress'),
          TASK_QUEUE: h.taskQueue,
          PAYLOAD_KEYS: PAYLOAD_KEYS_SETTING,
          // The production worker refuses to start without a checkpoint key.
          SIGNING_KEY_FILE: signingKeyFile,
        },
        stdio: 'ignore',
        detached: true,
      });
      workers.push(child);
      return child;
    };
    // The worker runs in its own process group; SIGKILL gives it no chance to clean up.
    const kill = (child: ChildProcess) => {
      if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    afterAll(() => workers.forEach(kill));

    it('loses no approval that a client was waiting on', async () => {
      await h.stopWorker();
      startWorkerProcess();
      const round = await launchRound(h);
      const [first, second] = round.inspections;
      await passStage(h, first.id, 'preparation', leaderOne);

      // Both groups push stages while the worker process is killed and replaced under them.
      const walking = Promise.all([
        (async () => {
          for (const stage of STAGE_IDS.slice(1)) await passStage(h, first.id, stage, leaderOne);
        })(),
        (async () => {
          for (const stage of STAGE_IDS) await passStage(h, second.id, stage, leaderTwo);
        })(),
      ]);
      await new Promise((r) => setTimeout(r, 1500));
      kill(workers[0]!);
      startWorkerProcess();
      await walking;

      await eventually(async () => {
        expect((await h.call(office, 'GET', `/api/v1/rounds/${round.id}`)).body.status).toBe('completed');
      }, 'the round to complete', 60_000);
      await expectIntactHistory(first.id);
      await expectIntactHistory(second.id);
      workers.forEach(kill);
      await h.startWorker();
      // Two inspections through every stage with two worker deaths: longer than the default on a busy 2-core machine.
    }, 180_000);
  });
});
