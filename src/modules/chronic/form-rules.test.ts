// The national follow-up forms' own fields: each bound on both sides, and the rules between fields.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formProblems, type FormFieldsIn } from './rules.ts';

const V = '2026-03-01';
const paths = (f: Partial<FormFieldsIn>, programme: FormFieldsIn['programme'] = 'hypertension') => formProblems({ programme, visitDate: V, ...f }).map((p) => p.path);

test('each lifestyle and HbA1c bound: the limit passes, one step beyond is refused by name', () => {
  const cases: [keyof FormFieldsIn, number, number, number, 'hypertension' | 'diabetes'][] = [
    // field, lowest allowed, highest allowed, first refused above
    ['smokingNow', 0, 100, 101, 'hypertension'], ['smokingTarget', 0, 100, 101, 'hypertension'],
    ['drinkingNow', 0, 30, 30.5, 'hypertension'], ['drinkingTarget', 0, 30, 31, 'hypertension'],
    ['exerciseTimesNow', 0, 21, 22, 'hypertension'], ['exerciseTimesTarget', 0, 21, 22, 'diabetes'],
    ['exerciseMinutesNow', 0, 600, 601, 'hypertension'], ['exerciseMinutesTarget', 0, 600, 601, 'diabetes'],
    ['stapleNow', 0, 2000, 2001, 'diabetes'], ['stapleTarget', 0, 2000, 2001, 'diabetes'],
  ];
  for (const [k, lo, hi, over, prog] of cases) {
    assert.deepEqual(paths({ [k]: lo }, prog), [], `${k}=${lo}`);
    assert.deepEqual(paths({ [k]: hi }, prog), [], `${k}=${hi}`);
    assert.deepEqual(paths({ [k]: over }, prog), [k], `${k}=${over}`);
    assert.deepEqual(paths({ [k]: -1 }, prog), [k], `${k}=-1`);
  }
  assert.deepEqual(paths({ smokingNow: 2.5 }), ['smokingNow'], 'cigarettes are whole');
  assert.deepEqual(paths({ drinkingNow: 2.5 }), [], 'liquor may be half a liang');
  assert.deepEqual(paths({ hba1c: 3, hba1cDate: V }, 'diabetes'), []);
  assert.deepEqual(paths({ hba1c: 20, hba1cDate: V }, 'diabetes'), []);
  assert.deepEqual(paths({ hba1c: 2.9, hba1cDate: V }, 'diabetes'), ['hba1c']);
  assert.deepEqual(paths({ hba1c: 20.1, hba1cDate: V }, 'diabetes'), ['hba1c']);
});

test('the refusal names the field in English and Chinese', () => {
  const [p] = formProblems({ programme: 'hypertension', visitDate: V, smokingNow: 101 });
  assert.equal(p.problem, 'cigarettes per day must be between 0 and 100 / 日吸烟量（支/日）应在 0 至 100 之间');
});

test('medication lines: dose above 0 up to 5000, 1 to 6 times a day', () => {
  const line = (dose: number, timesPerDay: number) => ({ drug: '氨氯地平', dose, unit: 'mg', timesPerDay });
  assert.deepEqual(paths({ medications: [line(5, 1), line(5000, 6)] }), []);
  assert.deepEqual(paths({ medications: [line(5, 1), line(0, 7)] }), ['medications.1.dose', 'medications.1.timesPerDay']);
  assert.deepEqual(paths({ medications: [line(5, 0)] }), ['medications.0.timesPerDay']);
  assert.deepEqual(paths({ medications: [line(5, 1.5)] }), ['medications.0.timesPerDay']);
});

test('rules between fields', () => {
  assert.deepEqual(paths({ noSymptoms: true, symptoms: ['headache'] }), ['noSymptoms']);
  assert.deepEqual(paths({ noSymptoms: true, symptoms: [] }), []);
  assert.deepEqual(paths({ adverseReactionText: '干咳' }), ['adverseReactionText']);
  assert.deepEqual(paths({ adverseReaction: true, adverseReactionText: '干咳' }), []);
  // each form has its own fields
  assert.deepEqual(paths({ stapleNow: 250, pedisLeft: 'normal', hypoglycaemia: 'none' }), ['stapleNow', 'pedisLeft', 'hypoglycaemia']);
  assert.deepEqual(paths({ saltNow: 'heavy' }, 'diabetes'), ['saltNow']);
  assert.deepEqual(paths({ saltNow: 'heavy', saltTarget: 'light' }), []);
  // HbA1c with its date, not after the visit
  assert.deepEqual(paths({ hba1c: 7.2 }, 'diabetes'), ['hba1cDate']);
  assert.deepEqual(paths({ hba1c: 7.2, hba1cDate: '2026-03-02' }, 'diabetes'), ['hba1cDate']);
  assert.deepEqual(paths({ hba1c: 7.2, hba1cDate: '2026-01-15' }, 'diabetes'), []);
  // insulin: kind and dose together
  assert.deepEqual(paths({ insulinKind: '门冬胰岛素30' }, 'diabetes'), ['insulinDose']);
  assert.deepEqual(paths({ insulinDose: '早12U 晚10U' }, 'diabetes'), ['insulinKind']);
  assert.deepEqual(paths({ insulinKind: '门冬胰岛素30', insulinDose: '早12U 晚10U' }, 'diabetes'), []);
  // next visit: the visit day itself is allowed, the day before is not
  assert.deepEqual(paths({ nextVisitDate: V }), []);
  assert.deepEqual(paths({ nextVisitDate: '2026-02-28' }), ['nextVisitDate']);
});
