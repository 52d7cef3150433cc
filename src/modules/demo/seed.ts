// `meridian seed --county CODE --residents N --seed S`: builds a county as it could be, the same for
// the same seed — real regions, facilities, a tight medical community, health workers near the
// national ratios, residents with households and chronic conditions — then the demo sign-ins.
import { readFileSync } from 'node:fs';
import type { Db, Queryable } from '../../platform/db.ts';
import { encrypt, lookupHash, type Keys } from '../../platform/crypto.ts';
import { writeAudit } from '../../platform/audit.ts';
import { parseCsv } from '../registry/csv.ts';
import { upsertRegions, type ImportedRegion } from '../registry/regions.ts';
import type { RegionLevel } from '../registry/rules.ts';
import { pinyinKeys } from '../registry/names.ts';
import { buildFacilities, type SeedFacility, type SeedRegion } from './facilities.ts';
import { copyText, insertMany, uuidFrom, type Column } from './load.ts';
import { seedHistory } from './history.ts';
import { seedReferrals } from './referrals.ts';
import { seedIndicators } from './indicators.ts';
import { rng as makeRng } from './rng.ts';
import { generatePopulation, generateWorkers, type SynthResident, type SynthWorker } from './people.ts';

export const REGIONS_CSV = new URL('../../../data/regions/regions.csv', import.meta.url).pathname;

export interface SeedOptions {
  county: string;
  residents: number;
  seed: number;
  year?: number;
  log?: (m: string) => void;
  /** Compute the indicators at the end (default true; the indicators benchmark times it itself). */
  indicators?: boolean;
}

export interface SeedSummary {
  regions: number;
  facilities: number;
  workers: number;
  households: number;
  residents: number;
  contracts: number;
  encounters: number;
  ms: Record<string, number>;
}

/** Reads the shipped region tree. */
export function shippedRegions(): ImportedRegion[] {
  const { rows } = parseCsv(readFileSync(REGIONS_CSV, 'utf8'));
  const [header, ...body] = rows;
  const at = (n: string) => header.indexOf(n);
  return body.map((r) => ({ code: r[at('code')], name: r[at('name')], parentCode: r[at('parent_code')] || null, level: r[at('level')] as RegionLevel }));
}

async function insertFacilities(q: Queryable, list: SeedFacility[]): Promise<Map<string, string>> {
  const cols = [
    { name: 'code', type: 'text', get: (f: SeedFacility) => f.code }, { name: 'name', type: 'text', get: (f: SeedFacility) => f.name },
    { name: 'tier', type: 'text', get: (f: SeedFacility) => f.tier }, { name: 'kind', type: 'text', get: (f: SeedFacility) => f.kind },
    { name: 'grade', type: 'text', get: (f: SeedFacility) => f.grade }, { name: 'region_code', type: 'text', get: (f: SeedFacility) => f.regionCode },
    { name: 'beds', type: 'int', get: (f: SeedFacility) => f.beds }, { name: 'capability_standard', type: 'text', get: (f: SeedFacility) => f.capabilityStandard },
    { name: 'community_hospital', type: 'bool', get: (f: SeedFacility) => f.communityHospital }, { name: 'county_subcentre', type: 'bool', get: (f: SeedFacility) => f.countySubcentre },
    { name: 'opened_on', type: 'date', get: () => '2000-01-01' },
  ];
  await insertMany(q, 'facilities', cols, list);
  await q.query(`UPDATE facilities f SET parent_facility_id = p.id FROM unnest($1::text[], $2::text[]) AS x(code, parent) JOIN facilities p ON p.code = x.parent WHERE f.code = x.code`,
    [list.filter((f) => f.parentCode).map((f) => f.code), list.filter((f) => f.parentCode).map((f) => f.parentCode)]);
  const rows = await q.query<{ id: string; code: string }>('SELECT id, code FROM facilities');
  return new Map(rows.map((r) => [r.code, r.id]));
}

