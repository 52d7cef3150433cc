// Each method against a worked example computed by hand (the arithmetic is in the comments).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { earsC1, earsC2, earsC3, fixedThreshold, mostLikelyCluster, movingPercentile, MPM_DEFAULTS, percentile, scanLlr, spaceTimeScan, SCAN_DEFAULTS, yearsBefore, type Series } from './detection.ts';
import { addDays } from '../../shared/time.ts';

const near = (a: number, b: number, eps = 1e-5, msg?: string) => assert.ok(Math.abs(a - b) < eps, `${msg ?? ''} ${a} ≠ ${b}`);

test('fixed threshold: one case signals, none does not', () => {
  const s: Series = { start: '2026-03-01', counts: [0, 1, 0, 2] };
  assert.equal(fixedThreshold(s, '2026-03-01')!.signal, false);
  assert.equal(fixedThreshold(s, '2026-03-02')!.signal, true);
  assert.equal(fixedThreshold(s, '2026-03-04')!.observed, 2);
  assert.equal(fixedThreshold(s, '2026-03-05'), null);
  assert.equal(fixedThreshold(s, '2026-03-04', { cases: 3 })!.signal, false);
});

test('percentile by linear interpolation (R type 7)', () => {
  const v = [0, 0, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4, 5, 6];
  // n = 15: P50 h = 7 → v[7] = 2; P80 h = 11.2 → 3 + 0.2·(4−3) = 3.2; P90 h = 12.6 → 4 + 0.6·(5−4) = 4.6
  near(percentile(v, 50), 2); near(percentile(v, 80), 3.2); near(percentile(v, 90), 4.6);
  near(percentile([7], 80), 7); near(percentile([1, 3], 50), 2);
  assert.equal(yearsBefore('2028-02-29', 1), '2027-02-28');
  assert.equal(yearsBefore('2026-03-15', 3), '2023-03-15');
});

test('moving percentile: the current 7 days against 15 same-season blocks of three years', () => {
  const start = '2023-01-01';
  const day = '2026-03-15';
  const n = Math.round((Date.parse(day) - Date.parse(start)) / 86_400_000) + 1;
  const counts = new Array<number>(n).fill(0);
  const put = (d: string, v: number) => { counts[Math.round((Date.parse(d) - Date.parse(start)) / 86_400_000)] += v; };
  // each block's cases on its last day, so each block sums to the value put there (blocks end on the date ±7, ±14 days)
  const blocks: Record<string, number[]> = { '2025-03-15': [1, 2, 3, 4, 5], '2024-03-15': [0, 2, 2, 6, 1], '2023-03-15': [3, 3, 1, 0, 2] };
  for (const [centre, vs] of Object.entries(blocks)) vs.forEach((v, k) => put(addDays(centre, (k - 2) * 7), v));
  put('2026-03-09', 2); put('2026-03-12', 1); put('2026-03-15', 2); // current 7 days: 5
  const s: Series = { start, counts };
  const at = (p: number) => movingPercentile(s, day, { ...MPM_DEFAULTS, percentile: p })!;
  assert.deepEqual(at(50).baseline.sort((a, b) => a - b), [0, 0, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4, 5, 6]);
  assert.equal(at(50).observed, 5);
  near(at(50).threshold, 2); near(at(80).threshold, 3.2); near(at(90).threshold, 4.6);
  assert.equal(at(90).signal, true); // 5 > 4.6
  put('2026-03-15', -1); // current 4
  assert.equal(at(90).signal, false); // 4 < 4.6
  assert.equal(at(80).signal, true); // 4 > 3.2
  near(at(50).expected, 35 / 15);
  // a window with no cases never signals, even over a zero percentile; short history answers null
  assert.equal(movingPercentile({ start, counts: new Array(n).fill(0) }, day)!.signal, false);
  assert.equal(movingPercentile({ start: '2024-01-01', counts: new Array(900).fill(0) }, '2026-03-15'), null);
});

// series for EARS: sd of every baseline below is √(10/6) = 1.290994 and the mean 3
const E: Series = { start: '2026-01-01', counts: [2, 4, 3, 5, 1, 3, 3, 2, 4, 6, 5, 7] };
const day = (i: number) => addDays('2026-01-01', i);

test('EARS C1: (Y_t − mean)/sd of t−7…t−1, signals above 3', () => {
  const s: Series = { start: '2026-01-01', counts: [2, 4, 3, 5, 1, 3, 3, 8] };
  const e = earsC1(s, day(7))!;
  near(e.expected, 3); near(e.statistic, 5 / 1.290994); assert.equal(e.signal, true); // 3.873
  const s2: Series = { ...s, counts: [2, 4, 3, 5, 1, 3, 3, 6] };
  near(earsC1(s2, day(7))!.statistic, 3 / 1.290994); assert.equal(earsC1(s2, day(7))!.signal, false); // 2.324
  near(earsC1(s2, day(7))!.threshold, 3 + 3 * 1.290994);
  assert.equal(earsC1(s, day(6)), null); // only 6 days of baseline
  // a flat baseline: sd floored at 0.2, so one case over zeros gives 5
  near(earsC1({ start: '2026-01-01', counts: [0, 0, 0, 0, 0, 0, 0, 1] }, day(7))!.statistic, 5);
});

