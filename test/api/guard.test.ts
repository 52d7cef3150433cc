// Every registered /api route is guarded: 401 without a session, 403 for a role it does not list;
// a facility system (Bearer token) is admitted only where the route lists 'system'.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../helpers/db.ts';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { buildFacility, buildRegion } from '../helpers/factories.ts';
import { DUPLICATE_REVIEWERS, INDEX_READERS, RESIDENT_ACCOUNT_ISSUERS, ROLES, type PrincipalRole, type Role } from '../../src/shared/roles.ts';
import { createClient } from '../../src/modules/auth/clients.ts';

// The error code of an answer: the JSON API's {error: {code}}, or the FHIR face's OperationOutcome (details.coding).
const codeOf = (url: string, body: { error?: { code: string }; issue?: { details?: { coding?: { code: string }[] } }[] }) =>
  (url.startsWith('/fhir/') ? body.issue?.[0]?.details?.coding?.[0]?.code : body.error?.code);

// Fill path parameters with well-formed values, so that a request reaches the guard and not a 404.
const fill = (url: string) => url.replace(/:([A-Za-z]+)/g, (_m, name: string) => (/id$/i.test(name) ? '00000000-0000-4000-8000-000000000000' : 'x'));

for (const engine of ENGINES) {
  describe(`route guard [${engine}]`, () => {
    let t: TestApp;
    const cookies = new Map<Role, string>();
    let systemToken: string;
    before(async () => {
      t = await openTestApp(engine);
      await buildRegion(t.db, { code: '37', name: '山东省', level: 'province' });
      await buildFacility(t.db, { code: 'F0001', name: '测试医院', tier: 'county', kind: 'general_hospital', regionCode: '37' });
      for (const role of ROLES) {
        const needsFacility = ['doctor', 'nurse', 'village_doctor', 'coordinator', 'diagnostician'].includes(role);
        const needsRegion = ['officer', 'manager', 'public_health', 'pharmacist', 'insurance_auditor'].includes(role);
        cookies.set(role, await t.signIn(`g_${role}`, role, { regionCode: needsRegion ? '37' : undefined, facilityCode: needsFacility ? 'F0001' : undefined }));
      }
      const c = await createClient(t.db, null, { facilityCode: 'F0001', name: 'HIS' });
      const tok = await t.app.inject({ method: 'POST', url: '/oauth/token', payload: { grant_type: 'client_credentials', client_id: c.client.clientId, client_secret: c.clientSecret } });
      systemToken = tok.json().access_token;
    });
    after(() => t.close());

    test('the route table lists the routes and every one declares its access', () => {
      assert.ok(t.app.routeTable.length >= 6, `only ${t.app.routeTable.length} routes`);
      assert.ok(t.app.routeTable.some((r) => r.url === '/api/auth/login' && r.access === 'public'));
      for (const r of t.app.routeTable) assert.ok(r.access === 'public' || r.access === 'signed-in' || Array.isArray(r.access), `${r.method} ${r.url}`);
    });

    test('every non-public route answers 401 without a session', async () => {
      for (const r of t.app.routeTable.filter((x) => x.access !== 'public')) {
        const res = await t.app.inject({ method: r.method as 'GET', url: fill(r.url), payload: r.method === 'GET' ? undefined : {} });
        assert.equal(res.statusCode, 401, `${r.method} ${r.url} → ${res.statusCode} ${res.body}`);
        assert.equal(codeOf(r.url, res.json()), 'auth.required');
      }
    });

    test('every role-restricted route answers 403 to each role it does not list', async () => {
      let checked = 0;
      for (const r of t.app.routeTable.filter((x) => Array.isArray(x.access))) {
        for (const role of ROLES.filter((x) => !(r.access as readonly Role[]).includes(x))) {
          const res = await t.app.inject({ method: r.method as 'GET', url: fill(r.url), headers: { cookie: cookies.get(role)! }, payload: r.method === 'GET' ? undefined : {} });
          assert.equal(res.statusCode, 403, `${role} ${r.method} ${r.url} → ${res.statusCode} ${res.body}`);
          assert.equal(codeOf(r.url, res.json()), 'auth.forbidden');
          checked++;
        }
      }
      assert.ok(checked > 0);
    });

    test('the resident index follows the role lists of src/shared/roles.ts (as the web menu does): managers see no resident', () => {
      const access = (method: string, url: string) => t.app.routeTable.find((r) => r.method === method && r.url === url)?.access;
      const sorted = (xs: readonly Role[]) => [...xs].sort();
      for (const [method, url] of [['GET', '/api/residents'], ['GET', '/api/residents/:id'], ['POST', '/api/residents/:id/reveal']]) {
        assert.deepEqual(sorted(access(method, url) as Role[]), sorted(INDEX_READERS), `${method} ${url}`);
      }
      for (const [method, url] of [['GET', '/api/resident-duplicates'], ['POST', '/api/resident-duplicates/:id/merge'], ['POST', '/api/resident-duplicates/:id/distinct'], ['POST', '/api/resident-merges/:id/undo']]) {
        assert.deepEqual(sorted(access(method, url) as Role[]), sorted(DUPLICATE_REVIEWERS), `${method} ${url}`);
      }
      assert.deepEqual(sorted(access('POST', '/api/residents/:id/activation-code') as Role[]), sorted(RESIDENT_ACCOUNT_ISSUERS));
      for (const r of t.app.routeTable.filter((x) => /^\/api\/(residents|resident-)/.test(x.url) && x.method === 'GET')) {
        assert.ok(Array.isArray(r.access) && !r.access.includes('manager'), `${r.method} ${r.url} is open to managers`);
      }
    });

    test('a facility system is refused (403) by every route that does not list \'system\', signed-in ones included, and admitted where listed', async () => {
      const listed = t.app.routeTable.filter((r) => Array.isArray(r.access) && (r.access as readonly PrincipalRole[]).includes('system'));
      assert.deepEqual(listed.filter((r) => r.url.startsWith('/api/')).map((r) => `${r.method} ${r.url}`).sort(), ['POST /api/records/encounters', 'POST /api/records/observations/batch']);
      // The FHIR face admits systems everywhere but its metadata (public); its handlers check the SMART scopes.
      assert.deepEqual(t.app.routeTable.filter((r) => r.url.startsWith('/fhir/') && !listed.includes(r)).map((r) => `${r.method} ${r.url}`), ['GET /fhir/R4/metadata']);
      for (const r of t.app.routeTable.filter((x) => x.access !== 'public')) {
        const res = await t.app.inject({ method: r.method as 'GET', url: fill(r.url), headers: { authorization: `Bearer ${systemToken}` }, payload: r.method === 'GET' ? undefined : {} });
        if (r.url.startsWith('/fhir/')) {
          // A token of records:write only: refused by the FHIR face (no SMART scope, no such type), never let in.
          assert.ok([400, 403, 404, 415].includes(res.statusCode), `system ${r.method} ${r.url} → ${res.statusCode} ${res.body}`);
          assert.equal(res.json().resourceType, 'OperationOutcome');
        } else if (listed.includes(r)) {
          assert.equal(res.statusCode, 400, `system ${r.method} ${r.url} → ${res.statusCode} ${res.body}`);
          assert.equal(res.json().error.code, 'request.invalid');
        } else {
          assert.equal(res.statusCode, 403, `system ${r.method} ${r.url} → ${res.statusCode} ${res.body}`);
          assert.equal(res.json().error.code, 'auth.forbidden');
        }
      }
    });

    test('a route registered without an access declaration stops the app from starting', async () => {
      const { buildHttp } = await import('../../src/platform/http.ts');
      await assert.rejects(
        buildHttp({ config: {} as never, db: t.db, keys: t.keys }, { logger: false, register: async (app) => { app.get('/api/open', async () => ({})); } }),
        /declares no access/,
      );
    });
  });
}
