// The contracts module's SQL: teams, service packages, contracts, fulfilment counted from the record,
// and the rates. Every statement is fixed text with parameters; where a level or a scope varies, the
// statement takes it as a parameter ($n IS NULL OR …, CASE $level …), which PostgreSQL folds when it
// plans with the values. Attribution goes through the SQL functions of migration 018.
import type { Queryable } from '../../platform/db.ts';
import { PRIORITY_GROUPS, type PriorityGroup } from '../registry/rules.ts';
import type { PackageInput, PackageItem } from './rules.ts';

export type RateLevel = 'team' | 'township' | 'community' | 'county';

// ---------------------------------------------------------------- teams

export async function activeTeams(q: Queryable, within: string | null) {
  return q.query<{ id: string; name: string; code: string; fname: string; phone: string | null }>(
    `SELECT t.id, t.name, f.code, f.name AS fname, t.phone FROM care_teams t JOIN facilities f ON f.id = t.facility_id WHERE t.active AND ($1::text IS NULL OR f.region_code LIKE $1 || '%') ORDER BY f.code, t.name`, [within]);
}

export async function teamMembers(q: Queryable, teamIds: string[]) {
  return q.query<{ team_id: string; worker_id: string; name: string; role: string }>(
    'SELECT m.team_id, m.worker_id, w.name, m.role FROM care_team_members m JOIN workers w ON w.id = m.worker_id WHERE m.team_id = ANY($1::uuid[]) ORDER BY m.role, w.name', [teamIds]);
}

export async function isActiveTeam(q: Queryable, id: string): Promise<boolean> {
  return (await q.query('SELECT 1 FROM care_teams WHERE id = $1 AND active', [id])).length > 0;
}

/** The family-doctor teams a user works in: as a member (through their health worker) or by the team their account names. */
export async function teamsOfUser(q: Queryable, userId: string): Promise<string[]> {
  return (await q.query<{ team_id: string }>(
    `SELECT m.team_id FROM users u JOIN care_team_members m ON m.worker_id = u.worker_id WHERE u.id = $1
     UNION SELECT u.team_id FROM users u WHERE u.id = $1 AND u.team_id IS NOT NULL`, [userId])).map((r) => r.team_id);
}

export async function facilityInScope(q: Queryable, code: string, within: string | null) {
  const [f] = await q.query<{ id: string; tier: string }>(`SELECT id, tier FROM facilities WHERE code = $1 AND ($2::text IS NULL OR region_code LIKE $2 || '%')`, [code, within]);
  return f;
}

export async function knownWorkers(q: Queryable, ids: string[]): Promise<Set<string>> {
  return new Set((await q.query<{ id: string }>('SELECT id FROM workers WHERE id = ANY($1::uuid[])', [ids])).map((r) => r.id));
}

export async function knownVillages(q: Queryable, codes: string[]): Promise<Set<string>> {
  return new Set((await q.query<{ code: string }>("SELECT code FROM regions WHERE code = ANY($1::text[]) AND level = 'village'", [codes])).map((r) => r.code));
}

export async function insertTeam(q: Queryable, name: string, facilityId: string, leadWorkerId: string, phone: string | null = null): Promise<string> {
  const [t] = await q.query<{ id: string }>('INSERT INTO care_teams (name, facility_id, lead_worker_id, phone) VALUES ($1,$2,$3,$4) RETURNING id', [name, facilityId, leadWorkerId, phone]);
  return t.id;
}

export async function insertTeamMember(q: Queryable, teamId: string, workerId: string, role: string): Promise<void> {
  await q.query('INSERT INTO care_team_members (team_id, worker_id, role) VALUES ($1,$2,$3) ON CONFLICT DO NOTHING', [teamId, workerId, role]);
}

export async function insertTeamArea(q: Queryable, teamId: string, villageCode: string): Promise<void> {
  await q.query('INSERT INTO care_team_areas (team_id, region_code) VALUES ($1,$2)', [teamId, villageCode]);
}

