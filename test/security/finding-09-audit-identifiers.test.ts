// Finding 9: a failed sign-in by an unknown ID number or phone kept it in clear as audit_log.username.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../helpers/db.ts';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { makeIdNumber } from '../../src/modules/registry/id-number.ts';
import { lookupHash } from '../../src/platform/crypto.ts';

for (const engine of ENGINES) {
  describe(`finding 9: unknown identifiers never in clear in the audit [${engine}]`, () => {
    let t: TestApp;
    before(async () => { t = await openTestApp(engine); });
    after(() => t.close());

    test('a failed sign-in by an unknown ID number or phone stores a keyed hash, never the text', async () => {
      const idNumber = makeIdNumber('371003', '1979-11-27', '767');
      const phone = '13800138000';
      for (const u of [idNumber, phone, 'no-such-user']) {
        const r = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: u, password: 'Wrong-pass-1' } });
        assert.equal(r.json().error.code, 'auth.invalid_credentials');
      }
      const rows = await t.db.query<{ username: string | null; details: { loginHash?: string } }>("SELECT username, details FROM audit_log WHERE action = 'auth.login' ORDER BY id");
      assert.equal(rows.length, 3);
      const all = JSON.stringify(await t.db.query('SELECT * FROM audit_log'));
      for (const clear of [idNumber, phone, 'no-such-user', idNumber.slice(0, 14)]) assert.ok(!all.includes(clear), `${clear} is not stored`);
      assert.deepEqual(rows.map((r) => r.username), [null, null, null]);
      assert.deepEqual(rows.map((r) => r.details.loginHash), [idNumber, phone, 'no-such-user'].map((v) => lookupHash(t.keys, v)));
    });
  });
}
