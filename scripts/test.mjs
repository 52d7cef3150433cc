#!/usr/bin/env node
// Runs the whole suite with Node's own test runner (through tsx for TypeScript).
// Unit and service tests run on PGlite always, and on the PostgreSQL server named by
// TEST_DATABASE_URL as well when it is set. Browser tests (test/e2e) run when Chromium is present:
// they share one seeded county, built here once per run (beside the test files, which wait for it) into a kept
// data folder that each browser-test file copies, and the web app, built here once when missing.
// Usage: npm test [-- FILTER...]   (FILTER: substrings of test file paths)
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
const t0 = Date.now();
// Shared fixtures first: the migrated PGlite template that test files clone.
if ((await node(['--import', 'tsx', 'test/prepare.ts'])) !== 0) process.exit(1);
if (browser && !existsSync(join(root, 'dist', 'web', 'index.html'))) {
  console.log('# building the web app for the browser tests (dist/web is missing)');
  if ((await node([join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'])) !== 0) process.exit(1);
}

// One run of every file, two at a time (this 2-core machine's measure: three were no faster), each file its own
// `node --test` process whose output is printed whole when it ends, so that two files never interleave. The files
// go longest first, by the wall times of the last run (.tmp/test-durations.json, else test/durations.json; a file not yet timed counts as long
// when it is a browser or command-line test, each a server or a CLI process on an embedded database), so that no slot
// idles at the end while one long file finishes. The browser tests' county seeds beside them; each browser-test file
// waits for it (test/e2e/county.ts).
const countyDir = join(root, '.tmp', 'e2e-county');
const durationsFile = join(root, '.tmp', 'test-durations.json');
// (a clean clone has no times of its own yet: it takes the committed ones, test/durations.json, from a whole run)
let last = {};
for (const f of [durationsFile, join(root, 'test', 'durations.json')]) {
  try { last = JSON.parse(readFileSync(f, 'utf8')); break; } catch { /* not there: the next, or none */ }
}
const guess = (f) => last[f] ?? (f.startsWith('test/e2e/') || f.startsWith('test/cli/') ? 120_000 : 10_000);
const ordered = [...files].sort((a, b) => guess(b) - guess(a));
let county = Promise.resolve(0);
if (browser) {
  rmSync(countyDir, { recursive: true, force: true }); // no READY of an earlier run may be read while this one seeds
  county = node(['--import', 'tsx', 'test/e2e/prepare-county.ts'], { MERIDIAN_E2E_COUNTY: countyDir });
}

/** Runs one test file in its own process; resolves with its exit code and wall time once its output is printed. */
function runFile(file) {
  return new Promise((resolve) => {
    const started = Date.now();
    const c = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-timeout=300000', file], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, MERIDIAN_TEST: '1', ...(browser ? { MERIDIAN_E2E_COUNTY: countyDir } : {}), FORCE_COLOR: process.stdout.isTTY ? '1' : '0' },
    });
    children.add(c);
    const out = [];
    c.stdout.on('data', (d) => out.push(d));
    c.stderr.on('data', (d) => out.push(d));
    c.on('close', (code, signal) => {
      children.delete(c);
      const ms = Date.now() - started;
      const exit = code ?? (signal ? 1 : 0);
      process.stdout.write(`\n# ${exit === 0 ? 'ok  ' : 'FAIL'} ${file} (${(ms / 1000).toFixed(1)} s)\n`);
      process.stdout.write(Buffer.concat(out));
      resolve({ file, exit, ms });
    });
  });
}

// Without Chromium the browser-test files report themselves skipped.
const queue = [...ordered];
const results = [];
await Promise.all(Array.from({ length: 2 }, async () => {
  while (queue.length) results.push(await runFile(queue.shift()));
}));
const countyCode = await county;
if (countyCode !== 0) console.error('# the shared browser-test county could not be seeded / 浏览器测试的共享县域数据生成失败');
// A filtered run keeps the times of the files it did not run.
writeFileSync(durationsFile, JSON.stringify({ ...last, ...Object.fromEntries(results.map((r) => [r.file, r.ms])) }, null, 1));
const failed = results.filter((r) => r.exit !== 0);
console.log('\n# slowest files / 最慢的测试文件:');
for (const r of [...results].sort((a, b) => b.ms - a.ms).slice(0, 12)) console.log(`#   ${(r.ms / 1000).toFixed(1).padStart(6)} s  ${r.file}`);
for (const r of failed) console.log(`# FAILED / 失败: ${r.file}`);
console.log(`# npm test: ${files.length} files in ${Math.round((Date.now() - t0) / 1000)} s, ${failed.length} failed`);
process.exit(failed.length || countyCode ? 1 : 0);
