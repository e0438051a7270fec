import { z } from 'zod';
import { BRIEFING_SOURCES, RECORD_KIND_IDS, STAGE_IDS, type RecordKind } from '../workflows/stages.js';

/**
 * The data each record kind carries. Field names are the contract; the stage a kind
 * belongs to and who writes it come from the stage model.
 */
const text = (max: number) => z.string().trim().min(1).max(max);
const day = z.iso.date().describe('YYYY-MM-DD');
const names = z.array(text(200)).min(1).max(500);
const recordId = z.uuid();

const onDay = { on: day, summary: text(20_000) };

export const recordDataSchemas = {
  briefing: z.object({
    source: z.enum(BRIEFING_SOURCES).describe('纪检监察 / 组织人事 / 财务 / 审计 / 信访'),
    receivedOn: day,
    summary: text(20_000),
  }),
  recusal_declaration: z
    .object({
      memberSub: text(200).describe('the group member declaring'),
      hasRelation: z.boolean(),
      relation: text(2000).optional().describe('required when hasRelation: what ties the member to the target'),
    })
    .refine((d) => !d.hasRelation || d.relation, { path: ['relation'], message: 'is required when hasRelation is true' }),
  work_plan: z.object({
    focus: z.array(text(200)).min(1).max(50).describe("the focus areas of this inspection, each one of the round's `focus` (400 naming `body.data.focus.N` otherwise)"),
    schedule: text(5000),
    keyMatters: text(10_000),
  }),
  contingency_plan: z.object({ summary: text(10_000) }),
  mobilization: z.object({ heldOn: day, attendees: names }),
  public_notice: z
    .object({ postedOn: day, phone: text(50), mailbox: text(200), periodEnd: day })
    .refine((n) => n.periodEnd >= n.postedOn, { path: ['periodEnd'], message: 'must not be before postedOn' }),
  talk: z.object({ ...onDay, interviewee: text(200) }),
  document_review: z.object({ ...onDay, documents: names }),
  petition: z.object({ ...onDay, channel: text(100).describe('letter, visit, phone, mailbox, online…') }),
  field_visit: z.object({ ...onDay, place: text(200) }),
  major_matter: z.object({ question: text(5000), proposedAction: text(5000) }),
  problem: z.object({
    category: text(200).describe("one of the work plan's focus areas (严格对照巡察工作方案上的重点监督内容查找问题); 400 naming `body.data.category` otherwise"),
    title: text(300),
    facts: text(50_000),
    evidence: z
      .array(recordId)
      .min(1, 'needs at least one talk, document review, petition or field visit of this inspection')
      .max(200),
    characterization: text(5000).describe('定性'),
    conduct: z
      .object({ from: day, to: day })
      .refine((c) => c.to >= c.from, { path: ['to'], message: 'must not be before from' })
      .describe('when the conduct happened: a basis that took effect later is flagged (不能用新标准去套老问题)'),
    involves: z
      .object({
        principalLeader: z.boolean().default(false).describe('the target’s 一把手'),
        leadershipTeam: z.boolean().default(false).describe('members of the leadership team (领导班子)'),
      })
      .default({ principalLeader: false, leadershipTeam: false })
      .describe('key people (重点人): whether the principal leader or the leadership team is involved'),
    basis: z
      .array(
        z.object({
          source: text(300).describe('the regulation, law or decision'),
          article: text(300),
          effectiveOn: day.optional().describe('when the regulation took effect; conduct before it is flagged for the group leader'),
        }),
      )
      .min(1, 'needs the regulation, law or decision the problem breaches (依据)')
      .max(50),
    persons: z.array(text(200)).max(100).optional(),
    isLead: z.boolean().optional().describe('a clue about a leading cadre: handed over, not investigated'),
    withdrawn: z.boolean().optional().describe('set by the group to drop a paper; it stays in the record'),
  }),
  communication: z.object({
    heldOn: day,
    principalLeader: text(200),
    answers: z
      .array(z.object({ problemId: recordId, response: text(10_000), accepted: z.boolean() }))
      .min(1)
      .max(500),
  }),
  conduct_questionnaire: z.object({
    items: z
      .array(z.object({ item: text(500), score: z.number().int().min(1).max(5) }))
      .min(1)
      .max(100),
    comments: z.string().trim().max(10_000),
  }),
  inspector_evaluation: z.object({
    memberSub: text(200),
    grade: z.enum(['excellent', 'competent', 'basically_competent', 'incompetent']),
    comment: text(5000),
  }),
  feedback_meeting: z.object({ heldOn: day, attendees: names }),
  rectification_item: z.object({
    problemId: recordId,
    measure: text(5000),
    owner: text(200),
    dueOn: day,
    status: z.enum(['open', 'done', 'carried_over']).default('open'),
    progress: z
      .array(z.object({ on: day, note: text(5000) }))
      .max(500)
      .default([]),
  }),
  lead_handover: z.object({
    problemId: recordId,
    handedTo: text(200).describe('the discipline inspection body receiving it'),
    handedOn: day,
    receiptRef: text(200).optional(),
  }),
} as const satisfies Record<RecordKind, z.ZodType>;

