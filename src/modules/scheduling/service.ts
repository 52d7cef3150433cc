// The scheduling module's use cases, as other modules and the routes call them: schedules and slots
// (schedules.ts), bookings and the waiting list (bookings.ts), wards and beds (beds.ts).
export { refusal } from './access.ts';
export { addException, createSchedule, extendSchedule, listSchedules, listSlots } from './schedules.ts';
export {
  book, bookingStarts, bookingSummary, cancelBooking, cancelIfLive, giveUpBooking, joinWaitingList, markAttendance, markAttendedFor, reschedule, residentBookings, slotBookings,
  type BookingHooks, type BookInput, type BookingOut,
} from './bookings.ts';
export { admitReserved, bedAction, bedBoard, bedSummary, createWard, expireBedReservations, releaseOccupied, releaseReservedBed, reserveBed, type ReserveInput } from './beds.ts';
export type { ScheduleInput } from './schema.ts';
// Bulk loads of the scheduling tables (the demo county): the scheduling module writes its own tables.
export { copyBookings, copySlots, loadScheduleExceptions, loadSchedules, loadWardsAndBeds, type BulkBed, type BulkBooking, type BulkSchedule, type BulkScheduleException, type BulkSlot, type BulkWard } from './store.ts';
