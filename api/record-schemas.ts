import { z } from 'zod';
import { BRIEFING_SOURCES, LEAD_RECIPIENTS, RECORD_KIND_IDS, STAGE_IDS, type RecordKind } from '../workflows/stages.js';
import { saidIssue } from './messages.js';

/**
 * The data each record kind carries. Field names are the contract; the stage a kind
 * belongs to and who writes it come from the stage model.
 */
const text = (max: number) => z.string().trim().min(1).max(max);

/**
 * Characters that reorder how text is shown (bidirectional embeddings, overrides and
 * isolates): in a title or a name they make a reader, an auditor or the Word report
 * show something other than what was stored. Free text keeps them; titles and names,
 * which lists, reports and histories show out of context, refuse them.
 */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/;
export const withoutBidiControls = (value: string) => !BIDI_CONTROLS.test(value);

/** A title or a name: trimmed, not empty, at most `max` characters, no bidirectional controls. */
export const nameText = (max: number) => text(max).refine(withoutBidiControls, saidIssue('bidi_controls'));

/**
 * A list whose entries must differ (by `key`, or by their JSON): a repeated id in a
 * paper's evidence would count one talk twice. The issue names the repeated entry.
 */
export function distinct<T extends z.ZodType>(items: z.ZodArray<T>, key: (item: z.infer<T>) => unknown = (item) => JSON.stringify(item)) {
  return items.superRefine((list, ctx) => {
    const seen = new Map<unknown, number>();
    list.forEach((item, i) => {
      const k = key(item);
      const first = seen.get(k);
      if (first === undefined) seen.set(k, i);
      else ctx.addIssue({ code: 'custom', path: [i], ...saidIssue('repeats_entry', { first: String(first) }) });
    });
  });
}

const day = z.iso.date().describe('YYYY-MM-DD');
const names = z.array(nameText(200)).min(1).max(500);
const recordId = z.uuid();
const extension = nameText(200)
  .optional()
  .describe("the extension (延伸巡察) the record concerns: the name of one of the inspection's `target.extensions` (400 naming `body.data.extension` otherwise)");

const onDay = { on: day, summary: text(20_000) };

const recipient = z
  .object({
    kind: z.enum(LEAD_RECIPIENTS).describe('discipline: 纪检监察机关; organization: 组织部门 (选人用人); other'),
    name: nameText(200).optional().describe('the receiving body, e.g. 驻厅纪检监察组; required for other'),
  })
  .refine((r) => r.kind !== 'other' || r.name, { path: ['name'], ...saidIssue('required_when', { when: 'kind is other' }) });

/** Who reads a lead and the records about it, for the OpenAPI document. */
const LEAD_READERS =
  'Confidential (问题线索). Read by its author, the group leader, the office, the leading group, auditors, and the discipline role once handed to discipline; never by other members, the liaison or the party committee.';

