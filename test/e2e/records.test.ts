// A doctor with a contract opens the timeline and the blood-pressure chart; a doctor without a basis
// gets "not found"; the resident, on a phone-sized screen, sees that doctor's access in their list.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { HAVE_BROWSER, shot, signInUi, useServerAndBrowser } from './helpers.ts';
import { DEMO_PASSWORD } from '../../src/modules/demo/demo.ts';
import { openPglite } from '../../src/platform/db.ts';

describe('health record in the browser', { skip: HAVE_BROWSER ? false : 'Chromium not installed (apt-get install chromium); .ci/run installs it' }, () => {
  let resident: { id: string; name: string };
  const ctx = useServerAndBrowser({
    beforeStart: async (dir) => {
      // Pick, before the server holds the folder, a hypertension patient contracted with the demo GP's
      // team, whom the county-hospital doctor has no basis to see.
      const db = await openPglite(join(dir, 'db'));
      const [r] = await db.query<{ id: string; name: string }>(`
        SELECT r.id, r.name FROM residents r
          JOIN contracts c ON c.resident_id = r.id AND c.status IN ('signed','renewed') AND c.ends_on >= current_date AND c.starts_on <= current_date
          JOIN care_team_members m ON m.team_id = c.team_id JOIN users u ON u.worker_id = m.worker_id AND u.username = 'gp'
         WHERE EXISTS (SELECT 1 FROM observations o WHERE o.resident_id = r.id AND o.code = '8480-6')
           AND NOT EXISTS (SELECT 1 FROM encounters e JOIN facilities f ON f.id = e.facility_id JOIN users d ON d.facility_code = f.code AND d.username = 'doctor'
                            WHERE e.resident_id = r.id AND e.started_at > now() - interval '90 days')
         ORDER BY r.id LIMIT 1`);
      await db.close();
      assert.ok(r, 'the demo has such a patient');
      resident = r;
    },
  });

  test('contract doctor sees timeline and BP chart; hospital doctor gets not found; the resident sees the access', async () => {
    const page = await ctx.browser.newPage({ viewport: { width: 1366, height: 900 } });
    await signInUi(page, ctx.server.url, 'gp', DEMO_PASSWORD);
    await page.waitForSelector('[data-testid="home-welcome"]');
    await page.goto(`${ctx.server.url}/records/${resident.id}`);
    await page.waitForSelector('[data-testid="record-name"]');
    assert.equal(await page.textContent('[data-testid="record-name"]'), resident.name);
    assert.match(await page.textContent('[data-testid="record-basis"]') ?? '', /家庭医生签约/);
    await page.waitForSelector('[data-testid="bp-chart"] canvas');
    await shot(page, 'record-bp-chart');
    await page.getByRole('tab', { name: '就诊时间轴' }).click();
    await page.waitForSelector('[data-testid="timeline"] .ant-timeline-item');
    assert.ok((await page.locator('[data-testid="timeline"] .ant-timeline-item').count()) > 0);
    await shot(page, 'record-timeline');
    // record an encounter through the form: a diagnosis found by code, a blood pressure
    const before = await page.locator('[data-testid="timeline"] .ant-timeline-item').count();
    await page.click('[data-testid="new-encounter"]');
    await page.locator('.ant-drawer .ant-select-multiple input').fill('I10');
    await page.locator('.ant-select-item-option', { hasText: '原发性高血压' }).first().click();
    await page.locator('.ant-drawer #sbp').fill('152');
    await page.locator('.ant-drawer #dbp').fill('94');
    await page.click('[data-testid="save-encounter"]');
    await page.getByRole('tab', { name: '就诊时间轴' }).click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="timeline"] .ant-timeline-item').length > n, before);
    assert.match(await page.locator('[data-testid="timeline"] .ant-timeline-item').first().textContent() ?? '', /收缩压 152/);
    // the GP issues a one-time activation code at the facility; the resident sets their own password with it
    const activated = await page.evaluate(async (id) => {
      const code = await (await fetch(`/api/residents/${id}/activation-code`, { method: 'POST' })).json();
      const ids = await (await fetch(`/api/residents/${id}/reveal`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reason: '开通居民账号' }) })).json();
      const r = await fetch('/api/auth/resident-activate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: ids.idNumber, code: code.code, password: 'Resident-pass-1' }) });
      return { status: r.status, login: ids.idNumber as string };
    }, resident.id);
    assert.equal(activated.status, 200);
    await page.close();

    const other = await ctx.browser.newPage({ viewport: { width: 1366, height: 900 } });
    await signInUi(other, ctx.server.url, 'doctor', DEMO_PASSWORD);
    await other.waitForSelector('[data-testid="home-welcome"]');
    await other.goto(`${ctx.server.url}/records/${resident.id}`);
    await other.waitForSelector('[data-testid="record-not-found"]');
    assert.match(await other.textContent('[data-testid="record-not-found"]') ?? '', /未找到该居民/);
    await shot(other, 'record-not-found');
    await other.close();

    const phone = await ctx.browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    await signInUi(phone, ctx.server.url, activated.login, 'Resident-pass-1');
    await phone.waitForSelector('[data-testid="resident-home"]');
    await phone.goto(`${ctx.server.url}/me`);
    await phone.click('[data-testid="tab-access"]');
    await phone.waitForSelector('[data-testid="access-log"] .ant-list-item');
    const text = await phone.textContent('[data-testid="access-log"]') ?? '';
    assert.match(text, /家庭医生签约/);
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `fits a 390 px screen (scroll width ${width})`);
    await shot(phone, 'resident-access-log-390');
    await phone.close();
  });
});
