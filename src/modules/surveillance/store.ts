// The surveillance module's SQL: report cards and their events, daily counts, parameters, signals.
import type { Queryable } from '../../platform/db.ts';

export interface CardRow {
  id: string; version: number; county_code: string; resident_id: string; encounter_id: string | null; diagnosis_id: string | null; disease: string; disease_class: 'A' | 'B' | 'C'; icd10: string;
  case_class: 'suspected' | 'clinical' | 'confirmed' | 'carrier' | 'excluded'; onset_date: string | null; diagnosed_at: Date; due_at: Date; facility_id: string; doctor_user_id: string | null; township_code: string;
  fields: Record<string, string | null>; status: 'draft' | 'submitted' | 'returned' | 'accepted' | 'duplicate' | 'deleted'; submitted_at: Date | null; reviewed_at: Date | null; review_reason: string | null; duplicate_of: string | null;
}
const CARD_COLS = `id, version, county_code, resident_id, encounter_id, diagnosis_id, disease, disease_class, icd10, case_class, onset_date::text AS onset_date, diagnosed_at, due_at, facility_id,
  doctor_user_id, township_code, fields, status, submitted_at, reviewed_at, review_reason, duplicate_of`;

export async function insertCard(q: Queryable, c: { countyCode: string; residentId: string; encounterId: string | null; diagnosisId: string | null; disease: string; diseaseClass: string; icd10: string; caseClass: string;
  onsetDate: string | null; diagnosedAt: string | Date; dueAt: Date; facilityId: string; doctorUserId: string | null; townshipCode: string; fields: Record<string, string | null> }): Promise<string | null> {
  const [r] = await q.query<{ id: string }>(
    `INSERT INTO report_cards (county_code, resident_id, encounter_id, diagnosis_id, disease, disease_class, icd10, case_class, onset_date, diagnosed_at, due_at, facility_id, doctor_user_id, township_code, fields)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15) ON CONFLICT (diagnosis_id) WHERE diagnosis_id IS NOT NULL DO NOTHING RETURNING id`,
    [c.countyCode, c.residentId, c.encounterId, c.diagnosisId, c.disease, c.diseaseClass, c.icd10, c.caseClass, c.onsetDate, c.diagnosedAt, c.dueAt, c.facilityId, c.doctorUserId, c.townshipCode, JSON.stringify(c.fields)]);
  return r?.id ?? null;
}

export async function insertCardEvent(q: Queryable, e: { cardId: string; actorId: string | null; actorName: string | null; action: string; fromStatus: string | null; toStatus: string; fromClass?: string | null; toClass?: string | null; reason?: string | null }): Promise<void> {
  await q.query('INSERT INTO report_card_events (card_id, actor_id, actor_name, action, from_status, to_status, from_class, to_class, reason) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)',
    [e.cardId, e.actorId, e.actorName, e.action, e.fromStatus, e.toStatus, e.fromClass ?? null, e.toClass ?? null, e.reason ?? null]);
}

