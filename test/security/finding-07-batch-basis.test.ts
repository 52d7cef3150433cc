// Issue 23, finding 7: the observations batch wrote into records without a basis, and its audit
// row named no resident. Now each resident of a batch needs a basis (one without reads as an
// unknown resident, and nothing of the batch is stored), and the audit has one row per resident,
// so that each resident's access log shows what was added.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../helpers/db.ts';
import { openTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import { buildTestCounty, VILLAGE_A } from '../helpers/county.ts';
import { makeIdNumber } from '../../src/modules/registry/id-number.ts';
import { hashPassword } from '../../src/platform/auth.ts';

for (const engine of ENGINES) {
  describe(`finding 7: the observation batch needs a basis per resident [${engine}]`, () => {
    let t: TestApp;
    let doc: string;
    const ids = [makeIdNumber('371003', '1953-03-03', '731'), makeIdNumber('371003', '1954-04-04', '742'), makeIdNumber('371003', '1955-05-05', '753')];
    const rid: string[] = [];
    let admin: string;
    before(async () => {
      t = await openTestApp(engine);
      await buildTestCounty(t.db);
      admin = await t.signIn('admin', 'sysadmin');
      for (const [i, idNumber] of ids.entries()) {
        rid.push((await t.app.inject({ method: 'POST', url: '/api/residents', headers: { cookie: admin }, payload: { idType: 'resident_id', idNumber, name: `居民${i}`, villageCode: VILLAGE_A } })).json().resident.id);
      }
      doc = await t.signIn('lab_doc', 'doctor', { facilityCode: 'T000A' });
      // a basis for the first two residents: encounters today with their ID cards
      for (const i of [0, 1]) {
        const r = await t.app.inject({ method: 'POST', url: '/api/records/encounters', headers: { cookie: doc }, payload: { residentId: rid[i], kind: 'outpatient', facilityCode: 'T000A', startedAt: new Date().toISOString(), presence: { idNumber: ids[i] } } });
        assert.equal(r.statusCode, 200, r.body);
      }
    });
    after(() => t.close());
    const item = (residentId: string, n: number) => ({ residentId, sourceId: `g-${residentId.slice(0, 8)}-${n}`, code: '1558-6', value: 5 + n / 10, unit: 'mmol/L', observedAt: new Date(Date.now() - n * 60_000).toISOString() });
    const batch = (items: object[]) => t.app.inject({ method: 'POST', url: '/api/records/observations/batch', headers: { cookie: doc }, payload: { sourceSystem: 'lis', items } });

    test('a resident without a basis in the batch refuses the whole batch, naming their items', async () => {
      const r = await batch([item(rid[0], 1), item(rid[2], 1), item(rid[2], 2)]);
      assert.equal(r.statusCode, 400, r.body);
      assert.deepEqual(r.json().error.fields.map((f: { path: string; problem: string }) => `${f.path}:${f.problem}`),
        ['items[1].residentId:unknown resident / 居民不存在', 'items[2].residentId:unknown resident / 居民不存在']);
      const [{ n }] = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM observations WHERE source_system = 'lis'");
      assert.equal(n, 0, 'nothing stored');
    });

    test('a good batch writes one audit row per resident, and each resident\'s log shows it', async () => {
      const r = await batch([item(rid[0], 1), item(rid[0], 2), item(rid[1], 1)]);
      assert.deepEqual(r.json(), { received: 3, stored: 3, alreadyPresent: 0 });
      const rows = await t.db.query<{ resident_id: string; basis: string; details: { received: number; stored: number } }>(
        "SELECT resident_id, basis, details FROM audit_log WHERE action = 'record.observation_batch' ORDER BY id");
      assert.deepEqual(rows.map((x) => [x.resident_id, x.basis, x.details.received, x.details.stored]).sort(), [[rid[0], 'encounter', 2, 2], [rid[1], 'encounter', 1, 1]].sort());
      await t.db.query("INSERT INTO users (username, display_name, password_hash, role, resident_id) VALUES ('res-1', '居民1', $1, 'resident', $2)", [await hashPassword(TEST_PASSWORD), rid[1]]);
      const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'res-1', password: TEST_PASSWORD } });
      const self = `meridian_session=${login.cookies.find((c) => c.name === 'meridian_session')!.value}`;
      const log = (await t.app.inject({ method: 'GET', url: '/api/me/access-log', headers: { cookie: self } })).json().items as { action: string; who: string }[];
      assert.ok(log.some((x) => x.action === 'record.observation_batch' && x.who === 'lab_doc'), JSON.stringify(log));
    });
  });
}
