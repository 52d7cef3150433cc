// Scheduling routes: schedules and slots, bookings, the waiting list, wards and beds.
import { DateStr } from '../../shared/time.ts';
import { z } from 'zod';
import type { AppContext, ZodApp } from '../../platform/http.ts';
import { me } from '../../platform/http.ts';
import type { Role } from '../../shared/roles.ts';
import { EQUIPMENT } from './rules.ts';
import {
  addException, bedAction, bedBoard, book, cancelBooking, createSchedule, createWard, extendSchedule, joinWaitingList, listSchedules, listSlots, markAttendance, reschedule, reserveBed, residentBookings, slotBookings,
} from './service.ts';

const STAFF: Role[] = ['sysadmin', 'manager', 'doctor', 'nurse', 'village_doctor', 'coordinator', 'public_health'];
const BOOKERS: Role[] = ['sysadmin', 'doctor', 'nurse', 'village_doctor', 'coordinator', 'resident'];
const MANAGERS: Role[] = ['sysadmin', 'manager', 'coordinator'];
const BED_STAFF: Role[] = ['sysadmin', 'manager', 'coordinator', 'doctor', 'nurse'];
const Key = z.string().min(8).max(100);
const Session = z.strictObject({ weekday: z.number().int().min(1).max(7), start: z.string().max(5), end: z.string().max(5), slotMinutes: z.number().int().min(5).max(240), capacity: z.number().int().min(1).max(1000) });
const Booking = z.object({ id: z.string(), slotId: z.string(), residentId: z.string(), status: z.string(), channel: z.string(), referralId: z.string().nullable(), startsAt: z.string(), sessionDate: z.string(), period: z.string(), replayed: z.boolean() });
const Slot = z.object({ id: z.string(), scheduleId: z.string(), scheduleName: z.string(), department: z.string(), kind: z.string(), equipment: z.string().nullable(), sessionDate: z.string(), period: z.string(),
  startsAt: z.string(), endsAt: z.string(), capacity: z.number(), referralCapacity: z.number(), booked: z.number(), referralBooked: z.number(), status: z.string(), releaseAt: z.string(), placesLeft: z.number() });
const BedOut = z.object({ bedId: z.string(), code: z.string(), wardId: z.string(), status: z.string(), reservedUntil: z.string().nullable(), replayed: z.boolean() });

