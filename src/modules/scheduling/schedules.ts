// Schedules and their slots: publishing a weekly pattern, opening more weeks, holidays and leave,
// and the slot picker's list with the places each channel can still take.
import type { Db, Queryable } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';
import { actorOf } from '../../platform/auth.ts';
import { writeAudit } from '../../platform/audit.ts';
import { badRequest, notFound } from '../../platform/errors.ts';
import { generateSlots, patternProblems, placesLeft, type Channel, type Session } from './rules.ts';
import { manageableFacility } from './access.ts';
import type { ScheduleInput, ScheduleOut, SlotOut } from './schema.ts';
import * as store from './store.ts';

/** Publishes a schedule and its slots for the coming weeks. */
export async function createSchedule(db: Db, p: Principal, input: ScheduleInput) {
  return db.tx(async (q) => {
    const f = await manageableFacility(q, p, input.facilityCode);
    const fields = patternProblems(input.pattern);
    if (input.kind === 'worker' && !input.workerId) fields.push({ path: 'workerId', problem: 'required for a worker schedule / 医生排班须指定医生' });
    if (input.kind === 'equipment' && !input.equipment) fields.push({ path: 'equipment', problem: 'required for an equipment schedule / 设备排班须指定设备' });
    if (input.workerId && !(await store.isWorkerOf(q, input.workerId, f.id))) fields.push({ path: 'workerId', problem: 'not a worker of this facility / 非本机构人员' });
    if (fields.length) throw badRequest('schedule.invalid', { zh: '排班有误，未保存', en: 'Invalid schedule; nothing was saved' }, fields);
    const id = await store.insertSchedule(q, { facilityId: f.id, county: f.county, kind: input.kind, department: input.department, workerId: input.workerId ?? null, equipment: input.equipment ?? null,
      name: input.name, pattern: input.pattern, referralSharePct: input.referralSharePct, releaseHours: input.releaseHours, createdBy: p.userId });
    const n = await insertSlots(q, id, f.id, f.county, input.pattern, input.from, input.weeks * 7 - 1, new Set(), input.referralSharePct, input.releaseHours);
    await writeAudit(q, actorOf(p, p.ip), { action: 'scheduling.schedule_create', outcome: 'ok', recordType: 'schedule', recordId: id, details: { slots: n } });
    return { id, slots: n };
  });
}

async function insertSlots(q: Queryable, scheduleId: string, facilityId: string, county: string, pattern: Session[], from: string, days: number, closed: Set<string>, pct: number, release: number): Promise<number> {
  const to = new Date(Date.parse(`${from}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
  const specs = generateSlots(pattern, from, to, closed, pct, release);
  if (!specs.length) return 0;
  return store.insertSlots(q, scheduleId, facilityId, county, {
    sessionDate: specs.map((x) => x.sessionDate), period: specs.map((x) => x.period), startsAt: specs.map((x) => x.startsAt), endsAt: specs.map((x) => x.endsAt),
    capacity: specs.map((x) => x.capacity), referralCapacity: specs.map((x) => x.referralCapacity), releaseAt: specs.map((x) => x.releaseAt),
  });
}

/** A schedule, or 404. */
export async function scheduleRow(q: Queryable, id: string) {
  const s = await store.scheduleById(q, id);
  if (!s) throw notFound({ zh: '排班', en: 'Schedule' });
  return s;
}

/** Opens more weeks of slots for a schedule (skipping exception days). */
export async function extendSchedule(db: Db, p: Principal, scheduleId: string, from: string, weeks: number) {
  return db.tx(async (q) => {
    const s = await scheduleRow(q, scheduleId);
    await manageableFacility(q, p, await store.facilityCodeById(q, s.facility_id));
    const closed = new Set(await store.exceptionDays(q, scheduleId));
    const n = await insertSlots(q, scheduleId, s.facility_id, s.county_code, s.pattern, from, weeks * 7 - 1, closed, s.referral_share_pct, s.release_hours);
    await writeAudit(q, actorOf(p, p.ip), { action: 'scheduling.schedule_extend', outcome: 'ok', recordType: 'schedule', recordId: scheduleId, details: { slots: n, from, weeks } });
    return { slots: n };
  });
}

/** Records a holiday or leave: the day's slots close (their bookings stay, to be moved by staff). */
export async function addException(db: Db, p: Principal, scheduleId: string, onDate: string, reason: string) {
  return db.tx(async (q) => {
    const s = await scheduleRow(q, scheduleId);
    await manageableFacility(q, p, await store.facilityCodeById(q, s.facility_id));
    await store.upsertException(q, scheduleId, onDate, reason);
    const closed = await store.closeSlotsOn(q, scheduleId, onDate, reason);
    await writeAudit(q, actorOf(p, p.ip), { action: 'scheduling.exception', outcome: 'ok', recordType: 'schedule', recordId: scheduleId, details: { onDate, slots: closed.length } });
    return { closedSlots: closed.length, affectedBookings: closed.reduce((a, b) => a + b.booked, 0) };
  });
}

/** Schedules of a facility (or of every facility when none is named). */
export async function listSchedules(db: Db, facilityCode: string | undefined): Promise<ScheduleOut[]> {
  const rows = await store.listSchedules(db, facilityCode ?? null);
  return rows.map((r) => ({ id: r.id, facilityCode: r.facility_code, facilityName: r.facility_name, kind: r.kind, department: r.department, equipment: r.equipment, name: r.name,
    workerName: r.worker_name, referralSharePct: r.referral_share_pct, releaseHours: r.release_hours, pattern: r.pattern }));
}

/** A slot's state as the rules see it. */
export const slotState = (s: store.SlotRow) => ({ status: s.status, startsAt: new Date(s.starts_at), releaseAt: new Date(s.release_at), capacity: s.capacity, referralCapacity: s.referral_capacity, booked: s.booked, referralBooked: s.referral_booked });

/** Slots of a schedule or a facility between two dates, with the places the channel can still take. */
export async function listSlots(db: Db, o: { scheduleId?: string; facilityCode?: string; from: string; to: string; channel: Channel; onlyAvailable?: boolean }): Promise<SlotOut[]> {
  const rows = await store.listSlots(db, { scheduleId: o.scheduleId ?? null, facilityCode: o.facilityCode ?? null, from: o.from, to: o.to });
  const now = new Date();
  return rows
    .map((r) => ({ id: r.id, scheduleId: r.schedule_id, scheduleName: r.schedule_name, department: r.department, kind: r.kind, equipment: r.equipment, sessionDate: r.session_date, period: r.period,
      startsAt: new Date(r.starts_at).toISOString(), endsAt: new Date(r.ends_at).toISOString(), capacity: r.capacity, referralCapacity: r.referral_capacity, booked: r.booked, referralBooked: r.referral_booked,
      status: r.status, releaseAt: new Date(r.release_at).toISOString(), placesLeft: placesLeft(slotState(r), o.channel, now) }))
    .filter((s) => !o.onlyAvailable || s.placesLeft > 0);
}
