// The record's SQL: every statement of the records module,
// typed rows in and out. Services call these; no other module does (they call records' service).
import type { Queryable } from '../../platform/db.ts';
import type { NormalisedObservation } from './observations.ts';

// ---- reads of the record ----

export interface SummaryResidentRow {
  id: string; name: string; sex: 'M' | 'F'; birth_date: string; death_date: string | null; id_type: string; id_number_enc: string; id_number_last4: string;
  conditions: string[]; village_name: string; township_name: string | null;
}
export async function summaryResident(q: Queryable, residentId: string): Promise<SummaryResidentRow | undefined> {
  const [r] = await q.query<SummaryResidentRow>(
    `SELECT r.*, v.name AS village_name, t.name AS township_name FROM residents r JOIN regions v ON v.code = r.village_code LEFT JOIN regions t ON t.code = v.parent_code WHERE r.id = $1`, [residentId]);
  return r;
}

export interface ProblemRow { icd10: string; name_zh: string; name_en: string; onset_date: string | null; confirmed: boolean }
export function activeProblems(q: Queryable, residentId: string): Promise<ProblemRow[]> {
  return q.query<ProblemRow>(
    `SELECT DISTINCT ON (d.icd10) d.icd10, c.name_zh, c.name_en, d.onset_date, d.confirmed FROM diagnoses d JOIN icd10_codes c ON c.code = d.icd10
      WHERE d.resident_id = $1 AND d.status = 'active' ORDER BY d.icd10, d.recorded_at DESC`, [residentId]);
}

export interface MedicationRow { drug_name: string; strength: string | null; dose: string | null; frequency: string | null; days: number | null; prescribed_at: Date; antibacterial_class: string | null }
export function recentMedications(q: Queryable, residentId: string): Promise<MedicationRow[]> {
  return q.query<MedicationRow>(
    `SELECT drug_name, strength, dose, frequency, days, prescribed_at, antibacterial_class FROM prescriptions
      WHERE resident_id = $1 AND prescribed_at >= now() - interval '90 days' ORDER BY prescribed_at DESC LIMIT 30`, [residentId]);
}

export interface AllergyRow { substance: string; reaction: string | null; severity: string | null }
export function allergiesOf(q: Queryable, residentId: string): Promise<AllergyRow[]> {
  return q.query<AllergyRow>('SELECT substance, reaction, severity FROM allergies WHERE resident_id = $1', [residentId]);
}

export interface VitalRow { code: string; value: number; unit: string; flag: string | null; observed_at: Date }
export function lastVitals(q: Queryable, residentId: string): Promise<VitalRow[]> {
  return q.query<VitalRow>('SELECT DISTINCT ON (code) code, value, unit, flag, observed_at FROM observations WHERE resident_id = $1 ORDER BY code, observed_at DESC', [residentId]);
}

export interface ContractRow { team: string; facility: string; starts_on: string; ends_on: string; status: string }
/** The resident's current family-doctor contract, read for the summary (contracts' table, read-only). */
export async function currentContract(q: Queryable, residentId: string): Promise<ContractRow | undefined> {
  const [c] = await q.query<ContractRow>(
    `SELECT t.name AS team, f.name AS facility, c.starts_on, c.ends_on, c.status FROM contracts c JOIN care_teams t ON t.id = c.team_id JOIN facilities f ON f.id = t.facility_id
      WHERE c.resident_id = $1 AND c.status IN ('signed','renewed') AND c.ends_on >= current_date ORDER BY c.starts_on DESC LIMIT 1`, [residentId]);
  return c;
}

export interface TimelineEncounterRow {
  id: string; kind: string; department: string | null; started_at: Date; ended_at: Date | null; reason: string | null; facility_name: string; facility_tier: string; worker_name: string | null;
}
/** A page of encounters before a moment; `kinds` (when not null) keeps only those kinds (the public-health part). */
export function timelineEncounters(q: Queryable, residentId: string, before: string, limit: number, kinds: string[] | null): Promise<TimelineEncounterRow[]> {
  return q.query<TimelineEncounterRow>(
    `SELECT e.id, e.kind, e.department, e.started_at, e.ended_at, e.reason, f.name AS facility_name, f.tier AS facility_tier, w.name AS worker_name
       FROM encounters e JOIN facilities f ON f.id = e.facility_id LEFT JOIN workers w ON w.id = e.worker_id
      WHERE e.resident_id = $1 AND e.started_at < $2::timestamptz AND ($4::text[] IS NULL OR e.kind = ANY($4::text[]))
      ORDER BY e.started_at DESC LIMIT $3`, [residentId, before, limit, kinds]);
}

export interface ImmunisationRow { vaccine: string; dose_number: number; given_on: string; lot: string | null; site: string | null }
export function immunisationsOf(q: Queryable, residentId: string): Promise<ImmunisationRow[]> {
  return q.query<ImmunisationRow>('SELECT vaccine, dose_number, given_on, lot, site FROM immunisations WHERE resident_id = $1 ORDER BY given_on DESC', [residentId]);
}

export interface EncounterDiagnosisRow { encounter_id: string; icd10: string; name_zh: string; name_en: string; status: string; confirmed: boolean; id: string; version: number }
export function diagnosesOfEncounters(q: Queryable, ids: string[]): Promise<EncounterDiagnosisRow[]> {
  return q.query<EncounterDiagnosisRow>(
    'SELECT d.id, d.version, d.encounter_id, d.icd10, c.name_zh, c.name_en, d.status, d.confirmed FROM diagnoses d JOIN icd10_codes c ON c.code = d.icd10 WHERE d.encounter_id = ANY($1::uuid[])', [ids]);
}

export interface EncounterObservationRow { encounter_id: string; code: string; value: number; unit: string; flag: string | null }
export function observationsOfEncounters(q: Queryable, ids: string[]): Promise<EncounterObservationRow[]> {
  return q.query<EncounterObservationRow>('SELECT encounter_id, code, value, unit, flag FROM observations WHERE encounter_id = ANY($1::uuid[]) ORDER BY code', [ids]);
}

