// The statutory catalogue and the card rules, table by table (expected values written by hand from the law and the 2015 reporting norm).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { caseClassOf, countdown, DISEASES, dueAt, findDuplicate, missingFields, mayRevise, notifiableDisease, onTime, reportLimitHours, REVIEWS, type CardKey } from './rules.ts';

test('the catalogue holds the 41 statutory diseases: 2 of class A, 28 of class B, 11 of class C', () => {
  const groups = new Map<string, string>();
  for (const d of DISEASES) groups.set(d.group, d.class);
  assert.equal(groups.size, 41);
  const by = (c: string) => [...groups.values()].filter((x) => x === c).length;
  assert.deepEqual([by('A'), by('B'), by('C')], [2, 28, 11]);
  assert.deepEqual(DISEASES.filter((d) => d.managedAsA).map((d) => d.code).sort(), ['anthrax_pulmonary', 'sars']);
  // no code reported as two diseases
  const seen = new Map<string, string>();
  for (const d of DISEASES) for (const c of d.icd10) { assert.ok(!seen.has(c), `${c} in ${seen.get(c)} and ${d.code}`); seen.set(c, d.code); }
});

test('which diagnosis codes are notifiable, as which disease, with which limit', () => {
  const rows: [string, string | null, number | null][] = [
    ['A00', 'cholera', 2], ['A00.1', 'cholera', 2], ['A20.0', 'plague', 2], ['U04', 'sars', 2], ['U04.9', 'sars', 2],
    ['A22.1', 'anthrax_pulmonary', 2], ['A22.0', 'anthrax', 24], ['A22', 'anthrax', 24],
    ['A15.0', 'tuberculosis', 24], ['A16', 'tuberculosis', 24], ['A19', 'tuberculosis', 24], ['A17.0', null, null],
    ['B17.1', 'hepatitis_c', 24], ['B17.2', 'hepatitis_e', 24], ['B17.8', 'hepatitis_other', 24], ['B18.1', 'hepatitis_b', 24], ['B15', 'hepatitis_a', 24],
    ['B08.4', 'hfmd', 24], ['B08', null, null], ['B08.5', null, null], ['A09', 'other_infectious_diarrhoea', 24], ['A01.0', 'typhoid', 24], ['A01.4', 'typhoid', 24],
    ['J10', 'influenza', 24], ['J11.1', 'influenza', 24], ['J09', 'hpai', 24], ['J06.9', null, null], ['R50.9', null, null], ['I10', null, null],
    ['A1', null, null], ['A150', null, null], ['a00', 'cholera', 2], ['U07.1', 'covid19', 24], ['B04', 'mpox', 24], ['A53.9', 'syphilis', 24], ['Z21', 'hiv_aids', 24],
  ];
  for (const [code, want, hours] of rows) {
    const d = notifiableDisease(code);
    assert.equal(d?.code ?? null, want, code);
    assert.equal(d ? reportLimitHours(d) : null, hours, code);
  }
});

test('due time, countdown and escalation in the last quarter, on-time submission', () => {
  const dx = new Date('2026-03-01T08:00:00+08:00');
  const a = { class: 'A' as const, managedAsA: false };
  const c = { class: 'C' as const, managedAsA: false };
  assert.equal(dueAt(dx, a).toISOString(), '2026-03-01T02:00:00.000Z');
  assert.equal(dueAt(dx, c).toISOString(), '2026-03-02T00:00:00.000Z');
  const due = dueAt(dx, a);
  const at = (m: number) => new Date(dx.getTime() + m * 60_000);
  assert.deepEqual(countdown(dx, due, at(0)), { state: 'on_time', minutesLeft: 120 });
  assert.deepEqual(countdown(dx, due, at(89)), { state: 'on_time', minutesLeft: 31 });
  assert.deepEqual(countdown(dx, due, at(90)), { state: 'due_soon', minutesLeft: 30 });
  assert.deepEqual(countdown(dx, due, at(120)), { state: 'due_soon', minutesLeft: 0 });
  assert.deepEqual(countdown(dx, due, at(121)), { state: 'overdue', minutesLeft: -1 });
  assert.equal(onTime(at(120), due), true);
  assert.equal(onTime(at(120.1), due), false);
});

