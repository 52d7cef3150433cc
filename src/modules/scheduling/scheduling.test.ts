// Schedules, bookings and beds through the HTTP API. The race tests fire hundreds of requests at once
// at a real listening server and then count what the database holds.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../../../test/helpers/db.ts';
import { openTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { buildTestCounty, VILLAGE_A } from '../../../test/helpers/county.ts';
import { bulkResidents } from '../../../test/helpers/residents.ts';
import { plusDays } from './rules.ts';
import { buildConsents, buildFacility, buildRegion, facilityId } from '../../../test/helpers/factories.ts';

const PORTS = { pglite: 3831, postgres: 3832 } as const;
const today = () => new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];

for (const engine of ENGINES) {
  describe(`scheduling [${engine}]`, () => {
    let t: TestApp;
    let coord: string;
    let base: string;
    let residents: string[];
    before(async () => {
      t = await openTestApp(engine);
      await buildTestCounty(t.db);
      coord = await t.signIn('coord', 'coordinator', { facilityCode: 'H0001' });
      residents = await bulkResidents(t.db, 520, VILLAGE_A);
      // The coordinator books for them on their consent to the hospital (a staff booking needs a legal basis).
      await buildConsents(t.db, residents, { facilityId: await facilityId(t.db, 'H0001') });
      await t.app.listen({ port: PORTS[engine], host: '127.0.0.1' });
      base = `http://127.0.0.1:${PORTS[engine]}`;
    });
    after(() => t.close());
    const post = (url: string, payload: object, cookie = coord) => t.app.inject({ method: 'POST', url, headers: { cookie }, payload });
    const http = (url: string, payload: object) => fetch(base + url, { method: 'POST', headers: { cookie: coord, 'content-type': 'application/json' }, body: JSON.stringify(payload) });

    async function schedule(name: string, capacity: number, extra: object = {}) {
      const r = await post('/api/scheduling/schedules', { facilityCode: 'H0001', kind: 'department', department: '心内科', name, from: plusDays(today(), 1), weeks: 1,
        pattern: EVERY_DAY.map((weekday) => ({ weekday, start: '08:00', end: '12:00', slotMinutes: 240, capacity })), ...extra });
      assert.equal(r.statusCode, 201, r.body);
      const slots = await t.app.inject({ method: 'GET', url: `/api/scheduling/slots?scheduleId=${r.json().id}&from=${plusDays(today(), 1)}&to=${plusDays(today(), 7)}&channel=staff`, headers: { cookie: coord } });
      return { id: r.json().id as string, slots: slots.json().items as { id: string; sessionDate: string; capacity: number; referralCapacity: number; placesLeft: number }[] };
    }

    test('a schedule publishes its weekly slots; a bad pattern is refused naming every field', async () => {
      const s = await schedule('心内科普通门诊', 40, { referralSharePct: 25 });
      assert.equal(s.slots.length, 7);
      assert.deepEqual(s.slots.map((x) => [x.capacity, x.referralCapacity]), Array(7).fill([40, 10]));
      const bad = await post('/api/scheduling/schedules', { facilityCode: 'H0001', kind: 'equipment', department: '影像科', name: 'CT', from: today(), weeks: 1,
        pattern: [{ weekday: 1, start: '8:00', end: '12:00', slotMinutes: 30, capacity: 2 }, { weekday: 2, start: '10:00', end: '09:00', slotMinutes: 30, capacity: 2 }] });
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().error.code, 'schedule.invalid');
      assert.deepEqual(bad.json().error.fields.map((f: { path: string }) => f.path), ['pattern[0].start', 'pattern[1].end', 'equipment']);
      const gp = await t.signIn('gp1', 'doctor', { facilityCode: 'T000A' });
      const other = await post('/api/scheduling/schedules', { facilityCode: 'H0001', kind: 'department', department: '心内科', name: 'x', from: today(), weeks: 1, pattern: [{ weekday: 1, start: '08:00', end: '12:00', slotMinutes: 30, capacity: 2 }] }, gp);
      assert.equal(other.statusCode, 403);
    });

    test('500 concurrent bookings for 40 places: exactly 40 booked, 460 refused as full', async () => {
      const s = await schedule('并发测试门诊', 40);
      const slot = s.slots[0].id;
      const answers = await Promise.all(residents.slice(0, 500).map((r, i) => http('/api/scheduling/bookings', { slotId: slot, residentId: r, idempotencyKey: `race-${i}-${slot}` })
        .then(async (x) => ({ status: x.status, body: await x.json() }))));
      const ok = answers.filter((a) => a.status === 201);
      const refused = answers.filter((a) => a.status === 409);
      assert.equal(ok.length, 40);
      assert.equal(refused.length, 460);
      assert.ok(refused.every((a) => a.body.error.code === 'slot.full'), JSON.stringify(refused.find((a) => a.body.error.code !== 'slot.full')));
      const [row] = await t.db.query<{ booked: number; live: number }>("SELECT s.booked, (SELECT count(*)::int FROM bookings b WHERE b.slot_id = s.id AND b.status = 'booked') AS live FROM slots s WHERE s.id = $1", [slot]);
      assert.deepEqual(row, { booked: 40, live: 40 });
      assert.equal(new Set(ok.map((a) => a.body.residentId)).size, 40);
    });

    test('a retried request with the same key returns the first booking, even when the retries race', async () => {
      const s = await schedule('幂等测试门诊', 10);
      const key = `retry-${s.id}`;
      const answers = await Promise.all(Array.from({ length: 20 }, () => http('/api/scheduling/bookings', { slotId: s.slots[0].id, residentId: residents[500], idempotencyKey: key }).then(async (x) => ({ status: x.status, body: await x.json() }))));
      assert.equal(new Set(answers.map((a) => a.body.id)).size, 1, JSON.stringify(answers.filter((a) => !a.body.id)));
      assert.equal(answers.filter((a) => a.status === 201).length, 1);
      assert.ok(answers.every((a) => a.status === 201 || (a.status === 200 && a.body.replayed === true)));
      const [{ n }] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM bookings WHERE resident_id = $1', [residents[500]]);
      assert.equal(n, 1);
      const mismatch = await post('/api/scheduling/bookings', { slotId: s.slots[1].id, residentId: residents[500], idempotencyKey: key });
      assert.equal(mismatch.statusCode, 409);
      assert.equal(mismatch.json().error.code, 'booking.idempotency_mismatch');
    });

    test('a resident never holds two bookings in one session, even racing across two schedules\' twin slots of the same session', async () => {
      const s = await schedule('同时段测试门诊', 50);
      const r = residents[501];
      // the same resident, the same slot (same session), ten different keys at once
      const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => http('/api/scheduling/bookings', { slotId: s.slots[0].id, residentId: r, idempotencyKey: `same-session-${i}-${s.id}` }).then((x) => x.status)));
      assert.deepEqual(answers.sort(), [201, ...Array(9).fill(409)]);
      const [row] = await t.db.query<{ booked: number }>('SELECT booked FROM slots WHERE id = $1', [s.slots[0].id]);
      assert.equal(row.booked, 1, 'the refused attempts left no place taken');
      const other = await post('/api/scheduling/bookings', { slotId: s.slots[1].id, residentId: r, idempotencyKey: `next-day-${s.id}` });
      assert.equal(other.statusCode, 201, 'another day is another session');
    });

    test('closed slot, referral share, cancel fills from the waiting list, reschedule, no-show', async () => {
      const s = await schedule('规则测试门诊', 2, { referralSharePct: 50, releaseHours: 0 });
      const [a, b, c, d] = residents.slice(502, 506);
      // one public place, one held for referrals
      assert.equal((await post('/api/scheduling/bookings', { slotId: s.slots[0].id, residentId: a, idempotencyKey: `p1-${s.id}` })).statusCode, 201);
      const held = await post('/api/scheduling/bookings', { slotId: s.slots[0].id, residentId: b, idempotencyKey: `p2-${s.id}` });
      assert.equal(held.statusCode, 409);
      assert.equal(held.json().error.code, 'slot.reserved_for_referrals');
      // waiting list, then a cancellation gives b the place
      assert.equal((await post('/api/scheduling/waiting-list', { scheduleId: s.id, residentId: c, from: s.slots[0].sessionDate, to: s.slots[0].sessionDate })).statusCode, 201);
      const first = await t.db.query<{ id: string }>('SELECT id FROM bookings WHERE resident_id = $1', [a]);
      const cancel = await post(`/api/scheduling/bookings/${first[0].id}/cancel`, { reason: '病人改期' });
      assert.equal(cancel.statusCode, 200, cancel.body);
      assert.ok(cancel.json().waitingListBooking);
      const [wl] = await t.db.query<{ status: string; resident_id: string }>("SELECT w.status, b.resident_id FROM waiting_list w JOIN bookings b ON b.id = w.booking_id WHERE w.schedule_id = $1", [s.id]);
      assert.deepEqual(wl, { status: 'booked', resident_id: c });
      // reschedule c to the next day
      const moved = await post(`/api/scheduling/bookings/${cancel.json().waitingListBooking}/reschedule`, { slotId: s.slots[1].id, idempotencyKey: `mv-${s.id}` });
      assert.equal(moved.statusCode, 200, moved.body);
      const [counts] = await t.db.query<{ a: number; b: number }>('SELECT (SELECT booked FROM slots WHERE id = $1) AS a, (SELECT booked FROM slots WHERE id = $2) AS b', [s.slots[0].id, s.slots[1].id]);
      assert.deepEqual(counts, { a: 0, b: 1 });
      // a holiday closes the day: booking it is refused as closed
      const ex = await post(`/api/scheduling/schedules/${s.id}/exceptions`, { date: s.slots[2].sessionDate, reason: '国庆节' });
      assert.deepEqual(ex.json(), { closedSlots: 1, affectedBookings: 0 });
      const closed = await post('/api/scheduling/bookings', { slotId: s.slots[2].id, residentId: d, idempotencyKey: `cl-${s.id}` });
      assert.equal(closed.statusCode, 409);
      assert.equal(closed.json().error.code, 'slot.closed');
      const ns = await post(`/api/scheduling/bookings/${moved.json().id}/attendance`, { status: 'no_show' });
      assert.equal(ns.statusCode, 200);
      const again = await post(`/api/scheduling/bookings/${moved.json().id}/attendance`, { status: 'attended' });
      assert.equal(again.json().error.code, 'booking.not_live');
    });

    test('a resident books for themself only; staff of another county cannot book', async () => {
      const s = await schedule('自助预约门诊', 5);
      const me = residents[515];
      const cookie = await t.signIn('res515', 'resident');
      await t.db.query("UPDATE users SET resident_id = $1 WHERE username = 'res515'", [me]);
      const own = await post('/api/scheduling/bookings', { slotId: s.slots[0].id, residentId: me, idempotencyKey: `self-${s.id}` }, cookie);
      assert.equal(own.statusCode, 201, own.body);
      assert.equal(own.json().channel, 'public');
      const other = await post('/api/scheduling/bookings', { slotId: s.slots[0].id, residentId: residents[516], idempotencyKey: `other-${s.id}` }, cookie);
      assert.equal(other.statusCode, 404);
      const mine = await t.app.inject({ method: 'GET', url: `/api/scheduling/residents/${me}/bookings`, headers: { cookie } });
      assert.deepEqual(mine.json().items.map((b: { id: string }) => b.id), [own.json().id]);
      assert.equal((await post(`/api/scheduling/bookings/${own.json().id}/cancel`, {}, cookie)).json().status, 'cancelled');
      await buildRegion(t.db, { code: '371002', name: '环翠区', parentCode: '3710', level: 'county' });
      await buildFacility(t.db, { code: 'H9999', name: '外区医院', tier: 'county', regionCode: '371002' });
      const outsider = await t.signIn('outsider', 'coordinator', { facilityCode: 'H9999' });
      assert.equal((await post('/api/scheduling/bookings', { slotId: s.slots[1].id, residentId: me, idempotencyKey: `out-${s.id}` }, outsider)).statusCode, 404);
    });

    test('who is booked in a slot: the facility staff see it (audited); another facility gets 404', async () => {
      const s = await schedule('名单测试门诊', 3);
      const b = await post('/api/scheduling/bookings', { slotId: s.slots[0].id, residentId: residents[517], idempotencyKey: `list-${s.id}` });
      const list = await t.app.inject({ method: 'GET', url: `/api/scheduling/slots/${s.slots[0].id}/bookings`, headers: { cookie: coord } });
      assert.deepEqual(list.json().items.map((x: { id: string; residentName: string; status: string; channel: string }) => [x.id, x.status, x.channel]), [[b.json().id, 'booked', 'staff']]);
      const [a] = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'scheduling.slot_bookings' AND record_id = $1", [s.slots[0].id]);
      assert.equal(a.n, 1);
      const gpb = await t.signIn('gp2', 'doctor', { facilityCode: 'T000B' });
      assert.equal((await t.app.inject({ method: 'GET', url: `/api/scheduling/slots/${s.slots[0].id}/bookings`, headers: { cookie: gpb } })).statusCode, 404);
    });

    test('500 concurrent reservations for 40 beds: exactly 40 reserved, 460 refused; one bed never holds two patients', async () => {
      const w = await post('/api/scheduling/wards', { facilityCode: 'H0001', name: '康复病区', department: '康复科', kind: 'rehabilitation', beds: 40 });
      assert.equal(w.statusCode, 201, w.body);
      const until = new Date(Date.now() + 86_400_000).toISOString();
      const answers = await Promise.all(residents.slice(0, 500).map((r, i) => http('/api/scheduling/beds/reserve', { wardId: w.json().id, residentId: r, until, idempotencyKey: `bed-${i}-${w.json().id}` })
        .then(async (x) => ({ status: x.status, body: await x.json() }))));
      assert.equal(answers.filter((a) => a.status === 201).length, 40);
      const refused = answers.filter((a) => a.status === 409);
      assert.equal(refused.length, 460);
      assert.ok(refused.every((a) => a.body.error.code === 'bed.none_free'));
      const [row] = await t.db.query<{ beds: number; residents: number; reserved: number }>(
        "SELECT count(DISTINCT id)::int AS beds, count(DISTINCT resident_id)::int AS residents, count(*) FILTER (WHERE status = 'reserved')::int AS reserved FROM beds WHERE ward_id = $1", [w.json().id]);
      assert.deepEqual(row, { beds: 40, residents: 40, reserved: 40 });
      const [ev] = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM bed_events e JOIN beds b ON b.id = e.bed_id WHERE b.ward_id = $1 AND e.action = 'reserve'", [w.json().id]);
      assert.equal(ev.n, 40);
      // a retried reservation returns the same bed; admitting someone else to a reserved bed is refused
      const holder = answers.find((a) => a.status === 201)!;
      const idx = answers.indexOf(holder);
      const retry = await post('/api/scheduling/beds/reserve', { wardId: w.json().id, residentId: residents[idx], until, idempotencyKey: `bed-${idx}-${w.json().id}` });
      assert.equal(retry.statusCode, 200);
      assert.equal(retry.json().bedId, holder.body.bedId);
      const steal = await post(`/api/scheduling/beds/${holder.body.bedId}/admit`, { residentId: residents[510] });
      assert.equal(steal.json().error.code, 'bed.invalid_transition');
      assert.equal((await post(`/api/scheduling/beds/${holder.body.bedId}/admit`, { residentId: residents[idx] })).json().status, 'occupied');
    });
  });
}
