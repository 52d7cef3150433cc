// The scheduling module's SQL: schedules, slots, bookings, the waiting list, wards, beds and their
// events. Every statement is a fixed text with parameters; the places are taken and given back by
// single conditional UPDATEs (the invariants of ARCHITECTURE.md "Booking invariants").
import type { Db, Queryable } from '../../platform/db.ts';
import { copyText, insertMany, type Column } from '../../platform/bulk.ts';
import { ownedCopy } from '../../platform/ownership.ts';
import type { BedStatus, Session } from './rules.ts';

const copy = ownedCopy('scheduling');

// ---------------------------------------------------------------- facilities and people (read)

export interface FacilityRow { id: string; region_code: string; tier: string }

/** A facility by its code. */
export async function facilityByCode(q: Queryable, code: string): Promise<FacilityRow | undefined> {
  const [f] = await q.query<FacilityRow>('SELECT id, region_code, tier FROM facilities WHERE code = $1', [code]);
  return f;
}

/** A facility's code by its id. */
export async function facilityCodeById(q: Queryable, id: string): Promise<string> {
  const [f] = await q.query<{ code: string }>('SELECT code FROM facilities WHERE id = $1', [id]);
  return f.code;
}

/** Whether a worker is employed by a facility. */
export async function isWorkerOf(q: Queryable, workerId: string, facilityId: string): Promise<boolean> {
  return (await q.query('SELECT 1 FROM workers WHERE id = $1 AND employer_id = $2', [workerId, facilityId])).length > 0;
}

export interface BookableResident { county_code: string; village_code: string }

/** A living, unmerged resident's county and village. */
export async function bookableResident(q: Queryable, id: string): Promise<BookableResident | undefined> {
  const [r] = await q.query<BookableResident>('SELECT county_code, village_code FROM residents WHERE id = $1 AND merged_into IS NULL AND death_date IS NULL', [id]);
  return r;
}

/** The resident a (resident) user account belongs to. */
export async function residentOfUser(q: Queryable, userId: string): Promise<string | null> {
  const [u] = await q.query<{ resident_id: string | null }>('SELECT resident_id FROM users WHERE id = $1', [userId]);
  return u?.resident_id ?? null;
}

/** The referral a booking names (read only: referrals are the referral module's). */
export async function referralForBooking(q: Queryable, referralId: string) {
  const [rf] = await q.query<{ resident_id: string; from_facility_id: string; to_facility_id: string; status: string }>('SELECT resident_id, from_facility_id, to_facility_id, status FROM referrals WHERE id = $1', [referralId]);
  return rf;
}

// ---------------------------------------------------------------- schedules and slots

export interface ScheduleRow { id: string; facility_id: string; county_code: string; pattern: Session[]; referral_share_pct: number; release_hours: number }

export async function insertSchedule(q: Queryable, s: { facilityId: string; county: string; kind: string; department: string; workerId: string | null; equipment: string | null; name: string;
  pattern: Session[]; referralSharePct: number; releaseHours: number; createdBy: string }): Promise<string> {
  const [r] = await q.query<{ id: string }>(
    `INSERT INTO schedules (facility_id, county_code, kind, department, worker_id, equipment, name, pattern, referral_share_pct, release_hours, created_by)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) RETURNING id`,
    [s.facilityId, s.county, s.kind, s.department, s.workerId, s.equipment, s.name, JSON.stringify(s.pattern), s.referralSharePct, s.releaseHours, s.createdBy]);
  return r.id;
}

export async function scheduleById(q: Queryable, id: string): Promise<ScheduleRow | undefined> {
  const [s] = await q.query<ScheduleRow>('SELECT * FROM schedules WHERE id = $1', [id]);
  return s;
}

export interface SlotSpecs { sessionDate: string[]; period: string[]; startsAt: string[]; endsAt: string[]; capacity: number[]; referralCapacity: number[]; releaseAt: string[] }

