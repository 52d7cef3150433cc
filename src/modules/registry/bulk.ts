// The registry's bulk loaders (the demo county, imports): facilities, the medical community, health
// workers, households, residents and the counted population, written here by their owner. Callers
// hand over rows; COPY goes through ownedCopy('registry'), the rest through batched INSERT … unnest.
import type { Db, Queryable } from '../../platform/db.ts';
import { copyText, insertMany, type Column } from '../../platform/bulk.ts';
import { ownedCopy } from '../../platform/ownership.ts';

const copy = ownedCopy('registry');

export interface BulkFacility {
  code: string; name: string; tier: string; kind: string; grade: string; regionCode: string; beds: number;
  capabilityStandard: string | null; communityHospital: boolean; countySubcentre: boolean;
  /** The parent facility (a village clinic's township centre), by code, among these or already loaded. */
  parentCode: string | null;
  openedOn: string;
}

/** Loads facilities and links each to its parent by code; returns the id of every facility by code. */
export async function loadFacilities(q: Queryable, list: readonly BulkFacility[]): Promise<Map<string, string>> {
  const cols: Column<BulkFacility>[] = [
    { name: 'code', type: 'text', get: (f) => f.code }, { name: 'name', type: 'text', get: (f) => f.name },
    { name: 'tier', type: 'text', get: (f) => f.tier }, { name: 'kind', type: 'text', get: (f) => f.kind },
    { name: 'grade', type: 'text', get: (f) => f.grade }, { name: 'region_code', type: 'text', get: (f) => f.regionCode },
    { name: 'beds', type: 'int', get: (f) => f.beds }, { name: 'capability_standard', type: 'text', get: (f) => f.capabilityStandard },
    { name: 'community_hospital', type: 'bool', get: (f) => f.communityHospital }, { name: 'county_subcentre', type: 'bool', get: (f) => f.countySubcentre },
    { name: 'opened_on', type: 'date', get: (f) => f.openedOn },
  ];
  await insertMany(q, 'facilities', cols, list);
  const children = list.filter((f) => f.parentCode);
  await q.query(`UPDATE facilities f SET parent_facility_id = p.id FROM unnest($1::text[], $2::text[]) AS x(code, parent) JOIN facilities p ON p.code = x.parent WHERE f.code = x.code`,
    [children.map((f) => f.code), children.map((f) => f.parentCode)]);
  const rows = await q.query<{ id: string; code: string }>('SELECT id, code FROM facilities');
  return new Map(rows.map((r) => [r.code, r.id]));
}

/** Creates a medical community (医共体) led by a facility; returns its id. */
export async function createCommunity(q: Queryable, c: { name: string; kind: string; tight: boolean; leadFacilityId: string; regionCode: string }): Promise<string> {
  const [row] = await q.query<{ id: string }>('INSERT INTO communities (name, kind, tight, lead_facility_id, region_code) VALUES ($1, $2, $3, $4, $5) RETURNING id',
    [c.name, c.kind, c.tight, c.leadFacilityId, c.regionCode]);
  return row.id;
}

export interface BulkCommunityMember { communityId: string; facilityId: string; joinedOn: string; tight: boolean }

/** Loads the member facilities of communities. */
export async function loadCommunityMembers(q: Queryable, rows: readonly BulkCommunityMember[]): Promise<void> {
  await insertMany(q, 'community_members', [
    { name: 'community_id', type: 'uuid', get: (m: BulkCommunityMember) => m.communityId }, { name: 'facility_id', type: 'uuid', get: (m) => m.facilityId },
    { name: 'joined_on', type: 'date', get: (m) => m.joinedOn }, { name: 'tight', type: 'bool', get: (m) => m.tight },
  ], rows);
}

export interface BulkWorker { id: string; name: string; sex: string; birthDate: string | null; workerType: string; specialty: string | null; title: string | null; qualified: boolean; employerId: string }

/** Loads health workers (ids given by the caller). */
export async function loadWorkers(q: Queryable, rows: readonly BulkWorker[]): Promise<void> {
  await insertMany(q, 'workers', [
    { name: 'id', type: 'uuid', get: (w: BulkWorker) => w.id }, { name: 'name', type: 'text', get: (w) => w.name },
    { name: 'sex', type: 'text', get: (w) => w.sex }, { name: 'birth_date', type: 'date', get: (w) => w.birthDate },
    { name: 'worker_type', type: 'text', get: (w) => w.workerType }, { name: 'specialty', type: 'text', get: (w) => w.specialty },
    { name: 'title', type: 'text', get: (w) => w.title }, { name: 'qualified', type: 'bool', get: (w) => w.qualified },
    { name: 'employer_id', type: 'uuid', get: (w) => w.employerId },
  ], rows);
}

