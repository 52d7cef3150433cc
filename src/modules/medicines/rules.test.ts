// The review rules, table by table, with the cases of the texts they come from; the catalogue check.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseCsv } from '../registry/csv.ts';
import { checkCatalogue, checkCatalogueRow, COLUMNS, type CatalogueItem } from './catalogue.ts';
import { antibacterialPrivilege, commentSample, commentSampleSize, currentMedication, decide, findingKey, quantityFor, review, type Prescriber, type ReviewInput } from './rules.ts';

const shipped = checkCatalogue(parseCsv(readFileSync(new URL('../../../data/medicines/catalogue.csv', import.meta.url), 'utf8')).rows);
const med = (name: string): CatalogueItem => {
  const m = shipped.items.find((x) => x.genericName === name);
  if (!m) throw new Error(`no ${name} in the shipped catalogue`);
  return m;
};
const doctor = (title: string | null, o: Partial<Prescriber> = {}): Prescriber => ({ role: 'doctor', workerType: 'physician', title, facilityTier: 'county', ...o });
const base = (o: Partial<ReviewInput> = {}): ReviewInput => ({
  patient: { ageYears: 50, weightKg: 65, pregnant: false }, prescriber: doctor('主任医师'), setting: 'outpatient', kind: 'acute', consultation: false,
  chronic: { enrolled: false, stable: false }, items: [], current: [], oralClasses: new Set(), ...o,
});
const rulesOf = (x: ReviewInput) => review(x).map((f) => `${f.rule}:${f.verdict}:${f.item ?? '-'}`).sort();

describe('the shipped catalogue', () => {
  test('every shipped row passes the import check (34 items, unique codes)', () => {
    assert.deepEqual(shipped.problems, []);
    assert.equal(shipped.items.length, 34);
  });
  test('a bad cell is named by row and column; nothing is taken when one row is bad', () => {
    const header = [...COLUMNS];
    const good = ['X1', '测试片', '', 'tablet', '5mg', '5', 'mg', '10片', 'C08CA01', '是', '甲', '', '否', 'oral', '2.5', '10', '10', '', '', 'qd', '', '', 'county|village'];
    const bad = ['X2', '坏药', '', 'pill', '5mg', 'five', 'mg', '10片', 'C8CA1', 'maybe', '丙', '很限制', '否', 'oral', '10', '5', '', '', '', 'qd|daily', '', '', 'city'];
    const r = checkCatalogue([header, good, bad]);
    assert.deepEqual(r.items, []);
    assert.deepEqual(r.problems.map((p) => p.path).sort(), [
      'row 3, column atc_code', 'row 3, column strength_value', 'row 3, column essential', 'row 3, column insurance_class', 'row 3, column antibacterial_grade',
      'row 3, column frequencies', 'row 3, column levels', 'row 3, column adult_dose_max', 'row 3, column dosage_form',
    ].sort());
    const ok = checkCatalogue([header, good]);
    assert.equal(ok.items[0].insuranceClass, 'A');
    assert.deepEqual(ok.items[0].levels, ['county', 'village']);
  });
  test('a code given twice and a missing column are named', () => {
    const row = checkCatalogueRow({ code: 'A1' }, 2);
    assert.ok(row.problems.some((p) => p.path === 'row 2, column generic_name'));
    const missing = checkCatalogue([['code', 'generic_name'], ['A1', 'x']]);
    assert.ok(missing.problems.some((p) => p.path === 'row 1, column atc_code' && /missing column/.test(p.problem)));
  });
});

