// Passwords (Argon2id), sessions (random token in an HttpOnly cookie, only its hash stored),
// the sign-in throttle per account and address, and the signed-in principal that every service receives.
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import { createHash, randomBytes } from 'node:crypto';
import type { Db, Queryable } from './db.ts';
import { AppError, badRequest, unauthorized } from './errors.ts';
import { writeAudit, type Actor } from './audit.ts';
import type { PrincipalRole, Role } from '../shared/roles.ts';

export const SESSION_COOKIE = 'meridian_session';
export const SESSION_HOURS = 12;
export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;
export const DEFAULT_IDLE_MINUTES = 30;

/** The session cookie's attributes: HttpOnly, SameSite=Strict, Secure when served over HTTPS. */
export function sessionCookieOptions(protocol: string) {
  return { path: '/', httpOnly: true, sameSite: 'strict' as const, secure: protocol === 'https', maxAge: SESSION_HOURS * 3600 };
}

export interface Principal {
  userId: string;
  username: string;
  displayName: string;
  role: PrincipalRole;
  regionCode: string | null;
  facilityCode: string | null;
  ip: string | null;
  /** Set when the session may only enrol a second factor (a role that must use two and has not yet). */
  enrolOnly?: true;
  /** 'system' for a registered facility system (HIS/LIS) signed in with client credentials; absent or 'user' for a person. */
  kind?: 'user' | 'system';
  /** The system client's id (kind 'system'). */
  clientId?: string;
  /** What the system's token allows (kind 'system'), e.g. 'records:write'. */
  scopes?: readonly string[];
}

/** The actor recorded in audit rows for this principal (or an anonymous caller). */
export function actorOf(p: Principal | null, ip: string | null): Actor {
  return p ? { userId: p.userId, username: p.username, role: p.role, ip: p.ip ?? ip } : { userId: null, username: null, role: null, ip };
}

/** Argon2id with the library's defaults (m=19 MiB, t=2, p=1: OWASP's minimum profile). */
export function hashPassword(password: string): Promise<string> {
  return argonHash(password);
}

/** Checks the password policy: 8+ characters, not all one kind. Returns the problems found. */
export function passwordProblems(password: string): string[] {
  const out: string[] = [];
  if (password.length < 8) out.push('at least 8 characters / 至少8个字符');
  if (password.length > 200) out.push('at most 200 characters / 最多200个字符');
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length;
  if (kinds < 2) out.push('mix at least two of: lower case, upper case, digits, symbols / 至少包含两类字符');
  return out;
}

/** Throws 400 naming the field when the password does not meet the policy. */
export function assertPasswordPolicy(password: string, field = 'password'): void {
  const p = passwordProblems(password);
  if (p.length) throw badRequest('auth.weak_password', { zh: '密码不符合要求', en: 'The password does not meet the policy' }, p.map((problem) => ({ path: field, problem })));
}

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  role: Role;
  region_code: string | null;
  facility_code: string | null;
  disabled: boolean;
  created_at: Date;
}

/** 401 auth.invalid_credentials: the one answer for a wrong name, a wrong password and a disabled account. */
export const invalidCredentials = () =>
  unauthorized('auth.invalid_credentials', { zh: '用户名或密码错误', en: 'Wrong username or password' });

// A hash to verify against when the username does not exist, so that both cases take as long.
let dummyHash: Promise<string> | null = null;

/** Verifies a password against a stored hash, or against a dummy hash when there is none (same cost). */
export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (stored === null) {
    dummyHash ??= hashPassword('not-a-real-password-0');
    await argonVerify(await dummyHash, password).catch(() => false);
    return false;
  }
  return argonVerify(stored, password).catch(() => false);
}

/** The account a sign-in names, if any. */
export async function userByUsername(db: Queryable, username: string): Promise<UserRow | null> {
  const rows = await db.query<UserRow>('SELECT id, username, display_name, password_hash, role, region_code, facility_code, disabled, created_at FROM users WHERE username = $1', [username]);
  return rows[0] ?? null;
}

