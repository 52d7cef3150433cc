// Test factories: each builds one row of the world a test needs, and builds its parents when the test
// does not name them (a worker gets a facility, a team gets a facility and a lead GP, a contract gets a
// resident and a team, …), so that a test states only what it is about. They write SQL directly:
// tests may set up fixtures without going through the modules (they are not a module), and the rows
// are exactly the ones the schema holds. Every factory returns the ids it made.
import { loadElderlyServices } from '../../src/modules/publichealth/bulk.ts';
import { pinyin } from 'pinyin-pro';
import type { Queryable } from '../../src/platform/db.ts';
import { encrypt, lookupHash, type Keys } from '../../src/platform/crypto.ts';
import { hashPassword } from '../../src/platform/auth.ts';
import type { Role } from '../../src/shared/roles.ts';
import { TEST_KEYS } from './db.ts';

let seq = 0;
/** A number unique within this test process, for codes and names. */
const next = (): number => ++seq;

// ---------------------------------------------------------------------------------------------
// Regions and facilities

/** The codes of the region tree of buildRegionTree. */
export interface RegionTree {
  province: string;
  prefecture: string;
  county: string;
  townA: string;
  townB: string;
  villageA: string;
  villageA2: string;
  villageB: string;
}

/**
 * A county with two townships and three villages (two under the first township), under its
 * prefecture and province. Idempotent: existing regions are kept.
 * Default: 山东省 / 威海市 / 文登区 (371003), 甲镇 and 乙镇, 甲一村, 甲二村, 乙一村.
 */
export async function buildRegionTree(q: Queryable, opts: { county?: string; countyName?: string } = {}): Promise<RegionTree> {
  const county = opts.county ?? '371003';
  if (!/^\d{6}$/.test(county)) throw new Error(`buildRegionTree: a county code has 6 digits, not ${county}`);
  const t: RegionTree = {
    province: county.slice(0, 2), prefecture: county.slice(0, 4), county,
    townA: `${county}100000`, townB: `${county}101000`,
    villageA: `${county}100201`, villageA2: `${county}100202`, villageB: `${county}101201`,
  };
  const isWendeng = county === '371003';
  const rows: [string, string, string | null, string, boolean | null][] = [
    [t.province, isWendeng ? '山东省' : `省${t.province}`, null, 'province', null],
    [t.prefecture, isWendeng ? '威海市' : `市${t.prefecture}`, t.province, 'prefecture', null],
    [t.county, opts.countyName ?? (isWendeng ? '文登区' : `县${county}`), t.prefecture, 'county', null],
    [t.townA, '甲镇', t.county, 'township', false], [t.townB, '乙镇', t.county, 'township', false],
    [t.villageA, '甲一村', t.townA, 'village', false], [t.villageA2, '甲二村', t.townA, 'village', false], [t.villageB, '乙一村', t.townB, 'village', false],
  ];
  for (const [code, name, parent, level, urban] of rows) {
    await q.query('INSERT INTO regions (code, name, parent_code, level, urban) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (code) DO NOTHING', [code, name, parent, level, urban]);
  }
  return t;
}

/** One region; its parent must exist (or be null for a province). Idempotent. */
export async function buildRegion(q: Queryable, r: { code: string; name?: string; parentCode?: string | null; level: 'province' | 'prefecture' | 'county' | 'township' | 'village'; urban?: boolean | null }): Promise<string> {
  await q.query('INSERT INTO regions (code, name, parent_code, level, urban) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (code) DO NOTHING',
    [r.code, r.name ?? `区划${r.code}`, r.parentCode ?? null, r.level, r.urban ?? null]);
  return r.code;
}

export type FacilityKind = 'general_hospital' | 'tcm_hospital' | 'maternal_child_hospital' | 'specialised_hospital' | 'township_centre' | 'central_township_centre'
  | 'community_centre' | 'village_clinic' | 'community_station' | 'cdc' | 'elderly_care_medical' | 'private_clinic';