describe('antibacterial privilege by title (抗菌药物临床应用管理办法 第二十四条)', () => {
  const cases: [string, Prescriber, string][] = [
    ['主任医师 (senior) → special', doctor('主任医师'), 'special'],
    ['副主任医师 (senior) → special', doctor('副主任医师'), 'special'],
    ['主治医师 (intermediate) → restricted', doctor('主治医师'), 'restricted'],
    ['医师 (junior) → unrestricted', doctor('医师'), 'unrestricted'],
    ['医士 (junior) → unrestricted', doctor('医士'), 'unrestricted'],
    ['no title recorded → unrestricted', doctor(null), 'unrestricted'],
    ['village doctor (乡村医生), whatever the title → unrestricted', { role: 'village_doctor', workerType: 'village_doctor', title: '主治医师', facilityTier: 'village' }, 'unrestricted'],
    ['assistant physician practising at a township → unrestricted', doctor('主治医师', { workerType: 'assistant_physician', facilityTier: 'township' }), 'unrestricted'],
    ['assistant physician at a county hospital keeps the title\'s grade', doctor('主治医师', { workerType: 'assistant_physician', facilityTier: 'county' }), 'restricted'],
  ];
  for (const [name, p, want] of cases) test(name, () => assert.equal(antibacterialPrivilege(p), want));

  const grid: [string | null, string, string[]][] = [
    // title, drug, findings
    ['医师', '阿莫西林', []],
    ['医师', '左氧氟沙星', ['antibacterial_privilege:hold:0']],
    ['主治医师', '左氧氟沙星', []],
    ['主治医师', '美罗培南', ['antibacterial_privilege:hold:0', 'special_use:hold:0']],
    ['副主任医师', '美罗培南', ['special_use:hold:0']],
  ];
  const drug: Record<string, string> = { 阿莫西林: '阿莫西林胶囊', 左氧氟沙星: '左氧氟沙星片', 美罗培南: '注射用美罗培南' };
  for (const [title, d, want] of grid) {
    test(`${title} prescribing ${d} in outpatients → ${want.join(', ') || 'pass'}`, () => {
      const m = med(drug[d]);
      const dose = m.adultDoseMin!;
      const got = rulesOf(base({ prescriber: doctor(title), items: [{ med: m, dose, route: m.route, frequency: m.frequencies[0], days: 3 }] })).filter((r) => !r.startsWith('injection') && !r.startsWith('high_alert'));
      assert.deepEqual(got, want);
    });
  }
  test('a special-use antibacterial for an inpatient needs the consultation (第二十八条)', () => {
    const m = med('注射用美罗培南');
    const item = { med: m, dose: 1000, route: m.route, frequency: 'q8h', days: 5 };
    assert.deepEqual(rulesOf(base({ setting: 'inpatient', items: [item] })), ['special_use:hold:0']);
    assert.deepEqual(rulesOf(base({ setting: 'inpatient', consultation: true, items: [item] })), []);
  });
});

describe('dose, frequency, age and pregnancy', () => {
  const amox = med('阿莫西林胶囊');
  const cases: [string, Partial<ReviewInput>, string[]][] = [
    ['amoxicillin 0.5 g tid for an adult (label: 0.5 g q6–8h) passes', { items: [{ med: amox, dose: 500, route: 'oral', frequency: 'tid', days: 5 }] }, []],
    ['amoxicillin 1.5 g a dose is outside the usual range and 4.5 g a day above the 4 g maximum', { items: [{ med: amox, dose: 1500, route: 'oral', frequency: 'tid', days: 5 }] }, ['dose_range:warn:0', 'max_daily:hold:0']],
    ['amoxicillin qd is not a label frequency', { items: [{ med: amox, dose: 500, route: 'oral', frequency: 'qd', days: 5 }] }, ['frequency:warn:0']],
    ['a 20 kg child: 250 mg tid = 37.5 mg/kg/day, inside 20–40', { patient: { ageYears: 6, weightKg: 20, pregnant: false }, items: [{ med: amox, dose: 250, route: 'oral', frequency: 'tid', days: 5 }] }, []],
    ['a 10 kg child: 250 mg tid = 75 mg/kg/day, above 40', { patient: { ageYears: 2, weightKg: 10, pregnant: false }, items: [{ med: amox, dose: 250, route: 'oral', frequency: 'tid', days: 5 }] }, ['dose_range:warn:0']],
    ['a child without a weight: the dose cannot be checked', { patient: { ageYears: 6, weightKg: null, pregnant: false }, items: [{ med: amox, dose: 250, route: 'oral', frequency: 'tid', days: 5 }] }, ['dose_range:warn:0']],
    ['levofloxacin under 18 is contraindicated (quinolones)', { prescriber: doctor('主治医师'), patient: { ageYears: 15, weightKg: 50, pregnant: false }, items: [{ med: med('左氧氟沙星片'), dose: 500, route: 'oral', frequency: 'qd', days: 5 }] }, ['age:hold:0']],
    ['doxycycline at 7 is contraindicated (tetracyclines under 8)', { patient: { ageYears: 7, weightKg: 25, pregnant: false }, items: [{ med: med('多西环素片'), dose: 50, route: 'oral', frequency: 'bid', days: 5 }] }, ['age:hold:0']],
    ['valsartan in pregnancy is contraindicated', { patient: { ageYears: 30, weightKg: 60, pregnant: true }, items: [{ med: med('缬沙坦胶囊'), dose: 80, route: 'oral', frequency: 'qd', days: 7 }] }, ['pregnancy:hold:0']],
    ['nifedipine in pregnancy: caution, a warning', { patient: { ageYears: 30, weightKg: 60, pregnant: true }, items: [{ med: med('硝苯地平缓释片'), dose: 20, route: 'oral', frequency: 'bid', days: 7 }] }, ['pregnancy:warn:0']],
    ['meropenem at a village clinic is not stocked there (and special-use, above a village doctor\'s privilege)', { level: 'village', prescriber: { role: 'village_doctor', workerType: 'village_doctor', title: null, facilityTier: 'village' }, items: [{ med: med('注射用美罗培南'), dose: 1000, route: 'iv', frequency: 'q8h', days: 3 }] }, ['antibacterial_privilege:hold:0', 'not_stocked:warn:0', 'special_use:hold:0']],
    ['warfarin is high-alert', { items: [{ med: med('华法林钠片'), dose: 2.5, route: 'oral', frequency: 'qd', days: 7 }] }, ['high_alert:warn:0']],
  ];
  for (const [name, o, want] of cases) test(name, () => assert.deepEqual(rulesOf(base(o)), want));
});

