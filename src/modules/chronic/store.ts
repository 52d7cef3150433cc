// The chronic programme's SQL, typed rows in and out. The chronic tables are written here only;
// encounters and observations go through records' service, referral drafts through referrals'.
import type { Queryable } from '../../platform/db.ts';
import type { RateLevel } from '../contracts/service.ts';
import type { Programme, VisitClass } from './rules.ts';

// ---- who records ----

export interface MyWorkerRow { worker_id: string | null; fid: string | null; region: string | null }
export async function userWorkerAndFacility(q: Queryable, userId: string): Promise<MyWorkerRow | undefined> {
  const [r] = await q.query<MyWorkerRow>('SELECT u.worker_id, f.id AS fid, f.region_code AS region FROM users u LEFT JOIN facilities f ON f.code = u.facility_code WHERE u.id = $1', [userId]);
  return r;
}

export async function userRegion(q: Queryable, userId: string): Promise<string | null> {
  const [me] = await q.query<{ region_code: string | null }>('SELECT region_code FROM users WHERE id = $1', [userId]);
  return me?.region_code ?? null;
}

/** The lead hospital of the facility's medical community (its tightest membership), if any. */
export async function leadFacilityOf(q: Queryable, facilityId: string): Promise<string | null> {
  const [lead] = await q.query<{ id: string }>(
    'SELECT c.lead_facility_id AS id FROM community_members m JOIN communities c ON c.id = m.community_id WHERE m.facility_id = $1 AND m.left_on IS NULL ORDER BY m.tight DESC LIMIT 1', [facilityId]);
  return lead?.id ?? null;
}

export interface PatientRow { name: string; birth_date: string; sex: 'M' | 'F'; county_code: string; village_code: string }
export async function patient(q: Queryable, residentId: string): Promise<PatientRow | undefined> {
  const [r] = await q.query<PatientRow>('SELECT name, birth_date, sex, county_code, village_code FROM residents WHERE id = $1', [residentId]);
  return r;
}

// ---- follow-ups ----

export interface FollowUpRow {
  visit_date: string; visit_class: VisitClass; sbp: number | null; dbp: number | null; heart_rate: number | null; weight_kg: number | string | null; height_cm: number | string | null;
  fasting_glucose: number | string | null; adherence: string | null; medication: string | null; next_visit_date: string; visit_mode: string; symptoms: string[];
  no_symptoms: boolean; smoking_now: number | null; smoking_target: number | null; drinking_now: number | string | null; drinking_target: number | string | null;
  exercise_times_now: number | null; exercise_times_target: number | null; exercise_minutes_now: number | null; exercise_minutes_target: number | null;
  salt_now: string | null; salt_target: string | null; staple_now: number | null; staple_target: number | null; psychology: string | null; compliance: string | null;
  adverse_reaction: boolean; adverse_reaction_text: string | null; pedis_left: string | null; pedis_right: string | null; hba1c: number | string | null; hba1c_date: string | null;
  hypoglycaemia: string | null; medications: { drug: string; dose: number; unit: string; timesPerDay: number }[]; insulin_kind: string | null; insulin_dose: string | null;
  transfer_reason: string | null; transfer_to: string | null; advice: string | null; doctor_name: string | null;
}
/** The last follow-up of a programme (the form's defaults). */
export async function lastFollowUp(q: Queryable, residentId: string, programme: Programme): Promise<FollowUpRow | null> {
  const [r] = await q.query<FollowUpRow>(
    `SELECT f.*, f.visit_date::text AS visit_date, f.next_visit_date::text AS next_visit_date, f.hba1c_date::text AS hba1c_date, w.name AS doctor_name
       FROM chronic_followups f LEFT JOIN workers w ON w.id = f.worker_id
      WHERE f.resident_id = $1 AND f.programme = $2 ORDER BY f.visit_date DESC, f.created_at DESC LIMIT 1`, [residentId, programme]);
  return r ?? null;
}