// ---------------------------------------------------------------- packages

export async function activePackagesByCode(q: Queryable, codes: string[]) {
  return q.query<{ id: string; code: string }>('SELECT id, code FROM service_packages WHERE code = ANY($1::text[]) AND active', [codes]);
}

export async function packageItemsById(q: Queryable): Promise<Map<string, PackageItem[]>> {
  return new Map((await q.query<{ id: string; items: PackageItem[] }>('SELECT id::text, items FROM service_packages')).map((x) => [x.id, x.items]));
}

export interface PackageRow { id: string; code: string; name: string; kind: 'basic' | 'personalised'; price_fen: number; payer: PackageInput['payer']; items: PackageItem[]; active: boolean; version: number }

export async function listPackages(q: Queryable): Promise<PackageRow[]> {
  return q.query<PackageRow>("SELECT id, code, name, kind, price_fen, payer, items, active, version FROM service_packages ORDER BY kind = 'basic' DESC, code");
}

export async function packageCodeTaken(q: Queryable, code: string): Promise<boolean> {
  return (await q.query('SELECT 1 FROM service_packages WHERE code = $1', [code])).length > 0;
}

export async function insertPackage(q: Queryable, p: PackageInput & { active: boolean; updatedBy: string }): Promise<string> {
  const [r] = await q.query<{ id: string }>('INSERT INTO service_packages (code, name, kind, price_fen, payer, items, active, updated_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id',
    [p.code, p.name, p.kind, p.priceFen, p.payer, JSON.stringify(p.items), p.active, p.updatedBy]);
  return r.id;
}

export async function lockPackage(q: Queryable, id: string) {
  const [cur] = await q.query<{ code: string; version: number }>('SELECT code, version FROM service_packages WHERE id = $1 FOR UPDATE', [id]);
  return cur;
}

export async function updatePackage(q: Queryable, id: string, p: Omit<PackageInput, 'code'> & { active: boolean; updatedBy: string }): Promise<void> {
  await q.query('UPDATE service_packages SET name = $2, kind = $3, price_fen = $4, payer = $5, items = $6, active = $7, version = version + 1, updated_by = $8, updated_at = now() WHERE id = $1',
    [id, p.name, p.kind, p.priceFen, p.payer, JSON.stringify(p.items), p.active, p.updatedBy]);
}

// ---------------------------------------------------------------- contracts

/** A living, unmerged resident within the scope, locked while a contract is signed. */
export async function lockResidentInScope(q: Queryable, id: string, within: string | null): Promise<string | null> {
  const [r] = await q.query<{ county_code: string }>(
    `SELECT county_code FROM residents WHERE id = $1 AND merged_into IS NULL AND death_date IS NULL AND ($2::text IS NULL OR village_code LIKE $2 || '%') FOR UPDATE`, [id, within]);
  return r?.county_code ?? null;
}

/** A current contract of the resident reaching the day (other than `except`). */
export async function currentContractFrom(q: Queryable, residentId: string, day: string, except: string | null) {
  const [cur] = await q.query<{ id: string; ends_on: string }>(
    `SELECT id, ends_on FROM contracts WHERE resident_id = $1 AND status IN ('signed','renewed') AND ends_on >= $2 AND id IS DISTINCT FROM $3`, [residentId, day, except]);
  return cur;
}

export async function insertContract(q: Queryable, c: { residentId: string; teamId: string; county: string; startsOn: string; endsOn: string; signedHow: string; status: 'signed' | 'renewed'; previousId: string | null; createdBy: string }): Promise<string> {
  const [r] = await q.query<{ id: string }>(
    `INSERT INTO contracts (resident_id, team_id, county_code, starts_on, ends_on, signed_how, status, previous_id, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id`,
    [c.residentId, c.teamId, c.county, c.startsOn, c.endsOn, c.signedHow, c.status, c.previousId, c.createdBy]);
  return r.id;
}

export async function insertContractPackage(q: Queryable, contractId: string, packageId: string): Promise<void> {
  await q.query('INSERT INTO contract_packages (contract_id, package_id) VALUES ($1,$2)', [contractId, packageId]);
}

