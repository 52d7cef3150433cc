// The FHIR face's use cases: read, search (paged, with next links), create (conditional by
// identifier), and batch / all-or-nothing transaction Bundles with urn:uuid references resolved.
// Every resource goes through its handler, which calls the owning module's service.
import { randomUUID } from 'node:crypto';
import { AppError } from '../../platform/errors.ts';
import { joinTx } from '../../platform/db.ts';
import { assertStructure } from './validate.ts';
import { fhirError, FhirError, fromAppError, outcome, type Issue } from './outcome.ts';
import type { FhirCtx, FhirResource, ResourceHandler, SearchRequest } from './handlers.ts';
import { patientHandler } from './patient.ts';
import { observationHandler } from './observation.ts';
import { encounterHandler, conditionHandler } from './encounter.ts';
import { organizationHandler, practitionerHandler } from './organization.ts';
import { allergyHandler, immunizationHandler } from './allergy.ts';

/** Every supported type: the router and the CapabilityStatement read this one list. */
export const HANDLERS: readonly ResourceHandler[] = [patientHandler, organizationHandler, practitionerHandler, encounterHandler, observationHandler, conditionHandler, allergyHandler, immunizationHandler];
const BY_TYPE = new Map(HANDLERS.map((h) => [h.type, h]));

export const DEFAULT_COUNT = 20;
export const MAX_COUNT = 200;
/** Parameters every search takes besides the handler's own. */
const PAGING = new Set(['_count', '_offset', '_format']);

/** The handler of a type, or 404 not-supported. */
export function handlerOf(type: string, lang: FhirCtx['lang'], interaction: 'read' | 'search-type' | 'create'): ResourceHandler {
  const h = BY_TYPE.get(type);
  if (!h) throw fhirError(404, 'fhir.type_not_supported', { zh: `不支持的资源类型 ${type.slice(0, 60)}`, en: `Resource type ${type.slice(0, 60)} is not supported` }, null, lang, 'not-supported');
  if (!h.interactions.includes(interaction)) throw fhirError(405, 'fhir.interaction_not_supported', { zh: `${type} 不支持 ${interaction}`, en: `${type} does not support ${interaction}` }, null, lang, 'not-supported');
  return h;
}

/** A search's parameters from the query string: unknown ones refused (400 naming each), _count bounded. */
export function parseSearch(h: ResourceHandler, query: URLSearchParams, lang: FhirCtx['lang']): SearchRequest {
  const known = new Set(h.searchParams.map((p) => p.name));
  const params = new Map<string, string[]>();
  const bad: Issue[] = [];
  for (const [k, v] of query) {
    if (!known.has(k) && !PAGING.has(k)) {
      bad.push(fhirError(400, 'fhir.search_param_unknown', { zh: `${h.type} 不支持检索参数 ${k.slice(0, 60)}（见 CapabilityStatement）`, en: `${h.type} has no search parameter ${k.slice(0, 60)} (see the CapabilityStatement)` }, [k.slice(0, 60)], lang, 'not-supported').issues[0]);
      continue;
    }
    params.set(k, [...(params.get(k) ?? []), v]);
  }
  if (bad.length) throw new FhirError(400, bad);
  const num = (name: string, dflt: number, min: number, max: number) => {
    const raw = params.get(name)?.[0];
    if (raw === undefined) return dflt;
    if (!/^\d{1,6}$/.test(raw) || Number(raw) < min || Number(raw) > max) throw fhirError(400, 'fhir.search_param', { zh: `${name} 须为 ${min}–${max} 的整数`, en: `${name} must be an integer from ${min} to ${max}` }, [name], lang);
    return Number(raw);
  };
  const fmt = params.get('_format')?.[0];
  if (fmt && !/^(json|application\/(fhir\+)?json)$/.test(fmt)) throw fhirError(406, 'fhir.format', { zh: '只支持 JSON（application/fhir+json）', en: 'Only JSON (application/fhir+json) is supported' }, ['_format'], lang, 'not-supported');
  const count = num('_count', DEFAULT_COUNT, 1, MAX_COUNT);
  const offset = num('_offset', 0, 0, 1_000_000);
  for (const k of PAGING) params.delete(k);
  return { params, count, offset };
}

