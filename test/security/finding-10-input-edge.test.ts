// Finding 10: a NUL byte in any string answered 500. Now NUL and invalid Unicode (lone surrogates,
// invalid UTF-8 in the path, the query or a JSON body) are refused at the edge, on every route, as
// 400 request.invalid naming the field.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../helpers/db.ts';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { buildTestCounty } from '../helpers/county.ts';

for (const engine of ENGINES) {
  describe(`finding 10: NUL and invalid Unicode at the edge [${engine}]`, () => {
    let t: TestApp;
    let admin: string, coord: string, doctor: string;
    before(async () => {
      t = await openTestApp(engine);
      await buildTestCounty(t.db);
      admin = await t.signIn('admin', 'sysadmin');
      coord = await t.signIn('coord', 'coordinator', { facilityCode: 'H0001' });
      doctor = await t.signIn('doc', 'doctor', { facilityCode: 'H0001' });
    });
    after(() => t.close());
    const bad = (r: { statusCode: number; json(): { error: { code: string; fields: { path: string }[] } } }, path: string) => {
      assert.equal(r.statusCode, 400, JSON.stringify(r.json()));
      assert.equal(r.json().error.code, 'request.invalid');
      assert.ok(r.json().error.fields.some((f) => f.path === path), `${path} named in ${JSON.stringify(r.json().error.fields)}`);
    };

    test('NUL in a query, a path parameter and JSON bodies: 400 naming the field (formerly 500)', async () => {
      bad(await t.app.inject({ method: 'GET', url: '/api/residents?q=%00', headers: { cookie: admin } }), 'query.q');
      bad(await t.app.inject({ method: 'GET', url: '/api/facilities/%00', headers: { cookie: admin } }), 'params');
      bad(await t.app.inject({ method: 'GET', url: '/api/scheduling/schedules?facilityCode=H%0001', headers: { cookie: coord } }), 'query.facilityCode');
      bad(await t.app.inject({ method: 'POST', url: '/api/scheduling/wards', headers: { cookie: coord }, payload: { facilityCode: 'H0001', name: 'a\u0000b', department: '内科', kind: 'general', beds: 2 } }), 'name');
      bad(await t.app.inject({ method: 'POST', url: '/api/records/00000000-0000-4000-8000-000000000000/break-glass', headers: { cookie: doctor }, payload: { reason: '急诊\u0000抢救' } }), 'reason');
      bad(await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ad\u0000min', password: 'x' } }), 'username');
    });

    test('nested fields are named by their path', async () => {
      const r = await t.app.inject({ method: 'POST', url: '/api/scheduling/schedules', headers: { cookie: coord }, payload: { facilityCode: 'H0001', kind: 'department', department: '内科', pattern: [{ note: 'x\u0000' }] } });
      bad(r, 'pattern.0.note');
    });

    test('lone surrogates in JSON and invalid UTF-8 in the path, query or body: 400', async () => {
      bad(await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username":"\\ud800x","password":"p"}' }), 'username');
      bad(await t.app.inject({ method: 'GET', url: '/api/residents?q=%C3%28', headers: { cookie: admin } }), 'query.q');
      bad(await t.app.inject({ method: 'GET', url: '/api/facilities/%E4%B8', headers: { cookie: admin } }), 'params');
      bad(await t.app.inject({ method: 'GET', url: '/api/residents?q=%ED%A0%80', headers: { cookie: admin } }), 'query.q');
      const body = Buffer.concat([Buffer.from('{"username":"'), Buffer.from([0xc3, 0x28]), Buffer.from('","password":"p"}')]);
      bad(await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: body }), 'body');
    });

    test('well-formed text of every plane passes through', async () => {
      const r = await t.app.inject({ method: 'GET', url: `/api/residents?q=${encodeURIComponent('𠀀王')}`, headers: { cookie: admin } });
      assert.equal(r.statusCode, 200, r.body);
    });
  });
}
