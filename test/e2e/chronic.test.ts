// A village doctor opens the worklist, records a follow-up with an uncontrolled blood pressure for a
// patient whose previous visit was also uncontrolled, and is offered the up-referral — keyboard only.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HAVE_BROWSER, shot, signInUi, useServerAndBrowser } from './helpers.ts';
import { DEMO_PASSWORD } from '../../src/modules/demo/demo.ts';

describe('chronic follow-up in the browser', { skip: HAVE_BROWSER ? false : 'Chromium not installed (apt-get install chromium); .ci/run installs it' }, () => {
  const ctx = useServerAndBrowser();

  test('worklist → follow-up with an uncontrolled BP after an uncontrolled visit → up-referral offered', async () => {
    const page = await ctx.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInUi(page, ctx.server.url, 'village', DEMO_PASSWORD);
    await page.waitForSelector('[data-testid="home-welcome"]');
    await page.goto(`${ctx.server.url}/chronic/worklist`);
    await page.waitForSelector('[data-testid="worklist"] .ant-table-row');
    const items = await page.evaluate(async () => (await (await fetch('/api/chronic/worklist?limit=20')).json()).items as { residentId: string; name: string; programme: string; lastClass: string | null }[]);
    const target = items.find((x) => x.programme === 'hypertension' && x.lastClass === 'uncontrolled');
    assert.ok(target, 'the first page of the worklist has an uncontrolled hypertension patient');
    await shot(page, 'chronic-worklist');
    await page.locator('[data-testid="worklist"] .ant-table-row', { hasText: target.name }).first().click();
    await page.waitForSelector('[data-testid="last-class"]');
    assert.match(await page.textContent('[data-testid="last-class"]') ?? '', /控制不满意/);
    // keyboard only: the systolic field has the focus; type, tab, type, Enter
    const t0 = Date.now();
    await page.keyboard.type('158');
    await page.keyboard.press('Tab');
    await page.keyboard.type('96');
    await page.waitForFunction(() => document.querySelector('[data-testid="live-class"]')?.textContent?.includes('控制不满意'));
    await shot(page, 'chronic-followup-live');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="referral-offer"]');
    const elapsed = Date.now() - t0;
    assert.match(await page.textContent('[data-testid="referral-offer"]') ?? '', /连续两次出现血压控制不满意/);
    assert.ok(elapsed < 20_000, `recorded in ${elapsed} ms`);
    await shot(page, 'chronic-followup-referral');
    await page.close();
  });
});