export const recordDataSchemas = {
  briefing: z.object({
    source: z.enum(BRIEFING_SOURCES).describe('纪检监察 / 组织人事 / 财务 / 审计 / 信访'),
    receivedOn: day,
    summary: text(20_000),
  }),
  recusal_declaration: z
    .object({
      memberSub: nameText(200).describe('the group member declaring'),
      hasRelation: z.boolean(),
      relation: text(2000).optional().describe('required when hasRelation: what ties the member to the target'),
    })
    .refine((d) => !d.hasRelation || d.relation, { path: ['relation'], ...saidIssue('required_when', { when: 'hasRelation is true' }) }),
  work_plan: z.object({
    focus: distinct(z.array(nameText(200)).min(1).max(50)).describe("the focus areas of this inspection, each one of the round's `focus` (400 naming `body.data.focus.N` otherwise)"),
    schedule: text(5000),
    keyMatters: text(10_000),
  }),
  contingency_plan: z.object({ summary: text(10_000) }),
  mobilization: z.object({ heldOn: day, attendees: names }),
  public_notice: z
    .object({ postedOn: day, phone: text(50), mailbox: text(200), periodEnd: day })
    .refine((n) => n.periodEnd >= n.postedOn, { path: ['periodEnd'], ...saidIssue('not_before_field', { other: 'postedOn' }) }),
  talk: z.object({ ...onDay, interviewee: nameText(200) }),
  document_review: z.object({ ...onDay, documents: names }),
  petition: z.object({ ...onDay, channel: nameText(100).describe('letter, visit, phone, mailbox, online…') }),
  field_visit: z.object({ ...onDay, place: nameText(200) }),
  major_matter: z.object({ question: text(5000), proposedAction: text(5000) }),
  problem: z.object({
    category: nameText(200).describe("one of the work plan's focus areas (严格对照巡察工作方案上的重点监督内容查找问题); 400 naming `body.data.category` otherwise"),
    title: nameText(300),
    facts: text(50_000),
    evidence: distinct(
      z
        .array(recordId)
        .min(1, 'needs at least one talk, document review, petition or field visit of this inspection')
        .max(200),
    ).describe('ids of talks, document reviews, petitions or field visits of this inspection, each once'),
    characterization: text(5000).describe('定性'),
    conduct: z
      .object({ from: day, to: day })
      .refine((c) => c.to >= c.from, { path: ['to'], ...saidIssue('not_before_field', { other: 'from' }) })
      .describe('when the conduct happened: a basis that took effect later is flagged (不能用新标准去套老问题)'),
    involves: z
      .object({
        principalLeader: z.boolean().default(false).describe('the target’s 一把手'),
        leadershipTeam: z.boolean().default(false).describe('members of the leadership team (领导班子)'),
      })
      .default({ principalLeader: false, leadershipTeam: false })
      .describe('key people (重点人): whether the principal leader or the leadership team is involved'),
    basis: distinct(
      z
        .array(
          z.object({
            source: nameText(300).describe('the regulation, law or decision'),
            article: nameText(300),
            effectiveOn: day.optional().describe('when the regulation took effect; conduct before it is flagged for the group leader'),
          }),
        )
        .min(1, 'needs the regulation, law or decision the problem breaches (依据)')
        .max(50),
      (b) => JSON.stringify([b.source, b.article]),
    ).describe('each regulation and article once'),
    persons: z.array(nameText(200)).max(100).optional(),
    withdrawn: z.boolean().optional().describe('set by the group to drop a paper; it stays in the record'),
    extension,
  }),
  communication: z.object({
    heldOn: day,
    principalLeader: nameText(200),
    answers: distinct(
      z
        .array(z.object({ problemId: recordId, response: text(10_000), accepted: z.boolean() }))
        .min(1)
        .max(500),
      (a) => a.problemId,
    ).describe('one answer per problem paper'),
  }),
  questionnaire_closure: z
    .object({ reason: text(5000).describe('why the questionnaire closes short of the round\'s minimum of answers') })
    .describe('the office closes the anonymous questionnaire; read by the office, the leading group and auditors only'),
  inspector_evaluation: z.object({
    memberSub: nameText(200),
    grade: z.enum(['excellent', 'competent', 'basically_competent', 'incompetent']),
    comment: text(5000),
  }).describe("the office's evaluation of one inspector (巡察干部现实表现), sent to their home unit; never read by the group or the liaison"),
  feedback_opinion: z
    .object({
      text: text(100_000).describe('反馈意见 as the office will issue it'),
      problemIds: distinct(z.array(recordId).min(1).max(500)).describe('the confirmed problem papers it feeds back to the target, each once'),
    })
    .describe('written by the office; counts once the leading group approves it (issued); the liaison reads it only then'),
  feedback_meeting: z
    .object({ heldOn: day.describe('the day the plan and report deadlines count from'), attendees: names })
    .describe('written by the office once the opinion is issued; the liaison reads it'),
  rectification_plan: z
    .object({ text: text(100_000).describe('整改方案'), submittedOn: day })
    .describe(
      "written by the target's liaison after the feedback meeting; the office reviews it: confirm accepts it, return sends it back with a note. Read by the liaison and the inspecting side",
    ),
  rectification_item: z
    .object({
      problemId: recordId.describe('a problem paper the issued feedback opinion names; one item per problem'),
      measure: text(5000),
      owner: nameText(200),
      dueOn: day,
      extension,
      progress: z
        .array(z.object({ on: day, note: text(5000) }))
        .max(500)
        .default([])
        .describe('the target reports here; the liaison may only append entries'),
    })
    .describe(
      "written by the office or the target's liaison; afterwards the liaison only appends progress. Only the office's rectification_verification closes it",
    ),
  rectification_verification: z
    .object({
      itemId: recordId.describe('the rectification item verified; one verification per item, a later verdict is an edit of it'),
      outcome: z.enum(['accepted', 'returned', 'long_term']).describe('验收: accepted closes the item, returned sends it back, long_term (长期整改) needs nextMilestoneOn'),
      on: day,
      note: z.string().trim().max(5000).default(''),
      nextMilestoneOn: day.optional().describe('required when long_term: when the item is looked at again'),
    })
    .refine((v) => v.outcome !== 'long_term' || v.nextMilestoneOn, { path: ['nextMilestoneOn'], ...saidIssue('required_when', { when: 'the outcome is long_term' }) })
    .refine((v) => v.outcome !== 'returned' || v.note, { path: ['note'], ...saidIssue('required_when', { when: 'returning an item' }) })
    .describe("the office's verification (验收) of one item; the liaison reads it"),
  rectification_report: z
    .object({ text: text(100_000).describe('整改报告'), submittedOn: day })
    .describe("written by the target's liaison once its plan is accepted; the office reviews it: confirm accepts it, return sends it back with a note"),
  lead: z
    .object({
      person: z.object({
        name: nameText(200),
        post: nameText(300),
        leadingCadre: z.boolean().describe("whether a member of the target's leadership (班子成员)"),
      }),
      allegation: text(20_000),
      sources: distinct(z.array(recordId).max(200)).default([]).describe('talks, document reviews, petitions or field visits of this inspection it came from, each once'),
      proposedDisposal: text(5000),
      proposedRecipient: recipient,
      extension,
      withdrawn: z.boolean().optional().describe('set by the group leader to drop a lead; it stays in the record'),
    })
    .describe(`A clue about a person's misconduct: handed over, never investigated by the group. Written by the group from stationing on, confirmed by its leader. ${LEAD_READERS}`),
  lead_handover: z
    .object({
      leadId: recordId.describe('a confirmed lead of this inspection; one hand-over per lead'),
      recipient: recipient.describe('who receives it'),
      handedOn: day,
      letterRef: nameText(200).describe('reference number of the transfer letter (移交函)'),
    })
    .describe(`The office hands a confirmed lead over (移交), in any stage from stationing on. ${LEAD_READERS}`),
  lead_disposal: z
    .object({
      leadId: recordId.describe('a lead of this inspection handed over to discipline inspection; one disposal record per lead, edited as it progresses'),
      receivedOn: day,
      outcome: z
        .enum(['preliminary_verification', 'talk_or_inquiry', 'held', 'closed'])
        .describe('初核 / 谈话函询 / 暂存 / 了结'),
      reference: text(200),
    })
    .describe(`Written by the discipline role for a lead handed over to discipline inspection. ${LEAD_READERS}`),
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
  decision: z
    .enum(['confirm', 'return'])
    .describe("review verbs are confirm / return. The group leader confirms a problem paper (one the leader wrote: a deputy group leader, or the office when there is none); the office confirms (accepts) a rectification plan or report. return sends it back with a note"),
  note: z.string().trim().max(5000).default(''),
}).refine((r) => r.decision === 'confirm' || r.note.length > 0, { path: ['note'], ...saidIssue('required_when', { when: 'returning a record' }) });

