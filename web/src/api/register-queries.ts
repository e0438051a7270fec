import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from './client';
import type { Answer } from './queries';

// The office's view across rounds: the register of organisations, the term plans, their
// coverage and what the rounds found. Read by the office, the leading group, the party
// committee and auditors; written by the office (the leading group decides on plans).

export type Organization = Answer<'/api/v1/organizations'>['organizations'][number];
export type OrganizationWithHistory = Answer<'/api/v1/organizations/{id}'>;
export type TermSummary = Answer<'/api/v1/terms'>['terms'][number];
export type Term = Answer<'/api/v1/terms/{id}'>;
export type Coverage = Answer<'/api/v1/terms/{id}/coverage'>;
export type Statistics = Answer<'/api/v1/statistics'>;

export const useOrganizations = () =>
  useQuery({ queryKey: ['organizations'], queryFn: () => unwrap(api.GET('/api/v1/organizations', { params: { query: {} } })) });

export const useOrganization = (id: string | null) =>
  useQuery({
    queryKey: ['organizations', id],
    enabled: !!id,
    queryFn: () => unwrap(api.GET('/api/v1/organizations/{id}', { params: { path: { id: id! } } })),
  });

export const useTerms = () => useQuery({ queryKey: ['terms'], queryFn: () => unwrap(api.GET('/api/v1/terms')) });

export const useTerm = (id: string) =>
  useQuery({ queryKey: ['terms', id], queryFn: () => unwrap(api.GET('/api/v1/terms/{id}', { params: { path: { id } } })) });

export const useCoverage = (termId: string | undefined) =>
  useQuery({
    queryKey: ['terms', termId, 'coverage'],
    enabled: !!termId,
    queryFn: () => unwrap(api.GET('/api/v1/terms/{id}/coverage', { params: { path: { id: termId! } } })),
  });

export const useStatistics = (period: { from?: string; to?: string }) =>
  useQuery({
    queryKey: ['statistics', period.from ?? null, period.to ?? null],
    queryFn: () => unwrap(api.GET('/api/v1/statistics', { params: { query: period } })),
  });
