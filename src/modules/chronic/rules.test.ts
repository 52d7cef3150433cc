// Every rule of the norm, each threshold on both sides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyVisit, controlRate, DEFAULT_CONFIG, managementRate, periodRange, programmeOfIcd10, requiredFollowUps, screeningStatus, standardManagementRate, SYMPTOMS, type PreviousVisit, type Symptom, type VisitClass, type VisitInput } from './rules.ts';
import { addDays } from '../../shared/time.ts';

const D = '2026-03-01';
const htn = (x: Partial<VisitInput>): VisitInput => ({ programme: 'hypertension', visitDate: D, ageYears: 50, sbp: 130, dbp: 80, heartRate: 72, ...x });
/** The previous follow-up, a month before D. */
const earlier = (visitClass: VisitClass, visitDate = '2026-02-01'): PreviousVisit => ({ visitClass, visitDate });
const dm = (x: Partial<VisitInput>): VisitInput => ({ programme: 'diabetes', visitDate: D, ageYears: 50, fastingGlucose: 6.0, heartRate: 72, ...x });

test('hypertension class by BP, both sides of each threshold, and the age-65 target', () => {
  const rows: [Partial<VisitInput>, VisitClass][] = [
    [{ sbp: 139, dbp: 89 }, 'controlled'], [{ sbp: 140, dbp: 80 }, 'uncontrolled'], [{ sbp: 120, dbp: 90 }, 'uncontrolled'],
    [{ ageYears: 64, sbp: 145, dbp: 80 }, 'uncontrolled'], [{ ageYears: 65, sbp: 145, dbp: 80 }, 'controlled'],
    [{ ageYears: 65, sbp: 149, dbp: 89 }, 'controlled'], [{ ageYears: 65, sbp: 150, dbp: 80 }, 'uncontrolled'], [{ ageYears: 80, sbp: 140, dbp: 90 }, 'uncontrolled'],
    [{ sbp: 130, dbp: 80, adverseReaction: true }, 'adverse_reaction'], [{ sbp: 150, dbp: 95, adverseReaction: true }, 'adverse_reaction'],
    [{ sbp: 130, dbp: 80, newComplication: true }, 'complication'], [{ sbp: 130, dbp: 80, complicationWorse: true, adverseReaction: true }, 'complication'],
    [{ sbp: null, dbp: null }, 'uncontrolled'],
  ];
  for (const [x, want] of rows) assert.equal(classifyVisit(htn(x), null).class, want, JSON.stringify(x));
});

test('diabetes class by fasting glucose: 6.9 controlled, 7.0 not', () => {
  assert.equal(classifyVisit(dm({ fastingGlucose: 6.9 }), null).class, 'controlled');
  assert.equal(classifyVisit(dm({ fastingGlucose: 7.0 }), null).class, 'uncontrolled');
  assert.equal(classifyVisit(dm({ fastingGlucose: null }), null).class, 'uncontrolled');
});

test('emergency values prompt an urgent referral, each on both sides', () => {
  const rows: [VisitInput, boolean][] = [
    [htn({ sbp: 179, dbp: 109 }), false], [htn({ sbp: 180, dbp: 100 }), true], [htn({ sbp: 170, dbp: 110 }), true],
    [htn({ heartRate: 100 }), false], [htn({ heartRate: 101 }), true], [htn({ heartRate: 56 }), false], [htn({ heartRate: 55 }), true],
    [htn({ symptoms: ['chest_tightness'] }), true], [htn({ symptoms: ['pregnancy_or_breastfeeding'] }), true],
    [dm({ fastingGlucose: 16.6 }), false], [dm({ fastingGlucose: 16.7 }), true], [dm({ fastingGlucose: 4.0 }), false], [dm({ fastingGlucose: 3.9 }), true],
    [dm({ temperature: 39 }), false], [dm({ temperature: 39.1 }), true], [dm({ sbp: 180, dbp: 90 }), true], [dm({ symptoms: ['ketotic_breath'] }), true],
    [dm({ heartRate: 50 }), false], // the low heart-rate sign is the hypertension list's, not diabetes'
  ];
  for (const [v, want] of rows) {
    const r = classifyVisit(v, null);
    assert.equal(r.emergency, want, JSON.stringify(v));
    if (want) {
      assert.deepEqual(r.referral, { urgency: 'urgent', reason: 'emergency' });
      assert.equal(r.nextVisitDate, addDays(D, 14), 'follow up within 2 weeks of the referral');
    }
  }
});

