// DIP rules on hand-built cases; every expected figure was worked out by hand (fractions) before the
// code was run: see the comments beside each table.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { budgetPointValue, buildGroups, casePoints, casesProcedureClass, combinationKey, comprehensiveKey, groupOf, procedureClass, settleYear, settledPointValue, weightedMean, type DipCase } from './rules.ts';

const near = (a: number, b: number, eps = 1e-6) => assert.ok(Math.abs(a - b) < eps, `${a} is not ${b}`);
let n = 0;
const c = (year: number, dx: string, procs: string[], yuan: number, facilityCode = 'H1', selfYuan = 0): DipCase => ({ id: `c${++n}`, facilityCode, year, mainDiagnosis: dx, procedures: procs, totalFen: yuan * 100, selfFen: selfYuan * 100 });

describe('DIP grouping keys', () => {
  test('combination: subcategory + sorted procedure subcategories, 保守 without', () => {
    for (const [dx, procs, key] of [
      ['K35.800', ['47.0901'], 'K35.8|47.09'],
      ['K35.8', ['47.09', '54.11', '47.09'], 'K35.8|47.09+54.11'],
      ['I10', [], 'I10|保守'],
      ['I10.x00x002', [], 'I10|保守'],
      ['E11.9', ['99.04', '88.72'], 'E11.9|88.72+99.04'],
    ] as const) assert.equal(combinationKey(dx, procs), key);
  });
  test('procedure classes by the ICD-9-CM-3 chapters', () => {
    for (const [code, cls] of [['47.09', 'surgery'], ['00.66', 'surgery'], ['86.22', 'surgery'], ['87.44', 'diagnostic'], ['89.52', 'diagnostic'], ['91.39', 'diagnostic'],
      ['92.05', 'diagnostic'], ['92.24', 'therapeutic'], ['93.39', 'therapeutic'], ['99.04', 'therapeutic']] as const) assert.equal(procedureClass(code), cls, code);
    assert.equal(casesProcedureClass([]), 'conservative');
    assert.equal(casesProcedureClass(['87.44', '99.04']), 'therapeutic');
    assert.equal(casesProcedureClass(['87.44', '47.09', '99.04']), 'surgery');
    assert.equal(comprehensiveKey('J18.900', ['87.44']), 'J18|diagnostic');
  });
  test('weighted mean 1:2:7, renormalised over the years with cases', () => {
    near(weightedMean([8000, 9000, 10000])!, 9600); // (8000 + 18000 + 70000) / 10
    near(weightedMean([null, 2000, 4000])!, 32000 / 9); // (4000 + 28000) / 9
    near(weightedMean([5000, null, null])!, 5000);
    assert.equal(weightedMean([null, null, null]), null);
  });
});

// Base years 2023–2025, threshold 2, scale 1000.
// K35.8|47.09: 8000 (2023); 9000, 9000 (2024); 10000 (2025) → 4 cases, core, mean 9600.
// I10|保守: 3000; 3000; 4000, 4000 → core, mean (3000 + 6000 + 28000)/10 = 3700.
// J18.1|保守 2000 (2024) and J18.0|保守 4000 (2025): 1 case each → comprehensive J18|conservative, mean 32000/9.
// J18.9|87.44 5000 (2025) → comprehensive J18|diagnostic, mean 5000.
// All cases by year: 2023 (8000+3000)/2 = 5500; 2024 (9000+9000+3000+2000)/4 = 5750; 2025 (10000+4000+4000+4000+5000)/5 = 5400
// → M = (5500 + 2×5750 + 7×5400)/10 = 5480.
const base = [
  c(2023, 'K35.8', ['47.09'], 8000), c(2024, 'K35.8', ['47.09'], 9000), c(2024, 'K35.8', ['47.09'], 9000), c(2025, 'K35.8', ['47.09'], 10000),
  c(2023, 'I10', [], 3000), c(2024, 'I10', [], 3000), c(2025, 'I10', [], 4000), c(2025, 'I10', [], 4000),
  c(2024, 'J18.1', [], 2000), c(2025, 'J18.0', [], 4000), c(2025, 'J18.9', ['87.44'], 5000),
  c(2022, 'K35.8', ['47.09'], 1_000_000), // outside the base years: ignored
];
const table = buildGroups(base, [2023, 2024, 2025], { threshold: 2, scale: 1000 });

