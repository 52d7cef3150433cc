// Schedules, slots, bookings, the waiting list, wards and beds. The invariants (a slot never over its
// capacity, a bed never holding two patients, a resident never holding two bookings in one session)
// are kept by single-statement conditional UPDATEs under row locks, backed by CHECKs and unique
// indexes; a retried request with the same idempotency key gets its first answer back.
import type { Db, Queryable } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';
import { actorOf } from '../../platform/auth.ts';
import { writeAudit } from '../../platform/audit.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { regionPrefix } from '../../shared/roles.ts';
import { bedNext, bookRefusal, generateSlots, patternProblems, placesLeft, type BedStatus, type BookRefusal, type Channel, type Session } from './rules.ts';

const REFUSALS: Record<BookRefusal, { zh: string; en: string }> = {
  'slot.closed': { zh: '该号源已停诊', en: 'The slot is closed' },
  'slot.past': { zh: '该号源时间已过', en: 'The slot has already started' },
  'slot.full': { zh: '该号源已约满', en: 'The slot is fully booked' },
  'slot.reserved_for_referrals': { zh: '剩余号源预留给医共体转诊，尚未开放', en: 'The remaining places are held for referrals and not yet released' },
};

/** The 409 for a refused booking, with its stable code. */
export function refusal(code: BookRefusal): AppError {
  return conflict(code, REFUSALS[code], [{ path: 'slotId', problem: code }]);
}

const MANAGERS = new Set(['sysadmin', 'manager', 'coordinator']);

/** The facility the principal works at (id, region), or null. */
async function myFacility(q: Queryable, p: Principal): Promise<{ id: string; region: string; tier: string } | null> {
  if (!p.facilityCode) return null;
  const [f] = await q.query<{ id: string; region_code: string; tier: string }>('SELECT id, region_code, tier FROM facilities WHERE code = $1', [p.facilityCode]);
  return f ? { id: f.id, region: f.region_code, tier: f.tier } : null;
}

/** The facility a manager may administer: their own, or (sysadmin/manager) any in their region. */
async function manageableFacility(q: Queryable, p: Principal, code: string): Promise<{ id: string; region: string; county: string }> {
  const [f] = await q.query<{ id: string; region_code: string }>('SELECT id, region_code FROM facilities WHERE code = $1', [code]);
  if (!f) throw notFound({ zh: '机构', en: 'Facility' });
  const own = p.facilityCode === code;
  const inRegion = p.role === 'sysadmin' || (p.role === 'manager' && p.regionCode && f.region_code.startsWith(regionPrefix(p.regionCode)));
  if (!MANAGERS.has(p.role) || !(own || inRegion)) throw forbidden({ zh: '只能管理本机构的排班和床位', en: 'You can manage only your own facility\'s schedules and beds' });
  return { id: f.id, region: f.region_code, county: f.region_code.slice(0, 6) };
}

export interface ScheduleInput {
  facilityCode: string;
  kind: 'department' | 'worker' | 'equipment';
  department: string;
  workerId?: string | null;
  equipment?: string | null;
  name: string;
  pattern: Session[];
  referralSharePct: number;
  releaseHours: number;
  from: string;
  weeks: number;
}

/** Publishes a schedule and its slots for the coming weeks. */
export async function createSchedule(db: Db, p: Principal, input: ScheduleInput) {
  return db.tx(async (q) => {
    const f = await manageableFacility(q, p, input.facilityCode);
    const fields = patternProblems(input.pattern);
    if (input.kind === 'worker' && !input.workerId) fields.push({ path: 'workerId', problem: 'required for a worker schedule / 医生排班须指定医生' });
    if (input.kind === 'equipment' && !input.equipment) fields.push({ path: 'equipment', problem: 'required for an equipment schedule / 设备排班须指定设备' });
    if (input.workerId) {
      const [w] = await q.query('SELECT 1 FROM workers WHERE id = $1 AND employer_id = $2', [input.workerId, f.id]);
      if (!w) fields.push({ path: 'workerId', problem: 'not a worker of this facility / 非本机构人员' });
    }
    if (fields.length) throw badRequest('schedule.invalid', { zh: '排班有误，未保存', en: 'Invalid schedule; nothing was saved' }, fields);
    const [s] = await q.query<{ id: string }>(
      `INSERT INTO schedules (facility_id, county_code, kind, department, worker_id, equipment, name, pattern, referral_share_pct, release_hours, created_by)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) RETURNING id`,
      [f.id, f.county, input.kind, input.department, input.workerId ?? null, input.equipment ?? null, input.name, JSON.stringify(input.pattern), input.referralSharePct, input.releaseHours, p.userId]);
    const n = await insertSlots(q, s.id, f.id, f.county, input.pattern, input.from, input.weeks * 7 - 1, new Set(), input.referralSharePct, input.releaseHours);
    await writeAudit(q, actorOf(p, p.ip), { action: 'scheduling.schedule_create', outcome: 'ok', recordType: 'schedule', recordId: s.id, details: { slots: n } });
    return { id: s.id, slots: n };
  });
}

