import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../workflows/roles.js';
import { startHarness, type Harness } from './support/harness.js';
import { launchBody, memberOne, office } from './support/people.js';
import { launchRound, rid } from './support/walk.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** The same request in the default language and with `Accept-Language: en`. */
async function inBoth(actor: Actor, method: 'POST', url: string, body: unknown) {
  const send = async (language?: string) => {
    const response = await h.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${await h.token(actor)}`, ...(language ? { 'accept-language': language } : {}) },
      payload: body as object,
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
});
