import { z } from 'zod';
import { QUESTIONNAIRE_ITEMS, QUESTIONNAIRE_SCORE, type QuestionnaireItemId } from '../workflows/stages.js';
import { requestId } from './schemas.js';

const score = z.number().int().min(QUESTIONNAIRE_SCORE.min).max(QUESTIONNAIRE_SCORE.max);

export const issueCodesBody = z.object({
  count: z.number().int().min(1).max(500).describe('how many one-time codes to issue in this batch'),
  requestId: requestId.describe('names the batch; the codes are shown once only, so a repeat is refused (409), never answered with them again'),
});

export const issuedCodesView = z
  .object({
    inspectionId: z.uuid(),
    requestId: z.string(),
    count: z.number(),
    codes: z.array(z.string()).describe('shown once: the database keeps only their hashes'),
    answerAt: z.string().describe('where each code answers: replace :code'),
  })
  .describe('The office hands the codes to the target, which hands one to each person asked; nobody records who got which.');

export const questionnaireItemView = z.object({
  id: z.string(),
  basis: z.string().describe('巡察工作守则 or 八项规定'),
  title: z.object({ zh: z.string(), en: z.string() }),
});

export const questionnaireFormView = z.object({
  target: z.string().describe('the inspected organisation'),
  group: z.string().describe('the inspection group being evaluated'),
  items: z.array(questionnaireItemView),
  score: z.object({ min: z.number(), max: z.number() }).describe('each item is scored in this range: 1 seriously breached, 5 fully kept'),
});

export const answerBody = z
  .object({
    scores: z
      .object(Object.fromEntries(QUESTIONNAIRE_ITEMS.map((item) => [item.id, score.describe(item.title.zh)])) as Record<QuestionnaireItemId, typeof score>)
      .strict()
      .describe('a score for every preset item'),
    comment: z.string().trim().max(5000).optional().describe('anything else about the group’s conduct, in the answerer’s words'),
  })
  .strict();
export type AnswerBody = z.infer<typeof answerBody>;

export const answerReceipt = z.object({
  recorded: z.literal(true),
  answeredOn: z.iso.date().describe('all the answer keeps of when it came: the day (China Standard Time)'),
});

export const questionnaireSummaryView = z
  .object({
    inspectionId: z.uuid(),
    minimumAnswers: z.number().describe("the round's minimum of answers for post_evaluation"),
    codes: z.object({ issued: z.number(), used: z.number() }),
    answers: z.number(),
    closed: z
      .object({ reason: z.string(), recordId: z.uuid() })
      .nullable()
      .describe('the office closed the questionnaire (a questionnaire_closure record)'),
    items: z.array(questionnaireItemView.extend({ average: z.number().nullable(), lowest: z.number().nullable() })),
    responses: z
      .array(z.object({ answeredOn: z.iso.date(), scores: z.record(z.string(), z.number()), comment: z.string().nullable() }))
      .describe('by day, in no telling order within a day'),
  })
  .describe('Read by the office, the leading group and auditors; never by the group or the liaison.');
