import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../platform/demo-users.js';
import { approvalBody, launchRound, recordStageWork, SAMPLE_FOCUS, type Cast } from '../../platform/sample-stage-work.js';
import type { Actor } from '../../workflows/roles.js';
import { screenshot } from './support/browser.js';
import { consoleUnderTest, expectAccessible, pickOption, signInAs } from './support/console-under-test.js';

const demo = (sub: string): Actor => DEMO_USERS.find((u) => u.sub === sub)!;
const office = demo('demo-office');
const leadingGroup = demo('demo-leading-group');
const leader = demo('demo-group-leader');
const member = demo('demo-member');
const cast: Cast = {
  leader,
  members: [member],
  office,
  officeDeputy: demo('demo-office-deputy'),
  leadingGroup,
  partyCommittee: demo('demo-party-committee'),
  liaison: demo('demo-liaison'),
};

const ROOT = '自治区交通运输厅党委';
const ENFORCEMENT = '自治区交通运输综合行政执法局党委';
const HIGHWAYS = '自治区公路管理局党委';
const TRANSPORT = '自治区道路运输管理局党委';
const MARITIME = '自治区海事局党组';
const HEADER = ['名称', '类型', '级别', '上级党组织', '主要负责人', '起始日期', '终止日期'];

/** A transcript as a scanner makes it: the bytes say PDF, whatever the name. */
const TRANSCRIPT = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
/** A Windows program under an innocent name: its bytes start with MZ. */
const DISGUISED_PROGRAM = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(510, 0x90)]);

let termId: string;
let inspectionId: string;
const web = consoleUnderTest();
const { newPage } = web;

async function fillDate(page: Page, label: string, day: string): Promise<void> {
  await page.getByLabel(label, { exact: true }).fill(day);
  await page.getByLabel(label, { exact: true }).press('Enter');
}