/** The searchset Bundle of a page, with self and next links (next while more remain). */
export async function search(ctx: FhirCtx, h: ResourceHandler, s: SearchRequest): Promise<Record<string, unknown>> {
  const page = await h.search!(ctx, s);
  const url = (offset: number) => {
    const q = new URLSearchParams();
    for (const [k, vs] of s.params) for (const v of vs) q.append(k, v);
    q.set('_count', String(s.count));
    if (offset) q.set('_offset', String(offset));
    return `${ctx.base}/${h.type}?${q.toString()}`;
  };
  return {
    resourceType: 'Bundle', id: randomUUID(), type: 'searchset', total: page.total,
    link: [{ relation: 'self', url: url(s.offset) }, ...(s.offset + page.resources.length < page.total ? [{ relation: 'next', url: url(s.offset + s.count) }] : [])],
    entry: page.resources.map((r) => ({ fullUrl: `${ctx.base}/${r.resourceType}/${r.id}`, resource: r, search: { mode: 'match' } })),
  };
}

/** The query of an If-None-Exist header (`identifier=system|value`). */
export function parseIfNoneExist(v: string | undefined): Map<string, string[]> | null {
  if (v === undefined) return null;
  const q = new URLSearchParams(v.replace(/^\?/, ''));
  const m = new Map<string, string[]>();
  for (const [k, x] of q) m.set(k, [...(m.get(k) ?? []), x]);
  return m;
}

function checkResource(body: unknown, type: string | null, lang: FhirCtx['lang'], at: string | null): FhirResource {
  const where = at ?? type ?? 'Resource';
  if (!body || typeof body !== 'object' || Array.isArray(body) || typeof (body as FhirResource).resourceType !== 'string') {
    throw fhirError(400, 'fhir.not_a_resource', { zh: '请求体须为 FHIR 资源（含 resourceType）', en: 'The body must be a FHIR resource (with resourceType)' }, [where], lang, 'structure');
  }
  const r = body as FhirResource;
  if (type && r.resourceType !== type) throw fhirError(400, 'fhir.type_mismatch', { zh: `资源类型 ${r.resourceType.slice(0, 60)} 与地址的 ${type} 不符`, en: `The resource is a ${r.resourceType.slice(0, 60)}, the URL names ${type}` }, [`${where}.resourceType`], lang, 'invalid');
  assertStructure(r, lang, at);
  return r;
}

/** Creates a resource of the URL's type (structure checked first, then the handler's mapping and the owner's rules). */
export async function create(ctx: FhirCtx, type: string, body: unknown, ifNoneExist: string | undefined) {
  const h = handlerOf(type, ctx.lang, 'create');
  const r = checkResource(body, type, ctx.lang, null);
  return h.create!(ctx, r, { ifNoneExist: parseIfNoneExist(ifNoneExist) });
}

/** Reads one resource. */
export async function read(ctx: FhirCtx, type: string, id: string): Promise<FhirResource> {
  return handlerOf(type, ctx.lang, 'read').read!(ctx, id);
}

// ---- Bundles ----

type Entry = { fullUrl?: string; resource?: FhirResource; request?: { method?: string; url?: string; ifNoneExist?: string } };

/** Issues of an error as issues of the Bundle entry i (its FHIRPaths moved under Bundle.entry[i].resource). */
function atEntry(e: unknown, i: number, lang: FhirCtx['lang']): FhirError {
  const err = e instanceof FhirError ? e : e instanceof AppError ? fromAppError(e, lang) : null;
  if (!err) throw e;
  return new FhirError(err.status, err.issues.map((x) => ({
    ...x,
    expression: (x.expression ?? ['']).map((p) => (p.startsWith('Bundle.') ? p : `Bundle.entry[${i}].resource${p.replace(/^[A-Z][A-Za-z]*/, '') ? p.replace(/^[A-Z][A-Za-z]*/, '') : ''}`)),
  })));
}

/** Replaces every `reference` naming a fullUrl of the Bundle (urn:uuid:…) by the created resource's. */
function resolveRefs(v: unknown, ids: Map<string, string>): unknown {
  if (Array.isArray(v)) return v.map((x) => resolveRefs(x, ids));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = k === 'reference' && typeof x === 'string' && ids.has(x) ? ids.get(x) : resolveRefs(x, ids);
    return out;
  }
  return v;
}

function refsIn(v: unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(v)) v.forEach((x) => refsIn(x, into));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === 'reference' && typeof x === 'string') into.add(x);
      else refsIn(x, into);
    }
  }
  return into;
}

