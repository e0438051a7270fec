import { z } from 'zod';
import { INSPECTION_EVENT_KINDS } from '../workflows/messages.js';
import { APPROVER_ROLES, ROLES } from '../workflows/roles.js';
import { QUESTIONNAIRE_MIN_ANSWERS, STAGE_IDS, chainProblems, type StageId } from '../workflows/stages.js';

/** Enums come from the stage model: nothing here repeats the list. */
export const stageId = z.enum(STAGE_IDS).describe('a stage id, in process order');
export const role = z.enum(ROLES);
export const approverRole = z.enum(APPROVER_ROLES);
export const inspectionState = z.enum(['open', 'submitted', 'completed', 'cancelled']);
export const roundStatus = z.enum(['active', 'completed', 'cancelled']);

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

export const person = z.object({ sub: text(200), name: text(200) });

export const launchRoundBody = z
  .object({
    name: text(200).describe('e.g. 2021年第三轮巡察'),
    year: z.number().int().min(2000).max(2100),
    plannedStart: isoDate,
    plannedEnd: isoDate,
    focus: z.array(text(200)).max(50).default([]),
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
    requestId: requestId.optional().describe('makes the launch idempotent: a repeat returns the same round'),
    inspections: z
      .array(
        z.object({
          target: z.object({
            name: text(200),
            principalLeader: text(200),
            extensions: z.array(z.object({ name: text(200), principalLeader: text(200) })).max(50).default([]),
            liaison: person.optional().describe("the inspected organisation's liaison (联络人)"),
          }),
          group: z.object({
            name: text(200),
            leader: person.extend({ homeUnit: text(200).optional().describe('home unit (派出单位): where the evaluation goes') }),
            members: z
              .array(person.extend({ homeUnit: text(200).optional() }))
              .max(100)
              .default([]),
          }),
        }),
      )
      .min(1)
      .max(500),
  })
  .superRefine((round, ctx) => {
    if (round.plannedEnd < round.plannedStart) {
      ctx.addIssue({ code: 'custom', path: ['plannedEnd'], message: 'must not be before plannedStart' });
    }
    for (const problem of chainProblems(round.approvalChains ?? {})) {
      ctx.addIssue({ code: 'custom', path: ['approvalChains', problem.stage], message: problem.message });
    }
    const targets = new Set<string>();
    round.inspections.forEach((inspection, i) => {
      if (targets.has(inspection.target.name)) {
        ctx.addIssue({ code: 'custom', path: ['inspections', i, 'target', 'name'], message: 'is inspected twice in this round' });
      }
      targets.add(inspection.target.name);
      const subs = new Set<string>();
      inspection.group.members.forEach((member, j) => {
        if (subs.has(member.sub)) {
          ctx.addIssue({ code: 'custom', path: ['inspections', i, 'group', 'members', j, 'sub'], message: 'appears twice in the group' });
        }
        subs.add(member.sub);
      });
    });
  });
export type LaunchRoundBody = z.infer<typeof launchRoundBody>;

export const memberView = z.object({ sub: z.string(), name: z.string(), homeUnit: z.string().nullable() });

export const inspectionView = z.object({
  id: z.uuid(),
  roundId: z.uuid(),
  target: z.object({
    name: z.string(),
    principalLeader: z.string(),
    extensions: z.array(z.object({ name: z.string(), principalLeader: z.string() })),
    liaison: person.nullable(),
  }),
  group: z.object({ name: z.string(), leader: person, members: z.array(memberView) }),
  stage: stageId,
  state: inspectionState,
  stageOpenedAt: z.iso.datetime(),
  dueAt: z.iso.datetime(),
  overdue: z.boolean(),
  approvalChain: z.array(approverRole).describe("the current stage's chain"),
  waitingOn: z
    .object({ role: role, sub: z.string().nullable() })
    .nullable()
    .describe('whose move it is: the group leader while open, the next approver once submitted'),
  submittedBy: z.string().nullable(),
});
export type InspectionView = z.infer<typeof inspectionView>;

export const roundView = z.object({
  id: z.uuid(),
  name: z.string(),
  year: z.number(),
  plannedStart: z.string(),
  plannedEnd: z.string(),
  focus: z.array(z.string()),
  status: roundStatus,
  statusChangedAt: z.iso.datetime(),
  statusReason: z.string().nullable(),
  launchedBy: person,
  launchedAt: z.iso.datetime(),
  approvalChains: z.record(z.string(), z.array(approverRole)),
  stageDueDays: z.record(z.string(), z.number()),
  escalateAfterHours: z.number(),
  inspections: z.array(inspectionView),
});

export const roundSummary = roundView.omit({ inspections: true }).extend({
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
    message: 'is required when rejecting: say what to fix',
  });

export const stageStatusView = z.object({
  stage: stageId,
  state: inspectionState,
  awaitingRole: approverRole.nullable(),
  submittedBy: person.nullable(),
  stageOpenedAt: z.string(),
  stageDueAt: z.string(),
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
  data: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});

export const cancelBody = z.object({
  reason: text(2000),
  requestId: requestId.optional(),
});
