// bench/fhir: the FHIR face on a real listening server (127.0.0.1, --port, default 4101), next to
// baselines measured in the same run on the same database:
//   - Patient read by id at 1 and 32 clients (req/s, p50, p99; each read audited as in service) vs the
//     direct SQL of the resident's row at the same concurrency through the same pool;
//   - transaction ingest: Bundles of one Encounter and ten Observations for residents of the county
//     (resources/s, stored through records' rules and audit) vs a raw COPY of the same number of
//     observation rows.
//   BENCH_DATABASE_URL=postgres://… npm run bench -- fhir [--reads 2000] [--bundles 200] [--clients 4]
import { parseArgs } from 'node:util';
import { openTestDb, type Engine } from '../test/helpers/db.ts';
import { buildTestCounty, VILLAGE_A } from '../test/helpers/county.ts';
import { bulkResidents } from '../test/helpers/residents.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/platform/config.ts';
import { createClient } from '../src/modules/auth/clients.ts';
import { startSealer } from '../src/platform/audit.ts';

const { values } = parseArgs({ options: { reads: { type: 'string', default: '2000' }, bundles: { type: 'string', default: '200' }, clients: { type: 'string', default: '4' }, port: { type: 'string', default: '4101' },
  engine: { type: 'string', default: process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite' } } });
if (process.env.BENCH_DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;
const READS = Number(values.reads), BUNDLES = Number(values.bundles), INGEST_CLIENTS = Number(values.clients), PORT = Number(values.port);
const pct = (xs: number[], p: number) => +[...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))].toFixed(2);

async function drive(total: number, clients: number, job: (i: number) => Promise<void>) {
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    for (let i = next++; i < total; i = next++) {
      const s = performance.now();
      await job(i);
      lat.push(performance.now() - s);
    }
  }));
  const wall = performance.now() - t0;
  return { per_s: +((total / wall) * 1000).toFixed(1), p50_ms: pct(lat, 0.5), p99_ms: pct(lat, 0.99), wall_ms: wall };
}