/** Inserts generated slots (skipping those already there); the number inserted. */
export async function insertSlots(q: Queryable, scheduleId: string, facilityId: string, county: string, x: SlotSpecs): Promise<number> {
  const rows = await q.query(
    `INSERT INTO slots (schedule_id, facility_id, county_code, session_date, period, starts_at, ends_at, capacity, referral_capacity, release_at)
     SELECT $1, $2, $3, d, p, s, e, c, r, rl FROM unnest($4::date[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::int[], $9::int[], $10::timestamptz[]) AS t(d, p, s, e, c, r, rl)
     ON CONFLICT (schedule_id, starts_at) DO NOTHING RETURNING id`,
    [scheduleId, facilityId, county, x.sessionDate, x.period, x.startsAt, x.endsAt, x.capacity, x.referralCapacity, x.releaseAt]);
  return rows.length;
}

export async function exceptionDays(q: Queryable, scheduleId: string): Promise<string[]> {
  return (await q.query<{ on_date: string }>('SELECT on_date FROM schedule_exceptions WHERE schedule_id = $1', [scheduleId])).map((e) => e.on_date);
}

export async function upsertException(q: Queryable, scheduleId: string, onDate: string, reason: string): Promise<void> {
  await q.query('INSERT INTO schedule_exceptions (schedule_id, on_date, reason) VALUES ($1,$2,$3) ON CONFLICT (schedule_id, on_date) DO UPDATE SET reason = EXCLUDED.reason', [scheduleId, onDate, reason]);
}

/** Closes the open slots of a schedule on a day; their ids and bookings. */
export async function closeSlotsOn(q: Queryable, scheduleId: string, onDate: string, reason: string) {
  return q.query<{ id: string; booked: number }>("UPDATE slots SET status = 'closed', closed_reason = $3 WHERE schedule_id = $1 AND session_date = $2 AND status = 'open' RETURNING id, booked", [scheduleId, onDate, reason]);
}

export interface ScheduleListRow {
  id: string; facility_code: string; facility_name: string; kind: string; department: string; equipment: string | null; name: string; worker_name: string | null;
  referral_share_pct: number; release_hours: number; pattern: Session[];
}

export async function listSchedules(q: Queryable, facilityCode: string | null): Promise<ScheduleListRow[]> {
  return q.query<ScheduleListRow>(
    `SELECT s.id, f.code AS facility_code, f.name AS facility_name, s.kind, s.department, s.equipment, s.name, w.name AS worker_name, s.referral_share_pct, s.release_hours, s.pattern
       FROM schedules s JOIN facilities f ON f.id = s.facility_id LEFT JOIN workers w ON w.id = s.worker_id
      WHERE s.active AND ($1::text IS NULL OR f.code = $1) ORDER BY f.code, s.kind, s.department, s.name`, [facilityCode]);
}

export interface SlotRow {
  id: string; schedule_id: string; facility_id: string; county_code: string; session_date: string; period: string; starts_at: Date; ends_at: Date; capacity: number; referral_capacity: number;
  release_at: Date; booked: number; referral_booked: number; status: 'open' | 'closed';
}

export async function listSlots(q: Queryable, o: { scheduleId: string | null; facilityCode: string | null; from: string; to: string }) {
  return q.query<SlotRow & { schedule_name: string; department: string; kind: string; equipment: string | null }>(
    `SELECT sl.*, s.name AS schedule_name, s.department, s.kind, s.equipment FROM slots sl JOIN schedules s ON s.id = sl.schedule_id JOIN facilities f ON f.id = sl.facility_id
      WHERE ($1::uuid IS NULL OR sl.schedule_id = $1) AND ($2::text IS NULL OR f.code = $2) AND sl.session_date BETWEEN $3 AND $4
      ORDER BY sl.starts_at, s.name LIMIT 2000`, [o.scheduleId, o.facilityCode, o.from, o.to]);
}

export async function slotById(q: Queryable, id: string): Promise<SlotRow | undefined> {
  const [s] = await q.query<SlotRow>('SELECT * FROM slots WHERE id = $1', [id]);
  return s;
}

export async function slotFacility(q: Queryable, id: string): Promise<string | null> {
  const [s] = await q.query<{ facility_id: string }>('SELECT facility_id FROM slots WHERE id = $1', [id]);
  return s?.facility_id ?? null;
}

/**
 * Takes a place: one conditional UPDATE under the slot's row lock (a concurrent booking waits and
 * re-checks the condition). Undefined when the slot is closed, past, full, or its free places are held for referrals.
 */
