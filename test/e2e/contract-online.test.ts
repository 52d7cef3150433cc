// Contracts online on a phone: a resident of the demo GP's villages without a contract signs in on a
// 390-px phone, asks the GP's team for a contract, and books a visit; the GP confirms it on the
// desktop; the resident's home then says so. A second resident's renewal is declined, and the empty
// reason is refused first, naming the field.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { HAVE_BROWSER, chooseOption, confirmPopover, shot, signInUi, useServerAndBrowser } from './helpers.ts';
import { DEMO_PASSWORD } from '../../src/modules/demo/demo.ts';
import { openPglite } from '../../src/platform/db.ts';

const RESIDENT_PASSWORD = 'Resident-pass-1';

/** Issues an activation code as the signed-in GP and activates the account; returns the resident's login (their ID number). */
async function activate(gp: Page, residentId: string): Promise<string> {
  const r = await gp.evaluate(async (id) => {
    const code = await (await fetch(`/api/residents/${id}/activation-code`, { method: 'POST' })).json();
    const ids = await (await fetch(`/api/residents/${id}/reveal`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reason: '开通居民账号' }) })).json();
    const a = await fetch('/api/auth/resident-activate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: ids.idNumber, code: code.code, password: 'Resident-pass-1' }) });
    return { status: a.status, login: ids.idNumber as string };
  }, residentId);
  assert.equal(r.status, 200, 'activated');
  return r.login;
}

async function phoneOf(browser: Browser, url: string, login: string): Promise<Page> {
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
  await signInUi(phone, url, login, RESIDENT_PASSWORD);
  await phone.waitForSelector('[data-testid="resident-home"]');
  return phone;
}

const fits = async (page: Page) => {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `fits a 390 px screen (scroll width ${width})`);
};