test('EARS C2: the baseline lagged two days (t−9…t−3)', () => {
  near(earsC2(E, day(9))!.statistic, 3 / 1.290994); // (6−3)/1.291 = 2.32379
  near(earsC2(E, day(10))!.statistic, 2 / 1.290994); // baseline 4,3,5,1,3,3,2: 1.54919
  near(earsC2(E, day(11))!.statistic, 4 / 1.290994); // baseline 3,5,1,3,3,2,4: 3.09839
  assert.equal(earsC2(E, day(11))!.signal, true);
  assert.equal(earsC2(E, day(8)), null);
});

test('EARS C3: Σ max(0, C2 − 1) over t, t−1, t−2; signals above 2', () => {
  const e = earsC3(E, day(11))!;
  near(e.statistic, 1.32379 + 0.54919 + 2.09839, 1e-4); // 3.97137
  assert.equal(e.signal, true);
  assert.equal(earsC3(E, day(10)), null); // C2 of day 8 needs day −1
  const flat: Series = { start: '2026-01-01', counts: [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3] };
  assert.equal(earsC3(flat, day(11))!.statistic, 0);
});

test('space-time permutation scan: a 2×2 case worked by hand', () => {
  // zone 0: day0 0, day1 3; zone 1: day0 2, day1 1. C = 6; μ(zone0, day1) = 3·4/6 = 2.
  // LLR = 3 ln(3/2) + 3 ln(3/4) = 1.216395 − 0.863046 = 0.353349
  const counts = [[0, 3], [2, 1]];
  const neighbours = [[0, 1], [1, 0]];
  const c = mostLikelyCluster(counts, neighbours, { maxDays: 2, maxZones: 1 })!;
  assert.deepEqual({ zones: c.zones, fromDay: c.fromDay, toDay: c.toDay, observed: c.observed }, { zones: [0], fromDay: 1, toDay: 1, observed: 3 });
  near(c.expected, 2); near(c.llr, 0.353349, 1e-6);
  near(scanLlr(3, 2, 6), 0.353349, 1e-6); assert.equal(scanLlr(2, 2, 6), 0);
  // Exact null: which 2 of the 6 cases fall on day 0 — C(6,2) = 15 ways; k of zone 0's cases among them
  // has P(k=0) = 3/15, P(1) = 9/15, P(2) = 3/15; the maximum LLR reaches 0.353349 for k = 0 (zone 0) and k = 2 (zone 1): p = 6/15 = 0.4
  const r = spaceTimeScan({ counts, neighbours }, { ...SCAN_DEFAULTS, maxDays: 2, maxZones: 1, replications: 4999, minCases: 1, stopEarly: false });
  assert.ok(Math.abs(r!.p - 0.4) < 0.025, `p ${r!.p}`);
  assert.equal(r!.signal, false);
  // stopping early answers the same (no signal), having stopped once p could no longer fall below 0.05
  const e = spaceTimeScan({ counts, neighbours }, { ...SCAN_DEFAULTS, maxDays: 2, maxZones: 1, replications: 4999, minCases: 1 })!;
  assert.equal(e.signal, false);
  assert.ok(e.p >= 0.05 && e.p < 0.4, `p ${e.p}`);
});

test('space-time permutation scan finds an injected township cluster with a small p-value', () => {
  // five townships on a line, 28 days of 1 case each a day; township 2 has 6 more cases on each of the last two days
  const counts = Array.from({ length: 5 }, (_, z) => Array.from({ length: 28 }, (_, d) => 1 + (z === 2 && d >= 26 ? 6 : 0)));
  const neighbours = [[0, 1, 2, 3, 4], [1, 0, 2, 3, 4], [2, 1, 3, 0, 4], [3, 2, 4, 1, 0], [4, 3, 2, 1, 0]];
  const r = spaceTimeScan({ counts, neighbours }, { ...SCAN_DEFAULTS, replications: 199 })!;
  const full = spaceTimeScan({ counts, neighbours }, { ...SCAN_DEFAULTS, replications: 199, stopEarly: false })!;
  assert.equal(full.p, r.p); // a real cluster: no early stop
  assert.deepEqual(r.cluster.zones, [2]);
  assert.deepEqual([r.cluster.fromDay, r.cluster.toDay, r.cluster.observed], [26, 27, 14]);
  assert.ok(r.p <= 0.01, `p ${r.p}`);
  assert.equal(r.signal, true);
  // without the cluster nothing signals
  const flat = Array.from({ length: 5 }, () => new Array(28).fill(1));
  const f = spaceTimeScan({ counts: flat, neighbours }, { ...SCAN_DEFAULTS, replications: 99 });
  assert.ok(!f || !f.signal);
});
