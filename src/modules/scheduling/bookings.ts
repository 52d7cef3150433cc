// Bookings and the waiting list. A place is taken by one conditional UPDATE under the slot's row lock,
// the booking then meets the one-per-session unique index, and any refusal rolls both back; a retried
// request with the same idempotency key gets its first answer back. The functions at the end serve the
// referral module inside its own transactions (it owns no booking or slot row).
import type { Db, Queryable } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';
import { actorOf } from '../../platform/auth.ts';
import { writeAudit, writeAuditMany } from '../../platform/audit.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { assertMayAttach } from '../records/basis.ts';
import type { AccessOptions } from '../records/access.ts';
import { bookRefusal, type Channel } from './rules.ts';
import { bookingActor, constraintOf, myFacility, readableResident, refusal } from './access.ts';
import { scheduleRow, slotState } from './schedules.ts';
import type { BookInput, BookingOut, CancelOut, ResidentBooking, SlotBooking, WaitingInput } from './schema.ts';
import * as store from './store.ts';

export type { BookInput, BookingOut } from './schema.ts';

/** What other modules hear of a booking's life, registered at composition (src/app.ts). */
export interface BookingHooks {
  /** A referral's booking moved to another slot (inside the move's transaction). */
  onBookingMoved?: (q: Queryable, move: { referralId: string; from: string; to: string }) => Promise<void>;
}

async function replay(db: Queryable, p: Principal, key: string, input: { slotId: string; residentId: string }): Promise<BookingOut | null> {
  const b = await store.bookingByKey(db, p.userId, key);
  if (!b) return null;
  if (b.slot_id !== input.slotId || b.resident_id !== input.residentId) {
    throw conflict('booking.idempotency_mismatch', { zh: '该幂等键已用于另一预约', en: 'This idempotency key was used for a different booking' }, [{ path: 'idempotencyKey', problem: 'reused for another request / 已被另一请求使用' }]);
  }
  return { ...bookingOut(b), replayed: true };
}

const bookingOut = (b: store.BookingRow): BookingOut => ({ id: b.id, slotId: b.slot_id, residentId: b.resident_id, status: b.status, channel: b.channel, referralId: b.referral_id,
  startsAt: new Date(b.starts_at).toISOString(), sessionDate: b.session_date, period: b.period, replayed: false });

/**
 * Books a place. One conditional UPDATE takes the place under the slot's row lock (a concurrent
 * booking waits and re-checks), the insert then meets the one-per-session index; any refusal rolls the
 * whole transaction back. A retried request with the same key returns the first booking.
 */
export async function book(db: Db, p: Principal, input: BookInput, inTx?: Queryable, access?: AccessOptions): Promise<BookingOut> {
  const first = await replay(inTx ?? db, p, input.idempotencyKey, input);
  if (first) return first;
  const run = async (q: Queryable): Promise<BookingOut> => {
    const who = await bookingActor(q, p, input.residentId);
    let channel: Channel = p.role === 'resident' ? 'public' : 'staff';
    if (input.referralId) {
      const rf = await store.referralForBooking(q, input.referralId);
      const slotFacility = await store.slotFacility(q, input.slotId);
      if (!rf || rf.resident_id !== input.residentId || !slotFacility || rf.to_facility_id !== slotFacility || !['draft', 'sent', 'accepted'].includes(rf.status)) {
        throw badRequest('booking.referral_mismatch', { zh: '转诊单与号源不符', en: 'The referral does not match this slot' }, [{ path: 'referralId', problem: 'not an open referral of this resident to this facility / 非该居民转至该机构的在途转诊' }]);
      }
      // The referral is the basis: only its two facilities book on it.
      const mine = p.role === 'resident' ? null : await myFacility(q, p);
      if (p.role !== 'resident' && (!mine || (mine.id !== rf.from_facility_id && mine.id !== rf.to_facility_id))) throw notFound({ zh: '居民', en: 'Resident' });
      channel = 'referral';
    } else if (p.role !== 'resident') {
      // Staff book for a resident only with a legal basis for them (records' one rule); otherwise 404.
      if (!access) throw new Error('book: access options are needed for a staff booking');
      await assertMayAttach(q, p, input.residentId, access);
    }
    const s = await store.takePlace(q, input.slotId, channel === 'referral');
    if (!s) {
      const cur = await store.slotById(q, input.slotId);
      if (!cur) throw notFound({ zh: '号源', en: 'Slot' });
      throw refusal(bookRefusal(slotState(cur), channel, new Date()) ?? 'slot.full');
    }
    const b = await store.insertBooking(q, s, { residentId: input.residentId, county: who.county, channel, referralId: input.referralId ?? null, idempotencyKey: input.idempotencyKey, createdBy: p.userId });
    await writeAudit(q, actorOf(p, p.ip), { action: 'scheduling.book', outcome: 'ok', residentId: input.residentId, recordType: 'booking', recordId: b.id, details: { slot: s.id, channel } });
    return bookingOut(b);
  };
  try {
    return inTx ? await run(inTx) : await db.tx(run);
  } catch (e) {
    const c = constraintOf(e);
    if (c === 'bookings_one_per_session') {
      throw conflict('booking.same_session', { zh: '该居民在同一时段已有预约', en: 'The resident already holds a booking in this session' }, [{ path: 'residentId', problem: 'already booked in this session / 同一时段已有预约' }]);
    }
    if (c === 'bookings_idempotency' && !inTx) {
      // The same key raced itself: the first request committed; answer with its booking.
      const again = await replay(db, p, input.idempotencyKey, input);
      if (again) return again;
    }
    throw e;
  }
}