export interface EncounterPrescriptionRow { encounter_id: string; drug_name: string; strength: string | null; dose: string | null; frequency: string | null; days: number | null; antibacterial_class: string | null }
export function prescriptionsOfEncounters(q: Queryable, ids: string[]): Promise<EncounterPrescriptionRow[]> {
  return q.query<EncounterPrescriptionRow>(
    'SELECT encounter_id, drug_name, strength, dose, frequency, days, antibacterial_class FROM prescriptions WHERE encounter_id = ANY($1::uuid[])', [ids]);
}

export interface EncounterDocumentRow { encounter_id: string; id: string; kind: string; title: string }
export function documentsOfEncounters(q: Queryable, ids: string[]): Promise<EncounterDocumentRow[]> {
  return q.query<EncounterDocumentRow>('SELECT encounter_id, id, kind, title FROM documents WHERE encounter_id = ANY($1::uuid[])', [ids]);
}

export interface SeriesRow { code: string; value: number; unit: string; observed_at: Date }
export function observationSeries(q: Queryable, residentId: string, codes: string[]): Promise<SeriesRow[]> {
  return q.query<SeriesRow>('SELECT code, value, unit, observed_at FROM observations WHERE resident_id = $1 AND code = ANY($2::text[]) ORDER BY observed_at', [residentId, codes]);
}

// ---- who records care where ----

export async function facilityByCode(q: Queryable, code: string): Promise<{ id: string; region_code: string } | undefined> {
  const [f] = await q.query<{ id: string; region_code: string }>('SELECT id, region_code FROM facilities WHERE code = $1', [code]);
  return f;
}

/** Whether the user works at the facility: their user facility, their employer or an active posting. */
export async function worksAt(q: Queryable, facilityId: string, facilityCode: string | null, userId: string): Promise<boolean> {
  const rows = await q.query(
    `SELECT 1 FROM facilities f WHERE f.id = $1 AND (f.code = $2
       OR f.id IN (SELECT w.employer_id FROM users u JOIN workers w ON w.id = u.worker_id WHERE u.id = $3)
       OR f.id IN (SELECT wp.facility_id FROM users u JOIN worker_postings wp ON wp.worker_id = u.worker_id WHERE u.id = $3 AND (wp.end_on IS NULL OR wp.end_on >= current_date)))`,
    [facilityId, facilityCode, userId]);
  return rows.length > 0;
}

export interface PersonRow { id: string; sex: 'M' | 'F'; birth_date: string }
export async function livePerson(q: Queryable, residentId: string): Promise<PersonRow | undefined> {
  const [r] = await q.query<PersonRow>('SELECT id, sex, birth_date FROM residents WHERE id = $1 AND merged_into IS NULL', [residentId]);
  return r;
}
export function livePeople(q: Queryable, ids: string[]): Promise<PersonRow[]> {
  return q.query<PersonRow>('SELECT id, sex, birth_date FROM residents WHERE id = ANY($1::uuid[]) AND merged_into IS NULL', [ids]);
}

// ---- writing the record ----

/** The encounter a sender already sent under its record id (unique per sender). */
export async function encounterBySource(q: Queryable, sender: string, sourceSystem: string, sourceId: string): Promise<{ id: string; resident_id: string } | undefined> {
  const [r] = await q.query<{ id: string; resident_id: string }>('SELECT id, resident_id FROM encounters WHERE sender = $1 AND source_system = $2 AND source_id = $3', [sender, sourceSystem, sourceId]);
  return r;
}

/** The residents of observations a sender already sent under these record ids. */
export function observationsBySource(q: Queryable, sender: string, sourceSystem: string, sourceIds: string[]): Promise<{ source_id: string; resident_id: string }[]> {
  return q.query<{ source_id: string; resident_id: string }>(
    'SELECT source_id, resident_id FROM observations WHERE sender = $1 AND source_system = $2 AND source_id = ANY($3::text[])', [sender, sourceSystem, sourceIds]);
}

export async function knownIcd10(q: Queryable, codes: string[]): Promise<Set<string>> {
  return new Set((await q.query<{ code: string }>('SELECT code FROM icd10_codes WHERE code = ANY($1::text[])', [codes])).map((r) => r.code));
}

export interface EncounterRowIn {
  residentId: string; county: string; kind: string; facilityId: string; department: string | null; workerId: string | null; startedAt: string; endedAt: string | null;
  reason: string | null; sourceSystem: string | null; sourceId: string | null; sender: string; createdBy: string | null;
  /** How the resident's presence was shown ('none': the encounter opens no access). */
  presence: 'none' | 'id_number' | 'resident_code' | 'system';
}
export async function insertEncounter(q: Queryable, e: EncounterRowIn): Promise<string> {
  const [row] = await q.query<{ id: string }>(
    `INSERT INTO encounters (resident_id, county_code, kind, facility_id, department, worker_id, started_at, ended_at, reason, source_system, source_id, created_by, presence, sender)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14) RETURNING id`,
    [e.residentId, e.county, e.kind, e.facilityId, e.department, e.workerId, e.startedAt, e.endedAt, e.reason, e.sourceSystem, e.sourceId, e.createdBy, e.presence, e.sender]);
  return row.id;
}

export async function insertDiagnosis(q: Queryable, residentId: string, encounterId: string, d: { icd10: string; onsetDate: string | null; status: string; confirmed: boolean }): Promise<string> {
  const [r] = await q.query<{ id: string }>('INSERT INTO diagnoses (resident_id, encounter_id, icd10, onset_date, status, confirmed) VALUES ($1,$2,$3,$4,$5,$6) RETURNING id',
    [residentId, encounterId, d.icd10, d.onsetDate, d.status, d.confirmed]);
  return r.id;
}

/**
 * Outpatient and emergency encounters a day by the patient's township (village code's first nine
 * digits), per syndrome: an encounter counts for a syndrome when one of its diagnoses matches the
 * syndrome's ICD-10 pattern or its chief complaint (reason) matches the complaint pattern.
 */
