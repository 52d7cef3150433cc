// Two-factor sign-in (MLPS 2.0 level 3) for sysadmin, manager, officer and the insurance auditor: TOTP (RFC 6238)
// enrolment with a first code, one-time recovery codes, the second step after the password, and
// a session limited to enrolment for an account past its grace period.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Secret, TOTP } from 'otpauth';
import { ENGINES, openTestDb, type TestDb } from '../helpers/db.ts';
import { TEST_PASSWORD } from '../helpers/app.ts';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createUser } from '../../src/modules/users/service.ts';
import { buildTestCounty } from '../helpers/county.ts';
import type { App } from '../../src/platform/http.ts';

const codeAt = (secret: string, offsetSteps = 0) => new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: Date.now() + offsetSteps * 30_000 });

for (const engine of ENGINES) {
  describe(`two-factor sign-in [${engine}]`, () => {
    let d: TestDb;
    let app: App;
    before(async () => {
      d = await openTestDb(engine);
      // No grace period: an officer must enrol at their first sign-in.
      app = await buildApp({ config: loadConfig({ MERIDIAN_DATA_DIR: '/nonexistent-test-dir', MERIDIAN_SECRET_KEY: 'x'.repeat(32), MERIDIAN_2FA_GRACE_DAYS: '0' }), db: d.db, keys: d.keys }, { loginRateLimit: 1000 });
      await buildTestCounty(d.db);
      await createUser(d.db, null, { username: 'off', role: 'officer', regionCode: '371003', password: TEST_PASSWORD });
      await createUser(d.db, null, { username: 'mgr', role: 'manager', regionCode: '371003', password: TEST_PASSWORD });
      await createUser(d.db, null, { username: 'doc', role: 'doctor', facilityCode: 'H0001', password: TEST_PASSWORD });
      await createUser(d.db, null, { username: 'ybj', role: 'insurance_auditor', regionCode: '371003', password: TEST_PASSWORD });
    });
    after(async () => { await app.close(); await d.close(); });
    const login = (username: string, password = TEST_PASSWORD) => app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
    const cookieOf = (r: { cookies: { name: string; value: string }[] }) => `meridian_session=${r.cookies.find((c) => c.name === 'meridian_session')!.value}`;

    test('a doctor signs in as before: 200, the cookie, the user; no second factor asked', async () => {
      const r = await login('doc');
      assert.equal(r.statusCode, 200);
      assert.equal(r.json().user.username, 'doc');
      assert.equal(r.json().mfaRequired, undefined);
      assert.equal(r.json().twoFactor.required, false);
      assert.equal((await app.inject({ method: 'GET', url: '/api/users', headers: { cookie: cookieOf(r) } })).statusCode, 403, 'a doctor is not an admin (role guard unchanged)');
    });

    test('an insurance auditor (who reads every settlement of the county) is held to two factors too: past the grace period, no settlement list until enrolled', async () => {
      const r = await login('ybj');
      assert.equal(r.statusCode, 200);
      assert.deepEqual([r.json().twoFactor.required, r.json().twoFactor.enrolmentOverdue], [true, true]);
      const blocked = await app.inject({ method: 'GET', url: '/api/insurance/settlements?from=2025-01-01&to=2025-12-31', headers: { cookie: cookieOf(r) } });
      assert.deepEqual([blocked.statusCode, blocked.json().error.code], [403, 'auth.2fa_enrolment_required']);
    });

    let secret = '';
    let recovery: string[] = [];
    test('an officer past the grace period gets a session limited to enrolment, enrols with a first code, and is then fully signed in', async () => {
      const r = await login('off');
      assert.equal(r.statusCode, 200);
      assert.equal(r.json().user.username, 'off');
      assert.deepEqual({ ...r.json().twoFactor, enrolmentDue: null }, { enrolled: false, required: true, enrolmentDue: null, enrolmentOverdue: true, recoveryCodesLeft: 0 });
      const c = cookieOf(r);
      const blocked = await app.inject({ method: 'GET', url: '/api/indicators/catalogue', headers: { cookie: c } });
      assert.equal(blocked.statusCode, 403);
      assert.equal(blocked.json().error.code, 'auth.2fa_enrolment_required');
      assert.equal((await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: c } })).statusCode, 200);
      const wrongPw = await app.inject({ method: 'POST', url: '/api/auth/2fa/enrol', headers: { cookie: c }, payload: { password: 'Wrong-pass-1' } });
      assert.equal(wrongPw.statusCode, 400);
      const e = await app.inject({ method: 'POST', url: '/api/auth/2fa/enrol', headers: { cookie: c }, payload: { password: TEST_PASSWORD } });
      assert.equal(e.statusCode, 200, e.body);
      secret = e.json().secret;
      assert.match(secret, /^[A-Z2-7]{32}$/);
      assert.equal(e.json().otpauthUri, `otpauth://totp/Meridian:off?issuer=Meridian&secret=${secret}&algorithm=SHA1&digits=6&period=30`);
      assert.match(e.json().qrSvg, /^<svg[\s\S]*<\/svg>\s*$/);
      const [stored] = await d.db.query<{ pending_secret_enc: string }>('SELECT pending_secret_enc FROM user_totp');
      assert.ok(!stored.pending_secret_enc.includes(secret), 'the secret is stored encrypted');
      const bad = await app.inject({ method: 'POST', url: '/api/auth/2fa/confirm', headers: { cookie: c }, payload: { code: codeAt(secret, 5) } });
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().error.fields[0].path, 'code');
      const ok = await app.inject({ method: 'POST', url: '/api/auth/2fa/confirm', headers: { cookie: c }, payload: { code: codeAt(secret) } });
      assert.equal(ok.statusCode, 200, ok.body);
      recovery = ok.json().recoveryCodes;
      assert.equal(recovery.length, 10);
      assert.equal(new Set(recovery).size, 10);
      const hashes = JSON.stringify(await d.db.query('SELECT * FROM user_recovery_codes'));
      for (const x of recovery) assert.ok(!hashes.includes(x) && !hashes.includes(x.replace('-', '')), 'recovery codes stored hashed');
      assert.equal((await app.inject({ method: 'GET', url: '/api/indicators/catalogue', headers: { cookie: c } })).statusCode, 200, 'the session is now a full one');
    });

    test('sign-in then asks the second factor: no session before it; a code is accepted once; five wrong codes end the attempt', async () => {
      const r = await login('off');
      assert.equal(r.statusCode, 200);
      assert.deepEqual(r.json(), { mfaRequired: true });
      const pending = cookieOf(r);
      assert.equal((await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: pending } })).statusCode, 401, 'the pending session opens nothing');
      const wrong = await app.inject({ method: 'POST', url: '/api/auth/mfa', headers: { cookie: pending }, payload: { code: codeAt(secret, 10) } });
      assert.equal(wrong.statusCode, 401);
      assert.equal(wrong.json().error.code, 'auth.invalid_code');
      // the step of the confirming code is used: the next step's code signs in
      const code = codeAt(secret, 1);
      const ok = await app.inject({ method: 'POST', url: '/api/auth/mfa', headers: { cookie: pending }, payload: { code } });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().user.username, 'off');
      const full = cookieOf(ok);
      assert.equal((await app.inject({ method: 'GET', url: '/api/indicators/catalogue', headers: { cookie: full } })).statusCode, 200);
      assert.equal((await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: pending } })).statusCode, 401, 'the pending token is spent');
      // replay of the same code on a new attempt
      const again = await login('off');
      const replay = await app.inject({ method: 'POST', url: '/api/auth/mfa', headers: { cookie: cookieOf(again) }, payload: { code } });
      assert.equal(replay.statusCode, 401);
      assert.equal(replay.json().error.code, 'auth.invalid_code');
      // codes count in the sign-in throttle like passwords: from one address, the fifth attempt starts the wait
      await d.db.query('DELETE FROM login_throttle');
      const p1 = cookieOf(await login('off'));
      const codes: string[] = [];
      for (let i = 0; i < 5; i++) codes.push((await app.inject({ method: 'POST', url: '/api/auth/mfa', headers: { cookie: p1 }, payload: { code: '000000' } })).json().error.code);
      assert.deepEqual(codes, ['auth.invalid_code', 'auth.invalid_code', 'auth.invalid_code', 'auth.invalid_code', 'auth.locked']);
      // and five wrong codes end the pending session, even from five addresses
      await d.db.query('DELETE FROM login_throttle');
      const p2 = cookieOf(await login('off'));
      for (let i = 0; i < 5; i++) await app.inject({ method: 'POST', url: '/api/auth/mfa', headers: { cookie: p2 }, payload: { code: '000000' }, remoteAddress: `10.20.0.${i + 1}` });
      const after5 = await app.inject({ method: 'POST', url: '/api/auth/mfa', headers: { cookie: p2 }, payload: { code: recovery[0] }, remoteAddress: '10.20.0.9' });
      assert.equal(after5.statusCode, 401);
      assert.equal(after5.json().error.code, 'auth.mfa_session_expired');
      await d.db.query('DELETE FROM login_throttle');
    });

    test('a recovery code signs in once', async () => {
      const p = cookieOf(await login('off'));
      const ok = await app.inject({ method: 'POST', url: '/api/auth/mfa', headers: { cookie: p }, payload: { code: recovery[1].toLowerCase() } });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().twoFactor.recoveryCodesLeft, 9);
      const p2 = cookieOf(await login('off'));
      const twice = await app.inject({ method: 'POST', url: '/api/auth/mfa', headers: { cookie: p2 }, payload: { code: recovery[1] } });
      assert.equal(twice.statusCode, 401);
      const audit = await d.db.query<{ outcome: string; details: { kind: string } }>("SELECT outcome, details FROM audit_log WHERE action = 'auth.second_factor' ORDER BY id");
      assert.deepEqual(audit.map((a) => `${a.outcome}:${a.details.kind}`).slice(-2), ['ok:recovery_code', 'failed:recovery_code']);
    });

    test('the second factor is not asked of callers that do not need it, and not required when MERIDIAN_REQUIRE_2FA=off', async () => {
      const off = await buildApp({ config: loadConfig({ MERIDIAN_DATA_DIR: '/nonexistent-test-dir', MERIDIAN_SECRET_KEY: 'x'.repeat(32), MERIDIAN_2FA_GRACE_DAYS: '0', MERIDIAN_REQUIRE_2FA: 'off' }), db: d.db, keys: d.keys }, { loginRateLimit: 1000 });
      try {
        const r = await off.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'mgr', password: TEST_PASSWORD } });
        assert.equal(r.statusCode, 200);
        assert.equal(r.json().twoFactor.required, false);
        assert.equal((await off.inject({ method: 'GET', url: '/api/indicators/catalogue', headers: { cookie: cookieOf(r) } })).statusCode, 200);
      } finally {
        await off.close();
      }
      // within the grace period (the default 7 days from the account's creation) a manager signs in fully, told the date
      const graceApp = await buildApp({ config: loadConfig({ MERIDIAN_DATA_DIR: '/nonexistent-test-dir', MERIDIAN_SECRET_KEY: 'x'.repeat(32) }), db: d.db, keys: d.keys }, { loginRateLimit: 1000 });
      try {
        const r = await graceApp.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'mgr', password: TEST_PASSWORD } });
        assert.equal(r.json().twoFactor.required, true);
        assert.equal(r.json().twoFactor.enrolmentOverdue, false);
        const due = Date.parse(r.json().twoFactor.enrolmentDue) - Date.now();
        assert.ok(due > 6.9 * 86_400_000 && due <= 7 * 86_400_000);
      } finally {
        await graceApp.close();
      }
    });
  });
}
