// Slot generation, the booking refusals and the bed transitions, each threshold on both sides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bedNext, bookRefusal, generateSlots, isoWeekday, patternProblems, periodOf, placesLeft, referralPlaces, type SlotState } from './rules.ts';

test('periods split at 12:00 and 18:00', () => {
  for (const [t, p] of [['07:59', 'am'], ['11:59', 'am'], ['12:00', 'pm'], ['17:59', 'pm'], ['18:00', 'night']] as const) assert.equal(periodOf(t), p, t);
});

test('referral places are the share rounded down', () => {
  for (const [cap, pct, n] of [[40, 25, 10], [3, 30, 0], [4, 25, 1], [10, 0, 0], [10, 100, 10], [7, 50, 3]]) assert.equal(referralPlaces(cap, pct), n, `${cap} ${pct}`);
});

test('slots follow the weekly pattern, skip exceptions, and carry the release time', () => {
  assert.equal(isoWeekday('2026-11-23'), 1);
  assert.equal(isoWeekday('2026-11-29'), 7);
  const s = generateSlots([{ weekday: 1, start: '08:00', end: '09:00', slotMinutes: 30, capacity: 4 }], '2026-11-23', '2026-12-07', new Set(['2026-11-30']), 50, 24);
  assert.deepEqual(s.map((x) => x.startsAt), ['2026-11-23T00:00:00.000Z', '2026-11-23T00:30:00.000Z', '2026-12-07T00:00:00.000Z', '2026-12-07T00:30:00.000Z']);
  assert.equal(s[0].releaseAt, '2026-11-22T00:00:00.000Z');
  assert.equal(s[0].referralCapacity, 2);
  assert.equal(s[0].period, 'am');
});

test('pattern problems name their fields', () => {
  assert.deepEqual(patternProblems([]).map((p) => p.path), ['pattern']);
  assert.deepEqual(patternProblems([{ weekday: 1, start: '08:00', end: '12:00', slotMinutes: 30, capacity: 1 }]), []);
  assert.deepEqual(patternProblems([{ weekday: 1, start: '08:00', end: '11:50', slotMinutes: 30, capacity: 1 }]).map((p) => p.path), ['pattern[0].slotMinutes']);
  assert.deepEqual(patternProblems([{ weekday: 1, start: '11:00', end: '13:00', slotMinutes: 30, capacity: 1 }]).map((p) => p.path), ['pattern[0].end']);
  assert.deepEqual(patternProblems([{ weekday: 1, start: '24:00', end: '13:00', slotMinutes: 30, capacity: 1 }]).map((p) => p.path), ['pattern[0].start']);
});

const now = new Date('2026-11-24T00:00:00Z');
const slot = (o: Partial<SlotState> = {}): SlotState => ({ status: 'open', startsAt: new Date('2026-11-26T00:00:00Z'), releaseAt: new Date('2026-11-25T00:00:00Z'), capacity: 4, referralCapacity: 2, booked: 0, referralBooked: 0, ...o });

test('booking refusals: closed, past, full, held for referrals until released', () => {
  const cases: [Partial<SlotState>, 'public' | 'referral', string | null][] = [
    [{}, 'public', null],
    [{ status: 'closed' }, 'referral', 'slot.closed'],
    [{ startsAt: now }, 'public', 'slot.past'],
    [{ startsAt: new Date(now.getTime() + 1) }, 'public', null],
    [{ booked: 4, referralBooked: 2 }, 'referral', 'slot.full'],
    [{ booked: 3, referralBooked: 2 }, 'referral', null],
    [{ booked: 2, referralBooked: 0 }, 'public', 'slot.reserved_for_referrals'],
    [{ booked: 1, referralBooked: 0 }, 'public', null],
    [{ booked: 2, referralBooked: 0 }, 'referral', null],
    [{ booked: 2, referralBooked: 0, releaseAt: now }, 'public', null],
    [{ booked: 2, referralBooked: 0, releaseAt: new Date(now.getTime() + 1) }, 'public', 'slot.reserved_for_referrals'],
  ];
  for (const [o, ch, want] of cases) assert.equal(bookRefusal(slot(o), ch, now), want, JSON.stringify([o, ch]));
});

test('places left per channel', () => {
  assert.equal(placesLeft(slot(), 'public', now), 2);
  assert.equal(placesLeft(slot(), 'referral', now), 4);
  assert.equal(placesLeft(slot({ booked: 1, referralBooked: 1 }), 'public', now), 2);
  assert.equal(placesLeft(slot({ releaseAt: now }), 'public', now), 4);
  assert.equal(placesLeft(slot({ status: 'closed' }), 'referral', now), 0);
});

test('bed transitions', () => {
  const cases: [Parameters<typeof bedNext>[0], Parameters<typeof bedNext>[1], boolean, string | null][] = [
    ['free', 'reserve', false, 'reserved'], ['reserved', 'reserve', false, null], ['occupied', 'reserve', false, null],
    ['free', 'admit', false, 'occupied'], ['reserved', 'admit', true, 'occupied'], ['reserved', 'admit', false, null], ['occupied', 'admit', true, null],
    ['occupied', 'release', false, 'free'], ['reserved', 'release', false, 'free'], ['free', 'release', false, null],
    ['free', 'close', false, 'closed'], ['occupied', 'close', false, null], ['closed', 'open', false, 'free'], ['free', 'open', false, null], ['closed', 'admit', true, null],
  ];
  for (const [s, a, same, want] of cases) assert.equal(bedNext(s, a, same), want, `${s} ${a}`);
});
