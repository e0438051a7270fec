import { useQuery } from '@tanstack/react-query';
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

export const useRounds = () => useQuery({ queryKey: ['rounds'], queryFn: () => unwrap(api.GET('/api/v1/rounds')) });

export const useRound = (roundId: string) =>
  useQuery({ queryKey: ['round', roundId], queryFn: () => unwrap(api.GET('/api/v1/rounds/{roundId}', { params: { path: { roundId } } })) });

export type Task = Answer<'/api/v1/tasks'>['tasks'][number];

// Fresh for a few seconds: the answer prefetch.js fetched on landing is not asked for again the moment
// the 工作台 mounts. Polling, focus after that and every write's invalidation still refetch it.
export const useTasks = () => useQuery({ queryKey: ['tasks'], staleTime: 5_000, queryFn: () => unwrap(api.GET('/api/v1/tasks')) });

/** Rounds in one status, e.g. the proposals waiting on the leading group. */
export const useRoundsIn = (status: 'proposed' | 'returned', enabled: boolean) =>
  useQuery({ queryKey: ['rounds', status], enabled, queryFn: () => unwrap(api.GET('/api/v1/rounds', { params: { query: { status } } })) });

export const useApprovals = () =>
  useQuery({ queryKey: ['approvals'], queryFn: () => unwrap(api.GET('/api/v1/approvals', { params: { query: { status: 'pending' } } })) });

export const useNotifications = () =>
  useQuery({ queryKey: ['notifications'], queryFn: () => unwrap(api.GET('/api/v1/notifications')) });

/** A round's totals (problems by focus area, leads, rectification items, overdue stages): read by the office, the leading group and auditors. */
export const useRoundProgress = (roundId: string) =>
  useQuery({
    queryKey: ['round', roundId, 'progress'],
    queryFn: () => unwrap(api.GET('/api/v1/rounds/{roundId}/progress', { params: { path: { roundId } } })),
  });