export async function contractById(q: Queryable, id: string) {
  const [c] = await q.query<{ resident_id: string; team_id: string; starts_on: string; ends_on: string; status: string; signed_how: 'on_site' | 'at_home' | 'online' }>(
    'SELECT resident_id, team_id, starts_on::text, ends_on::text, status, signed_how FROM contracts WHERE id = $1', [id]);
  return c;
}

export async function contractPackageCodes(q: Queryable, id: string): Promise<string[]> {
  return (await q.query<{ code: string }>('SELECT p.code FROM contract_packages cp JOIN service_packages p ON p.id = cp.package_id WHERE cp.contract_id = $1', [id])).map((x) => x.code);
}

export async function contractItems(q: Queryable, id: string): Promise<PackageItem[]> {
  return (await q.query<{ items: PackageItem[] }>('SELECT p.items FROM contract_packages cp JOIN service_packages p ON p.id = cp.package_id WHERE cp.contract_id = $1', [id])).flatMap((x) => x.items);
}

/** Ends a renewed contract on its last day. */
export async function endRenewed(q: Queryable, id: string): Promise<void> {
  await q.query("UPDATE contracts SET status = 'ended', ended_reason = 'renewed', ended_on = ends_on, version = version + 1 WHERE id = $1", [id]);
}

/** Ends a contract early (its resident within the scope); the resident, or null when there was none to end. */
export async function endEarly(q: Queryable, id: string, reason: string, on: string, within: string | null): Promise<string | null> {
  const rows = await q.query<{ resident_id: string }>(
    `UPDATE contracts c SET status = 'ended', ended_reason = $2, ended_on = $3, version = c.version + 1 FROM residents r
      WHERE c.id = $1 AND r.id = c.resident_id AND c.status <> 'ended' AND ($4::text IS NULL OR r.village_code LIKE $4 || '%') RETURNING c.resident_id`, [id, reason, on, within]);
  return rows[0]?.resident_id ?? null;
}

/** The teams' current contracts on a day, with the resident and every item of their packages. */
export async function teamContracts(q: Queryable, teamIds: string[], day: string) {
  return q.query<{ id: string; resident_id: string; name: string; sex: 'M' | 'F'; birth_date: string; village_name: string; starts_on: string; ends_on: string; items: PackageItem[] }>(
    `SELECT c.id, r.id AS resident_id, r.name, r.sex, r.birth_date::text, v.name AS village_name, c.starts_on::text, c.ends_on::text,
            (SELECT coalesce(jsonb_agg(i), '[]') FROM contract_packages cp JOIN service_packages p ON p.id = cp.package_id, jsonb_array_elements(p.items) i WHERE cp.contract_id = c.id) AS items
       FROM contracts c JOIN residents r ON r.id = c.resident_id AND r.merged_into IS NULL AND r.death_date IS NULL JOIN regions v ON v.code = r.village_code
      WHERE c.team_id = ANY($1::uuid[]) AND contract_in_force(c.status, c.ended_reason, c.starts_on, c.ends_on, c.ended_on, $2::date)`, [teamIds, day]);
}

// ---------------------------------------------------------------- services delivered (from the record)

/**
 * Services delivered to each (contract, resident, from, to, service) within the dates, as (cid, service, n)
 * with n > 0 (DOMAIN: a follow-up, a health check, a vaccination anywhere count; a health check counts for
 * both check items, any visit for a consultation). One pass over each table, only for the services asked of it.
 */
