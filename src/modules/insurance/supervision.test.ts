// Each supervision rule on hand-built cases: hits and near misses, with the shipped parameters.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { belowStandardAdmissions, decomposedAdmissions, diagnosisOnlyGroup, inRange, runRules, sexAgeInconsistent, upcoding, type RuleDef, type RuleParams, type SupCase } from './supervision.ts';
import { buildGroups, type DipCase } from './rules.ts';

const RULES = (JSON.parse(readFileSync(new URL('../../../data/insurance/supervision-rules.json', import.meta.url), 'utf8')) as { rules: RuleDef[] }).rules;
const params = <C extends keyof RuleParams>(code: C) => RULES.find((r) => r.code === code)!.params as RuleParams[C];

let n = 0;
const sc = (o: Partial<SupCase>): SupCase => ({
  id: `s${++n}`, listNo: `L${n}`, patientKey: 'P1', facilityCode: 'H1', setting: 'inpatient', sex: 'M', birthDate: '1960-01-01', admittedOn: '2026-03-01', dischargedOn: '2026-03-08',
  days: 7, mainDiagnosis: 'I10.x00', otherDiagnoses: [], procedures: [], totalFen: 400_000, ...o,
});

describe('the rules file', () => {
  test('every rule has parameters and a source', () => {
    assert.deepEqual(RULES.map((r) => r.code), ['decomposed_admission', 'below_standard_admission', 'sex_age_inconsistent', 'upcoding']);
    for (const r of RULES) assert.ok(r.source.length > 20 && r.name.zh && r.name.en && Object.keys(r.params).length, r.code);
  });
  test('ICD-10 ranges', () => {
    for (const [code, range, yes] of [['N40.x00', 'N40-N51', true], ['N51.8', 'N40-N51', true], ['N52', 'N40-N51', false], ['D07.5', 'D07.4-D07.6', true], ['D07.1', 'D07.4-D07.6', false],
      ['O99.8', 'O00-O99', true], ['Z30.100', 'Z30.1', true], ['Z30.2', 'Z30.1', false], ['A34', 'A34', true]] as const) assert.equal(inRange(code, range), yes, `${code} ${range}`);
  });
});

describe('分解住院 (15 days)', () => {
  const p = params('decomposed_admission');
  test('readmitted on day 15 after discharge for the same category: hit; day 16, another category, another patient or outpatient: none', () => {
    const first = sc({ admittedOn: '2026-03-01', dischargedOn: '2026-03-08', mainDiagnosis: 'I10.x00' });
    const day15 = sc({ admittedOn: '2026-03-23', dischargedOn: '2026-03-30', mainDiagnosis: 'I10.x00x002' });
    const hits = decomposedAdmissions([day15, first], p);
    assert.deepEqual(hits, [{ settlementId: day15.id, rule: 'decomposed_admission', evidence: { previousListNo: first.listNo, previousFacility: 'H1', previousDischargedOn: '2026-03-08', admittedOn: '2026-03-23', gapDays: 15, category: 'I10', withinDays: 15 } }]);
    assert.deepEqual(decomposedAdmissions([first, sc({ admittedOn: '2026-03-24', dischargedOn: '2026-03-30' })], p), []); // 16 days
    assert.deepEqual(decomposedAdmissions([first, sc({ admittedOn: '2026-03-10', dischargedOn: '2026-03-12', mainDiagnosis: 'E11.9' })], p), []);
    assert.deepEqual(decomposedAdmissions([first, sc({ admittedOn: '2026-03-10', dischargedOn: '2026-03-12', patientKey: 'P2' })], p), []);
    assert.deepEqual(decomposedAdmissions([first, sc({ admittedOn: '2026-03-10', dischargedOn: '2026-03-10', setting: 'outpatient_special' })], p), []);
  });
  test('a transfer the same day counts (gap 0), at another hospital too', () => {
    const first = sc({ admittedOn: '2026-05-01', dischargedOn: '2026-05-05' });
    const second = sc({ admittedOn: '2026-05-05', dischargedOn: '2026-05-09', facilityCode: 'H2' });
    assert.deepEqual(decomposedAdmissions([first, second], p).map((h) => [h.settlementId, h.evidence.gapDays, h.evidence.previousFacility]), [[second.id, 0, 'H1']]);
  });
});

// A small group table (base years 2023–2025, threshold 2, scale 1000): I10|保守 at 4000 yuan (core, 2 cases in 2025);
// K35.8|47.09 at 10000 (core); K35.8|保守 at 3000 (core); J18|conservative one case at 1000 (comprehensive).
// M (2025 only) = (4000×2 + 10000×2 + 3000×2 + 1000)/7 = 35000/7 = 5000 → scores I10 800, K35.8|47.09 2000, K35.8|保守 600, J18 200.
let m = 0;
const dc = (dx: string, procs: string[], yuan: number): DipCase => ({ id: `d${++m}`, facilityCode: 'H1', year: 2025, mainDiagnosis: dx, procedures: procs, totalFen: yuan * 100, selfFen: 0 });
const table = buildGroups([dc('I10', [], 4000), dc('I10', [], 4000), dc('K35.8', ['47.09'], 10000), dc('K35.8', ['47.09'], 10000), dc('K35.8', [], 3000), dc('K35.8', [], 3000), dc('J18.9', [], 1000)],
  [2023, 2024, 2025], { threshold: 2, scale: 1000 });