// The stage model and this table must name the same kinds.
const missing = RECORD_KIND_IDS.filter((k) => !(k in recordDataSchemas));
if (missing.length) throw new Error(`record kinds without a data schema: ${missing.join(', ')}`);

export const recordKindEnum = z.enum(RECORD_KIND_IDS as [RecordKind, ...RecordKind[]]);

export const createRecordBody = z.discriminatedUnion(
  'kind',
  RECORD_KIND_IDS.map((kind) => z.object({ kind: z.literal(kind), data: recordDataSchemas[kind] })) as unknown as [
    z.ZodObject<{ kind: z.ZodLiteral<RecordKind>; data: z.ZodType<Record<string, unknown>> }>,
    ...z.ZodObject<{ kind: z.ZodLiteral<RecordKind>; data: z.ZodType<Record<string, unknown>> }>[],
  ],
);

export const updateRecordBody = z.object({
  data: z
    .record(z.string(), z.unknown())
    .describe(
      "With `Content-Type: application/json`, the record's whole new data. With `application/merge-patch+json` (RFC 7396), only what changes: members given replace, `null` removes, lists replace whole. Either way the result is validated by the kind's schema (400 naming `body.data.…`)",
    ),
  version: z.number().int().min(1).describe('the version you edited; a stale one is refused (409)'),
});

export const reviewBody = z.object({
  decision: z.enum(['confirm', 'return']),
  note: z.string().trim().max(5000).default(''),
}).refine((r) => r.decision === 'confirm' || r.note.length > 0, { path: ['note'], message: 'is required when returning a paper' });

export const recordDecisionBody = z.object({
  decision: z.enum(['approve', 'deny']),
  comment: z.string().trim().max(5000).default(''),
}).refine((r) => r.decision === 'approve' || r.comment.length > 0, { path: ['comment'], message: 'is required when denying' });

const actorView = z.object({ sub: z.string(), name: z.string() });

export const recordView = z.object({
  id: z.uuid(),
  inspectionId: z.uuid(),
  kind: recordKindEnum,
  stage: z.enum(STAGE_IDS),
  data: z.record(z.string(), z.unknown()),
  version: z.number(),
  createdBy: actorView,
  createdAt: z.iso.datetime(),
  updatedBy: actorView,
  updatedAt: z.iso.datetime(),
  reviewStatus: z.enum(['pending', 'confirmed', 'returned']).nullable(),
  decisionStatus: z.enum(['pending', 'approved', 'denied']).nullable(),
  flags: z
    .array(z.object({ code: z.string(), field: z.string(), message: z.string() }))
    .describe('what the group leader should look at before confirming, e.g. `basis_after_conduct`: a basis that took effect after the conduct began'),
});

export const recordVersionView = z.object({
  version: z.number(),
  change: z.enum(['created', 'edited', 'reviewed', 'decided']),
  data: z.record(z.string(), z.unknown()),
  reviewStatus: z.string().nullable(),
  decisionStatus: z.string().nullable(),
  note: z.string().nullable(),
  actor: z.object({ sub: z.string(), name: z.string(), roles: z.array(z.string()) }),
  at: z.iso.datetime(),
});
