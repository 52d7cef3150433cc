// What every referral use case starts from: the principal's facility and teams, the referral they
// may see (sender or receiver; a draft only its sender), the service levels, the refusal's error.
import type { Queryable } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { teamsOfUser } from '../contracts/service.ts';
import { INPUT_REFUSALS, REFUSAL_TEXT, type Refusal, type Sla, type Tier } from './rules.ts';
import * as store from './store.ts';

export interface Me { facilityId: string; tier: Tier; region: string; workerId: string | null; teamIds: string[] }

/** The principal's facility (refused when the account has none) and family-doctor teams. */
export async function whoAmI(q: Queryable, p: Principal): Promise<Me> {
  const r = await store.userFacility(q, p.userId);
  if (!r?.fid) throw forbidden({ zh: '您的账号未关联机构，不能处理转诊', en: 'Your account has no facility; you cannot handle referrals' });
  const teamIds = await teamsOfUser(q, p.userId);
  return { facilityId: r.fid, tier: r.tier, region: r.region_code, workerId: r.worker_id, teamIds };
}

/** The service levels in force (the defaults where a row is missing). */
export async function loadSla(q: Queryable): Promise<Sla> {
  const sla: Sla = { routine: 2880, urgent: 240, green_channel: 30 };
  for (const r of await store.slaRows(q)) sla[r.urgency] = r.accept_minutes;
  return sla;
}

/** The referral if the principal's facility sends or receives it; otherwise 404 as for a missing one. */
export async function visibleReferral(q: Queryable, p: Principal, id: string, lock = false): Promise<{ r: store.ReferralRow; m: Me; side: 'from' | 'to' }> {
  const m = await whoAmI(q, p);
  const r = lock ? await store.lockReferral(q, id) : await store.referralById(q, id);
  if (!r || (r.from_facility_id !== m.facilityId && r.to_facility_id !== m.facilityId)) throw notFound({ zh: '转诊单', en: 'Referral' });
  // A draft is the sender's until it is sent.
  if (r.status === 'draft' && r.from_facility_id !== m.facilityId) throw notFound({ zh: '转诊单', en: 'Referral' });
  return { r, m, side: r.from_facility_id === m.facilityId ? 'from' : 'to' };
}

/** The error of a refused transition: 400 for a missing input, 409 for a state conflict. */
export function refuse(code: Refusal, field: string | undefined, problem: string, message: { zh: string; en: string } = REFUSAL_TEXT[code]) {
  const fields = [{ path: field ?? 'status', problem }];
  return INPUT_REFUSALS.has(code) ? badRequest(code, message, fields) : conflict(code, message, fields);
}

export const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
