// Patient ⇄ the registry's resident master index, through the registry's use cases (createResident,
// getResident, searchResidents): the same region scope, masks and audit as the index's pages.
import { AppError, forbidden } from '../../platform/errors.ts';
import { actorOf } from '../../platform/auth.ts';
import { scopePrefix } from '../../platform/scope.ts';
import { writeAuditMany } from '../../platform/audit.ts';
import { createResident, readResident, searchResidents, type Resident } from '../registry/residents.ts';
import { validateIdNumber } from '../registry/id-number.ts';
import { myResidentId } from '../records/service.ts';
import { INDEX_READERS, RESIDENT_REGISTRARS } from '../../shared/roles.ts';
import { fhirError, fromAppError, FhirError, issue, type Issue } from './outcome.ts';
import { DATA_ABSENT, ID_SYSTEMS, idTypeOfSystem, nameOf, parseToken, sexOfGender, UUID, VILLAGE_EXT } from './rules.ts';
import type { FhirCtx, FhirResource, ResourceHandler, SearchRequest } from './handlers.ts';
import { requireScope } from './access.ts';

type Identifier = { system?: string; value?: string; use?: string };
type PatientIn = FhirResource & {
  identifier?: Identifier[]; name?: { text?: string; family?: string; given?: string[] }[]; gender?: string; birthDate?: string;
  telecom?: { system?: string; value?: string }[]; address?: { extension?: { url: string; valueCode?: string; valueString?: string }[] }[];
};

/** A resident as a Patient: the identifier masked (marked so), the village of residence, death, merge. */
export function toPatient(r: Resident): FhirResource {
  return {
    resourceType: 'Patient', id: r.id, meta: { versionId: String(r.version) },
    identifier: [{ use: 'official', system: ID_SYSTEMS[r.idType], value: r.idNumberMasked, extension: [{ url: DATA_ABSENT, valueCode: 'masked' }] }],
    active: r.mergedInto === null,
    name: [{ text: r.name }],
    gender: r.sex === 'M' ? 'male' : 'female',
    ...(r.phoneMasked ? { telecom: [{ system: 'phone', value: r.phoneMasked, extension: [{ url: DATA_ABSENT, valueCode: 'masked' }] }] } : {}),
    address: [{ use: 'home', text: [r.townshipName, r.villageName].filter(Boolean).join(''), extension: [{ url: VILLAGE_EXT, valueCode: r.villageCode }] }],
    ...(r.deathDate ? { deceasedDateTime: r.deathDate } : {}),
    ...(r.mergedInto ? { link: [{ other: { reference: `Patient/${r.mergedInto}` }, type: 'replaced-by' }] } : {}),
  };
}

/** The registry's fields as the Patient's FHIRPaths, for the registry's own refusals. */
const PATHS: Record<string, string> = {
  idNumber: 'Patient.identifier[0].value', idType: 'Patient.identifier[0].system', name: 'Patient.name[0]', sex: 'Patient.gender', birthDate: 'Patient.birthDate',
  villageCode: `Patient.address[0].extension('${VILLAGE_EXT}')`, phone: 'Patient.telecom', registeredVillageCode: 'Patient.address',
};

/** The identifier Meridian keys a Patient by: the first whose system is one of its ID systems. */
function keyIdentifier(p: PatientIn): { i: number; type: keyof typeof ID_SYSTEMS; value: string } | null {
  for (const [i, id] of (p.identifier ?? []).entries()) {
    const type = idTypeOfSystem(id.system);
    if (type && id.value) return { i, type, value: type === 'resident_id' ? id.value.toUpperCase() : id.value };
  }
  return null;
}

/** Who reads the index by FHIR: index readers (region scope), the resident themself, facility systems (their facility's region). */
async function within(ctx: FhirCtx): Promise<string | null> {
  return scopePrefix(ctx.db, ctx.p);
}

async function readOne(ctx: FhirCtx, id: string): Promise<Resident> {
  if (!UUID.test(id)) throw fhirError(404, 'record.not_found', { zh: `Patient/${id} 不存在`, en: `Patient/${id} not found` }, null, ctx.lang);
  try {
    if (ctx.p.role === 'resident') {
      const own = await myResidentId(ctx.db, ctx.p);
      if (own !== id) throw fhirError(404, 'record.not_found', { zh: `Patient/${id} 不存在`, en: `Patient/${id} not found` }, null, ctx.lang);
      return await readResident(ctx.db, ctx.keys, actorOf(ctx.p, ctx.p.ip), id, null, 'self');
    }
    return await readResident(ctx.db, ctx.keys, actorOf(ctx.p, ctx.p.ip), id, await within(ctx), ctx.p.kind === 'system' ? 'system' : 'registry_scope');
  } catch (e) {
    if (e instanceof AppError) throw fromAppError(e, ctx.lang);
    throw e;
  }
}

