// The deductible-once calculator and its configuration (insurance parameters per county and tier, in
// fen and basis points), and the referral service levels.
import type { Db, Queryable } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';
import { actorOf } from '../../platform/auth.ts';
import { writeAudit } from '../../platform/audit.ts';
import { badRequest, type FieldProblem } from '../../platform/errors.ts';
import { residentShare, type Stay, type Tier, type TierParameters, type Urgency } from './rules.ts';
import { loadSla } from './context.ts';
import * as store from './store.ts';

/** The configured parameters of a county (falling back to the '*' defaults), in fen and basis points. */
export async function insuranceParameters(q: Queryable, county: string): Promise<Record<Tier, TierParameters>> {
  const out = {} as Record<Tier, TierParameters>;
  for (const r of await store.insuranceParameters(q, county)) out[r.tier] = { deductibleFen: r.deductible_fen, reimburseBp: r.reimburse_bp, capFen: r.cap_fen };
  return out;
}

/** The resident's share of a chain of stays, with and without the deductible-once rule. */
export async function estimatePayment(db: Db, county: string, stays: Stay[], inCommunityReferral: boolean) {
  const params = await insuranceParameters(db, county);
  const missing = stays.map((s, i) => (params[s.tier] ? null : { path: `stays[${i}].tier`, problem: 'no parameters configured / 未配置参数' })).filter((x): x is FieldProblem => !!x);
  if (missing.length) throw badRequest('payment.no_parameters', { zh: '未配置该级别的医保参数', en: 'No insurance parameters for that tier' }, missing);
  const applied = residentShare(stays, params, inCommunityReferral);
  const separate = residentShare(stays, params, false);
  return { parameters: params, applied, separate, savedFen: separate.residentFen - applied.residentFen, deductibleOnce: inCommunityReferral };
}

/** Sets a county's parameters for a tier (configuration, audited). */
export async function setInsuranceParameters(db: Db, p: Principal, county: string, tier: Tier, v: TierParameters) {
  return db.tx(async (q) => {
    await store.upsertInsuranceParameters(q, county, tier, v);
    await writeAudit(q, actorOf(p, p.ip), { action: 'referral.insurance_parameters', outcome: 'ok', details: { county, tier, ...v } });
    return { county, tier, ...v };
  });
}

/** Sets the service level of an urgency (minutes to acceptance). */
export async function setSla(db: Db, p: Principal, urgency: Urgency, minutes: number) {
  return db.tx(async (q) => {
    await store.setSla(q, urgency, minutes);
    await writeAudit(q, actorOf(p, p.ip), { action: 'referral.sla', outcome: 'ok', details: { urgency, minutes } });
    return loadSla(q);
  });
}

/** The service levels in force. */
export const getSla = (db: Db) => loadSla(db);