test('duplicates: same person, same statutory disease, within 30 days, live cards only', () => {
  const base: CardKey = { id: 'new', residentId: 'r1', disease: 'measles', diagnosedOn: '2026-03-31', status: 'draft', caseClass: 'confirmed' };
  const o = (x: Partial<CardKey>): CardKey => ({ ...base, id: 'old', diagnosedOn: '2026-03-01', status: 'accepted', ...x });
  const rows: [CardKey[], string | null][] = [
    [[o({})], 'old'], // 30 days: within
    [[o({ diagnosedOn: '2026-02-28' })], null], // 31 days
    [[o({ residentId: 'r2' })], null],
    [[o({ disease: 'rubella' })], null],
    [[o({ status: 'deleted' })], null], [[o({ status: 'duplicate' })], null], [[o({ caseClass: 'excluded' })], null],
    [[o({ status: 'submitted' })], 'old'],
    [[o({ id: 'b', diagnosedOn: '2026-03-20' }), o({ id: 'a', diagnosedOn: '2026-03-10' })], 'a'], // the earliest
  ];
  for (const [others, want] of rows) assert.equal(findDuplicate(base, others)?.id ?? null, want, JSON.stringify(others));
  // hepatitis B is reported once per person, any interval; viral hepatitis is told apart by type; anthrax's forms are one disease
  const hb: CardKey = { ...base, disease: 'hepatitis_b' };
  assert.equal(findDuplicate(hb, [o({ disease: 'hepatitis_b', diagnosedOn: '2019-01-01' })])?.id, 'old');
  assert.equal(findDuplicate(hb, [o({ disease: 'hepatitis_a', diagnosedOn: '2019-01-01' })]), null);
  assert.equal(findDuplicate(hb, [o({ disease: 'hepatitis_a', diagnosedOn: '2026-03-30' })]), null);
  assert.equal(findDuplicate({ ...base, disease: 'anthrax_pulmonary' }, [o({ disease: 'anthrax' })])?.id, 'old');
});

test('case revisions suspected → clinical/confirmed → excluded, never back', () => {
  assert.equal(caseClassOf(false), 'suspected');
  assert.equal(caseClassOf(true), 'confirmed');
  assert.equal(caseClassOf(null), 'confirmed');
  const rows: [Parameters<typeof mayRevise>[0], Parameters<typeof mayRevise>[1], boolean][] = [
    ['suspected', 'confirmed', true], ['suspected', 'excluded', true], ['suspected', 'clinical', true], ['clinical', 'confirmed', true],
    ['confirmed', 'excluded', true], ['confirmed', 'suspected', false], ['excluded', 'confirmed', false], ['excluded', 'suspected', false], ['clinical', 'suspected', false],
  ];
  for (const [a, b, want] of rows) assert.equal(mayRevise(a, b), want, `${a}→${b}`);
});

test('review actions by status, and the card fields still missing', () => {
  assert.deepEqual(REVIEWS.submitted, ['accept', 'return', 'duplicate', 'delete']);
  assert.deepEqual(REVIEWS.draft, []);
  assert.deepEqual(REVIEWS.accepted, ['duplicate', 'delete']);
  const full = { patientName: '张三', idNumber: '371003199001011234', sex: 'M', birthDate: '1990-01-01', address: '某村', addressCode: '371003100201', residence: 'this_county', occupation: 'farmer', caseClass: 'confirmed', onsetDate: '2026-03-01', diagnosedAt: '2026-03-02T08:00', disease: 'measles', reportingFacility: '某院', reportingDoctor: '李医生', reportedOn: '2026-03-02' };
  assert.deepEqual(missingFields(full), []);
  assert.deepEqual(missingFields({ ...full, occupation: ' ', onsetDate: null }), ['occupation', 'onsetDate']);
});

test('signal response transitions and CIDARS responsiveness figures', async () => {
  const { SIGNAL_ACTIONS, responsiveness } = await import('./rules.ts');
  assert.equal(SIGNAL_ACTIONS.open.exclude, 'excluded');
  assert.equal(SIGNAL_ACTIONS.open.investigate, 'investigating');
  assert.equal(SIGNAL_ACTIONS.open.confirm, undefined); // verify first
  assert.equal(SIGNAL_ACTIONS.investigating.confirm, 'confirmed');
  assert.equal(SIGNAL_ACTIONS.excluded.investigate, undefined);
  const h = (x: number) => new Date(Date.UTC(2026, 0, 1) + x * 3_600_000);
  // four signals: responded after 1 h, 3 h, 30 h (late), one never: responded 3/4, in time 2/4, median of 1, 3, 30 = 3
  const xs = [{ createdAt: h(0), respondedAt: h(1), dueAt: h(24) }, { createdAt: h(0), respondedAt: h(3), dueAt: h(24) }, { createdAt: h(0), respondedAt: h(30), dueAt: h(24) }, { createdAt: h(0), respondedAt: null, dueAt: h(24) }];
  assert.deepEqual(responsiveness(xs), { signals: 4, responded: 3, respondedShare: 0.75, inTimeShare: 0.5, medianHours: 3 });
  assert.deepEqual(responsiveness(xs.slice(0, 2)).medianHours, 2);
  assert.deepEqual(responsiveness([]), { signals: 0, responded: 0, respondedShare: null, inTimeShare: null, medianHours: null });
});
