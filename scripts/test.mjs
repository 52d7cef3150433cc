#!/usr/bin/env node
// Runs the whole suite with Node's own test runner (through tsx for TypeScript).
// Unit and service tests run on PGlite always, and on the PostgreSQL server named by
// TEST_DATABASE_URL as well when it is set. Browser tests (test/e2e) run when Chromium is present:
// they share one seeded county, built here once per run (beside the test files, which wait for it) into a kept
// data folder that each browser-test file copies, and the web app, built here once when missing.
// Usage: npm test [-- FILTER...]   (FILTER: substrings of test file paths)
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.test\.tsx?$/.test(name)) out.push(relative(root, p));
  }
  return out;
}

let files = [...walk(join(root, 'src'), []), ...walk(join(root, 'test'), [])].sort();
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error(`no test files matched ${filters.join(' ')} / 没有与之匹配的测试文件`);
  process.exit(1);
}
const browserFiles = files.filter((f) => f.startsWith('test/e2e/'));
const browser = browserFiles.length > 0 && existsSync(CHROMIUM);

const children = new Set();
/** Runs a node command to its end; resolves with its exit code. */
function node(args, env = {}) {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    children.add(c);
    c.on('exit', (code, signal) => {
      children.delete(c);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    for (const c of children) c.kill(sig);
    process.exit(130);
  });
}
const testRun = (list, env = {}) => node(['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', ...list], { MERIDIAN_TEST: '1', ...env });

const t0 = Date.now();
// Shared fixtures first: the migrated PGlite template that test files clone.
if ((await node(['--import', 'tsx', 'test/prepare.ts'])) !== 0) process.exit(1);
if (browser && !existsSync(join(root, 'dist', 'web', 'index.html'))) {
  console.log('# building the web app for the browser tests (dist/web is missing)');
  if ((await node([join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'])) !== 0) process.exit(1);
}

// One run of every file, two at a time, the longest kinds first so that no slot idles at the end while one long file
// finishes: the browser tests and the command-line tests (each a server or a CLI process on an embedded database), then
// the rest. The browser tests' county seeds beside them; each browser-test file waits for it (test/e2e/county.ts).
const countyDir = join(root, '.tmp', 'e2e-county');
const long = (f) => f.startsWith('test/e2e/') || f.startsWith('test/cli/');
const ordered = [...files.filter(long), ...files.filter((f) => !long(f))];
let county = Promise.resolve(0);
if (browser) {
  rmSync(countyDir, { recursive: true, force: true }); // no READY of an earlier run may be read while this one seeds
  county = node(['--import', 'tsx', 'test/e2e/prepare-county.ts'], { MERIDIAN_E2E_COUNTY: countyDir });
}
// Without Chromium the browser-test files report themselves skipped.
const code = await testRun(ordered, { MERIDIAN_E2E_COUNTY: countyDir });
const countyCode = await county;
if (countyCode !== 0) console.error('# the shared browser-test county could not be seeded / 浏览器测试的共享县域数据生成失败');
console.log(`# npm test: ${files.length} files in ${Math.round((Date.now() - t0) / 1000)} s`);
process.exit(code || countyCode);
