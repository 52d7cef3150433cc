// The diagnostics rules, table-tested: the order's and the specimen's state machines, flags, critical
// values at their bounds (the list: potassium < 2.8 or > 6.2 mmol/L, glucose < 2.2 or > 22.2,
// haemoglobin < 50 g/L, QTc > 500 ms, coded findings), the recognition window, the alert's state, medians.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alertState, criticalHits, flagOf, median, nextStatus, readable, share, specimenStepAllowed, withinRecognition, type OrderStatus, type SpecimenStep } from './rules.ts';
import { defaultRules } from './service.ts';

test('the order state machine: every allowed move, and refusals', () => {
  const table: [OrderStatus, string, OrderStatus | null][] = [
    ['ordered', 'schedule', 'scheduled'], ['ordered', 'acquire', 'acquired'], ['scheduled', 'acquire', 'acquired'], ['acquired', 'receive', 'received'],
    ['acquired', 'reject', 'rejected'], ['received', 'reject', 'rejected'], ['received', 'preliminary', 'preliminary'], ['acquired', 'verify', 'verified'],
    ['preliminary', 'verify', 'verified'], ['verified', 'publish', 'published'], ['ordered', 'cancel', 'cancelled'], ['scheduled', 'cancel', 'cancelled'],
    ['ordered', 'publish', null], ['ordered', 'verify', null], ['acquired', 'cancel', null], ['published', 'verify', null], ['published', 'cancel', null],
    ['rejected', 'receive', null], ['cancelled', 'acquire', null], ['verified', 'preliminary', null], ['ordered', 'fly', null],
  ];
  for (const [from, move, to] of table) assert.equal(nextStatus(from, move), to, `${from} --${move}→`);
});

test('reading: an image once acquired, a specimen only once received', () => {
  assert.equal(readable('acquired', 'ecg'), true);
  assert.equal(readable('acquired', 'imaging'), true);
  assert.equal(readable('acquired', 'laboratory'), false);
  assert.equal(readable('received', 'pathology'), true);
  assert.equal(readable('ordered', 'ecg'), false);
  assert.equal(readable('verified', 'ecg'), false);
});

test('the specimen steps: collected → sent → received, rejected from any of them', () => {
  const table: [SpecimenStep | null, SpecimenStep, boolean][] = [
    [null, 'collected', true], [null, 'sent', false], [null, 'received', false], ['collected', 'sent', true], ['collected', 'received', true], ['sent', 'received', true],
    ['sent', 'rejected', true], ['received', 'rejected', true], ['collected', 'collected', false], ['received', 'sent', false], ['rejected', 'received', false], ['sent', 'sent', false],
  ];
  for (const [last, next, ok] of table) assert.equal(specimenStepAllowed(last, next), ok, `${last} → ${next}`);
});

test('flags against a reference range', () => {
  assert.equal(flagOf(3.4, 3.5, 5.3), 'L');
  assert.equal(flagOf(3.5, 3.5, 5.3), 'N');
  assert.equal(flagOf(5.3, 3.5, 5.3), 'N');
  assert.equal(flagOf(5.4, 3.5, 5.3), 'H');
  assert.equal(flagOf(900, null, 450), 'H');
  assert.equal(flagOf(1, null, null), 'N');
});

test('critical values at their bounds, by the shipped rules', () => {
  const lab = defaultRules('laboratory');
  const codes = (obs: [string, number, string][]) => criticalHits(lab, obs.map(([code, value, unit]) => ({ code, value, unit })), []).map((h) => `${h.code}${h.bound}`);
  assert.deepEqual(codes([['K', 2.7, 'mmol/L']]), ['K< 2.8']);
  assert.deepEqual(codes([['K', 2.8, 'mmol/L'], ['K', 6.2, 'mmol/L']]), []);
  assert.deepEqual(codes([['K', 6.3, 'mmol/L']]), ['K> 6.2']);
  assert.deepEqual(codes([['GLU', 2.1, 'mmol/L'], ['GLU', 22.2, 'mmol/L'], ['GLU', 22.3, 'mmol/L']]), ['GLU< 2.2', 'GLU> 22.2']);
  assert.deepEqual(codes([['HGB', 49, 'g/L'], ['HGB', 50, 'g/L'], ['PLT', 29, '10*9/L']]), ['HGB< 50', 'PLT< 30']);
  assert.deepEqual(codes([['K', 2.0, 'mEq/L']]), [], 'another unit is not compared');
  const ecg = defaultRules('ecg');
  assert.deepEqual(criticalHits(ecg, [{ code: 'QTC', value: 500, unit: 'ms' }, { code: 'QTC', value: 501, unit: 'ms' }], ['AVB3', 'AVB3', 'NOT_A_RULE']).map((h) => h.code), ['QTC', 'AVB3']);
  assert.ok(ecg.every((r) => r.source.length > 10), 'each rule carries its source');
  assert.deepEqual(defaultRules('imaging').map((r) => r.code).sort(), ['AORTIC_DISSECTION', 'FREE_AIR', 'ICH', 'PNEUMOTHORAX']);
});

test('the recognition window and the alert state', () => {
  const now = new Date('2026-12-02T08:00:00Z');
  assert.equal(withinRecognition('2026-11-25T08:00:00Z', 7, now), true, 'exactly 7 days');
  assert.equal(withinRecognition('2026-11-25T07:59:00Z', 7, now), false);
  assert.equal(withinRecognition('2026-12-01T00:00:00Z', null, now), false, 'no mark, no recognition');
  assert.equal(alertState({ ackDueAt: '2026-12-02T08:15:00Z', acknowledgedAt: null }, now), 'open');
  assert.equal(alertState({ ackDueAt: '2026-12-02T07:59:00Z', acknowledgedAt: null }, now), 'overdue');
  assert.equal(alertState({ ackDueAt: '2026-12-02T07:59:00Z', acknowledgedAt: '2026-12-02T07:58:00Z' }, now), 'acknowledged');
});

test('median and share', () => {
  assert.equal(median([]), null);
  assert.equal(median([30]), 30);
  assert.equal(median([40, 10, 20]), 20);
  assert.equal(median([10, 20, 30, 50]), 25);
  assert.equal(share(1, 3), 33.3);
  assert.equal(share(0, 0), null);
});
