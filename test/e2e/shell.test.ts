// A newcomer's first minute: sign in as a demo user and see the home page, in Chinese and English.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { HAVE_BROWSER, launchBrowser, shot, signInUi, startMeridian, type RunningServer } from './helpers.ts';
import { DEMO_PASSWORD } from '../../src/modules/demo/demo.ts';

describe('web shell in headless Chromium', { skip: HAVE_BROWSER ? false : 'Chromium not installed (apt-get install chromium); .ci/run installs it' }, () => {
  let server: RunningServer;
  let browser: Browser;
  before(async () => {
    server = await startMeridian(3811);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('a wrong password shows the bilingual error; the demo admin signs in and sees the home page and menu', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signInUi(page, server.url, 'admin', 'wrong-password');
    await page.waitForSelector('[data-testid="login-error"]');
    assert.match(await page.textContent('[data-testid="login-error"]') ?? '', /用户名或密码错误/);
    await shot(page, 'shell-login-error');
    await signInUi(page, server.url, 'admin', DEMO_PASSWORD);
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
