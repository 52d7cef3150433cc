// Wards and beds: the bed board, reservations (a free bed picked and taken in one statement, FOR
// UPDATE SKIP LOCKED), admission, release, closing. A resident holds at most one bed (unique index).
// The functions at the end serve the referral module inside its own transactions.
import type { Db, Queryable } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';
import { actorOf } from '../../platform/auth.ts';
import { writeAudit, writeAuditMany } from '../../platform/audit.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { bedNext } from './rules.ts';
import { bookingActor, constraintOf, manageableFacility, MANAGERS, myFacility } from './access.ts';
import type { BedActionName, BedOut, BoardWard, ReserveInput, WardInput } from './schema.ts';
import * as store from './store.ts';

export type { ReserveInput } from './schema.ts';

/** Adds a ward with numbered beds of one kind. */
export async function createWard(db: Db, p: Principal, input: WardInput) {
  return db.tx(async (q) => {
    const f = await manageableFacility(q, p, input.facilityCode);
    const id = await store.insertWard(q, f.id, input.name, input.department);
    if (!id) throw conflict('ward.exists', { zh: '同名病区已存在', en: 'A ward of that name exists' }, [{ path: 'name', problem: 'exists / 已存在' }]);
    await store.insertBeds(q, id, f.id, input.kind, Array.from({ length: input.beds }, (_, i) => String(i + 1).padStart(2, '0')));
    await writeAudit(q, actorOf(p, p.ip), { action: 'scheduling.ward_create', outcome: 'ok', recordType: 'ward', recordId: id, details: { beds: input.beds } });
    return { id, beds: input.beds };
  });
}

/** Frees reservations whose deadline has passed (the referral did not arrive in time). */
export async function expireBedReservations(q: Queryable, facilityId?: string): Promise<number> {
  return store.expireReservations(q, facilityId ?? null);
}

/**
 * The bed board of a facility: wards with their beds and who holds them (names for staff of the
 * facility only). Each occupant shown gets an audit row of their own, so their access log has the read.
 */
export async function bedBoard(db: Db, p: Principal, facilityCode: string): Promise<BoardWard[]> {
  const f = await store.facilityByCode(db, facilityCode);
  if (!f) throw notFound({ zh: '机构', en: 'Facility' });
  await db.tx((q) => expireBedReservations(q, f.id));
  const own = p.facilityCode === facilityCode || p.role === 'sysadmin';
  const rows = await store.bedBoard(db, f.id);
  if (own) {
    const actor = actorOf(p, p.ip);
    const shown = [...new Set(rows.filter((r) => r.resident_name).map((r) => r.resident_id!))];
    await db.tx((q) => writeAuditMany(q, shown.map((residentId) => ({ actor, entry: { action: 'scheduling.bed_board', outcome: 'ok' as const, residentId, recordType: 'facility', recordId: f.id, details: { occupied: shown.length } } }))));
  }
  const wards = new Map<string, BoardWard>();
  for (const r of rows) {
    let w = wards.get(r.ward_id);
    if (!w) wards.set(r.ward_id, (w = { id: r.ward_id, name: r.ward, department: r.department, free: 0, beds: [] }));
    if (r.status === 'free') w.free++;
    w.beds.push({ id: r.id, code: r.code, kind: r.kind, status: r.status, residentName: own ? r.resident_name : null, reservedUntil: r.reserved_until ? new Date(r.reserved_until).toISOString() : null, referralId: own ? r.referral_id : null });
  }
  return [...wards.values()];
}

/**
 * Reserves a free bed of the ward for a resident until a deadline. The free bed is picked and taken in
 * one statement (FOR UPDATE SKIP LOCKED), so concurrent requests never take the same bed; the
 * one-bed-per-resident index refuses a second bed for the same patient.
 */
