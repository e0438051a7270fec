import { z } from 'zod';
import { organizationKind, organizationLevel } from './organizations.schemas.js';
import { inspectionState, stageId } from './schemas.js';
import { termSummary } from './terms.schemas.js';

export const coverageStatus = z
  .enum(['covered', 'planned', 'not_covered'])
  .describe('covered: inspected in a round of the term (as target or extension; a cancelled inspection does not count); planned: not yet, but the plan assigns it; not_covered: neither');

export const coverageInspection = z.object({
  inspectionId: z.uuid(),
  roundId: z.uuid(),
  roundName: z.string(),
  year: z.number(),
  as: z.enum(['target', 'extension']).describe('inspected as the target, or as an extension (延伸巡察) of another target'),
  stage: stageId,
  state: inspectionState,
  revisit: z.boolean().describe('回头看: an organisation inspected before in the same term'),
});

export const coverageView = z.object({
  term: termSummary,
  counts: z.object({
    inScope: z.number(),
    covered: z.number(),
    planned: z.number().describe('in the plan, not yet covered'),
    notCovered: z.number().describe('neither covered nor planned'),
    revisited: z.number().describe('organisations inspected more than once in the term (回头看)'),
    shareCovered: z.number().describe('covered / inScope, from 0 to 1 (0 when nothing is in scope)'),
  }),
  organizations: z.array(
    z.object({
      id: z.uuid(),
      name: z.string(),
      kind: organizationKind,
      level: organizationLevel,
      parentId: z.uuid().nullable(),
      depth: z.number().describe('0 for the scope’s root'),
      active: z.boolean(),
      status: coverageStatus,
      revisit: z.boolean().describe('回头看: inspected more than once in the term'),
      planned: z.array(z.object({ year: z.number(), roundId: z.uuid().nullable() })),
      inspections: z.array(coverageInspection),
    }),
  ),
  notCovered: z.array(z.object({ id: z.uuid(), name: z.string(), planned: z.boolean() })).describe('everything in scope not yet inspected, planned or not'),
});