describe('family-doctor contract online, on a phone', { skip: HAVE_BROWSER ? false : 'Chromium not installed (apt-get install chromium); .ci/run installs it' }, () => {
  let signer: { id: string; name: string; team: string };
  let renewer: { id: string; name: string; ends: string };
  const ctx = useServerAndBrowser({
    beforeStart: async (dir) => {
      const db = await openPglite(join(dir, 'db'));
      // No contract; lives in a village the GP's team serves; seen at the GP's centre lately (the GP's basis to issue the code).
      [signer] = await db.query<{ id: string; name: string; team: string }>(`
        SELECT r.id, r.name, t.name AS team
          FROM users u JOIN care_team_members m ON m.worker_id = u.worker_id JOIN care_teams t ON t.id = m.team_id
          JOIN village_team() v ON v.team_id = t.id JOIN residents r ON r.village_code = v.village_code
         WHERE u.username = 'gp' AND r.death_date IS NULL AND r.merged_into IS NULL AND r.birth_date <= current_date - interval '20 years'
           AND NOT EXISTS (SELECT 1 FROM contracts c WHERE c.resident_id = r.id AND c.status IN ('signed','renewed') AND c.ends_on >= current_date)
           AND EXISTS (SELECT 1 FROM encounters e JOIN facilities f ON f.id = e.facility_id WHERE e.resident_id = r.id AND f.code = u.facility_code AND e.started_at > now() - interval '20 days')
         ORDER BY r.id LIMIT 1`);
      // A contract with the GP's team ending within 30 days: a renewal.
      [renewer] = await db.query<{ id: string; name: string; ends: string }>(`
        SELECT r.id, r.name, c.ends_on::text AS ends
          FROM users u JOIN care_team_members m ON m.worker_id = u.worker_id JOIN contracts c ON c.team_id = m.team_id AND c.status IN ('signed','renewed')
          JOIN residents r ON r.id = c.resident_id AND r.death_date IS NULL
         WHERE u.username = 'gp' AND c.ends_on BETWEEN current_date + 1 AND current_date + 29
         ORDER BY r.id LIMIT 1`);
      await db.close();
      assert.ok(signer, 'the demo has a resident to sign');
      assert.ok(renewer, 'the demo has a contract to renew');
    },
  });

  test('the resident asks on the phone and books; the team confirms; the home says so', async () => {
    const gp = await ctx.browser.newPage({ viewport: { width: 1366, height: 900 } });
    await signInUi(gp, ctx.server.url, 'gp', DEMO_PASSWORD);
    await gp.waitForSelector('[data-testid="home-welcome"]');
    const login = await activate(gp, signer.id);

    const phone = await phoneOf(ctx.browser, ctx.server.url, login);
    assert.match(await phone.textContent('[data-testid="home-team"]') ?? '', /尚未签约/);
    // the demo keeps a duty line for each team: the call button dials it
    assert.match(await phone.getAttribute('[data-testid="call-team"]', 'href') ?? '', /^tel:0631-8\d{6}$/);
    await phone.click('[data-testid="sign-online"]');
    await phone.waitForSelector('[data-testid="pick-team"]');
    // the team serving the resident's village comes first and is chosen
    const chosen = await phone.locator('[data-testid="pick-team"] .ant-radio-wrapper-checked').textContent() ?? '';
    assert.ok(chosen.includes(signer.team), `${signer.team} chosen: ${chosen}`);
    // the basic package cannot be unticked
    assert.equal(await phone.locator('[data-testid="pick-packages"] input[value="BASIC"]').isDisabled(), true);
    const personalised = phone.locator('[data-testid="pick-packages"] input:not([value="BASIC"])').first();
    const pkgCode = await personalised.getAttribute('value');
    await personalised.check();
    await phone.fill('[data-testid="request-note"]', '工作日晚上联系');
    await fits(phone);
    await shot(phone, 'contract-online-ask-390');
    await phone.click('[data-testid="send-request"]');
    await phone.waitForSelector('[data-testid="open-request"]');
    assert.match(await phone.textContent('[data-testid="open-request"]') ?? '', /等待团队确认/);
    await shot(phone, 'contract-online-waiting-390');

    // books a visit on the same phone
    await phone.goto(`${ctx.server.url}/scheduling/my`);
    await chooseOption(phone, phone.locator('[data-testid="my-schedule"]'), /./);
    await phone.locator('[data-testid="slot-times"] .ant-radio-button-wrapper').first().click();
    await phone.getByRole('button', { name: /^预\s*约$/ }).click();
    await phone.waitForSelector('[data-testid="my-bookings"] .ant-tag-blue');
    await fits(phone);
    await shot(phone, 'contract-online-booked-390');

    // the GP's team confirms on the desktop
    await gp.goto(`${ctx.server.url}/contracts/requests`);
    const row = gp.locator('[data-testid="contract-requests"] tr', { hasText: signer.name });
    await row.waitFor();
    assert.match(await row.textContent() ?? '', /工作日晚上联系/);
    assert.ok((await row.textContent() ?? '').includes(pkgCode!), 'the packages asked for are shown');
    await confirmPopover(gp, row.locator('[data-testid="confirm-request"]'));
    await gp.waitForSelector('.ant-message-success');
    assert.match(await gp.textContent('.ant-message') ?? '', /已签约：\d{4}-\d{2}-\d{2} 至 \d{4}-\d{2}-\d{2}/);
    await shot(gp, 'contract-online-confirmed');

    await phone.goto(ctx.server.url);
    await phone.waitForSelector('[data-testid="home-request"]');
    assert.match(await phone.textContent('[data-testid="home-request"]') ?? '', /团队已确认/);
    assert.match(await phone.textContent('[data-testid="home-team"]') ?? '', /已签约/);
    assert.match(await phone.textContent('[data-testid="home-due"]') ?? '', /预约/);
    await fits(phone);
    await shot(phone, 'contract-online-home-390');
    await phone.close();
    await gp.close();
  });

  test('a renewal declined: the empty reason is refused naming the field, then the resident reads the reason', async () => {
    const gp = await ctx.browser.newPage({ viewport: { width: 1366, height: 900 } });
    await signInUi(gp, ctx.server.url, 'gp', DEMO_PASSWORD);
    await gp.waitForSelector('[data-testid="home-welcome"]');
    const login = await activate(gp, renewer.id);
    const phone = await phoneOf(ctx.browser, ctx.server.url, login);
    await phone.click('[data-testid="sign-online"]');
    await phone.waitForSelector('[data-testid="send-request"]');
    assert.match(await phone.textContent('[data-testid="my-contract"]') ?? '', /续约后新的服务期自/);
    await phone.click('[data-testid="send-request"]');
    await phone.waitForSelector('[data-testid="open-request"]');

    await gp.goto(`${ctx.server.url}/contracts/requests`);
    const row = gp.locator('[data-testid="contract-requests"] tr', { hasText: renewer.name });
    await row.waitFor();
    assert.ok((await row.textContent() ?? '').includes(`原签约至 ${renewer.ends}`), 'a renewal, with the current end');
    await row.locator('[data-testid="decline-request"]').click();
    await gp.locator('.ant-modal .ant-btn-dangerous').click();
    await gp.waitForSelector('.ant-form-item-explain-error');
    assert.match(await gp.textContent('.ant-modal') ?? '', /请填写原因/);
    await gp.fill('[data-testid="decline-reason"]', '请先来卫生院完成年度体检后再续约');
    await gp.locator('.ant-modal .ant-btn-dangerous').click();
    await gp.waitForSelector('.ant-message-success');

    await phone.goto(ctx.server.url);
    await phone.waitForSelector('[data-testid="home-request"]');
    const msg = await phone.textContent('[data-testid="home-request"]') ?? '';
    assert.match(msg, /未通过/);
    assert.match(msg, /请先来卫生院完成年度体检后再续约/);
    await shot(phone, 'contract-online-declined-390');
    await phone.close();
    await gp.close();
  });
});