export async function delivered(q: Queryable, k: { cid: string[]; rid: string[]; from: string[]; to: string[] }, services: string[]) {
  return q.query<{ cid: string; service: string; n: number }>(
    `WITH k AS (SELECT l.cid, l.rid, l.f, l.t, s.service FROM unnest($1::uuid[], $2::uuid[], $3::date[], $4::date[]) AS l(cid, rid, f, t), unnest($5::text[]) AS s(service))
     SELECT cid::text, service, n FROM (
       SELECT k.cid, k.service, count(*)::int AS n FROM k JOIN chronic_followups x ON x.resident_id = k.rid AND x.visit_date BETWEEN k.f AND k.t
          AND CASE k.service WHEN 'htn_followup' THEN x.programme = 'hypertension' WHEN 'dm_followup' THEN x.programme = 'diabetes' END
        WHERE k.service IN ('htn_followup', 'dm_followup') GROUP BY 1, 2
       UNION ALL SELECT k.cid, k.service, count(*)::int AS n FROM k JOIN encounters x ON x.resident_id = k.rid AND x.started_at >= k.f AND x.started_at < k.t + 1
          AND CASE k.service WHEN 'health_check' THEN x.kind = 'health_check' WHEN 'elderly_check' THEN x.kind = 'health_check' WHEN 'home_visit' THEN x.kind = 'home_visit' WHEN 'consultation' THEN true END
        WHERE k.service IN ('health_check', 'elderly_check', 'home_visit', 'consultation') GROUP BY 1, 2
       UNION ALL SELECT k.cid, k.service, count(*)::int AS n FROM k JOIN immunisations x ON x.resident_id = k.rid AND x.given_on BETWEEN k.f AND k.t
        WHERE k.service = 'immunisation' GROUP BY 1, 2) d`,
    [k.cid, k.rid, k.from, k.to, services]);
}

/** The services `delivered` counts (an item promising another service is never counted as delivered). */
export const COUNTED_SERVICES: ReadonlySet<string> = new Set(['htn_followup', 'dm_followup', 'health_check', 'elderly_check', 'home_visit', 'consultation', 'immunisation']);

// ---------------------------------------------------------------- rates

/** The current contracts' (start, end, packages) combinations on a day (of residents within a scope narrower than a county, when `narrow`). */
export async function owingKinds(q: Queryable, asOf: string, within: string | null, narrow: boolean) {
  return q.query<{ f: string; t: string; packages: string }>(
    `SELECT starts_on::text AS f, ends_on::text AS t, packages FROM (
       SELECT c.id, c.starts_on, c.ends_on, array_agg(cp.package_id::text ORDER BY cp.package_id::text)::text AS packages
         FROM contracts c JOIN contract_packages cp ON cp.contract_id = c.id
        WHERE contract_in_force(c.status, c.ended_reason, c.starts_on, c.ends_on, c.ended_on, $1::date)
          AND (NOT $3::boolean OR EXISTS (SELECT 1 FROM residents r WHERE r.id = c.resident_id AND r.village_code LIKE $2 || '%'))
        GROUP BY c.id) c GROUP BY 1, 2, 3`, [asOf, within, narrow]);
}

// The priority groups, in the order of registry's PRIORITY_GROUPS, each counted as p_<group> (population) and c_<group> (contracted) below.
const RATE_GROUPS = ['elderly_65', 'child_0_6', 'pregnant', 'disability', 'hypertension', 'diabetes', 'tb', 'severe_mental', 'poverty'] as const;
if (RATE_GROUPS.join() !== PRIORITY_GROUPS.join()) throw new Error('contracts/store.ts counts other priority groups than registry/rules.ts PRIORITY_GROUPS');

export type RatePeople = { unit: string; population: number; contracted: number; fulfilled: number; priority_population: number; priority_contracted: number }
  & Record<`p_${PriorityGroup}` | `c_${PriorityGroup}`, number>;

/**
 * Coverage and fulfilment by unit of a level on the day $1: the permanent, living residents of the scope,
 * their current contract (contract_team_on), and whether it owes a service not yet delivered (the owed
 * services per start, end and packages come in as arrays, worked out by the rule in rules.ts).
 */
