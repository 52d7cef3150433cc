#!/usr/bin/env node
// Runs the whole suite with Node's own test runner (through tsx for TypeScript).
// Unit and service tests run on PGlite always, and on the PostgreSQL server named by
// TEST_DATABASE_URL as well when it is set. Browser tests (test/e2e) run when Chromium is present.
// Usage: npm test [-- FILTER...]   (FILTER: substrings of test file paths)
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

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
  console.error('no test files matched');
  process.exit(1);
}

// Prepare shared fixtures once (the migrated PGlite template), so that test files clone it.
const prep = spawnSync(process.execPath, ['--import', 'tsx', 'test/prepare.ts'], { cwd: root, stdio: 'inherit' });
if (prep.status !== 0) process.exit(prep.status ?? 1);

const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', ...files],
  { cwd: root, stdio: 'inherit', env: { ...process.env, MERIDIAN_TEST: '1' } },
);
process.exit(r.status ?? 1);
