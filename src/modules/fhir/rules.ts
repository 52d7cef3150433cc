// Pure rules of the FHIR face: identifier systems, search parameter syntax (tokens, date prefixes,
// references), names and genders. Used by the handlers; table-tested in rules.test.ts.

/** Meridian's own URIs (extensions, code systems that have no national OID). */
export const MERIDIAN = 'urn:meridian:fhir';
/** The Patient.address extension carrying the 12-digit village (居委会/村委会) code of residence (GB/T 10114 / 统计用区划代码). */
export const VILLAGE_EXT = `${MERIDIAN}:village-code`;
export const FACILITY_SYSTEM = `${MERIDIAN}:facility-code`;
export const REGION_SYSTEM = `${MERIDIAN}:region-code`;
export const LOINC = 'http://loinc.org';
export const ICD10 = 'http://hl7.org/fhir/sid/icd-10';
export const UCUM = 'http://unitsofmeasure.org';
export const DATA_ABSENT = 'http://hl7.org/fhir/StructureDefinition/data-absent-reason';

/**
 * Identifier systems of a resident's documents. The resident ID number (居民身份证) and the medical
 * record number (病案号) take the OIDs of the national health information identifier tree
 * (2.16.156.10011, WS/T 682-2020) as WS/T 500-2016's shared documents use them for the patient
 * (`<id root="2.16.156.10011.1.3">` 患者身份证件号码, `2.16.156.10011.1.13` 病案号); the other
 * documents have no OID we could confirm and take Meridian URIs (docs/fhir.md, "Identifiers").
 */
export const ID_SYSTEMS = {
  resident_id: 'urn:oid:2.16.156.10011.1.3',
  medical_record: 'urn:oid:2.16.156.10011.1.13',
  passport: `${MERIDIAN}:id:passport`,
  hk_macao_permit: `${MERIDIAN}:id:hk-macao-permit`,
  taiwan_permit: `${MERIDIAN}:id:taiwan-permit`,
  residence_permit: `${MERIDIAN}:id:residence-permit`,
  birth_certificate: `${MERIDIAN}:id:birth-certificate`,
} as const;
export type IdSystemType = keyof typeof ID_SYSTEMS;

/** The Meridian identifier type of a FHIR identifier system, or null when the system is not one Meridian keeps. */
export function idTypeOfSystem(system: string | undefined): IdSystemType | null {
  if (!system) return null;
  const hit = (Object.entries(ID_SYSTEMS) as [IdSystemType, string][]).find(([, s]) => s === system);
  return hit ? hit[0] : null;
}

/** A token parameter value: `system|code`, `|code` (no system), `system|` or `code`. */
export function parseToken(v: string): { system: string | null; code: string | null } {
  const bar = v.indexOf('|');
  if (bar < 0) return { system: null, code: v || null };
  return { system: v.slice(0, bar), code: v.slice(bar + 1) || null };
}

export type DatePrefix = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb' | 'ap';

/**
 * A date parameter (FHIR R4 §3.1.1.4.2): an optional prefix and a date or dateTime of any
 * precision, as the [start, end) interval it stands for, in UTC ISO text. Dates without a zone are
 * days of Asia/Shanghai (UTC+8), as care dates are. Null when malformed.
 */
export function parseDateParam(v: string): { prefix: DatePrefix; start: string; end: string } | null {
  const m = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)?(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/.exec(v);
  if (!m) return null;
  const prefix = (m[1] ?? 'eq') as DatePrefix;
  const [y, mo, d, h, mi, s] = [m[2], m[3], m[4], m[5], m[6], m[7]].map((x) => (x === undefined ? undefined : Number(x)));
  if (mo !== undefined && (mo < 1 || mo > 12)) return null;
  if (d !== undefined && (d < 1 || d > 31)) return null;
  if (h !== undefined && (h > 23 || mi! > 59 || (s ?? 0) > 59)) return null;
  const zone = m[9] ? (m[9] === 'Z' ? 0 : (m[9][0] === '-' ? -1 : 1) * (Number(m[9].slice(1, 3)) * 60 + Number(m[9].slice(4, 6)))) : 8 * 60;
  const utc = (yy: number, mm: number, dd: number, hh = 0, mn = 0, ss = 0) => new Date(Date.UTC(yy, mm - 1, dd, hh, mn, ss) - zone * 60_000).toISOString();
  let start: string;
  let end: string;
  if (mo === undefined) { start = utc(y!, 1, 1); end = utc(y! + 1, 1, 1); }
  else if (d === undefined) { start = utc(y!, mo, 1); end = mo === 12 ? utc(y! + 1, 1, 1) : utc(y!, mo + 1, 1); }
  else if (h === undefined) { start = utc(y!, mo, d); end = new Date(Date.parse(utc(y!, mo, d)) + 86_400_000).toISOString(); }
  else if (s === undefined) { start = utc(y!, mo, d, h, mi); end = new Date(Date.parse(start) + 60_000).toISOString(); }
  else { start = utc(y!, mo, d, h, mi, s); end = new Date(Date.parse(start) + 1000).toISOString(); }
  if (Number.isNaN(Date.parse(start))) return null;
  return { prefix, start, end };
}