function entryRequest(e: Entry, i: number, lang: FhirCtx['lang']): { method: 'POST' | 'GET'; type: string; url: string } {
  const method = e.request?.method;
  const url = e.request?.url ?? '';
  if (method !== 'POST' && method !== 'GET') throw fhirError(400, 'fhir.bundle_method', { zh: `不支持的方法 ${String(method).slice(0, 10)}（支持 POST、GET）`, en: `Method ${String(method).slice(0, 10)} is not supported in a Bundle (POST, GET)` }, [`Bundle.entry[${i}].request.method`], lang, 'not-supported');
  const type = url.split(/[/?]/)[0];
  if (method === 'POST' && (!e.resource || url !== e.resource.resourceType)) throw fhirError(400, 'fhir.bundle_url', { zh: 'POST 的 url 须为资源类型', en: 'A POST entry\'s url must be its resource type' }, [`Bundle.entry[${i}].request.url`], lang);
  return { method, type, url };
}

const statusLine = (n: number) => ({ 200: '200 OK', 201: '201 Created', 400: '400 Bad Request', 403: '403 Forbidden', 404: '404 Not Found', 405: '405 Method Not Allowed', 409: '409 Conflict', 412: '412 Precondition Failed', 422: '422 Unprocessable Entity' } as Record<number, string>)[n] ?? String(n);

async function runGet(ctx: FhirCtx, url: string): Promise<{ status: number; resource: unknown }> {
  const [path, qs] = url.split('?');
  const [type, id, ...rest] = path.split('/');
  if (rest.length) throw fhirError(400, 'fhir.bundle_url', { zh: '不支持的 GET 地址', en: 'Unsupported GET url' }, null, ctx.lang);
  if (id) return { status: 200, resource: await read(ctx, type, id) };
  const h = handlerOf(type, ctx.lang, 'search-type');
  return { status: 200, resource: await search(ctx, h, parseSearch(h, new URLSearchParams(qs ?? ''), ctx.lang)) };
}

const RETRIES = 3;
/** The order of creation by type inside a transaction (types not listed come last). */
const CREATE_RANK = ['Patient', 'Organization', 'Practitioner', 'Encounter'];

/**
 * A batch (each entry on its own) or a transaction (all POSTs in one database transaction, in the
 * order their urn:uuid references need; any refusal rolls back the whole and answers its
 * OperationOutcome; GETs after the commit).
 */
