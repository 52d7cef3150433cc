// The registry's SQL: regions, facilities, communities, workers and the resident master index, typed
// rows in and out, fixed statements with parameters (a scope is a code prefix, null for everywhere).
// Its services (regions.ts, facilities.ts, workers.ts, residents.ts) call these; no other module does.
import type { Queryable } from '../../platform/db.ts';
import type { FacilityKind, RegionLevel, Tier } from './rules.ts';
import type { IdType } from './residents.ts';
import type { PostingKind, WorkerType } from './workers.ts';

// ---- regions ----

export async function regionCodes(q: Queryable): Promise<string[]> {
  return (await q.query<{ code: string }>('SELECT code FROM regions')).map((r) => r.code);
}

export interface RegionUpsert { code: string; name: string; parentCode: string | null; level: RegionLevel; urban: boolean | null }
/** Inserts regions or renames existing ones (one statement per batch). */
export async function upsertRegions(q: Queryable, b: RegionUpsert[]): Promise<void> {
  await q.query(
    `INSERT INTO regions (code, name, parent_code, level, urban)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::boolean[])
     ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name`,
    [b.map((r) => r.code), b.map((r) => r.name), b.map((r) => r.parentCode), b.map((r) => r.level), b.map((r) => r.urban)],
  );
}

export interface RegionChildRow { code: string; name: string; parent_code: string | null; level: RegionLevel; urban: boolean | null; population: number | null; year: number | null; children: number }
/** The top-level regions, each with its latest population and child count. */
export function regionRoots(q: Queryable): Promise<RegionChildRow[]> {
  return q.query<RegionChildRow>(
    `SELECT r.code, r.name, r.parent_code, r.level, r.urban, p.population, p.year, (SELECT count(*) FROM regions c WHERE c.parent_code = r.code)::int AS children
       FROM regions r
       LEFT JOIN LATERAL (SELECT population, year FROM region_population WHERE region_code = r.code ORDER BY year DESC LIMIT 1) p ON true
      WHERE r.parent_code IS NULL ORDER BY r.code`);
}

/** The children of a region, each with its latest population and child count. */
export function regionChildren(q: Queryable, parent: string): Promise<RegionChildRow[]> {
  return q.query<RegionChildRow>(
    `SELECT r.code, r.name, r.parent_code, r.level, r.urban, p.population, p.year, (SELECT count(*) FROM regions c WHERE c.parent_code = r.code)::int AS children
       FROM regions r
       LEFT JOIN LATERAL (SELECT population, year FROM region_population WHERE region_code = r.code ORDER BY year DESC LIMIT 1) p ON true
      WHERE r.parent_code = $1 ORDER BY r.code`, [parent]);
}

export function regionPath(q: Queryable, code: string): Promise<{ code: string; name: string; level: RegionLevel }[]> {
  return q.query<{ code: string; name: string; level: RegionLevel }>(
    `WITH RECURSIVE up AS (SELECT code, name, level, parent_code, 0 AS d FROM regions WHERE code = $1
       UNION ALL SELECT r.code, r.name, r.level, r.parent_code, up.d + 1 FROM regions r JOIN up ON r.code = up.parent_code)
     SELECT code, name, level FROM up ORDER BY d DESC`,
    [code],
  );
}

export async function regionLevel(q: Queryable, code: string): Promise<RegionLevel | null> {
  const [r] = await q.query<{ level: RegionLevel }>('SELECT level FROM regions WHERE code = $1', [code]);
  return r?.level ?? null;
}

export async function setPopulation(q: Queryable, code: string, year: number, population: number, source: string): Promise<void> {
  await q.query(
    `INSERT INTO region_population (region_code, year, population, source) VALUES ($1, $2, $3, $4)
     ON CONFLICT (region_code, year) DO UPDATE SET population = EXCLUDED.population, source = EXCLUDED.source`,
    [code, year, population, source],
  );
}

// ---- facilities ----

export interface FacilityRow {
  id: string; code: string; name: string; tier: Tier; kind: FacilityKind; grade: string; region_code: string; region_name: string; parent_code: string | null; parent_name: string | null;
  beds: number; capability_standard: 'basic' | 'recommended' | null; community_hospital: boolean; county_subcentre: boolean; public_owned: boolean; opened_on: string | null; closed_on: string | null;
  version: number; community_id: string | null; community_name: string | null; joined_on: string | null;
}