/**
 * Whether an instant (a point in time, UTC ISO) matches a parsed date parameter, by the prefix's
 * meaning for a value of full precision against the parameter's interval.
 */
export function dateMatches(at: string, p: { prefix: DatePrefix; start: string; end: string }): boolean {
  const t = Date.parse(at);
  const s = Date.parse(p.start);
  const e = Date.parse(p.end);
  switch (p.prefix) {
    case 'eq': case 'ap': return t >= s && t < e;
    case 'ne': return t < s || t >= e;
    case 'gt': case 'sa': return t >= e;
    case 'lt': case 'eb': return t < s;
    case 'ge': return t >= s;
    case 'le': return t < e;
  }
}

/** The [from, to) bounds in SQL terms that the date parameters imply, for an indexed range scan. */
export function dateBounds(ps: { prefix: DatePrefix; start: string; end: string }[]): { from: string | null; to: string | null } {
  let from: string | null = null;
  let to: string | null = null;
  const later = (a: string | null, b: string) => (a === null || Date.parse(b) > Date.parse(a) ? b : a);
  const earlier = (a: string | null, b: string) => (a === null || Date.parse(b) < Date.parse(a) ? b : a);
  for (const p of ps) {
    if (p.prefix === 'eq' || p.prefix === 'ap') { from = later(from, p.start); to = earlier(to, p.end); }
    else if (p.prefix === 'gt' || p.prefix === 'sa') from = later(from, p.end);
    else if (p.prefix === 'ge') from = later(from, p.start);
    else if (p.prefix === 'lt' || p.prefix === 'eb') to = earlier(to, p.start);
    else if (p.prefix === 'le') to = earlier(to, p.end);
  }
  return { from, to };
}

/** A reference `Type/id` (relative, or absolute under the base) taken apart; null when not of that form. */
export function parseReference(ref: string, base: string | null = null): { type: string; id: string } | null {
  let r = ref;
  if (base && r.startsWith(`${base}/`)) r = r.slice(base.length + 1);
  const m = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/.exec(r);
  return m ? { type: m[1], id: m[2] } : null;
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

/** The one name Meridian keeps from a HumanName: its text, else family and given names in the order their script writes them. */
export function nameOf(n: { text?: string; family?: string; given?: string[] } | undefined): string | null {
  if (!n) return null;
  if (n.text?.trim()) return n.text.trim();
  const family = n.family?.trim() ?? '';
  const given = (n.given ?? []).map((g) => g.trim()).filter(Boolean);
  if (!family && !given.length) return null;
  if (CJK.test(family) || given.some((g) => CJK.test(g))) return family + given.join('');
  return [...given, family].filter(Boolean).join(' ');
}

/** FHIR administrative gender as Meridian's sex (GB/T 2261.1 male/female), null for other/unknown. */
export function sexOfGender(g: string | undefined): 'M' | 'F' | null {
  return g === 'male' ? 'M' : g === 'female' ? 'F' : null;
}

/** The UUID form every Meridian id has. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The instant Meridian stores for a FHIR dateTime: as sent when it has a time; a date without one is
 * taken as 00:00 of that day in Asia/Shanghai (the day of care); null when it is neither, or only a
 * year or a month.
 */
export function instantOf(v: string | undefined): string | null {
  if (!v) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return new Date(`${v}T00:00:00+08:00`).toISOString();
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v)) return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}