function mayRead(ctx: FhirCtx): void {
  requireScope(ctx, 'Patient', 'read');
  if (ctx.p.kind !== 'system' && ctx.p.role !== 'resident' && !(INDEX_READERS as readonly string[]).includes(ctx.p.role)) throw fromAppError(forbidden(), ctx.lang);
}

/** The residents an identifier token finds in the caller's scope (through the registry's lookup hash). */
async function byIdentifier(ctx: FhirCtx, token: string, limit: number, offset: number): Promise<{ items: Resident[]; total: number }> {
  const { system, code } = parseToken(token);
  const type = system ? idTypeOfSystem(system) : null;
  if ((system && !type) || !code) return { items: [], total: 0 };
  const value = type === 'resident_id' || (!type && /^\d{17}[\dXx]$/.test(code)) ? code.toUpperCase() : code;
  const found = await searchResidents(ctx.db, ctx.keys, actorOf(ctx.p, ctx.p.ip), await within(ctx), { q: value, limit: 200, offset: 0 });
  const items = found.items.filter((r) => !type || r.idType === type);
  return { items: items.slice(offset, offset + limit), total: items.length };
}

async function search(ctx: FhirCtx, s: SearchRequest) {
  mayRead(ctx);
  const ids = s.params.get('_id');
  const idents = s.params.get('identifier');
  const names = s.params.get('name');
  let page: { items: Resident[]; total: number };
  if (ctx.p.role === 'resident') {
    // A resident's search holds their own Patient at most.
    const own = await readOne(ctx, await myResidentId(ctx.db, ctx.p));
    const keep = (!ids || ids.join(',').split(',').includes(own.id)) && !idents && !names;
    page = keep ? { items: [own], total: 1 } : { items: [], total: 0 };
  } else if (ids) {
    const items: Resident[] = [];
    for (const id of ids.join(',').split(',')) {
      try {
        items.push(await readOne(ctx, id));
      } catch (e) {
        if (!(e instanceof FhirError && e.status === 404)) throw e;
      }
    }
    page = { items: items.slice(s.offset, s.offset + s.count), total: items.length };
  } else if (idents) {
    page = await byIdentifier(ctx, idents[0], s.count, s.offset);
  } else {
    page = await searchResidents(ctx.db, ctx.keys, actorOf(ctx.p, ctx.p.ip), await within(ctx), { q: names?.[0], limit: s.count, offset: s.offset });
  }
  // Each resident a search shows is named in the audit, as every read of a person is.
  if (page.items.length && ctx.p.role !== 'resident') {
    await ctx.db.tx((q) => writeAuditMany(q, page.items.map((r) => ({ actor: actorOf(ctx.p, ctx.p.ip), entry: { action: 'fhir.patient_listed', outcome: 'ok' as const, residentId: r.id, recordType: 'resident', recordId: r.id, basis: ctx.p.kind === 'system' ? 'system' : 'registry_scope' } }))));
  }
  return { resources: page.items.map(toPatient), total: page.total };
}

/** The registry's input from a Patient, or every problem with its FHIRPath. */
function residentInput(p: PatientIn, lang: FhirCtx['lang']) {
  const problems: Issue[] = [];
  const key = keyIdentifier(p);
  if (!key) {
    problems.push(issue('required', { zh: `须有一个 Meridian 登记的证件标识（如居民身份证 ${ID_SYSTEMS.resident_id}）`, en: `An identifier of a document Meridian registers is required (e.g. the resident ID number, system ${ID_SYSTEMS.resident_id})` }, ['Patient.identifier'], 'fhir.patient_identifier', lang));
  } else if (key.type === 'resident_id') {
    const v = validateIdNumber(key.value, { birthDate: p.birthDate, sex: sexOfGender(p.gender) ?? undefined });
    if (!v.ok) for (const pr of v.problems) problems.push(issue('value', { zh: pr.zh, en: pr.en }, [`Patient.identifier[${key.i}].value`], pr.code, lang));
  }
  const name = nameOf(p.name?.[0]);
  if (!name) problems.push(issue('required', { zh: '须有姓名', en: 'A name is required' }, ['Patient.name'], 'fhir.patient_name', lang));
  else if (name.length > 50) problems.push(issue('value', { zh: '姓名不得超过50个字符', en: 'The name has more than 50 characters' }, ['Patient.name[0]'], 'fhir.patient_name', lang));
  if (p.gender !== undefined && !sexOfGender(p.gender)) problems.push(issue('value', { zh: 'Meridian 按 GB/T 2261.1 只记录男、女', en: 'Meridian records sex as male or female (GB/T 2261.1)' }, ['Patient.gender'], 'fhir.patient_gender', lang));
  const village = p.address?.flatMap((a) => a.extension ?? []).find((e) => e.url === VILLAGE_EXT);
  const villageCode = village?.valueCode ?? village?.valueString;
  if (!villageCode) problems.push(issue('required', { zh: `须在 Patient.address 中以扩展 ${VILLAGE_EXT} 给出现住村（居）委会的12位代码`, en: `The 12-digit village code of residence is required (extension ${VILLAGE_EXT} on Patient.address)` }, ['Patient.address'], 'fhir.patient_village', lang));
  const phone = p.telecom?.find((t) => t.system === 'phone')?.value;
  if (problems.length) throw new FhirError(400, problems);
  return {
    idType: key!.type, idNumber: key!.value, name: name!, sex: sexOfGender(p.gender) ?? undefined, birthDate: p.birthDate && /^\d{4}-\d{2}-\d{2}$/.test(p.birthDate) ? p.birthDate : undefined,
    phone: phone ?? null, villageCode: villageCode!,
  };
}