export type Tier = 'city' | 'county' | 'township' | 'village';

export interface FacilityOpts {
  code?: string;
  name?: string;
  tier?: Tier;
  kind?: FacilityKind;
  grade?: string;
  /** Default: the first township of buildRegionTree (its county for a county facility, its village for a village one). */
  regionCode?: string;
  /** The township centre a village clinic belongs to, by code (乡村一体化). */
  parentCode?: string;
  beds?: number;
  closedOn?: string | null;
}

const KIND_OF_TIER: Record<Tier, FacilityKind> = { city: 'general_hospital', county: 'general_hospital', township: 'township_centre', village: 'village_clinic' };

/** A facility (default: a township centre in 甲镇 of the default county, with a fresh code). */
export async function buildFacility(q: Queryable, o: FacilityOpts = {}): Promise<{ id: string; code: string; regionCode: string }> {
  const tier: Tier = o.tier ?? 'township';
  let regionCode = o.regionCode;
  if (!regionCode) {
    const t = await buildRegionTree(q);
    regionCode = tier === 'village' ? t.villageA : tier === 'township' ? t.townA : t.county;
  }
  if (o.parentCode && !(await q.query('SELECT 1 FROM facilities WHERE code = $1', [o.parentCode])).length) throw new Error(`buildFacility: no parent facility ${o.parentCode}`);
  const code = o.code ?? `F${String(next()).padStart(4, '0')}`;
  const [row] = await q.query<{ id: string }>(
    `INSERT INTO facilities (code, name, tier, kind, grade, region_code, beds, parent_facility_id, closed_on)
     VALUES ($1, $2, $3, $4, $5, $6, $7, (SELECT id FROM facilities WHERE code = $8), $9) RETURNING id`,
    [code, o.name ?? `机构${code}`, tier, o.kind ?? KIND_OF_TIER[tier], o.grade ?? 'unrated', regionCode, o.beds ?? 0, o.parentCode ?? null, o.closedOn ?? null]);
  return { id: row.id, code, regionCode };
}

/** The id of a facility by its code (for the fixed codes of buildTestCounty). */
export async function facilityId(q: Queryable, code: string): Promise<string> {
  const [row] = await q.query<{ id: string }>('SELECT id FROM facilities WHERE code = $1', [code]);
  if (!row) throw new Error(`no facility ${code} in the test database`);
  return row.id;
}

/** A medical community (医共体) led by a facility, with member facilities (default: the lead alone). */
export async function buildCommunity(q: Queryable, o: { name?: string; leadFacilityId?: string; regionCode?: string; memberIds?: string[]; joinedOn?: string; tight?: boolean } = {}): Promise<{ id: string; leadFacilityId: string }> {
  const lead = o.leadFacilityId ?? (await buildFacility(q, { tier: 'county' })).id;
  const regionCode = o.regionCode ?? (await q.query<{ county: string }>('SELECT left(region_code, 6) AS county FROM facilities WHERE id = $1', [lead]))[0].county;
  const [row] = await q.query<{ id: string }>(
    'INSERT INTO communities (name, kind, tight, lead_facility_id, region_code) VALUES ($1, $2, $3, $4, $5) RETURNING id',
    [o.name ?? `医共体${next()}`, 'county_community', o.tight ?? true, lead, regionCode]);
  for (const f of o.memberIds ?? [lead]) {
    await q.query('INSERT INTO community_members (community_id, facility_id, joined_on) VALUES ($1, $2, $3)', [row.id, f, o.joinedOn ?? '2020-01-01']);
  }
  return { id: row.id, leadFacilityId: lead };
}

// ---------------------------------------------------------------------------------------------
// People

export type WorkerType = 'physician' | 'assistant_physician' | 'village_doctor' | 'nurse' | 'pharmacist' | 'technician' | 'public_health' | 'manager';

