import { z } from 'zod';
import { isoDay } from './organizations.schemas.js';
import { saidIssue } from './messages.js';

export const statisticsQuery = z
  .object({
    from: isoDay.optional().describe('rounds planned to start on or after this day; all when absent'),
    to: isoDay.optional().describe('rounds planned to start on or before this day; all when absent'),
  })
  .refine((q) => !q.from || !q.to || q.to >= q.from, { path: ['to'], ...saidIssue('not_before_field', { other: 'from' }) });
export type StatisticsQuery = z.infer<typeof statisticsQuery>;

const rate = z.number().nullable().describe('items accepted by their due date / items accepted or past their due date; null when none is due yet');

const tally = z.object({
  problems: z.number().describe('confirmed problem papers, withdrawn ones left out'),
  leads: z.number().describe('confirmed leads: a count, never their content'),
  rectificationItems: z.number(),
  accepted: z.number().describe('items the office verified as accepted (验收)'),
  onTimeRate: rate,
});

export const statisticsView = z.object({
  from: z.string().nullable(),
  to: z.string().nullable(),
  totals: tally,
  problemsByFocusArea: z.array(z.object({ category: z.string(), year: z.number(), count: z.number() })).describe('by the paper’s category (a focus area) and the round’s year'),
  leadsByRecipient: z
    .array(
      z.object({
        recipient: z.string().describe('discipline, organization, other; not_handed_over while the office has not handed it over'),
        disposal: z.string().describe('preliminary_verification, talk_or_inquiry, held, closed (初核 / 谈话函询 / 暂存 / 了结); none until discipline records it'),
        count: z.number(),
      }),
    )
    .describe('counts only: who may read statistics need not be a reader of leads'),
  rectificationItemsByState: z
    .array(z.object({ state: z.enum(['open', 'returned', 'accepted', 'long_term']).describe('open until the office verifies it'), count: z.number() }))
    .describe('items by the office’s verification'),
  byRound: z.array(tally.extend({ roundId: z.uuid(), roundName: z.string(), year: z.number() })),
  byOrganization: z
    .array(tally.extend({ organizationId: z.uuid().nullable().describe('null for a target or extension given as free text'), name: z.string() }))
    .describe('by the organisation a record concerns: the extension it names, else the target'),
});
export type StatisticsView = z.infer<typeof statisticsView>;
