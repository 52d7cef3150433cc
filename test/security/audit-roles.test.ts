// Issue 23, finding 5 (the application's database user owns the tables and can disable the triggers):
// on a PostgreSQL server the migrations run as an owner role and the application as a role that may
// only INSERT into the audit (and seal); `meridian db roles` prints/creates them; `audit verify` and
// `audit anchor` as a user runs them; the two URLs are validated.
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openPostgres, type Db } from '../../src/platform/db.ts';
import { rolesSql } from '../../src/platform/roles.ts';
import { migrateAsOwner } from '../../src/platform/runtime.ts';
import { sealAudit, verifyAudit, writeAudit } from '../../src/platform/audit.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { TEST_KEYS } from '../helpers/db.ts';

const BIN = new URL('../../bin/meridian.js', import.meta.url).pathname;
const actor = { userId: null, username: 'tester', role: 'sysadmin', ip: null };

function run(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, DATABASE_URL: '', DATABASE_OWNER_URL: '', LOG_LEVEL: 'warn', ...env }, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('two database roles: configuration', () => {
  const key = { MERIDIAN_SECRET_KEY: 'k'.repeat(32) };
  test('DATABASE_OWNER_URL is taken with DATABASE_URL of another user on the same database', () => {
    const c = loadConfig({ ...key, DATABASE_URL: 'postgres://app:pw@db.example:5432/meridian', DATABASE_OWNER_URL: 'postgres://owner:pw2@db.example/meridian' });
    assert.equal(c.databaseOwnerUrl, 'postgres://owner:pw2@db.example/meridian');
    assert.equal(c.auditAnchorMinutes, 5);
  });
  test('refused: alone, another database, the same user, not postgres://, bad anchor minutes — and the secret in it is not printed', () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ DATABASE_OWNER_URL: 'postgres://owner:s3cret-pw@db/meridian' }, /DATABASE_OWNER_URL: set only together with DATABASE_URL/],
      [{ DATABASE_URL: 'postgres://app@db/meridian', DATABASE_OWNER_URL: 'postgres://owner:s3cret-pw@db/other' }, /same server and database/],
      [{ DATABASE_URL: 'postgres://app@db/meridian', DATABASE_OWNER_URL: 'postgres://app:s3cret-pw@db/meridian' }, /another user/],
      [{ DATABASE_URL: 'postgres://app@db/meridian', DATABASE_OWNER_URL: 'mysql://owner@db/meridian' }, /DATABASE_OWNER_URL: must start with postgres/],
      [{ MERIDIAN_AUDIT_ANCHOR_MINUTES: '-1' }, /MERIDIAN_AUDIT_ANCHOR_MINUTES/],
    ];
    for (const [env, re] of bad) {
      assert.throws(() => loadConfig({ ...key, ...env }), (e: Error) => {
        assert.match(e.message, re);
        assert.doesNotMatch(e.message, /s3cret-pw/);
        return true;
      });
    }
  });
});

describe('meridian db roles and audit commands (CLI)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'meridian-audit-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('db roles prints the SQL of both roles and the app grants; bad names refused', () => {
    const r = run(['db', 'roles', '--owner', 'm_owner', '--app', 'm_app', '--schema', 'm', '--database', 'county'], {});
    assert.equal(r.code, 0, r.err);
    for (const line of ['CREATE ROLE m_owner LOGIN', 'CREATE ROLE m_app LOGIN', 'CREATE SCHEMA IF NOT EXISTS m AUTHORIZATION m_owner;', 'GRANT CONNECT, TEMPORARY ON DATABASE "county" TO m_owner, m_app;',
      'REVOKE UPDATE, DELETE, TRUNCATE ON m.audit_log, m.audit_anchors FROM m_app;', 'GRANT UPDATE (seq, prev_hash, chain_hash, sealed_at) ON m.audit_log TO m_app;']) {
      assert.ok(r.out.includes(line), `missing: ${line}\n${r.out}`);
    }
    const bad = run(['db', 'roles', '--app', 'x; DROP TABLE users'], {});
    assert.equal(bad.code, 1);
    assert.match(bad.err, /--app must be a lower-case identifier/);
    assert.equal(run(['db', 'roles', '--app', 'same', '--owner', 'same'], {}).code, 1);
  });

  test('audit verify (intact: row count and anchor), audit anchor (one JSON line, stored in the data folder), verify after tampering exits 1 naming each break', async () => {
    const env = { MERIDIAN_DATA_DIR: dir };
    assert.equal(run(['migrate'], env).code, 0);
    const first = run(['audit', 'verify'], env);
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /^intact \(0 rows\) .*no anchor to check yet/);
    const add = spawnSync(process.execPath, [BIN, 'user', 'add', 'ops', '--role', 'sysadmin', '--password-stdin'], { env: { ...process.env, ...env, DATABASE_URL: '' }, input: 'Ops-password-1\n', encoding: 'utf8' });
    assert.equal(add.status, 0, add.stderr);
    const a = run(['audit', 'anchor'], env);
    assert.equal(a.code, 0, a.err);
    const lines = a.out.trim().split('\n');
    assert.equal(lines.length, 1);
    const anchor = JSON.parse(lines[0]);
    assert.deepEqual([anchor.v, anchor.seq, typeof anchor.sig], [1, 1, 'string']);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'audit-anchors.jsonl'), 'utf8').trim()), anchor);
    const v = run(['audit', 'verify'], env);
    assert.equal(v.code, 0, v.err);
    assert.match(v.out, /^intact \(1 rows\) \/ 完整: seq 1–1 sealed, 0 not sealed yet; anchor checked: seq 1 signed /);
    // The anchor file names seq 1; remove that row as the operator of the database could.
    const { openPglite } = await import('../../src/platform/db.ts');
    const db = await openPglite(join(dir, 'db'));
    try {
      await db.tx(async (q) => {
        await q.exec('SET LOCAL session_replication_role = replica');
        await q.exec('DELETE FROM audit_log');
        await q.exec('DELETE FROM audit_anchors');
      });
    } finally {
      await db.close();
    }
    const broken = run(['audit', 'verify'], env);
    assert.equal(broken.code, 1);
    assert.match(broken.err, /^seq 1: 链比签名锚点短（尾部被截断） \/ the chain ends before a signed anchor \(the tail was truncated\) — anchor at .* names seq 1, the chain ends at seq 0$/m);
    assert.match(broken.err, /meridian: 审计链已破坏：0 个已封存行中有 1 处断裂；.* \/ broken: 1 break in 0 sealed rows/);
  });
});