/** A health worker (default: a qualified general-practice physician at a fresh township centre). */
export async function buildWorker(q: Queryable, o: { name?: string; sex?: 'M' | 'F'; workerType?: WorkerType; specialty?: string | null; employerId?: string; qualified?: boolean; active?: boolean; username?: string } = {}): Promise<{ id: string; employerId: string }> {
  const employerId = o.employerId ?? (await buildFacility(q)).id;
  const type = o.workerType ?? 'physician';
  const [row] = await q.query<{ id: string }>(
    'INSERT INTO workers (name, sex, worker_type, specialty, qualified, active, employer_id) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id',
    [o.name ?? `医生${next()}`, o.sex ?? 'M', type, o.specialty === undefined ? (type === 'physician' ? 'general_practice' : null) : o.specialty, o.qualified ?? true, o.active ?? true, employerId]);
  if (o.username) await linkUserToWorker(q, o.username, row.id);
  return { id: row.id, employerId };
}

/** Makes a signed-in user the health worker (users.worker_id). */
export async function linkUserToWorker(q: Queryable, username: string, workerId: string): Promise<void> {
  const r = await q.query<{ id: string }>('UPDATE users SET worker_id = $1 WHERE username = $2 RETURNING id', [workerId, username]);
  if (!r.length) throw new Error(`linkUserToWorker: no user ${username}`);
}

const hashes = new Map<string, Promise<string>>();

/**
 * A user (default: a sysadmin with a fresh username and the password 'Test-password-1'). Scope is
 * written as given; the checks of the users module (a doctor needs a facility, …) are not applied.
 */
