// The referral module's SQL: referrals, their events and tasks, the service levels and the insurance
// parameters; and the reads of the record and the registry a referral's summary and desk need. Every
// statement is fixed text with parameters: each transition has its own UPDATE (its own time stamp).
import type { Queryable } from '../../platform/db.ts';
import { insertMany, type Column } from '../../platform/bulk.ts';
import type { Direction, GreenChannel, State, Tier, Urgency } from './rules.ts';
import type { Summary } from './schema.ts';

// ---------------------------------------------------------------- who and where (read)

export interface MeRow { fid: string | null; tier: Tier; region_code: string; worker_id: string | null }

export async function userFacility(q: Queryable, userId: string): Promise<MeRow | undefined> {
  const [r] = await q.query<MeRow>('SELECT f.id AS fid, f.tier, f.region_code, u.worker_id FROM users u LEFT JOIN facilities f ON f.code = u.facility_code WHERE u.id = $1', [userId]);
  return r;
}

export async function openFacilityByCode(q: Queryable, code: string) {
  const [f] = await q.query<{ id: string; tier: Tier }>('SELECT id, tier FROM facilities WHERE code = $1 AND closed_on IS NULL', [code]);
  return f;
}

export async function facilityTier(q: Queryable, id: string): Promise<Tier> {
  const [f] = await q.query<{ tier: Tier }>('SELECT tier FROM facilities WHERE id = $1', [id]);
  return f.tier;
}

export async function facilityRegion(q: Queryable, code: string): Promise<string | null> {
  const [f] = await q.query<{ region_code: string }>('SELECT region_code FROM facilities WHERE code = $1', [code]);
  return f?.region_code ?? null;
}

