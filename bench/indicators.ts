// bench/indicators: the full computation of every computed indicator, for every unit (county,
// townships, communities, facilities, teams) and every month, quarter and the year of the current
// year, in a seeded county; next to a single scan of the largest table in the same run. Then the
// dashboard's answers through the HTTP API (the commission's view, a league table, a trend): medians.
//   npm run bench -- indicators [--residents 600000] [--repeat 20] [--engine postgres|pglite] [--schema NAME] [--database NAME] [--seed-only]
// --schema NAME measures on a county already seeded (and migrated) in that PostgreSQL schema, e.g. one a previous run left.
// --database NAME keeps the seeded county: on the first run the database is created from the migrated template and
// seeded (and kept); later runs migrate it to the current migrations and reuse it. --seed-only stops after the seed.
// --dump FILE writes every computed value (indicator, period, level, unit, numerator, denominator, value; sorted, one a
// line) after the full computation, so two engines' answers can be compared byte for byte (`cmp before.tsv after.tsv`).
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import pg from 'pg';
import { ensurePostgresTemplate, openTestDb, type Engine } from '../test/helpers/db.ts';
import { migrate } from '../src/platform/migrate.ts';
import type { Db } from '../src/platform/db.ts';
import { seedCounty } from '../src/modules/demo/seed.ts';
import { compute, refresh } from '../src/modules/indicators/engine.ts';
import { buildFollowup } from '../test/helpers/factories.ts';
import { periodsOfYear } from '../src/modules/indicators/rules.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/platform/config.ts';
import { createUser } from '../src/modules/users/service.ts';
import { openPostgres } from '../src/platform/db.ts';
import { TEST_KEYS } from '../test/helpers/db.ts';
import { addDays, today } from '../src/shared/time.ts';

