// `meridian indicators compute | refresh`, run as an operator would, on a small seeded county.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { openPglite } from '../../src/platform/db.ts';
import { migratedDataDir } from '../helpers/data-dir.ts';

const BIN = new URL('../../bin/meridian.js', import.meta.url).pathname;
const run = (args: string[], env: Record<string, string>) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, ...env, DATABASE_URL: '', LOG_LEVEL: 'warn' }, encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe('meridian indicators (embedded database)', () => {
  let dir: string;
  let env: Record<string, string>;
  before(async () => {
    dir = await migratedDataDir('meridian-cli-ind-');
    env = { MERIDIAN_DATA_DIR: dir };
    // (the indicators are computed by the commands under test, not by the seed)
    const s = run(['seed', '--county', '371003', '--residents', '800', '--seed', '3', '--no-indicators'], env);
    assert.equal(s.code, 0, s.err);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('compute one period, refuse a bad one, refresh what is stale', () => {
    const year = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }).slice(0, 4);
    const ok = run(['indicators', 'compute', '--period', `${year}-01`], env);
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /^371003: 29 indicators × 1 periods, \d+ values in \d+ ms$/m);
    const bad = run(['indicators', 'compute', '--period', '2025-13'], env);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /--period must be YYYY, YYYY-Qn or YYYY-MM/);
    const r = run(['indicators', 'refresh'], env);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^371003: \d+ indicators, \d+ periods recomputed$/m);
  });

  test('an unknown county is refused, naming it and the counties there are, and nothing is computed', async () => {
    const count = async () => {
      const db = await openPglite(join(dir, 'db'));
      const [n] = await db.query<{ runs: number; values: number }>('SELECT (SELECT count(*)::int FROM indicator_runs) AS runs, (SELECT count(*)::int FROM indicator_values) AS values');
      await db.close();
      return n;
    };
    const before = await count();
    const r = run(['indicators', 'compute', '--county', '999999', '--period', '2025'], env);
    assert.equal(r.code, 1);
    assert.equal(r.err.trim(), 'meridian: 未知县（区）999999：数据库中没有该县的机构（已有：371003） / unknown county 999999: the database has no facilities in it (it has: 371003)');
    assert.equal(r.out, '');
    assert.deepEqual(await count(), before);
  });
});