/** The office's register as a spreadsheet: a header row, then one organisation a row. */
async function registerSheet(rows: string[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('被巡察单位');
  sheet.addRow(HEADER);
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function organizationId(name: string): Promise<string> {
  const answer = await web.system.call(office, 'GET', '/api/v1/organizations');
  return answer.body.organizations.find((o: { name: string }) => o.name === name).id;
}

describe('the office’s view across rounds, and evidence files, in the console', () => {
  it('lets the office import the register from a spreadsheet, listing every bad row of a refused one', async () => {
    const { context, page } = await newPage();
    await signInAs(page, office);
    await page.getByRole('menuitem', { name: '被巡察单位' }).click();
    await page.getByText('名录为空').waitFor();

    const bad = await registerSheet([
      [ROOT, '党委', '厅局级', '', '王厅长', '2018-01-01', ''],
      [ENFORCEMENT, '党委', '县处级', ROOT, '马局长', '2019-03-01', ''],
      [HIGHWAYS, '党小组', '县处级', ROOT, '李局长', '2018-01-01', ''],
      [TRANSPORT, '党委', '县处级', ROOT, '赵局长', '2018年1月', ''],
    ]);
    await page.locator('input[type=file]').setInputFiles({ name: '被巡察单位.xlsx', mimeType: XLSX, buffer: bad });
    const refusal = page.getByTestId('import-refusal');
    await refusal.waitFor();
    // Every bad row the server named, at its row and column; nothing imported.
    const rows = await refusal.locator('tbody tr').allInnerTexts();
    expect(rows.map((r) => r.split('\t').slice(0, 2).join(' '))).toEqual(['第 4 行 类型', '第 5 行 起始日期']);
    expect(await refusal.innerText()).toContain('共 2 处问题');
    expect((await web.system.call(office, 'GET', '/api/v1/organizations')).body.organizations).toEqual([]);
    await screenshot(page, '20-register-import-refused');
    await expectAccessible(page);

    const good = await registerSheet([
      [ROOT, '党委', '厅局级', '', '王厅长', '2018-01-01', ''],
      [ENFORCEMENT, '党委', '县处级', ROOT, '马局长', '2019-03-01', ''],
      [HIGHWAYS, '党委', '县处级', ROOT, '李局长', '2018-01-01', ''],
      [TRANSPORT, '党委', '县处级', ROOT, '赵局长', '2018-01-01', ''],
      [MARITIME, '党组', '县处级', ROOT, '孙局长', '2018-01-01', ''],
    ]);
    await page.locator('input[type=file]').setInputFiles({ name: '被巡察单位.xlsx', mimeType: XLSX, buffer: good });
    const register = page.getByTestId('register');
    await register.getByRole('cell', { name: MARITIME, exact: true }).waitFor();
    expect(await refusal.count()).toBe(0);
    const registered = (await web.system.call(office, 'GET', '/api/v1/organizations')).body.organizations;
    expect(registered.map((o: { name: string }) => o.name).sort()).toEqual([ENFORCEMENT, HIGHWAYS, MARITIME, ROOT, TRANSPORT].sort());
    // The tree: the department first, its bureaus under it.
    expect((await register.locator('tbody tr.ant-table-row td:first-child').allInnerTexts())[0]).toBe(ROOT);

    // A change is a new version, shown in the organisation's history.
    await page.getByRole('button', { name: `修改${MARITIME}` }).click();
    const drawer = page.getByRole('dialog', { name: `修改：${MARITIME}` });
    await drawer.getByLabel('主要负责人').fill('周局长');
    await drawer.getByRole('button', { name: '保存' }).click();
    await register.getByRole('cell', { name: '周局长' }).waitFor();
    await page.getByRole('button', { name: `${MARITIME}的履历` }).click();
    const versions = page.getByTestId('organization-version');
    await versions.nth(1).waitFor();
    expect(await versions.allInnerTexts()).toEqual([expect.stringMatching(/^第 1 版 · 导入/), expect.stringMatching(/^第 2 版 · 修改[\s\S]*周局长/)]);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: `履历：${MARITIME}` }).waitFor({ state: 'hidden' });
    await screenshot(page, '21-register');
    await expectAccessible(page);
    await context.close();
  });

  it('lets the office plan the term and the leading group approve it at its meeting', async () => {
    const { context, page } = await newPage();
    await signInAs(page, office);
    await page.getByRole('menuitem', { name: '巡察规划' }).click();
    await page.getByRole('button', { name: '制定规划' }).click();
    const drawer = page.getByRole('dialog', { name: '制定巡察规划' });
    await drawer.getByLabel('规划名称').fill('任期巡察规划（2021—2025年）');
    await fillDate(page, '任期开始', '2021-01-01');
    await fillDate(page, '任期结束', '2025-12-31');
    await drawer.getByLabel('覆盖范围：上级党组织（含其下全部单位）').click();
    await pickOption(page, ROOT);
    for (const [i, [name, year]] of ([[ENFORCEMENT, '2021'], [HIGHWAYS, '2022']] as const).entries()) {
      await drawer.getByRole('button', { name: '增加年度安排' }).click();
      await drawer.getByLabel(`第 ${i + 1} 项：单位`).click();
      await pickOption(page, name);
      await drawer.getByLabel(`第 ${i + 1} 项：年度`).fill(year);
    }
    await screenshot(page, '22-term-form');
    await expectAccessible(page);
    await drawer.getByRole('button', { name: '提交领导小组审批' }).click();
    await page.waitForURL(/\/terms\/[0-9a-f-]{36}$/);
    termId = page.url().split('/').pop()!;
    await page.getByText('规划已提交，等待巡察工作领导小组审批。').waitFor();
    const proposed = (await web.system.call(office, 'GET', `/api/v1/terms/${termId}`)).body;
    expect(proposed.status).toBe('proposed');
    expect(proposed.scope).toEqual({ rootId: await organizationId(ROOT), levels: ['county'] });
    expect(proposed.assignments.map((a: { organizationId: string; year: number }) => [a.organizationId, a.year])).toEqual([
      [await organizationId(ENFORCEMENT), 2021],
      [await organizationId(HIGHWAYS), 2022],
    ]);
    await screenshot(page, '23-term-proposed');
    await context.close();

    const approver = await newPage();
    await signInAs(approver.page, leadingGroup);
    await approver.page.getByRole('menuitem', { name: '巡察规划' }).click();
    await approver.page.getByRole('link', { name: '任期巡察规划（2021—2025年）' }).click();
    const decision = approver.page.getByTestId('term-decision');
    await decision.getByLabel('会议纪要编号').fill('巡领〔2021〕1号');
    await expectAccessible(approver.page);
    await decision.getByRole('button', { name: '批准规划' }).dblclick();
    await approver.page.getByTestId('term-step').filter({ hasText: '批准' }).waitFor();
    await screenshot(approver.page, '24-term-approved');
    const approved = (await web.system.call(office, 'GET', `/api/v1/terms/${termId}`)).body;
    expect(approved.status).toBe('approved');
    expect(approved.steps.map((s: { kind: string; meeting: { minutesRef: string } | null }) => [s.kind, s.meeting?.minutesRef ?? null])).toEqual([
      ['proposed', null],
      ['approved', '巡领〔2021〕1号'],
    ]);
    await approver.context.close();
  });

  it('shows the office which organisations the term’s rounds covered, which are planned, and the gaps', async () => {
    const round = await launchRound(web.system.call, cast, {
      name: '2021年第三轮巡察',
      year: 2021,
      plannedStart: '2021-10-08',
      plannedEnd: '2021-12-31',
      focus: SAMPLE_FOCUS,
      inspections: [
        {
          target: { name: ENFORCEMENT, principalLeader: '马局长', organizationId: await organizationId(ENFORCEMENT), liaison: { sub: cast.liaison!.sub, name: cast.liaison!.name } },
          group: { name: '第一巡察组', leader: { sub: leader.sub, name: leader.name }, members: [{ sub: member.sub, name: member.name }] },
        },
      ],
    });
    inspectionId = round.inspections[0].id;

    const { context, page } = await newPage();
    await signInAs(page, office);
    await page.getByRole('menuitem', { name: '全覆盖' }).click();
    const table = page.getByTestId('coverage');
    await table.getByText('2021年第三轮巡察').waitFor();
    const coverage = (await web.system.call(office, 'GET', `/api/v1/terms/${termId}/coverage`)).body;
    expect(coverage.counts).toMatchObject({ inScope: 4, covered: 1, planned: 1, notCovered: 2 });
    const shown = Object.fromEntries(
      await Promise.all(
        coverage.organizations.map(async (o: { name: string }) => {
          const row = table.locator('tbody tr').filter({ hasText: o.name });
          return [o.name, { text: await row.innerText(), gap: await row.getAttribute('data-gap') }];
        }),
      ),
    );
    expect(shown[ENFORCEMENT]).toMatchObject({ text: expect.stringContaining('已覆盖'), gap: null });
    expect(shown[HIGHWAYS]).toMatchObject({ text: expect.stringContaining('已列入规划'), gap: null });
    expect(shown[TRANSPORT]).toMatchObject({ text: expect.stringContaining('未覆盖'), gap: 'true' });
    expect(shown[MARITIME]).toMatchObject({ text: expect.stringContaining('未覆盖'), gap: 'true' });
    expect((await page.getByTestId('not-covered').locator('.ant-tag').allInnerTexts()).sort()).toEqual(
      [`${HIGHWAYS}（已列入规划）`, `${TRANSPORT}（未列入规划）`, `${MARITIME}（未列入规划）`].sort(),
    );
    await screenshot(page, '25-coverage');
    await expectAccessible(page);

    await page.getByRole('menuitem', { name: '统计' }).click();
    await page.getByTestId('statistics-totals').getByText('发现问题').waitFor();
    const ledgers = page.getByTestId('ledgers');
    expect(await ledgers.getByRole('button').allInnerTexts()).toEqual(['问题清单（Excel）', '整改台账（Excel）', '线索移交台账（Excel）']);
    const [ledger] = await Promise.all([page.waitForEvent('download'), ledgers.getByRole('button', { name: '问题清单（Excel）' }).click()]);
    expect(ledger.suggestedFilename()).toBe('问题清单.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile((await ledger.path())!);
    expect(workbook.worksheets.length).toBeGreaterThan(0);
    await screenshot(page, '26-statistics');
    await expectAccessible(page);
    await context.close();

    // The party committee reads counts, never the lead ledger.
    const committee = await newPage();
    await signInAs(committee.page, cast.partyCommittee);
    await committee.page.getByRole('menuitem', { name: '统计' }).click();
    await committee.page.getByTestId('statistics-totals').getByText('发现问题').waitFor();
    expect(await committee.page.getByTestId('ledgers').getByRole('button').allInnerTexts()).toEqual(['问题清单（Excel）', '整改台账（Excel）']);
    await committee.context.close();
  });

  it('lets a group member attach the signed transcript to a talk, refuses a program in words, and shows the file to the approver', async () => {
    const base = `/api/v1/inspections/${inspectionId}`;
    await recordStageWork(web.system.call, inspectionId, 'preparation', cast);
    expect((await web.system.call(leader, 'POST', `${base}/submissions`, { stage: 'preparation', requestId: 'files-prep-submit' })).status).toBe(200);
    expect((await web.system.call(leadingGroup, 'POST', `${base}/decisions`, approvalBody('preparation', 'leading_group', 'files-prep-approve'))).status).toBe(200);
    await recordStageWork(web.system.call, inspectionId, 'stationing', cast);

    const { context, page } = await newPage();
    await signInAs(page, member);
    await page.goto(`/inspections/${inspectionId}`);
    await page.getByTestId('kind-talk').getByText('某执法大队队员').click();
    const drawer = page.getByRole('dialog', { name: '个别谈话' });
    const files = drawer.getByTestId('record-attachments');
    await files.getByText('点击或拖入文件上传').waitFor();
    await files.locator('input[type=file]').setInputFiles({ name: '谈话笔录（签字版）.pdf', mimeType: 'application/pdf', buffer: TRANSCRIPT });
    const row = files.locator('tbody tr').filter({ hasText: '谈话笔录（签字版）.pdf' });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/谈话笔录（签字版）\.pdf\s+\d+ B\s+PDF\s+赵组员/);

    await files.locator('input[type=file]').setInputFiles({ name: '扫描件.pdf', mimeType: 'application/pdf', buffer: DISGUISED_PROGRAM });
    const refusal = files.getByTestId('upload-refusal');
    await refusal.waitFor();
    expect(await refusal.innerText()).toMatch(/“扫描件\.pdf”未能上传：不接受此类文件/);
    await screenshot(page, '27-record-attachments');
    await expectAccessible(page);
    const talks = (await web.system.call(leader, 'GET', `${base}/records?kind=talk`)).body.records;
    const listed = (await web.system.call(leader, 'GET', `${base}/records/${talks[0].id}/attachments`)).body.attachments;
    expect(listed.map((a: { name: string; mediaType: string }) => [a.name, a.mediaType])).toEqual([['谈话笔录（签字版）.pdf', 'application/pdf']]);
    await context.close();

    expect((await web.system.call(leader, 'POST', `${base}/submissions`, { stage: 'stationing', requestId: 'files-stationing-submit' })).status).toBe(200);

    // Submitted, the stage is frozen: its files can be read, no longer changed.
    const frozen = await newPage();
    await signInAs(frozen.page, member);
    await frozen.page.goto(`/inspections/${inspectionId}`);
    await frozen.page.getByTestId('kind-talk').getByText('某执法大队队员').click();
    const frozenFiles = frozen.page.getByRole('dialog', { name: '个别谈话' }).getByTestId('record-attachments');
    await frozenFiles.getByText('文件只读').waitFor();
    expect(await frozenFiles.locator('input[type=file]').count()).toBe(0);
    await frozen.context.close();

    const approver = await newPage();
    await signInAs(approver.page, office);
    await approver.page.goto(`/inspections/${inspectionId}/approval`);
    const submitted = approver.page.getByTestId('submitted-files');
    const fileRow = submitted.locator('tbody tr').filter({ hasText: '谈话笔录（签字版）.pdf' });
    await fileRow.waitFor();
    expect(await fileRow.innerText()).toContain('个别谈话：某执法大队队员');
    const [download] = await Promise.all([approver.page.waitForEvent('download'), fileRow.getByRole('button', { name: /下载/ }).click()]);
    expect(download.suggestedFilename()).toBe('谈话笔录（签字版）.pdf');
    expect(Buffer.compare(await readFile((await download.path())!), TRANSCRIPT)).toBe(0);
    await screenshot(approver.page, '28-approval-files');
    await expectAccessible(approver.page);
    await approver.page.getByRole('button', { name: '批准' }).click();
    await approver.page.getByText('本阶段没有待审批的提交').waitFor();
    await approver.context.close();

    // Drafting: the paper's evidence picker says which talks and reviews carry files.
    const author = await newPage();
    await signInAs(author.page, member);
    await author.page.goto(`/inspections/${inspectionId}`);
    await author.page.getByRole('button', { name: '新增问题底稿' }).click();
    const paper = author.page.getByRole('dialog', { name: '新增问题底稿' });
    await paper.getByLabel('证据', { exact: true }).click();
    const options = author.page.locator('.ant-select-dropdown:visible .ant-select-item-option-content');
    await options.filter({ hasText: '（附 1 个文件）' }).waitFor();
    expect(await options.allInnerTexts()).toEqual(
      expect.arrayContaining(['个别谈话：某执法大队队员（附 1 个文件）', expect.stringMatching(/^调阅资料：.*（无文件）$/)]),
    );
    await screenshot(author.page, '29-evidence-picker');
    await author.context.close();
  });
});