export interface FacilityFilter { within: string | null; tier: Tier | null; kind: FacilityKind | null; q: string | null; limit: number; offset: number }
/** Facilities inside the scope matching the filters, county tier first, with the total for paging. */
export async function listFacilities(q: Queryable, f: FacilityFilter): Promise<{ rows: FacilityRow[]; total: number }> {
  const args = [f.within, f.tier, f.kind, f.q];
  const [{ n }] = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM facilities f
      WHERE ($1::text IS NULL OR f.region_code LIKE $1 || '%') AND ($2::text IS NULL OR f.tier = $2) AND ($3::text IS NULL OR f.kind = $3)
        AND ($4::text IS NULL OR f.name LIKE '%' || $4 || '%' OR f.code LIKE $4 || '%')`, args);
  const rows = await q.query<FacilityRow>(
    `SELECT f.*, r.name AS region_name, pf.code AS parent_code, pf.name AS parent_name, cm.community_id, c.name AS community_name, cm.joined_on
       FROM facilities f
       JOIN regions r ON r.code = f.region_code
       LEFT JOIN facilities pf ON pf.id = f.parent_facility_id
       LEFT JOIN community_members cm ON cm.facility_id = f.id AND cm.left_on IS NULL AND cm.tight
       LEFT JOIN communities c ON c.id = cm.community_id
      WHERE ($1::text IS NULL OR f.region_code LIKE $1 || '%') AND ($2::text IS NULL OR f.tier = $2) AND ($3::text IS NULL OR f.kind = $3)
        AND ($4::text IS NULL OR f.name LIKE '%' || $4 || '%' OR f.code LIKE $4 || '%')
      ORDER BY f.tier = 'village', f.tier = 'township', f.tier = 'county', f.code LIMIT $5 OFFSET $6`, [...args, f.limit, f.offset]);
  return { rows, total: n };
}

/** One facility by code inside the scope (null scope: anywhere). */
export async function facilityByCode(q: Queryable, code: string, within: string | null): Promise<FacilityRow | undefined> {
  const [r] = await q.query<FacilityRow>(
    `SELECT f.*, r.name AS region_name, pf.code AS parent_code, pf.name AS parent_name, cm.community_id, c.name AS community_name, cm.joined_on
       FROM facilities f
       JOIN regions r ON r.code = f.region_code
       LEFT JOIN facilities pf ON pf.id = f.parent_facility_id
       LEFT JOIN community_members cm ON cm.facility_id = f.id AND cm.left_on IS NULL AND cm.tight
       LEFT JOIN communities c ON c.id = cm.community_id
      WHERE f.code = $1 AND ($2::text IS NULL OR f.region_code LIKE $2 || '%')`, [code, within]);
  return r;
}

export async function facilityIdTier(q: Queryable, code: string): Promise<{ id: string; tier: Tier; name: string } | undefined> {
  const [f] = await q.query<{ id: string; tier: Tier; name: string }>('SELECT id, tier, name FROM facilities WHERE code = $1', [code]);
  return f;
}

export interface FacilityValues {
  name: string; tier: Tier; kind: FacilityKind; grade: string; regionCode: string; parentId: string | null; beds: number; capabilityStandard: 'basic' | 'recommended' | null;
  communityHospital: boolean; countySubcentre: boolean; publicOwned: boolean; openedOn: string | null; closedOn: string | null;
}
export async function insertFacility(q: Queryable, code: string, v: FacilityValues): Promise<string> {
  const [r] = await q.query<{ id: string }>(
    `INSERT INTO facilities (code, name, tier, kind, grade, region_code, parent_facility_id, beds, capability_standard, community_hospital, county_subcentre, public_owned, opened_on, closed_on)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14) RETURNING id`,
    [code, v.name, v.tier, v.kind, v.grade, v.regionCode, v.parentId, v.beds, v.capabilityStandard, v.communityHospital, v.countySubcentre, v.publicOwned, v.openedOn, v.closedOn]);
  return r.id;
}

/** Updates a facility if `version` is current; false when it is not. */
export async function updateFacility(q: Queryable, code: string, version: number, v: FacilityValues): Promise<boolean> {
  const rows = await q.query(
    `UPDATE facilities SET name=$3, tier=$4, kind=$5, grade=$6, region_code=$7, parent_facility_id=$8, beds=$9, capability_standard=$10,
       community_hospital=$11, county_subcentre=$12, public_owned=$13, opened_on=$14, closed_on=$15, version = version + 1, updated_at = now()
     WHERE code = $1 AND version = $2 RETURNING id`,
    [code, version, v.name, v.tier, v.kind, v.grade, v.regionCode, v.parentId, v.beds, v.capabilityStandard, v.communityHospital, v.countySubcentre, v.publicOwned, v.openedOn, v.closedOn]);
  return rows.length > 0;
}

// ---- communities ----

export interface CommunityRow { id: string; name: string; kind: 'county_community' | 'city_group'; tight: boolean; region_code: string; lead_code: string; lead_name: string }
export function listCommunities(q: Queryable, within: string | null): Promise<(CommunityRow & { members: number })[]> {
  return q.query<CommunityRow & { members: number }>(
    `SELECT c.id, c.name, c.kind, c.tight, c.region_code, f.code AS lead_code, f.name AS lead_name,
            (SELECT count(*) FROM community_members m WHERE m.community_id = c.id AND m.left_on IS NULL)::int AS members
       FROM communities c JOIN facilities f ON f.id = c.lead_facility_id
      WHERE ($1::text IS NULL OR c.region_code LIKE $1 || '%') ORDER BY c.name`, [within]);
}

export async function communityById(q: Queryable, id: string, within: string | null): Promise<CommunityRow | undefined> {
  const [c] = await q.query<CommunityRow>(
    `SELECT c.id, c.name, c.kind, c.tight, c.region_code, f.code AS lead_code, f.name AS lead_name FROM communities c JOIN facilities f ON f.id = c.lead_facility_id
      WHERE c.id = $1 AND ($2::text IS NULL OR c.region_code LIKE $2 || '%')`, [id, within]);
  return c;
}

export interface MemberRow { code: string; name: string; tier: Tier; kind: FacilityKind; joined_on: string; left_on: string | null }
export function communityMembers(q: Queryable, id: string): Promise<MemberRow[]> {
  return q.query<MemberRow>(
    `SELECT f.code, f.name, f.tier, f.kind, m.joined_on, m.left_on FROM community_members m JOIN facilities f ON f.id = m.facility_id
      WHERE m.community_id = $1 ORDER BY m.left_on IS NOT NULL, f.tier = 'village', f.tier = 'township', f.code`, [id]);
}

export async function insertCommunity(q: Queryable, c: { name: string; kind: string; tight: boolean; leadFacilityId: string; regionCode: string }): Promise<string> {
  const [r] = await q.query<{ id: string }>('INSERT INTO communities (name, kind, tight, lead_facility_id, region_code) VALUES ($1,$2,$3,$4,$5) RETURNING id', [c.name, c.kind, c.tight, c.leadFacilityId, c.regionCode]);
  return r.id;
}

/** The tight community a facility belongs to now, if any. */
export async function tightCommunityOf(q: Queryable, facilityId: string): Promise<{ name: string; community_id: string } | undefined> {
  const [c] = await q.query<{ name: string; community_id: string }>(
    'SELECT c.name, m.community_id FROM community_members m JOIN communities c ON c.id = m.community_id WHERE m.facility_id = $1 AND m.tight AND m.left_on IS NULL', [facilityId]);
  return c;
}

export async function insertMember(q: Queryable, communityId: string, facilityId: string, joinedOn: string, tight: boolean): Promise<void> {
  await q.query('INSERT INTO community_members (community_id, facility_id, joined_on, tight) VALUES ($1,$2,$3,$4)', [communityId, facilityId, joinedOn, tight]);
}

/** Records that a current member left on a date (not before it joined); false when there is none. */
export async function endMembership(q: Queryable, communityId: string, facilityCode: string, leftOn: string): Promise<boolean> {
  const rows = await q.query(
    `UPDATE community_members m SET left_on = $3 FROM facilities f
      WHERE f.id = m.facility_id AND m.community_id = $1 AND f.code = $2 AND m.left_on IS NULL AND m.joined_on <= $3 RETURNING m.facility_id`, [communityId, facilityCode, leftOn]);
  return rows.length > 0;
}

// ---- workers ----

export interface WorkerRow {
  id: string; name: string; sex: 'M' | 'F'; birth_date: string | null; worker_type: WorkerType; specialty: string | null; title: string | null; licence_no: string | null;
  qualified: boolean; active: boolean; employer_code: string; employer_name: string; employer_region: string; username: string | null;
}

export interface WorkerFilter { within: string | null; facilityCode: string | null; workerType: WorkerType | null; q: string | null; limit: number; offset: number }
/** Workers whose employer lies in the scope, matching the filters, with the total for paging. */
export async function listWorkers(q: Queryable, f: WorkerFilter): Promise<{ rows: WorkerRow[]; total: number }> {
  const args = [f.within, f.facilityCode, f.workerType, f.q];
  const [{ n }] = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM workers w JOIN facilities f ON f.id = w.employer_id
      WHERE ($1::text IS NULL OR f.region_code LIKE $1 || '%') AND ($2::text IS NULL OR f.code = $2) AND ($3::text IS NULL OR w.worker_type = $3) AND ($4::text IS NULL OR w.name LIKE '%' || $4 || '%')`, args);
  const rows = await q.query<WorkerRow>(
    `SELECT w.*, f.code AS employer_code, f.name AS employer_name, f.region_code AS employer_region,
            (SELECT u.username FROM users u WHERE u.worker_id = w.id LIMIT 1) AS username
       FROM workers w JOIN facilities f ON f.id = w.employer_id
      WHERE ($1::text IS NULL OR f.region_code LIKE $1 || '%') AND ($2::text IS NULL OR f.code = $2) AND ($3::text IS NULL OR w.worker_type = $3) AND ($4::text IS NULL OR w.name LIKE '%' || $4 || '%')
      ORDER BY f.code, w.name LIMIT $5 OFFSET $6`, [...args, f.limit, f.offset]);
  return { rows, total: n };
}