const t = await openTestDb(values.engine as Engine);
try {
  await buildTestCounty(t.db);
  const residents = await bulkResidents(t.db, Math.max(BUNDLES, 1000), VILLAGE_A, 'fb');
  const config = loadConfig({ MERIDIAN_DATA_DIR: '/nonexistent-bench-dir', MERIDIAN_SECRET_KEY: 'x'.repeat(32) });
  const app = await buildApp({ config, db: t.db, keys: t.keys }, { tokenRateLimit: 1000, systemRateLimit: 10_000_000 });
  await app.listen({ port: PORT, host: '127.0.0.1' });
  const sealer = startSealer(t.db, t.keys, { intervalMs: 200 });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const c = await createClient(t.db, null, { facilityCode: 'H0001', name: 'bench HIS', scopes: ['system/*.*'] });
  const tok = await fetch(`${base}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `grant_type=client_credentials&client_id=${c.client.clientId}&client_secret=${c.clientSecret}` });
  const auth = `Bearer ${((await tok.json()) as { access_token: string }).access_token}`;

  // ---- Patient read ----
  const pick = (i: number) => residents[(i * 7919) % residents.length];
  const httpRead = async (i: number) => {
    const r = await fetch(`${base}/fhir/R4/Patient/${pick(i)}`, { headers: { authorization: auth } });
    if (r.status !== 200) throw new Error(`Patient read ${r.status} ${await r.text()}`);
    await r.arrayBuffer();
  };
  const sqlRead = async (i: number) => {
    await t.db.query('SELECT r.*, v.name AS village_name FROM residents r JOIN regions v ON v.code = r.village_code WHERE r.id = $1 AND r.merged_into IS NULL', [pick(i)]);
  };
  await drive(100, 4, httpRead); // warm-up
  const read1 = await drive(READS, 1, httpRead);
  const sql1 = await drive(READS, 1, sqlRead);
  const read32 = await drive(READS, 32, httpRead);
  const sql32 = await drive(READS, 32, sqlRead);

  // ---- transaction ingest ----
  const ago = Date.now() - 86_400_000;
  const CODES: [string, number, string][] = [['8480-6', 132, 'mm[Hg]'], ['8462-4', 84, 'mm[Hg]'], ['8867-4', 72, '/min'], ['8302-2', 168, 'cm'], ['29463-7', 64, 'kg'], ['39156-5', 22.7, 'kg/m2'], ['8280-0', 82, 'cm'], ['8310-5', 36.6, 'Cel'], ['1558-6', 5.4, 'mmol/L'], ['59408-5', 98, '%']];
  const bundleOf = (i: number) => {
    const pid = residents[i % residents.length];
    const enc = `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const at = new Date(ago + i * 1000).toISOString();
    return { resourceType: 'Bundle', type: 'transaction', entry: [
      { fullUrl: enc, resource: { resourceType: 'Encounter', status: 'finished', identifier: [{ system: 'urn:bench:enc', value: `e${i}` }], class: { code: 'AMB' }, subject: { reference: `Patient/${pid}` }, period: { start: at }, serviceProvider: { reference: 'Organization/H0001' } }, request: { method: 'POST', url: 'Encounter' } },
      ...CODES.map(([code, value, unit], k) => ({ resource: { resourceType: 'Observation', status: 'final', identifier: [{ system: 'urn:bench:obs', value: `o${i}-${k}` }], code: { coding: [{ system: 'http://loinc.org', code }] }, subject: { reference: `Patient/${pid}` }, encounter: { reference: enc }, effectiveDateTime: at, valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit } }, request: { method: 'POST', url: 'Observation' } })),
    ] };
  };
  const ingest = await drive(BUNDLES, INGEST_CLIENTS, async (i) => {
    const r = await fetch(`${base}/fhir/R4`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/fhir+json' }, body: JSON.stringify(bundleOf(i)) });
    if (r.status !== 200) throw new Error(`transaction ${r.status} ${await r.text()}`);
    await r.arrayBuffer();
  });
  const resources = BUNDLES * (1 + CODES.length);
  const [{ stored }] = await t.db.query<{ stored: number }>("SELECT count(*)::int AS stored FROM observations WHERE source_system = 'urn:bench:obs'");
  if (stored !== BUNDLES * CODES.length) throw new Error(`stored ${stored} observations, expected ${BUNDLES * CODES.length}`);
  // The baseline: the same number of rows (observations) by one raw COPY, no rules, no audit.
  const lines = Array.from({ length: resources }, (_v, i) => [residents[i % residents.length], CODES[i % CODES.length][0], CODES[i % CODES.length][1], CODES[i % CODES.length][2], new Date(ago + i).toISOString(), 'urn:bench:copy', `c${i}`, ''].join('\t')).join('\n') + '\n';
  const c0 = performance.now();
  await t.db.copyIn('observations', ['resident_id', 'code', 'value', 'unit', 'observed_at', 'source_system', 'source_id', 'sender'], lines);
  const copyMs = performance.now() - c0;
  const ingestPerS = +((resources / ingest.wall_ms) * 1000).toFixed(1);
  const copyPerS = +((resources / copyMs) * 1000).toFixed(1);

  await sealer.stop();
  await app.close();
  console.log(JSON.stringify({
    bench: 'fhir', engine: t.db.engine,
    patient_read_1: { ...read1, wall_ms: undefined }, sql_read_1: { ...sql1, wall_ms: undefined }, ratio_read_1: +(read1.per_s / sql1.per_s).toFixed(3),
    patient_read_32: { ...read32, wall_ms: undefined }, sql_read_32: { ...sql32, wall_ms: undefined }, ratio_read_32: +(read32.per_s / sql32.per_s).toFixed(3),
    transaction_bundles: BUNDLES, transaction_clients: INGEST_CLIENTS, transaction_resources: resources, transaction_resources_per_s: ingestPerS, transaction_p50_ms: ingest.p50_ms, transaction_p99_ms: ingest.p99_ms,
    copy_rows_per_s: copyPerS, ratio_ingest: +(ingestPerS / copyPerS).toFixed(4), cores: (await import('node:os')).availableParallelism(),
  }));
} finally {
  await t.close();
}
