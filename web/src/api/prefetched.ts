import type { QueryClient } from '@tanstack/react-query';
import { api, unwrap } from './client';

declare global {
  interface Window {
    /** Requests web/public/prefetch.js started before the bundle loaded, by path. */
    xunchaPrefetched?: Record<string, Promise<Response> | undefined>;
  }
}

/**
 * Hands the to-do request that prefetch.js started to the query cache under the key the 工作台
 * reads (useTasks), so the page renders as soon as its code arrives. Any answer but a 200 (an
 * expired token, a network failure) is left to the console's own call, which knows what to do.
 */
export function adoptPrefetchedTasks(queryClient: QueryClient): void {
  const started = window.xunchaPrefetched?.['/api/v1/tasks'];
  if (!started) return;
  delete window.xunchaPrefetched!['/api/v1/tasks'];
  const own = () => unwrap(api.GET('/api/v1/tasks'));
  void queryClient.prefetchQuery({
    queryKey: ['tasks'],
    queryFn: async () => {
      const response = await started.catch(() => undefined);
      return response?.ok ? ((await response.json()) as Awaited<ReturnType<typeof own>>) : own();
    },
  });
}
