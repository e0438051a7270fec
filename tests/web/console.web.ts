import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { approverOf, recordStageWork, SAMPLE_FOCUS, submitterOf, type Cast } from '../../platform/sample-stage-work.js';
import { STAGES, type StageId } from '../../workflows/stages.js';
import { DEMO_USERS } from '../../platform/demo-users.js';
import type { Actor } from '../../workflows/roles.js';
import { PHONE, screenshot } from './support/browser.js';
import { consoleUnderTest, expectAccessible, pickOption, signInAs } from './support/console-under-test.js';
import { tokenFor } from './support/system.js';

const demo = (sub: string): Actor => DEMO_USERS.find((u) => u.sub === sub)!;
const office = demo('demo-office');
const leader = demo('demo-group-leader');
const cast: Cast = {
  leader,
  members: [demo('demo-member')],
  office,
  officeDeputy: demo('demo-office-deputy'),
  leadingGroup: demo('demo-leading-group'),
  partyCommittee: demo('demo-party-committee'),
  liaison: demo('demo-liaison'),
};
const run = promisify(execFile);
const repo = resolve(fileURLToPath(import.meta.url), '../../..');
const stageTitle = (stage: StageId) => STAGES.find((s) => s.id === stage)!.title.zh;

let inspectionId: string;
let roundId: string;
const web = consoleUnderTest();
const { newPage, cspViolations } = web;

