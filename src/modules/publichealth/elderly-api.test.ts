// The elderly programme through the API: the facility's list of residents 65+ (due, overdue, done), an
// annual service recorded with the whole 健康体检表 (bands judged, saved as typed and read back),
// refusals naming the field with nothing saved, no basis (404, as for no resident), wrong role, a
// hospital's doctor with no area, every read audited; 老年人健康管理率 on a hand-built county (town A: 3
// residents 65+, 1 complete service: 33.3%; town B: 1 resident, none: 0%; county 1 of 4: 25%), the
// same figure from the rate routes and from the indicator catalogue; the team's worklist.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../../../test/helpers/db.ts';
import { openTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { addDays } from '../../shared/time.ts';
import { buildContract, buildElderlyService, buildFacility, buildRegionTree, buildResident, buildTeam, buildWorker } from '../../../test/helpers/factories.ts';
import { compute } from '../indicators/engine.ts';
import { addSpan } from './rules.ts';

for (const engine of ENGINES) {
  describe(`elderly health management [${engine}]`, () => {
    let t: TestApp;
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    const year = Number(today.slice(0, 4));
    before(async () => { t = await openTestApp(engine); });
    after(() => t.close());
    const get = (cookie: string, url: string) => t.app.inject({ method: 'GET', url, headers: { cookie } });
    const post = (cookie: string, url: string, payload: object = {}) => t.app.inject({ method: 'POST', url, headers: { cookie }, payload });
    const fieldsOf = (r: { json(): { error: { code: string; fields: { path: string }[] } } }) => { const e = r.json().error; return `${e.code}:${e.fields.map((f) => f.path).join(',')}`; };
    const count = async (sql: string, args: unknown[] = []) => (await t.db.query<{ n: number }>(sql, args))[0].n;

    test('list, a service recorded and read back, refusals, access, the rates, the worklist', async () => {
      const tree = await buildRegionTree(t.db, { county: '374202' });
      const centre = await buildFacility(t.db, { code: 'ELD01', name: '甲镇卫生院', tier: 'township', regionCode: tree.townA });
      const other = await buildFacility(t.db, { code: 'ELD02', name: '乙镇卫生院', tier: 'township', regionCode: tree.townB });
      const hospital = await buildFacility(t.db, { code: 'ELDH1', name: '县医院', tier: 'county', regionCode: tree.county });
      const ph = await t.signIn('eld-ph', 'public_health', { regionCode: tree.townA, facilityCode: centre.code });
      const nurse = await t.signIn('eld-nurse', 'nurse', { facilityCode: centre.code });
      const hosp = await t.signIn('eld-hosp', 'doctor', { facilityCode: hospital.code });
      const officer = await t.signIn('eld-officer', 'officer', { regionCode: tree.county });
      const a = (await buildResident(t.db, { name: '甲老', birthDate: addSpan(today, { years: -70 }), villageCode: tree.villageA, sex: 'M' })).id;
      const b = (await buildResident(t.db, { name: '乙老', birthDate: addSpan(today, { years: -65 }), villageCode: tree.villageA2 })).id; // 65 today
      const c = (await buildResident(t.db, { name: '丙老', birthDate: addSpan(today, { years: -80 }), villageCode: tree.villageA })).id;
      const young = (await buildResident(t.db, { name: '丁青', birthDate: addDays(addSpan(today, { years: -65 }), 1), villageCode: tree.villageA })).id; // 65 tomorrow
      await buildResident(t.db, { name: '戊老', birthDate: addSpan(today, { years: -75 }), villageCode: tree.villageB });
      // The township GP of A is in the team with 甲's and 丙's contracts (丙's with the packages' 老年人健康体检); B's GP has no tie to them.
      const gpWorker = await buildWorker(t.db, { name: '全科甲', employerId: centre.id });
      const gp = await t.signIn('eld-gp', 'doctor', { facilityCode: centre.code });
      await t.db.query('UPDATE users SET worker_id = $1 WHERE username = $2', [gpWorker.id, 'eld-gp']);
      const team = await buildTeam(t.db, { facilityId: centre.id, leadWorkerId: gpWorker.id, villages: [tree.villageA, tree.villageA2] });
      await t.db.query(`INSERT INTO service_packages (code, name, kind, price_fen, payer, items) VALUES ('ELD-T', '老年人服务包', 'personalised', 0, 'public_health', '[{"service":"elderly_check","name":"老年人健康体检","frequency":"1次/年"}]')`);
      await buildContract(t.db, { residentId: a, teamId: team.id });
      await buildContract(t.db, { residentId: c, teamId: team.id, packages: ['ELD-T'] });
      const gpB = await t.signIn('eld-gpb', 'doctor', { facilityCode: other.code });

      const form = { residentId: a, serviceDate: today, selfCare: { eating: 0, grooming: 1, dressing: 0, toileting: 1, activity: 5 },
        symptoms: ['dizziness', 'other'], symptomsOther: '夜尿多', healthSelfRating: 'fairly_satisfied', cognition: 'positive', mmse: 25, emotion: 'negative',
        exerciseFrequency: 'weekly', exerciseMinutes: 30, exerciseYears: 5, diet: ['mostly_meat', 'salty'], smoking: 'current', cigarettesPerDay: 15, drinking: 'occasional', alcoholLiang: 1.5,
        temperature: 36.6, pulse: 76, respiration: 18, systolicLeft: 146, diastolicLeft: 88, systolicRight: 144, diastolicRight: 86, heightCm: 168, weightKg: 72, waistCm: 91,
        lips: 'ruddy', dentition: 'missing', pharynx: 'normal', visionLeft: 0.6, visionRight: 0.8, hearing: 'heard', motor: 'able',
        skin: 'normal', lymphNodes: 'none', breathSounds: 'normal', rales: 'none', heartRate: 76, heartRhythm: 'regular', murmur: 'none', abdomen: 'normal', oedema: 'none',
        haemoglobin: 135, wbc: 6.2, platelets: 220, fastingGlucose: 6.1, alt: 20, ast: 24, totalBilirubin: 11, creatinine: 85, urea: 5.5,
        totalCholesterol: 5.4, triglycerides: 1.8, ldl: 3.2, hdl: 1.1, urineProtein: '-', urineGlucose: '-', ecg: 'normal', ultrasound: 'normal',
        evaluation: 'abnormal', evaluationText: '血压偏高；认知功能粗筛阳性', guidance: ['chronic-management', 'recheck'], riskFactors: ['quit_smoking', 'diet', 'weight_loss'], targetWeightKg: 66 };

      // Bad input names each field; nothing saved (no service, no encounter).
      const bad = await post(ph, '/api/publichealth/elderly/services', { ...form, systolicLeft: 400, selfCare: { ...form.selfCare, grooming: 2 }, serviceDate: addDays(today, 1), mmse: null, heartRhythm: 'fast' });
      assert.equal(bad.statusCode, 400);
      assert.equal(fieldsOf(bad), 'publichealth.elderly_form:serviceDate,selfCare.grooming,systolicLeft,heartRhythm,mmse');
      assert.match(JSON.stringify(bad.json().error.fields), /左侧收缩压（mmHg）应在 60 至 280 之间/);
      assert.equal((await post(ph, '/api/publichealth/elderly/services', { ...form, serviceDate: '2026-02-30' })).statusCode, 400, 'not a calendar day');
      assert.equal((await post(ph, '/api/publichealth/elderly/services', { ...form, residentId: young })).statusCode, 400, 'under 65 on the service day');
      assert.equal((await post(ph, '/api/publichealth/elderly/services', { ...form, bogus: 1 })).statusCode, 400);
      assert.equal(await count('SELECT count(*)::int AS n FROM elderly_services'), 0);
      assert.equal(await count("SELECT count(*)::int AS n FROM encounters WHERE kind = 'health_check'"), 0);
      // Wrong role; no basis (another township's doctor: as for no resident); a hospital's doctor has no area.
      assert.equal((await post(nurse, '/api/publichealth/elderly/services', form)).statusCode, 403);
      assert.equal((await get(nurse, '/api/publichealth/elderly/due')).statusCode, 403);
      assert.equal((await get(nurse, '/api/publichealth/elderly/rate')).statusCode, 403);
      assert.equal((await get(nurse, `/api/publichealth/elderly/residents/${a}`)).statusCode, 403);
      const noBasis = await post(gpB, '/api/publichealth/elderly/services', form);
      assert.equal(noBasis.statusCode, 404, noBasis.body);
      assert.equal(fieldsOf(await get(hosp, '/api/publichealth/elderly/due')), 'publichealth.not_primary_care:facilityCode');

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
      assert.equal(await count("SELECT count(*)::int AS n FROM encounters WHERE kind = 'health_check' AND resident_id = $1", [a]), 1, 'the service is a health check in the record');
      // An incomplete one for 乙: recorded, not counted.
      const part = await post(ph, '/api/publichealth/elderly/services', { ...form, residentId: b, ecg: null, hdl: null, oedema: null });
      assert.equal(part.statusCode, 200, part.body);
      assert.deepEqual(part.json().missing, ['hdl', 'oedema', 'ecg']);

      // Read back: the team's GP (contract basis) sees the form as typed; B's GP gets 404; each read audited.
      const mine = await get(gp, `/api/publichealth/elderly/residents/${a}`);
      assert.equal(mine.statusCode, 200, mine.body);
      const { residentId: _r, ...typed } = form;
      assert.deepEqual(mine.json().services[0].form, typed);
      assert.deepEqual([mine.json().status, mine.json().services.length, mine.json().services[0].facilityName, mine.json().services[0].selfCareTotal, mine.json().resident.age], ['done', 1, '甲镇卫生院', 7, 70]);
      assert.equal((await get(gpB, `/api/publichealth/elderly/residents/${a}`)).statusCode, 404);
      assert.equal((await get(gp, `/api/publichealth/elderly/residents/${b}`)).statusCode, 404, 'no contract with 乙');
      assert.equal((await get(ph, `/api/publichealth/elderly/residents/${b}`)).json().services[0].missing.join(), 'hdl,oedema,ecg');
      const reads = await t.db.query<{ resident_id: string; basis: string }>("SELECT resident_id, basis FROM audit_log WHERE action = 'publichealth.elderly_services_read' ORDER BY id");
      assert.deepEqual(reads.map((r) => [r.resident_id, r.basis]), [[a, 'contract'], [b, 'public_health']]);

      const list = (await get(ph, '/api/publichealth/elderly/due')).json();
      assert.equal(list.counts.done, 1);
      assert.equal(list.counts.due + list.counts.overdue, 2);
      assert.deepEqual(list.items.filter((x: { status: string }) => x.status === 'done').map((x: { name: string; villageCode: string }) => [x.name, x.villageCode]), [['甲老', tree.villageA]]);
      assert.equal((await get(ph, '/api/publichealth/elderly/due?day=2026-13-01')).statusCode, 400);
      assert.equal((await get(gp, '/api/publichealth/elderly/due')).json().residents, 3, 'the township GP lists the township');
      const listed = await count("SELECT count(*)::int AS n FROM audit_log WHERE action = 'record.listed' AND details->>'list' = 'publichealth.elderly_due_list'");
      assert.ok(listed >= 9, `each listed resident in their access log (${listed})`);

      // 老年人健康管理率: A 1 of 3 = 33.3; B 0 of 1; the county 1 of 4 = 25.
      const rate = await get(ph, '/api/publichealth/elderly/rate');
      assert.equal(rate.statusCode, 200, rate.body);
      assert.deepEqual([rate.json().residents, rate.json().managed, rate.json().rate], [3, 1, 33.3]);
      assert.match(rate.json().definition.zh, /65岁及以上常住居民/);
      assert.equal((await get(ph, '/api/publichealth/elderly/rate?year=abc')).statusCode, 400);
      const towns = await get(officer, '/api/publichealth/elderly/rate/townships');
      assert.equal(towns.statusCode, 200, towns.body);
      assert.deepEqual(towns.json().townships.map((x: { code: string; residents: number; managed: number; rate: number | null }) => [x.code, x.residents, x.managed, x.rate]),
        [[tree.townA, 3, 1, 33.3], [tree.townB, 1, 0, 0]]);
      assert.deepEqual([towns.json().total.residents, towns.json().total.managed, towns.json().total.rate], [4, 1, 25]);
      assert.equal((await get(nurse, '/api/publichealth/elderly/rate/townships')).statusCode, 403);
      const gpTowns = (await get(gp, '/api/publichealth/elderly/rate/townships')).json();
      assert.deepEqual(gpTowns.townships.map((x: { code: string }) => x.code), [tree.townA], 'a township GP sees their township');

      // The indicator catalogue's 老年人健康管理率 reads the same rule: the same figures on the same data.
      await compute(t.db, { county: tree.county, periods: [String(year)], codes: ['elderly_health_management_rate'], today });
      const iv = async (level: string, unit: string) => (await t.db.query<{ value: number; numerator: number; denominator: number }>(
        "SELECT value, numerator, denominator FROM indicator_values WHERE indicator_code = 'elderly_health_management_rate' AND period = $1 AND unit_level = $2 AND unit_id = $3", [String(year), level, unit]))[0];
      for (const [level, unit, cell] of [['county', tree.county, towns.json().total], ['township', tree.townA, towns.json().townships[0]], ['township', tree.townB, towns.json().townships[1]]] as const) {
        const x = await iv(level, unit);
        assert.deepEqual([x.numerator, x.denominator, Math.round(x.value * 10) / 10], [cell.managed, cell.residents, cell.rate], `${level} ${unit}`);
      }
      // A complete service of last year counts for last year only.
      await buildElderlyService(t.db, { residentId: c, facilityId: centre.id, serviceDate: `${year - 1}-06-01` });
      assert.equal((await get(ph, '/api/publichealth/elderly/rate')).json().managed, 1);
      assert.deepEqual(((await get(ph, `/api/publichealth/elderly/rate?year=${year - 1}`)).json() as { managed: number }).managed, 1);

      // The team's worklist: 丙 (contracted, 65+, not served this year) has the annual service; 甲 (served) has none; 丙's package 老年人健康体检 stands behind it.
      const status = today >= `${year}-10-01` ? 'overdue' : addDays(today, 7) >= `${year}-09-30` ? 'due_this_week' : 'scheduled';
      const wl = await get(gp, `/api/chronic/worklist?limit=500&status=${status}`);
      assert.equal(wl.statusCode, 200, wl.body);
      const rows = wl.json().items as { residentId: string; kind: string; service: string | null; nextDue: string; status: string }[];
      assert.deepEqual(rows.filter((x) => x.kind === 'elderly').map((x) => [x.residentId, x.service, x.nextDue, x.status]), [[c, 'elderly_annual', `${year}-09-30`, status]]);
      assert.equal(rows.filter((x) => x.service === 'elderly_check').length, 0, 'the package row is the programme row');
      const all = (await get(gp, '/api/chronic/worklist?limit=500')).json().items as { residentId: string; kind: string }[];
      assert.ok(!all.some((x) => x.residentId === a && x.kind === 'elderly'), '甲 was served this year');
      assert.ok(!all.some((x) => x.residentId === b), '乙 lives in a village of the team but has no contract (no basis): served from the centre\'s list');
    });
  });
}
