// The seeded demo county's vaccinations look like a real programme's: coverage of the early doses in
// the mid-90s, most on time, almost no dose that the rules refuse to count; each centre holds lots.
// Ranges, not exact numbers: the seed may change, its shape may not.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, type TestDb } from '../../../test/helpers/db.ts';
import { openSeededTestDb } from '../../../test/helpers/seeded.ts';
import { residentsBornBetween } from '../registry/residents.ts';
import { immunisationHistories } from '../records/service.ts';
import { addDays, today } from '../../shared/time.ts';
import { addSpan, childSchedule, coverageOf } from './rules.ts';
import { elderlyManagedByTownship } from './store.ts';

const within = (x: number | null, lo: number, hi: number, what: string) => assert.ok(x != null && x >= lo && x <= hi, `${what}: ${x} not in [${lo}, ${hi}]`);

for (const engine of ENGINES.slice(0, 1)) {
  describe(`the demo county's vaccinations [${engine}]`, () => {
    let t: TestDb;
    before(async () => {
      t = await openSeededTestDb(engine, { county: '371003', residents: 6000, seed: 11 });
    });
    after(() => t.close());

    test('coverage in the mid-90s for the early doses, mostly on time; doses not counted under 1%', async (ctx) => {
      const day = today();
      const kids = await residentsBornBetween(t.db, '371003', addDays(addSpan(day, { years: -7 }), 1), day);
      assert.ok(kids.length > 100, `children under 7: ${kids.length}`);
      const h = await immunisationHistories(t.db, kids.map((k) => k.id));
      const cohort = kids.map((k) => ({ birth: k.birthDate, history: h.get(k.id) ?? [] }));
      const cov = coverageOf(cohort, day);
      const of = (series: string, dose: number) => cov.find((c) => c.series === series && c.dose === dose)!;
      for (const [s, d] of [['HepB', 1], ['BCG', 1], ['HepB', 3], ['Polio', 3], ['DTP', 3], ['MMR', 1]] as const) within(of(s, d).coverage, 88, 99.5, `${s}${d} coverage`);
      within(of('HepB', 1).timeliness, 85, 99.5, 'HepB1 within 24 hours');
      within(of('MMR', 1).timeliness, 70, 95, 'MMR1 on time');
      const given = cohort.reduce((n, c) => n + c.history.length, 0);
      const refused = cohort.reduce((n, c) => n + childSchedule(c.birth, c.history, day).notCounted.length, 0);
      assert.ok(refused / given < 0.01, `${refused} of ${given} doses not counted`);
      ctx.diagnostic(`${kids.length} children, ${given} doses, ${refused} not counted; ${cov.map((c) => `${c.series}${c.dose} ${c.coverage}/${c.timeliness}`).join(', ')}`);
      const [lots] = await t.db.query<{ centres: number; lots: number }>("SELECT count(DISTINCT facility_id)::int AS centres, count(*)::int AS lots FROM vaccine_lots WHERE quantity > 0 AND expires_on > current_date");
      assert.equal(lots.lots, lots.centres * 11, 'every centre holds a lot of each of the 11 programme vaccines');
    });

    test('the elderly: about two in three managed this year, in every township; services drawn through the year; a few incomplete', async (ctx) => {
      const day = today();
      const towns = await elderlyManagedByTownship(t.db, '371003', day);
      const residents = towns.reduce((n, x) => n + x.residents, 0), managed = towns.reduce((n, x) => n + x.managed, 0);
      assert.ok(residents > 300, `residents 65+: ${residents}`);
      // By 3 December about 0.92 of the year has passed: the county's rate in the high 50s to low 70s (counties report 60–70% at the year's end).
      const share = (100 * managed) / residents;
      const { passed } = { passed: (Date.parse(day) - Date.parse(`${day.slice(0, 4)}-01-01`)) / (365 * 86_400_000) };
      within(share, 66 * passed - 12, 66 * passed + 10, 'county 老年人健康管理率');
      for (const x of towns.filter((x) => x.residents >= 40)) within((100 * x.managed) / x.residents, 66 * passed - 25, 66 * passed + 25, `township ${x.town}`);
      const [s] = await t.db.query<{ n: number; incomplete: number; months: number; future: number }>(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE NOT complete)::int AS incomplete, count(DISTINCT extract(month FROM service_date))::int AS months, count(*) FILTER (WHERE service_date > current_date)::int AS future FROM elderly_services`);
      within((100 * s.incomplete) / s.n, 2, 9, 'incomplete share %');
      assert.equal(s.future, 0, 'no service after today');
      assert.equal(s.months, Number(day.slice(5, 7)), 'services in every month of the year so far');
      ctx.diagnostic(`${residents} residents 65+, ${managed} managed (${share.toFixed(1)}%), ${s.n} services, ${s.incomplete} incomplete; townships ${towns.map((x) => `${x.town.slice(6, 9)} ${x.managed}/${x.residents}`).join(', ')}`);
    });
  });
}
