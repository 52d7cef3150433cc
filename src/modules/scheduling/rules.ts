// Pooled appointment slots and beds: pure rules (no I/O) for generating slots from a weekly pattern,
// for who may take a place in a slot, and for what may happen to a bed. The booking statement in the
// service enforces the same conditions atomically; these rules name the refusal.

export const EQUIPMENT = ['ct', 'mri', 'ultrasound', 'endoscopy', 'dr', 'ecg', 'other'] as const;
export type Equipment = (typeof EQUIPMENT)[number];
export const EQUIPMENT_LABELS: Record<Equipment, { zh: string; en: string }> = {
  ct: { zh: 'CT', en: 'CT' }, mri: { zh: '磁共振', en: 'MRI' }, ultrasound: { zh: '超声', en: 'Ultrasound' }, endoscopy: { zh: '内镜', en: 'Endoscopy' },
  dr: { zh: 'DR 拍片', en: 'X-ray (DR)' }, ecg: { zh: '心电图', en: 'ECG' }, other: { zh: '其他设备', en: 'Other equipment' },
};

export interface Session {
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
  start: string;
  end: string;
  slotMinutes: number;
  capacity: number;
}

export type Period = 'am' | 'pm' | 'night';
export type Channel = 'public' | 'referral' | 'staff';

/** Minutes since midnight of 'HH:MM', or null when malformed. */
export function minutesOf(hhmm: string): number | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/** The half-day a slot starting at 'HH:MM' belongs to: before 12:00 am, before 18:00 pm, else night. */
export function periodOf(hhmm: string): Period {
  const m = minutesOf(hhmm) ?? 0;
  return m < 12 * 60 ? 'am' : m < 18 * 60 ? 'pm' : 'night';
}

/** Problems with a weekly pattern, each with its field path. */
export function patternProblems(pattern: Session[]): { path: string; problem: string }[] {
  const out: { path: string; problem: string }[] = [];
  if (!pattern.length) out.push({ path: 'pattern', problem: 'at least one session / 至少一个时段' });
  pattern.forEach((s, i) => {
    const a = minutesOf(s.start);
    const b = minutesOf(s.end);
    if (a === null) out.push({ path: `pattern[${i}].start`, problem: 'HH:MM' });
    if (b === null) out.push({ path: `pattern[${i}].end`, problem: 'HH:MM' });
    if (a !== null && b !== null && b <= a) out.push({ path: `pattern[${i}].end`, problem: 'must be after start / 须晚于开始时间' });
    if (a !== null && b !== null && b > a && (b - a) % s.slotMinutes !== 0) out.push({ path: `pattern[${i}].slotMinutes`, problem: 'must divide the session / 须整除时段长度' });
    if (a !== null && b !== null && periodOf(s.start) !== periodOf(minutesToHhmm(b - 1))) out.push({ path: `pattern[${i}].end`, problem: 'a session stays within one half-day / 一个时段不能跨上下午' });
  });
  return out;
}

function minutesToHhmm(m: number): string {
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** ISO weekday (1 = Monday) of a 'YYYY-MM-DD' date. */
export function isoWeekday(date: string): number {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

/** The date `n` days after 'YYYY-MM-DD'. */
export function plusDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** Places of a slot held for referrals: the share, rounded down (a 1-place slot with 30 % holds none). */
export function referralPlaces(capacity: number, sharePct: number): number {
  return Math.floor((capacity * sharePct) / 100);
}

export interface SlotSpec {
  sessionDate: string;
  period: Period;
  startsAt: string;
  endsAt: string;
  capacity: number;
  referralCapacity: number;
  releaseAt: string;
}

// China keeps one offset all year (no daylight saving): local clock times are UTC+08:00.
const OFFSET = '+08:00';
const iso = (date: string, hhmm: string) => new Date(`${date}T${hhmm}:00${OFFSET}`).toISOString();

/** The slots of a schedule between two dates (inclusive), skipping the exception days. */
export function generateSlots(pattern: Session[], from: string, to: string, closed: ReadonlySet<string>, sharePct: number, releaseHours: number): SlotSpec[] {
  const out: SlotSpec[] = [];
  for (let d = from; d <= to; d = plusDays(d, 1)) {
    if (closed.has(d)) continue;
    const wd = isoWeekday(d);
    for (const s of pattern) {
      if (s.weekday !== wd) continue;
      const a = minutesOf(s.start)!;
      const b = minutesOf(s.end)!;
      for (let m = a; m + s.slotMinutes <= b; m += s.slotMinutes) {
        const startsAt = iso(d, minutesToHhmm(m));
        out.push({
          sessionDate: d, period: periodOf(s.start), startsAt, endsAt: iso(d, minutesToHhmm(m + s.slotMinutes)), capacity: s.capacity,
          referralCapacity: referralPlaces(s.capacity, sharePct), releaseAt: new Date(Date.parse(startsAt) - releaseHours * 3_600_000).toISOString(),
        });
      }
    }
  }
  return out;
}

export interface SlotState {
  status: 'open' | 'closed';
  startsAt: Date;
  releaseAt: Date;
  capacity: number;
  referralCapacity: number;
  booked: number;
  referralBooked: number;
}

export type BookRefusal = 'slot.closed' | 'slot.past' | 'slot.full' | 'slot.reserved_for_referrals';

/** Whether a channel may take a place now; the refusal code when not. Referral places not yet released are only for referrals. */
export function bookRefusal(s: SlotState, channel: Channel, now: Date): BookRefusal | null {
  if (s.status !== 'open') return 'slot.closed';
  if (s.startsAt.getTime() <= now.getTime()) return 'slot.past';
  if (s.booked >= s.capacity) return 'slot.full';
  if (channel === 'referral' || now.getTime() >= s.releaseAt.getTime()) return null;
  const publicPlaces = s.capacity - s.referralCapacity;
  const publicTaken = s.booked - s.referralBooked;
  return publicTaken >= publicPlaces ? 'slot.reserved_for_referrals' : null;
}

/** Places a channel can still take now (what the slot picker shows). */
export function placesLeft(s: SlotState, channel: Channel, now: Date): number {
  if (s.status !== 'open' || s.startsAt.getTime() <= now.getTime()) return 0;
  const all = s.capacity - s.booked;
  if (channel === 'referral' || now.getTime() >= s.releaseAt.getTime()) return Math.max(0, all);
  // Referral bookings beyond the held share used public places too.
  const heldLeft = Math.max(0, s.referralCapacity - s.referralBooked);
  return Math.max(0, all - heldLeft);
}

export type BedStatus = 'free' | 'occupied' | 'reserved' | 'closed';
export type BedAction = 'reserve' | 'admit' | 'release' | 'close' | 'open';

/** The bed status an action leads to, or null when the action is refused in that status. Admitting needs a free bed or the patient's own reservation. */
export function bedNext(status: BedStatus, action: BedAction, sameResident: boolean): BedStatus | null {
  switch (action) {
    case 'reserve': return status === 'free' ? 'reserved' : null;
    case 'admit': return status === 'free' || (status === 'reserved' && sameResident) ? 'occupied' : null;
    case 'release': return status === 'occupied' || status === 'reserved' ? 'free' : null;
    case 'close': return status === 'free' ? 'closed' : null;
    case 'open': return status === 'closed' ? 'free' : null;
  }
}
