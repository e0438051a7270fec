/**
 * The raw baseline for `npm run bench`: the least a Temporal Update that writes one
 * row can cost on this server. One long-lived workflow receives Updates; each handler
 * runs one activity that inserts one row, and returns once that row is written,
 * which is the shape of xuncha's submissions and decisions without the API, the
 * auth, the reads and the domain rules around them. Sandbox-safe: only the SDK.
 */
import { allHandlersFinished, condition, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';
import type { BaselineActivities, BaselineRow } from './baseline.activities.js';

export const BASELINE_TASK_QUEUE = 'xuncha-bench-baseline';

/** One round trip: the handler resolves after the activity has inserted the row. */
export const writeRowUpdate = defineUpdate<number, [BaselineRow]>('writeRow');
/** Ends the workflow once every write in flight has finished; returns how many it made. */
export const finishUpdate = defineUpdate<number>('finish');

// The same activity options as the inspection workflow's writes.
const { insertBenchRow } = proxyActivities<BaselineActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

export async function baselineWorkflow(): Promise<number> {
  let written = 0;
  let finished = false;

  setHandler(writeRowUpdate, async (row) => {
    await insertBenchRow(row);
    written += 1;
    return written;
  });
  setHandler(finishUpdate, () => {
    finished = true;
    return written;
  });

  await condition(() => finished);
  await condition(allHandlersFinished);
  return written;
}
