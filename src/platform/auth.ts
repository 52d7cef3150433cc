// Passwords (Argon2id), sessions (random token in an HttpOnly cookie, only its hash stored),
// failed-sign-in lock, and the signed-in principal that every service receives.
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import { createHash, randomBytes } from 'node:crypto';
import type { Db, Queryable } from './db.ts';
import { AppError, badRequest, unauthorized } from './errors.ts';
import { writeAudit, type Actor } from './audit.ts';
import type { Role } from '../shared/roles.ts';

export const SESSION_COOKIE = 'meridian_session';
export const SESSION_HOURS = 12;
export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;

/** The session cookie's attributes: HttpOnly, SameSite=Strict, Secure when served over HTTPS. */
export function sessionCookieOptions(protocol: string) {
  return { path: '/', httpOnly: true, sameSite: 'strict' as const, secure: protocol === 'https', maxAge: SESSION_HOURS * 3600 };
}

export interface Principal {
  userId: string;
  username: string;
  displayName: string;
  role: Role;
  regionCode: string | null;
  facilityCode: string | null;
  ip: string | null;
  /** 'system' for a registered facility system (HIS/LIS) signed in with client credentials; absent or 'user' for a person. */
  kind?: 'user' | 'system';
  /** The system client's id (kind 'system'). */
  clientId?: string;
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

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  role: Role;
  region_code: string | null;
  facility_code: string | null;
  disabled: boolean;
  failed_logins: number;
  locked_until: Date | null;
}

const invalidCredentials = () =>
  unauthorized('auth.invalid_credentials', { zh: '用户名或密码错误', en: 'Wrong username or password' });

// A hash to verify against when the username does not exist, so that both cases take as long.
let dummyHash: Promise<string> | null = null;

/** Checks a username and password; on success opens a session and returns its token. */
export async function login(db: Db, username: string, password: string, ip: string | null, alias?: (login: string) => Promise<string | null>): Promise<{ token: string; principal: Principal }> {
  let rows = await db.query<UserRow>('SELECT * FROM users WHERE username = $1', [username]);
  // Residents sign in with their phone or ID number: the alias resolves it to their account.
  if (!rows.length && alias) {
    const real = await alias(username);
    if (real) rows = await db.query<UserRow>('SELECT * FROM users WHERE username = $1', [real]);
  }
  const u = rows[0];
  if (!u) {
    dummyHash ??= hashPassword('not-a-real-password-0');
    await argonVerify(await dummyHash, password).catch(() => false);
    await db.tx((q) => writeAudit(q, { userId: null, username, role: null, ip }, { action: 'auth.login', outcome: 'failed', details: { reason: 'unknown_user' } }));
    throw invalidCredentials();
  }
  const actor: Actor = { userId: u.id, username: u.username, role: u.role, ip };
  if (u.locked_until && u.locked_until.getTime() > Date.now()) {
    await db.tx((q) => writeAudit(q, actor, { action: 'auth.login', outcome: 'denied', details: { reason: 'locked' } }));
    throw new AppError(401, 'auth.locked', {
      zh: `登录失败次数过多，账户已临时锁定，请于 ${u.locked_until.toISOString()} 后再试`,
      en: `Too many failed sign-ins; the account is locked until ${u.locked_until.toISOString()}`,
    });
  }
  const ok = await argonVerify(u.password_hash, password).catch(() => false);
  if (!ok || u.disabled) {
    await db.tx(async (q) => {
      if (!ok) {
        await q.query(
          `UPDATE users SET failed_logins = failed_logins + 1,
             locked_until = CASE WHEN failed_logins + 1 >= $2 THEN now() + make_interval(mins => $3) ELSE locked_until END
           WHERE id = $1`,
          [u.id, MAX_FAILED_LOGINS, LOCK_MINUTES],
        );
      }
      await writeAudit(q, actor, { action: 'auth.login', outcome: 'failed', details: { reason: ok ? 'disabled' : 'wrong_password' } });
    });
    throw invalidCredentials();
  }
  const token = randomBytes(32).toString('base64url');
  await db.tx(async (q) => {
    await q.query('UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1', [u.id]);
    await q.query(`INSERT INTO sessions (token_hash, user_id, expires_at, ip) VALUES ($1, $2, now() + make_interval(hours => $3), $4)`, [
      tokenHash(token), u.id, SESSION_HOURS, ip,
    ]);
    await writeAudit(q, actor, { action: 'auth.login', outcome: 'ok' });
  });
  return { token, principal: toPrincipal(u, ip) };
}

function toPrincipal(u: Pick<UserRow, 'id' | 'username' | 'display_name' | 'role' | 'region_code' | 'facility_code'>, ip: string | null): Principal {
  return { userId: u.id, username: u.username, displayName: u.display_name, role: u.role, regionCode: u.region_code, facilityCode: u.facility_code, ip };
}

/** Resolves a session token to its principal, or null when missing, expired or the user is disabled. */
export async function principalFromToken(db: Queryable, token: string, ip: string | null): Promise<Principal | null> {
  const rows = await db.query<UserRow & { last_seen_at: Date }>(
    `SELECT u.*, s.last_seen_at FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.token_hash = $1 AND s.expires_at > now() AND NOT u.disabled`,
    [tokenHash(token)],
  );
  const u = rows[0];
  if (!u) return null;
  if (Date.now() - u.last_seen_at.getTime() > 60_000) {
    await db.query('UPDATE sessions SET last_seen_at = now() WHERE token_hash = $1', [tokenHash(token)]);
  }
  return toPrincipal(u, ip);
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
