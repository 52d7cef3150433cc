// Encounter ⇄ the record's encounters and Condition ⇄ its diagnoses (ICD-10), through records'
// service: read and searched with a legal basis and audited per resident; an Encounter is created
// through recordEncounter (the basis rule, idempotent on the sender's identifier).
import { AppError } from '../../platform/errors.ts';
import { diagnosisRecord, diagnosisRecords, encounterRecord, encounterRecords, recordEncounter } from '../records/service.ts';
import type { DiagnosisRecordRow, EncounterRecordRow } from '../records/service.ts';
import { ENCOUNTER_KINDS, type EncounterKind } from '../records/schema.ts';
import { fhirError, FhirError, fromAppError, issue, type Issue } from './outcome.ts';
import { ICD10, instantOf, MERIDIAN, parseReference, UUID } from './rules.ts';
import { codeParam, COMMON_PARAMS, recordQuery } from './search.ts';
import { requireScope } from './access.ts';
import type { FhirCtx, FhirResource, ResourceHandler } from './handlers.ts';

const ACT = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
/** Meridian's encounter kinds as a code system (Encounter.type). */
export const KIND_SYSTEM = `${MERIDIAN}:encounter-kind`;
/** The v3 ActCode class of each kind (HL7's encounter classes). */
const CLASS_OF: Record<EncounterKind, string> = { outpatient: 'AMB', emergency: 'EMER', inpatient: 'IMP', home_visit: 'HH', follow_up: 'AMB', health_check: 'AMB', remote_consultation: 'VR' };
const KIND_OF_CLASS: Record<string, EncounterKind> = { AMB: 'outpatient', EMER: 'emergency', IMP: 'inpatient', ACUTE: 'inpatient', NONAC: 'inpatient', HH: 'home_visit', VR: 'remote_consultation' };

/** A stored encounter as an Encounter resource. */
export function toEncounter(r: EncounterRecordRow): FhirResource {
  const kind = r.kind as EncounterKind;
  return {
    resourceType: 'Encounter', id: r.id, meta: { lastUpdated: r.created_at.toISOString(), versionId: String(r.version) },
    ...(r.source_id ? { identifier: [{ system: r.source_system ?? undefined, value: r.source_id }] } : {}),
    status: r.ended_at ? 'finished' : 'in-progress',
    class: { system: ACT, code: CLASS_OF[kind] ?? 'AMB' },
    type: [{ coding: [{ system: KIND_SYSTEM, code: kind }] }],
    subject: { reference: `Patient/${r.resident_id}` },
    ...(r.worker_id ? { participant: [{ individual: { reference: `Practitioner/${r.worker_id}` } }] } : {}),
    period: { start: r.started_at.toISOString(), ...(r.ended_at ? { end: r.ended_at.toISOString() } : {}) },
    ...(r.reason ? { reasonCode: [{ text: r.reason }] } : {}),
    serviceProvider: { reference: `Organization/${r.facility_code}`, display: r.facility_name },
    ...(r.department ? { location: [{ location: { display: r.department } }] } : {}),
  };
}

/** A stored diagnosis as a Condition resource. */
export function toCondition(r: DiagnosisRecordRow): FhirResource {
  return {
    resourceType: 'Condition', id: r.id, meta: { lastUpdated: r.recorded_at.toISOString(), versionId: String(r.version) },
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: r.status }] },
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: r.confirmed ? 'confirmed' : 'provisional' }] },
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'encounter-diagnosis' }] }],
    code: { coding: [{ system: ICD10, code: r.icd10, display: r.name_en }], text: r.name_zh },
    subject: { reference: `Patient/${r.resident_id}` },
    ...(r.encounter_id ? { encounter: { reference: `Encounter/${r.encounter_id}` } } : {}),
    ...(r.onset_date ? { onsetDateTime: r.onset_date } : {}),
    recordedDate: r.recorded_at.toISOString(),
  };
}

const wrap = async <T>(ctx: FhirCtx, fn: () => Promise<T>, paths: Record<string, string> = {}, fallback: string | null = null): Promise<T> => {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof AppError) throw fromAppError(e, ctx.lang, paths, fallback);
    throw e;
  }
};

type EncounterIn = FhirResource & {
  identifier?: { system?: string; value?: string }[]; status?: string; class?: { code?: string }; type?: { coding?: { system?: string; code?: string }[] }[];
  subject?: { reference?: string }; period?: { start?: string; end?: string }; reasonCode?: { text?: string; coding?: { display?: string }[] }[];
  serviceProvider?: { reference?: string }; participant?: { individual?: { reference?: string } }[];
};