/** The follow-up of a programme just before a visit on `day` (on or before that day: the two-consecutive rule; a back-dated visit is judged against what came before it). */
export async function followUpBefore(q: Queryable, residentId: string, programme: Programme, day: string): Promise<{ visit_class: VisitClass; visit_date: string } | null> {
  const [r] = await q.query<{ visit_class: VisitClass; visit_date: string }>(
    'SELECT visit_class, visit_date FROM chronic_followups WHERE resident_id = $1 AND programme = $2 AND visit_date <= $3 ORDER BY visit_date DESC, created_at DESC LIMIT 1', [residentId, programme, day]);
  return r ?? null;
}

export interface FollowUpRowIn {
  residentId: string; county: string; programme: Programme; encounterId: string; facilityId: string; workerId: string | null; visitDate: string; visitMode: string; symptoms: string[];
  sbp: number | null; dbp: number | null; heartRate: number | null; weightKg: number | null; heightCm: number | null; bmi: number | null; fastingGlucose: number | null; temperature: number | null;
  form: FormColumns; adherence: string | null; adverseReaction: boolean; adverseUncontrollable: boolean; newComplication: boolean; complicationWorse: boolean; medication: string | null;
  visitClass: VisitClass; onTarget: boolean; emergency: boolean; referralReason: string | null; referralUrgency: string | null; referralId: string | null; nextVisitDate: string; createdBy: string;
}
/** The national forms' columns (migration 034), in the order they are written. */
export interface FormColumns {
  no_symptoms: boolean; smoking_now: number | null; smoking_target: number | null; drinking_now: number | null; drinking_target: number | null;
  exercise_times_now: number | null; exercise_times_target: number | null; exercise_minutes_now: number | null; exercise_minutes_target: number | null;
  salt_now: string | null; salt_target: string | null; staple_now: number | null; staple_target: number | null; psychology: string | null; compliance: string | null;
  adverse_reaction_text: string | null; pedis_left: string | null; pedis_right: string | null; hba1c: number | null; hba1c_date: string | null; hypoglycaemia: string | null;
  medications: object[]; insulin_kind: string | null; insulin_dose: string | null; transfer_reason: string | null; transfer_to: string | null; advice: string | null; rule_next_visit_date: string;
}
const FORM_COLUMNS = ['no_symptoms', 'smoking_now', 'smoking_target', 'drinking_now', 'drinking_target', 'exercise_times_now', 'exercise_times_target', 'exercise_minutes_now', 'exercise_minutes_target',
  'salt_now', 'salt_target', 'staple_now', 'staple_target', 'psychology', 'compliance', 'adverse_reaction_text', 'pedis_left', 'pedis_right', 'hba1c', 'hba1c_date', 'hypoglycaemia',
  'medications', 'insulin_kind', 'insulin_dose', 'transfer_reason', 'transfer_to', 'advice', 'rule_next_visit_date'] as const satisfies readonly (keyof FormColumns)[];

