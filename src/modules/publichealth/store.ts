// The public-health module's SQL: vaccine lots and their moves, vaccinations. Its own tables only.
import type { Queryable } from '../../platform/db.ts';

export interface LotRow { id: string; facility_id: string; vaccine: string; manufacturer: string; lot: string; expires_on: string; quantity: number; received_at: Date }
const LOT_COLS = 'id, facility_id, vaccine, manufacturer, lot, expires_on::text AS expires_on, quantity, received_at';

/** Adds a quantity to a facility's lot (created on first receipt); answers the lot's id. */
export async function receiveLot(q: Queryable, x: { facilityId: string; vaccine: string; manufacturer: string; lot: string; expiresOn: string; quantity: number }): Promise<{ id: string; expires_on: string }> {
  const [r] = await q.query<{ id: string; expires_on: string }>(
    `INSERT INTO vaccine_lots (facility_id, vaccine, manufacturer, lot, expires_on, quantity) VALUES ($1,$2,$3,$4,$5,$6)
     ON CONFLICT (facility_id, vaccine, manufacturer, lot) DO UPDATE SET quantity = vaccine_lots.quantity + EXCLUDED.quantity
     RETURNING id, expires_on::text AS expires_on`,
    [x.facilityId, x.vaccine, x.manufacturer, x.lot, x.expiresOn, x.quantity]);
  return r;
}

/** A facility's lots, soonest expiry first (with `held`, only those with stock). */
export function lotsOf(q: Queryable, facilityId: string, held: boolean): Promise<LotRow[]> {
  return q.query<LotRow>(`SELECT ${LOT_COLS} FROM vaccine_lots WHERE facility_id = $1 AND ($2::boolean IS FALSE OR quantity > 0) ORDER BY vaccine, expires_on, lot`, [facilityId, held]);
}

/** One lot, locked for the dose's transaction. */
export async function lotForUpdate(q: Queryable, id: string): Promise<LotRow | undefined> {
  const [r] = await q.query<LotRow>(`SELECT ${LOT_COLS} FROM vaccine_lots WHERE id = $1 FOR UPDATE`, [id]);
  return r;
}

/** Takes one dose from a lot that still holds one. */
export async function takeOne(q: Queryable, id: string): Promise<boolean> {
  const r = await q.query<{ id: string }>('UPDATE vaccine_lots SET quantity = quantity - 1 WHERE id = $1 AND quantity > 0 RETURNING id', [id]);
  return r.length === 1;
}

export async function insertMove(q: Queryable, x: { lotId: string; kind: 'receive' | 'administer'; quantity: number; refId: string | null; by: string }): Promise<void> {
  await q.query('INSERT INTO vaccine_lot_moves (lot_id, kind, quantity, ref_id, by_user) VALUES ($1,$2,$3,$4,$5)', [x.lotId, x.kind, x.quantity, x.refId, x.by]);
}

export interface VaccinationIn {
  residentId: string; county: string; immunisationId: string; vaccine: string; series: string; doseNumber: number; givenOn: string; lotId: string; manufacturer: string; lot: string; expiresOn: string;
  site: string; route: string; vaccinatorId: string; vaccinatorName: string; facilityId: string; scheduleVersion: string;
}

export async function insertVaccination(q: Queryable, x: VaccinationIn): Promise<string> {
  const [r] = await q.query<{ id: string }>(
    `INSERT INTO vaccinations (resident_id, county_code, immunisation_id, vaccine, series, dose_number, given_on, lot_id, manufacturer, lot, expires_on, site, route, vaccinator_id, vaccinator_name, facility_id, schedule_version)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17) RETURNING id`,
    [x.residentId, x.county, x.immunisationId, x.vaccine, x.series, x.doseNumber, x.givenOn, x.lotId, x.manufacturer, x.lot, x.expiresOn, x.site, x.route, x.vaccinatorId, x.vaccinatorName, x.facilityId, x.scheduleVersion]);
  return r.id;
}

export interface VaccinationRow { id: string; immunisation_id: string; vaccine: string; series: string; dose_number: number; given_on: string; manufacturer: string; lot: string; expires_on: string; site: string; route: string; vaccinator_name: string; facility_id: string }

/** A resident's vaccinations recorded at clinics here (the details the record's list does not hold), by the record's immunisation id. */
export function vaccinationsOf(q: Queryable, residentId: string): Promise<VaccinationRow[]> {
  return q.query<VaccinationRow>(
    `SELECT id, immunisation_id, vaccine, series, dose_number, given_on::text AS given_on, manufacturer, lot, expires_on::text AS expires_on, site, route, vaccinator_name, facility_id
       FROM vaccinations WHERE resident_id = $1 ORDER BY given_on, created_at`, [residentId]);
}

