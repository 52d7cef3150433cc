// Organization ⇄ the registry's facilities and Practitioner ⇄ its health workers, read through the
// registry's functions in the caller's region scope (the same as the registry's pages).
import { AppError, forbidden } from '../../platform/errors.ts';
import { scopePrefix } from '../../platform/scope.ts';
import { getFacility, listFacilities, type Facility } from '../registry/facilities.ts';
import { getWorker, listWorkers, type Worker } from '../registry/workers.ts';
import { STAFF } from '../../shared/roles.ts';
import { fhirError, fromAppError } from './outcome.ts';
import { FACILITY_SYSTEM, MERIDIAN, parseToken, REGION_SYSTEM, UUID } from './rules.ts';
import { requireScope } from './access.ts';
import type { FhirCtx, FhirResource, ResourceHandler, SearchRequest } from './handlers.ts';

/** The practising certificate number (执业证书编码) of a health worker: no OID could be confirmed, so a Meridian URI. */
export const LICENCE_SYSTEM = `${MERIDIAN}:practising-certificate`;
const TYPE_SYSTEM = `${MERIDIAN}:facility-kind`;

function mayRead(ctx: FhirCtx, type: string): void {
  requireScope(ctx, type, 'read');
  if (ctx.p.kind !== 'system' && !(STAFF as readonly string[]).includes(ctx.p.role)) throw fromAppError(forbidden(), ctx.lang);
}

/** A facility as an Organization; its id is the facility code. */
export function toOrganization(f: Facility): FhirResource {
  return {
    resourceType: 'Organization', id: f.code, meta: { versionId: String(f.version) },
    identifier: [{ system: FACILITY_SYSTEM, value: f.code }],
    active: f.closedOn === null,
    type: [{ coding: [{ system: TYPE_SYSTEM, code: f.kind }], text: `${f.tier} ${f.grade}`.trim() }],
    name: f.name,
    address: [{ text: f.regionName, extension: [{ url: REGION_SYSTEM, valueCode: f.regionCode }] }],
    ...(f.parentFacilityCode ? { partOf: { reference: `Organization/${f.parentFacilityCode}`, display: f.parentFacilityName ?? undefined } } : {}),
  };
}

/** A health worker as a Practitioner. */
export function toPractitioner(w: Worker): FhirResource {
  return {
    resourceType: 'Practitioner', id: w.id,
    ...(w.licenceNo ? { identifier: [{ system: LICENCE_SYSTEM, value: w.licenceNo }] } : {}),
    active: w.active,
    name: [{ text: w.name }],
    gender: w.sex === 'M' ? 'male' : 'female',
    ...(w.birthDate ? { birthDate: w.birthDate } : {}),
    ...(w.title || w.specialty ? { qualification: [{ code: { text: [w.title, w.specialty].filter(Boolean).join(' ') } }] } : {}),
  };
}

const wrap = async <T>(ctx: FhirCtx, fn: () => Promise<T>): Promise<T> => {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof AppError) throw fromAppError(e, ctx.lang);
    throw e;
  }
};

async function searchOrganizations(ctx: FhirCtx, s: SearchRequest) {
  mayRead(ctx, 'Organization');
  const within = await scopePrefix(ctx.db, ctx.p);
  const ids = [...(s.params.get('_id') ?? []).flatMap((x) => x.split(',')), ...(s.params.get('identifier') ?? []).map(parseToken).filter((t) => !t.system || t.system === FACILITY_SYSTEM).map((t) => t.code ?? '')];
  if (s.params.has('_id') || s.params.has('identifier')) {
    const found: Facility[] = [];
    for (const code of new Set(ids)) {
      try {
        found.push(await getFacility(ctx.db, code, within));
      } catch (e) {
        if (!(e instanceof AppError && e.status === 404)) throw e;
      }
    }
    return { resources: found.slice(s.offset, s.offset + s.count).map(toOrganization), total: found.length };
  }
  const out = await listFacilities(ctx.db, { within, q: s.params.get('name')?.[0], limit: s.count, offset: s.offset });
  return { resources: out.items.map(toOrganization), total: out.total };
}

async function searchPractitioners(ctx: FhirCtx, s: SearchRequest) {
  mayRead(ctx, 'Practitioner');
  const within = await scopePrefix(ctx.db, ctx.p);
  if (s.params.has('_id')) {
    const found: Worker[] = [];
    for (const id of new Set((s.params.get('_id') ?? []).flatMap((x) => x.split(',')).filter((x) => UUID.test(x)))) {
      try {
        found.push(await getWorker(ctx.db, id, within));
      } catch (e) {
        if (!(e instanceof AppError && e.status === 404)) throw e;
      }
    }
    return { resources: found.slice(s.offset, s.offset + s.count).map(toPractitioner), total: found.length };
  }
  const out = await listWorkers(ctx.db, { within, q: s.params.get('name')?.[0], limit: s.count, offset: s.offset });
  return { resources: out.items.map(toPractitioner), total: out.total };
}

export const organizationHandler: ResourceHandler = {
  type: 'Organization',
  profile: 'http://hl7.org/fhir/StructureDefinition/Organization',
  interactions: ['read', 'search-type'],
  conditionalCreate: false,
  searchParams: [
    { name: '_id', type: 'token', documentation: 'The facility code (the Organization\'s id)' },
    { name: 'identifier', type: 'token', documentation: `${FACILITY_SYSTEM}|<facility code>` },
    { name: 'name', type: 'string', documentation: 'Part of the facility\'s name' },
  ],
  mapped: ['id and identifier (facility code)', 'active (not closed)', 'type (facility kind, tier and grade)', 'name', `address (region code, extension ${REGION_SYSTEM})`, 'partOf (parent facility)'],
  notStored: ['alias', 'telecom', 'contact', 'endpoint', 'address lines', 'the national 医疗卫生机构代码 / 统一社会信用代码 (not kept by the registry)'],
  read: async (ctx, id) => {
    mayRead(ctx, 'Organization');
    if (!/^[A-Za-z0-9-]{4,32}$/.test(id)) throw fhirError(404, 'record.not_found', { zh: `Organization/${id} 不存在`, en: `Organization/${id} not found` }, null, ctx.lang);
    return toOrganization(await wrap(ctx, async () => getFacility(ctx.db, id, await scopePrefix(ctx.db, ctx.p))));
  },
  search: searchOrganizations,
};

export const practitionerHandler: ResourceHandler = {
  type: 'Practitioner',
  profile: 'http://hl7.org/fhir/StructureDefinition/Practitioner',
  interactions: ['read', 'search-type'],
  conditionalCreate: false,
  searchParams: [
    { name: '_id', type: 'token', documentation: 'The health worker\'s id' },
    { name: 'name', type: 'string', documentation: 'Part of the worker\'s name' },
  ],
  mapped: [`identifier (practising certificate number, ${LICENCE_SYSTEM})`, 'active', 'name (as text)', 'gender', 'birthDate', 'qualification (title and specialty, as text)'],
  notStored: ['telecom', 'address', 'photo', 'communication', 'qualification codes, periods and issuers', 'postings (PractitionerRole is not served yet)'],
  read: async (ctx, id) => {
    mayRead(ctx, 'Practitioner');
    if (!UUID.test(id)) throw fhirError(404, 'record.not_found', { zh: `Practitioner/${id} 不存在`, en: `Practitioner/${id} not found` }, null, ctx.lang);
    return toPractitioner(await wrap(ctx, async () => getWorker(ctx.db, id, await scopePrefix(ctx.db, ctx.p))));
  },
  search: searchPractitioners,
};
