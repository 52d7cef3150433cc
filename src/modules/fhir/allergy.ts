// AllergyIntolerance ⇄ the record's allergies and Immunization ⇄ its immunisations, read and
// searched through records' service with a legal basis, audited per resident. Read-only here: both
// are recorded with their encounter (records' own encounter route).
import { AppError } from '../../platform/errors.ts';
import { allergyRecord, allergyRecords, immunisationRecord, immunisationRecords, type AllergyRecordRow, type ImmunisationRecordRow } from '../records/service.ts';
import { fhirError, fromAppError } from './outcome.ts';
import { MERIDIAN, UUID } from './rules.ts';
import { codeParam, COMMON_PARAMS, recordQuery } from './search.ts';
import { requireScope } from './access.ts';
import type { FhirCtx, FhirResource, ResourceHandler } from './handlers.ts';

/** Vaccines as Meridian names them (no CVX or national vaccine code is kept). */
export const VACCINE_SYSTEM = `${MERIDIAN}:vaccine`;

export function toAllergy(r: AllergyRecordRow): FhirResource {
  return {
    resourceType: 'AllergyIntolerance', id: r.id, meta: { lastUpdated: r.recorded_at.toISOString() },
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] },
    code: { text: r.substance },
    patient: { reference: `Patient/${r.resident_id}` },
    recordedDate: r.recorded_at.toISOString(),
    ...(r.reaction || r.severity ? { reaction: [{ manifestation: [{ text: r.reaction ?? r.substance }], ...(r.severity ? { severity: r.severity } : {}) }] } : {}),
  };
}

export function toImmunization(r: ImmunisationRecordRow): FhirResource {
  return {
    resourceType: 'Immunization', id: r.id, status: 'completed',
    vaccineCode: { coding: [{ system: VACCINE_SYSTEM, code: r.vaccine }], text: r.vaccine },
    patient: { reference: `Patient/${r.resident_id}` },
    ...(r.encounter_id ? { encounter: { reference: `Encounter/${r.encounter_id}` } } : {}),
    occurrenceDateTime: r.given_on,
    ...(r.lot ? { lotNumber: r.lot } : {}),
    ...(r.site ? { site: { text: r.site } } : {}),
    ...(r.facility_code ? { performer: [{ actor: { reference: `Organization/${r.facility_code}` } }] } : {}),
    protocolApplied: [{ doseNumberPositiveInt: r.dose_number }],
  };
}

const wrap = async <T>(ctx: FhirCtx, fn: () => Promise<T>): Promise<T> => {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof AppError) throw fromAppError(e, ctx.lang, { patient: 'patient' });
    throw e;
  }
};
const missing = (ctx: FhirCtx, type: string, id: string) => fhirError(404, 'record.not_found', { zh: `${type}/${id} 不存在`, en: `${type}/${id} not found` }, null, ctx.lang);

export const allergyHandler: ResourceHandler = {
  type: 'AllergyIntolerance',
  profile: 'http://hl7.org/fhir/StructureDefinition/AllergyIntolerance',
  interactions: ['read', 'search-type'],
  conditionalCreate: false,
  searchParams: COMMON_PARAMS,
  mapped: ['code (the substance, as text)', 'patient', 'reaction (manifestation as text, severity)', 'recordedDate', 'clinicalStatus (active)'],
  notStored: ['codings of the substance', 'type', 'category', 'criticality', 'verificationStatus', 'onset[x]', 'recorder', 'asserter', 'lastOccurrence', 'note', 'reaction details beyond one manifestation', 'create (allergies are recorded with an encounter)'],
  read: async (ctx, id) => {
    requireScope(ctx, 'AllergyIntolerance', 'read');
    if (!UUID.test(id)) throw missing(ctx, 'AllergyIntolerance', id);
    return toAllergy(await wrap(ctx, () => allergyRecord(ctx.db, ctx.p, ctx.o, id)));
  },
  search: async (ctx, s) => {
    requireScope(ctx, 'AllergyIntolerance', 'read');
    const f = recordQuery(s, ctx.lang, ctx.base, null);
    if (!f) return { resources: [], total: 0 };
    const out = await wrap(ctx, () => allergyRecords(ctx.db, ctx.p, ctx.o, f));
    return { resources: out.rows.map(toAllergy), total: out.total };
  },
};

export const immunizationHandler: ResourceHandler = {
  type: 'Immunization',
  profile: 'http://hl7.org/fhir/StructureDefinition/Immunization',
  interactions: ['read', 'search-type'],
  conditionalCreate: false,
  searchParams: [
    ...COMMON_PARAMS.filter((p) => p.name !== '_lastUpdated'),
    { name: 'vaccine-code', type: 'token', documentation: `The vaccine as Meridian names it (${VACCINE_SYSTEM}|<name>)` },
    { name: 'date', type: 'date', documentation: 'The day given (Asia/Shanghai); prefixes eq, gt, ge, lt, le, sa, eb' },
  ],
  mapped: [`vaccineCode (the vaccine's name, ${VACCINE_SYSTEM})`, 'patient', 'encounter', 'occurrenceDateTime (the day given)', 'lotNumber', 'site (as text)', 'performer (the facility)', 'protocolApplied.doseNumber', 'status (completed)'],
  notStored: ['CVX or national vaccine codes', 'manufacturer', 'expirationDate', 'route', 'doseQuantity', 'reasonCode', 'reaction', 'education', 'fundingSource', 'programEligibility', 'meta.lastUpdated', 'create (immunisations are recorded with an encounter)'],
  read: async (ctx, id) => {
    requireScope(ctx, 'Immunization', 'read');
    if (!UUID.test(id)) throw missing(ctx, 'Immunization', id);
    return toImmunization(await wrap(ctx, () => immunisationRecord(ctx.db, ctx.p, ctx.o, id)));
  },
  search: async (ctx, s) => {
    requireScope(ctx, 'Immunization', 'read');
    const f = recordQuery(s, ctx.lang, ctx.base, 'date');
    const codes = codeParam(s, 'vaccine-code', VACCINE_SYSTEM);
    if (!f || (codes && !codes.length)) return { resources: [], total: 0 };
    const out = await wrap(ctx, () => immunisationRecords(ctx.db, ctx.p, ctx.o, { ...f, codes }));
    return { resources: out.rows.map(toImmunization), total: out.total };
  },
};
