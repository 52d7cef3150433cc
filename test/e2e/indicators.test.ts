// An officer opens the county dashboard, picks the hypertension control rate, sees the township league
// table and the trend with its target line, and drills down to a township. Screenshots saved.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HAVE_BROWSER, shot, signInUi, useServerAndBrowser } from './helpers.ts';
import { DEMO_PASSWORD } from '../../src/modules/demo/demo.ts';

describe('indicator dashboards in the browser', { skip: HAVE_BROWSER ? false : 'Chromium not installed (apt-get install chromium); .ci/run installs it' }, () => {
  const ctx = useServerAndBrowser();

  test('dashboard → hypertension control rate → league table and trend with target line → a township', async () => {
    const page = await ctx.browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await signInUi(page, ctx.server.url, 'officer', DEMO_PASSWORD);
    await page.waitForSelector('[data-testid="home-welcome"]');
    await page.goto(`${ctx.server.url}/indicators`);
    await page.waitForSelector('[data-testid="targets-table"] .ant-table-row');
    const rows = await page.locator('[data-testid="targets-table"] .ant-table-row').count();
    assert.ok(rows >= 6, `the dashboard lists Wendeng's targets (${rows})`);
    assert.match(await page.textContent('[data-testid="targets-table"]') ?? '', /基层门急诊人次占比/);
    assert.match(await page.textContent('[data-testid="status-rule"]') ?? '', /按期可达/);
    await page.waitForTimeout(500);
    await shot(page, 'indicators-dashboard');

    await page.click('[data-testid="open-explorer"]');
    await page.waitForSelector('[data-testid="indicator-explorer"]');
    await page.click('[data-testid="pick-indicator"]');
    await page.keyboard.type('血压控制率');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('[data-testid="definition"]')?.textContent?.includes('血压'));
    await page.waitForSelector('[data-testid="league-table"] .ant-table-row');
    const towns = await page.locator('[data-testid="league-table"] .ant-table-row').count();
    assert.ok(towns >= 10, `a league table of townships (${towns})`);
    // the trend carries the county's target as a line
    // (the trend arrives after the league table: wait for its title rather than read it at once)
    await page.waitForFunction(() => /目标 ≥60%/.test(document.querySelector('[data-testid="indicator-explorer"]')?.textContent ?? ''), undefined, { timeout: 15000 });
    const trend = await page.evaluate(async () => (await (await fetch('/api/indicators/trend?code=htn_control_rate&level=county&unit=371003')).json()) as { months: unknown[]; targets: { value: number }[] });
    assert.ok(trend.months.length >= 1);
    assert.equal(trend.targets[0].value, 60);
    await page.waitForTimeout(800);
    await shot(page, 'indicators-htn-control-county');

    const first = page.locator('[data-testid="league-table"] .ant-table-row').first();
    const name = (await first.locator('[data-testid="drill"]').textContent())!;
    await first.locator('[data-testid="drill"]').click();
    await page.waitForFunction((n) => document.querySelector('[data-testid="drill-path"]')?.textContent?.includes(n), name);
    await page.waitForSelector('[data-testid="league-table"] .ant-table-row');
    assert.match(await page.textContent('[data-testid="indicator-explorer"]') ?? '', /机构/);
    await page.waitForTimeout(800);
    await shot(page, 'indicators-htn-control-township');
    // an officer sees aggregates only: no residents column
    assert.equal(await page.locator('text=居民明细').count(), 0);
    // an entered indicator: the officer enters this year's satisfaction survey; the form's table shows who and when
    const year = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }).slice(0, 4);
    const saved = await page.evaluate(async (y) => (await fetch('/api/indicators/entries', { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'satisfaction', period: y, level: 'county', unitId: '371003', value: 91.2, note: '满意度调查报告' }) })).status, year);
    assert.equal(saved, 200);
    await page.goto(`${ctx.server.url}/indicators/entry`);
    await page.click('#code');
    await page.keyboard.type('满意度');
    await page.keyboard.press('Enter');
    await page.waitForSelector('text=满意度调查报告');
    assert.match(await page.textContent('body') ?? '', /officer/);
    await page.keyboard.press('Escape');
    await shot(page, 'indicators-entry');
    await page.close();
  });
});
