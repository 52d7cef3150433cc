// Found by the fuzz suite on PostgreSQL: POST /api/ledger/units with a regionCode that names no region
// answered 500 (a foreign-key violation reaching the error handler). The unit service now checks the
// region itself, and any integrity error that still reaches the handler answers 4xx naming the column.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../helpers/db.ts';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { buildTestCounty } from '../helpers/county.ts';
import { databaseConstraintError } from '../../src/platform/http.ts';

for (const engine of ENGINES) {
  describe(`constraint errors answer as the caller's fault [${engine}]`, () => {
    let t: TestApp;
    let admin: string;
    before(async () => {
      t = await openTestApp(engine);
      await buildTestCounty(t.db);
      admin = await t.signIn('c_admin', 'sysadmin', {});
    });
    after(() => t.close());

    test('a unit in a region that does not exist: 400 naming regionCode, nothing written', async () => {
      const r = await t.app.inject({ method: 'POST', url: '/api/ledger/units', headers: { cookie: admin }, payload: { name: '某某局', aliases: [], regionCode: '1e309' } });
      assert.equal(r.statusCode, 400, r.body);
      assert.deepEqual(r.json().error.fields.map((f: { path: string }) => f.path), ['regionCode']);
      const [{ n }] = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM gov_units WHERE name = '某某局'");
      assert.equal(n, 0);
    });

    test("the database's own errors map to 409 / 400 with the column as the field", async () => {
      const fk = await t.db.query("INSERT INTO gov_units (name, region_code) VALUES ('x局', 'nowhere')").catch((e: unknown) => e);
      const e1 = databaseConstraintError(fk);
      assert.ok(e1, String(fk));
      assert.deepEqual([e1.status, e1.code, e1.fields[0]?.path], [400, 'request.unknown_reference', 'regionCode']);
      await t.db.query("INSERT INTO gov_units (name) VALUES ('y局')");
      const dup = await t.db.query("INSERT INTO gov_units (name) VALUES ('y局')").catch((e: unknown) => e);
      const e2 = databaseConstraintError(dup);
      assert.ok(e2, String(dup));
      assert.deepEqual([e2.status, e2.code, e2.fields[0]?.path], [409, 'record.duplicate', 'name'], 'a unique violation answers as uniqueViolation does');
      assert.equal(databaseConstraintError(new Error('boom')), null, 'other errors stay 500s');
    });
  });
}