export async function takePlace(q: Queryable, slotId: string, referral: boolean): Promise<SlotRow | undefined> {
  const [s] = await q.query<SlotRow>(
    `UPDATE slots SET booked = booked + 1, referral_booked = referral_booked + $2
      WHERE id = $1 AND status = 'open' AND starts_at > now() AND booked < capacity
        AND ($3 OR now() >= release_at OR booked - referral_booked < capacity - referral_capacity)
     RETURNING *`, [slotId, referral ? 1 : 0, referral]);
  return s;
}

/** Gives a place back to its slot. */
export async function givePlaceBack(q: Queryable, slotId: string, referral: boolean): Promise<void> {
  await q.query('UPDATE slots SET booked = booked - 1, referral_booked = referral_booked - $2 WHERE id = $1', [slotId, referral ? 1 : 0]);
}

/** A public place for the waiting list (the held share does not apply to a place given back). */
export async function takeWaitingListPlace(q: Queryable, slotId: string): Promise<SlotRow | undefined> {
  const [s] = await q.query<SlotRow>(`UPDATE slots SET booked = booked + 1 WHERE id = $1 AND status = 'open' AND booked < capacity RETURNING *`, [slotId]);
  return s;
}

// ---------------------------------------------------------------- bookings

export interface BookingRow { id: string; slot_id: string; resident_id: string; status: string; channel: string; referral_id: string | null; starts_at: Date; session_date: string; period: string }

/** The booking a user made with an idempotency key, with its slot's start. */
export async function bookingByKey(q: Queryable, userId: string, key: string): Promise<BookingRow | undefined> {
  const [b] = await q.query<BookingRow>(`SELECT b.*, s.starts_at FROM bookings b JOIN slots s ON s.id = b.slot_id WHERE b.created_by = $1 AND b.idempotency_key = $2`, [userId, key]);
  return b;
}

export async function insertBooking(q: Queryable, s: SlotRow, b: { residentId: string; county: string; channel: string; referralId: string | null; idempotencyKey: string; createdBy: string }): Promise<BookingRow> {
  const [row] = await q.query<BookingRow>(
    `INSERT INTO bookings (slot_id, schedule_id, resident_id, county_code, session_date, period, channel, referral_id, idempotency_key, created_by)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING *, $11::timestamptz AS starts_at`,
    [s.id, s.schedule_id, b.residentId, b.county, s.session_date, s.period, b.channel, b.referralId, b.idempotencyKey, b.createdBy, s.starts_at]);
  return row;
}

/** Cancels a live booking; its slot and channel, or undefined when it was no longer live. */
export async function cancelLive(q: Queryable, bookingId: string, reason: string | null) {
  const [c] = await q.query<{ slot_id: string; channel: string }>(
    `UPDATE bookings SET status = 'cancelled', cancelled_at = now(), cancel_reason = $2 WHERE id = $1 AND status = 'booked' RETURNING slot_id, channel`, [bookingId, reason]);
  return c;
}

/** The first waiting resident a place of the slot can go to (locked, skipping those another transaction holds). */
export async function firstWaiting(q: Queryable, slotId: string) {
  const [w] = await q.query<{ id: string; resident_id: string }>(
    `SELECT w.id, w.resident_id FROM waiting_list w JOIN slots s ON s.schedule_id = w.schedule_id
      WHERE s.id = $1 AND w.status = 'waiting' AND s.session_date BETWEEN w.wanted_from AND w.wanted_to AND s.starts_at > now()
        AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.resident_id = w.resident_id AND b.schedule_id = s.schedule_id AND b.session_date = s.session_date AND b.period = s.period AND b.status = 'booked')
      ORDER BY w.created_at LIMIT 1 FOR UPDATE OF w SKIP LOCKED`, [slotId]);
  return w;
}

export async function insertWaitingListBooking(q: Queryable, s: SlotRow, w: { id: string; resident_id: string }, createdBy: string): Promise<string> {
  const [b] = await q.query<{ id: string }>(
    `INSERT INTO bookings (slot_id, schedule_id, resident_id, county_code, session_date, period, channel, idempotency_key, created_by, from_waiting_list)
     VALUES ($1,$2,$3,$4,$5,$6,'public',$7,$8,$9) RETURNING id`,
    [s.id, s.schedule_id, w.resident_id, s.county_code, s.session_date, s.period, `waitlist:${w.id}`, createdBy, w.id]);
  return b.id;
}

