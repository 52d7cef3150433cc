// HTTP plumbing: Fastify with zod schemas, one error shape, the access guard every /api route
// must declare, the session principal, the OpenAPI document, and the built web app.
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
import type { Role } from '../shared/roles.ts';
import type { Logger } from 'pino';
import { z } from 'zod';

export interface RouteInfo {
  method: string;
  url: string;
  access: Access;
}

/** Who may call a route: anyone, any signed-in user, or the listed roles. */
export type Access = 'public' | 'signed-in' | readonly Role[];

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyInstance {
    /** Every /api route with its declared access, for the guard test and the docs. */
    routeTable: RouteInfo[];
  }
  interface FastifyRequest {
    principal: Principal | null;
    sessionToken: string | null;
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

function sendError(reply: FastifyReply, e: AppError) {
  return reply.code(e.status).type('application/json').send(e.toJSON());
}

/** Builds the HTTP app around a context; `register` adds the modules' routes. */
export async function buildHttp(
  ctx: AppContext,
  opts: { logger: Logger | false; loginRateLimit?: number; register: (app: ZodApp, ctx: AppContext) => Promise<void> },
): Promise<App> {
  const common = { bodyLimit: BODY_LIMIT, genReqId: () => randomUUID(), trustProxy: false, return503OnClosing: true, forceCloseConnections: 'idle' as const };
  const app: FastifyInstance = opts.logger
    ? (Fastify({ ...common, loggerInstance: opts.logger }) as unknown as FastifyInstance)
    : Fastify({ ...common, logger: false });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('principal', null);
  app.decorateRequest('sessionToken', null);

  // Every /api route must say who may call it; a route without a declaration stops the start,
  // so a new route can never be left open by omission.
  const routeTable: RouteInfo[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (r) => {
    if (!r.url.startsWith('/api/')) return;
    if (!r.config?.access) throw new Error(`route ${String(r.method)} ${r.url} declares no access (config.access)`);
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
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE } } },
    },
    transform: jsonSchemaTransform,
  });

  app.addHook('onRequest', async (req) => {
    const token = req.cookies?.[SESSION_COOKIE];
    if (token && req.url.startsWith('/api/')) {
      req.sessionToken = token;
      req.principal = await principalFromToken(ctx.db, token, req.ip);
    }
  });
  app.addHook('preValidation', async (req) => {
    const access = req.routeOptions.config?.access;
    if (!access || access === 'public') return;
    if (!req.principal) throw unauthorized();
    if (access !== 'signed-in' && !access.includes(req.principal.role)) throw forbidden();
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
    try {
      await ctx.db.query('SELECT 1');
      return { status: 'ok' };
    } catch {
      return reply.code(503).send({ status: 'unavailable' });
    }
  });
  zapp.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());

  await opts.register(zapp, ctx);

  if (existsSync(WEB_DIST + 'index.html')) {
    await app.register(fastifyStatic, { root: WEB_DIST, wildcard: false, index: ['index.html'] });
  }
  return app;
}