/** Cancels a live booking; the place goes to the first resident on the schedule's waiting list for that day. */
export async function cancelBooking(db: Db, p: Principal, bookingId: string, reason: string | null, inTx?: Queryable): Promise<CancelOut> {
  const run = async (q: Queryable) => {
    const b = await ownBooking(q, p, bookingId);
    const c = await store.cancelLive(q, bookingId, reason);
    if (!c) throw conflict('booking.not_live', { zh: '该预约已取消或已就诊', en: 'The booking is no longer live' }, [{ path: 'id', problem: b.status }]);
    await store.givePlaceBack(q, c.slot_id, c.channel === 'referral');
    const filled = await fillFromWaitingList(q, p, c.slot_id);
    await writeAudit(q, actorOf(p, p.ip), { action: 'scheduling.cancel', outcome: 'ok', residentId: b.resident_id, recordType: 'booking', recordId: bookingId, details: { filledBy: filled } });
    return { id: bookingId, status: 'cancelled', waitingListBooking: filled };
  };
  return inTx ? run(inTx) : db.tx(run);
}

async function fillFromWaitingList(q: Queryable, p: Principal, slotId: string): Promise<string | null> {
  const w = await store.firstWaiting(q, slotId);
  if (!w) return null;
  const s = await store.takeWaitingListPlace(q, slotId);
  if (!s) return null;
  const id = await store.insertWaitingListBooking(q, s, w, p.userId);
  await store.markWaitingBooked(q, w.id, id);
  return id;
}

async function ownBooking(q: Queryable, p: Principal, id: string) {
  const b = await store.lockBooking(q, id);
  if (!b) throw notFound({ zh: '预约', en: 'Booking' });
  if (p.role === 'resident') {
    if ((await store.residentOfUser(q, p.userId)) !== b.resident_id) throw notFound({ zh: '预约', en: 'Booking' });
  } else {
    await bookingActor(q, p, b.resident_id).catch(() => { throw notFound({ zh: '预约', en: 'Booking' }); });
  }
  return b;
}

/** Moves a booking to another slot in one transaction: the new place is taken before the old one is given up. */
export async function reschedule(db: Db, p: Principal, bookingId: string, slotId: string, idempotencyKey: string, hooks: BookingHooks = {}, access?: AccessOptions): Promise<BookingOut> {
  const prior = await store.bookingByKey(db, p.userId, idempotencyKey);
  if (prior) return { ...bookingOut(prior), replayed: true };
  return db.tx(async (q) => {
    const old = await ownBooking(q, p, bookingId);
    if (old.status !== 'booked') throw conflict('booking.not_live', { zh: '该预约已取消或已就诊', en: 'The booking is no longer live' }, [{ path: 'id', problem: old.status }]);
    // Free the old place first so that a move within the same session is not refused as a double booking.
    await cancelBooking(db, p, bookingId, 'rescheduled', q);
    const nb = await book(db, p, { slotId, residentId: old.resident_id, idempotencyKey, referralId: old.referral_id }, q, access);
    await store.setRescheduledTo(q, bookingId, nb.id);
    if (old.referral_id && hooks.onBookingMoved) await hooks.onBookingMoved(q, { referralId: old.referral_id, from: bookingId, to: nb.id });
    return nb;
  });
}

