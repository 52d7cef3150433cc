// The one rule for writes that attach data to a resident's record: the writer needs a legal basis
// already (access.ts), or the write itself is a fact of the resident's care that opens one. Only an
// encounter opens a basis, and only when it is
//   - recorded with proof of the resident's presence (their full ID number typed or read from the
//     card, compared through the registry's lookup hash; or the one-time code their own signed-in
//     page shows) and starting within a small window around now: not in the future, not before
//     today (Asia/Shanghai); or
//   - sent by a registered facility system (a system client) for its own facility, not in the future.
// Other data a facility system sends (an observation batch) needs the resident in that facility's
// care: a recent encounter there, an open referral to or from it, or the resident's consent.
// Every write path of the record and of the modules built on it (follow-ups, screening, the
// observation batch, and at merge bookings and referrals) goes through assertMayAttach.
import { randomInt } from 'node:crypto';
import { z } from 'zod';
import type { Db, Queryable } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';
import { actorOf } from '../../platform/auth.ts';
import { AppError, badRequest, conflict, notFound } from '../../platform/errors.ts';
import { writeAudit } from '../../platform/audit.ts';
import { lookupHash, type Keys } from '../../platform/crypto.ts';
import { dayOf } from '../../shared/time.ts';
import { findBasis, type AccessOptions, type Basis } from './access.ts';
import * as store from './store.ts';

/** How the resident's presence was shown ('none': not shown). Stored on the encounter. */
export type Presence = 'none' | 'id_number' | 'resident_code' | 'system';

/** Proof of presence as a request carries it: exactly one of the two. */
export const PresenceIn = z.strictObject({
  idNumber: z.string().min(1).max(32).optional(),
  code: z.string().regex(/^\d{6}$/, 'six digits / 六位数字').optional(),
}).refine((x) => (x.idNumber === undefined) !== (x.code === undefined), { message: 'give the ID number or the resident\'s code, one of them / 须提供身份证号或居民验证码之一', path: ['idNumber'] });
export type PresenceIn = z.infer<typeof PresenceIn>;

/** A proof of presence checked against the registry (or the resident's code), ready for assertMayAttach. */
export interface VerifiedPresence {
  readonly residentId: string;
  readonly kind: 'id_number' | 'resident_code';
  /** The presence code to consume when the write commits. */
  readonly codeId: string | null;
}

/** What assertMayAttach allows: the basis the writer has or opens, and the presence to store. */
export interface AttachGrant {
  readonly residentId: string;
  /** The basis the writer had before this write, or null when this write opens one. */
  readonly basis: Basis | null;
  /** The presence an encounter written under this grant carries ('none' opens nothing). */
  readonly presence: Presence;
  /** This write opens the writer's first basis (marked on the resident's access log). */
  readonly opens: boolean;
  readonly codeId: string | null;
}

/** Codes last this long, and a user may fail this many proofs in the window before being refused for a while. */
export const PRESENCE_CODE_MINUTES = 10;
const MAX_DENIALS = 5;
const DENIAL_WINDOW_MINUTES = 15;
const CODE_TRIES = 5;
/** Clock skew allowed between a sending system or a browser and the server. */
const SKEW_MS = 5 * 60_000;

const isSystem = (p: Principal) => p.kind === 'system';
/** The bases a facility (not a person) has: a system client of the facility sends under these. */
const FACILITY_BASES = ['referral', 'encounter', 'consent'] as const;
const codeHash = (keys: Keys, residentId: string, code: string) => lookupHash(keys, `presence:${residentId}:${code}`);

/** Whether a start time lies in the window a person may open a basis with: today (Asia/Shanghai), not in the future. */
export function inPresenceWindow(startedAt: string | Date, now = new Date()): boolean {
  const at = new Date(startedAt);
  if (Number.isNaN(at.getTime()) || at.getTime() > now.getTime() + SKEW_MS) return false;
  return dayOf(at) >= dayOf(now);
}

/**
 * Checks a proof of presence for a resident before the writing transaction; a wrong proof is
 * audited (denied) in its own transaction and counts against the user. Null when none was given.
 */
export async function verifyPresence(db: Db, keys: Keys, p: Principal, residentId: string, proof: PresenceIn | null | undefined): Promise<VerifiedPresence | null> {
  if (!proof) return null;
  const refused = await db.tx(async (q) => {
    if ((await store.recentPresenceDenials(q, p.userId, DENIAL_WINDOW_MINUTES)) >= MAX_DENIALS) return 'locked' as const;
    const field = proof.idNumber !== undefined ? 'presence.idNumber' : 'presence.code';
    let ok: VerifiedPresence | null = null;
    if (proof.idNumber !== undefined) {
      const hash = await store.residentIdHash(q, residentId);
      if (hash && hash === lookupHash(keys, proof.idNumber.trim().toUpperCase())) ok = { residentId, kind: 'id_number', codeId: null };
    } else {
      const c = await store.livePresenceCode(q, residentId);
      if (c && c.attempts < CODE_TRIES && c.code_hash === codeHash(keys, residentId, proof.code!)) ok = { residentId, kind: 'resident_code', codeId: c.id };
      else if (c) await store.presenceCodeTried(q, c.id);
    }
    if (ok) return ok;
    await writeAudit(q, actorOf(p, p.ip), { action: 'record.presence_denied', outcome: 'denied', residentId, details: { field } });
    return field;
  });
  if (refused === 'locked') {
    throw new AppError(429, 'record.presence_locked', { zh: `证明居民在场的尝试失败过多，请 ${DENIAL_WINDOW_MINUTES} 分钟后再试`, en: `Too many failed proofs of presence; try again in ${DENIAL_WINDOW_MINUTES} minutes` });
  }
  if (typeof refused === 'string') {
    throw badRequest('record.presence_invalid', { zh: '身份证号或居民验证码与该居民不符', en: 'The ID number or the resident\'s code does not match this resident' },
      [{ path: refused, problem: 'does not match the resident / 与居民不符' }]);
  }
  return refused;
}