const { values } = parseArgs({ options: { residents: { type: 'string', default: '600000' }, repeat: { type: 'string', default: '20' }, schema: { type: 'string' },
  database: { type: 'string' }, 'seed-only': { type: 'boolean', default: false }, dump: { type: 'string' }, 'no-http': { type: 'boolean', default: false },
  engine: { type: 'string', default: process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite' } } });
if (process.env.BENCH_DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;
const N = Number(values.residents), REPEAT = Number(values.repeat);
const median = (xs: number[]) => +[...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)].toFixed(2);

/** A kept database of the server: created from the migrated template when missing, migrated when it exists. */
async function keptDatabase(name: string): Promise<{ db: Db; fresh: boolean }> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`--database: a plain lower-case name, not ${name}`);
  const url = process.env.TEST_DATABASE_URL!;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  let fresh = false;
  try {
    if (!(await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount) {
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${await ensurePostgresTemplate(url)}`);
      fresh = true;
    }
  } finally {
    await admin.end();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  const db = await openPostgres(u.toString(), { max: 20 });
  if (!fresh) await migrate(db);
  return { db, fresh };
}

const kept = values.database ? await keptDatabase(values.database) : null;
const t = kept
  ? { db: kept.db, keys: TEST_KEYS, engine: 'postgres' as const, close: async () => { await kept.db.close(); } }
  : values.schema
    ? { db: await openPostgres(process.env.TEST_DATABASE_URL!, { searchPath: `${values.schema},public`, max: 20 }), keys: TEST_KEYS, engine: 'postgres' as const, close: async () => { await t.db.close(); } }
    : await openTestDb(values.engine as Engine);
try {
  const t0 = performance.now();
  const reuse = values.schema || (kept && !kept.fresh && (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM residents'))[0].n > 0);
  const seeded = reuse
    ? (await t.db.query<{ residents: number; encounters: number }>('SELECT (SELECT count(*) FROM residents)::int AS residents, (SELECT count(*) FROM encounters)::int AS encounters'))[0]
    : await seedCounty(t.db, t.keys, { county: '371003', residents: N, seed: 9, indicators: false, log: (m) => console.error(m) });
  console.error(`${reuse ? 'reused a county of' : 'seeded'} ${seeded.residents} residents in ${Math.round(performance.now() - t0)} ms`);
  if (!reuse) await t.db.query('ANALYZE');
  if (values['seed-only']) { await t.close(); process.exit(0); }
  const day = today();
  const periods = periodsOfYear(Number(day.slice(0, 4)), day);
  // The full computation, timed.
  const loadBefore = loadavg()[0];
  const full = await compute(t.db, { county: '371003', periods, today: day });
  const loadAfter = loadavg()[0];
  if (values.dump) {
    const rows = await t.db.query<{ line: string }>(
      `SELECT concat_ws(E'\t', indicator_code, period, unit_level, unit_id, numerator::text, denominator::text, value::text) AS line FROM indicator_values
        WHERE county_code = '371003' AND source = 'computed' ORDER BY indicator_code, period, unit_level, unit_id`);
    writeFileSync(values.dump, rows.map((r) => `${r.line}\n`).join(''));
    console.error(`dumped ${rows.length} values to ${values.dump}`);
  }
  const slowest = await t.db.query<{ indicator_code: string; ms: number }>(
    `SELECT indicator_code, sum(ms)::int AS ms FROM indicator_runs WHERE county_code = '371003' GROUP BY 1 ORDER BY 2 DESC LIMIT 5`);
  // The incremental refresh after one late follow-up (a hypertension patient's visit of last month, entered now).
  const [late] = await t.db.query<{ resident_id: string; facility_id: string }>(
    `SELECT resident_id, facility_id FROM chronic_followups WHERE programme = 'hypertension' AND county_code = '371003' ORDER BY visit_date DESC, id LIMIT 1`);
  let refreshMs: number | null = null;
  let refreshed: { indicators: number; periods: number; values: number } | null = null;
  if (late) {
    await refresh(t.db, day); // the current periods of a county computed on an earlier day are due in any case
    const lastMonth = addDays(`${day.slice(0, 7)}-01`, -1);
    const added = await buildFollowup(t.db, { residentId: late.resident_id, facilityId: late.facility_id, programme: 'hypertension', visitDate: `${lastMonth.slice(0, 7)}-15` });
    const r0 = performance.now();
    refreshed = (await refresh(t.db, day)).find((x) => x.county === '371003') ?? null;
    refreshMs = +(performance.now() - r0).toFixed(1);
    // The kept county is left as it was seeded (the next run's computation and dump are the same).
    await t.db.query('DELETE FROM chronic_followups WHERE id = $1', [added.id]);
  }
  // The baseline: one full scan of the largest table, in the same run.
  const [big] = await t.db.query<{ relname: string; rows: number }>(
    `SELECT c.relname, c.reltuples::bigint AS rows FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname = current_schema() ORDER BY c.relpages DESC LIMIT 1`);
  const s0 = performance.now();
  const [{ n }] = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${big.relname} x WHERE NOT (x IS NULL)`);
  const scanMs = performance.now() - s0;
  // Dashboard answers through the API, as an officer (the first answer of each, and medians of the repeats).
  const answers: Record<string, number> = {};
  if (!values['no-http']) {
    const app = await buildApp({ config: loadConfig({ MERIDIAN_DATA_DIR: '/nonexistent-bench-dir', MERIDIAN_SECRET_KEY: 'x'.repeat(32) }), db: t.db, keys: t.keys }, { loginRateLimit: 1000 });
    await app.ready();
    if (!(await t.db.query(`SELECT 1 FROM users WHERE username = 'bench_officer'`)).length) await createUser(t.db, null, { username: 'bench_officer', role: 'officer', regionCode: '371003', facilityCode: null, password: 'Bench-pass-1' });
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'bench_officer', password: 'Bench-pass-1' } });
    const cookie = `meridian_session=${login.cookies.find((c) => c.name === 'meridian_session')!.value}`;
    const year = day.slice(0, 4);
    const urls = { dashboard: '/api/indicators/dashboard', referral_figures: `/api/referrals/figures?year=${year}&groupBy=township`,
      catalogue: '/api/indicators/catalogue', targets: '/api/indicators/targets', league: `/api/indicators/values?code=htn_control_rate&period=${year}&level=township&parent=371003`,
      trend: '/api/indicators/trend?code=htn_control_rate&level=county&unit=371003', facilities: `/api/indicators/values?code=outpatient_antibiotic_rate&period=${year}&level=facility` };
    for (const [k, url] of Object.entries(urls)) {
      const xs: number[] = [];
      for (let i = 0; i < REPEAT + 2; i++) {
        const a = performance.now();
        const r = await app.inject({ method: 'GET', url, headers: { cookie } });
        if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode} ${r.body}`);
        if (i === 0) answers[`${k}_first_ms`] = +(performance.now() - a).toFixed(1);
        if (i >= 2) xs.push(performance.now() - a);
      }
      answers[`${k}_median_ms`] = median(xs);
    }
    await app.close();
  }
  console.log(JSON.stringify({
    bench: 'indicators', engine: t.engine, residents: seeded.residents, encounters: seeded.encounters, indicators: full.indicators, periods: full.periods, values: full.values,
    full_computation_ms: full.ms, load_avg_1m: [+loadBefore.toFixed(2), +loadAfter.toFixed(2)], cores: cpus().length, largest_table: big.relname, largest_table_rows: n, single_scan_ms: +scanMs.toFixed(1), ratio_to_scan: +(full.ms / scanMs).toFixed(1),
    slowest: Object.fromEntries(slowest.map((s) => [s.indicator_code, s.ms])), refresh_after_late_followup_ms: refreshMs, refreshed, repeat: REPEAT, ...answers,
  }));
} finally {
  await t.close();
}
