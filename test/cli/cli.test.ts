// The meridian command, run as a user would: a separate process on an embedded data folder.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, spawnGroup, waitForOutput } from '../helpers/processes.ts';

const BIN = new URL('../../bin/meridian.js', import.meta.url).pathname;

function run(args: string[], env: Record<string, string>, input?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, ...env, DATABASE_URL: '', LOG_LEVEL: 'warn' }, input, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('meridian CLI (embedded database)', () => {
  let dir: string;
  let env: Record<string, string>;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'meridian-cli-'));
    env = { MERIDIAN_DATA_DIR: dir };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('--help lists the commands', () => {
    const r = run(['--help'], env);
    assert.equal(r.code, 0);
    for (const c of ['start', 'migrate', 'user', 'audit']) assert.match(r.out, new RegExp(`\\b${c}\\b`));
  });

  test('migrate, then user add with the password on stdin, then audit verify', () => {
    const m = run(['migrate'], env);
    assert.equal(m.code, 0, m.err);
    assert.match(m.out, /applied: 001-platform/);
    assert.match(run(['migrate'], env).out, /up to date/);
    const add = run(['user', 'add', 'ops', '--role', 'sysadmin', '--password-stdin'], env, 'Ops-password-1\n');
    assert.equal(add.code, 0, add.err);
    assert.match(add.out, /created user ops/);
    const dup = run(['user', 'add', 'ops', '--role', 'sysadmin', '--password-stdin'], env, 'Ops-password-1\n');
    assert.equal(dup.code, 1);
    assert.equal(dup.err.trim().split('\n').length, 1, 'one-line error');
    assert.match(dup.err, /^meridian: .*ops/);
    const v = run(['audit', 'verify'], env);
    assert.equal(v.code, 0, v.err);
    assert.match(v.out, /intact \(1 rows\)/);
    // a user that does not exist is named, in both languages, and nothing is written
    const ghost = run(['user', 'disable', 'ghost'], env);
    assert.equal(ghost.code, 1);
    assert.equal(ghost.err.trim(), 'meridian: 用户 ghost 不存在 / no user ghost');
    const reset = run(['user', 'reset-password', 'ghost', '--password-stdin'], env, 'Ops-password-2\n');
    assert.equal(reset.err.trim(), 'meridian: 用户 ghost 不存在 / no user ghost');
    assert.match(run(['audit', 'verify'], env).out, /intact \(1 rows\)/);
  });

  test('bad role and bad configuration fail with one clear line', () => {
    const r = run(['user', 'add', 'x1', '--role', 'wizard', '--password-stdin'], env, 'Ops-password-1');
    assert.equal(r.code, 1);
    assert.match(r.err, /unknown role "wizard"/);
    const c = run(['migrate'], { ...env, PORT: 'nope' });
    assert.equal(c.code, 1);
    assert.match(c.err, /PORT/);
  });

  test('a second process on the same data folder is refused, naming the holder, and touches nothing', async () => {
    // on its own, whatever ran before: a migrated folder, and the audit rows there are now
    assert.equal(run(['migrate'], env).code, 0);
    const rowsBefore = /intact \((\d+) rows\)/.exec(run(['audit', 'verify'], env).out)?.[1];
    assert.ok(rowsBefore, 'audit verify counts the rows');
    const port = await freePort();
    // no guard process: the lock names the server's own pid
    const holder = spawnGroup(process.execPath, [BIN, 'start', '--no-demo'], { guard: false, env: { ...process.env, ...env, DATABASE_URL: '', PORT: String(port), LOG_LEVEL: 'warn' } });
    let code: number | null;
    try {
      await waitForOutput(holder, 'is running at', 90_000);
      const r = run(['user', 'add', 'late', '--role', 'sysadmin', '--password-stdin'], env, 'Ops-password-1');
      assert.equal(r.code, 1);
      assert.match(r.err, new RegExp(`in use by process ${holder.child.pid}`));
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      // (a holder still at work on its database answers { status: 'ok', database: 'busy' }: alive either way)
      assert.equal((await health.json() as { status: string }).status, 'ok');
    } finally {
      code = await holder.stop();
    }
    assert.equal(code, 0, 'SIGTERM stops cleanly');
    // the lock was released: the folder is usable again and the refused command wrote nothing
    const v = run(['audit', 'verify'], env);
    assert.equal(v.code, 0, v.err);
    assert.match(v.out, new RegExp(`intact \\(${rowsBefore} rows\\)`));
  });
});
