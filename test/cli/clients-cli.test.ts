// `meridian client add|list|revoke`: a facility system registered from the command line gets a
// client id and a secret shown once that obtain a token; an unknown facility is named in both
// languages; a revoked client obtains no token. On the embedded database, and on the
// PostgreSQL server of TEST_DATABASE_URL (a database of its own) when set.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openPglite, openPostgres, type Db } from '../../src/platform/db.ts';
import { buildFacility, buildRegion } from '../helpers/factories.ts';
import { issueToken } from '../../src/modules/auth/clients.ts';
import { migrate } from '../../src/platform/migrate.ts';
import { ENGINES } from '../helpers/db.ts';
import { migratedDataDir } from '../helpers/data-dir.ts';

const BIN = new URL('../../bin/meridian.js', import.meta.url).pathname;
const CJK = /[\u4e00-\u9fff]/;

for (const engine of ENGINES) {
  describe(`meridian client add|list|revoke [${engine}]`, () => {
    let dir: string;
    let env: Record<string, string>;
    let dbUrl: string | null = null;
    const run = (args: string[]) => {
      const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn', ...env }, encoding: 'utf8', timeout: 400_000 });
      return { code: r.status, out: r.stdout, err: r.stderr };
    };
    const open = (): Promise<Db> => (dbUrl ? openPostgres(dbUrl, { max: 2 }) : openPglite(join(dir, 'db')));

    before(async () => {
      // (the embedded database starts migrated, from the suite's template: see test/helpers/data-dir.ts)
      dir = engine === 'pglite' ? await migratedDataDir('meridian-cli-client-') : mkdtempSync(join(tmpdir(), 'meridian-cli-client-'));
      env = { MERIDIAN_DATA_DIR: dir };
      if (engine === 'postgres') {
        const base = process.env.TEST_DATABASE_URL!;
        const name = `t_cli_${process.pid}_${randomBytes(4).toString('hex')}`;
        const admin = await openPostgres(base, { max: 1 });
        await admin.exec(`CREATE DATABASE ${name}`);
        await admin.close();
        const u = new URL(base);
        u.pathname = `/${name}`;
        dbUrl = u.toString();
        env = { ...env, DATABASE_URL: dbUrl, MERIDIAN_SECRET_KEY: 'cli-client-test-secret-key-0123456789abcdef' };
      }
      // The database is made in the test's process (each command run costs a start of the CLI).
      const db = await open();
      await migrate(db);
      await buildRegion(db, { code: '37', name: '山东省', level: 'province' });
      await buildFacility(db, { code: 'F0001', name: '测试医院', tier: 'county', kind: 'general_hospital', regionCode: '37' });
      await db.close();
    });
    after(async () => {
      rmSync(dir, { recursive: true, force: true });
      if (dbUrl) {
        const admin = await openPostgres(process.env.TEST_DATABASE_URL!, { max: 1 });
        await admin.exec(`DROP DATABASE ${new URL(dbUrl).pathname.slice(1)} WITH (FORCE)`);
        await admin.close();
      }
    });

    test('add prints the id and the secret once; list shows the client; revoke ends it; an unknown facility is named in both languages', async () => {
      const add = run(['client', 'add', '--facility', 'F0001', '--name', '测试医院 HIS']);
      assert.equal(add.code, 0, add.err);
      const clientId = /^client_id=(mcl_[0-9a-f]{20})$/m.exec(add.out)?.[1];
      const secret = /^client_secret=(mcs_[A-Za-z0-9_-]{43})$/m.exec(add.out)?.[1];
      assert.ok(clientId && secret, add.out);
      assert.match(add.out, /registered 测试医院 HIS for F0001 测试医院 \/ 已登记/);

      const list = run(['client', 'list']);
      assert.equal(list.code, 0, list.err);
      const line = list.out.split('\n').find((l) => l.startsWith(clientId));
      assert.ok(line, list.out);
      assert.match(line, /F0001 测试医院 {2}测试医院 HIS {2}records:write {2}created .* {2}active \/ 有效$/);
      assert.ok(!list.out.includes(secret), 'the secret is not listed');

      // The secret printed is the client's: it obtains a token.
      let db = await open();
      const tok = await issueToken(db, { grantType: 'client_credentials', clientId, clientSecret: secret, ip: null });
      assert.equal(tok.token_type, 'Bearer');
      const [a] = await db.query<{ username: string; role: string; details: { facilityCode: string } }>("SELECT username, role, details FROM audit_log WHERE action = 'auth.client_create'");
      assert.deepEqual([a.username, a.role, a.details.facilityCode], ['cli', 'sysadmin', 'F0001']);
      await db.close();

      // An unknown facility is named in both languages, in one line (the other refusals are in messages.test.ts).
      const unknown = run(['client', 'add', '--facility', 'NOPE', '--name', 'x']);
      assert.equal(unknown.code, 1, unknown.out + unknown.err);
      assert.equal(unknown.err.trim().split('\n').length, 1, unknown.err);
      assert.match(unknown.err, /^meridian: 未知机构 NOPE（--facility） \/ unknown facility NOPE \(--facility\)$/m);
      assert.match(unknown.err, CJK);

      // SMART scopes for the FHIR face (issue 16): listed as given; one that is not a system scope is refused.
      const fhir = run(['client', 'add', '--facility', 'F0001', '--name', 'LIS', '--scope', 'system/Observation.write', '--scope', 'system/*.read']);
      assert.equal(fhir.code, 0, fhir.err);
      const fid = /^client_id=(mcl_[0-9a-f]{20})$/m.exec(fhir.out)![1];
      assert.match(run(['client', 'list']).out.split('\n').find((l) => l.startsWith(fid))!, / {2}system\/Observation\.write system\/\*\.read {2}created /);
      const badScope = run(['client', 'add', '--facility', 'F0001', '--name', 'x', '--scope', 'patient/*.read']);
      assert.equal(badScope.code, 1);
      assert.match(badScope.err, /^meridian: 权限范围 patient\/\*\.read 无效.* \/ invalid scope patient\/\*\.read/m);

      const rv = run(['client', 'revoke', clientId]);
      assert.equal(rv.code, 0, rv.err);
      assert.equal(rv.out.trim(), `revoked ${clientId} / 已吊销 ${clientId}`);
      db = await open();
      await assert.rejects(issueToken(db, { grantType: 'client_credentials', clientId, clientSecret: secret, ip: null }), (e: { error: string }) => e.error === 'invalid_client');
      const [r] = await db.query<{ revoked: boolean }>('SELECT revoked_at IS NOT NULL AS revoked FROM system_clients WHERE client_id = $1', [clientId]);
      assert.equal(r.revoked, true);
      await db.close();
    });
  });
}