test('two consecutive uncontrolled visits, uncontrollable reactions and complications prompt an up-referral with the norm\'s reason', () => {
  assert.deepEqual(classifyVisit(htn({ sbp: 150 }), earlier('uncontrolled')).referral, { urgency: 'routine', reason: 'htn_uncontrolled_twice' });
  assert.equal(classifyVisit(htn({ sbp: 150 }), earlier('controlled')).referral, null, 'a first uncontrolled visit: adjust and revisit');
  assert.equal(classifyVisit(htn({ sbp: 150 }), earlier('adverse_reaction')).referral, null);
  assert.equal(classifyVisit(htn({ sbp: 130 }), earlier('uncontrolled')).referral, null, 'controlled now');
  assert.deepEqual(classifyVisit(dm({ fastingGlucose: 8 }), earlier('uncontrolled')).referral, { urgency: 'routine', reason: 'dm_uncontrolled_twice' });
  // the day before counts; a second uncontrolled reading the same day repeats the visit and refers nobody
  assert.deepEqual(classifyVisit(htn({ sbp: 150 }), earlier('uncontrolled', '2026-02-28')).referral, { urgency: 'routine', reason: 'htn_uncontrolled_twice' });
  assert.equal(classifyVisit(htn({ sbp: 150 }), earlier('uncontrolled', D)).referral, null, 'same day: not a consecutive visit');
  assert.equal(classifyVisit(dm({ fastingGlucose: 8 }), earlier('uncontrolled', D)).referral, null, 'same day (diabetes)');
  assert.deepEqual(classifyVisit(htn({ adverseReaction: true, adverseUncontrollable: true }), null).referral, { urgency: 'routine', reason: 'htn_adverse_uncontrollable' });
  assert.equal(classifyVisit(htn({ adverseReaction: true }), null).referral, null);
  assert.deepEqual(classifyVisit(htn({ newComplication: true }), null).referral, { urgency: 'routine', reason: 'htn_new_complication' });
  assert.deepEqual(classifyVisit(dm({ complicationWorse: true }), null).referral, { urgency: 'routine', reason: 'dm_complication_worse' });
});

test('next visit: 3 months when controlled, 2 weeks when not, 2 weeks after a referral', () => {
  assert.equal(classifyVisit(htn({}), null).nextVisitDate, '2026-05-30');
  assert.equal(classifyVisit(htn({ sbp: 150 }), null).nextVisitDate, '2026-03-15');
  assert.equal(classifyVisit(htn({ adverseReaction: true }), null).nextVisitDate, '2026-03-15');
  assert.equal(classifyVisit(htn({ sbp: 150 }), earlier('uncontrolled')).nextVisitDate, '2026-03-15');
  const cfg = { ...DEFAULT_CONFIG, routineIntervalDays: 60, elderlyBpTarget: { sbp: 140, dbp: 90 } };
  assert.equal(classifyVisit(htn({}), null, cfg).nextVisitDate, '2026-04-30', 'intervals are configuration');
  assert.equal(classifyVisit(htn({ ageYears: 70, sbp: 145 }), null, cfg).class, 'uncontrolled', 'the 65+ target is configuration');
});

test('screening: three high readings on different days → suspected', () => {
  const r = (date: string, sbp: number, dbp = 80) => ({ date, sbp, dbp });
  assert.equal(screeningStatus([r('2026-01-01', 120)]), 'none');
  assert.equal(screeningStatus([r('2026-01-01', 132)]), 'high_risk');
  assert.equal(screeningStatus([r('2026-01-01', 142)]), 'recheck');
  assert.equal(screeningStatus([r('2026-01-01', 142), r('2026-01-01', 150), r('2026-01-01', 145)]), 'recheck', 'same day counts once');
  assert.equal(screeningStatus([r('2026-01-01', 142), r('2026-01-05', 120, 92), r('2026-01-09', 141)]), 'suspected');
});

test('programme rates on a hand-built set', () => {
  const p = (...v: [VisitClass, boolean][]) => ({ visits: v.map(([c, on], i) => ({ date: addDays(D, i * 90), class: c, onTarget: on })) });
  const patients = [
    p(['controlled', true], ['controlled', true], ['uncontrolled', false], ['controlled', true]), // 4 visits, last on target
    p(['uncontrolled', false], ['uncontrolled', false], ['uncontrolled', false], ['uncontrolled', false], ['controlled', true]), // 5, on target
    p(['controlled', true], ['uncontrolled', false]), // 2, off target
    p(['controlled', true]), // 1, on target
  ];
  assert.equal(standardManagementRate(patients), 2 / 4);
  assert.equal(controlRate(patients), 3 / 4);
  assert.equal(managementRate(55, 1000, 0.275), 0.2);
  assert.equal(standardManagementRate([]), null);
});

