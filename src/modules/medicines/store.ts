// The medicines module's SQL: the catalogue (medicines), structured prescriptions (medication_orders)
// and their lines (medication_order_items). Nothing here reads another module's tables.
import type { Queryable } from '../../platform/db.ts';
import type { CatalogueItem } from './catalogue.ts';

export interface MedicineRow {
  id: string; code: string; generic_name: string; name_en: string | null; dosage_form: string; strength: string; strength_value: string | number; unit: string; package: string;
  atc_code: string; essential: boolean; insurance_class: 'A' | 'B' | null; antibacterial_grade: string | null; high_alert: boolean; route: string;
  adult_dose_min: string | number | null; adult_dose_max: string | number | null; max_daily_dose: string | number | null; child_daily_min_per_kg: string | number | null;
  child_daily_max_per_kg: string | number | null; frequencies: string[]; min_age_years: number | null; pregnancy: string | null; levels: string[]; sources: Record<string, string>; origin: 'shipped' | 'imported';
}

/** Inserts or updates catalogue items by code, in one statement; counts what was created and updated. */
export async function upsertMedicines(q: Queryable, items: CatalogueItem[], origin: 'shipped' | 'imported', sources: Record<string, string>): Promise<{ created: number; updated: number }> {
  const rows = items.map((i) => ({
    code: i.code, generic_name: i.genericName, name_en: i.nameEn, dosage_form: i.dosageForm, strength: i.strength, strength_value: i.strengthValue, unit: i.unit, package: i.package,
    atc_code: i.atcCode, essential: i.essential, insurance_class: i.insuranceClass, antibacterial_grade: i.antibacterialGrade, high_alert: i.highAlert, route: i.route,
    adult_dose_min: i.adultDoseMin, adult_dose_max: i.adultDoseMax, max_daily_dose: i.maxDailyDose, child_daily_min_per_kg: i.childDailyMinPerKg, child_daily_max_per_kg: i.childDailyMaxPerKg,
    frequencies: i.frequencies, min_age_years: i.minAgeYears, pregnancy: i.pregnancy, levels: i.levels,
  }));
  const r = await q.query<{ inserted: boolean }>(
    `INSERT INTO medicines (code, generic_name, name_en, dosage_form, strength, strength_value, unit, package, atc_code, essential, insurance_class, antibacterial_grade, high_alert, route,
                            adult_dose_min, adult_dose_max, max_daily_dose, child_daily_min_per_kg, child_daily_max_per_kg, frequencies, min_age_years, pregnancy, levels, sources, origin)
     SELECT x.code, x.generic_name, x.name_en, x.dosage_form, x.strength, x.strength_value, x.unit, x.package, x.atc_code, x.essential, x.insurance_class, x.antibacterial_grade, x.high_alert, x.route,
            x.adult_dose_min, x.adult_dose_max, x.max_daily_dose, x.child_daily_min_per_kg, x.child_daily_max_per_kg,
            ARRAY(SELECT jsonb_array_elements_text(x.frequencies)), x.min_age_years, x.pregnancy, ARRAY(SELECT jsonb_array_elements_text(x.levels)), $2::jsonb, $3
       FROM jsonb_to_recordset($1::jsonb) AS x(code text, generic_name text, name_en text, dosage_form text, strength text, strength_value numeric, unit text, package text, atc_code text,
            essential boolean, insurance_class text, antibacterial_grade text, high_alert boolean, route text, adult_dose_min numeric, adult_dose_max numeric, max_daily_dose numeric,
            child_daily_min_per_kg numeric, child_daily_max_per_kg numeric, frequencies jsonb, min_age_years integer, pregnancy text, levels jsonb)
     ON CONFLICT (code) DO UPDATE SET generic_name = EXCLUDED.generic_name, name_en = EXCLUDED.name_en, dosage_form = EXCLUDED.dosage_form, strength = EXCLUDED.strength,
            strength_value = EXCLUDED.strength_value, unit = EXCLUDED.unit, package = EXCLUDED.package, atc_code = EXCLUDED.atc_code, essential = EXCLUDED.essential,
            insurance_class = EXCLUDED.insurance_class, antibacterial_grade = EXCLUDED.antibacterial_grade, high_alert = EXCLUDED.high_alert, route = EXCLUDED.route,
            adult_dose_min = EXCLUDED.adult_dose_min, adult_dose_max = EXCLUDED.adult_dose_max, max_daily_dose = EXCLUDED.max_daily_dose,
            child_daily_min_per_kg = EXCLUDED.child_daily_min_per_kg, child_daily_max_per_kg = EXCLUDED.child_daily_max_per_kg, frequencies = EXCLUDED.frequencies,
            min_age_years = EXCLUDED.min_age_years, pregnancy = EXCLUDED.pregnancy, levels = EXCLUDED.levels, sources = EXCLUDED.sources, origin = EXCLUDED.origin, active = true, updated_at = now()
     RETURNING (xmax = 0) AS inserted`,
    [JSON.stringify(rows), JSON.stringify(sources), origin]);
  const created = r.filter((x) => x.inserted).length;
  return { created, updated: r.length - created };
}

