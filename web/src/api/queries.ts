import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, unwrap } from './client';
import type { paths } from './schema';

/** The JSON a GET answers with 200, by path: the API's own types, regenerated with it. */
export type Answer<P extends keyof paths> = paths[P] extends { get: { responses: { 200: { content: { 'application/json': infer T } } } } } ? T : never;

export type Inspection = Answer<'/api/v1/inspections/{id}'>;
export type InspectionRecord = Answer<'/api/v1/inspections/{id}/records'>['records'][number];
export type HistoryStep = Answer<'/api/v1/inspections/{id}/history'>['steps'][number];
export type Round = Answer<'/api/v1/rounds/{roundId}'>;

export const useInspection = (id: string) =>
  useQuery({ queryKey: ['inspection', id], queryFn: () => unwrap(api.GET('/api/v1/inspections/{id}', { params: { path: { id } } })) });

/** Pages this large keep a long inspection to a few requests. */
const PAGE = 500;

/**
 * Every page of a paged list, in order: the inspection's pages show all of its records
 * and steps at once (the approval view compares what a submission froze with them).
 */
async function allPages<T>(fetchPage: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

export const useRecords = (id: string) =>
  useQuery({
    queryKey: ['inspection', id, 'records'],
    queryFn: async () => ({
      records: await allPages(async (cursor) => {
        const page = await unwrap(api.GET('/api/v1/inspections/{id}/records', { params: { path: { id }, query: { limit: PAGE, cursor } } }));
        return { items: page.records, nextCursor: page.nextCursor };
      }),
    }),
  });

export const useHistory = (id: string, enabled = true) =>
  useQuery({
    queryKey: ['inspection', id, 'history'],
    enabled,
    queryFn: async () => ({
      inspectionId: id,
      steps: await allPages(async (cursor) => {
        const page = await unwrap(api.GET('/api/v1/inspections/{id}/history', { params: { path: { id }, query: { limit: PAGE, cursor } } }));
        return { items: page.steps, nextCursor: page.nextCursor };
      }),
    }),
  });

/** The pages of a list the API pages with `nextCursor` (rounds, tasks): the page shows them one under the other. */
const nextPage = (last: { nextCursor: string | null }) => last.nextCursor ?? undefined;

/** The rounds list (巡察轮次), a page at a time: 「加载更多」 asks for the next. */
export const useRoundPages = () =>
  useInfiniteQuery({
    queryKey: ['rounds', 'pages'],
    initialPageParam: undefined as string | undefined,
    getNextPageParam: nextPage,
    queryFn: ({ pageParam: cursor }) => unwrap(api.GET('/api/v1/rounds', { params: { query: { cursor } } })),
  });

/**
 * Every round the caller sees, all pages: the 工作台 looks through them for the inspections
 * of the caller's group, which may be in any round, so it needs the whole list.
 */
export const useRounds = () =>
  useQuery({
    queryKey: ['rounds', 'all'],
    queryFn: async () => ({
      rounds: await allPages(async (cursor) => {
        const page = await unwrap(api.GET('/api/v1/rounds', { params: { query: { limit: LIST_PAGE, cursor } } }));
        return { items: page.rounds, nextCursor: page.nextCursor };
      }),
    }),
  });

/** The largest page the API gives for rounds, tasks and approvals. */
const LIST_PAGE = 200;

export const useRound = (roundId: string) =>
  useQuery({ queryKey: ['round', roundId], queryFn: () => unwrap(api.GET('/api/v1/rounds/{roundId}', { params: { path: { roundId } } })) });

export type Task = Answer<'/api/v1/tasks'>['tasks'][number];

// Fresh for a few seconds: the answer prefetch.js fetched on landing is not asked for again the moment
// the 工作台 mounts. Polling, focus after that and every write's invalidation still refetch it.
// The first page is asked for at the URL prefetch.js fetched (no query: the default page size),
// so the prefetched answer is that page; 「加载更多」 asks for the next ones.
export const useTasks = () =>
  useInfiniteQuery({
    queryKey: ['tasks'],
    staleTime: 5_000,
    initialPageParam: undefined as string | undefined,
    getNextPageParam: nextPage,
    queryFn: ({ pageParam: cursor }) => unwrap(cursor ? api.GET('/api/v1/tasks', { params: { query: { cursor } } }) : api.GET('/api/v1/tasks')),
  });

/**
 * Rounds in one status, e.g. the proposals waiting on the leading group, all pages: each is
 * a to-do of the 工作台, which shows them all above the tasks.
 */
export const useRoundsIn = (status: 'proposed' | 'returned', enabled: boolean) =>
  useQuery({
    queryKey: ['rounds', status],
    enabled,
    queryFn: async () => ({
      rounds: await allPages(async (cursor) => {
        const page = await unwrap(api.GET('/api/v1/rounds', { params: { query: { status, limit: LIST_PAGE, cursor } } }));
        return { items: page.rounds, nextCursor: page.nextCursor };
      }),
    }),
  });

/** Every submission waiting on the caller's roles, all pages. */
export const useApprovals = () =>
  useQuery({
    queryKey: ['approvals'],
    queryFn: async () => ({
      approvals: await allPages(async (cursor) => {
        const page = await unwrap(api.GET('/api/v1/approvals', { params: { query: { status: 'pending', limit: LIST_PAGE, cursor } } }));
        return { items: page.approvals, nextCursor: page.nextCursor };
      }),
    }),
  });

export const useNotifications = () =>
  useQuery({ queryKey: ['notifications'], queryFn: () => unwrap(api.GET('/api/v1/notifications')) });

/** A round's totals (problems by focus area, leads, rectification items, overdue stages): read by the office, the leading group and auditors. */
export const useRoundProgress = (roundId: string) =>
  useQuery({
    queryKey: ['round', roundId, 'progress'],
    queryFn: () => unwrap(api.GET('/api/v1/rounds/{roundId}/progress', { params: { path: { roundId } } })),
  });