function encounterInput(r: EncounterIn, ctx: FhirCtx) {
  const problems: Issue[] = [];
  const lang = ctx.lang;
  const ref = r.subject?.reference ? parseReference(r.subject.reference, ctx.base) : null;
  if (!ref || ref.type !== 'Patient' || !UUID.test(ref.id)) problems.push(issue('required', { zh: '须引用居民（Patient/<id>）', en: 'The subject must be a Patient (Patient/<id>)' }, ['Encounter.subject'], 'fhir.encounter_subject', lang));
  const typed = r.type?.flatMap((t) => t.coding ?? []).find((c) => c.system === KIND_SYSTEM && (ENCOUNTER_KINDS as readonly string[]).includes(c.code ?? ''))?.code as EncounterKind | undefined;
  const kind = typed ?? KIND_OF_CLASS[r.class?.code ?? ''];
  if (!kind) problems.push(issue('code-invalid', { zh: `不能从 class ${r.class?.code ?? ''} 得出就诊类别（AMB、EMER、IMP、HH、VR，或 type 的 ${KIND_SYSTEM}）`, en: `No encounter kind for class ${r.class?.code ?? ''} (AMB, EMER, IMP, HH, VR, or a type of ${KIND_SYSTEM})` }, ['Encounter.class'], 'fhir.encounter_class', lang));
  const start = instantOf(r.period?.start);
  if (!start) problems.push(issue('required', { zh: '须有开始日期或时间（period.start）', en: 'The start is required (period.start, a date or a time)' }, ['Encounter.period.start'], 'fhir.encounter_start', lang));
  if (['planned', 'arrived', 'triaged', 'cancelled', 'entered-in-error', 'unknown'].includes(r.status ?? '')) problems.push(issue('business-rule', { zh: `Meridian 只记录进行中或已结束的就诊，不记录 ${r.status}`, en: `Meridian records encounters in progress or finished, not ${r.status}` }, ['Encounter.status'], 'fhir.encounter_status', lang));
  const org = r.serviceProvider?.reference ? parseReference(r.serviceProvider.reference, ctx.base) : null;
  const facilityCode = org?.type === 'Organization' ? org.id : ctx.p.facilityCode;
  if (!facilityCode) problems.push(issue('required', { zh: '须有就诊机构（serviceProvider: Organization/<机构代码>）', en: 'The facility is required (serviceProvider: Organization/<facility code>)' }, ['Encounter.serviceProvider'], 'fhir.encounter_facility', lang));
  const worker = r.participant?.map((x) => x.individual?.reference ? parseReference(x.individual.reference, ctx.base) : null).find((x) => x?.type === 'Practitioner' && UUID.test(x.id));
  if (problems.length) throw new FhirError(400, problems);
  const id = (r.identifier ?? []).find((i) => i.value);
  const reason = r.reasonCode?.map((c) => c.text ?? c.coding?.[0]?.display).filter(Boolean).join('；') || null;
  return {
    ...(id ? { sourceSystem: (id.system ?? 'fhir').slice(0, 50), sourceId: id.value!.slice(0, 100) } : {}),
    residentId: ref!.id.toLowerCase(), kind: kind!, facilityCode: facilityCode!, workerId: worker?.id ?? null,
    startedAt: start!, endedAt: instantOf(r.period?.end), reason: reason ? reason.slice(0, 500) : null,
  };
}

