// bench/booking: booking throughput and p95 latency at 200 concurrent clients against the HTTP API
// (a real listening server on 127.0.0.1 at a free port the OS picks, or --port N; PostgreSQL), next to the raw SQL of one booking (the
// slot UPDATE and the booking INSERT in one transaction, no HTTP, no session, no audit row) driven at
// the same concurrency through the same pool in the same run, and that raw SQL with the audit row
// every write carries. The audit sealer runs throughout, as in the server (every 200 ms); the two raw
// passes alternate (unaudited, audited, unaudited, audited) so that load from elsewhere on the machine
// falls on both; printed: the audited/unaudited throughput ratio and the sealing lag (written → sealed,
// max and p95, over every audit row of the run; `at` is taken just before commit, so this is an upper
// bound of commit → seal).
//   BENCH_DATABASE_URL=postgres://… npm run bench -- booking [--clients 200] [--requests 5000]
import { parseArgs } from 'node:util';
import { openTestDb, type Engine } from '../test/helpers/db.ts';
import { buildTestCounty, VILLAGE_A } from '../test/helpers/county.ts';
import { bulkResidents } from '../test/helpers/residents.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/platform/config.ts';
import { createUser } from '../src/modules/users/service.ts';
import { plusDays } from '../src/modules/scheduling/rules.ts';
import { startSealer, writeAudit } from '../src/platform/audit.ts';

const { values } = parseArgs({ options: { clients: { type: 'string', default: '200' }, requests: { type: 'string', default: '5000' }, port: { type: 'string', default: '0' },
  engine: { type: 'string', default: process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite' } } });
if (process.env.BENCH_DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;
const CLIENTS = Number(values.clients), REQUESTS = Number(values.requests), PORT = Number(values.port);
const pct = (xs: number[], p: number) => +[...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))].toFixed(2);
const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });

/** Runs `total` jobs with `clients` workers; returns each job's latency and the wall time. */
async function drive(total: number, clients: number, job: (i: number) => Promise<boolean>) {
  const lat: number[] = [];
  let nextJob = 0, ok = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    for (let i = nextJob++; i < total; i = nextJob++) {
      const s = performance.now();
      if (await job(i)) ok++;
      lat.push(performance.now() - s);
    }
  }));
  const wall = performance.now() - t0;
  return { ok, per_s: +((total / wall) * 1000).toFixed(1), p50_ms: pct(lat, 0.5), p95_ms: pct(lat, 0.95), p99_ms: pct(lat, 0.99) };
}