export async function bundle(ctx: FhirCtx, body: unknown): Promise<Record<string, unknown>> {
  const b = checkResource(body, 'Bundle', ctx.lang, null) as FhirResource & { type?: string; entry?: Entry[] };
  const entries = b.entry ?? [];
  if (b.type !== 'batch' && b.type !== 'transaction') throw fhirError(400, 'fhir.bundle_type', { zh: 'Bundle.type 须为 batch 或 transaction', en: 'Bundle.type must be batch or transaction' }, ['Bundle.type'], ctx.lang, 'not-supported');
  if (entries.length > 5000) throw fhirError(413, 'fhir.bundle_too_large', { zh: '一个 Bundle 最多 5000 条', en: 'At most 5,000 entries in a Bundle' }, ['Bundle.entry'], ctx.lang);
  if (b.type === 'batch') {
    const out = [];
    for (const [i, e] of entries.entries()) {
      try {
        const r = entryRequest(e, i, ctx.lang);
        if (r.method === 'GET') {
          const g = await runGet(ctx, r.url);
          out.push({ resource: g.resource, response: { status: statusLine(g.status) } });
        } else {
          const c = await handlerOf(r.type, ctx.lang, 'create').create!(ctx, e.resource!, { ifNoneExist: parseIfNoneExist(e.request?.ifNoneExist) });
          out.push({ fullUrl: `${ctx.base}/${r.type}/${c.resource.id}`, resource: c.resource, response: { status: statusLine(c.created ? 201 : 200), location: `${r.type}/${c.resource.id}` } });
        }
      } catch (err) {
        const f = atEntry(err, i, ctx.lang);
        out.push({ response: { status: statusLine(f.status), outcome: outcome(f.issues) } });
      }
    }
    return { resourceType: 'Bundle', id: randomUUID(), type: 'batch-response', entry: out };
  }
  const reqs = entries.map((e, i) => entryRequest(e, i, ctx.lang));
  const fullUrls = new Set(entries.map((e) => e.fullUrl).filter((u): u is string => !!u));
  // The order of creation: an entry once every urn:uuid it refers to is created (a cycle is refused);
  // among those ready, people and places before the care that needs them (an Encounter opens the
  // facility's basis for the readings sent with it), then the Bundle's order.
  const order: number[] = [];
  const pending = new Set(reqs.map((r, i) => (r.method === 'POST' ? i : -1)).filter((i) => i >= 0));
  const done = new Set<string>();
  const rank = (i: number) => CREATE_RANK.indexOf(reqs[i].type) >>> 0;
  while (pending.size) {
    const ready = [...pending].filter((i) => [...refsIn(entries[i].resource)].every((ref) => !fullUrls.has(ref) || done.has(ref)));
    if (!ready.length) throw fhirError(400, 'fhir.bundle_cycle', { zh: '条目之间的引用成环', en: 'The entries refer to one another in a cycle' }, [...pending].map((i) => `Bundle.entry[${i}]`), ctx.lang);
    const i = ready.sort((a, b) => rank(a) - rank(b) || a - b)[0];
    order.push(i);
    pending.delete(i);
    if (entries[i].fullUrl) done.add(entries[i].fullUrl!);
  }
  const responses: Record<number, unknown> = {};
  for (let attempt = 1; ; attempt++) {
    try {
      await ctx.db.tx(async (q) => {
        const inTx: FhirCtx = { ...ctx, db: joinTx(ctx.db, q) };
        const ids = new Map<string, string>();
        for (const i of order) {
          const e = entries[i];
          try {
            const res = resolveRefs(e.resource, ids) as FhirResource;
            const c = await handlerOf(reqs[i].type, ctx.lang, 'create').create!(inTx, res, { ifNoneExist: parseIfNoneExist(e.request?.ifNoneExist) });
            if (e.fullUrl) ids.set(e.fullUrl, `${reqs[i].type}/${c.resource.id}`);
            responses[i] = { fullUrl: `${ctx.base}/${reqs[i].type}/${c.resource.id}`, resource: c.resource, response: { status: statusLine(c.created ? 201 : 200), location: `${reqs[i].type}/${c.resource.id}` } };
          } catch (err) {
            throw atEntry(err, i, ctx.lang);
          }
        }
      });
      break;
    } catch (err) {
      // Two transactions sending the same conditional create at once: the loser's unique key fails
      // and its transaction is rolled back; run again, it finds the winner's resource.
      const code = (err as { code?: string }).code;
      const retry = code === '23505' || code === '40001' || code === '25P02' || (err instanceof FhirError && err.issues.some((x) => x.details?.coding?.some((c) => c.code === 'resident.duplicate_id' || c.code === 'record.duplicate')));
      if (!retry || attempt >= RETRIES) throw err;
    }
  }
  for (const [i, r] of reqs.entries()) {
    if (r.method !== 'GET') continue;
    try {
      const g = await runGet(ctx, r.url);
      responses[i] = { resource: g.resource, response: { status: statusLine(g.status) } };
    } catch (err) {
      const f = atEntry(err, i, ctx.lang);
      responses[i] = { response: { status: statusLine(f.status), outcome: outcome(f.issues) } };
    }
  }
  return { resourceType: 'Bundle', id: randomUUID(), type: 'transaction-response', entry: entries.map((_e, i) => responses[i]) };
}

// ---- Patient/$everything ----

/** The most of each type $everything returns (a larger record is paged by the types' own searches). */
export const EVERYTHING_LIMIT = MAX_COUNT;

/**
 * Patient/$everything (R4 §patient-operation-everything): the Patient and its Encounters,
 * Observations, Conditions, AllergyIntolerances and Immunizations, each read under its handler's rules (a type the caller may not read
 * is left out; each resident audited as every read is). `total` counts what the Bundle holds.
 */
export async function everything(ctx: FhirCtx, id: string): Promise<Record<string, unknown>> {
  const patient = await read(ctx, 'Patient', id);
  const out: FhirResource[] = [patient];
  for (const type of ['Encounter', 'Observation', 'Condition', 'AllergyIntolerance', 'Immunization']) {
    const h = BY_TYPE.get(type)!;
    try {
      const page = await h.search!(ctx, { params: new Map([['patient', [id]]]), count: EVERYTHING_LIMIT, offset: 0 });
      out.push(...page.resources);
    } catch (e) {
      // A SMART scope that does not cover the type leaves it out, as a search of it would answer 403.
      if (!(e instanceof FhirError && e.status === 403)) throw e;
    }
  }
  return {
    resourceType: 'Bundle', id: randomUUID(), type: 'searchset', total: out.length,
    link: [{ relation: 'self', url: `${ctx.base}/Patient/${id}/$everything` }],
    entry: out.map((r) => ({ fullUrl: `${ctx.base}/${r.resourceType}/${r.id}`, resource: r, search: { mode: r.resourceType === 'Patient' ? 'match' : 'include' } })),
  };
}