export async function markWaitingBooked(q: Queryable, waitingId: string, bookingId: string): Promise<void> {
  await q.query("UPDATE waiting_list SET status = 'booked', booking_id = $2 WHERE id = $1", [waitingId, bookingId]);
}

export interface LockedBooking { id: string; resident_id: string; status: string; facility_id: string; slot_id: string; referral_id: string | null }

/** A booking with its slot's facility, locked for the change. */
export async function lockBooking(q: Queryable, id: string): Promise<LockedBooking | undefined> {
  const [b] = await q.query<LockedBooking>(
    'SELECT b.id, b.resident_id, b.status, s.facility_id, b.slot_id, b.referral_id FROM bookings b JOIN slots s ON s.id = b.slot_id WHERE b.id = $1 FOR UPDATE OF b', [id]);
  return b;
}

export async function bookingStatus(q: Queryable, id: string): Promise<string | null> {
  const [b] = await q.query<{ status: string }>('SELECT status FROM bookings WHERE id = $1', [id]);
  return b?.status ?? null;
}

export async function setRescheduledTo(q: Queryable, id: string, to: string): Promise<void> {
  await q.query('UPDATE bookings SET rescheduled_to = $2 WHERE id = $1', [id, to]);
}

/** Records attendance or a no-show of a live booking; false when it was no longer live. */
export async function setAttendance(q: Queryable, id: string, status: 'attended' | 'no_show'): Promise<boolean> {
  return (await q.query("UPDATE bookings SET status = $2 WHERE id = $1 AND status = 'booked' RETURNING id", [id, status])).length > 0;
}

export async function insertWaiting(q: Queryable, w: { scheduleId: string; residentId: string; from: string; to: string; createdBy: string }): Promise<string> {
  const [r] = await q.query<{ id: string }>('INSERT INTO waiting_list (schedule_id, resident_id, wanted_from, wanted_to, created_by) VALUES ($1,$2,$3,$4,$5) RETURNING id',
    [w.scheduleId, w.residentId, w.from, w.to, w.createdBy]);
  return r.id;
}

export async function residentBookings(q: Queryable, residentId: string) {
  return q.query<BookingRow & { facility_name: string; schedule_name: string }>(
    `SELECT b.*, s.starts_at, f.name AS facility_name, sc.name AS schedule_name FROM bookings b JOIN slots s ON s.id = b.slot_id JOIN schedules sc ON sc.id = b.schedule_id
       JOIN facilities f ON f.id = s.facility_id WHERE b.resident_id = $1 ORDER BY s.starts_at DESC LIMIT 200`, [residentId]);
}

export async function slotBookings(q: Queryable, slotId: string) {
  return q.query<{ id: string; resident_id: string; name: string; status: string; channel: string; referral_id: string | null }>(
    `SELECT b.id, b.resident_id, r.name, b.status, b.channel, b.referral_id FROM bookings b JOIN residents r ON r.id = b.resident_id WHERE b.slot_id = $1 ORDER BY b.created_at`, [slotId]);
}

/** A referral's booking as the referral desk shows it. */
export async function bookingSummary(q: Queryable, id: string) {
  const [b] = await q.query<{ starts_at: Date; schedule: string; status: string }>(
    'SELECT s.starts_at, sc.name AS schedule, b.status FROM bookings b JOIN slots s ON s.id = b.slot_id JOIN schedules sc ON sc.id = b.schedule_id WHERE b.id = $1', [id]);
  return b;
}

/** The start of each booking's slot (for the referral inbox's timers). */
export async function bookingStarts(q: Queryable, ids: string[]): Promise<Map<string, Date>> {
  const rows = await q.query<{ id: string; starts_at: Date }>('SELECT b.id, s.starts_at FROM bookings b JOIN slots s ON s.id = b.slot_id WHERE b.id = ANY($1::uuid[])', [ids]);
  return new Map(rows.map((r) => [r.id, r.starts_at]));
}

// ---------------------------------------------------------------- wards and beds

export async function insertWard(q: Queryable, facilityId: string, name: string, department: string): Promise<string | null> {
  const [w] = await q.query<{ id: string }>('INSERT INTO wards (facility_id, name, department) VALUES ($1,$2,$3) ON CONFLICT (facility_id, name) DO NOTHING RETURNING id', [facilityId, name, department]);
  return w?.id ?? null;
}

