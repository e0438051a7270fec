import { z } from 'zod';
import { INSPECTION_EVENT_KINDS } from '../workflows/messages.js';
import { APPROVER_ROLES, ROLES } from '../workflows/roles.js';
import { nameText } from './record-schemas.js';
import { QUESTIONNAIRE_MIN_ANSWERS, RECTIFICATION_DUE_DAYS, STAGE_IDS, chainProblems, type StageId } from '../workflows/stages.js';
import { saidIssue, type Said } from './messages.js';

/** Enums come from the stage model: nothing here repeats the list. */
export const stageId = z.enum(STAGE_IDS).describe('a stage id, in process order');
export const role = z.enum(ROLES);
export const approverRole = z.enum(APPROVER_ROLES);
export const inspectionState = z.enum(['open', 'submitted', 'completed', 'cancelled']);
export const roundStatus = z
  .enum(['proposed', 'returned', 'active', 'completed', 'cancelled'])
  .describe('proposed by the office; returned to it by the leading group (an edit proposes it again); active once approved; then completed or cancelled');

export const uuidParam = z.uuid();
export const requestId = z
  .string()
  .trim()
  .min(8)
  .max(200)
  .regex(/^[A-Za-z0-9._:-]+$/, 'may hold letters, digits and . _ : - only')
  .describe('chosen by the client; repeating it returns the first result and changes nothing');

const text = (max: number) => z.string().trim().min(1).max(max);
const isoDate = z.iso.date().describe('YYYY-MM-DD');

/** One optional entry per stage, named: unknown stage keys are refused, not ignored. */
function perStage<T extends z.ZodType>(value: T) {
  return z
    .object(Object.fromEntries(STAGE_IDS.map((id) => [id, value.optional()])) as Record<StageId, z.ZodOptional<T>>)
    .strict();
}

export const person = z.object({ sub: nameText(200), name: nameText(200) }).describe('a person: always { sub, name }');

/** Whose move it is, in the one shape every waiting item has. */
export const waitingOn = z
  .object({
    role: role,
    sub: z.string().optional().describe('the one person it waits on; absent when anyone holding the role may act'),
  })
  .describe('a waiting item: the role it waits on and, when one person must act, who');
export type WaitingOn = z.infer<typeof waitingOn>;

const registeredOrganization = z
  .uuid()
  .describe('the organisation in the register (GET /api/v1/organizations) this is; absent for one named in free text, which the office then registers');

/** The plan of a round: what the office proposes, edits, and the leading group approves. */
const roundPlanFields = z.object({
    name: nameText(200).describe('e.g. 2021年第三轮巡察'),
    year: z.number().int().min(2000).max(2100),
    plannedStart: isoDate,
    plannedEnd: isoDate,
    focus: z.array(nameText(200)).max(50).default([]),
    approvalChains: perStage(
      z
        .array(approverRole)
        .min(1)
        .max(APPROVER_ROLES.length)
        .refine((chain) => new Set(chain).size === chain.length, 'must not name a role twice'),
    )
      .optional()
      .describe('overrides of the default approval chain, per stage'),
    stageDueDays: perStage(z.number().positive().max(3650))
      .optional()
      .describe('days each stage may stay open before it is overdue; fractions allowed'),
    rectificationDueDays: z
      .object({
        rectification_plan: z.number().positive().max(3650).default(RECTIFICATION_DUE_DAYS.rectification_plan),
        rectification_report: z.number().positive().max(3650).default(RECTIFICATION_DUE_DAYS.rectification_report),
      })
      .default(RECTIFICATION_DUE_DAYS)
      .describe("days from the feedback meeting within which the target hands in its rectification plan (default 30) and report (default 60); past them the office is notified"),
    escalateAfterHours: z
      .number()
      .positive()
      .max(24 * 365)
      .default(72)
      .describe('how long a submission may wait on one approver before the office is alerted'),
    questionnaireMinAnswers: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(QUESTIONNAIRE_MIN_ANSWERS)
      .describe('anonymous conduct questionnaire answers post_evaluation needs, unless the office closes it with a reason'),
    inspections: z
      .array(
        z.object({
          target: z.object({
            name: nameText(200),
            principalLeader: nameText(200),
            organizationId: registeredOrganization.optional(),
            extensions: z
              .array(z.object({ name: nameText(200), principalLeader: nameText(200), organizationId: registeredOrganization.optional() }))
              .max(50)
              .default([]),
            liaison: person.optional().describe("the inspected organisation's liaison (联络人)"),
          }),
          group: z.object({
            name: nameText(200),
            leader: person.extend({ homeUnit: nameText(200).optional().describe('home unit (派出单位): where the evaluation goes') }),
            members: z
              .array(person.extend({ homeUnit: nameText(200).optional() }))
              .max(100)
              .default([]),
          }),
        }),
      )
      .min(1)
      .max(500),
  });
