// The shared diagnostic centres' rules, pure (the web imports them too): the order's state machine,
// the specimen's steps, flags against a reference range, critical values against the centre's rules,
// the turnaround deadline and figures, the recognition window.

export const MODALITIES = ['imaging', 'ecg', 'laboratory', 'pathology'] as const;
export type Modality = (typeof MODALITIES)[number];
export const ITEM_KINDS = ['DR', 'CT', 'MR', 'US', 'ECG', 'LAB', 'PATH'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];
/** Which item kinds a centre of a modality reads. */
export const KINDS_OF: Record<Modality, readonly ItemKind[]> = { imaging: ['DR', 'CT', 'MR', 'US'], ecg: ['ECG'], laboratory: ['LAB'], pathology: ['PATH'] };

export const ORDER_STATUSES = ['ordered', 'scheduled', 'acquired', 'received', 'rejected', 'preliminary', 'verified', 'published', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** The order's steps: ordered → scheduled → acquired (specimen collected) → received (or rejected) → preliminary → verified → published. */
export const ORDER_MOVES: Record<string, { from: readonly OrderStatus[]; to: OrderStatus }> = {
  schedule: { from: ['ordered'], to: 'scheduled' },
  acquire: { from: ['ordered', 'scheduled'], to: 'acquired' },
  receive: { from: ['acquired'], to: 'received' },
  reject: { from: ['acquired', 'received'], to: 'rejected' },
  // the first doctor's report (two-level centres), or the report that is verified at once
  preliminary: { from: ['acquired', 'received'], to: 'preliminary' },
  verify: { from: ['acquired', 'received', 'preliminary'], to: 'verified' },
  publish: { from: ['verified'], to: 'published' },
  cancel: { from: ['ordered', 'scheduled'], to: 'cancelled' },
};
export type OrderMove = keyof typeof ORDER_MOVES;

/** The status an order reaches by a move, or null when the move is not allowed from where it stands. */
export function nextStatus(from: OrderStatus, move: string): OrderStatus | null {
  const m = ORDER_MOVES[move];
  return m && m.from.includes(from) ? m.to : null;
}

/** Whether the centre's modality sends a specimen (laboratory, pathology) rather than an image or tracing read where it was acquired. */
export const specimenModality = (m: Modality): boolean => m === 'laboratory' || m === 'pathology';

/** Whether an order may be read: an image or tracing once acquired, a specimen only once the centre received it. */
export function readable(status: OrderStatus, modality: Modality): boolean {
  return specimenModality(modality) ? status === 'received' || status === 'preliminary' : status === 'acquired' || status === 'received' || status === 'preliminary';
}

/** A transported specimen's steps (lab, pathology): collected → sent → received, or rejected on arrival. */
export const SPECIMEN_STEPS = ['collected', 'sent', 'received', 'rejected'] as const;
export type SpecimenStep = (typeof SPECIMEN_STEPS)[number];
const SPECIMEN_AFTER: Record<SpecimenStep, readonly (SpecimenStep | null)[]> = { collected: [null], sent: ['collected'], received: ['sent', 'collected'], rejected: ['sent', 'collected', 'received'] };

/** Whether a specimen step may follow the last one taken (null: none yet). */
export function specimenStepAllowed(last: SpecimenStep | null, next: SpecimenStep): boolean {
  return SPECIMEN_AFTER[next].includes(last);
}

export type Flag = 'L' | 'N' | 'H';
/** L/N/H of a value against its reference range (either end may be missing). */
export function flagOf(value: number, low: number | null, high: number | null): Flag {
  if (low != null && value < low) return 'L';
  if (high != null && value > high) return 'H';
  return 'N';
}

export interface CriticalRule { code: string; nameZh: string; nameEn: string; kind: 'numeric' | 'finding'; unit: string | null; below: number | null; above: number | null; source: string }
export interface ObservationValue { code: string; value: number; unit: string }
export interface CriticalHit { code: string; nameZh: string; nameEn: string; value?: number; unit?: string; bound?: string; source: string }

/**
 * The critical values of a report: each observation beyond its rule's bound (strictly below `below`
 * or above `above`, in the rule's unit), and each coded finding the reader ticked that is a rule.
 */
export function criticalHits(rules: readonly CriticalRule[], observations: readonly ObservationValue[], findings: readonly string[]): CriticalHit[] {
  const hits: CriticalHit[] = [];
  for (const o of observations) {
    const r = rules.find((x) => x.kind === 'numeric' && x.code === o.code && x.unit === o.unit);
    if (!r) continue;
    if (r.below != null && o.value < r.below) hits.push({ code: r.code, nameZh: r.nameZh, nameEn: r.nameEn, value: o.value, unit: o.unit, bound: `< ${r.below}`, source: r.source });
    else if (r.above != null && o.value > r.above) hits.push({ code: r.code, nameZh: r.nameZh, nameEn: r.nameEn, value: o.value, unit: o.unit, bound: `> ${r.above}`, source: r.source });
  }
  for (const f of new Set(findings)) {
    const r = rules.find((x) => x.kind === 'finding' && x.code === f);
    if (r) hits.push({ code: r.code, nameZh: r.nameZh, nameEn: r.nameEn, source: r.source });
  }
  return hits;
}

/** The reading deadline: the acquisition (or receipt of the specimen) plus the item's turnaround target. */
export function dueAt(from: Date, turnaroundMinutes: number): Date {
  return new Date(from.getTime() + turnaroundMinutes * 60_000);
}

/** Minutes between two instants, to one decimal. */
export function minutesBetween(a: Date | string, b: Date | string): number {
  return Math.round((new Date(b).getTime() - new Date(a).getTime()) / 6000) / 10;
}

/** The median of a list (the mean of the middle two for an even count); null when empty. */
export function median(xs: readonly number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The share (percent, one decimal) of `n` in `d`; null when d is 0. */
export function share(n: number, d: number): number | null {
  return d ? Math.round((n / d) * 1000) / 10 : null;
}

/** Whether an earlier result still stands for recognition on `day`: recognised item, reported within its window of days. */
export function withinRecognition(reportedAt: Date | string, days: number | null, now: Date): boolean {
  if (days == null) return false;
  return now.getTime() - new Date(reportedAt).getTime() <= days * 86_400_000;
}

/** The escalation state of a critical alert at `now`: acknowledged, open within its limit, or overdue (to escalate). */
export function alertState(a: { ackDueAt: Date | string; acknowledgedAt: Date | string | null }, now: Date): 'acknowledged' | 'open' | 'overdue' {
  if (a.acknowledgedAt) return 'acknowledged';
  return now.getTime() > new Date(a.ackDueAt).getTime() ? 'overdue' : 'open';
}
