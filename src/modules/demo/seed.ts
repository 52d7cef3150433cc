// `meridian seed --county CODE --residents N --seed S`: builds a county as it could be, the same for
// the same seed — real regions, facilities, a tight medical community, health workers near the
// national ratios, residents with households and chronic conditions — then the demo sign-ins.
import { readFileSync } from 'node:fs';
import { dayOf, startOfDay, today } from '../../shared/time.ts';
import type { Db } from '../../platform/db.ts';
import { encrypt, lookupHash, type Keys } from '../../platform/crypto.ts';
import { writeAudit } from '../../platform/audit.ts';
import { parseCsv } from '../registry/csv.ts';
import { upsertRegions, type ImportedRegion } from '../registry/regions.ts';
import type { RegionLevel } from '../registry/rules.ts';
import { pinyinKeys } from '../registry/names.ts';
import { copyHouseholds, copyResidents, countPopulationFromResidents, createCommunity, loadCommunityMembers, loadFacilities, loadWorkers, type BulkHousehold, type BulkResident } from '../registry/bulk.ts';
import { buildFacilities, settledVillages, type SeedRegion } from './facilities.ts';
import { uuidFrom } from './load.ts';
import { seedHistory } from './history.ts';
import { seedImmunisation } from './immunisation.ts';
import { seedElderly } from './elderly.ts';
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
  /**
   * The moment the seeded history ends (default: the start of today, Asia/Shanghai). One seed gives the same county
   * all day long: a history ending at the current instant would move each event with the hour of the run, and an event
   * near a month's end into the next month at a later hour.
   */
  asOf?: Date;
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
  const asOf = o.asOf ?? startOfDay(today());
  const year = o.year ?? Number(dayOf(asOf).slice(0, 4));
  const all = shippedRegions();
  const county = all.find((r) => r.code === o.county);
  if (!county) throw new Error(`county ${o.county} is not in ${REGIONS_CSV}; import its tree with \`meridian regions import\` first`);
  if (!all.some((r) => r.level === 'village' && r.code.startsWith(o.county))) throw new Error(`the shipped tree has no villages under ${o.county}`);
  const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM residents');
  if (n > 0) throw new Error('the database already holds residents; seed an empty database');
  const rng = makeRng(o.seed);
  const regions: SeedRegion[] = all.map((r) => ({ code: r.code, name: r.name, parentCode: r.parentCode, level: r.level }));

  await step('regions', () => db.tx((q) => upsertRegions(q, all)));
  const villages = settledVillages(o.county, regions, o.residents, rng);
  const facilities = buildFacilities({ code: county.code, name: county.name, parentCode: county.parentCode, level: county.level }, regions, rng, o.residents, villages);
  const facilityIds = await step('facilities', () => db.tx(async (q) => {
    const ids = await loadFacilities(q, facilities.map((f) => ({ ...f, openedOn: '2000-01-01' })));
    const lead = facilities.find((f) => f.tier === 'county' && f.kind === 'general_hospital')!;
    const community = await createCommunity(q, { name: `${county.name}县域医共体`, kind: 'county_community', tight: true, leadFacilityId: ids.get(lead.code)!, regionCode: county.code });
    const members = facilities.filter((f) => f.code === lead.code || f.tier === 'township' || f.tier === 'village');
    await loadCommunityMembers(q, members.map((f) => ({ communityId: community, facilityId: ids.get(f.code)!, joinedOn: f.code === lead.code ? '2020-01-01' : '2021-07-01', tight: true })));
    return ids;
  }));

  const people = await step('generate', async () => generatePopulation({ villages, residents: o.residents, seed: o.seed, countyCode: o.county, year }));
  const workers = generateWorkers({ facilities, population: o.residents, seed: o.seed });

  await step('workers', () => db.tx((q) => loadWorkers(q, workers.map((w: SynthWorker) => ({
    id: w.id, name: w.name, sex: w.sex, birthDate: w.birth_date, workerType: w.worker_type, specialty: w.specialty, title: w.title, qualified: w.qualified, employerId: facilityIds.get(w.employer_code)!,
  })))));

  const next = () => rng.next();
  const householdIds = new Map<string, string>();
  for (const r of people.residents) if (!householdIds.has(r.household_key)) householdIds.set(r.household_key, uuidFrom(next));
  await step('residents', () => loadResidents(db, keys, people.residents, householdIds, next));
  const history = await step('history', () => seedHistory(db, { county: o.county, seed: o.seed, asOf, log }));
  await step('referrals', () => seedReferrals(db, { county: o.county, seed: o.seed, asOf, log }));
  await step('immunisation', () => seedImmunisation(db, { county: o.county, seed: o.seed }));
  await step('elderly', () => seedElderly(db, { county: o.county, seed: o.seed }));
  await step('population', () => db.tx(async (q) => {
    // The seeded county is the whole county: its permanent population is counted from the residents.
    await countPopulationFromResidents(q, o.county, year);
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
  const hh = new Map<string, BulkHousehold>();
  for (const r of residents) if (!hh.has(r.household_key)) hh.set(r.household_key, { id: householdIds.get(r.household_key)!, householdNo: r.household_key, villageCode: r.village_code });
  const households = [...hh.values()];
  for (let i = 0; i < households.length; i += batch) await copyHouseholds(db, households.slice(i, i + batch));
  // Names repeat a great deal in a county: romanise each once.
  const pinyinCache = new Map<string, { full: string; initials: string }>();
  const py = (name: string) => {
    let v = pinyinCache.get(name);
    if (!v) pinyinCache.set(name, (v = pinyinKeys(name)));
    return v;
  };
  for (let i = 0; i < residents.length; i += batch) {
    const slice = residents.slice(i, i + batch).map((r): BulkResident => {
      const id = uuidFrom(next);
      const enc = encrypt(keys, r.id_number);
      const hash = lookupHash(keys, r.id_number);
      const p = py(r.name);
      return {
        id, countyCode: r.village_code.slice(0, 6), idType: 'resident_id', idNumberEnc: enc, idNumberHash: hash, idNumberLast4: r.id_number.slice(-4),
        name: r.name, namePinyin: p.full, nameInitials: p.initials, sex: r.sex, birthDate: r.birth_date, ethnicity: r.ethnicity,
        phoneEnc: r.phone ? encrypt(keys, r.phone) : null, phoneHash: r.phone ? lookupHash(keys, r.phone) : null, phoneLast4: r.phone?.slice(-4) ?? null,
        householdId: householdIds.get(r.household_key) ?? null, relationToHead: r.relation_to_head, villageCode: r.village_code,
        registeredVillageCode: r.registered_village_code, permanent: r.permanent, deathDate: r.death_date, conditions: r.conditions,
      };
    });
    await copyResidents(db, slice);
  }
}
