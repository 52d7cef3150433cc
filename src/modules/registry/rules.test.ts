import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ageOn, impliedParent, isUrban, kindFitsTier, levelOfCode, priorityGroupsOf } from './rules.ts';

test('levelOfCode', () => {
  const cases: [string, string | null][] = [
    ['37', 'province'], ['3710', 'prefecture'], ['371003', 'county'], ['371003100000', 'township'], ['371003100201', 'village'],
    ['371003000000', null], ['3710031', null], ['37a003', null], ['371003000201', null],
  ];
  for (const [code, level] of cases) assert.equal(levelOfCode(code), level, code);
});

test('impliedParent walks up the tree', () => {
  assert.equal(impliedParent('371003100201'), '371003100000');
  assert.equal(impliedParent('371003100000'), '371003');
  assert.equal(impliedParent('371003'), '3710');
  assert.equal(impliedParent('3710'), '37');
  assert.equal(impliedParent('37'), null);
});

test('isUrban from the statistical code ranges', () => {
  assert.equal(isUrban('371003001000'), true); // subdistrict
  assert.equal(isUrban('371003100000'), false); // town
  assert.equal(isUrban('371003100199'), true); // residents' committee
  assert.equal(isUrban('371003100200'), false); // villagers' committee
  assert.equal(isUrban('371003'), null);
});

test('kindFitsTier', () => {
  assert.ok(kindFitsTier('village_clinic', 'village'));
  assert.ok(!kindFitsTier('village_clinic', 'county'));
  assert.ok(kindFitsTier('general_hospital', 'county'));
  assert.ok(!kindFitsTier('township_centre', 'city'));
});

test('ageOn counts whole years, birthday on the day', () => {
  assert.equal(ageOn('1960-03-15', '2025-03-14'), 64);
  assert.equal(ageOn('1960-03-15', '2025-03-15'), 65);
  assert.equal(ageOn('2020-02-29', '2021-02-28'), 0);
  assert.equal(ageOn('2020-02-29', '2021-03-01'), 1);
});

test('priorityGroupsOf derives age groups and takes conditions', () => {
  assert.deepEqual(priorityGroupsOf('1950-01-01', ['hypertension', 'diabetes'], '2025-06-01'), ['elderly_65', 'hypertension', 'diabetes']);
  assert.deepEqual(priorityGroupsOf('2019-06-02', [], '2025-06-01'), ['child_0_6']);
  assert.deepEqual(priorityGroupsOf('2018-06-01', [], '2025-06-01'), []); // turned 7 today
  assert.deepEqual(priorityGroupsOf('1990-01-01', ['pregnant', 'unknown_tag'], '2025-06-01'), ['pregnant']);
});
