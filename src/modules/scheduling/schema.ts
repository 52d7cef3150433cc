// Scheduling's request and response shapes (zod); the TypeScript types are inferred from them and
// used by the routes and the services alike.
import { z } from 'zod';
import { DateStr } from '../../shared/time.ts';
import { EQUIPMENT } from './rules.ts';

export const Key = z.string().min(8).max(100);
export const Session = z.strictObject({ weekday: z.number().int().min(1).max(7), start: z.string().max(5), end: z.string().max(5), slotMinutes: z.number().int().min(5).max(240), capacity: z.number().int().min(1).max(1000) });
export const Uuid = z.strictObject({ id: z.string().uuid() });

export const ScheduleBody = z.strictObject({ facilityCode: z.string().max(32), kind: z.enum(['department', 'worker', 'equipment']), department: z.string().min(1).max(50), workerId: z.string().uuid().nullable().optional(),
  equipment: z.enum(EQUIPMENT).nullable().optional(), name: z.string().min(1).max(80), pattern: z.array(Session).min(1).max(50), referralSharePct: z.number().int().min(0).max(100).default(0),
  releaseHours: z.number().int().min(0).max(720).default(24), from: DateStr, weeks: z.number().int().min(1).max(26).default(4) });
export type ScheduleInput = z.infer<typeof ScheduleBody>;
export const ScheduleOut = z.object({ id: z.string(), facilityCode: z.string(), facilityName: z.string(), kind: z.string(), department: z.string(), equipment: z.string().nullable(), name: z.string(),
  workerName: z.string().nullable(), referralSharePct: z.number(), releaseHours: z.number(), pattern: z.array(Session) });
export type ScheduleOut = z.infer<typeof ScheduleOut>;
export const ExtendBody = z.strictObject({ from: DateStr, weeks: z.number().int().min(1).max(26) });
export const ExceptionBody = z.strictObject({ date: DateStr, reason: z.string().min(1).max(100) });

export const Channel = z.enum(['public', 'referral', 'staff']);
export const SlotQuery = z.strictObject({ scheduleId: z.string().uuid().optional(), facilityCode: z.string().max(32).optional(), from: DateStr, to: DateStr, channel: Channel.default('public'),
  available: z.enum(['true', 'false']).optional() });
export const Slot = z.object({ id: z.string(), scheduleId: z.string(), scheduleName: z.string(), department: z.string(), kind: z.string(), equipment: z.string().nullable(), sessionDate: z.string(), period: z.string(),
  startsAt: z.string(), endsAt: z.string(), capacity: z.number(), referralCapacity: z.number(), booked: z.number(), referralBooked: z.number(), status: z.string(), releaseAt: z.string(), placesLeft: z.number() });
export type SlotOut = z.infer<typeof Slot>;
export const SlotBooking = z.object({ id: z.string(), residentId: z.string(), residentName: z.string(), status: z.string(), channel: z.string(), referralId: z.string().nullable() });
export type SlotBooking = z.infer<typeof SlotBooking>;

export const BookBody = z.strictObject({ slotId: z.string().uuid(), residentId: z.string().uuid(), idempotencyKey: Key, referralId: z.string().uuid().nullable().optional() });
export type BookInput = z.infer<typeof BookBody>;
export const Booking = z.object({ id: z.string(), slotId: z.string(), residentId: z.string(), status: z.string(), channel: z.string(), referralId: z.string().nullable(), startsAt: z.string(), sessionDate: z.string(), period: z.string(), replayed: z.boolean() });
export type BookingOut = z.infer<typeof Booking>;
export const ResidentBooking = Booking.extend({ facilityName: z.string(), scheduleName: z.string() });
export type ResidentBooking = z.infer<typeof ResidentBooking>;
export const CancelBody = z.strictObject({ reason: z.string().max(200).nullable().optional() });
export const CancelOut = z.object({ id: z.string(), status: z.string(), waitingListBooking: z.string().nullable() });
export type CancelOut = z.infer<typeof CancelOut>;
export const RescheduleBody = z.strictObject({ slotId: z.string().uuid(), idempotencyKey: Key });
export const AttendanceBody = z.strictObject({ status: z.enum(['attended', 'no_show']) });
export const StatusOut = z.object({ id: z.string(), status: z.string() });
export const WaitingBody = z.strictObject({ scheduleId: z.string().uuid(), residentId: z.string().uuid(), from: DateStr, to: DateStr });
export type WaitingInput = z.infer<typeof WaitingBody>;

export const WardBody = z.strictObject({ facilityCode: z.string().max(32), name: z.string().min(1).max(50), department: z.string().min(1).max(50),
  kind: z.enum(['general', 'icu', 'rehabilitation', 'obstetric', 'neonatal', 'isolation']), beds: z.number().int().min(1).max(500) });
export type WardInput = z.infer<typeof WardBody>;
export const BoardBed = z.object({ id: z.string(), code: z.string(), kind: z.string(), status: z.string(), residentName: z.string().nullable(), reservedUntil: z.string().nullable(), referralId: z.string().nullable() });
export const BoardWard = z.object({ id: z.string(), name: z.string(), department: z.string(), free: z.number(), beds: z.array(BoardBed) });
export type BoardWard = z.infer<typeof BoardWard>;
export const ReserveBody = z.strictObject({ wardId: z.string().uuid(), kind: z.string().max(20).optional(), residentId: z.string().uuid(), referralId: z.string().uuid().nullable().optional(),
  until: z.iso.datetime({ offset: true }), idempotencyKey: Key });
export type ReserveInput = z.infer<typeof ReserveBody>;
export const BedOut = z.object({ bedId: z.string(), code: z.string(), wardId: z.string(), status: z.string(), reservedUntil: z.string().nullable(), replayed: z.boolean() });
export type BedOut = z.infer<typeof BedOut>;
export const BedActionParams = z.strictObject({ id: z.string().uuid(), action: z.enum(['admit', 'release', 'close', 'open']) });
export type BedActionName = z.infer<typeof BedActionParams>['action'];
export const BedActionBody = z.strictObject({ residentId: z.string().uuid().nullable().optional() });
