// Medicines through the API on a small county built here: the catalogue and its import, prescribing
// with the review, the review centre, dispensing, long prescriptions from a follow-up, the current
// list across facilities, stewardship; and what a caller without standing gets.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { ENGINES } from '../../../test/helpers/db.ts';
import { openTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { addDays } from '../../shared/time.ts';
import { buildCommunity, buildContract, buildEnrolment, buildFacility, buildRegionTree, buildResident, buildTeam, buildWorker, linkUserToWorker } from '../../../test/helpers/factories.ts';
import { COLUMNS } from './catalogue.ts';

for (const engine of ENGINES) {
  describe(`medicines [${engine}]`, () => {
    let t: TestApp;
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    before(async () => { t = await openTestApp(engine); });
    after(() => t.close());
    const get = (cookie: string, url: string) => t.app.inject({ method: 'GET', url, headers: { cookie } });
    const post = (cookie: string, url: string, payload: object) => t.app.inject({ method: 'POST', url, headers: { cookie }, payload });

    /**
     * A county hospital leading the community of township A's centre and its village clinic; a
     * village doctor (乡村医生) at the clinic and a 主治医师 at the centre, both in the team that has
     * p1..p3 under contract; a county pharmacist (review centre); a pharmacist of another county.
     * p1 is in the hypertension programme.
     */
    let worlds = 0;
    async function world() {
      const n = ++worlds;
      const county = `3720${String(10 + n).padStart(2, '0')}`;
      const tree = await buildRegionTree(t.db, { county });
      const hospital = await buildFacility(t.db, { code: `MH${n}01`, name: '县人民医院', tier: 'county', kind: 'general_hospital', regionCode: county });
      const centre = await buildFacility(t.db, { code: `MT${n}0A`, name: '甲镇卫生院', tier: 'township', kind: 'township_centre', regionCode: tree.townA });
      const clinic = await buildFacility(t.db, { code: `MV${n}A1`, name: '甲一村卫生室', tier: 'village', kind: 'village_clinic', regionCode: tree.villageA, parentCode: centre.code });
      await buildCommunity(t.db, { leadFacilityId: hospital.id, regionCode: county, memberIds: [hospital.id, centre.id, clinic.id] });
      const vd = await t.signIn(`mvd${n}`, 'village_doctor', { facilityCode: clinic.code });
      const gp = await t.signIn(`mgp${n}`, 'doctor', { facilityCode: centre.code });
      const nurse = await t.signIn(`mnu${n}`, 'nurse', { facilityCode: centre.code });
      const ph = await t.signIn(`mph${n}`, 'pharmacist', { regionCode: county });
      const elsewhere = `3730${String(10 + n).padStart(2, '0')}`;
      await buildRegionTree(t.db, { county: elsewhere });
      const otherPh = await t.signIn(`mpx${n}`, 'pharmacist', { regionCode: elsewhere });
      const wv = await buildWorker(t.db, { name: '村医甲', workerType: 'village_doctor', employerId: clinic.id });
      await linkUserToWorker(t.db, `mvd${n}`, wv.id);
      const wg = await buildWorker(t.db, { name: '全科乙', workerType: 'physician', employerId: centre.id });
      await t.db.query(`UPDATE workers SET title = '主治医师' WHERE id = $1`, [wg.id]);
      await linkUserToWorker(t.db, `mgp${n}`, wg.id);
      const team = await buildTeam(t.db, { facilityId: centre.id, members: [{ workerId: wv.id, role: 'village_doctor' }, { workerId: wg.id, role: 'gp' }] });
      const ids: Record<string, string> = {};
      for (const [k, birth] of [['p1', '1955-03-01'], ['p2', '1980-05-01'], ['p3', '2016-01-01'], ['p4', '1970-01-01']] as const) {
        ids[k] = (await buildResident(t.db, { name: `患者${k}`, birthDate: birth, villageCode: tree.villageA })).id;
      }
      for (const k of ['p1', 'p2', 'p3']) await buildContract(t.db, { residentId: ids[k], teamId: team.id, startsOn: addDays(today, -100), endsOn: addDays(today, 265) });
      await buildEnrolment(t.db, { residentId: ids.p1, programme: 'hypertension' });
      return { n, county, clinic, centre, hospital, vd, gp, nurse, ph, otherPh, ids };
    }
    type World = Awaited<ReturnType<typeof world>>;
    const levo = (w: World, who = 'p2') => ({ residentId: w.ids[who], kind: 'acute', items: [{ medicineCode: 'YP022', dose: 500, unit: 'mg', route: 'oral', frequency: 'qd', days: 5 }] });
    const recordLines = async (residentId: string) => (await t.db.query<{ drug_name: string; antibacterial_class: string | null }>(
      'SELECT drug_name, antibacterial_class FROM prescriptions WHERE resident_id = $1 ORDER BY drug_name', [residentId]));

    test('the catalogue: the shipped items with their sources, by level; officers are refused', async () => {
      const w = await world();
      const all = await get(w.vd, '/api/medicines/catalogue');
      assert.equal(all.statusCode, 200, all.body);
      assert.equal(all.json().items.length, 34);
      const amlo = all.json().items.find((x: { code: string }) => x.code === 'YP001');
      assert.deepEqual([amlo.genericName, amlo.atcCode, amlo.essential, amlo.insuranceClass, amlo.sources.essential], ['氨氯地平片', 'C08CA01', true, 'A', '国家基本药物目录（2018年版），国卫药政发〔2018〕31号']);
      const village = await get(w.vd, '/api/medicines/catalogue?level=village&antibacterial=yes');
      assert.deepEqual(village.json().items.map((x: { code: string }) => x.code).sort(), ['YP018', 'YP020', 'YP023', 'YP024', 'YP025', 'YP026']);
      const officer = await t.signIn(`mof${w.n}`, 'officer', { regionCode: w.county });
      assert.equal((await get(officer, '/api/medicines/catalogue')).statusCode, 403);
    });

    test('import: a bad cell is named and nothing is written; a good XLSX creates and updates; a doctor is refused', async () => {
      const w = await world();
      const line = (cells: string[]) => cells.join(',');
      const good = ['ZZ01', '测试胶囊', 'test', 'capsule', '10mg', '10', 'mg', '10粒', 'C08CA01', '是', '乙', '', '否', 'oral', '10', '20', '40', '', '', 'qd', '', '', 'county'];
      const bad = ['ZZ02', '坏片', '', 'tablet', '5mg', '-1', 'mg', '10片', 'C08CA01', '是', '丙', '', '否', 'oral', '', '', '', '', '', 'qd', '', '', 'county'];
      const csv = [line([...COLUMNS]), line(good), line(bad)].join('\n');
      const r = await post(w.ph, '/api/medicines/catalogue/import', { fileName: 'cat.csv', contentBase64: Buffer.from(csv).toString('base64') });
      assert.equal(r.statusCode, 400, r.body);
      assert.equal(r.json().error.code, 'medicines.catalogue_invalid');
      assert.deepEqual(r.json().error.fields.map((f: { path: string }) => f.path).sort(), ['row 3, column insurance_class', 'row 3, column strength_value']);
      assert.equal((await t.db.query(`SELECT 1 FROM medicines WHERE code IN ('ZZ01','ZZ02')`)).length, 0);
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('目录');
      ws.addRow([...COLUMNS]);
      ws.addRow(good);
      ws.addRow(['YP001', '氨氯地平片', 'amlodipine', 'tablet', '5mg', 5, 'mg', '14片/盒', 'C08CA01', '是', '甲', '', '否', 'oral', 2.5, 10, 10, '', '', 'qd', '', '', 'county|township|village']);
      const x = await post(w.ph, '/api/medicines/catalogue/import', { fileName: 'cat.xlsx', contentBase64: Buffer.from(await wb.xlsx.writeBuffer()).toString('base64') });
      assert.equal(x.statusCode, 200, x.body);
      assert.deepEqual(x.json(), { imported: 2, created: 1, updated: 1 });
      const [amlo] = await t.db.query<{ package: string; origin: string }>(`SELECT package, origin FROM medicines WHERE code = 'YP001'`);
      assert.deepEqual(amlo, { package: '14片/盒', origin: 'imported' });
      await t.db.query(`UPDATE medicines SET package = '7片/盒', origin = 'shipped', active = true WHERE code = 'YP001'`);
      await t.db.query(`UPDATE medicines SET active = false WHERE code = 'ZZ01'`);
      assert.equal((await post(w.gp, '/api/medicines/catalogue/import', { fileName: 'cat.csv', contentBase64: 'eA==' })).statusCode, 403);
      assert.equal((await post(w.ph, '/api/medicines/catalogue/import', { fileName: 'cat.xlsx', contentBase64: 'bm90IGEgd29ya2Jvb2s=' })).json().error.code, 'medicines.file_unreadable');
    });

    test('a village doctor\'s restricted antibiotic is held, approved by the county review centre, then dispensed once', async () => {
      const w = await world();
      const check = await post(w.vd, '/api/medicines/prescriptions/check', levo(w));
      assert.equal(check.statusCode, 200, check.body);
      assert.deepEqual(check.json().findings.map((f: { key: string; verdict: string }) => `${f.key}:${f.verdict}`), ['antibacterial_privilege:0:hold', 'not_stocked:0:warn']);
      assert.deepEqual(check.json().quantities, [5]);
      const r = await post(w.vd, '/api/medicines/prescriptions', levo(w));
      assert.equal(r.statusCode, 200, r.body);
      const rx = r.json();
      assert.equal(rx.status, 'held');
      assert.deepEqual(await recordLines(w.ids.p2), [], 'a held prescription is not in the record yet');
      assert.equal((await post(w.vd, `/api/medicines/prescriptions/${rx.id}/dispense`, {})).statusCode, 409);
      const wl = await get(w.ph, '/api/medicines/review');
      assert.equal(wl.statusCode, 200, wl.body);
      const mine = wl.json().items.filter((x: { id: string }) => x.id === rx.id);
      assert.equal(mine.length, 1);
      assert.ok(mine[0].minutesLeft <= 30 && mine[0].minutesLeft >= 29 && !mine[0].overdue, String(mine[0].minutesLeft));
      assert.deepEqual([mine[0].residentName, mine[0].facility.name, mine[0].items[0].genericName], ['患者p2', '甲一村卫生室', '左氧氟沙星片']);
      // another county's pharmacist neither sees nor decides it
      assert.equal((await get(w.otherPh, '/api/medicines/review')).json().items.filter((x: { id: string }) => x.id === rx.id).length, 0);
      assert.equal((await post(w.otherPh, `/api/medicines/prescriptions/${rx.id}/review`, { decision: 'approve' })).statusCode, 404);
      assert.equal((await post(w.ph, `/api/medicines/prescriptions/${rx.id}/review`, { decision: 'return' })).json().error.fields[0].path, 'note');
      const ok = await post(w.ph, `/api/medicines/prescriptions/${rx.id}/review`, { decision: 'approve', note: '社区获得性肺炎，已电话确认' });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().status, 'ready');
      assert.equal((await post(w.ph, `/api/medicines/prescriptions/${rx.id}/review`, { decision: 'approve' })).statusCode, 409);
      assert.deepEqual(await recordLines(w.ids.p2), [{ drug_name: '左氧氟沙星片', antibacterial_class: 'restricted' }]);
      assert.equal((await post(w.nurse, `/api/medicines/prescriptions/${rx.id}/dispense`, {})).statusCode, 404, 'a nurse of another facility');
      const d = await post(w.vd, `/api/medicines/prescriptions/${rx.id}/dispense`, {});
      assert.equal(d.statusCode, 200, d.body);
      assert.equal(d.json().status, 'dispensed');
      assert.equal((await post(w.vd, `/api/medicines/prescriptions/${rx.id}/dispense`, {})).statusCode, 409);
      const audit = await t.db.query<{ action: string }>(`SELECT action FROM audit_log WHERE record_id = $1 ORDER BY id`, [rx.id]);
      assert.deepEqual(audit.map((a) => a.action), ['medicines.prescribe', 'medicines.review_approve', 'medicines.dispense']);
    });

    test('a 主治医师 prescribes the same drug without a hold; a returned prescription never reaches the record', async () => {
      const w = await world();
      const r = await post(w.gp, '/api/medicines/prescriptions', levo(w));
      assert.equal(r.json().status, 'ready', r.body);
      const held = await post(w.vd, '/api/medicines/prescriptions', levo(w, 'p3'));
      const back = await post(w.ph, `/api/medicines/prescriptions/${held.json().id}/review`, { decision: 'return', note: '儿童禁用喹诺酮' });
      assert.equal(back.json().status, 'returned');
      assert.deepEqual(held.json().findings.map((f: { key: string }) => f.key).sort(), ['age:0', 'antibacterial_privilege:0', 'not_stocked:0']);
      assert.deepEqual(await recordLines(w.ids.p3), []);
    });

    test('a warning needs the prescriber\'s reason: 8 days of amoxicillin', async () => {
      const w = await world();
      const body = { residentId: w.ids.p2, kind: 'acute', items: [{ medicineCode: 'YP018', dose: 500, unit: 'mg', route: 'oral', frequency: 'tid', days: 8 }] };
      const r = await post(w.vd, '/api/medicines/prescriptions', body);
      assert.equal(r.statusCode, 400, r.body);
      assert.equal(r.json().error.code, 'medicines.confirm_required');
      assert.deepEqual(r.json().error.fields.map((f: { path: string }) => f.path), ['items[0]']);
      assert.match(r.json().error.fields[0].problem, /^acute_days:0: /);
      assert.equal((await t.db.query('SELECT 1 FROM medication_orders WHERE resident_id = $1', [w.ids.p2])).length, 0, 'nothing half-written');
      assert.equal((await t.db.query(`SELECT 1 FROM encounters WHERE resident_id = $1`, [w.ids.p2])).length, 0, 'no encounter left behind');
      const ok = await post(w.vd, '/api/medicines/prescriptions', { ...body, confirmations: [{ key: 'acute_days:0', reason: '慢性支气管炎急性发作，疗程8天' }] });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().status, 'ready');
      assert.deepEqual(ok.json().confirmations, [{ key: 'acute_days:0', reason: '慢性支气管炎急性发作，疗程8天' }]);
      assert.deepEqual(ok.json().items[0].quantity, 48);
    });

    test('long prescriptions: from a controlled follow-up\'s encounter for an enrolled patient; held otherwise', async () => {
      const w = await world();
      const fu = await post(w.vd, '/api/chronic/followups', { residentId: w.ids.p1, programme: 'hypertension', visitDate: today, sbp: 128, dbp: 80 });
      assert.equal(fu.statusCode, 200, fu.body);
      assert.equal(fu.json().class, 'controlled');
      const long = (residentId: string, days: number, encounterId?: string) => ({ residentId, encounterId, kind: 'long', items: [{ medicineCode: 'YP001', dose: 5, unit: 'mg', route: 'oral', frequency: 'qd', days }] });
      const r = await post(w.vd, '/api/medicines/prescriptions', long(w.ids.p1, 84, fu.json().encounterId));
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual([r.json().status, r.json().encounterId, r.json().items[0].quantity], ['ready', fu.json().encounterId, 84]);
      const over = await post(w.vd, '/api/medicines/prescriptions', long(w.ids.p1, 85));
      assert.deepEqual([over.json().status, over.json().findings.map((f: { key: string }) => f.key)], ['held', ['long_prescription:0', 'duplicate_therapy:0']]);
      const notEnrolled = await post(w.vd, '/api/medicines/prescriptions', long(w.ids.p2, 56));
      assert.deepEqual(notEnrolled.json().findings.map((f: { key: string }) => f.key), ['long_prescription:-']);
      assert.equal((await post(w.vd, '/api/medicines/prescriptions', long(w.ids.p1, 28, '00000000-0000-4000-8000-000000000000'))).statusCode, 404, 'an encounter that is not this resident\'s');
    });

    test('the same drug from two facilities: flagged at prescribing and on the current list', async () => {
      const w = await world();
      const amlo = (who: string, cookie: string) => post(cookie, '/api/medicines/prescriptions', { residentId: w.ids[who], kind: 'chronic', items: [{ medicineCode: 'YP001', dose: 5, unit: 'mg', route: 'oral', frequency: 'qd', days: 28 }],
        confirmations: [{ key: 'duplicate_therapy:0', reason: '核对：村卫生室已停药' }] });
      assert.equal((await amlo('p1', w.vd)).json().status, 'ready');
      const second = await amlo('p1', w.gp);
      assert.equal(second.statusCode, 200, second.body);
      assert.deepEqual(second.json().findings.map((f: { key: string; message: { zh: string } }) => `${f.key} ${f.message.zh}`), ['duplicate_therapy:0 氨氯地平片与氨氯地平片（甲一村卫生室）同属C08CA类']);
      for (const cookie of [w.vd, w.gp]) {
        const cur = await get(cookie, `/api/medicines/residents/${w.ids.p1}/current`);
        assert.equal(cur.statusCode, 200, cur.body);
        assert.deepEqual(cur.json().items.map((x: { genericName: string; atTwoFacilities: boolean; facilities: { name: string }[] }) => `${x.genericName}:${x.atTwoFacilities}:${x.facilities.map((f) => f.name).sort().join('+')}`),
          ['氨氯地平片:true:甲一村卫生室+甲镇卫生院']);
      }
      assert.equal((await get(w.vd, `/api/medicines/residents/${w.ids.p4}/current`)).statusCode, 404, 'no basis for p4');
    });

    test('stewardship by facility and prescriber, from the prescriptions that may be dispensed', async () => {
      const w = await world();
      const rx = (cookie: string, who: string, items: object[], confirmations: object[] = []) => post(cookie, '/api/medicines/prescriptions', { residentId: w.ids[who], kind: 'acute', items, confirmations });
      const amox = { medicineCode: 'YP018', dose: 500, unit: 'mg', route: 'oral', frequency: 'tid', days: 5 };
      const para = { medicineCode: 'YP031', dose: 500, unit: 'mg', route: 'oral', frequency: 'tid', days: 3 };
      const ceft = { medicineCode: 'YP021', dose: 1000, unit: 'mg', route: 'iv', frequency: 'qd', days: 3 };
      const mero = { medicineCode: 'YP028', dose: 1000, unit: 'mg', route: 'iv', frequency: 'q8h', days: 3 };
      const sent = [await rx(w.vd, 'p2', [amox, para]), await rx(w.vd, 'p1', [para]), await rx(w.gp, 'p2', [ceft]), await rx(w.gp, 'p3', [mero])];
      for (const r of sent) assert.equal(r.statusCode, 200, r.body);
      const s = await get(w.ph, `/api/medicines/stewardship?from=${today}&to=${today}&by=facility`);
      assert.equal(s.statusCode, 200, s.body);
      // clinic: 2 prescriptions, 1 with an antibacterial, none injected, 3 lines all essential; centre: the held meropenem does not count
      assert.deepEqual(s.json().items.map((x: Record<string, unknown>) => [x.name, x.prescriptions, x.antibioticRate, x.injectionRate, x.essentialShare, x.meanDrugs]).sort(),
        [['甲一村卫生室', 2, 50, 0, 100, 1.5], ['甲镇卫生院', 1, 100, 100, 100, 1]]);
      // once the review centre approves the meropenem, the centre has 2 prescriptions, both antibacterial and injected, 2 lines, 1 essential (ceftriaxone; meropenem is not in the 2018 list)
      assert.equal((await post(w.ph, `/api/medicines/prescriptions/${sent[3].json().id}/review`, { decision: 'approve', note: '会诊同意' })).statusCode, 200);
      const after = await get(w.ph, `/api/medicines/stewardship?from=${today}&to=${today}&by=facility`);
      assert.deepEqual(after.json().items.map((x: Record<string, unknown>) => [x.name, x.prescriptions, x.antibioticRate, x.injectionRate, x.essentialShare, x.meanDrugs]).sort(),
        [['甲一村卫生室', 2, 50, 0, 100, 1.5], ['甲镇卫生院', 2, 100, 100, 50, 1]]);
      const byP = await get(w.ph, `/api/medicines/stewardship?from=${today}&to=${today}&by=prescriber`);
      assert.deepEqual(byP.json().items.map((x: { name: string }) => x.name).sort(), [`mgp${w.n}`, `mvd${w.n}`]);
      assert.equal((await get(w.vd, `/api/medicines/stewardship?from=${today}&to=${today}`)).statusCode, 403);
      assert.deepEqual((await get(w.otherPh, `/api/medicines/stewardship?from=${today}&to=${today}`)).json().items, []);
    });

    test('the monthly comment: every prescription of a small month is sampled; an irrational verdict names its problem', async () => {
      const w = await world();
      const para = { medicineCode: 'YP031', dose: 500, unit: 'mg', route: 'oral', frequency: 'tid', days: 3 };
      const ids: string[] = [];
      for (const who of ['p1', 'p2']) ids.push((await post(w.vd, '/api/medicines/prescriptions', { residentId: w.ids[who], kind: 'acute', items: [para] })).json().id);
      const held = await post(w.vd, '/api/medicines/prescriptions', levo(w));
      const month = today.slice(0, 7);
      const s = await get(w.ph, `/api/medicines/comments/sample?facilityCode=${w.clinic.code}&month=${month}`);
      assert.equal(s.statusCode, 200, s.body);
      assert.deepEqual([s.json().total, s.json().size, s.json().items.map((x: { id: string }) => x.id).sort()], [2, 2, [...ids].sort()], 'the held one is not a valid prescription yet');
      const bad = await post(w.ph, '/api/medicines/comments', { orderId: ids[0], result: 'inappropriate' });
      assert.equal(bad.json().error.fields[0].path, 'problems');
      assert.equal((await post(w.ph, '/api/medicines/comments', { orderId: ids[0], result: 'inappropriate', problems: ['第十八条（五）用法、用量不适宜'] })).statusCode, 200);
      assert.equal((await post(w.ph, '/api/medicines/comments', { orderId: held.json().id, result: 'rational' })).statusCode, 404, 'not in the sample');
      assert.equal((await post(w.otherPh, '/api/medicines/comments', { orderId: ids[1], result: 'rational' })).statusCode, 404, 'another county');
      assert.equal((await get(w.otherPh, `/api/medicines/comments/sample?facilityCode=${w.clinic.code}&month=${month}`)).statusCode, 404);
      const again = await get(w.ph, `/api/medicines/comments/sample?facilityCode=${w.clinic.code}&month=${month}`);
      assert.deepEqual(again.json().items.find((x: { id: string }) => x.id === ids[0]).comment, { result: 'inappropriate', problems: ['第十八条（五）用法、用量不适宜'], note: null });
      assert.equal((await get(w.vd, `/api/medicines/comments/sample?facilityCode=${w.clinic.code}&month=${month}`)).statusCode, 403);
    });

    test('as an attacker: no basis → 404, a nurse → 403, an unknown drug or the wrong unit → 400 naming the field', async () => {
      const w = await world();
      assert.equal((await post(w.vd, '/api/medicines/prescriptions', levo(w, 'p4'))).statusCode, 404);
      assert.equal((await post(w.nurse, '/api/medicines/prescriptions', levo(w))).statusCode, 403);
      const bad = await post(w.vd, '/api/medicines/prescriptions', { residentId: w.ids.p2, kind: 'acute', items: [{ medicineCode: 'NOPE', dose: 1, unit: 'mg', route: 'oral', frequency: 'qd', days: 1 }, { medicineCode: 'YP018', dose: 0.5, unit: 'g', route: 'oral', frequency: 'tid', days: 3 }] });
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(bad.json().error.fields.map((f: { path: string }) => f.path), ['items[0].medicineCode', 'items[1].unit']);
      const shape = await post(w.vd, '/api/medicines/prescriptions', { residentId: w.ids.p2, kind: 'acute', items: [{ medicineCode: 'YP018', dose: -1, unit: 'mg', route: 'mouth', frequency: 'qd', days: 0 }] });
      assert.equal(shape.statusCode, 400);
      assert.deepEqual(shape.json().error.fields.map((f: { path: string }) => f.path).sort(), ['items.0.days', 'items.0.dose', 'items.0.route']);
      assert.equal((await get(w.ph, `/api/medicines/prescriptions?residentId=${w.ids.p2}`)).statusCode, 404, 'a pharmacist has no record basis');
    });
  });
}
