// The vaccination clinic through the API: lots received (an expired one refused), doses recorded
// (lot taken from, record written, card updated), the day's due list latest first, refusals naming the
// field (empty lot, expired lot, another clinic's lot, a dose not due), coverage, access.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../../../test/helpers/db.ts';
import { openTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { addDays } from '../../shared/time.ts';
import { buildFacility, buildRegionTree, buildResident } from '../../../test/helpers/factories.ts';
import { addSpan } from './rules.ts';
import * as store from './store.ts';

for (const engine of ENGINES) {
  describe(`vaccination clinic [${engine}]`, () => {
    let t: TestApp;
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    before(async () => { t = await openTestApp(engine); });
    after(() => t.close());
    const get = (cookie: string, url: string) => t.app.inject({ method: 'GET', url, headers: { cookie } });
    const post = (cookie: string, url: string, payload: object = {}) => t.app.inject({ method: 'POST', url, headers: { cookie }, payload });
    const fieldsOf = (r: { json(): { error: { code: string; fields: { path: string }[] } } }) => { const e = r.json().error; return `${e.code}:${e.fields.map((f) => f.path).join(',')}`; };

    test('a clinic\'s day: lots, doses, due list, refusals, coverage', async () => {
      const tree = await buildRegionTree(t.db, { county: '374201' });
      const centre = await buildFacility(t.db, { code: 'IMM01', name: '甲镇卫生院', tier: 'township', regionCode: tree.townA });
      const other = await buildFacility(t.db, { code: 'IMM02', name: '乙镇卫生院', tier: 'township', regionCode: tree.townB });
      const ph = await t.signIn('imm-ph', 'public_health', { regionCode: tree.townA, facilityCode: centre.code });
      const phB = await t.signIn('imm-phb', 'public_health', { regionCode: tree.townB, facilityCode: other.code });
      const nurse = await t.signIn('imm-nurse', 'nurse', { facilityCode: centre.code });
      // 甲: 4 months and 5 days old, nothing given; 乙: one month old today, HepB 1 and BCG at birth (recorded below).
      const b1 = addDays(addSpan(today, { months: -4 }), -5);
      const b2 = addSpan(today, { months: -1 });
      const c1 = (await buildResident(t.db, { name: '甲孩', birthDate: b1, villageCode: tree.villageA })).id;
      const c2 = (await buildResident(t.db, { name: '乙孩', birthDate: b2, villageCode: tree.villageA2 })).id;
      const far = (await buildResident(t.db, { name: '丙孩', birthDate: b2, villageCode: tree.villageB })).id;

      // Lots: an expired one refused at receipt, naming the field.
      const expired = await post(ph, '/api/publichealth/immunisation/lots', { vaccine: 'HepB', manufacturer: '某生物', lot: 'HB-OLD', expiresOn: addDays(today, -1), quantity: 5 });
      assert.equal(expired.statusCode, 400);
      assert.equal(fieldsOf(expired), 'publichealth.lot_expired:expiresOn');
      const hepb = await post(ph, '/api/publichealth/immunisation/lots', { vaccine: 'HepB', manufacturer: '某生物', lot: 'HB2026A', expiresOn: addDays(today, 200), quantity: 2 });
      assert.equal(hepb.statusCode, 200, hepb.body);
      assert.equal(hepb.json().quantity, 2);
      const bcg = (await post(ph, '/api/publichealth/immunisation/lots', { vaccine: 'BCG', manufacturer: '某所', lot: 'BCG-9', expiresOn: addDays(today, 90), quantity: 5 })).json();
      const otherLot = (await post(phB, '/api/publichealth/immunisation/lots', { vaccine: 'HepB', manufacturer: '某生物', lot: 'HB-B', expiresOn: addDays(today, 90), quantity: 5 })).json();

      // 乙's birth doses, recorded today for the day they were given.
      const d1 = await post(ph, '/api/publichealth/immunisation/vaccinations', { residentId: c2, vaccine: 'HepB', lotId: hepb.json().id, site: 'right_upper_arm', givenOn: b2 });
      assert.equal(d1.statusCode, 200, d1.body);
      assert.deepEqual([d1.json().series, d1.json().dose, d1.json().lotLeft], ['HepB', 1, 1]);
      assert.equal((await post(ph, '/api/publichealth/immunisation/vaccinations', { residentId: c2, vaccine: 'BCG', lotId: bcg.id, site: 'left_upper_arm', givenOn: b2 })).statusCode, 200);

      // The due list: 甲's four first doses overdue (BCG and HepB since birth, IPV and DTaP since 2 months), 乙's HepB 2 due today.
      const due = await get(ph, '/api/publichealth/immunisation/due');
      assert.equal(due.statusCode, 200, due.body);
      const list = due.json();
      assert.equal(list.children, 2, 'the two children of the township, not the one of the other');
      const late = (d: string) => Math.round((Date.parse(today) - Date.parse(d)) / 86_400_000);
      assert.deepEqual(list.items.map((x: { name: string; series: string; dose: number; status: string; daysLate: number }) => `${x.name} ${x.series}${x.dose} ${x.status} ${x.daysLate}`), [
        `甲孩 BCG1 overdue ${late(b1)}`, `甲孩 HepB1 overdue ${late(b1)}`, `甲孩 DTP1 overdue ${late(addSpan(b1, { months: 2 }))}`, `甲孩 Polio1 overdue ${late(addSpan(b1, { months: 2 }))}`, '乙孩 HepB2 due 0',
      ]);

      // HepB 2 for 乙 today: the lot's last dose; the card shows it with its lot and vaccinator.
      const d2 = await post(ph, '/api/publichealth/immunisation/vaccinations', { residentId: c2, vaccine: 'HepB', lotId: hepb.json().id, site: 'left_thigh' });
      assert.equal(d2.statusCode, 200, d2.body);
      assert.deepEqual([d2.json().dose, d2.json().lotLeft], [2, 0]);
      const hep = d2.json().card.lines.filter((l: { series: string }) => l.series === 'HepB');
      assert.deepEqual(hep.map((l: { dose: number; status: string; givenOn: string | null }) => `${l.dose}:${l.status}:${l.givenOn}`), [`1:given:${b2}`, `2:given:${today}`, '3:upcoming:null']);
      assert.deepEqual(hep[1].detail, { manufacturer: '某生物', lot: 'HB2026A', expiresOn: addDays(today, 200), site: 'left_thigh', route: 'im', vaccinator: 'imm-ph', facilityName: '甲镇卫生院' });
      assert.equal(hep[2].dueOn, addSpan(b2, { months: 6 }));

      // Refusals, each naming the field: the lot is empty, another clinic's, expired; the dose is not due; the site does not fit an oral vaccine.
      const empty = await post(ph, '/api/publichealth/immunisation/vaccinations', { residentId: c1, vaccine: 'HepB', lotId: hepb.json().id, site: 'left_thigh' });
      assert.equal(`${empty.statusCode} ${fieldsOf(empty)}`, '400 publichealth.lot_empty:lotId');
      const foreign = await post(ph, '/api/publichealth/immunisation/vaccinations', { residentId: c1, vaccine: 'HepB', lotId: otherLot.id, site: 'left_thigh' });
      assert.equal(`${foreign.statusCode} ${fieldsOf(foreign)}`, '400 publichealth.lot_unknown:lotId');
      const old = await store.receiveLot(t.db, { facilityId: centre.id, vaccine: 'HepB', manufacturer: '某生物', lot: 'HB-2020', expiresOn: addDays(today, -30), quantity: 3 });
      const stale = await post(ph, '/api/publichealth/immunisation/vaccinations', { residentId: c1, vaccine: 'HepB', lotId: old.id, site: 'left_thigh' });
      assert.equal(`${stale.statusCode} ${fieldsOf(stale)}`, '400 publichealth.lot_expired:lotId');
      const fresh = (await post(ph, '/api/publichealth/immunisation/lots', { vaccine: 'HepB', manufacturer: '某生物', lot: 'HB2026B', expiresOn: addDays(today, 300), quantity: 10 })).json();
      const again = await post(ph, '/api/publichealth/immunisation/vaccinations', { residentId: c2, vaccine: 'HepB', lotId: fresh.id, site: 'left_thigh' });
      assert.equal(`${again.statusCode} ${fieldsOf(again)}`, '400 publichealth.not_due:vaccine');
      assert.match(again.json().error.message.zh, new RegExp(addSpan(b2, { months: 6 })));
      const wrongLot = await post(ph, '/api/publichealth/immunisation/vaccinations', { residentId: c1, vaccine: 'BCG', lotId: fresh.id, site: 'left_upper_arm' });
      assert.equal(`${wrongLot.statusCode} ${fieldsOf(wrongLot)}`, '400 publichealth.lot_wrong_vaccine:lotId');

      // Nothing half-written: stock, record and the clinic's register agree.
      const [{ n: imms }] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM immunisations WHERE resident_id = ANY($1::uuid[])', [[c1, c2]]);
      const [{ n: vax }] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM vaccinations WHERE resident_id = ANY($1::uuid[])', [[c1, c2]]);
      assert.deepEqual([imms, vax], [3, 3]);
      const held = await t.db.query<{ lot: string; quantity: number }>('SELECT lot, quantity FROM vaccine_lots WHERE facility_id = $1 ORDER BY lot', [centre.id]);
      assert.deepEqual(held.map((l) => `${l.lot}:${l.quantity}`), ['BCG-9:4', 'HB-2020:3', 'HB2026A:0', 'HB2026B:10']);
      const moves = await t.db.query<{ kind: string; n: number }>('SELECT m.kind, sum(m.quantity)::int AS n FROM vaccine_lot_moves m JOIN vaccine_lots l ON l.id = m.lot_id WHERE l.facility_id = $1 GROUP BY m.kind ORDER BY m.kind', [centre.id]);
      assert.deepEqual(moves.map((m) => `${m.kind}:${m.n}`), ['administer:3', 'receive:17']);

      // The lots list: only lots with stock, the expired one flagged.
      const lotList = (await get(ph, '/api/publichealth/immunisation/lots')).json();
      assert.deepEqual(lotList.items.map((l: { lot: string; quantity: number; expired: boolean }) => `${l.lot}:${l.quantity}:${l.expired}`), ['BCG-9:4:false', 'HB-2020:3:true', 'HB2026B:10:false']);

      // Coverage over the two children: HepB 1 and 2 both due for both, given (on time) to 乙 only; BCG the same.
      const cov = await get(ph, '/api/publichealth/immunisation/coverage');
      assert.equal(cov.statusCode, 200, cov.body);
      const row = (series: string, dose: number) => { const x = cov.json().items.find((i: { series: string; dose: number }) => i.series === series && i.dose === dose); return `${x.eligible}/${x.given}/${x.timely} ${x.coverage} ${x.timeliness}`; };
      assert.equal(row('HepB', 1), '2/1/1 50 50');
      assert.equal(row('HepB', 2), '2/1/1 50 50');
      assert.equal(row('BCG', 1), '2/1/1 50 50');
      assert.equal(row('HepB', 3), '0/0/0 null null');

      // Coverage by township for the county's officer: 甲镇 two children (HepB 1 given to one), 乙镇 one (none given).
      const officer = await t.signIn('imm-officer', 'officer', { regionCode: tree.county });
      const towns = await get(officer, '/api/publichealth/immunisation/coverage/townships');
      assert.equal(towns.statusCode, 200, towns.body);
      const hepb1 = (items: { series: string; dose: number; eligible: number; given: number; coverage: number | null }[]) => { const x = items.find((i) => i.series === 'HepB' && i.dose === 1)!; return `${x.eligible}/${x.given} ${x.coverage}`; };
      assert.deepEqual(towns.json().townships.map((x: { name: string; children: number; items: [] }) => `${x.name} ${x.children} ${hepb1(x.items)}`), ['甲镇 2 2/1 50', '乙镇 1 1/0 0']);
      assert.equal(`${towns.json().total.children} ${hepb1(towns.json().total.items)}`, '3 3/1 33.3');
      assert.equal((await get(nurse, '/api/publichealth/immunisation/coverage/townships')).statusCode, 403);

      // Access: the other township's worker cannot record for this child (404, as for no child); a nurse may not use the clinic routes.
      const outside = await post(phB, '/api/publichealth/immunisation/vaccinations', { residentId: c1, vaccine: 'HepB', lotId: otherLot.id, site: 'left_thigh' });
      assert.equal(outside.statusCode, 404);
      assert.equal((await get(nurse, '/api/publichealth/immunisation/due')).statusCode, 403);
      assert.equal((await get(ph, `/api/publichealth/immunisation/children/${far}`)).statusCode, 404, 'a child of another township');
      const card = await get(ph, `/api/publichealth/immunisation/children/${c1}`);
      assert.equal(card.statusCode, 200);
      assert.equal(card.json().lines.filter((l: { status: string }) => l.status === 'overdue').length, 4);
      const [{ n: reads }] = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'publichealth.card_read' AND resident_id = $1", [c1]);
      assert.equal(reads, 1);
    });
  });
}