test('every emergency symptom of the norm prompts an urgent referral, and a follow-up two weeks later', () => {
  for (const s of Object.keys(SYMPTOMS) as Symptom[]) {
    const r = classifyVisit(htn({ symptoms: [s] }), null);
    assert.deepEqual([r.emergency, r.referral, r.nextVisitDate], [true, { urgency: 'urgent', reason: 'emergency' }, addDays(D, 14)], s);
  }
});

test('after any up-referral the next follow-up is due within 2 weeks (configurable), not in 3 months', () => {
  const rows: [VisitInput, PreviousVisit | null, string][] = [
    [htn({ sbp: 150 }), earlier('uncontrolled'), 'htn_uncontrolled_twice'], [htn({ newComplication: true }), null, 'htn_new_complication'],
    [htn({ complicationWorse: true }), earlier('controlled'), 'htn_complication_worse'], [htn({ adverseReaction: true, adverseUncontrollable: true }), null, 'htn_adverse_uncontrollable'],
    [dm({ fastingGlucose: 7.5 }), earlier('uncontrolled'), 'dm_uncontrolled_twice'], [dm({ adverseReaction: true, adverseUncontrollable: true }), null, 'dm_adverse_uncontrollable'],
  ];
  for (const [v, prev, reason] of rows) {
    const r = classifyVisit(v, prev);
    assert.deepEqual([r.referral?.reason, r.nextVisitDate], [reason, '2026-03-15'], reason);
    assert.equal(classifyVisit(v, prev, { ...DEFAULT_CONFIG, postReferralDays: 10 }).nextVisitDate, '2026-03-11', `${reason}: the interval is configuration`);
  }
  // a controlled visit after a referral goes back to the routine 3 months
  assert.equal(classifyVisit(htn({}), earlier('uncontrolled')).nextVisitDate, '2026-05-30');
});

test('emergency thresholds are configuration', () => {
  const cfg = { ...DEFAULT_CONFIG, emergencyBp: { sbp: 170, dbp: 105 }, glucoseEmergency: { high: 15, low: 3.5 } };
  assert.equal(classifyVisit(htn({ sbp: 169, dbp: 80 }), null, cfg).emergency, false);
  assert.equal(classifyVisit(htn({ sbp: 170, dbp: 80 }), null, cfg).emergency, true);
  assert.equal(classifyVisit(htn({ sbp: 150, dbp: 105 }), null, cfg).emergency, true);
  assert.equal(classifyVisit(dm({ fastingGlucose: 15 }), null, cfg).emergency, true);
  assert.equal(classifyVisit(dm({ fastingGlucose: 3.6 }), null, cfg).emergency, false);
  assert.equal(classifyVisit(dm({ fastingGlucose: 3.5 }), null, cfg).emergency, true);
});

test('screening: both sides of 140/90 and of the high-risk 130/85', () => {
  const one = (sbp: number, dbp: number) => screeningStatus([{ date: '2026-01-01', sbp, dbp }]);
  const rows: [number, number, string][] = [[139, 89, 'high_risk'], [140, 70, 'recheck'], [120, 90, 'recheck'], [129, 84, 'none'], [130, 70, 'high_risk'], [120, 85, 'high_risk']];
  for (const [s, d, want] of rows) assert.equal(one(s, d), want, `${s}/${d}`);
  const r = (date: string, sbp: number) => ({ date, sbp, dbp: 80 });
  assert.equal(screeningStatus([r('2026-01-01', 142), r('2026-01-05', 150)]), 'recheck', 'two days: recheck');
  assert.equal(screeningStatus([r('2026-01-01', 142), r('2026-01-05', 150), r('2026-01-09', 139)]), 'recheck', 'the third reading below 140/90 does not count');
});

test('diagnoses that enrol: I10–I15 hypertension, E11 diabetes', () => {
  const rows: [string, string | null][] = [['I10', 'hypertension'], ['I11.9', 'hypertension'], ['I15.0', 'hypertension'], ['i13', 'hypertension'], ['I16', null], ['I09', null], ['I1', null],
    ['E11', 'diabetes'], ['E11.9', 'diabetes'], ['E10', null], ['E14', null], ['E110', null]];
  for (const [c, want] of rows) assert.equal(programmeOfIcd10(c), want, c);
});

