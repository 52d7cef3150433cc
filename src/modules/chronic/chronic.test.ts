// The programme through the API on a small hand-built county whose right answers are written here.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../../../test/helpers/db.ts';
import { openTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { addDays } from '../../shared/time.ts';
import { buildCommunity, buildContract, buildEnrolment, buildFacility, buildRegionTree, buildResident, buildTeam, buildWorker, linkUserToWorker } from '../../../test/helpers/factories.ts';

for (const engine of ENGINES) {
  describe(`chronic programmes [${engine}]`, () => {
    let t: TestApp;
    const fu = (cookie: string, body: object) => t.app.inject({ method: 'POST', url: '/api/chronic/followups', headers: { cookie }, payload: body });
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    before(async () => {
      t = await openTestApp(engine);
    });
    after(() => t.close());

    /**
     * Each test's own small county (its own county code, so that no test sees another's people): a
     * county hospital leading the community of township A's centre, its village clinic and township B's
     * centre; a village doctor of the clinic in township A's team, a village doctor of township B; five
     * residents p1..p5 (p1..p4 in village A, contracted to the team; p5 in village B), p1 and p2 in the
     * hypertension programme, p4 in the diabetes programme.
     */
    let worlds = 0;
    async function world() {
      const n = ++worlds;
      const county = `3710${String(10 + n).padStart(2, '0')}`;
      const tree = await buildRegionTree(t.db, { county });
      const hospital = await buildFacility(t.db, { code: `H${n}01`, name: '县人民医院', tier: 'county', kind: 'general_hospital', grade: '3B', regionCode: county, beds: 800 });
      const townA = await buildFacility(t.db, { code: `T${n}0A`, name: '甲镇卫生院', tier: 'township', kind: 'township_centre', regionCode: tree.townA, beds: 40 });
      const townB = await buildFacility(t.db, { code: `T${n}0B`, name: '乙镇卫生院', tier: 'township', kind: 'township_centre', regionCode: tree.townB, beds: 30 });
      const clinic = await buildFacility(t.db, { code: `V${n}A1`, name: '甲一村卫生室', tier: 'village', kind: 'village_clinic', regionCode: tree.villageA, parentCode: townA.code });
      await buildCommunity(t.db, { name: '医共体', leadFacilityId: hospital.id, regionCode: county, memberIds: [hospital.id, townA.id, clinic.id, townB.id], joinedOn: '2024-01-01' });
      const vd = await t.signIn(`vd${n}`, 'village_doctor', { facilityCode: clinic.code });
      const other = await t.signIn(`vd${n}b`, 'village_doctor', { facilityCode: townB.code });
      const ids: Record<string, string> = {};
      const people: [string, string, string][] = [['p1', '1950-01-01', tree.villageA], ['p2', '1980-01-01', tree.villageA], ['p3', '1970-01-01', tree.villageA], ['p4', '1975-06-01', tree.villageA], ['p5', '1960-01-01', tree.villageB]];
      for (const [k, birthDate, villageCode] of people) ids[k] = (await buildResident(t.db, { name: `患者${k}`, birthDate, villageCode })).id;
      const w = await buildWorker(t.db, { name: '村医甲', workerType: 'village_doctor', employerId: clinic.id });
      await linkUserToWorker(t.db, `vd${n}`, w.id);
      const team = await buildTeam(t.db, { name: '甲镇1队', facilityId: townA.id, members: [{ workerId: w.id, role: 'village_doctor' }] });
      for (const k of ['p1', 'p2', 'p3', 'p4']) await buildContract(t.db, { residentId: ids[k], teamId: team.id, startsOn: addDays(today, -200), endsOn: addDays(today, 165) });
      await buildEnrolment(t.db, { residentId: ids.p1, programme: 'hypertension' });
      await buildEnrolment(t.db, { residentId: ids.p2, programme: 'hypertension' });
      await buildEnrolment(t.db, { residentId: ids.p4, programme: 'diabetes' });
      return { n, county, townA: tree.townA, townB: tree.townB, hospital, vd, other, ids };
    }
    type World = Awaited<ReturnType<typeof world>>;

    /** The visits the later tests start from: p2 uncontrolled twice (20 days ago and today), p1 controlled at 76, p4's emergency visit. */
    async function visits(w: World) {
      for (const body of [
        { residentId: w.ids.p2, programme: 'hypertension', visitDate: addDays(today, -20), sbp: 152, dbp: 94, heartRate: 78, weightKg: 70, heightCm: 170 },
        { residentId: w.ids.p2, programme: 'hypertension', visitDate: today, sbp: 148, dbp: 92, heartRate: 80 },
        { residentId: w.ids.p1, programme: 'hypertension', visitDate: today, sbp: 145, dbp: 85 },
        { residentId: w.ids.p4, programme: 'diabetes', visitDate: today, fastingGlucose: 17.2, sbp: 130, dbp: 80 },
      ]) {
        const r = await fu(w.vd, body);
        assert.equal(r.statusCode, 200, r.body);
      }
    }

    test('the worklist lists contracted programme patients never seen, riskiest first', async () => {
      const w = await world();
      const r = await t.app.inject({ method: 'GET', url: '/api/chronic/worklist?status=never_seen', headers: { cookie: w.vd } });
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(r.json().items.map((x: { name: string; status: string }) => `${x.name}:${x.status}`).sort(), ['患者p1:never_seen', '患者p2:never_seen', '患者p4:never_seen']);
      // p1 (born 1950) is 65+: the elderly programme's annual service is theirs too, from publichealth (overdue from 1 October, else due by 30 September).
      const all = await t.app.inject({ method: 'GET', url: '/api/chronic/worklist?sort=name', headers: { cookie: w.vd } });
      const elderly = today >= `${today.slice(0, 4)}-10-01` ? ['患者p1:elderly:overdue'] : addDays(today, 7) >= `${today.slice(0, 4)}-09-30` ? ['患者p1:elderly:due_this_week'] : [];
      assert.deepEqual(all.json().items.map((x: { name: string; kind: string; status: string }) => `${x.name}:${x.kind}:${x.status}`),
        ['患者p1:chronic:never_seen', ...elderly, '患者p2:chronic:never_seen', '患者p4:chronic:never_seen']);
    });

    test('an uncontrolled visit after an uncontrolled visit is offered the up-referral, drafted in the referral module', async () => {
      const w = await world();
      const first = await fu(w.vd, { residentId: w.ids.p2, programme: 'hypertension', visitDate: addDays(today, -20), sbp: 152, dbp: 94, heartRate: 78, weightKg: 70, heightCm: 170 });
      assert.equal(first.statusCode, 200, first.body);
      assert.equal(first.json().class, 'uncontrolled');
      assert.equal(first.json().referral, null);
      assert.equal(first.json().nextVisitDate, addDays(today, -6));
      const second = await fu(w.vd, { residentId: w.ids.p2, programme: 'hypertension', visitDate: today, sbp: 148, dbp: 92, heartRate: 80 });
      assert.equal(second.json().class, 'uncontrolled');
      assert.equal(second.json().previousClass, 'uncontrolled');
      assert.deepEqual(second.json().referral, { urgency: 'routine', reason: 'htn_uncontrolled_twice' });
      assert.ok(second.json().referralId);
      const [ref] = await t.db.query<{ status: string; reason_text: string; to_code: string }>('SELECT r.status, r.reason_text, f.code AS to_code FROM referrals r JOIN facilities f ON f.id = r.to_facility_id WHERE r.id = $1', [second.json().referralId]);
      assert.deepEqual(ref, { status: 'draft', reason_text: '连续两次出现血压控制不满意', to_code: w.hospital.code });
      assert.equal(second.json().nextVisitDate, addDays(today, 14));
      const bmi = await t.db.query<{ bmi: number }>('SELECT bmi FROM chronic_followups WHERE resident_id = $1 ORDER BY visit_date LIMIT 1', [w.ids.p2]);
      assert.equal(bmi[0].bmi, 24.2);
    });

    test('a second uncontrolled reading the same day repeats the visit: no second referral; a back-dated visit is judged against the one before it', async () => {
      const w = await world();
      const drafts = async () => (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM referrals WHERE resident_id = $1', [w.ids.p2]))[0].n;
      const first = await fu(w.vd, { residentId: w.ids.p2, programme: 'hypertension', visitDate: today, sbp: 152, dbp: 94 });
      assert.equal(first.json().referral, null);
      const again = await fu(w.vd, { residentId: w.ids.p2, programme: 'hypertension', visitDate: today, sbp: 150, dbp: 93 });
      assert.equal(again.statusCode, 200, again.body);
      assert.equal(again.json().class, 'uncontrolled');
      assert.equal(again.json().referral, null, 'same day: not two consecutive visits');
      assert.equal(await drafts(), 0);
      // entered late: a visit 30 days ago follows nothing, so it refers nobody either
      const late = await fu(w.vd, { residentId: w.ids.p2, programme: 'hypertension', visitDate: addDays(today, -30), sbp: 150, dbp: 93 });
      assert.equal(late.json().previousClass, null);
      assert.equal(late.json().referral, null);
      assert.equal(await drafts(), 0);
    });

    test('the 65+ target: 145/85 at 76 is controlled, next visit in three months', async () => {
      const w = await world();
      const r = await fu(w.vd, { residentId: w.ids.p1, programme: 'hypertension', visitDate: today, sbp: 145, dbp: 85 });
      assert.equal(r.json().class, 'controlled');
      assert.equal(r.json().nextVisitDate, addDays(today, 90));
    });

    test('an emergency value prompts an urgent referral', async () => {
      const w = await world();
      const r = await fu(w.vd, { residentId: w.ids.p4, programme: 'diabetes', visitDate: today, fastingGlucose: 17.2, sbp: 130, dbp: 80 });
      assert.equal(r.json().emergency, true);
      assert.deepEqual(r.json().referral, { urgency: 'urgent', reason: 'emergency' });
    });

    test('bad values are refused naming the field; a worker without a basis gets 404', async () => {
      const w = await world();
      const bad = await fu(w.vd, { residentId: w.ids.p3, programme: 'hypertension', visitDate: today, sbp: 80, dbp: 120 });
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(bad.json().error.fields.map((f: { path: string }) => f.path), ['dbp']);
      const noGlucose = await fu(w.vd, { residentId: w.ids.p4, programme: 'diabetes', visitDate: today });
      assert.equal(noGlucose.json().error.fields[0].path, 'fastingGlucose');
      const stranger = await fu(w.other, { residentId: w.ids.p2, programme: 'hypertension', visitDate: today, sbp: 130, dbp: 80 });
      assert.equal(stranger.statusCode, 404);
    });

    test('programme rates by township, by hand: township A has 2 managed hypertension patients, none norm-compliant, 1 controlled', async () => {
      const w = await world();
      await visits(w);
      const officer = await t.signIn(`off${w.n}`, 'officer', { regionCode: w.county });
      const r = await t.app.inject({ method: 'GET', url: `/api/chronic/rates?programme=hypertension&year=${today.slice(0, 4)}`, headers: { cookie: officer } });
      assert.equal(r.statusCode, 200, r.body);
      const a = r.json().items.find((x: { code: string }) => x.code === w.townA);
      // p1 (controlled, 145/85 at 76) and p2 (two visits, last 148/92) were followed up; adults 35+ in A: p1..p4 (4)
      assert.deepEqual({ adults35: a.adults35, managed: a.managed, standard: a.standard, controlled: a.controlled }, { adults35: 4, managed: 2, standard: 0, controlled: 1 });
      assert.equal(a.controlRate, 0.5);
      assert.equal(a.managementRate, 2 / (4 * 0.275));
      const b = r.json().items.find((x: { code: string }) => x.code === w.townB);
      assert.equal(b.managed, 0);
      assert.equal(b.controlRate, null);
    });

    test('drill-down: the residents behind township A\'s control rate, for the team\'s village doctor, audited; not for an officer', async () => {
      const w = await world();
      await visits(w);
      const year = today.slice(0, 4);
      const r = await t.app.inject({ method: 'GET', url: `/api/chronic/rates/residents?programme=hypertension&year=${year}&township=${w.townA}&measure=controlled`, headers: { cookie: w.vd } });
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(r.json().items.map((x: { name: string }) => x.name), ['患者p1']);
      const nc = await t.app.inject({ method: 'GET', url: `/api/chronic/rates/residents?programme=hypertension&year=${year}&township=${w.townA}&measure=not_controlled`, headers: { cookie: w.vd } });
      assert.deepEqual(nc.json().items.map((x: { name: string }) => x.name), ['患者p2']);
      const strangers = await t.app.inject({ method: 'GET', url: `/api/chronic/rates/residents?programme=hypertension&year=${year}&township=${w.townA}&measure=managed`, headers: { cookie: w.other } });
      assert.deepEqual(strangers.json().items, [], 'another team sees none of these people');
      const officer = await t.signIn(`off${w.n}b`, 'officer', { regionCode: w.county });
      assert.equal((await t.app.inject({ method: 'GET', url: `/api/chronic/rates/residents?programme=hypertension&year=${year}&township=${w.townA}&measure=managed`, headers: { cookie: officer } })).statusCode, 403);
      assert.ok((await t.db.query("SELECT 1 FROM audit_log WHERE action = 'chronic.rate_residents' AND username = $1", [`vd${w.n}`])).length >= 2);
    });

    test('the screening list: contracted residents 35+ without a BP reading this year, not already hypertensive', async () => {
      const w = await world();
      await visits(w);
      const r = await t.app.inject({ method: 'GET', url: '/api/chronic/screening', headers: { cookie: w.vd } });
      assert.equal(r.statusCode, 200, r.body);
      // p1, p2 measured this year (and p2/p1 are enrolled); p3 never measured; p4 (diabetes) had a BP at the emergency visit
      assert.deepEqual(r.json().items.map((x: { name: string }) => x.name), ['患者p3']);
    });

    test('the worklist afterwards: p2 uncontrolled first', async () => {
      const w = await world();
      await visits(w);
      const r = await t.app.inject({ method: 'GET', url: '/api/chronic/worklist?status=scheduled', headers: { cookie: w.vd } });
      // p2 and p4 uncontrolled (due in 14 days; tie broken by name), then p1 controlled (due in 90)
      assert.deepEqual(r.json().items.map((x: { name: string; lastClass: string }) => `${x.name}:${x.lastClass}`), ['患者p2:uncontrolled', '患者p4:uncontrolled', '患者p1:controlled']);
      const csv = await t.app.inject({ method: 'GET', url: '/api/chronic/worklist.csv?status=scheduled', headers: { cookie: w.vd } });
      assert.match(csv.headers['content-type'] as string, /text\/csv/);
      assert.match(csv.body, /患者p2/);
    });
  });
}