describe('低标准入院', () => {
  const p = params('below_standard_admission');
  test('the table is what the comment says', () => {
    assert.deepEqual([...table.groups.values()].map((g) => [g.key, g.kind, Math.round(g.score)]).sort(), [['I10|保守', 'core', 800], ['J18|conservative', 'comprehensive', 200], ['K35.8|47.09', 'core', 2000], ['K35.8|保守', 'core', 600]]);
  });
  test('one day in hospital or under 20% of the group standard: hit; 2 days at 20%: none; an operation: none', () => {
    const oneDay = sc({ days: 1, admittedOn: '2026-03-01', dischargedOn: '2026-03-02', totalFen: 300_000 });
    const cheap = sc({ days: 5, totalFen: 79_999 }); // I10 standard 400,000 fen × 0.2 = 80,000
    const atShare = sc({ days: 2, totalFen: 80_000 });
    const op = sc({ days: 1, mainDiagnosis: 'K35.8', procedures: ['47.09'], totalFen: 50_000 });
    const hits = belowStandardAdmissions([oneDay, cheap, atShare, op], p, table);
    assert.deepEqual(hits.map((h) => [h.settlementId, h.evidence.reasons]), [[oneDay.id, ['days']], [cheap.id, ['cost']]]);
    assert.deepEqual(hits[1].evidence, { reasons: ['cost'], days: 5, totalFen: 79_999, group: 'I10|保守', groupStandardFen: 400_000, share: 0.2, minShare: 0.2 });
  });
  test('without a group table only the stay is judged', () => {
    assert.deepEqual(belowStandardAdmissions([sc({ days: 5, totalFen: 1 })], p, null), []);
  });
});

describe('诊断与性别/年龄不符', () => {
  const p = params('sex_age_inconsistent');
  test('obstetric diagnosis on a man, prostate on a woman, pregnancy at 60: hits; the same on the right sex and age: none', () => {
    const manO = sc({ sex: 'M', birthDate: '1990-01-01', mainDiagnosis: 'I10.x00', otherDiagnoses: ['O24.4'] });
    const womanProstate = sc({ sex: 'F', mainDiagnosis: 'N40.x00' });
    const old = sc({ sex: 'F', birthDate: '1966-02-01', admittedOn: '2026-03-01', mainDiagnosis: 'O80.0' }); // 60
    const ok = [sc({ sex: 'F', birthDate: '1996-01-01', mainDiagnosis: 'O80.0' }), sc({ sex: 'M', mainDiagnosis: 'N40.x00' }),
      sc({ sex: 'F', birthDate: '1971-03-01', admittedOn: '2026-03-01', mainDiagnosis: 'O80.0' }), // 55 on her birthday: still inside
      sc({ sex: 'M', mainDiagnosis: 'N39.0' })];
    const hits = sexAgeInconsistent([manO, womanProstate, old, ...ok], p);
    assert.deepEqual(hits.map((h) => [h.settlementId, h.evidence.findings]), [
      [manO.id, [{ code: 'O24.4', problem: 'female-only O00-O99' }]],
      [womanProstate.id, [{ code: 'N40.x00', problem: 'male-only N40-N51' }]],
      [old.id, [{ code: 'O80.0', problem: 'age 60 outside 12–55 for O00-O99' }]],
    ]);
  });
});

describe('高套分值', () => {
  const p = params('upcoding');
  test('K35.8 with an appendectomy at 3500 yuan (nearer the 3000 of K35.8 alone, score 2000 vs 600): hit; at 8000: none; ratio under 2: none', () => {
    assert.equal(diagnosisOnlyGroup(table, 'K35.8')?.key, 'K35.8|保守');
    const cheapOp = sc({ mainDiagnosis: 'K35.8', procedures: ['47.09'], totalFen: 350_000 });
    const realOp = sc({ mainDiagnosis: 'K35.8', procedures: ['47.09'], totalFen: 800_000 });
    const hits = upcoding([cheapOp, realOp, sc({ totalFen: 100 })], p, table);
    assert.deepEqual(hits, [{ settlementId: cheapOp.id, rule: 'upcoding', evidence: { group: 'K35.8|47.09', groupScore: 2000, groupStandardFen: 1_000_000, diagnosisOnlyGroup: 'K35.8|保守', diagnosisOnlyScore: 600, diagnosisOnlyStandardFen: 300_000, scoreRatio: 3.33, totalFen: 350_000, band: 'low' } }]);
    assert.deepEqual(upcoding([cheapOp], { scoreRatio: 3.4 }, table), []); // 2000/600 = 3.33 < 3.4
    assert.deepEqual(upcoding([cheapOp], p, null), []);
  });
  test('runRules runs every rule of the file', () => {
    const hits = runRules(RULES, [sc({ sex: 'M', mainDiagnosis: 'O80.0', days: 1, dischargedOn: '2026-03-02' })], table);
    assert.deepEqual(hits.map((h) => h.rule).sort(), ['below_standard_admission', 'sex_age_inconsistent']);
  });
});
