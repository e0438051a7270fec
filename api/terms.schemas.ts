import { z } from 'zod';
import { nameText } from './record-schemas.js';
import { meeting, requestId } from './schemas.js';
import { isoDay, organizationLevel } from './organizations.schemas.js';
import { saidIssue } from './messages.js';

const scope = z
  .object({
    rootId: z.uuid().nullable().default(null).describe('the organisation whose subtree is in scope (itself included); null for the whole register'),
    levels: z.array(organizationLevel).max(10).default([]).describe('only organisations of these levels (e.g. county: 县处级); empty for every level'),
  })
  .describe('the organisations the term must cover: a subtree of the register and a level filter');

const assignment = z
  .object({
    organizationId: z.uuid().describe('an organisation in the scope'),
    year: z.number().int().min(2000).max(2100).describe('the year of the term it is planned for'),
    roundId: z.uuid().nullable().default(null).describe('the round it is planned for, once one is proposed'),
  })
  .describe('the plan for one organisation: a year, and a round once known');

const termPlanFields = z.object({
  name: nameText(200).describe('e.g. 第十二届党委任期巡察规划（2021—2025年）'),
  startsOn: isoDay,
  endsOn: isoDay,
  scope,
  assignments: z.array(assignment).max(10_000).default([]),
});
type TermPlanFields = z.infer<typeof termPlanFields>;

function checkTermPlan(term: TermPlanFields, ctx: z.RefinementCtx): void {
  if (term.endsOn < term.startsOn) ctx.addIssue({ code: 'custom', path: ['endsOn'], ...saidIssue('not_before_field', { other: 'startsOn' }) });
  const first = Number(term.startsOn.slice(0, 4));
  const last = Number(term.endsOn.slice(0, 4));
  const seen = new Set<string>();
  term.assignments.forEach((a, i) => {
    if (a.year < first || a.year > last) ctx.addIssue({ code: 'custom', path: ['assignments', i, 'year'], ...saidIssue('within_term', { first, last }) });
    const key = `${a.organizationId}:${a.year}`;
    if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['assignments', i, 'organizationId'], ...saidIssue('planned_twice') });
    seen.add(key);
  });
}

export const proposeTermBody = termPlanFields
  .extend({ requestId: requestId.optional().describe('makes the proposal idempotent: a repeat returns the same term') })
  .superRefine(checkTermPlan)
  .describe('The office proposes a term plan (巡察规划); the leading group approves it at a meeting');
export type ProposeTermBody = z.infer<typeof proposeTermBody>;

export const editTermBody = termPlanFields
  .extend({ version: z.number().int().min(1).describe('the version you edited; a stale one is refused (409)') })
  .superRefine(checkTermPlan)
  .describe('The whole plan of a proposed or returned term (office); it is proposed again as the next version');
export type EditTermBody = z.infer<typeof editTermBody>;

export const termDecisionBody = z
  .object({
    decision: z.enum(['approve', 'reject']).describe('approve adopts the plan; reject returns it to the office with the comment'),
    requestId,
    comment: z.string().trim().max(5000).optional(),
    meeting: meeting.describe('the leading group’s meeting (领导小组会议) that decided: required'),
    version: z.number().int().min(1).optional().describe('the version decided on; refused (409) when the office has edited it since'),
  })
  .refine((d) => d.decision === 'approve' || (d.comment ?? '').length > 0, { path: ['comment'], ...saidIssue('required_when', { when: 'rejecting: say what to change' }) })
  .describe('The leading group decides on a proposed term plan');
export type TermDecisionBody = z.infer<typeof termDecisionBody>;

const person = z.object({ sub: z.string(), name: z.string() });

export const termStepView = z.object({
  seq: z.number(),
  kind: z.enum(['proposed', 'edited', 'rejected', 'approved']),
  version: z.number(),
  actor: person,
  at: z.iso.datetime(),
  comment: z.string().nullable(),
  meeting: meeting.nullable(),
  requestId: z.string().nullable(),
});

export const termStatus = z
  .enum(['proposed', 'returned', 'approved'])
  .describe('proposed by the office; returned to it by the leading group (an edit proposes it again); approved');

export const termView = z.object({
  id: z.uuid(),
  name: z.string(),
  startsOn: z.string(),
  endsOn: z.string(),
  scope: z.object({ rootId: z.uuid().nullable(), levels: z.array(organizationLevel) }),
  assignments: z.array(z.object({ organizationId: z.uuid(), year: z.number(), roundId: z.uuid().nullable() })),
  status: termStatus,
  statusChangedAt: z.iso.datetime(),
  version: z.number(),
  proposedBy: person,
  proposedAt: z.iso.datetime(),
  steps: z.array(termStepView).describe('proposed, edited, rejected, approved: who, when, at which meeting; append-only'),
});
export type TermView = z.infer<typeof termView>;

export const termSummary = termView.omit({ assignments: true, steps: true });
