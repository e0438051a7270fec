import { describe, expect, it } from 'vitest';
import { launchRoundBody, stageId } from '../api/schemas.js';
import { nextStage, resolveApprovalChains, resolveDueDays, STAGE_IDS, STAGES } from '../workflows/stages.js';

describe('the stage model', () => {
  it('lists the seven mandated stages and the archiving that seals them, in order, none skipped', () => {
    expect(STAGE_IDS).toEqual(['preparation', 'stationing', 'drafting', 'communication', 'reporting', 'post_evaluation', 'rectification', 'archiving']);
    expect(STAGES.map((s) => s.id)).toEqual([...STAGE_IDS]);
    const walked: string[] = ['preparation'];
    for (let s = nextStage('preparation'); s; s = nextStage(s)) walked.push(s);
    expect(walked).toEqual([...STAGE_IDS]);
  });

  it('has the default approval chains of DOMAIN.md, overridable per stage', () => {
    const chains = resolveApprovalChains();
    expect(chains).toEqual({
      preparation: ['leading_group'],
      stationing: ['office'],
      drafting: ['office'],
      communication: ['office'],
      reporting: ['office', 'leading_group', 'party_committee'],
      post_evaluation: ['office'],
      rectification: ['leading_group'],
      archiving: ['leading_group'],
    });
    const overridden = resolveApprovalChains({ drafting: ['office', 'leading_group'] });
    expect(overridden.drafting).toEqual(['office', 'leading_group']);
    expect(overridden.stationing).toEqual(['office']);
    expect(resolveDueDays({ stationing: 45 })).toMatchObject({ stationing: 45, preparation: 10 });
  });

  it('is where the API takes its stage enum from', () => {
    expect(stageId.options).toEqual([...STAGE_IDS]);
    const unknownStage = launchRoundBody.safeParse({ approvalChains: { lunch: ['office'] } });
    expect(unknownStage.success).toBe(false);
  });
});
