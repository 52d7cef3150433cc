// Scheduling routes: schedules and slots, bookings, the waiting list, wards and beds.
import { z } from 'zod';
import type { AppContext, ZodApp } from '../../platform/http.ts';
import { me } from '../../platform/http.ts';
import { BED_STAFF, BOOKERS, SCHEDULE_MANAGERS, SCHEDULING_STAFF, SLOT_STAFF } from '../../shared/roles.ts';
import {
  addException, bedAction, bedBoard, book, cancelBooking, createSchedule, createWard, extendSchedule, joinWaitingList, listSchedules, listSlots, markAttendance, reschedule, reserveBed, residentBookings, slotBookings,
  type BookingHooks,
} from './service.ts';
import {
  AttendanceBody, BedActionBody, BedActionParams, BedOut, BoardWard, BookBody, Booking, CancelBody, CancelOut, ExceptionBody, ExtendBody, ReserveBody, RescheduleBody, ResidentBooking, ScheduleBody, ScheduleOut, Slot,
  SlotBooking, SlotQuery, StatusOut, Uuid, WaitingBody, WardBody,
} from './schema.ts';

const STAFF = SCHEDULING_STAFF;
const MANAGERS = SCHEDULE_MANAGERS;

/** Registers /api/scheduling/*; `hooks` are what other modules hear of a booking's life (wired in src/app.ts). */
export async function schedulingRoutes(app: ZodApp, ctx: AppContext, hooks: BookingHooks = {}) {
  const { db } = ctx;
  const access = { encounterDays: ctx.config.encounterAccessDays };

  app.get('/api/scheduling/schedules', {
    config: { access: 'signed-in' },
    schema: { tags: ['scheduling'], summary: 'Published schedules (of one facility, or all)', querystring: z.strictObject({ facilityCode: z.string().max(32).optional() }),
      response: { 200: z.object({ items: z.array(ScheduleOut) }) } },
    handler: async (req) => ({ items: await listSchedules(db, req.query.facilityCode) }),
  });

  app.post('/api/scheduling/schedules', {
    config: { access: MANAGERS },
    schema: { tags: ['scheduling'], summary: 'Publish a schedule (department, worker or equipment) and its slots for the coming weeks', body: ScheduleBody,
      response: { 201: z.object({ id: z.string(), slots: z.number() }) } },
    handler: async (req, reply) => reply.code(201).send(await createSchedule(db, me(req), req.body)),
  });

  app.post('/api/scheduling/schedules/:id/extend', {
    config: { access: MANAGERS },
    schema: { tags: ['scheduling'], summary: 'Open more weeks of slots', params: Uuid, body: ExtendBody, response: { 200: z.object({ slots: z.number() }) } },
    handler: async (req) => extendSchedule(db, me(req), req.params.id, req.body.from, req.body.weeks),
  });

  app.post('/api/scheduling/schedules/:id/exceptions', {
    config: { access: MANAGERS },
    schema: { tags: ['scheduling'], summary: 'A holiday or leave: close the day\'s slots', params: Uuid, body: ExceptionBody,
      response: { 200: z.object({ closedSlots: z.number(), affectedBookings: z.number() }) } },
    handler: async (req) => addException(db, me(req), req.params.id, req.body.date, req.body.reason),
  });

  app.get('/api/scheduling/slots', {
    config: { access: 'signed-in' },
    schema: { tags: ['scheduling'], summary: 'Slots between two dates with the places the channel can still take', querystring: SlotQuery, response: { 200: z.object({ items: z.array(Slot) }) } },
    handler: async (req) => ({ items: await listSlots(db, { ...req.query, onlyAvailable: req.query.available === 'true' }) }),
  });

  app.get('/api/scheduling/slots/:id/bookings', {
    config: { access: SLOT_STAFF },
    schema: { tags: ['scheduling'], summary: 'Who is booked in a slot (staff of its facility; audited)', params: Uuid, response: { 200: z.object({ items: z.array(SlotBooking) }) } },
    handler: async (req) => ({ items: await slotBookings(db, me(req), req.params.id) }),
  });

  app.post('/api/scheduling/bookings', {
    config: { access: BOOKERS },
    schema: { tags: ['scheduling'], summary: 'Book a place (a retried request with the same idempotency key returns the first booking)', body: BookBody, response: { 201: Booking, 200: Booking } },
    handler: async (req, reply) => book(db, me(req), req.body, undefined, access).then((b) => reply.code(b.replayed ? 200 : 201).send(b)),
  });

  app.post('/api/scheduling/bookings/:id/cancel', {
    config: { access: BOOKERS },
    schema: { tags: ['scheduling'], summary: 'Cancel a booking; the place goes to the waiting list', params: Uuid, body: CancelBody, response: { 200: CancelOut } },
    handler: async (req) => cancelBooking(db, me(req), req.params.id, req.body.reason ?? null),
  });

  app.post('/api/scheduling/bookings/:id/reschedule', {
    config: { access: BOOKERS },
    schema: { tags: ['scheduling'], summary: 'Move a booking to another slot', params: Uuid, body: RescheduleBody, response: { 200: Booking } },
    handler: async (req) => reschedule(db, me(req), req.params.id, req.body.slotId, req.body.idempotencyKey, hooks, access),
  });

  app.post('/api/scheduling/bookings/:id/attendance', {
    config: { access: SLOT_STAFF },
    schema: { tags: ['scheduling'], summary: 'Record attendance or a no-show', params: Uuid, body: AttendanceBody, response: { 200: StatusOut } },
    handler: async (req) => markAttendance(db, me(req), req.params.id, req.body.status),
  });

  app.get('/api/scheduling/residents/:id/bookings', {
    config: { access: BOOKERS },
    schema: { tags: ['scheduling'], summary: 'A resident\'s bookings', params: Uuid, response: { 200: z.object({ items: z.array(ResidentBooking) }) } },
    handler: async (req) => ({ items: await residentBookings(db, me(req), req.params.id) }),
  });

  app.post('/api/scheduling/waiting-list', {
    config: { access: BOOKERS },
    schema: { tags: ['scheduling'], summary: 'Wait for a cancelled place on a schedule', body: WaitingBody, response: { 201: z.object({ id: z.string(), status: z.string() }) } },
    handler: async (req, reply) => reply.code(201).send(await joinWaitingList(db, me(req), req.body, access)),
  });

  app.post('/api/scheduling/wards', {
    config: { access: MANAGERS },
    schema: { tags: ['scheduling'], summary: 'Add a ward with its beds', body: WardBody, response: { 201: z.object({ id: z.string(), beds: z.number() }) } },
    handler: async (req, reply) => reply.code(201).send(await createWard(db, me(req), req.body)),
  });

  app.get('/api/scheduling/beds', {
    config: { access: STAFF },
    schema: { tags: ['scheduling'], summary: 'The bed board of a facility', querystring: z.strictObject({ facilityCode: z.string().max(32) }), response: { 200: z.object({ wards: z.array(BoardWard) }) } },
    handler: async (req) => ({ wards: await bedBoard(db, me(req), req.query.facilityCode) }),
  });

  app.post('/api/scheduling/beds/reserve', {
    config: { access: BED_STAFF },
    schema: { tags: ['scheduling'], summary: 'Reserve a free bed of a ward for a resident until a deadline (idempotent by key)', body: ReserveBody, response: { 201: BedOut, 200: BedOut } },
    handler: async (req, reply) => reserveBed(db, me(req), req.body).then((b) => reply.code(b.replayed ? 200 : 201).send(b)),
  });

  app.post('/api/scheduling/beds/:id/:action', {
    config: { access: BED_STAFF },
    schema: { tags: ['scheduling'], summary: 'Admit to, release, close or reopen a bed', params: BedActionParams, body: BedActionBody, response: { 200: StatusOut } },
    handler: async (req) => bedAction(db, me(req), req.params.id, req.params.action, req.body.residentId ?? null),
  });
}
