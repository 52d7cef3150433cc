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

/** Cards within a region prefix (the county CDC's review list), by status, oldest submission first. */
export function cardsInRegion(q: Queryable, prefix: string | null, status: string | null): Promise<CardRow[]> {
  return q.query<CardRow>(
    `SELECT ${CARD_COLS} FROM report_cards
      WHERE ($1::text IS NULL OR county_code LIKE $1 || '%' OR township_code LIKE $1 || '%') AND ($2::text IS NULL OR status = $2) AND status <> 'draft'
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
