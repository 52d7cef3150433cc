// Medicines: the catalogue and its import, structured prescribing with the review before dispensing,
// the county review centre, dispensing, a resident's current medication across facilities, and the
// stewardship figures. Encounters and the record's prescription lines are written through records'
// service; the prescriber's title and facility come from registry's, the chronic standing from chronic's.
import ExcelJS from 'exceljs';
import type { Db, Queryable } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';
import { actorOf } from '../../platform/auth.ts';
import type { Keys } from '../../platform/crypto.ts';
import { badRequest, conflict, forbidden, notFound, type FieldProblem } from '../../platform/errors.ts';
import { writeAudit, writeAuditMany } from '../../platform/audit.ts';
import { scopePrefix } from '../../platform/scope.ts';
import { requireBasis, type AccessOptions } from '../records/access.ts';
import { assertMayAttach, verifyPresence } from '../records/basis.ts';
import { addEncounter, addPrescriptionLines, encounterBrief } from '../records/service.ts';
import { prescriberOf, principalFacilityIds } from '../registry/workers.ts';
import { facilityBriefs, getFacility } from '../registry/facilities.ts';
import { careFacts, liveResidentName } from '../registry/residents.ts';
import { ageOn } from '../registry/rules.ts';
import { programmeStanding } from '../chronic/service.ts';
import { parseCsv } from '../registry/csv.ts';
import { today } from '../../shared/time.ts';
import { checkCatalogue, FIELD_SOURCES, type CatalogueItem, type Level } from './catalogue.ts';
import { commentSample, commentSampleSize, currentMedication as currentOf, decide, findingKey, quantityFor, review, REVIEW_RULES, type Finding, type RuleCode } from './rules.ts';
import * as store from './store.ts';
import { deductForDispense } from './pharmacy.ts';
import type { CatalogueItemOut, PrescriptionIn, PrescriptionOut } from './schema.ts';

/** Minutes the review centre has for a held prescription before it shows overdue (a local setting; no national figure). */
export const REVIEW_MINUTES = 30;
/** Who may prescribe from the catalogue. */
export const PRESCRIBERS = ['doctor', 'village_doctor'] as const;

const num = (v: string | number | null): number | null => (v == null ? null : Number(v));

/** A catalogue row as the rules and the answers take it. */
export function itemOf(r: store.MedicineRow): CatalogueItem & { id: string; sources: Record<string, string>; origin: 'shipped' | 'imported' } {
  return {
    id: r.id, code: r.code, genericName: r.generic_name, nameEn: r.name_en, dosageForm: r.dosage_form as CatalogueItem['dosageForm'], strength: r.strength, strengthValue: Number(r.strength_value),
    unit: r.unit as CatalogueItem['unit'], package: r.package, atcCode: r.atc_code, essential: r.essential, insuranceClass: r.insurance_class,
    antibacterialGrade: r.antibacterial_grade as CatalogueItem['antibacterialGrade'], highAlert: r.high_alert, route: r.route as CatalogueItem['route'],
    adultDoseMin: num(r.adult_dose_min), adultDoseMax: num(r.adult_dose_max), maxDailyDose: num(r.max_daily_dose), childDailyMinPerKg: num(r.child_daily_min_per_kg),
    childDailyMaxPerKg: num(r.child_daily_max_per_kg), frequencies: r.frequencies, minAgeYears: r.min_age_years, pregnancy: r.pregnancy as CatalogueItem['pregnancy'],
    levels: r.levels as Level[], sources: r.sources, origin: r.origin,
  };
}

// ---- catalogue ----

/** The catalogue, filtered. */
export async function catalogue(db: Queryable, f: { q?: string; level?: Level; antibacterial?: 'yes' | 'no' }): Promise<CatalogueItemOut[]> {
  const rows = await store.listMedicines(db, { q: f.q?.trim() || null, level: f.level ?? null, antibacterial: f.antibacterial ? f.antibacterial === 'yes' : null });
  return rows.map(itemOf);
}

