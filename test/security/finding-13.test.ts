// Issue 23, finding 13: a GP and a village doctor read another township's resident's bookings through
// /api/scheduling/residents/:id/bookings, though the resident itself answers 404 to them. A read that
// takes a resident id follows the resident's own read: outside the caller's region scope, 404.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../helpers/db.ts';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { buildTestCounty, VILLAGE_A, VILLAGE_B } from '../helpers/county.ts';
import { bulkResidents } from '../helpers/residents.ts';
import { plusDays } from '../../src/modules/scheduling/rules.ts';
import { today } from '../../src/shared/time.ts';
import { buildConsents, facilityId } from '../helpers/factories.ts';

for (const engine of ENGINES) {
  describe(`finding 13: a resident's bookings only within the reader's scope [${engine}]`, () => {
    let t: TestApp;
    let inA: string;
    let inB: string;
    let coord: string;
    before(async () => {
      t = await openTestApp(engine);
      await buildTestCounty(t.db);
      await t.db.exec(`INSERT INTO facilities (code, name, tier, kind, region_code, parent_facility_id)
        SELECT 'V00B1', '乙一村卫生室', 'village', 'village_clinic', '${VILLAGE_B}', id FROM facilities WHERE code = 'T000B'`);
      [inA] = await bulkResidents(t.db, 1, VILLAGE_A, 'a');
      [inB] = await bulkResidents(t.db, 1, VILLAGE_B, 'b');
      coord = await t.signIn('coord13', 'coordinator', { facilityCode: 'H0001' });
      // The county hospital books for them on their consent (a staff booking needs a legal basis).
      await buildConsents(t.db, [inA, inB], { facilityId: await facilityId(t.db, 'H0001') });
      const s = await t.app.inject({ method: 'POST', url: '/api/scheduling/schedules', headers: { cookie: coord }, payload: { facilityCode: 'H0001', kind: 'department', department: '内科', name: '内科门诊',
        from: plusDays(today(), 2), weeks: 1, pattern: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '08:00', end: '09:00', slotMinutes: 60, capacity: 5 })) } });
      assert.equal(s.statusCode, 201, s.body);
      const slots = (await t.app.inject({ method: 'GET', url: `/api/scheduling/slots?scheduleId=${s.json().id}&from=${plusDays(today(), 2)}&to=${plusDays(today(), 9)}`, headers: { cookie: coord } })).json().items;
      for (const [i, r] of [inA, inB].entries()) {
        const b = await t.app.inject({ method: 'POST', url: '/api/scheduling/bookings', headers: { cookie: coord }, payload: { slotId: slots[0].id, residentId: r, idempotencyKey: `f13-booking-${i}` } });
        assert.equal(b.statusCode, 201, b.body);
      }
    });
    after(() => t.close());
    const get = (cookie: string, url: string) => t.app.inject({ method: 'GET', url, headers: { cookie } });

    test('a GP of township B and a village doctor of village B get 404 for a resident of township A, as for the resident itself', async () => {
      const gpB = await t.signIn('gp13b', 'doctor', { facilityCode: 'T000B' });
      const vdB = await t.signIn('vd13b', 'village_doctor', { facilityCode: 'V00B1' });
      for (const cookie of [gpB, vdB]) {
        assert.equal((await get(cookie, `/api/residents/${inA}`)).statusCode, 404);
        const r = await get(cookie, `/api/scheduling/residents/${inA}/bookings`);
        assert.equal(r.statusCode, 404, r.body);
        assert.equal(r.json().error.code, 'record.not_found');
      }
      // nothing was read, so nothing is in A's log from them
      const [{ n }] = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log a JOIN users u ON u.id = a.user_id WHERE a.action = 'scheduling.resident_bookings' AND a.resident_id = $1 AND u.username IN ('gp13b', 'vd13b')", [inA]);
      assert.equal(n, 0);
    });

    test('within scope the read answers: their own township\'s GP and village doctor, the county hospital', async () => {
      const gpB = await t.signIn('gp13b', 'doctor', { facilityCode: 'T000B' });
      const vdB = await t.signIn('vd13b', 'village_doctor', { facilityCode: 'V00B1' });
      const gpA = await t.signIn('gp13a', 'doctor', { facilityCode: 'T000A' });
      for (const [cookie, resident] of [[gpB, inB], [vdB, inB], [gpA, inA], [coord, inA], [coord, inB]]) {
        const r = await get(cookie, `/api/scheduling/residents/${resident}/bookings`);
        assert.equal(r.statusCode, 200, r.body);
        assert.deepEqual(r.json().items.map((b: { residentId: string; status: string }) => [b.residentId, b.status]), [[resident, 'booked']]);
      }
    });
  });
}
