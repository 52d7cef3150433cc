// The elderly programme through the API: the clinic's list of residents 65+ (due, overdue, done), an
// annual service recorded (bands judged, saved as typed), refusals naming the field, no basis, wrong
// role, and 老年人健康管理率 on a hand-built township (3 residents 65+, 1 complete service: 33.3%).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../../../test/helpers/db.ts';
import { openTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { addDays } from '../../shared/time.ts';
import { buildFacility, buildRegionTree, buildResident } from '../../../test/helpers/factories.ts';
import { addSpan } from './rules.ts';

for (const engine of ENGINES) {
  describe(`elderly health management [${engine}]`, () => {
    let t: TestApp;
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    before(async () => { t = await openTestApp(engine); });
    after(() => t.close());
    const get = (cookie: string, url: string) => t.app.inject({ method: 'GET', url, headers: { cookie } });
    const post = (cookie: string, url: string, payload: object = {}) => t.app.inject({ method: 'POST', url, headers: { cookie }, payload });
    const fieldsOf = (r: { json(): { error: { code: string; fields: { path: string }[] } } }) => { const e = r.json().error; return `${e.code}:${e.fields.map((f) => f.path).join(',')}`; };

    test('list, a service recorded, refusals, the rate', async () => {
      const tree = await buildRegionTree(t.db, { county: '374202' });
      const centre = await buildFacility(t.db, { code: 'ELD01', name: '甲镇卫生院', tier: 'township', regionCode: tree.townA });
      const other = await buildFacility(t.db, { code: 'ELD02', name: '乙镇卫生院', tier: 'township', regionCode: tree.townB });
      const ph = await t.signIn('eld-ph', 'public_health', { regionCode: tree.townA, facilityCode: centre.code });
      const phB = await t.signIn('eld-phb', 'public_health', { regionCode: tree.townB, facilityCode: other.code });
      const nurse = await t.signIn('eld-nurse', 'nurse', { facilityCode: centre.code });
      const a = (await buildResident(t.db, { name: '甲老', birthDate: addSpan(today, { years: -70 }), villageCode: tree.villageA, sex: 'M' })).id;
      const b = (await buildResident(t.db, { name: '乙老', birthDate: addSpan(today, { years: -65 }), villageCode: tree.villageA2 })).id; // 65 today
      await buildResident(t.db, { name: '丙老', birthDate: addSpan(today, { years: -80 }), villageCode: tree.villageA });
      const young = (await buildResident(t.db, { name: '丁青', birthDate: addDays(addSpan(today, { years: -65 }), 1), villageCode: tree.villageA })).id; // 65 tomorrow
      await buildResident(t.db, { name: '戊老', birthDate: addSpan(today, { years: -75 }), villageCode: tree.villageB });

      const form = { residentId: a, serviceDate: today, selfCare: { eating: 0, grooming: 1, dressing: 0, toileting: 1, activity: 5 },
        temperature: 36.6, pulse: 76, respiration: 18, systolicLeft: 146, diastolicLeft: 88, heightCm: 168, weightKg: 72, waistCm: 91,
        haemoglobin: 135, wbc: 6.2, platelets: 220, fastingGlucose: 6.1, alt: 20, ast: 24, totalBilirubin: 11, creatinine: 85, urea: 5.5,
        totalCholesterol: 5.4, triglycerides: 1.8, ldl: 3.2, hdl: 1.1, urineProtein: '-', urineGlucose: '-', ecg: 'normal', ultrasound: 'normal', guidance: ['chronic-management'] };

      // Bad input names the field; nothing saved.
      const bad = await post(ph, '/api/publichealth/elderly/services', { ...form, systolicLeft: 320, selfCare: { ...form.selfCare, grooming: 2 } });
      assert.equal(bad.statusCode, 400);
      assert.equal(fieldsOf(bad), 'publichealth.elderly_form:selfCare.grooming,systolicLeft');
      assert.equal((await post(ph, '/api/publichealth/elderly/services', { ...form, residentId: young })).statusCode, 400, 'under 65 on the service day');
      assert.equal((await post(ph, '/api/publichealth/elderly/services', { ...form, bogus: 1 })).statusCode, 400);
      // Wrong role; no basis (another township's worker: as for no resident).
      assert.equal((await post(nurse, '/api/publichealth/elderly/services', form)).statusCode, 403);
      assert.equal((await get(nurse, '/api/publichealth/elderly/due')).statusCode, 403);
      assert.equal((await get(nurse, '/api/publichealth/elderly/rate')).statusCode, 403);
      const noBasis = await post(phB, '/api/publichealth/elderly/services', form);
      assert.equal(noBasis.statusCode, 404, noBasis.body);

      // Before: three residents 65+ of the township (丁 not yet, 戊 of the other), none served.
      const before0 = (await get(ph, '/api/publichealth/elderly/due')).json();
      assert.equal(before0.residents, 3);
      assert.equal(before0.counts.done, 0);

      // The service: self-care 0+1+0+1+5 = 7 轻度依赖; BMI 72/1.68² = 25.5 超重; waist 91 (man) 中心型肥胖.
      const ok = await post(ph, '/api/publichealth/elderly/services', form);
      assert.equal(ok.statusCode, 200, ok.body);
      const { id: _id, ...judged } = ok.json() as Record<string, unknown>;
      assert.ok(_id);
      assert.deepEqual(judged, { selfCareTotal: 7, selfCareBand: 'mild', bmi: 25.5, bmiBand: 'overweight', waistBand: 'central-obesity', complete: true, missing: [] });
      const [row] = await t.db.query<{ form: { systolicLeft: number; guidance: string[] } }>('SELECT form FROM elderly_services WHERE id = $1', [ok.json().id]);
      assert.equal(row.form.systolicLeft, 146, 'saved as typed');
      // An incomplete one for 乙: recorded, not counted.
      const part = await post(ph, '/api/publichealth/elderly/services', { ...form, residentId: b, ecg: null, hdl: null });
      assert.equal(part.statusCode, 200, part.body);
      assert.deepEqual(part.json().missing, ['hdl', 'ecg']);

      const list = (await get(ph, '/api/publichealth/elderly/due')).json();
      assert.equal(list.counts.done, 1);
      assert.equal(list.counts.due + list.counts.overdue, 2);
      assert.deepEqual(list.items.filter((x: { status: string }) => x.status === 'done').map((x: { name: string }) => x.name), ['甲老']);
      assert.equal((await get(ph, '/api/publichealth/elderly/due?day=2026-13-01')).statusCode, 400);

      const rate = await get(ph, '/api/publichealth/elderly/rate');
      assert.equal(rate.statusCode, 200, rate.body);
      assert.deepEqual([rate.json().residents, rate.json().managed, rate.json().served, rate.json().rate], [3, 1, 2, 33.3]);
      assert.equal((await get(ph, '/api/publichealth/elderly/rate?year=abc')).statusCode, 400);
      const [audit] = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'publichealth.elderly_service_record'");
      assert.equal(audit.n, 2);
    });
  });
}
