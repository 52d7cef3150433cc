// A village doctor prescribes a restricted antibiotic (levofloxacin, 限制使用级): the review holds it;
// the county review centre's pharmacist approves it; the village doctor dispenses it. Then a drug the
// clinic lacks is registered for the patient, filled and shipped by the county pharmacy and handed over.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HAVE_BROWSER, shot, signInUi, useServerAndBrowser } from './helpers.ts';
import { DEMO_PASSWORD } from '../../src/modules/demo/demo.ts';
import type { Browser, Page } from 'playwright-core';

async function signedIn(browser: Browser, url: string, username: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await signInUi(page, url, username, DEMO_PASSWORD);
  await page.waitForSelector('[data-testid="home-welcome"]');
  return page;
}
const api = <T,>(page: Page, path: string, body?: object) => page.evaluate(async ([p, b]) => {
  const r = await fetch(p as string, b ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) } : undefined);
  return { status: r.status, json: await r.json() };
}, [path, body] as const) as Promise<{ status: number; json: T }>;

describe('medicines in the browser', { skip: HAVE_BROWSER ? false : 'Chromium not installed (apt-get install chromium); .ci/run installs it' }, () => {
  const ctx = useServerAndBrowser();

  test('restricted antibiotic by a village doctor → held → approved by the review centre → dispensed; a missing drug delivered', async () => {
    const village = await signedIn(ctx.browser, ctx.server.url, 'village');
    const items = (await api<{ items: { residentId: string; name: string }[] }>(village, '/api/chronic/worklist?limit=20')).json.items;
    assert.ok(items.length > 0, 'the village doctor has patients');
    const patient = items[0];

    await village.goto(`${ctx.server.url}/medicines/prescribe/${patient.residentId}`);
    await village.waitForSelector('[data-testid="rx-drug-0"]');
    await village.click('[data-testid="rx-drug-0"]');
    await village.keyboard.type('左氧氟沙星');
    await village.locator('.ant-select-item-option', { hasText: '左氧氟沙星片' }).click();
    await shot(village, 'medicines-0-drug-picked');
    await village.waitForFunction(() => {
      const el = document.querySelector('[data-testid="rx-dose-0"]');
      const input = (el?.tagName === 'INPUT' ? el : el?.querySelector('input')) as HTMLInputElement | null;
      return input?.value === '500';
    });
    await village.click('[data-testid="rx-check"]');
    await village.waitForSelector('[data-testid="rx-findings"]');
    assert.match(await village.textContent('[data-testid="finding-antibacterial_privilege:0"]') ?? '', /限制使用级.*非限制使用级/);
    await village.fill('[data-testid="reason-not_stocked:0"] input, input[data-testid="reason-not_stocked:0"]', '由县药房调配');
    await shot(village, 'medicines-1-village-review-findings');
    await village.click('[data-testid="rx-submit"]');
    await village.waitForSelector('[data-testid="rx-saved"]');
    assert.match(await village.textContent('[data-testid="rx-saved"]') ?? '', /审方中心/);
    await shot(village, 'medicines-2-village-held');
    const mine = (await api<{ items: { id: string; status: string; residentId: string }[] }>(village, '/api/medicines/prescriptions')).json.items;
    const rx = mine.find((x) => x.residentId === patient.residentId);
    assert.ok(rx && rx.status === 'held', 'the prescription is held');

    const pharmacist = await signedIn(ctx.browser, ctx.server.url, 'pharmacist');
    await pharmacist.goto(`${ctx.server.url}/medicines/review`);
    await pharmacist.waitForSelector('[data-testid="review-approve"]');
    assert.match(await pharmacist.textContent('.ant-table-tbody') ?? '', new RegExp(patient.name));
    assert.match(await pharmacist.textContent('[data-testid="review-timer"]') ?? '', /剩余 (29|30) 分钟/);
    await shot(pharmacist, 'medicines-3-review-centre');
    await pharmacist.fill(`[data-testid="review-note-${rx.id}"]`, '社区获得性肺炎，同意使用');
    await pharmacist.click('[data-testid="review-approve"]');
    await pharmacist.waitForFunction(() => document.body.textContent?.includes('暂无待审处方'));
    await shot(pharmacist, 'medicines-4-review-centre-approved');

    await village.goto(`${ctx.server.url}/medicines/prescriptions`);
    await village.waitForSelector(`[data-testid="dispense-${rx.id}"]`);
    await village.click(`[data-testid="dispense-${rx.id}"]`);
    await village.waitForFunction((id) => document.querySelector(`[data-testid="rx-status-${id}"]`)?.textContent === '已发药', rx.id);
    await shot(village, 'medicines-5-dispensed');

    // a missing drug: registered by the clinic, filled and shipped by the county pharmacy, handed over
    const hospital = (await api<{ items: { code: string; tier: string }[] }>(pharmacist, '/api/facilities?tier=county&pageSize=50')).json.items.find((f) => f.tier === 'county');
    assert.ok(hospital, 'the county has a hospital');
    const lot = await api<{ lotId: string }>(pharmacist, '/api/medicines/stock/receive', { facilityCode: hospital.code, medicineCode: 'YP017', lot: 'E2E-W1', expiresOn: '2030-12-31', quantity: 100 });
    assert.equal(lot.status, 200, JSON.stringify(lot.json));
    const reg = await api<{ id: string }>(village, '/api/medicines/shortages', { residentId: patient.residentId, medicineCode: 'YP017', quantity: 30, note: '华法林，村卫生室未配备' });
    assert.equal(reg.status, 200, JSON.stringify(reg.json));
    await pharmacist.goto(`${ctx.server.url}/medicines/pharmacy`);
    await pharmacist.fill('[data-testid="ph-facility"] input, input[data-testid="ph-facility"]', hospital.code);
    await pharmacist.keyboard.press('Enter');
    await pharmacist.waitForSelector(`[data-testid="shortage-fill-${reg.json.id}"]`);
    await pharmacist.waitForFunction(() => document.body.textContent?.includes('E2E-W1'));
    await pharmacist.click(`[data-testid="shortage-lot-${reg.json.id}"]`);
    await pharmacist.locator('.ant-select-item-option', { hasText: 'E2E-W1' }).click();
    await pharmacist.click(`[data-testid="shortage-fill-${reg.json.id}"]`);
    await pharmacist.waitForSelector(`[data-testid="shortage-ship-${reg.json.id}"]`);
    await pharmacist.click(`[data-testid="shortage-ship-${reg.json.id}"]`);
    await pharmacist.waitForFunction((id) => document.querySelector(`[data-testid="shortage-status-${id}"]`)?.textContent === '配送中', reg.json.id);
    await shot(pharmacist, 'medicines-6-pharmacy-shipped');
    await village.goto(`${ctx.server.url}/medicines/pharmacy`);
    await village.waitForSelector(`[data-testid="shortage-deliver-${reg.json.id}"]`);
    await village.click(`[data-testid="shortage-deliver-${reg.json.id}"]`);
    await village.waitForFunction((id) => document.querySelector(`[data-testid="shortage-status-${id}"]`)?.textContent === '已送达患者', reg.json.id);
    await shot(village, 'medicines-7-missing-drug-delivered');
    await village.context().close();
    await pharmacist.context().close();
  });
});