/** Vaccinations a facility gave on a day (the clinic's register). */
export function vaccinationsAt(q: Queryable, facilityId: string, day: string): Promise<(VaccinationRow & { resident_id: string })[]> {
  return q.query<VaccinationRow & { resident_id: string }>(
    `SELECT id, resident_id, immunisation_id, vaccine, series, dose_number, given_on::text AS given_on, manufacturer, lot, expires_on::text AS expires_on, site, route, vaccinator_name, facility_id
       FROM vaccinations WHERE facility_id = $1 AND given_on = $2::date ORDER BY created_at`, [facilityId, day]);
}

// ---- the elderly's annual service ----

export async function insertElderlyService(q: Queryable, x: { residentId: string; county: string; facilityId: string; serviceDate: string; form: object; total: number; band: string; bmi: number | null; complete: boolean; by: string }): Promise<string> {
  const [r] = await q.query<{ id: string }>(
    `INSERT INTO elderly_services (resident_id, county_code, facility_id, service_date, form, self_care_total, self_care_band, bmi, complete, by_user)
     VALUES ($1,$2,$3,$4,$5::jsonb,$6,$7,$8,$9,$10) RETURNING id`,
    [x.residentId, x.county, x.facilityId, x.serviceDate, JSON.stringify(x.form), x.total, x.band, x.bmi, x.complete, x.by]);
  return r.id;
}

/** What the lists and the rate read of a service: whose, when, and whether complete (not the form itself). */
export interface ElderlyServiceRow { id: string; resident_id: string; service_date: string; complete: boolean }

/** The services of some residents from a day on (the year's), oldest first. */
export function elderlyServicesOf(q: Queryable, residentIds: string[], from: string): Promise<ElderlyServiceRow[]> {
  return q.query<ElderlyServiceRow>(
    `SELECT id, resident_id, service_date::text AS service_date, complete
       FROM elderly_services WHERE resident_id = ANY($1::uuid[]) AND service_date >= $2::date ORDER BY service_date, created_at`, [residentIds, from]);
}

/** A resident's services, newest first, with their forms (the record of the annual service). */
export interface ElderlyServiceFull extends ElderlyServiceRow { facility_id: string; form: Record<string, unknown>; self_care_total: number; self_care_band: string; bmi: number | null }
export function elderlyServicesFull(q: Queryable, residentId: string): Promise<ElderlyServiceFull[]> {
  return q.query<ElderlyServiceFull>(
    `SELECT id, resident_id, service_date::text AS service_date, complete, facility_id, form, self_care_total, self_care_band, bmi::float8 AS bmi
       FROM elderly_services WHERE resident_id = $1 ORDER BY service_date DESC, created_at DESC`, [residentId]);
}

/**
 * 老年人健康管理率's counts by township of an area on a day: the module's one definition,
 * elderly_managed_on (migration 041), which the indicator catalogue reads too.
 */
export function elderlyManagedByTownship(q: Queryable, prefix: string, day: string): Promise<{ town: string; residents: number; managed: number }[]> {
  return q.query<{ town: string; residents: number; managed: number }>(
    `SELECT left(e.village_code, 9) || '000' AS town, count(*)::int AS residents, count(*) FILTER (WHERE e.managed)::int AS managed
       FROM elderly_managed_on($2::date) e WHERE e.village_code LIKE $1 || '%' GROUP BY 1 ORDER BY 1`, [prefix, day]);
}

/**
 * The residents 65+ on a day under the teams' current contracts (contracts' attribution function
 * contract_team_on, migration 018: a contract is the team's basis to see and write the record; a
 * resident with none is served from the facility's own list), with the day of their last complete
 * service of the day's year — the worklist's annual-service rows.
 */
export function elderlyOfTeams(q: Queryable, teamIds: string[], day: string): Promise<{ resident_id: string; name: string; sex: 'M' | 'F'; birth_date: string; village_name: string; served_on: string | null }[]> {
  return q.query(
    `SELECT r.id AS resident_id, r.name, r.sex, r.birth_date::text AS birth_date, v.name AS village_name,
            (SELECT max(s.service_date)::text FROM elderly_services s WHERE s.resident_id = r.id AND s.complete
               AND s.service_date >= make_date(extract(year FROM $2::date)::int, 1, 1) AND s.service_date <= $2::date) AS served_on
       FROM residents r JOIN regions v ON v.code = r.village_code
       JOIN contract_team_on($2::date) cur ON cur.resident_id = r.id
      WHERE r.merged_into IS NULL AND r.death_date IS NULL AND r.birth_date <= ($2::date - interval '65 years')::date
        AND cur.team_id = ANY($1::uuid[])`, [teamIds, day]);
}
