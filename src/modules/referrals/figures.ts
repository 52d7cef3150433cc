// Referral figures for a region and year (aggregates only, no person shown).
import type { Queryable } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';
import { regionPrefix } from '../../shared/roles.ts';
import { share } from './rules.ts';
import type { Figures } from './schema.ts';
import * as store from './store.ts';

export type FigureGroup = 'facility' | 'township' | 'month';

/**
 * Referral figures for a region and year, by facility (the sender), township (the primary-care end:
 * the sender of an up-referral, the receiver of a down-referral) or month sent: counts up and down, the
 * share accepted, median hours from sending to acceptance and to arrival, the share of completed
 * up-referrals that returned a plan, and the down-referral ratio. Aggregates only.
 */
export async function referralFigures(q: Queryable, o: { regionPrefix: string | null; year: number; groupBy: FigureGroup }): Promise<Figures> {
  const rows = await store.figures(q, o.groupBy, o.year, o.regionPrefix);
  const round1 = (x: number | null) => (x == null ? null : Math.round(Number(x) * 10) / 10);
  const items = rows.map((r) => ({
    key: r.key, name: r.name ?? r.key, up: r.up, down: r.down, lateral: r.lateral, out: r.out, sent: r.sent, accepted: r.accepted, declined: r.declined, expired: r.expired,
    acceptedShare: share(r.accepted, r.sent), medianHoursToAccept: round1(r.h_accept), medianHoursToArrival: round1(r.h_arrive),
    completedUp: r.completed_up, completedWithPlan: r.completed_up_plan, planShare: share(r.completed_up_plan, r.completed_up), downRatio: share(r.down, r.up),
  }));
  const sum = (k: 'up' | 'down' | 'lateral' | 'out' | 'sent' | 'accepted' | 'declined' | 'expired' | 'completedUp' | 'completedWithPlan') => items.reduce((a, b) => a + b[k], 0);
  const tot = await store.figureMedians(q, o.year, o.regionPrefix);
  const totals = {
    up: sum('up'), down: sum('down'), lateral: sum('lateral'), out: sum('out'), sent: sum('sent'), accepted: sum('accepted'), declined: sum('declined'), expired: sum('expired'),
    completedUp: sum('completedUp'), completedWithPlan: sum('completedWithPlan'), acceptedShare: share(sum('accepted'), sum('sent')), planShare: share(sum('completedWithPlan'), sum('completedUp')),
    downRatio: share(sum('down'), sum('up')), medianHoursToAccept: round1(tot?.h_accept ?? null), medianHoursToArrival: round1(tot?.h_arrive ?? null),
  };
  return { items, totals };
}

/** The region a principal's figures cover (their region, else their facility's county; null = all). */
export async function figuresScope(q: Queryable, p: Principal): Promise<string | null> {
  if (p.role === 'sysadmin') return null;
  if (p.regionCode) return regionPrefix(p.regionCode);
  if (p.facilityCode) {
    const region = await store.facilityRegion(q, p.facilityCode);
    if (region) return region.slice(0, 6);
  }
  return '\u0000';
}
