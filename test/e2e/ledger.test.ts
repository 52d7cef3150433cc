// The reform ledger in the browser: the commission uploads a plan, corrects one task in the preview
// (its title, and a deadline already past) and adds a target the reader missed with its catalogue
// indicator, saves it, opens the ledger; the medical-insurance bureau's user reports progress on its
// task and sees it overdue, and adds a cooperation note on a task it supports; the ledger is exported
// to Excel.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { chooseOption, HAVE_BROWSER, shot, signInUi, useServerAndBrowser } from './helpers.ts';
import { DEMO_PASSWORD } from '../../src/modules/demo/demo.ts';

// A plan of the demo district, as a Markdown upload; 区医保局 is printed short for 区医疗保障局.
const PLAN = `# 威海市文登区卫生健康局文件

文卫发〔2026〕3号

# 文登区2026年医共体医保协同工作要点

## 一、重点任务

1．推进医保总额付费。将医共体医保基金总额预算打包至牵头医院，DRG基层病组不少于25个。（牵头单位：区医保局；责任单位：区卫生健康局）

2．加强基层慢病用药保障。基层医疗卫生机构高血压患者规范管理率达到70%以上。（责任单位：区卫生健康局；配合单位：区医保局）

3．完善村卫生室医保结算。村卫生室医保联网结算实现全覆盖。（责任单位：区医保局、区财政局）

威海市文登区卫生健康局
2026年1月20日
`;