export async function insertBeds(q: Queryable, wardId: string, facilityId: string, kind: string, codes: string[]): Promise<void> {
  await q.query(`INSERT INTO beds (ward_id, facility_id, code, kind) SELECT $1, $2, c, $3 FROM unnest($4::text[]) AS c`, [wardId, facilityId, kind, codes]);
}

export async function wardFacility(q: Queryable, wardId: string): Promise<string | null> {
  const [w] = await q.query<{ facility_id: string }>('SELECT facility_id FROM wards WHERE id = $1', [wardId]);
  return w?.facility_id ?? null;
}

/** Frees the reservations past their deadline (of one facility, or all), with their events. */
export async function expireReservations(q: Queryable, facilityId: string | null): Promise<number> {
  const rows = await q.query<{ id: string; resident_id: string; referral_id: string | null }>(
    `WITH x AS (SELECT id, resident_id, referral_id FROM beds WHERE status = 'reserved' AND reserved_until < now() AND ($1::uuid IS NULL OR facility_id = $1) FOR UPDATE SKIP LOCKED)
     UPDATE beds b SET status = 'free', resident_id = NULL, referral_id = NULL, reserved_until = NULL, version = b.version + 1 FROM x WHERE b.id = x.id RETURNING x.id, x.resident_id, x.referral_id`, [facilityId]);
  if (rows.length) {
    await q.query(`INSERT INTO bed_events (bed_id, resident_id, referral_id, action) SELECT id, r, rf, 'expire' FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS t(id, r, rf)`,
      [rows.map((r) => r.id), rows.map((r) => r.resident_id), rows.map((r) => r.referral_id)]);
  }
  return rows.length;
}

export interface BoardRow { ward_id: string; ward: string; department: string; id: string; code: string; kind: string; status: BedStatus; resident_id: string | null; resident_name: string | null; reserved_until: Date | null; referral_id: string | null }

export async function bedBoard(q: Queryable, facilityId: string): Promise<BoardRow[]> {
  return q.query<BoardRow>(
    `SELECT w.id AS ward_id, w.name AS ward, w.department, b.id, b.code, b.kind, b.status, b.resident_id, r.name AS resident_name, b.reserved_until, b.referral_id
       FROM wards w JOIN beds b ON b.ward_id = w.id LEFT JOIN residents r ON r.id = b.resident_id WHERE w.facility_id = $1 ORDER BY w.name, b.code`, [facilityId]);
}

/** The reservation a user made with an idempotency key. */
export async function reservationByKey(q: Queryable, userId: string, key: string) {
  const [e] = await q.query<{ bed_id: string; resident_id: string }>("SELECT bed_id, resident_id FROM bed_events WHERE by_user = $1 AND idempotency_key = $2 AND action = 'reserve'", [userId, key]);
  return e;
}

export interface BedRow { id: string; code: string; ward_id: string; facility_id: string; status: BedStatus; resident_id: string | null; referral_id: string | null; reserved_until: Date | null }

export async function bedById(q: Queryable, id: string): Promise<BedRow | undefined> {
  const [b] = await q.query<BedRow>('SELECT * FROM beds WHERE id = $1', [id]);
  return b;
}

export async function lockBed(q: Queryable, id: string): Promise<BedRow | undefined> {
  const [b] = await q.query<BedRow>('SELECT * FROM beds WHERE id = $1 FOR UPDATE', [id]);
  return b;
}

/** Reserves the first free bed of the ward (of a kind): picked and taken in one statement, skipping beds another transaction holds. */
export async function reserveFreeBed(q: Queryable, r: { wardId: string; kind: string | null; residentId: string; referralId: string | null; until: string }) {
  const [b] = await q.query<{ id: string; code: string; ward_id: string; status: string; reserved_until: Date }>(
    `UPDATE beds SET status = 'reserved', resident_id = $3, referral_id = $4, reserved_until = $5, version = version + 1
      WHERE id = (SELECT id FROM beds WHERE ward_id = $1 AND status = 'free' AND ($2::text IS NULL OR kind = $2) ORDER BY code LIMIT 1 FOR UPDATE SKIP LOCKED)
     RETURNING id, code, ward_id, status, reserved_until`, [r.wardId, r.kind, r.residentId, r.referralId, r.until]);
  return b;
}