async function insertSlots(q: Queryable, scheduleId: string, facilityId: string, county: string, pattern: Session[], from: string, days: number, closed: Set<string>, pct: number, release: number): Promise<number> {
  const to = new Date(Date.parse(`${from}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
  const specs = generateSlots(pattern, from, to, closed, pct, release);
  if (!specs.length) return 0;
  const rows = await q.query(
    `INSERT INTO slots (schedule_id, facility_id, county_code, session_date, period, starts_at, ends_at, capacity, referral_capacity, release_at)
     SELECT $1, $2, $3, d, p, s, e, c, r, rl FROM unnest($4::date[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::int[], $9::int[], $10::timestamptz[]) AS t(d, p, s, e, c, r, rl)
     ON CONFLICT (schedule_id, starts_at) DO NOTHING RETURNING id`,
    [scheduleId, facilityId, county, specs.map((x) => x.sessionDate), specs.map((x) => x.period), specs.map((x) => x.startsAt), specs.map((x) => x.endsAt),
      specs.map((x) => x.capacity), specs.map((x) => x.referralCapacity), specs.map((x) => x.releaseAt)]);
  return rows.length;
}

/** Opens more weeks of slots for a schedule (skipping exception days). */
export async function extendSchedule(db: Db, p: Principal, scheduleId: string, from: string, weeks: number) {
  return db.tx(async (q) => {
    const s = await scheduleRow(q, scheduleId);
    const [f] = await q.query<{ code: string }>('SELECT code FROM facilities WHERE id = $1', [s.facility_id]);
    await manageableFacility(q, p, f.code);
    const ex = await q.query<{ on_date: string }>('SELECT on_date FROM schedule_exceptions WHERE schedule_id = $1', [scheduleId]);
    const n = await insertSlots(q, scheduleId, s.facility_id, s.county_code, s.pattern, from, weeks * 7 - 1, new Set(ex.map((e) => e.on_date)), s.referral_share_pct, s.release_hours);
    await writeAudit(q, actorOf(p, p.ip), { action: 'scheduling.schedule_extend', outcome: 'ok', recordType: 'schedule', recordId: scheduleId, details: { slots: n, from, weeks } });
    return { slots: n };
  });
}

async function scheduleRow(q: Queryable, id: string) {
  const [s] = await q.query<{ id: string; facility_id: string; county_code: string; pattern: Session[]; referral_share_pct: number; release_hours: number }>('SELECT * FROM schedules WHERE id = $1', [id]);
  if (!s) throw notFound({ zh: '排班', en: 'Schedule' });
  return s;
}

/** Records a holiday or leave: the day's slots close (their bookings stay, to be moved by staff). */
export async function addException(db: Db, p: Principal, scheduleId: string, onDate: string, reason: string) {
  return db.tx(async (q) => {
    const s = await scheduleRow(q, scheduleId);
    const [f] = await q.query<{ code: string }>('SELECT code FROM facilities WHERE id = $1', [s.facility_id]);
    await manageableFacility(q, p, f.code);
    await q.query('INSERT INTO schedule_exceptions (schedule_id, on_date, reason) VALUES ($1,$2,$3) ON CONFLICT (schedule_id, on_date) DO UPDATE SET reason = EXCLUDED.reason', [scheduleId, onDate, reason]);
    const closed = await q.query<{ id: string; booked: number }>("UPDATE slots SET status = 'closed', closed_reason = $3 WHERE schedule_id = $1 AND session_date = $2 AND status = 'open' RETURNING id, booked", [scheduleId, onDate, reason]);
    await writeAudit(q, actorOf(p, p.ip), { action: 'scheduling.exception', outcome: 'ok', recordType: 'schedule', recordId: scheduleId, details: { onDate, slots: closed.length } });
    return { closedSlots: closed.length, affectedBookings: closed.reduce((a, b) => a + b.booked, 0) };
  });
}

/** Schedules of a facility (or of every facility in the caller's county when none is named). */
export async function listSchedules(db: Db, facilityCode: string | undefined) {
  const rows = await db.query<{ id: string; facility_code: string; facility_name: string; kind: string; department: string; equipment: string | null; name: string; worker_name: string | null;
    referral_share_pct: number; release_hours: number; pattern: Session[] }>(
    `SELECT s.id, f.code AS facility_code, f.name AS facility_name, s.kind, s.department, s.equipment, s.name, w.name AS worker_name, s.referral_share_pct, s.release_hours, s.pattern
       FROM schedules s JOIN facilities f ON f.id = s.facility_id LEFT JOIN workers w ON w.id = s.worker_id
      WHERE s.active AND ($1::text IS NULL OR f.code = $1) ORDER BY f.code, s.kind, s.department, s.name`, [facilityCode ?? null]);
  return rows.map((r) => ({ id: r.id, facilityCode: r.facility_code, facilityName: r.facility_name, kind: r.kind, department: r.department, equipment: r.equipment, name: r.name,
    workerName: r.worker_name, referralSharePct: r.referral_share_pct, releaseHours: r.release_hours, pattern: r.pattern }));
}

interface SlotRow {
  id: string; schedule_id: string; facility_id: string; county_code: string; session_date: string; period: string; starts_at: Date; ends_at: Date; capacity: number; referral_capacity: number;
  release_at: Date; booked: number; referral_booked: number; status: 'open' | 'closed';
}
const slotState = (s: SlotRow) => ({ status: s.status, startsAt: new Date(s.starts_at), releaseAt: new Date(s.release_at), capacity: s.capacity, referralCapacity: s.referral_capacity, booked: s.booked, referralBooked: s.referral_booked });

/** Slots of a schedule or a facility between two dates, with the places the channel can still take. */
export async function listSlots(db: Db, o: { scheduleId?: string; facilityCode?: string; from: string; to: string; channel: Channel; onlyAvailable?: boolean }) {
  const rows = await db.query<SlotRow & { schedule_name: string; department: string; kind: string; equipment: string | null }>(
    `SELECT sl.*, s.name AS schedule_name, s.department, s.kind, s.equipment FROM slots sl JOIN schedules s ON s.id = sl.schedule_id JOIN facilities f ON f.id = sl.facility_id
      WHERE ($1::uuid IS NULL OR sl.schedule_id = $1) AND ($2::text IS NULL OR f.code = $2) AND sl.session_date BETWEEN $3 AND $4
      ORDER BY sl.starts_at, s.name LIMIT 2000`, [o.scheduleId ?? null, o.facilityCode ?? null, o.from, o.to]);
  const now = new Date();
  return rows
    .map((r) => ({ id: r.id, scheduleId: r.schedule_id, scheduleName: r.schedule_name, department: r.department, kind: r.kind, equipment: r.equipment, sessionDate: r.session_date, period: r.period,
      startsAt: new Date(r.starts_at).toISOString(), endsAt: new Date(r.ends_at).toISOString(), capacity: r.capacity, referralCapacity: r.referral_capacity, booked: r.booked, referralBooked: r.referral_booked,
      status: r.status, releaseAt: new Date(r.release_at).toISOString(), placesLeft: placesLeft(slotState(r), o.channel, now) }))
    .filter((s) => !o.onlyAvailable || s.placesLeft > 0);
}

export interface BookInput {
  slotId: string;
  residentId: string;
  idempotencyKey: string;
  referralId?: string | null;
}

export interface BookingOut {
  id: string; slotId: string; residentId: string; status: string; channel: string; referralId: string | null; startsAt: string; sessionDate: string; period: string; replayed: boolean;
}

/** Who may book for whom: a resident for themself; staff of a facility for any resident of the county. */
async function bookingActor(q: Queryable, p: Principal, residentId: string): Promise<{ county: string }> {
  const [r] = await q.query<{ county_code: string; village_code: string }>('SELECT county_code, village_code FROM residents WHERE id = $1 AND merged_into IS NULL AND death_date IS NULL', [residentId]);
  if (!r) throw notFound({ zh: '居民', en: 'Resident' });
  if (p.role === 'resident') {
    const [u] = await q.query<{ resident_id: string | null }>('SELECT resident_id FROM users WHERE id = $1', [p.userId]);
    if (u?.resident_id !== residentId) throw notFound({ zh: '居民', en: 'Resident' });
    return { county: r.county_code };
  }
  const f = await myFacility(q, p);
  if (p.role !== 'sysadmin' && (!f || f.region.slice(0, 6) !== r.county_code)) throw notFound({ zh: '居民', en: 'Resident' });
  return { county: r.county_code };
}

async function replay(db: Queryable, p: Principal, key: string, input: { slotId: string; residentId: string }): Promise<BookingOut | null> {
  const [b] = await db.query<BookingRow>(`SELECT b.*, s.starts_at FROM bookings b JOIN slots s ON s.id = b.slot_id WHERE b.created_by = $1 AND b.idempotency_key = $2`, [p.userId, key]);
  if (!b) return null;
  if (b.slot_id !== input.slotId || b.resident_id !== input.residentId) {
    throw conflict('booking.idempotency_mismatch', { zh: '该幂等键已用于另一预约', en: 'This idempotency key was used for a different booking' }, [{ path: 'idempotencyKey', problem: 'reused for another request / 已被另一请求使用' }]);
  }
  return { ...bookingOut(b), replayed: true };
}

interface BookingRow { id: string; slot_id: string; resident_id: string; status: string; channel: string; referral_id: string | null; starts_at: Date; session_date: string; period: string }
const bookingOut = (b: BookingRow): BookingOut => ({ id: b.id, slotId: b.slot_id, residentId: b.resident_id, status: b.status, channel: b.channel, referralId: b.referral_id,
  startsAt: new Date(b.starts_at).toISOString(), sessionDate: b.session_date, period: b.period, replayed: false });

const constraintOf = (e: unknown) => (e as { constraint?: string }).constraint ?? '';

/**
 * Books a place. One conditional UPDATE takes the place under the slot's row lock (a concurrent
 * booking waits and re-checks), the insert then meets the one-per-session index; any refusal rolls the
 * whole transaction back. A retried request with the same key returns the first booking.
 */
export async function book(db: Db, p: Principal, input: BookInput, inTx?: Queryable): Promise<BookingOut> {
  const first = await replay(inTx ?? db, p, input.idempotencyKey, input);
  if (first) return first;
  const run = async (q: Queryable): Promise<BookingOut> => {
    const who = await bookingActor(q, p, input.residentId);
    let channel: Channel = p.role === 'resident' ? 'public' : 'staff';
    if (input.referralId) {
      const [rf] = await q.query<{ resident_id: string; to_facility_id: string; status: string }>('SELECT resident_id, to_facility_id, status FROM referrals WHERE id = $1', [input.referralId]);
      const [sl] = await q.query<{ facility_id: string }>('SELECT facility_id FROM slots WHERE id = $1', [input.slotId]);
      if (!rf || rf.resident_id !== input.residentId || !sl || rf.to_facility_id !== sl.facility_id || !['draft', 'sent', 'accepted'].includes(rf.status)) {
        throw badRequest('booking.referral_mismatch', { zh: '转诊单与号源不符', en: 'The referral does not match this slot' }, [{ path: 'referralId', problem: 'not an open referral of this resident to this facility / 非该居民转至该机构的在途转诊' }]);
      }
      channel = 'referral';
    }
    const isRef = channel === 'referral';
    const [s] = await q.query<SlotRow>(
      `UPDATE slots SET booked = booked + 1, referral_booked = referral_booked + $2
        WHERE id = $1 AND status = 'open' AND starts_at > now() AND booked < capacity
          AND ($3 OR now() >= release_at OR booked - referral_booked < capacity - referral_capacity)
       RETURNING *`, [input.slotId, isRef ? 1 : 0, isRef]);
    if (!s) {
      const [cur] = await q.query<SlotRow>('SELECT * FROM slots WHERE id = $1', [input.slotId]);
      if (!cur) throw notFound({ zh: '号源', en: 'Slot' });
      throw refusal(bookRefusal(slotState(cur), channel, new Date()) ?? 'slot.full');
    }
    const [b] = await q.query<BookingRow>(
      `INSERT INTO bookings (slot_id, schedule_id, resident_id, county_code, session_date, period, channel, referral_id, idempotency_key, created_by)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING *, $11::timestamptz AS starts_at`,
      [s.id, s.schedule_id, input.residentId, who.county, s.session_date, s.period, channel, input.referralId ?? null, input.idempotencyKey, p.userId, s.starts_at]);
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
export async function cancelBooking(db: Db, p: Principal, bookingId: string, reason: string | null, inTx?: Queryable) {
  const run = async (q: Queryable) => {
    const b = await ownBooking(q, p, bookingId);
    const [c] = await q.query<{ slot_id: string; channel: string }>(`UPDATE bookings SET status = 'cancelled', cancelled_at = now(), cancel_reason = $2 WHERE id = $1 AND status = 'booked' RETURNING slot_id, channel`, [bookingId, reason]);
    if (!c) throw conflict('booking.not_live', { zh: '该预约已取消或已就诊', en: 'The booking is no longer live' }, [{ path: 'id', problem: b.status }]);
    await q.query('UPDATE slots SET booked = booked - 1, referral_booked = referral_booked - $2 WHERE id = $1', [c.slot_id, c.channel === 'referral' ? 1 : 0]);
    const filled = await fillFromWaitingList(q, p, c.slot_id);
    await writeAudit(q, actorOf(p, p.ip), { action: 'scheduling.cancel', outcome: 'ok', residentId: b.resident_id, recordType: 'booking', recordId: bookingId, details: { filledBy: filled } });
    return { id: bookingId, status: 'cancelled', waitingListBooking: filled };
  };
  return inTx ? run(inTx) : db.tx(run);
}

async function fillFromWaitingList(q: Queryable, p: Principal, slotId: string): Promise<string | null> {
  const [w] = await q.query<{ id: string; resident_id: string }>(
    `SELECT w.id, w.resident_id FROM waiting_list w JOIN slots s ON s.schedule_id = w.schedule_id
      WHERE s.id = $1 AND w.status = 'waiting' AND s.session_date BETWEEN w.wanted_from AND w.wanted_to AND s.starts_at > now()
        AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.resident_id = w.resident_id AND b.schedule_id = s.schedule_id AND b.session_date = s.session_date AND b.period = s.period AND b.status = 'booked')
      ORDER BY w.created_at LIMIT 1 FOR UPDATE OF w SKIP LOCKED`, [slotId]);
  if (!w) return null;
  const [s] = await q.query<SlotRow>(
    `UPDATE slots SET booked = booked + 1 WHERE id = $1 AND status = 'open' AND booked < capacity RETURNING *`, [slotId]);
  if (!s) return null;
  const [b] = await q.query<{ id: string }>(
    `INSERT INTO bookings (slot_id, schedule_id, resident_id, county_code, session_date, period, channel, idempotency_key, created_by, from_waiting_list)
     VALUES ($1,$2,$3,$4,$5,$6,'public',$7,$8,$9) RETURNING id`,
    [s.id, s.schedule_id, w.resident_id, s.county_code, s.session_date, s.period, `waitlist:${w.id}`, p.userId, w.id]);
  await q.query("UPDATE waiting_list SET status = 'booked', booking_id = $2 WHERE id = $1", [w.id, b.id]);
  return b.id;
}

async function ownBooking(q: Queryable, p: Principal, id: string) {
  const [b] = await q.query<{ id: string; resident_id: string; status: string; facility_id: string; slot_id: string; referral_id: string | null }>(
    'SELECT b.id, b.resident_id, b.status, s.facility_id, b.slot_id, b.referral_id FROM bookings b JOIN slots s ON s.id = b.slot_id WHERE b.id = $1 FOR UPDATE OF b', [id]);
  if (!b) throw notFound({ zh: '预约', en: 'Booking' });
  if (p.role === 'resident') {
    const [u] = await q.query<{ resident_id: string | null }>('SELECT resident_id FROM users WHERE id = $1', [p.userId]);
    if (u?.resident_id !== b.resident_id) throw notFound({ zh: '预约', en: 'Booking' });
  } else {
    await bookingActor(q, p, b.resident_id).catch(() => { throw notFound({ zh: '预约', en: 'Booking' }); });
  }
  return b;
}

/** Moves a booking to another slot in one transaction: the new place is taken before the old one is given up. */
export async function reschedule(db: Db, p: Principal, bookingId: string, slotId: string, idempotencyKey: string): Promise<BookingOut> {
  const prior = await db.query<BookingRow>(`SELECT b.*, s.starts_at FROM bookings b JOIN slots s ON s.id = b.slot_id WHERE b.created_by = $1 AND b.idempotency_key = $2`, [p.userId, idempotencyKey]);
  if (prior[0]) return { ...bookingOut(prior[0]), replayed: true };
  return db.tx(async (q) => {
    const old = await ownBooking(q, p, bookingId);
    if (old.status !== 'booked') throw conflict('booking.not_live', { zh: '该预约已取消或已就诊', en: 'The booking is no longer live' }, [{ path: 'id', problem: old.status }]);
    // Free the old place first so that a move within the same session is not refused as a double booking.
    await cancelBooking(db, p, bookingId, 'rescheduled', q);
    const nb = await book(db, p, { slotId, residentId: old.resident_id, idempotencyKey, referralId: old.referral_id }, q);
    await q.query('UPDATE bookings SET rescheduled_to = $2 WHERE id = $1', [bookingId, nb.id]);
    if (old.referral_id) await q.query('UPDATE referrals SET booking_id = $2 WHERE id = $1 AND booking_id = $3', [old.referral_id, nb.id, bookingId]);
    return nb;
  });
}

/** Records attendance or a no-show (staff of the slot's facility). */
export async function markAttendance(db: Db, p: Principal, bookingId: string, status: 'attended' | 'no_show') {
  return db.tx(async (q) => {
    const b = await ownBooking(q, p, bookingId);
    const f = await myFacility(q, p);
    if (p.role === 'resident' || (p.role !== 'sysadmin' && f?.id !== b.facility_id)) throw forbidden({ zh: '只有接诊机构可登记到诊', en: 'Only the receiving facility records attendance' });
    const [u] = await q.query<{ id: string }>("UPDATE bookings SET status = $2 WHERE id = $1 AND status = 'booked' RETURNING id", [bookingId, status]);
    if (!u) throw conflict('booking.not_live', { zh: '该预约已取消或已登记', en: 'The booking is no longer live' }, [{ path: 'id', problem: b.status }]);
    await writeAudit(q, actorOf(p, p.ip), { action: `scheduling.${status}`, outcome: 'ok', residentId: b.resident_id, recordType: 'booking', recordId: bookingId });
    return { id: bookingId, status };
  });
}

/** Puts a resident on a schedule's waiting list for a range of days. */
export async function joinWaitingList(db: Db, p: Principal, input: { scheduleId: string; residentId: string; from: string; to: string }) {
  return db.tx(async (q) => {
    await bookingActor(q, p, input.residentId);
    await scheduleRow(q, input.scheduleId);
    if (input.to < input.from) throw badRequest('request.invalid', { zh: '结束日期早于开始日期', en: 'The end date is before the start date' }, [{ path: 'to', problem: 'before from / 早于开始日期' }]);
    const [w] = await q.query<{ id: string }>('INSERT INTO waiting_list (schedule_id, resident_id, wanted_from, wanted_to, created_by) VALUES ($1,$2,$3,$4,$5) RETURNING id',
      [input.scheduleId, input.residentId, input.from, input.to, p.userId]);
    await writeAudit(q, actorOf(p, p.ip), { action: 'scheduling.waitlist', outcome: 'ok', residentId: input.residentId, recordType: 'waiting_list', recordId: w.id });
    return { id: w.id, status: 'waiting' };
  });
}

/** Bookings of a resident (theirs for a resident; for staff, in their county). */
export async function residentBookings(db: Db, p: Principal, residentId: string) {
  await bookingActor(db, p, residentId);
  const rows = await db.query<BookingRow & { facility_name: string; schedule_name: string }>(
    `SELECT b.*, s.starts_at, f.name AS facility_name, sc.name AS schedule_name FROM bookings b JOIN slots s ON s.id = b.slot_id JOIN schedules sc ON sc.id = b.schedule_id
       JOIN facilities f ON f.id = s.facility_id WHERE b.resident_id = $1 ORDER BY s.starts_at DESC LIMIT 200`, [residentId]);
  await db.tx((q) => writeAudit(q, actorOf(p, p.ip), { action: 'scheduling.resident_bookings', outcome: 'ok', residentId, basis: p.role === 'resident' ? 'self' : 'registry_scope', details: { rows: rows.length } }));
  return rows.map((r) => ({ ...bookingOut(r), facilityName: r.facility_name, scheduleName: r.schedule_name }));
}

/** The bookings of one slot, for the staff of its facility (names are personal data: the read is audited). */
export async function slotBookings(db: Db, p: Principal, slotId: string) {
  const [s] = await db.query<{ facility_id: string }>('SELECT facility_id FROM slots WHERE id = $1', [slotId]);
  const f = await myFacility(db, p);
  if (!s || (p.role !== 'sysadmin' && f?.id !== s.facility_id)) throw notFound({ zh: '号源', en: 'Slot' });
  const rows = await db.query<{ id: string; resident_id: string; name: string; status: string; channel: string; referral_id: string | null }>(
    `SELECT b.id, b.resident_id, r.name, b.status, b.channel, b.referral_id FROM bookings b JOIN residents r ON r.id = b.resident_id WHERE b.slot_id = $1 ORDER BY b.created_at`, [slotId]);
  await db.tx((q) => writeAudit(q, actorOf(p, p.ip), { action: 'scheduling.slot_bookings', outcome: 'ok', recordType: 'slot', recordId: slotId, details: { residents: rows.length } }));
  return rows.map((r) => ({ id: r.id, residentId: r.resident_id, residentName: r.name, status: r.status, channel: r.channel, referralId: r.referral_id }));
}

// ---------------------------------------------------------------- wards and beds

/** Adds a ward with numbered beds of one kind. */
export async function createWard(db: Db, p: Principal, input: { facilityCode: string; name: string; department: string; kind: string; beds: number }) {
  return db.tx(async (q) => {
    const f = await manageableFacility(q, p, input.facilityCode);
    const [w] = await q.query<{ id: string }>('INSERT INTO wards (facility_id, name, department) VALUES ($1,$2,$3) ON CONFLICT (facility_id, name) DO NOTHING RETURNING id', [f.id, input.name, input.department]);
    if (!w) throw conflict('ward.exists', { zh: '同名病区已存在', en: 'A ward of that name exists' }, [{ path: 'name', problem: 'exists / 已存在' }]);
    const codes = Array.from({ length: input.beds }, (_, i) => String(i + 1).padStart(2, '0'));
    await q.query(`INSERT INTO beds (ward_id, facility_id, code, kind) SELECT $1, $2, c, $3 FROM unnest($4::text[]) AS c`, [w.id, f.id, input.kind, codes]);
    await writeAudit(q, actorOf(p, p.ip), { action: 'scheduling.ward_create', outcome: 'ok', recordType: 'ward', recordId: w.id, details: { beds: input.beds } });
    return { id: w.id, beds: input.beds };
  });
}

/** Frees reservations whose deadline has passed (the referral did not arrive in time). */
export async function expireBedReservations(q: Queryable, facilityId?: string): Promise<number> {
  const rows = await q.query<{ id: string; resident_id: string; referral_id: string | null }>(
    `WITH x AS (SELECT id, resident_id, referral_id FROM beds WHERE status = 'reserved' AND reserved_until < now() AND ($1::uuid IS NULL OR facility_id = $1) FOR UPDATE SKIP LOCKED)
     UPDATE beds b SET status = 'free', resident_id = NULL, referral_id = NULL, reserved_until = NULL, version = b.version + 1 FROM x WHERE b.id = x.id RETURNING x.id, x.resident_id, x.referral_id`, [facilityId ?? null]);
  if (rows.length) {
    await q.query(`INSERT INTO bed_events (bed_id, resident_id, referral_id, action) SELECT id, r, rf, 'expire' FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS t(id, r, rf)`,
      [rows.map((r) => r.id), rows.map((r) => r.resident_id), rows.map((r) => r.referral_id)]);
  }
  return rows.length;
}

/** The bed board of a facility: wards with their beds and who holds them (names for staff of the facility only). */
export async function bedBoard(db: Db, p: Principal, facilityCode: string) {
  const [f] = await db.query<{ id: string }>('SELECT id FROM facilities WHERE code = $1', [facilityCode]);
  if (!f) throw notFound({ zh: '机构', en: 'Facility' });
  await db.tx((q) => expireBedReservations(q, f.id));
  const own = p.facilityCode === facilityCode || p.role === 'sysadmin';
  const rows = await db.query<{ ward_id: string; ward: string; department: string; id: string; code: string; kind: string; status: BedStatus; resident_name: string | null; reserved_until: Date | null; referral_id: string | null }>(
    `SELECT w.id AS ward_id, w.name AS ward, w.department, b.id, b.code, b.kind, b.status, r.name AS resident_name, b.reserved_until, b.referral_id
       FROM wards w JOIN beds b ON b.ward_id = w.id LEFT JOIN residents r ON r.id = b.resident_id WHERE w.facility_id = $1 ORDER BY w.name, b.code`, [f.id]);
  // Occupants' names are shown only to the facility's own staff, and that read is audited.
  if (own) await db.tx((q) => writeAudit(q, actorOf(p, p.ip), { action: 'scheduling.bed_board', outcome: 'ok', recordType: 'facility', recordId: f.id, details: { occupied: rows.filter((r) => r.resident_name).length } }));
  const wards = new Map<string, { id: string; name: string; department: string; free: number; beds: { id: string; code: string; kind: string; status: BedStatus; residentName: string | null; reservedUntil: string | null; referralId: string | null }[] }>();
  for (const r of rows) {
    let w = wards.get(r.ward_id);
    if (!w) wards.set(r.ward_id, (w = { id: r.ward_id, name: r.ward, department: r.department, free: 0, beds: [] }));
    if (r.status === 'free') w.free++;
    w.beds.push({ id: r.id, code: r.code, kind: r.kind, status: r.status, residentName: own ? r.resident_name : null, reservedUntil: r.reserved_until ? new Date(r.reserved_until).toISOString() : null, referralId: own ? r.referral_id : null });
  }
  return [...wards.values()];
}

export interface ReserveInput { wardId: string; kind?: string; residentId: string; referralId?: string | null; until: string; idempotencyKey: string }

/**
 * Reserves a free bed of the ward for a resident until a deadline. The free bed is picked and taken in
 * one statement (FOR UPDATE SKIP LOCKED), so concurrent requests never take the same bed; the
 * one-bed-per-resident index refuses a second bed for the same patient.
 */
export async function reserveBed(db: Db, p: Principal, input: ReserveInput, inTx?: Queryable) {
  const prior = async (q: Queryable) => {
    const [e] = await q.query<{ bed_id: string; resident_id: string }>("SELECT bed_id, resident_id FROM bed_events WHERE by_user = $1 AND idempotency_key = $2 AND action = 'reserve'", [p.userId, input.idempotencyKey]);
    if (!e) return null;
    if (e.resident_id !== input.residentId) throw conflict('booking.idempotency_mismatch', { zh: '该幂等键已用于另一请求', en: 'This idempotency key was used for a different request' }, [{ path: 'idempotencyKey', problem: 'reused / 已被使用' }]);
    const [b] = await q.query<{ id: string; code: string; ward_id: string; status: string; reserved_until: Date | null }>('SELECT id, code, ward_id, status, reserved_until FROM beds WHERE id = $1', [e.bed_id]);
    return { bedId: b.id, code: b.code, wardId: b.ward_id, status: b.status, reservedUntil: b.reserved_until ? new Date(b.reserved_until).toISOString() : null, replayed: true };
  };
  const first = await prior(inTx ?? db);
  if (first) return first;
  const run = async (q: Queryable) => {
    const [w] = await q.query<{ facility_id: string }>('SELECT facility_id FROM wards WHERE id = $1', [input.wardId]);
    if (!w) throw notFound({ zh: '病区', en: 'Ward' });
    const f = await myFacility(q, p);
    if (p.role !== 'sysadmin' && !MANAGERS.has(p.role) && p.role !== 'doctor' && p.role !== 'nurse') throw forbidden();
    if (p.role !== 'sysadmin' && f?.id !== w.facility_id) throw forbidden({ zh: '只能预留本机构的床位', en: 'You can reserve only your own facility\'s beds' });
    await bookingActor(q, p, input.residentId);
    if (Date.parse(input.until) <= Date.now()) throw badRequest('request.invalid', { zh: '保留期限须晚于现在', en: 'The deadline must be in the future' }, [{ path: 'until', problem: 'in the past / 已过去' }]);
    const [b] = await q.query<{ id: string; code: string; ward_id: string; status: string; reserved_until: Date }>(
      `UPDATE beds SET status = 'reserved', resident_id = $3, referral_id = $4, reserved_until = $5, version = version + 1
        WHERE id = (SELECT id FROM beds WHERE ward_id = $1 AND status = 'free' AND ($2::text IS NULL OR kind = $2) ORDER BY code LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING id, code, ward_id, status, reserved_until`, [input.wardId, input.kind ?? null, input.residentId, input.referralId ?? null, input.until]);
    if (!b) throw conflict('bed.none_free', { zh: '该病区没有空床', en: 'No free bed in this ward' }, [{ path: 'wardId', problem: 'no free bed / 无空床' }]);
    await q.query("INSERT INTO bed_events (bed_id, resident_id, referral_id, action, idempotency_key, by_user) VALUES ($1,$2,$3,'reserve',$4,$5)", [b.id, input.residentId, input.referralId ?? null, input.idempotencyKey, p.userId]);
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

/** Admits, releases, closes or reopens a bed; the version guards against a concurrent change. */
export async function bedAction(db: Db, p: Principal, bedId: string, action: 'admit' | 'release' | 'close' | 'open', residentId: string | null, inTx?: Queryable) {
  const run = async (q: Queryable) => {
    const [b] = await q.query<{ id: string; facility_id: string; status: BedStatus; resident_id: string | null; referral_id: string | null }>('SELECT * FROM beds WHERE id = $1 FOR UPDATE', [bedId]);
    if (!b) throw notFound({ zh: '床位', en: 'Bed' });
    const f = await myFacility(q, p);
    if (p.role !== 'sysadmin' && f?.id !== b.facility_id) throw forbidden({ zh: '只能管理本机构的床位', en: 'You can manage only your own facility\'s beds' });
    if (action === 'admit' && !residentId) throw badRequest('request.invalid', { zh: '入住须指定居民', en: 'Admission needs a resident' }, [{ path: 'residentId', problem: 'required / 必填' }]);
    const next = bedNext(b.status, action, residentId !== null && b.resident_id === residentId);
    if (!next) throw conflict('bed.invalid_transition', { zh: `床位当前为「${b.status}」，不能执行该操作`, en: `The bed is ${b.status}; ${action} is not allowed` }, [{ path: 'action', problem: `${b.status} → ${action}` }]);
    if (action === 'admit') await bookingActor(q, p, residentId!);
    const holder = next === 'occupied' ? residentId : null;
    await q.query(`UPDATE beds SET status = $2, resident_id = $3, referral_id = CASE WHEN $2 = 'occupied' THEN referral_id ELSE NULL END, reserved_until = NULL, version = version + 1 WHERE id = $1`, [bedId, next, holder]);
    await q.query('INSERT INTO bed_events (bed_id, resident_id, referral_id, action, by_user) VALUES ($1,$2,$3,$4,$5)', [bedId, residentId ?? b.resident_id, b.referral_id, action, p.userId]);
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