test('periods: month, quarter, year, year to date', () => {
  assert.deepEqual(periodRange('month', '2026-02-10'), { from: '2026-02-01', to: '2026-02-28' });
  assert.deepEqual(periodRange('month', '2028-02-10'), { from: '2028-02-01', to: '2028-02-29' });
  assert.deepEqual(periodRange('quarter', '2026-05-31'), { from: '2026-04-01', to: '2026-06-30' });
  assert.deepEqual(periodRange('quarter', '2026-12-31'), { from: '2026-10-01', to: '2026-12-31' });
  assert.deepEqual(periodRange('year', '2026-07-04'), { from: '2026-01-01', to: '2026-12-31' });
  assert.deepEqual(periodRange('ytd', '2026-07-04'), { from: '2026-01-01', to: '2026-07-04' });
});

test('follow-ups the norm asks for in a period: one per quarter ending in it, at least one', () => {
  const rows: [string, string, number][] = [['2026-01-01', '2026-12-31', 4], ['2026-04-01', '2026-06-30', 1], ['2026-02-01', '2026-02-28', 1],
    ['2026-01-01', '2026-03-30', 1], ['2026-01-01', '2026-03-31', 1], ['2026-01-01', '2026-07-04', 2], ['2026-01-01', '2026-09-29', 2], ['2026-01-01', '2026-09-30', 3], ['2026-01-01', '2026-11-24', 3]];
  for (const [f, t, want] of rows) assert.equal(requiredFollowUps(f, t), want, `${f}..${t}`);
});

test('the norm-compliant rate is measurable only once two quarters have ended (before, it is 100% by construction)', async () => {
  const { standardMeasurable } = await import('./rules.ts');
  // [counted from, period end, measurable] — written from the rule: two quarter-ends (31 Mar, 30 Jun) by the end
  const rows: [string, string, boolean][] = [['2026-01-01', '2026-01-31', false], ['2026-01-01', '2026-03-31', false], ['2026-01-01', '2026-05-31', false],
    ['2026-01-01', '2026-06-29', false], ['2026-01-01', '2026-06-30', true], ['2026-01-01', '2026-07-31', true], ['2026-01-01', '2026-12-31', true], ['2026-04-01', '2026-09-30', true], ['2026-07-01', '2026-09-30', false]];
  for (const [f, t, want] of rows) assert.equal(standardMeasurable(f, t), want, `${f}..${t}`);
});

test('a period is counted to its end, or to today while it runs: the year so far asks only for the quarters over', async () => {
  const { countingOf } = await import('./rules.ts');
  // [period end, today, due by, follow-ups asked, measurable] — from the rule, before running it
  // [period end, today, due by, norm-compliance counted to, follow-ups asked, measurable] — from the rule, before running it
  const rows: [string, string, string, string, number, boolean][] = [
    ['2026-12-31', '2026-12-02', '2026-12-02', '2026-09-30', 3, true], // Q4 still running: counted to 30 Sep, three asked, not four
    ['2026-12-31', '2027-01-01', '2026-12-31', '2026-12-31', 4, true],
    ['2026-12-31', '2026-12-31', '2026-12-31', '2026-12-31', 4, true], // a quarter counts as ended from its last day
    ['2026-06-30', '2026-06-29', '2026-06-29', '2026-03-31', 1, false],
    ['2026-06-30', '2026-06-30', '2026-06-30', '2026-06-30', 2, true],
    ['2026-08-31', '2026-12-02', '2026-08-31', '2026-06-30', 2, true], // August: the rate as at 30 June
    ['2025-05-31', '2026-12-02', '2025-05-31', '2025-03-31', 1, false],
    ['2026-02-28', '2026-12-02', '2026-02-28', '2026-02-28', 1, false], // no quarter over yet
  ];
  for (const [to, today, dueBy, standardTo, n, m] of rows) {
    assert.deepEqual(countingOf(to, today), { countedFrom: `${to.slice(0, 4)}-01-01`, dueBy, standardTo, requiredFollowUps: n, standardMeasurable: m }, `${to} on ${today}`);
  }
});

test('programme rates count from 1 January of the year a period ends in', async () => {
  const { countedFrom } = await import('./rules.ts');
  assert.equal(countedFrom('2026-05-31'), '2026-01-01');
  assert.equal(countedFrom('2026-12-31'), '2026-01-01');
});
