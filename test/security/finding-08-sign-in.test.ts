// Finding 8: parallel wrong passwords bypassed the lock; the lock told which phones have resident
// accounts; five requests locked anyone (the sysadmin too) out for 15 minutes from everywhere.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../helpers/db.ts';
import { openTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import { buildTestCounty, VILLAGE_A } from '../helpers/county.ts';
import { createUser } from '../../src/modules/users/service.ts';
import { hashPassword, MAX_FAILED_LOGINS } from '../../src/platform/auth.ts';
import { makeIdNumber } from '../../src/modules/registry/id-number.ts';

const RESIDENT_PHONE = '13912345678';
const NOBODY_PHONE = '13987654321';

for (const engine of ENGINES) {
  describe(`finding 8: sign-in throttle [${engine}]`, () => {
    let t: TestApp;
    before(async () => {
      t = await openTestApp(engine);
      await buildTestCounty(t.db);
      for (const u of ['root', 'root2', 'racer']) await createUser(t.db, null, { username: u, role: 'sysadmin', password: TEST_PASSWORD });
      const admin = await t.signIn('registrar', 'sysadmin');
      const r = await t.app.inject({ method: 'POST', url: '/api/residents', headers: { cookie: admin }, payload: { idType: 'resident_id', idNumber: makeIdNumber('371003', '1960-03-03', '123'), name: '孙阿姨', villageCode: VILLAGE_A, phone: RESIDENT_PHONE } });
      assert.equal(r.statusCode, 201, r.body);
      await t.db.query(`INSERT INTO users (username, display_name, password_hash, role, resident_id) VALUES ('r-sun', '孙阿姨', $1, 'resident', $2)`, [await hashPassword(TEST_PASSWORD), r.json().resident.id]);
    });
    after(() => t.close());
    const login = (username: string, password: string, ip = '127.0.0.1') =>
      t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress: ip });
    const checked = async (username: string) => (await t.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_log WHERE action = 'auth.login' AND username = $1 AND details->>'reason' = 'wrong_password'", [username]))[0].n;

    test(`24 concurrent wrong passwords: at most ${MAX_FAILED_LOGINS} are checked, the rest refused as auth.locked`, async () => {
      const rs = await Promise.all(Array.from({ length: 24 }, (_, i) => login('racer', `wrong-pass-${i}`, '10.8.0.1')));
      assert.ok(rs.every((r) => r.statusCode === 401));
      const codes = rs.map((r) => r.json().error.code);
      assert.equal(codes.filter((c) => c === 'auth.invalid_credentials').length, MAX_FAILED_LOGINS, codes.join(' '));
      assert.equal(codes.filter((c) => c === 'auth.locked').length, 24 - MAX_FAILED_LOGINS);
      assert.equal(await checked('racer'), MAX_FAILED_LOGINS, 'only the claimed attempts reached the password check');
      // the right password from that address waits too; from another address it signs in
      assert.equal((await login('racer', TEST_PASSWORD, '10.8.0.1')).json().error.code, 'auth.locked');
      assert.equal((await login('racer', TEST_PASSWORD, '10.8.0.2')).statusCode, 200);
    });

    test('five wrong passwords from one address do not lock the sysadmin out from another', async () => {
      for (let i = 0; i < 5; i++) assert.equal((await login('root', 'wrong-pass-1', '203.0.113.9')).json().error.code, 'auth.invalid_credentials');
      assert.equal((await login('root', TEST_PASSWORD, '203.0.113.9')).json().error.code, 'auth.locked');
      const ok = await login('root', TEST_PASSWORD, '192.0.2.10');
      assert.equal(ok.statusCode, 200, ok.body);
    });

    test('the delay grows: 30 s after the fifth attempt, then 60 s, then 120 s; a right password ends the count', async () => {
      const ip = '198.51.100.7';
      const wait = async () => (await t.db.query<{ s: number }>(
        "SELECT round(extract(epoch FROM t.not_before - now()))::int AS s FROM login_throttle t JOIN users u ON t.subject = 'u:' || u.id WHERE u.username = 'root2' AND t.ip = $1", [ip]))[0].s;
      const expire = () => t.db.query("UPDATE login_throttle SET not_before = now() - interval '1 second' WHERE ip = $1", [ip]);
      for (let i = 0; i < 4; i++) await login('root2', 'wrong-pass-1', ip);
      assert.equal(await wait(), 0, 'four attempts pass without a wait');
      await login('root2', 'wrong-pass-1', ip);
      assert.ok(Math.abs((await wait()) - 30) <= 2, 'fifth: 30 s');
      await expire();
      assert.equal((await login('root2', 'wrong-pass-1', ip)).json().error.code, 'auth.invalid_credentials', 'checked again once the wait is over');
      assert.ok(Math.abs((await wait()) - 60) <= 2, 'sixth: 60 s');
      await expire();
      await login('root2', 'wrong-pass-1', ip);
      assert.ok(Math.abs((await wait()) - 120) <= 2, 'seventh: 120 s');
      await expire();
      assert.equal((await login('root2', TEST_PASSWORD, ip)).statusCode, 200);
      const rows = await t.db.query("SELECT 1 FROM login_throttle WHERE ip = $1", [ip]);
      assert.equal(rows.length, 0, 'the count ends with a right password');
    });

    test('a phone with a resident account and a phone without one get the same answers, and similar timing', async () => {
      const seq = async (u: string, ip: string) => {
        const out: string[] = [];
        for (let i = 0; i < 7; i++) {
          const r = await login(u, 'wrong-pass-1', ip);
          out.push(`${r.statusCode} ${JSON.stringify(r.json().error).replace(/\d+ (秒|s)/g, 'N')}`);
        }
        return out;
      };
      const known = await seq(RESIDENT_PHONE, '10.9.0.1');
      const unknown = await seq(NOBODY_PHONE, '10.9.0.2');
      assert.deepEqual(unknown, known);
      assert.ok(known.at(-1)!.includes('auth.locked'), 'both are throttled alike');
      // Timing: both paths verify an Argon2 hash (a dummy one for an unknown name).
      const time = async (u: string, ip: string) => {
        const ms: number[] = [];
        for (let i = 0; i < 3; i++) {
          const s = performance.now();
          await login(u, 'wrong-pass-1', `${ip}${i}`);
          ms.push(performance.now() - s);
        }
        return ms.sort((a, b) => a - b)[1];
      };
      const k = await time(RESIDENT_PHONE, '10.10.0.');
      const n = await time(NOBODY_PHONE, '10.11.0.');
      assert.ok(n > k * 0.5 && n < k * 2, `median ${n.toFixed(1)} ms (unknown) vs ${k.toFixed(1)} ms (known)`);
    });
  });
}
