// Rates by level and period, the service packages page and the worklist's package services in the ctx.browser.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { chooseOption, HAVE_BROWSER, shot, signInUi, useServerAndBrowser } from './helpers.ts';
import { DEMO_PASSWORD } from '../../src/modules/demo/demo.ts';

describe('family-doctor rates and packages in the browser', { skip: HAVE_BROWSER ? false : 'Chromium not installed (apt-get install chromium); .ci/run installs it' }, () => {
  const ctx = useServerAndBrowser();
  const as = async (user: string): Promise<Page> => {
    const page = await ctx.browser.newPage({ viewport: { width: 1360, height: 900 } });
    await signInUi(page, ctx.server.url, user, DEMO_PASSWORD);
    await page.waitForSelector('[data-testid="home-welcome"]');
    return page;
  };
  const rowCount = (page: Page, table: string) => page.locator(`[data-testid="${table}"] .ant-table-tbody > tr.ant-table-row`).count();

  test('programme rates by team and by quarter, with the definitions beside them', async () => {
    const page = await as('officer');
    await page.goto(`${ctx.server.url}/chronic/rates`);
    await page.waitForSelector('[data-testid="programme-rates"] .ant-table-row');
    const towns = await rowCount(page, 'programme-rates');
    assert.ok(towns > 5, `${towns} townships`);
    await page.locator('[data-testid="rates-level"]').getByText('团队', { exact: true }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="programme-rates"] th')?.textContent === '团队');
    await page.waitForFunction(() => /家庭医生\d队/.test(document.querySelector('[data-testid="programme-rates"] .ant-table-tbody')?.textContent ?? ''));
    await page.locator('[data-testid="rates-period"]').getByText('季度', { exact: true }).click();
    await page.waitForFunction(() => /-(01|04|07|10)-01 至 \d{4}-(03-31|06-30|09-30|12-31)/.test(document.querySelector('[data-testid="rates-range"]')?.textContent ?? ''));
    await page.waitForSelector('[data-testid="programme-rates"] .ant-table-row');
    assert.match(await page.textContent('[data-testid="rates-definitions"]') ?? '', /规范管理率 = /);
    assert.match(await page.textContent('[data-testid="rates-definitions"]') ?? '', /团队：居民计入其当前签约团队/);
    await page.waitForTimeout(1500); // let the chart's bars finish growing
    await shot(page, 'fdcare-programme-rates-team-quarter');
    await page.close();
  });

  test('contract rates by medical community, with coverage per priority group', async () => {
    const page = await as('officer');
    await page.goto(`${ctx.server.url}/contracts/rates`);
    await page.waitForSelector('[data-testid="contract-rates"] .ant-table-row');
    await page.locator('[data-testid="rates-level"]').getByText('医共体', { exact: true }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="contract-rates"] .ant-table-tbody')?.textContent?.includes('县域医共体'));
    assert.equal(await rowCount(page, 'contract-rates'), 1);
    await page.locator('[data-testid="contract-rates"] .ant-table-row-expand-icon').first().click();
    await page.waitForSelector('text=65岁及以上老年人');
    assert.match(await page.textContent('[data-testid="rates-definitions"]') ?? '', /续约率 = /);
    await shot(page, 'fdcare-contract-rates-community');
    await page.close();
  });

  test('a manager adds a package; a bad frequency is refused naming it, then fixed', async () => {
    const page = await as('manager');
    await page.goto(`${ctx.server.url}/contracts/packages`);
    await page.waitForSelector('[data-testid="packages"] .ant-table-row');
    assert.equal(await rowCount(page, 'packages'), 4);
    await page.click('[data-testid="package-new"]');
    const form = page.locator('[data-testid="package-form"]');
    await form.locator('#code').fill('DISAB');
    await form.locator('#name').fill('残疾人康复服务包');
    await form.locator('#price').fill('50');
    await chooseOption(page, form.locator('.ant-select').nth(2), '上门服务'); // the first item's service
    await form.locator('input[placeholder="频次"]').fill('4次/月');
    await page.locator('.ant-modal-footer .ant-btn-primary').click();
    await page.waitForSelector('.ant-message-error');
    assert.match(await page.textContent('.ant-message-error') ?? '', /items\[0\]\.frequency/);
    await shot(page, 'fdcare-package-bad-frequency');
    await form.locator('input[placeholder="频次"]').fill('4次/年');
    await page.locator('.ant-modal-footer .ant-btn-primary').click();
    await page.waitForSelector('.ant-message-success');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="packages"] .ant-table-tbody > tr.ant-table-row').length === 5);
    await page.waitForSelector('.ant-modal-wrap', { state: 'hidden' });
    assert.match(await page.textContent('[data-testid="packages"]') ?? '', /上门服务 · 4次\/年|DISAB/);
    await shot(page, 'fdcare-packages');
    await page.close();
  });

  test('the village doctor\'s worklist holds contract package services too', async () => {
    const page = await as('village');
    await page.goto(`${ctx.server.url}/chronic/worklist`);
    await page.waitForSelector('[data-testid="worklist"] .ant-table-row');
    const items = await page.evaluate(async () => (await (await fetch('/api/chronic/worklist?limit=5000')).json()).items as { kind: string; serviceName: string | null }[]);
    assert.ok(items.some((x) => x.kind === 'package'), 'package services are listed');
    assert.ok(items.some((x) => x.kind === 'chronic'), 'programme follow-ups are listed');
    await shot(page, 'fdcare-worklist');
    await page.close();
  });

  test('the village doctor records a screening reading from the screening list', async () => {
    const page = await as('village');
    await page.goto(`${ctx.server.url}/chronic/screening`);
    await page.waitForSelector('[data-testid="screening"] .ant-table-row');
    await page.locator('[data-testid="screening"] .ant-table-row').first().locator('button').click();
    await page.waitForSelector('[data-testid="screening-form"]');
    await page.locator('[data-testid="screening-form"] #sbp').fill('152');
    await page.locator('[data-testid="screening-form"] #dbp').fill('94');
    await page.locator('.ant-modal-footer .ant-btn-primary').click();
    await page.waitForSelector('[data-testid="screening-result"]');
    assert.match(await page.textContent('[data-testid="screening-result"]') ?? '', /血压偏高|三次不同日血压偏高/);
    await page.waitForSelector('.ant-modal-wrap', { state: 'hidden' });
    await shot(page, 'fdcare-screening');
    await page.close();
  });
});
