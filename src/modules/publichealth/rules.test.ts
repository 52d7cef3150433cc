// The immunisation schedule's rules, table-tested with cases worked by hand from the schedule
// (data/publichealth/immunisation-schedule.json): a child on time, a child behind, doses too early
// or too close, a child starting at 2 years, the DTaP change of 2025 for children born before and after.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSpan, ageInMonths, childSchedule, doseCoverage, lotProblem, type GivenDose } from './rules.ts';
import { SCHEDULE_VERSIONS, versionOn } from './schedule.ts';

const h = (vaccine: string, givenOn: string): GivenDose => ({ vaccine, givenOn });
const line = (s: ReturnType<typeof childSchedule>, series: string, dose: number) => {
  const l = s.lines.find((x) => x.series === series && x.dose === dose);
  assert.ok(l, `${series} ${dose} listed`);
  return l;
};
const actionable = (s: ReturnType<typeof childSchedule>) => s.lines.filter((l) => l.status === 'due' || l.status === 'overdue').map((l) => `${l.series}${l.dose}:${l.status}`).sort();

describe('calendar spans', () => {
  test('months land on the same day, or the month\'s last', () => {
    const cases: [string, Parameters<typeof addSpan>[1], string][] = [
      ['2025-01-31', { months: 1 }, '2025-02-28'], ['2024-01-31', { months: 1 }, '2024-02-29'], ['2025-03-10', { months: 18 }, '2026-09-10'],
      ['2019-03-01', { years: 6 }, '2025-03-01'], ['2025-02-01', { days: 28 }, '2025-03-01'], ['2025-12-15', { months: 2 }, '2026-02-15'],
    ];
    for (const [d, s, want] of cases) assert.equal(addSpan(d, s), want, `${d} + ${JSON.stringify(s)}`);
    assert.equal(ageInMonths('2025-01-31', '2025-02-27'), 0);
    assert.equal(ageInMonths('2025-01-31', '2025-02-28'), 1);
    assert.equal(ageInMonths('2023-01-10', '2025-01-20'), 24);
  });
  test('the version in force: 2021 before 2025-01-01, the DTaP change from that day', () => {
    assert.deepEqual(SCHEDULE_VERSIONS.map((v) => v.id), ['nip-2021', 'nip-2025']);
    assert.equal(versionOn('2024-12-31').id, 'nip-2021');
    assert.equal(versionOn('2025-01-01').id, 'nip-2025');
    const dtp = (id: string) => SCHEDULE_VERSIONS.find((v) => v.id === id)!.series.find((s) => s.code === 'DTP')!.doses.map((d) => `${d.products[0]}@${d.age.months ?? `${d.age.years}y`}`);
    assert.deepEqual(dtp('nip-2021'), ['DTaP@3', 'DTaP@4', 'DTaP@5', 'DTaP@18', 'DT@6y']);
    assert.deepEqual(dtp('nip-2025'), ['DTaP@2', 'DTaP@4', 'DTaP@6', 'DTaP@18', 'DTaP@6y']);
    // Everything else is the 2021 edition unchanged.
    const others = (id: string) => JSON.stringify(SCHEDULE_VERSIONS.find((v) => v.id === id)!.series.filter((s) => s.code !== 'DTP'));
    assert.equal(others('nip-2025'), others('nip-2021'));
  });
});

