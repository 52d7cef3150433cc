// Bad input answers 4xx naming the field, never a 500 or a stack trace.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../helpers/db.ts';
import { openTestApp, type TestApp } from '../helpers/app.ts';

for (const engine of ENGINES) {
  describe(`request validation [${engine}]`, () => {
    let t: TestApp;
    let admin: string;
    before(async () => {
      t = await openTestApp(engine);
      admin = await t.signIn('root', 'sysadmin');
    });
    after(() => t.close());
    const post = (url: string, payload: string | object, headers: Record<string, string> = {}) =>
      t.app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json', cookie: admin, ...headers } });

    const noLeak = (body: string) => {
      assert.ok(!/at .*\.(ts|js):\d+/.test(body), 'no stack trace');
      const j = JSON.parse(body);
      assert.ok(j.error.code && j.error.message.zh && j.error.message.en);
      return j;
    };

    test('malformed JSON → 400 request.malformed', async () => {
      const r = await post('/api/auth/login', '{"username": "a", ');
      assert.equal(r.statusCode, 400);
      assert.equal(noLeak(r.body).error.code, 'request.malformed');
    });

    test('wrong types → 400 request.invalid naming each field', async () => {
      const r = await post('/api/auth/login', { username: 42, password: ['x'] });
      assert.equal(r.statusCode, 400);
      const j = noLeak(r.body);
      assert.equal(j.error.code, 'request.invalid');
      const paths = j.error.fields.map((f: { path: string }) => f.path).sort();
      assert.deepEqual(paths, ['password', 'username']);
    });

    test('missing fields are named', async () => {
      const r = await post('/api/users', { username: 'newuser' });
      assert.equal(r.statusCode, 400);
      const paths = noLeak(r.body).error.fields.map((f: { path: string }) => f.path);
      assert.ok(paths.includes('role') && paths.includes('password'), paths.join());
    });

    test('unknown fields → 400 naming the field', async () => {
      const r = await post('/api/auth/login', { username: 'a', password: 'b', admin: true });
      assert.equal(r.statusCode, 400);
      assert.deepEqual(noLeak(r.body).error.fields.map((f: { path: string }) => f.path), ['admin']);
    });

    test('a 10 MB body → 413 request.too_large', async () => {
      const big = JSON.stringify({ username: 'a', password: 'x'.repeat(10 * 1024 * 1024) });
      const r = await post('/api/auth/login', big);
      assert.equal(r.statusCode, 413);
      assert.equal(noLeak(r.body).error.code, 'request.too_large');
    });

    test('a wrong content type → 415', async () => {
      const r = await post('/api/auth/login', 'username=a', { 'content-type': 'application/x-www-form-urlencoded' });
      assert.equal(r.statusCode, 415);
      noLeak(r.body);
    });

    test('an unknown API path → 404 route.not_found as JSON', async () => {
      const r = await t.app.inject({ method: 'GET', url: '/api/nothing-here', headers: { cookie: admin } });
      assert.equal(r.statusCode, 404);
      assert.equal(noLeak(r.body).error.code, 'route.not_found');
    });

    test('a weak password and a duplicate username are refused with the field named', async () => {
      const weak = await post('/api/users', { username: 'user1', role: 'sysadmin', password: 'aaaaaaaa' });
      assert.equal(weak.statusCode, 400);
      assert.equal(noLeak(weak.body).error.fields[0].path, 'password');
      const ok = await post('/api/users', { username: 'user1', role: 'sysadmin', password: 'Good-pass-1' });
      assert.equal(ok.statusCode, 201);
      const dup = await post('/api/users', { username: 'user1', role: 'sysadmin', password: 'Good-pass-1' });
      assert.equal(dup.statusCode, 409);
      assert.equal(noLeak(dup.body).error.fields[0].path, 'username');
      const scope = await post('/api/users', { username: 'user2', role: 'doctor', password: 'Good-pass-1' });
      assert.equal(scope.statusCode, 400);
      assert.equal(noLeak(scope.body).error.fields[0].path, 'facilityCode');
      // every write left exactly one audit row
      const rows = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'user.create' AND details->>'username' = 'user1'");
      assert.equal(rows[0].n, 1);
    });

    test('healthz answers ok and the OpenAPI document lists the routes', async () => {
      const h = await t.app.inject({ method: 'GET', url: '/healthz' });
      assert.deepEqual(h.json(), { status: 'ok' });
      const o = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
      assert.equal(o.statusCode, 200);
      const doc = o.json();
      assert.equal(doc.openapi, '3.0.3');
      assert.ok(doc.paths['/api/auth/login'].post);
      assert.ok(doc.paths['/api/users'].post.requestBody);
    });
  });
}
