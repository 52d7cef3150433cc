// Who may open a resident's record: only with a legal basis the system can see. Without one the
// answer is 404, exactly as for a resident who does not exist.
import type { Queryable } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';
import { notFound } from '../../platform/errors.ts';
import { regionPrefix } from '../../shared/roles.ts';

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

const CLINICAL = new Set(['doctor', 'nurse', 'village_doctor', 'coordinator', 'public_health']);

/** Finds the first legal basis the principal has for this resident's record, or null. */
export async function findBasis(q: Queryable, p: Principal, residentId: string, o: AccessOptions): Promise<{ basis: Basis; part: Part } | null> {
  if (p.role === 'resident') {
    const [u] = await q.query<{ resident_id: string | null }>('SELECT resident_id FROM users WHERE id = $1', [p.userId]);
    return u?.resident_id === residentId ? { basis: 'self', part: 'all' } : null;
  }
  if (!CLINICAL.has(p.role)) return null;
  // One query answers every basis at once; the CTEs name the worker and the facilities the
  // principal works at today (their user facility, employer and active postings).
  const [r] = await q.query<Record<Basis, boolean> & { in_region: boolean }>(
    `WITH me AS (SELECT u.worker_id, u.team_id FROM users u WHERE u.id = $1),
          fac AS (
            SELECT f.id FROM facilities f WHERE f.code = $3
            UNION SELECT w.employer_id FROM me JOIN workers w ON w.id = me.worker_id
            UNION SELECT wp.facility_id FROM me JOIN worker_postings wp ON wp.worker_id = me.worker_id
                   WHERE wp.start_on <= current_date AND (wp.end_on IS NULL OR wp.end_on >= current_date)),
          res AS (SELECT id, village_code FROM residents WHERE id = $2 AND merged_into IS NULL)
     SELECT
       EXISTS (SELECT 1 FROM contracts c, me WHERE c.resident_id = $2 AND c.status IN ('signed','renewed')
                 AND c.starts_on <= current_date AND c.ends_on >= current_date
                 AND (c.team_id = me.team_id OR EXISTS (SELECT 1 FROM care_team_members m WHERE m.team_id = c.team_id AND m.worker_id = me.worker_id))) AS contract,
       EXISTS (SELECT 1 FROM referrals rf WHERE rf.resident_id = $2 AND rf.status IN ('sent','accepted','arrived')
                 AND (rf.from_facility_id IN (SELECT id FROM fac) OR rf.to_facility_id IN (SELECT id FROM fac))) AS referral,
       EXISTS (SELECT 1 FROM encounters e, me WHERE e.resident_id = $2 AND e.started_at >= now() - make_interval(days => $4)
                 AND (e.worker_id = me.worker_id OR e.facility_id IN (SELECT id FROM fac))) AS encounter,
       EXISTS (SELECT 1 FROM consents cs, me WHERE cs.resident_id = $2 AND cs.withdrawn_at IS NULL
                 AND cs.starts_on <= current_date AND cs.ends_on >= current_date
                 AND (cs.grantee_worker_id = me.worker_id OR cs.grantee_facility_id IN (SELECT id FROM fac))) AS consent,
       EXISTS (SELECT 1 FROM break_glass b WHERE b.resident_id = $2 AND b.user_id = $1 AND b.expires_at > now()) AS break_glass,
       EXISTS (SELECT 1 FROM res WHERE $5::text IS NOT NULL AND res.village_code LIKE $5 || '%') AS public_health,
       EXISTS (SELECT 1 FROM res) AS in_region`,
    [p.userId, residentId, p.facilityCode, o.encounterDays, p.role === 'public_health' ? await publicHealthRegion(q, p) : null],
  );
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
  const [f] = await q.query<{ region_code: string }>('SELECT region_code FROM facilities WHERE code = $1', [p.facilityCode]);
  return f ? regionPrefix(f.region_code) : null;
}

/** The basis or a 404 indistinguishable from a missing resident. */
export async function requireBasis(q: Queryable, p: Principal, residentId: string, o: AccessOptions): Promise<{ basis: Basis; part: Part }> {
  const b = await findBasis(q, p, residentId, o);
  if (!b) throw notFound({ zh: '居民', en: 'Resident' });
  return b;
}
