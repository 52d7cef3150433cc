// Issue 23, finding 6: sender record ids collided across senders and data was silently lost: a
// second system's `his/E-1` for another resident answered created:false with the first resident's
// encounter, and a batch observation with a used id was dropped as alreadyPresent. Now a sender's
// id used for another resident answers 409 naming it; the same id for the same resident stays
// idempotent; and each system client has its own space of ids.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../helpers/db.ts';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { buildTestCounty, VILLAGE_A } from '../helpers/county.ts';
import { makeIdNumber } from '../../src/modules/registry/id-number.ts';
import { recordEncounter, recordObservationBatch } from '../../src/modules/records/service.ts';
import type { Principal } from '../../src/platform/auth.ts';

for (const engine of ENGINES) {
  describe(`finding 6: sender record ids [${engine}]`, () => {
    let t: TestApp;
    let docA: string;
    let docB: string;
    const id1 = makeIdNumber('371003', '1951-01-01', '611');
    const id2 = makeIdNumber('371003', '1952-02-02', '622');
    let r1: string;
    let r2: string;
    before(async () => {
      t = await openTestApp(engine);
      await buildTestCounty(t.db);
      const admin = await t.signIn('admin', 'sysadmin');
      const mk = async (idNumber: string, name: string) => (await t.app.inject({ method: 'POST', url: '/api/residents', headers: { cookie: admin }, payload: { idType: 'resident_id', idNumber, name, villageCode: VILLAGE_A } })).json().resident.id as string;
      r1 = await mk(id1, '居民一');
      r2 = await mk(id2, '居民二');
      docA = await t.signIn('doc_a', 'doctor', { facilityCode: 'T000A' });
      docB = await t.signIn('doc_b', 'doctor', { facilityCode: 'H0001' });
    });
    after(() => t.close());
    const enc = (cookie: string, residentId: string, idNumber: string, facilityCode: string) => t.app.inject({ method: 'POST', url: '/api/records/encounters', headers: { cookie },
      payload: { sourceSystem: 'his', sourceId: 'E-1', residentId, kind: 'outpatient', facilityCode, startedAt: new Date().toISOString(), presence: { idNumber } } });

    test('his/E-1 for another resident answers 409 naming the id; for the same resident it stays idempotent', async () => {
      const first = await enc(docA, r1, id1, 'T000A');
      assert.equal(first.statusCode, 200, first.body);
      assert.equal(first.json().created, true);
      const other = await enc(docB, r2, id2, 'H0001');
      assert.equal(other.statusCode, 409, other.body);
      assert.equal(other.json().error.code, 'record.source_conflict');
      assert.deepEqual(other.json().error.fields.map((f: { path: string }) => f.path), ['sourceId']);
      assert.ok(!other.body.includes(first.json().id), 'the first resident\'s encounter is not named');
      assert.equal((await t.db.query('SELECT 1 FROM encounters WHERE resident_id = $1', [r2])).length, 0);
      const again = await enc(docA, r1, id1, 'T000A');
      assert.deepEqual(again.json(), { id: first.json().id, created: false });
    });

    test('a batch observation id used for another resident answers 409; for the same resident it is already present', async () => {
      const item = (residentId: string) => ({ residentId, sourceId: 'obs-1', code: '8480-6', value: 130, unit: 'mmHg', observedAt: new Date().toISOString() });
      const first = await t.app.inject({ method: 'POST', url: '/api/records/observations/batch', headers: { cookie: docA }, payload: { sourceSystem: 'lis', items: [item(r1)] } });
      assert.deepEqual(first.json(), { received: 1, stored: 1, alreadyPresent: 0 });
      const again = await t.app.inject({ method: 'POST', url: '/api/records/observations/batch', headers: { cookie: docA }, payload: { sourceSystem: 'lis', items: [item(r1)] } });
      assert.deepEqual(again.json(), { received: 1, stored: 0, alreadyPresent: 1 });
      // doc_b has a basis for r2 (their encounter above was refused, so give them one with proof today)
      assert.equal((await t.app.inject({ method: 'POST', url: '/api/records/encounters', headers: { cookie: docB }, payload: { residentId: r2, kind: 'outpatient', facilityCode: 'H0001', startedAt: new Date().toISOString(), presence: { idNumber: id2 } } })).statusCode, 200);
      const clash = await t.app.inject({ method: 'POST', url: '/api/records/observations/batch', headers: { cookie: docB }, payload: { sourceSystem: 'lis', items: [item(r2)] } });
      assert.equal(clash.statusCode, 409, clash.body);
      assert.deepEqual(clash.json().error.fields.map((f: { path: string }) => f.path), ['items[0].sourceId']);
      assert.equal((await t.db.query("SELECT 1 FROM observations WHERE resident_id = $1 AND source_id = 'obs-1'", [r2])).length, 0);
    });

    test('each system client has its own space of ids', async () => {
      const client = (id: string): Principal => ({ userId: `00000000-0000-4000-8000-00000000000${id}`, username: `his-${id}`, displayName: 'HIS', role: 'system', regionCode: null, facilityCode: 'H0001', ip: null, kind: 'system', clientId: id, scopes: ['records:write'] });
      const o = { encounterDays: 90 };
      const body = (residentId: string) => ({ sourceSystem: 'his', sourceId: 'E-9', residentId, kind: 'inpatient' as const, facilityCode: 'H0001', startedAt: new Date(Date.now() - 3600_000).toISOString() });
      const a = await recordEncounter(t.db, t.keys, client('1'), o, body(r1));
      const b = await recordEncounter(t.db, t.keys, client('2'), o, body(r2));
      assert.equal(a.created, true);
      assert.equal(b.created, true);
      assert.notEqual(a.id, b.id);
      await assert.rejects(recordEncounter(t.db, t.keys, client('1'), o, body(r2)), (e: { status: number; code: string }) => e.status === 409 && e.code === 'record.source_conflict');
      const items = [{ residentId: r1, sourceId: 'L-1', code: '1558-6', value: 5.5, unit: 'mmol/L', observedAt: new Date().toISOString() }];
      assert.deepEqual(await recordObservationBatch(t.db, client('1'), o, 'lis', items), { received: 1, stored: 1, alreadyPresent: 0 });
      assert.deepEqual(await recordObservationBatch(t.db, client('2'), o, 'lis', items), { received: 1, stored: 1, alreadyPresent: 0 }, 'another client\'s L-1 is its own');
    });
  });
}
