// HTTP plumbing: Fastify with zod schemas, one error shape, the access guard every /api route
// must declare, the session principal (or a facility system's Bearer token), the OpenAPI document,
// and the built web app.
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest, type RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Config } from './config.ts';
import type { Db } from './db.ts';
import type { Keys } from './crypto.ts';
import { AppError, forbidden, invalid, unauthorized, type FieldProblem } from './errors.ts';
import { principalFromToken, SESSION_COOKIE, type Principal } from './auth.ts';
import type { PrincipalRole } from '../shared/roles.ts';
import type { Logger } from 'pino';
import { z } from 'zod';

export interface RouteInfo {
  method: string;
  url: string;
  access: Access;
}

/**
 * Who may call a route: anyone, any signed-in user, or the listed roles. A facility system (role
 * 'system', Bearer token) may call only routes that list 'system', never 'signed-in' ones.
 */
export type Access = 'public' | 'signed-in' | readonly PrincipalRole[];

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** Open to a session limited to enrolling a second factor (me, sign-out, password, enrolment). */
    enrolment?: true;
    /**
     * The scope a facility system's token needs for this route (default 'records:write'); 'by-route'
     * when the handler checks the token's scopes itself (the FHIR face: per resource type and interaction).
     */
    systemScope?: string;
  }
  interface FastifyInstance {
    /** Every /api route with its declared access, for the guard test and the docs. */
    routeTable: RouteInfo[];
  }
  interface FastifyRequest {
    principal: Principal | null;
    sessionToken: string | null;
    /** The request authenticated with `Authorization: Bearer` (a facility system), valid or not. */
    bearer: boolean;
  }
}

export interface AppContext {
  config: Config;
  db: Db;
  keys: Keys;
}

export type App = FastifyInstance;
export type ZodApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;

/** The error body every route may answer: {"error": {code, message: {zh, en}, fields}}. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.object({ zh: z.string(), en: z.string() }),
    fields: z.array(z.object({ path: z.string(), problem: z.string() })),
  }),
});

export const BODY_LIMIT = 5 * 1024 * 1024;
export const WEB_DIST = new URL('../../dist/web/', import.meta.url).pathname;

/** The signed-in principal of a guarded route (the guard has already refused anonymous calls). */
export function me(req: FastifyRequest): Principal {
  if (!req.principal) throw unauthorized();
  return req.principal;
}

function zodFields(err: unknown): FieldProblem[] {
  type V = { keyword?: string; instancePath?: string; message?: string; params?: { keys?: string[] } };
  const v = (err as { validation?: V[] }).validation ?? [];
  const ctx = (err as { validationContext?: string }).validationContext ?? 'body';
  const out: FieldProblem[] = [];
  for (const x of v) {
    // Body fields are named as they are in the body ("username"); query and path fields carry their
    // origin ("query.q"), so that a client can point at the input at fault either way.
    const parts = (x.instancePath ?? '').split('/').filter(Boolean);
    const path = (ctx === 'body' ? parts : [ctx, ...parts]).join('.') || ctx;
    if (x.keyword === 'unrecognized_keys' && x.params?.keys) {
      for (const k of x.params.keys) out.push({ path: path === 'body' ? k : `${path}.${k}`, problem: 'unknown field / 未知字段' });
    } else {
      out.push({ path, problem: x.message ?? 'invalid' });
    }
  }
  return out;
}

/** The URLs the guard, the principal and the request checks apply to: the JSON API and the FHIR face. */
export const isGuarded = (url: string) => url.startsWith('/api/') || url.startsWith('/fhir/');

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The Content-Security-Policy of every answer: only our own scripts, styles (antd injects its
 * styles at run time, hence 'unsafe-inline' for styles only), images (data: for the enrolment QR
 * code), and never inside a frame.
 */
export const CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:", "font-src 'self' data:",
  "connect-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');

const invalidText = (f: FieldProblem) => invalid([f]);

/** What is wrong with a string as text: a NUL character or a lone surrogate; null when fine. */
function textProblem(v: string): string | null {
  if (v.includes('\u0000')) return 'contains a NUL character / 含空字符';
  if (LONE_SURROGATE.test(v)) return 'not valid Unicode (lone surrogate) / 不是有效的 Unicode';
  return null;
}