export async function ratePeople(q: Queryable, o: { asOf: string; within: string | null; narrow: boolean; level: RateLevel;
  owed: { f: string[]; t: string[]; packages: string[]; service: string[]; due: number[] } }): Promise<RatePeople[]> {
  return q.query<RatePeople>(
    `WITH cc AS (
       SELECT c.id, c.resident_id, c.starts_on, c.ends_on, array_agg(cp.package_id::text ORDER BY cp.package_id::text)::text AS packages
         FROM contracts c JOIN contract_packages cp ON cp.contract_id = c.id
        WHERE contract_in_force(c.status, c.ended_reason, c.starts_on, c.ends_on, c.ended_on, $1::date)
          AND (NOT $3::boolean OR EXISTS (SELECT 1 FROM residents r WHERE r.id = c.resident_id AND r.village_code LIKE $2 || '%'))
        GROUP BY c.id),
     owe AS (SELECT * FROM unnest($5::date[], $6::date[], $7::text[], $8::text[], $9::int[]) AS o(f, t, packages, service, due)),
     k AS (SELECT c.id AS cid, c.resident_id AS rid, c.starts_on AS f, $1::date AS t, o.service, o.due FROM cc c JOIN owe o ON o.f = c.starts_on AND o.t = c.ends_on AND o.packages = c.packages),
     d AS (
       SELECT k.cid, k.service, count(*)::int AS n FROM k JOIN chronic_followups x ON x.resident_id = k.rid AND x.visit_date BETWEEN k.f AND k.t
          AND CASE k.service WHEN 'htn_followup' THEN x.programme = 'hypertension' WHEN 'dm_followup' THEN x.programme = 'diabetes' END
        WHERE k.service IN ('htn_followup', 'dm_followup') GROUP BY 1, 2
       UNION ALL SELECT k.cid, k.service, count(*)::int AS n FROM k JOIN encounters x ON x.resident_id = k.rid AND x.started_at >= k.f AND x.started_at < k.t + 1
          AND CASE k.service WHEN 'health_check' THEN x.kind = 'health_check' WHEN 'elderly_check' THEN x.kind = 'health_check' WHEN 'home_visit' THEN x.kind = 'home_visit' WHEN 'consultation' THEN true END
        WHERE k.service IN ('health_check', 'elderly_check', 'home_visit', 'consultation') GROUP BY 1, 2
       UNION ALL SELECT k.cid, k.service, count(*)::int AS n FROM k JOIN immunisations x ON x.resident_id = k.rid AND x.given_on BETWEEN k.f AND k.t
        WHERE k.service = 'immunisation' GROUP BY 1, 2),
     unmet AS (SELECT DISTINCT k.cid FROM k LEFT JOIN d ON d.cid = k.cid AND d.service = k.service WHERE coalesce(d.n, 0) < k.due),
     p AS (
       SELECT r.conditions, cur.contract_id, un.cid IS NULL AS met,
              CASE $4 WHEN 'team' THEN coalesce(cur.team_id, area.team_id)::text WHEN 'community' THEN tc.community_id::text WHEN 'county' THEN r.county_code ELSE township_of(r.village_code) END AS unit,
              r.birth_date <= ($1::date - interval '65 years') AS g_elderly_65, r.birth_date > ($1::date - interval '7 years') AS g_child_0_6
         FROM residents r LEFT JOIN contract_team_on($1::date) cur ON cur.resident_id = r.id
         LEFT JOIN village_team() area ON area.village_code = r.village_code
         LEFT JOIN township_community_on($1::date) tc ON tc.township_code = township_of(r.village_code)
         LEFT JOIN unmet un ON un.cid = cur.contract_id
        WHERE r.merged_into IS NULL AND r.permanent AND (r.death_date IS NULL OR r.death_date > $1::date) AND ($2::text IS NULL OR r.village_code LIKE $2 || '%')),
     g AS (
       SELECT p.*, (g_elderly_65 OR g_child_0_6 OR 'pregnant' = ANY(p.conditions) OR 'disability' = ANY(p.conditions) OR 'hypertension' = ANY(p.conditions) OR 'diabetes' = ANY(p.conditions)
                    OR 'tb' = ANY(p.conditions) OR 'severe_mental' = ANY(p.conditions) OR 'poverty' = ANY(p.conditions)) AS priority
         FROM p)
     SELECT unit, count(*)::int AS population, count(contract_id)::int AS contracted, count(contract_id) FILTER (WHERE met)::int AS fulfilled,
            count(*) FILTER (WHERE priority)::int AS priority_population, count(contract_id) FILTER (WHERE priority)::int AS priority_contracted,
            count(*) FILTER (WHERE g_elderly_65)::int AS p_elderly_65, count(contract_id) FILTER (WHERE g_elderly_65)::int AS c_elderly_65,
            count(*) FILTER (WHERE g_child_0_6)::int AS p_child_0_6, count(contract_id) FILTER (WHERE g_child_0_6)::int AS c_child_0_6,
            count(*) FILTER (WHERE 'pregnant' = ANY(conditions))::int AS p_pregnant, count(contract_id) FILTER (WHERE 'pregnant' = ANY(conditions))::int AS c_pregnant,
            count(*) FILTER (WHERE 'disability' = ANY(conditions))::int AS p_disability, count(contract_id) FILTER (WHERE 'disability' = ANY(conditions))::int AS c_disability,
            count(*) FILTER (WHERE 'hypertension' = ANY(conditions))::int AS p_hypertension, count(contract_id) FILTER (WHERE 'hypertension' = ANY(conditions))::int AS c_hypertension,
            count(*) FILTER (WHERE 'diabetes' = ANY(conditions))::int AS p_diabetes, count(contract_id) FILTER (WHERE 'diabetes' = ANY(conditions))::int AS c_diabetes,
            count(*) FILTER (WHERE 'tb' = ANY(conditions))::int AS p_tb, count(contract_id) FILTER (WHERE 'tb' = ANY(conditions))::int AS c_tb,
            count(*) FILTER (WHERE 'severe_mental' = ANY(conditions))::int AS p_severe_mental, count(contract_id) FILTER (WHERE 'severe_mental' = ANY(conditions))::int AS c_severe_mental,
            count(*) FILTER (WHERE 'poverty' = ANY(conditions))::int AS p_poverty, count(contract_id) FILTER (WHERE 'poverty' = ANY(conditions))::int AS c_poverty
       FROM g GROUP BY 1 HAVING unit IS NOT NULL`,
    [o.asOf, o.within, o.narrow, o.level, o.owed.f, o.owed.t, o.owed.packages, o.owed.service, o.owed.due]);
}

