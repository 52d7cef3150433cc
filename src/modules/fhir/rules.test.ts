// The FHIR face's pure rules, table by table (expected values worked out by hand).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dateBounds, dateMatches, idTypeOfSystem, instantOf, nameOf, parseDateParam, parseReference, parseToken, sexOfGender } from './rules.ts';
import { allows, isSystemScope, parseSmartScope, scopeCovers } from '../auth/scopes.ts';

test('date parameters: precision as an interval, Shanghai days without a zone, prefixes', () => {
  const cases: [string, ReturnType<typeof parseDateParam>][] = [
    ['2026-11-02', { prefix: 'eq', start: '2026-11-01T16:00:00.000Z', end: '2026-11-02T16:00:00.000Z' }],
    ['ge2026-11', { prefix: 'ge', start: '2026-10-31T16:00:00.000Z', end: '2026-11-30T16:00:00.000Z' }],
    ['lt2026', { prefix: 'lt', start: '2025-12-31T16:00:00.000Z', end: '2026-12-31T16:00:00.000Z' }],
    ['gt2026-11-02T08:30Z', { prefix: 'gt', start: '2026-11-02T08:30:00.000Z', end: '2026-11-02T08:31:00.000Z' }],
    ['le2026-11-02T08:30:15+08:00', { prefix: 'le', start: '2026-11-02T00:30:15.000Z', end: '2026-11-02T00:30:16.000Z' }],
    ['2026-12', { prefix: 'eq', start: '2026-11-30T16:00:00.000Z', end: '2026-12-31T16:00:00.000Z' }],
    ['2026-13-01', null], ['yesterday', null], ['xx2026', null], ['2026-11-02T25:00', null],
  ];
  for (const [v, want] of cases) assert.deepEqual(parseDateParam(v), want, v);
});

test('date matching and the SQL bounds of several parameters', () => {
  const p = (v: string) => parseDateParam(v)!;
  const at = '2026-11-02T02:00:00.000Z'; // 10:00 on 2 November in Shanghai
  const cases: [string, boolean][] = [['2026-11-02', true], ['2026-11-01', false], ['ge2026-11-02', true], ['gt2026-11-02', false], ['gt2026-11-01', true], ['lt2026-11-03', true], ['lt2026-11-02', false], ['le2026-11-02', true], ['ne2026-11-02', false], ['sa2026-11-01', true], ['eb2026-11-02', false]];
  for (const [v, want] of cases) assert.equal(dateMatches(at, p(v)), want, v);
  assert.deepEqual(dateBounds([p('ge2026-11-02'), p('lt2026-11-05')]), { from: '2026-11-01T16:00:00.000Z', to: '2026-11-04T16:00:00.000Z' });
  assert.deepEqual(dateBounds([p('gt2026-11-02'), p('le2026-11-02')]), { from: '2026-11-02T16:00:00.000Z', to: '2026-11-02T16:00:00.000Z' });
  assert.deepEqual(dateBounds([]), { from: null, to: null });
});

test('tokens, references, identifier systems, names and genders', () => {
  assert.deepEqual(parseToken('http://loinc.org|8480-6'), { system: 'http://loinc.org', code: '8480-6' });
  assert.deepEqual(parseToken('|8480-6'), { system: '', code: '8480-6' });
  assert.deepEqual(parseToken('8480-6'), { system: null, code: '8480-6' });
  assert.deepEqual(parseToken('urn:x|'), { system: 'urn:x', code: null });
  assert.deepEqual(parseReference('Patient/abc-1'), { type: 'Patient', id: 'abc-1' });
  assert.deepEqual(parseReference('http://h/fhir/R4/Encounter/e1/_history/2', 'http://h/fhir/R4'), { type: 'Encounter', id: 'e1' });
  assert.equal(parseReference('urn:uuid:1234'), null);
  assert.equal(parseReference('patient/1'), null);
  assert.equal(idTypeOfSystem('urn:oid:2.16.156.10011.1.3'), 'resident_id');
  assert.equal(idTypeOfSystem('urn:oid:2.16.156.10011.1.13'), 'medical_record');
  assert.equal(idTypeOfSystem('urn:oid:1.2.36.146.595.217.0.1'), null);
  assert.equal(nameOf({ family: '张', given: ['三'] }), '张三');
  assert.equal(nameOf({ family: 'Chalmers', given: ['Peter', 'James'] }), 'Peter James Chalmers');
  assert.equal(nameOf({ text: ' 李四 ', family: 'x' }), '李四');
  assert.equal(nameOf({}), null);
  assert.deepEqual(['male', 'female', 'other', 'unknown', undefined].map(sexOfGender), ['M', 'F', null, null, null]);
});

test('SMART scopes: what a system may hold, and what covers what', () => {
  assert.deepEqual(parseSmartScope('system/Observation.write'), { context: 'system', type: 'Observation', permission: 'write' });
  assert.equal(parseSmartScope('system/observation.write'), null);
  assert.deepEqual(['records:write', 'system/*.read', 'system/Patient.*', 'patient/*.read', 'user/Observation.read', 'admin'].map(isSystemScope), [true, true, true, false, false, false]);
  const covers: [string, string, boolean][] = [
    ['system/*.*', 'system/Observation.write', true], ['system/*.read', 'system/Patient.read', true], ['system/*.read', 'system/Patient.write', false],
    ['system/Patient.*', 'system/Patient.read', true], ['system/Patient.*', 'system/Observation.read', false], ['system/Observation.read', 'system/*.read', false],
    ['records:write', 'records:write', true], ['patient/*.read', 'system/Patient.read', false],
  ];
  for (const [g, a, want] of covers) assert.equal(scopeCovers(g, a), want, `${g} ⊇ ${a}`);
  assert.equal(allows(['system/Encounter.write', 'system/*.read'], 'system', 'Encounter', 'read'), true);
  assert.equal(allows(['system/Encounter.write'], 'system', 'Observation', 'write'), false);
});

test('the instant stored for a dateTime: as sent with a time, 00:00 Shanghai for a date, nothing for less', () => {
  const cases: [string | undefined, string | null][] = [
    ['2026-11-02T09:30:00+08:00', '2026-11-02T01:30:00.000Z'], ['2026-11-02', '2026-11-01T16:00:00.000Z'], ['2026-11', null], ['2026', null], [undefined, null], ['2026-11-02T9:30', null],
  ];
  for (const [v, want] of cases) assert.equal(instantOf(v), want, String(v));
});
