// A newcomer's first minute: sign in as a demo user and see the home page, in Chinese and English.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HAVE_BROWSER, shot, signInUi, useServerAndBrowser } from './helpers.ts';
import { DEMO_PASSWORD } from '../../src/modules/demo/demo.ts';

describe('web shell in headless Chromium', { skip: HAVE_BROWSER ? false : 'Chromium not installed (apt-get install chromium); .ci/run installs it' }, () => {
  const ctx = useServerAndBrowser();

  test('a wrong password shows the bilingual error; the demo admin signs in and sees the home page and menu', async () => {
    const page = await ctx.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signInUi(page, ctx.server.url, 'admin', 'wrong-password');
    await page.waitForSelector('[data-testid="login-error"]');
    assert.match(await page.textContent('[data-testid="login-error"]') ?? '', /用户名或密码错误/);
    await shot(page, 'shell-login-error');
    await signInUi(page, ctx.server.url, 'admin', DEMO_PASSWORD);
    await page.waitForSelector('[data-testid="home-welcome"]');
    assert.match(await page.textContent('[data-testid="home-welcome"]') ?? '', /欢迎/);
    assert.match(await page.textContent('[data-testid="user-role"]') ?? '', /系统管理员/);
    assert.match(await page.textContent('[data-testid="module-menu"]') ?? '', /用户管理/);
    await shot(page, 'shell-home-zh');
    await page.click('[data-testid="lang-switch"]');
    await page.waitForFunction(() => document.body.innerText.includes('Welcome'));
    assert.match(await page.textContent('[data-testid="user-role"]') ?? '', /System administrator/);
    await shot(page, 'shell-home-en');
    await page.close();
  });
});

describe('registry pages in headless Chromium', { skip: HAVE_BROWSER ? false : 'Chromium not installed' }, () => {
  const ctx = useServerAndBrowser();

  test('a township GP searches by pinyin initials, opens a resident, reveals the ID with a reason; facilities and regions', async () => {
    const page = await ctx.browser.newPage({ viewport: { width: 1280, height: 860 } });
    await signInUi(page, ctx.server.url, 'gp', DEMO_PASSWORD);
    await page.waitForSelector('[data-testid="home-welcome"]');
    await page.goto(`${ctx.server.url}/registry/residents`);
    await page.waitForSelector('[data-testid="resident-results"] .ant-table-row');
    // pinyin initials: 'w' finds 王…, 吴…, 魏… (the initials prefix)
    await page.fill('[data-testid="resident-search"] input, input[data-testid="resident-search"]', 'w');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="resident-results"] .ant-table-row');
    await shot(page, 'registry-resident-search');
    await page.locator('[data-testid="resident-results"] .ant-table-row').first().click();
    await page.waitForSelector('[data-testid="resident-name"]');
    assert.match(await page.textContent('[data-testid="resident-id"]') ?? '', /\*{4}/);
    await page.click('[data-testid="reveal"]');
    await page.fill('#reveal-reason', '核对身份');
    await page.getByRole('button', { name: /OK|确\s*定/ }).click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="resident-id"]')?.textContent?.includes('*'));
    assert.match(await page.textContent('[data-testid="resident-id"]') ?? '', /^\d{17}[\dX]$/);
    await shot(page, 'registry-resident-revealed');
    await page.goto(`${ctx.server.url}/registry/facilities`);
    await page.waitForSelector('[data-testid="facility-list"] .ant-table-row');
    await page.locator('[data-testid="facility-list"] .ant-table-row').first().click();
    await page.waitForSelector('[data-testid="facility-name"]');
    await shot(page, 'registry-facility');
    await page.goto(`${ctx.server.url}/registry/regions`);
    await page.waitForSelector('[data-testid="region-tree"] [data-region]');
    await shot(page, 'registry-regions');
    await page.close();
  });
});
