import type { InfiniteData, QueryClient } from '@tanstack/react-query';
import { api, unwrap } from './client';
import type { Answer } from './queries';

type Tasks = Answer<'/api/v1/tasks'>;

/** A request web/public/prefetch.js started before the bundle loaded; data is null unless it answered 200. */
interface Prefetched {
  done: boolean;
  data: Tasks | null;
  promise: Promise<Tasks | null>;
}

declare global {
  interface Window {
    xunchaPrefetched?: Record<string, Prefetched | undefined>;
  }
}

/**
 * Hands the to-do answer prefetch.js fetched to the query cache under the key the 工作台 reads
 * (useTasks). Already in, it is there for the first render, which then draws the list at once
 * instead of drawing the page twice; still on its way, the query waits for it rather than asking
 * again. Anything but a 200 (an expired token, a network failure) is left to the console's own call.
 */
export function adoptPrefetchedTasks(queryClient: QueryClient): void {
  const entry = window.xunchaPrefetched?.['/api/v1/tasks'];
  if (!entry) return;
  delete window.xunchaPrefetched!['/api/v1/tasks'];
  // The 工作台 reads the to-do a page at a time (useTasks): what prefetch.js fetched is its first page.
  if (entry.done && entry.data) {
    queryClient.setQueryData<InfiniteData<Tasks, string | undefined>>(['tasks'], { pages: [entry.data], pageParams: [undefined] });
    return;
  }
  void queryClient.prefetchInfiniteQuery({
    queryKey: ['tasks'],
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: Tasks) => last.nextCursor ?? undefined,
    queryFn: async () => (await entry.promise) ?? unwrap(api.GET('/api/v1/tasks')),
  });
}
