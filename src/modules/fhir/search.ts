// The common search parameters of the record's resources: _id, _lastUpdated, patient/subject,
// code, date (with prefixes), status; each parsed once, with a 400 naming the parameter when malformed.
import { fhirError, type Lang } from './outcome.ts';
import { dateBounds, parseDateParam, parseReference, parseToken, UUID } from './rules.ts';
import type { SearchParamDef, SearchRequest } from './handlers.ts';
import type { RecordQuery } from '../records/service.ts';

export const COMMON_PARAMS: SearchParamDef[] = [
  { name: '_id', type: 'token', documentation: 'The record\'s id (comma-separated for several)' },
  { name: '_lastUpdated', type: 'date', documentation: 'When Meridian stored the record; prefixes eq, gt, ge, lt, le, sa, eb (ap as eq)' },
  { name: 'patient', type: 'reference', documentation: 'Patient/<id>: the resident (a person searches one resident at a time, with a legal basis)' },
  { name: 'subject', type: 'reference', documentation: 'Patient/<id>, as patient' },
];

const badParam = (name: string, lang: Lang, en: string, zh: string) => fhirError(400, 'fhir.search_param', { zh: `检索参数 ${name} 有误：${zh}`, en: `Search parameter ${name}: ${en}` }, [name], lang);

/** The date bounds of a date parameter's values (ne refused: Meridian answers ranges). */
export function dateParam(s: SearchRequest, name: string, lang: Lang): { from: string | null; to: string | null } {
  const vs = s.params.get(name) ?? [];
  const ps = vs.flatMap((v) => v.split(',')).map((v) => {
    const p = parseDateParam(v);
    if (!p) throw badParam(name, lang, `${v} is not a FHIR date (e.g. ge2026-01-01, lt2026-02-01T08:00:00+08:00)`, `${v} 不是 FHIR 日期（如 ge2026-01-01）`);
    if (p.prefix === 'ne') throw badParam(name, lang, 'the prefix ne is not supported', '不支持前缀 ne');
    return p;
  });
  return dateBounds(ps);
}

/** The resident named by patient= or subject= (Patient/<id> or <id>), or null. */
export function patientParam(s: SearchRequest, lang: Lang, base: string): string | null | 'none' {
  const v = [...(s.params.get('patient') ?? []), ...(s.params.get('subject') ?? [])];
  if (!v.length) return null;
  const ids = new Set(v.map((x) => {
    const ref = parseReference(x, base);
    const id = ref ? (ref.type === 'Patient' ? ref.id : '') : x;
    if (!UUID.test(id)) throw badParam(s.params.has('patient') ? 'patient' : 'subject', lang, `${x} is not a Patient reference`, `${x} 不是 Patient 引用`);
    return id.toLowerCase();
  }));
  // Two different residents at once match nothing (the parameters are ANDed).
  return ids.size === 1 ? [...ids][0] : 'none';
}

/** The ids of _id=, or null. */
export function idParam(s: SearchRequest): string[] | null {
  const v = s.params.get('_id');
  if (!v) return null;
  return v.flatMap((x) => x.split(',')).filter((x) => UUID.test(x));
}

/** Token codes of a parameter whose system must be `system` (a code of another system matches nothing). */
export function codeParam(s: SearchRequest, name: string, system: string): string[] | null {
  const v = s.params.get(name);
  if (!v) return null;
  return v.flatMap((x) => x.split(',')).map(parseToken).filter((t) => t.code && (!t.system || t.system === system)).map((t) => t.code!);
}

/** The record query of the common parameters; null when it can match nothing. */
export function recordQuery(s: SearchRequest, lang: Lang, base: string, dateName: string | null): RecordQuery | null {
  const patient = patientParam(s, lang, base);
  if (patient === 'none') return null;
  const ids = idParam(s);
  if (ids && !ids.length) return null;
  const d = dateName ? dateParam(s, dateName, lang) : { from: null, to: null };
  const u = dateParam(s, '_lastUpdated', lang);
  return { residentId: patient, ids, codes: null, from: d.from, to: d.to, updatedFrom: u.from, updatedTo: u.to, limit: s.count, offset: s.offset };
}