export const encounterHandler: ResourceHandler = {
  type: 'Encounter',
  profile: 'http://hl7.org/fhir/StructureDefinition/Encounter',
  interactions: ['read', 'search-type', 'create'],
  conditionalCreate: true,
  searchParams: [
    ...COMMON_PARAMS,
    { name: 'date', type: 'date', documentation: 'When the encounter began; prefixes eq, gt, ge, lt, le, sa, eb (ap as eq)' },
    { name: 'type', type: 'token', documentation: `The kind (${KIND_SYSTEM}|${ENCOUNTER_KINDS.join(',')})` },
    { name: 'status', type: 'token', documentation: 'in-progress or finished' },
  ],
  mapped: ['identifier (the sender\'s record id; resent, stored once)', 'status (finished when it has an end)', 'class / type (the encounter kind)', 'subject', 'participant (one Practitioner)', 'period (a date without a time as 00:00 Asia/Shanghai)', 'reasonCode (as text)', 'serviceProvider (the facility)', 'location (the department, as text)'],
  notStored: ['statusHistory', 'classHistory', 'priority', 'episodeOfCare', 'basedOn', 'appointment', 'length', 'reasonReference', 'diagnosis (send the diagnoses with the record\'s own encounter route; Condition is read-only here)', 'account', 'hospitalization', 'partOf', 'participants beyond one Practitioner'],
  read: async (ctx, id) => {
    requireScope(ctx, 'Encounter', 'read');
    if (!UUID.test(id)) throw fhirError(404, 'record.not_found', { zh: `Encounter/${id} 不存在`, en: `Encounter/${id} not found` }, null, ctx.lang);
    return toEncounter(await wrap(ctx, () => encounterRecord(ctx.db, ctx.p, ctx.o, id)));
  },
  search: async (ctx, s) => {
    requireScope(ctx, 'Encounter', 'read');
    const f = recordQuery(s, ctx.lang, ctx.base, 'date');
    const codes = codeParam(s, 'type', KIND_SYSTEM);
    const status = s.params.get('status')?.flatMap((x) => x.split(','));
    if (!f || (codes && !codes.length) || (status && !status.some((x) => x === 'finished' || x === 'in-progress'))) return { resources: [], total: 0 };
    const out = await wrap(ctx, () => encounterRecords(ctx.db, ctx.p, ctx.o, { ...f, codes }), { patient: 'patient' });
    let rows = out.rows;
    // Status is derived from the end: filtered on the page (exact when both or neither are asked).
    if (status && !(status.includes('finished') && status.includes('in-progress'))) rows = rows.filter((r) => (r.ended_at ? 'finished' : 'in-progress') === status.find((x) => x === 'finished' || x === 'in-progress'));
    return { resources: rows.map(toEncounter), total: rows.length === out.rows.length ? out.total : rows.length };
  },
  create: async (ctx, r, o) => {
    requireScope(ctx, 'Encounter', 'write');
    const input = encounterInput(r as EncounterIn, ctx);
    if (o.ifNoneExist) {
      const want = o.ifNoneExist.get('identifier')?.[0];
      if (!want || !input.sourceId || want !== `${input.sourceSystem === 'fhir' ? '' : input.sourceSystem}|${input.sourceId}`) {
        throw fhirError(400, 'fhir.if_none_exist', { zh: 'If-None-Exist 须为 identifier=system|value，且与资源的 identifier 相同', en: 'If-None-Exist must be identifier=system|value, the same as the resource\'s identifier' }, ['Encounter.identifier'], ctx.lang);
      }
    }
    const out = await wrap(ctx, () => recordEncounter(ctx.db, ctx.keys, ctx.p, ctx.o, input), { facilityCode: 'Encounter.serviceProvider', residentId: 'Encounter.subject', sourceId: 'Encounter.identifier', workerId: 'Encounter.participant' }, 'Encounter');
    return { resource: toEncounter(await wrap(ctx, () => encounterRecord(ctx.db, ctx.p, ctx.o, out.id))), created: out.created };
  },
};

export const conditionHandler: ResourceHandler = {
  type: 'Condition',
  profile: 'http://hl7.org/fhir/StructureDefinition/Condition',
  interactions: ['read', 'search-type'],
  conditionalCreate: false,
  searchParams: [
    ...COMMON_PARAMS,
    { name: 'code', type: 'token', documentation: `ICD-10 code (${ICD10}|<code>); a code matches its subcodes (I10 finds I10.x)` },
    { name: 'recorded-date', type: 'date', documentation: 'When recorded; prefixes eq, gt, ge, lt, le, sa, eb' },
    { name: 'clinical-status', type: 'token', documentation: 'active or resolved' },
  ],
  mapped: ['clinicalStatus (active/resolved)', 'verificationStatus (confirmed/provisional)', 'category (encounter-diagnosis)', 'code (ICD-10)', 'subject', 'encounter', 'onsetDateTime (a date)', 'recordedDate'],
  notStored: ['severity', 'bodySite', 'abatement[x]', 'stage', 'evidence', 'note', 'recorder', 'asserter', 'codings other than ICD-10', 'create (diagnoses are recorded with their encounter)'],
  read: async (ctx, id) => {
    requireScope(ctx, 'Condition', 'read');
    if (!UUID.test(id)) throw fhirError(404, 'record.not_found', { zh: `Condition/${id} 不存在`, en: `Condition/${id} not found` }, null, ctx.lang);
    return toCondition(await wrap(ctx, () => diagnosisRecord(ctx.db, ctx.p, ctx.o, id)));
  },
  search: async (ctx, s) => {
    requireScope(ctx, 'Condition', 'read');
    const f = recordQuery(s, ctx.lang, ctx.base, 'recorded-date');
    const codes = codeParam(s, 'code', ICD10);
    const statuses = s.params.get('clinical-status')?.flatMap((x) => x.split(',')).map((x) => x.split('|').pop()!) ?? null;
    if (!f || (codes && !codes.length)) return { resources: [], total: 0 };
    const out = await wrap(ctx, () => diagnosisRecords(ctx.db, ctx.p, ctx.o, { ...f, codes: codes ? codes.map((c) => `${c.replace(/[%_\\]/g, '')}%`) : null, statuses }), { patient: 'patient' });
    return { resources: out.rows.map(toCondition), total: out.total };
  },
};