/**
 * Decides whether the principal may attach data to the resident inside the writing transaction:
 * with a basis they already have, or (`encounterAt` given: the write is an encounter starting then)
 * with one this encounter opens. 404, as for a missing resident, when neither.
 */
export async function assertMayAttach(q: Queryable, p: Principal, residentId: string, o: AccessOptions, w: { encounterAt?: string | Date; presence?: VerifiedPresence | null } = {}): Promise<AttachGrant> {
  if (w.presence && w.presence.residentId !== residentId) throw notFound({ zh: '居民', en: 'Resident' });
  if (isSystem(p)) {
    // A registered facility system records its own facility's care (the caller checked the facility):
    // its encounter opens a basis unless it lies in the future; anything else it sends (an
    // observation batch) needs the resident in the facility's care (a recent encounter there, an
    // open referral or a consent to it).
    if (w.encounterAt !== undefined) {
      const past = new Date(w.encounterAt).getTime() <= Date.now() + SKEW_MS;
      return { residentId, basis: null, presence: past ? 'system' : 'none', opens: past, codeId: null };
    }
    const f = p.facilityCode ? await store.facilityBasisFlags(q, p.facilityCode, residentId, o.encounterDays) : undefined;
    const basis = f?.in_region ? FACILITY_BASES.find((x) => f[x]) : undefined;
    if (!basis) throw notFound({ zh: '居民', en: 'Resident' });
    return { residentId, basis, presence: 'none', opens: false, codeId: null };
  }
  const had = await findBasis(q, p, residentId, o);
  const opening = w.encounterAt !== undefined && !!w.presence && inPresenceWindow(w.encounterAt);
  if (!had && !opening) {
    if (w.presence && w.encounterAt !== undefined) {
      throw badRequest('record.presence_window', { zh: '出示在场证明的诊疗须开始于今天、且不晚于现在', en: 'An encounter proven by the resident\'s presence must start today and not in the future' },
        [{ path: 'startedAt', problem: 'not today, or in the future / 不在今天或晚于现在' }]);
    }
    throw notFound({ zh: '居民', en: 'Resident' });
  }
  return { residentId, basis: had?.basis ?? null, presence: opening ? w.presence!.kind : 'none', opens: !had && opening, codeId: opening ? w.presence!.codeId : null };
}

/**
 * After an encounter was written under a grant (same transaction): consumes the resident's code and,
 * when the encounter opened the writer's first basis, marks it on the resident's access log.
 */
export async function settleGrant(q: Queryable, p: Principal, g: AttachGrant, encounterId: string): Promise<void> {
  if (g.codeId && !(await store.usePresenceCode(q, g.codeId))) throw conflict('record.presence_used', { zh: '该居民验证码已被使用', en: 'The resident\'s code has been used already' });
  if (g.opens) {
    await writeAudit(q, actorOf(p, p.ip), { action: 'record.basis_opened', outcome: 'ok', residentId: g.residentId, recordType: 'encounter', recordId: encounterId, basis: 'encounter', details: { presence: g.presence } });
  }
}

/** A resident's one-time code (shown on their own page) for a worker to record their presence; a new code replaces the previous one. */
export async function issuePresenceCode(db: Db, keys: Keys, p: Principal): Promise<{ code: string; expiresAt: string }> {
  return db.tx(async (q) => {
    const rid = p.role === 'resident' ? await store.residentOfUser(q, p.userId) : null;
    if (!rid) throw notFound();
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const expires = await store.replacePresenceCode(q, rid, codeHash(keys, rid, code), PRESENCE_CODE_MINUTES);
    await writeAudit(q, actorOf(p, p.ip), { action: 'resident.presence_code', outcome: 'ok', residentId: rid });
    return { code, expiresAt: expires.toISOString() };
  });
}


/** Whether an ID number (as a device or file carries it) is the resident's, compared through the lookup hash; the number is neither stored nor logged. */
export async function idNumberIs(q: Queryable, keys: Keys, residentId: string, idNumber: string): Promise<boolean> {
  const hash = await store.residentIdHash(q, residentId);
  return !!hash && hash === lookupHash(keys, idNumber.trim().toUpperCase());
}