describe('a child\'s schedule', () => {
  test('on time (born 2025-03-10, seen 2025-09-20): eleven doses counted, nothing due, the next ones dated', () => {
    const s = childSchedule('2025-03-10', [h('HepB', '2025-03-10'), h('BCG', '2025-03-11'), h('HepB', '2025-04-10'), h('IPV', '2025-05-10'), h('DTaP', '2025-05-12'), h('IPV', '2025-06-10'),
      h('DTaP', '2025-07-10'), h('bOPV', '2025-07-10'), h('HepB', '2025-09-10'), h('DTaP', '2025-09-10'), h('MPSV-A', '2025-09-12')], '2025-09-20');
    assert.equal(s.version, 'nip-2025');
    assert.equal(s.ageMonths, 6);
    assert.deepEqual(s.notCounted, []);
    assert.equal(s.lines.filter((l) => l.status === 'given').length, 11);
    assert.ok(s.lines.filter((l) => l.status === 'given').every((l) => l.timely), 'all on time');
    assert.deepEqual(actionable(s), []);
    const due = (series: string, dose: number) => { const l = line(s, series, dose); return `${l.status}:${l.dueOn}`; };
    assert.equal(due('MMR', 1), 'upcoming:2025-11-10');
    assert.equal(due('JE-L', 1), 'upcoming:2025-11-10');
    assert.equal(due('MenA', 2), 'upcoming:2025-12-12', '3 months after the first, later than 9 months of age');
    assert.equal(due('DTP', 4), 'upcoming:2026-09-10');
    assert.equal(due('HepA-L', 1), 'upcoming:2026-09-10');
    assert.equal(due('MenAC', 1), 'upcoming:2028-03-10');
    assert.equal(due('Polio', 4), 'upcoming:2029-03-10');
  });

  test('behind (born 2024-01-15, seen 2025-03-01, only HepB 1–2 and BCG): six doses overdue, the later ones after the catch-up', () => {
    const s = childSchedule('2024-01-15', [h('HepB', '2024-01-15'), h('BCG', '2024-01-16'), h('HepB', '2024-02-20')], '2025-03-01');
    assert.deepEqual(actionable(s), ['DTP1:overdue', 'HepB3:overdue', 'JE-L1:overdue', 'MMR1:overdue', 'MenA1:overdue', 'Polio1:overdue']);
    assert.equal(line(s, 'HepB', 3).dueOn, '2024-07-15');
    assert.equal(line(s, 'DTP', 1).scheduledOn, '2024-03-15', 'the 2025 version: 2 months');
    const planned = (series: string, dose: number) => { const l = line(s, series, dose); return `${l.status}:${l.dueOn}`; };
    // Only the unfinished doses, never a restart; each no sooner than 28 days after the one before it, counted from today.
    assert.equal(planned('Polio', 2), 'planned:2025-03-29');
    assert.equal(planned('Polio', 3), 'planned:2025-04-26');
    assert.equal(planned('DTP', 2), 'planned:2025-03-29');
    assert.equal(planned('DTP', 3), 'planned:2025-04-26');
    assert.equal(planned('DTP', 4), 'planned:2025-10-26', '6 months after the 3rd');
    assert.equal(planned('MenA', 2), 'planned:2025-06-01', '3 months after the 1st');
    assert.equal(planned('HepA-L', 1), 'upcoming:2025-07-15');
  });

  test('too early or too close: the dose is not counted, with why, and is owed again', () => {
    // HepB at 19 days is before the 2nd dose's age (1 month); IPV 2 at 3 months of age but 15 days after IPV 1.
    const s = childSchedule('2025-02-01', [h('HepB', '2025-02-01'), h('HepB', '2025-02-20'), h('DTaP', '2025-03-25'), h('IPV', '2025-04-20'), h('IPV', '2025-05-05')], '2025-06-15');
    assert.deepEqual(s.notCounted.map((x) => `${x.vaccine}@${x.givenOn}:${x.series}${x.dose}:${x.reason}`), [
      'HepB@2025-02-20:HepB2:too_early', 'DTaP@2025-03-25:DTP1:too_early', 'IPV@2025-05-05:Polio2:interval_short',
    ]);
    assert.equal(`${line(s, 'HepB', 2).status}:${line(s, 'HepB', 2).dueOn}`, 'overdue:2025-03-01');
    assert.equal(`${line(s, 'DTP', 1).status}:${line(s, 'DTP', 1).dueOn}`, 'overdue:2025-04-01');
    assert.equal(`${line(s, 'Polio', 2).status}:${line(s, 'Polio', 2).dueOn}`, 'overdue:2025-05-18', '28 days after IPV 1');
    // HepB 3: 60 days after a 2nd given today at the earliest (later than 6 months and than 4 months after the 1st)
    assert.equal(line(s, 'HepB', 3).dueOn, '2025-08-14');
  });

  test('two injected live vaccines less than 28 days apart: the later does not count and waits 28 days', () => {
    const s = childSchedule('2024-01-10', [h('MMR', '2024-09-10'), h('JE-L', '2024-09-24')], '2024-10-01');
    assert.deepEqual(s.notCounted.map((x) => `${x.vaccine}:${x.reason}`), ['JE-L:live_spacing']);
    assert.equal(`${line(s, 'JE-L', 1).status}:${line(s, 'JE-L', 1).dueOn}`, 'upcoming:2024-10-22');
    assert.equal(line(s, 'MMR', 1).status, 'given');
  });

  test('starting at 2 years with nothing: every first dose at once, the rest spaced, MPSV-A no longer given, BCG after a negative test', () => {
    const s = childSchedule('2023-01-10', [], '2025-01-20');
    assert.deepEqual(actionable(s), ['BCG1:overdue', 'DTP1:overdue', 'HepA-L1:overdue', 'HepB1:overdue', 'JE-L1:overdue', 'MMR1:overdue', 'Polio1:overdue']);
    assert.equal(line(s, 'BCG', 1).note, 'test_first');
    const d = (series: string, dose: number) => line(s, series, dose).dueOn;
    assert.equal(d('HepB', 2), '2025-02-17');
    assert.equal(d('HepB', 3), '2025-05-20', '4 months after a first dose given today');
    assert.equal(d('Polio', 3), '2025-03-17');
    assert.equal(d('Polio', 4), '2027-01-10');
    assert.equal(d('DTP', 4), '2025-09-17');
    assert.equal(d('DTP', 5), '2029-01-10');
    assert.equal(d('MMR', 2), '2025-02-17');
    assert.equal(d('JE-L', 2), '2026-01-20', '12 months after the 1st');
    assert.deepEqual([line(s, 'MenA', 1).status, line(s, 'MenA', 1).note, line(s, 'MenA', 2).status], ['no_catch_up', 'replaced_by_ac', 'no_catch_up']);
    assert.equal(`${line(s, 'MenAC', 1).status}:${d('MenAC', 1)}`, 'upcoming:2026-01-10');
  });

  test('born before the 2025 change: doses given under the 2021 version count by it', () => {
    // DTaP 3 at 5 months in 2024 (2021: 5 months) counts, though the 2025 version puts it at 6 months.
    const s = childSchedule('2024-06-01', [h('DTaP', '2024-09-01'), h('DTaP', '2024-10-01'), h('DTaP', '2024-11-01')], '2025-01-10');
    assert.deepEqual(s.lines.filter((l) => l.series === 'DTP' && l.status === 'given').map((l) => l.version), ['nip-2021', 'nip-2021', 'nip-2021']);
    assert.equal(line(s, 'DTP', 4).dueOn, '2025-12-01');
    // A DTaP at 2 months in December 2024 was too early under 2021 (3 months); owed again now, due under 2025.
    const t = childSchedule('2024-10-15', [h('DTaP', '2024-12-20')], '2025-01-10');
    assert.deepEqual(t.notCounted.map((x) => `${x.reason}:${x.version}`), ['too_early:nip-2021']);
    assert.equal(`${line(t, 'DTP', 1).status}:${line(t, 'DTP', 1).dueOn}`, 'due:2024-12-15');
  });

  test('born after: DTaP at 2 months counts; the 6-year dose is DTaP, and a DT given under 2021 stands for it', () => {
    const s = childSchedule('2024-11-01', [h('DTaP', '2025-01-01')], '2025-02-01');
    assert.equal(line(s, 'DTP', 1).status, 'given');
    assert.equal(`${line(s, 'DTP', 2).status}:${line(s, 'DTP', 2).dueOn}`, 'upcoming:2025-03-01');
    const four = [h('DTaP', '2019-06-01'), h('DTaP', '2019-07-01'), h('DTaP', '2019-08-01'), h('DTaP', '2020-09-01')];
    const six = childSchedule('2019-03-01', four, '2025-03-05');
    assert.deepEqual([line(six, 'DTP', 5).status, line(six, 'DTP', 5).vaccine, line(six, 'DTP', 5).dueOn, line(six, 'DTP', 5).note], ['due', 'DTaP', '2025-03-01', null]);
    const before = childSchedule('2019-03-01', four, '2024-12-31');
    assert.equal(line(before, 'DTP', 5).vaccine, 'DT', 'under 2021 the 6-year dose is DT');
    const dt = childSchedule('2018-05-01', [h('DTaP', '2018-08-01'), h('DTaP', '2018-09-01'), h('DTaP', '2018-10-01'), h('DTaP', '2019-11-01'), h('DT', '2024-05-10')], '2025-06-01');
    assert.deepEqual([line(dt, 'DTP', 5).status, line(dt, 'DTP', 5).version], ['given', 'nip-2021']);
    assert.equal(dt.lines.filter((l) => l.series === 'DTP' && l.status !== 'given').length, 0);
  });

  test('6 years and older behind on DTP: DT up to three doses (7 years: DT under 2025 too)', () => {
    const s = childSchedule('2018-01-01', [h('DTaP', '2018-04-01'), h('DTaP', '2018-05-01')], '2025-02-01');
    const rest = s.lines.filter((l) => l.series === 'DTP' && l.status !== 'given');
    assert.deepEqual(rest.map((l) => `${l.dose}:${l.vaccine}:${l.status}:${l.dueOn}:${l.note}`), ['3:DT:overdue:2024-01-01:dt_catch_up']);
  });

  test('BCG not given from 4 years; nothing owed from 18', () => {
    assert.deepEqual([line(childSchedule('2020-01-01', [], '2025-01-01'), 'BCG', 1).status, line(childSchedule('2020-01-01', [], '2025-01-01'), 'BCG', 1).note], ['no_catch_up', 'too_old']);
    assert.deepEqual(childSchedule('2006-01-01', [], '2025-01-01').lines, []);
  });

  test('on time: HepB 1 within 24 hours, the others within a month of their age', () => {
    const s = childSchedule('2025-01-01', [h('HepB', '2025-01-03'), h('BCG', '2025-01-20'), h('HepB', '2025-02-28'), h('HepB', '2025-08-01')], '2025-09-01');
    assert.deepEqual(s.lines.filter((l) => l.status === 'given').map((l) => `${l.series}${l.dose}:${l.timely}`), ['HepB1:false', 'HepB2:true', 'HepB3:false', 'BCG1:true']);
  });
});