/**
 * Renewal by unit: contracts whose year ended in [$1, $2) (not ended early), renewed when a contract
 * follows them; a team's by the ended contract's team, the community's on the day $2.
 */
export async function renewals(q: Queryable, o: { from: string; asOf: string; within: string | null; level: RateLevel }) {
  return q.query<{ unit: string; ended: number; renewed: number }>(
    `SELECT CASE $4 WHEN 'team' THEN c.team_id::text WHEN 'community' THEN tc.community_id::text WHEN 'county' THEN r.county_code ELSE township_of(r.village_code) END AS unit,
            count(*)::int AS ended, count(nx.previous_id)::int AS renewed
       FROM contracts c JOIN residents r ON r.id = c.resident_id LEFT JOIN township_community_on($2::date) tc ON tc.township_code = township_of(r.village_code)
       LEFT JOIN (SELECT DISTINCT previous_id FROM contracts WHERE previous_id IS NOT NULL) nx ON nx.previous_id = c.id
      WHERE c.ends_on >= $1::date AND c.ends_on < $2::date AND (c.ended_reason IS NULL OR c.ended_reason = 'renewed') AND r.merged_into IS NULL AND ($3::text IS NULL OR r.village_code LIKE $3 || '%')
      GROUP BY 1`, [o.from, o.asOf, o.within, o.level]);
}