describe('reform ledger in the browser', { skip: HAVE_BROWSER ? false : 'Chromium not installed (apt-get install chromium); .ci/run installs it' }, () => {
  const ctx = useServerAndBrowser();

  test('upload → correct a task → save → ledger → department reports → overdue → Excel', async () => {
    const yesterday = new Date(Date.now() - 86400000).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    const officer = await ctx.browser.newContext({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
    const page = await officer.newPage();
    await signInUi(page, ctx.server.url, 'officer', DEMO_PASSWORD);
    await page.waitForSelector('[data-testid="home-welcome"]');
    await page.goto(`${ctx.server.url}/ledger/import`);
    await page.locator('input[type=file]').setInputFiles({ name: '医保协同要点.md', mimeType: 'text/markdown', buffer: Buffer.from(PLAN) });
    await page.waitForSelector('[data-testid="import-tasks"] .ant-table-row');
    assert.equal(await page.locator('[data-testid="import-tasks"] .ant-table-row').count(), 3);
    assert.equal(await page.inputValue('[data-testid="import-plan-title"]'), '文登区2026年医共体医保协同工作要点');
    await shot(page, 'ledger-import-preview');
    // The correction: a clearer title, and the deadline the bureau agreed (already past).
    await page.fill('[data-testid="import-title-0"]', '推进医共体医保总额付费');
    await page.fill('[data-testid="import-deadline-0"]', yesterday);
    // A target the reader missed: under task 1, 县域就诊率 ≥ 90%, the catalogue's county_visit_rate.
    await page.click('[data-testid="import-add-target"]');
    const k = (await page.locator('[data-testid="import-targets"] .ant-table-row').count()) - 1;
    await page.click(`[data-testid="import-target-task-${k}"]`);
    await page.keyboard.type('推进医共体医保总额付费');
    await page.keyboard.press('Enter');
    await page.fill(`[data-testid="import-target-metric-${k}"]`, '县域就诊率');
    await page.fill(`[data-testid="import-target-value-${k}"]`, '90');
    await page.click(`[data-testid="import-target-indicator-${k}"]`);
    await page.keyboard.type('county_visit_rate');
    await page.keyboard.press('Enter');
    assert.match(await page.locator('[data-testid="import-targets"] .ant-table-row').nth(k).textContent() ?? '', /县域就诊率 \(county_visit_rate\)/);
    await shot(page, 'ledger-import-corrected');
    await page.click('[data-testid="import-save"]');
    await page.waitForURL(/\/ledger\?planId=/);
    await page.waitForSelector('[data-testid="ledger-tasks"] .ant-table-row');
    assert.equal(await page.locator('[data-testid="ledger-tasks"] .ant-table-row').count(), 3);
    const first = page.locator('[data-testid="ledger-tasks"] .ant-table-row').first();
    assert.match(await first.textContent() ?? '', /推进医共体医保总额付费.*区医保局/);
    assert.match(await first.textContent() ?? '', /已逾期/);
    assert.match(await first.textContent() ?? '', /县域就诊率 ≥ 90%/, 'the added target, under its task');
    await shot(page, 'ledger-officer');
    const planUrl = page.url();

    // The medical-insurance bureau signs in, sees the tasks that name it (as lead, responsible or cooperating), reports on the first.
    const dept = await ctx.browser.newContext({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
    const dp = await dept.newPage();
    await signInUi(dp, ctx.server.url, 'yibao', DEMO_PASSWORD);
    await dp.waitForSelector('[data-testid="home-welcome"]');
    await dp.goto(planUrl);
    await dp.waitForSelector('[data-testid="ledger-tasks"] .ant-table-row');
    await shot(dp, 'ledger-department');
    await dp.locator('[data-testid="ledger-tasks"] .ant-table-row', { hasText: '推进医共体医保总额付费' }).click();
    await dp.waitForSelector('[data-testid="report-form"]');
    await dp.fill('[data-testid="report-body"]', '总额预算已打包至区人民医院医共体；DRG基层病组已确定22个。');
    await dp.fill('input[data-testid="report-percent"], [data-testid="report-percent"] input', '70');
    await dp.click('[data-testid="report-submit"]');
    await dp.waitForSelector('[data-testid="task-reports"] .ant-list-item');
    assert.match(await dp.textContent('[data-testid="task-reports"]') ?? '', /DRG基层病组已确定22个/);
    assert.match(await dp.textContent('[data-testid="task-card"] [data-testid="task-status"]') ?? '', /已逾期/, 'reported, still overdue after its deadline');
    assert.match(await dp.textContent('[data-testid="task-history"]') ?? '', /yibao/);
    await shot(dp, 'ledger-department-report');
    // Task 2 names the bureau as cooperating: it adds a note, marked so; the percent stays the responsible unit's.
    await dp.goto(planUrl);
    await dp.locator('[data-testid="ledger-tasks"] .ant-table-row', { hasText: '加强基层慢病用药保障' }).click();
    await dp.waitForSelector('[data-testid="note-form"]');
    assert.equal(await dp.locator('[data-testid="report-form"]').count(), 0);
    await dp.fill('[data-testid="note-body"]', '已将高血压常用药纳入医共体统一目录，配合区卫生健康局推进。');
    await dp.click('[data-testid="note-submit"]');
    await dp.waitForSelector('[data-testid="report-cooperating"]');
    assert.match(await dp.textContent('[data-testid="task-reports"]') ?? '', /配合单位.*高血压常用药/);
    assert.match(await dp.textContent('[data-testid="task-card"]') ?? '', /0%/);
    assert.match(await dp.textContent('[data-testid="task-history"]') ?? '', /配合进展/);
    await shot(dp, 'ledger-department-cooperation-note');
    // A task of another unit is not there for the bureau: the API answers 404 for it.
    const others = await page.evaluate(async () => (await (await fetch('/api/ledger/tasks')).json()).items as { id: string; units: { printed: string }[] }[]);
    const notMine = others.find((x) => !x.units.some((u) => /医保|医疗保障/.test(u.printed)));
    assert.ok(notMine);
    assert.equal(await dp.evaluate(async (id) => (await fetch(`/api/ledger/tasks/${id}`)).status, notMine.id), 404);

    // Back to the commission: the ledger shows the progress; export to Excel.
    await page.goto(planUrl);
    await page.waitForSelector('[data-testid="ledger-tasks"] .ant-table-row');
    assert.match(await page.locator('[data-testid="ledger-tasks"] .ant-table-row').first().textContent() ?? '', /DRG基层病组已确定22个/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="ledger-export"]')]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync((await download.path())!) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('台账')!;
    assert.deepEqual((ws.getRow(2).values as unknown[]).slice(1, 7), ['序号', '重点工作', '量化目标', '责任部门', '配合部门', '时限要求']);
    assert.equal((ws.getRow(3).values as unknown[])[1], '一、重点任务', 'the plan\'s section as a row');
    const row = (ws.getRow(4).values as unknown[]).slice(1);
    assert.deepEqual([row[0], row[1], row[3]], [1, '推进医共体医保总额付费', '区医保局、区卫生健康局']);
    assert.match(String(row[2]), /县域就诊率 ≥ 90 %/);
    assert.match(String(row[6]), /已逾期/);
    await page.goto(`${ctx.server.url}/ledger/supervision`);
    await page.waitForSelector('[data-testid="sup-overdue"] .ant-table-row');
    assert.match(await page.textContent('[data-testid="sup-overdue"]') ?? '', /推进医共体医保总额付费/);
    // Only 区医疗保障局 has a sign-in (yibao): the others are listed as needing an account, not counted as reminded.
    assert.match(await page.textContent('[data-testid="sup-need-account"]') ?? '', /区卫生健康局/);
    assert.doesNotMatch(await page.textContent('[data-testid="sup-need-account"]') ?? '', /区医疗保障局/);
    // Reminders to every unit over all plans; then the page narrowed to one plan, whose 通报 is that plan's.
    await page.click('[data-testid="sup-remind-all"]');
    await page.waitForSelector('text=/已向 1 个单位发送 \\d+ 条督办提醒/');
    await page.waitForSelector('text=/个单位尚无账号，未发送/');
    await shot(page, 'ledger-supervision');
    await chooseOption(page, page.locator('[data-testid="sup-plan"]'), '文登区2026年医共体医保协同工作要点');
    await page.waitForSelector('[data-testid="sup-overdue"] .ant-table-row');
    assert.match(await page.getAttribute('[data-testid="sup-bulletin"]', 'href') ?? '', /planId=[0-9a-f-]{36}/, 'the 通报 of the chosen plan');
    assert.match(await page.textContent('[data-testid="sup-overdue"]') ?? '', /推进医共体医保总额付费/);
    assert.doesNotMatch(await page.textContent('[data-testid="sup-overdue"]') ?? '', /推进医保支付方式改革/, 'a task of the other plan is not listed');
    // The bureau sees the reminder naming its overdue tasks on its ledger: this one, and the three of the demo's
    // Wendeng plan it carries whose deadlines the reader reads from their text (tasks 3 and 11, 2025年年底; 12, 2024年年底).
    await dp.goto(`${ctx.server.url}/ledger`);
    await dp.waitForSelector('[data-testid="ledger-reminder"]');
    assert.match(await dp.textContent('body') ?? '', /您单位牵头或负责的任务已逾期4项/);
    await shot(dp, 'ledger-department-reminder');
    // The same ledger in English.
    await page.goto(planUrl);
    await page.getByRole('button', { name: 'English' }).click();
    await page.waitForSelector('text=Reform task ledger');
    await page.waitForSelector('[data-testid="ledger-tasks"] .ant-table-row');
    assert.match(await page.textContent('[data-testid="ledger-tasks"]') ?? '', /Overdue/);
    await shot(page, 'ledger-officer-en');
    await officer.close();
    await dept.close();
  });
});