/** Every bad string in a parsed input (params, query or body), named by its path. */
function textProblems(v: unknown, at: string, out: FieldProblem[] = [], depth = 0): FieldProblem[] {
  if (out.length >= 20 || depth > 32) return out;
  if (typeof v === 'string') {
    const p = textProblem(v);
    if (p) out.push({ path: at || 'body', problem: p });
  } else if (Array.isArray(v)) {
    v.forEach((x, i) => textProblems(x, at ? `${at}.${i}` : String(i), out, depth + 1));
  } else if (v && typeof v === 'object' && !Buffer.isBuffer(v)) {
    for (const [k, x] of Object.entries(v)) {
      const kp = textProblem(k);
      const path = at ? `${at}.${k}` : k;
      if (kp) out.push({ path: at || 'body', problem: `field name ${kp}` });
      else textProblems(x, path, out, depth + 1);
    }
  }
  return out;
}

/** The URL's path and query must percent-decode to well-formed UTF-8 text without NUL. */
function urlProblem(url: string): FieldProblem | null {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const check = (raw: string, name: string): FieldProblem | null => {
    let v: string;
    try {
      v = decodeURIComponent(raw.replaceAll('+', ' '));
    } catch {
      return { path: name, problem: 'not valid UTF-8 percent-encoding / 不是有效的 UTF-8 编码' };
    }
    const p = textProblem(v);
    return p ? { path: name, problem: p } : null;
  };
  for (const seg of path.split('/')) {
    const p = check(seg, 'params');
    if (p) return p;
  }
  if (q >= 0) {
    for (const pair of url.slice(q + 1).split('&')) {
      const eq = pair.indexOf('=');
      const rawKey = eq < 0 ? pair : pair.slice(0, eq);
      let key = 'query';
      try {
        key = `query.${decodeURIComponent(rawKey.replaceAll('+', ' '))}`;
        if (textProblem(key)) key = 'query';
      } catch {
        return { path: 'query', problem: 'not valid UTF-8 percent-encoding / 不是有效的 UTF-8 编码' };
      }
      const p = check(rawKey, key) ?? (eq < 0 ? null : check(pair.slice(eq + 1), key));
      if (p) return p;
    }
  }
  return null;
}

/**
 * A state-changing request from a browser carries Origin (and Sec-Fetch-Site): it must be this
 * server's own origin or one configured in MERIDIAN_ALLOWED_ORIGINS. Clients that send neither
 * (scripts, other systems) are not browsers acting on a user's cookie, and pass.
 */
function checkOrigin(req: FastifyRequest, allowed: string[]): void {
  const origin = req.headers.origin;
  const own = `${req.protocol}://${req.host}`;
  const foreign = () => new AppError(403, 'request.foreign_origin', { zh: '拒绝来自其他站点的请求', en: 'Requests from another site are refused' }, [{ path: 'origin', problem: 'not this site / 非本站' }]);
  if (origin !== undefined) {
    if (origin !== own && !allowed.includes(origin)) throw foreign();
    return;
  }
  if (req.headers['sec-fetch-site'] === 'cross-site') throw foreign();
}