async function create(ctx: FhirCtx, r: FhirResource, o: { ifNoneExist: Map<string, string[]> | null }) {
  requireScope(ctx, 'Patient', 'write');
  if (ctx.p.kind !== 'system' && !(RESIDENT_REGISTRARS as readonly string[]).includes(ctx.p.role)) throw fromAppError(forbidden(), ctx.lang);
  const p = r as PatientIn;
  const input = residentInput(p, ctx.lang);
  const token = o.ifNoneExist?.get('identifier')?.[0] ?? null;
  if (o.ifNoneExist) {
    if (!token || [...o.ifNoneExist.keys()].some((k) => k !== 'identifier')) {
      throw fhirError(400, 'fhir.if_none_exist', { zh: 'If-None-Exist 只支持 identifier=system|value', en: 'If-None-Exist supports identifier=system|value only' }, null, ctx.lang);
    }
    const found = await byIdentifier(ctx, token, 2, 0);
    if (found.total > 1) throw fhirError(412, 'fhir.multiple_matches', { zh: '条件创建匹配到多条记录', en: 'The conditional create matches more than one resource' }, null, ctx.lang);
    if (found.total === 1) return { resource: toPatient(found.items[0]), created: false };
  }
  try {
    const { resident } = await createResident(ctx.db, ctx.keys, actorOf(ctx.p, ctx.p.ip), input, await within(ctx));
    return { resource: toPatient(resident), created: true };
  } catch (e) {
    // Two conditional creates at once: the second meets the first's identifier and answers it.
    if (token && e instanceof AppError && (e.code === 'resident.duplicate_id' || e.code === 'record.duplicate')) {
      const found = await byIdentifier(ctx, token, 2, 0);
      if (found.total === 1) return { resource: toPatient(found.items[0]), created: false };
    }
    if (e instanceof AppError) throw fromAppError(e, ctx.lang, { ...PATHS, idNumber: `Patient.identifier[${keyIdentifier(p)!.i}].value` });
    throw e;
  }
}

export const patientHandler: ResourceHandler = {
  type: 'Patient',
  profile: 'http://hl7.org/fhir/StructureDefinition/Patient',
  interactions: ['read', 'search-type', 'create'],
  conditionalCreate: true,
  operations: [{ name: 'everything', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything' }],
  searchParams: [
    { name: '_id', type: 'token', documentation: 'The resident\'s id (comma-separated for several)' },
    { name: 'identifier', type: 'token', documentation: `system|value: the resident ID number (${ID_SYSTEMS.resident_id}) or another registered document, found through the registry's keyed lookup hash` },
    { name: 'name', type: 'string', documentation: 'Name, pinyin or initials (the master index\'s search)' },
  ],
  mapped: ['identifier (one registered document; shown masked)', 'name (one, as text)', 'gender (male/female)', 'birthDate (on create; checked against the ID number)', 'telecom phone (masked)', `address village code (extension ${VILLAGE_EXT})`, 'deceasedDateTime', 'active/link (merged records)'],
  notStored: ['birthDate in reads (withheld beside the masked identifier, as the index shows ages only)', 'identifiers beyond the first registered one', 'name parts, prefixes, periods; names beyond the first', 'telecom other than one phone', 'address lines, cities, postal codes', 'maritalStatus', 'contact', 'communication', 'generalPractitioner', 'managingOrganization', 'photo', 'multipleBirth', 'extensions other than the village code', 'meta.lastUpdated (not kept by the index)'],
  read: async (ctx, id) => {
    mayRead(ctx);
    return toPatient(await readOne(ctx, id));
  },
  search,
  create,
};
