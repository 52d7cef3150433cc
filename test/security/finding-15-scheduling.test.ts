// Issue 23, finding 15 (scheduling's part): a slot's bookings and the bed board show many residents
// but wrote one audit row with a count, so the read was missing from each resident's access log. Now
// each resident shown has a row of their own, and their access log (/api/me/access-log) shows it.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../helpers/db.ts';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { buildTestCounty, VILLAGE_A } from '../helpers/county.ts';
import { bulkResidents } from '../helpers/residents.ts';
import { plusDays } from '../../src/modules/scheduling/rules.ts';
import { today } from '../../src/shared/time.ts';
import { buildConsents, facilityId } from '../helpers/factories.ts';

for (const engine of ENGINES) {
  describe(`finding 15: list reads of scheduling leave a row per resident shown [${engine}]`, () => {
    let t: TestApp;
    let people: string[];
    let coord: string;
    before(async () => {
      t = await openTestApp(engine);
      await buildTestCounty(t.db);
      people = await bulkResidents(t.db, 4, VILLAGE_A, 'f');
      coord = await t.signIn('coord15', 'coordinator', { facilityCode: 'H0001' });
      await buildConsents(t.db, people, { facilityId: await facilityId(t.db, 'H0001') });
    });
    after(() => t.close());
    const post = (url: string, payload: object, cookie = coord) => t.app.inject({ method: 'POST', url, headers: { cookie }, payload });
    const get = (url: string, cookie = coord) => t.app.inject({ method: 'GET', url, headers: { cookie } });
    const logOf = async (resident: string, username: string) => {
      const cookie = await t.signIn(username, 'resident');
      await t.db.query('UPDATE users SET resident_id = $1 WHERE username = $2', [resident, username]);
      const r = await get('/api/me/access-log', cookie);
      assert.equal(r.statusCode, 200, r.body);
      return r.json().items as { action: string; who: string }[];
    };

    test('a slot\'s bookings: one audit row per booked resident, each in that resident\'s access log', async () => {
      const s = await post('/api/scheduling/schedules', { facilityCode: 'H0001', kind: 'department', department: '内科', name: '名单门诊', from: plusDays(today(), 2), weeks: 1,
        pattern: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '08:00', end: '09:00', slotMinutes: 60, capacity: 5 })) });
      assert.equal(s.statusCode, 201, s.body);
      const [slot] = (await get(`/api/scheduling/slots?scheduleId=${s.json().id}&from=${plusDays(today(), 2)}&to=${plusDays(today(), 9)}`)).json().items;
      for (const [i, r] of people.slice(0, 3).entries()) assert.equal((await post('/api/scheduling/bookings', { slotId: slot.id, residentId: r, idempotencyKey: `f15-slot-${i}` })).statusCode, 201);
      const list = await get(`/api/scheduling/slots/${slot.id}/bookings`);
      assert.equal(list.statusCode, 200, list.body);
      assert.equal(list.json().items.length, 3);
      const rows = await t.db.query<{ resident_id: string }>("SELECT resident_id FROM audit_log WHERE action = 'scheduling.slot_bookings' AND record_id = $1 ORDER BY resident_id", [slot.id]);
      assert.deepEqual(rows.map((r) => r.resident_id), [...people.slice(0, 3)].sort());
      assert.ok((await logOf(people[0], 'res15a')).some((e) => e.action === 'scheduling.slot_bookings'));
      // the resident not booked there was not shown, and has no such row
      assert.ok(!(await logOf(people[3], 'res15d')).some((e) => e.action === 'scheduling.slot_bookings'));
    });

    test('the bed board: one audit row per occupant shown to the facility\'s staff, each in that resident\'s access log', async () => {
      const w = await post('/api/scheduling/wards', { facilityCode: 'H0001', name: '内科病区', department: '内科', kind: 'general', beds: 3 });
      assert.equal(w.statusCode, 201, w.body);
      const until = new Date(Date.now() + 86_400_000).toISOString();
      for (const [i, r] of people.slice(1, 3).entries()) assert.equal((await post('/api/scheduling/beds/reserve', { wardId: w.json().id, residentId: r, until, idempotencyKey: `f15-bed-${i}` })).statusCode, 201);
      const board = await get('/api/scheduling/beds?facilityCode=H0001');
      assert.equal(board.statusCode, 200, board.body);
      assert.deepEqual(board.json().wards[0].beds.map((b: { residentName: string | null }) => b.residentName !== null), [true, true, false]);
      const rows = await t.db.query<{ resident_id: string }>("SELECT resident_id FROM audit_log WHERE action = 'scheduling.bed_board' ORDER BY resident_id");
      assert.deepEqual(rows.map((r) => r.resident_id), [...people.slice(1, 3)].sort());
      assert.ok((await logOf(people[2], 'res15c')).some((e) => e.action === 'scheduling.bed_board'));
      // staff of another facility see no names, and no resident row is written for them
      const gp = await t.signIn('gp15', 'doctor', { facilityCode: 'T000A' });
      const other = await get('/api/scheduling/beds?facilityCode=H0001', gp);
      assert.equal(other.statusCode, 200);
      assert.ok(other.json().wards[0].beds.every((b: { residentName: string | null }) => b.residentName === null));
      const [{ n }] = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'scheduling.bed_board'");
      assert.equal(n, 2);
    });
  });
}
