// Who may act in scheduling: the principal's facility, the facilities they may administer, and for
// whom they may book. Shared by the schedules, bookings and beds use cases of this module.
import type { Queryable } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';
import { AppError, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { scopePrefix } from '../../platform/scope.ts';
import { regionPrefix } from '../../shared/roles.ts';
import type { BookRefusal } from './rules.ts';
import * as store from './store.ts';

const REFUSALS: Record<BookRefusal, { zh: string; en: string }> = {
  'slot.closed': { zh: '该号源已停诊', en: 'The slot is closed' },
  'slot.past': { zh: '该号源时间已过', en: 'The slot has already started' },
  'slot.full': { zh: '该号源已约满', en: 'The slot is fully booked' },
  'slot.reserved_for_referrals': { zh: '剩余号源预留给医共体转诊，尚未开放', en: 'The remaining places are held for referrals and not yet released' },
};

/** The 409 for a refused booking, with its stable code. */
export function refusal(code: BookRefusal): AppError {
  return conflict(code, REFUSALS[code], [{ path: 'slotId', problem: code }]);
}

export const MANAGERS = new Set(['sysadmin', 'manager', 'coordinator']);

/** The facility the principal works at (id, region), or null. */
export async function myFacility(q: Queryable, p: Principal): Promise<{ id: string; region: string; tier: string } | null> {
  if (!p.facilityCode) return null;
  const f = await store.facilityByCode(q, p.facilityCode);
  return f ? { id: f.id, region: f.region_code, tier: f.tier } : null;
}

/** The facility a manager may administer: their own, or (sysadmin/manager) any in their region. */
export async function manageableFacility(q: Queryable, p: Principal, code: string): Promise<{ id: string; region: string; county: string }> {
  const f = await store.facilityByCode(q, code);
  if (!f) throw notFound({ zh: '机构', en: 'Facility' });
  const own = p.facilityCode === code;
  const inRegion = p.role === 'sysadmin' || (p.role === 'manager' && p.regionCode && f.region_code.startsWith(regionPrefix(p.regionCode)));
  if (!MANAGERS.has(p.role) || !(own || inRegion)) throw forbidden({ zh: '只能管理本机构的排班和床位', en: 'You can manage only your own facility\'s schedules and beds' });
  return { id: f.id, region: f.region_code, county: f.region_code.slice(0, 6) };
}

/**
 * Whom one may act for in scheduling: a resident for themself; staff of a facility for a resident of its
 * county (a booking or a waiting-list entry then needs a legal basis, or an open referral of their facility: bookings.ts).
 */
export async function bookingActor(q: Queryable, p: Principal, residentId: string): Promise<{ county: string; village: string }> {
  const r = await store.bookableResident(q, residentId);
  if (!r) throw notFound({ zh: '居民', en: 'Resident' });
  if (p.role === 'resident') {
    if ((await store.residentOfUser(q, p.userId)) !== residentId) throw notFound({ zh: '居民', en: 'Resident' });
    return { county: r.county_code, village: r.village_code };
  }
  const f = await myFacility(q, p);
  if (p.role !== 'sysadmin' && (!f || f.region.slice(0, 6) !== r.county_code)) throw notFound({ zh: '居民', en: 'Resident' });
  return { county: r.county_code, village: r.village_code };
}

/**
 * A read that takes a resident id: the resident themself, or staff whose region scope holds the
 * resident's village — the rule of the resident's own read (GET /api/residents/:id); otherwise 404.
 */
export async function readableResident(q: Queryable, p: Principal, residentId: string): Promise<void> {
  const { village } = await bookingActor(q, p, residentId);
  if (p.role === 'resident') return;
  const within = await scopePrefix(q, p);
  if (within !== null && !village.startsWith(within)) throw notFound({ zh: '居民', en: 'Resident' });
}

export const constraintOf = (e: unknown) => (e as { constraint?: string }).constraint ?? '';