export function dailySyndromeCounts(q: Queryable, county: string, from: string, to: string, syndromes: { code: string; icd10: string; complaint: string }[]): Promise<{ day: string; township: string; syndrome: string; n: number }[]> {
  return q.query(
    `SELECT (e.started_at AT TIME ZONE 'Asia/Shanghai')::date::text AS day, substr(r.village_code, 1, 9) || '000' AS township, s.code AS syndrome, count(*)::int AS n
       FROM encounters e JOIN residents r ON r.id = e.resident_id
       JOIN unnest($4::text[], $5::text[], $6::text[]) AS s(code, icd_re, reason_re)
         ON (coalesce(e.reason, '') ~* s.reason_re OR EXISTS (SELECT 1 FROM diagnoses d WHERE d.encounter_id = e.id AND d.icd10 ~ s.icd_re))
      WHERE e.county_code = $1 AND e.kind IN ('outpatient','emergency')
        AND e.started_at >= ($2::date)::timestamp AT TIME ZONE 'Asia/Shanghai' AND e.started_at < ($3::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
      GROUP BY 1, 2, 3`,
    [county, from, to, syndromes.map((x) => x.code), syndromes.map((x) => x.icd10), syndromes.map((x) => x.complaint)]);
}

/** What a notifiable-disease report card takes from an encounter: its facility, worker and the recording user. */
export async function encounterForCard(q: Queryable, encounterId: string): Promise<{ facility_id: string; facility_code: string; facility_name: string; worker_id: string | null; worker_name: string | null; created_by: string | null; creator_name: string | null; started_at: Date; reason: string | null } | undefined> {
  const [r] = await q.query<{ facility_id: string; facility_code: string; facility_name: string; worker_id: string | null; worker_name: string | null; created_by: string | null; creator_name: string | null; started_at: Date; reason: string | null }>(
    `SELECT e.facility_id, f.code AS facility_code, f.name AS facility_name, e.worker_id, w.name AS worker_name, e.created_by, u.display_name AS creator_name, e.started_at, e.reason
       FROM encounters e JOIN facilities f ON f.id = e.facility_id LEFT JOIN workers w ON w.id = e.worker_id LEFT JOIN users u ON u.id = e.created_by WHERE e.id = $1`, [encounterId]);
  return r;
}

export async function insertEncounterObservation(q: Queryable, residentId: string, encounterId: string, o: NormalisedObservation, observedAt: string): Promise<void> {
  await q.query('INSERT INTO observations (resident_id, encounter_id, code, value, unit, ref_low, ref_high, flag, observed_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)',
    [residentId, encounterId, o.code, o.value, o.unit, o.refLow ?? null, o.refHigh ?? null, o.flag ?? null, observedAt]);
}