export async function insertBedEvent(q: Queryable, e: { bedId: string; residentId: string | null; referralId: string | null; action: string; idempotencyKey: string | null; byUser: string }): Promise<void> {
  await q.query('INSERT INTO bed_events (bed_id, resident_id, referral_id, action, idempotency_key, by_user) VALUES ($1,$2,$3,$4,$5,$6)',
    [e.bedId, e.residentId, e.referralId, e.action, e.idempotencyKey, e.byUser]);
}

/** Moves a bed to a status; its holder (for an occupied bed) or none, keeping the referral only when occupied. */
export async function setBed(q: Queryable, id: string, status: BedStatus, holder: string | null): Promise<void> {
  await q.query(`UPDATE beds SET status = $2, resident_id = $3, referral_id = CASE WHEN $2 = 'occupied' THEN referral_id ELSE NULL END, reserved_until = NULL, version = version + 1 WHERE id = $1`, [id, status, holder]);
}

/** Frees a bed reserved for a referral (only while it is still that referral's reservation). */
export async function freeReservation(q: Queryable, bedId: string, referralId: string): Promise<void> {
  await q.query("UPDATE beds SET status = 'free', resident_id = NULL, referral_id = NULL, reserved_until = NULL, version = version + 1 WHERE id = $1 AND status = 'reserved' AND referral_id = $2", [bedId, referralId]);
}

/** A bed as the referral desk shows it. */
export async function bedSummary(q: Queryable, id: string) {
  const [b] = await q.query<{ code: string; ward: string; status: string }>('SELECT b.code, w.name AS ward, b.status FROM beds b JOIN wards w ON w.id = b.ward_id WHERE b.id = $1', [id]);
  return b;
}

// ---------------------------------------------------------------- bulk loads (the demo county)

export interface BulkSchedule { id: string; facilityId: string; countyCode: string; kind: string; department: string; equipment: string | null; name: string; pattern: Session[]; referralSharePct: number; releaseHours: number }

/** Loads schedules (ids given by the caller). */
export async function loadSchedules(q: Queryable, rows: readonly BulkSchedule[]): Promise<void> {
  await insertMany(q, 'schedules', [
    { name: 'id', type: 'uuid', get: (s: BulkSchedule) => s.id }, { name: 'facility_id', type: 'uuid', get: (s) => s.facilityId }, { name: 'county_code', type: 'text', get: (s) => s.countyCode },
    { name: 'kind', type: 'text', get: (s) => s.kind }, { name: 'department', type: 'text', get: (s) => s.department }, { name: 'equipment', type: 'text', get: (s) => s.equipment },
    { name: 'name', type: 'text', get: (s) => s.name }, { name: 'pattern', type: 'jsonb', get: (s) => JSON.stringify(s.pattern) }, { name: 'referral_share_pct', type: 'int', get: (s) => s.referralSharePct },
    { name: 'release_hours', type: 'int', get: (s) => s.releaseHours },
  ], rows);
}

export interface BulkScheduleException { scheduleId: string; onDate: string; reason: string }

/** Loads the days schedules are closed. */
export async function loadScheduleExceptions(q: Queryable, rows: readonly BulkScheduleException[]): Promise<void> {
  await insertMany(q, 'schedule_exceptions', [{ name: 'schedule_id', type: 'uuid', get: (x: BulkScheduleException) => x.scheduleId }, { name: 'on_date', type: 'date', get: (x) => x.onDate }, { name: 'reason', type: 'text', get: (x) => x.reason }], rows);
}

export interface BulkSlot {
  id: string; scheduleId: string; facilityId: string; countyCode: string; sessionDate: string; period: string; startsAt: string; endsAt: string;
  capacity: number; referralCapacity: number; releaseAt: string; booked: number; referralBooked: number; status: string;
}