/** The cells of the first sheet of an XLSX, as text rows. */
async function xlsxRows(buf: Buffer): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
  } catch {
    throw badRequest('medicines.file_unreadable', { zh: '无法读取该 Excel 文件', en: 'The Excel file cannot be read' }, [{ path: 'contentBase64', problem: 'not an .xlsx workbook / 不是 .xlsx 文件' }]);
  }
  const ws = wb.worksheets[0];
  const rows: string[][] = [];
  ws?.eachRow({ includeEmpty: true }, (row, n) => {
    const cells: string[] = [];
    for (let c = 1; c <= row.cellCount; c++) {
      const v = row.getCell(c).value;
      cells.push(v == null ? '' : typeof v === 'object' && 'result' in v ? String(v.result ?? '') : typeof v === 'object' && 'richText' in v ? v.richText.map((t) => t.text).join('') : String(v));
    }
    rows[n - 1] = cells;
  });
  return Array.from(rows, (r) => r ?? []);
}

/** Imports a full catalogue (CSV or XLSX): every row or none; each bad cell named by row and column. */
export async function importCatalogue(db: Db, p: Principal, fileName: string, contentBase64: string): Promise<{ imported: number; created: number; updated: number }> {
  const buf = Buffer.from(contentBase64, 'base64');
  const rows = /\.xlsx$/i.test(fileName) ? await xlsxRows(buf) : parseCsv(buf.toString('utf8').replace(/^\uFEFF/, '')).rows;
  const { items, problems } = checkCatalogue(rows);
  if (problems.length) throw badRequest('medicines.catalogue_invalid', { zh: `药品目录有 ${problems.length} 处错误，未导入任何一行`, en: `${problems.length} problems in the catalogue; nothing was imported` }, problems);
  return db.tx(async (q) => {
    const r = await store.upsertMedicines(q, items, 'imported', Object.fromEntries(Object.keys(FIELD_SOURCES).map((k) => [k, `导入：${fileName}`])));
    await writeAudit(q, actorOf(p, p.ip), { action: 'medicines.catalogue_import', outcome: 'ok', details: { fileName, rows: items.length, ...r } });
    return { imported: items.length, ...r };
  });
}

// ---- prescribing and review ----

interface Prepared {
  prescriber: Awaited<ReturnType<typeof prescriberOf>> & { facility: NonNullable<Awaited<ReturnType<typeof prescriberOf>>['facility']> };
  facts: NonNullable<Awaited<ReturnType<typeof careFacts>>>;
  meds: ReturnType<typeof itemOf>[];
  findings: (Finding & { key: string })[];
  quantities: number[];
  ageYears: number;
}

/** Everything the review needs, read inside the caller's transaction, and the findings. */
async function prepare(q: Queryable, p: Principal, input: PrescriptionIn): Promise<Prepared> {
  if (!(PRESCRIBERS as readonly string[]).includes(p.role)) throw forbidden();
  const who = await prescriberOf(q, p.userId);
  if (!who.facility) throw forbidden({ zh: '您的账号未关联机构，不能开处方', en: 'Your account has no facility; you cannot prescribe' });
  const facts = await careFacts(q, input.residentId);
  if (!facts) throw notFound({ zh: '居民', en: 'Resident' });
  const rows = await store.medicinesByCodes(q, input.items.map((i) => i.medicineCode));
  const byCode = new Map(rows.map((r) => [r.code, itemOf(r)]));
  const level = (who.facility.tier === 'city' ? 'county' : who.facility.tier) as Level;
  const fields: FieldProblem[] = [];
  input.items.forEach((it, i) => {
    const m = byCode.get(it.medicineCode);
    if (!m) return fields.push({ path: `items[${i}].medicineCode`, problem: `${it.medicineCode} is not in the catalogue / 不在药品目录中` });
    if (it.unit !== m.unit) fields.push({ path: `items[${i}].unit`, problem: `the dose of ${m.genericName} is in ${m.unit} / 剂量单位应为 ${m.unit}` });
  });
  if (input.setting === 'inpatient' && who.facility.tier === 'village') fields.push({ path: 'setting', problem: 'a village clinic has no inpatients / 村卫生室无住院' });
  if (fields.length) throw badRequest('medicines.prescription_invalid', { zh: '处方有误，未保存', en: 'Invalid prescription; nothing was saved' }, fields);
  const meds = input.items.map((i) => byCode.get(i.medicineCode)!);
  const ageYears = ageOn(facts.birthDate, today());
  const standing = input.kind === 'long' ? await programmeStanding(q, input.residentId) : { enrolled: false, stable: false };
  const cur = await currentLinesOf(q, input.residentId);
  const findings = review({
    patient: { ageYears, weightKg: input.weightKg ?? null, pregnant: !!input.pregnant || facts.conditions.includes('pregnant') },
    prescriber: { role: p.role, workerType: who.workerType, title: who.title, facilityTier: who.facility.tier },
    setting: input.setting ?? 'outpatient', kind: input.kind, consultation: !!input.consultation, chronic: standing,
    items: input.items.map((it, i) => ({ med: meds[i], dose: it.dose, route: it.route, frequency: it.frequency, days: it.days })),
    current: cur.flatMap((c) => c.facilities.map((f) => ({ atcCode: c.atcCode, genericName: c.genericName, facility: f.name }))),
    oralClasses: await store.oralClasses(q, level), level,
  }).map((f) => ({ ...f, key: findingKey(f) }));
  const quantities = input.items.map((it, i) => it.quantity ?? quantityFor(it, meds[i].strengthValue));
  return { prescriber: who as Prepared['prescriber'], facts, meds, findings, quantities, ageYears };
}

