// `meridian plan parse FILE --json` prints the contract's form; `meridian user add … --role department --unit NAME`
// binds the user to a department found by name or alias.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import { openPglite } from '../../src/platform/db.ts';
import { buildGovUnit } from '../helpers/factories.ts';
import { migratedDataDir } from '../helpers/data-dir.ts';

const FIXTURES = new URL('../fixtures/', import.meta.url).pathname;

const BIN = new URL('../../bin/meridian.js', import.meta.url).pathname;
const run = (args: string[], env: Record<string, string>, input?: string) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, ...env, DATABASE_URL: '', LOG_LEVEL: 'warn' }, input, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe('meridian user add --unit (embedded database)', () => {
  let dir: string;
  let env: Record<string, string>;
  before(async () => {
    dir = await migratedDataDir('meridian-cli-unit-');
    env = { MERIDIAN_DATA_DIR: dir };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('plan parse --json validates against the contract schema; without --json a summary', () => {
    const validate = new Ajv2020({ allErrors: true, validateFormats: false }).compile(JSON.parse(readFileSync(`${FIXTURES}contracts/plan-import.schema.json`, 'utf8')));
    const r = run(['plan', 'parse', `${FIXTURES}plans/tongren-2021.txt`, '--json'], env);
    assert.equal(r.code, 0, r.err);
    const plan = JSON.parse(r.out) as { tasks: { path: string[] }[] };
    assert.ok(validate(plan), JSON.stringify(validate.errors?.slice(0, 3)));
    assert.equal(plan.tasks.length, 22);
    assert.deepEqual(plan.tasks[0].path, ['一', '（一）']);
    const missing = run(['plan', 'parse', `${FIXTURES}plans/nope.txt`], env);
    assert.equal(missing.code, 1);
    assert.equal(missing.err.trim().split('\n').length, 1);
  });

  test('an alias finds the unit; an unknown unit and a unit for another role are refused in one line', async () => {
    const db = await openPglite(join(dir, 'db'));
    await buildGovUnit(db, { name: '区医疗保障局' });
    await db.close();
    const ok = run(['user', 'add', 'yb', '--role', 'department', '--unit', '区医保局', '--password-stdin'], env, 'Dept-password-1\n');
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /created user yb \(department\)/);
    const unknown = run(['user', 'add', 'yb2', '--role', 'department', '--unit', '区民政局', '--password-stdin'], env, 'Dept-password-1\n');
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /unknown unit "区民政局"/);
    const wrongRole = run(['user', 'add', 'doc2', '--role', 'sysadmin', '--unit', '区医疗保障局', '--password-stdin'], env, 'Dept-password-1\n');
    assert.equal(wrongRole.code, 1);
    assert.equal(wrongRole.err.trim().split('\n').length, 1);
    const db2 = await openPglite(join(dir, 'db'));
    const rows = await db2.query<{ username: string; name: string }>('SELECT us.username, u.name FROM users us JOIN gov_units u ON u.id = us.unit_id');
    await db2.close();
    assert.deepEqual(rows, [{ username: 'yb', name: '区医疗保障局' }]);
  });
});
