// Sign-in with one or two factors. The password step is throttled per (account, client address)
// and answers the same, as slowly, whether or not the account exists; sysadmin, manager and
// officer accounts add a TOTP code (RFC 6238) or a one-time recovery code, and must enrol one.
import { createHmac, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import type { Db, Queryable } from '../../platform/db.ts';
import type { Config } from '../../platform/config.ts';
import { decrypt, encrypt, lookupHash, type Keys } from '../../platform/crypto.ts';
import { writeAudit, type Actor } from '../../platform/audit.ts';
import { badRequest, conflict, forbidden, notFound, unauthorized } from '../../platform/errors.ts';
import {
  actorOf, claimSignInAttempt, clearAccountThrottle, clearSignInAttempts, countMfaFailure, endSession, endSessionsOf, invalidCredentials, openSession, pendingMfaSession,
  promoteSession, throttled, toPrincipal, userByUsername, verifyPassword, type Principal, type UserRow,
} from '../../platform/auth.ts';
import { TWO_FACTOR_ROLES } from '../../shared/roles.ts';
import { residentUsername } from '../users/accounts.ts';
import * as store from './store.ts';
import type { TwoFactorState } from './schema.ts';

export { TWO_FACTOR_ROLES };
const MAX_CODES_PER_PENDING = 5;
const RECOVERY_CODES = 10;
const ISSUER = 'Meridian';

export interface AuthContext {
  db: Db;
  keys: Keys;
  config: Pick<Config, 'require2fa' | 'twoFactorGraceDays'>;
}

export type SignInResult =
  | { kind: 'session'; token: string; principal: Principal; twoFactor: TwoFactorState }
  | { kind: 'mfa'; token: string };

const subjectOf = (keys: Keys, u: UserRow | null, typed: string) => (u ? `u:${u.id}` : `h:${lookupHash(keys, typed)}`);
const actorFor = (u: Pick<UserRow, 'id' | 'username' | 'role'>, ip: string | null): Actor => ({ userId: u.id, username: u.username, role: u.role, ip });

/** When the user must have enrolled a second factor: null when their role needs none (or it is not required). */
function enrolmentDue(ctx: AuthContext, u: Pick<UserRow, 'role' | 'created_at'>): Date | null {
  if (!ctx.config.require2fa || !TWO_FACTOR_ROLES.includes(u.role)) return null;
  return new Date(u.created_at.getTime() + ctx.config.twoFactorGraceDays * 86_400_000);
}

async function stateOf(ctx: AuthContext, q: Queryable, u: Pick<UserRow, 'id' | 'role' | 'created_at'>): Promise<TwoFactorState> {
  const t = await store.totpOf(q, u.id);
  const enrolled = !!t?.confirmed_at;
  const due = enrolmentDue(ctx, u);
  return {
    enrolled,
    required: due !== null,
    enrolmentDue: due && !enrolled ? due.toISOString() : null,
    enrolmentOverdue: !!due && !enrolled && due.getTime() <= Date.now(),
    recoveryCodesLeft: enrolled ? await store.recoveryCodesLeft(q, u.id) : 0,
  };
}

/**
 * The password step. The answer is 401 auth.invalid_credentials for an unknown name, a wrong
 * password and a disabled account alike (an unknown name is checked against a dummy hash, so it
 * takes as long), and 401 auth.locked when this address has tried this name too often; a failed
 * attempt by an unknown name is audited with a keyed hash of what was typed, never the text.
 */
export async function signIn(ctx: AuthContext, typed: string, password: string, ip: string | null): Promise<SignInResult> {
  const { db, keys } = ctx;
  let u = await userByUsername(db, typed);
  // Residents sign in with their phone or ID number: resolve it to their account.
  if (!u) {
    const real = await residentUsername(db, keys, typed);
    if (real) u = await userByUsername(db, real);
  }
  const subject = subjectOf(keys, u, typed);
  const anonymous: Actor = { userId: null, username: null, role: null, ip };
  const typedHash = u ? undefined : lookupHash(keys, typed);
  const wait = await claimSignInAttempt(db, subject, ip);
  if (wait) {
    await db.tx((q) => writeAudit(q, u ? actorFor(u, ip) : anonymous, { action: 'auth.login', outcome: 'denied', details: { reason: 'throttled', ...(typedHash ? { loginHash: typedHash } : {}) } }));
    throw throttled(wait);
  }
  const ok = await verifyPassword(u?.password_hash ?? null, password);
  if (!u || !ok || u.disabled) {
    const reason = !u ? 'unknown_user' : !ok ? 'wrong_password' : 'disabled';
    await db.tx((q) => writeAudit(q, u ? actorFor(u, ip) : anonymous, { action: 'auth.login', outcome: 'failed', details: { reason, ...(typedHash ? { loginHash: typedHash } : {}) } }));
    throw invalidCredentials();
  }
  const user = u;
  const state = await stateOf(ctx, db, user);
  if (state.enrolled) {
    // The count goes on until the second factor is right too, so codes are throttled as passwords are.
    const token = await db.tx(async (q) => {
      const t = await openSession(q, user.id, ip, 'mfa');
      await writeAudit(q, actorFor(user, ip), { action: 'auth.login', outcome: 'ok', details: { step: 'password', awaiting: 'totp' } });
      return t;
    });
    return { kind: 'mfa', token };
  }
  await clearSignInAttempts(db, subject, ip);
  const stage = state.enrolmentOverdue ? 'enrol' : 'full';
  const token = await db.tx(async (q) => {
    const t = await openSession(q, user.id, ip, stage);
    await writeAudit(q, actorFor(user, ip), { action: 'auth.login', outcome: 'ok', ...(stage === 'enrol' ? { details: { session: 'enrolment_only' } } : {}) });
    return t;
  });
  return { kind: 'session', token, principal: toPrincipal(user, ip, stage === 'enrol'), twoFactor: state };
}

const normaliseRecovery = (code: string) => code.toUpperCase().replace(/[\s-]/g, '');
const recoveryHash = (keys: Keys, userId: string, code: string) => createHmac('sha256', keys.lookup).update(`recovery-code:${userId}:${normaliseRecovery(code)}`).digest('hex');
const totpFor = (username: string, base32: string) => new TOTP({ issuer: ISSUER, label: username, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(base32) });

/** The 30-second step a code is valid for (now ±1 step for clock drift), or null. */
function stepOf(totp: TOTP, code: string): number | null {
  const now = Date.now();
  const delta = totp.validate({ token: code, timestamp: now, window: 1 });
  return delta === null ? null : Math.floor(now / 1000 / 30) + delta;
}

const invalidCode = () => unauthorized('auth.invalid_code', { zh: '验证码错误或已使用', en: 'The code is wrong or was already used' });

/**
 * The second step: a TOTP code (each accepted once) or an unused recovery code, on the session the
 * password step opened. Five wrong codes end that session; every code also counts in the throttle.
 */
export async function verifySecondFactor(ctx: AuthContext, pendingToken: string | null, code: string, ip: string | null): Promise<{ token: string; principal: Principal; twoFactor: TwoFactorState }> {
  const { db, keys } = ctx;
  const pending = pendingToken ? await pendingMfaSession(db, pendingToken) : null;
  if (!pending || !pendingToken) throw unauthorized('auth.mfa_session_expired', { zh: '请重新输入用户名和密码', en: 'Sign in with your password again' });
  const u = pending.user;
  const subject = `u:${u.id}`;
  const wait = await claimSignInAttempt(db, subject, ip);
  if (wait) throw throttled(wait);
  const t = await store.totpOf(db, u.id);
  if (!t?.secret_enc) throw unauthorized('auth.mfa_session_expired', { zh: '请重新输入用户名和密码', en: 'Sign in with your password again' });
  const digits = /^\d{6}$/.test(code.trim());
  let factor: 'totp' | 'recovery_code' | null = null;
  if (digits) {
    const step = stepOf(totpFor(u.username, decrypt(keys, t.secret_enc)), code.trim());
    if (step !== null && (await store.useStep(db, u.id, step))) factor = 'totp';
  } else if (await store.useRecoveryCode(db, u.id, recoveryHash(keys, u.id, code))) {
    factor = 'recovery_code';
  }
  if (!factor) {
    const n = await countMfaFailure(db, pendingToken);
    await db.tx(async (q) => {
      if (n >= MAX_CODES_PER_PENDING) await endSession(q, pendingToken);
      await writeAudit(q, actorFor(u, ip), { action: 'auth.second_factor', outcome: 'failed', details: { kind: digits ? 'totp' : 'recovery_code' } });
    });
    throw invalidCode();
  }
  await clearSignInAttempts(db, subject, ip);
  const token = await db.tx(async (q) => {
    await endSession(q, pendingToken);
    const full = await openSession(q, u.id, ip, 'full');
    await writeAudit(q, actorFor(u, ip), { action: 'auth.second_factor', outcome: 'ok', details: { kind: factor } });
    return full;
  });
  return { token, principal: toPrincipal(u, ip), twoFactor: await stateOf(ctx, db, u) };
}

async function userOf(db: Queryable, p: Principal): Promise<UserRow> {
  const u = await userByUsername(db, p.username);
  if (!u) throw unauthorized();
  return u;
}

/** The caller's second-factor state. */
export async function twoFactorState(ctx: AuthContext, p: Principal): Promise<TwoFactorState> {
  return stateOf(ctx, ctx.db, await userOf(ctx.db, p));
}

/**
 * Starts (or restarts) enrolment after re-checking the password: a new secret, shown as an
 * otpauth:// URI and its QR code; it takes effect when confirmed with a first code.
 */
export async function startEnrolment(ctx: AuthContext, p: Principal, password: string): Promise<{ secret: string; otpauthUri: string; qrSvg: string }> {
  const u = await userOf(ctx.db, p);
  if (!(await verifyPassword(u.password_hash, password))) {
    await ctx.db.tx((q) => writeAudit(q, actorOf(p, p.ip), { action: 'auth.2fa_enrol', outcome: 'failed', recordType: 'user', recordId: u.id, details: { reason: 'wrong_password' } }));
    throw badRequest('auth.wrong_current_password', { zh: '当前密码不正确', en: 'The current password is wrong' }, [{ path: 'password', problem: 'does not match / 不正确' }]);
  }
  const secret = new Secret({ size: 20 }).base32;
  const otpauthUri = totpFor(u.username, secret).toString();
  const qrSvg = await QRCode.toString(otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  await ctx.db.tx(async (q) => {
    await store.setPendingSecret(q, u.id, encrypt(ctx.keys, secret));
    await writeAudit(q, actorOf(p, p.ip), { action: 'auth.2fa_enrol', outcome: 'ok', recordType: 'user', recordId: u.id, details: { step: 'secret_issued' } });
  });
  return { secret, otpauthUri, qrSvg };
}

function newRecoveryCode(): string {
  const A = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const b = randomBytes(10);
  const s = Array.from(b, (x) => A[x % 32]).join('');
  return `${s.slice(0, 5)}-${s.slice(5)}`;
}

/**
 * Confirms enrolment with a first code from the authenticator: the secret takes effect, ten new
 * recovery codes are issued (shown once, stored hashed) and a session limited to enrolment
 * becomes a full one.
 */
export async function confirmEnrolment(ctx: AuthContext, p: Principal, sessionToken: string, code: string): Promise<{ recoveryCodes: string[] }> {
  const u = await userOf(ctx.db, p);
  const t = await store.totpOf(ctx.db, u.id);
  if (!t?.pending_secret_enc) throw conflict('auth.2fa_not_started', { zh: '请先开始绑定', en: 'Start the enrolment first' });
  const step = stepOf(totpFor(u.username, decrypt(ctx.keys, t.pending_secret_enc)), code.trim());
  if (step === null) {
    await ctx.db.tx((q) => writeAudit(q, actorOf(p, p.ip), { action: 'auth.2fa_confirm', outcome: 'failed', recordType: 'user', recordId: u.id }));
    throw badRequest('auth.invalid_code', { zh: '验证码错误', en: 'The code is wrong' }, [{ path: 'code', problem: 'does not match the authenticator / 与验证器不符' }]);
  }
  const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
  await ctx.db.tx(async (q) => {
    if (!(await store.confirmPendingSecret(q, u.id, step))) throw conflict('auth.2fa_not_started', { zh: '请先开始绑定', en: 'Start the enrolment first' });
    await store.replaceRecoveryCodes(q, u.id, codes.map((c) => recoveryHash(ctx.keys, u.id, c)));
    await promoteSession(q, sessionToken);
    await writeAudit(q, actorOf(p, p.ip), { action: 'auth.2fa_confirm', outcome: 'ok', recordType: 'user', recordId: u.id });
  });
  return { recoveryCodes: codes };
}

/**
 * An administrator (or the operator, by the CLI: `by` null) removes a user's lost authenticator and
 * recovery codes: every session of the user ends, and at their next sign-in with the password a role
 * that needs two factors gets a session limited to enrolling a new one (the grace period is long
 * past for an account that had enrolled). Never one's own: another administrator must do it, so a
 * stolen administrator password cannot strip its own second factor. Audited with the reason.
 */
export async function resetSecondFactor(ctx: Pick<AuthContext, 'db'>, by: Principal | null, username: string, reason: string): Promise<{ hadAuthenticator: boolean; sessionsEnded: number }> {
  const why = reason.trim();
  if (why.length < 4) throw badRequest('auth.2fa_reset_reason', { zh: '请说明重置原因', en: 'Give the reason for the reset' }, [{ path: 'reason', problem: 'at least 4 characters / 至少4个字' }]);
  const u = await userByUsername(ctx.db, username);
  if (!u) throw notFound({ zh: '用户', en: 'User' });
  if (by && by.userId === u.id) throw forbidden({ zh: '不能重置自己的双因素验证，请由另一位管理员操作', en: 'You cannot reset your own second factor; another administrator must do it' });
  return ctx.db.tx(async (q) => {
    const hadAuthenticator = await store.removeSecondFactor(q, u.id);
    const sessionsEnded = await endSessionsOf(q, u.id);
    await clearAccountThrottle(q, u.id);
    const actor: Actor = by ? actorOf(by, by.ip) : { userId: null, username: 'cli', role: 'sysadmin', ip: null };
    await writeAudit(q, actor, { action: 'auth.2fa_reset', outcome: 'ok', recordType: 'user', recordId: u.id, details: { user: u.username, reason: why, hadAuthenticator, sessionsEnded } });
    return { hadAuthenticator, sessionsEnded };
  });
}