/** Records attendance or a no-show (staff of the slot's facility). */
export async function markAttendance(db: Db, p: Principal, bookingId: string, status: 'attended' | 'no_show') {
  return db.tx(async (q) => {
    const b = await ownBooking(q, p, bookingId);
    const f = await myFacility(q, p);
    if (p.role === 'resident' || (p.role !== 'sysadmin' && f?.id !== b.facility_id)) throw forbidden({ zh: '只有接诊机构可登记到诊', en: 'Only the receiving facility records attendance' });
    if (!(await store.setAttendance(q, bookingId, status))) throw conflict('booking.not_live', { zh: '该预约已取消或已登记', en: 'The booking is no longer live' }, [{ path: 'id', problem: b.status }]);
    await writeAudit(q, actorOf(p, p.ip), { action: `scheduling.${status}`, outcome: 'ok', residentId: b.resident_id, recordType: 'booking', recordId: bookingId });
    return { id: bookingId, status };
  });
}

/** Puts a resident on a schedule's waiting list for a range of days. */
export async function joinWaitingList(db: Db, p: Principal, input: WaitingInput, access: AccessOptions) {
  return db.tx(async (q) => {
    await bookingActor(q, p, input.residentId);
    if (p.role !== 'resident') await assertMayAttach(q, p, input.residentId, access);
    await scheduleRow(q, input.scheduleId);
    if (input.to < input.from) throw badRequest('request.invalid', { zh: '结束日期早于开始日期', en: 'The end date is before the start date' }, [{ path: 'to', problem: 'before from / 早于开始日期' }]);
    const id = await store.insertWaiting(q, { ...input, createdBy: p.userId });
    await writeAudit(q, actorOf(p, p.ip), { action: 'scheduling.waitlist', outcome: 'ok', residentId: input.residentId, recordType: 'waiting_list', recordId: id });
    return { id, status: 'waiting' };
  });
}

/** Bookings of a resident: theirs for a resident; for staff, a resident within their region scope (as the resident's own read), else 404. */
export async function residentBookings(db: Db, p: Principal, residentId: string): Promise<ResidentBooking[]> {
  await readableResident(db, p, residentId);
  const rows = await store.residentBookings(db, residentId);
  await db.tx((q) => writeAudit(q, actorOf(p, p.ip), { action: 'scheduling.resident_bookings', outcome: 'ok', residentId, basis: p.role === 'resident' ? 'self' : 'registry_scope', details: { rows: rows.length } }));
  return rows.map((r) => ({ ...bookingOut(r), facilityName: r.facility_name, scheduleName: r.schedule_name }));
}

/** The bookings of one slot, for the staff of its facility: one audit row per resident shown, so each resident's access log has the read. */
export async function slotBookings(db: Db, p: Principal, slotId: string): Promise<SlotBooking[]> {
  const facility = await store.slotFacility(db, slotId);
  const f = await myFacility(db, p);
  if (!facility || (p.role !== 'sysadmin' && f?.id !== facility)) throw notFound({ zh: '号源', en: 'Slot' });
  const rows = await store.slotBookings(db, slotId);
  const actor = actorOf(p, p.ip);
  const shown = [...new Set(rows.map((r) => r.resident_id))];
  await db.tx((q) => writeAuditMany(q, shown.map((residentId) => ({ actor, entry: { action: 'scheduling.slot_bookings', outcome: 'ok' as const, residentId, recordType: 'slot', recordId: slotId, details: { residents: shown.length } } }))));
  return rows.map((r) => ({ id: r.id, residentId: r.resident_id, residentName: r.name, status: r.status, channel: r.channel, referralId: r.referral_id }));
}

// ---------------------------------------------------------------- for the referral module (inside its transaction)

/** Gives up a live booking without a principal (a referral expired): the place returns to its slot; no waiting-list fill. */
export async function giveUpBooking(q: Queryable, bookingId: string, reason: string): Promise<void> {
  const c = await store.cancelLive(q, bookingId, reason);
  if (c) await store.givePlaceBack(q, c.slot_id, c.channel === 'referral');
}

/** Cancels a booking on behalf of a referral when it is still live (declined or cancelled referral); a refusal leaves it as it is. */
export async function cancelIfLive(db: Db, p: Principal, bookingId: string, reason: string, q: Queryable): Promise<void> {
  if ((await store.bookingStatus(q, bookingId)) === 'booked') await cancelBooking(db, p, bookingId, reason, q).catch(() => undefined);
}

/** Marks a live booking attended (the referred patient arrived). */
export async function markAttendedFor(q: Queryable, bookingId: string): Promise<void> {
  await store.setAttendance(q, bookingId, 'attended');
}

/** A booking as the referral desk shows it (start, schedule, status). */
export const bookingSummary = (q: Queryable, id: string) => store.bookingSummary(q, id);

/** The start of each booking's slot. */
export const bookingStarts = (q: Queryable, ids: string[]) => store.bookingStarts(q, ids);