export async function workerById(q: Queryable, id: string, within: string | null): Promise<WorkerRow | undefined> {
  const [r] = await q.query<WorkerRow>(
    `SELECT w.*, f.code AS employer_code, f.name AS employer_name, f.region_code AS employer_region,
            (SELECT u.username FROM users u WHERE u.worker_id = w.id LIMIT 1) AS username
       FROM workers w JOIN facilities f ON f.id = w.employer_id
      WHERE w.id = $1 AND ($2::text IS NULL OR f.region_code LIKE $2 || '%')`, [id, within]);
  return r;
}

export interface PostingRow { id: string; code: string; name: string; kind: PostingKind; start_on: string; end_on: string | null }
export function postingsOf(q: Queryable, workerId: string): Promise<PostingRow[]> {
  return q.query<PostingRow>(
    'SELECT p.id, f.code, f.name, p.kind, p.start_on, p.end_on FROM worker_postings p JOIN facilities f ON f.id = p.facility_id WHERE p.worker_id = $1 ORDER BY p.start_on DESC', [workerId]);
}

export interface WorkerValues { name: string; sex: 'M' | 'F'; birthDate: string | null; workerType: WorkerType; specialty: string | null; title: string | null; licenceNo: string | null; qualified: boolean; employerId: string }
export async function insertWorker(q: Queryable, v: WorkerValues): Promise<string> {
  const [w] = await q.query<{ id: string }>(
    'INSERT INTO workers (name, sex, birth_date, worker_type, specialty, title, licence_no, qualified, employer_id) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id',
    [v.name, v.sex, v.birthDate, v.workerType, v.specialty, v.title, v.licenceNo, v.qualified, v.employerId]);
  return w.id;
}

