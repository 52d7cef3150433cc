// A resident 65+ under the hypertension programme, contracted with the demo GP's team, signs in on a
// 390-px phone and sees their home: the follow-up and the annual check due, the team, the links.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { HAVE_BROWSER, shot, signInUi, useServerAndBrowser } from './helpers.ts';
import { DEMO_PASSWORD } from '../../src/modules/demo/demo.ts';
import { openPglite } from '../../src/platform/db.ts';

describe('resident home on a phone', { skip: HAVE_BROWSER ? false : 'Chromium not installed (apt-get install chromium); .ci/run installs it' }, () => {
  let resident: { id: string; name: string; team: string; next: string };
  const ctx = useServerAndBrowser({
    beforeStart: async (dir) => {
      const db = await openPglite(join(dir, 'db'));
      const [r] = await db.query<{ id: string; name: string; team: string; next: string }>(`
        SELECT r.id, r.name, t.name AS team,
               (SELECT f.next_visit_date::text FROM chronic_followups f WHERE f.resident_id = r.id AND f.programme = 'hypertension' ORDER BY f.visit_date DESC, f.created_at DESC LIMIT 1) AS next
          FROM residents r
          JOIN contracts c ON c.resident_id = r.id AND c.status IN ('signed','renewed') AND c.ends_on >= current_date AND c.starts_on <= current_date
          JOIN care_teams t ON t.id = c.team_id
          JOIN care_team_members m ON m.team_id = c.team_id JOIN users u ON u.worker_id = m.worker_id AND u.username = 'gp'
          JOIN chronic_enrolments e ON e.resident_id = r.id AND e.programme = 'hypertension' AND e.status = 'active' AND NOT e.provisional
         WHERE r.birth_date <= current_date - interval '66 years' AND r.death_date IS NULL
           AND EXISTS (SELECT 1 FROM chronic_followups f WHERE f.resident_id = r.id AND f.programme = 'hypertension')
         ORDER BY r.id LIMIT 1`);
      await db.close();
      assert.ok(r, 'the demo has such a resident');
      resident = r;
    },
  });

  test('the resident sees what is due, their team and the links, on 390 px', async () => {
    const page = await ctx.browser.newPage({ viewport: { width: 1366, height: 900 } });
    await signInUi(page, ctx.server.url, 'gp', DEMO_PASSWORD);
    await page.waitForSelector('[data-testid="home-welcome"]');
    const activated = await page.evaluate(async (id) => {
      const code = await (await fetch(`/api/residents/${id}/activation-code`, { method: 'POST' })).json();
      const ids = await (await fetch(`/api/residents/${id}/reveal`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reason: '开通居民账号' }) })).json();
      const r = await fetch('/api/auth/resident-activate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: ids.idNumber, code: code.code, password: 'Resident-pass-1' }) });
      return { status: r.status, login: ids.idNumber as string };
    }, resident.id);
    assert.equal(activated.status, 200);
    await page.close();

    const phone = await ctx.browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    await signInUi(phone, ctx.server.url, activated.login, 'Resident-pass-1');
    await phone.waitForSelector('[data-testid="resident-home"]');
    const due = await phone.textContent('[data-testid="home-due"]') ?? '';
    assert.match(due, /高血压随访/);
    assert.ok(due.includes(resident.next), `the next follow-up date ${resident.next} is shown: ${due}`);
    assert.match(due, /老年人健康体检/);
    const team = await phone.textContent('[data-testid="home-team"]') ?? '';
    assert.ok(team.includes(resident.team), `team ${resident.team} shown: ${team}`);
    assert.match(team, /已签约/);
    // the demo keeps a duty line for each team: the call button dials it
    assert.match(await phone.getAttribute('[data-testid="call-team"]', 'href') ?? '', /^tel:0631-8\d{6}$/);
    
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `fits a 390 px screen (scroll width ${width})`);
    await shot(phone, 'resident-home-390');
    await phone.click('[data-testid="link-access"]');
    await phone.waitForSelector('[data-testid="access-log"] .ant-list-item');
    // the GP's issuing of the activation code is there, on its basis (the resident's own reads are not listed)
    assert.match(await phone.textContent('[data-testid="access-log"]') ?? '', /家庭医生签约/);
    await shot(phone, 'resident-home-access-390');

    // installable: the manifest names the app and its PNG icons; the service worker holds the app shell, no /api answer
    const manifest = await phone.evaluate(async () => {
      const href = document.querySelector('link[rel="manifest"]')?.getAttribute('href');
      return href ? (await fetch(href)).json() : null;
    });
    assert.equal(manifest?.name, '县域健康');
    assert.deepEqual(manifest.icons.map((i: { sizes: string; type: string }) => `${i.sizes} ${i.type}`), ['192x192 image/png', '512x512 image/png', '512x512 image/png']);
    const cached = await phone.evaluate(async () => {
      await navigator.serviceWorker.ready;
      const urls: string[] = [];
      for (const name of await caches.keys()) for (const r of await (await caches.open(name)).keys()) urls.push(new URL(r.url).pathname);
      return urls;
    });
    assert.ok(cached.includes('/index.html'), `shell cached: ${cached.join(' ')}`);
    assert.ok(cached.some((u) => u.endsWith('.js')), 'scripts cached');
    assert.equal(cached.filter((u) => u.startsWith('/api/')).length, 0, 'no /api answer cached');
    // with the network gone the shell still opens (from the cache), not the browser's offline page
    await phone.context().setOffline(true);
    await phone.reload();
    await phone.waitForSelector('#root > *');
    assert.match(await phone.title(), /Meridian/);
    await shot(phone, 'resident-home-offline-390');
    await phone.context().setOffline(false);
    await phone.close();
  });
});
