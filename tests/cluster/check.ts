import { STAGE_IDS } from '../../workflows/stages.js';
import type { ApiPool } from './api-pool.js';
import { auditor, office, type Driven } from './drive.js';

/**
 * What a round left behind, read back through the API: every inspection's state, its
 * history against what the round's approval chains say it must hold (one submission
 * and one approval per approver per stage, no more, no less), the hash chain, and
 * whether Temporal's own record of the workflow ends the way the database says.
 */
export interface RoundOutcome {
  inspections: number;
  completed: number;
  stepsLost: number;
  stepsDoubled: number;
  historiesIntact: number;
  /** Inspections whose workflow's Temporal history ends in the state the database shows, with as many accepted transitions. */
  temporalAgrees: number;
  problems: string[];
}

interface Step {
  kind: string;
  stage: string;
  requestId: string | null;
}

async function read(api: ApiPool, path: string, as = office) {
  const answer = await api.call(as, 'GET', path);
  if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
  return answer.body;
}

/** The workflow's result and how many transition updates it completed without a failure, from the raw history JSON. */
function temporalView(served: { runs?: { history: { events?: Record<string, any>[] } }[] }) { // eslint-disable-line @typescript-eslint/no-explicit-any
  // Every run of the continue-as-new chain, oldest first: their events read as one history.
  const events = (served.runs ?? []).flatMap((run) => run.history.events ?? []);
  const last = events.at(-1);
  let result: { state?: string } | undefined;
  const payload = last?.workflowExecutionCompletedEventAttributes?.result?.payloads?.[0]?.data;
  if (typeof payload === 'string') result = JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as { state?: string };
  const updatesCompleted = events.filter(
    (e) => e.workflowExecutionUpdateCompletedEventAttributes && !e.workflowExecutionUpdateCompletedEventAttributes.outcome?.failure,
  ).length;
  const continued = events.some((e) => e.workflowExecutionContinuedAsNewEventAttributes);
  return { state: result?.state, updatesCompleted, continued, started: events.length > 0 };
}

export async function checkRound(api: ApiPool, driven: Driven): Promise<RoundOutcome> {
  const round = await read(api, `/api/v1/rounds/${driven.roundId}`);
  const chains = round.approvalChains as Record<string, string[]>;
  const outcome: RoundOutcome = {
    inspections: driven.inspections.length,
    completed: 0,
    stepsLost: 0,
    stepsDoubled: 0,
    historiesIntact: 0,
    temporalAgrees: 0,
    problems: [],
  };
  for (const { id } of driven.inspections) {
    const inspection = await read(api, `/api/v1/inspections/${id}`);
    if (inspection.state === 'completed') outcome.completed += 1;
    else outcome.problems.push(`${id}: ${inspection.state} at ${inspection.stage}`);

    const steps = (await read(api, `/api/v1/inspections/${id}/history`, auditor)).steps as Step[];
    let transitions = 0;
    for (const stage of STAGE_IDS) {
      for (const [kind, expected] of [['submitted', 1], ['approved', (chains[stage] ?? []).length]] as const) {
        const found = steps.filter((s) => s.stage === stage && s.kind === kind).length;
        transitions += found;
        if (found !== expected) outcome.problems.push(`${id}: ${stage} has ${found} ${kind} steps, expected ${expected}`);
        outcome.stepsLost += Math.max(0, expected - found);
        outcome.stepsDoubled += Math.max(0, found - expected);
      }
    }
    // A last approval and the stage it opens share the approval's request id; only the transitions themselves must be unique.
    const requestIds = steps
      .filter((s) => s.kind === 'submitted' || s.kind === 'approved')
      .map((s) => s.requestId)
      .filter((r): r is string => r !== null);
    const repeated = requestIds.length - new Set(requestIds).size;
    if (repeated > 0) outcome.problems.push(`${id}: ${repeated} request ids recorded twice`);

    const verified = await read(api, `/api/v1/inspections/${id}/history/verify`, auditor);
    if (verified.intact) outcome.historiesIntact += 1;
    else outcome.problems.push(`${id}: history not intact: ${JSON.stringify(verified.problems)}`);

    const temporal = temporalView(await read(api, `/api/v1/inspections/${id}/history/temporal`, auditor));
    // After a continue-as-new the history holds only the last run's updates, so only the end state is compared.
    const agrees = temporal.state === inspection.state && (temporal.continued || temporal.updatesCompleted === transitions);
    if (agrees) outcome.temporalAgrees += 1;
    else
      outcome.problems.push(
        `${id}: database says ${inspection.state} with ${transitions} transitions, Temporal says ${temporal.state ?? 'still running'} with ${temporal.updatesCompleted}`,
      );
  }
  return outcome;
}
