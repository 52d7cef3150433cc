// bench/worklist: a family-doctor team's worklist and the county's programme rates, through the
// services the API calls, in a seeded county; next to their main SQL run directly in the same run.
//   npm run bench -- worklist [--residents 600000] [--repeat 20] [--engine postgres|pglite] [--schema NAME]
// --schema NAME (PostgreSQL): seeds the county into that schema the first time and keeps it; later runs reuse it.
// Also printed, without a direct baseline: the programme rates by team and the contract rates by township, and the worklist's elderly part alone.
import { parseArgs } from 'node:util';
import { openTestDb, type Engine } from '../test/helpers/db.ts';
import { seedCounty } from '../src/modules/demo/seed.ts';
import { createUser } from '../src/modules/users/service.ts';
import { programmeRates, worklist } from '../src/modules/chronic/service.ts';
import { contractRates } from '../src/modules/contracts/service.ts';
import { elderlyWorklist } from '../src/modules/publichealth/service.ts';
import { today } from '../src/shared/time.ts';
import type { Principal } from '../src/platform/auth.ts';
import { openPostgres } from '../src/platform/db.ts';
import { migrate } from '../src/platform/migrate.ts';
import { syncReferenceData } from '../src/modules/records/reference.ts';
import { TEST_KEYS } from '../test/helpers/db.ts';

