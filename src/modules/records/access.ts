// Who may open a resident's record: only with a legal basis the system can see. Without one the
// answer is 404, exactly as for a resident who does not exist.
import type { Queryable } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';
import { notFound } from '../../platform/errors.ts';
import { CLINICAL_ROLES, regionPrefix } from '../../shared/roles.ts';
import { basisFlags, facilityRegion, residentOfUser } from './store.ts';

/** The legal bases, in the order they are looked for. */
export const BASES = ['self', 'contract', 'referral', 'encounter', 'consent', 'break_glass', 'public_health'] as const;
export type Basis = (typeof BASES)[number];

export const BASIS_LABELS: Record<Basis, { zh: string; en: string }> = {
  self: { zh: '本人', en: 'The resident themself' },
  contract: { zh: '家庭医生签约', en: 'Family-doctor contract' },
  referral: { zh: '转诊', en: 'Open referral' },
  encounter: { zh: '近期就诊', en: 'Recent encounter' },
  consent: { zh: '居民授权', en: 'Resident\'s consent' },
  break_glass: { zh: '紧急访问', en: 'Emergency (break-glass)' },
  public_health: { zh: '公共卫生服务', en: 'Public-health service' },
};

/** Which parts of the record a basis opens: everything, or the public-health parts only. */
export type Part = 'all' | 'public_health';

export interface AccessOptions {
  encounterDays: number;
}


/** Finds the first legal basis the principal has for this resident's record, or null. */
export async function findBasis(q: Queryable, p: Principal, residentId: string, o: AccessOptions): Promise<{ basis: Basis; part: Part } | null> {
  if (p.role === 'resident') {
    return (await residentOfUser(q, p.userId)) === residentId ? { basis: 'self', part: 'all' } : null;
  }
  if (!(CLINICAL_ROLES as readonly string[]).includes(p.role)) return null;
  const r = await basisFlags(q, p.userId, residentId, p.facilityCode, o.encounterDays, p.role === 'public_health' ? await publicHealthRegion(q, p) : null);
  if (!r?.in_region) return null;
  for (const b of BASES) {
    if (b === 'self') continue;
    if (r[b]) return { basis: b, part: b === 'public_health' ? 'public_health' : 'all' };
  }
  return null;
}

async function publicHealthRegion(q: Queryable, p: Principal): Promise<string | null> {
  if (p.regionCode) return regionPrefix(p.regionCode);
  if (!p.facilityCode) return null;
  const region = await facilityRegion(q, p.facilityCode);
  return region ? regionPrefix(region) : null;
}

/** The basis or a 404 indistinguishable from a missing resident. */
export async function requireBasis(q: Queryable, p: Principal, residentId: string, o: AccessOptions): Promise<{ basis: Basis; part: Part }> {
  const b = await findBasis(q, p, residentId, o);
  if (!b) throw notFound({ zh: '居民', en: 'Resident' });
  return b;
}
