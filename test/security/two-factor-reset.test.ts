// A lost authenticator: another administrator (or the operator, by `meridian user reset-2fa`) removes
// it with a reason. The user's sessions end, the old codes and recovery codes stop working, and the
// next sign-in with the password gives a session limited to enrolling a new one. Nobody resets their own.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Secret, TOTP } from 'otpauth';
import { ENGINES, openTestDb, type TestDb } from '../helpers/db.ts';
import { TEST_PASSWORD } from '../helpers/app.ts';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createUser } from '../../src/modules/users/service.ts';
import { resetSecondFactor } from '../../src/modules/auth/service.ts';
import { buildTestCounty } from '../helpers/county.ts';
import type { App } from '../../src/platform/http.ts';

const codeAt = (secret: string, offsetSteps = 0) => new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: Date.now() + offsetSteps * 30_000 });
const cookieOf = (r: { cookies: { name: string; value: string }[] }) => `meridian_session=${r.cookies.find((c) => c.name === 'meridian_session')!.value}`;

for (const engine of ENGINES) {
  describe(`resetting a lost second factor [${engine}]`, () => {
    let d: TestDb;
    let app: App;
    const secrets = new Map<string, string>();
    const recovery = new Map<string, string[]>();
    const login = (username: string) => app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: TEST_PASSWORD } });
    const post = (cookie: string, url: string, payload: object) => app.inject({ method: 'POST', url, headers: { cookie }, payload });
    /** Signs in an enrolled user with both factors (a code of the given step offset, each used once). */
    async function fullSignIn(username: string, step: number): Promise<string> {
      const r = await login(username);
      assert.equal(r.json().mfaRequired, true, r.body);
      const m = await post(cookieOf(r), '/api/auth/mfa', { code: codeAt(secrets.get(username)!, step) });
      assert.equal(m.statusCode, 200, m.body);
      return cookieOf(m);
    }

    before(async () => {
      d = await openTestDb(engine);
      app = await buildApp({ config: loadConfig({ MERIDIAN_DATA_DIR: '/nonexistent-test-dir', MERIDIAN_SECRET_KEY: 'x'.repeat(32), MERIDIAN_2FA_GRACE_DAYS: '0' }), db: d.db, keys: d.keys }, { loginRateLimit: 1000 });
      await buildTestCounty(d.db);
      for (const [username, role] of [['adm1', 'sysadmin'], ['adm2', 'sysadmin'], ['off', 'officer'], ['mgr', 'manager']] as const) {
        await createUser(d.db, null, { username, role, regionCode: role === 'sysadmin' ? null : '371003', password: TEST_PASSWORD });
        // Enrol: the first sign-in (grace 0) is limited to enrolment.
        const c = cookieOf(await login(username));
        const e = await post(c, '/api/auth/2fa/enrol', { password: TEST_PASSWORD });
        assert.equal(e.statusCode, 200, e.body);
        secrets.set(username, e.json().secret);
        const ok = await post(c, '/api/auth/2fa/confirm', { code: codeAt(e.json().secret, -1) });
        assert.equal(ok.statusCode, 200, ok.body);
        recovery.set(username, ok.json().recoveryCodes);
      }
    });
    after(async () => { await app.close(); await d.close(); });

    test('refusals: no reason (400 naming reason), one\'s own (403), an unknown user (404), a non-administrator (403); nothing changes', async () => {
      const adm1 = await fullSignIn('adm1', 0);
      const noReason = await post(adm1, '/api/auth/2fa/reset', { username: 'off', reason: '  ' });
      assert.equal(noReason.statusCode, 400, noReason.body);
      assert.deepEqual(noReason.json().error.fields.map((f: { path: string }) => f.path), ['reason']);
      assert.equal((await post(adm1, '/api/auth/2fa/reset', { username: 'adm1', reason: '手机丢失' })).statusCode, 403);
      assert.equal((await post(adm1, '/api/auth/2fa/reset', { username: 'nobody', reason: '手机丢失' })).statusCode, 404);
      const mgr = await fullSignIn('mgr', 0);
      assert.equal((await post(mgr, '/api/auth/2fa/reset', { username: 'off', reason: '手机丢失' })).statusCode, 403);
      const [{ n }] = await d.db.query<{ n: number }>('SELECT count(*)::int AS n FROM user_totp WHERE confirmed_at IS NOT NULL');
      assert.equal(n, 4, 'every authenticator still there');
    });

    test('another administrator resets the officer: sessions end, old codes and recovery codes are refused, the next sign-in must enrol anew; audited with the reason', async () => {
      const officer = await fullSignIn('off', 1);
      assert.equal((await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: officer } })).statusCode, 200);
      const adm2 = await fullSignIn('adm2', 0);
      const r = await post(adm2, '/api/auth/2fa/reset', { username: 'off', reason: '手机丢失，本人电话核实' });
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.json().hadAuthenticator, true);
      assert.ok(r.json().sessionsEnded >= 1, r.body);
      assert.equal((await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: officer } })).statusCode, 401, 'the old session has ended');

      const again = await login('off');
      assert.equal(again.statusCode, 200, again.body);
      assert.equal(again.json().mfaRequired, undefined, 'no second factor is asked: there is none');
      assert.deepEqual({ enrolled: again.json().twoFactor.enrolled, overdue: again.json().twoFactor.enrolmentOverdue }, { enrolled: false, overdue: true });
      const c = cookieOf(again);
      const blocked = await app.inject({ method: 'GET', url: '/api/indicators/catalogue', headers: { cookie: c } });
      assert.equal(blocked.json().error?.code, 'auth.2fa_enrolment_required', 'the session is limited to enrolment');
      // The lost phone's codes and the old recovery codes no longer open anything.
      const oldCode = await post(c, '/api/auth/2fa/confirm', { code: codeAt(secrets.get('off')!, 2) });
      assert.notEqual(oldCode.statusCode, 200);
      const [{ left }] = await d.db.query<{ left: number }>("SELECT count(*)::int AS left FROM user_recovery_codes rc JOIN users u ON u.id = rc.user_id WHERE u.username = 'off'");
      assert.equal(left, 0);

      const rows = await d.db.query<{ username: string; details: { user: string; reason: string; hadAuthenticator: boolean } }>("SELECT username, details FROM audit_log WHERE action = 'auth.2fa_reset'");
      assert.deepEqual(rows.map((x) => [x.username, x.details.user, x.details.reason, x.details.hadAuthenticator]), [['adm2', 'off', '手机丢失，本人电话核实', true]]);
    });

    test('the operator (CLI, no principal) may reset the only administrator\'s own factor', async () => {
      const r = await resetSecondFactor({ db: d.db }, null, 'adm1', 'only administrator lost the phone');
      assert.equal(r.hadAuthenticator, true);
      const [row] = await d.db.query<{ username: string }>("SELECT username FROM audit_log WHERE action = 'auth.2fa_reset' AND details->>'user' = 'adm1'");
      assert.equal(row.username, 'cli');
    });
  });
}