const withName = (f: Finding & { key: string }) => ({ ...f, name: REVIEW_RULES[f.rule as RuleCode]?.name ?? { zh: f.rule, en: f.rule } });

/** Runs the review without writing anything (the form shows the findings before the prescriber signs). Needs a basis for the resident. */
export async function checkPrescription(db: Db, p: Principal, o: AccessOptions, input: PrescriptionIn) {
  await requireBasis(db, p, input.residentId, o);
  const r = await prepare(db, p, input);
  const d = decide(r.findings, input.confirmations ?? []);
  return { status: d.status, findings: r.findings.map(withName), quantities: r.quantities };
}

/**
 * Prescribes: reviews, refuses while a warning is unconfirmed (400 naming each), writes the
 * prescription held for the review centre or ready to dispense; a ready one goes into the record.
 */
export async function prescribe(db: Db, keys: Keys, p: Principal, o: AccessOptions, input: PrescriptionIn): Promise<PrescriptionOut> {
  const presence = await verifyPresence(db, keys, p, input.residentId, input.presence);
  const id = await db.tx(async (q) => {
    const now = new Date().toISOString();
    let encounterId = input.encounterId ?? null;
    const grant = await assertMayAttach(q, p, input.residentId, o, encounterId ? {} : { encounterAt: now, presence });
    const r = await prepare(q, p, input);
    if (encounterId) {
      const e = await encounterBrief(q, encounterId);
      if (!e || e.residentId !== input.residentId) throw notFound({ zh: '就诊记录', en: 'Encounter' });
    } else {
      encounterId = (await addEncounter(q, p, { grant, county: r.facts.countyCode, kind: input.setting === 'emergency' ? 'emergency' : 'outpatient', facilityId: r.prescriber.facility.id,
        workerId: r.prescriber.workerId, startedAt: now, reason: '处方', observations: [] })).id;
    }
    const d = decide(r.findings, input.confirmations ?? []);
    if (d.status === 'unconfirmed') {
      throw badRequest('medicines.confirm_required', { zh: '以下提示须填写理由确认后才能开具', en: 'Confirm each warning with a reason before prescribing' },
        d.unconfirmed.map((f) => ({ path: f.item == null ? 'items' : `items[${f.item}]`, problem: `${findingKey(f)}: ${f.message.en} / ${f.message.zh}` })));
    }
    const confirmed = (input.confirmations ?? []).filter((c) => r.findings.some((f) => f.key === c.key && f.verdict === 'warn'));
    const orderId = await store.insertOrder(q, {
      residentId: input.residentId, county: r.facts.countyCode, encounterId, facilityId: r.prescriber.facility.id, facilityRegion: r.prescriber.facility.regionCode, prescriberId: p.userId,
      prescriberWorkerId: r.prescriber.workerId, prescriberTitle: r.prescriber.title, prescriberName: p.displayName, kind: input.kind, setting: input.setting ?? 'outpatient', pregnant: !!input.pregnant,
      weightKg: input.weightKg ?? null, ageYears: r.ageYears, consultation: !!input.consultation, status: d.status, findings: r.findings, confirmations: confirmed, reviewMinutes: REVIEW_MINUTES,
    });
    await store.insertItems(q, orderId, input.items.map((it, i) => ({ medicineId: r.meds[i].id, dose: it.dose, unit: it.unit, route: it.route, frequency: it.frequency, days: it.days, quantity: r.quantities[i] })));
    if (d.status === 'ready') await intoRecord(q, orderId);
    await writeAudit(q, actorOf(p, p.ip), { action: 'medicines.prescribe', outcome: 'ok', residentId: input.residentId, recordType: 'medication_order', recordId: orderId,
      basis: grant.basis ?? 'encounter', details: { status: d.status, holds: r.findings.filter((f) => f.verdict === 'hold').map((f) => f.key), confirmed: confirmed.map((c) => c.key) } });
    return orderId;
  });
  return (await describe(db, [(await store.orderById(db, id))!]))[0];
}

