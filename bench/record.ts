// bench/record: opening a resident's summary and timeline through the HTTP API at C concurrent
// users, in a county of N residents with a year of history, next to the same reads run directly on
// the database (the summary's and timeline's main statements) at the same concurrency.
//   npm run bench -- record [--residents 600000] [--concurrency 50] [--requests 2000] [--engine postgres|pglite]
import { parseArgs } from 'node:util';
import { openTestDb, type Engine } from '../test/helpers/db.ts';
import { seedCounty } from '../src/modules/demo/seed.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/platform/config.ts';
import { createUser } from '../src/modules/users/service.ts';

const { values } = parseArgs({ options: {
  residents: { type: 'string', default: '600000' }, concurrency: { type: 'string', default: '50' }, requests: { type: 'string', default: '2000' },
  engine: { type: 'string', default: process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite' } } });
const N = Number(values.residents);
const C = Number(values.concurrency);
const R = Number(values.requests);
const engine = values.engine as Engine;
if (process.env.BENCH_DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))].toFixed(2);
};

async function run(n: number, conc: number, one: (i: number) => Promise<void>): Promise<number[]> {
  const lat: number[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: conc }, async () => {
    while (next < n) {
      const i = next++;
      const t0 = performance.now();
      await one(i);
      lat.push(performance.now() - t0);
    }
  }));
  return lat;
}

const t = await openTestDb(engine);
try {
  const s0 = performance.now();
  const seeded = await seedCounty(t.db, t.keys, { county: '371003', residents: N, seed: 3 });
  const seedMs = performance.now() - s0;
  // Doctors who lead teams, each with the residents contracted to their team (a contract basis).
  const pairs = await t.db.query<{ worker_id: string; facility: string; resident_id: string }>(
    `SELECT m.worker_id, f.code AS facility, c.resident_id FROM contracts c JOIN care_team_members m ON m.team_id = c.team_id AND m.role = 'lead_gp'
       JOIN care_teams tm ON tm.id = c.team_id JOIN facilities f ON f.id = tm.facility_id
      WHERE c.status IN ('signed','renewed') AND c.ends_on >= current_date AND c.starts_on <= current_date ORDER BY c.resident_id LIMIT 5000`);
  const doctors = [...new Set(pairs.map((p) => p.worker_id))].slice(0, C);
  const config = loadConfig({ MERIDIAN_SECRET_KEY: 'x'.repeat(32) });
  const app = await buildApp({ config, db: t.db, keys: t.keys }, { loginRateLimit: 100000 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const cookies = new Map<string, string>();
  for (const w of doctors) {
    const p = pairs.find((x) => x.worker_id === w)!;
    await createUser(t.db, null, { username: `bench_${w.slice(-12)}`, role: 'doctor', facilityCode: p.facility, password: 'Bench-pass-1' });
    await t.db.query('UPDATE users SET worker_id = $1 WHERE username = $2', [w, `bench_${w.slice(-12)}`]);
    const r = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: `bench_${w.slice(-12)}`, password: 'Bench-pass-1' }) });
    cookies.set(w, r.headers.get('set-cookie')!.split(';')[0]);
  }
  const work = pairs.filter((p) => cookies.has(p.worker_id));
  let failures = 0;
  const h0 = performance.now();
  const http = await run(R, C, async (i) => {
    const p = work[i % work.length];
    const headers = { cookie: cookies.get(p.worker_id)! };
    const [a, b] = await Promise.all([fetch(`${base}/api/records/${p.resident_id}/summary`, { headers }), fetch(`${base}/api/records/${p.resident_id}/timeline?limit=30`, { headers })]);
    if (a.status !== 200 || b.status !== 200) failures++;
    await a.arrayBuffer();
    await b.arrayBuffer();
  });
  const httpMs = performance.now() - h0;
  await app.close();
  // The same reads, straight to the database: the summary's statements and the timeline page.
  const d0 = performance.now();
  const direct = await run(R, C, async (i) => {
    const id = work[i % work.length].resident_id;
    await Promise.all([
      t.db.query("SELECT d.icd10, c.name_zh FROM diagnoses d JOIN icd10_codes c ON c.code = d.icd10 WHERE d.resident_id = $1 AND d.status = 'active'", [id]),
      t.db.query("SELECT drug_name FROM prescriptions WHERE resident_id = $1 AND prescribed_at >= now() - interval '90 days' ORDER BY prescribed_at DESC LIMIT 30", [id]),
      t.db.query('SELECT DISTINCT ON (code) code, value FROM observations WHERE resident_id = $1 ORDER BY code, observed_at DESC', [id]),
      t.db.query("SELECT c.starts_on FROM contracts c WHERE c.resident_id = $1 AND c.status IN ('signed','renewed') AND c.ends_on >= current_date LIMIT 1", [id]),
      t.db.query('SELECT e.id, e.kind, f.name FROM encounters e JOIN facilities f ON f.id = e.facility_id WHERE e.resident_id = $1 ORDER BY e.started_at DESC LIMIT 30', [id]),
    ]);
  });
  const directMs = performance.now() - d0;
  const [{ enc }] = await t.db.query<{ enc: number }>('SELECT count(*)::int AS enc FROM encounters');
  console.log(JSON.stringify({
    bench: 'record', engine, residents: N, encounters: enc, contracts: seeded.contracts, seed_ms: Math.round(seedMs), concurrency: C, requests: R, failures,
    http_median_ms: pct(http, 50), http_p95_ms: pct(http, 95), http_rps: Math.round(R / (httpMs / 1000)),
    direct_median_ms: pct(direct, 50), direct_p95_ms: pct(direct, 95), direct_rps: Math.round(R / (directMs / 1000)),
    median_ratio: +(pct(http, 50) / pct(direct, 50)).toFixed(2),
  }));
} finally {
  await t.close();
}
