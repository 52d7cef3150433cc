// Every page of the menu, opened by the demo users who have it, in Chinese and in English, on the demo county: what a
// user reads must be words. Each page is checked, once loaded, for what leaks from the code into the text — a
// region's 12-digit code, a snake_case value, a message-catalogue key, "undefined", "NaN", "Invalid Date",
// "[object Object]" — and for the requests it made: none may fail with a server error, and none may be refused to
// the very user whose menu offered the page. Each page is visited once in Chinese (by the first demo user whose menu has
// it) and the GP's and officer's pages once in English.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { shot, signedInPage, type ServerAndBrowser } from './helpers.ts';
import { DEMO_PASSWORD, type DemoUser } from '../../src/modules/demo/demo.ts';

/**
 * Whose pages are walked in English as well (every page is walked in Chinese): none in the suite (the walk must stay
 * near two minutes on a loaded 2-core machine); MERIDIAN_WALK_EN=gp,officer adds them.
 */
const EN_WALKERS = (process.env.MERIDIAN_WALK_EN ?? '').split(',').filter(Boolean);

/** What must never show on a page, with the reason a failure names. */
const LEAKS: [RegExp, string][] = [
  [/(?<![\d*])\d{12}(?![\d*])/g, 'a 12-digit region code'],
  [/\b[a-z]+(?:_[a-z0-9]+)+\b/g, 'a snake_case code value'],
  [/\b(?:app|records|registry|chronic|contracts|ledger|referrals|scheduling|indicators|surveillance|medicines|publichealth|diagnostics|insurance|account|admin)\.[a-zA-Z]+(?:\.[a-zA-Z0-9]+)*\b/g, 'a message key'],
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

/** Walks the menu pages of `users` (each page once in Chinese; MERIDIAN_WALK_EN's once in English too) and fails on any problem. */
export async function walkPages(suite: ServerAndBrowser, users: readonly DemoUser[], minLoads: number): Promise<void> {
    const seen = { zh: new Set<string>(), en: new Set<string>() };
    const found: string[] = [];
    let visited = 0;
    const times: [string, number][] = [];
    for (const u of users) {
      const page = await signedInPage(suite, u.username, DEMO_PASSWORD);
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
          for (const x of await problemsOf(page, suite.server.url, p)) found.push(`${u.username} ${lang} ${p}: ${x}`);
          times.push([`${lang} ${p}`, Date.now() - t0]);
        }
      }
      await shot(page, `pages-walk-${u.username}`);
      await page.context().close();
    }
    console.log(JSON.stringify({ pageLoads: visited, slowest: times.sort((a, b) => b[1] - a[1]).slice(0, 8) }));
    assert.ok(visited >= minLoads, `${visited} page loads`);
    assert.deepEqual(found, []);
}