/** Seeds the county into an empty registry; returns counts and the time of each step. */
export async function seedCounty(db: Db, keys: Keys, o: SeedOptions): Promise<SeedSummary> {
  const log = o.log ?? (() => {});
  const ms: Record<string, number> = {};
  const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const out = await fn();
    ms[name] = Math.round(performance.now() - t0);
    log(`seed: ${name} (${ms[name]} ms)`);
    return out;
  };
  const year = o.year ?? new Date().getFullYear();
  const all = shippedRegions();
  const county = all.find((r) => r.code === o.county);
  if (!county) throw new Error(`county ${o.county} is not in ${REGIONS_CSV}; import its tree with \`meridian regions import\` first`);
  if (!all.some((r) => r.level === 'village' && r.code.startsWith(o.county))) throw new Error(`the shipped tree has no villages under ${o.county}`);
  const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM residents');
  if (n > 0) throw new Error('the database already holds residents; seed an empty database');
  const rng = makeRng(o.seed);
  const regions: SeedRegion[] = all.map((r) => ({ code: r.code, name: r.name, parentCode: r.parentCode, level: r.level }));

  await step('regions', () => db.tx((q) => upsertRegions(q, all)));
  const facilities = buildFacilities({ code: county.code, name: county.name, parentCode: county.parentCode, level: county.level }, regions, rng);
  const facilityIds = await step('facilities', () => db.tx(async (q) => {
    const ids = await insertFacilities(q, facilities);
    const lead = facilities.find((f) => f.tier === 'county' && f.kind === 'general_hospital')!;
    const [c] = await q.query<{ id: string }>(`INSERT INTO communities (name, kind, tight, lead_facility_id, region_code) VALUES ($1, 'county_community', true, $2, $3) RETURNING id`,
      [`${county.name}县域医共体`, ids.get(lead.code), county.code]);
    const members = facilities.filter((f) => f.code === lead.code || f.tier === 'township' || f.tier === 'village');
    await insertMany(q, 'community_members', [
      { name: 'community_id', type: 'uuid', get: () => c.id }, { name: 'facility_id', type: 'uuid', get: (f: SeedFacility) => ids.get(f.code) },
      { name: 'joined_on', type: 'date', get: (f: SeedFacility) => (f.code === lead.code ? '2020-01-01' : '2021-07-01') }, { name: 'tight', type: 'bool', get: () => true },
    ], members);
    return ids;
  }));

  const villages = regions.filter((r) => r.level === 'village' && r.code.startsWith(o.county));
  const people = await step('generate', async () => generatePopulation({ villages, residents: o.residents, seed: o.seed, countyCode: o.county, year }));
  const workers = generateWorkers({ facilities, population: o.residents, seed: o.seed });

  await step('workers', () => db.tx(async (q) => {
    await insertMany(q, 'workers', [
      { name: 'id', type: 'uuid', get: (w: SynthWorker) => w.id }, { name: 'name', type: 'text', get: (w: SynthWorker) => w.name },
      { name: 'sex', type: 'text', get: (w: SynthWorker) => w.sex }, { name: 'birth_date', type: 'date', get: (w: SynthWorker) => w.birth_date },
      { name: 'worker_type', type: 'text', get: (w: SynthWorker) => w.worker_type }, { name: 'specialty', type: 'text', get: (w: SynthWorker) => w.specialty },
      { name: 'title', type: 'text', get: (w: SynthWorker) => w.title }, { name: 'qualified', type: 'bool', get: (w: SynthWorker) => w.qualified },
      { name: 'employer_id', type: 'uuid', get: (w: SynthWorker) => facilityIds.get(w.employer_code) },
    ], workers);
  }));

  const next = () => rng.next();
  const householdIds = new Map<string, string>();
  for (const r of people.residents) if (!householdIds.has(r.household_key)) householdIds.set(r.household_key, uuidFrom(next));
  await step('residents', () => loadResidents(db, keys, people.residents, householdIds, next));
  const history = await step('history', () => seedHistory(db, { county: o.county, seed: o.seed, log }));
  await step('referrals', () => seedReferrals(db, { county: o.county, seed: o.seed, log }));
  await step('population', () => db.tx(async (q) => {
    // The seeded county is the whole county: its permanent population is counted from the residents.
    await q.query(`INSERT INTO region_population (region_code, year, population, source)
      SELECT code, $2, n, 'seed' FROM (
        SELECT village_code AS code, count(*) AS n FROM residents WHERE permanent AND death_date IS NULL AND county_code = $1 GROUP BY 1
        UNION ALL SELECT left(village_code, 9) || '000', count(*) FROM residents WHERE permanent AND death_date IS NULL AND county_code = $1 GROUP BY 1
        UNION ALL SELECT county_code, count(*) FROM residents WHERE permanent AND death_date IS NULL AND county_code = $1 GROUP BY 1) x
      WHERE code IN (SELECT code FROM regions)
      ON CONFLICT (region_code, year) DO UPDATE SET population = EXCLUDED.population, source = 'seed'`, [o.county, year]);
    await writeAudit(q, { userId: null, username: 'seed', role: 'sysadmin', ip: null }, { action: 'demo.seed', outcome: 'ok', details: { county: o.county, residents: o.residents, seed: o.seed } });
  }));
  // Fresh statistics after a bulk load: without them the planner takes the new tables for empty and
  // chooses nested loops that take minutes instead of milliseconds.
  await step('analyze', () => db.exec('ANALYZE'));
  await step('indicators', () => seedIndicators(db, o.county, log, o.indicators !== false));
  return { regions: all.length, facilities: facilities.length, workers: workers.length, households: householdIds.size, residents: people.residents.length, contracts: history.contracts, encounters: history.encounters, ms };
}

