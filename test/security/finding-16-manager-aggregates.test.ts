// Issue 23, finding 16: the manager role read and revealed residents (search, card, reveal, duplicate
// review), while the README says managers see aggregates only. Managers now see no resident: the
// resident index's routes answer 403 to them, and the facility, community and rate reads still answer.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../helpers/db.ts';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { buildTestCounty, COUNTY, VILLAGE_A } from '../helpers/county.ts';
import { buildResident } from '../helpers/factories.ts';
import { DUPLICATE_REVIEWERS, INDEX_READERS } from '../../src/shared/roles.ts';

for (const engine of ENGINES) {
  describe(`finding 16: managers see aggregates only [${engine}]`, () => {
    let t: TestApp;
    let manager: string;
    let resident: string;
    before(async () => {
      t = await openTestApp(engine);
      await buildTestCounty(t.db);
      resident = (await buildResident(t.db, { villageCode: VILLAGE_A, name: '王大爷' })).id;
      manager = await t.signIn('mgr16', 'manager', { regionCode: COUNTY });
    });
    after(() => t.close());
    const call = (method: 'GET' | 'POST', url: string, payload?: object) => t.app.inject({ method, url, headers: { cookie: manager }, ...(payload ? { payload } : {}) });

    test('no resident search, card, reveal or duplicate review for a manager; nothing read is audited', async () => {
      const asks: [string, 'GET' | 'POST', string, object?][] = [
        ['search', 'GET', '/api/residents?q=王'],
        ['card', 'GET', `/api/residents/${resident}`],
        ['reveal', 'POST', `/api/residents/${resident}/reveal`, { reason: '核对信息' }],
        ['duplicates', 'GET', '/api/resident-duplicates'],
      ];
      for (const [what, method, url, body] of asks) {
        const r = await call(method, url, body);
        assert.equal(r.statusCode, 403, `${what}: ${r.statusCode} ${r.body}`);
        assert.doesNotMatch(r.body, /王大爷/);
      }
      const [{ n }] = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log a JOIN users u ON u.id = a.user_id WHERE u.username = 'mgr16' AND a.action LIKE 'resident.%'", []);
      assert.equal(n, 0);
    });

    test('a manager still reads the registries of places and people at work, and the index lists name no manager', async () => {
      for (const url of ['/api/facilities', '/api/communities', '/api/workers', `/api/regions?parent=${COUNTY}`]) {
        const r = await call('GET', url);
        assert.equal(r.statusCode, 200, `${url}: ${r.body}`);
      }
      assert.ok(!INDEX_READERS.includes('manager'));
      assert.ok(!DUPLICATE_REVIEWERS.includes('manager'));
    });
  });
}