export async function insertPosting(q: Queryable, workerId: string, facilityId: string, kind: PostingKind, startOn: string, endOn: string | null): Promise<void> {
  await q.query('INSERT INTO worker_postings (worker_id, facility_id, kind, start_on, end_on) VALUES ($1,$2,$3,$4,$5)', [workerId, facilityId, kind, startOn, endOn]);
}

/** The facilities a signed-in worker works at today: their user facility, their employer, and active postings. */
export async function facilityIdsOfUser(q: Queryable, facilityCode: string | null, userId: string): Promise<string[]> {
  const rows = await q.query<{ id: string }>(
    `SELECT f.id FROM facilities f WHERE f.code = $1
     UNION SELECT w.employer_id FROM users u JOIN workers w ON w.id = u.worker_id WHERE u.id = $2
     UNION SELECT wp.facility_id FROM users u JOIN worker_postings wp ON wp.worker_id = u.worker_id
            WHERE u.id = $2 AND wp.start_on <= current_date AND (wp.end_on IS NULL OR wp.end_on >= current_date)`,
    [facilityCode, userId]);
  return rows.map((r) => r.id);
}

// ---- residents (the master index) ----

export interface ResidentRow {
  id: string; name: string; sex: 'M' | 'F'; birth_date: string; id_type: IdType; id_number_last4: string; id_number_enc: string; phone_enc: string | null; phone_last4: string | null;
  ethnicity: string; village_code: string; village_name: string; township_name: string | null; registered_village_code: string | null; registered_place: string | null; household_no: string | null;
  relation_to_head: string | null; permanent: boolean; death_date: string | null; conditions: string[]; merged_into: string | null; version: number;
}

/** A resident with the names of where they live and where they are registered (户籍地: its township and village, when the tree holds them). */
const RESIDENT_FROM = `SELECT r.*, v.name AS village_name, t.name AS township_name, h.household_no,
            nullif(concat_ws(' ', rt.name, rv.name), '') AS registered_place
       FROM residents r JOIN regions v ON v.code = r.village_code LEFT JOIN regions t ON t.code = v.parent_code LEFT JOIN households h ON h.id = r.household_id
       LEFT JOIN regions rv ON rv.code = r.registered_village_code LEFT JOIN regions rt ON rt.code = rv.parent_code`;

/** One resident (merged away or not) inside the scope (null: anywhere). */
export async function residentById(q: Queryable, id: string, within: string | null): Promise<ResidentRow | undefined> {
  const [r] = await q.query<ResidentRow>(
    `${RESIDENT_FROM}
      WHERE r.id = $1 AND ($2::text IS NULL OR r.village_code LIKE $2 || '%')`, [id, within]);
  return r;
}

export function residentsByIds(q: Queryable, ids: string[]): Promise<ResidentRow[]> {
  return q.query<ResidentRow>(
    `${RESIDENT_FROM}
      WHERE r.id = ANY($1::uuid[])`, [ids]);
}