export const recordDecisionBody = z.object({
  decision: z
    .enum(['approve', 'reject', 'recused', 'not_recused'])
    .describe(
      'a major-matter request (leading group): approve / reject. A recusal declaration (office): recused (需回避: the member loses access to the inspection at once) / not_recused (无需回避)',
    ),
  comment: z.string().trim().max(5000).default(''),
}).refine((r) => r.decision !== 'reject' || r.comment.length > 0, { path: ['comment'], ...saidIssue('required_when', { when: 'rejecting' }) });

const actorView = z.object({ sub: z.string(), name: z.string() });

const verdictView = z.object({
  status: z.string().describe('the verdict given then: confirmed or returned for a review, the decision for a request'),
  note: z.string().nullable(),
  by: actorView,
  at: z.iso.datetime(),
});

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
  decisionStatus: z
    .enum(['pending', 'approved', 'rejected', 'recused', 'not_recused'])
    .nullable()
    .describe('a request: approved / rejected; a recusal declaration: recused / not_recused'),
  review: verdictView.nullable().describe('the latest review (a returned paper shows its return note here); kept after an edit sends the paper back for review'),
  decision: verdictView.nullable().describe('the latest decision on the request, with its comment'),
  flags: z
    .array(z.object({ code: z.string(), field: z.string(), params: z.record(z.string(), z.string()), message: z.string() }))
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