export async function insertFollowUp(q: Queryable, f: FollowUpRowIn): Promise<string> {
  const [row] = await q.query<{ id: string }>(
    `INSERT INTO chronic_followups (resident_id, county_code, programme, encounter_id, facility_id, worker_id, visit_date, visit_mode, symptoms, sbp, dbp, heart_rate, weight_kg, height_cm, bmi,
       fasting_glucose, temperature, adherence, adverse_reaction, adverse_uncontrollable, new_complication, complication_worse, medication, visit_class, on_target, emergency,
       referral_reason, referral_urgency, referral_id, next_visit_date, created_by,
       no_symptoms, smoking_now, smoking_target, drinking_now, drinking_target, exercise_times_now, exercise_times_target, exercise_minutes_now, exercise_minutes_target,
       salt_now, salt_target, staple_now, staple_target, psychology, compliance, adverse_reaction_text, pedis_left, pedis_right, hba1c, hba1c_date, hypoglycaemia,
       medications, insulin_kind, insulin_dose, transfer_reason, transfer_to, advice, rule_next_visit_date)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,$27,$28,$29,$30,$31,
       $32,$33,$34,$35,$36,$37,$38,$39,$40,$41,$42,$43,$44,$45,$46,$47,$48,$49,$50,$51,$52,$53,$54,$55,$56,$57,$58,$59) RETURNING id`,
    [f.residentId, f.county, f.programme, f.encounterId, f.facilityId, f.workerId, f.visitDate, f.visitMode, f.symptoms, f.sbp, f.dbp, f.heartRate, f.weightKg, f.heightCm, f.bmi,
      f.fastingGlucose, f.temperature, f.adherence, f.adverseReaction, f.adverseUncontrollable, f.newComplication, f.complicationWorse, f.medication,
      f.visitClass, f.onTarget, f.emergency, f.referralReason, f.referralUrgency, f.referralId, f.nextVisitDate, f.createdBy,
      ...FORM_COLUMNS.map((c) => (c === 'medications' ? JSON.stringify(f.form.medications) : f.form[c]))]);
  return row.id;
}

// ---- enrolment ----

/** Enrols from a diagnosis (or a first follow-up); an active enrolment is kept as it is. */
export async function enrolKeeping(q: Queryable, residentId: string, county: string, programme: Programme, on: string): Promise<void> {
  await q.query(`INSERT INTO chronic_enrolments (resident_id, county_code, programme, enrolled_on, source) VALUES ($1,$2,$3,$4,'diagnosis')
                 ON CONFLICT (resident_id, programme) WHERE status = 'active' DO NOTHING`, [residentId, county, programme, on]);
}

/** Enrols from a confirmed diagnosis; a provisional (screening) enrolment becomes confirmed. */
export async function enrolConfirming(q: Queryable, residentId: string, county: string, programme: Programme, on: string): Promise<void> {
  await q.query(`INSERT INTO chronic_enrolments (resident_id, county_code, programme, enrolled_on, source) VALUES ($1,$2,$3,$4,'diagnosis')
                 ON CONFLICT (resident_id, programme) WHERE status = 'active' DO UPDATE SET provisional = false`, [residentId, county, programme, on]);
}

/** A provisional hypertension enrolment from screening; null when one is active already. */
export async function enrolProvisional(q: Queryable, residentId: string, county: string, on: string): Promise<string | null> {
  const [e] = await q.query<{ id: string }>(
    `INSERT INTO chronic_enrolments (resident_id, county_code, programme, enrolled_on, source, provisional) VALUES ($1,$2,'hypertension',$3,'screening',true)
     ON CONFLICT (resident_id, programme) WHERE status = 'active' DO NOTHING RETURNING id`, [residentId, county, on]);
  return e?.id ?? null;
}

// ---- screening ----

/** The past year's readings up to a day: a systolic and a diastolic taken together (same encounter, or the same moment). */
export function screeningReadings(q: Queryable, residentId: string, day: string): Promise<{ date: string; sbp: number; dbp: number }[]> {
  return q.query<{ date: string; sbp: number; dbp: number }>(
    `SELECT (s.observed_at AT TIME ZONE 'Asia/Shanghai')::date::text AS date, s.value::float8 AS sbp, d.value::float8 AS dbp
       FROM observations s JOIN observations d ON d.resident_id = s.resident_id AND d.code = '8462-4'
            AND (d.encounter_id = s.encounter_id OR (d.encounter_id IS NULL AND s.encounter_id IS NULL AND d.observed_at = s.observed_at))
      WHERE s.resident_id = $1 AND s.code = '8480-6' AND s.observed_at > ($2::date - 365) AND s.observed_at < ($2::date + 1)`, [residentId, day]);
}

