// Browser tests drive the real built app in Debian's headless Chromium through playwright-core.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { before, after } from 'node:test';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { freePort, spawnGroup, waitForOutput } from '../helpers/processes.ts';
import { copyOfSharedCounty } from './county.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const HAVE_BROWSER = existsSync(CHROMIUM);
export const SHOTS = new URL('../../test-results/screenshots/', import.meta.url).pathname;
const BIN = new URL('../../bin/meridian.js', import.meta.url).pathname;

export interface RunningServer {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * Starts `meridian start` on a free port the OS picks, in a process group of its own, on `dataDir`
 * (default: a fresh copy of the shared seeded county, see county.ts). stop() ends the group and
 * removes the folder; the group also ends when the test process ends in any way.
 */
export async function startMeridian(dataDir?: string): Promise<RunningServer> {
  const dir = dataDir ?? (await copyOfSharedCounty());
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const p = spawnGroup(process.execPath, [BIN, 'start', '--build-if-missing', '--no-demo'], {
      env: { ...process.env, DATABASE_URL: '', MERIDIAN_DATA_DIR: dir, PORT: String(port), LOG_LEVEL: 'warn' },
    });
    try {
      await waitForOutput(p, 'is running at', 240_000);
    } catch (e) {
      await p.stop(5_000);
      // another process took the port between our look and the server's listen: try another
      if (attempt < 3 && /EADDRINUSE/.test(p.output())) continue;
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
    return {
      url: `http://127.0.0.1:${port}`,
      dataDir: dir,
      async stop() {
        await p.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}

export interface ServerAndBrowser {
  server: RunningServer;
  browser: Browser;
}

/**
 * The setup every browser-test suite shares: before its tests, a server on a private copy of the
 * shared seeded county (after `beforeStart` has looked into the folder, while no server holds it)
 * and a headless Chromium; after them, both stopped and the copy removed. Call inside describe().
 */
export function useServerAndBrowser(o: { beforeStart?: (dataDir: string) => Promise<void> } = {}): ServerAndBrowser {
  const ctx = {} as ServerAndBrowser;
  before(async () => {
    const dir = await copyOfSharedCounty();
    try {
      await o.beforeStart?.(dir);
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
    ctx.server = await startMeridian(dir);
    ctx.browser = await launchBrowser();
  });
  after(async () => {
    // Each open page as the suite left it (test-results/screenshots/last-<file>-<n>.png): after a failure, what the
    // user would have seen at that moment.
    if (ctx.browser) {
      const file = basename(process.argv[1] ?? 'suite').replace(/\.test\.ts$/, '');
      const pages = ctx.browser.contexts().flatMap((c) => c.pages());
      for (const [i, p] of pages.entries()) await shot(p, `last-${file}-${i}`).catch(() => undefined);
    }
    await ctx.browser?.close();
    await ctx.server?.stop();
  });
  return ctx;
}

/** Launches headless Chromium with the flags this closed network needs. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** Saves a full-page screenshot under test-results/screenshots/NAME.png. */
export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Chooses an option of an Ant Design select and waits until the select shows it. On a loaded machine a click can
 * land while the dropdown is still sliding in, or the dropdown can close under a re-render while the option is
 * being clicked; each such attempt is given up after a few seconds (Escape closes what is left open) and the
 * choice made again, up to three times.
 */
export async function chooseOption(page: Page, select: Locator, text: string | RegExp): Promise<void> {
  const option = page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: text }).first();
  const shown = async () => {
    const s = (await select.textContent()) ?? '';
    return typeof text === 'string' ? s.includes(text) : text.test(s);
  };
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      if (!(await option.isVisible())) await select.click({ timeout: 5000 });
      await option.click({ timeout: 5000 });
    } catch (e) {
      if (attempt === 3) throw e;
      await page.keyboard.press('Escape');
      await page.waitForTimeout(300);
      continue;
    }
    for (let i = 0; i < 20 && !(await shown()); i++) await page.waitForTimeout(100);
    if (await shown()) return;
  }
  throw new Error(`the select does not show "${text}" after three choices / 选择框未显示所选项`);
}

/**
 * Opens a Popconfirm from its trigger and presses its OK button. As with a select's dropdown, on a loaded machine the
 * press can land while the popover is still zooming in (seen in CI: the popover stayed open and nothing was sent), so
 * when the popover is still open a few seconds later the press is made again, up to three times; a press that was
 * taken closes the popover, so nothing is sent twice.
 */
export async function confirmPopover(page: Page, trigger: Locator): Promise<void> {
  const ok = page.locator('.ant-popconfirm:visible .ant-btn-primary').first();
  for (let attempt = 1; attempt <= 3; attempt++) {
    if (!(await ok.isVisible())) await trigger.click({ timeout: 5000 });
    await ok.click({ timeout: 5000 });
    for (let i = 0; i < 30 && (await ok.isVisible()); i++) await page.waitForTimeout(100);
    if (!(await ok.isVisible())) return;
  }
  throw new Error('the confirmation stayed open after three presses / 确认框按三次后仍未关闭');
}

/** Signs in through the sign-in page. */
export async function signInUi(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(baseUrl + '/');
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('[data-testid="login-submit"]');
}

/**
 * A page of its own browser context (1366 × 900), signed in as a demo user and on the home page:
 * one per person of a journey that passes work from one user to another.
 */
export async function signedInPage(suite: ServerAndBrowser, username: string, password: string): Promise<Page> {
  const ctx = await suite.browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await ctx.newPage();
  await signInUi(page, suite.server.url, username, password);
  await page.waitForSelector('[data-testid="home-welcome"]');
  return page;
}