export async function buildUser(q: Queryable, o: { username?: string; role?: Role; regionCode?: string | null; facilityCode?: string | null; workerId?: string | null; unitId?: string | null; residentId?: string | null; password?: string; displayName?: string } = {}): Promise<{ id: string; username: string }> {
  const username = o.username ?? `user${next()}`;
  const password = o.password ?? 'Test-password-1';
  if (!hashes.has(password)) hashes.set(password, hashPassword(password));
  const [row] = await q.query<{ id: string }>(
    `INSERT INTO users (username, display_name, password_hash, role, region_code, facility_code, worker_id, unit_id, resident_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
    [username, o.displayName ?? username, await hashes.get(password)!, o.role ?? 'sysadmin', o.regionCode ?? null, o.facilityCode ?? null, o.workerId ?? null, o.unitId ?? null, o.residentId ?? null]);
  return { id: row.id, username };
}

/** A government unit a plan assigns tasks to (ledger's gov_units), by name with its aliases. */
export async function buildGovUnit(q: Queryable, o: { name?: string; aliases?: string[] } = {}): Promise<{ id: string; name: string }> {
  const name = o.name ?? `单位${next()}`;
  const [row] = await q.query<{ id: string }>('INSERT INTO gov_units (name, aliases) VALUES ($1, $2) RETURNING id', [name, o.aliases ?? []]);
  return { id: row.id, name };
}

/** A valid GB 11643 identity number for a region, birth date and 3-digit sequence. */
export function idNumberOf(region6: string, birthDate: string, seq3: number): string {
  const first17 = region6 + birthDate.replaceAll('-', '') + String(seq3 % 1000).padStart(3, '0');
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * w[i];
  return first17 + '10X98765432'[sum % 11];
}

export interface ResidentOpts {
  name?: string;
  sex?: 'M' | 'F';
  birthDate?: string;
  /** Default: 甲一村 of the default county. */
  villageCode?: string;
  /** Default: a valid resident ID number of the county, birth date and sex. */
  idNumber?: string;
  conditions?: string[];
  permanent?: boolean;
  deathDate?: string | null;
  keys?: Keys;
}

/** A resident, identity number encrypted with its lookup hash as the registry stores it (default: a man born 1960-01-01 in 甲一村). */
export async function buildResident(q: Queryable, o: ResidentOpts = {}): Promise<{ id: string; villageCode: string; countyCode: string; idNumber: string; name: string }> {
  const villageCode = o.villageCode ?? (await buildRegionTree(q)).villageA;
  const keys = o.keys ?? TEST_KEYS;
  const n = next();
  const sex = o.sex ?? 'M';
  const birthDate = o.birthDate ?? '1960-01-01';
  // The 17th digit is odd for a man, even for a woman.
  const idNumber = o.idNumber ?? idNumberOf(villageCode.slice(0, 6), birthDate, (n * 2 + (sex === 'M' ? 1 : 0)) % 1000);
  const name = o.name ?? `居民${n}`;
  const syl = pinyin(name, { toneType: 'none', type: 'array', surname: 'head', v: true }) as string[];
  const [row] = await q.query<{ id: string }>(
    `INSERT INTO residents (county_code, id_type, id_number_enc, id_number_hash, id_number_last4, name, name_pinyin, name_initials, sex, birth_date, village_code, permanent, death_date, conditions)
     VALUES ($1, 'resident_id', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
    [villageCode.slice(0, 6), encrypt(keys, idNumber), lookupHash(keys, idNumber), idNumber.slice(-4), name, syl.join('').toLowerCase(), syl.map((s) => s[0] ?? '').join('').toLowerCase(),
      sex, birthDate, villageCode, o.permanent ?? true, o.deathDate ?? null, o.conditions ?? []]);
  return { id: row.id, villageCode, countyCode: villageCode.slice(0, 6), idNumber, name };
}

/**
 * Many residents of a village at once, in one statement, for booking and referral tests: each with a
 * medical-record number `<prefix>-<random>-<n>` as identifier, encrypted and hashed with the test keys
 * as the registry stores one (so pages that mask it work). Ids in order.
 */
export async function buildResidents(q: Queryable, n: number, village: string, prefix = 'r'): Promise<string[]> {
  const base = `${prefix}-${Math.random().toString(36).slice(2)}`;
  const ids = Array.from({ length: n }, (_, i) => `${base}-${i + 1}`);
  const rows = await q.query<{ id: string }>(
    `INSERT INTO residents (county_code, id_type, id_number_enc, id_number_hash, id_number_last4, name, name_pinyin, name_initials, sex, birth_date, village_code)
     SELECT left($2, 6), 'medical_record', x.enc, x.hash, lpad(x.g::text, 4, '0'), '测试' || x.g, 'ceshi' || x.g, 'cs', CASE WHEN x.g % 2 = 0 THEN 'F' ELSE 'M' END, DATE '1960-01-01' + x.g::int, $2
       FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS x(enc, hash, g) WHERE x.g <= $1::int ORDER BY x.g RETURNING id`,
    [n, village, ids.map((v) => encrypt(TEST_KEYS, v)), ids.map((v) => lookupHash(TEST_KEYS, v))]);
  return rows.map((r) => r.id);
}

// ---------------------------------------------------------------------------------------------
// Family-doctor teams and contracts

export type TeamRole = 'lead_gp' | 'gp' | 'nurse' | 'public_health' | 'village_doctor' | 'specialist';

/**
 * A family-doctor team. Default: at a fresh township centre, led by a fresh GP who is its 'lead_gp'
 * member. `members` replaces the default membership; `villages` are the areas it serves.
 */
export async function buildTeam(q: Queryable, o: { name?: string; facilityId?: string; leadWorkerId?: string | null; members?: { workerId: string; role: TeamRole }[]; villages?: string[]; active?: boolean } = {}): Promise<{ id: string; facilityId: string; leadWorkerId: string | null }> {
  const facilityId = o.facilityId ?? (await buildFacility(q)).id;
  const leadWorkerId = o.leadWorkerId !== undefined ? o.leadWorkerId : o.members ? null : (await buildWorker(q, { employerId: facilityId })).id;
  const [row] = await q.query<{ id: string }>('INSERT INTO care_teams (name, facility_id, lead_worker_id, active) VALUES ($1, $2, $3, $4) RETURNING id',
    [o.name ?? `家庭医生${next()}队`, facilityId, leadWorkerId, o.active ?? true]);
  const members = o.members ?? (leadWorkerId ? [{ workerId: leadWorkerId, role: 'lead_gp' as const }] : []);
  for (const m of members) await q.query('INSERT INTO care_team_members (team_id, worker_id, role) VALUES ($1, $2, $3)', [row.id, m.workerId, m.role]);
  for (const v of o.villages ?? []) await q.query('INSERT INTO care_team_areas (team_id, region_code) VALUES ($1, $2)', [row.id, v]);
  return { id: row.id, facilityId, leadWorkerId };
}

/** A service package (default: a free basic package with no items). */
export async function buildPackage(q: Queryable, o: { code?: string; name?: string; kind?: string; priceFen?: number; payer?: string; items?: readonly unknown[] } = {}): Promise<{ id: string; code: string }> {
  const code = o.code ?? `PK${next()}`;
  const [row] = await q.query<{ id: string }>('INSERT INTO service_packages (code, name, kind, price_fen, payer, items) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
    [code, o.name ?? `服务包${code}`, o.kind ?? 'basic', o.priceFen ?? 0, o.payer ?? 'public_health', JSON.stringify(o.items ?? [])]);
  return { id: row.id, code };
}

/**
 * A family-doctor contract. Default: a fresh resident with a fresh team, signed on site, current
 * (from 30 days ago for a year, on the database's day). `packages` are service-package codes.
 */
export async function buildContract(q: Queryable, o: { residentId?: string; teamId?: string; startsOn?: string; endsOn?: string; status?: 'signed' | 'renewed' | 'ended'; signedHow?: 'on_site' | 'at_home' | 'online'; packages?: string[]; previousId?: string | null; endedReason?: string | null; endedOn?: string | null } = {}): Promise<{ id: string; residentId: string; teamId: string }> {
  const residentId = o.residentId ?? (await buildResident(q)).id;
  const teamId = o.teamId ?? (await buildTeam(q)).id;
  const [row] = await q.query<{ id: string }>(
    `INSERT INTO contracts (resident_id, team_id, county_code, starts_on, ends_on, signed_how, status, previous_id, ended_reason, ended_on)
     SELECT id, $2, county_code, COALESCE($3::date, current_date - 30), COALESCE($4::date, current_date + 334), $5, $6, $7, $8, $9 FROM residents WHERE id = $1 RETURNING id`,
    [residentId, teamId, o.startsOn ?? null, o.endsOn ?? null, o.signedHow ?? 'on_site', o.status ?? 'signed', o.previousId ?? null, o.endedReason ?? null, o.endedOn ?? null]);
  if (!row) throw new Error(`buildContract: no resident ${residentId}`);
  if (o.packages?.length) {
    const r = await q.query('INSERT INTO contract_packages (contract_id, package_id) SELECT $1, id FROM service_packages WHERE code = ANY($2::text[]) RETURNING package_id', [row.id, o.packages]);
    if (r.length !== o.packages.length) throw new Error(`buildContract: unknown service package among ${o.packages.join(', ')}`);
  }
  return { id: row.id, residentId, teamId };
}

/**
 * The residents' consents to a facility (or a worker), current by default (from 30 days ago for a year):
 * the legal basis a facility's staff need to book for, or read the record of, residents with no other tie.
 */
export async function buildConsents(q: Queryable, residentIds: string[], to: { facilityId: string } | { workerId: string }, o: { startsOn?: string; endsOn?: string } = {}): Promise<string[]> {
  const rows = await q.query<{ id: string }>(
    `INSERT INTO consents (resident_id, grantee_facility_id, grantee_worker_id, starts_on, ends_on)
     SELECT r, $2, $3, COALESCE($4::date, current_date - 30), COALESCE($5::date, current_date + 335) FROM unnest($1::uuid[]) AS r RETURNING id`,
    [residentIds, 'facilityId' in to ? to.facilityId : null, 'workerId' in to ? to.workerId : null, o.startsOn ?? null, o.endsOn ?? null]);
  return rows.map((r) => r.id);
}

// ---------------------------------------------------------------------------------------------
// Chronic programmes and referrals

/** An enrolment in a chronic-disease programme (default: a fresh resident, hypertension, from diagnosis, 2020-01-01). */
export async function buildEnrolment(q: Queryable, o: { residentId?: string; programme?: 'hypertension' | 'diabetes'; enrolledOn?: string; source?: 'diagnosis' | 'screening'; provisional?: boolean; status?: 'active' | 'ended' } = {}): Promise<{ id: string; residentId: string }> {
  const residentId = o.residentId ?? (await buildResident(q)).id;
  const [row] = await q.query<{ id: string }>(
    `INSERT INTO chronic_enrolments (resident_id, county_code, programme, enrolled_on, source, provisional, status)
     SELECT id, county_code, $2, $3, $4, $5, $6 FROM residents WHERE id = $1 RETURNING id`,
    [residentId, o.programme ?? 'hypertension', o.enrolledOn ?? '2020-01-01', o.source ?? 'diagnosis', o.provisional ?? false, o.status ?? 'active']);
  if (!row) throw new Error(`buildEnrolment: no resident ${residentId}`);
  return { id: row.id, residentId };
}

/**
 * A referral. Default: a fresh resident referred up, routine, from a fresh township centre to a fresh
 * county hospital, sent now. `sentAt` null leaves it unsent (as a draft is).
 */
export async function buildReferral(q: Queryable, o: { residentId?: string; direction?: 'up' | 'down' | 'lateral' | 'out'; urgency?: 'routine' | 'urgent' | 'green_channel'; reasonCode?: string; fromFacilityId?: string; toFacilityId?: string; status?: 'draft' | 'sent' | 'accepted' | 'declined' | 'arrived' | 'completed' | 'cancelled' | 'expired'; sentAt?: string | null; createdAt?: string;
  acceptedAt?: string | null; arrivedAt?: string | null; completedAt?: string | null; followUpPlan?: string | null; followUpDays?: number | null } = {}): Promise<{ id: string; residentId: string; fromFacilityId: string; toFacilityId: string }> {
  const residentId = o.residentId ?? (await buildResident(q)).id;
  const fromFacilityId = o.fromFacilityId ?? (await buildFacility(q)).id;
  const toFacilityId = o.toFacilityId ?? (await buildFacility(q, { tier: 'county' })).id;
  const status = o.status ?? 'sent';
  const sentAt = o.sentAt !== undefined ? o.sentAt : status === 'draft' ? null : new Date().toISOString();
  const [row] = await q.query<{ id: string }>(
    `INSERT INTO referrals (resident_id, county_code, direction, urgency, reason_code, from_facility_id, to_facility_id, status, sent_at, created_at,
                            accepted_at, arrived_at, completed_at, follow_up_plan, follow_up_days)
     SELECT id, county_code, $2, $3, $4, $5, $6, $7, $8::timestamptz, COALESCE($9::timestamptz, $8::timestamptz, now()), $10, $11, $12, $13, $14 FROM residents WHERE id = $1 RETURNING id`,
    [residentId, o.direction ?? 'up', o.urgency ?? 'routine', o.reasonCode ?? 'htn_uncontrolled_twice', fromFacilityId, toFacilityId, status, sentAt, o.createdAt ?? null,
      o.acceptedAt ?? null, o.arrivedAt ?? null, o.completedAt ?? null, o.followUpPlan ?? null, o.followUpDays ?? null]);
  if (!row) throw new Error(`buildReferral: no resident ${residentId}`);
  return { id: row.id, residentId, fromFacilityId, toFacilityId };
}

// ---------------------------------------------------------------------------------------------
// The lifelong record and chronic follow-ups

export type EncounterKind = 'outpatient' | 'emergency' | 'inpatient' | 'home_visit' | 'follow_up' | 'health_check' | 'remote_consultation';
export interface ObservationOpts { code: string; value: number; unit: string; flag?: 'L' | 'N' | 'H' | null; observedAt?: string; refLow?: number | null; refHigh?: number | null }
export interface DiagnosisOpts { icd10: string; onsetDate?: string | null; status?: 'active' | 'resolved'; confirmed?: boolean }
export interface PrescriptionOpts { drugName: string; dose?: string | null; frequency?: string | null; route?: string | null; days?: number | null; antibacterialClass?: 'unrestricted' | 'restricted' | 'special' | null; prescribedAt?: string }

/**
 * An encounter with what was recorded in it. Default: a fresh resident seen as an outpatient at a fresh
 * township centre, now. Observations default to the encounter's time, prescriptions too; diagnoses and
 * prescriptions name the encounter.
 */
export async function buildEncounter(q: Queryable, o: { residentId?: string; facilityId?: string; workerId?: string | null; kind?: EncounterKind; startedAt?: string; reason?: string | null;
  /** Default: the resident's county. */
  countyCode?: string;
  observations?: ObservationOpts[]; diagnoses?: DiagnosisOpts[]; prescriptions?: PrescriptionOpts[] } = {}): Promise<{ id: string; residentId: string; facilityId: string }> {
  const residentId = o.residentId ?? (await buildResident(q)).id;
  const facilityId = o.facilityId ?? (await buildFacility(q)).id;
  const [row] = await q.query<{ id: string; started_at: string }>(
    `INSERT INTO encounters (resident_id, county_code, kind, facility_id, worker_id, started_at, reason)
     SELECT id, COALESCE($7, county_code), $2, $3, $4, COALESCE($5::timestamptz, now()), $6 FROM residents WHERE id = $1 RETURNING id, started_at::text`,
    [residentId, o.kind ?? 'outpatient', facilityId, o.workerId ?? null, o.startedAt ?? null, o.reason ?? null, o.countyCode ?? null]);
  if (!row) throw new Error(`buildEncounter: no resident ${residentId}`);
  for (const ob of o.observations ?? []) await buildObservation(q, residentId, { observedAt: row.started_at, ...ob }, row.id);
  for (const d of o.diagnoses ?? []) await buildDiagnosis(q, residentId, d, row.id);
  for (const p of o.prescriptions ?? []) await buildPrescription(q, residentId, { prescribedAt: row.started_at, ...p }, row.id);
  return { id: row.id, residentId, facilityId };
}

/** An observation of a resident (default: now, outside any encounter). */
export async function buildObservation(q: Queryable, residentId: string, o: ObservationOpts, encounterId: string | null = null): Promise<string> {
  const [row] = await q.query<{ id: string }>(
    `INSERT INTO observations (resident_id, encounter_id, code, value, unit, ref_low, ref_high, flag, observed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, COALESCE($9::timestamptz, now())) RETURNING id`,
    [residentId, encounterId, o.code, o.value, o.unit, o.refLow ?? null, o.refHigh ?? null, o.flag ?? null, o.observedAt ?? null]);
  return row.id;
}

/** A diagnosis of a resident (default: active, confirmed, no onset date, outside any encounter). */
export async function buildDiagnosis(q: Queryable, residentId: string, o: DiagnosisOpts, encounterId: string | null = null): Promise<string> {
  const [row] = await q.query<{ id: string }>(
    'INSERT INTO diagnoses (resident_id, encounter_id, icd10, onset_date, status, confirmed) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
    [residentId, encounterId, o.icd10, o.onsetDate ?? null, o.status ?? 'active', o.confirmed ?? true]);
  return row.id;
}

/** A prescription for a resident (default: now, outside any encounter). */
export async function buildPrescription(q: Queryable, residentId: string, o: PrescriptionOpts, encounterId: string | null = null): Promise<string> {
  const [row] = await q.query<{ id: string }>(
    `INSERT INTO prescriptions (resident_id, encounter_id, drug_name, dose, route, frequency, days, antibacterial_class, prescribed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, COALESCE($9::timestamptz, now())) RETURNING id`,
    [residentId, encounterId, o.drugName, o.dose ?? null, o.route ?? null, o.frequency ?? null, o.days ?? null, o.antibacterialClass ?? null, o.prescribedAt ?? null]);
  return row.id;
}

/** An allergy of a resident. */
export async function buildAllergy(q: Queryable, residentId: string, o: { substance: string; reaction?: string | null; severity?: 'mild' | 'moderate' | 'severe' | null }): Promise<string> {
  const [row] = await q.query<{ id: string }>('INSERT INTO allergies (resident_id, substance, reaction, severity) VALUES ($1, $2, $3, $4) RETURNING id',
    [residentId, o.substance, o.reaction ?? null, o.severity ?? null]);
  return row.id;
}

/**
 * A chronic-disease follow-up. Default: hypertension, at a fresh township centre, today (the database's
 * day), controlled at 130/80, next visit in 90 days. The visit class follows `onTarget` unless given.
 */
/** An elderly annual service (publichealth's loader; complete by default, or with the items named missing), its form judged by the module's rules. */
export async function buildElderlyService(q: Queryable, o: { residentId: string; facilityId: string; serviceDate: string; complete?: boolean }): Promise<void> {
  const [r] = await q.query<{ county_code: string }>('SELECT county_code FROM residents WHERE id = $1', [o.residentId]);
  if (!r) throw new Error(`buildElderlyService: no resident ${o.residentId}`);
  await loadElderlyServices(q, [{ residentId: o.residentId, county: r.county_code, facilityId: o.facilityId, serviceDate: o.serviceDate, form: { serviceDate: o.serviceDate },
    selfCareTotal: 0, selfCareBand: 'independent', bmi: null, complete: o.complete ?? true }]);
}

export async function buildFollowup(q: Queryable, o: { residentId?: string; programme?: 'hypertension' | 'diabetes'; facilityId?: string; visitDate?: string; sbp?: number | null; dbp?: number | null;
  fastingGlucose?: number | null; onTarget?: boolean; visitClass?: 'controlled' | 'uncontrolled' | 'adverse_reaction' | 'complication'; nextVisitDate?: string } = {}): Promise<{ id: string; residentId: string }> {
  const residentId = o.residentId ?? (await buildResident(q)).id;
  const facilityId = o.facilityId ?? (await buildFacility(q)).id;
  const onTarget = o.onTarget ?? true;
  const [row] = await q.query<{ id: string }>(
    `INSERT INTO chronic_followups (resident_id, county_code, programme, facility_id, visit_date, sbp, dbp, fasting_glucose, visit_class, on_target, next_visit_date)
     SELECT id, county_code, $2, $3, COALESCE($4::date, current_date), $5, $6, $7, $8, $9, COALESCE($10::date, COALESCE($4::date, current_date) + 90) FROM residents WHERE id = $1 RETURNING id`,
    [residentId, o.programme ?? 'hypertension', facilityId, o.visitDate ?? null, o.sbp === undefined ? 130 : o.sbp, o.dbp === undefined ? 80 : o.dbp, o.fastingGlucose ?? null,
      o.visitClass ?? (onTarget ? 'controlled' : 'uncontrolled'), onTarget, o.nextVisitDate ?? null]);
  if (!row) throw new Error(`buildFollowup: no resident ${residentId}`);
  return { id: row.id, residentId };
}