/** A body of a state-changing request must be JSON; a request without a body may omit the type. */
function checkBodyType(req: FastifyRequest): void {
  const type = req.headers['content-type'];
  const hasBody = (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0') || req.headers['transfer-encoding'] !== undefined;
  // The FHIR face takes its own media type too (FHIR R4 §3.1.0.1.10: application/fhir+json).
  const json = type !== undefined && (/^application\/json\s*(;|$)/i.test(type) || (req.url.startsWith('/fhir/') && /^application\/fhir\+json\s*(;|$)/i.test(type)));
  if (json || (type === undefined && !hasBody)) return;
  throw new AppError(415, 'request.unsupported_media_type', { zh: '不支持的内容类型，请使用 application/json', en: 'Unsupported content type; send application/json' }, [{ path: 'content-type', problem: `${type ?? 'missing'}: unsupported / 不支持` }]);
}

function trustProxyOption(v: Config['trustProxy']): boolean | string[] | ((addr: string, hop: number) => boolean) {
  // A hop count: trust that many proxies in front of us (Fastify's number form, typed as a function).
  return typeof v === 'number' ? (_addr: string, hop: number) => hop < v : v;
}

const camel = (col: string) => col.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/**
 * 409 for a unique violation (PostgreSQL 23505) that a service's own check did not catch (two
 * requests at once): named by the columns of the key, never their values.
 */
export function uniqueViolation(err: unknown): AppError {
  const e = err as { detail?: string; constraint?: string; table?: string };
  const cols = /^Key \((.+?)\)=/.exec(e.detail ?? '')?.[1].split(',').map((c) => c.trim().replace(/^"|"$/g, '')).filter((c) => /^[a-z_][a-z0-9_]*$/.test(c)) ?? [];
  const fields = (cols.length ? cols : [e.constraint ?? 'body']).map((c) => ({ path: camel(c.replace(/^lower\((.*)\)$/, '$1')), problem: 'already exists / 已存在' }));
  const names = fields.map((f) => f.path).join(', ');
  return new AppError(409, 'record.duplicate', { zh: `该值已存在：${names}`, en: `This value already exists: ${names}` }, fields);
}

function sendError(reply: FastifyReply, e: AppError) {
  return reply.code(e.status).type('application/json').send(e.toJSON());
}

/** Builds the HTTP app around a context; `register` adds the modules' routes. */
export async function buildHttp(
  ctx: AppContext,
  opts: {
    logger: Logger | false;
    loginRateLimit?: number;
    /** Resolves a Bearer token to its facility system's principal (the auth module's system clients). */
    bearer?: (token: string, ip: string) => Promise<Principal | null>;
    /** Requests per minute a facility system may make to the API (default 600). */
    systemRateLimit?: number;
    register: (app: ZodApp, ctx: AppContext) => Promise<void>;
  },
): Promise<App> {
  // TRUST_PROXY: behind a TLS-terminating proxy, req.ip is the client's and req.protocol is https
  // (so the session cookie is Secure); never trusted unless configured.
  const common = {
    bodyLimit: BODY_LIMIT, genReqId: () => randomUUID(), trustProxy: trustProxyOption(ctx.config.trustProxy), return503OnClosing: true, forceCloseConnections: 'idle' as const,
    // A URL the router cannot decode (bad percent-encoding in the path) answers in our error shape.
    frameworkErrors: (err: Error & { code?: string }, _req: FastifyRequest, reply: FastifyReply) => {
      reply.header('x-content-type-options', 'nosniff').header('cache-control', 'no-store').header('content-security-policy', CSP);
      if (err.code === 'FST_ERR_BAD_URL') return sendError(reply, invalidText({ path: 'params', problem: 'not valid UTF-8 percent-encoding / 不是有效的 UTF-8 编码' }));
      return sendError(reply, new AppError(400, 'request.malformed', { zh: '请求格式错误', en: 'Malformed request' }));
    },
  };
  const app: FastifyInstance = opts.logger
    ? (Fastify({ ...common, loggerInstance: opts.logger }) as unknown as FastifyInstance)
    : Fastify({ ...common, logger: false });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('principal', null);
  app.decorateRequest('sessionToken', null);
  app.decorateRequest('bearer', false);

  // Every /api route must say who may call it; a route without a declaration stops the start,
  // so a new route can never be left open by omission.
  const routeTable: RouteInfo[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (r) => {
    if (!isGuarded(r.url)) return;
    if (!r.config?.access) throw new Error(`route ${String(r.method)} ${r.url} declares no access (config.access)`);
    // The FHIR face answers in OperationOutcome, not in the JSON API's error shape.
    if (r.url.startsWith('/fhir/')) {
      for (const m of [r.method].flat()) if (m !== 'HEAD') routeTable.push({ method: m, url: r.url, access: r.config.access });
      return;
    }
    // Every route documents the one error shape, so the typed client knows it.
    if (r.schema && !r.schema.hide) r.schema.response = { ...(r.schema.response as object | undefined), '4XX': ErrorBody, '5XX': ErrorBody };
    for (const m of [r.method].flat()) if (m !== 'HEAD') routeTable.push({ method: m, url: r.url, access: r.config.access });
  });

  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Meridian API', description: '县域整合型医疗卫生服务平台 API', version: '0.1.0' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE }, system: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
  });

  app.addHook('onRequest', async (req) => {
    if (!isGuarded(req.url)) return;
    // Before anything reads the request: the URL must decode to well-formed text without NUL, and a
    // state-changing request must come from our own origin with a JSON body (or none).
    const bad = urlProblem(req.url);
    if (bad) throw invalidText(bad);
    if (STATE_CHANGING.has(req.method)) {
      checkOrigin(req, ctx.config.allowedOrigins);
      checkBodyType(req);
    }
    // A facility system sends its access token; a Bearer header is then the only credential looked at.
    const bearer = /^bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (bearer || /^bearer(\s|$)/i.test(req.headers.authorization ?? '')) {
      req.bearer = true;
      req.principal = bearer && opts.bearer ? await opts.bearer(bearer[1], req.ip) : null;
      return;
    }
    const token = req.cookies?.[SESSION_COOKIE];
    if (token) {
      req.sessionToken = token;
      req.principal = await principalFromToken(ctx.db, token, req.ip, ctx.config.sessionIdleMinutes);
    }
  });
  // Each facility system's requests per minute, counted apart from every other caller.
  const systemLimit = app.createRateLimit({ max: opts.systemRateLimit ?? 600, timeWindow: '1 minute', keyGenerator: (req) => `system:${req.principal?.clientId ?? ''}` });
  app.addHook('preValidation', async (req, reply) => {
    const access = req.routeOptions.config?.access;
    if (access && access !== 'public') {
      if (!req.principal && req.bearer) {
        reply.header('www-authenticate', 'Bearer error="invalid_token"');
        throw unauthorized('auth.invalid_token', { zh: '访问令牌无效、已过期或已吊销', en: 'The access token is invalid, expired or revoked' });
      }
      if (!req.principal) throw unauthorized();
      if (req.principal.kind === 'system') {
        if (access === 'signed-in' || !access.includes('system')) throw forbidden({ zh: '系统客户端无权调用此接口', en: 'A system client may not call this route' });
        const scope = req.routeOptions.config?.systemScope ?? 'records:write';
        if (scope !== 'by-route' && !req.principal.scopes?.includes(scope)) throw forbidden({ zh: `访问令牌缺少权限范围 ${scope}`, en: `The access token lacks the scope ${scope}` });
        const limit = await systemLimit(req);
        if (!limit.isAllowed && limit.isExceeded) {
          reply.header('retry-after', String(limit.ttlInSeconds));
          throw new AppError(429, 'request.rate_limited', { zh: '请求过于频繁，请稍后再试', en: 'Too many requests; try again later' });
        }
      }
      if (req.principal.enrolOnly && !req.routeOptions.config?.enrolment) {
        throw new AppError(403, 'auth.2fa_enrolment_required', { zh: '您的角色须使用双因素登录：请先绑定身份验证器', en: 'Your role signs in with two factors: enrol an authenticator first' });
      }
      if (access !== 'signed-in' && !access.includes(req.principal.role)) throw forbidden();
    }
    // Every string of the parsed input, at any depth: no NUL, no lone surrogate.
    const problems = [...textProblems(req.params, 'params'), ...textProblems(req.query, 'query'), ...textProblems(req.body, '')];
    if (problems.length) throw invalid(problems);
  });
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('content-security-policy', CSP);
    // Answers of the API carry personal data: no cache (browser or proxy) keeps them.
    if (isGuarded(req.url)) reply.header('cache-control', 'no-store');
  });
  // A JSON body must be well-formed UTF-8 (JSON.parse would silently turn bad bytes into U+FFFD).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body: Buffer, done) => {
    if (body.length === 0) return done(new AppError(400, 'request.malformed', { zh: '请求体为空', en: 'Empty JSON body' }, [{ path: 'body', problem: 'empty / 为空' }]), undefined);
    let text: string;
    try {
      text = UTF8.decode(body);
    } catch {
      return done(invalidText({ path: 'body', problem: 'not valid UTF-8 / 不是有效的 UTF-8' }), undefined);
    }
    try {
      done(null, JSON.parse(text));
    } catch (e) {
      done(new AppError(400, 'request.malformed', { zh: '请求格式错误（无法解析）', en: `Malformed request: ${(e as Error).message}` }, [{ path: 'body', problem: 'malformed JSON / JSON 格式错误' }]), undefined);
    }
  });

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof AppError) return sendError(reply, err);
    if (hasZodFastifySchemaValidationErrors(err)) return sendError(reply, invalid(zodFields(err)));
    const e = err as { statusCode?: number; code?: string; message?: string };
    const status = e.statusCode ?? 500;
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || status === 413) {
      return sendError(reply, new AppError(413, 'request.too_large', { zh: `请求体过大（上限 ${BODY_LIMIT / 1048576} MB）`, en: `Request body too large (limit ${BODY_LIMIT / 1048576} MB)` }, [{ path: 'body', problem: 'too large / 过大' }]));
    }
    if (status === 429) {
      return sendError(reply, new AppError(429, 'request.rate_limited', { zh: '请求过于频繁，请稍后再试', en: 'Too many requests; try again later' }));
    }
    if (status === 415) {
      return sendError(reply, new AppError(415, 'request.unsupported_media_type', { zh: '不支持的内容类型，请使用 application/json', en: 'Unsupported content type; send application/json' }, [{ path: 'content-type', problem: 'unsupported / 不支持' }]));
    }
    if (status >= 400 && status < 500) {
      // Fastify's own 4xx: malformed JSON, empty body with a JSON content type, bad headers.
      return sendError(reply, new AppError(status, 'request.malformed', { zh: '请求格式错误（无法解析）', en: `Malformed request: ${e.message ?? ''}`.trim() }, [{ path: 'body', problem: e.message ?? 'malformed' }]));
    }
    const db = databaseConstraintError(err);
    if (db) {
      // A constraint the database holds but a service did not check first: still the caller's input at
      // fault, never a 500. Logged, so that the missing check gets written where the field is known.
      req.log.warn({ err }, 'constraint violation reached the error handler');
      return sendError(reply, db);
    }
    req.log.error({ err }, 'unhandled error');
    return sendError(reply, new AppError(500, 'server.internal', { zh: `服务器内部错误（请求编号 ${req.id}）`, en: `Internal server error (request ${req.id})` }));
  });

  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api/') || !existsSync(WEB_DIST + 'index.html')) {
      return sendError(reply, new AppError(404, 'route.not_found', { zh: '接口不存在', en: 'No such endpoint' }));
    }
    return reply.type('text/html').sendFile('index.html', WEB_DIST);
  });

  const zapp = app.withTypeProvider<ZodTypeProvider>();
  zapp.get('/healthz', { schema: { hide: true } }, async (_req, reply) => {
    // The embedded database runs its statements one at a time in a thread of its own (db.activity):
    // while it works on one (an indicator job) the answer is 'busy' at once, as long as it has finished
    // something within BUSY_LIMIT_MS — working, not stuck. Otherwise a ping answered within
    // HEALTH_WAIT_MS is ok; one still waiting then counts as busy or, if nothing moves, 503.
    const busy = () => { const a = ctx.db.activity?.(); return !!a && a.pending > 0 && Date.now() - a.lastDoneAt < BUSY_LIMIT_MS; };
    if (busy()) return { status: 'ok', database: 'busy' };
    const ping = ctx.db.query('SELECT 1').then(() => 'ok' as const, () => 'error' as const);
    const state = await Promise.race([ping, new Promise<'waiting'>((r) => setTimeout(() => r('waiting'), HEALTH_WAIT_MS).unref())]);
    if (state === 'ok') return { status: 'ok' };
    if (state === 'waiting' && busy()) return { status: 'ok', database: 'busy' };
    if (state === 'waiting' && (await ping) === 'ok') return { status: 'ok' };
    return reply.code(503).send({ status: 'unavailable' });
  });
  zapp.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());

  await opts.register(zapp, ctx);

  if (existsSync(WEB_DIST + 'index.html')) {
    await app.register(fastifyStatic, { root: WEB_DIST, wildcard: false, index: ['index.html'] });
  }
  return app;
}

/** How long /healthz waits for its ping, and how long the embedded database may finish nothing before it counts as stuck. */
const HEALTH_WAIT_MS = 50;
const BUSY_LIMIT_MS = 120_000;

/** A PostgreSQL integrity or data error (by SQLSTATE) as the caller's error, naming the column at fault (a unique violation: uniqueViolation). */
export function databaseConstraintError(err: unknown): AppError | null {
  const e = err as { code?: unknown; detail?: unknown; column?: unknown };
  if (typeof e?.code !== 'string' || !/^(23|22)/.test(e.code)) return null;
  const col = typeof e.column === 'string' ? e.column : typeof e.detail === 'string' ? /Key \(([a-z_]+)/.exec(e.detail)?.[1] : undefined;
  if (e.code === '23505') return uniqueViolation(err);
  const path = col ? camel(col) : 'body';
  if (e.code === '23503') return new AppError(400, 'request.unknown_reference', { zh: '引用的记录不存在', en: 'Refers to a record that does not exist' }, [{ path, problem: 'no such record / 不存在' }]);
  return new AppError(400, 'request.invalid', { zh: '数据不符合要求', en: 'The data is not valid' }, [{ path, problem: 'not valid / 无效' }]);
}