const PG = process.env.TEST_DATABASE_URL;
describe('two database roles on PostgreSQL: the application cannot change or remove the audit', { skip: !PG && 'TEST_DATABASE_URL not set' }, () => {
  const tag = randomBytes(4).toString('hex');
  const owner = `mer_own_${tag}`, app = `mer_app_${tag}`, schema = `mer_${tag}`;
  const as = (user: string) => { const u = new URL(PG!); u.username = user; u.password = ''; return u.toString(); };
  let admin: Db;
  let appDb: Db;
  before(async () => {
    admin = await openPostgres(PG!, { max: 1 });
    const database = decodeURIComponent(new URL(PG!).pathname.slice(1));
    // What `meridian db roles --apply` runs (without passwords: the test server trusts local users).
    await admin.tx(async (q) => { for (const s of rolesSql({ owner, app, schema, database })) await q.exec(s); });
    const applied = await migrateAsOwner(as(owner), as(app));
    assert.ok(applied.includes('014-audit-sealed-chain'));
    appDb = await openPostgres(as(app), { max: 4 });
  });
  after(async () => {
    await appDb?.close();
    await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.exec(`DROP OWNED BY ${app}, ${owner}`);
    await admin.exec(`DROP ROLE IF EXISTS ${app}`);
    await admin.exec(`DROP ROLE IF EXISTS ${owner}`);
    await admin.close();
  });

  test('the tables belong to the owner; the application works in its schema', async () => {
    const [{ o, sp }] = await appDb.query<{ o: string; sp: string }>("SELECT tableowner AS o, current_schema() AS sp FROM pg_tables WHERE tablename = 'audit_log' AND schemaname = current_schema()");
    assert.deepEqual([o, sp], [owner, schema]);
    await appDb.query("INSERT INTO regions (code, name, parent_code, level) VALUES ('37', '山东省', NULL, 'province')");
    await appDb.query("UPDATE regions SET name = '山东' WHERE code = '37'");
  });

  test('as the application: INSERT audit rows and seal them; verify intact', async () => {
    for (let i = 0; i < 5; i++) await appDb.tx((q) => writeAudit(q, actor, { action: 'role.test', outcome: 'ok', recordId: String(i) }));
    assert.equal((await sealAudit(appDb, TEST_KEYS)).sealed, 5);
    const v = await verifyAudit(appDb, TEST_KEYS);
    assert.deepEqual([v.intact, v.rows], [true, 5]);
  });

  test('as the application: no UPDATE of content, no re-sealing, no DELETE/TRUNCATE, no trigger off, no ALTER/DROP, no schema change', async () => {
    const refused: [string, RegExp][] = [
      ["UPDATE audit_log SET outcome = 'denied' WHERE seq = 2", /permission denied/],
      ["UPDATE audit_log SET chain_hash = repeat('0', 64) WHERE seq = 2", /append-only/],
      ['DELETE FROM audit_log WHERE seq = 5', /permission denied/],
      ['TRUNCATE audit_log', /permission denied/],
      ['DELETE FROM audit_anchors', /permission denied/],
      ['ALTER TABLE audit_log DISABLE TRIGGER USER', /must be owner/],
      ['ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change', /must be owner/],
      ['DROP TRIGGER audit_log_no_change ON audit_log', /must be owner/],
      ['DROP TABLE audit_log', /must be owner/],
      ['SET session_replication_role = replica', /permission denied/],
      ['CREATE OR REPLACE FUNCTION audit_log_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$', /must be owner|permission denied/],
      ["INSERT INTO schema_migrations (version, name, checksum) VALUES (999, 'x', 'x')", /permission denied/],
      ['CREATE TABLE sneaky (x int)', /permission denied/],
    ];
    for (const [sql, re] of refused) await assert.rejects(appDb.exec(sql), re, sql);
    const v = await verifyAudit(appDb, TEST_KEYS);
    assert.deepEqual([v.intact, v.rows], [true, 5]);
  });
});
