import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { temporal } from '@temporalio/proto';
import { decodeHistory } from './payload-codec.js';

/** One run of a workflow, its history in the JSON form the replayer and the Temporal CLI read. */
export interface WorkflowRun {
  workflowId: string;
  runId: string;
  history: { events: Record<string, unknown>[] } & Record<string, unknown>;
}

/** One run's history as Temporal's protobuf types hold it, payloads opened. */
export interface DecodedRun {
  runId: string;
  history: temporal.api.history.v1.IHistory;
}

/**
 * Every run of a workflow, oldest first: the current run, then each run it continued
 * from, by the `continuedExecutionRunId` its start event names. Followed through the
 * histories themselves rather than the visibility store, which may lag behind.
 */
export async function fetchDecodedRuns(client: Client, workflowId: string): Promise<DecodedRun[]> {
  const runs: DecodedRun[] = [];
  let runId: string | undefined = (await client.workflow.getHandle(workflowId).describe()).runId;
  while (runId) {
    // Payloads are sealed by the codec (platform/payload-codec.ts); the client's keys open them.
    const sealed: temporal.api.history.v1.IHistory = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const history: temporal.api.history.v1.IHistory = await decodeHistory(sealed, client.options.loadedDataConverter.payloadCodecs);
    runs.unshift({ runId, history });
    runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
  }
  return runs;
}

/** Every run of a workflow, oldest first, in the JSON form the replayer and the Temporal CLI read. */
export async function fetchAllRuns(client: Client, workflowId: string): Promise<WorkflowRun[]> {
  const runs = await fetchDecodedRuns(client, workflowId);
  return runs.map(({ runId, history }) => ({ workflowId, runId, history: JSON.parse(historyToJSON(history)) as WorkflowRun['history'] }));
}

/** The workflows a workflow started as children (a round's inspections), from its runs' histories. */
export function childWorkflowIds(runs: WorkflowRun[]): string[] {
  const ids = runs.flatMap((run) =>
    run.history.events.flatMap((event) => {
      const started = event.startChildWorkflowExecutionInitiatedEventAttributes as { workflowId?: string } | undefined;
      return started?.workflowId ? [started.workflowId] : [];
    }),
  );
  return [...new Set(ids)];
}
