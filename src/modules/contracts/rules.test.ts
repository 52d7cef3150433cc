import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dueCount, dueDates, frequencyProblem, fulfilment, itemStatus, owedToDate, parseFrequency, requestKind } from './rules.ts';

test('parseFrequency', () => {
  assert.equal(parseFrequency('4次/年'), 4);
  assert.equal(parseFrequency('1 次 / 年'), 1);
  assert.equal(parseFrequency('按需'), 0);
  assert.equal(parseFrequency('2/year'), 2);
});

test('dueCount: quarterly items fall due at the end of each quarter of the contract year', () => {
  const s = '2026-01-01', e = '2026-12-31';
  const rows: [string, number, number][] = [
    ['2025-12-31', 4, 0], ['2026-01-01', 4, 0], ['2026-03-30', 4, 0], ['2026-03-31', 4, 1], ['2026-04-01', 4, 1], ['2026-07-02', 4, 2], ['2026-12-30', 4, 3], ['2026-12-31', 4, 4], ['2027-06-01', 4, 4],
    ['2026-06-30', 1, 0], ['2026-12-31', 1, 1], ['2026-12-31', 0, 0],
  ];
  for (const [asOf, n, want] of rows) assert.equal(dueCount(n, s, e, asOf), want, `${n}/yr on ${asOf}`);
});

test('dueDates follow the contract year from any start day', () => {
  assert.deepEqual(dueDates(4, '2026-03-15'), ['2026-06-14', '2026-09-14', '2026-12-14', '2027-03-14']);
  assert.deepEqual(dueDates(1, '2026-03-15'), ['2027-03-14']);
});

test('fulfilment to date: every due item delivered; a service in two packages is owed once', () => {
  const items = [
    { service: 'htn_followup', name: '高血压随访', frequency: '4次/年' }, { service: 'health_check', name: '健康体检', frequency: '1次/年' },
    { service: 'dm_followup', name: '糖尿病随访', frequency: '4次/年' }, { service: 'health_check', name: '健康体检', frequency: '1次/年' },
    { service: 'consultation', name: '一般诊疗', frequency: '按需' },
  ];
  const mid = fulfilment(items, { htn_followup: 2, dm_followup: 2 }, '2026-01-01', '2026-12-31', '2026-07-15');
  assert.equal(mid.fulfilled, true);
  assert.equal(mid.items.length, 4);
  const late = fulfilment(items, { htn_followup: 2, dm_followup: 1 }, '2026-01-01', '2026-12-31', '2026-07-15');
  assert.equal(late.fulfilled, false);
  assert.deepEqual(late.items.find((i) => i.service === 'dm_followup'), { service: 'dm_followup', name: '糖尿病随访', frequency: '4次/年', due: 2, delivered: 1, ok: false });
  const end = fulfilment(items, { htn_followup: 4, dm_followup: 4 }, '2026-01-01', '2026-12-31', '2026-12-31');
  assert.equal(end.fulfilled, false, 'the annual health check was never done');
});

test('frequency validation: N次/年 from 1 to 365, or 按需', () => {
  const rows: [string, boolean][] = [['4次/年', true], ['1 次 / 年', true], ['365次/年', true], ['按需', true], ['0次/年', false], ['366次/年', false], ['4次/月', false], ['每季度', false], ['', false], ['-1次/年', false]];
  for (const [f, ok] of rows) assert.equal(frequencyProblem(f) === null, ok, f);
});