export interface BulkHousehold { id: string; householdNo: string; villageCode: string }

/** Loads households with one COPY (outside any transaction: COPY runs on a connection of its own). */
export async function copyHouseholds(db: Pick<Db, 'copyIn'>, rows: readonly BulkHousehold[]): Promise<void> {
  const cols: Column<BulkHousehold>[] = [{ name: 'id', type: 'uuid', get: (h) => h.id }, { name: 'household_no', type: 'text', get: (h) => h.householdNo }, { name: 'village_code', type: 'text', get: (h) => h.villageCode }];
  await copy(db, 'households', cols.map((c) => c.name), copyText(cols, rows));
}

/** A resident as the registry stores one: identity number and phone already encrypted with their lookup hashes. */
export interface BulkResident {
  id: string; countyCode: string; idType: string; idNumberEnc: string; idNumberHash: string; idNumberLast4: string;
  name: string; namePinyin: string; nameInitials: string; sex: string; birthDate: string; ethnicity: string | null;
  phoneEnc: string | null; phoneHash: string | null; phoneLast4: string | null; householdId: string | null; relationToHead: string | null;
  villageCode: string; registeredVillageCode: string | null; permanent: boolean; deathDate: string | null; conditions: readonly string[];
}

const RESIDENT_COLUMNS: Column<BulkResident>[] = [
  { name: 'id', type: 'uuid', get: (p) => p.id }, { name: 'county_code', type: 'text', get: (p) => p.countyCode },
  { name: 'id_type', type: 'text', get: (p) => p.idType }, { name: 'id_number_enc', type: 'text', get: (p) => p.idNumberEnc },
  { name: 'id_number_hash', type: 'text', get: (p) => p.idNumberHash }, { name: 'id_number_last4', type: 'text', get: (p) => p.idNumberLast4 },
  { name: 'name', type: 'text', get: (p) => p.name }, { name: 'name_pinyin', type: 'text', get: (p) => p.namePinyin },
  { name: 'name_initials', type: 'text', get: (p) => p.nameInitials }, { name: 'sex', type: 'text', get: (p) => p.sex },
  { name: 'birth_date', type: 'date', get: (p) => p.birthDate }, { name: 'ethnicity', type: 'text', get: (p) => p.ethnicity },
  { name: 'phone_enc', type: 'text', get: (p) => p.phoneEnc }, { name: 'phone_hash', type: 'text', get: (p) => p.phoneHash },
  { name: 'phone_last4', type: 'text', get: (p) => p.phoneLast4 }, { name: 'household_id', type: 'uuid', get: (p) => p.householdId },
  { name: 'relation_to_head', type: 'text', get: (p) => p.relationToHead }, { name: 'village_code', type: 'text', get: (p) => p.villageCode },
  { name: 'registered_village_code', type: 'text', get: (p) => p.registeredVillageCode }, { name: 'permanent', type: 'bool', get: (p) => p.permanent },
  { name: 'death_date', type: 'date', get: (p) => p.deathDate }, { name: 'conditions', type: 'text[]', get: (p) => `{${p.conditions.join(',')}}` },
];

/** Loads residents with one COPY (outside any transaction). */
export async function copyResidents(db: Pick<Db, 'copyIn'>, rows: readonly BulkResident[]): Promise<void> {
  await copy(db, 'residents', RESIDENT_COLUMNS.map((c) => c.name), copyText(RESIDENT_COLUMNS, rows));
}

/**
 * Counts a whole county's permanent population from its living residents, by village, township and
 * county, into region_population for the year (source 'seed'; a year already counted is replaced).
 */
export async function countPopulationFromResidents(q: Queryable, county: string, year: number): Promise<void> {
  await q.query(`INSERT INTO region_population (region_code, year, population, source)
    SELECT code, $2, n, 'seed' FROM (
      SELECT village_code AS code, count(*) AS n FROM residents WHERE permanent AND death_date IS NULL AND county_code = $1 GROUP BY 1
      UNION ALL SELECT left(village_code, 9) || '000', count(*) FROM residents WHERE permanent AND death_date IS NULL AND county_code = $1 GROUP BY 1
      UNION ALL SELECT county_code, count(*) FROM residents WHERE permanent AND death_date IS NULL AND county_code = $1 GROUP BY 1) x
    WHERE code IN (SELECT code FROM regions)
    ON CONFLICT (region_code, year) DO UPDATE SET population = EXCLUDED.population, source = 'seed'`, [county, year]);
}