type RoundPlanFields = z.infer<typeof roundPlanFields>;

function checkRoundPlan(round: RoundPlanFields, ctx: z.RefinementCtx): void {
    if (round.plannedEnd < round.plannedStart) {
      ctx.addIssue({ code: 'custom', path: ['plannedEnd'], ...saidIssue('not_before_field', { other: 'plannedStart' }) });
    }
    for (const problem of chainProblems(round.approvalChains ?? {})) {
      ctx.addIssue({
        code: 'custom',
        path: ['approvalChains', problem.stage],
        message: problem.message,
        params: { said: { key: 'chain_must_end', params: { stage: problem.stage, end: problem.end } } satisfies Said },
      });
    }
    const targets = new Set<string>();
    round.inspections.forEach((inspection, i) => {
      if (targets.has(inspection.target.name)) {
        ctx.addIssue({ code: 'custom', path: ['inspections', i, 'target', 'name'], ...saidIssue('inspected_twice') });
      }
      targets.add(inspection.target.name);
      const subs = new Set<string>();
      inspection.group.members.forEach((member, j) => {
        if (subs.has(member.sub)) {
          ctx.addIssue({ code: 'custom', path: ['inspections', i, 'group', 'members', j, 'sub'], ...saidIssue('twice_in_group') });
        }
        subs.add(member.sub);
      });
    });
}

export const launchRoundBody = roundPlanFields
  .extend({ requestId: requestId.optional().describe('makes the proposal idempotent: a repeat returns the same round') })
  .superRefine(checkRoundPlan)
  .describe('The office proposes a round; nothing starts until the leading group approves it');
export type LaunchRoundBody = z.infer<typeof launchRoundBody>;

const planVersion = z.number().int().min(1).describe('the version of the plan you edited (the round’s `version`); a stale one is refused (409)');

export const editRoundBody = roundPlanFields
  .extend({ version: planVersion })
  .superRefine(checkRoundPlan)
  .describe('The whole plan of a proposed or returned round (office); the round is proposed again');
export type EditRoundBody = z.infer<typeof editRoundBody>;

export const patchRoundBody = z
  .object({ version: planVersion })
  .catchall(z.unknown())
  .describe(
    'JSON Merge Patch (RFC 7396) of the plan of a proposed or returned round (office): only what changes; a list (inspections, focus) is replaced whole. Validated as the whole plan',
  );

export const memberView = z.object({ sub: z.string(), name: z.string(), homeUnit: z.string().nullable() });

export const inspectionView = z.object({
  id: z.uuid(),
  roundId: z.uuid(),
  target: z.object({
    name: z.string(),
    principalLeader: z.string(),
    organizationId: z.uuid().optional().describe('the registered organisation, when the round named one'),
    extensions: z.array(z.object({ name: z.string(), principalLeader: z.string(), organizationId: z.uuid().optional() })),
    liaison: person.nullable(),
  }),
  group: z.object({
    name: z.string(),
    leader: person,
    members: z.array(memberView),
    deputies: z.array(person).describe('deputy group leaders (副组长): they confirm the papers the leader wrote'),
  }),
  stage: stageId,
  state: inspectionState,
  stageOpenedAt: z.iso.datetime(),
  dueAt: z.iso.datetime(),
  overdue: z.boolean(),
  approvalChain: z.array(approverRole).describe("the current stage's chain"),
  waitingOn: waitingOn.nullable().describe('whose move it is: the stage owner while open, the next approver once submitted'),
  submittedBy: person.nullable().describe('who submitted the stage, while it waits on its approvers'),
});
export type InspectionView = z.infer<typeof inspectionView>;

/** The plan as proposed or last edited, in the shape the office sends it. */
export const roundPlanView = roundPlanFields.extend({
  approvalChains: z.record(z.string(), z.array(approverRole)),
  stageDueDays: z.record(z.string(), z.number()),
});

export const authorisationStep = z
  .object({
    seq: z.number(),
    kind: z.enum(['proposed', 'edited', 'rejected', 'approved']),
    version: z.number().describe('the version of the plan the step is about'),
    actor: person,
    at: z.iso.datetime(),
    comment: z.string().nullable(),
    meeting: z.lazy(() => meeting).nullable(),
    requestId: z.string().nullable(),
  })
  .describe('one step of the round’s authorisation, append-only: the office proposes and edits, the leading group rejects or approves');

