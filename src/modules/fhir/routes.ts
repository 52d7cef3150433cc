// The FHIR R4 face at /fhir/R4: thin — who may call, the media type, the OperationOutcome of every
// error; the use cases are in service.ts. Signed in by a user's session or a facility system's
// Bearer token (the platform's onRequest); the SMART scopes are checked per type and interaction
// by the handlers (systemScope 'by-route').
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext, ZodApp } from '../../platform/http.ts';
import { me } from '../../platform/http.ts';
import { AppError } from '../../platform/errors.ts';
import { databaseConstraintError } from '../../platform/http.ts';
import { SYSTEM_ROLE, type PrincipalRole } from '../../shared/roles.ts';
import { capabilityStatement } from './capability.ts';
import { codeOfStatus, FhirError, fromAppError, issue, langOf, outcome } from './outcome.ts';
import { bundle, create, everything, handlerOf, HANDLERS, parseSearch, read, search } from './service.ts';
import type { FhirCtx } from './handlers.ts';

export const FHIR_BASE = '/fhir/R4';
const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/** Who may call the FHIR face at all; each handler narrows by role, scope and legal basis. */
export const FHIR_CALLERS: readonly PrincipalRole[] = ['sysadmin', 'officer', 'manager', 'doctor', 'nurse', 'public_health', 'village_doctor', 'coordinator', 'resident', SYSTEM_ROLE];

const ACCESS = { access: FHIR_CALLERS, systemScope: 'by-route' } as const;
/** FHIR's interface is its CapabilityStatement, not the JSON API's OpenAPI document. */
const HIDE = { hide: true } as const;

/** The absolute base of this request (behind a proxy, as TRUST_PROXY lets Fastify see it). */
const baseOf = (req: FastifyRequest) => `${req.protocol}://${req.host}${FHIR_BASE}`;

function send(reply: FastifyReply, status: number, body: unknown) {
  return reply.code(status).type(FHIR_JSON).send(JSON.stringify(body));
}

/** Registers /fhir/R4. */
export async function fhirRoutes(app: ZodApp, ctx: AppContext) {
  const o = { encounterDays: ctx.config.encounterAccessDays };
  const fctx = (req: FastifyRequest): FhirCtx => ({ db: ctx.db, keys: ctx.keys, p: me(req), o, lang: langOf(req.headers['accept-language']), base: baseOf(req) });

  await app.register(async (f) => {
    // FHIR's own media type (R4 §3.1.0.1.10) is JSON with well-formed UTF-8, parsed as the API parses JSON.
    f.addContentTypeParser('application/fhir+json', { parseAs: 'buffer' }, (req, body: Buffer, done) => {
      try {
        done(null, JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body)));
      } catch {
        done(new FhirError(400, [issue('structure', { zh: '请求体不是有效的 JSON', en: 'The body is not valid JSON' }, ['Bundle'], 'request.malformed', langOf(req.headers['accept-language']))]), undefined);
      }
    });

    f.setErrorHandler((err, req, reply) => {
      const lang = langOf(req.headers['accept-language']);
      if (err instanceof FhirError) return send(reply, err.status, outcome(err.issues));
      if (err instanceof AppError) {
        if (err.status === 401) reply.header('www-authenticate', 'Bearer realm="meridian"');
        return send(reply, err.status, outcome(fromAppError(err, lang).issues));
      }
      const e = err as { statusCode?: number; code?: string; message?: string };
      const status = e.statusCode ?? 500;
      if (status >= 400 && status < 500) return send(reply, status, outcome([issue(codeOfStatus(status), { zh: '请求格式错误', en: `Malformed request: ${e.message ?? ''}`.trim() }, null, 'request.malformed', lang)]));
      const db = databaseConstraintError(err);
      if (db) {
        req.log.warn({ err }, 'constraint violation reached the FHIR error handler');
        return send(reply, db.status, outcome(fromAppError(db, lang).issues));
      }
      req.log.error({ err }, 'unhandled error');
      return send(reply, 500, outcome([issue('exception', { zh: `服务器内部错误（请求编号 ${req.id}）`, en: `Internal server error (request ${req.id})` }, null, 'server.internal', lang)]));
    });
    f.setNotFoundHandler((req, reply) => send(reply, 404, outcome([issue('not-supported', { zh: '没有这个 FHIR 接口', en: 'No such FHIR endpoint' }, null, 'route.not_found', langOf(req.headers['accept-language']))])));

    f.get('/metadata', { config: { access: 'public' }, schema: HIDE }, async (req, reply) => send(reply, 200, capabilityStatement(HANDLERS, baseOf(req), { version: '0.1.0' })));

    f.post('/', { config: ACCESS, schema: HIDE }, async (req, reply) => send(reply, 200, await bundle(fctx(req), req.body)));

    f.get('/:type', { config: ACCESS, schema: HIDE }, async (req, reply) => {
      const { type } = req.params as { type: string };
      const c = fctx(req);
      const h = handlerOf(type, c.lang, 'search-type');
      const q = new URLSearchParams(req.url.split('?')[1] ?? '');
      return send(reply, 200, await search(c, h, parseSearch(h, q, c.lang)));
    });
    f.get('/Patient/:id/$everything', { config: ACCESS, schema: HIDE }, async (req, reply) => send(reply, 200, await everything(fctx(req), (req.params as { id: string }).id)));
    f.get('/:type/:id', { config: ACCESS, schema: HIDE }, async (req, reply) => {
      const { type, id } = req.params as { type: string; id: string };
      const r = await read(fctx(req), type, id);
      if (r.meta?.versionId) reply.header('etag', `W/"${r.meta.versionId}"`);
      if (r.meta?.lastUpdated) reply.header('last-modified', new Date(r.meta.lastUpdated).toUTCString());
      return send(reply, 200, r);
    });
    f.post('/:type', { config: ACCESS, schema: HIDE }, async (req, reply) => {
      const { type } = req.params as { type: string };
      const c = fctx(req);
      const ifNoneExist = req.headers['if-none-exist'];
      const out = await create(c, type, req.body, Array.isArray(ifNoneExist) ? ifNoneExist[0] : ifNoneExist);
      reply.header('location', `${c.base}/${type}/${out.resource.id}`);
      return send(reply, out.created ? 201 : 200, out.resource);
    });
  }, { prefix: FHIR_BASE });
}
