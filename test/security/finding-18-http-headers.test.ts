// Finding 18: no Cache-Control: no-store on personal data, no CSP or frame-ancestors, trustProxy
// hard-coded off (the cookie never Secure behind a TLS proxy), body-less POSTs accepted as
// text/plain from any origin.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, openTestDb, type TestDb } from '../helpers/db.ts';
import { openTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createUser } from '../../src/modules/users/service.ts';
import type { App } from '../../src/platform/http.ts';

for (const engine of ENGINES) {
  describe(`finding 18: HTTP hardening [${engine}]`, () => {
    let t: TestApp;
    let admin: string;
    before(async () => {
      t = await openTestApp(engine);
      admin = await t.signIn('admin', 'sysadmin');
    });
    after(() => t.close());

    test('every /api answer is no-store and carries CSP (frame-ancestors none), nosniff and Referrer-Policy', async () => {
      for (const r of [
        await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: admin } }),
        await t.app.inject({ method: 'GET', url: '/api/auth/me' }),
        await t.app.inject({ method: 'GET', url: '/api/users', headers: { cookie: admin } }),
        await t.app.inject({ method: 'GET', url: '/api/no-such-route' }),
      ]) {
        assert.equal(r.headers['cache-control'], 'no-store', r.raw.req.url);
        assert.match(String(r.headers['content-security-policy']), /frame-ancestors 'none'/);
        assert.match(String(r.headers['content-security-policy']), /default-src 'self'/);
        assert.equal(r.headers['x-content-type-options'], 'nosniff');
        assert.equal(r.headers['referrer-policy'], 'no-referrer');
        assert.equal(r.headers['x-frame-options'], 'DENY');
      }
      const h = await t.app.inject({ method: 'GET', url: '/healthz' });
      assert.match(String(h.headers['content-security-policy']), /frame-ancestors 'none'/);
    });

    test('a state-changing request from a foreign Origin is refused (403); our own origin passes', async () => {
      const foreign = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: admin, origin: 'https://evil.example' } });
      assert.equal(foreign.statusCode, 403);
      assert.equal(foreign.json().error.code, 'request.foreign_origin');
      const crossSite = await t.app.inject({ method: 'POST', url: '/api/users/admin/disable', headers: { cookie: admin, 'sec-fetch-site': 'cross-site' }, payload: { disabled: true } });
      assert.equal(crossSite.statusCode, 403);
      const own = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: admin, origin: 'https://evil.example' } });
      assert.equal(own.statusCode, 200, 'reads are not refused for an Origin');
      const same = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { origin: 'http://localhost:80', host: 'localhost:80' }, payload: { username: 'admin', password: TEST_PASSWORD } });
      assert.equal(same.statusCode, 200, same.body);
    });

    test('state-changing requests with a non-JSON body are refused (415), body-less text/plain too', async () => {
      const plain = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: admin, 'content-type': 'text/plain' } });
      assert.equal(plain.statusCode, 415);
      assert.equal(plain.json().error.code, 'request.unsupported_media_type');
      const form = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'username=admin&password=x' });
      assert.equal(form.statusCode, 415);
      const multipart = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'multipart/form-data; boundary=x' }, payload: '--x--' });
      assert.equal(multipart.statusCode, 415);
      const untyped = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: Buffer.from('{"username":"admin","password":"x"}'), headers: { 'content-type': '' } });
      assert.equal(untyped.statusCode, 415);
      // a body-less POST without a type is what a script sends to sign out: accepted
      const bare = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: admin } });
      assert.equal(bare.statusCode, 200, bare.body);
    });
  });

  describe(`finding 18: TRUST_PROXY [${engine}]`, () => {
    let d: TestDb;
    let proxied: App, direct: App;
    before(async () => {
      d = await openTestDb(engine);
      await createUser(d.db, null, { username: 'behind', role: 'sysadmin', password: TEST_PASSWORD });
      const base = { MERIDIAN_DATA_DIR: '/nonexistent-test-dir', MERIDIAN_SECRET_KEY: 'x'.repeat(32) };
      proxied = await buildApp({ config: loadConfig({ ...base, TRUST_PROXY: '127.0.0.1' }), db: d.db, keys: d.keys }, { loginRateLimit: 1000 });
      direct = await buildApp({ config: loadConfig(base), db: d.db, keys: d.keys }, { loginRateLimit: 1000 });
    });
    after(async () => { await proxied.close(); await direct.close(); await d.close(); });
    const viaProxy = (app: App) => app.inject({
      method: 'POST', url: '/api/auth/login', remoteAddress: '127.0.0.1',
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '198.51.100.23', 'x-forwarded-host': 'meridian.example', origin: 'https://meridian.example' },
      payload: { username: 'behind', password: TEST_PASSWORD },
    });

    test('behind a trusted TLS proxy the cookie is Secure and the client address is the forwarded one', async () => {
      const r = await viaProxy(proxied);
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.cookies.find((c) => c.name === 'meridian_session')!.secure, true);
      const [s] = await d.db.query<{ ip: string }>('SELECT ip FROM sessions ORDER BY created_at DESC LIMIT 1');
      assert.equal(s.ip, '198.51.100.23');
    });

    test('without TRUST_PROXY the forwarded headers are ignored (and their Origin is foreign)', async () => {
      const r = await viaProxy(direct);
      assert.equal(r.statusCode, 403);
      const plain = await direct.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '198.51.100.23' }, payload: { username: 'behind', password: TEST_PASSWORD } });
      assert.equal(plain.statusCode, 200);
      assert.ok(!plain.cookies.find((c) => c.name === 'meridian_session')!.secure);
      const [s] = await d.db.query<{ ip: string }>('SELECT ip FROM sessions ORDER BY created_at DESC LIMIT 1');
      assert.equal(s.ip, '127.0.0.1');
    });

    test('a bad TRUST_PROXY is refused at start', () => {
      assert.throws(() => loadConfig({ TRUST_PROXY: 'everyone' }), /TRUST_PROXY/);
    });
  });
}