/** Writes a prescription that may now be dispensed into the record's medication list (records' service). */
async function intoRecord(q: Queryable, orderId: string): Promise<void> {
  const o = (await store.orderById(q, orderId))!;
  const items = await store.itemsOf(q, [orderId]);
  const meds = new Map((await store.medicinesByIds(q, items.map((i) => i.medicine_id))).map((m) => [m.id, itemOf(m)]));
  await addPrescriptionLines(q, o.resident_id, o.encounter_id, o.created_at.toISOString(), items.map((i) => {
    const m = meds.get(i.medicine_id)!;
    return { drugName: m.genericName, form: m.dosageForm, strength: m.strength, dose: `${Number(i.dose)}${i.unit}`, route: i.route, frequency: i.frequency, days: i.days, quantity: Number(i.quantity), antibacterialClass: m.antibacterialGrade };
  }));
}

/** Prescriptions with their lines, facility and resident names, as answered. */
async function describe(q: Queryable, rows: store.OrderRow[]): Promise<PrescriptionOut[]> {
  if (!rows.length) return [];
  const items = await store.itemsOf(q, rows.map((r) => r.id));
  const meds = new Map((await store.medicinesByIds(q, [...new Set(items.map((i) => i.medicine_id))])).map((m) => [m.id, itemOf(m)]));
  const facilities = await facilityBriefs(q, rows.map((r) => r.facility_id));
  const names = new Map<string, string | null>();
  for (const id of new Set(rows.map((r) => r.resident_id))) names.set(id, await liveResidentName(q, id));
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return rows.map((r) => ({
    id: r.id, residentId: r.resident_id, residentName: names.get(r.resident_id) ?? null, encounterId: r.encounter_id, status: r.status, kind: r.kind, setting: r.setting,
    facility: { code: facilities.get(r.facility_id)?.code ?? '', name: facilities.get(r.facility_id)?.name ?? '' }, prescriber: r.prescriber_name, prescriberTitle: r.prescriber_title,
    createdAt: r.created_at.toISOString(),
    items: items.filter((i) => i.order_id === r.id).map((i) => {
      const m = meds.get(i.medicine_id)!;
      return { line: i.line, medicineCode: m.code, genericName: m.genericName, strength: m.strength, dose: Number(i.dose), unit: i.unit, route: i.route, frequency: i.frequency, days: i.days, quantity: Number(i.quantity), antibacterialGrade: m.antibacterialGrade };
    }),
    findings: (r.findings as (Finding & { key: string })[]).map(withName), confirmations: r.confirmations,
    heldAt: iso(r.held_at), reviewDueAt: iso(r.review_due_at), reviewedAt: iso(r.reviewed_at), reviewNote: r.review_note, dispensedAt: iso(r.dispensed_at),
  }));
}

/**
 * Prescriptions a signed-in worker may see without opening a record: their own, and (to dispense)
 * their facilities'. With a resident: that resident's, under a basis (audited).
 */
