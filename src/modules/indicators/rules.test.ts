// The pure rules: periods and windows, and the target status — each threshold on both sides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgedComparator, MIN_DENOMINATOR, periodBounds, periodsOfYear, periodsTouchedBy, qualityFlags, ratioValue, satisfies, slopePerYear, targetStatus, windowOf, type Plausible, type QualityFlag, type StatusInput } from './rules.ts';

test('periods: bounds, windows and the periods of a year begun', () => {
  assert.deepEqual(periodBounds('2025-02'), { from: '2025-02-01', to: '2025-02-28' });
  assert.deepEqual(periodBounds('2024-Q1'), { from: '2024-01-01', to: '2024-03-31' });
  assert.deepEqual(periodBounds('2025'), { from: '2025-01-01', to: '2025-12-31' });
  assert.deepEqual(windowOf('2025-05', 'ytd', '2026-01-10'), { from: '2025-01-01', to: '2025-05-31', asOf: '2025-05-31' });
  assert.deepEqual(windowOf('2026', 'point', '2026-03-10'), { from: '2026-03-10', to: '2026-03-10', asOf: '2026-03-10' });
  assert.deepEqual(periodsOfYear(2026, '2026-04-01'), ['2026-01', '2026-02', '2026-03', '2026-04', '2026-Q1', '2026-Q2', '2026']);
  assert.deepEqual(periodsTouchedBy('2026-03-20', 'flow', '2026-04-01'), ['2026-03', '2026-Q1', '2026']);
  assert.deepEqual(periodsTouchedBy('2026-03-20', 'ytd', '2026-04-01'), ['2026-03', '2026-04', '2026-Q1', '2026-Q2', '2026']);
});

test('ratios in their unit; an empty denominator has no value; a count is its numerator', () => {
  assert.equal(ratioValue(1, 3, 100), 33.333333);
  assert.equal(ratioValue(1, 0, 100), null);
  assert.equal(ratioValue(7, null, 1), 7);
});

test('satisfies: every comparator on both sides of its threshold', () => {
  const cases: [string, number, number | null, number, boolean][] = [
    ['>=', 65, null, 65, true], ['>=', 65, null, 64.99, false], ['>', 65, null, 65, false], ['>', 65, null, 65.01, true],
    ['<=', 10, null, 10, true], ['<=', 10, null, 10.01, false], ['<', 10, null, 9.99, true], ['<', 10, null, 10, false],
    ['=', 100, null, 100.9, true], ['=', 100, null, 101.1, false], ['range', 60, 80, 60, true], ['range', 60, 80, 80.01, false], ['range', 60, 80, 59.9, false],
  ];
  for (const [c, v, h, x, want] of cases) assert.equal(satisfies({ comparator: c as '>=', value: v, valueHigh: h }, x), want, `${x} ${c} ${v}`);
});

test('slope per year by least squares', () => {
  assert.equal(slopePerYear([{ t: 2024, v: 50 }, { t: 2025, v: 55 }]), 5);
  assert.equal(slopePerYear([{ t: 2024, v: 50 }]), null);
});

test('target status: the rule, table-driven', () => {
  const base: StatusInput = { comparator: '>=', value: 65, valueHigh: null, dueYear: 2027, current: 60, slope: null, asOf: '2025-12-31' };
  const cases: [string, Partial<StatusInput>, string, string][] = [
    ['no value', { current: null }, 'no_data', 'no_value'],
    ['met exactly', { current: 65 }, 'met', 'satisfied'],
    ['past due, not met', { dueYear: 2024 }, 'off_track', 'past_due'],
    ['due this year, 31 December still counts', { dueYear: 2025, slope: 10 }, 'at_risk', 'within_tolerance'],
    ['projected to meet: 60 + 3 × 2 = 66', { slope: 3 }, 'on_track', 'projected_met'],
    ['projected just short, within 10%: 60 + 2 × 2 = 64', { slope: 2 }, 'at_risk', 'within_tolerance'],
    ['no trend, gap 5 of 65 (7.7%) within tolerance', {}, 'at_risk', 'within_tolerance'],
    ['no trend, gap 7 of 65 (10.8%) beyond tolerance', { current: 58 }, 'off_track', 'not_closing'],
    ['gap beyond tolerance but closing', { current: 40, slope: 5 }, 'at_risk', 'closing_gap'],
    ['gap beyond tolerance and widening', { current: 40, slope: -1 }, 'off_track', 'not_closing'],
    ['lower is better: antibiotic rate ≤ 10 from 14 falling 2.5/yr', { comparator: '<=', value: 10, current: 14, slope: -2.5 }, 'on_track', 'projected_met'],
    ['lower is better, rising', { comparator: '<=', value: 10, current: 14, slope: 1 }, 'off_track', 'not_closing'],
  ];
  for (const [name, o, status, reason] of cases) {
    const r = targetStatus({ ...base, ...o });
    assert.deepEqual([r.status, r.reason], [status, reason], name);
  }
});