describe('the web console, as its people use it', () => {
  it('offers the demo people on npm start, and an expired token sends one back to sign in, saying so', async () => {
    const { context, page } = await newPage();
    const served = await page.goto('/rounds');
    // The console runs under the API's policy: its scripts from the server only, antd's inline styles allowed.
    expect(served?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByText('演示环境').waitFor();
    expect(cspViolations).toEqual([]);
    expect(await page.getByRole('button').allInnerTexts()).toHaveLength(DEMO_USERS.length);
    await screenshot(page, '01-sign-in');
    await expectAccessible(page);

    const expired = await tokenFor(web.system, office, '-1m');
    // The session a sign-in left behind, whose token has run out since (expiresAt unknown, so only the server can tell).
    const session = { token: expired, person: { sub: office.sub, name: office.name, roles: office.roles }, expiresAt: null };
    await page.evaluate(`localStorage.setItem('xuncha.session', ${JSON.stringify(JSON.stringify(session))})`);
    await page.goto('/rounds');
    await page.getByText('登录已过期，请重新登录。').waitFor();
    expect(new URL(page.url()).pathname).toBe('/signin');
    await context.close();
  });

  it('lets the office propose a round through the wizard, showing the server’s refusal at the field it names', async () => {
    const { context, page } = await newPage();
    await signInAs(page, office);
    await page.getByRole('menuitem', { name: '发起巡察' }).click();
    await page.getByLabel('轮次名称').fill('2021年第三轮巡察');
    await page.getByLabel('计划开始').fill('2021-10-08');
    await page.getByLabel('计划开始').press('Enter');
    await page.getByLabel('计划结束').fill('2021-12-31');
    await page.getByLabel('计划结束').press('Enter');
    // The sample work plans later recorded name these focus areas: the round must hold them all.
    await page.getByLabel('监督重点').click();
    for (const area of SAMPLE_FOCUS.slice(2)) await pickOption(page, area);
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByLabel('单位名称', { exact: true }).fill('自治区交通运输综合行政执法局');
    await page.getByLabel('主要负责人', { exact: true }).fill('马局长');
    await screenshot(page, '02-launch-wizard-groups');
    await page.getByRole('button', { name: '下一步' }).click();
    // Leave the party committee out of the reporting chain: only the server knows it may not.
    const reportingChain = page.locator('.ant-form-item').filter({ hasText: '巡察报告 · 审批链' });
    await reportingChain.locator('.ant-select-selection-item').filter({ hasText: '党委' }).locator('.ant-select-selection-item-remove').click();
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByRole('button', { name: '提交领导小组审批' }).click();
    const fieldError = reportingChain.locator('.ant-form-item-explain-error');
    await fieldError.waitFor();
    expect(await fieldError.innerText()).toMatch(/party_committee|党委/);
    await screenshot(page, '03-launch-wizard-refused-at-field');
    await expectAccessible(page);

    await reportingChain.locator('.ant-select').click();
    await pickOption(page, '党委');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByRole('button', { name: '提交领导小组审批' }).click();
    await page.waitForURL(/\/rounds\/[0-9a-f-]{36}$/);
    roundId = page.url().split('/').pop()!;
    await page.getByRole('cell', { name: /自治区交通运输综合行政执法局/ }).waitFor();
    await page.getByText('等待巡察工作领导小组审批').waitFor();
    await screenshot(page, '04-round-proposed');
    const round = await web.system.call(office, 'GET', `/api/v1/rounds/${roundId}`);
    expect([round.body.status, round.body.inspections]).toEqual(['proposed', []]);
    await context.close();
  });

  it('lets the leading group authorise the proposed round from its to-do, which starts the inspection', async () => {
    const { context, page } = await newPage();
    await signInAs(page, cast.leadingGroup);
    const todo = page.getByTestId('todo');
    await todo.getByText('审批巡察轮次方案：2021年第三轮巡察').waitFor();
    await screenshot(page, '05-home-leading-group');
    await expectAccessible(page);
    await todo.getByRole('button', { name: '审批' }).click();
    await page.waitForURL(`**/rounds/${roundId}`);
    const decision = page.getByTestId('round-decision');
    await decision.getByLabel('会议纪要编号').fill('巡领〔2021〕3号');
    await decision.getByRole('button', { name: '批准方案' }).dblclick();
    const matrix = page.getByTestId('round-matrix');
    await matrix.getByRole('link', { name: '自治区交通运输综合行政执法局' }).waitFor();
    await screenshot(page, '06-round-dashboard');
    const round = await web.system.call(office, 'GET', `/api/v1/rounds/${roundId}`);
    expect(round.body.status).toBe('active');
    expect(round.body.authorisation.map((s: { kind: string }) => s.kind)).toEqual(['proposed', 'approved']);
    expect(round.body.inspections.map((i: { target: { name: string }; group: { leader: { sub: string } } }) => [i.target.name, i.group.leader.sub])).toEqual([
      ['自治区交通运输综合行政执法局', 'demo-group-leader'],
    ]);
    inspectionId = round.body.inspections[0].id;
    await expectAccessible(page);
    await context.close();
  });

  it('lists every unmet exit criterion when the group leader submits too early', async () => {
    // Nobody of the group sees the work before declaring (回避申报) and the office deciding:
    // the leader enters, finds the declaration page instead of the workspace, and declares.
    const base = `/api/v1/inspections/${inspectionId}`;
    const { context, page } = await newPage();
    await signInAs(page, leader);
    await page.getByTestId('my-inspections').getByRole('button', { name: '进入巡察' }).click();
    await page.waitForURL(`**/inspections/${inspectionId}`);
    const declarationPage = page.getByTestId('declaration-page');
    await expect.poll(() => page.getByTestId('declaration-standing').innerText()).toContain('请先进行回避申报');
    await expect.poll(() => declarationPage.innerText()).toContain('自治区交通运输综合行政执法局');
    await screenshot(page, '07a-declaration');
    await expectAccessible(page);
    await page.getByRole('button', { name: '提交申报' }).click();
    await expect.poll(() => page.getByTestId('declaration-standing').innerText()).toContain('等待巡察办决定');
    const own = await web.system.call(leader, 'GET', `${base}/declaration`);
    expect(own.body.declarations.map((d: { data: { hasRelation: boolean } }) => d.data.hasRelation)).toEqual([false]);
    const decided = await web.system.call(office, 'POST', `${base}/records/${own.body.declarations[0].id}/decision`, { decision: 'not_recused' });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    await page.reload();
    await page.getByTestId('checklist').waitFor();
    await page.getByRole('button', { name: '提交巡前准备审批' }).click();
    const shown = page.getByTestId('unmet-criteria').locator('li');
    await shown.first().waitFor();
    const progress = await web.system.call(office, 'GET', `/api/v1/rounds/${roundId}/progress`);
    const expected = progress.body.inspections[0].unmet.map((u: { message: string }) => u.message);
    expect(expected.length).toBeGreaterThan(1);
    // Worded in Chinese: the harness asks in the default language, the console asks for zh-CN.
    expect(expected[0]).toBe('尚未收到以下方面的情况通报：纪检监察、组织人事、财务、审计、信访');
    expect(await shown.allInnerTexts()).toEqual(expected);
    await expect.poll(() => page.getByTestId('checklist').innerText()).toContain('已收到全部五个方面的情况通报');
    await screenshot(page, '07-workspace-refused');
    await expectAccessible(page);
    await context.close();
  });

  it('lets the group leader record the stage’s work in forms drawn from the schemas, and submit it', async () => {
    const { context, page } = await newPage();
    await signInAs(page, leader);
    await page.goto(`/inspections/${inspectionId}`);
    await page.getByRole('button', { name: '新增工作方案' }).click();
    const drawer = page.getByRole('dialog', { name: '新增工作方案' });
    await drawer.getByLabel('监督重点').fill('行政执法');
    await drawer.getByLabel('监督重点').press('Enter');
    await drawer.getByLabel('工作安排').fill('10月12日进驻，11月20日前完成了解工作');
    await drawer.getByLabel('重点事项').fill('超限检测执法、执法专项经费使用');
    await screenshot(page, '08-record-form');
    await drawer.getByRole('button', { name: '保存' }).click();
    await page.getByTestId('kind-work_plan').getByText('10月12日进驻').waitFor();
    const plans = await web.system.call(office, 'GET', `/api/v1/inspections/${inspectionId}/records?kind=work_plan`);
    expect(plans.body.records.map((r: { data: unknown }) => r.data)).toEqual([
      { focus: ['行政执法'], schedule: '10月12日进驻，11月20日前完成了解工作', keyMatters: '超限检测执法、执法专项经费使用' },
    ]);

    // The rest of the stage's work (briefings, declarations and the office's decisions) as the API's sample records it.
    await recordStageWork(web.system.call, inspectionId, 'preparation', cast);
    await page.reload();
    await submitInUi(page, 'preparation');
    const inspection = await web.system.call(office, 'GET', `/api/v1/inspections/${inspectionId}`);
    expect([inspection.body.stage, inspection.body.state, inspection.body.waitingOn.role]).toEqual(['preparation', 'submitted', 'leading_group']);
    await screenshot(page, '09-workspace-submitted');
    await context.close();
  });

  it('shows the group leader the comment the leading group returned the stage with', async () => {
    const approver = await newPage();
    await signInAs(approver.page, cast.leadingGroup);
    await approver.page.getByTestId('todo').getByRole('button', { name: '审批' }).click();
    await approver.page.getByLabel('会议纪要编号').fill('巡领〔2021〕4号');
    await approver.page.getByRole('button', { name: '退回' }).click();
    // A rejection must say what to fix: the form asks before anything is sent.
    await approver.page.getByText('退回时请填写意见').waitFor();
    await approver.page.getByLabel('审批意见（退回时必填）').fill('工作方案未列明进驻期间的保密措施，请补充后重新提交。');
    await approver.page.getByRole('button', { name: '退回' }).click();
    await approver.page.getByText('本阶段没有待审批的提交').waitFor();
    await approver.context.close();

    const { context, page } = await newPage();
    await signInAs(page, leader);
    await page.goto(`/inspections/${inspectionId}`);
    const notice = page.getByTestId('rejection');
    await notice.waitFor();
    expect(await notice.innerText()).toContain('工作方案未列明进驻期间的保密措施，请补充后重新提交。');
    expect(await notice.innerText()).toContain(cast.leadingGroup.name);
    await screenshot(page, '10-workspace-returned');
    await expectAccessible(page);
    await submitInUi(page, 'preparation');
    await context.close();
  });

  it('lets the leading group approve from a phone, once however often the button is pressed', async () => {
    const { context, page } = await newPage(PHONE);
    await signInAs(page, cast.leadingGroup);
    await page.getByTestId('todo').getByRole('button', { name: '审批' }).click();
    await page.waitForURL(`**/inspections/${inspectionId}/approval`);
    await page.getByTestId('digest').waitFor();
    await page.getByLabel('会议纪要编号').fill('巡领〔2021〕5号');
    await screenshot(page, '11-approval-phone');
    await expectAccessible(page);
    const approve = page.getByRole('button', { name: '批准' });
    await approve.dblclick();
    await page.getByText('本阶段没有待审批的提交').waitFor();
    const history = await web.system.call(office, 'GET', `/api/v1/inspections/${inspectionId}/history`);
    const approvals = history.body.steps.filter((s: { kind: string }) => s.kind === 'approved');
    expect(approvals).toHaveLength(1);
    const inspection = await web.system.call(office, 'GET', `/api/v1/inspections/${inspectionId}`);
    expect([inspection.body.stage, inspection.body.state]).toEqual(['stationing', 'open']);
    await context.close();
  });

  it('walks the inspection to completed: each stage submitted and approved in the console by its own people', async () => {
    for (const { id: stage, approvalChain } of STAGES.slice(1)) {
      // The stage's records as the API's sample writes them; the submission and every approval through the console.
      // The dossier (立卷归档) is the office's press in the console.
      if (stage !== 'archiving') await recordStageWork(web.system.call, inspectionId, stage, cast);
      const submitter = await newPage();
      await signInAs(submitter.page, submitterOf(stage, cast));
      await submitter.page.goto(`/inspections/${inspectionId}`);
      if (stage === 'archiving') await sealDossierInUi(submitter.page);
      await submitInUi(submitter.page, stage);
      await submitter.context.close();
      for (const role of approvalChain) {
        const { context, page } = await newPage();
        await signInAs(page, approverOf(role, stage, cast));
        await page.getByTestId('todo').getByRole('button', { name: '审批' }).click();
        await page.waitForURL(`**/inspections/${inspectionId}/approval`);
        if (role !== 'office') await page.getByLabel('会议纪要编号').fill('巡领〔2021〕9号');
        await page.getByRole('button', { name: '批准' }).click();
        await page.getByText(/本阶段没有待审批的提交|等待.+审批/).waitFor();
        await context.close();
      }
    }
    const inspection = await web.system.call(office, 'GET', `/api/v1/inspections/${inspectionId}`);
    expect(inspection.body.state).toBe('completed');

    const { context, page } = await newPage();
    await signInAs(page, office);
    await page.goto(`/rounds/${roundId}`);
    await page.getByTestId('round-matrix').getByText('已通过').nth(STAGES.length - 1).waitFor();
    await screenshot(page, '12-round-dashboard-completed');
    await context.close();
  }, 900_000);

  it('shows the office, beside the matrix, what the round found: problems by focus area, leads, rectification items, notifications', async () => {
    const { context, page } = await newPage();
    await signInAs(page, office);
    await page.goto(`/rounds/${roundId}`);
    const progress = await web.system.call(office, 'GET', `/api/v1/rounds/${roundId}/progress`);
    const { problems, problemsByCategory, leads, leadsNotHandedOver, rectificationItems } = progress.body.totals;
    // The walk wrote papers, a lead and rectification items: zeros would prove nothing.
    expect([problems > 0, leads > 0, Object.values(rectificationItems).some((n) => Number(n) > 0)]).toEqual([true, true, true]);
    const problemsCard = page.getByTestId('round-problems');
    await problemsCard.getByRole('heading', { name: `发现问题（${problems}）` }).waitFor();
    const rows = await problemsCard.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(Object.fromEntries(rows.map(([category, count]) => [category, Number(count)]))).toEqual(problemsByCategory);
    const statistic = (card: string, title: string) => page.getByTestId(card).locator('.ant-statistic').filter({ hasText: title }).locator('.ant-statistic-content').innerText();
    expect([await statistic('round-leads', '已确认'), await statistic('round-leads', '待移交')]).toEqual([String(leads), String(leadsNotHandedOver)]);
    expect(
      await Promise.all([
        statistic('round-rectification', '整改中'),
        statistic('round-rectification', '验收退回'),
        statistic('round-rectification', '验收通过'),
        statistic('round-rectification', '长期整改'),
      ]),
    ).toEqual([rectificationItems.open, rectificationItems.returned, rectificationItems.accepted, rectificationItems.long_term].map(String));
    // The office reads every notification; the dashboard lists this round's, or says there are none.
    const notifications = await web.system.call(office, 'GET', '/api/v1/notifications');
    const ofRound = notifications.body.notifications.filter((n: { roundId: string }) => n.roundId === roundId);
    const listed = page.getByTestId('round-notifications');
    if (ofRound.length === 0) await listed.getByText('本轮没有逾期或催办').waitFor();
    else expect(await listed.getByRole('link').count()).toBe(ofRound.length);
    await screenshot(page, '16-round-findings');
    await expectAccessible(page);
    await context.close();
  });

  it('shows the auditor the timeline and that the history is intact', async () => {
    const { context, page } = await newPage();
    await signInAs(page, demo('demo-auditor'));
    await page.goto(`/inspections/${inspectionId}/audit`);
    await page.getByRole('cell', { name: '巡察完成' }).waitFor();
    await page.getByRole('button', { name: '校验履历与记录' }).click();
    const verdict = page.getByTestId('verify-result');
    await verdict.waitFor();
    expect(await verdict.innerText()).toMatch(/^完整/);
    await screenshot(page, '13-audit');
    await expectAccessible(page);
    // The archived inspection offers the auditor its sealed dossier.
    await page.goto(`/inspections/${inspectionId}`);
    await page.getByTestId('dossier-panel').getByRole('button', { name: '下载案卷' }).waitFor();
    await screenshot(page, '13b-audit-dossier');
    await context.close();
  });

  it('lets the auditor download the raw Temporal history, which the replay command shown beside it replays against the code', async () => {
    const { context, page } = await newPage();
    await signInAs(page, demo('demo-auditor'));
    await page.goto(`/inspections/${inspectionId}/audit`);
    const panel = page.getByTestId('temporal-history');
    const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: /下载 Temporal 原始履历/ }).click()]);
    await panel.getByTestId('temporal-history-downloaded').waitFor();
    const file = download.suggestedFilename();
    expect(file).toBe(`inspection-${inspectionId}-history.json`);
    const command = await panel.getByTestId('replay-command').innerText();
    expect(command.trim()).toBe(`npm run replay -- ${file}`);
    await screenshot(page, '17-audit-temporal-history');
    await expectAccessible(page);
    const saved = join(mkdtempSync(join(tmpdir(), 'xuncha-download-')), file);
    await download.saveAs(saved);
    await context.close();

    const downloaded = JSON.parse(readFileSync(saved, 'utf8')) as { inspectionId: string; runs: unknown[] };
    expect(downloaded.inspectionId).toBe(inspectionId);
    expect(downloaded.runs.length).toBeGreaterThan(0);
    // The command the page gives, run where the auditor keeps the file, against this checkout's workflow code.
    const replayed = await run('npm', ['run', '--silent', 'replay', '--', saved], { cwd: repo });
    const verdicts = replayed.stdout.split('\n').filter((line) => line.startsWith(`${file} run `));
    expect(verdicts).toHaveLength(downloaded.runs.length);
    for (const line of verdicts) expect(line).toMatch(/: replays cleanly$/);
  }, 600_000);

  it('greets everyone on the 工作台 with what waits on them', async () => {
    for (const [person, name] of [
      [office, '14-home-office'],
      [leader, '15-home-group-leader'],
    ] as const) {
      const { context, page } = await newPage();
      await signInAs(page, person);
      await page.getByTestId('todo').waitFor();
      await screenshot(page, name);
      await expectAccessible(page);
      await context.close();
    }
    // Every screen the run opened rendered within the policy (antd's CSS-in-JS included).
    expect(cspViolations).toEqual([]);
  });

  it('shows every round a page at a time (加载更多), and every proposal in the leading group’s to-do', async () => {
    // More proposals than a page (50): the same plan as the story's round, under other names.
    const { plan } = (await web.system.call(office, 'GET', `/api/v1/rounds/${roundId}`)).body;
    for (let i = 1; i <= 50; i++) {
      const proposed = await web.system.call(office, 'POST', '/api/v1/rounds', { ...plan, name: `分页测试轮次${i}` });
      expect(proposed.status, JSON.stringify(proposed.body)).toBe(201);
    }
    const { context, page } = await newPage();
    await signInAs(page, cast.leadingGroup);
    const proposals = page.getByTestId('todo').getByText(/^审批巡察轮次方案：分页测试轮次\d+$/);
    await proposals.nth(49).waitFor();
    expect(await proposals.count()).toBe(50);

    await page.getByRole('menuitem', { name: '巡察轮次' }).click();
    const rows = page.locator('.ant-table-tbody tr.ant-table-row');
    await page.getByRole('link', { name: '分页测试轮次50', exact: true }).waitFor();
    expect(await rows.count()).toBe(50);
    // The story's round, the oldest, is on the second page.
    expect(await page.getByRole('link', { name: '2021年第三轮巡察' }).count()).toBe(0);
    await page.getByTestId('rounds-more').click();
    await page.getByRole('link', { name: '2021年第三轮巡察' }).waitFor();
    expect(await rows.count()).toBe(51);
    expect(await page.getByTestId('rounds-more').count()).toBe(0);
    await screenshot(page, '18-rounds-all-pages');
    await expectAccessible(page);
    await context.close();
  });
});

/** The office builds and seals the dossier on the archiving stage; the checklist then holds. */
async function sealDossierInUi(page: Page): Promise<void> {
  const panel = page.getByTestId('dossier-panel');
  await panel.getByRole('button', { name: '生成案卷' }).click();
  await panel.getByRole('button', { name: '下载案卷' }).waitFor();
  await page.getByTestId('checklist').getByLabel('已满足').waitFor();
  await screenshot(page, '11b-dossier-sealed');
  await expectAccessible(page);
}

/** The stage's owner presses submit in the workspace and the console shows it waits on its approvers. */
async function submitInUi(page: Page, stage: StageId): Promise<void> {
  await page.getByRole('button', { name: `提交${stageTitle(stage)}审批` }).click();
  await page.getByText(/已提交，等待.*审批/).waitFor();
}
