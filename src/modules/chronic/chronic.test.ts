// The programme through the API on a small hand-built county whose right answers are written here.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../../../test/helpers/db.ts';
import { openTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { buildTestCounty, VILLAGE_A, VILLAGE_B } from '../../../test/helpers/county.ts';
import { makeIdNumber } from '../registry/id-number.ts';
import { addDays } from '../../shared/time.ts';

for (const engine of ENGINES) {
  describe(`chronic programmes [${engine}]`, () => {
    let t: TestApp;
    let vd: string;
    let other: string;
    const ids: Record<string, string> = {};
    before(async () => {
      t = await openTestApp(engine);
      await buildTestCounty(t.db);
      await t.db.exec(`INSERT INTO communities (name, kind, lead_facility_id, region_code) SELECT '医共体', 'county_community', id, '371003' FROM facilities WHERE code = 'H0001';
        INSERT INTO community_members (community_id, facility_id, joined_on) SELECT c.id, f.id, '2024-01-01' FROM communities c, facilities f WHERE f.code IN ('H0001','T000A','V00A1','T000B');`);
      const admin = await t.signIn('admin', 'sysadmin');
      vd = await t.signIn('vd', 'village_doctor', { facilityCode: 'V00A1' });
      other = await t.signIn('vd2', 'village_doctor', { facilityCode: 'T000B' });
      const people: [string, string, string][] = [['p1', '1950-01-01', VILLAGE_A], ['p2', '1980-01-01', VILLAGE_A], ['p3', '1970-01-01', VILLAGE_A], ['p4', '1975-06-01', VILLAGE_A], ['p5', '1960-01-01', VILLAGE_B]];
      for (const [k, bd, v] of people) {
        const r = await t.app.inject({ method: 'POST', url: '/api/residents', headers: { cookie: admin }, payload: { idType: 'resident_id', idNumber: makeIdNumber('371003', bd, String(100 + people.findIndex((x) => x[0] === k) * 2 + 1)), name: `患者${k}`, villageCode: v } });
        ids[k] = r.json().resident.id;
      }
      const [w] = await t.db.query<{ id: string }>(`INSERT INTO workers (name, sex, worker_type, employer_id, qualified) SELECT '村医甲', 'M', 'village_doctor', id, true FROM facilities WHERE code = 'V00A1' RETURNING id`);
      await t.db.query("UPDATE users SET worker_id = $1 WHERE username = 'vd'", [w.id]);
      const [team] = await t.db.query<{ id: string }>(`INSERT INTO care_teams (name, facility_id) SELECT '甲镇1队', id FROM facilities WHERE code = 'T000A' RETURNING id`);
      await t.db.query(`INSERT INTO care_team_members (team_id, worker_id, role) VALUES ($1, $2, 'village_doctor')`, [team.id, w.id]);
      for (const k of ['p1', 'p2', 'p3', 'p4']) {
        await t.db.query(`INSERT INTO contracts (resident_id, team_id, county_code, starts_on, ends_on, signed_how, status) VALUES ($1, $2, '371003', current_date - 200, current_date + 165, 'on_site', 'signed')`, [ids[k], team.id]);
      }
      await t.db.query(`INSERT INTO chronic_enrolments (resident_id, county_code, programme, enrolled_on, source) VALUES ($1,'371003','hypertension','2020-01-01','diagnosis'), ($2,'371003','hypertension','2020-01-01','diagnosis'), ($3,'371003','diabetes','2020-01-01','diagnosis')`, [ids.p1, ids.p2, ids.p4]);
    });
    after(() => t.close());
    const fu = (cookie: string, body: object) => t.app.inject({ method: 'POST', url: '/api/chronic/followups', headers: { cookie }, payload: body });
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });

    test('the worklist lists contracted programme patients never seen, riskiest first', async () => {
      const r = await t.app.inject({ method: 'GET', url: '/api/chronic/worklist', headers: { cookie: vd } });
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(r.json().items.map((x: { name: string; status: string }) => `${x.name}:${x.status}`).sort(), ['患者p1:never_seen', '患者p2:never_seen', '患者p4:never_seen']);
    });

    test('an uncontrolled visit after an uncontrolled visit is offered the up-referral, drafted in the referral module', async () => {
      const first = await fu(vd, { residentId: ids.p2, programme: 'hypertension', visitDate: addDays(today, -20), sbp: 152, dbp: 94, heartRate: 78, weightKg: 70, heightCm: 170 });
      assert.equal(first.statusCode, 200, first.body);
      assert.equal(first.json().class, 'uncontrolled');
      assert.equal(first.json().referral, null);
      assert.equal(first.json().nextVisitDate, addDays(today, -6));
      const second = await fu(vd, { residentId: ids.p2, programme: 'hypertension', visitDate: today, sbp: 148, dbp: 92, heartRate: 80 });
      assert.equal(second.json().class, 'uncontrolled');
      assert.equal(second.json().previousClass, 'uncontrolled');
      assert.deepEqual(second.json().referral, { urgency: 'routine', reason: 'htn_uncontrolled_twice' });
      assert.ok(second.json().referralId);
      const [ref] = await t.db.query<{ status: string; reason_text: string; to_code: string }>('SELECT r.status, r.reason_text, f.code AS to_code FROM referrals r JOIN facilities f ON f.id = r.to_facility_id WHERE r.id = $1', [second.json().referralId]);
      assert.deepEqual(ref, { status: 'draft', reason_text: '连续两次出现血压控制不满意', to_code: 'H0001' });
      assert.equal(second.json().nextVisitDate, addDays(today, 14));
      const bmi = await t.db.query<{ bmi: number }>('SELECT bmi FROM chronic_followups WHERE resident_id = $1 ORDER BY visit_date LIMIT 1', [ids.p2]);
      assert.equal(bmi[0].bmi, 24.2);
    });

    test('the 65+ target: 145/85 at 76 is controlled, next visit in three months', async () => {
      const r = await fu(vd, { residentId: ids.p1, programme: 'hypertension', visitDate: today, sbp: 145, dbp: 85 });
      assert.equal(r.json().class, 'controlled');
      assert.equal(r.json().nextVisitDate, addDays(today, 90));
    });

    test('an emergency value prompts an urgent referral', async () => {
      const r = await fu(vd, { residentId: ids.p4, programme: 'diabetes', visitDate: today, fastingGlucose: 17.2, sbp: 130, dbp: 80 });
      assert.equal(r.json().emergency, true);
      assert.deepEqual(r.json().referral, { urgency: 'urgent', reason: 'emergency' });
    });

    test('bad values are refused naming the field; a worker without a basis gets 404', async () => {
      const bad = await fu(vd, { residentId: ids.p3, programme: 'hypertension', visitDate: today, sbp: 80, dbp: 120 });
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(bad.json().error.fields.map((f: { path: string }) => f.path), ['dbp']);
      const noGlucose = await fu(vd, { residentId: ids.p4, programme: 'diabetes', visitDate: today });
      assert.equal(noGlucose.json().error.fields[0].path, 'fastingGlucose');
      const stranger = await fu(other, { residentId: ids.p2, programme: 'hypertension', visitDate: today, sbp: 130, dbp: 80 });
      assert.equal(stranger.statusCode, 404);
    });

    test('programme rates by township, by hand: township A has 2 managed hypertension patients, none norm-compliant, 1 controlled', async () => {
      const officer = await t.signIn('off', 'officer', { regionCode: '371003' });
      const r = await t.app.inject({ method: 'GET', url: `/api/chronic/rates?programme=hypertension&year=${today.slice(0, 4)}`, headers: { cookie: officer } });
      assert.equal(r.statusCode, 200, r.body);
      const a = r.json().items.find((x: { code: string }) => x.code === '371003100000');
      // p1 (controlled, 145/85 at 76) and p2 (two visits, last 148/92) were followed up; adults 35+ in A: p1..p4 (4)
      assert.deepEqual({ adults35: a.adults35, managed: a.managed, standard: a.standard, controlled: a.controlled }, { adults35: 4, managed: 2, standard: 0, controlled: 1 });
      assert.equal(a.controlRate, 0.5);
      assert.equal(a.managementRate, 2 / (4 * 0.275));
      const b = r.json().items.find((x: { code: string }) => x.code === '371003101000');
      assert.equal(b.managed, 0);
      assert.equal(b.controlRate, null);
    });

    test('drill-down: the residents behind township A\'s control rate, for the team\'s village doctor, audited; not for an officer', async () => {
      const year = today.slice(0, 4);
      const r = await t.app.inject({ method: 'GET', url: `/api/chronic/rates/residents?programme=hypertension&year=${year}&township=371003100000&measure=controlled`, headers: { cookie: vd } });
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(r.json().items.map((x: { name: string }) => x.name), ['患者p1']);
      const nc = await t.app.inject({ method: 'GET', url: `/api/chronic/rates/residents?programme=hypertension&year=${year}&township=371003100000&measure=not_controlled`, headers: { cookie: vd } });
      assert.deepEqual(nc.json().items.map((x: { name: string }) => x.name), ['患者p2']);
      const strangers = await t.app.inject({ method: 'GET', url: `/api/chronic/rates/residents?programme=hypertension&year=${year}&township=371003100000&measure=managed`, headers: { cookie: other } });
      assert.deepEqual(strangers.json().items, [], 'another team sees none of these people');
      const officer = await t.signIn('off2', 'officer', { regionCode: '371003' });
      assert.equal((await t.app.inject({ method: 'GET', url: `/api/chronic/rates/residents?programme=hypertension&year=${year}&township=371003100000&measure=managed`, headers: { cookie: officer } })).statusCode, 403);
      assert.ok((await t.db.query("SELECT 1 FROM audit_log WHERE action = 'chronic.rate_residents'")).length >= 2);
    });

    test('the screening list: contracted residents 35+ without a BP reading this year, not already hypertensive', async () => {
      const r = await t.app.inject({ method: 'GET', url: '/api/chronic/screening', headers: { cookie: vd } });
      assert.equal(r.statusCode, 200, r.body);
      // p1, p2 measured this year (and p2/p1 are enrolled); p3 never measured; p4 (diabetes) had a BP at the emergency visit
      assert.deepEqual(r.json().items.map((x: { name: string }) => x.name), ['患者p3']);
    });

    test('the worklist afterwards: p2 uncontrolled first', async () => {
      const r = await t.app.inject({ method: 'GET', url: '/api/chronic/worklist?status=scheduled', headers: { cookie: vd } });
      // p2 and p4 uncontrolled (due in 14 days; tie broken by name), then p1 controlled (due in 90)
      assert.deepEqual(r.json().items.map((x: { name: string; lastClass: string }) => `${x.name}:${x.lastClass}`), ['患者p2:uncontrolled', '患者p4:uncontrolled', '患者p1:controlled']);
      const csv = await t.app.inject({ method: 'GET', url: '/api/chronic/worklist.csv?status=scheduled', headers: { cookie: vd } });
      assert.match(csv.headers['content-type'] as string, /text\/csv/);
      assert.match(csv.body, /患者p2/);
    });
  });
}