/** Loads residents and their households with COPY in batches (the part the seed benchmark measures). */
export async function loadResidents(db: Db, keys: Keys, residents: SynthResident[], householdIds: Map<string, string>, next: () => number, batch = 50_000): Promise<void> {
  const hh = new Map<string, { id: string; village: string }>();
  for (const r of residents) if (!hh.has(r.household_key)) hh.set(r.household_key, { id: householdIds.get(r.household_key)!, village: r.village_code });
  type H = [string, { id: string; village: string }];
  const hcols: Column<H>[] = [{ name: 'id', type: 'uuid', get: (h) => h[1].id }, { name: 'household_no', type: 'text', get: (h) => h[0] }, { name: 'village_code', type: 'text', get: (h) => h[1].village }];
  const households = [...hh.entries()];
  for (let i = 0; i < households.length; i += batch) await db.copyIn('households', hcols.map((c) => c.name), copyText(hcols, households.slice(i, i + batch)));
  // Names repeat a great deal in a county: romanise each once.
  const pinyinCache = new Map<string, { full: string; initials: string }>();
  const py = (name: string) => {
    let v = pinyinCache.get(name);
    if (!v) pinyinCache.set(name, (v = pinyinKeys(name)));
    return v;
  };
  type P = { r: SynthResident; id: string; enc: string; hash: string; py: { full: string; initials: string }; phoneEnc: string | null; phoneHash: string | null };
  const cols: Column<P>[] = [
    { name: 'id', type: 'uuid', get: (p) => p.id }, { name: 'county_code', type: 'text', get: (p) => p.r.village_code.slice(0, 6) },
    { name: 'id_type', type: 'text', get: () => 'resident_id' }, { name: 'id_number_enc', type: 'text', get: (p) => p.enc },
    { name: 'id_number_hash', type: 'text', get: (p) => p.hash }, { name: 'id_number_last4', type: 'text', get: (p) => p.r.id_number.slice(-4) },
    { name: 'name', type: 'text', get: (p) => p.r.name }, { name: 'name_pinyin', type: 'text', get: (p) => p.py.full },
    { name: 'name_initials', type: 'text', get: (p) => p.py.initials }, { name: 'sex', type: 'text', get: (p) => p.r.sex },
    { name: 'birth_date', type: 'date', get: (p) => p.r.birth_date }, { name: 'ethnicity', type: 'text', get: (p) => p.r.ethnicity },
    { name: 'phone_enc', type: 'text', get: (p) => p.phoneEnc }, { name: 'phone_hash', type: 'text', get: (p) => p.phoneHash },
    { name: 'phone_last4', type: 'text', get: (p) => p.r.phone?.slice(-4) ?? null }, { name: 'household_id', type: 'uuid', get: (p) => householdIds.get(p.r.household_key) },
    { name: 'relation_to_head', type: 'text', get: (p) => p.r.relation_to_head }, { name: 'village_code', type: 'text', get: (p) => p.r.village_code },
    { name: 'registered_village_code', type: 'text', get: (p) => p.r.registered_village_code }, { name: 'permanent', type: 'bool', get: (p) => p.r.permanent },
    { name: 'death_date', type: 'date', get: (p) => p.r.death_date }, { name: 'conditions', type: 'text[]', get: (p) => `{${p.r.conditions.join(',')}}` },
  ];
  for (let i = 0; i < residents.length; i += batch) {
    const slice = residents.slice(i, i + batch).map((r): P => ({
      r, id: uuidFrom(next), enc: encrypt(keys, r.id_number), hash: lookupHash(keys, r.id_number), py: py(r.name),
      phoneEnc: r.phone ? encrypt(keys, r.phone) : null, phoneHash: r.phone ? lookupHash(keys, r.phone) : null,
    }));
    await db.copyIn('residents', cols.map((c) => c.name), copyText(cols, slice));
  }
}
