import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../workflows/roles.js';
import { startHarness, type Harness } from './support/harness.js';
import { launchBody, leaderOne, memberOne, office } from './support/people.js';
import { launchRound, rid } from './support/walk.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** The same request in the default language and with `Accept-Language: en`. */
async function inBoth(actor: Actor, method: 'POST' | 'GET', url: string, body?: unknown) {
  const send = async (language?: string) => {
    const response = await h.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${await h.token(actor)}`, ...(language ? { 'accept-language': language } : {}) },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    return { status: response.statusCode, body: JSON.parse(response.body) };
  };
  return { zh: await send(), en: await send('en-GB,en;q=0.9,zh;q=0.5') };
}

describe('messages for people', () => {
  it('are Chinese by default and English on request, with the same codes and fields', async () => {
    const round = await launchRound(h);
    const id = round.inspections[0]!.id as string;

    // 400: validation, worded by zod's locales.
    const invalid = await inBoth(office, 'POST', '/api/v1/rounds', launchBody({ name: '', year: 1900 }));
    expect([invalid.zh.status, invalid.en.status]).toEqual([400, 400]);
    expect(invalid.zh.body.error).toBe('invalid_input');
    expect(invalid.en.body.error).toBe('invalid_input');
    expect(invalid.zh.body.details.issues.map((i: { field: string }) => i.field)).toEqual(['body.name', 'body.year']);
    expect(invalid.en.body.details.issues.map((i: { field: string }) => i.field)).toEqual(['body.name', 'body.year']);
    expect(invalid.zh.body.message).toMatch(/^输入无效：body\.name .*过小/);
    expect(invalid.en.body.message).toMatch(/^invalid input: body\.name Too small/);

    // 403: a refusal of the process, from its table of sentences.
    const forbidden = await inBoth(memberOne, 'POST', `/api/v1/inspections/${id}/submissions`, { stage: 'preparation', requestId: rid('s') });
    expect([forbidden.zh.status, forbidden.en.status]).toEqual([403, 403]);
    expect([forbidden.zh.body.error, forbidden.en.body.error]).toEqual(['forbidden', 'forbidden']);
    expect(forbidden.zh.body.message).toBe('只有第一巡察组组长张组长可以提交本组的阶段');
    expect(forbidden.en.body.message).toBe("only 第一巡察组's leader 张组长 may submit its stages");
    expect(forbidden.zh.body.details).not.toHaveProperty('messageKey');

    // 409: the wrong stage.
    const conflict = await inBoth(office, 'POST', `/api/v1/inspections/${id}/decisions`, {
      stage: 'stationing',
      decision: 'approve',
      requestId: rid('d'),
    });
    expect([conflict.zh.status, conflict.en.status]).toEqual([409, 409]);
    expect([conflict.zh.body.error, conflict.en.body.error]).toEqual(['conflict', 'conflict']);
    expect(conflict.zh.body.message).toBe('巡察当前处于巡前准备阶段（进行中）；此操作需要进驻了解阶段已提交待审批');
    expect(conflict.en.body.message).toBe('the inspection is at stage preparation (open); this needs stationing to be submitted');
    expect(conflict.zh.body.details).toEqual(conflict.en.body.details);
  });

  it('word a refused submission and the checklist in Chinese by default and in English on request, with the same codes and parameters', async () => {
    const round = await launchRound(h);
    const id = round.inspections[0]!.id as string;
    const refused = await inBoth(leaderOne, 'POST', `/api/v1/inspections/${id}/submissions`, { stage: 'preparation', requestId: rid('s') });
    expect([refused.zh.status, refused.en.status]).toEqual([409, 409]);
    expect([refused.zh.body.error, refused.en.body.error]).toEqual(['exit_criteria_unmet', 'exit_criteria_unmet']);
    expect(refused.zh.body.message).toBe('巡前准备阶段尚不能提交：3 项退出条件未满足');
    expect(refused.en.body.message).toBe('the preparation stage cannot be submitted: 3 exit criteria unmet');
    const codes = ['briefings_missing', 'recusal_undeclared', 'work_plan_missing'];
    expect(refused.zh.body.details.unmet.map((u: { code: string }) => u.code)).toEqual(codes);
    expect(refused.en.body.details.unmet.map((u: { code: string; params: unknown }) => [u.code, u.params])).toEqual(
      refused.zh.body.details.unmet.map((u: { code: string; params: unknown }) => [u.code, u.params]),
    );
    const [zhBriefings, zhDeclared] = refused.zh.body.details.unmet;
    expect(zhBriefings).toEqual({
      code: 'briefings_missing',
      params: { sources: ['discipline', 'organization', 'finance', 'audit', 'petition'] },
      message: '尚未收到以下方面的情况通报：纪检监察、组织人事、财务、审计、信访',
    });
    expect(zhDeclared.message).toBe('尚未申报：张组长、赵组员');
    expect(refused.en.body.details.unmet[0].message).toBe('no briefing yet from: discipline, organization, finance, audit, petition');

    // The checklist the console shows says the same, in the same language.
    const progress = await inBoth(leaderOne, 'GET', `/api/v1/inspections/${id}/progress`);
    const briefingsZh = progress.zh.body.criteria.find((c: { code: string }) => c.code === 'briefings_missing');
    const briefingsEn = progress.en.body.criteria.find((c: { code: string }) => c.code === 'briefings_missing');
    expect(briefingsZh).toMatchObject({ met: false, requirement: expect.stringMatching(/^已收到全部五个方面的情况通报/), missing: zhBriefings.message });
    expect(briefingsEn).toMatchObject({ met: false, requirement: expect.stringContaining('five sources'), params: zhBriefings.params });
  });

  it('word access refusals in Chinese by default and in English on request', async () => {
    const round = await launchRound(h);
    const id = round.inspections[0]!.id as string;
    const refused = await inBoth(leaderOne, 'POST', `/api/v1/inspections/${id}/records`, {
      kind: 'feedback_meeting',
      data: { heldOn: '2022-01-10', attendees: ['王主任'] },
    });
    expect([refused.zh.status, refused.en.status]).toEqual([403, 403]);
    expect([refused.zh.body.error, refused.en.body.error]).toEqual(['forbidden', 'forbidden']);
    expect(refused.zh.body.message).toBe('反馈会记录由巡察办录入');
    expect(refused.en.body.message).toBe('a feedback meeting record is written by office');

    const noRole = await inBoth(memberOne, 'POST', '/api/v1/rounds', launchBody());
    expect(noRole.zh.body).toMatchObject({ error: 'forbidden', message: '此操作需要巡察办角色；您的令牌具有：巡察组成员' });
    expect(noRole.en.body).toMatchObject({ error: 'forbidden', message: 'this needs the role office; your token has member' });

    // The approval-chain error names the stage by its title.
    const chain = await inBoth(office, 'POST', '/api/v1/rounds', launchBody({ approvalChains: { reporting: ['office'] } }));
    expect([chain.zh.status, chain.en.status]).toEqual([400, 400]);
    expect(chain.zh.body.details.issues).toEqual([
      { field: 'body.approvalChains.reporting', message: '巡察报告阶段的审批链必须以巡察工作领导小组 → 党委（党组）结尾' },
    ]);
    expect(chain.en.body.details.issues[0].message).toBe('the Reporting chain must end with leading_group → party_committee');
  });
});