/** Whether any item was imported (the shipped sync leaves imported items alone). */
export async function importedCodes(q: Queryable): Promise<Set<string>> {
  const r = await q.query<{ code: string }>(`SELECT code FROM medicines WHERE origin = 'imported'`);
  return new Set(r.map((x) => x.code));
}

export function listMedicines(q: Queryable, f: { q: string | null; level: string | null; antibacterial: boolean | null }): Promise<MedicineRow[]> {
  return q.query<MedicineRow>(
    `SELECT * FROM medicines WHERE active AND ($1::text IS NULL OR generic_name LIKE '%' || $1 || '%' OR code ILIKE $1 || '%' OR atc_code ILIKE $1 || '%' OR name_en ILIKE '%' || $1 || '%')
        AND ($2::text IS NULL OR $2 = ANY(levels)) AND ($3::boolean IS NULL OR (antibacterial_grade IS NOT NULL) = $3)
      ORDER BY atc_code, code LIMIT 500`, [f.q, f.level, f.antibacterial]);
}

export function medicinesByCodes(q: Queryable, codes: string[]): Promise<MedicineRow[]> {
  return q.query<MedicineRow>('SELECT * FROM medicines WHERE code = ANY($1::text[]) AND active', [codes]);
}

export function medicinesByIds(q: Queryable, ids: string[]): Promise<MedicineRow[]> {
  return q.query<MedicineRow>('SELECT * FROM medicines WHERE id = ANY($1::uuid[])', [ids]);
}

/** ATC level-4 classes with an oral item stocked at a facility level. */
export async function oralClasses(q: Queryable, level: string): Promise<Set<string>> {
  const r = await q.query<{ c: string }>(`SELECT DISTINCT left(atc_code, 5) AS c FROM medicines WHERE active AND route = 'oral' AND $1 = ANY(levels)`, [level]);
  return new Set(r.map((x) => x.c));
}

// ---- prescriptions ----

export interface OrderRowIn {
  residentId: string; county: string; encounterId: string; facilityId: string; facilityRegion: string; prescriberId: string; prescriberWorkerId: string | null; prescriberTitle: string | null; prescriberName: string;
  kind: string; setting: string; pregnant: boolean; weightKg: number | null; ageYears: number; consultation: boolean; status: 'held' | 'ready'; findings: unknown[]; confirmations: unknown[];
  reviewMinutes: number;
}
export async function insertOrder(q: Queryable, o: OrderRowIn): Promise<string> {
  const [r] = await q.query<{ id: string }>(
    `INSERT INTO medication_orders (resident_id, county_code, encounter_id, facility_id, facility_region, prescriber_id, prescriber_worker_id, prescriber_title, kind, setting, pregnant, weight_kg,
                                    age_years, consultation, status, findings, confirmations, held_at, review_due_at, prescriber_name)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15::text,$16::jsonb,$17::jsonb, CASE WHEN $15::text = 'held' THEN now() END,
             CASE WHEN $15::text = 'held' THEN now() + make_interval(mins => $18::integer) END, $19)
     RETURNING id`,
    [o.residentId, o.county, o.encounterId, o.facilityId, o.facilityRegion, o.prescriberId, o.prescriberWorkerId, o.prescriberTitle, o.kind, o.setting, o.pregnant, o.weightKg, o.ageYears,
      o.consultation, o.status, JSON.stringify(o.findings), JSON.stringify(o.confirmations), o.reviewMinutes, o.prescriberName]);
  return r.id;
}

