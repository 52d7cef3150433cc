// Every page of the menu, opened by the demo users who have it, in Chinese and in English, on the demo county: what a
// user reads must be words. Each page is checked, once loaded, for what leaks from the code into the text — a
// region's 12-digit code, a snake_case value, a message-catalogue key, "undefined", "NaN", "Invalid Date",
// "[object Object]" — and for the requests it made: none may fail with a server error, and none may be refused to
// the very user whose menu offered the page. Each page is visited once in Chinese (by the first demo user whose menu has
// it) and the GP's and officer's pages once in English.
import { describe, test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { HAVE_BROWSER, SHOTS, shot, signedInPage, useServerAndBrowser } from './helpers.ts';
import { DEMO_PASSWORD, DEMO_USERS } from '../../src/modules/demo/demo.ts';

/**
 * Whose pages are walked in English as well (every page is walked in Chinese): the township GP's and the officer's,
 * a clinician's day and a commission's, so that the walk stays near two minutes on a loaded 2-core machine.
 */
const EN_WALKERS = ['gp', 'officer'];

/** What must never show on a page, with the reason a failure names. */
const LEAKS: [RegExp, string][] = [
  [/(?<![\d*])\d{12}(?![\d*])/g, 'a 12-digit region code'],
  [/\b[a-z]+(?:_[a-z0-9]+)+\b/g, 'a snake_case code value'],
  [/\b(?:app|records|registry|chronic|contracts|ledger|referrals|scheduling|indicators|surveillance|medicines|publichealth|diagnostics|account|admin)\.[a-zA-Z]+(?:\.[a-zA-Z0-9]+)*\b/g, 'a message key'],
  [/\bundefined\b|\bNaN\b|Invalid Date|\[object Object\]/g, 'a value the code did not have'],
];

/** The menu's page paths (the menu's keys) as the signed-in user sees them. */
async function menuPaths(page: Page): Promise<string[]> {
  const ids = await page.locator('[data-testid="module-menu"] li[data-menu-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-menu-id') ?? ''));
  return [...new Set(ids.map((id) => /-(\/[^]*)$/.exec(id)?.[1]).filter((p): p is string => !!p))];
}

/** Opens `path`, waits for its data, and returns what a reader would object to. */
async function problemsOf(page: Page, base: string, path: string): Promise<string[]> {
  const failed: string[] = [];
  const onResponse = (r: { url(): string; status(): number; request(): { method(): string } }) => {
    if (r.url().includes('/api/') && r.request().method() === 'GET' && (r.status() >= 500 || r.status() === 403)) failed.push(`GET ${new URL(r.url()).pathname} → ${r.status()}`);
  };
  page.on('response', onResponse);
  try {
    await page.goto(base + path);
    // cards and tables still loading count as not yet there; then the text must have stood still for a moment
    await page.waitForFunction(() => !document.querySelector('.ant-card-loading-content, .ant-spin-spinning, .ant-skeleton'), undefined, { timeout: 20_000 }).catch(() => failed.push('still loading after 20 s'));
    // What the user reads (innerText: rendered text, laid out, hidden parts left out), less what is shown as code on
    // purpose (<code>: e.g. an import file's column names, which the user must type as they are).
    const read = () => page.evaluate(() => {
      const root = (document.querySelector('main, .ant-layout-content') ?? document.body) as HTMLElement;
      let text = root.innerText;
      for (const c of root.querySelectorAll('code, kbd')) text = text.split((c as HTMLElement).innerText).join(' ');
      return text;
    });
    await page.waitForTimeout(300);
    const text = await read();
    const out = [...failed];
    for (const [re, what] of LEAKS) for (const m of new Set(text.match(re) ?? [])) out.push(`${what}: "${m}"`);
    return out;
  } finally {
    page.off('response', onResponse);
  }
}