export async function reserveBed(db: Db, p: Principal, input: ReserveInput, inTx?: Queryable): Promise<BedOut> {
  const prior = async (q: Queryable) => {
    const e = await store.reservationByKey(q, p.userId, input.idempotencyKey);
    if (!e) return null;
    if (e.resident_id !== input.residentId) throw conflict('booking.idempotency_mismatch', { zh: '该幂等键已用于另一请求', en: 'This idempotency key was used for a different request' }, [{ path: 'idempotencyKey', problem: 'reused / 已被使用' }]);
    const b = (await store.bedById(q, e.bed_id))!;
    return { bedId: b.id, code: b.code, wardId: b.ward_id, status: b.status, reservedUntil: b.reserved_until ? new Date(b.reserved_until).toISOString() : null, replayed: true };
  };
  const first = await prior(inTx ?? db);
  if (first) return first;
  const run = async (q: Queryable) => {
    const wardFacility = await store.wardFacility(q, input.wardId);
    if (!wardFacility) throw notFound({ zh: '病区', en: 'Ward' });
    const f = await myFacility(q, p);
    if (p.role !== 'sysadmin' && !MANAGERS.has(p.role) && p.role !== 'doctor' && p.role !== 'nurse') throw forbidden();
    if (p.role !== 'sysadmin' && f?.id !== wardFacility) throw forbidden({ zh: '只能预留本机构的床位', en: 'You can reserve only your own facility\'s beds' });
    await bookingActor(q, p, input.residentId);
    if (Date.parse(input.until) <= Date.now()) throw badRequest('request.invalid', { zh: '保留期限须晚于现在', en: 'The deadline must be in the future' }, [{ path: 'until', problem: 'in the past / 已过去' }]);
    const b = await store.reserveFreeBed(q, { wardId: input.wardId, kind: input.kind ?? null, residentId: input.residentId, referralId: input.referralId ?? null, until: input.until });
    if (!b) throw conflict('bed.none_free', { zh: '该病区没有空床', en: 'No free bed in this ward' }, [{ path: 'wardId', problem: 'no free bed / 无空床' }]);
    await store.insertBedEvent(q, { bedId: b.id, residentId: input.residentId, referralId: input.referralId ?? null, action: 'reserve', idempotencyKey: input.idempotencyKey, byUser: p.userId });
    await writeAudit(q, actorOf(p, p.ip), { action: 'scheduling.bed_reserve', outcome: 'ok', residentId: input.residentId, recordType: 'bed', recordId: b.id });
    return { bedId: b.id, code: b.code, wardId: b.ward_id, status: b.status, reservedUntil: new Date(b.reserved_until).toISOString(), replayed: false };
  };
  try {
    return inTx ? await run(inTx) : await db.tx(run);
  } catch (e) {
    const c = constraintOf(e);
    if (c === 'beds_one_per_resident') throw conflict('bed.resident_has_bed', { zh: '该居民已占用或预留床位', en: 'The resident already holds a bed' }, [{ path: 'residentId', problem: 'already holds a bed / 已有床位' }]);
    if (c === 'bed_events_idempotency' && !inTx) {
      const again = await prior(db);
      if (again) return again;
    }
    throw e;
  }
}

/** Admits, releases, closes or reopens a bed; the row lock guards against a concurrent change. */
export async function bedAction(db: Db, p: Principal, bedId: string, action: BedActionName, residentId: string | null, inTx?: Queryable) {
  const run = async (q: Queryable) => {
    const b = await store.lockBed(q, bedId);
    if (!b) throw notFound({ zh: '床位', en: 'Bed' });
    const f = await myFacility(q, p);
    if (p.role !== 'sysadmin' && f?.id !== b.facility_id) throw forbidden({ zh: '只能管理本机构的床位', en: 'You can manage only your own facility\'s beds' });
    if (action === 'admit' && !residentId) throw badRequest('request.invalid', { zh: '入住须指定居民', en: 'Admission needs a resident' }, [{ path: 'residentId', problem: 'required / 必填' }]);
    const next = bedNext(b.status, action, residentId !== null && b.resident_id === residentId);
    if (!next) throw conflict('bed.invalid_transition', { zh: `床位当前为「${b.status}」，不能执行该操作`, en: `The bed is ${b.status}; ${action} is not allowed` }, [{ path: 'action', problem: `${b.status} → ${action}` }]);
    if (action === 'admit') await bookingActor(q, p, residentId!);
    await store.setBed(q, bedId, next, next === 'occupied' ? residentId : null);
    await store.insertBedEvent(q, { bedId, residentId: residentId ?? b.resident_id, referralId: b.referral_id, action, idempotencyKey: null, byUser: p.userId });
    await writeAudit(q, actorOf(p, p.ip), { action: `scheduling.bed_${action}`, outcome: 'ok', residentId: residentId ?? b.resident_id, recordType: 'bed', recordId: bedId });
    return { id: bedId, status: next };
  };
  try {
    return inTx ? await run(inTx) : await db.tx(run);
  } catch (e) {
    if (constraintOf(e) === 'beds_one_per_resident') throw conflict('bed.resident_has_bed', { zh: '该居民已占用或预留床位', en: 'The resident already holds a bed' }, [{ path: 'residentId', problem: 'already holds a bed / 已有床位' }]);
    throw e;
  }
}

// ---------------------------------------------------------------- for the referral module (inside its transaction)

/** Frees the bed reserved for a referral (declined or cancelled), if it is still that referral's reservation. */
export async function releaseReservedBed(q: Queryable, bedId: string, referralId: string): Promise<void> {
  await store.freeReservation(q, bedId, referralId);
}

/** Admits the referred resident to the bed reserved for them (they arrived); a bed no longer reserved is left as it is. */
export async function admitReserved(db: Db, p: Principal, bedId: string, residentId: string, q: Queryable): Promise<void> {
  if ((await store.bedById(q, bedId))?.status === 'reserved') await bedAction(db, p, bedId, 'admit', residentId, q);
}

/** Releases the bed the referred resident occupies (the referral completed); a bed someone else holds is left as it is. */
export async function releaseOccupied(db: Db, p: Principal, bedId: string, residentId: string, q: Queryable): Promise<void> {
  const b = await store.bedById(q, bedId);
  if (b?.status === 'occupied' && b.resident_id === residentId) await bedAction(db, p, bedId, 'release', null, q);
}

/** A bed as the referral desk shows it (code, ward, status). */
export const bedSummary = (q: Queryable, id: string) => store.bedSummary(q, id);