export interface ItemRowIn { medicineId: string; dose: number; unit: string; route: string; frequency: string; days: number; quantity: number }
export async function insertItems(q: Queryable, orderId: string, items: ItemRowIn[]): Promise<void> {
  await q.query(
    `INSERT INTO medication_order_items (order_id, line, medicine_id, dose, unit, route, frequency, days, quantity)
     SELECT $1, x.line, x.medicine_id, x.dose, x.unit, x.route, x.frequency, x.days, x.quantity
       FROM jsonb_to_recordset($2::jsonb) AS x(line integer, medicine_id uuid, dose numeric, unit text, route text, frequency text, days integer, quantity numeric)`,
    [orderId, JSON.stringify(items.map((x, i) => ({ line: i + 1, medicine_id: x.medicineId, dose: x.dose, unit: x.unit, route: x.route, frequency: x.frequency, days: x.days, quantity: x.quantity })))]);
  await summarise(q, [orderId]);
}

/**
 * Writes each prescription's summary from its lines (lines, essential-medicine lines, whether any line
 * is an antibacterial, whether any is an injection), which the stewardship figures read.
 */
export async function summarise(q: Queryable, orderIds: string[] | 'all'): Promise<void> {
  await q.query(
    `UPDATE medication_orders o SET item_count = s.n, essential_items = s.ess, has_antibacterial = s.ab, has_injection = s.inj
       FROM (SELECT i.order_id, count(*)::integer AS n, (count(*) FILTER (WHERE m.essential))::integer AS ess,
                    bool_or(m.antibacterial_grade IS NOT NULL) AS ab, bool_or(i.route IN ('iv','im','sc')) AS inj
               FROM medication_order_items i JOIN medicines m ON m.id = i.medicine_id
              WHERE $1::uuid[] IS NULL OR i.order_id = ANY($1::uuid[]) GROUP BY i.order_id) s
      WHERE s.order_id = o.id`, [orderIds === 'all' ? null : orderIds]);
}

export interface OrderRow {
  id: string; resident_id: string; county_code: string; encounter_id: string; facility_id: string; facility_region: string; prescriber_id: string; prescriber_title: string | null; prescriber_name: string;
  kind: 'acute' | 'chronic' | 'long'; setting: string; status: 'held' | 'ready' | 'returned' | 'dispensed'; findings: unknown[]; confirmations: { key: string; reason: string }[];
  held_at: Date | null; review_due_at: Date | null; reviewed_at: Date | null; review_note: string | null; dispensed_at: Date | null; created_at: Date;
}
export interface ItemRow { order_id: string; line: number; medicine_id: string; dose: string | number; unit: string; route: string; frequency: string; days: number; quantity: string | number }

export async function orderById(q: Queryable, id: string): Promise<OrderRow | undefined> {
  const [r] = await q.query<OrderRow>('SELECT * FROM medication_orders WHERE id = $1', [id]);
  return r;
}

/** Prescriptions by a filter (each null when not used), newest first. */
export function orders(q: Queryable, f: { residentId: string | null; prescriberId: string | null; facilityId: string | null; status: string | null; regionPrefix: string | null; limit: number }): Promise<OrderRow[]> {
  return q.query<OrderRow>(
    `SELECT * FROM medication_orders WHERE ($1::uuid IS NULL OR resident_id = $1) AND ($2::uuid IS NULL OR prescriber_id = $2) AND ($3::uuid IS NULL OR facility_id = $3)
        AND ($4::text IS NULL OR status = $4) AND ($5::text IS NULL OR facility_region LIKE $5 || '%')
      ORDER BY created_at DESC LIMIT $6`, [f.residentId, f.prescriberId, f.facilityId, f.status, f.regionPrefix, f.limit]);
}

