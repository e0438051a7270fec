import { z } from 'zod';
import { TIMELINE_WHATS } from '../db/timeline.repository.js';
import { stageId } from './schemas.js';
import { saidIssue } from './messages.js';

export const timelineWhat = z
  .enum(TIMELINE_WHATS)
  .describe('what happened: round_* (the round’s authorisation and life), stage_* and inspection_* (the workflow’s steps), group_changed, record_* (a record version), lead_handed_over, report_section_written');

/** Comma-separated in the query string: `kind=record_reviewed,record_decided`. */
const whatList = z
  .string()
  .max(2000)
  .transform((value, ctx) => {
    const parts = value.split(',').map((p) => p.trim()).filter(Boolean);
    const bad = parts.filter((p) => !(TIMELINE_WHATS as readonly string[]).includes(p));
    if (bad.length) {
      ctx.addIssue({ code: 'custom', ...saidIssue('unknown_timeline_kind', { bad, options: TIMELINE_WHATS }) });
      return z.NEVER;
    }
    return parts as (typeof TIMELINE_WHATS)[number][];
  })
  .describe(`one or more of the kinds, comma-separated: ${TIMELINE_WHATS.join(', ')}`);

export const TIMELINE_MAX_LIMIT = 500;

/** A moment, with its zone; years the database can hold (it has no year 0, JavaScript has). */
export const moment = z.iso
  .datetime({ offset: true })
  .refine((value) => {
    const year = new Date(value).getUTCFullYear();
    return year >= 1000 && year <= 9999;
  }, 'must fall between the years 1000 and 9999');

/** A person's `sub` as a filter: printable, as tokens carry it. */
export const subFilter = z
  .string()
  .min(1)
  .max(200)
  // eslint-disable-next-line no-control-regex
  .refine((v) => !/[\u0000-\u001f\u007f-\u009f]/.test(v), 'may not hold control characters');

export const pagingQuery = z.object({
  limit: z.coerce.number().int().min(1).max(TIMELINE_MAX_LIMIT).default(100).describe(`items per page, at most ${TIMELINE_MAX_LIMIT}`),
  cursor: z
    .string()
    .max(500)
    .optional()
    .describe('`nextCursor` of the previous page; pages follow each other without gaps or repeats whatever is written meanwhile'),
});

export const timelineQuery = pagingQuery.extend({
  inspection: z.uuid().optional().describe('only this inspection’s steps (and the round’s own)'),
  stage: stageId.optional(),
  actor: subFilter.optional().describe('only steps taken by this person (`sub`)'),
  kind: whatList.optional(),
  from: moment.optional().describe('only steps at or after this time'),
  to: moment.optional().describe('only steps at or before this time'),
});

export const timelineItem = z.object({
  id: z.string().describe('stable position of the step in the timeline'),
  at: z.iso.datetime(),
  what: timelineWhat,
  roundId: z.uuid(),
  inspectionId: z.uuid().nullable().describe('null for the round’s own steps'),
  stage: stageId.nullable(),
  actor: z.object({ sub: z.string(), name: z.string() }),
  roles: z.array(z.string()).describe('the roles the actor’s token held; empty where the table did not keep them (round launch, completion, cancellation, report sections)'),
  comment: z.string().nullable().describe('the comment, reason or review note'),
  record: z
    .object({ id: z.uuid().nullable(), kind: z.string(), version: z.number() })
    .nullable()
    .describe('the record version the step wrote (for a report section: the section as kind, id null)'),
  version: z.number().nullable().describe('the version written: of the record, the section or the round’s plan'),
  outcome: z.string().nullable().describe('for a review or decision of a record: the status it set'),
  requestId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable().describe('what the step recorded besides (a decision’s meeting, a group change, a submission’s digest)'),
});
export type TimelineItem = z.infer<typeof timelineItem>;

export const timelinePage = z.object({
  roundId: z.uuid(),
  inspectionId: z.uuid().nullable(),
  items: z.array(timelineItem),
  nextCursor: z.string().nullable().describe('pass as `cursor` for the next page; null on the last page'),
});