describe('lots and coverage', () => {
  test('a lot refused when expired, empty or of another vaccine', () => {
    const lot = { vaccine: 'HepB', expiresOn: '2025-06-30', quantity: 3 };
    assert.equal(lotProblem(lot, 'HepB', '2025-06-30'), null, 'usable on its expiry day');
    assert.equal(lotProblem(lot, 'HepB', '2025-07-01'), 'lot_expired');
    assert.equal(lotProblem({ ...lot, quantity: 0 }, 'HepB', '2025-06-01'), 'lot_empty');
    assert.equal(lotProblem(lot, 'BCG', '2025-06-01'), 'lot_wrong_vaccine');
  });
  test('HepB 3 coverage and timeliness over four children on 2025-12-31', () => {
    const kids = [
      { birth: '2025-01-01', history: [h('HepB', '2025-01-01'), h('HepB', '2025-02-01'), h('HepB', '2025-07-01')] },
      { birth: '2025-02-01', history: [h('HepB', '2025-02-01'), h('HepB', '2025-03-01'), h('HepB', '2025-09-15')] },
      { birth: '2025-03-01', history: [h('HepB', '2025-03-01')] },
      { birth: '2025-08-01', history: [h('HepB', '2025-08-01')] },
    ];
    assert.deepEqual(doseCoverage(kids, 'HepB', 3, '2025-12-31'), { eligible: 3, given: 2, timely: 1, coverage: 66.7, timeliness: 33.3 });
  });
});
