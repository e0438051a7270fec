import { z } from 'zod';
import { recordView } from './record-schemas.js';
import { inspectionState, person, stageId } from './schemas.js';

const organization = z.object({ name: z.string(), principalLeader: z.string() });

/** What a person named in a group reads while 回避 keeps them out: enough to declare, nothing of the work. */
export const declarationView = z
  .object({
    inspectionId: z.uuid(),
    roundId: z.uuid(),
    roundName: z.string(),
    target: organization.extend({ extensions: z.array(organization) }).describe('the organisation inspected and its extensions (延伸巡察): a relation to any of them is declared'),
    group: z.object({ name: z.string(), leader: person }),
    stage: stageId,
    state: inspectionState,
    standing: z
      .enum(['undeclared', 'pending', 'recused', 'cleared'])
      .describe('undeclared: nothing read until declared; pending: the office has not decided; recused: 需回避, kept out; cleared: 无需回避, at work'),
    declarations: z.array(recordView).describe('the caller’s own recusal declarations (回避申报), oldest first, with the office’s decision'),
  })
  .describe('回避申报: the caller’s own declaration page for an inspection whose group names them');
export type DeclarationView = z.infer<typeof declarationView>;
