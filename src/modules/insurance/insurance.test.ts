// Insurance through the API on a small county built here: settlement lists imported (all rows or
// none, each bad cell named; CSV and XLSX), DIP for a year, the supervision run and the worklist
// with the auditor's decisions; and what callers without standing get.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { ENGINES } from '../../../test/helpers/db.ts';
import { openTestApp, TEST_PASSWORD, type TestApp } from '../../../test/helpers/app.ts';
import { buildFacility, buildRegionTree, buildResident, buildUser } from '../../../test/helpers/factories.ts';
import { makeIdNumber } from '../registry/id-number.ts';

const HEADER = ['list_no', 'facility_code', 'insurance_type', 'setting', 'id_number', 'admitted_on', 'discharged_on', 'days', 'main_diagnosis', 'other_diagnoses', 'procedures', 'cost_bed', 'cost_surgery', 'cost_western_drugs', 'total_cost', 'fund_paid', 'self_paid'];
type Row = { no: string; fac: string; id: string; adm: string; dis: string; dx: string; procs?: string; others?: string; yuan: number; ins?: string };
const line = (r: Row) => {
  const days = Math.max(1, Math.round((Date.parse(r.dis) - Date.parse(r.adm)) / 86_400_000));
  const bed = Math.round(r.yuan * 0.2), surgery = r.procs ? Math.round(r.yuan * 0.3) : 0, drugs = r.yuan - bed - surgery, fund = Math.round(r.yuan * 0.7);
  return [r.no, r.fac, r.ins ?? '城乡居民', '住院', r.id, r.adm, r.dis, days, r.dx, r.others ?? '', r.procs ?? '', bed, surgery, drugs, r.yuan, fund, r.yuan - fund].join(',');
};
const csv = (rows: Row[]) => Buffer.from([HEADER.join(','), ...rows.map(line)].join('\n'), 'utf8').toString('base64');