export interface ScreeningRow { id: string; name: string; sex: 'M' | 'F'; birth_date: string; village_name: string; last_reading: Date | null; high_days: number; this_year: boolean }
// The candidates for screening: 35+, not hypertensive, with their high-reading days of the past year,
// among one population: the residents of a region (prefix $5), or the current contracts of teams ($6).
// The other parameter is null, and its branch folds away when the statement is planned with its values.
/** Screening candidates in a region (`regionPrefix`) or among the teams' current contracts (`teamIds`). */
export function screeningCandidates(q: Queryable, day: string, yearStart: string, sbp: number, dbp: number, among: { regionPrefix: string } | { teamIds: string[] }): Promise<ScreeningRow[]> {
  return q.query<ScreeningRow>(
    `WITH pop AS (
       SELECT r.id FROM residents r WHERE $5::text IS NOT NULL AND r.village_code LIKE $5 || '%'
       UNION ALL
       SELECT c.resident_id AS id FROM contracts c
        WHERE $6::uuid[] IS NOT NULL AND contract_in_force(c.status, c.ended_reason, c.starts_on, c.ends_on, c.ended_on, $1::date)
          AND c.team_id = ANY($6::uuid[])),
     hi AS (
       SELECT s.resident_id, count(DISTINCT (s.observed_at AT TIME ZONE 'Asia/Shanghai')::date)::int AS days
         FROM observations s JOIN observations d ON d.resident_id = s.resident_id AND d.code = '8462-4' AND d.encounter_id = s.encounter_id
        WHERE s.resident_id IN (SELECT id FROM pop) AND s.code = '8480-6' AND s.observed_at > ($1::date - 365) AND (s.value >= $3 OR d.value >= $4)
        GROUP BY 1)
     SELECT r.id, r.name, r.sex, r.birth_date::text, v.name AS village_name, coalesce(hi.days, 0) AS high_days,
            (SELECT max(o.observed_at) FROM observations o WHERE o.resident_id = r.id AND o.code = '8480-6') AS last_reading,
            EXISTS (SELECT 1 FROM observations o WHERE o.resident_id = r.id AND o.code = '8480-6' AND o.observed_at >= $2::date) AS this_year
       FROM (SELECT DISTINCT id FROM pop) p JOIN residents r ON r.id = p.id JOIN regions v ON v.code = r.village_code LEFT JOIN hi ON hi.resident_id = r.id
      WHERE r.merged_into IS NULL AND r.death_date IS NULL AND r.birth_date <= ($1::date - interval '35 years')
        AND NOT ('hypertension' = ANY(r.conditions))
        AND NOT EXISTS (SELECT 1 FROM chronic_enrolments e WHERE e.resident_id = r.id AND e.programme = 'hypertension' AND e.status = 'active')
      ORDER BY coalesce(hi.days, 0) DESC, r.birth_date, r.name, r.id`,
    [day, yearStart, sbp, dbp, 'regionPrefix' in among ? among.regionPrefix : null, 'teamIds' in among ? among.teamIds : null]);
}

// ---- the worklist ----

export interface WorklistPatientRow {
  resident_id: string; name: string; sex: 'M' | 'F'; birth_date: string; village_name: string; programme: Programme; provisional: boolean; enrolled_on: string; visit_date: string | null;
  visit_class: VisitClass | null; sbp: number | null; dbp: number | null; fasting_glucose: number | null; next_visit_date: string | null;
}
/** The teams' contracted, enrolled, living patients on a day, each with their programme's latest follow-up. */
export function worklistPatients(q: Queryable, teamIds: string[], day: string): Promise<WorklistPatientRow[]> {
  return q.query<WorklistPatientRow>(
    `WITH pts AS (
       SELECT DISTINCT r.id, r.name, r.sex, r.birth_date, v.name AS village_name, e.programme, e.provisional, e.enrolled_on
         FROM contracts c
         JOIN residents r ON r.id = c.resident_id AND r.merged_into IS NULL AND r.death_date IS NULL
         JOIN regions v ON v.code = r.village_code
         JOIN chronic_enrolments e ON e.resident_id = r.id AND e.status = 'active'
        WHERE c.team_id = ANY($1::uuid[]) AND contract_in_force(c.status, c.ended_reason, c.starts_on, c.ends_on, c.ended_on, $2::date))
     SELECT pts.id AS resident_id, pts.name, pts.sex, pts.birth_date::text, pts.village_name, pts.programme, pts.provisional, pts.enrolled_on::text,
            f.visit_date::text, f.visit_class, f.sbp, f.dbp, f.fasting_glucose::float8 AS fasting_glucose, f.next_visit_date::text
       FROM pts LEFT JOIN LATERAL (
         SELECT visit_date, visit_class, sbp, dbp, fasting_glucose, next_visit_date FROM chronic_followups
          WHERE resident_id = pts.id AND programme = pts.programme ORDER BY visit_date DESC, created_at DESC LIMIT 1) f ON true`,
    [teamIds, day]);
}