/**
 * Claims one sign-in attempt for (subject, address) before the password is checked, atomically:
 * the first MAX_FAILED_LOGINS - 1 attempts go through at once, and from then on each claim pushes
 * the next allowed attempt out by 30 s, doubling per attempt, up to LOCK_MINUTES. A claim before
 * that time is refused, so parallel guesses are counted (and refused) one by one. Counting starts
 * again after a day without attempts. Returns the seconds to wait when refused, else 0.
 */
export async function claimSignInAttempt(db: Queryable, subject: string, ip: string | null): Promise<number> {
  const rows = await db.query<{ attempts: number }>(
    `INSERT INTO login_throttle AS t (subject, ip, attempts, not_before, last_at) VALUES ($1, $2, 1, now(), now())
     ON CONFLICT (subject, ip) DO UPDATE SET
       attempts = CASE WHEN t.last_at < now() - interval '1 day' THEN 1 ELSE t.attempts + 1 END,
       not_before = now() + CASE WHEN t.last_at < now() - interval '1 day' OR t.attempts + 1 < $3 THEN interval '0 seconds'
                                 ELSE least(make_interval(mins => $4), make_interval(secs => 30 * power(2, least(t.attempts + 1 - $3, 20)))) END,
       last_at = now()
     WHERE t.not_before <= now()
     RETURNING attempts`,
    [subject, ip ?? '', MAX_FAILED_LOGINS, LOCK_MINUTES],
  );
  if (rows.length) return 0;
  const [t] = await db.query<{ wait: number }>('SELECT ceil(greatest(extract(epoch FROM not_before - now()), 1))::int AS wait FROM login_throttle WHERE subject = $1 AND ip = $2', [subject, ip ?? '']);
  return t?.wait ?? 1;
}

/** A right password (and second factor) ends the count for this subject and address. */
export async function clearSignInAttempts(db: Queryable, subject: string, ip: string | null): Promise<void> {
  await db.query('DELETE FROM login_throttle WHERE subject = $1 AND ip = $2', [subject, ip ?? '']);
}

/** An administrator's password reset ends every count of the account (from every address). */
export async function clearAccountThrottle(db: Queryable, userId: string): Promise<void> {
  await db.query('DELETE FROM login_throttle WHERE subject = $1', [`u:${userId}`]);
}

/** 401 auth.locked: too many attempts for this account from this address; try again later. */
export function throttled(waitSeconds: number): AppError {
  return new AppError(401, 'auth.locked', {
    zh: `登录尝试过于频繁，请 ${waitSeconds} 秒后再试`,
    en: `Too many sign-in attempts; try again in ${waitSeconds} s`,
  });
}

export type SessionStage = 'full' | 'mfa' | 'enrol';
const MFA_PENDING_MINUTES = 5;

/** Opens a session of the stage for a user and returns its token (the cookie value). */
export async function openSession(q: Queryable, userId: string, ip: string | null, stage: SessionStage): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  if (stage === 'mfa') {
    await q.query(`INSERT INTO sessions (token_hash, user_id, expires_at, ip, stage) VALUES ($1, $2, now() + make_interval(mins => $3), $4, 'mfa')`, [tokenHash(token), userId, MFA_PENDING_MINUTES, ip]);
  } else {
    await q.query(`INSERT INTO sessions (token_hash, user_id, expires_at, ip, stage) VALUES ($1, $2, now() + make_interval(hours => $3), $4, $5)`, [tokenHash(token), userId, SESSION_HOURS, ip, stage]);
  }
  return token;
}

/** The user of a session awaiting its second factor (unexpired), with the codes tried so far. */
export async function pendingMfaSession(db: Queryable, token: string): Promise<{ user: UserRow; attempts: number } | null> {
  const rows = await db.query<UserRow & { mfa_attempts: number }>(
    `SELECT u.id, u.username, u.display_name, u.password_hash, u.role, u.region_code, u.facility_code, u.disabled, u.created_at, s.mfa_attempts
       FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token_hash = $1 AND s.stage = 'mfa' AND s.expires_at > now() AND NOT u.disabled`,
    [tokenHash(token)],
  );
  const r = rows[0];
  return r ? { user: r, attempts: r.mfa_attempts } : null;
}

