// Every computed indicator on a small hand-built county whose right values are written here by hand,
// with the edge cases: a resident who moved, visits outside the county, a resident who died in the
// year and one who died before it, a merged duplicate, a non-permanent resident, a resident of
// another county, a centre closed mid-year. Then targets and their status, entered values, a late
// record, a changed definition, the residents behind a rate (and who may not see them), exports.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import mammoth from 'mammoth';
import { ENGINES } from '../../../test/helpers/db.ts';
import { openTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { buildTestCounty, TOWN_A, TOWN_B, VILLAGE_A, VILLAGE_A2, VILLAGE_B } from '../../../test/helpers/county.ts';
import { buildCommunity, buildContract, buildElderlyService, buildEncounter, buildFacility, buildFollowup, buildReferral, buildRegion, buildResident, buildTeam, buildWorker, type EncounterKind, type WorkerType } from '../../../test/helpers/factories.ts';
import { programmeRates } from '../chronic/service.ts';
import { contractRates } from '../contracts/service.ts';
import { refresh } from './engine.ts';
import { jobFinished } from './jobs.ts';
import { today } from '../../shared/time.ts';

for (const engine of ENGINES) {
  describe(`indicators on a hand-built county [${engine}]`, () => {
    let t: TestApp;
    let officer: string;
    let ph: string;
    const id: Record<string, string> = {};
    const fac: Record<string, string> = {};
    let team: string;
    before(async () => {
      t = await openTestApp(engine);
      await buildTestCounty(t.db);
      await buildRegion(t.db, { code: '371002', name: '环翠区', parentCode: '3710', level: 'county' });
      await buildRegion(t.db, { code: '371002001000', name: '某街道', parentCode: '371002', level: 'township' });
      await buildRegion(t.db, { code: '371002001201', name: '某村', parentCode: '371002001000', level: 'village' });
      await buildFacility(t.db, { code: 'C0001', name: '市立医院', tier: 'city', grade: '3A', regionCode: '3710', beds: 2000 });
      await buildFacility(t.db, { code: 'T000C', name: '乙镇旧卫生院', tier: 'township', regionCode: TOWN_B, closedOn: '2025-06-01' });
      await t.db.exec(`UPDATE facilities SET capability_standard = 'recommended' WHERE code = 'T000A';
        UPDATE facilities SET capability_standard = 'basic', community_hospital = true WHERE code = 'T000B';`);
      for (const r of await t.db.query<{ id: string; code: string }>('SELECT id, code FROM facilities')) fac[r.code] = r.id;
      await buildCommunity(t.db, { name: '医共体', leadFacilityId: fac.H0001, regionCode: '371003', joinedOn: '2024-01-01', memberIds: [fac.H0001, fac.T000A, fac.V00A1, fac.T000B] });
      const people: [string, string, string, { death?: string; permanent?: boolean; conditions?: string[] }][] = [
        ['A1', '1950-04-01', VILLAGE_A, { conditions: ['hypertension'] }], ['A2', '1980-01-01', VILLAGE_A, {}], ['A3', '1955-01-01', VILLAGE_A2, { death: '2025-06-30' }],
        ['A4', '1940-01-01', VILLAGE_A, { death: '2024-05-01' }], ['B1', '1960-01-01', VILLAGE_B, { conditions: ['hypertension', 'diabetes'] }], ['B2', '1995-01-01', VILLAGE_B, { permanent: false }],
        ['M1', '1980-01-01', VILLAGE_A, {}], ['MV', '1970-01-01', VILLAGE_B, {}], ['X', '1975-01-01', '371002001201', {}],
      ];
      for (const [k, birthDate, villageCode, o] of people) {
        id[k] = (await buildResident(t.db, { name: `居民${k}`, birthDate, villageCode, permanent: o.permanent ?? true, deathDate: o.death ?? null, conditions: o.conditions ?? [] })).id;
      }
      // M1 is a duplicate of A2, merged into it; MV moved from 甲一村 to 乙一村 (the registry holds the current address).
      await t.db.query('UPDATE residents SET merged_into = $1 WHERE id = $2', [id.A2, id.M1]);
      const workers: [string, 'M' | 'F', WorkerType, string | null, boolean, boolean, string][] = [
        ['医甲', 'M', 'physician', 'surgery', true, true, 'H0001'], ['医乙', 'M', 'physician', 'internal_medicine', true, true, 'H0001'],
        ['无证医', 'M', 'physician', 'surgery', false, true, 'H0001'], ['护甲', 'F', 'nurse', null, true, true, 'H0001'],
        ['全科甲', 'M', 'physician', 'general_practice', true, true, 'T000A'], ['护乙', 'F', 'nurse', null, true, true, 'T000A'],
        ['公卫甲', 'F', 'public_health', 'public_health', true, true, 'T000A'], ['全科乙', 'M', 'assistant_physician', 'general_practice', true, true, 'T000B'],
        ['村医甲', 'M', 'village_doctor', 'general_practice', true, true, 'V00A1'], ['村医乙', 'M', 'village_doctor', 'general_practice', false, true, 'V00A1'],
        ['村医丙', 'M', 'village_doctor', 'general_practice', true, false, 'V00A1']];
      for (const [name, sex, workerType, specialty, qualified, active, f] of workers) await buildWorker(t.db, { name, sex, workerType, specialty, qualified, active, employerId: fac[f] });
      team = (await buildTeam(t.db, { name: '甲镇1队', facilityId: fac.T000A, leadWorkerId: null })).id;
      for (const [who, endsOn] of [['A1', '2025-12-31'], ['B1', '2025-12-31'], ['A2', '2025-06-30']]) await buildContract(t.db, { residentId: id[who], teamId: team, startsOn: '2025-01-01', endsOn });
      const enc = async (who: string, kind: EncounterKind, f: string, at: string, rx: ('unrestricted' | null)[] = []) => {
        await buildEncounter(t.db, { residentId: id[who], countyCode: '371003', kind, facilityId: fac[f], startedAt: `${at} 09:00+08`,
          prescriptions: rx.map((antibacterialClass) => ({ drugName: antibacterialClass ? '阿莫西林' : '氨氯地平', antibacterialClass, prescribedAt: `${at} 09:10+08` })) });
      };
      await enc('A1', 'outpatient', 'V00A1', '2025-03-10', ['unrestricted', null]);
      await enc('A1', 'inpatient', 'H0001', '2025-04-01');
      await enc('A1', 'health_check', 'T000A', '2025-05-01');
      // The elderly's annual services (publichealth): A1 complete in May; A3 complete in March, then died in June; B1 an incomplete one.
      await buildElderlyService(t.db, { residentId: id.A1, facilityId: fac.T000A, serviceDate: '2025-05-01' });
      await buildElderlyService(t.db, { residentId: id.A3, facilityId: fac.T000A, serviceDate: '2025-03-01' });
      await buildElderlyService(t.db, { residentId: id.B1, facilityId: fac.T000B, serviceDate: '2025-04-01', complete: false });
      await enc('A2', 'outpatient', 'H0001', '2025-03-15', [null]);
      await enc('A2', 'emergency', 'H0001', '2025-07-01');
      await enc('A2', 'outpatient', 'C0001', '2025-08-01');
      await enc('A3', 'outpatient', 'T000A', '2025-02-01', ['unrestricted']);
      await enc('MV', 'outpatient', 'T000B', '2025-09-01');
      await enc('MV', 'inpatient', 'C0001', '2025-10-01');
      await enc('M1', 'outpatient', 'H0001', '2025-05-05');
      await enc('B2', 'outpatient', 'T000B', '2025-06-01');
      await enc('X', 'outpatient', 'H0001', '2025-05-20');
      const fu = (who: string, programme: 'hypertension' | 'diabetes', visitDate: string, onTarget: boolean) =>
        buildFollowup(t.db, { residentId: id[who], programme, facilityId: fac.T000A, visitDate, sbp: null, dbp: null, onTarget });
      for (const d of ['2025-03-01', '2025-06-01', '2025-09-01']) await fu('A1', 'hypertension', d, false);
      await fu('A1', 'hypertension', '2025-12-01', true);
      await fu('B1', 'hypertension', '2025-02-01', true);
      await fu('B1', 'hypertension', '2025-08-01', false);
      await fu('MV', 'hypertension', '2025-04-01', true);
      await fu('M1', 'hypertension', '2025-04-01', true);
      await fu('A3', 'hypertension', '2025-03-01', false);
      for (const d of ['2025-02-01', '2025-05-01', '2025-08-01', '2025-11-01']) await fu('B1', 'diabetes', d, true);
      const ref = (who: string, direction: 'up' | 'down', from: string, to: string, status: 'sent' | 'draft' | 'completed' | 'cancelled', at: string) =>
        buildReferral(t.db, { residentId: id[who], direction, reasonCode: 'x', fromFacilityId: fac[from], toFacilityId: fac[to], status, sentAt: `${at} 10:00+08`, createdAt: `${at} 10:00+08` });
      await ref('A1', 'up', 'V00A1', 'H0001', 'sent', '2025-03-11');
      await ref('A2', 'up', 'T000A', 'H0001', 'draft', '2025-03-16');
      await ref('MV', 'down', 'H0001', 'T000B', 'completed', '2025-09-05');
      await ref('B1', 'up', 'T000B', 'H0001', 'cancelled', '2025-08-02');
      officer = await t.signIn('officer', 'officer', { regionCode: '371003' });
      ph = await t.signIn('ph', 'public_health', { regionCode: TOWN_A });
      // The computation runs as a job: 202 with the job, then followed to its end.
      const r = await t.app.inject({ method: 'POST', url: '/api/indicators/compute', headers: { cookie: officer }, payload: { year: 2025 } });
      assert.equal(r.statusCode, 202, r.body);
      const job = await jobFinished(t.db, r.json().id);
      assert.equal(job.state, 'done', job.error ?? '');
      const got = await t.app.inject({ method: 'GET', url: `/api/indicators/jobs/${job.id}`, headers: { cookie: officer } });
      assert.equal(got.statusCode, 200, got.body);
      assert.equal(got.json().done, got.json().steps);
    });
    after(() => t.close());

    const v = async (code: string, period: string, level = 'county', unit = '371003') => {
      const [row] = await t.db.query<{ value: number | null; numerator: number; denominator: number | null }>(
        'SELECT value, numerator, denominator FROM indicator_values WHERE indicator_code = $1 AND period = $2 AND unit_level = $3 AND unit_id = $4', [code, period, level, unit]);
      return row ? row.value : undefined;
    };

    // The hand-built county's indicators, step by step: later steps read what earlier ones changed (the late
    // record, the targets), so they are subtests of one test, run in order as one unit.
    test('computed values, cuts, agreement with the modules, late records, targets, entries, drill-down and exports: one story', async (step) => {
      await step.test('each indicator has its hand-computed value for 2025 at the county and in each township', async () => {
        // [code, county, town A, town B] — population at 2025-12-31: A1, A2 (town A), B1, MV (town B): A3 died, A4 died before, B2 not permanent, M1 merged, X elsewhere.
        const expected: [string, number | null, number | null | undefined, number | null | undefined][] = [
          ['physicians_per_1000', 1000, 500, 500], // 2 qualified at H0001 + 全科甲 + 全科乙 (无证医 not) ÷ 4 × 1000
          ['nurses_per_1000', 500, 500, 0],
          ['gps_per_10000', 5000, 5000, 5000],
          ['public_health_staff_per_1000', 250, 500, 0],
          ['village_doctor_qualified_share', 50, 50, undefined], // 村医甲 of 甲, 乙 (丙 inactive)
          ['contract_coverage', 50, 50, 50], // A1, B1 of A1, A2, B1, MV (A2's contract ended in June)
          ['contract_coverage_priority', 100, 100, 100], // 65+: A1, B1
          ['contract_fulfilment', 100, 100, 100], // no package items owed
          ['county_visit_rate', 77.777778, 83.333333, 66.666667], // 7 of 9 in the county (A2 and MV treated in the city)
          ['county_inpatient_rate', 50, 100, 0],
          ['basic_level_visit_share', 57.142857, 50, 100], // 4 of 7 (X from another county counts in the county total only)
          ['outpatient_antibiotic_rate', 66.666667, 100, undefined], // A1 and A3 of A1, A2, A3 (hospital visits have no township)
          ['elderly_health_management_rate', 50, 100, 0], // A1 (complete) of A1 and B1 (incomplete) alive and 65+ on 31 December; A3 died in June
          ['htn_management_rate', 290.909091, 242.424242, 363.636364], // 4 ÷ (5 adults 35+ × 0.275)
          ['htn_standard_management_rate', 25, 50, 0],
          ['htn_control_rate', 50, 50, 50], // A1 and MV of A1, B1, MV, A3 (M1 merged away)
          ['dm_management_rate', 168.067227, 0, 420.168067],
          ['dm_standard_management_rate', 100, undefined, 100],
          ['dm_control_rate', 100, undefined, 100],
          ['centres_basic_standard_share', 100, 100, 100], // T000C closed in June
          ['centres_recommended_standard_share', 50, 100, 0],
          ['community_hospitals', 1, undefined, 1],
          ['beds_per_1000', 217500, 20000, 15000], // 800 + 40 + 30 beds (the city hospital is outside the county)
          ['referrals_up', 1, 1, undefined], // the draft and the cancelled one do not count
          ['referrals_down', 1, undefined, 1], // MV, sent by the county hospital, counts for the township that receives it (B)
          ['basic_up_referral_rate', 25, 50, 0],
          ['down_up_referral_ratio', 1, undefined, undefined],
        ];
        const got: unknown[] = [];
        for (const [code] of expected) got.push([code, await v(code, '2025'), await v(code, '2025', 'township', TOWN_A), await v(code, '2025', 'township', TOWN_B)]);
        assert.deepEqual(got, expected);
      });

      await step.test('facility, community and team cuts; a month and a quarter', async () => {
        assert.equal(await v('outpatient_antibiotic_rate', '2025', 'facility', fac.V00A1), 100);
        assert.equal(await v('outpatient_antibiotic_rate', '2025', 'facility', fac.H0001), 0);
        const [c] = await t.db.query<{ id: string }>('SELECT id::text FROM communities');
        assert.equal(await v('outpatient_antibiotic_rate', '2025', 'community', c.id), 66.666667);
        assert.equal(await v('htn_control_rate', '2025', 'team', team), 50); // A1 and B1 are the team's on 31 December
        assert.equal(await v('htn_control_rate', '2025', 'facility', fac.T000A), 50);
        assert.equal(await v('elderly_health_management_rate', '2025', 'team', team), 50);
        assert.equal(await v('centres_basic_standard_share', '2025-03'), 66.666667); // T000C still open in March
        assert.equal(await v('county_visit_rate', '2025-03'), 100);
        assert.equal(await v('htn_control_rate', '2025-Q1'), 33.333333); // year to March: B1 (controlled in Feb) of A1, B1, A3
        assert.equal(await v('elderly_health_management_rate', '2025-Q1'), 33.333333); // on 31 March: A3 (served 1 March, alive then) of A1, A3, B1
      });

      await step.test('the contract indicators agree with the contracts module\'s rates', async () => {
        for (const r of await contractRates(t.db, '371003', { level: 'township', to: '2025-12-31' })) {
          const pct = (x: number | null) => (x == null ? undefined : Math.round(x * 100 * 1e6) / 1e6);
          assert.deepEqual([await v('contract_coverage', '2025', 'township', r.code), await v('contract_coverage_priority', '2025', 'township', r.code)], [pct(r.coverage), pct(r.priorityCoverage)]);
        }
      });

      await step.test('the programme indicators agree with the chronic module\'s programme rates', async () => {
        // The year, and quarters: by the end of Q1 one follow-up is asked for, which every managed patient has, so the
        // norm-compliant rate is not yet measurable there (no value on both sides); by the end of Q2 two are asked for.
        const pct = (x: number | null) => (x == null ? null : Math.round(x * 100 * 1e6) / 1e6);
        let standardValues = 0;
        for (const [period, to] of [['2025', '2025-12-31'], ['2025-Q1', '2025-03-31'], ['2025-Q2', '2025-06-30'], ['2025-05', '2025-05-31']]) {
          const rates = await programmeRates(t.db, '371003', 'hypertension', { level: 'township', from: `${to.slice(0, 4)}-01-01`, to });
          assert.ok(rates.length > 0);
          for (const r of rates) {
            assert.equal(await v('htn_control_rate', period, 'township', r.code), pct(r.controlRate), `${period} ${r.code} control`);
            assert.equal(await v('htn_standard_management_rate', period, 'township', r.code), pct(r.standardRate), `${period} ${r.code} standard`);
            if (period === '2025-Q1' || period === '2025-05') assert.equal(r.standardRate, null, `${period}: not yet measurable`);
            else if (r.standardRate != null) standardValues++;
          }
        }
        assert.ok(standardValues > 0, 'the year and Q2 have norm-compliant rates');
      });

      await step.test('a late record and a changed definition recompute what they touch', async () => {
        const [before] = await t.db.query<{ at: Date }>(`SELECT computed_at AS at FROM indicator_runs WHERE indicator_code = 'county_visit_rate' AND period = '2025-01'`);
        await buildEncounter(t.db, { residentId: id.A1, facilityId: fac.C0001, startedAt: '2025-03-20 09:00+08' });
        await t.db.query(`UPDATE indicator_runs SET definition_hash = 'old' WHERE indicator_code = 'gps_per_10000' AND period = '2025-02'`);
        await refresh(t.db, today());
        assert.equal(await v('county_visit_rate', '2025-03'), 66.666667);
        assert.equal(await v('county_visit_rate', '2025'), 70);
        const [after] = await t.db.query<{ at: Date }>(`SELECT computed_at AS at FROM indicator_runs WHERE indicator_code = 'county_visit_rate' AND period = '2025-01'`);
        assert.equal(after.at.getTime(), before.at.getTime(), 'January is not touched by a March record');
        const [g] = await t.db.query<{ definition_hash: string }>(`SELECT definition_hash FROM indicator_runs WHERE indicator_code = 'gps_per_10000' AND period = '2025-02'`);
        assert.notEqual(g.definition_hash, 'old');
      });

      await step.test('targets: added by hand, held against the value with the status rule; bad input names every field', async () => {
        const add = (body: object) => t.app.inject({ method: 'POST', url: '/api/indicators/targets', headers: { cookie: officer }, payload: body });
        const bad = await add({ indicatorCode: 'nope', localityCode: '999999', comparator: 'range', value: 5, unit: '%', dueYear: 2025 });
        assert.equal(bad.statusCode, 400);
        assert.deepEqual(bad.json().error.fields.map((f: { path: string }) => f.path), ['indicatorCode', 'localityCode', 'valueHigh']);
        assert.equal((await t.db.query('SELECT 1 FROM targets')).length, 0);
        assert.equal((await add({ indicatorCode: 'contract_coverage', localityCode: '371003', comparator: '>=', value: 60, unit: '%', dueYear: 2025, text: '签约率60%' })).statusCode, 201);
        assert.equal((await add({ indicatorCode: 'htn_control_rate', localityCode: TOWN_A, comparator: '>=', value: 40, unit: '%', dueYear: 2027 })).statusCode, 201);
        const d = await t.app.inject({ method: 'GET', url: '/api/indicators/dashboard', headers: { cookie: officer } });
        assert.equal(d.statusCode, 200, d.body);
        const rows = d.json().targets.map((x: { indicatorCode: string; current: number; status: string; reason: string }) => [x.indicatorCode, x.current, x.status, x.reason]);
        // 2025 is past: coverage 50 < 60 → off track; 甲镇's control has no figure for this year yet, so the latest (2025: 50 ≥ 40) → met
        assert.deepEqual(rows, [['contract_coverage', 50, 'off_track', 'past_due'], ['htn_control_rate', 50, 'met', 'satisfied']]);
        const [{ id: tid, version }] = await t.db.query<{ id: string; version: number }>(`SELECT id, version FROM targets WHERE indicator_code = 'contract_coverage'`);
        const e = await t.app.inject({ method: 'PUT', url: `/api/indicators/targets/${tid}`, headers: { cookie: officer }, payload: { indicatorCode: 'contract_coverage', localityCode: '371003', comparator: '>=', value: 45, unit: '%', dueYear: 2025, version } });
        assert.equal(e.statusCode, 200, e.body);
        const again = await t.app.inject({ method: 'PUT', url: `/api/indicators/targets/${tid}`, headers: { cookie: officer }, payload: { indicatorCode: 'contract_coverage', localityCode: '371003', comparator: '>=', value: 45, unit: '%', dueYear: 2025, version } });
        assert.equal(again.statusCode, 409);
        const d2 = await t.app.inject({ method: 'GET', url: '/api/indicators/targets?code=contract_coverage', headers: { cookie: officer } });
        assert.equal(d2.json().items[0].status, 'met');
        assert.equal((await t.db.query(`SELECT 1 FROM audit_log WHERE action IN ('target.add','target.edit')`)).length, 3);
      });

      await step.test('an entered indicator: marked entered with who and when; a computed one cannot be entered', async () => {
        const ok = await t.app.inject({ method: 'POST', url: '/api/indicators/entries', headers: { cookie: officer }, payload: { code: 'satisfaction', period: '2025', level: 'county', unitId: '371003', value: 88.5, note: '2025年满意度调查' } });
        assert.equal(ok.statusCode, 200, ok.body);
        const no = await t.app.inject({ method: 'POST', url: '/api/indicators/entries', headers: { cookie: officer }, payload: { code: 'htn_control_rate', period: '2025', level: 'county', unitId: '999', value: 120 } });
        assert.equal(no.statusCode, 400);
        assert.deepEqual(no.json().error.fields.map((f: { path: string }) => f.path), ['code', 'value', 'unitId']);
        const r = await t.app.inject({ method: 'GET', url: '/api/indicators/values?code=satisfaction&period=2025&level=county', headers: { cookie: officer } });
        const row = r.json().items[0];
        assert.deepEqual([row.value, row.source, row.enteredBy, row.note], [88.5, 'entered', 'officer', '2025年满意度调查']);
      });

      await step.test('the residents behind a rate: public-health staff for their township, audited; officers see aggregates only', async () => {
        const q = `/api/indicators/residents?code=htn_control_rate&period=2025&level=township&unit=${TOWN_A}&part=numerator`;
        const o = await t.app.inject({ method: 'GET', url: q, headers: { cookie: officer } });
        assert.equal(o.statusCode, 403);
        const r = await t.app.inject({ method: 'GET', url: q, headers: { cookie: ph } });
        assert.equal(r.statusCode, 200, r.body);
        assert.deepEqual(r.json().items.map((x: { name: string; inNumerator: boolean }) => [x.name, x.inNumerator]), [['居民A1', true]]);
        const other = await t.app.inject({ method: 'GET', url: `/api/indicators/residents?code=htn_control_rate&period=2025&level=township&unit=${TOWN_B}&part=denominator`, headers: { cookie: ph } });
        assert.deepEqual(other.json().items, []);
        const audit = await t.db.query<{ basis: string }>(`SELECT basis FROM audit_log WHERE action = 'indicator.residents' ORDER BY id`);
        assert.deepEqual(audit.map((a) => a.basis), ['public_health', 'public_health']);
      });

      await step.test('league table, drill-down by parent, exports to xlsx and docx', async () => {
        // (inpatient stays: not changed by the late outpatient record of the test above)
        const l = await t.app.inject({ method: 'GET', url: '/api/indicators/values?code=county_inpatient_rate&period=2025&level=township&parent=371003', headers: { cookie: officer } });
        assert.deepEqual(l.json().items.map((x: { name: string; value: number }) => [x.name, x.value]), [['甲镇', 100], ['乙镇', 0]]);
        // Both rest on one or two stays and lie outside the township range (60–98%): flagged, not hidden.
        assert.deepEqual(l.json().items.map((x: { flags: string[] }) => x.flags), [['implausible', 'small_denominator'], ['implausible', 'small_denominator']]);
        const f = await t.app.inject({ method: 'GET', url: `/api/indicators/values?code=outpatient_antibiotic_rate&period=2025&level=facility&parent=${TOWN_A}`, headers: { cookie: officer } });
        assert.deepEqual(f.json().items.map((x: { name: string }) => x.name).sort(), ['甲一村卫生室', '甲镇卫生院']);
        const x = await t.app.inject({ method: 'GET', url: '/api/indicators/values.xlsx?code=county_inpatient_rate&period=2025&level=township', headers: { cookie: officer } });
        assert.equal(x.statusCode, 200);
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
        // laid out to be handed in: a title row, Chinese headers frozen under it, A4 landscape one page wide
        const ws = wb.worksheets[0];
        assert.deepEqual([ws.getCell('A1').value, ws.getCell('A2').value, ws.getCell('B2').value], ['县域内住院率（2025，按乡镇（街道））', '单位', '县域内住院率（%）']);
        assert.deepEqual([ws.pageSetup.paperSize, ws.pageSetup.orientation, ws.pageSetup.fitToPage, ws.pageSetup.fitToWidth, ws.pageSetup.fitToHeight, ws.pageSetup.printTitlesRow], [9, 'landscape', true, 1, 0, '2:2']);
        assert.deepEqual(ws.views.map((x) => [x.state, (x as { ySplit?: number }).ySplit]), [['frozen', 2]]);
        assert.deepEqual([ws.getCell('A3').value, ws.getCell('B3').value], ['甲镇', 100]);
        // the value keeps its exact figure and shows in its unit's precision (a share to 0.1)
        const v = await t.app.inject({ method: 'GET', url: '/api/indicators/values.xlsx?code=county_visit_rate&period=2025&level=township', headers: { cookie: officer } });
        const wv = new ExcelJS.Workbook();
        await wv.xlsx.load(v.rawPayload as unknown as ArrayBuffer);
        const exact = (await t.app.inject({ method: 'GET', url: '/api/indicators/values?code=county_visit_rate&period=2025&level=township', headers: { cookie: officer } })).json().items.map((x: { value: number }) => [x.value, '0.0']);
        assert.ok(exact.some(([x]: [number]) => !Number.isInteger(x)), 'a fractional share to show');
        assert.deepEqual([3, 4].map((r) => [wv.worksheets[0].getCell(`B${r}`).value, wv.worksheets[0].getCell(`B${r}`).numFmt]), exact);
        const d = await t.app.inject({ method: 'GET', url: '/api/indicators/report.docx?year=2025', headers: { cookie: officer } });
        assert.equal(d.statusCode, 200);
        const text = (await mammoth.extractRawText({ buffer: d.rawPayload })).value;
        assert.match(text, /文登区医疗卫生服务体系建设监测评价报告/);
        assert.match(text, /家庭医生签约服务覆盖率\s*文登区\s*≥ 45 %（2025年）\s*50\.0\s*已达标/); // in the unit's precision
        const bad = await t.app.inject({ method: 'GET', url: '/api/indicators/values?code=county_visit_rate&period=2025&level=team', headers: { cookie: officer } });
        assert.equal(bad.statusCode, 400);
      });
    });
  });
}