export async function listPrescriptions(db: Db, p: Principal, o: AccessOptions, f: { status?: string; residentId?: string }): Promise<PrescriptionOut[]> {
  if (f.residentId) {
    const { basis } = await requireBasis(db, p, f.residentId, o);
    const rows = await store.orders(db, { residentId: f.residentId, prescriberId: null, facilityId: null, status: f.status ?? null, regionPrefix: null, limit: 100 });
    await db.tx((q) => writeAudit(q, actorOf(p, p.ip), { action: 'medicines.prescriptions_read', outcome: 'ok', residentId: f.residentId, basis }));
    return describe(db, rows);
  }
  const mine = await store.orders(db, { residentId: null, prescriberId: p.userId, facilityId: null, status: f.status ?? null, regionPrefix: null, limit: 100 });
  const facilities = await principalFacilityIds(db, p);
  const theirs = (await Promise.all(facilities.map((id) => store.orders(db, { residentId: null, prescriberId: null, facilityId: id, status: f.status ?? null, regionPrefix: null, limit: 100 })))).flat();
  const seen = new Set<string>();
  const rows = [...mine, ...theirs].filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true))).sort((a, b) => b.created_at.getTime() - a.created_at.getTime()).slice(0, 100);
  return describe(db, rows);
}

/** The review centre's worklist: held prescriptions of the pharmacist's region, soonest due first, with the minutes left. */
export async function reviewWorklist(db: Db, p: Principal) {
  const rows = await store.heldInRegion(db, await scopePrefix(db, p));
  const out = await describe(db, rows);
  // a list that shows residents: one audit row per resident shown, besides the list's own
  const actor = actorOf(p, p.ip);
  await db.tx((q) => writeAuditMany(q, [{ actor, entry: { action: 'medicines.review_worklist', outcome: 'ok', basis: 'review_centre', details: { shown: rows.length } } },
    ...[...new Set(rows.map((r) => r.resident_id))].map((residentId) => ({ actor, entry: { action: 'record.listed', outcome: 'ok' as const, residentId, basis: 'review_centre', details: { list: 'medicines.review_worklist' } } }))]));
  const now = Date.now();
  return {
    reviewMinutes: REVIEW_MINUTES,
    items: out.map((x) => {
      const left = x.reviewDueAt ? Math.round((new Date(x.reviewDueAt).getTime() - now) / 60000) : 0;
      return { ...x, minutesLeft: left, overdue: left < 0 };
    }),
  };
}

/** A pharmacist approves (it may be dispensed; it goes into the record) or returns (with a note) a held prescription of their region. */
export async function decideReview(db: Db, p: Principal, id: string, decision: 'approve' | 'return', note: string | undefined): Promise<PrescriptionOut> {
  if (decision === 'return' && !note?.trim()) throw badRequest('medicines.note_required', { zh: '退回须写明理由', en: 'A return needs a note' }, [{ path: 'note', problem: 'required to return / 退回须填写' }]);
  const prefix = await scopePrefix(db, p);
  const row = await db.tx(async (q) => {
    const o = await store.orderById(q, id);
    if (!o || (prefix !== null && !o.facility_region.startsWith(prefix))) throw notFound({ zh: '处方', en: 'Prescription' });
    const r = await store.decideHeld(q, id, decision === 'approve' ? 'ready' : 'returned', p.userId, note?.trim() || null);
    if (!r) throw conflict('medicines.not_held', { zh: '该处方已审核，不在待审状态', en: 'The prescription is no longer awaiting review' });
    if (decision === 'approve') await intoRecord(q, id);
    await writeAudit(q, actorOf(p, p.ip), { action: `medicines.review_${decision}`, outcome: 'ok', residentId: o.resident_id, recordType: 'medication_order', recordId: id, details: { note: note ?? null } });
    return r;
  });
  return (await describe(db, [row]))[0];
}