/** The review centre's worklist: held prescriptions of facilities in a region, the soonest due first. */
export function heldInRegion(q: Queryable, prefix: string | null): Promise<OrderRow[]> {
  return q.query<OrderRow>(`SELECT * FROM medication_orders WHERE status = 'held' AND ($1::text IS NULL OR facility_region LIKE $1 || '%') ORDER BY review_due_at, created_at LIMIT 200`, [prefix]);
}

export function itemsOf(q: Queryable, orderIds: string[]): Promise<ItemRow[]> {
  return q.query<ItemRow>('SELECT order_id, line, medicine_id, dose, unit, route, frequency, days, quantity FROM medication_order_items WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, line', [orderIds]);
}

/** Decides a held prescription (only while held: a second decision finds nothing). */
export async function decideHeld(q: Queryable, id: string, status: 'ready' | 'returned', by: string, note: string | null): Promise<OrderRow | undefined> {
  const [r] = await q.query<OrderRow>(
    `UPDATE medication_orders SET status = $2, reviewed_by = $3, reviewed_at = now(), review_note = $4 WHERE id = $1 AND status = 'held' RETURNING *`, [id, status, by, note]);
  return r;
}

/** Marks a ready prescription dispensed (only once). */
export async function markDispensed(q: Queryable, id: string, by: string): Promise<OrderRow | undefined> {
  const [r] = await q.query<OrderRow>(`UPDATE medication_orders SET status = 'dispensed', dispensed_by = $2, dispensed_at = now() WHERE id = $1 AND status = 'ready' RETURNING *`, [id, by]);
  return r;
}

export interface CurrentLineRow { facility_id: string; created_at: Date; days: number; dose: string | number; unit: string; frequency: string; code: string; generic_name: string; atc_code: string }
/** The lines of a resident's valid prescriptions (ready or dispensed) of the last year. */
export function currentLines(q: Queryable, residentId: string): Promise<CurrentLineRow[]> {
  return q.query<CurrentLineRow>(
    `SELECT o.facility_id, o.created_at, i.days, i.dose, i.unit, i.frequency, m.code, m.generic_name, m.atc_code
       FROM medication_orders o JOIN medication_order_items i ON i.order_id = o.id JOIN medicines m ON m.id = i.medicine_id
      WHERE o.resident_id = $1 AND o.status IN ('ready', 'dispensed') AND o.created_at > now() - interval '366 days'`, [residentId]);
}

export interface StewardshipRow { unit_id: string; prescriptions: string | number; with_antibiotic: string | number; with_injection: string | number; items: string | number; essential_items: string | number }
/**
 * Stewardship counts over valid outpatient prescriptions (ready or dispensed) created in [from, to]
 * (Asia/Shanghai days), by facility or prescriber, within a region: prescriptions, those with an
 * antibacterial, with an injection, lines, essential-medicine lines.
 */
export function stewardship(q: Queryable, o: { from: string; to: string; by: 'facility' | 'prescriber'; prefix: string | null }): Promise<StewardshipRow[]> {
  return q.query<StewardshipRow>(
    `SELECT CASE WHEN $3 = 'facility' THEN facility_id ELSE prescriber_id END AS unit_id, count(*) AS prescriptions,
            count(*) FILTER (WHERE has_antibacterial) AS with_antibiotic, count(*) FILTER (WHERE has_injection) AS with_injection,
            coalesce(sum(item_count), 0) AS items, coalesce(sum(essential_items), 0) AS essential_items
       FROM medication_orders
      WHERE status IN ('ready', 'dispensed') AND setting <> 'inpatient' AND item_count IS NOT NULL
        AND created_at >= ($1::date::timestamp AT TIME ZONE 'Asia/Shanghai') AND created_at < (($2::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
        AND ($4::text IS NULL OR facility_region LIKE $4 || '%')
      GROUP BY 1 ORDER BY 1`, [o.from, o.to, o.by, o.prefix]);
}

