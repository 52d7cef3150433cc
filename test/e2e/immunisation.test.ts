// A vaccination clinic's day in the browser: the township's public-health worker opens the due list,
// receives a lot, records the first child's dose from it; the lot's stock falls by one and the child's
// card shows the dose given with its lot.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HAVE_BROWSER, chooseOption, shot, signedInPage, useServerAndBrowser } from './helpers.ts';
import { DEMO_PASSWORD } from '../../src/modules/demo/demo.ts';
import type { Page } from 'playwright-core';

const api = <T,>(page: Page, path: string) => page.evaluate(async (p) => {
  const r = await fetch(p);
  return { status: r.status, json: await r.json() };
}, path) as Promise<{ status: number; json: T }>;

describe('immunisation in the browser', { skip: HAVE_BROWSER ? false : 'Chromium not installed (apt-get install chromium); .ci/run installs it' }, () => {
  const ctx = useServerAndBrowser();

  test('due list → lot received → dose recorded → stock down → the child\'s card shows it', async () => {
    const page = await signedInPage(ctx, 'ph', DEMO_PASSWORD);
    type DueRow = { residentId: string; name: string; series: string; dose: number; vaccine: string };
    const due = await api<{ items: DueRow[]; total: number }>(page, '/api/publichealth/immunisation/due');
    assert.equal(due.status, 200, JSON.stringify(due.json));
    assert.ok(due.json.items.length > 0, 'the township has children with doses due');
    const row = due.json.items[0];
    const schedule = await api<{ vaccines: { code: string; zh: string }[] }>(page, '/api/publichealth/immunisation/schedule');
    const vaccineZh = schedule.json.vaccines.find((v) => v.code === row.vaccine)!.zh;

    await page.goto(`${ctx.server.url}/publichealth/clinic`);
    await page.waitForSelector(`[data-testid="give-${row.residentId}-${row.series}"]`);
    await shot(page, 'immunisation-0-due-list');

    // A lot of the vaccine received into the clinic's stock.
    await chooseOption(page, page.locator('[data-testid="lot-vaccine"]'), vaccineZh);
    await page.fill('[data-testid="lot-manufacturer"]', '北京生物制品研究所');
    await page.fill('[data-testid="lot-lot"]', 'E2E-LOT1');
    const expires = page.locator('[data-testid="lot-expires"] input, input[data-testid="lot-expires"]').first();
    await expires.click();
    await expires.fill('2030-12-31');
    await expires.press('Enter');
    await page.fill('[data-testid="lot-quantity"] input, input[data-testid="lot-quantity"]', '10');
    await page.click('[data-testid="lot-receive"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="lot-qty-E2E-LOT1"]')?.textContent === '10');

    // The dose recorded from that lot.
    await page.click(`[data-testid="give-${row.residentId}-${row.series}"]`);
    await page.waitForSelector('[data-testid="dose-lot"]');
    await chooseOption(page, page.locator('[data-testid="dose-lot"]'), 'E2E-LOT1');
    if (row.vaccine !== 'bOPV') await chooseOption(page, page.locator('[data-testid="dose-site"]'), '左上臂');
    await shot(page, 'immunisation-1-dose-form');
    await page.click('[data-testid="dose-save"]');

    // The child's card opens with the dose given, with its lot; the lot holds one dose less.
    await page.waitForFunction(([s, d]) => document.querySelector(`[data-testid="line-${s}-${d}"]`)?.textContent === '已种', [row.series, row.dose] as const);
    assert.match(await page.textContent('[data-testid="child-card"]') ?? '', /E2E-LOT1（北京生物制品研究所）/);
    await shot(page, 'immunisation-2-card-updated');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => document.querySelector('[data-testid="lot-qty-E2E-LOT1"]')?.textContent === '9');
    await shot(page, 'immunisation-3-stock-down');

    const after = await api<{ items: DueRow[] }>(page, '/api/publichealth/immunisation/due');
    assert.ok(!after.json.items.some((x) => x.residentId === row.residentId && x.series === row.series && x.dose === row.dose), 'the dose left the due list');
  });
});