// ---- rates ----
// A resident's unit comes from the contracts module's attribution functions (migration 018:
// contract_team_on, village_team, township_community_on, township_of), joined in these fixed
// statements; the level is a parameter, and the planner, given its value, drops the joins it does
// not need (each function answers one row per key).

export interface RateRow { unit: string; adults35: number; managed: number; standard: number; controlled: number }
/** Programme counts per unit of a level: $1 attribution day, $2..$3 the counted span, $6 a region prefix or null. */
export function programmeRateRows(q: Queryable, level: RateLevel, a: { attributionDay: string; from: string; to: string; programme: Programme; need: number; within: string | null }): Promise<RateRow[]> {
  return q.query<RateRow>(
    `WITH fu AS (
       SELECT f.resident_id, count(*) AS n, (array_agg(f.on_target ORDER BY f.visit_date DESC, f.created_at DESC))[1] AS last_on_target
         FROM chronic_followups f WHERE f.programme = $4 AND f.visit_date BETWEEN $2::date AND $3::date AND ($6::text IS NULL OR f.county_code = left($6, 6))
        GROUP BY f.resident_id)
     SELECT CASE $7::text WHEN 'team' THEN coalesce(cur.team_id, area.team_id)::text WHEN 'community' THEN tc.community_id::text WHEN 'county' THEN r.county_code ELSE township_of(r.village_code) END AS unit,
            count(*) FILTER (WHERE r.birth_date <= ($3::date - interval '35 years'))::int AS adults35,
            count(fu.n)::int AS managed, count(*) FILTER (WHERE fu.n >= $5)::int AS standard, count(*) FILTER (WHERE fu.last_on_target)::int AS controlled
       FROM residents r LEFT JOIN fu ON fu.resident_id = r.id
       LEFT JOIN contract_team_on($1::date) cur ON cur.resident_id = r.id LEFT JOIN village_team() area ON area.village_code = r.village_code
       LEFT JOIN township_community_on($1::date) tc ON tc.township_code = township_of(r.village_code)
      WHERE r.merged_into IS NULL AND (r.death_date IS NULL OR r.death_date >= $2::date) AND ($6::text IS NULL OR r.village_code LIKE $6 || '%')
        AND $1::date IS NOT NULL -- the attribution day, used by the team and community joins
      GROUP BY 1 HAVING CASE $7::text WHEN 'team' THEN coalesce(cur.team_id, area.team_id)::text WHEN 'community' THEN tc.community_id::text WHEN 'county' THEN r.county_code ELSE township_of(r.village_code) END IS NOT NULL`, [a.attributionDay, a.from, a.to, a.programme, a.need, a.within, level]);
}