test('a package item\'s place on the worklist: overdue, due this week, never seen, scheduled', () => {
  const s = '2026-01-01', e = '2026-12-31';
  const rows: [number, number, string, string, string | null][] = [
    // perYear, delivered, asOf, status, nextDue
    [4, 0, '2026-03-31', 'overdue', '2026-03-31'], [4, 0, '2026-03-30', 'due_this_week', '2026-03-31'], [4, 0, '2026-03-24', 'due_this_week', '2026-03-31'],
    [4, 0, '2026-03-23', 'never_seen', '2026-03-31'], [4, 1, '2026-03-23', 'scheduled', '2026-06-30'], [4, 1, '2026-07-01', 'overdue', '2026-06-30'],
    [4, 4, '2026-12-31', 'scheduled', null], [1, 0, '2026-06-01', 'never_seen', '2026-12-31'], [1, 1, '2026-06-01', 'scheduled', null],
  ];
  for (const [n, d, asOf, status, next] of rows) {
    const week = new Date(`${asOf}T00:00:00Z`);
    week.setUTCDate(week.getUTCDate() + 7);
    const r = itemStatus(n, s, e, d, asOf, week.toISOString().slice(0, 10));
    assert.deepEqual([r?.status, r?.nextDue], [status, next], `${n}/yr, ${d} delivered, on ${asOf}`);
  }
  assert.equal(itemStatus(0, s, e, 0, '2026-06-01', '2026-06-08'), null, 'on demand is never owed');
});

test('owedToDate: what fulfilment asks for, each service once at its higher count, nothing not yet due; fulfilled exactly when each is met', () => {
  const items = [
    { service: 'htn_followup', name: '高血压随访', frequency: '4次/年' }, { service: 'health_check', name: '健康体检', frequency: '1次/年' },
    { service: 'health_check', name: '健康体检', frequency: '2次/年' }, { service: 'consultation', name: '一般诊疗', frequency: '按需' },
  ];
  const rows: [string, { service: string; due: number }[]][] = [
    ['2026-03-30', []], ['2026-03-31', [{ service: 'htn_followup', due: 1 }]], ['2026-06-30', [{ service: 'htn_followup', due: 2 }, { service: 'health_check', due: 1 }]],
    ['2026-12-31', [{ service: 'htn_followup', due: 4 }, { service: 'health_check', due: 2 }]], ['2027-06-30', [{ service: 'htn_followup', due: 4 }, { service: 'health_check', due: 2 }]],
  ];
  for (const [asOf, want] of rows) assert.deepEqual(owedToDate(items, '2026-01-01', '2026-12-31', asOf), want, asOf);
  for (const [asOf] of rows) {
    for (const delivered of [{}, { htn_followup: 1 }, { htn_followup: 2, health_check: 1 }, { htn_followup: 4, health_check: 1 }, { htn_followup: 4, health_check: 2 }, { htn_followup: 3, health_check: 5 }] as Record<string, number>[]) {
      const met = owedToDate(items, '2026-01-01', '2026-12-31', asOf).every((o) => (delivered[o.service] ?? 0) >= o.due);
      assert.equal(met, fulfilment(items, delivered, '2026-01-01', '2026-12-31', asOf).fulfilled, `${asOf} ${JSON.stringify(delivered)}`);
    }
  }
  assert.deepEqual(owedToDate([], '2026-01-01', '2026-12-31', '2026-12-31'), [], 'no packages: nothing owed');
});

test('requestKind: a new contract, a renewal within the last 30 days of the year, or too early', () => {
  const c = { id: 'c1', endsOn: '2026-12-31' };
  // [latest contract, day, expected] — written by hand: the window opens 30 days before the end (2026-12-01)
  const rows: [typeof c | null, string, unknown][] = [
    [null, '2026-12-03', { kind: 'sign', startsOn: '2026-12-03' }],
    [c, '2026-11-30', { kind: 'too_early', opensOn: '2026-12-01', endsOn: '2026-12-31' }],
    [c, '2026-12-01', { kind: 'renew', previousId: 'c1', startsOn: '2027-01-01' }],
    [c, '2026-12-31', { kind: 'renew', previousId: 'c1', startsOn: '2027-01-01' }],
    // run out without renewal: a new contract from the day
    [c, '2027-01-01', { kind: 'sign', startsOn: '2027-01-01' }],
    // the window across a month of 28 days
    [{ id: 'c2', endsOn: '2027-03-02' }, '2027-01-31', { kind: 'renew', previousId: 'c2', startsOn: '2027-03-03' }],
    [{ id: 'c2', endsOn: '2027-03-02' }, '2027-01-30', { kind: 'too_early', opensOn: '2027-01-31', endsOn: '2027-03-02' }],
  ];
  for (const [latest, day, want] of rows) assert.deepEqual(requestKind(latest, day), want, `${latest?.endsOn} on ${day}`);
});
