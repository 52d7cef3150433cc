// The shared pharmacy: stock per facility by lot and expiry (received, transferred, dispensed first
// expiry first), expiry warnings, and the missing-drug registration (基层缺药登记): a village or
// township registers a drug it lacks for a patient, the county pharmacy fills it from a lot, ships it,
// and the requesting facility hands it over to the patient.
import type { Db, Queryable } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';
import { actorOf } from '../../platform/auth.ts';
import { badRequest, conflict, notFound } from '../../platform/errors.ts';
import { writeAudit } from '../../platform/audit.ts';
import { scopePrefix } from '../../platform/scope.ts';
import { requireBasis, type AccessOptions } from '../records/access.ts';
import { prescriberOf, principalFacilityIds } from '../registry/workers.ts';
import { facilityBriefs, getFacility } from '../registry/facilities.ts';
import { careFacts, liveResidentName } from '../registry/residents.ts';
import { today } from '../../shared/time.ts';
import { expiryStatus, pickFefo, shortageNext, type ShortageStatus, type ShortageStep } from './pharmacy-rules.ts';
import * as store from './store.ts';

interface Acting { id: string; code: string; name: string; tier: string; regionCode: string }

/**
 * The facility a worker acts for in the pharmacy: the one named (a pharmacist: any in their region;
 * others: one they work at), else their own. 404 for a facility they may not act for.
 */
async function actingFacility(q: Queryable, p: Principal, facilityCode?: string): Promise<Acting> {
  if (facilityCode) {
    const prefix = await scopePrefix(q, p);
    const f = await getFacility(q, facilityCode, p.role === 'pharmacist' ? prefix : null);
    if (p.role !== 'pharmacist' && !(await principalFacilityIds(q, p)).includes(f.id)) throw notFound({ zh: '机构', en: 'Facility' });
    return { id: f.id, code: f.code, name: f.name, tier: f.tier, regionCode: f.regionCode };
  }
  const me = await prescriberOf(q, p.userId);
  if (!me.facility) throw badRequest('medicines.facility_required', { zh: '请指定机构', en: 'Name the facility' }, [{ path: 'facilityCode', problem: 'required: your account has no facility / 账号未关联机构，须指定' }]);
  return me.facility;
}

async function medicineId(q: Queryable, code: string, path: string): Promise<{ id: string; name: string }> {
  const [m] = await store.medicinesByCodes(q, [code]);
  if (!m) throw badRequest('medicines.unknown_medicine', { zh: '药品不在目录中', en: 'Not in the catalogue' }, [{ path, problem: `${code} is not in the catalogue / 不在药品目录中` }]);
  return { id: m.id, name: m.generic_name };
}

/** Receives stock into a facility's lot. */
export async function receiveStock(db: Db, p: Principal, input: { facilityCode?: string; medicineCode: string; lot: string; expiresOn: string; quantity: number }): Promise<{ lotId: string }> {
  if (input.expiresOn < today()) throw badRequest('medicines.lot_expired', { zh: '该批号已过期，不能入库', en: 'The lot has expired; it cannot be received' }, [{ path: 'expiresOn', problem: 'in the past / 已过期' }]);
  return db.tx(async (q) => {
    const f = await actingFacility(q, p, input.facilityCode);
    const m = await medicineId(q, input.medicineCode, 'medicineCode');
    const lotId = await store.receiveLot(q, { facilityId: f.id, medicineId: m.id, lot: input.lot, expiresOn: input.expiresOn, quantity: input.quantity });
    await store.insertMove(q, { lotId, kind: 'receive', quantity: input.quantity, refId: null, by: p.userId });
    await writeAudit(q, actorOf(p, p.ip), { action: 'medicines.stock_receive', outcome: 'ok', recordType: 'stock_lot', recordId: lotId, details: { facility: f.code, medicine: input.medicineCode, quantity: input.quantity } });
    return { lotId };
  });
}

/** A facility's stock by lot with each lot's expiry state (expired, expiring within 90 days, ok). */
export async function stock(db: Db, p: Principal, facilityCode?: string) {
  const f = await actingFacility(db, p, facilityCode);
  const lots = await store.lotsOf(db, [f.id], null);
  const meds = new Map((await store.medicinesByIds(db, [...new Set(lots.map((l) => l.medicine_id))])).map((m) => [m.id, m]));
  const day = today();
  return {
    facility: { code: f.code, name: f.name },
    items: lots.filter((l) => Number(l.quantity) > 0).map((l) => ({ lotId: l.id, medicineCode: meds.get(l.medicine_id)!.code, genericName: meds.get(l.medicine_id)!.generic_name, strength: meds.get(l.medicine_id)!.strength,
      lot: l.lot, expiresOn: l.expires_on, quantity: Number(l.quantity), expiry: expiryStatus(l.expires_on, day) })),
  };
}

