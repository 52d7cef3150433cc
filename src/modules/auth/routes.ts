// Sign-in, sign-out, the signed-in user, and changing one's own password.
import { z } from 'zod';
import type { AppContext, ZodApp } from '../../platform/http.ts';
import { me } from '../../platform/http.ts';
import { changePassword, login, logout, SESSION_COOKIE, sessionCookieOptions } from '../../platform/auth.ts';
import { describeScope } from '../users/service.ts';
import { UserOut } from '../users/schema.ts';
import { activateWithCode, residentUsername } from '../records/accounts.ts';

/** Registers /api/auth/*. */
export async function authRoutes(app: ZodApp, ctx: AppContext, opts: { loginRateLimit: number }) {
  app.post('/api/auth/login', {
    config: { access: 'public', rateLimit: { max: opts.loginRateLimit, timeWindow: '1 minute' } },
    schema: {
      tags: ['auth'],
      summary: 'Sign in with username and password',
      body: z.strictObject({ username: z.string().min(1).max(64), password: z.string().min(1).max(200) }),
      response: { 200: z.object({ user: UserOut }) },
    },
    handler: async (req, reply) => {
      const { token, principal } = await login(ctx.db, req.body.username, req.body.password, req.ip, (l) => residentUsername(ctx.db, ctx.keys, l));
      reply.setCookie(SESSION_COOKIE, token, sessionCookieOptions(req.protocol));
      return { user: await describeScope(ctx.db, principal) };
    },
  });

  app.post('/api/auth/resident-activate', {
    config: { access: 'public', rateLimit: { max: opts.loginRateLimit, timeWindow: '1 minute' } },
    schema: {
      tags: ['auth'],
      summary: 'A resident sets their password with the one-time code from the facility, then signs in with phone or ID number',
      body: z.strictObject({ login: z.string().min(5).max(30), code: z.string().regex(/^\d{6}$/), password: z.string().min(1).max(200) }),
      response: { 200: z.object({ ok: z.literal(true) }) },
    },
    handler: async (req) => {
      await activateWithCode(ctx.db, ctx.keys, req.body.login, req.body.code, req.body.password, req.ip);
      return { ok: true as const };
    },
  });

  app.post('/api/auth/logout', {
    config: { access: 'signed-in' },
    schema: { tags: ['auth'], summary: 'Sign out', response: { 200: z.object({ ok: z.literal(true) }) } },
    handler: async (req, reply) => {
      await logout(ctx.db, req.sessionToken!, me(req));
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true as const };
    },
  });

  app.get('/api/auth/me', {
    config: { access: 'signed-in' },
    schema: { tags: ['auth'], summary: 'The signed-in user, role and scope', response: { 200: z.object({ user: UserOut }) } },
    handler: async (req) => ({ user: await describeScope(ctx.db, me(req)) }),
  });

  app.post('/api/auth/password', {
    config: { access: 'signed-in' },
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
}
