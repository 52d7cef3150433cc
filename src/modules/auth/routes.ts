// Sign-in (password, then a second factor where enrolled), sign-out, the signed-in user, changing
// one's own password, and enrolling a TOTP authenticator; facility systems' tokens (POST
// /oauth/token, client credentials) and their registration by the system administrator.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext, ZodApp } from '../../platform/http.ts';
import { me } from '../../platform/http.ts';
import { changePassword, logout, SESSION_COOKIE, sessionCookieOptions, type Principal } from '../../platform/auth.ts';
import { describeScope } from '../users/service.ts';
import { UserOut } from '../users/schema.ts';
import { activateWithCode } from '../users/accounts.ts';
import { ResidentActivateIn } from '../users/schema.ts';
import { AppError } from '../../platform/errors.ts';
import { USER_ADMINS } from '../../shared/roles.ts';
import {
  ConfirmIn, ConfirmOut, EnrolIn, EnrolOut, LoginIn, LoginOut, MfaIn, ResetIn, ResetOut, SignedIn, SystemClientCreated, SystemClientIn, SystemClientOut, SystemClientParams, SystemClientsOut,
  TokenRequest, TwoFactorState,
} from './schema.ts';
import { confirmEnrolment, resetSecondFactor, signIn, startEnrolment, twoFactorState, verifySecondFactor } from './service.ts';
import { createClient, credentialsOf, invalidRequest, issueToken, listClients, OAuthError, revokeClient } from './clients.ts';

/** The client id a token request claims (HTTP Basic or the body), for counting its requests. */
function claimedClient(req: FastifyRequest): string {
  const h = req.headers.authorization;
  if (h && /^basic\s/i.test(h)) {
    const raw = Buffer.from(h.replace(/^basic\s+/i, '').trim(), 'base64').toString('utf8');
    return `client:${raw.slice(0, Math.max(raw.indexOf(':'), 0)).slice(0, 64)}`;
  }
  const id = (req.body as { client_id?: unknown } | undefined)?.client_id;
  return typeof id === 'string' ? `client:${id.slice(0, 64)}` : `ip:${req.ip}`;
}

/** Any failure of the token endpoint as an RFC 6749 §5.2 error. */
function asOAuthError(err: unknown): OAuthError | null {
  if (err instanceof OAuthError) return err;
  const e = err as { statusCode?: number; message?: string };
  if (e.statusCode === 429) return new OAuthError(429, 'slow_down', { zh: '令牌请求过于频繁，请稍后再试', en: 'Too many token requests; try again later' });
  if (err instanceof AppError && err.status < 500) return new OAuthError(err.status === 401 ? 400 : err.status, 'invalid_request', err.text);
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    return new OAuthError(e.statusCode, 'invalid_request', { zh: '令牌请求格式错误（请用 application/x-www-form-urlencoded 或 JSON）', en: 'Malformed token request (send application/x-www-form-urlencoded or JSON)' });
  }
  return null;
}

/** Registers /api/auth/*, /oauth/token and /api/system-clients. */
export async function authRoutes(app: ZodApp, ctx: AppContext, opts: { loginRateLimit: number; tokenRateLimit: number }) {
  const actx = { db: ctx.db, keys: ctx.keys, config: ctx.config };
  /** A finished sign-in: the session cookie, and the user with their second-factor state. */
  const signedIn = async (req: FastifyRequest, reply: FastifyReply, r: { token: string; principal: Principal; twoFactor: TwoFactorState }) => {
    reply.setCookie(SESSION_COOKIE, r.token, sessionCookieOptions(req.protocol));
    return { user: await describeScope(ctx.db, r.principal), twoFactor: r.twoFactor };
  };

  // The token endpoint of the client-credentials grant (RFC 6749 §4.4): a form (the standard's
  // encoding) or JSON, the client authenticated by HTTP Basic or in the body; answers and errors
  // as RFC 6749 §5.1/§5.2, never cached. Counted per client id claimed, and per address.
  await app.register(async (sub: ZodApp) => {
    sub.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) => {
      const out: Record<string, string> = {};
      for (const [k, v] of new URLSearchParams(body as string)) {
        // A parameter sent twice is refused (RFC 6749 §3.2).
        if (Object.hasOwn(out, k)) return done(invalidRequest(`The parameter ${k.slice(0, 40).replace(/[^\x20-\x7e]/g, '?')} is repeated`, `参数 ${k.slice(0, 40)} 重复`), undefined);
        out[k] = v;
      }
      done(null, out);
    });
    sub.setErrorHandler((err, req, reply) => {
      const e = asOAuthError(err);
      if (!e) req.log.error({ err }, 'token endpoint error');
      const o = e ?? new OAuthError(500, 'server_error', { zh: `服务器内部错误（请求编号 ${req.id}）`, en: `Internal server error (request ${req.id})` });
      reply.code(o.status).header('cache-control', 'no-store').header('pragma', 'no-cache');
      if (o.error === 'invalid_client') reply.header('www-authenticate', 'Basic realm="meridian", charset="UTF-8"');
      return reply.type('application/json').send(o.toJSON());
    });
    const perAddress = sub.createRateLimit({ max: opts.tokenRateLimit * 10, timeWindow: '1 minute', keyGenerator: (req) => `token-ip:${req.ip}` });
    sub.post('/oauth/token', {
      config: { rateLimit: { max: opts.tokenRateLimit, timeWindow: '1 minute', hook: 'preHandler', keyGenerator: claimedClient } },
      schema: { hide: true },
      handler: async (req, reply) => {
        const limit = await perAddress(req);
        if (!limit.isAllowed && limit.isExceeded) throw Object.assign(new Error('rate limited'), { statusCode: 429 });
        const parsed = TokenRequest.safeParse(req.body ?? {});
        if (!parsed.success) {
          const at = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || 'body'))].join(', ');
          throw invalidRequest(`Malformed token request: ${at}`, `令牌请求有误：${at}`);
        }
        const b = parsed.data;
        const creds = credentialsOf(req.headers.authorization, b);
        const out = await issueToken(ctx.db, { grantType: b.grant_type, scope: b.scope, clientId: creds.clientId, clientSecret: creds.clientSecret, ip: req.ip });
        reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
        return out;
      },
    });
  });

  app.get('/api/system-clients', {
    config: { access: USER_ADMINS },
    schema: { tags: ['auth'], summary: 'The registered facility systems (HIS/LIS) and whether they are revoked', querystring: z.object({ facilityCode: z.string().min(1).max(20).optional() }), response: { 200: SystemClientsOut } },
    handler: async (req) => ({ items: await listClients(ctx.db, req.query.facilityCode ?? null) }),
  });
  app.post('/api/system-clients', {
    config: { access: USER_ADMINS },
    schema: { tags: ['auth'], summary: 'Register a facility system: answers its client id and secret (the secret is shown this once)', body: SystemClientIn, response: { 200: SystemClientCreated } },
    handler: async (req) => createClient(ctx.db, me(req), req.body),
  });
  app.post('/api/system-clients/:clientId/revoke', {
    config: { access: USER_ADMINS },
    schema: { tags: ['auth'], summary: 'Revoke a facility system: no new token, and its tokens stop working at once', params: SystemClientParams, response: { 200: SystemClientOut } },
    handler: async (req) => revokeClient(ctx.db, me(req), req.params.clientId),
  });

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