export interface PrescriptionRowIn { drugName: string; form: string | null; strength: string | null; dose: string | null; route: string | null; frequency: string | null; days: number | null; quantity: number | null; antibacterialClass: string | null }
export async function insertPrescription(q: Queryable, residentId: string, encounterId: string, x: PrescriptionRowIn, at: string): Promise<void> {
  await q.query(`INSERT INTO prescriptions (resident_id, encounter_id, drug_name, form, strength, dose, route, frequency, days, quantity, antibacterial_class, prescribed_at)
                 VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
    [residentId, encounterId, x.drugName, x.form, x.strength, x.dose, x.route, x.frequency, x.days, x.quantity, x.antibacterialClass, at]);
}

/** Inserts one immunisation without an encounter (a vaccination clinic's dose) and answers its id. */
export async function insertImmunisationAlone(q: Queryable, residentId: string, facilityId: string, x: { vaccine: string; doseNumber: number; givenOn: string; lot: string; site: string }): Promise<string> {
  const [r] = await q.query<{ id: string }>("INSERT INTO immunisations (resident_id, vaccine, dose_number, given_on, lot, site, facility_id, source_system) VALUES ($1,$2,$3,$4,$5,$6,$7,'meridian') RETURNING id",
    [residentId, x.vaccine, x.doseNumber, x.givenOn, x.lot, x.site, facilityId]);
  return r.id;
}

/** The immunisations of residents (vaccine and day), oldest first: the history the immunisation schedule reads. */
export function immunisationHistories(q: Queryable, residentIds: readonly string[]): Promise<{ id: string; resident_id: string; vaccine: string; given_on: string }[]> {
  return q.query('SELECT id, resident_id, vaccine, given_on::text AS given_on FROM immunisations WHERE resident_id = ANY($1::uuid[]) ORDER BY resident_id, given_on, id', [residentIds]);
}

export async function insertImmunisation(q: Queryable, residentId: string, encounterId: string, facilityId: string, x: { vaccine: string; doseNumber: number; givenOn: string; lot: string | null; site: string | null }): Promise<void> {
  await q.query('INSERT INTO immunisations (resident_id, encounter_id, vaccine, dose_number, given_on, lot, site, facility_id) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)',
    [residentId, encounterId, x.vaccine, x.doseNumber, x.givenOn, x.lot, x.site, facilityId]);
}

export async function insertDocument(q: Queryable, residentId: string, encounterId: string, x: { kind: string; title: string; body: string }, writtenAt: string): Promise<void> {
  await q.query('INSERT INTO documents (resident_id, encounter_id, kind, title, body, written_at) VALUES ($1,$2,$3,$4,$5,$6)', [residentId, encounterId, x.kind, x.title, x.body, writtenAt]);
}

export async function insertAllergy(q: Queryable, residentId: string, x: { substance: string; reaction: string | null; severity: string | null }): Promise<void> {
  await q.query('INSERT INTO allergies (resident_id, substance, reaction, severity) VALUES ($1,$2,$3,$4)', [residentId, x.substance, x.reaction, x.severity]);
}

export interface BatchObservationRowIn { residentId: string; observedAt: string; sourceId: string; n: NormalisedObservation }
/** Inserts observations of a batch in one statement; rows already present (same sender and record id) are skipped. Returns the residents of the rows stored. */
export async function insertObservationBatch(q: Queryable, sender: string, sourceSystem: string, rows: BatchObservationRowIn[]): Promise<string[]> {
  const stored = await q.query<{ resident_id: string }>(
    `INSERT INTO observations (resident_id, code, value, unit, ref_low, ref_high, flag, observed_at, source_system, source_id, sender)
     SELECT r, c, v, u, lo, hi, f, at, $9, s, $11 FROM unnest($1::uuid[], $2::text[], $3::numeric[], $4::text[], $5::numeric[], $6::numeric[], $7::text[], $8::timestamptz[], $10::text[]) AS t(r, c, v, u, lo, hi, f, at, s)
     ON CONFLICT (sender, source_system, source_id) WHERE source_id IS NOT NULL DO NOTHING RETURNING resident_id`,
    [rows.map((x) => x.residentId), rows.map((x) => x.n.code), rows.map((x) => x.n.value), rows.map((x) => x.n.unit), rows.map((x) => x.n.refLow ?? null), rows.map((x) => x.n.refHigh ?? null),
      rows.map((x) => x.n.flag ?? null), rows.map((x) => x.observedAt), sourceSystem, rows.map((x) => x.sourceId), sender]);
  return stored.map((r) => r.resident_id);
}

// ---- diagnoses: edits and versions ----

export async function diagnosisResident(q: Queryable, id: string): Promise<string | null> {
  const [d] = await q.query<{ resident_id: string }>('SELECT resident_id FROM diagnoses WHERE id = $1', [id]);
  return d?.resident_id ?? null;
}

export async function diagnosisForUpdate(q: Queryable, id: string): Promise<Record<string, unknown> & { version: number }> {
  const [cur] = await q.query<Record<string, unknown> & { version: number }>('SELECT * FROM diagnoses WHERE id = $1 FOR UPDATE', [id]);
  return cur;
}

export async function insertRecordVersion(q: Queryable, table: 'diagnoses', rowId: string, version: number, data: unknown, changedBy: string): Promise<void> {
  await q.query('INSERT INTO record_versions (table_name, row_id, version, data, changed_by) VALUES ($1,$2,$3,$4,$5)', [table, rowId, version, JSON.stringify(data), changedBy]);
}

export interface DiagnosisAfterRow { id: string; version: number; status: string; confirmed: boolean; onset_date: string | null }
export async function updateDiagnosis(q: Queryable, id: string, change: { status?: 'active' | 'resolved'; confirmed?: boolean; onsetDate?: string | null }): Promise<DiagnosisAfterRow> {
  const [after] = await q.query<DiagnosisAfterRow>(
    `UPDATE diagnoses SET status = COALESCE($2, status), confirmed = COALESCE($3, confirmed), onset_date = CASE WHEN $5 THEN $4::date ELSE onset_date END, version = version + 1
      WHERE id = $1 RETURNING id, version, status, confirmed, onset_date`,
    [id, change.status ?? null, change.confirmed ?? null, change.onsetDate ?? null, change.onsetDate !== undefined]);
  return after;
}

export interface VersionRow { version: number; data: unknown; changed_at: Date; username: string | null }
export function versionsOf(q: Queryable, table: 'diagnoses', id: string): Promise<VersionRow[]> {
  return q.query<VersionRow>(
    'SELECT v.version, v.data, v.changed_at, u.username FROM record_versions v LEFT JOIN users u ON u.id = v.changed_by WHERE v.table_name = $1 AND v.row_id = $2 ORDER BY v.version', [table, id]);
}

// ---- break-glass ----

export async function facilityIdByCode(q: Queryable, code: string | null): Promise<string | null> {
  const [f] = await q.query<{ id: string }>('SELECT id FROM facilities WHERE code = $1', [code]);
  return f?.id ?? null;
}

export async function insertBreakGlass(q: Queryable, residentId: string, userId: string, facilityId: string | null, reason: string, hours: number): Promise<Date> {
  const [g] = await q.query<{ expires_at: Date }>(`INSERT INTO break_glass (resident_id, user_id, facility_id, reason, expires_at) VALUES ($1,$2,$3,$4, now() + make_interval(hours => $5)) RETURNING expires_at`,
    [residentId, userId, facilityId, reason, hours]);
  return g.expires_at;
}

export interface BreakGlassReviewRow { id: string; reason: string; granted_at: Date; expires_at: Date; username: string; display_name: string; facility: string | null; resident_name: string }
/** Grants awaiting review; `within` (a region prefix, or null for all) limits them to facilities of a region. */
export function breakGlassAwaitingReview(q: Queryable, within: string | null): Promise<BreakGlassReviewRow[]> {
  return q.query<BreakGlassReviewRow>(
    `SELECT b.id, b.reason, b.granted_at, b.expires_at, u.username, u.display_name, f.name AS facility, r.name AS resident_name
       FROM break_glass b JOIN users u ON u.id = b.user_id LEFT JOIN facilities f ON f.id = b.facility_id JOIN residents r ON r.id = b.resident_id
      WHERE b.reviewed_at IS NULL AND ($1::text IS NULL OR f.region_code LIKE $1 || '%') ORDER BY b.granted_at DESC LIMIT 200`, [within]);
}

export async function markBreakGlassReviewed(q: Queryable, id: string, userId: string, note: string, within: string | null): Promise<boolean> {
  const rows = await q.query(`UPDATE break_glass b SET reviewed_by = $2, reviewed_at = now(), review_note = $3 FROM facilities f
    WHERE b.id = $1 AND b.reviewed_at IS NULL AND f.id = b.facility_id AND ($4::text IS NULL OR f.region_code LIKE $4 || '%') RETURNING b.resident_id`, [id, userId, note, within]);
  return rows.length > 0;
}

// ---- the resident's own pages ----

export async function residentOfUser(q: Queryable, userId: string): Promise<string | null> {
  const [u] = await q.query<{ resident_id: string | null }>('SELECT resident_id FROM users WHERE id = $1', [userId]);
  return u?.resident_id ?? null;
}

export interface ConsentRow { id: string; starts_on: string; ends_on: string; withdrawn_at: Date | null; worker: string | null; facility: string | null }
export function consentsOf(q: Queryable, residentId: string): Promise<ConsentRow[]> {
  return q.query<ConsentRow>(
    `SELECT c.id, c.starts_on, c.ends_on, c.withdrawn_at, w.name AS worker, f.name AS facility FROM consents c
       LEFT JOIN workers w ON w.id = c.grantee_worker_id LEFT JOIN facilities f ON f.id = c.grantee_facility_id WHERE c.resident_id = $1 ORDER BY c.created_at DESC`, [residentId]);
}

export async function workerExists(q: Queryable, id: string): Promise<boolean> {
  return (await q.query('SELECT 1 FROM workers WHERE id = $1', [id])).length > 0;
}

export async function insertConsent(q: Queryable, residentId: string, workerId: string | null, facilityId: string | null, startsOn: string, endsOn: string): Promise<string> {
  const [c] = await q.query<{ id: string }>('INSERT INTO consents (resident_id, grantee_worker_id, grantee_facility_id, starts_on, ends_on) VALUES ($1,$2,$3,$4,$5) RETURNING id',
    [residentId, workerId, facilityId, startsOn, endsOn]);
  return c.id;
}

export async function withdrawConsent(q: Queryable, id: string, residentId: string): Promise<boolean> {
  return (await q.query('UPDATE consents SET withdrawn_at = now() WHERE id = $1 AND resident_id = $2 AND withdrawn_at IS NULL RETURNING id', [id, residentId])).length > 0;
}

export interface AccessLogRow { at: Date; action: string; basis: string | null; display_name: string | null; role: string | null; facility: string | null; username: string | null }
/** The audit rows of accesses to a resident's record by anyone but themself (a facility system named by its client's name and facility). */
export function accessLogOf(q: Queryable, residentId: string, selfUserId: string, limit: number): Promise<AccessLogRow[]> {
  return q.query<AccessLogRow>(
    `SELECT a.at, a.action, a.basis, a.role, a.username, coalesce(u.display_name, sc.name) AS display_name, coalesce(f.name, sf.name) AS facility
       FROM audit_log a LEFT JOIN users u ON u.id = a.user_id LEFT JOIN facilities f ON f.code = u.facility_code
            LEFT JOIN system_clients sc ON sc.id = a.user_id AND a.role = 'system' LEFT JOIN facilities sf ON sf.id = sc.facility_id
      WHERE a.resident_id = $1 AND a.outcome = 'ok' AND (a.action LIKE 'record.%' OR a.action IN ('resident.read', 'resident.reveal', 'resident.activation_code', 'resident.activate', 'scheduling.resident_bookings', 'scheduling.slot_bookings', 'scheduling.bed_board', 'indicator.residents') OR a.basis IS NOT NULL) AND a.user_id IS DISTINCT FROM $2
      ORDER BY a.id DESC LIMIT $3`, [residentId, selfUserId, limit]);
}

// ---- legal bases (access.ts) ----

export interface BasisFlagsRow { contract: boolean; referral: boolean; encounter: boolean; consent: boolean; break_glass: boolean; public_health: boolean; in_region: boolean }
/**
 * Every basis at once for a worker and a resident; the CTEs name the worker and the facilities
 * the principal works at today (their user facility, employer and active postings).
 */
export async function basisFlags(q: Queryable, userId: string, residentId: string, facilityCode: string | null, encounterDays: number, publicHealthRegion: string | null): Promise<BasisFlagsRow | undefined> {
  const [r] = await q.query<BasisFlagsRow>(
    `WITH me AS (SELECT u.worker_id, u.team_id FROM users u WHERE u.id = $1),
          fac AS (
            SELECT f.id FROM facilities f WHERE f.code = $3
            UNION SELECT w.employer_id FROM me JOIN workers w ON w.id = me.worker_id
            UNION SELECT wp.facility_id FROM me JOIN worker_postings wp ON wp.worker_id = me.worker_id
                   WHERE wp.start_on <= current_date AND (wp.end_on IS NULL OR wp.end_on >= current_date)),
          res AS (SELECT id, village_code FROM residents WHERE id = $2 AND merged_into IS NULL)
     SELECT
       EXISTS (SELECT 1 FROM contracts c, me WHERE c.resident_id = $2 AND c.status IN ('signed','renewed')
                 AND c.starts_on <= current_date AND c.ends_on >= current_date
                 AND (c.team_id = me.team_id OR EXISTS (SELECT 1 FROM care_team_members m WHERE m.team_id = c.team_id AND m.worker_id = me.worker_id))) AS contract,
       EXISTS (SELECT 1 FROM referrals rf WHERE rf.resident_id = $2 AND rf.status IN ('sent','accepted','arrived')
                 AND (rf.from_facility_id IN (SELECT id FROM fac) OR rf.to_facility_id IN (SELECT id FROM fac))) AS referral,
       EXISTS (SELECT 1 FROM encounters e, me WHERE e.resident_id = $2 AND e.presence <> 'none' AND e.started_at <= now() AND e.started_at >= now() - make_interval(days => $4)
                 AND (e.worker_id = me.worker_id OR e.facility_id IN (SELECT id FROM fac))) AS encounter,
       EXISTS (SELECT 1 FROM consents cs, me WHERE cs.resident_id = $2 AND cs.withdrawn_at IS NULL
                 AND cs.starts_on <= current_date AND cs.ends_on >= current_date
                 AND (cs.grantee_worker_id = me.worker_id OR cs.grantee_facility_id IN (SELECT id FROM fac))) AS consent,
       EXISTS (SELECT 1 FROM break_glass b WHERE b.resident_id = $2 AND b.user_id = $1 AND b.expires_at > now()) AS break_glass,
       EXISTS (SELECT 1 FROM res WHERE $5::text IS NOT NULL AND res.village_code LIKE $5 || '%') AS public_health,
       EXISTS (SELECT 1 FROM res) AS in_region`,
    [userId, residentId, facilityCode, encounterDays, publicHealthRegion]);
  return r;
}

/** The bases a facility has for a resident (its registered systems send under them): a recent encounter there, an open referral, a consent. */
export async function facilityBasisFlags(q: Queryable, facilityCode: string, residentId: string, encounterDays: number): Promise<Pick<BasisFlagsRow, 'referral' | 'encounter' | 'consent' | 'in_region'> | undefined> {
  const [r] = await q.query<Pick<BasisFlagsRow, 'referral' | 'encounter' | 'consent' | 'in_region'>>(
    `WITH fac AS (SELECT f.id FROM facilities f WHERE f.code = $1)
     SELECT
       EXISTS (SELECT 1 FROM referrals rf WHERE rf.resident_id = $2 AND rf.status IN ('sent','accepted','arrived')
                 AND (rf.from_facility_id IN (SELECT id FROM fac) OR rf.to_facility_id IN (SELECT id FROM fac))) AS referral,
       EXISTS (SELECT 1 FROM encounters e WHERE e.resident_id = $2 AND e.presence <> 'none' AND e.started_at <= now() AND e.started_at >= now() - make_interval(days => $3)
                 AND e.facility_id IN (SELECT id FROM fac)) AS encounter,
       EXISTS (SELECT 1 FROM consents cs WHERE cs.resident_id = $2 AND cs.withdrawn_at IS NULL
                 AND cs.starts_on <= current_date AND cs.ends_on >= current_date AND cs.grantee_facility_id IN (SELECT id FROM fac)) AS consent,
       EXISTS (SELECT 1 FROM residents WHERE id = $2 AND merged_into IS NULL) AS in_region`,
    [facilityCode, residentId, encounterDays]);
  return r;
}

export async function facilityRegion(q: Queryable, code: string): Promise<string | null> {
  const [f] = await q.query<{ region_code: string }>('SELECT region_code FROM facilities WHERE code = $1', [code]);
  return f?.region_code ?? null;
}

// ---- proof of presence (basis.ts) ----

/** The registry's lookup hash of a living resident's ID number. */
export async function residentIdHash(q: Queryable, residentId: string): Promise<string | null> {
  const [r] = await q.query<{ id_number_hash: string }>('SELECT id_number_hash FROM residents WHERE id = $1 AND merged_into IS NULL', [residentId]);
  return r?.id_number_hash ?? null;
}

/** The resident's newest unused, unexpired presence code, locked for the check. */
export async function livePresenceCode(q: Queryable, residentId: string): Promise<{ id: string; code_hash: string; attempts: number } | undefined> {
  const [c] = await q.query<{ id: string; code_hash: string; attempts: number }>(
    'SELECT id, code_hash, attempts FROM presence_codes WHERE resident_id = $1 AND used_at IS NULL AND expires_at > now() ORDER BY created_at DESC LIMIT 1 FOR UPDATE', [residentId]);
  return c;
}

export async function presenceCodeTried(q: Queryable, id: string): Promise<void> {
  await q.query('UPDATE presence_codes SET attempts = attempts + 1 WHERE id = $1', [id]);
}

/** Marks a code used; false when it was used (or expired) meanwhile. */
export async function usePresenceCode(q: Queryable, id: string): Promise<boolean> {
  return (await q.query("UPDATE presence_codes SET used_at = now() WHERE id = $1 AND used_at IS NULL AND expires_at > now() - interval '1 minute' RETURNING id", [id])).length > 0;
}

/** A new code for the resident, ending every earlier unused one; returns when it expires. */
export async function replacePresenceCode(q: Queryable, residentId: string, codeHash: string, minutes: number): Promise<Date> {
  await q.query('UPDATE presence_codes SET expires_at = least(expires_at, now()) WHERE resident_id = $1 AND used_at IS NULL', [residentId]);
  const [c] = await q.query<{ expires_at: Date }>('INSERT INTO presence_codes (resident_id, code_hash, expires_at) VALUES ($1, $2, now() + make_interval(mins => $3)) RETURNING expires_at', [residentId, codeHash, minutes]);
  return c.expires_at;
}

/** How many proofs of presence the user failed in the last minutes (from the audit). */
export async function recentPresenceDenials(q: Queryable, userId: string, minutes: number): Promise<number> {
  const [r] = await q.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM audit_log WHERE user_id = $1 AND action = 'record.presence_denied' AND at > now() - make_interval(mins => $2)", [userId, minutes]);
  return r.n;
}

// ---- reference data ----

export async function upsertIcd10Rows(q: Queryable, rows: { code: string; nameZh: string; nameEn: string; chapter: string | null; category: string }[]): Promise<void> {
  await q.query(
    `INSERT INTO icd10_codes (code, name_zh, name_en, chapter, category)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
     ON CONFLICT (code) DO UPDATE SET name_zh = EXCLUDED.name_zh, name_en = EXCLUDED.name_en, chapter = EXCLUDED.chapter, category = EXCLUDED.category`,
    [rows.map((r) => r.code), rows.map((r) => r.nameZh), rows.map((r) => r.nameEn), rows.map((r) => r.chapter), rows.map((r) => r.category)]);
}

export function searchIcd10(q: Queryable, text: string, limit: number): Promise<{ code: string; nameZh: string; nameEn: string; category: string }[]> {
  return q.query<{ code: string; nameZh: string; nameEn: string; category: string }>(
    `SELECT code, name_zh AS "nameZh", name_en AS "nameEn", category FROM icd10_codes
      WHERE code ILIKE $1 || '%' OR name_zh LIKE '%' || $1 || '%' OR name_en ILIKE '%' || $1 || '%' ORDER BY code LIMIT $2`, [text, limit]);
}

// ---- the FHIR face's reads (fhir module, through records' service) ----

export interface ObservationRecordRow {
  id: string; resident_id: string; encounter_id: string | null; code: string; value: number; unit: string; ref_low: number | null; ref_high: number | null;
  flag: 'L' | 'N' | 'H' | null; observed_at: Date; recorded_at: Date; source_system: string | null; source_id: string | null;
}

/** What a search of one kind of record is narrowed by (null: not narrowed); `sender` limits a facility system to what it sent. */
export interface RecordFilter {
  residentId: string | null; sender: string | null; ids: string[] | null; codes: string[] | null;
  from: string | null; to: string | null; updatedFrom: string | null; updatedTo: string | null; limit: number; offset: number;
}

const OBS_COLS = 'id, resident_id, encounter_id, code, value, unit, ref_low, ref_high, flag, observed_at, recorded_at, source_system, source_id';

export async function observationById(q: Queryable, id: string): Promise<(ObservationRecordRow & { sender: string }) | undefined> {
  const [r] = await q.query<ObservationRecordRow & { sender: string }>(`SELECT ${OBS_COLS}, sender FROM observations WHERE id = $1`, [id]);
  return r;
}

/** Observations by the filter, newest first, with the total of the filter. */
export async function observationsWhere(q: Queryable, f: RecordFilter): Promise<{ rows: ObservationRecordRow[]; total: number }> {
  const rows = await q.query<ObservationRecordRow & { total: number }>(
    `SELECT ${OBS_COLS}, count(*) OVER ()::int AS total FROM observations
      WHERE ($1::uuid IS NULL OR resident_id = $1) AND ($2::text IS NULL OR sender = $2) AND ($3::uuid[] IS NULL OR id = ANY($3)) AND ($4::text[] IS NULL OR code = ANY($4))
        AND ($5::timestamptz IS NULL OR observed_at >= $5) AND ($6::timestamptz IS NULL OR observed_at < $6)
        AND ($7::timestamptz IS NULL OR recorded_at >= $7) AND ($8::timestamptz IS NULL OR recorded_at < $8)
      ORDER BY observed_at DESC, id LIMIT $9 OFFSET $10`,
    [f.residentId, f.sender, f.ids, f.codes, f.from, f.to, f.updatedFrom, f.updatedTo, f.limit, f.offset]);
  return { rows, total: rows[0]?.total ?? 0 };
}

/** The ids of observations a sender sent under these record ids. */
export function observationIdsBySource(q: Queryable, sender: string, sourceSystem: string, sourceIds: string[]): Promise<{ id: string; source_id: string; resident_id: string }[]> {
  return q.query<{ id: string; source_id: string; resident_id: string }>(
    'SELECT id, source_id, resident_id FROM observations WHERE sender = $1 AND source_system = $2 AND source_id = ANY($3::text[])', [sender, sourceSystem, sourceIds]);
}

export interface EncounterRecordRow {
  id: string; resident_id: string; kind: string; facility_code: string; facility_name: string; department: string | null; worker_id: string | null; started_at: Date; ended_at: Date | null;
  reason: string | null; source_system: string | null; source_id: string | null; created_at: Date; version: number;
}

const ENC_COLS = `e.id, e.resident_id, e.kind, f.code AS facility_code, f.name AS facility_name, e.department, e.worker_id, e.started_at, e.ended_at, e.reason, e.source_system, e.source_id, e.created_at, e.version`;

export async function encounterById(q: Queryable, id: string): Promise<(EncounterRecordRow & { sender: string }) | undefined> {
  const [r] = await q.query<EncounterRecordRow & { sender: string }>(`SELECT ${ENC_COLS}, e.sender FROM encounters e JOIN facilities f ON f.id = e.facility_id WHERE e.id = $1`, [id]);
  return r;
}

/** Encounters by the filter (codes: encounter kinds), newest first, with the total. */
export async function encountersWhere(q: Queryable, f: RecordFilter): Promise<{ rows: EncounterRecordRow[]; total: number }> {
  const rows = await q.query<EncounterRecordRow & { total: number }>(
    `SELECT ${ENC_COLS}, count(*) OVER ()::int AS total FROM encounters e JOIN facilities f ON f.id = e.facility_id
      WHERE ($1::uuid IS NULL OR e.resident_id = $1) AND ($2::text IS NULL OR e.sender = $2) AND ($3::uuid[] IS NULL OR e.id = ANY($3)) AND ($4::text[] IS NULL OR e.kind = ANY($4))
        AND ($5::timestamptz IS NULL OR e.started_at >= $5) AND ($6::timestamptz IS NULL OR e.started_at < $6)
        AND ($7::timestamptz IS NULL OR e.created_at >= $7) AND ($8::timestamptz IS NULL OR e.created_at < $8)
      ORDER BY e.started_at DESC, e.id LIMIT $9 OFFSET $10`,
    [f.residentId, f.sender, f.ids, f.codes, f.from, f.to, f.updatedFrom, f.updatedTo, f.limit, f.offset]);
  return { rows, total: rows[0]?.total ?? 0 };
}

export interface DiagnosisRecordRow {
  id: string; resident_id: string; encounter_id: string | null; icd10: string; name_zh: string; name_en: string; onset_date: string | null; status: 'active' | 'resolved';
  confirmed: boolean; recorded_at: Date; version: number;
}

const DX_COLS = 'd.id, d.resident_id, d.encounter_id, d.icd10, c.name_zh, c.name_en, d.onset_date, d.status, d.confirmed, d.recorded_at, d.version';

export async function diagnosisById(q: Queryable, id: string): Promise<(DiagnosisRecordRow & { sender: string | null }) | undefined> {
  const [r] = await q.query<DiagnosisRecordRow & { sender: string | null }>(
    `SELECT ${DX_COLS}, e.sender FROM diagnoses d JOIN icd10_codes c ON c.code = d.icd10 LEFT JOIN encounters e ON e.id = d.encounter_id WHERE d.id = $1`, [id]);
  return r;
}

/** Diagnoses by the filter (codes: ICD-10 codes or their prefixes ending in '%'; dates: the onset), newest first, with the total. */
export async function diagnosesWhere(q: Queryable, f: RecordFilter & { statuses: string[] | null }): Promise<{ rows: DiagnosisRecordRow[]; total: number }> {
  const rows = await q.query<DiagnosisRecordRow & { total: number }>(
    `SELECT ${DX_COLS}, count(*) OVER ()::int AS total FROM diagnoses d JOIN icd10_codes c ON c.code = d.icd10 LEFT JOIN encounters e ON e.id = d.encounter_id
      WHERE ($1::uuid IS NULL OR d.resident_id = $1) AND ($2::text IS NULL OR e.sender = $2) AND ($3::uuid[] IS NULL OR d.id = ANY($3)) AND ($4::text[] IS NULL OR d.icd10 LIKE ANY($4))
        AND ($5::timestamptz IS NULL OR d.recorded_at >= $5) AND ($6::timestamptz IS NULL OR d.recorded_at < $6)
        AND ($7::timestamptz IS NULL OR d.recorded_at >= $7) AND ($8::timestamptz IS NULL OR d.recorded_at < $8) AND ($11::text[] IS NULL OR d.status = ANY($11))
      ORDER BY d.recorded_at DESC, d.id LIMIT $9 OFFSET $10`,
    [f.residentId, f.sender, f.ids, f.codes, f.from, f.to, f.updatedFrom, f.updatedTo, f.limit, f.offset, f.statuses]);
  return { rows, total: rows[0]?.total ?? 0 };
}

/** Attaches an observation just stored to the encounter it was made in. */
export async function linkObservationEncounter(q: Queryable, id: string, encounterId: string): Promise<void> {
  await q.query('UPDATE observations SET encounter_id = $2 WHERE id = $1 AND encounter_id IS NULL', [id, encounterId]);
}

export interface AllergyRecordRow { id: string; resident_id: string; substance: string; reaction: string | null; severity: 'mild' | 'moderate' | 'severe' | null; recorded_at: Date }

/** An allergy by id (allergies keep no sender: a system reads them only with its facility's basis). */
export async function allergyById(q: Queryable, id: string): Promise<(AllergyRecordRow & { sender: string | null }) | undefined> {
  const [r] = await q.query<AllergyRecordRow & { sender: string | null }>('SELECT id, resident_id, substance, reaction, severity, recorded_at, NULL::text AS sender FROM allergies WHERE id = $1', [id]);
  return r;
}

/** Allergies by the filter (codes and dates unused; a sender filter matches none), newest first. */
export async function allergiesWhere(q: Queryable, f: RecordFilter): Promise<{ rows: AllergyRecordRow[]; total: number }> {
  const rows = await q.query<AllergyRecordRow & { total: number }>(
    `SELECT id, resident_id, substance, reaction, severity, recorded_at, count(*) OVER ()::int AS total FROM allergies
      WHERE ($1::uuid IS NULL OR resident_id = $1) AND $2::text IS NULL AND ($3::uuid[] IS NULL OR id = ANY($3))
        AND ($4::timestamptz IS NULL OR recorded_at >= $4) AND ($5::timestamptz IS NULL OR recorded_at < $5)
      ORDER BY recorded_at DESC, id LIMIT $6 OFFSET $7`,
    [f.residentId, f.sender, f.ids, f.updatedFrom, f.updatedTo, f.limit, f.offset]);
  return { rows, total: rows[0]?.total ?? 0 };
}

export interface ImmunisationRecordRow { id: string; resident_id: string; encounter_id: string | null; vaccine: string; dose_number: number; given_on: string; lot: string | null; site: string | null; facility_code: string | null }

const IMM_COLS = 'i.id, i.resident_id, i.encounter_id, i.vaccine, i.dose_number, i.given_on, i.lot, i.site, f.code AS facility_code';

export async function immunisationById(q: Queryable, id: string): Promise<(ImmunisationRecordRow & { sender: string | null }) | undefined> {
  const [r] = await q.query<ImmunisationRecordRow & { sender: string | null }>(
    `SELECT ${IMM_COLS}, e.sender FROM immunisations i LEFT JOIN facilities f ON f.id = i.facility_id LEFT JOIN encounters e ON e.id = i.encounter_id WHERE i.id = $1`, [id]);
  return r;
}

/** Immunisations by the filter (codes: vaccine names; dates: the day given), newest first. */
export async function immunisationsWhere(q: Queryable, f: RecordFilter): Promise<{ rows: ImmunisationRecordRow[]; total: number }> {
  const rows = await q.query<ImmunisationRecordRow & { total: number }>(
    `SELECT ${IMM_COLS}, count(*) OVER ()::int AS total FROM immunisations i LEFT JOIN facilities f ON f.id = i.facility_id LEFT JOIN encounters e ON e.id = i.encounter_id
      WHERE ($1::uuid IS NULL OR i.resident_id = $1) AND ($2::text IS NULL OR e.sender = $2) AND ($3::uuid[] IS NULL OR i.id = ANY($3)) AND ($4::text[] IS NULL OR i.vaccine = ANY($4))
        AND ($5::timestamptz IS NULL OR i.given_on >= ($5::timestamptz AT TIME ZONE 'Asia/Shanghai')::date) AND ($6::timestamptz IS NULL OR i.given_on < ($6::timestamptz AT TIME ZONE 'Asia/Shanghai')::date)
      ORDER BY i.given_on DESC, i.id LIMIT $7 OFFSET $8`,
    [f.residentId, f.sender, f.ids, f.codes, f.from, f.to, f.limit, f.offset]);
  return { rows, total: rows[0]?.total ?? 0 };
}

export async function encounterBrief(q: Queryable, id: string): Promise<{ resident_id: string; facility_id: string | null; started_at: Date } | undefined> {
  const [r] = await q.query<{ resident_id: string; facility_id: string | null; started_at: Date }>('SELECT resident_id, facility_id, started_at FROM encounters WHERE id = $1', [id]);
  return r;
}

/** A document another module keeps current in the record by its own id (source_system, source_id): inserted, or its text replaced. */
export async function upsertSourcedDocument(q: Queryable, x: { residentId: string; kind: string; title: string; body: string; writtenAt: string; sourceSystem: string; sourceId: string }): Promise<string> {
  const [r] = await q.query<{ id: string }>(
    `INSERT INTO documents (resident_id, encounter_id, kind, title, body, written_at, source_system, source_id) VALUES ($1, NULL, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (source_system, source_id) WHERE source_id IS NOT NULL DO UPDATE SET title = EXCLUDED.title, body = EXCLUDED.body, written_at = EXCLUDED.written_at
     WHERE documents.resident_id = EXCLUDED.resident_id
     RETURNING id`,
    [x.residentId, x.kind, x.title, x.body, x.writtenAt, x.sourceSystem, x.sourceId]);
  return r?.id ?? '';
}
