// bench/surveillance-daily: the full daily detection for a county of 600,000 residents with five years of
// history, on PostgreSQL (TEST_DATABASE_URL) — the last 7 days recounted from the record (a week of a
// 600,000-resident county's outpatient visits: 4 million a year → about 77,000 encounters with their
// diagnoses and complaints) and from the report cards, then every plan (the catalogue's diseases and
// the four syndromes) over the county's townships. Baseline in the same run: the detection alone on
// counts already in place (no recount). Goal: under 30 s.
//   TEST_DATABASE_URL=postgres://… npm run bench -- surveillance-daily [--residents 20000]
import { parseArgs } from 'node:util';
import { openTestDb } from '../test/helpers/db.ts';
import { seedCounty } from '../src/modules/demo/seed.ts';
import { runDetection } from '../src/modules/surveillance/signals.ts';
import { dailyPlans } from '../src/modules/surveillance/plan.ts';
import { addDays, today } from '../src/shared/time.ts';

const { values } = parseArgs({ options: { residents: { type: 'string', default: '20000' } } });
if (!process.env.TEST_DATABASE_URL) { console.error('set TEST_DATABASE_URL to a PostgreSQL server'); process.exit(2); }
const t = await openTestDb('postgres');
try {
  const county = '371003';
  await seedCounty(t.db, t.keys, { county, residents: Number(values.residents), seed: 5, indicators: false });
  const day = today();
  // A week of outpatient visits at a 600,000-resident county's rate, spread over the seeded residents (the bench writes records' table directly: it builds data, it is not a module).
  const weekVisits = Math.round((4_000_000 / 365) * 7);
  await t.db.query(
    `WITH r AS (SELECT id, row_number() OVER () AS k FROM residents WHERE county_code = $1), n AS (SELECT count(*) AS c FROM r),
          f AS (SELECT id, row_number() OVER () AS k FROM facilities WHERE region_code LIKE $1 || '%'), m AS (SELECT count(*) AS c FROM f)
     INSERT INTO encounters (resident_id, county_code, kind, facility_id, started_at, reason)
     SELECT r.id, $1, 'outpatient', f.id, (($2::date - (g % 7))::timestamp + make_interval(hours => 8 + g % 10)) AT TIME ZONE 'Asia/Shanghai',
            (ARRAY['发热','咳嗽','腹泻','皮疹','头痛','复诊','腰痛','高血压随访'])[1 + g % 8]
       FROM generate_series(1, $3::int) g CROSS JOIN n CROSS JOIN m
       JOIN r ON r.k = 1 + (g::bigint * 7919) % n.c JOIN f ON f.k = 1 + (g::bigint * 104729) % m.c`, [county, day, weekVisits]);
  await t.db.query(
    `INSERT INTO diagnoses (resident_id, encounter_id, icd10) SELECT e.resident_id, e.id, (ARRAY['J06.9','R50.9','I10','A09','K59.0','J06.9','B08.4','E11.9'])[1 + (hashtext(e.id::text) & 7)]
       FROM encounters e WHERE e.county_code = $1 AND e.started_at >= ($2::date - 6)::timestamp AT TIME ZONE 'Asia/Shanghai'`, [county, day]);
  // Five years of daily counts per township for every series the plans run (history the daily job kept).
  const series = dailyPlans().map((p) => p.series);
  await t.db.query(
    `INSERT INTO surveillance_counts (county_code, township_code, series, day, n)
     SELECT $1, tw.code, s, d::date, (random() * CASE WHEN s LIKE 'syndrome:%' THEN 40 ELSE 2 END)::int
       FROM regions tw CROSS JOIN unnest($2::text[]) s CROSS JOIN generate_series($3::date, $4::date, interval '1 day') d
      WHERE tw.level = 'township' AND tw.code LIKE $1 || '%'`, [county, series, addDays(day, -5 * 365), addDays(day, -7)]);
  await t.db.exec('ANALYZE');
  const [{ enc }] = await t.db.query<{ enc: number }>('SELECT count(*)::int AS enc FROM encounters');
  const [{ cnt }] = await t.db.query<{ cnt: number }>('SELECT count(*)::int AS cnt FROM surveillance_counts');
  const a = performance.now();
  const full = await runDetection(t.db, county, day);
  const fullMs = performance.now() - a;
  const b = performance.now();
  const detectOnly = await runDetection(t.db, county, day, { recountDays: 0 });
  const baseMs = performance.now() - b;
  console.log(JSON.stringify({
    bench: 'surveillance-daily', engine: 'postgres', county, townships: full.series ? undefined : 0, encountersInDb: enc, weekVisits, countRows: cnt, series: full.series,
    full: { ms: Math.round(fullMs), countMs: full.countMs, detectMs: full.detectMs, raised: full.raised, stored: full.stored },
    baseline: { name: 'detection alone, counts in place', ms: Math.round(baseMs), detectMs: detectOnly.detectMs },
    ratios: { fullVsBaseline: +(fullMs / baseMs).toFixed(2), fullVsGoal30s: +(fullMs / 30_000).toFixed(3) },
  }));
} finally {
  await t.close();
}
