// Sign-in (password, then a second factor where enrolled), sign-out, the signed-in user, changing
// one's own password, and enrolling a TOTP authenticator.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext, ZodApp } from '../../platform/http.ts';
import { me } from '../../platform/http.ts';
import { changePassword, logout, SESSION_COOKIE, sessionCookieOptions, type Principal } from '../../platform/auth.ts';
import { describeScope } from '../users/service.ts';
import { UserOut } from '../users/schema.ts';
import { activateWithCode } from '../users/accounts.ts';
import { ResidentActivateIn } from '../users/schema.ts';
import { ConfirmIn, ConfirmOut, EnrolIn, EnrolOut, LoginIn, LoginOut, MfaIn, ResetIn, ResetOut, SignedIn, TwoFactorState } from './schema.ts';
import { confirmEnrolment, resetSecondFactor, signIn, startEnrolment, twoFactorState, verifySecondFactor } from './service.ts';

/** Registers /api/auth/*. */
export async function authRoutes(app: ZodApp, ctx: AppContext, opts: { loginRateLimit: number }) {
  const actx = { db: ctx.db, keys: ctx.keys, config: ctx.config };
  /** A finished sign-in: the session cookie, and the user with their second-factor state. */
  const signedIn = async (req: FastifyRequest, reply: FastifyReply, r: { token: string; principal: Principal; twoFactor: TwoFactorState }) => {
    reply.setCookie(SESSION_COOKIE, r.token, sessionCookieOptions(req.protocol));
    return { user: await describeScope(ctx.db, r.principal), twoFactor: r.twoFactor };
  };

  app.post('/api/auth/login', {
    config: { access: 'public', rateLimit: { max: opts.loginRateLimit, timeWindow: '1 minute' } },
    schema: {
      tags: ['auth'],
      summary: 'Sign in with username and password; an account with a second factor answers {"mfaRequired": true} and continues at /api/auth/mfa',
      body: LoginIn,
      response: { 200: LoginOut },
    },
    handler: async (req, reply) => {
      const r = await signIn(actx, req.body.username, req.body.password, req.ip);
      if (r.kind === 'mfa') {
        reply.setCookie(SESSION_COOKIE, r.token, sessionCookieOptions(req.protocol));
        return { mfaRequired: true as const };
      }
      return signedIn(req, reply, r);
    },
  });

  app.post('/api/auth/mfa', {
    config: { access: 'public', rateLimit: { max: opts.loginRateLimit, timeWindow: '1 minute' } },
    schema: {
      tags: ['auth'],
      summary: 'The second step of sign-in: a code from the authenticator app (6 digits) or an unused recovery code',
      body: MfaIn,
      response: { 200: SignedIn },
    },
    handler: async (req, reply) => signedIn(req, reply, await verifySecondFactor(actx, req.cookies?.[SESSION_COOKIE] ?? null, req.body.code, req.ip)),
  });

  app.post('/api/auth/resident-activate', {
    config: { access: 'public', rateLimit: { max: opts.loginRateLimit, timeWindow: '1 minute' } },
    schema: {
      tags: ['auth'],
      summary: 'A resident sets their own password with the one-time code from the facility (a reset ends every session of the account), then signs in with phone or ID number',
      body: ResidentActivateIn,
      response: { 200: z.object({ ok: z.literal(true) }) },
    },
    handler: async (req) => {
      await activateWithCode(ctx.db, ctx.keys, req.body, req.ip);
      return { ok: true as const };
    },
  });

  app.post('/api/auth/logout', {
    config: { access: 'signed-in', enrolment: true },
    schema: { tags: ['auth'], summary: 'Sign out', response: { 200: z.object({ ok: z.literal(true) }) } },
    handler: async (req, reply) => {
      await logout(ctx.db, req.sessionToken!, me(req));
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true as const };
    },
  });

  app.get('/api/auth/me', {
    config: { access: 'signed-in', enrolment: true },
    schema: { tags: ['auth'], summary: 'The signed-in user, role and scope', response: { 200: z.object({ user: UserOut }) } },
    handler: async (req) => ({ user: await describeScope(ctx.db, me(req)) }),
  });

  app.post('/api/auth/password', {
    config: { access: 'signed-in', enrolment: true },
    schema: {
      tags: ['auth'],
      summary: 'Change your own password',
      body: z.strictObject({ currentPassword: z.string().min(1).max(200), newPassword: z.string().min(1).max(200) }),
      response: { 200: z.object({ ok: z.literal(true) }) },
    },
    handler: async (req) => {
      await changePassword(ctx.db, me(req), req.body.currentPassword, req.body.newPassword, req.sessionToken!);
      return { ok: true as const };
    },
  });

  app.get('/api/auth/2fa', {
    config: { access: 'signed-in', enrolment: true },
    schema: { tags: ['auth'], summary: 'Your second factor: enrolled, required, by when, recovery codes left', response: { 200: TwoFactorState } },
    handler: async (req) => twoFactorState(actx, me(req)),
  });

  app.post('/api/auth/2fa/enrol', {
    config: { access: 'signed-in', enrolment: true, rateLimit: { max: opts.loginRateLimit, timeWindow: '1 minute' } },
    schema: { tags: ['auth'], summary: 'Start enrolling a TOTP authenticator (password again): the secret as otpauth:// URI and QR code', body: EnrolIn, response: { 200: EnrolOut } },
    handler: async (req) => startEnrolment(actx, me(req), req.body.password),
  });

  app.post('/api/auth/2fa/confirm', {
    config: { access: 'signed-in', enrolment: true, rateLimit: { max: opts.loginRateLimit, timeWindow: '1 minute' } },
    schema: { tags: ['auth'], summary: 'Confirm the enrolment with a first code; answers ten one-time recovery codes (shown once)', body: ConfirmIn, response: { 200: ConfirmOut } },
    handler: async (req) => confirmEnrolment(actx, me(req), req.sessionToken!, req.body.code),
  });

  app.post('/api/auth/2fa/reset', {
    config: { access: ['sysadmin'] },
    schema: {
      tags: ['auth'],
      summary: "An administrator removes another user's lost authenticator and recovery codes (with a reason): their sessions end and they enrol anew at next sign-in",
      body: ResetIn,
      response: { 200: ResetOut },
    },
    handler: async (req) => resetSecondFactor(actx, me(req), req.body.username, req.body.reason),
  });
}