/** Registers /api/scheduling/*. */
export async function schedulingRoutes(app: ZodApp, ctx: AppContext) {
  const { db } = ctx;

  app.get('/api/scheduling/schedules', {
    config: { access: 'signed-in' },
    schema: { tags: ['scheduling'], summary: 'Published schedules (of one facility, or all)', querystring: z.strictObject({ facilityCode: z.string().max(32).optional() }),
      response: { 200: z.object({ items: z.array(z.object({ id: z.string(), facilityCode: z.string(), facilityName: z.string(), kind: z.string(), department: z.string(), equipment: z.string().nullable(), name: z.string(),
        workerName: z.string().nullable(), referralSharePct: z.number(), releaseHours: z.number(), pattern: z.array(Session) })) }) } },
    handler: async (req) => ({ items: await listSchedules(db, req.query.facilityCode) }),
  });

  app.post('/api/scheduling/schedules', {
    config: { access: MANAGERS },
    schema: { tags: ['scheduling'], summary: 'Publish a schedule (department, worker or equipment) and its slots for the coming weeks',
      body: z.strictObject({ facilityCode: z.string().max(32), kind: z.enum(['department', 'worker', 'equipment']), department: z.string().min(1).max(50), workerId: z.string().uuid().nullable().optional(),
        equipment: z.enum(EQUIPMENT).nullable().optional(), name: z.string().min(1).max(80), pattern: z.array(Session).min(1).max(50), referralSharePct: z.number().int().min(0).max(100).default(0),
        releaseHours: z.number().int().min(0).max(720).default(24), from: DateStr, weeks: z.number().int().min(1).max(26).default(4) }),
      response: { 201: z.object({ id: z.string(), slots: z.number() }) } },
    handler: async (req, reply) => reply.code(201).send(await createSchedule(db, me(req), req.body)),
  });

  app.post('/api/scheduling/schedules/:id/extend', {
    config: { access: MANAGERS },
    schema: { tags: ['scheduling'], summary: 'Open more weeks of slots', params: z.strictObject({ id: z.string().uuid() }), body: z.strictObject({ from: DateStr, weeks: z.number().int().min(1).max(26) }),
      response: { 200: z.object({ slots: z.number() }) } },
    handler: async (req) => extendSchedule(db, me(req), req.params.id, req.body.from, req.body.weeks),
  });

  app.post('/api/scheduling/schedules/:id/exceptions', {
    config: { access: MANAGERS },
    schema: { tags: ['scheduling'], summary: 'A holiday or leave: close the day\'s slots', params: z.strictObject({ id: z.string().uuid() }), body: z.strictObject({ date: DateStr, reason: z.string().min(1).max(100) }),
      response: { 200: z.object({ closedSlots: z.number(), affectedBookings: z.number() }) } },
    handler: async (req) => addException(db, me(req), req.params.id, req.body.date, req.body.reason),
  });

  app.get('/api/scheduling/slots', {
    config: { access: 'signed-in' },
    schema: { tags: ['scheduling'], summary: 'Slots between two dates with the places the channel can still take',
      querystring: z.strictObject({ scheduleId: z.string().uuid().optional(), facilityCode: z.string().max(32).optional(), from: DateStr, to: DateStr, channel: z.enum(['public', 'referral', 'staff']).default('public'),
        available: z.enum(['true', 'false']).optional() }),
      response: { 200: z.object({ items: z.array(Slot) }) } },
    handler: async (req) => ({ items: await listSlots(db, { ...req.query, onlyAvailable: req.query.available === 'true' }) }),
  });

  app.get('/api/scheduling/slots/:id/bookings', {
    config: { access: ['sysadmin', 'doctor', 'nurse', 'coordinator'] },
    schema: { tags: ['scheduling'], summary: 'Who is booked in a slot (staff of its facility; audited)', params: z.strictObject({ id: z.string().uuid() }),
      response: { 200: z.object({ items: z.array(z.object({ id: z.string(), residentId: z.string(), residentName: z.string(), status: z.string(), channel: z.string(), referralId: z.string().nullable() })) }) } },
    handler: async (req) => ({ items: await slotBookings(db, me(req), req.params.id) }),
  });

  app.post('/api/scheduling/bookings', {
    config: { access: BOOKERS },
    schema: { tags: ['scheduling'], summary: 'Book a place (a retried request with the same idempotency key returns the first booking)',
      body: z.strictObject({ slotId: z.string().uuid(), residentId: z.string().uuid(), idempotencyKey: Key, referralId: z.string().uuid().nullable().optional() }),
      response: { 201: Booking, 200: Booking } },
    handler: async (req, reply) => {
      const b = await book(db, me(req), req.body);
      return reply.code(b.replayed ? 200 : 201).send(b);
    },
  });

  app.post('/api/scheduling/bookings/:id/cancel', {
    config: { access: BOOKERS },
    schema: { tags: ['scheduling'], summary: 'Cancel a booking; the place goes to the waiting list', params: z.strictObject({ id: z.string().uuid() }), body: z.strictObject({ reason: z.string().max(200).nullable().optional() }),
      response: { 200: z.object({ id: z.string(), status: z.string(), waitingListBooking: z.string().nullable() }) } },
    handler: async (req) => cancelBooking(db, me(req), req.params.id, req.body.reason ?? null),
  });

  app.post('/api/scheduling/bookings/:id/reschedule', {
    config: { access: BOOKERS },
    schema: { tags: ['scheduling'], summary: 'Move a booking to another slot', params: z.strictObject({ id: z.string().uuid() }), body: z.strictObject({ slotId: z.string().uuid(), idempotencyKey: Key }),
      response: { 200: Booking } },
    handler: async (req) => reschedule(db, me(req), req.params.id, req.body.slotId, req.body.idempotencyKey),
  });

  app.post('/api/scheduling/bookings/:id/attendance', {
    config: { access: ['sysadmin', 'doctor', 'nurse', 'coordinator'] },
    schema: { tags: ['scheduling'], summary: 'Record attendance or a no-show', params: z.strictObject({ id: z.string().uuid() }), body: z.strictObject({ status: z.enum(['attended', 'no_show']) }),
      response: { 200: z.object({ id: z.string(), status: z.string() }) } },
    handler: async (req) => markAttendance(db, me(req), req.params.id, req.body.status),
  });

  app.get('/api/scheduling/residents/:id/bookings', {
    config: { access: BOOKERS },
    schema: { tags: ['scheduling'], summary: 'A resident\'s bookings', params: z.strictObject({ id: z.string().uuid() }),
      response: { 200: z.object({ items: z.array(Booking.extend({ facilityName: z.string(), scheduleName: z.string() })) }) } },
    handler: async (req) => ({ items: await residentBookings(db, me(req), req.params.id) }),
  });

  app.post('/api/scheduling/waiting-list', {
    config: { access: BOOKERS },
    schema: { tags: ['scheduling'], summary: 'Wait for a cancelled place on a schedule', body: z.strictObject({ scheduleId: z.string().uuid(), residentId: z.string().uuid(), from: DateStr, to: DateStr }),
      response: { 201: z.object({ id: z.string(), status: z.string() }) } },
    handler: async (req, reply) => reply.code(201).send(await joinWaitingList(db, me(req), req.body)),
  });

  app.post('/api/scheduling/wards', {
    config: { access: MANAGERS },
    schema: { tags: ['scheduling'], summary: 'Add a ward with its beds',
      body: z.strictObject({ facilityCode: z.string().max(32), name: z.string().min(1).max(50), department: z.string().min(1).max(50), kind: z.enum(['general', 'icu', 'rehabilitation', 'obstetric', 'neonatal', 'isolation']), beds: z.number().int().min(1).max(500) }),
      response: { 201: z.object({ id: z.string(), beds: z.number() }) } },
    handler: async (req, reply) => reply.code(201).send(await createWard(db, me(req), req.body)),
  });

  app.get('/api/scheduling/beds', {
    config: { access: STAFF },
    schema: { tags: ['scheduling'], summary: 'The bed board of a facility', querystring: z.strictObject({ facilityCode: z.string().max(32) }),
      response: { 200: z.object({ wards: z.array(z.object({ id: z.string(), name: z.string(), department: z.string(), free: z.number(),
        beds: z.array(z.object({ id: z.string(), code: z.string(), kind: z.string(), status: z.string(), residentName: z.string().nullable(), reservedUntil: z.string().nullable(), referralId: z.string().nullable() })) })) }) } },
    handler: async (req) => ({ wards: await bedBoard(db, me(req), req.query.facilityCode) }),
  });

  app.post('/api/scheduling/beds/reserve', {
    config: { access: BED_STAFF },
    schema: { tags: ['scheduling'], summary: 'Reserve a free bed of a ward for a resident until a deadline (idempotent by key)',
      body: z.strictObject({ wardId: z.string().uuid(), kind: z.string().max(20).optional(), residentId: z.string().uuid(), referralId: z.string().uuid().nullable().optional(), until: z.iso.datetime({ offset: true }), idempotencyKey: Key }),
      response: { 201: BedOut, 200: BedOut } },
    handler: async (req, reply) => {
      const b = await reserveBed(db, me(req), req.body);
      return reply.code(b.replayed ? 200 : 201).send(b);
    },
  });

  app.post('/api/scheduling/beds/:id/:action', {
    config: { access: BED_STAFF },
    schema: { tags: ['scheduling'], summary: 'Admit to, release, close or reopen a bed', params: z.strictObject({ id: z.string().uuid(), action: z.enum(['admit', 'release', 'close', 'open']) }),
      body: z.strictObject({ residentId: z.string().uuid().nullable().optional() }), response: { 200: z.object({ id: z.string(), status: z.string() }) } },
    handler: async (req) => bedAction(db, me(req), req.params.id, req.params.action, req.body.residentId ?? null),
  });
}