describe('duplicate therapy, interactions, injection where oral would serve', () => {
  const amlo = med('氨氯地平片'), nif = med('硝苯地平缓释片');
  const line = (m: CatalogueItem, frequency = m.frequencies[0]) => ({ med: m, dose: m.adultDoseMin!, route: m.route, frequency, days: 7 });
  const cases: [string, Partial<ReviewInput>, string[]][] = [
    ['two dihydropyridines (C08CA) on one prescription', { items: [line(amlo), line(nif)] }, ['duplicate_therapy:warn:1']],
    ['amlodipine while the resident takes nifedipine from another facility', { items: [line(amlo)], current: [{ atcCode: 'C08CA05', genericName: '硝苯地平缓释片', facility: '甲镇卫生院' }] }, ['duplicate_therapy:warn:0']],
    ['amlodipine and valsartan: different classes, no finding', { items: [line(amlo), line(med('缬沙坦胶囊'))] }, []],
    ['simvastatin with clarithromycin: contraindicated, held', { items: [line(med('辛伐他汀片')), line(med('克拉霉素片'))] }, ['interaction:hold:1']],
    ['enalapril with valsartan (ACEI + ARB): major, warned', { items: [line(med('依那普利片')), line(med('缬沙坦胶囊'))] }, ['interaction:warn:1']],
    ['metronidazole for a resident on warfarin elsewhere: warned', { items: [line(med('甲硝唑片'))], current: [{ atcCode: 'B01AA03', genericName: '华法林钠片', facility: '县医院' }] }, ['interaction:warn:0']],
    ['ampicillin injection where oral amoxicillin (J01CA) is stocked', { items: [{ med: med('注射用氨苄西林钠'), dose: 1000, route: 'iv', frequency: 'qid', days: 3 }], oralClasses: new Set(['J01CA']) }, ['injection_oral:warn:0']],
    ['ceftriaxone injection with no oral J01DD stocked', { prescriber: doctor('主治医师'), items: [{ med: med('注射用头孢曲松钠'), dose: 1000, route: 'iv', frequency: 'qd', days: 3 }], oralClasses: new Set(['J01CA']) }, []],
  ];
  for (const [name, o, want] of cases) test(name, () => assert.deepEqual(rulesOf(base(o)), want));
});