/** Moves a quantity of a lot to another facility of the community (same lot and expiry there). */
export async function transferStock(db: Db, p: Principal, input: { lotId: string; toFacilityCode: string; quantity: number }): Promise<{ lotId: string }> {
  return db.tx(async (q) => {
    const lot = await store.lotById(q, input.lotId, true);
    const prefix = await scopePrefix(q, p);
    const mine = p.role === 'pharmacist' ? null : await principalFacilityIds(q, p);
    const from = lot ? (await facilityBriefs(q, [lot.facility_id])).get(lot.facility_id) : undefined;
    if (!lot || !from || (mine ? !mine.includes(lot.facility_id) : prefix !== null && !from.regionCode.startsWith(prefix))) throw notFound({ zh: '批次', en: 'Lot' });
    const to = await getFacility(q, input.toFacilityCode, prefix);
    if (to.id === lot.facility_id) throw badRequest('medicines.transfer_same', { zh: '调入机构与调出机构相同', en: 'The lot is at that facility already' }, [{ path: 'toFacilityCode', problem: 'same facility / 同一机构' }]);
    if (lot.expires_on < today()) throw conflict('medicines.lot_expired', { zh: '该批号已过期，不能调拨', en: 'The lot has expired; it cannot be transferred' });
    if (!(await store.takeFromLot(q, lot.id, input.quantity))) throw conflict('medicines.stock_short', { zh: `库存不足（现有 ${Number(lot.quantity)}）`, en: `Not enough stock (${Number(lot.quantity)} held)` }, [{ path: 'quantity', problem: `more than the ${Number(lot.quantity)} held / 超过库存` }]);
    const lotId = await store.receiveLot(q, { facilityId: to.id, medicineId: lot.medicine_id, lot: lot.lot, expiresOn: lot.expires_on, quantity: input.quantity });
    await store.insertMove(q, { lotId: lot.id, kind: 'transfer_out', quantity: input.quantity, refId: lotId, by: p.userId });
    await store.insertMove(q, { lotId, kind: 'transfer_in', quantity: input.quantity, refId: lot.id, by: p.userId });
    await writeAudit(q, actorOf(p, p.ip), { action: 'medicines.stock_transfer', outcome: 'ok', recordType: 'stock_lot', recordId: lot.id, details: { from: from.code, to: to.code, quantity: input.quantity } });
    return { lotId };
  });
}

/**
 * Takes what a dispensed prescription hands out from the facility's lots, first expiry first. A drug
 * whose stock the facility does not keep here (no lot at all) is not counted; a kept drug short of
 * unexpired stock refuses the dispensing (409, nothing changed).
 */
export async function deductForDispense(q: Queryable, facilityId: string, orderId: string, items: { medicineId: string; name: string; quantity: number }[], by: string): Promise<void> {
  const day = today();
  for (const [i, it] of items.entries()) {
    const lots = await store.lotsOf(q, [facilityId], it.medicineId, true);
    if (!lots.length) continue;
    const pick = pickFefo(lots.map((l) => ({ id: l.id, expiresOn: l.expires_on, quantity: Number(l.quantity) })), it.quantity, day);
    if (!pick) throw conflict('medicines.stock_short', { zh: `${it.name}库存不足（未过期批次），请做缺药登记`, en: `Not enough unexpired stock of ${it.name}: register the missing drug` }, [{ path: `items[${i}]`, problem: 'stock short / 库存不足' }]);
    for (const x of pick) {
      await store.takeFromLot(q, x.id, x.quantity);
      await store.insertMove(q, { lotId: x.id, kind: 'dispense', quantity: x.quantity, refId: orderId, by });
    }
  }
}

/** Registers a drug a village or township lacks for a patient (needs a basis for the resident). */
export async function registerShortage(db: Db, p: Principal, o: AccessOptions, input: { residentId: string; medicineCode: string; quantity: number; note?: string }): Promise<{ id: string }> {
  const { basis } = await requireBasis(db, p, input.residentId, o);
  return db.tx(async (q) => {
    const f = await actingFacility(q, p);
    const facts = await careFacts(q, input.residentId);
    if (!facts) throw notFound({ zh: '居民', en: 'Resident' });
    const m = await medicineId(q, input.medicineCode, 'medicineCode');
    const id = await store.insertShortage(q, { residentId: input.residentId, county: facts.countyCode, facilityId: f.id, region: f.regionCode, medicineId: m.id, quantity: input.quantity, note: input.note?.trim() || null, by: p.userId });
    await writeAudit(q, actorOf(p, p.ip), { action: 'medicines.shortage_register', outcome: 'ok', residentId: input.residentId, recordType: 'shortage_request', recordId: id, basis, details: { medicine: input.medicineCode, quantity: input.quantity } });
    return { id };
  });
}