/** Display names of units of a level (one fixed statement per kind of unit). */
export async function unitNames(q: Queryable, level: RateLevel, codes: string[]): Promise<{ code: string; name: string }[]> {
  if (level === 'team') {
    return q.query<{ code: string; name: string }>("SELECT t.id::text AS code, t.name || '（' || f.name || '）' AS name FROM care_teams t JOIN facilities f ON f.id = t.facility_id WHERE t.id::text = ANY($1::text[])", [codes]);
  }
  if (level === 'community') return q.query<{ code: string; name: string }>('SELECT id::text AS code, name FROM communities WHERE id::text = ANY($1::text[])', [codes]);
  return q.query<{ code: string; name: string }>('SELECT code, name FROM regions WHERE code = ANY($1::text[])', [codes]);
}

/** The resident's contract in force on a day (with its packages' names), if any. */
export async function contractInForceOf(q: Queryable, residentId: string, day: string) {
  const [r] = await q.query<{ id: string; team_id: string; starts_on: string; ends_on: string; packages: string[] }>(
    `SELECT c.id, c.team_id, c.starts_on::text AS starts_on, c.ends_on::text AS ends_on,
            ARRAY(SELECT p.name FROM contract_packages cp JOIN service_packages p ON p.id = cp.package_id WHERE cp.contract_id = c.id ORDER BY p.kind, p.name) AS packages
       FROM contracts c
      WHERE c.resident_id = $1 AND contract_in_force(c.status, c.ended_reason, c.starts_on, c.ends_on, c.ended_on, $2::date)
      ORDER BY c.starts_on DESC LIMIT 1`, [residentId, day]);
  return r;
}

/** The team serving the resident's village (village_team), with its facility. */
export async function villageTeamOf(q: Queryable, residentId: string): Promise<string | null> {
  const [r] = await q.query<{ team_id: string }>(
    'SELECT v.team_id FROM residents r JOIN village_team() v ON v.village_code = r.village_code WHERE r.id = $1', [residentId]);
  return r?.team_id ?? null;
}

/** A team with its facility's name. */
export async function teamBrief(q: Queryable, teamId: string) {
  const [r] = await q.query<{ id: string; name: string; fname: string; phone: string | null }>(
    'SELECT t.id, t.name, f.name AS fname, t.phone FROM care_teams t JOIN facilities f ON f.id = t.facility_id WHERE t.id = $1', [teamId]);
  return r;
}

// ---------------------------------------------------------------- contract requests (online signing)

export interface RequestRow {
  id: string; resident_id: string; team_id: string; package_codes: string[]; kind: 'sign' | 'renew'; previous_contract_id: string | null; note: string | null;
  status: 'requested' | 'confirmed' | 'declined' | 'withdrawn'; requested_at: string; decided_at: string | null; decision_note: string | null; contract_id: string | null;
}
const REQUEST_COLS = `r.id, r.resident_id, r.team_id, r.package_codes, r.kind, r.previous_contract_id, r.note, r.status, r.requested_at, r.decided_at, r.decision_note, r.contract_id`;

/** Active teams at facilities of a county, the team serving the resident's village first, then its township's, then by facility code. */
export async function teamsForResident(q: Queryable, residentId: string) {
  return q.query<{ id: string; name: string; fname: string; phone: string | null; serves_village: boolean; same_town: boolean }>(
    `SELECT t.id, t.name, f.name AS fname, t.phone,
            EXISTS (SELECT 1 FROM village_team() v WHERE v.team_id = t.id AND v.village_code = r.village_code) AS serves_village,
            left(f.region_code, 9) = left(r.village_code, 9) AS same_town
       FROM residents r JOIN care_teams t ON t.active JOIN facilities f ON f.id = t.facility_id AND left(f.region_code, 6) = r.county_code
      WHERE r.id = $1
      ORDER BY serves_village DESC, same_town DESC, f.code, t.name`, [residentId]);
}

/** Whether the team is active at a facility of the county. */
export async function teamInCounty(q: Queryable, teamId: string, county: string): Promise<boolean> {
  return (await q.query('SELECT 1 FROM care_teams t JOIN facilities f ON f.id = t.facility_id WHERE t.id = $1 AND t.active AND left(f.region_code, 6) = $2', [teamId, county])).length > 0;
}