describe('every menu page, in both languages, shows words', { skip: HAVE_BROWSER ? false : 'Chromium not installed' }, () => {
  const ctx = useServerAndBrowser();

  test('no code, key or missing value on any page; no page load refused to a user whose menu offers it', async () => {
    const seen = { zh: new Set<string>(), en: new Set<string>() };
    const found: string[] = [];
    let visited = 0;
    const times: [string, number][] = [];
    for (const u of DEMO_USERS) {
      const page = await signedInPage(ctx, u.username, DEMO_PASSWORD);
      const paths = await menuPaths(page);
      assert.ok(paths.includes('/'), `${u.username}'s menu has the home page: ${paths.join(' ')}`);
      for (const lang of ['zh', 'en'] as const) {
        if (lang === 'en') {
          await page.click('[data-testid="lang-switch"]');
          await page.waitForFunction(() => document.documentElement.lang === 'en');
        }
        for (const p of paths) {
          if (seen[lang].has(p) || (lang === 'en' && !EN_WALKERS.includes(u.username))) continue;
          seen[lang].add(p);
          visited++;
          const t0 = Date.now();
          for (const x of await problemsOf(page, ctx.server.url, p)) found.push(`${u.username} ${lang} ${p}: ${x}`);
          times.push([`${lang} ${p}`, Date.now() - t0]);
        }
      }
      await shot(page, `pages-walk-${u.username}`);
      await page.context().close();
    }
    console.log(JSON.stringify({ pageLoads: visited, slowest: times.sort((a, b) => b[1] - a[1]).slice(0, 8) }));
    assert.ok(visited >= 50, `${visited} page loads`);
    assert.deepEqual(found, []);
  });

  test('the 双向转诊单 prints on one A4 page: the 转出单 of an up-referral, the 回转单 of a down-referral with its plan', async () => {
    const page = await signedInPage(ctx, 'coordinator', DEMO_PASSWORD);
    const list = async (box: string, status: string) => page.evaluate(async ([b, s]) => (await (await fetch(`/api/referrals/inbox?box=${b}&status=${s}`)).json()).items as { id: string; residentName: string; direction: string }[], [box, status]);
    const up = (await list('incoming', 'completed')).find((r) => r.direction === 'up');
    const down = (await list('outgoing', 'completed')).find((r) => r.direction === 'down');
    assert.ok(up && down, 'the demo county has a completed up-referral and a completed down-referral at the county hospital');
    for (const [r, title] of [[up, '双向转诊（转出）单'], [down, '双向转诊（回转）单']] as const) {
      await page.goto(`${ctx.server.url}/referrals/${r.id}`);
      await page.click('[data-testid="open-print"]');
      await page.waitForSelector('[data-testid="referral-form"]');
      assert.equal(await page.textContent('[data-testid="print-title"]'), title);
      assert.match(await page.textContent('[data-testid="print-patient"]') ?? '', new RegExp(`^${r.residentName}`));
      await shot(page, `referral-print-${r.direction}`);
      // printed as the browser prints it (print media: the app's menu and header hidden)
      mkdirSync(SHOTS, { recursive: true });
      const pdf = join(SHOTS, `referral-print-${r.direction}.pdf`);
      writeFileSync(pdf, await page.pdf({ format: 'A4', preferCSSPageSize: true }));
      const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))?.[1]);
      assert.equal(pages, 1, `${title} fills ${pages} A4 pages`);
      const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
      for (const want of [title, `${title}（存根）`, r.residentName, '转诊医生（签字）', '（机构盖章）']) assert.ok(text.includes(want), `the printed form shows ${want}`);
      assert.ok(!text.includes('转诊工作台') && !text.includes('English'), 'the app\'s menu and header are not printed');
      if (r.direction === 'down') {
        const plan = await page.evaluate(async (id) => (await (await fetch(`/api/referrals/${id}`)).json()).followUpPlan as string | null, r.id);
        assert.ok(plan && text.replace(/\s+/g, '').includes(plan.replace(/\s+/g, '')), `the 回转单 carries the plan "${plan}"`);
      }
    }
    await page.context().close();
  });
});