/** The name each prescriber signed their latest prescription with. */
export async function prescriberNames(q: Queryable, ids: string[]): Promise<Map<string, string>> {
  const r = await q.query<{ prescriber_id: string; prescriber_name: string }>(
    'SELECT DISTINCT ON (prescriber_id) prescriber_id, prescriber_name FROM medication_orders WHERE prescriber_id = ANY($1::uuid[]) ORDER BY prescriber_id, created_at DESC', [ids]);
  return new Map(r.map((x) => [x.prescriber_id, x.prescriber_name]));
}

// ---- the shared pharmacy ----

export interface LotRow { id: string; facility_id: string; medicine_id: string; lot: string; expires_on: string; quantity: string | number }

/** Receives stock into a lot (created, or added to when the lot is known); answers the lot's id. */
export async function receiveLot(q: Queryable, o: { facilityId: string; medicineId: string; lot: string; expiresOn: string; quantity: number }): Promise<string> {
  const [r] = await q.query<{ id: string }>(
    `INSERT INTO stock_lots (facility_id, medicine_id, lot, expires_on, quantity) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (facility_id, medicine_id, lot) DO UPDATE SET quantity = stock_lots.quantity + EXCLUDED.quantity RETURNING id`,
    [o.facilityId, o.medicineId, o.lot, o.expiresOn, o.quantity]);
  return r.id;
}

