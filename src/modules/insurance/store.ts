// The insurance module's SQL: settlement lists and the supervision worklist.
import type { Queryable } from '../../platform/db.ts';

export interface SettlementInsert {
  countyCode: string; facilityId: string; listNo: string; insuranceType: string; setting: string; idNumberEnc: string; idNumberHash: string; idMasked: string; residentId: string | null;
  sex: string; birthDate: string; admittedOn: string; dischargedOn: string; days: number; mainDiagnosis: string; otherDiagnoses: string[]; procedures: string[];
  costs: Record<string, number>; totalFen: number; fundFen: number; selfFen: number;
}

/** List numbers of a facility already stored, among those given. */
export async function existingListNos(q: Queryable, facilityId: string, listNos: string[]): Promise<Set<string>> {
  const rows = await q.query<{ list_no: string }>('SELECT list_no FROM insurance_settlements WHERE facility_id = $1 AND list_no = ANY($2::text[])', [facilityId, listNos]);
  return new Set(rows.map((r) => r.list_no));
}

/** Inserts settlement lists in one statement. */
export async function insertSettlements(q: Queryable, rows: SettlementInsert[], source: string, importedBy: string | null): Promise<number> {
  const r = await q.query<{ id: string }>(
    `INSERT INTO insurance_settlements (county_code, facility_id, list_no, insurance_type, setting, id_number_enc, id_number_hash, id_masked, resident_id, sex, birth_date, admitted_on, discharged_on,
                                        days, main_diagnosis, other_diagnoses, procedures, costs, total_fen, fund_fen, self_fen, source, imported_by)
     SELECT x."countyCode", x."facilityId", x."listNo", x."insuranceType", x.setting, x."idNumberEnc", x."idNumberHash", x."idMasked", x."residentId", x.sex, x."birthDate", x."admittedOn", x."dischargedOn",
            x.days, x."mainDiagnosis", ARRAY(SELECT jsonb_array_elements_text(x."otherDiagnoses")), ARRAY(SELECT jsonb_array_elements_text(x.procedures)), x.costs, x."totalFen", x."fundFen", x."selfFen", $2, $3
       FROM jsonb_to_recordset($1::jsonb) AS x("countyCode" text, "facilityId" uuid, "listNo" text, "insuranceType" text, setting text, "idNumberEnc" text, "idNumberHash" text, "idMasked" text,
            "residentId" uuid, sex text, "birthDate" date, "admittedOn" date, "dischargedOn" date, days integer, "mainDiagnosis" text, "otherDiagnoses" jsonb, procedures jsonb, costs jsonb,
            "totalFen" bigint, "fundFen" bigint, "selfFen" bigint)
     RETURNING id`,
    [JSON.stringify(rows), source, importedBy]);
  return r.length;
}

export interface SettlementRow {
  id: string; county_code: string; list_no: string; facility_code: string; facility_name: string; insurance_type: 'employee' | 'resident'; setting: 'inpatient' | 'outpatient_special'; id_masked: string;
  id_number_hash: string; resident_id: string | null; sex: 'M' | 'F'; birth_date: string; admitted_on: string; discharged_on: string; days: number; main_diagnosis: string;
  other_diagnoses: string[]; procedures: string[]; costs: Record<string, number>; total_fen: number; fund_fen: number; self_fen: number;
}
const COLS = `s.id, s.county_code, s.list_no, f.code AS facility_code, f.name AS facility_name, s.insurance_type, s.setting, s.id_masked, s.id_number_hash, s.resident_id, s.sex, s.birth_date, s.admitted_on,
  s.discharged_on, s.days, s.main_diagnosis, s.other_diagnoses, s.procedures, s.costs, s.total_fen, s.fund_fen, s.self_fen`;