/** Missing-drug registrations: a pharmacist's region's, or the worker's own facilities'. */
export async function listShortages(db: Db, p: Principal) {
  const rows = p.role === 'pharmacist' ? await store.shortages(db, { prefix: await scopePrefix(db, p), facilityIds: null }) : await store.shortages(db, { prefix: null, facilityIds: await principalFacilityIds(db, p) });
  const meds = new Map((await store.medicinesByIds(db, [...new Set(rows.map((r) => r.medicine_id))])).map((m) => [m.id, m]));
  const fac = await facilityBriefs(db, rows.map((r) => r.requesting_facility_id));
  const names = new Map<string, string | null>();
  for (const id of new Set(rows.map((r) => r.resident_id))) names.set(id, await liveResidentName(db, id));
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  const actor = actorOf(p, p.ip);
  await db.tx((q) => writeAudit(q, actor, { action: 'medicines.shortages_list', outcome: 'ok', details: { shown: rows.length } }));
  return {
    items: rows.map((r) => ({ id: r.id, residentId: r.resident_id, residentName: names.get(r.resident_id) ?? null, facility: { code: fac.get(r.requesting_facility_id)?.code ?? '', name: fac.get(r.requesting_facility_id)?.name ?? '' },
      medicineCode: meds.get(r.medicine_id)!.code, genericName: meds.get(r.medicine_id)!.generic_name, strength: meds.get(r.medicine_id)!.strength, quantity: Number(r.quantity), note: r.note, status: r.status,
      registeredAt: r.registered_at.toISOString(), filledAt: iso(r.filled_at), shippedAt: iso(r.shipped_at), deliveredAt: iso(r.delivered_at) })),
  };
}

/**
 * One step of a registration: the county pharmacy fills it from a lot of a county facility of its
 * region (taking the stock) and ships it; the requesting facility delivers it to the patient or
 * cancels it before it is filled. Each step once, in order.
 */
export async function stepShortage(db: Db, p: Principal, id: string, step: ShortageStep, lotId?: string): Promise<{ status: ShortageStatus }> {
  return db.tx(async (q) => {
    const s = await store.shortageById(q, id, true);
    const prefix = await scopePrefix(q, p);
    const county = p.role === 'pharmacist';
    const visible = s && (county ? prefix === null || s.requesting_region.startsWith(prefix) : (await principalFacilityIds(q, p)).includes(s.requesting_facility_id));
    if (!s || !visible) throw notFound({ zh: '缺药登记', en: 'Missing-drug registration' });
    if ((step === 'fill' || step === 'ship') !== county) throw notFound({ zh: '缺药登记', en: 'Missing-drug registration' });
    const to = shortageNext(s.status, step);
    if (!to) throw conflict('medicines.shortage_step', { zh: `当前状态（${s.status}）不能执行该操作`, en: `Not possible from ${s.status}` });
    let used: string | null = null;
    if (step === 'fill') {
      if (!lotId) throw badRequest('medicines.lot_required', { zh: '请选择发出的批次', en: 'Choose the lot to fill from' }, [{ path: 'lotId', problem: 'required / 必填' }]);
      const lot = await store.lotById(q, lotId, true);
      const at = lot ? (await facilityBriefs(q, [lot.facility_id])).get(lot.facility_id) : undefined;
      if (!lot || !at || at.tier !== 'county' || (prefix !== null && !at.regionCode.startsWith(prefix))) throw notFound({ zh: '批次', en: 'Lot' });
      if (lot.medicine_id !== s.medicine_id) throw badRequest('medicines.lot_other_drug', { zh: '该批次不是所登记的药品', en: 'The lot is of another drug' }, [{ path: 'lotId', problem: 'another drug / 药品不符' }]);
      if (lot.expires_on < today()) throw conflict('medicines.lot_expired', { zh: '该批号已过期', en: 'The lot has expired' });
      if (!(await store.takeFromLot(q, lot.id, Number(s.quantity)))) throw conflict('medicines.stock_short', { zh: '该批次库存不足', en: 'Not enough stock in the lot' }, [{ path: 'lotId', problem: 'stock short / 库存不足' }]);
      await store.insertMove(q, { lotId: lot.id, kind: 'shortage_fill', quantity: Number(s.quantity), refId: s.id, by: p.userId });
      used = lot.id;
    }
    if (!(await store.stepShortage(q, id, s.status, to, p.userId, used))) throw conflict('medicines.shortage_step', { zh: '该登记已被他人处理', en: 'Someone else moved it on' });
    await writeAudit(q, actorOf(p, p.ip), { action: `medicines.shortage_${step}`, outcome: 'ok', residentId: s.resident_id, recordType: 'shortage_request', recordId: id });
    return { status: to };
  });
}
