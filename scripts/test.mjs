#!/usr/bin/env node
// Runs the whole suite with Node's own test runner (through tsx for TypeScript).
// Unit and service tests run on PGlite always, and on the PostgreSQL server named by
// TEST_DATABASE_URL as well when it is set. Browser tests (test/e2e) run when Chromium is present:
// they share one seeded county, built here once per run (while the other tests run) into a kept
// data folder that each browser-test file copies, and the web app, built here once when missing.
// Usage: npm test [-- FILTER...]   (FILTER: substrings of test file paths)
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
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
const otherFiles = files.filter((f) => !f.startsWith('test/e2e/'));
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

// The browser tests' county seeds while the other tests run.
const countyDir = join(root, '.tmp', 'e2e-county');
const county = browser ? node(['--import', 'tsx', 'test/e2e/prepare-county.ts'], { MERIDIAN_E2E_COUNTY: countyDir }) : Promise.resolve(0);
const otherCode = otherFiles.length ? await testRun(otherFiles) : 0;

let browserCode = 0;
if (browserFiles.length) {
  if (browser) {
    if (!existsSync(join(root, 'dist', 'web', 'index.html'))) {
      console.log('# building the web app for the browser tests (dist/web is missing)');
      if ((await node([join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'])) !== 0) process.exit(1);
    }
    if ((await county) !== 0) {
      console.error('# the shared browser-test county could not be seeded / 浏览器测试的共享县域数据生成失败');
      process.exit(1);
    }
  }
  // Without Chromium the browser-test files report themselves skipped.
  browserCode = await testRun(browserFiles, { MERIDIAN_E2E_COUNTY: countyDir });
}
console.log(`# npm test: ${files.length} files in ${Math.round((Date.now() - t0) / 1000)} s`);
process.exit(otherCode || browserCode);