/** Settlement lists discharged in [from, to] within a region prefix, optionally of one facility; newest first, paged. */
export async function listSettlements(q: Queryable, f: { within: string | null; from: string; to: string; facilityCode: string | null; limit: number; offset: number }): Promise<{ rows: SettlementRow[]; total: number }> {
  const where = `s.discharged_on BETWEEN $1::date AND $2::date AND ($3::text IS NULL OR f.region_code LIKE $3 || '%') AND ($4::text IS NULL OR f.code = $4)`;
  const rows = await q.query<SettlementRow>(`SELECT ${COLS} FROM insurance_settlements s JOIN facilities f ON f.id = s.facility_id WHERE ${where} ORDER BY s.discharged_on DESC, s.list_no LIMIT $5 OFFSET $6`,
    [f.from, f.to, f.within, f.facilityCode, f.limit, f.offset]);
  const [{ n }] = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM insurance_settlements s JOIN facilities f ON f.id = s.facility_id WHERE ${where}`, [f.from, f.to, f.within, f.facilityCode]);
  return { rows, total: n };
}

/** Every settlement discharged in [from, to] within a region prefix (for DIP and the rules), in one scan. */
export async function settlementsBetween(q: Queryable, within: string | null, from: string, to: string): Promise<SettlementRow[]> {
  return q.query<SettlementRow>(`SELECT ${COLS} FROM insurance_settlements s JOIN facilities f ON f.id = s.facility_id
     WHERE s.discharged_on BETWEEN $1::date AND $2::date AND ($3::text IS NULL OR f.region_code LIKE $3 || '%') ORDER BY s.discharged_on, s.id`, [from, to, within]);
}

/** Adds hits (a rule hits a settlement once: a re-run keeps the first hit and its decision); returns how many were new. */
export async function insertHits(q: Queryable, hits: { countyCode: string; settlementId: string; rule: string; evidence: Record<string, unknown> }[]): Promise<number> {
  if (!hits.length) return 0;
  const r = await q.query<{ id: string }>(
    `INSERT INTO insurance_supervision_hits (county_code, settlement_id, rule_code, evidence)
     SELECT x."countyCode", x."settlementId", x.rule, x.evidence FROM jsonb_to_recordset($1::jsonb) AS x("countyCode" text, "settlementId" uuid, rule text, evidence jsonb)
     ON CONFLICT (settlement_id, rule_code) DO NOTHING RETURNING id`, [JSON.stringify(hits)]);
  return r.length;
}

export interface HitRow {
  id: string; rule_code: string; evidence: Record<string, unknown>; status: 'open' | 'confirmed' | 'dismissed'; note: string | null; decided_by_name: string | null; decided_at: string | null; found_at: string;
  settlement_id: string; resident_id: string | null; list_no: string; facility_code: string; facility_name: string; id_masked: string; sex: 'M' | 'F'; admitted_on: string; discharged_on: string; main_diagnosis: string; total_fen: number;
}

/** The worklist within a region prefix, optionally by status and rule; open first, then newest. */
export async function listHits(q: Queryable, f: { within: string | null; status: string | null; rule: string | null; limit: number; offset: number }): Promise<{ rows: HitRow[]; total: number }> {
  const where = `($1::text IS NULL OR fa.region_code LIKE $1 || '%') AND ($2::text IS NULL OR h.status = $2) AND ($3::text IS NULL OR h.rule_code = $3)`;
  const from = 'insurance_supervision_hits h JOIN insurance_settlements s ON s.id = h.settlement_id JOIN facilities fa ON fa.id = s.facility_id LEFT JOIN users u ON u.id = h.decided_by';
  const rows = await q.query<HitRow>(
    `SELECT h.id, h.rule_code, h.evidence, h.status, h.note, u.display_name AS decided_by_name, h.decided_at::text AS decided_at, h.found_at::text AS found_at,
            s.id AS settlement_id, s.resident_id, s.list_no, fa.code AS facility_code, fa.name AS facility_name, s.id_masked, s.sex, s.admitted_on, s.discharged_on, s.main_diagnosis, s.total_fen
       FROM ${from} WHERE ${where} ORDER BY (h.status = 'open') DESC, h.found_at DESC, s.discharged_on DESC, h.id LIMIT $4 OFFSET $5`,
    [f.within, f.status, f.rule, f.limit, f.offset]);
  const [{ n }] = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${from} WHERE ${where}`, [f.within, f.status, f.rule]);
  return { rows, total: n };
}

/** One hit inside a region prefix, locked for the decision. */
export async function hitForUpdate(q: Queryable, id: string, within: string | null): Promise<{ id: string; status: string; rule_code: string; settlement_id: string } | null> {
  const [r] = await q.query<{ id: string; status: string; rule_code: string; settlement_id: string }>(
    `SELECT h.id, h.status, h.rule_code, h.settlement_id FROM insurance_supervision_hits h JOIN insurance_settlements s ON s.id = h.settlement_id JOIN facilities fa ON fa.id = s.facility_id
      WHERE h.id = $1 AND ($2::text IS NULL OR fa.region_code LIKE $2 || '%') FOR UPDATE OF h`, [id, within]);
  return r ?? null;
}

/** Records the auditor's decision on an open hit. */
export async function decideHit(q: Queryable, id: string, status: 'confirmed' | 'dismissed', note: string, by: string): Promise<void> {
  await q.query(`UPDATE insurance_supervision_hits SET status = $2, note = $3, decided_by = $4, decided_at = now() WHERE id = $1 AND status = 'open'`, [id, status, note, by]);
}

/** Each rule's hits by status (for the precision of each rule: confirmed ÷ decided). */
export async function hitCounts(q: Queryable, within: string | null): Promise<{ rule_code: string; status: string; n: number }[]> {
  return q.query(`SELECT h.rule_code, h.status, count(*)::int AS n FROM insurance_supervision_hits h JOIN insurance_settlements s ON s.id = h.settlement_id JOIN facilities fa ON fa.id = s.facility_id
     WHERE ($1::text IS NULL OR fa.region_code LIKE $1 || '%') GROUP BY h.rule_code, h.status ORDER BY h.rule_code, h.status`, [within]);
}