export interface RateResidentRow { id: string; name: string; sex: 'M' | 'F'; birth_date: string; village_name: string; n: number; last_on_target: boolean; last_visit: string }
/** The residents with follow-ups behind a unit's rate, limited to a region prefix ($6) or the teams' contracts ($7). */
export function rateResidentRows(q: Queryable, level: RateLevel, a: { attributionDay: string; programme: Programme; from: string; to: string; code: string; region: string | null; teamIds: string[] }): Promise<RateResidentRow[]> {
  return q.query<RateResidentRow>(
    `WITH fu AS (
       SELECT f.resident_id, count(*)::int AS n, (array_agg(f.on_target ORDER BY f.visit_date DESC, f.created_at DESC))[1] AS last_on_target, max(f.visit_date)::text AS last_visit
         FROM chronic_followups f WHERE f.programme = $2 AND f.visit_date BETWEEN $3::date AND $4::date GROUP BY f.resident_id)
     SELECT r.id, r.name, r.sex, r.birth_date::text, v.name AS village_name, fu.n, fu.last_on_target, fu.last_visit
       FROM fu JOIN residents r ON r.id = fu.resident_id JOIN regions v ON v.code = r.village_code
       LEFT JOIN contract_team_on($1::date) cur ON cur.resident_id = r.id LEFT JOIN village_team() area ON area.village_code = r.village_code
       LEFT JOIN township_community_on($1::date) tc ON tc.township_code = township_of(r.village_code)
      WHERE CASE $8::text WHEN 'team' THEN coalesce(cur.team_id, area.team_id)::text WHEN 'community' THEN tc.community_id::text WHEN 'county' THEN r.county_code ELSE township_of(r.village_code) END = $5 AND r.merged_into IS NULL AND $1::date IS NOT NULL
        AND (($6::text IS NOT NULL AND r.village_code LIKE $6 || '%') OR EXISTS (SELECT 1 FROM contracts c WHERE c.resident_id = r.id AND c.status IN ('signed','renewed') AND c.ends_on >= current_date
              AND c.team_id = ANY($7::uuid[])))
      ORDER BY r.name LIMIT 2000`,
    [a.attributionDay, a.programme, a.from, a.to, a.code, a.region, a.teamIds, level]);
}

// ---- bulk loads (the demo county) ----

/** Records the referral each follow-up's rules led to. */
export async function linkFollowupReferrals(q: Queryable, links: readonly { followupId: string; referralId: string }[]): Promise<void> {
  await q.query('UPDATE chronic_followups f SET referral_id = x.r FROM unnest($1::uuid[], $2::uuid[]) AS x(id, r) WHERE f.id = x.id', [links.map((l) => l.followupId), links.map((l) => l.referralId)]);
}

/** Each active, confirmed enrolment of a resident with the class of its programme's latest follow-up (null: none yet). */
export function enrolmentStanding(q: Queryable, residentId: string): Promise<{ programme: Programme; last_class: string | null }[]> {
  return q.query<{ programme: Programme; last_class: string | null }>(
    `SELECT e.programme, (SELECT f.visit_class FROM chronic_followups f WHERE f.resident_id = e.resident_id AND f.programme = e.programme ORDER BY f.visit_date DESC, f.created_at DESC LIMIT 1) AS last_class
       FROM chronic_enrolments e WHERE e.resident_id = $1 AND e.status = 'active' AND NOT e.provisional ORDER BY e.programme`, [residentId]);
}

/** Each active (confirmed) programme of a resident with its latest follow-up's date and next visit date. */
export function nextVisits(q: Queryable, residentId: string): Promise<{ programme: Programme; last_visit: string | null; next_visit: string | null }[]> {
  return q.query<{ programme: Programme; last_visit: string | null; next_visit: string | null }>(
    `SELECT e.programme, f.visit_date::text AS last_visit, f.next_visit_date::text AS next_visit
       FROM chronic_enrolments e
       LEFT JOIN LATERAL (SELECT visit_date, next_visit_date FROM chronic_followups x WHERE x.resident_id = e.resident_id AND x.programme = e.programme
                           ORDER BY x.visit_date DESC, x.created_at DESC LIMIT 1) f ON true
      WHERE e.resident_id = $1 AND e.status = 'active' AND NOT e.provisional ORDER BY e.programme`, [residentId]);
}