const SLOT_COLUMNS: Column<BulkSlot>[] = [
  { name: 'id', type: 'uuid', get: (s) => s.id }, { name: 'schedule_id', type: 'uuid', get: (s) => s.scheduleId }, { name: 'facility_id', type: 'uuid', get: (s) => s.facilityId },
  { name: 'county_code', type: 'text', get: (s) => s.countyCode }, { name: 'session_date', type: 'date', get: (s) => s.sessionDate }, { name: 'period', type: 'text', get: (s) => s.period },
  { name: 'starts_at', type: 'timestamptz', get: (s) => s.startsAt }, { name: 'ends_at', type: 'timestamptz', get: (s) => s.endsAt }, { name: 'capacity', type: 'int', get: (s) => s.capacity },
  { name: 'referral_capacity', type: 'int', get: (s) => s.referralCapacity }, { name: 'release_at', type: 'timestamptz', get: (s) => s.releaseAt },
  { name: 'booked', type: 'int', get: (s) => s.booked }, { name: 'referral_booked', type: 'int', get: (s) => s.referralBooked },
  { name: 'status', type: 'text', get: (s) => s.status },
];

/**
 * Loads slots with their counts of places taken: one COPY, outside any transaction (a year of a county's
 * clinics is tens of thousands of rows; COPY loads them several times faster than batched INSERTs).
 */
export async function copySlots(db: Pick<Db, 'copyIn'>, rows: readonly BulkSlot[]): Promise<void> {
  if (rows.length) await copy(db, 'slots', SLOT_COLUMNS.map((c) => c.name), copyText(SLOT_COLUMNS, rows));
}

export interface BulkBooking {
  id: string; slotId: string; scheduleId: string; residentId: string; countyCode: string; sessionDate: string; period: string; channel: string;
  referralId: string | null; status: string; idempotencyKey: string; createdAt: Date; cancelledAt: Date | null;
}

const BOOKING_COLUMNS: Column<BulkBooking>[] = [
  { name: 'id', type: 'uuid', get: (b) => b.id }, { name: 'slot_id', type: 'uuid', get: (b) => b.slotId }, { name: 'schedule_id', type: 'uuid', get: (b) => b.scheduleId },
  { name: 'resident_id', type: 'uuid', get: (b) => b.residentId }, { name: 'county_code', type: 'text', get: (b) => b.countyCode }, { name: 'session_date', type: 'date', get: (b) => b.sessionDate },
  { name: 'period', type: 'text', get: (b) => b.period }, { name: 'channel', type: 'text', get: (b) => b.channel }, { name: 'referral_id', type: 'uuid', get: (b) => b.referralId },
  { name: 'status', type: 'text', get: (b) => b.status }, { name: 'idempotency_key', type: 'text', get: (b) => b.idempotencyKey }, { name: 'created_at', type: 'timestamptz', get: (b) => b.createdAt.toISOString() },
  { name: 'cancelled_at', type: 'timestamptz', get: (b) => b.cancelledAt?.toISOString() ?? null },
];

/** Loads bookings (their slots and referrals loaded first): one COPY, outside any transaction. */
export async function copyBookings(db: Pick<Db, 'copyIn'>, rows: readonly BulkBooking[]): Promise<void> {
  if (rows.length) await copy(db, 'bookings', BOOKING_COLUMNS.map((c) => c.name), copyText(BOOKING_COLUMNS, rows));
}

export interface BulkWard { id: string; facilityId: string; name: string; department: string }
export interface BulkBed { id: string; wardId: string; facilityId: string; code: string; kind: string; status: string; residentId: string | null; referralId: string | null }

/** Loads wards and their beds (with today's occupants). */
export async function loadWardsAndBeds(q: Queryable, wards: readonly BulkWard[], beds: readonly BulkBed[]): Promise<void> {
  await insertMany(q, 'wards', [{ name: 'id', type: 'uuid', get: (w: BulkWard) => w.id }, { name: 'facility_id', type: 'uuid', get: (w) => w.facilityId },
    { name: 'name', type: 'text', get: (w) => w.name }, { name: 'department', type: 'text', get: (w) => w.department }], wards);
  await insertMany(q, 'beds', [{ name: 'id', type: 'uuid', get: (b: BulkBed) => b.id }, { name: 'ward_id', type: 'uuid', get: (b) => b.wardId }, { name: 'facility_id', type: 'uuid', get: (b) => b.facilityId },
    { name: 'code', type: 'text', get: (b) => b.code }, { name: 'kind', type: 'text', get: (b) => b.kind }, { name: 'status', type: 'text', get: (b) => b.status },
    { name: 'resident_id', type: 'uuid', get: (b) => b.residentId }, { name: 'referral_id', type: 'uuid', get: (b) => b.referralId }], beds);
}
