// The shared pharmacy: expiry, first expiry first out, the missing-drug registration's states (pure);
// then through the API: stock received, transferred, taken when dispensed; a missing drug registered
// by a village clinic, filled by the county pharmacy, shipped and delivered to the patient.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../../../test/helpers/db.ts';
import { openTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { addDays } from '../../shared/time.ts';
import { buildCommunity, buildContract, buildFacility, buildRegionTree, buildResident, buildTeam, buildWorker, linkUserToWorker } from '../../../test/helpers/factories.ts';
import { expiryStatus, pickFefo, shortageNext } from './pharmacy-rules.ts';

describe('pharmacy rules', () => {
  test('expiry: past the date expired; within 90 days expiring; otherwise ok', () => {
    const cases: [string, string][] = [['2026-12-01', 'expired'], ['2026-12-02', 'expiring'], ['2027-03-02', 'expiring'], ['2027-03-03', 'ok']];
    for (const [on, want] of cases) assert.equal(expiryStatus(on, '2026-12-02'), want, on);
  });
  test('FEFO: the soonest unexpired lot first, across lots; short stock answers null', () => {
    const lots = [{ id: 'b', expiresOn: '2027-06-01', quantity: 10 }, { id: 'a', expiresOn: '2027-01-01', quantity: 4 }, { id: 'x', expiresOn: '2026-11-30', quantity: 100 }];
    assert.deepEqual(pickFefo(lots, 6, '2026-12-02'), [{ id: 'a', quantity: 4 }, { id: 'b', quantity: 2 }]);
    assert.deepEqual(pickFefo(lots, 4, '2026-12-02'), [{ id: 'a', quantity: 4 }]);
    assert.equal(pickFefo(lots, 15, '2026-12-02'), null, 'the expired lot is never used');
  });
  test('registration states: registered → filled → in transit → delivered; cancel only before filling', () => {
    assert.equal(shortageNext('registered', 'fill'), 'filled');
    assert.equal(shortageNext('filled', 'ship'), 'in_transit');
    assert.equal(shortageNext('in_transit', 'deliver'), 'delivered');
    assert.equal(shortageNext('registered', 'cancel'), 'cancelled');
    for (const [from, step] of [['registered', 'deliver'], ['filled', 'cancel'], ['delivered', 'fill'], ['registered', 'ship']] as const) assert.equal(shortageNext(from, step), null, `${from} ${step}`);
  });
});

for (const engine of ENGINES) {
  describe(`shared pharmacy [${engine}]`, () => {
    let t: TestApp;
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    before(async () => { t = await openTestApp(engine); });
    after(() => t.close());
    const get = (cookie: string, url: string) => t.app.inject({ method: 'GET', url, headers: { cookie } });
    const post = (cookie: string, url: string, payload: object = {}) => t.app.inject({ method: 'POST', url, headers: { cookie }, payload });
    let n = 0;
    async function world() {
      n++;
      const county = `3740${String(10 + n).padStart(2, '0')}`;
      const tree = await buildRegionTree(t.db, { county });
      const hospital = await buildFacility(t.db, { code: `PH${n}01`, name: '县人民医院', tier: 'county', kind: 'general_hospital', regionCode: county });
      const centre = await buildFacility(t.db, { code: `PT${n}0A`, name: '甲镇卫生院', tier: 'township', regionCode: tree.townA });
      const clinic = await buildFacility(t.db, { code: `PV${n}A1`, name: '甲一村卫生室', tier: 'village', regionCode: tree.villageA, parentCode: centre.code });
      await buildCommunity(t.db, { leadFacilityId: hospital.id, regionCode: county, memberIds: [hospital.id, centre.id, clinic.id] });
      const vd = await t.signIn(`pvd${n}`, 'village_doctor', { facilityCode: clinic.code });
      const other = await t.signIn(`pvo${n}`, 'village_doctor', { facilityCode: centre.code });
      const ph = await t.signIn(`pph${n}`, 'pharmacist', { regionCode: county });
      const w = await buildWorker(t.db, { workerType: 'village_doctor', employerId: clinic.id });
      await linkUserToWorker(t.db, `pvd${n}`, w.id);
      const team = await buildTeam(t.db, { facilityId: centre.id, members: [{ workerId: w.id, role: 'village_doctor' }] });
      const p1 = (await buildResident(t.db, { name: '患者甲', birthDate: '1950-01-01', villageCode: tree.villageA })).id;
      await buildContract(t.db, { residentId: p1, teamId: team.id, startsOn: addDays(today, -10), endsOn: addDays(today, 355) });
      return { hospital, centre, clinic, vd, other, ph, p1 };
    }

    test('stock: received, flagged by expiry, transferred, taken first expiry first when dispensed; short stock refuses', async () => {
      const w = await world();
      const rcv = (lot: string, expiresOn: string, quantity: number, cookie = w.vd, facilityCode?: string) => post(cookie, '/api/medicines/stock/receive', { facilityCode, medicineCode: 'YP001', lot, expiresOn, quantity });
      assert.equal((await rcv('L-late', addDays(today, 400), 50)).statusCode, 200);
      assert.equal((await rcv('L-soon', addDays(today, 30), 20)).statusCode, 200);
      assert.equal((await rcv('L-old', addDays(today, -1), 5)).json().error.fields[0].path, 'expiresOn');
      const st = await get(w.vd, '/api/medicines/stock');
      assert.equal(st.statusCode, 200, st.body);
      assert.deepEqual(st.json().items.map((x: { lot: string; quantity: number; expiry: string }) => `${x.lot}:${x.quantity}:${x.expiry}`), ['L-soon:20:expiring', 'L-late:50:ok']);
      // a county pharmacist receives at the county hospital and transfers 30 to the township centre
      const hl = await rcv('H-1', addDays(today, 200), 100, w.ph, w.hospital.code);
      assert.equal(hl.statusCode, 200, hl.body);
      const tr = await post(w.ph, '/api/medicines/stock/transfer', { lotId: hl.json().lotId, toFacilityCode: w.centre.code, quantity: 30 });
      assert.equal(tr.statusCode, 200, tr.body);
      assert.deepEqual((await get(w.other, '/api/medicines/stock')).json().items.map((x: { lot: string; quantity: number }) => `${x.lot}:${x.quantity}`), ['H-1:30']);
      assert.equal((await post(w.ph, '/api/medicines/stock/transfer', { lotId: hl.json().lotId, toFacilityCode: w.centre.code, quantity: 71 })).statusCode, 409);
      assert.equal((await post(w.other, '/api/medicines/stock/transfer', { lotId: st.json().items[0].lotId, toFacilityCode: w.centre.code, quantity: 1 })).statusCode, 404, 'another facility\'s lot');
      // dispensing 28 tablets takes 20 from L-soon and 8 from L-late
      const rx = await post(w.vd, '/api/medicines/prescriptions', { residentId: w.p1, kind: 'chronic', items: [{ medicineCode: 'YP001', dose: 5, unit: 'mg', route: 'oral', frequency: 'qd', days: 28 }] });
      assert.equal(rx.json().status, 'ready', rx.body);
      assert.equal((await post(w.vd, `/api/medicines/prescriptions/${rx.json().id}/dispense`)).statusCode, 200);
      assert.deepEqual((await get(w.vd, '/api/medicines/stock')).json().items.map((x: { lot: string; quantity: number }) => `${x.lot}:${x.quantity}`), ['L-late:42']);
      const big = await post(w.vd, '/api/medicines/prescriptions', { residentId: w.p1, kind: 'long', items: [{ medicineCode: 'YP001', dose: 10, unit: 'mg', route: 'oral', frequency: 'qd', days: 28 }], confirmations: [{ key: 'duplicate_therapy:0', reason: '加量，停用旧处方' }] });
      assert.equal(big.statusCode, 200, big.body);
      // not enrolled: held; approve then dispense 56 > 42 → 409, nothing changes
      assert.equal((await post(w.ph, `/api/medicines/prescriptions/${big.json().id}/review`, { decision: 'approve', note: '同意' })).statusCode, 200);
      const short = await post(w.vd, `/api/medicines/prescriptions/${big.json().id}/dispense`);
      assert.equal(short.statusCode, 409, short.body);
      assert.equal(short.json().error.code, 'medicines.stock_short');
      assert.equal((await t.db.query<{ status: string }>('SELECT status FROM medication_orders WHERE id = $1', [big.json().id]))[0].status, 'ready');
      assert.deepEqual((await get(w.vd, '/api/medicines/stock')).json().items.map((x: { quantity: number }) => x.quantity), [42]);
    });

    test('a missing drug: registered by the village clinic, filled from a county lot, shipped, delivered to the patient', async () => {
      const w = await world();
      const lot = await post(w.ph, '/api/medicines/stock/receive', { facilityCode: w.hospital.code, medicineCode: 'YP017', lot: 'W-1', expiresOn: addDays(today, 300), quantity: 60 });
      const otherDrug = await post(w.ph, '/api/medicines/stock/receive', { facilityCode: w.hospital.code, medicineCode: 'YP001', lot: 'A-1', expiresOn: addDays(today, 300), quantity: 60 });
      const reg = await post(w.vd, '/api/medicines/shortages', { residentId: w.p1, medicineCode: 'YP017', quantity: 28, note: '华法林，村卫生室未配备' });
      assert.equal(reg.statusCode, 200, reg.body);
      const id = reg.json().id;
      assert.equal((await post(w.other, '/api/medicines/shortages', { residentId: w.p1, medicineCode: 'YP017', quantity: 28 })).statusCode, 404, 'no basis for the resident');
      const seen = await get(w.ph, '/api/medicines/shortages');
      assert.deepEqual(seen.json().items.map((x: { id: string; status: string; residentName: string; facility: { name: string } }) => [x.id, x.status, x.residentName, x.facility.name]), [[id, 'registered', '患者甲', '甲一村卫生室']]);
      assert.equal((await post(w.vd, `/api/medicines/shortages/${id}/fill`, { lotId: lot.json().lotId })).statusCode, 404, 'only the county pharmacy fills');
      assert.equal((await post(w.ph, `/api/medicines/shortages/${id}/deliver`)).statusCode, 404, 'the requesting facility delivers');
      assert.equal((await post(w.ph, `/api/medicines/shortages/${id}/fill`, { lotId: otherDrug.json().lotId })).json().error.code, 'medicines.lot_other_drug');
      assert.equal((await post(w.ph, `/api/medicines/shortages/${id}/ship`)).statusCode, 409, 'not filled yet');
      assert.deepEqual((await post(w.ph, `/api/medicines/shortages/${id}/fill`, { lotId: lot.json().lotId })).json(), { status: 'filled' });
      assert.deepEqual((await post(w.ph, `/api/medicines/shortages/${id}/ship`)).json(), { status: 'in_transit' });
      assert.equal((await post(w.vd, `/api/medicines/shortages/${id}/cancel`)).statusCode, 409);
      assert.deepEqual((await post(w.vd, `/api/medicines/shortages/${id}/deliver`)).json(), { status: 'delivered' });
      const mine = (await get(w.vd, '/api/medicines/shortages')).json().items[0];
      assert.equal(mine.status, 'delivered');
      assert.ok(mine.filledAt && mine.shippedAt && mine.deliveredAt);
      assert.deepEqual((await get(w.ph, `/api/medicines/stock?facilityCode=${w.hospital.code}`)).json().items.map((x: { lot: string; quantity: number }) => `${x.lot}:${x.quantity}`).sort(), ['A-1:60', 'W-1:32']);
      const audit = await t.db.query<{ action: string }>(`SELECT action FROM audit_log WHERE record_id = $1 ORDER BY id`, [id]);
      assert.deepEqual(audit.map((a) => a.action), ['medicines.shortage_register', 'medicines.shortage_fill', 'medicines.shortage_ship', 'medicines.shortage_deliver']);
    });
  });
}