export async function lotById(q: Queryable, id: string, lock = false): Promise<LotRow | undefined> {
  const [r] = await q.query<LotRow>(`SELECT id, facility_id, medicine_id, lot, expires_on::text AS expires_on, quantity FROM stock_lots WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return r;
}

/** Takes a quantity out of a lot when it holds enough (false otherwise: nothing changes). */
export async function takeFromLot(q: Queryable, id: string, quantity: number): Promise<boolean> {
  const r = await q.query('UPDATE stock_lots SET quantity = quantity - $2 WHERE id = $1 AND quantity >= $2 RETURNING id', [id, quantity]);
  return r.length === 1;
}

export async function insertMove(q: Queryable, m: { lotId: string; kind: string; quantity: number; refId: string | null; by: string }): Promise<void> {
  await q.query('INSERT INTO stock_moves (lot_id, kind, quantity, ref_id, by_user) VALUES ($1, $2, $3, $4, $5)', [m.lotId, m.kind, m.quantity, m.refId, m.by]);
}

/** The lots of facilities (with stock, or every one), soonest expiry first. */
export function lotsOf(q: Queryable, facilityIds: string[], medicineId: string | null, lock = false): Promise<LotRow[]> {
  return q.query<LotRow>(
    `SELECT id, facility_id, medicine_id, lot, expires_on::text AS expires_on, quantity FROM stock_lots
      WHERE facility_id = ANY($1::uuid[]) AND ($2::uuid IS NULL OR medicine_id = $2) ORDER BY expires_on, id${lock ? ' FOR UPDATE' : ''}`, [facilityIds, medicineId]);
}

export interface ShortageRow {
  id: string; resident_id: string; county_code: string; requesting_facility_id: string; requesting_region: string; medicine_id: string; quantity: string | number; note: string | null;
  status: 'registered' | 'filled' | 'in_transit' | 'delivered' | 'cancelled'; lot_id: string | null; registered_at: Date; filled_at: Date | null; shipped_at: Date | null; delivered_at: Date | null;
}
export async function insertShortage(q: Queryable, s: { residentId: string; county: string; facilityId: string; region: string; medicineId: string; quantity: number; note: string | null; by: string }): Promise<string> {
  const [r] = await q.query<{ id: string }>(
    `INSERT INTO shortage_requests (resident_id, county_code, requesting_facility_id, requesting_region, medicine_id, quantity, note, registered_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, [s.residentId, s.county, s.facilityId, s.region, s.medicineId, s.quantity, s.note, s.by]);
  return r.id;
}
export async function shortageById(q: Queryable, id: string, lock = false): Promise<ShortageRow | undefined> {
  const [r] = await q.query<ShortageRow>(`SELECT * FROM shortage_requests WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return r;
}
/** Missing-drug registrations of facilities in a region, or of some facilities; open ones first. */
export function shortages(q: Queryable, f: { prefix: string | null; facilityIds: string[] | null }): Promise<ShortageRow[]> {
  return q.query<ShortageRow>(
    `SELECT * FROM shortage_requests WHERE ($1::text IS NULL OR requesting_region LIKE $1 || '%') AND ($2::uuid[] IS NULL OR requesting_facility_id = ANY($2::uuid[]))
      ORDER BY (status IN ('delivered','cancelled')), registered_at DESC LIMIT 200`, [f.prefix, f.facilityIds]);
}
/** Moves a registration on one step (only from the state the caller saw). */
export async function stepShortage(q: Queryable, id: string, from: string, to: string, by: string, lotId: string | null): Promise<boolean> {
  const r = await q.query(
    `UPDATE shortage_requests SET status = $3,
        lot_id = COALESCE($5, lot_id),
        filled_by = CASE WHEN $3 = 'filled' THEN $4::uuid ELSE filled_by END, filled_at = CASE WHEN $3 = 'filled' THEN now() ELSE filled_at END,
        shipped_at = CASE WHEN $3 = 'in_transit' THEN now() ELSE shipped_at END,
        delivered_by = CASE WHEN $3 = 'delivered' THEN $4::uuid ELSE delivered_by END, delivered_at = CASE WHEN $3 = 'delivered' THEN now() ELSE delivered_at END
      WHERE id = $1 AND status = $2 RETURNING id`, [id, from, to, by, lotId]);
  return r.length === 1;
}

// ---- the monthly prescription comment ----

export interface CommentCandidateRow { id: string; created_at: Date; age_years: number; prescriber_name: string; drugs: number; antibacterial: boolean; injection: boolean; essential: number }
/** A facility's valid outpatient prescriptions of a month (Asia/Shanghai), with the counts of the national comment form. */
export function monthPrescriptions(q: Queryable, facilityId: string, month: string): Promise<CommentCandidateRow[]> {
  return q.query<CommentCandidateRow>(
    `SELECT o.id, o.created_at, o.age_years, o.prescriber_name, count(*)::int AS drugs, bool_or(m.antibacterial_grade IS NOT NULL) AS antibacterial,
            bool_or(i.route IN ('iv','im','sc')) AS injection, (count(*) FILTER (WHERE m.essential))::int AS essential
       FROM medication_orders o JOIN medication_order_items i ON i.order_id = o.id JOIN medicines m ON m.id = i.medicine_id
      WHERE o.facility_id = $1 AND o.status IN ('ready', 'dispensed') AND o.setting <> 'inpatient'
        AND o.created_at >= (($2 || '-01')::date::timestamp AT TIME ZONE 'Asia/Shanghai') AND o.created_at < ((($2 || '-01')::date + interval '1 month')::timestamp AT TIME ZONE 'Asia/Shanghai')
      GROUP BY o.id ORDER BY o.id`, [facilityId, month]);
}

export function commentsOf(q: Queryable, orderIds: string[]): Promise<{ order_id: string; result: string; problems: string[]; note: string | null }[]> {
  return q.query('SELECT order_id, result, problems, note FROM prescription_comments WHERE order_id = ANY($1::uuid[])', [orderIds]);
}

/** Records (or replaces) the comment on a prescription. */
export async function upsertComment(q: Queryable, c: { orderId: string; month: string; result: string; problems: string[]; note: string | null; by: string }): Promise<void> {
  await q.query(
    `INSERT INTO prescription_comments (order_id, month, result, problems, note, commented_by) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (order_id) DO UPDATE SET result = EXCLUDED.result, problems = EXCLUDED.problems, note = EXCLUDED.note, commented_by = EXCLUDED.commented_by, commented_at = now()`,
    [c.orderId, c.month, c.result, c.problems, c.note, c.by]);
}
