// Residents' own sign-in. A health worker who has a legal basis for the resident's record issues a
// one-time activation code (24 h) at the facility; the resident redeems it, setting a password only
// they know, and then signs in with their phone or ID number. No staff member ever sets or overwrites a
// resident's password: a forgotten password is a new code, and redeeming it ends every session of the
// account. Issuing and redeeming are audited and shown in the resident's access log.
import { randomInt } from 'node:crypto';
import type { Db, Queryable } from '../../platform/db.ts';
import { actorOf, assertPasswordPolicy, clearAccountThrottle, endSessionsOf, hashPassword, type Principal } from '../../platform/auth.ts';
import { AppError, notFound, unauthorized } from '../../platform/errors.ts';
import { writeAudit } from '../../platform/audit.ts';
import { lookupHash, type Keys } from '../../platform/crypto.ts';
import { liveResidentName, residentIdByLogin } from '../registry/residents.ts';
import { recordBasis } from '../records/service.ts';
import type { ActivationCodeOut, ResidentActivateIn } from './schema.ts';
import * as store from './store.ts';

export const ACTIVATION_CODE_HOURS = 24;
const CODE_TRIES = 5;
const codeHash = (keys: Keys, residentId: string, code: string) => lookupHash(keys, `activation:${residentId}:${code}`);

/** A resident account's username: from the whole resident id, so that two residents never share one. */
export const residentUsernameOf = (residentId: string) => `r-${residentId}`;

/** The username of the resident account a login (phone or ID number) names, if any. */
export async function residentUsername(q: Queryable, keys: Keys, login: string): Promise<string | null> {
  const rid = await residentIdByLogin(q, keys, login);
  if (!rid) return null;
  return (await store.accountOfResident(q, rid))?.username ?? null;
}

/** 410 for the retired route with which staff set a resident's password. */
export function passwordByStaffGone(): AppError {
  return new AppError(410, 'resident.account_password_gone', {
    zh: '工作人员不能设置居民的密码。请签发一次性激活码（POST /api/residents/{id}/activation-code），由居民本人在 POST /api/auth/resident-activate 设置密码。',
    en: 'Staff cannot set a resident\'s password. Issue a one-time activation code (POST /api/residents/{id}/activation-code); the resident sets their own password at POST /api/auth/resident-activate.',
  });
}

/**
 * A health worker with a legal basis for the resident's record issues a one-time code (24 h) for the
 * resident to set their own password; an earlier unused code ends. 404 without a basis, as for a
 * resident who does not exist.
 */
export async function issueActivationCode(db: Db, keys: Keys, p: Principal, residentId: string, o: { encounterDays: number }): Promise<ActivationCodeOut> {
  const basis = await recordBasis(db, p, residentId, o);
  return db.tx(async (q) => {
    if (!(await liveResidentName(q, residentId))) throw notFound({ zh: '居民', en: 'Resident' });
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await store.retireActivationCodes(q, residentId);
    const expires = await store.insertActivationCode(q, residentId, codeHash(keys, residentId, code), ACTIVATION_CODE_HOURS, p.userId);
    const hasAccount = !!(await store.accountOfResident(q, residentId));
    await writeAudit(q, actorOf(p, p.ip), { action: 'resident.activation_code', outcome: 'ok', residentId, recordType: 'resident', recordId: residentId, basis, details: { reset: hasAccount } });
    return { code, expiresAt: expires.toISOString(), reset: hasAccount };
  });
}

/**
 * A resident sets their own password with the code (5 tries per code): the account is made, or its
 * password replaced, and then every session of the account ends and its sign-in throttle clears.
 */
export async function activateWithCode(db: Db, keys: Keys, input: ResidentActivateIn, ip: string | null): Promise<void> {
  assertPasswordPolicy(input.password);
  const bad = () => unauthorized('auth.invalid_code', { zh: '账号或验证码错误', en: 'Wrong login or code' });
  const hash = await hashPassword(input.password);
  const r = await db.tx(async (q) => {
    const rid = await residentIdByLogin(q, keys, input.login);
    if (!rid) return 'bad' as const;
    const c = await store.liveActivationCode(q, rid);
    if (!c || c.attempts >= CODE_TRIES) return 'bad' as const;
    if (c.code_hash !== codeHash(keys, rid, input.code)) {
      await store.activationCodeTried(q, c.id);
      return 'bad' as const;
    }
    const name = await liveResidentName(q, rid);
    if (!name) return 'bad' as const;
    await store.useActivationCode(q, c.id);
    const existing = await store.accountOfResident(q, rid);
    let userId: string;
    if (existing) {
      userId = existing.id;
      await store.setPasswordHash(q, userId, hash);
      await endSessionsOf(q, userId);
      await clearAccountThrottle(q, userId);
    } else {
      userId = await store.insertResidentAccount(q, await freeUsername(q, rid), name, hash, rid);
    }
    await writeAudit(q, { userId: null, username: null, role: 'resident', ip }, { action: 'resident.activate', outcome: 'ok', residentId: rid, recordType: 'user', recordId: userId, details: { reset: !!existing } });
    return 'ok' as const;
  });
  if (r === 'bad') throw bad();
}

/** The resident's username, or (taken by someone else's account) the first free one after it. */
async function freeUsername(q: Queryable, residentId: string): Promise<string> {
  const base = residentUsernameOf(residentId);
  for (let i = 0; i < 20; i++) {
    const name = i === 0 ? base : `${base}-${i}`;
    if (!(await store.usernameTaken(q, name))) return name;
  }
  throw new AppError(409, 'user.username_taken', { zh: '无法为该居民生成用户名', en: 'No free username for this resident' }, [{ path: 'username', problem: 'taken / 已存在' }]);
}
