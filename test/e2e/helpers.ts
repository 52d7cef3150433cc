// Browser tests drive the real built app in Debian's headless Chromium through playwright-core.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const HAVE_BROWSER = existsSync(CHROMIUM);
export const SHOTS = new URL('../../test-results/screenshots/', import.meta.url).pathname;
const BIN = new URL('../../bin/meridian.js', import.meta.url).pathname;

export interface RunningServer {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

/** Starts `meridian start` on a fresh embedded data folder with the demo loaded. */
export async function startMeridian(port: number, extraEnv: Record<string, string> = {}, existingDataDir?: string): Promise<RunningServer> {
  const dataDir = existingDataDir ?? mkdtempSync(join(tmpdir(), 'meridian-e2e-'));
  const child: ChildProcess = spawn(process.execPath, [BIN, 'start', '--build-if-missing', ...(extraEnv.DEMO_RESIDENTS ? ['--demo-residents', extraEnv.DEMO_RESIDENTS] : [])], {
    env: { ...process.env, DATABASE_URL: '', MERIDIAN_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in time:\n${log}`)), 240_000);
    child.stdout!.on('data', (d) => {
      log += d;
      if (log.includes('is running at')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (d) => (log += d));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${log}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Seeds a demo county into a fresh data folder with the CLI (before any server holds it). */
export function seedDataDir(residents: number, seed: number): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'meridian-e2e-'));
  const r = spawnSync(process.execPath, [BIN, 'seed', '--county', '371003', '--residents', String(residents), '--seed', String(seed)], {
    env: { ...process.env, DATABASE_URL: '', MERIDIAN_DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`seed failed: ${r.stderr}`);
  return dataDir;
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

/** Signs in through the sign-in page. */
export async function signInUi(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(baseUrl + '/');
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('[data-testid="login-submit"]');
}
