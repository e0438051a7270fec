import { expect } from 'vitest';
import type { Actor } from '../../workflows/roles.js';
import { stageOwner, type StageId } from '../../workflows/stages.js';
import { recordStageWork } from '../../platform/sample-stage-work.js';
import type { Harness } from './harness.js';
import { castOf, leadingGroup, office, officeDeputy, partyCommittee } from './people.js';

let counter = 0;
/** A fresh request id, as a client would make one. */
export const rid = (label: string) => `${label}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

export const approverFor = { office, leading_group: leadingGroup, party_committee: partyCommittee } as const;

/** The meeting a collective body decides at; office decisions carry none. */
export const meetingFor = (role: keyof typeof approverFor) =>
  role === 'office' ? undefined : { kind: role === 'leading_group' ? '领导小组会议' : '书记专题会', heldOn: '2021-12-10', minutesRef: '巡领〔2021〕7号' };

/** Who submits `stage`: the group's leader for the group's stages, the office after the report. */
export const submitterFor = (stage: StageId, leader: Actor): Actor => (stageOwner(stage) === 'office' ? office : leader);

/** Records the work `stage` needs (realistic sample records) as the leader's group would. */
export async function recordWork(h: Harness, inspectionId: string, stage: StageId, leader: Actor): Promise<void> {
  await recordStageWork(h.call, inspectionId, stage, castOf(leader));
}

/** Records the stage's work, submits it as its owner and approves it through its whole chain. */
export async function passStage(h: Harness, inspectionId: string, stage: StageId, leader: Actor): Promise<void> {
  await recordWork(h, inspectionId, stage, leader);
  const submitter = submitterFor(stage, leader);
  const submitted = await h.call(submitter, 'POST', `/api/v1/inspections/${inspectionId}/submissions`, {
    stage,
    requestId: rid('submit'),
  });
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
  let awaiting = submitted.body.status.awaitingRole as keyof typeof approverFor | null;
  while (awaiting) {
    // Nobody approves their own submission: another office member does when the office submitted.
    const approver = awaiting === 'office' && submitter === office ? officeDeputy : approverFor[awaiting];
    const decided = await h.call(approver, 'POST', `/api/v1/inspections/${inspectionId}/decisions`, {
      stage,
      decision: 'approve',
      requestId: rid('approve'),
      meeting: meetingFor(awaiting),
    });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    awaiting = decided.body.status.awaitingRole;
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
