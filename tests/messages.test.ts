import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRITERIA_MESSAGES } from '../api/criteria-messages.js';
import { API_MESSAGES } from '../api/messages.js';
import { REFUSAL_MESSAGES } from '../workflows/refusal.js';
import type { Actor } from '../workflows/roles.js';
import { startHarness, type Harness } from './support/harness.js';
import { launchBody, leaderOne, memberOne, office } from './support/people.js';
import { eventually, launchRound, rid } from './support/walk.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** The same request in the default language and with `Accept-Language: en`. */
async function inBoth(actor: Actor | null, method: 'POST' | 'GET' | 'PATCH', url: string, body?: unknown, headers: Record<string, string> = {}) {
  const send = async (language?: string) => {
    const response = await h.app.inject({
      method,
      url,
      headers: {
        ...(actor ? { authorization: `Bearer ${await h.token(actor)}` } : {}),
        ...headers,
        ...(language ? { 'accept-language': language } : {}),
      },
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

    // The checklist the console shows says the same, in the same language (read by the office:
    // the group reads nothing of the inspection before its declarations are decided).
    const progress = await inBoth(office, 'GET', `/api/v1/inspections/${id}/progress`);
    const briefingsZh = progress.zh.body.criteria.find((c: { code: string }) => c.code === 'briefings_missing');
    const briefingsEn = progress.en.body.criteria.find((c: { code: string }) => c.code === 'briefings_missing');
    expect(briefingsZh).toMatchObject({ met: false, requirement: expect.stringMatching(/^已收到全部五个方面的情况通报/), missing: zhBriefings.message });
    expect(briefingsEn).toMatchObject({ met: false, requirement: expect.stringContaining('five sources'), params: zhBriefings.params });
  });

  it('word the services’ own refusals in Chinese by default and in English on request', async () => {
    const round = await launchRound(h);
    const id = round.inspections[0]!.id as string;
    const early = await inBoth(memberOne, 'POST', `/api/v1/inspections/${id}/records`, { kind: 'talk', data: { on: '2021-10-14', summary: '谈话', interviewee: '某人' } });
    expect([early.zh.status, early.en.status, early.zh.body.error]).toEqual([409, 409, 'conflict']);
    expect(early.zh.body.message).toBe('个别谈话只能在进驻了解、问题底稿阶段进行时填写；本巡察现处于巡前准备阶段（“进行中”）');
    expect(early.en.body.message).toBe('a talk record can be written while stationing, drafting is open; the inspection is at preparation (open)');
    const stranger = await inBoth(memberOne, 'POST', `/api/v1/inspections/${id}/records`, { kind: 'recusal_declaration', data: { memberSub: leaderOne.sub, hasRelation: false } });
    expect([stranger.zh.status, stranger.zh.body.message, stranger.en.body.message]).toEqual([
      403,
      '回避申报须本人填写：memberSub 须为您自己',
      'each member declares for themselves: memberSub must be your own',
    ]);
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

/** Chinese text: at least one CJK ideograph. */
const CHINESE = /[\u4e00-\u9fff]/;
/** Parameters enough for every sentence to say something. */
const SAMPLE = new Proxy({} as Record<string, string>, {
  get: (_t, key) => (['roles', 'held', 'writers', 'deputies', 'end', 'options', 'claims', 'why', 'bad', 'sources', 'names', 'titles'].includes(String(key)) ? ['office'] : 'preparation'),
  has: () => true,
});

describe('every sentence for people', () => {
  const tables = {
    API_MESSAGES: API_MESSAGES as Record<string, Record<'zh' | 'en', (p: never) => string>>,
    REFUSAL_MESSAGES: REFUSAL_MESSAGES as Record<string, Record<'zh' | 'en', (p: never) => string>>,
    CRITERIA_MESSAGES: CRITERIA_MESSAGES as Record<string, Record<'zh' | 'en', (p: never) => string>>,
  };
  for (const [table, entries] of Object.entries(tables)) {
    it(`has a Chinese and an English text for each key of ${table}, and they differ`, () => {
      for (const [key, words] of Object.entries(entries)) {
        const zh = words.zh(SAMPLE as never);
        const en = words.en(SAMPLE as never);
        expect(zh, `${table}.${key}.zh`).toMatch(CHINESE);
        expect(en, `${table}.${key}.en`).not.toMatch(/^\s*$/);
        expect(zh, `${table}.${key}`).not.toBe(en);
      }
    });
  }
});

describe('messages the API itself says', () => {
  it('word a 404, a stale version, a bad cursor and a hand-written field check in Chinese by default and in English on request', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    const notFound = await inBoth(office, 'GET', `/api/v1/rounds/${missing}`);
    expect([notFound.zh.status, notFound.en.status]).toEqual([404, 404]);
    expect([notFound.zh.body.error, notFound.en.body.error]).toEqual(['not_found', 'not_found']);
    expect(notFound.zh.body.message).toBe(`未找到巡察轮次 ${missing}`);
    expect(notFound.en.body.message).toBe(`round ${missing} not found`);

    const created = await h.call(office, 'POST', '/api/v1/organizations', {
      name: `消息测试单位${rid('o')}`,
      kind: 'party_committee',
      level: 'department',
      activeFrom: '2018-01-01',
    });
    expect(created.status).toBe(201);
    const stale = await inBoth(office, 'PATCH', `/api/v1/organizations/${created.body.id}`, { version: created.body.version + 5, name: '改名' });
    expect([stale.zh.status, stale.en.status]).toEqual([409, 409]);
    expect([stale.zh.body.error, stale.en.body.error]).toEqual(['conflict', 'conflict']);
    expect(stale.zh.body.message).toBe(`该单位当前为第 ${created.body.version} 版；请刷新后重试`);
    expect(stale.en.body.message).toBe(`the organization is at version ${created.body.version}; reload it and try again`);

    const round = await launchRound(h);
    const cursor = await inBoth(office, 'GET', `/api/v1/rounds/${round.id}/timeline?cursor=nonsense`);
    expect([cursor.zh.status, cursor.en.status]).toEqual([400, 400]);
    expect(cursor.zh.body.details.issues).toEqual([{ field: 'querystring.cursor', message: '不是本时间线给出的游标' }]);
    expect(cursor.en.body.details.issues).toEqual([{ field: 'querystring.cursor', message: 'is not a cursor this timeline gave out' }]);
    expect(cursor.zh.body.message).toBe('输入无效：querystring.cursor 不是本时间线给出的游标');

    const backwards = await inBoth(office, 'POST', '/api/v1/rounds', launchBody({ plannedStart: '2099-03-01', plannedEnd: '2099-01-01' }));
    expect([backwards.zh.status, backwards.en.status]).toEqual([400, 400]);
    expect(backwards.zh.body.details.issues).toEqual([{ field: 'body.plannedEnd', message: '不得早于 plannedStart' }]);
    expect(backwards.en.body.details.issues).toEqual([{ field: 'body.plannedEnd', message: 'must not be before plannedStart' }]);
  });

  it('word a refused token and Fastify’s own refusals of a body in Chinese by default and in English on request', async () => {
    const none = await inBoth(null, 'GET', '/api/v1/rounds');
    expect([none.zh.status, none.en.status]).toEqual([401, 401]);
    expect(none.zh.body).toEqual({ error: 'unauthorized', message: '请在 Authorization 请求头中发送 Bearer 令牌' });
    expect(none.en.body).toEqual({ error: 'unauthorized', message: 'send a bearer token in the Authorization header' });

    const forged = await inBoth(null, 'GET', '/api/v1/rounds', undefined, { authorization: 'Bearer not.a.token' });
    expect([forged.zh.status, forged.en.status]).toEqual([401, 401]);
    expect(forged.zh.body.message).toBe('令牌不是有效的签名令牌');
    expect(forged.en.body.message).toBe('the token is not a valid signed token');

    const send = async (payload: string, contentType: string, language?: string) => {
      const response = await h.app.inject({
        method: 'POST',
        url: '/api/v1/rounds',
        payload,
        headers: { authorization: `Bearer ${await h.token(office)}`, 'content-type': contentType, ...(language ? { 'accept-language': language } : {}) },
      });
      return { status: response.statusCode, body: JSON.parse(response.body) };
    };
    const badJson = [await send('{"name":', 'application/json'), await send('{"name":', 'application/json', 'en')];
    expect(badJson.map((r) => r.status)).toEqual([400, 400]);
    expect(badJson[0]!.body).toEqual({ error: 'invalid_input', message: '请求体不是有效的 JSON', details: { issues: [{ field: 'body', message: '不是有效的 JSON' }] } });
    expect(badJson[1]!.body).toEqual({ error: 'invalid_input', message: 'the body is not valid JSON', details: { issues: [{ field: 'body', message: 'is not valid JSON' }] } });

    const media = [await send('name=x', 'text/x-unknown'), await send('name=x', 'text/x-unknown', 'en')];
    expect(media.map((r) => r.status)).toEqual([415, 415]);
    expect(media[0]!.body).toEqual({ error: 'unsupported_media_type', message: '不支持的内容类型：text/x-unknown' });
    expect(media[1]!.body).toEqual({ error: 'unsupported_media_type', message: 'unsupported media type: text/x-unknown' });
  });

  it('word the overdue notice in Chinese by default and in English on request', async () => {
    // About two seconds: fractions of a day are allowed so a test need not wait days.
    const round = await launchRound(h, { stageDueDays: { preparation: 2 / 86_400 } });
    const id = round.inspections[0]!.id as string;
    const notices = await eventually(async () => {
      const both = await inBoth(office, 'GET', '/api/v1/notifications');
      const zh = both.zh.body.notifications.find((n: { inspectionId: string }) => n.inspectionId === id);
      const en = both.en.body.notifications.find((n: { inspectionId: string }) => n.inspectionId === id);
      expect(zh).toBeDefined();
      return { zh, en };
    }, 'the overdue notice');
    expect([notices.zh.kind, notices.en.kind]).toEqual(['overdue', 'overdue']);
    expect(notices.zh.message).toMatch(/：巡前准备阶段已超过期限 /);
    expect(notices.en.message).toMatch(/: stage preparation passed its due date /);
  });
});