export async function cardById(q: Queryable, id: string, lock = false): Promise<CardRow | undefined> {
  const [r] = await q.query<CardRow>(`SELECT ${CARD_COLS} FROM report_cards WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return r;
}

export function cardByDiagnosis(q: Queryable, diagnosisId: string): Promise<CardRow[]> {
  return q.query<CardRow>(`SELECT ${CARD_COLS} FROM report_cards WHERE diagnosis_id = $1 FOR UPDATE`, [diagnosisId]);
}

/** Cards a doctor drafted or that their facility holds, newest first (open ones first). */
export function cardsOfDoctor(q: Queryable, userId: string, facilityCode: string | null): Promise<CardRow[]> {
  return q.query<CardRow>(
    `SELECT ${CARD_COLS} FROM report_cards WHERE (doctor_user_id = $1 OR fields->>'facilityCode' = $2) AND status <> 'deleted'
      ORDER BY (status IN ('draft','returned')) DESC, diagnosed_at DESC LIMIT 200`, [userId, facilityCode]);
}

/** Cards within a region prefix (the county CDC's review list), by status, oldest submission first; drafts only once overdue (the escalation: an unreported case past its limit reaches the CDC). */
export function cardsInRegion(q: Queryable, prefix: string | null, status: string | null): Promise<CardRow[]> {
  return q.query<CardRow>(
    `SELECT ${CARD_COLS} FROM report_cards
      WHERE ($1::text IS NULL OR county_code LIKE $1 || '%' OR township_code LIKE $1 || '%') AND ($2::text IS NULL OR status = $2) AND (status <> 'draft' OR due_at < now())
      ORDER BY (status = 'submitted') DESC, submitted_at NULLS LAST, diagnosed_at DESC LIMIT 500`, [prefix, status]);
}

/** The other cards of a resident (for duplicate detection). */
export function cardsOfResident(q: Queryable, residentId: string): Promise<{ id: string; resident_id: string; disease: string; diagnosed_on: string; diagnosed_at: Date; status: string; case_class: string }[]> {
  return q.query(`SELECT id, resident_id, disease, (diagnosed_at AT TIME ZONE 'Asia/Shanghai')::date::text AS diagnosed_on, diagnosed_at, status, case_class FROM report_cards WHERE resident_id = $1 ORDER BY diagnosed_at, created_at, id`, [residentId]);
}

export async function updateCard(q: Queryable, id: string, set: { status?: string; caseClass?: string; onsetDate?: string | null; fields?: Record<string, string | null>; submittedAt?: Date | null;
  reviewedAt?: Date; reviewedBy?: string; reviewReason?: string | null; duplicateOf?: string | null }): Promise<void> {
  await q.query(
    `UPDATE report_cards SET status = COALESCE($2, status), case_class = COALESCE($3, case_class), onset_date = CASE WHEN $4 THEN $5::date ELSE onset_date END,
        fields = COALESCE($6::jsonb, fields), submitted_at = CASE WHEN $7 THEN $8::timestamptz ELSE submitted_at END,
        reviewed_at = COALESCE($9, reviewed_at), reviewed_by = COALESCE($10, reviewed_by), review_reason = CASE WHEN $11 THEN $12 ELSE review_reason END,
        duplicate_of = COALESCE($13, duplicate_of), version = version + 1, updated_at = now()
      WHERE id = $1`,
    [id, set.status ?? null, set.caseClass ?? null, set.onsetDate !== undefined, set.onsetDate ?? null, set.fields ? JSON.stringify(set.fields) : null, set.submittedAt !== undefined, set.submittedAt ?? null,
      set.reviewedAt ?? null, set.reviewedBy ?? null, set.reviewReason !== undefined, set.reviewReason ?? null, set.duplicateOf ?? null]);
}

export function cardEvents(q: Queryable, ids: readonly string[]): Promise<{ card_id: string; at: Date; action: string; from_status: string | null; to_status: string; from_class: string | null; to_class: string | null; reason: string | null; actor_name: string | null }[]> {
  return q.query(
    `SELECT card_id, at, action, from_status, to_status, from_class, to_class, reason, actor_name FROM report_card_events WHERE card_id = ANY($1::uuid[]) ORDER BY id`, [ids]);
}

// ---- daily counts ----
/** Notifiable cases a day by township and disease from the live cards (not deleted, not duplicates, not excluded). */
export function cardCounts(q: Queryable, county: string, from: string, to: string): Promise<{ day: string; township: string; series: string; n: number }[]> {
  return q.query(
    `SELECT (diagnosed_at AT TIME ZONE 'Asia/Shanghai')::date::text AS day, township_code AS township, disease AS series, count(*)::int AS n
       FROM report_cards WHERE county_code = $1 AND status NOT IN ('deleted','duplicate') AND case_class <> 'excluded'
        AND diagnosed_at >= ($2::date)::timestamp AT TIME ZONE 'Asia/Shanghai' AND diagnosed_at < ($3::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
      GROUP BY 1, 2, 3`, [county, from, to]);
}

/** Replaces a county's counts over [from, to] with the rows given (the days recounted). */
export async function replaceCounts(q: Queryable, county: string, from: string, to: string, rows: { day: string; township: string; series: string; n: number }[]): Promise<void> {
  await q.query('DELETE FROM surveillance_counts WHERE county_code = $1 AND day BETWEEN $2 AND $3', [county, from, to]);
  if (!rows.length) return;
  await q.query(
    `INSERT INTO surveillance_counts (county_code, township_code, series, day, n) SELECT $1, t, s, d, n FROM unnest($2::text[], $3::text[], $4::date[], $5::int[]) AS x(t, s, d, n)`,
    [county, rows.map((r) => r.township), rows.map((r) => r.series), rows.map((r) => r.day), rows.map((r) => r.n)]);
}

/** A county's counts over [from, to] (days with none are absent). */
export function countsBetween(q: Queryable, county: string, from: string, to: string): Promise<{ series: string; township: string; day: string; n: number }[]> {
  return q.query(`SELECT series, township_code AS township, day::text AS day, n FROM surveillance_counts WHERE county_code = $1 AND day BETWEEN $2 AND $3`, [county, from, to]);
}

/** One series' daily county totals (and one township's) over [from, to]. */
export function seriesTotals(q: Queryable, county: string, series: string, township: string | null, from: string, to: string): Promise<{ day: string; n: number }[]> {
  return q.query(`SELECT day::text AS day, sum(n)::int AS n FROM surveillance_counts WHERE county_code = $1 AND series = $2 AND ($3::text IS NULL OR township_code = $3) AND day BETWEEN $4 AND $5 GROUP BY day ORDER BY day`,
    [county, series, township, from, to]);
}

export function paramRows(q: Queryable): Promise<{ method: string; series: string; params: Record<string, unknown> }[]> {
  return q.query('SELECT method, series, params FROM surveillance_params');
}

// ---- signals ----
export interface SignalRow { id: string; county_code: string; township_code: string | null; series: string; method: string; day: string; observed: number; expected: number; threshold: number; statistic: number; p_value: number | null;
  baseline: number[]; params: Record<string, unknown>; cluster: { townships: string[]; from: string; to: string } | null; status: 'open' | 'excluded' | 'investigating' | 'confirmed' | 'closed'; verify_due_at: Date; responded_at: Date | null; closed_at: Date | null; note: string | null; created_at: Date }
const SIGNAL_COLS = `id, county_code, township_code, series, method, day::text AS day, observed, expected::float8 AS expected, threshold::float8 AS threshold, statistic::float8 AS statistic, p_value::float8 AS p_value,
  baseline, params, cluster, status, verify_due_at, responded_at, closed_at, note, created_at`;

/** Stores raised signals (one per county, series, method, day and township); returns how many were new. */
export async function insertSignals(q: Queryable, county: string, verifyHours: number, rows: { series: string; method: string; township: string | null; day: string; observed: number; expected: number; threshold: number; statistic: number; pValue: number | null; baseline: number[]; params: object; cluster: object | null }[]): Promise<number> {
  if (!rows.length) return 0;
  const r = await q.query<{ id: string }>(
    `INSERT INTO surveillance_signals (county_code, township_code, series, method, day, observed, expected, threshold, statistic, p_value, baseline, params, cluster, verify_due_at)
     SELECT $1, t, s, m, d, o, e, th, st, pv, b::jsonb, pa::jsonb, cl::jsonb, now() + make_interval(hours => $2)
       FROM unnest($3::text[], $4::text[], $5::text[], $6::date[], $7::int[], $8::float8[], $9::float8[], $10::float8[], $11::float8[], $12::text[], $13::text[], $14::text[]) AS x(t, s, m, d, o, e, th, st, pv, b, pa, cl)
     ON CONFLICT (county_code, series, method, day, coalesce(township_code, '')) DO NOTHING RETURNING id`,
    [county, verifyHours, rows.map((x) => x.township), rows.map((x) => x.series), rows.map((x) => x.method), rows.map((x) => x.day), rows.map((x) => x.observed), rows.map((x) => x.expected),
      rows.map((x) => x.threshold), rows.map((x) => x.statistic), rows.map((x) => x.pValue), rows.map((x) => JSON.stringify(x.baseline)), rows.map((x) => JSON.stringify(x.params)), rows.map((x) => (x.cluster ? JSON.stringify(x.cluster) : null))]);
  return r.length;
}

export function signalsIn(q: Queryable, prefix: string | null, status: string | null, from: string, to: string): Promise<SignalRow[]> {
  return q.query<SignalRow>(
    `SELECT ${SIGNAL_COLS} FROM surveillance_signals WHERE ($1::text IS NULL OR county_code LIKE $1 || '%' OR township_code LIKE $1 || '%') AND ($2::text IS NULL OR status = $2) AND day BETWEEN $3 AND $4
      ORDER BY (status = 'open') DESC, (status = 'investigating') DESC, day DESC, series LIMIT 500`, [prefix, status, from, to]);
}

export async function signalById(q: Queryable, id: string, lock = false): Promise<SignalRow | undefined> {
  const [r] = await q.query<SignalRow>(`SELECT ${SIGNAL_COLS} FROM surveillance_signals WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return r;
}

export async function respondSignal(q: Queryable, id: string, status: string, userId: string, note: string | null, closes: boolean, responds: boolean): Promise<void> {
  await q.query(`UPDATE surveillance_signals SET status = $2, responded_at = CASE WHEN $5 THEN coalesce(responded_at, now()) ELSE responded_at END, responded_by = coalesce(responded_by, $3::uuid),
      note = coalesce($4, note), closed_at = CASE WHEN $6 THEN now() ELSE closed_at END WHERE id = $1`, [id, status, userId, note, responds, closes]);
}

export async function linkCases(q: Queryable, signalId: string, cardIds: readonly string[]): Promise<void> {
  await q.query('INSERT INTO surveillance_signal_cases (signal_id, card_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING', [signalId, cardIds]);
}

export function casesOf(q: Queryable, signalId: string): Promise<{ card_id: string }[]> {
  return q.query('SELECT card_id FROM surveillance_signal_cases WHERE signal_id = $1 ORDER BY card_id', [signalId]);
}

/** Cards of a county by id (to check the cases linked to an outbreak belong to it). */
export function cardsByIds(q: Queryable, county: string, ids: readonly string[]): Promise<{ id: string; disease: string; township_code: string }[]> {
  return q.query('SELECT id, disease, township_code FROM report_cards WHERE county_code = $1 AND id = ANY($2::uuid[])', [county, ids]);
}
