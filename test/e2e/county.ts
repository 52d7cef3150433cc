// The one seeded county the browser tests share: `meridian seed` builds it once per run into a kept
// data folder (scripts/test.mjs starts it with the run, and browser-test files wait for it); each test file works on a
// copy of it, so that what one file writes no other file sees, whatever the order.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGroup } from '../helpers/processes.ts';
import { TEST_SECRET } from '../helpers/db.ts';

/** What the shared county is: the demo district, 6,000 residents, seed 11. */
export const E2E_COUNTY = { county: '371003', residents: 6000, seed: 11 } as const;

const BIN = new URL('../../bin/meridian.js', import.meta.url).pathname;
/** Where the kept county lives unless MERIDIAN_E2E_COUNTY names another folder. */
export const DEFAULT_COUNTY_DIR = new URL('../../.tmp/e2e-county/', import.meta.url).pathname;
const READY = '.ready';
/** Written instead of READY when the runner's seed fails, so that waiting files stop at once. */
export const FAILED = '.failed';

/** Seeds the shared county into `dir` (emptied first); throws with the seed's output when it fails. */
export async function buildSharedCounty(dir = DEFAULT_COUNTY_DIR): Promise<string> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // The suite's secret, so that the county's database is keyed as every test database is: the service tests that ask
  // for this very county (test/helpers/seeded.ts) open a copy of it instead of seeding it again.
  writeFileSync(join(dir, 'secret.key'), `${TEST_SECRET}\n`, { mode: 0o600 });
  const t0 = Date.now();
  const r = await runGroup(process.execPath, [BIN, 'seed', '--county', E2E_COUNTY.county, '--residents', String(E2E_COUNTY.residents), '--seed', String(E2E_COUNTY.seed)], {
    env: { ...process.env, DATABASE_URL: '', MERIDIAN_DATA_DIR: dir, LOG_LEVEL: 'warn' }, timeoutMs: 600_000 });
  if (r.code !== 0) throw new Error(`seeding the shared county into ${dir} failed${r.timedOut ? ' (timed out after 600 s)' : ''}:\n${r.output}`);
  writeFileSync(join(dir, READY), `${JSON.stringify(E2E_COUNTY)} in ${Date.now() - t0} ms\n`);
  return dir;
}

/**
 * A private copy of the shared county for one test file (a fresh data folder, removed when the
 * server stops). Builds the kept county first when this file runs on its own and there is none.
 */
export async function copyOfSharedCounty(): Promise<string> {
  const src = process.env.MERIDIAN_E2E_COUNTY || DEFAULT_COUNTY_DIR;
  if (!existsSync(join(src, READY))) {
    // Named by the runner, the county is being seeded beside the other test files: wait for it.
    if (process.env.MERIDIAN_E2E_COUNTY) await waitForSharedCounty(src);
    else await buildSharedCounty(src);
  }
  const dir = mkdtempSync(join(tmpdir(), 'meridian-e2e-'));
  cpSync(src, dir, { recursive: true, filter: (p) => !p.endsWith(READY) && !p.endsWith('meridian.lock') });
  return dir;
}

/** Waits for the runner's seed of the shared county to finish (READY), or fails with its message (FAILED). */
export async function waitForSharedCounty(dir: string, timeoutMs = 600_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!existsSync(join(dir, READY))) {
    if (existsSync(join(dir, FAILED))) throw new Error(`the shared county in ${dir} could not be seeded:\n${readFileSync(join(dir, FAILED), 'utf8')}`);
    if (Date.now() > until) throw new Error(`the shared county in ${dir} was not ready after ${timeoutMs / 1000} s (no ${READY})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