describe('DIP group table', () => {
  test('core and comprehensive groups with their scores', () => {
    near(table.allMeanFen, 548000);
    const rows = [...table.groups.values()].map((g) => [g.key, g.kind, g.cases, Math.round(g.meanFen), Number(g.score.toFixed(4))]).sort();
    assert.deepEqual(rows, [
      ['I10|保守', 'core', 4, 370000, 675.1825], // 3700 / 5480 × 1000
      ['J18|conservative', 'comprehensive', 2, 355556, 648.824], // (32000/9) / 5480 × 1000
      ['J18|diagnostic', 'comprehensive', 1, 500000, 912.4088], // 5000 / 5480 × 1000
      ['K35.8|47.09', 'core', 4, 960000, 1751.8248], // 9600 / 5480 × 1000
    ]);
    near(table.coreShare, 8 / 11);
  });
  test('a threshold of 5 leaves no core group', () => {
    const t5 = buildGroups(base, [2023, 2024, 2025], { threshold: 5, scale: 1000 });
    assert.deepEqual([...t5.groups.values()].filter((g) => g.kind === 'core'), []);
    assert.deepEqual([...t5.groups.keys()].sort(), ['I10|conservative', 'J18|conservative', 'J18|diagnostic', 'K35|surgery']);
  });
  test('a case of the settled year finds its core group, else its comprehensive one, else none', () => {
    assert.equal(groupOf(table, 'K35.800', ['47.0901'])?.key, 'K35.8|47.09');
    assert.equal(groupOf(table, 'J18.2', [])?.key, 'J18|conservative');
    assert.equal(groupOf(table, 'K35.8', ['54.11']), null); // K35|surgery never seen as comprehensive
    assert.equal(groupOf(table, 'Z99.9', []), null);
  });
});

describe('outlier bands (standard 10000 fen, score 1000)', () => {
  const g = { meanFen: 10000, score: 1000 };
  for (const [cost, band, points] of [
    [4999, 'low', 499.9], // 0.4999 × 1000
    [5000, 'normal', 1000], // exactly 50%: not below
    [10000, 'normal', 1000],
    [20000, 'normal', 1000], // exactly 2×: not above
    [20001, 'high', 1000.1], // (2.0001 − 2 + 1) × 1000
    [30000, 'high', 2000], // (3 − 2 + 1) × 1000
    [50000, 'high', 4000], // exactly 5×: high, not review
    [60000, 'review', 5000], // (6 − 2 + 1) × 1000, flagged
  ] as const) {
    test(`${cost} → ${band} ${points}`, () => {
      const r = casePoints(cost, g);
      assert.equal(r.band, band);
      near(r.points, points);
    });
  }
});

describe('point values and the year settled', () => {
  test('budgeted point value: fund budget ÷ fund share ÷ expected points', () => {
    near(budgetPointValue(700_000_000, 0.7, 5000), 200_000); // 7,000,000 yuan ÷ 0.7 = 10,000,000 ÷ 5000 points = 2000 yuan
    assert.equal(budgetPointValue(1, 0.7, 0), 0);
    near(settledPointValue(4_000_000, 0.8, 1000), 5000);
  });
  test('hospitals: points with outliers and coefficients, the settled point value, payment and balance', () => {
    // H1 (coefficient 1): K35.8 at 9600 (normal: 9600000/5480 points), I10 at 1000 (low: 1000/3700 × 3700/5480 × 1000 = 1000000/5480).
    // H2 (coefficient 1.2): K35.8 at 30000 (ratio 3.125, high: 2.125 × 9600/5480 × 1000 × 1.2 = 24480000/5480), Z99.9 ungrouped.
    // Total points 35080000/5480 = 6401.4599; fund 28,000 yuan at share 0.7 → 40,000 yuan ÷ points = 624.8575 fen/point.
    // H1 value 4,000,000 × 10.6/35.08 = 1,208,665.9 fen − self 230,000 = 978,666; billed 1,060,000 − 230,000 → balance +148,666.
    // H2 value 4,000,000 × 24.48/35.08 = 2,791,334.1 − self 500,000 = 2,291,334; billed 3,000,000 − 500,000 → balance −208,666.
    const year = [c(2026, 'K35.8', ['47.09'], 9600, 'H1', 2000), c(2026, 'I10', [], 1000, 'H1', 300), c(2026, 'K35.8', ['47.09'], 30000, 'H2', 5000), c(2026, 'Z99.9', [], 700, 'H2', 0)];
    const r = settleYear(table, year, { fundAvailableFen: 2_800_000, fundShare: 0.7, coefficients: { H2: 1.2 } });
    near(r.totalPoints, 35080000 / 5480);
    near(r.pointValue, 4_000_000 / (35080000 / 5480));
    assert.deepEqual(r.cases.map((x) => x.band), ['normal', 'low', 'high', 'ungrouped']);
    const h = r.hospitals.map((x) => ({ f: x.facilityCode, cases: x.cases, grouped: x.grouped, points: Number(x.points.toFixed(4)), pay: x.paymentFen, bal: x.balanceFen, low: x.lowCases, high: x.highCases }));
    assert.deepEqual(h, [
      { f: 'H1', cases: 2, grouped: 2, points: 1934.3066, pay: 978666, bal: 148666, low: 1, high: 0 },
      { f: 'H2', cases: 2, grouped: 1, points: 4467.1533, pay: 2291334, bal: -208666, low: 0, high: 1 },
    ]);
  });
});
