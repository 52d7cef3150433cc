// Observation ⇄ the record's observations (records' service): LOINC-coded quantities of the
// observation catalogue, units checked and converted by records/observations.ts, idempotent on the
// sender's identifier, read with a legal basis and audited per resident.
import { randomUUID } from 'node:crypto';
import { AppError } from '../../platform/errors.ts';
import { observationRecord, observationRecords, recordObservation } from '../records/service.ts';
import type { ObservationRecordRow } from '../records/service.ts';
import { OBSERVATIONS } from '../records/observations.ts';
import { fhirError, FhirError, fromAppError, issue, type Issue } from './outcome.ts';
import { instantOf, LOINC, parseReference, UCUM, UUID } from './rules.ts';
import { codeParam, COMMON_PARAMS, recordQuery } from './search.ts';
import { requireScope } from './access.ts';
import type { FhirCtx, FhirResource, ResourceHandler } from './handlers.ts';

const VITALS = new Set(['8480-6', '8462-4', '8867-4', '8302-2', '29463-7', '39156-5', '8280-0', '8310-5', '59408-5']);
const CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
const INTERPRETATION = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';
const STORED_STATUSES = ['final', 'amended', 'corrected', 'preliminary'];

/** A stored observation as an Observation resource. */
export function toObservation(r: ObservationRecordRow): FhirResource {
  const def = OBSERVATIONS.find((o) => o.code === r.code);
  const q = (v: number) => ({ value: v, unit: r.unit, system: UCUM, code: r.unit });
  const vital = VITALS.has(r.code);
  return {
    resourceType: 'Observation', id: r.id, meta: { lastUpdated: r.recorded_at.toISOString() },
    ...(r.source_id ? { identifier: [{ system: r.source_system ?? undefined, value: r.source_id }] } : {}),
    status: 'final',
    category: [{ coding: [{ system: CATEGORY, code: vital ? 'vital-signs' : 'laboratory', display: vital ? 'Vital Signs' : 'Laboratory' }] }],
    code: { coding: [{ system: LOINC, code: r.code, display: def?.nameEn ?? r.code }], text: def?.nameZh ?? r.code },
    subject: { reference: `Patient/${r.resident_id}` },
    ...(r.encounter_id ? { encounter: { reference: `Encounter/${r.encounter_id}` } } : {}),
    effectiveDateTime: r.observed_at.toISOString(),
    valueQuantity: q(r.value),
    ...(r.flag ? { interpretation: [{ coding: [{ system: INTERPRETATION, code: r.flag }] }] } : {}),
    ...(r.ref_low !== null || r.ref_high !== null ? { referenceRange: [{ ...(r.ref_low !== null ? { low: q(r.ref_low) } : {}), ...(r.ref_high !== null ? { high: q(r.ref_high) } : {}) }] } : {}),
  };
}

type ObservationIn = FhirResource & {
  identifier?: { system?: string; value?: string }[]; status?: string; code?: { coding?: { system?: string; code?: string }[] };
  subject?: { reference?: string }; encounter?: { reference?: string }; effectiveDateTime?: string; effectiveInstant?: string; effectivePeriod?: { start?: string };
  valueQuantity?: { value?: number; unit?: string; code?: string; system?: string }; component?: unknown[];
};

/** The batch item of an Observation, or every problem with its FHIRPath. */
function itemOf(r: ObservationIn, ctx: FhirCtx) {
  const problems: Issue[] = [];
  const lang = ctx.lang;
  if (!STORED_STATUSES.includes(r.status ?? '')) problems.push(issue('business-rule', { zh: `Meridian 只保存结果（状态 ${STORED_STATUSES.join('、')}），不保存 ${r.status}`, en: `Meridian stores results (status ${STORED_STATUSES.join(', ')}), not ${r.status}` }, ['Observation.status'], 'fhir.observation_status', lang));
  const codings = r.code?.coding ?? [];
  const ci = codings.findIndex((c) => c.system === LOINC && OBSERVATIONS.some((o) => o.code === c.code));
  if (ci < 0) {
    problems.push(issue('code-invalid', { zh: `须有 Meridian 观察项目目录中的 LOINC 编码（${OBSERVATIONS.map((o) => o.code).join('、')}）`, en: `A LOINC code of Meridian's observation catalogue is required (${OBSERVATIONS.map((o) => o.code).join(', ')})` }, ['Observation.code.coding'], 'observation.unknown_code', lang));
  }
  const ref = r.subject?.reference ? parseReference(r.subject.reference, ctx.base) : null;
  if (!ref || ref.type !== 'Patient' || !UUID.test(ref.id)) problems.push(issue('required', { zh: '须引用居民（Patient/<id>）', en: 'The subject must be a Patient (Patient/<id>)' }, ['Observation.subject'], 'fhir.observation_subject', lang));
  const at = instantOf(r.effectiveDateTime ?? r.effectiveInstant ?? r.effectivePeriod?.start);
  if (!at) problems.push(issue('required', { zh: '须有观察日期或时间（effectiveDateTime）', en: 'The day or time observed is required (effectiveDateTime)' }, ['Observation.effective'], 'fhir.observation_time', lang));
  const v = r.valueQuantity;
  if (v?.value === undefined || !(v.code ?? v.unit)) problems.push(issue('required', { zh: '须有数值与单位（valueQuantity.value 与 code/unit）', en: 'A quantity with its unit is required (valueQuantity.value and code or unit)' }, ['Observation.value'], 'fhir.observation_value', lang));
  const enc = r.encounter?.reference ? parseReference(r.encounter.reference, ctx.base) : null;
  if (r.encounter && (!enc || enc.type !== 'Encounter' || !UUID.test(enc.id))) problems.push(issue('invalid', { zh: '就诊须引用 Encounter/<id>', en: 'The encounter must be a reference Encounter/<id>' }, ['Observation.encounter'], 'fhir.observation_encounter', lang));
  if (problems.length) throw new FhirError(400, problems);
  const id = (r.identifier ?? []).find((i) => i.value);
  return {
    sourceSystem: (id?.system ?? 'fhir').slice(0, 50),
    item: { residentId: ref!.id.toLowerCase(), code: codings[ci].code!, value: v!.value!, unit: (v!.code ?? v!.unit)!, sourceId: (id?.value ?? randomUUID()).slice(0, 100), observedAt: at! },
    identified: !!id,
    encounterId: enc ? enc.id.toLowerCase() : null,
  };
}