const { values } = parseArgs({ options: { residents: { type: 'string', default: '600000' }, repeat: { type: 'string', default: '20' }, schema: { type: 'string' },
  engine: { type: 'string', default: process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite' } } });
if (process.env.BENCH_DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;
const N = Number(values.residents), REPEAT = Number(values.repeat);
const median = (xs: number[]) => +[...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)].toFixed(2);
const time = async (fn: () => Promise<unknown>, label = '') => {
  const out: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  if (label) console.error(`${label}: median ${median(out)} ms`); // progress on stderr; the figures are the last line
  return out;
};

async function openSchema(name: string) {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error('--schema: lower-case letters, digits and _');
  const admin = await openPostgres(process.env.TEST_DATABASE_URL!, { max: 1 });
  await admin.exec(`CREATE SCHEMA IF NOT EXISTS ${name}`);
  await admin.close();
  const db = await openPostgres(process.env.TEST_DATABASE_URL!, { searchPath: `${name},public`, max: 20 });
  await migrate(db);
  await syncReferenceData(db);
  return { db, keys: TEST_KEYS, engine: 'postgres' as const, close: () => db.close() };
}
const t = values.schema ? await openSchema(values.schema) : await openTestDb(values.engine as Engine);
try {
  const [{ n: already }] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM residents');
  const s0 = performance.now();
  if (!already) await seedCounty(t.db, t.keys, { county: '371003', residents: N, seed: 9, indicators: !values.schema, log: (m) => console.error(m) });
  console.error(already ? `reusing ${already} residents in schema ${values.schema}` : `seeded ${N} residents in ${Math.round((performance.now() - s0) / 1000)} s`);
  // The busiest team: the one with most contracted programme patients.
  const [team] = await t.db.query<{ team_id: string; worker_id: string; facility: string; n: number }>(
    `SELECT c.team_id, (SELECT worker_id FROM care_team_members m WHERE m.team_id = c.team_id ORDER BY role LIMIT 1) AS worker_id, f.code AS facility, count(*)::int AS n
       FROM contracts c JOIN chronic_enrolments e ON e.resident_id = c.resident_id JOIN care_teams tm ON tm.id = c.team_id JOIN facilities f ON f.id = tm.facility_id
      WHERE c.status IN ('signed','renewed') AND c.ends_on >= current_date GROUP BY c.team_id, f.code ORDER BY n DESC LIMIT 1`);
  const [prior] = await t.db.query<{ id: string }>(`SELECT id FROM users WHERE username = 'bench_gp'`);
  const user = prior ?? await createUser(t.db, null, { username: 'bench_gp', role: 'doctor', facilityCode: team.facility, password: 'Bench-pass-1' });
  await t.db.query('UPDATE users SET worker_id = $1 WHERE id = $2', [team.worker_id, user.id]);
  const p: Principal = { userId: user.id, username: 'bench_gp', displayName: 'bench', role: 'doctor', regionCode: null, facilityCode: team.facility, ip: null };
  const year = Number(new Date().toISOString().slice(0, 4));
  const wl = await time(() => worklist(t.db, p, { limit: 200 }), 'worklist');
  const wlDirect = await time(() => t.db.query(
    `SELECT r.id, f.visit_date, f.visit_class, f.next_visit_date FROM contracts c JOIN residents r ON r.id = c.resident_id
       JOIN chronic_enrolments e ON e.resident_id = r.id AND e.status = 'active'
       LEFT JOIN LATERAL (SELECT visit_date, visit_class, next_visit_date FROM chronic_followups WHERE resident_id = r.id AND programme = e.programme ORDER BY visit_date DESC LIMIT 1) f ON true
      WHERE c.team_id = $1 AND c.status IN ('signed','renewed') AND c.ends_on >= current_date`, [team.team_id]).then(() => t.db.query(
    // the package part: the team's contracts with their items, and the services delivered since each began
    `WITH k AS (SELECT c.id AS cid, c.resident_id AS rid, c.starts_on AS f, current_date AS t FROM contracts c WHERE c.team_id = $1 AND c.status IN ('signed','renewed') AND c.starts_on <= current_date AND c.ends_on >= current_date)
     SELECT k.cid, (SELECT jsonb_agg(i) FROM contract_packages cp JOIN service_packages p ON p.id = cp.package_id, jsonb_array_elements(p.items) i WHERE cp.contract_id = k.cid) AS items,
            (SELECT count(*) FROM chronic_followups f WHERE f.resident_id = k.rid AND f.visit_date BETWEEN k.f AND k.t) AS fu,
            (SELECT count(*) FROM encounters e WHERE e.resident_id = k.rid AND e.kind = 'health_check' AND e.started_at >= k.f) AS hc FROM k`, [team.team_id])));
  // The worklist's elderly 65+ annual-service part alone (publichealth's elderlyWorklist: the team's contracted residents 65+ and this year's services), a part of worklist_median_ms.
  const elderly = await time(() => elderlyWorklist(t.db, [team.team_id], today()), 'elderly rows');
  const rates = await time(() => programmeRates(t.db, '371003', 'hypertension', { level: 'township', from: `${year}-01-01`, to: `${year}-12-31` }), 'rates');
  const ratesDirect = await time(() => t.db.query(
    `SELECT left(r.village_code, 9), count(*) FROM residents r LEFT JOIN (SELECT resident_id, count(*) n FROM chronic_followups WHERE programme = 'hypertension' AND visit_date >= $1::date GROUP BY 1) f ON f.resident_id = r.id GROUP BY 1`, [`${year}-01-01`]));
  const teamRates = await time(() => programmeRates(t.db, '371003', 'hypertension', { level: 'team', from: `${year}-01-01`, to: `${year}-12-31` }), 'team rates');
  const cRates = await time(() => contractRates(t.db, '371003', { level: 'township', from: `${year}-01-01`, to: new Date().toISOString().slice(0, 10) }), 'contract rates');
  const [{ fu }] = await t.db.query<{ fu: number }>('SELECT count(*)::int AS fu FROM chronic_followups');
  console.log(JSON.stringify({ bench: 'worklist', engine: t.engine, residents: already || N, followups: fu, team_patients: team.n, repeat: REPEAT,
    worklist_median_ms: median(wl), worklist_direct_median_ms: median(wlDirect), worklist_elderly_part_median_ms: median(elderly), rates_median_ms: median(rates), rates_direct_median_ms: median(ratesDirect),
    team_rates_median_ms: median(teamRates), contract_rates_median_ms: median(cRates) }));
} finally {
  await t.close();
}
