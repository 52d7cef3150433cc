// bench/seed: loads N residents with their households through the seed's real path (encryption,
// lookup hashes, pinyin, batched unnest inserts) and, in the same run on the same engine, a raw COPY
// of the same rows into an empty copy of the table. Prints one JSON line per engine, then a summary.
//   npm run bench -- seed [--residents 600000] [--engine pglite|postgres|both]
// PostgreSQL: BENCH_DATABASE_URL or TEST_DATABASE_URL (a schema of its own, dropped afterwards).
import { parseArgs } from 'node:util';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { openTestDb, type Engine } from '../test/helpers/db.ts';
import { generatePopulation } from '../src/modules/demo/people.ts';
import { shippedRegions, loadResidents } from '../src/modules/demo/seed.ts';
import { upsertRegions } from '../src/modules/registry/regions.ts';
import { encrypt, lookupHash } from '../src/platform/crypto.ts';
import { pinyinKeys } from '../src/modules/registry/names.ts';
import { rng } from '../src/modules/demo/rng.ts';
import { uuidFrom } from '../src/modules/demo/load.ts';

const { values } = parseArgs({ options: { residents: { type: 'string', default: '600000' }, engine: { type: 'string', default: 'both' } } });
const N = Number(values.residents);
const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
const engines: Engine[] = values.engine === 'both' ? ['pglite', ...(url ? (['postgres'] as const) : [])] : [values.engine as Engine];
if (engines.includes('postgres') && !url) throw new Error('set BENCH_DATABASE_URL or TEST_DATABASE_URL for the PostgreSQL engine');
if (url) process.env.TEST_DATABASE_URL = url;

const regions = shippedRegions();
const villages = regions.filter((r) => r.level === 'village' && r.code.startsWith('371003')).map((r) => ({ code: r.code, name: r.name, parentCode: r.parentCode, level: r.level }));
const t0 = performance.now();
const { residents } = generatePopulation({ villages, residents: N, seed: 42, countyCode: '371003', year: 2026 });
const generateMs = performance.now() - t0;
const results: Record<string, unknown>[] = [];

// The baseline: a plain COPY statement of prepared text, written directly against each driver.
async function rawCopy(engine: Engine, db: unknown, target: string, text: string): Promise<void> {
  if (engine === 'pglite') {
    const raw = (db as { raw: { query: (s: string, p: unknown[], o: { blob: Blob }) => Promise<unknown> } }).raw;
    await raw.query(`COPY ${target} FROM '/dev/blob'`, [], { blob: new Blob([text]) });
  } else {
    const client = await (db as { pool: import('pg').Pool }).pool.connect();
    try {
      await pipeline(Readable.from([text]), client.query(copyFrom(`COPY ${target} FROM STDIN`)));
    } finally {
      client.release();
    }
  }
}

const COLS = ['id', 'county_code', 'id_type', 'id_number_enc', 'id_number_hash', 'id_number_last4', 'name', 'name_pinyin', 'name_initials', 'sex', 'birth_date', 'ethnicity',
  'phone_enc', 'phone_hash', 'phone_last4', 'household_id', 'relation_to_head', 'village_code', 'registered_village_code', 'permanent', 'death_date', 'conditions'];
const esc = (v: unknown) => (v == null ? '\\N' : String(v).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n'));

for (const engine of engines) {
  const t = await openTestDb(engine);
  try {
    await t.db.tx((q) => upsertRegions(q, regions));
    const r = rng(7);
    const next = () => r.next();
    const hh = new Map<string, string>();
    for (const p of residents) if (!hh.has(p.household_key)) hh.set(p.household_key, uuidFrom(next));
    const s0 = performance.now();
    await loadResidents(t.db, t.keys, residents, hh, next);
    const seedMs = performance.now() - s0;

    // The same rows, fully prepared (encrypted, hashed, romanised), as COPY text into an empty twin table.
    // A twin of each table with the same indexes and foreign keys, so that both sides do the same work.
    await t.db.exec(`CREATE TABLE households_copy (LIKE households INCLUDING ALL);
      ALTER TABLE households_copy ADD FOREIGN KEY (village_code) REFERENCES regions(code);
      CREATE TABLE residents_copy (LIKE residents INCLUDING ALL);
      ALTER TABLE residents_copy ADD FOREIGN KEY (household_id) REFERENCES households_copy(id), ADD FOREIGN KEY (village_code) REFERENCES regions(code),
        ADD FOREIGN KEY (registered_village_code) REFERENCES regions(code)`);
    const villageOf = new Map(residents.map((p) => [p.household_key, p.village_code]));
    const hhText = [...hh.entries()].map(([no, id]) => [id, no, villageOf.get(no)].join('\t')).join('\n') + '\n';
    const lines = residents.map((p) => {
      const py = pinyinKeys(p.name);
      return [uuidFrom(next), p.village_code.slice(0, 6), 'resident_id', encrypt(t.keys, p.id_number), lookupHash(t.keys, p.id_number), p.id_number.slice(-4), p.name, py.full, py.initials, p.sex,
        p.birth_date, p.ethnicity, p.phone ? encrypt(t.keys, p.phone) : null, p.phone ? lookupHash(t.keys, p.phone) : null, p.phone?.slice(-4) ?? null, hh.get(p.household_key),
        p.relation_to_head, p.village_code, p.registered_village_code, p.permanent ? 't' : 'f', p.death_date, `{${p.conditions.join(',')}}`].map(esc).join('\t');
    });
    const text = lines.join('\n') + '\n';
    const c0 = performance.now();
    await rawCopy(t.db.engine, t.db, 'households_copy (id, household_no, village_code)', hhText);
    await rawCopy(t.db.engine, t.db, `residents_copy (${COLS.join(', ')})`, text);
    const copyMs = performance.now() - c0;
    const [{ n }] = await t.db.query<{ n: number }>('SELECT (SELECT count(*) FROM residents)::int + (SELECT count(*) FROM residents_copy)::int AS n');
    if (n !== 2 * N) throw new Error(`expected ${2 * N} rows, found ${n}`);
    const line = { bench: 'seed', engine, rows: N, households: hh.size, generate_ms: Math.round(generateMs), seed_ms: Math.round(seedMs), rows_per_s: Math.round(N / (seedMs / 1000)),
      copy_ms: Math.round(copyMs), copy_rows_per_s: Math.round(N / (copyMs / 1000)), ratio: +((N / seedMs) / (N / copyMs)).toFixed(3) };
    results.push(line);
    console.log(JSON.stringify(line));
  } finally {
    await t.close();
  }
}
console.log(JSON.stringify({ bench: 'seed', rows: N, engines: results }));
