// The elderly programme's rules, table-tested with outputs worked by hand from the norm's
// 老年人生活自理能力评估表 and WS/T 428-2013 (see data/publichealth/README.md).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ageOn } from '../registry/rules.ts';
import { annualStatus, bmiBand, bmiOf, elderlyFormProblems, isElderly, managementRate, missingItems, selfCareBand, selfCareScore, waistBand, type ElderlyFormIn } from './elderly.ts';

const zero = { eating: 0, grooming: 0, dressing: 0, toileting: 0, activity: 0 };
const full: ElderlyFormIn = {
  serviceDate: '2026-05-10', selfCare: zero, temperature: 36.5, pulse: 72, respiration: 18, systolicLeft: 138, diastolicLeft: 84,
  heightCm: 165, weightKg: 66, waistCm: 88, haemoglobin: 130, wbc: 6.1, platelets: 210, fastingGlucose: 5.6, alt: 22, ast: 25,
  totalBilirubin: 12, creatinine: 80, urea: 5.2, totalCholesterol: 5.1, triglycerides: 1.4, ldl: 3.0, hdl: 1.2,
  urineProtein: '-', urineGlucose: '-', ecg: 'normal', ultrasound: 'abnormal', ultrasoundText: '脂肪肝', guidance: ['regular-follow-up'],
  symptoms: ['none'], healthSelfRating: 'fairly_satisfied', cognition: 'negative', emotion: 'negative',
  exerciseFrequency: 'daily', exerciseMinutes: 40, exerciseYears: 10, diet: ['balanced'], smoking: 'current', cigarettesPerDay: 10, drinking: 'never',
  lips: 'ruddy', dentition: 'dentures', pharynx: 'normal', visionLeft: 0.8, visionRight: 1.0, hearing: 'heard', motor: 'able',
  skin: 'normal', lymphNodes: 'none', breathSounds: 'normal', rales: 'none', heartRate: 72, heartRhythm: 'regular', murmur: 'none', abdomen: 'normal', oedema: 'none',
  evaluation: 'abnormal', evaluationText: '脂肪肝', riskFactors: ['quit_smoking', 'weight_loss'], targetWeightKg: 62,
};

describe('who is in it', () => {
  test('65 on the birthday, not the day before; 29 February births', () => {
    const cases: [string, string, number, boolean][] = [
      ['1961-12-03', '2026-12-03', 65, true], ['1961-12-04', '2026-12-03', 64, false], ['1930-01-01', '2026-12-03', 96, true],
      ['1960-02-29', '2025-02-28', 64, false], ['1960-02-29', '2025-03-01', 65, true],
    ];
    for (const [b, d, age, inIt] of cases) { assert.equal(ageOn(b, d), age, `${b} on ${d}`); assert.equal(isElderly(b, d), inIt, `${b} on ${d}`); }
  });
});

describe('self-care score (老年人生活自理能力评估表)', () => {
  test('bands at their edges: 0–3, 4–8, 9–18, ≥19', () => {
    const cases: [number, string][] = [[0, 'independent'], [3, 'independent'], [4, 'mild'], [8, 'mild'], [9, 'moderate'], [18, 'moderate'], [19, 'unable'], [37, 'unable']];
    for (const [t, b] of cases) assert.equal(selfCareBand(t), b, String(t));
  });
  test('totals of answered tables', () => {
    const cases: [Record<string, number>, number, string][] = [
      [zero, 0, 'independent'],
      [{ eating: 0, grooming: 1, dressing: 0, toileting: 1, activity: 1 }, 3, 'independent'], // every item at 轻度依赖
      [{ eating: 0, grooming: 3, dressing: 0, toileting: 1, activity: 0 }, 4, 'mild'],
      [{ eating: 3, grooming: 3, dressing: 3, toileting: 5, activity: 5 }, 19, 'unable'], // every item at 中度依赖
      [{ eating: 3, grooming: 3, dressing: 0, toileting: 1, activity: 1 }, 8, 'mild'],
      [{ eating: 0, grooming: 3, dressing: 0, toileting: 5, activity: 1 }, 9, 'moderate'],
      [{ eating: 5, grooming: 7, dressing: 5, toileting: 10, activity: 10 }, 37, 'unable'],
    ];
    for (const [a, t, b] of cases) assert.deepEqual(selfCareScore(a as typeof zero), { total: t, band: b }, JSON.stringify(a));
  });
});

describe('BMI and waist (WS/T 428-2013)', () => {
  test('BMI to one decimal and its band', () => {
    const cases: [number, number, number, string][] = [
      [66, 165, 24.2, 'overweight'], [50, 165, 18.4, 'underweight'], [50.5, 165, 18.5, 'normal'], [65, 165, 23.9, 'normal'], [76.3, 165, 28.0, 'obese'], [60, 170, 20.8, 'normal'],
    ];
    for (const [w, h, bmi, band] of cases) { assert.equal(bmiOf(w, h), bmi, `${w}/${h}`); assert.equal(bmiBand(bmi), band, String(bmi)); }
  });
  test('waist by sex', () => {
    const cases: [number, 'M' | 'F', string][] = [[84.9, 'M', 'normal'], [85, 'M', 'pre-central-obesity'], [90, 'M', 'central-obesity'], [79.9, 'F', 'normal'], [80, 'F', 'pre-central-obesity'], [85, 'F', 'central-obesity']];
    for (const [w, s, b] of cases) assert.equal(waistBand(w, s), b, `${w} ${s}`);
  });
});