const t = await openTestDb(values.engine as Engine);
try {
  await buildTestCounty(t.db);
  const residents = await bulkResidents(t.db, REQUESTS * 2, VILLAGE_A);
  await createUser(t.db, null, { username: 'bench_coord', role: 'coordinator', facilityCode: 'H0001', password: 'Bench-pass-1' });
  const config = loadConfig({ MERIDIAN_DATA_DIR: '/nonexistent-bench-dir', MERIDIAN_SECRET_KEY: 'x'.repeat(32) });
  const app = await buildApp({ config, db: t.db, keys: t.keys }, { loginRateLimit: 1000 });
  await app.listen({ port: PORT, host: '127.0.0.1' });
  const sealer = startSealer(t.db, t.keys, { intervalMs: 200 });
  const [{ since }] = await t.db.query<{ since: number }>('SELECT coalesce(max(id), 0) AS since FROM audit_log');
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench_coord', password: 'Bench-pass-1' }) });
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  // Two schedules of 7 days × 8 slots with room for every request: one for the API, one for the raw SQL.
  const schedule = async (name: string) => {
    const r = await fetch(`${base}/api/scheduling/schedules`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ facilityCode: 'H0001', kind: 'department',
      department: '心血管内科', name, from: plusDays(today, 1), weeks: 1, pattern: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '08:00', end: '12:00', slotMinutes: 30, capacity: 1000 })) }) });
    const id = (await r.json()).id as string;
    return (await t.db.query<{ id: string }>('SELECT id FROM slots WHERE schedule_id = $1 ORDER BY starts_at', [id])).map((s) => s.id);
  };
  const apiSlots = await schedule('bench-api');
  const rounds = [await schedule('bench-raw-1'), await schedule('bench-audit-1'), await schedule('bench-raw-2'), await schedule('bench-audit-2')];

  const api = await drive(REQUESTS, CLIENTS, async (i) => {
    const r = await fetch(`${base}/api/scheduling/bookings`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ slotId: apiSlots[i % apiSlots.length], residentId: residents[i], idempotencyKey: `bench-api-${i}` }) });
    await r.arrayBuffer();
    return r.status === 201;
  });
  // One booking's SQL (slot UPDATE + INSERT), and the same with the audit row every write carries.
  const book = (slots: string[], tag: string, audited: boolean) => (i: number) => t.db.tx(async (q) => {
    const [s] = await q.query<{ id: string; schedule_id: string; session_date: string; period: string }>(
      `UPDATE slots SET booked = booked + 1 WHERE id = $1 AND status = 'open' AND starts_at > now() AND booked < capacity
         AND (now() >= release_at OR booked - referral_booked < capacity - referral_capacity) RETURNING id, schedule_id, session_date, period`, [slots[i % slots.length]]);
    const [b] = await q.query<{ id: string }>(`INSERT INTO bookings (slot_id, schedule_id, resident_id, county_code, session_date, period, channel, idempotency_key) VALUES ($1,$2,$3,'371003',$4,$5,'staff',$6) RETURNING id`,
      [s.id, s.schedule_id, residents[REQUESTS + i], s.session_date, s.period, `bench-${tag}-${i}`]);
    if (audited) await writeAudit(q, { userId: null, username: 'bench', role: 'coordinator', ip: null }, { action: 'scheduling.book', outcome: 'ok', residentId: residents[REQUESTS + i], recordType: 'booking', recordId: b.id });
    return true;
  });
  const half = Math.floor(REQUESTS / 2);
  const raw1 = await drive(half, CLIENTS, book(rounds[0], 'raw1', false));
  const aud1 = await drive(half, CLIENTS, book(rounds[1], 'aud1', true));
  const raw2 = await drive(half, CLIENTS, book(rounds[2], 'raw2', false));
  const aud2 = await drive(half, CLIENTS, book(rounds[3], 'aud2', true));
  const both = (a: typeof raw1, b: typeof raw1) => +((2 * half) / (half / a.per_s + half / b.per_s)).toFixed(1);
  const raw = { per_s: both(raw1, raw2), rounds: [raw1, raw2] };
  const audited = { per_s: both(aud1, aud2), rounds: [aud1, aud2] };
  // The hardest case: every client after the same slot (one row lock), 40 places for 500 requests.
  const [hot] = await schedule('bench-hot').then(async (ids) => { await t.db.query('UPDATE slots SET capacity = 40 WHERE id = $1', [ids[0]]); return ids; });
  const contended = await drive(500, CLIENTS, async (i) => {
    const r = await fetch(`${base}/api/scheduling/bookings`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ slotId: hot, residentId: residents[i], idempotencyKey: `bench-hot-${i}` }) });
    await r.arrayBuffer();
    return r.status === 201;
  });
  const [{ over }] = await t.db.query<{ over: number }>('SELECT count(*)::int AS over FROM slots WHERE booked > capacity');
  await app.close();
  // Every audit row of the run sealed? Wait for the sealer (at most 30 s), then read the lags.
  for (let k = 0; k < 300; k++) {
    const [{ n }] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log WHERE seq IS NULL');
    if (!n) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await sealer.stop();
  const lags = (await t.db.query<{ ms: number }>('SELECT extract(epoch FROM sealed_at - at) * 1000 AS ms FROM audit_log WHERE id > $1 AND seq IS NOT NULL', [since])).map((r) => Number(r.ms));
  const [{ unsealed }] = await t.db.query<{ unsealed: number }>('SELECT count(*)::int AS unsealed FROM audit_log WHERE id > $1 AND seq IS NULL', [since]);
  const sealing = { rows: lags.length, unsealed, max_ms: +Math.max(...lags).toFixed(1), p95_ms: pct(lags, 0.95), p50_ms: pct(lags, 0.5) };
  console.log(JSON.stringify({ bench: 'booking', engine: t.engine, clients: CLIENTS, requests: REQUESTS, pool: 20,
    api_http: api, raw_sql_one_booking: raw, raw_sql_with_audit_row: audited,
    audited_to_unaudited_ratio: +(audited.per_s / raw.per_s).toFixed(2), sealing_lag: sealing, api_one_hot_slot_500_for_40: contended, slots_over_capacity: over }));
} finally {
  await t.close();
}
