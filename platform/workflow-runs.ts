import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { decodeHistory } from './payload-codec.js';

/** One run of a workflow, its history in the JSON form the replayer and the Temporal CLI read. */
export interface WorkflowRun {
  workflowId: string;
  runId: string;
  history: { events: Record<string, unknown>[] } & Record<string, unknown>;
}

/**
 * Every run of a workflow, oldest first: the current run, then each run it continued
 * from, by the `continuedExecutionRunId` its start event names. Followed through the
 * histories themselves rather than the visibility store, which may lag behind.
 */
export async function fetchAllRuns(client: Client, workflowId: string): Promise<WorkflowRun[]> {
  const latest = await client.workflow.getHandle(workflowId).describe();
  const runs: WorkflowRun[] = [];
  let runId: string | undefined = latest.runId;
  while (runId) {
    // Payloads are sealed by the codec (platform/payload-codec.ts); the client's keys open them.
    const sealed = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const opened = await decodeHistory(sealed, client.options.loadedDataConverter.payloadCodecs);
    const history = JSON.parse(historyToJSON(opened)) as WorkflowRun['history'];
    runs.unshift({ workflowId, runId, history });
    const started = history.events[0]?.workflowExecutionStartedEventAttributes as { continuedExecutionRunId?: string } | undefined;
    runId = started?.continuedExecutionRunId || undefined;
  }
  return runs;
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
