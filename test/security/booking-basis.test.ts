// Issue 23: every write that attaches data to a resident runs records' one rule (assertMayAttach).
// Bookings and waiting-list entries did not: any coordinator or doctor of the county booked any resident
// of it, with no tie to them. Now staff book only with a legal basis (contract, referral, encounter with
// presence, consent, …) or on an open referral of their own facility; otherwise 404, as for a resident
// who does not exist, and nothing is written. A resident books for themself as before.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../helpers/db.ts';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { buildTestCounty, VILLAGE_A } from '../helpers/county.ts';
import { buildConsents, buildReferral, buildResidents, facilityId } from '../helpers/factories.ts';
import { addDays, today } from '../../src/shared/time.ts';

for (const engine of ENGINES) {
  describe(`staff book only for residents they have a basis for [${engine}]`, () => {
    let t: TestApp;
    let coord: string, gp: string, otherCoord: string;
    let slots: { id: string }[];
    let scheduleId: string;
    let stranger: string, consenting: string, referred: string, referredElsewhere: string;
    before(async () => {
      t = await openTestApp(engine);
      await buildTestCounty(t.db);
      [stranger, consenting, referred, referredElsewhere] = await buildResidents(t.db, 4, VILLAGE_A, 'bb');
      const h = await facilityId(t.db, 'H0001');
      const tA = await facilityId(t.db, 'T000A');
      const tB = await facilityId(t.db, 'T000B');
      await buildConsents(t.db, [consenting], { facilityId: h });
      await buildReferral(t.db, { residentId: referred, fromFacilityId: tA, toFacilityId: h, status: 'sent' });
      await buildReferral(t.db, { residentId: referredElsewhere, fromFacilityId: tB, toFacilityId: h, status: 'draft' });
      coord = await t.signIn('bb_coord', 'coordinator', { facilityCode: 'H0001' });
      gp = await t.signIn('bb_gp', 'doctor', { facilityCode: 'T000A' });
      otherCoord = await t.signIn('bb_coord_b', 'doctor', { facilityCode: 'T000B' });
      const s = await t.app.inject({ method: 'POST', url: '/api/scheduling/schedules', headers: { cookie: coord }, payload: { facilityCode: 'H0001', kind: 'department', department: '内科', name: '依据门诊',
        from: addDays(today(), 2), weeks: 1, pattern: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '08:00', end: '09:00', slotMinutes: 60, capacity: 9 })) } });
      assert.equal(s.statusCode, 201, s.body);
      scheduleId = s.json().id;
      slots = (await t.app.inject({ method: 'GET', url: `/api/scheduling/slots?scheduleId=${scheduleId}&from=${addDays(today(), 2)}&to=${addDays(today(), 9)}`, headers: { cookie: coord } })).json().items;
    });
    after(() => t.close());
    const book = (cookie: string, residentId: string, key: string, slot = 0, referralId?: string) => t.app.inject({ method: 'POST', url: '/api/scheduling/bookings', headers: { cookie },
      payload: { slotId: slots[slot].id, residentId, idempotencyKey: key, ...(referralId ? { referralId } : {}) } });
    const bookingsOf = async (residentId: string) => (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM bookings WHERE resident_id = $1', [residentId]))[0].n;

    test('no basis: 404 as for no such resident, nothing written; the waiting list alike', async () => {
      const r = await book(coord, stranger, 'bb-key-1');
      assert.equal(r.statusCode, 404, r.body);
      assert.equal(r.json().error.code, 'record.not_found');
      assert.equal(await bookingsOf(stranger), 0);
      const w = await t.app.inject({ method: 'POST', url: '/api/scheduling/waiting-list', headers: { cookie: coord }, payload: { scheduleId, residentId: stranger, from: addDays(today(), 2), to: addDays(today(), 3) } });
      assert.equal(w.statusCode, 404, w.body);
      const [{ n }] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM waiting_list WHERE resident_id = $1', [stranger]);
      assert.equal(n, 0);
    });

    test('a consent to the hospital is a basis: the coordinator books', async () => {
      const r = await book(coord, consenting, 'bb-key-2');
      assert.equal(r.statusCode, 201, r.body);
      assert.equal(await bookingsOf(consenting), 1);
    });

    test('an open referral is a basis for its two facilities only; booking on it needs a facility of the referral', async () => {
      assert.equal((await book(gp, referred, 'bb-key-3', 1)).statusCode, 201, 'the sending township books a slot of the hospital (basis: the sent referral)');
      const [rf] = await t.db.query<{ id: string }>('SELECT id FROM referrals WHERE resident_id = $1', [referredElsewhere]);
      const foreign = await book(gp, referredElsewhere, 'bb-key-4', 2, rf.id);
      assert.equal(foreign.statusCode, 404, `a township not party to the referral books on it: ${foreign.body}`);
      const own = await book(otherCoord, referredElsewhere, 'bb-key-5', 2, rf.id);
      assert.equal(own.statusCode, 201, own.body);
      assert.equal(await bookingsOf(referredElsewhere), 1);
    });
  });
}
