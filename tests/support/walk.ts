import { expect } from 'vitest';
import type { Actor, ApproverRole } from '../../workflows/roles.js';
import type { StageId } from '../../workflows/stages.js';
import {
  approvalBody,
  approverDue,
  approverOf,
  launchRound as launchThroughApi,
  recordStageWork,
  sampleMeeting,
  submitterOf,
} from '../../platform/sample-stage-work.js';
import type { Harness } from './harness.js';
import { castOf, launchBody, leadingGroup, office } from './people.js';

let counter = 0;
/** A fresh request id, as a client would make one. */
export const rid = (label: string) => `${label}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

/** The meeting a collective body decides at, as the sample approvals name it. */
export const meetingFor = sampleMeeting;

/** Launches a round (the sample one, with `overrides`) as the office; fails the test unless it starts. */
export async function launchRound(h: Harness, overrides: Record<string, unknown> = {}) {
  return launchThroughApi(h.call, { office, leadingGroup }, launchBody(overrides));
}

/** Records the work `stage` needs (realistic sample records) as the leader's group would. */
export async function recordWork(h: Harness, inspectionId: string, stage: StageId, leader: Actor): Promise<void> {
  await recordStageWork(h.call, inspectionId, stage, castOf(leader));
}

/** Records the stage's work, submits it as its owner and approves it through its whole chain. */
export async function passStage(h: Harness, inspectionId: string, stage: StageId, leader: Actor): Promise<void> {
  await recordWork(h, inspectionId, stage, leader);
  const cast = castOf(leader);
  const submitted = await h.call(submitterOf(stage, cast), 'POST', `/api/v1/inspections/${inspectionId}/submissions`, {
    stage,
    requestId: rid('submit'),
  });
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
  let awaiting: ApproverRole | null = approverDue(submitted.body.status);
  while (awaiting) {
    const decided = await h.call(approverOf(awaiting, stage, cast), 'POST', `/api/v1/inspections/${inspectionId}/decisions`, approvalBody(stage, awaiting, rid('approve')));
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    awaiting = approverDue(decided.body.status);
  }
}

/** Polls until `check` holds: for what workflows do on their own time (children, timers). */
export async function eventually<T>(check: () => Promise<T>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      return await check();
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`timed out waiting for ${what}: ${String(lastError)}`);
}