describe('the form', () => {
  test('a complete form has no problems and no missing item', () => {
    assert.deepEqual(elderlyFormProblems(full, '2026-12-03'), []);
    assert.deepEqual(missingItems(full), []);
  });
  test('each out-of-range or inconsistent value is refused naming its field', () => {
    const cases: [Partial<ElderlyFormIn>, string[]][] = [
      [{ systolicLeft: 300 }, ['systolicLeft']],
      [{ diastolicLeft: 140 }, ['diastolicLeft']], // above the systolic 138
      [{ weightKg: 0 }, ['weightKg']],
      [{ pulse: 72.5 }, ['pulse']],
      [{ waistCm: 250 }, ['waistCm']],
      [{ fastingGlucose: 55 }, ['fastingGlucose']],
      [{ ldl: 6 }, ['ldl']],
      [{ selfCare: { ...zero, grooming: 2 } }, ['selfCare.grooming']],
      [{ selfCare: { ...zero, eating: undefined } as unknown as typeof zero }, ['selfCare.eating']], // not scored
      [{ selfCare: { ...zero, eating: 1, activity: 7 } }, ['selfCare.eating', 'selfCare.activity']],
      [{ urineProtein: '+++++' }, ['urineProtein']],
      [{ ecgText: '房颤' }, ['ecgText']],
      [{ systolicRight: 130 }, ['diastolicRight']],
      [{ serviceDate: '2026-12-04' }, ['serviceDate']],
      [{ guidance: ['sing'] }, ['guidance']],
      // the 健康体检表's other parts
      [{ symptoms: ['none', 'headache'] }, ['symptoms']],
      [{ symptoms: ['headache', 'headache'] }, ['symptoms']],
      [{ symptomsOther: '腰痛' }, ['symptomsOther']], // 其他 not ticked
      [{ healthSelfRating: 'happy' }, ['healthSelfRating']],
      [{ cognition: 'positive' }, ['mmse']], // a positive screen without its MMSE total
      [{ cognition: 'positive', mmse: 31 }, ['mmse']],
      [{ mmse: 24 }, ['mmse']], // an MMSE total beside a negative screen
      [{ emotion: 'positive', gds: 12 }, []],
      [{ smoking: 'never' }, ['cigarettesPerDay']], // cigarettes a day beside 从不吸烟
      [{ cigarettesPerDay: null }, ['cigarettesPerDay']], // a current smoker without them
      [{ drinking: 'daily' }, ['alcoholLiang']],
      [{ drinking: 'daily', alcoholLiang: 2 }, []],
      [{ exerciseFrequency: 'none' }, ['exerciseMinutes', 'exerciseYears']],
      [{ diet: ['balanced', 'mostly_meat'] }, ['diet']],
      [{ diet: ['mostly_vegetarian', 'salty', 'oily'] }, []],
      [{ visionLeft: 5.0 }, ['visionLeft']], // the five-grade notation is not the form's decimal one
      [{ heartRate: 250 }, ['heartRate']],
      [{ heartRhythm: 'fast' }, ['heartRhythm']],
      [{ evaluation: 'normal' }, ['evaluationText']], // an abnormality written beside 体检无异常
      [{ evaluationText: '' }, ['evaluationText']], // 有异常 with nothing named
      [{ riskFactors: ['quit_smoking'] }, ['targetWeightKg']], // a target without 减体重
      [{ riskFactors: ['weight_loss'], targetWeightKg: null }, ['targetWeightKg']],
    ];
    for (const [patch, paths] of cases) assert.deepEqual(elderlyFormProblems({ ...full, ...patch } as ElderlyFormIn, '2026-12-03').map((p) => p.path), paths, JSON.stringify(patch));
    const [p] = elderlyFormProblems({ ...full, systolicLeft: 300 }, '2026-12-03');
    assert.match(p.problem, /左侧收缩压/); assert.match(p.problem, /systolic/);
  });
  test('missing items are listed (recorded, not counted as managed)', () => {
    assert.deepEqual(missingItems({ ...full, ecg: null, hdl: null, guidance: [] }), ['hdl', 'ecg', 'guidance']);
    assert.deepEqual(missingItems({ ...full, symptoms: [], cognition: null, visionRight: null, oedema: null, evaluation: null, evaluationText: null }), ['symptoms', 'cognition', 'visionRight', 'oedema', 'evaluation']);
    // the follow-on numbers are not items of their own: a non-smoker's form is complete without cigarettes a day
    assert.deepEqual(missingItems({ ...full, smoking: 'never', cigarettesPerDay: null, riskFactors: [], targetWeightKg: null }), []);
  });
});

describe('annual status and the rate', () => {
  test('done in the year, due before October, overdue from 1 October', () => {
    const cases: [string[], string, string, string | null][] = [
      [[], '2026-03-01', 'due', null], [[], '2026-09-30', 'due', null], [[], '2026-10-01', 'overdue', null],
      [['2025-11-02'], '2026-11-01', 'overdue', null], [['2025-11-02', '2026-04-10'], '2026-11-01', 'done', '2026-04-10'],
      [['2026-04-10'], '2026-04-09', 'due', null],
    ];
    for (const [served, day, status, on] of cases) assert.deepEqual(annualStatus(served, day), { year: Number(day.slice(0, 4)), status, servedOn: on }, `${served} ${day}`);
  });
  test('老年人健康管理率', () => {
    assert.equal(managementRate(67, 100), 67);
    assert.equal(managementRate(2, 3), 66.7);
    assert.equal(managementRate(0, 12), 0);
    assert.equal(managementRate(0, 0), null);
  });
});
