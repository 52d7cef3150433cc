// The command line speaks like the rest: Chinese and English, naming what is at fault; --version;
// wrong or contradictory options refused before the data folder is created; the README lists every
// command and option --help shows; .gitignore lists no tracked file.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin', 'meridian.js');
const CJK = /[\u4e00-\u9fff]/;

// These tests start many short commands: at most three at a time, so as not to swamp the machine.
let active = 0;
const waiting: (() => void)[] = [];
async function slot<T>(fn: () => Promise<T>): Promise<T> {
  if (active >= 3) await new Promise<void>((r) => waiting.push(r));
  active++;
  try {
    return await fn();
  } finally {
    active--;
    waiting.shift()?.();
  }
}

/** Runs meridian (three at a time at most) and collects what it printed. */
function run(args: string[], env: Record<string, string>, input = ''): Promise<{ code: number | null; out: string; err: string }> {
  return slot(() => new Promise((resolve) => {
    const c = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '', err = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (err += d));
    c.on('close', (code) => resolve({ code, out, err }));
    c.stdin.end(input);
  }));
}

describe('meridian command-line messages', () => {
  let base: string;
  before(() => { base = mkdtempSync(join(tmpdir(), 'meridian-cli-msg-')); });
  after(() => rmSync(base, { recursive: true, force: true }));

  test('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = await run(['--version'], { MERIDIAN_DATA_DIR: join(base, 'v') });
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out.trim(), version);
  });

  test('refused before anything is written, in both languages, naming the county, the options and the values', async () => {
    const cases: { args: string[]; names: RegExp[] }[] = [
      { args: ['seed', '--county', '999999'], names: [/未知县（区）999999/, /unknown county 999999/] },
      { args: ['seed', '--county', '371003', '--residents', '12abc'], names: [/--residents 须为整数/, /"12abc"/] },
      { args: ['seed', '--county', '371003', '--residents', '50'], names: [/--residents 须在 100 到 2000000 之间/, /got 50/] },
      { args: ['seed', '--county', '371003', '--seed', '1.5'], names: [/--seed/, /"1\.5"/] },
      { args: ['indicators', 'compute', '--period', '2025', '--year', '2025'], names: [/不能同时使用/, /--period 2025 and --year 2025 contradict/] },
      { args: ['indicators', 'compute', '--county', '999999'], names: [/还没有数据库/, /no database in the data folder/] },
      { args: ['indicators', 'compute', '--county', 'abc'], names: [/--county 须为6位/, /got "abc"/] },
      { args: ['indicators', 'compute', '--year', '20x5'], names: [/--year 须为整数/, /"20x5"/] },
      { args: ['indicators', 'refresh'], names: [/还没有数据库/] },
      { args: ['audit', 'verify'], names: [/还没有数据库/] },
      { args: ['start', '--no-demo', '--demo-residents', '500'], names: [/--no-demo 与 --demo-residents 不能同时使用/, /contradict/] },
      { args: ['start', '--demo-residents', 'many'], names: [/--demo-residents 须为整数/, /"many"/] },
      { args: ['user', 'add', 'bob', '--role', 'wizard', '--password-stdin'], names: [/用户 bob：未知角色 "wizard"/, /user bob: unknown role "wizard"/] },
      { args: ['user', 'add', 'bob', '--role', 'doctor', '--unit', '区医保局', '--password-stdin'], names: [/用户 bob：--unit 仅用于 department/, /got doctor/] },
      { args: ['user', 'add', 'bob', '--role', 'sysadmin'], names: [/用户 bob：请用 --password-stdin/] },
      { args: ['user', 'disable', 'ghost'], names: [/还没有数据库/, /user disable/] },
      { args: ['client', 'add', '--facility', 'H0001', '--name', ' '], names: [/--name 须为1–100个字符/, /got 0/] },
      { args: ['regions', 'import', '/nonexistent/regions.csv'], names: [/无法读取文件 \/nonexistent\/regions\.csv/, /cannot read \/nonexistent\/regions\.csv/] },
      { args: ['plan', 'parse', '/nonexistent/plan.md'], names: [/文件不存在：\/nonexistent\/plan\.md/] },
      { args: ['user', 'add', 'bob', '--rank', 'x'], names: [/未知选项 --rank|缺少必需的选项 --role/] },
      { args: ['frobnicate'], names: [/未知命令 frobnicate/, /unknown command 'frobnicate'/] },
    ];
    const results = await Promise.all(cases.map((c, i) => run(c.args, { MERIDIAN_DATA_DIR: join(base, `case-${i}`) })));
    cases.forEach((c, i) => {
      const r = results[i];
      const what = `meridian ${c.args.join(' ')}`;
      assert.equal(r.code, 1, `${what}: exit ${r.code}\n${r.err}`);
      const first = r.err.split('\n')[0];
      assert.match(first, /^meridian: /, what);
      assert.match(first, CJK, `${what}: Chinese in "${first}"`);
      assert.match(first, / \/ .*[a-z]{3}/, `${what}: English after the Chinese in "${first}"`);
      for (const n of c.names) assert.match(r.err, n, what);
      assert.equal(existsSync(join(base, `case-${i}`)), false, `${what} created the data folder`);
      assert.equal(r.out, '', `${what} printed to stdout`);
    });
  });

  test('the README lists every command and option --help shows', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const env = { MERIDIAN_DATA_DIR: join(base, 'help') };
    const commandsOf = (help: string) => [...help.slice(help.indexOf('Commands:')).matchAll(/^ {2}([a-z][a-z0-9-]*)/gm)].map((m) => m[1]).filter((c) => c !== 'help');
    const optionsOf = (help: string) => [...help.slice(help.indexOf('Options:'), help.indexOf('Commands:') > 0 ? help.indexOf('Commands:') : undefined).matchAll(/--[a-z][a-z0-9-]*/g)].map((m) => m[0]).filter((o) => o !== '--help');
    const top = await run(['--help'], env);
    assert.equal(top.code, 0, top.err);
    const groups = commandsOf(top.out);
    assert.ok(groups.length >= 9, groups.join());
    const paths: string[][] = [];
    const groupHelps = await Promise.all(groups.map((g) => run([g, '--help'], env)));
    groups.forEach((g, i) => {
      const subs = groupHelps[i].out.includes('Commands:') ? commandsOf(groupHelps[i].out) : [];
      if (subs.length) for (const s of subs) paths.push([g, s]);
      else paths.push([g]);
    });
    const helps = await Promise.all(paths.map((p) => run([...p, '--help'], env)));
    const missing: string[] = [];
    for (const o of optionsOf(top.out)) if (!readme.includes(o)) missing.push(`meridian ${o}`);
    paths.forEach((p, i) => {
      const lines = readme.split('\n').filter((l) => l.includes(`meridian ${p.join(' ')}`));
      if (!lines.length) missing.push(`meridian ${p.join(' ')}`);
      // each option on the command's README line, or in the options table beside the command
      for (const o of optionsOf(helps[i].out)) {
        if (!lines.some((l) => l.includes(o)) && !readme.includes(`\`${p.join(' ')} ${o}`)) missing.push(`meridian ${p.join(' ')} ${o}`);
      }
    });
    assert.ok(paths.length >= 12, paths.map((p) => p.join(' ')).join(', '));
    assert.deepEqual(missing, [], 'in --help but not in the README');
  });

  test('the README gives the value lists of each import\'s columns', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const icd = readme.split('\n').find((l) => l.startsWith('| `icd10 import`')) ?? '';
    for (const v of ['chronic', 'notifiable_a', 'notifiable_b', 'notifiable_c', 'common']) assert.ok(icd.includes(`\`${v}\``), `ICD-10 category ${v}`);
    const regions = readme.split('\n').find((l) => l.startsWith('| `regions import`')) ?? '';
    for (const v of ['province', 'prefecture', 'county', 'township', 'village']) assert.ok(regions.includes(`\`${v}\``), `region level ${v}`);
  });

  test('.gitignore lists no tracked file', { skip: existsSync(join(ROOT, '.git')) ? false : 'not a git checkout' }, () => {
    const files = spawnSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(files.status, 0, files.stderr);
    const ignored = spawnSync('git', ['check-ignore', '--no-index', '-z', '--stdin'], { cwd: ROOT, input: files.stdout, encoding: 'utf8' });
    assert.equal(ignored.stdout.split('\0').filter(Boolean).join(', '), '');
    assert.ok(files.stdout.split('\0').length > 100);
  });
});