const PATHS: Record<string, string> = { 'items[0].code': 'Observation.code', 'items[0].unit': 'Observation.valueQuantity.code', 'items[0].value': 'Observation.valueQuantity.value', 'items[0].residentId': 'Observation.subject', 'items[0].sourceId': 'Observation.identifier', sourceId: 'Observation.identifier', patient: 'Observation.subject', encounter: 'Observation.encounter' };

export const observationHandler: ResourceHandler = {
  type: 'Observation',
  profile: 'http://hl7.org/fhir/StructureDefinition/Observation',
  interactions: ['read', 'search-type', 'create'],
  conditionalCreate: true,
  searchParams: [
    ...COMMON_PARAMS,
    { name: 'code', type: 'token', documentation: `LOINC code (${LOINC}|<code> or <code>) of the observation catalogue` },
    { name: 'date', type: 'date', documentation: 'When observed; prefixes eq, gt, ge, lt, le, sa, eb (ap as eq)' },
    { name: 'status', type: 'token', documentation: 'Stored observations are final' },
  ],
  mapped: ['identifier (the sender\'s record id: system → source system, value → id; resent, it is stored once)', 'status (final)', 'code (LOINC of the catalogue)', 'subject (Patient)', 'encounter (the Encounter it was made in, of the same resident)', 'effective[x] (dateTime, instant or period start; a date without a time as 00:00 Asia/Shanghai)', 'valueQuantity (converted to the catalogue\'s unit, UCUM)', 'interpretation (L/N/H, computed)', 'referenceRange (the catalogue\'s)'],
  notStored: ['category (derived from the code)', 'component (blood-pressure panels: send systolic 8480-6 and diastolic 8462-4 as two Observations)', 'value[x] other than Quantity', 'performer', 'method', 'bodySite', 'specimen', 'device', 'note', 'hasMember', 'derivedFrom', 'issued', 'dataAbsentReason', 'codings other than the LOINC one', 'status other than final (amended/corrected/preliminary are stored as final)'],
  read: async (ctx, id) => {
    requireScope(ctx, 'Observation', 'read');
    if (!UUID.test(id)) throw fhirError(404, 'record.not_found', { zh: `Observation/${id} 不存在`, en: `Observation/${id} not found` }, null, ctx.lang);
    try {
      return toObservation(await observationRecord(ctx.db, ctx.p, ctx.o, id));
    } catch (e) {
      if (e instanceof AppError) throw fromAppError(e, ctx.lang);
      throw e;
    }
  },
  search: async (ctx, s) => {
    requireScope(ctx, 'Observation', 'read');
    const f = recordQuery(s, ctx.lang, ctx.base, 'date');
    const status = s.params.get('status')?.flatMap((x) => x.split(','));
    if (!f || (status && !status.includes('final'))) return { resources: [], total: 0 };
    const codes = codeParam(s, 'code', LOINC);
    if (codes && !codes.length) return { resources: [], total: 0 };
    try {
      const out = await observationRecords(ctx.db, ctx.p, ctx.o, { ...f, codes });
      return { resources: out.rows.map(toObservation), total: out.total };
    } catch (e) {
      if (e instanceof AppError) throw fromAppError(e, ctx.lang, { patient: 'patient' });
      throw e;
    }
  },
  create: async (ctx, r, o) => {
    requireScope(ctx, 'Observation', 'write');
    const { sourceSystem, item, identified, encounterId } = itemOf(r as ObservationIn, ctx);
    if (o.ifNoneExist) {
      // Conditional create keys on the sender's identifier: the same one it carries.
      const want = o.ifNoneExist.get('identifier')?.[0];
      const id = (r as ObservationIn).identifier?.find((i) => i.value);
      if (!want || !identified || want !== `${id!.system ?? ''}|${id!.value}`) {
        throw fhirError(400, 'fhir.if_none_exist', { zh: 'If-None-Exist 须为 identifier=system|value，且与资源的 identifier 相同', en: 'If-None-Exist must be identifier=system|value, the same as the resource\'s identifier' }, ['Observation.identifier'], ctx.lang);
      }
    }
    try {
      const out = await recordObservation(ctx.db, ctx.p, ctx.o, sourceSystem, item, encounterId);
      return { resource: toObservation(await observationRecord(ctx.db, ctx.p, ctx.o, out.id)), created: out.created };
    } catch (e) {
      if (e instanceof AppError) throw fromAppError(e, ctx.lang, PATHS, 'Observation');
      throw e;
    }
  },
};