/** What a search looks for (each null when not): a scope, a village prefix, an identifier's or phone's lookup hash, a pinyin or name prefix. */
export interface ResidentSearch { within: string | null; village: string | null; idHash: string | null; phoneHash: string | null; pinyin: string | null; name: string | null; limit: number; offset: number }
export async function searchResidents(q: Queryable, s: ResidentSearch): Promise<{ rows: ResidentRow[]; total: number }> {
  const args = [s.within, s.village, s.idHash, s.phoneHash, s.pinyin, s.name];
  const [{ n }] = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM residents r
      WHERE r.merged_into IS NULL AND ($1::text IS NULL OR r.village_code LIKE $1 || '%') AND ($2::text IS NULL OR r.village_code LIKE $2 || '%')
        AND ($3::text IS NULL OR r.id_number_hash = $3) AND ($4::text IS NULL OR r.phone_hash = $4)
        AND ($5::text IS NULL OR r.name_pinyin LIKE $5 || '%' OR r.name_initials LIKE $5 || '%') AND ($6::text IS NULL OR r.name LIKE $6 || '%')`, args);
  const rows = await q.query<ResidentRow>(
    `${RESIDENT_FROM}
      WHERE r.merged_into IS NULL AND ($1::text IS NULL OR r.village_code LIKE $1 || '%') AND ($2::text IS NULL OR r.village_code LIKE $2 || '%')
        AND ($3::text IS NULL OR r.id_number_hash = $3) AND ($4::text IS NULL OR r.phone_hash = $4)
        AND ($5::text IS NULL OR r.name_pinyin LIKE $5 || '%' OR r.name_initials LIKE $5 || '%') AND ($6::text IS NULL OR r.name LIKE $6 || '%')
      ORDER BY r.name_pinyin, r.birth_date LIMIT $7 OFFSET $8`, [...args, s.limit, s.offset]);
  return { rows, total: n };
}

/** The live resident holding an identifier, other than `except`. */
export async function residentWithIdentifier(q: Queryable, idType: string, idHash: string, except: string | null): Promise<{ id: string; name: string } | undefined> {
  const [r] = await q.query<{ id: string; name: string }>(
    'SELECT id, name FROM residents WHERE id_type = $1 AND id_number_hash = $2 AND merged_into IS NULL AND ($3::uuid IS NULL OR id <> $3)', [idType, idHash, except]);
  return r;
}

/** The household of a number, made on first use. */
export async function householdId(q: Queryable, householdNo: string, villageCode: string): Promise<string> {
  const [h] = await q.query<{ id: string }>(
    'INSERT INTO households (household_no, village_code) VALUES ($1, $2) ON CONFLICT (household_no) DO UPDATE SET household_no = EXCLUDED.household_no RETURNING id', [householdNo, villageCode]);
  return h.id;
}

export interface ResidentValues {
  idType: IdType; idNumberEnc: string; idNumberHash: string; idNumberLast4: string; name: string; namePinyin: string; nameInitials: string; sex: 'M' | 'F'; birthDate: string;
  ethnicity: string; phoneEnc: string | null; phoneHash: string | null; phoneLast4: string | null; householdId: string | null; relationToHead: string | null; villageCode: string;
  registeredVillageCode: string | null; permanent: boolean;
}
const residentArgs = (v: ResidentValues) => [v.idType, v.idNumberEnc, v.idNumberHash, v.idNumberLast4, v.name, v.namePinyin, v.nameInitials, v.sex, v.birthDate, v.ethnicity,
  v.phoneEnc, v.phoneHash, v.phoneLast4, v.householdId, v.relationToHead, v.villageCode, v.registeredVillageCode, v.permanent];

export async function insertResident(q: Queryable, v: ResidentValues): Promise<string> {
  const [r] = await q.query<{ id: string }>(
    `INSERT INTO residents (id_type, id_number_enc, id_number_hash, id_number_last4, name, name_pinyin, name_initials, sex, birth_date, ethnicity,
       phone_enc, phone_hash, phone_last4, household_id, relation_to_head, village_code, registered_village_code, permanent, county_code)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18, left($16, 6)) RETURNING id`, residentArgs(v));
  return r.id;
}

/** Updates demographics if `version` is current; false when it is not. */
export async function updateResident(q: Queryable, id: string, version: number, v: ResidentValues): Promise<boolean> {
  const rows = await q.query(
    `UPDATE residents SET id_type=$3, id_number_enc=$4, id_number_hash=$5, id_number_last4=$6, name=$7, name_pinyin=$8, name_initials=$9, sex=$10, birth_date=$11,
       ethnicity=$12, phone_enc=$13, phone_hash=$14, phone_last4=$15, household_id=$16, relation_to_head=$17, village_code=$18, registered_village_code=$19,
       permanent=$20, county_code = left($18, 6), version = version + 1, updated_at = now()
     WHERE id = $1 AND version = $2 RETURNING id`, [id, version, ...residentArgs(v)]);
  return rows.length > 0;
}

export interface DuplicateMatchRow { id: string; name: string; name_pinyin: string; birth_date: string; village_code: string; village_name: string; phone_hash: string | null }
/** Live residents born on the day with the same name or pinyin (other than `except`). */
export function sameNameAndBirth(q: Queryable, birthDate: string, name: string, pinyin: string, except: string | null): Promise<DuplicateMatchRow[]> {
  return q.query<DuplicateMatchRow>(
    `SELECT r.id, r.name, r.name_pinyin, r.birth_date, r.village_code, v.name AS village_name, r.phone_hash
       FROM residents r JOIN regions v ON v.code = r.village_code
      WHERE r.merged_into IS NULL AND r.birth_date = $1 AND (r.name = $2 OR r.name_pinyin = $3) AND ($4::uuid IS NULL OR r.id <> $4)`, [birthDate, name, pinyin, except]);
}

export async function flagDuplicate(q: Queryable, a: string, b: string, reasons: string[]): Promise<void> {
  await q.query('INSERT INTO resident_duplicates (resident_a, resident_b, reasons) VALUES ($1,$2,$3) ON CONFLICT DO NOTHING', [a, b, reasons]);
}

/** Records a death inside the scope (not before the birth); false when no such live resident. */
export async function recordDeath(q: Queryable, id: string, deathDate: string, within: string | null): Promise<boolean> {
  const rows = await q.query(
    `UPDATE residents SET death_date = $2, version = version + 1, updated_at = now()
      WHERE id = $1 AND merged_into IS NULL AND birth_date <= $2 AND ($3::text IS NULL OR village_code LIKE $3 || '%') RETURNING id`, [id, deathDate, within]);
  return rows.length > 0;
}

export async function addCondition(q: Queryable, residentId: string, condition: string): Promise<void> {
  await q.query('UPDATE residents SET conditions = array_append(conditions, $2) WHERE id = $1 AND NOT ($2 = ANY(conditions))', [residentId, condition]);
}

export async function removeCondition(q: Queryable, residentId: string, condition: string): Promise<void> {
  await q.query('UPDATE residents SET conditions = array_remove(conditions, $2) WHERE id = $1', [residentId, condition]);
}

/** The live resident a lookup hash of an ID number names (resident_id type), or of a phone. */
export function liveResidentsByIdHash(q: Queryable, hash: string): Promise<{ id: string }[]> {
  return q.query<{ id: string }>("SELECT id FROM residents WHERE id_type = 'resident_id' AND id_number_hash = $1 AND merged_into IS NULL", [hash]);
}
export function liveResidentsByPhoneHash(q: Queryable, hash: string): Promise<{ id: string }[]> {
  return q.query<{ id: string }>('SELECT id FROM residents WHERE phone_hash = $1 AND merged_into IS NULL', [hash]);
}

export async function liveResidentName(q: Queryable, id: string): Promise<string | null> {
  const [r] = await q.query<{ name: string }>('SELECT name FROM residents WHERE id = $1 AND merged_into IS NULL', [id]);
  return r?.name ?? null;
}

// ---- duplicates and merges ----

export interface DuplicatePairRow { id: string; status: string; reasons: string[]; resident_a: string; resident_b: string; created_at: Date }
/** Open pairs with both residents inside the scope, oldest first (200 at most). */
export function openDuplicates(q: Queryable, within: string | null): Promise<DuplicatePairRow[]> {
  return q.query<DuplicatePairRow>(
    `SELECT d.* FROM resident_duplicates d JOIN residents a ON a.id = d.resident_a JOIN residents b ON b.id = d.resident_b
      WHERE d.status = 'open' AND ($1::text IS NULL OR (a.village_code LIKE $1 || '%' AND b.village_code LIKE $1 || '%')) ORDER BY d.created_at LIMIT 200`, [within]);
}

/** Tables whose rows belong to a resident (their foreign keys to residents), bar the index's own. */
export function attachedTables(q: Queryable): Promise<{ table: string; column: string }[]> {
  return q.query<{ table: string; column: string }>(
    `SELECT cl.relname AS table, a.attname AS column
       FROM pg_constraint c
       JOIN pg_class cl ON cl.oid = c.conrelid
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
      WHERE c.contype = 'f' AND c.confrelid = 'residents'::regclass
        AND cl.relname NOT IN ('residents', 'resident_duplicates', 'resident_merges')
      ORDER BY 1, 2`);
}

const IDENT = /^[a-z_][a-z0-9_]*$/;
const checkIdent = (table: string, column: string) => {
  if (!IDENT.test(table) || !IDENT.test(column)) throw new Error(`bad table in merge: ${table}.${column}`);
};
// The table and column of these two come from the catalogue (attachedTables) or a merge record, never from a caller.

/** Moves every row of an attached table from one resident to another; the ids moved. */
export async function moveAllAttached(q: Queryable, table: string, column: string, to: string, from: string): Promise<string[]> {
  checkIdent(table, column);
  return (await q.query<{ id: string }>(`UPDATE ${table} SET ${column} = $1 WHERE ${column} = $2 RETURNING id`, [to, from])).map((r) => r.id);
}

/** Moves the given rows of an attached table (back) to a resident. */
export async function moveAttachedRows(q: Queryable, table: string, column: string, to: string, ids: string[]): Promise<void> {
  checkIdent(table, column);
  await q.query(`UPDATE ${table} SET ${column} = $1 WHERE id = ANY($2::uuid[])`, [to, ids]);
}

export function lockResidents(q: Queryable, ids: string[], within: string | null): Promise<{ id: string; merged_into: string | null }[]> {
  return q.query<{ id: string; merged_into: string | null }>(
    `SELECT id, merged_into FROM residents WHERE id = ANY($1::uuid[]) AND ($2::text IS NULL OR village_code LIKE $2 || '%') FOR UPDATE`, [ids, within]);
}

export async function conditionsOf(q: Queryable, id: string): Promise<string[]> {
  const [r] = await q.query<{ conditions: string[] }>('SELECT conditions FROM residents WHERE id = $1', [id]);
  return r?.conditions ?? [];
}

/** The survivor takes the union of both records' conditions. */
export async function inheritConditions(q: Queryable, survivorId: string, mergedId: string): Promise<void> {
  await q.query('UPDATE residents SET conditions = ARRAY(SELECT DISTINCT unnest(conditions || (SELECT conditions FROM residents WHERE id = $2))), version = version + 1 WHERE id = $1', [survivorId, mergedId]);
}

export async function setConditions(q: Queryable, id: string, conditions: string[]): Promise<void> {
  await q.query('UPDATE residents SET conditions = $2, version = version + 1 WHERE id = $1', [id, conditions]);
}

/** Marks a record as merged into another (null: live again). */
export async function setMergedInto(q: Queryable, id: string, into: string | null): Promise<void> {
  await q.query('UPDATE residents SET merged_into = $2, version = version + 1, updated_at = now() WHERE id = $1', [id, into]);
}

export async function insertMerge(q: Queryable, survivorId: string, mergedId: string, moved: unknown, by: string | null): Promise<string> {
  const [m] = await q.query<{ id: string }>('INSERT INTO resident_merges (survivor_id, merged_id, moved, merged_by) VALUES ($1,$2,$3,$4) RETURNING id', [survivorId, mergedId, JSON.stringify(moved), by]);
  return m.id;
}

/** Closes the open pairs of the merged record (and the pair merged from, when given). */
export async function closePairsMerged(q: Queryable, mergedId: string, by: string | null, duplicateId: string | null): Promise<void> {
  await q.query(
    `UPDATE resident_duplicates SET status = 'merged', decided_by = $2, decided_at = now()
      WHERE (status = 'open' AND (resident_a = $1 OR resident_b = $1)) OR id = $3`, [mergedId, by, duplicateId]);
}

export interface MergeRow { survivor_id: string; merged_id: string; moved: { rows: Record<string, string[]>; survivorConditions: string[] }; undone_at: Date | null }
export async function lockMerge(q: Queryable, mergeId: string, within: string | null): Promise<MergeRow | undefined> {
  const [m] = await q.query<MergeRow>(
    `SELECT m.* FROM resident_merges m JOIN residents s ON s.id = m.survivor_id WHERE m.id = $1 AND ($2::text IS NULL OR s.village_code LIKE $2 || '%') FOR UPDATE OF m`, [mergeId, within]);
  return m;
}

/** Another live record holding the same identifier as this one. */
export async function identifierClash(q: Queryable, id: string): Promise<boolean> {
  return (await q.query(
    'SELECT r2.id FROM residents r1 JOIN residents r2 ON r2.id_type = r1.id_type AND r2.id_number_hash = r1.id_number_hash AND r2.id <> r1.id AND r2.merged_into IS NULL WHERE r1.id = $1', [id])).length > 0;
}

export async function markMergeUndone(q: Queryable, mergeId: string, by: string | null): Promise<void> {
  await q.query('UPDATE resident_merges SET undone_by = $2, undone_at = now() WHERE id = $1', [mergeId, by]);
}

export async function reopenPairUndone(q: Queryable, a: string, b: string): Promise<void> {
  await q.query(`UPDATE resident_duplicates SET status = 'undone' WHERE status = 'merged' AND ((resident_a = $1 AND resident_b = $2) OR (resident_a = $2 AND resident_b = $1))`, [a, b]);
}

/** Marks an open pair (its first resident inside the scope) as two people; false when none. */
export async function markDistinct(q: Queryable, duplicateId: string, by: string | null, within: string | null): Promise<boolean> {
  const rows = await q.query(
    `UPDATE resident_duplicates d SET status = 'distinct', decided_by = $2, decided_at = now()
      FROM residents a WHERE d.id = $1 AND d.status = 'open' AND a.id = d.resident_a AND ($3::text IS NULL OR a.village_code LIKE $3 || '%') RETURNING d.id`, [duplicateId, by, within]);
  return rows.length > 0;
}

export interface CardPersonRow { id: string; name: string; sex: 'M' | 'F'; birth_date: string; death_date: string | null; id_type: string; id_number_enc: string; phone_enc: string | null; village_code: string; village_name: string; township_code: string; township_name: string | null; county_code: string; registered_village_code: string | null }
/** What a notifiable-disease report card takes from the master index for live residents (merged-away ones are not returned). */
export function cardPeople(q: Queryable, ids: readonly string[]): Promise<CardPersonRow[]> {
  return q.query<CardPersonRow>(
    `SELECT r.id, r.name, r.sex, r.birth_date::text AS birth_date, r.death_date::text AS death_date, r.id_type, r.id_number_enc, r.phone_enc, r.village_code, v.name AS village_name,
            substr(r.village_code, 1, 9) || '000' AS township_code, t.name AS township_name, r.county_code, r.registered_village_code
       FROM residents r JOIN regions v ON v.code = r.village_code LEFT JOIN regions t ON t.code = substr(r.village_code, 1, 9) || '000'
      WHERE r.id = ANY($1::uuid[]) AND r.merged_into IS NULL`, [ids]);
}

export interface BornBetweenRow { id: string; name: string; sex: 'M' | 'F'; birth_date: string; village_code: string; village_name: string }
/** Live residents born in [bornFrom, bornTo] living under a region prefix, by birth date then name. */
export function residentsBornBetween(q: Queryable, prefix: string, bornFrom: string, bornTo: string): Promise<BornBetweenRow[]> {
  return q.query<BornBetweenRow>(
    `SELECT r.id, r.name, r.sex, r.birth_date::text AS birth_date, r.village_code, v.name AS village_name
       FROM residents r JOIN regions v ON v.code = r.village_code
      WHERE r.village_code LIKE $1 || '%' AND r.birth_date BETWEEN $2::date AND $3::date AND r.merged_into IS NULL AND r.death_date IS NULL
      ORDER BY r.birth_date, r.name, r.id`, [prefix, bornFrom, bornTo]);
}

/** The townships of a county (code and name), by code. */
export function townshipsOf(q: Queryable, county: string): Promise<{ code: string; name: string }[]> {
  return q.query("SELECT code, name FROM regions WHERE level = 'township' AND code LIKE $1 || '%' ORDER BY code", [county]);
}

/** Every county's code. */
export function countyCodes(q: Queryable): Promise<{ code: string }[]> {
  return q.query("SELECT code FROM regions WHERE level = 'county' ORDER BY code");
}

// ---- for the medicines module (its prescriber and its patient) ----

export interface PrescriberRow { worker_id: string | null; worker_type: string | null; title: string | null; facility_id: string | null; facility_code: string | null; facility_name: string | null; tier: string | null; region_code: string | null }
/** The signed-in user's worker (type, title) and the facility they act for (their user facility, else their employer). */
export async function prescriberOfUser(q: Queryable, userId: string): Promise<PrescriberRow | undefined> {
  const [r] = await q.query<PrescriberRow>(
    `SELECT u.worker_id, w.worker_type, w.title, f.id AS facility_id, f.code AS facility_code, f.name AS facility_name, f.tier, f.region_code
       FROM users u LEFT JOIN workers w ON w.id = u.worker_id LEFT JOIN facilities f ON f.id = COALESCE((SELECT id FROM facilities WHERE code = u.facility_code), w.employer_id)
      WHERE u.id = $1`, [userId]);
  return r;
}

export interface FacilityBriefRow { id: string; code: string; name: string; tier: string; region_code: string }
export function facilitiesByIds(q: Queryable, ids: string[]): Promise<FacilityBriefRow[]> {
  return q.query<FacilityBriefRow>('SELECT id, code, name, tier, region_code FROM facilities WHERE id = ANY($1::uuid[])', [ids]);
}

export interface CareFactsRow { id: string; sex: 'M' | 'F'; birth_date: string; county_code: string; conditions: string[] }
export async function liveCareFacts(q: Queryable, id: string): Promise<CareFactsRow | undefined> {
  const [r] = await q.query<CareFactsRow>('SELECT id, sex, birth_date, county_code, conditions FROM residents WHERE id = $1 AND merged_into IS NULL', [id]);
  return r;
}