export const roundView = z.object({
  id: z.uuid(),
  name: z.string(),
  year: z.number(),
  plannedStart: z.string(),
  plannedEnd: z.string(),
  focus: z.array(z.string()),
  status: roundStatus,
  statusChangedAt: z.iso.datetime(),
  statusReason: z.string().nullable().describe('why: the leading group’s comment when it returned the round, the reason of a cancellation'),
  launchedBy: person.describe('the office that proposed and launched the round'),
  launchedAt: z.iso.datetime().describe('when the leading group’s approval launched it; while proposed, when it was proposed'),
  version: z.number().describe('the plan’s version: each edit adds one'),
  approvalChains: z.record(z.string(), z.array(approverRole)),
  stageDueDays: z.record(z.string(), z.number()),
  escalateAfterHours: z.number(),
  plan: roundPlanView.nullable().describe('the plan as proposed or last edited: targets and groups before any inspection starts'),
  authorisation: z.array(authorisationStep).describe('proposed, edited, rejected, approved: who, when, at which meeting'),
  inspections: z.array(inspectionView).describe('empty until the leading group approves the round'),
});

export const roundSummary = roundView.omit({ inspections: true, plan: true, authorisation: true }).extend({
  inspectionCount: z.number(),
});

export const submissionBody = z.object({
  stage: stageId,
  requestId,
  comment: z.string().trim().max(5000).optional(),
});

export const meeting = z
  .object({
    kind: text(100).describe('领导小组会议, 书记专题会, or another'),
    heldOn: isoDate,
    minutesRef: text(200).describe('the minutes’ reference number (会议纪要编号)'),
  })
  .describe('the meeting that took the decision: required when the leading group or the party committee decides');

export const decisionBody = z
  .object({
    stage: stageId,
    decision: z.enum(['approve', 'reject']).describe('approve, or reject with a comment saying what to fix'),
    requestId,
    comment: z.string().trim().max(5000).optional(),
    meeting: meeting.optional(),
  })
  .refine((d) => d.decision === 'approve' || (d.comment ?? '').length > 0, {
    path: ['comment'],
    ...saidIssue('required_when', { when: 'rejecting: say what to fix' }),
  });

export const stageStatusView = z.object({
  stage: stageId,
  state: inspectionState,
  waitingOn: waitingOn.nullable().describe('whose move it is now: the stage owner while open, the next approver once submitted'),
  submittedBy: person.nullable(),
  stageOpenedAt: z.iso.datetime(),
  dueAt: z.iso.datetime(),
  overdue: z.boolean(),
  seq: z.number(),
});

export const transitionView = z.object({
  requestId: z.string(),
  inspectionId: z.uuid(),
  action: z.enum(['submission', 'decision']),
  stage: stageId,
  recorded: z.array(z.enum(INSPECTION_EVENT_KINDS)),
  status: stageStatusView,
});

export const historyStep = z.object({
  seq: z.number(),
  kind: z.enum(INSPECTION_EVENT_KINDS),
  stage: stageId,
  actor: z.object({ sub: z.string(), name: z.string(), roles: z.array(z.string()) }),
  at: z.iso.datetime(),
  comment: z.string().nullable(),
  requestId: z.string().nullable(),
  data: z
    .record(z.string(), z.unknown())
    .describe(
      "the step's facts; a submitted step's `records` is the count and digest of the stage's record versions it froze, and its `leads` the same for the stage's leads, shown only to the office, the leading group, auditors and the group's leader",
    ),
  prevHash: z.string(),
  hash: z.string(),
});

export const cancelBody = z.object({
  reason: text(2000),
  requestId: requestId.optional(),
});

export const roundDecisionBody = z
  .object({
    decision: z
      .enum(['approve', 'reject'])
      .describe('approve starts the round (its inspections begin); reject returns it to the office with the comment'),
    requestId,
    comment: z.string().trim().max(5000).optional(),
    meeting: meeting.describe('the leading group’s meeting (领导小组会议) that decided: required'),
    version: planVersion.optional().describe('the version of the plan decided on; refused (409) when the office has edited it since'),
  })
  .refine((d) => d.decision === 'approve' || (d.comment ?? '').length > 0, {
    path: ['comment'],
    ...saidIssue('required_when', { when: 'rejecting: say what to change' }),
  })
  .describe('The leading group authorises a proposed round (严格按授权和方案开展工作)');

const newMember = person.extend({ homeUnit: nameText(200).optional() });

export const groupChangeBody = z
  .object({
    requestId,
    reason: text(2000).describe('why the group changes, e.g. 需回避'),
    change: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('replace_member'), memberSub: text(200).describe('the member leaving'), by: newMember.describe('who takes their place') }),
      z.object({ kind: z.literal('add_member'), member: newMember }),
      z.object({ kind: z.literal('set_liaison'), liaison: person.describe('the target’s liaison (联络人)') }),
      z.object({ kind: z.literal('name_deputy'), memberSub: text(200).describe('a member of the group, who becomes 副组长') }),
      z.object({
        kind: z.literal('replace_leader'),
        by: newMember.describe(
          'the new group leader (组长), a member of the group moving up or someone new; the old leader leaves the group at once, and what waited on them (reviews, submissions) waits on the new one',
        ),
      }),
    ]),
  })
  .describe('The office changes an inspection’s group after launch; recorded in its history, access follows at once');