/** Whether two facilities belong to one medical community (as its lead or a current member). */
export async function sameCommunity(q: Queryable, a: string, b: string): Promise<boolean> {
  const [r] = await q.query<{ ok: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM communities c
       WHERE (c.lead_facility_id = $1 OR EXISTS (SELECT 1 FROM community_members m WHERE m.community_id = c.id AND m.facility_id = $1 AND m.left_on IS NULL))
         AND (c.lead_facility_id = $2 OR EXISTS (SELECT 1 FROM community_members m WHERE m.community_id = c.id AND m.facility_id = $2 AND m.left_on IS NULL))) AS ok`, [a, b]);
  return !!r?.ok;
}

export async function residentCounty(q: Queryable, id: string): Promise<string> {
  const [r] = await q.query<{ county_code: string }>('SELECT county_code FROM residents WHERE id = $1', [id]);
  return r.county_code;
}

/** Facilities a referral may go to from a facility, within a city prefix: the community's members first. */
export async function targetFacilities(q: Queryable, facilityId: string, cityPrefix: string) {
  return q.query<{ code: string; name: string; tier: Tier; in_community: boolean }>(
    `SELECT f.code, f.name, f.tier, EXISTS (SELECT 1 FROM community_members a JOIN community_members b ON a.community_id = b.community_id WHERE a.facility_id = $1 AND b.facility_id = f.id) AS in_community
       FROM facilities f WHERE f.id <> $1 AND f.closed_on IS NULL AND f.tier IN ('city','county','township') AND f.region_code LIKE $2 || '%'
      ORDER BY in_community DESC, CASE f.tier WHEN 'county' THEN 0 WHEN 'city' THEN 1 ELSE 2 END, f.code LIMIT 300`, [facilityId, cityPrefix]);
}

// ---------------------------------------------------------------- the record, for the summary (read)

export async function summaryParts(q: Queryable, residentId: string) {
  return Promise.all([
    q.query<{ icd10: string; name_zh: string; onset_date: string | null }>(
      `SELECT DISTINCT ON (d.icd10) d.icd10, c.name_zh, d.onset_date FROM diagnoses d JOIN icd10_codes c ON c.code = d.icd10 WHERE d.resident_id = $1 AND d.status = 'active' ORDER BY d.icd10, d.recorded_at DESC LIMIT 20`, [residentId]),
    q.query<{ drug_name: string; dose: string | null; frequency: string | null; prescribed_at: Date }>(
      `SELECT DISTINCT ON (drug_name) drug_name, dose, frequency, prescribed_at FROM prescriptions WHERE resident_id = $1 AND prescribed_at > now() - interval '180 days' ORDER BY drug_name, prescribed_at DESC LIMIT 20`, [residentId]),
    q.query<{ substance: string; reaction: string | null; severity: string | null }>('SELECT substance, reaction, severity FROM allergies WHERE resident_id = $1 ORDER BY recorded_at DESC LIMIT 20', [residentId]),
    q.query<{ code: string; value: number; unit: string; observed_at: Date; flag: string | null }>(
      `SELECT DISTINCT ON (code) code, value, unit, observed_at, flag FROM observations WHERE resident_id = $1 AND observed_at > now() - interval '365 days' ORDER BY code, observed_at DESC LIMIT 30`, [residentId]),
  ]);
}

// ---------------------------------------------------------------- referrals

export interface ReferralRow {
  id: string; resident_id: string; county_code: string; direction: Direction; urgency: Urgency; green_channel: GreenChannel | null; reason_code: string; reason_text: string | null;
  from_facility_id: string; to_facility_id: string; to_department: string | null; summary: Summary | null; status: State; decline_reason: string | null; follow_up_plan: string | null;
  follow_up_days: number | null; sent_at: Date | null; accepted_at: Date | null; arrived_at: Date | null; completed_at: Date | null; created_at: Date; version: number; booking_id: string | null;
  bed_id: string | null; due_at: Date | null; outcome_summary: string | null; parent_id: string | null; inpatient: boolean;
}

export async function referralById(q: Queryable, id: string): Promise<ReferralRow | undefined> {
  const [r] = await q.query<ReferralRow>('SELECT * FROM referrals WHERE id = $1', [id]);
  return r;
}

/** The referral, locked for a change. */
export async function lockReferral(q: Queryable, id: string): Promise<ReferralRow | undefined> {
  const [r] = await q.query<ReferralRow>('SELECT * FROM referrals WHERE id = $1 FOR UPDATE', [id]);
  return r;
}

export interface DraftRow {
  residentId: string; county: string; direction: Direction; urgency: Urgency; greenChannel: GreenChannel | null; reasonCode: string; reasonText: string | null; fromFacilityId: string;
  fromWorkerId: string | null; toFacilityId: string; toDepartment: string | null; summary: Summary; followUpPlan: string | null; followUpDays: number | null; inpatient: boolean; createdBy: string;
}

export async function insertDraft(q: Queryable, d: DraftRow): Promise<string> {
  const [r] = await q.query<{ id: string }>(
    `INSERT INTO referrals (resident_id, county_code, direction, urgency, green_channel, reason_code, reason_text, from_facility_id, from_worker_id, to_facility_id, to_department, summary, status,
       follow_up_plan, follow_up_days, inpatient, created_by)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,'draft',$13,$14,$15,$16) RETURNING id`,
    [d.residentId, d.county, d.direction, d.urgency, d.greenChannel, d.reasonCode, d.reasonText, d.fromFacilityId, d.fromWorkerId, d.toFacilityId, d.toDepartment,
      JSON.stringify(d.summary), d.followUpPlan, d.followUpDays, d.inpatient, d.createdBy]);
  return r.id;
}

export async function updateDraft(q: Queryable, id: string, d: { urgency: Urgency; greenChannel: GreenChannel | null; reasonCode: string; reasonText: string | null; toFacilityId: string; direction: Direction;
  toDepartment: string | null; summary: Summary | null; followUpPlan: string | null; followUpDays: number | null; inpatient: boolean }): Promise<void> {
  await q.query(
    `UPDATE referrals SET urgency = $2, green_channel = $3, reason_code = $4, reason_text = $5, to_facility_id = $6, direction = $7, to_department = $8, summary = $9,
       follow_up_plan = $10, follow_up_days = $11, inpatient = $12, version = version + 1 WHERE id = $1`,
    [id, d.urgency, d.greenChannel, d.reasonCode, d.reasonText, d.toFacilityId, d.direction, d.toDepartment, JSON.stringify(d.summary), d.followUpPlan, d.followUpDays, d.inpatient]);
}

/** Expires the sent referrals past their due time (one, or all), skipping those another transaction holds. */
export async function expireOverdue(q: Queryable, onlyId: string | null) {
  return q.query<{ id: string; booking_id: string | null; bed_id: string | null }>(
    `UPDATE referrals SET status = 'expired', expired_at = now(), version = version + 1
      WHERE id IN (SELECT id FROM referrals WHERE status = 'sent' AND due_at < now() AND ($1::uuid IS NULL OR id = $1) FOR UPDATE SKIP LOCKED)
     RETURNING id, booking_id, bed_id`, [onlyId]);
}

export async function insertExpiryEvents(q: Queryable, ids: string[]): Promise<void> {
  await q.query(`INSERT INTO referral_events (referral_id, status, from_status, note) SELECT id, 'expired', 'sent', 'not handled within the service level' FROM unnest($1::uuid[]) AS id`, [ids]);
}

// One UPDATE per transition, each setting its own time stamp; COALESCE keeps what the input leaves out.

export async function markSent(q: Queryable, id: string, s: { bookingId: string | null; bedId: string | null; dueAt: Date; followUpPlan: string | null; followUpDays: number | null; toDepartment: string | null }) {
  await q.query(
    `UPDATE referrals SET status = 'sent', sent_at = now(), booking_id = $2, bed_id = $3, due_at = $4, follow_up_plan = COALESCE($5, follow_up_plan), follow_up_days = COALESCE($6, follow_up_days),
       to_department = COALESCE($7, to_department), version = version + 1 WHERE id = $1`, [id, s.bookingId, s.bedId, s.dueAt, s.followUpPlan, s.followUpDays, s.toDepartment]);
}

export async function markAccepted(q: Queryable, id: string, s: { bookingId: string | null; bedId: string | null; toDepartment: string | null }) {
  await q.query(`UPDATE referrals SET status = 'accepted', accepted_at = now(), booking_id = $2, bed_id = $3, to_department = COALESCE($4, to_department), version = version + 1 WHERE id = $1`,
    [id, s.bookingId, s.bedId, s.toDepartment]);
}

export async function markDeclined(q: Queryable, id: string, s: { reason: string | null; toDepartment: string | null }) {
  await q.query(`UPDATE referrals SET status = 'declined', declined_at = now(), decline_reason = COALESCE($2, decline_reason), to_department = COALESCE($3, to_department), version = version + 1 WHERE id = $1`,
    [id, s.reason, s.toDepartment]);
}

export async function markArrived(q: Queryable, id: string, s: { toDepartment: string | null }) {
  await q.query(`UPDATE referrals SET status = 'arrived', arrived_at = now(), to_department = COALESCE($2, to_department), version = version + 1 WHERE id = $1`, [id, s.toDepartment]);
}

export async function markCompleted(q: Queryable, id: string, s: { outcome: string | null; followUpPlan: string | null; followUpDays: number | null; toDepartment: string | null }) {
  await q.query(
    `UPDATE referrals SET status = 'completed', completed_at = now(), outcome_summary = COALESCE($2, outcome_summary), follow_up_plan = COALESCE($3, follow_up_plan),
       follow_up_days = COALESCE($4, follow_up_days), to_department = COALESCE($5, to_department), version = version + 1 WHERE id = $1`, [id, s.outcome, s.followUpPlan, s.followUpDays, s.toDepartment]);
}

export async function markCancelled(q: Queryable, id: string, s: { toDepartment: string | null }) {
  await q.query(`UPDATE referrals SET status = 'cancelled', cancelled_at = now(), to_department = COALESCE($2, to_department), version = version + 1 WHERE id = $1`, [id, s.toDepartment]);
}

/** Follows a booking moved to another slot (the scheduling module's reschedule). */
export async function followBooking(q: Queryable, referralId: string, from: string, to: string): Promise<void> {
  await q.query('UPDATE referrals SET booking_id = $2 WHERE id = $1 AND booking_id = $3', [referralId, to, from]);
}

export async function insertEvent(q: Queryable, e: { referralId: string; status: State; fromStatus: State | null; byUser: string | null; note: string | null }): Promise<void> {
  await q.query('INSERT INTO referral_events (referral_id, status, from_status, by_user, note) VALUES ($1,$2,$3,$4,$5)', [e.referralId, e.status, e.fromStatus, e.byUser, e.note]);
}

/** A down-referral sent with the follow-up plan when an up-referral completes. */
export async function insertDownReferral(q: Queryable, d: { residentId: string; county: string; fromFacilityId: string; fromWorkerId: string | null; toFacilityId: string; summary: Summary;
  followUpPlan: string; followUpDays: number; dueAt: Date; parentId: string; createdBy: string }): Promise<ReferralRow> {
  const [r] = await q.query<ReferralRow>(
    `INSERT INTO referrals (resident_id, county_code, direction, urgency, reason_code, reason_text, from_facility_id, from_worker_id, to_facility_id, summary, status, follow_up_plan, follow_up_days,
       sent_at, due_at, parent_id, created_by)
     VALUES ($1,$2,'down','routine','rehabilitation',NULL,$3,$4,$5,$6,'sent',$7,$8,now(),$9,$10,$11) RETURNING *`,
    [d.residentId, d.county, d.fromFacilityId, d.fromWorkerId, d.toFacilityId, JSON.stringify(d.summary), d.followUpPlan, d.followUpDays, d.dueAt, d.parentId, d.createdBy]);
  return r;
}

export async function referralNames(q: Queryable, r: { resident_id: string; from_facility_id: string; to_facility_id: string }) {
  const [names] = await q.query<{ resident: string; sex: string; birth_date: string; from_name: string; from_code: string; to_name: string; to_code: string }>(
    `SELECT x.name AS resident, x.sex, x.birth_date, f.name AS from_name, f.code AS from_code, t.name AS to_name, t.code AS to_code
       FROM residents x, facilities f, facilities t WHERE x.id = $1 AND f.id = $2 AND t.id = $3`, [r.resident_id, r.from_facility_id, r.to_facility_id]);
  return names;
}

export async function referralEvents(q: Queryable, id: string) {
  return q.query<{ status: string; from_status: string | null; at: Date; note: string | null; username: string | null }>(
    'SELECT e.status, e.from_status, e.at, e.note, u.display_name AS username FROM referral_events e LEFT JOIN users u ON u.id = e.by_user WHERE e.referral_id = $1 ORDER BY e.at, e.id', [id]);
}

export type InboxRow = ReferralRow & { resident_name: string; other_name: string };

/** A facility's incoming (sent to it, drafts excepted) or outgoing referrals: open ones and the last 30 days', the most urgent first. */
export async function inbox(q: Queryable, facilityId: string, box: 'incoming' | 'outgoing', status: State | null): Promise<InboxRow[]> {
  return q.query<InboxRow>(
    `SELECT r.*, x.name AS resident_name, f.name AS other_name
       FROM referrals r JOIN residents x ON x.id = r.resident_id JOIN facilities f ON f.id = CASE WHEN $2 = 'incoming' THEN r.from_facility_id ELSE r.to_facility_id END
      WHERE CASE WHEN $2 = 'incoming' THEN r.to_facility_id = $1 AND r.status <> 'draft' ELSE r.from_facility_id = $1 END
        AND ($3::text IS NULL OR r.status = $3)
        AND ($3::text IS NOT NULL OR r.status IN ('draft','sent','accepted','arrived') OR r.created_at > now() - interval '30 days')
      ORDER BY CASE r.urgency WHEN 'green_channel' THEN 0 WHEN 'urgent' THEN 1 ELSE 2 END, r.due_at NULLS LAST, r.created_at DESC LIMIT 500`, [facilityId, box, status]);
}

// ---------------------------------------------------------------- tasks

/** The team for a down-referral's task: the resident's contracted team, else the team serving their village at the receiving facility. */
export async function taskTeam(q: Queryable, residentId: string, facilityId: string): Promise<string | null> {
  const [team] = await q.query<{ team_id: string }>(
    `SELECT team_id FROM (
       SELECT c.team_id, 1 AS rank FROM contracts c WHERE c.resident_id = $1 AND contract_in_force(c.status, c.ended_reason, c.starts_on, c.ends_on, c.ended_on, current_date)
       UNION ALL SELECT a.team_id, 2 FROM care_team_areas a JOIN care_teams t ON t.id = a.team_id JOIN residents r ON r.id = $1
         WHERE t.facility_id = $2 AND t.active AND r.village_code LIKE regexp_replace(a.region_code, '0+$', '') || '%') x ORDER BY rank LIMIT 1`, [residentId, facilityId]);
  return team?.team_id ?? null;
}

export async function upsertTask(q: Queryable, t: { referralId: string; residentId: string; county: string; teamId: string | null; facilityId: string; plan: string; dueOn: string }): Promise<string> {
  const [r] = await q.query<{ id: string }>(
    `INSERT INTO referral_tasks (referral_id, resident_id, county_code, team_id, facility_id, plan, due_on) VALUES ($1,$2,$3,$4,$5,$6,$7)
     ON CONFLICT (referral_id) DO UPDATE SET plan = EXCLUDED.plan RETURNING id`, [t.referralId, t.residentId, t.county, t.teamId, t.facilityId, t.plan, t.dueOn]);
  return r.id;
}

export async function tasks(q: Queryable, teamIds: string[], facilityId: string, includeDone: boolean) {
  return q.query<{ id: string; referral_id: string; resident_id: string; resident_name: string; village: string; team_name: string | null; plan: string; due_on: string; status: string; from_name: string; created_at: Date }>(
    `SELECT t.id, t.referral_id, t.resident_id, x.name AS resident_name, v.name AS village, ct.name AS team_name, t.plan, t.due_on, t.status, f.name AS from_name, t.created_at
       FROM referral_tasks t JOIN residents x ON x.id = t.resident_id JOIN regions v ON v.code = x.village_code JOIN referrals r ON r.id = t.referral_id JOIN facilities f ON f.id = r.from_facility_id
       LEFT JOIN care_teams ct ON ct.id = t.team_id
      WHERE (t.team_id = ANY($1::uuid[]) OR t.facility_id = $2) AND ($3 OR t.status = 'open')
      ORDER BY t.status, t.due_on LIMIT 500`, [teamIds, facilityId, includeDone]);
}

export async function lockTask(q: Queryable, id: string, teamIds: string[], facilityId: string) {
  const [t] = await q.query<{ id: string; resident_id: string; status: string }>(
    'SELECT id, resident_id, status FROM referral_tasks WHERE id = $1 AND (team_id = ANY($2::uuid[]) OR facility_id = $3) FOR UPDATE', [id, teamIds, facilityId]);
  return t;
}

export async function markTaskDone(q: Queryable, id: string, userId: string, note: string | null): Promise<void> {
  await q.query("UPDATE referral_tasks SET status = 'done', done_at = now(), done_by = $2, done_note = $3 WHERE id = $1", [id, userId, note]);
}

// ---------------------------------------------------------------- service levels and insurance parameters

export async function slaRows(q: Queryable) {
  return q.query<{ urgency: Urgency; accept_minutes: number }>('SELECT urgency, accept_minutes FROM referral_sla');
}

export async function setSla(q: Queryable, urgency: Urgency, minutes: number): Promise<void> {
  await q.query('UPDATE referral_sla SET accept_minutes = $2 WHERE urgency = $1', [urgency, minutes]);
}

/** A county's parameters and the '*' defaults, the defaults first (so the county's own win). */
export async function insuranceParameters(q: Queryable, county: string) {
  return q.query<{ county_code: string; tier: Tier; deductible_fen: number; reimburse_bp: number; cap_fen: number }>(
    "SELECT * FROM insurance_parameters WHERE county_code IN ($1, '*') ORDER BY county_code = '*' DESC", [county]);
}

export async function upsertInsuranceParameters(q: Queryable, county: string, tier: Tier, v: { deductibleFen: number; reimburseBp: number; capFen: number }): Promise<void> {
  await q.query(`INSERT INTO insurance_parameters (county_code, tier, deductible_fen, reimburse_bp, cap_fen) VALUES ($1,$2,$3,$4,$5)
    ON CONFLICT (county_code, tier) DO UPDATE SET deductible_fen = EXCLUDED.deductible_fen, reimburse_bp = EXCLUDED.reimburse_bp, cap_fen = EXCLUDED.cap_fen`, [county, tier, v.deductibleFen, v.reimburseBp, v.capFen]);
}

// ---------------------------------------------------------------- figures

export interface FigureRow {
  key: string; name: string | null; up: number; down: number; lateral: number; out: number; sent: number; accepted: number; declined: number; expired: number;
  completed_up: number; completed_up_plan: number; h_accept: number | null; h_arrive: number | null;
}

/** Referral figures of a year and region (null = all), grouped by the sending facility, the primary-care end's township, or the month sent. */
export async function figures(q: Queryable, groupBy: 'facility' | 'township' | 'month', year: number, regionPrefix: string | null): Promise<FigureRow[]> {
  // One statement for the three groupings: $3 picks the key; the name is the facility's or township's.
  return q.query<FigureRow>(
    `SELECT CASE $3 WHEN 'facility' THEN ff.code WHEN 'township' THEN left(lf.region_code, 9) || '000' ELSE to_char(r.sent_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') END AS key,
            CASE $3 WHEN 'facility' THEN min(ff.name) WHEN 'township' THEN min(COALESCE(tr.name, '县级')) END AS name,
            count(*) FILTER (WHERE r.direction = 'up')::int AS up, count(*) FILTER (WHERE r.direction = 'down')::int AS down,
            count(*) FILTER (WHERE r.direction = 'lateral')::int AS lateral, count(*) FILTER (WHERE r.direction = 'out')::int AS out,
            count(*)::int AS sent, count(*) FILTER (WHERE r.accepted_at IS NOT NULL)::int AS accepted,
            count(*) FILTER (WHERE r.status = 'declined')::int AS declined, count(*) FILTER (WHERE r.status = 'expired')::int AS expired,
            count(*) FILTER (WHERE r.direction = 'up' AND r.status = 'completed')::int AS completed_up,
            count(*) FILTER (WHERE r.direction = 'up' AND r.status = 'completed' AND r.has_plan)::int AS completed_up_plan,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.accepted_at - r.sent_at) / 3600) FILTER (WHERE r.accepted_at IS NOT NULL) AS h_accept,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.arrived_at - r.sent_at) / 3600) FILTER (WHERE r.arrived_at IS NOT NULL) AS h_arrive
       FROM referrals_counted(make_date($1, 1, 1), make_date($1, 12, 31)) r JOIN facilities ff ON ff.id = r.from_facility_id JOIN facilities tf ON tf.id = r.to_facility_id
       JOIN facilities lf ON lf.id = r.primary_facility_id
       LEFT JOIN regions tr ON tr.code = left(lf.region_code, 9) || '000' AND tr.level = 'township'
      WHERE ($2::text IS NULL OR ff.region_code LIKE $2 || '%' OR tf.region_code LIKE $2 || '%')
      GROUP BY 1 ORDER BY 1`, [year, regionPrefix, groupBy]);
}

/** The medians over all of a year's referrals in the region. */
export async function figureMedians(q: Queryable, year: number, regionPrefix: string | null) {
  const [tot] = await q.query<{ h_accept: number | null; h_arrive: number | null }>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.accepted_at - r.sent_at) / 3600) FILTER (WHERE r.accepted_at IS NOT NULL) AS h_accept,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.arrived_at - r.sent_at) / 3600) FILTER (WHERE r.arrived_at IS NOT NULL) AS h_arrive
       FROM referrals_counted(make_date($1, 1, 1), make_date($1, 12, 31)) r JOIN facilities ff ON ff.id = r.from_facility_id JOIN facilities tf ON tf.id = r.to_facility_id
      WHERE ($2::text IS NULL OR ff.region_code LIKE $2 || '%' OR tf.region_code LIKE $2 || '%')`, [year, regionPrefix]);
  return tot;
}