/** Dispenses a ready prescription: at the prescribing facility (its staff), or by a pharmacist of its region. Once. */
export async function dispense(db: Db, p: Principal, id: string): Promise<PrescriptionOut> {
  const row = await db.tx(async (q) => {
    const o = await store.orderById(q, id);
    const atFacility = o ? (await principalFacilityIds(q, p)).includes(o.facility_id) : false;
    const prefix = p.role === 'pharmacist' ? await scopePrefix(q, p) : undefined;
    const pharmacist = o && prefix !== undefined && (prefix === null || o.facility_region.startsWith(prefix));
    if (!o || (!atFacility && !pharmacist)) throw notFound({ zh: '处方', en: 'Prescription' });
    const r = await store.markDispensed(q, id, p.userId);
    if (r) {
      const items = await store.itemsOf(q, [id]);
      const names = new Map((await store.medicinesByIds(q, items.map((i) => i.medicine_id))).map((m) => [m.id, m.generic_name]));
      await deductForDispense(q, o.facility_id, id, items.map((i) => ({ medicineId: i.medicine_id, name: names.get(i.medicine_id) ?? '', quantity: Number(i.quantity) })), p.userId);
    }
    if (!r) throw conflict('medicines.not_ready', { zh: o.status === 'held' ? '处方待审方中心审核，不能发药' : '该处方不能发药（已发药或已退回）', en: o.status === 'held' ? 'The prescription awaits the review centre' : 'The prescription cannot be dispensed (dispensed or returned)' });
    await writeAudit(q, actorOf(p, p.ip), { action: 'medicines.dispense', outcome: 'ok', residentId: o.resident_id, recordType: 'medication_order', recordId: id });
    return r;
  });
  return (await describe(db, [row]))[0];
}

async function currentLinesOf(q: Queryable, residentId: string) {
  const lines = await store.currentLines(q, residentId);
  const fac = await facilityBriefs(q, lines.map((l) => l.facility_id));
  const day = (d: Date) => d.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
  return currentOf(lines.map((l) => ({ medicineCode: l.code, genericName: l.generic_name, atcCode: l.atc_code, facility: fac.get(l.facility_id)?.code ?? '', facilityName: fac.get(l.facility_id)?.name ?? '',
    startedOn: day(l.created_at), days: l.days, dose: Number(l.dose), unit: l.unit, frequency: l.frequency })), today());
}

/** A resident's current medication across every facility (居民用药监测), the same drug at two facilities flagged. Needs a basis; audited. */
export async function currentMedication(db: Db, p: Principal, o: AccessOptions, residentId: string) {
  const { basis } = await requireBasis(db, p, residentId, o);
  const items = await currentLinesOf(db, residentId);
  await db.tx((q) => writeAudit(q, actorOf(p, p.ip), { action: 'medicines.current_read', outcome: 'ok', residentId, basis }));
  return { items };
}

export const STEWARDSHIP_DEFINITIONS = {
  antibioticRate: { zh: '门诊处方抗菌药物使用率 = 含抗菌药物的处方数 ÷ 处方总数', en: 'Prescriptions with an antibacterial ÷ prescriptions' },
  injectionRate: { zh: '注射剂使用率 = 含注射剂的处方数 ÷ 处方总数', en: 'Prescriptions with an injection ÷ prescriptions' },
  essentialShare: { zh: '基本药物占比 = 基本药物品种数 ÷ 处方药品品种数', en: 'Essential-medicine lines ÷ all lines' },
  meanDrugs: { zh: '每张处方平均用药品种数', en: 'Mean drugs per prescription' },
};

