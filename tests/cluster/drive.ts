import { randomUUID } from 'node:crypto';
import {
  SAMPLE_FOCUS,
  approvalBody,
  approverDue,
  approverOf,
  launchRound,
  recordStageWork,
  sampleRound,
  submitterOf,
  type Cast,
  type TransitionStatus,
} from '../../platform/sample-stage-work.js';
import type { Actor } from '../../workflows/roles.js';
import { STAGE_IDS, type StageId } from '../../workflows/stages.js';
import type { ApiPool } from './api-pool.js';

/**
 * Drives one round of inspections through all seven stages over HTTP, a stage at a
 * time for all of them: the group records the stage's work, then submissions and
 * decisions go out for every inspection at once. A transition that fails (a dropped
 * connection, a 503) is repeated with the same requestId until it is answered, which
 * is what the API promises makes a repeat safe.
 */
export const office: Actor = { sub: 'cluster-office', name: '巡察办（集群）', roles: ['office'] };
export const officeDeputy: Actor = { sub: 'cluster-office-deputy', name: '巡察办副主任（集群）', roles: ['office'] };
export const leadingGroup: Actor = { sub: 'cluster-leading-group', name: '领导小组（集群）', roles: ['leading_group'] };
export const partyCommittee: Actor = { sub: 'cluster-party-committee', name: '党委（集群）', roles: ['party_committee'] };
export const auditor: Actor = { sub: 'cluster-auditor', name: '审计（集群）', roles: ['auditor'] };

/** Give up on one transition after this long: a fault that never recovers fails the round instead of hanging it. */
const TRANSITION_DEADLINE_MS = 180_000;

export interface DriveHooks {
  /** Called once as the transitions of `stage` start; whatever it returns runs beside them. */
  duringTransitions?: (stage: StageId, transitionsAnswered: () => number) => Promise<void> | undefined;
}

export interface Driven {
  roundId: string;
  inspections: { id: string; cast: Cast }[];
  /** When the first transition sent at or after `since` was answered with a 2xx: the system serving again after a fault. */
  firstSuccessAfter: (since: number) => number | undefined;
}


async function inBatches<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

export async function driveRound(api: ApiPool, label: string, count: number, hooks: DriveHooks = {}): Promise<Driven> {
  const { casts, body } = sampleRound(label, count, { office, officeDeputy, leadingGroup, partyCommittee }, {
    name: `集群测试 ${label}`,
    focus: SAMPLE_FOCUS,
  });
  const round = (await launchRound(api.call, { office, leadingGroup }, body)) as { id: string; inspections: { id: string; group: { leader: { sub: string } } }[] };
  const castOf = new Map(casts.map((c) => [c.leader.sub, c]));
  const inspections = round.inspections.map((i) => ({ id: i.id, cast: castOf.get(i.group.leader.sub)! }));

  const successes: { sentAt: number; answeredAt: number }[] = [];
  for (const stage of STAGE_IDS) {
    await inBatches(inspections, 4, (inspection) => recordStageWork(api.call, inspection.id, stage, inspection.cast));
    let answered = 0;
    const fault = hooks.duringTransitions?.(stage, () => answered);
    await Promise.all(
      inspections.map(async (inspection) => {
        const base = `/api/v1/inspections/${inspection.id}`;
        let status: TransitionStatus = (
          await transition(api, submitterOf(stage, inspection.cast), `${base}/submissions`, { stage, requestId: `submit-${randomUUID()}` }, (t) =>
            successes.push(t),
          )
        ).body.status;
        answered += 1;
        for (let role = approverDue(status); role; role = approverDue(status)) {
          status = (
            await transition(api, approverOf(role, stage, inspection.cast), `${base}/decisions`, approvalBody(stage, role, `approve-${randomUUID()}`), (t) =>
              successes.push(t),
            )
          ).body.status;
          answered += 1;
        }
      }),
    );
    await fault;
  }
  return {
    roundId: round.id,
    inspections,
    firstSuccessAfter: (since) =>
      successes
        .filter((s) => s.sentAt >= since)
        .map((s) => s.answeredAt)
        .sort((a, b) => a - b)[0],
  };
}

/**
 * Sends an idempotent request until it is answered with a 2xx, repeating the same body
 * (and so the same requestId) after a dropped connection or a 503. Anything else fails.
 */
async function transition(
  api: ApiPool,
  actor: Actor,
  path: string,
  body: Record<string, unknown>,
  succeeded?: (times: { sentAt: number; answeredAt: number }) => void,
) {
  const withId = 'requestId' in body ? body : { ...body, requestId: `launch-${randomUUID()}` };
  const deadline = Date.now() + TRANSITION_DEADLINE_MS;
  for (;;) {
    const sentAt = Date.now();
    let retryAfterMs = 500;
    try {
      const answer = await api.once(actor, 'POST', path, withId);
      if (answer.status < 300) {
        succeeded?.({ sentAt, answeredAt: Date.now() });
        return answer;
      }
      if (answer.status !== 503) throw new Error(`POST ${path} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 500)}`);
      const header = Number(answer.headers.get('retry-after'));
      if (Number.isFinite(header) && header > 0) retryAfterMs = Math.min(header * 1000, 5000);
    } catch (error) {
      if (!(error as { connectionError?: boolean }).connectionError) throw error;
    }
    if (Date.now() > deadline) throw new Error(`POST ${path} with requestId ${String(withId.requestId)} was not answered within ${TRANSITION_DEADLINE_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, retryAfterMs));
  }
}