/** The resident's latest contract that has not ended (signed or renewed), whatever its dates. */
export async function latestLiveContract(q: Queryable, residentId: string) {
  const [c] = await q.query<{ id: string; team_id: string; starts_on: string; ends_on: string }>(
    `SELECT id, team_id, starts_on::text, ends_on::text FROM contracts WHERE resident_id = $1 AND status IN ('signed','renewed') ORDER BY ends_on DESC LIMIT 1`, [residentId]);
  return c;
}

export async function insertRequest(q: Queryable, r: { residentId: string; teamId: string; packageCodes: string[]; kind: 'sign' | 'renew'; previousId: string | null; note: string | null; userId: string }): Promise<string> {
  const [x] = await q.query<{ id: string }>(
    `INSERT INTO contract_requests (resident_id, team_id, package_codes, kind, previous_contract_id, note, requested_by) VALUES ($1,$2,$3,$4,$5,$6,$7)
     ON CONFLICT (resident_id) WHERE status = 'requested' DO NOTHING RETURNING id`,
    [r.residentId, r.teamId, r.packageCodes, r.kind, r.previousId, r.note, r.userId]);
  return x?.id ?? '';
}

/** The resident's requests, newest first. */
export async function requestsOfResident(q: Queryable, residentId: string): Promise<RequestRow[]> {
  return q.query<RequestRow>(`SELECT ${REQUEST_COLS} FROM contract_requests r WHERE r.resident_id = $1 ORDER BY r.requested_at DESC LIMIT 20`, [residentId]);
}

/** A request, locked for its decision. */
export async function lockRequest(q: Queryable, id: string): Promise<RequestRow | undefined> {
  const [r] = await q.query<RequestRow>(`SELECT ${REQUEST_COLS} FROM contract_requests r WHERE r.id = $1 FOR UPDATE`, [id]);
  return r;
}

export async function decideRequest(q: Queryable, id: string, d: { status: 'confirmed' | 'declined' | 'withdrawn'; userId: string; note: string | null; contractId: string | null }): Promise<void> {
  await q.query(`UPDATE contract_requests SET status = $2, decided_by = $3, decided_at = now(), decision_note = $4, contract_id = $5 WHERE id = $1 AND status = 'requested'`,
    [id, d.status, d.userId, d.note, d.contractId]);
}

export interface TeamRequestRow extends RequestRow { name: string; sex: 'M' | 'F'; birth_date: string; village_name: string; team_name: string; previous_ends_on: string | null }

/** Requests to the teams (open ones, or the last 30 days' decided ones too), residents within the scope, oldest open first. */
export async function requestsForTeams(q: Queryable, teamIds: string[] | null, within: string | null, open: boolean): Promise<TeamRequestRow[]> {
  return q.query<TeamRequestRow>(
    `SELECT ${REQUEST_COLS}, p.name, p.sex, p.birth_date::text, v.name AS village_name, t.name AS team_name, pc.ends_on::text AS previous_ends_on
       FROM contract_requests r JOIN residents p ON p.id = r.resident_id JOIN regions v ON v.code = p.village_code JOIN care_teams t ON t.id = r.team_id
       LEFT JOIN contracts pc ON pc.id = r.previous_contract_id
      WHERE ($1::uuid[] IS NULL OR r.team_id = ANY($1::uuid[])) AND ($2::text IS NULL OR p.village_code LIKE $2 || '%')
        AND (r.status = 'requested' OR (NOT $3::boolean AND r.requested_at > now() - interval '30 days'))
      ORDER BY r.status <> 'requested', r.requested_at
      LIMIT 500`, [teamIds, within, open]);
}

/** Sets a team's service phone. */
export async function setTeamPhone(q: Queryable, teamId: string, phone: string | null): Promise<boolean> {
  return (await q.query('UPDATE care_teams SET phone = $2 WHERE id = $1 RETURNING id', [teamId, phone])).length > 0;
}