/** The stewardship figures (outpatient, valid prescriptions) by facility or prescriber in the principal's region. */
export async function stewardship(db: Db, p: Principal, q: { from: string; to: string; by: 'facility' | 'prescriber' }) {
  const rows = await store.stewardship(db, { ...q, prefix: await scopePrefix(db, p) });
  const names = q.by === 'facility' ? await facilityBriefs(db, rows.map((r) => r.unit_id)) : new Map<string, { code: string; name: string }>();
  const prescriberNames = q.by === 'prescriber' ? await store.prescriberNames(db, rows.map((r) => r.unit_id)) : new Map<string, string>();
  const pct = (a: number, b: number) => (b ? Math.round((1000 * a) / b) / 10 : null);
  return {
    by: q.by, from: q.from, to: q.to, definitions: STEWARDSHIP_DEFINITIONS,
    items: rows.map((r) => {
      const n = Number(r.prescriptions);
      return { code: q.by === 'facility' ? names.get(r.unit_id)?.code ?? '' : r.unit_id, name: q.by === 'facility' ? names.get(r.unit_id)?.name ?? '' : prescriberNames.get(r.unit_id) ?? '',
        prescriptions: n, antibioticRate: pct(Number(r.with_antibiotic), n), injectionRate: pct(Number(r.with_injection), n), essentialShare: pct(Number(r.essential_items), Number(r.items)),
        meanDrugs: n ? Math.round((100 * Number(r.items)) / n) / 100 : null };
    }),
  };
}

// ---- the monthly prescription comment (处方点评) ----

async function facilityInScope(q: Queryable, p: Principal, code: string) {
  const f = await getFacility(q, code, await scopePrefix(q, p));
  return { id: f.id, code: f.code, name: f.name };
}

/** The month's comment sample of a facility: its size by 第十条, drawn reproducibly, with the form's counts and any comment already made. */
export async function commentSampleOf(db: Db, p: Principal, facilityCode: string, month: string) {
  const f = await facilityInScope(db, p, facilityCode);
  const all = await store.monthPrescriptions(db, f.id, month);
  const size = commentSampleSize(all.length);
  const picked = new Set(commentSample(all.map((r) => r.id), size, month));
  const rows = all.filter((r) => picked.has(r.id)).sort((a, b) => a.created_at.getTime() - b.created_at.getTime());
  const comments = new Map((await store.commentsOf(db, rows.map((r) => r.id))).map((c) => [c.order_id, c]));
  await db.tx((q) => writeAudit(q, actorOf(p, p.ip), { action: 'medicines.comment_sample', outcome: 'ok', details: { facility: f.code, month, size } }));
  return {
    facility: { code: f.code, name: f.name }, month, total: all.length, size, rule: '医院处方点评管理规范（试行）第十条：门急诊处方抽样率不少于1‰，每月不少于100张',
    items: rows.map((r) => {
      const c = comments.get(r.id);
      return { id: r.id, createdAt: r.created_at.toISOString(), ageYears: r.age_years, prescriber: r.prescriber_name, drugs: r.drugs, antibacterial: r.antibacterial, injection: r.injection, essential: r.essential,
        comment: c ? { result: c.result as 'rational', problems: c.problems, note: c.note } : null };
    }),
  };
}

/** Records a pharmacist's comment on a prescription of the month's sample (a prescription outside the sample answers 404). */
export async function commentOn(db: Db, p: Principal, input: { orderId: string; result: 'rational' | 'irregular' | 'inappropriate' | 'excessive'; problems?: string[]; note?: string }): Promise<{ ok: true }> {
  if (input.result !== 'rational' && !input.problems?.length && !input.note?.trim()) throw badRequest('medicines.comment_problem', { zh: '不合理处方须写明问题', en: 'Name the problem of an irrational prescription' }, [{ path: 'problems', problem: 'required unless rational / 不合理处方必填' }]);
  const prefix = await scopePrefix(db, p);
  const o = await store.orderById(db, input.orderId);
  if (!o || (prefix !== null && !o.facility_region.startsWith(prefix))) throw notFound({ zh: '处方', en: 'Prescription' });
  const month = o.created_at.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }).slice(0, 7);
  const all = await store.monthPrescriptions(db, o.facility_id, month);
  if (!commentSample(all.map((r) => r.id), commentSampleSize(all.length), month).includes(o.id)) throw notFound({ zh: '抽样处方', en: 'Sampled prescription' });
  await db.tx(async (q) => {
    await store.upsertComment(q, { orderId: o.id, month, result: input.result, problems: input.problems ?? [], note: input.note?.trim() || null, by: p.userId });
    await writeAudit(q, actorOf(p, p.ip), { action: 'medicines.comment', outcome: 'ok', residentId: o.resident_id, recordType: 'medication_order', recordId: o.id, details: { result: input.result } });
  });
  return { ok: true };
}
