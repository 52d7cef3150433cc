import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../helpers/db.ts';
import { openTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import { createUser } from '../../src/modules/users/service.ts';
import { MAX_FAILED_LOGINS, sessionCookieOptions } from '../../src/platform/auth.ts';

for (const engine of ENGINES) {
  describe(`sign-in [${engine}]`, () => {
    let t: TestApp;
    before(async () => {
      t = await openTestApp(engine);
      await createUser(t.db, null, { username: 'alice', role: 'sysadmin', password: TEST_PASSWORD });
    });
    after(() => t.close());
    const login = (username: string, password: string) => t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });

    test('a good sign-in sets an HttpOnly, SameSite=Strict cookie and returns the user; me answers with role and scope', async () => {
      const r = await login('alice', TEST_PASSWORD);
      assert.equal(r.statusCode, 200);
      assert.equal(r.json().user.username, 'alice');
      assert.equal(r.json().user.role, 'sysadmin');
      const c = r.cookies.find((x) => x.name === 'meridian_session')!;
      assert.ok(c.httpOnly);
      assert.equal(c.sameSite, 'Strict');
      assert.ok(!c.secure, 'not Secure over plain HTTP');
      const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: `meridian_session=${c.value}` } });
      assert.equal(me.statusCode, 200);
      assert.deepEqual(me.json().user.scope, { regionCode: null, regionName: null, facilityCode: null, facilityName: null });
      const [s] = await t.db.query<{ token_hash: string }>('SELECT token_hash FROM sessions');
      assert.notEqual(s.token_hash, c.value, 'the token itself is not stored');
    });

    test('the cookie is Secure when served over HTTPS', () => {
      assert.equal(sessionCookieOptions('https').secure, true);
      assert.equal(sessionCookieOptions('http').secure, false);
      assert.equal(sessionCookieOptions('https').httpOnly, true);
      assert.equal(sessionCookieOptions('https').sameSite, 'strict');
    });

    test('wrong password and unknown user both answer 401 auth.invalid_credentials, and are audited', async () => {
      for (const [u, p] of [['alice', 'nope-nope-1'], ['nobody', 'whatever-1']]) {
        const r = await login(u, p);
        assert.equal(r.statusCode, 401);
        assert.equal(r.json().error.code, 'auth.invalid_credentials');
        assert.ok(r.json().error.message.zh && r.json().error.message.en);
      }
      const rows = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'auth.login' AND outcome = 'failed'");
      assert.ok(rows[0].n >= 2);
      await login('alice', TEST_PASSWORD); // reset the counter for the next test
    });

    test(`the account locks after ${MAX_FAILED_LOGINS} failures, even for the right password, until reset`, async () => {
      await createUser(t.db, null, { username: 'bob', role: 'sysadmin', password: TEST_PASSWORD });
      for (let i = 0; i < MAX_FAILED_LOGINS; i++) assert.equal((await login('bob', 'wrong-pass-1')).statusCode, 401);
      const locked = await login('bob', TEST_PASSWORD);
      assert.equal(locked.statusCode, 401);
      assert.equal(locked.json().error.code, 'auth.locked');
      const admin = (await login('alice', TEST_PASSWORD)).cookies.find((x) => x.name === 'meridian_session')!.value;
      const reset = await t.app.inject({ method: 'POST', url: '/api/users/bob/reset-password', headers: { cookie: `meridian_session=${admin}` }, payload: { password: 'New-password-2' } });
      assert.equal(reset.statusCode, 200);
      assert.equal((await login('bob', 'New-password-2')).statusCode, 200);
    });

    test('sign-out ends the session; a changed password ends the other sessions', async () => {
      const a = (await login('alice', TEST_PASSWORD)).cookies.find((x) => x.name === 'meridian_session')!.value;
      const b = (await login('alice', TEST_PASSWORD)).cookies.find((x) => x.name === 'meridian_session')!.value;
      const ch = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: { cookie: `meridian_session=${a}` }, payload: { currentPassword: TEST_PASSWORD, newPassword: 'short' } });
      assert.equal(ch.statusCode, 400);
      assert.equal(ch.json().error.fields[0].path, 'newPassword');
      const ok = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: { cookie: `meridian_session=${a}` }, payload: { currentPassword: TEST_PASSWORD, newPassword: 'Changed-pass-3' } });
      assert.equal(ok.statusCode, 200);
      assert.equal((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: `meridian_session=${b}` } })).statusCode, 401);
      assert.equal((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: `meridian_session=${a}` } })).statusCode, 200);
      assert.equal((await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: `meridian_session=${a}` } })).statusCode, 200);
      assert.equal((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: `meridian_session=${a}` } })).statusCode, 401);
    });

    test('a disabled user cannot sign in', async () => {
      await createUser(t.db, null, { username: 'carol', role: 'sysadmin', password: TEST_PASSWORD });
      const admin = (await login('alice', 'Changed-pass-3')).cookies.find((x) => x.name === 'meridian_session')!.value;
      const d = await t.app.inject({ method: 'POST', url: '/api/users/carol/disable', headers: { cookie: `meridian_session=${admin}` }, payload: { disabled: true } });
      assert.equal(d.statusCode, 200);
      assert.equal((await login('carol', TEST_PASSWORD)).statusCode, 401);
      const rows = await t.db.query<{ action: string }>("SELECT action FROM audit_log WHERE action = 'user.disable'");
      assert.equal(rows.length, 1);
    });
  });
}