for (const engine of ENGINES) {
  describe(`insurance [${engine}]`, () => {
    let t: TestApp;
    before(async () => { t = await openTestApp(engine); });
    after(() => t.close());
    const get = (cookie: string, url: string) => t.app.inject({ method: 'GET', url, headers: { cookie } });
    const post = (cookie: string, url: string, payload: object) => t.app.inject({ method: 'POST', url, headers: { cookie }, payload });

    let worlds = 0;
    async function world() {
      const n = ++worlds;
      const county = `3721${String(10 + n).padStart(2, '0')}`;
      const tree = await buildRegionTree(t.db, { county });
      const h1 = await buildFacility(t.db, { code: `IH${n}01`, name: '县人民医院', tier: 'county', kind: 'general_hospital', regionCode: county });
      const h2 = await buildFacility(t.db, { code: `IT${n}0A`, name: '甲镇卫生院', tier: 'township', kind: 'township_centre', regionCode: tree.townA });
      const auditor = await t.signIn(`iau${n}`, 'insurance_auditor', { regionCode: county });
      const elsewhere = `3731${String(10 + n).padStart(2, '0')}`;
      await buildRegionTree(t.db, { county: elsewhere });
      const other = await buildFacility(t.db, { code: `IX${n}01`, tier: 'county', kind: 'general_hospital', regionCode: elsewhere });
      const otherAuditor = await t.signIn(`iax${n}`, 'insurance_auditor', { regionCode: elsewhere });
      const registered = await buildResident(t.db, { villageCode: tree.villageA, sex: 'M', birthDate: '1958-04-02', keys: t.keys });
      const man = (seq: number, birth = '1960-01-01') => makeIdNumber(county, birth, String(seq * 2 + 1));
      const woman = (seq: number, birth = '1990-01-01') => makeIdNumber(county, birth, String(seq * 2));
      return { n, county, h1, h2, other, auditor, otherAuditor, registered, man, woman };
    }

    test('import: every bad cell named in zh/en and nothing written; then a good file, and the same list numbers refused', async () => {
      const w = await world();
      const good: Row = { no: 'A1', fac: w.h1.code, id: w.man(1), adm: '2025-03-01', dis: '2025-03-08', dx: 'K35.800', procs: '47.0901', yuan: 9000 };
      const lines = [HEADER.join(','), line(good),
        // row 3: bad ID check digit, bad ICD-10, days not matching, costs not adding up
        [...line({ ...good, no: 'A2' }).split(',').map((c, i) => (i === 4 ? w.man(2).slice(0, 17) + (w.man(2)[17] === '0' ? '1' : '0') : i === 8 ? 'K3A' : i === 7 ? '3' : i === 14 ? '9999' : c))].join(','),
        // row 4: a facility of another county, a bad procedure code, 险种 unknown
        line({ ...good, no: 'A3', fac: w.other.code, procs: '4709', ins: '商业保险' })];
      const r = await post(w.auditor, '/api/insurance/settlements/import', { fileName: 'jan.csv', contentBase64: Buffer.from(lines.join('\n')).toString('base64') });
      assert.equal(r.statusCode, 400, r.body);
      assert.equal(r.json().error.code, 'insurance.list_invalid');
      assert.deepEqual(r.json().error.fields.map((f: { path: string }) => f.path), [
        'row 3, column id_number', 'row 3, column days', 'row 3, column main_diagnosis', 'row 3, column total_cost', 'row 3, column self_paid',
        'row 4, column insurance_type', 'row 4, column procedures',
      ]);
      assert.match(r.json().error.fields[2].problem, /"K3A" is not an ICD-10 code .* \/ 不是ICD-10编码/);
      assert.equal((await t.db.query('SELECT 1 FROM insurance_settlements s JOIN facilities f ON f.id = s.facility_id WHERE f.code = $1', [w.h1.code])).length, 0);
      // the row-4 facility is caught once the cells are clean
      const r2 = await post(w.auditor, '/api/insurance/settlements/import', { fileName: 'feb.csv', contentBase64: csv([good, { ...good, no: 'A3', fac: w.other.code }]) });
      assert.deepEqual(r2.json().error.fields, [{ path: 'row 3, column facility_code', problem: `"${w.other.code}" is not a facility of your region / 不是本辖区的机构` }]);
      const ok = await post(w.auditor, '/api/insurance/settlements/import', { fileName: 'mar.csv', contentBase64: csv([good, { ...good, no: 'A4', id: w.registered.idNumber }]) });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.deepEqual(ok.json(), { imported: 2, matchedResidents: 1 });
      const again = await post(w.auditor, '/api/insurance/settlements/import', { fileName: 'mar.csv', contentBase64: csv([good]) });
      assert.deepEqual(again.json().error.fields, [{ path: 'row 2, column list_no', problem: '"A1" was imported already for this facility / 该机构的此清单已导入' }]);
      const list = await get(w.auditor, '/api/insurance/settlements?from=2025-01-01&to=2025-12-31');
      assert.equal(list.json().total, 2);
      const a1 = list.json().items.find((x: { listNo: string }) => x.listNo === 'A1');
      assert.deepEqual([a1.idMasked.length, a1.idMasked.includes(w.man(1).slice(6, 14)), a1.sex, a1.ageYears, a1.days, a1.mainDiagnosis, a1.procedures, a1.totalFen, a1.fundFen, a1.selfFen, a1.costs.bed, a1.inRegistry],
        [18, false, 'M', 65, 7, 'K35.800', ['47.0901'], 900_000, 630_000, 270_000, 180_000, false]);
      // the other county's auditor sees none of it; a doctor is refused
      assert.equal((await get(w.otherAuditor, '/api/insurance/settlements?from=2025-01-01&to=2025-12-31')).json().total, 0);
      const doc = await t.signIn(`idoc${w.n}`, 'doctor', { facilityCode: w.h1.code });
      assert.equal((await get(doc, '/api/insurance/settlements?from=2025-01-01&to=2025-12-31')).statusCode, 403);
    });

    test('the auditor\'s reads of the lists and of the worklist are in the matched resident\'s own access log, one row per read', async () => {
      const w = await world();
      const username = `ires${w.n}`;
      await buildUser(t.db, { username, role: 'resident', residentId: w.registered.id, password: TEST_PASSWORD });
      const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: TEST_PASSWORD } });
      const self = `meridian_session=${login.cookies.find((x) => x.name === 'meridian_session')!.value}`;
      const log = async () => (await get(self, '/api/me/access-log')).json().items.filter((i: { action: string }) => i.action === 'record.listed') as { who: string; basis: string; role: string }[];
      assert.deepEqual(await log(), []);
      // the registered man twice (two stays 5 days apart: a decomposed admission), a stranger once
      const imp = await post(w.auditor, '/api/insurance/settlements/import', { fileName: 'log.csv', contentBase64: csv([
        { no: 'L1', fac: w.h2.code, id: w.registered.idNumber, adm: '2025-04-01', dis: '2025-04-06', dx: 'I10.x00', yuan: 3700 },
        { no: 'L2', fac: w.h2.code, id: w.registered.idNumber, adm: '2025-04-11', dis: '2025-04-16', dx: 'I10.x00', yuan: 3700 },
        { no: 'L3', fac: w.h1.code, id: w.man(30), adm: '2025-05-01', dis: '2025-05-08', dx: 'K35.800', procs: '47.0901', yuan: 9000 },
      ]) });
      assert.deepEqual(imp.json(), { imported: 3, matchedResidents: 2 });
      assert.deepEqual(await log(), [], 'an import is not a read');
      // one list read showing both of his lists: one row in his log
      assert.equal((await get(w.auditor, '/api/insurance/settlements?from=2025-01-01&to=2025-12-31')).json().total, 3);
      assert.deepEqual((await log()).map((i) => [i.who, i.role, i.basis]), [[`iau${w.n}`, 'insurance_auditor', 'insurance_supervision']]);
      // a page that does not show him writes nothing to his log
      await get(w.auditor, '/api/insurance/settlements?from=2025-05-01&to=2025-05-31');
      assert.equal((await log()).length, 1);
      await post(w.auditor, '/api/insurance/supervision/run', { year: 2025 });
      const wl = (await get(w.auditor, '/api/insurance/supervision/hits')).json();
      assert.deepEqual(wl.items.map((h: { rule: string; settlement: { listNo: string } }) => [h.rule, h.settlement.listNo]), [['decomposed_admission', 'L2']]);
      assert.equal((await log()).length, 2);
      const rows = await t.db.query<{ details: { list: string } }>(`SELECT details FROM audit_log WHERE resident_id = $1 AND action = 'record.listed' ORDER BY id`, [w.registered.id]);
      assert.deepEqual(rows.map((r) => r.details.list), ['insurance.settlements', 'insurance.worklist']);
      // the other county's auditor sees nothing, and nothing reaches his log
      await get(w.otherAuditor, '/api/insurance/settlements?from=2025-01-01&to=2025-12-31');
      await get(w.otherAuditor, '/api/insurance/supervision/hits');
      assert.equal((await log()).length, 2);
    });

    test('an XLSX with date cells imports the same way', async () => {
      const w = await world();
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('清单');
      ws.addRow(HEADER);
      const cells = line({ no: 'X1', fac: w.h2.code, id: w.woman(3), adm: '2025-05-01', dis: '2025-05-04', dx: 'J18.900', yuan: 3000 }).split(',');
      ws.addRow(cells.map((c, i) => (i === 5 || i === 6 ? new Date(`${c}T00:00:00Z`) : i >= 11 || i === 7 ? Number(c) : c)));
      const buf = Buffer.from(await wb.xlsx.writeBuffer());
      const r = await post(w.auditor, '/api/insurance/settlements/import', { fileName: 'q2.xlsx', contentBase64: buf.toString('base64') });
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(r.json(), { imported: 1, matchedResidents: 0 });
      const bad = await post(w.auditor, '/api/insurance/settlements/import', { fileName: 'q2.xlsx', contentBase64: Buffer.from('not a workbook').toString('base64') });
      assert.equal(bad.json().error.code, 'insurance.file_unreadable');
    });

    test('DIP for 2025 from 2022–2024, then supervision: hits with evidence, decisions with a note, once', async () => {
      const w = await world();
      const rows: Row[] = [];
      let k = 0;
      const add = (r: Omit<Row, 'no'>) => rows.push({ no: `D${++k}`, ...r });
      // Base years: K35.8|47.09 at 8000 (2022), 9000 ×2 (2023), 10000 (2024); I10|保守 at 3000, 3000, 4000 ×2.
      // M = (5500 + 2 × 7000 + 7 × 6000) / 10 with yearly means 2022 (8000+3000)/2 = 5500, 2023 (9000+9000+3000)/3 = 7000, 2024 (10000+4000+4000)/3 = 6000 → 6150.
      // K35.8|47.09: (8000 + 18000 + 70000)/10 = 9600 → score 9600/6150 × 1000 = 1560.98; I10|保守: (3000 + 6000 + 28000)/10 = 3700 → 601.63.
      add({ fac: w.h1.code, id: w.man(10), adm: '2022-06-01', dis: '2022-06-08', dx: 'K35.800', procs: '47.0901', yuan: 8000 });
      add({ fac: w.h1.code, id: w.man(11), adm: '2023-06-01', dis: '2023-06-08', dx: 'K35.800', procs: '47.0901', yuan: 9000 });
      add({ fac: w.h1.code, id: w.man(12), adm: '2023-07-01', dis: '2023-07-08', dx: 'K35.801', procs: '47.0902', yuan: 9000 });
      add({ fac: w.h1.code, id: w.man(13), adm: '2024-06-01', dis: '2024-06-08', dx: 'K35.800', procs: '47.0901', yuan: 10000 });
      add({ fac: w.h2.code, id: w.man(14), adm: '2022-03-01', dis: '2022-03-06', dx: 'I10.x00', yuan: 3000 });
      add({ fac: w.h2.code, id: w.man(15), adm: '2023-03-01', dis: '2023-03-06', dx: 'I10.x00', yuan: 3000 });
      add({ fac: w.h2.code, id: w.man(16), adm: '2024-03-01', dis: '2024-03-06', dx: 'I10.x00', yuan: 4000 });
      add({ fac: w.h2.code, id: w.man(17), adm: '2024-04-01', dis: '2024-04-06', dx: 'I10.x00x002', yuan: 4000 });
      // 2025: H1 one appendectomy at 9600 (normal) and one at 30000 (high: (30000/9600 − 1) × 1560.98 = 3317.07);
      // H2 (coefficient 0.8): I10 at 3700 (normal, 601.63 × 0.8 = 481.30), the same man readmitted 10 days later at 3700 (481.30; 分解住院),
      // and a woman with a prostate diagnosis (no group: N40 never seen; 诊断与性别不符) at 2000.
      add({ fac: w.h1.code, id: w.man(20), adm: '2025-02-01', dis: '2025-02-08', dx: 'K35.800', procs: '47.0901', yuan: 9600 });
      add({ fac: w.h1.code, id: w.man(21), adm: '2025-03-01', dis: '2025-03-08', dx: 'K35.800', procs: '47.0901', yuan: 30000 });
      add({ fac: w.h2.code, id: w.man(22), adm: '2025-04-01', dis: '2025-04-06', dx: 'I10.x00', yuan: 3700 });
      add({ fac: w.h2.code, id: w.man(22), adm: '2025-04-16', dis: '2025-04-21', dx: 'I10.x00x002', yuan: 3700 });
      add({ fac: w.h2.code, id: w.woman(23), adm: '2025-05-01', dis: '2025-05-06', dx: 'N40.x00', yuan: 2000 });
      const imp = await post(w.auditor, '/api/insurance/settlements/import', { fileName: 'years.csv', contentBase64: csv(rows) });
      assert.equal(imp.statusCode, 200, imp.body);

      const dip = await post(w.auditor, '/api/insurance/dip', { year: 2025, fundBudgetFen: 3_000_000, fundAvailableFen: 2_800_000, fundShare: 0.7, threshold: 2, coefficients: { [w.h2.code]: 0.8 } });
      assert.equal(dip.statusCode, 200, dip.body);
      const d = dip.json();
      assert.deepEqual([d.baseYears, d.baseCases, d.yearCases, d.groupedCases, d.allMeanFen, d.coreShare], [[2022, 2023, 2024], 8, 5, 4, 615_000, 1]);
      assert.deepEqual(d.groups.map((g: { key: string; kind: string; score: number; yearCases: number }) => [g.key, g.kind, g.score, g.yearCases]), [['I10|保守', 'core', 601.63, 2], ['K35.8|47.09', 'core', 1560.98, 2]]);
      assert.deepEqual(d.bands, { normal: 3, low: 0, high: 1, review: 0, ungrouped: 1 });
      // expected points = 2024's cases: 9600/6150 × 1000 (K35 at 10000, ratio 1.04) + 2 × 3700/6150 × 1000 × 0.8 (I10 at 4000, H2)
      // = 15524/6.15 = 2523.577 (first worked from the rounded scores as 2523.59: rounding, corrected by the exact fraction);
      // budget point value = 3,000,000 / 0.7 / 2523.577 = 1698.27 fen.
      assert.equal(d.expectedPoints, 2523.58);
      assert.equal(d.budgetPointValueFen, 1698.27);
      // settled points = 1560.98 + 3317.07 + 2 × 481.30 = 5840.65; point value = 2,800,000 / 0.7 / 5840.65 = 684.855 fen.
      assert.equal(d.settledPoints, 5840.65);
      assert.equal(d.settledPointValueFen, 684.86);
      const [hA, hB] = d.hospitals;
      // H1: 4878.05 points × 684.855 = 3,340,756 − self 1,188,000 (30% of 39,600 yuan) = 2,152,756; billed 3,960,000 − 1,188,000 = 2,772,000 → −619,244.
      assert.deepEqual([hA.facilityCode, hA.cases, hA.grouped, hA.points, hA.highCases], [w.h1.code, 2, 2, 4878.05, 1]);
      assert.ok(Math.abs(hA.paymentFen - 2_152_756) <= 2, String(hA.paymentFen));
      assert.ok(Math.abs(hA.balanceFen - -619_244) <= 2, String(hA.balanceFen));
      // H2: 2 × 3700/6150 × 1000 × 0.8 = 962.60 points (962.61 from the rounded 481.30s) × 684.855 = 659,244 − self 222,000 = 437,244; billed 740,000 − 222,000 = 518,000 → −80,756. Both payments with self-pay = 4,000,000.
      assert.deepEqual([hB.facilityCode, hB.cases, hB.grouped, hB.points, hB.coefficient], [w.h2.code, 3, 2, 962.6, 0.8]);
      assert.ok(Math.abs(hB.paymentFen - 437_244) <= 2, String(hB.paymentFen));
      assert.equal(hA.paymentFen + hB.paymentFen + hA.selfFen + hB.selfFen, 4_000_000);
      const mgr = await t.signIn(`imgr${w.n}`, 'manager', { regionCode: w.county });
      assert.equal((await post(mgr, '/api/insurance/dip', { year: 2025, fundBudgetFen: 1, fundAvailableFen: 1, fundShare: 0.7 })).statusCode, 200);
      assert.equal((await post(mgr, '/api/insurance/supervision/run', { year: 2025 })).statusCode, 403);

      const run = await post(w.auditor, '/api/insurance/supervision/run', { year: 2025, threshold: 2 });
      assert.equal(run.statusCode, 200, run.body);
      assert.deepEqual(run.json(), { cases: 5, hits: 2, newHits: 2, byRule: { decomposed_admission: 1, sex_age_inconsistent: 1 } });
      const wl = await get(w.auditor, '/api/insurance/supervision/hits?status=open');
      assert.equal(wl.json().total, 2);
      const dec = wl.json().items.find((h: { rule: string }) => h.rule === 'decomposed_admission');
      assert.deepEqual([dec.ruleName.zh, dec.evidence.gapDays, dec.evidence.previousListNo, dec.settlement.listNo], ['分解住院', 10, 'D11', 'D12']);
      const sex = wl.json().items.find((h: { rule: string }) => h.rule === 'sex_age_inconsistent');
      assert.deepEqual(sex.evidence.findings, [{ code: 'N40.x00', problem: 'male-only N40-N51' }]);
      // a decision needs a note; it is made once; a re-run keeps it
      const noNote = await post(w.auditor, `/api/insurance/supervision/hits/${dec.id}/decision`, { decision: 'confirmed', note: '  ' });
      assert.equal(noNote.statusCode, 400);
      assert.deepEqual(noNote.json().error.fields.map((f: { path: string }) => f.path), ['note']);
      assert.equal((await post(w.otherAuditor, `/api/insurance/supervision/hits/${dec.id}/decision`, { decision: 'dismissed', note: '无' })).statusCode, 404);
      const ok = await post(w.auditor, `/api/insurance/supervision/hits/${dec.id}/decision`, { decision: 'confirmed', note: '同一疾病10天内再入院，病历无新发病情' });
      assert.deepEqual([ok.statusCode, ok.json()], [200, { id: dec.id, status: 'confirmed' }]);
      assert.equal((await post(w.auditor, `/api/insurance/supervision/hits/${dec.id}/decision`, { decision: 'dismissed', note: '改' })).statusCode, 409);
      await post(w.auditor, `/api/insurance/supervision/hits/${sex.id}/decision`, { decision: 'dismissed', note: '编码录入错误，已更正为N39.0' });
      const rerun = await post(w.auditor, '/api/insurance/supervision/run', { year: 2025, threshold: 2 });
      assert.deepEqual([rerun.json().hits, rerun.json().newHits], [2, 0]);
      const all = (await get(w.auditor, '/api/insurance/supervision/hits')).json();
      assert.deepEqual(all.items.map((h: { status: string }) => h.status).sort(), ['confirmed', 'dismissed']);
      const byCode = Object.fromEntries(all.rules.map((r: { code: string; confirmed: number; dismissed: number; precision: number | null }) => [r.code, [r.confirmed, r.dismissed, r.precision]]));
      assert.deepEqual(byCode, { decomposed_admission: [1, 0, 1], below_standard_admission: [0, 0, null], sex_age_inconsistent: [0, 1, 0], upcoding: [0, 0, null] });
      const [row] = await t.db.query<{ note: string; decided_at: string | null }>('SELECT note, decided_at FROM insurance_supervision_hits WHERE id = $1', [dec.id]);
      assert.equal(row.note, '同一疾病10天内再入院，病历无新发病情');
      assert.ok(row.decided_at);
      assert.equal((await get(w.otherAuditor, '/api/insurance/supervision/hits')).json().total, 0);
    });
  });
}
