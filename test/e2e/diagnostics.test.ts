// A township ECG read at the county (基层检查、上级诊断): the township GP orders a 12-lead ECG for a
// contracted patient and records the acquisition (the study's UID in the centre's PACS); the county's
// reading doctor opens it on the worklist, reports from a template with a QTc of 520 ms and publishes
// it with Ctrl+Enter; the critical value appears on the township's desk with its timer and is
// acknowledged there (read back, action); the report is in the patient's lifelong record.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HAVE_BROWSER, chooseOption, shot, signInUi, useServerAndBrowser } from './helpers.ts';
import { DEMO_PASSWORD } from '../../src/modules/demo/demo.ts';
import type { Browser, Page } from 'playwright-core';

async function signedIn(browser: Browser, url: string, username: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await signInUi(page, url, username, DEMO_PASSWORD);
  await page.waitForSelector('[data-testid="home-welcome"]');
  return page;
}
const api = <T,>(page: Page, path: string) => page.evaluate(async (p) => {
  const r = await fetch(p);
  return { status: r.status, json: await r.json() };
}, path) as Promise<{ status: number; json: T }>;

describe('diagnostic centres in the browser', { skip: HAVE_BROWSER ? false : 'Chromium not installed (apt-get install chromium); .ci/run installs it' }, () => {
  const ctx = useServerAndBrowser();

  test('township ECG → read at the county → published → critical value acknowledged at the township', async () => {
    const gp = await signedIn(ctx.browser, ctx.server.url, 'gp');
    const items = (await api<{ items: { residentId: string; name: string }[] }>(gp, '/api/chronic/worklist?limit=20')).json.items;
    assert.ok(items.length > 0, 'the GP has patients');
    const patient = items[0];

    await gp.goto(`${ctx.server.url}/diagnostics/orders?residentId=${patient.residentId}`);
    await gp.waitForSelector('[data-testid="order-centre"]');
    await chooseOption(gp, gp.locator('[data-testid="order-centre"]'), '医共体心电诊断中心');
    await chooseOption(gp, gp.locator('[data-testid="order-item"]'), '常规十二导联心电图');
    await gp.click('[data-testid="order-submit"]');
    // the question is required: refused beside the field, nothing sent
    await gp.waitForSelector('.ant-form-item-explain-error');
    assert.match(await gp.textContent('.ant-form-item-explain-error') ?? '', /请填写临床问题/);
    await gp.fill('[data-testid="order-question"]', '胸闷心悸三天，服用阿奇霉素中');
    await gp.click('[data-testid="order-submit"]');
    await gp.waitForSelector('[data-testid="order-saved"]');
    await shot(gp, 'diagnostics-0-township-ordered');
    const mine = (await api<{ items: { id: string; status: string; resident: { id: string } }[] }>(gp, `/api/diagnostics/orders?residentId=${patient.residentId}`)).json.items;
    const order = mine[0];
    assert.equal(order.status, 'ordered');

    await gp.fill(`[data-testid="uid-${order.id}"]`, '1.2.156.112605.14038010.2026120210');
    await gp.fill(`[data-testid="viewer-${order.id}"]`, 'https://pacs.example/ohif/viewer?StudyInstanceUIDs=1.2.156.112605.14038010.2026120210');
    await gp.click(`[data-testid="acquire-${order.id}"]`);
    await gp.waitForFunction((id) => document.querySelector(`[data-testid="status-${id}"]`)?.textContent?.includes('已检查'), order.id);
    await shot(gp, 'diagnostics-1-township-acquired');

    const reader = await signedIn(ctx.browser, ctx.server.url, 'reader');
    await reader.goto(`${ctx.server.url}/diagnostics/worklist`);
    await reader.waitForSelector(`[data-testid="read-${order.id}"]`);
    assert.match(await reader.textContent('.ant-table-tbody') ?? '', new RegExp(patient.name));
    assert.match(await reader.textContent('[data-testid="due-timer"]') ?? '', /剩余 (29|30) 分钟/);
    await shot(reader, 'diagnostics-2-centre-worklist');
    await reader.click(`[data-testid="read-${order.id}"]`);
    await reader.waitForSelector('[data-testid="report-template"]');
    await chooseOption(reader, reader.locator('[data-testid="report-template"]'), '正常心电图');
    await reader.waitForSelector('[data-testid="obs-QTC"]');
    await reader.click('[data-testid="obs-HR"] input, input[data-testid="obs-HR"]');
    await reader.keyboard.type('64');
    await reader.click('[data-testid="obs-QTC"] input, input[data-testid="obs-QTC"]');
    await reader.keyboard.type('520');
    await reader.fill('[data-testid="report-impression-input"]', '窦性心律；QTc 间期显著延长（520 ms）');
    await shot(reader, 'diagnostics-3-reading-screen');
    await reader.keyboard.press('Control+Enter');
    await reader.waitForURL(/\/diagnostics\/worklist$/);

    // the banner on the GP's page (checked every 10 s), then the township's desk with its 15-minute timer
    await gp.waitForSelector('[data-testid="critical-banner"]', { timeout: 20_000 });
    assert.match(await gp.textContent('[data-testid="critical-banner"]') ?? '', /有 1 条危急值待确认/);
    await gp.click('[data-testid="critical-banner"]');
    await gp.waitForSelector('[data-testid="alert-timer"]', { timeout: 15_000 });
    assert.match(await gp.textContent('[data-testid="alert-timer"]') ?? '', /剩余 1[45]:\d\d/);
    assert.match(await gp.textContent('.ant-card') ?? '', /QTc 间期 520 ms/);
    await shot(gp, 'diagnostics-4-township-critical-value');
    await gp.click('[data-testid="ack-submit"]');
    assert.match(await gp.textContent('.ant-card') ?? '', /请填写复述结果/, 'read back is required, beside the field');
    await gp.fill('[data-testid="ack-readback"]', `${patient.name} QTc 520 ms`);
    await gp.fill('[data-testid="ack-action"]', '停用阿奇霉素，复查电解质，联系县医院心内科');
    await gp.click('[data-testid="ack-submit"]');
    await gp.waitForSelector('[data-testid="alerts-empty"]');
    await gp.click('.ant-checkbox-input');
    await gp.waitForSelector('[data-testid="alert-state"]');
    assert.match(await gp.textContent('[data-testid="alert-state"]') ?? '', /确认/);
    await shot(gp, 'diagnostics-5-township-acknowledged');

    const o = (await api<{ status: string; report: { versions: { critical: { code: string }[] }[] } }>(gp, `/api/diagnostics/orders/${order.id}`)).json;
    assert.equal(o.status, 'published');
    assert.deepEqual(o.report.versions[0].critical.map((c) => c.code), ['QTC']);
    const timeline = (await api<{ items: { documents?: { title: string }[] }[] }>(gp, `/api/records/${patient.residentId}/timeline`));
    assert.equal(timeline.status, 200);
  });
});