test('a plan\'s "达到 N" (=) is judged as reaching or passing N in the better direction', () => {
  const cases: [Parameters<typeof judgedComparator>[0], 'higher' | 'lower' | undefined, string][] = [
    ['=', 'higher', '>='], ['=', 'lower', '<='], ['=', undefined, '='], ['>=', 'lower', '>='], ['<=', 'higher', '<='], ['range', 'higher', 'range'],
  ];
  assert.deepEqual(cases.map(([c, b]) => judgedComparator(c, b)), cases.map((x) => x[2]));
  // 48.2 against "达到50%" is not met; 51 is.
  const asOf = '2026-11-24';
  assert.equal(targetStatus({ comparator: judgedComparator('=', 'higher'), value: 50, valueHigh: null, dueYear: 2025, current: 51, slope: null, asOf }).status, 'met');
  assert.equal(targetStatus({ comparator: judgedComparator('=', 'higher'), value: 50, valueHigh: null, dueYear: 2025, current: 48.2, slope: null, asOf }).status, 'off_track');
});

test('data quality: the range at its levels, a 0% or 100% on a small denominator, a period not yet ended', () => {
  const both: Plausible = { low: 30, high: 60, basis: { zh: '', en: '' }, levels: ['county', 'township'] };
  const county: Plausible = { ...both, levels: ['county'] };
  assert.equal(MIN_DENOMINATOR, 30);
  const today = '2026-12-02';
  // [value, denominator, period, level, unit, range, expected]
  const cases: [number | null, number | null, string, string, string, Plausible | undefined, QualityFlag[]][] = [
    [45, 1000, '2025', 'county', '%', both, []],
    [30, 1000, '2025', 'county', '%', both, []], // the bounds are inside
    [60, 1000, '2025', 'township', '%', both, []],
    [29.99, 1000, '2025', 'county', '%', both, ['implausible']],
    [60.01, 1000, '2025', 'township', '%', both, ['implausible']],
    [90, 1000, '2025', 'township', '%', county, []], // a county-only range says nothing of a township
    [90, 1000, '2025', 'facility', '%', both, []],
    [null, null, '2025', 'county', '%', both, []], // no value, nothing to judge
    [100, 29, '2025', 'facility', '%', undefined, ['small_denominator']],
    [0, 1, '2025', 'facility', '%', undefined, ['small_denominator']],
    [100, 30, '2025', 'facility', '%', undefined, []], // 30 cases are enough
    [50, 2, '2025', 'facility', '%', undefined, []], // only the trivial 0% and 100%
    [0, 3, '2025', 'county', 'count', undefined, []], // counts have no denominator to judge
    [45, 1000, '2026', 'county', '%', both, ['part_period']],
    [45, 1000, '2026-12', 'county', '%', both, ['part_period']],
    [45, 1000, '2026-11', 'county', '%', both, []],
    [45, 1000, '2026-Q4', 'county', '%', both, ['part_period']],
    [100, 5, '2026-12', 'township', '%', both, ['implausible', 'small_denominator', 'part_period']],
  ];
  for (const [value, denominator, period, level, unit, plausible, want] of cases) {
    assert.deepEqual(qualityFlags({ value, denominator, period, level }, { unit, plausible, today }), want, `${value}/${denominator} ${period} ${level}`);
  }
  // The last day of a period is still part of it until it is over.
  assert.deepEqual(qualityFlags({ value: 45, denominator: 100, period: '2026-11', level: 'county' }, { unit: '%', today: '2026-11-30' }), ['part_period']);
  // A period the rule cannot judge yet has no value and says so.
  assert.deepEqual(qualityFlags({ value: null, denominator: 40, period: '2026-04', level: 'county', measurable: false }, { unit: '%', today }), ['not_measurable']);
  assert.deepEqual(qualityFlags({ value: null, denominator: 40, period: '2026-Q4', level: 'county', measurable: false }, { unit: '%', today }), ['part_period', 'not_measurable']);
});

test('each unit has one precision: shares to 0.1, rates per 1,000 and ratios to 0.01, counts whole; Excel formats say the same', async () => {
  const { formatValue, excelFormat } = await import('./rules.ts');
  // [value, unit, shown] — written by hand: 66.190232 is the report's unrounded figure of the issue
  const rows: [number | null, string, string][] = [[66.190232, '%', '66.2'], [100, '%', '100.0'], [3.4, 'per_1000', '3.40'], [7.666667, 'per_1000', '7.67'],
    [8.45, 'per_10000', '8.45'], [473, 'count', '473'], [0.613108, 'ratio', '0.61'], [null, '%', '—'], [0.05, '%', '0.1']];
  for (const [v, unit, want] of rows) assert.equal(formatValue(v, unit), want, `${v} ${unit}`);
  assert.deepEqual(['%', 'per_1000', 'count', 'ratio'].map(excelFormat), ['0.0', '0.00', '0', '0.00']);
});