describe('days: acute (处方管理办法第十九条) and long prescriptions (长期处方管理规范 2021)', () => {
  const amlo = med('氨氯地平片'), amox = med('阿莫西林胶囊');
  const it = (m: CatalogueItem, days: number) => ({ med: m, dose: m.adultDoseMin! * (m === amox ? 2 : 1), route: m.route, frequency: m.frequencies[0], days });
  const stable = { enrolled: true, stable: true };
  const cases: [string, Partial<ReviewInput>, string[]][] = [
    ['acute, 7 days: pass', { items: [it(amox, 7)] }, []],
    ['acute, 8 days: over 7', { items: [it(amox, 8)] }, ['acute_days:warn:0']],
    ['emergency, 3 days: pass', { setting: 'emergency', items: [it(amox, 3)] }, []],
    ['emergency, 4 days: over 3', { setting: 'emergency', items: [it(amox, 4)] }, ['acute_days:warn:0']],
    ['chronic, 28 days (4 weeks): pass', { kind: 'chronic', items: [it(amlo, 28)] }, []],
    ['chronic, 29 days: over 4 weeks is a long prescription', { kind: 'chronic', items: [it(amlo, 29)] }, ['long_prescription:hold:0']],
    ['long, 84 days for an enrolled stable patient: pass', { kind: 'long', chronic: stable, items: [it(amlo, 84)] }, []],
    ['long, 85 days: over 12 weeks', { kind: 'long', chronic: stable, items: [it(amlo, 85)] }, ['long_prescription:hold:0']],
    ['long for a patient not enrolled', { kind: 'long', chronic: { enrolled: false, stable: false }, items: [it(amlo, 56)] }, ['long_prescription:hold:-']],
    ['long for an enrolled patient not stable', { kind: 'long', chronic: { enrolled: true, stable: false }, items: [it(amlo, 56)] }, ['long_prescription:hold:-']],
    ['long with an antibacterial', { kind: 'long', chronic: stable, items: [it(amlo, 56), it(amox, 56)] }, ['long_prescription:hold:1']],
  ];
  for (const [name, o, want] of cases) test(name, () => assert.deepEqual(rulesOf(base(o)), want));
});

describe('the decision, current medication, quantity', () => {
  test('holds hold; warnings need a reason each', () => {
    const f = review(base({ items: [{ med: med('华法林钠片'), dose: 2.5, route: 'oral', frequency: 'qd', days: 7 }] }));
    assert.deepEqual(decide(f, []).status, 'unconfirmed');
    assert.deepEqual(decide(f, [{ key: findingKey(f[0]), reason: ' ' }]).status, 'unconfirmed');
    assert.deepEqual(decide(f, [{ key: 'high_alert:0', reason: '已双人核对' }]).status, 'ready');
    const held = review(base({ prescriber: doctor('医师'), items: [{ med: med('左氧氟沙星片'), dose: 500, route: 'oral', frequency: 'qd', days: 3 }] }));
    assert.equal(decide(held, []).status, 'held');
    assert.equal(decide([], []).status, 'ready');
  });
  test('the same drug from two facilities is flagged; ended lines are not current', () => {
    const l = (facility: string, startedOn: string, days: number, atcCode = 'C08CA01', genericName = '氨氯地平片') =>
      ({ medicineCode: 'YP001', genericName, atcCode, facility, facilityName: facility, startedOn, days, dose: 5, unit: 'mg', frequency: 'qd' });
    const cur = currentMedication([l('T1', '2026-11-20', 28), l('V1', '2026-11-25', 28), l('T1', '2026-09-01', 28, 'A10BA02', '二甲双胍片'), l('V1', '2026-11-30', 14, 'B01AC06', '阿司匹林肠溶片')], '2026-12-02');
    assert.deepEqual(cur.map((c) => `${c.genericName}:${c.facilities.map((f) => f.code).join('+')}:${c.atTwoFacilities}`), ['氨氯地平片:T1+V1:true', '阿司匹林肠溶片:V1:false']);
  });
  test('quantity: 0.5 g tid for 5 days of 0.25 g capsules is 30', () => {
    assert.equal(quantityFor({ dose: 500, frequency: 'tid', days: 5 }, 250), 30);
    assert.equal(quantityFor({ dose: 2.5, frequency: 'qd', days: 7 }, 5), 4);
  });
});

describe('the monthly prescription comment (医院处方点评管理规范 第十条)', () => {
  test('sample size: 1‰ of the month and at least 100; all of them when fewer', () => {
    const cases: [number, number][] = [[0, 0], [50, 50], [100, 100], [5000, 100], [100_000, 100], [100_001, 101], [250_000, 250]];
    for (const [total, want] of cases) assert.equal(commentSampleSize(total), want, String(total));
  });
  test('the sample is reproducible for a month and differs between months', () => {
    const ids = Array.from({ length: 500 }, (_, i) => `id-${i}`);
    const a = commentSample(ids, 100, '2026-11');
    assert.equal(a.length, 100);
    assert.equal(new Set(a).size, 100);
    assert.deepEqual(commentSample([...ids].reverse(), 100, '2026-11'), a);
    assert.notDeepEqual(commentSample(ids, 100, '2026-12'), a);
  });
});