/** Counts one wrong second factor on a pending session; returns the count. */
export async function countMfaFailure(db: Queryable, token: string): Promise<number> {
  const [r] = await db.query<{ n: number }>("UPDATE sessions SET mfa_attempts = mfa_attempts + 1 WHERE token_hash = $1 AND stage = 'mfa' RETURNING mfa_attempts AS n", [tokenHash(token)]);
  return r?.n ?? Number.MAX_SAFE_INTEGER;
}

/** Ends one session (any stage). */
export async function endSession(db: Queryable, token: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash(token)]);
}

/** Ends every session of a user (any stage); returns how many. */
export async function endSessionsOf(q: Queryable, userId: string): Promise<number> {
  return (await q.query('DELETE FROM sessions WHERE user_id = $1 RETURNING 1', [userId])).length;
}

/** Makes a session limited to enrolment a full one (the second factor is now enrolled). */
export async function promoteSession(db: Queryable, token: string): Promise<void> {
  await db.query("UPDATE sessions SET stage = 'full' WHERE token_hash = $1 AND stage = 'enrol'", [tokenHash(token)]);
}

/** The principal of a user row. */
export function toPrincipal(u: Pick<UserRow, 'id' | 'username' | 'display_name' | 'role' | 'region_code' | 'facility_code'>, ip: string | null, enrolOnly = false): Principal {
  const p: Principal = { userId: u.id, username: u.username, displayName: u.display_name, role: u.role, regionCode: u.region_code, facilityCode: u.facility_code, ip };
  if (enrolOnly) p.enrolOnly = true;
  return p;
}

/**
 * Resolves a session token to its principal, or null when missing, expired, idle for longer than
 * idleMinutes, awaiting its second factor, or the user is disabled. An idle session is deleted.
 */
export async function principalFromToken(db: Queryable, token: string, ip: string | null, idleMinutes = DEFAULT_IDLE_MINUTES): Promise<Principal | null> {
  const rows = await db.query<UserRow & { last_seen_at: Date; stage: SessionStage; idle: boolean }>(
    `SELECT u.*, s.last_seen_at, s.stage, s.last_seen_at < now() - make_interval(mins => $2) AS idle FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.token_hash = $1 AND s.expires_at > now() AND NOT u.disabled`,
    [tokenHash(token), idleMinutes],
  );
  const u = rows[0];
  if (!u || u.stage === 'mfa') return null;
  if (u.idle) {
    await db.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash(token)]);
    return null;
  }
  if (Date.now() - u.last_seen_at.getTime() > 60_000) {
    await db.query('UPDATE sessions SET last_seen_at = now() WHERE token_hash = $1', [tokenHash(token)]);
  }
  return toPrincipal(u, ip, u.stage === 'enrol');
}

/** Ends the session of this token. */
export async function logout(db: Db, token: string, p: Principal): Promise<void> {
  await db.tx(async (q) => {
    await q.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash(token)]);
    await writeAudit(q, actorOf(p, p.ip), { action: 'auth.logout', outcome: 'ok' });
  });
}

/** Changes the caller's own password after checking the current one; ends their other sessions. */
export async function changePassword(db: Db, p: Principal, current: string, next: string, keepToken: string): Promise<void> {
  const [u] = await db.query<UserRow>('SELECT * FROM users WHERE id = $1', [p.userId]);
  if (!u || !(await argonVerify(u.password_hash, current).catch(() => false))) {
    throw badRequest('auth.wrong_current_password', { zh: '当前密码不正确', en: 'The current password is wrong' }, [{ path: 'currentPassword', problem: 'does not match / 不正确' }]);
  }
  assertPasswordPolicy(next, 'newPassword');
  const h = await hashPassword(next);
  await db.tx(async (q) => {
    await q.query('UPDATE users SET password_hash = $2, password_changed_at = now(), updated_at = now() WHERE id = $1', [p.userId, h]);
    await q.query('DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2', [p.userId, tokenHash(keepToken)]);
    await writeAudit(q, actorOf(p, p.ip), { action: 'auth.change_password', outcome: 'ok', recordType: 'user', recordId: p.userId });
  });
}
