// The shared pharmacy's rules (pure): expiry warnings, first-expiry-first-out picking, and the
// missing-drug registration's states (基层缺药登记: registered → filled by the county pharmacy →
// in transit → delivered to the patient).

/** Days before expiry from which a lot is flagged (a local setting; commonly 3 months — no national figure). */
export const EXPIRY_WARN_DAYS = 90;

/** A lot's expiry state on a day: expired (past its date), expiring within EXPIRY_WARN_DAYS, or ok. */
export function expiryStatus(expiresOn: string, today: string, warnDays = EXPIRY_WARN_DAYS): 'expired' | 'expiring' | 'ok' {
  if (expiresOn < today) return 'expired';
  const d = (Date.parse(`${expiresOn}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000;
  return d <= warnDays ? 'expiring' : 'ok';
}

/**
 * Which lots a quantity comes from, first expiry first (FEFO), never an expired lot; null when the
 * unexpired stock is short.
 */
export function pickFefo(lots: { id: string; expiresOn: string; quantity: number }[], quantity: number, today: string): { id: string; quantity: number }[] | null {
  const usable = lots.filter((l) => l.expiresOn >= today && l.quantity > 0).sort((a, b) => a.expiresOn.localeCompare(b.expiresOn) || a.id.localeCompare(b.id));
  const out: { id: string; quantity: number }[] = [];
  let left = quantity;
  for (const l of usable) {
    if (left <= 0) break;
    const take = Math.min(l.quantity, left);
    out.push({ id: l.id, quantity: take });
    left -= take;
  }
  return left > 0 ? null : out;
}

export type ShortageStatus = 'registered' | 'filled' | 'in_transit' | 'delivered' | 'cancelled';
export type ShortageStep = 'fill' | 'ship' | 'deliver' | 'cancel';
const STEPS: Record<ShortageStep, { from: ShortageStatus[]; to: ShortageStatus }> = {
  fill: { from: ['registered'], to: 'filled' },
  ship: { from: ['filled'], to: 'in_transit' },
  deliver: { from: ['in_transit'], to: 'delivered' },
  cancel: { from: ['registered'], to: 'cancelled' },
};

/** The state a step leads to from a state, or null when the step is not allowed there. */
export function shortageNext(from: ShortageStatus, step: ShortageStep): ShortageStatus | null {
  return STEPS[step].from.includes(from) ? STEPS[step].to : null;
}