/** A draft another module's rules call for (the chronic programme): the referral row; its first event is insertEvent's. */
export async function insertRuleDraft(q: Queryable, d: { residentId: string; countyCode: string; direction: 'up' | 'down'; urgency: 'urgent' | 'routine'; reasonCode: string; reasonText: string;
  fromFacilityId: string; fromWorkerId: string | null; toFacilityId: string; createdBy: string; summary: object; dueAt: string | null }): Promise<string> {
  const [r] = await q.query<{ id: string }>(
    `INSERT INTO referrals (resident_id, county_code, direction, urgency, reason_code, reason_text, from_facility_id, from_worker_id, to_facility_id, status, created_by, summary, due_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,'draft',$10,$11,$12) RETURNING id`,
    [d.residentId, d.countyCode, d.direction, d.urgency, d.reasonCode, d.reasonText, d.fromFacilityId, d.fromWorkerId, d.toFacilityId, d.createdBy, JSON.stringify(d.summary), d.dueAt]);
  return r.id;
}

// ---------------------------------------------------------------- bulk loads (the demo county)

/** A referral as a bulk load hands it over: every column its history has set, times as instants. */
export interface BulkReferral {
  id: string; residentId: string; countyCode: string; direction: string; urgency: string; greenChannel: string | null; reasonCode: string; reasonText: string | null;
  fromFacilityId: string; toFacilityId: string; toDepartment: string | null; summary: object; status: string; declineReason: string | null;
  followUpPlan: string | null; followUpDays: number | null; sentAt: Date | null; acceptedAt: Date | null; arrivedAt: Date | null; completedAt: Date | null; createdAt: Date;
  declinedAt: Date | null; cancelledAt: Date | null; expiredAt: Date | null; dueAt: Date | null; outcomeSummary: string | null; inpatient: boolean;
  /** The referral this one follows (a down-referral after an up-referral), loaded before it. */
  parentId: string | null;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;
const REFERRAL_COLUMNS: Column<BulkReferral>[] = [
  { name: 'id', type: 'uuid', get: (f) => f.id }, { name: 'resident_id', type: 'uuid', get: (f) => f.residentId }, { name: 'county_code', type: 'text', get: (f) => f.countyCode },
  { name: 'direction', type: 'text', get: (f) => f.direction }, { name: 'urgency', type: 'text', get: (f) => f.urgency }, { name: 'green_channel', type: 'text', get: (f) => f.greenChannel },
  { name: 'reason_code', type: 'text', get: (f) => f.reasonCode }, { name: 'reason_text', type: 'text', get: (f) => f.reasonText }, { name: 'from_facility_id', type: 'uuid', get: (f) => f.fromFacilityId },
  { name: 'to_facility_id', type: 'uuid', get: (f) => f.toFacilityId }, { name: 'to_department', type: 'text', get: (f) => f.toDepartment },
  { name: 'summary', type: 'jsonb', get: (f) => JSON.stringify(f.summary) },
  { name: 'status', type: 'text', get: (f) => f.status }, { name: 'decline_reason', type: 'text', get: (f) => f.declineReason }, { name: 'follow_up_plan', type: 'text', get: (f) => f.followUpPlan },
  { name: 'follow_up_days', type: 'int', get: (f) => f.followUpDays }, { name: 'sent_at', type: 'timestamptz', get: (f) => iso(f.sentAt) },
  { name: 'accepted_at', type: 'timestamptz', get: (f) => iso(f.acceptedAt) }, { name: 'arrived_at', type: 'timestamptz', get: (f) => iso(f.arrivedAt) },
  { name: 'completed_at', type: 'timestamptz', get: (f) => iso(f.completedAt) }, { name: 'created_at', type: 'timestamptz', get: (f) => f.createdAt.toISOString() },
  { name: 'declined_at', type: 'timestamptz', get: (f) => iso(f.declinedAt) }, { name: 'cancelled_at', type: 'timestamptz', get: (f) => iso(f.cancelledAt) },
  { name: 'expired_at', type: 'timestamptz', get: (f) => iso(f.expiredAt) }, { name: 'due_at', type: 'timestamptz', get: (f) => iso(f.dueAt) },
  { name: 'outcome_summary', type: 'text', get: (f) => f.outcomeSummary }, { name: 'inpatient', type: 'bool', get: (f) => f.inpatient },
];

/** Loads referrals, then links each to its parent (parents are among them or already loaded). */
export async function loadReferrals(q: Queryable, rows: readonly BulkReferral[]): Promise<void> {
  await insertMany(q, 'referrals', REFERRAL_COLUMNS, rows);
  const children = rows.filter((f) => f.parentId);
  await q.query('UPDATE referrals r SET parent_id = x.p FROM unnest($1::uuid[], $2::uuid[]) AS x(id, p) WHERE r.id = x.id', [children.map((f) => f.id), children.map((f) => f.parentId)]);
}

/** Links loaded referrals to their bookings (loaded by scheduling after the referrals). */
export async function linkReferralBookings(q: Queryable, links: readonly { referralId: string; bookingId: string }[]): Promise<void> {
  await q.query('UPDATE referrals r SET booking_id = x.b FROM unnest($1::uuid[], $2::uuid[]) AS x(id, b) WHERE r.id = x.id', [links.map((l) => l.referralId), links.map((l) => l.bookingId)]);
}

export interface BulkReferralEvent { referralId: string; status: string; fromStatus: string | null; at: Date; note: string | null }

/** Loads the events of loaded referrals. */
export async function loadReferralEvents(q: Queryable, rows: readonly BulkReferralEvent[]): Promise<void> {
  await insertMany(q, 'referral_events', [
    { name: 'referral_id', type: 'uuid', get: (e: BulkReferralEvent) => e.referralId }, { name: 'status', type: 'text', get: (e) => e.status }, { name: 'from_status', type: 'text', get: (e) => e.fromStatus },
    { name: 'at', type: 'timestamptz', get: (e) => e.at.toISOString() }, { name: 'note', type: 'text', get: (e) => e.note },
  ], rows);
}

/** The family-doctor team's task for every loaded down-referral of the county with a plan: the resident's contracted team if any. */
export async function createDownReferralTasks(q: Queryable, county: string): Promise<void> {
  await q.query(`INSERT INTO referral_tasks (referral_id, resident_id, county_code, team_id, facility_id, plan, due_on, status, done_at, created_at)
    SELECT r.id, r.resident_id, r.county_code, (SELECT c.team_id FROM contracts c WHERE c.resident_id = r.resident_id AND c.status IN ('signed','renewed') ORDER BY c.starts_on DESC LIMIT 1),
           r.to_facility_id, r.follow_up_plan, (r.sent_at AT TIME ZONE 'Asia/Shanghai')::date + r.follow_up_days, CASE WHEN r.status = 'completed' THEN 'done' ELSE 'open' END, r.completed_at, r.sent_at
      FROM referrals r WHERE r.direction = 'down' AND r.county_code = $1 AND r.follow_up_plan IS NOT NULL AND r.status NOT IN ('expired','cancelled')`, [county]);
}

/** Links loaded referrals to the beds loaded for them (scheduling's beds naming the referral). */
export async function linkReferralBeds(q: Queryable): Promise<void> {
  await q.query('UPDATE referrals r SET bed_id = b.id FROM beds b WHERE b.referral_id = r.id');
}

/** The number of referral tasks of a county. */
export async function countTasks(q: Queryable, county: string): Promise<number> {
  const [{ n }] = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM referral_tasks WHERE county_code = $1', [county]);
  return n;
}
