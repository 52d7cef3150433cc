// What a system client's token may do: the platform's own 'records:write' (the proprietary record
// routes) and SMART on FHIR scopes (SMART App Launch 1.0 "clinical scopes": context/type.permission,
// e.g. system/Observation.write, system/*.read). Pure: shared by the token endpoint and the FHIR face.

/** The platform's own scope: the record's JSON routes that list the 'system' role. */
export const RECORDS_WRITE = 'records:write';

const SMART = /^(system|patient|user)\/(\*|[A-Z][A-Za-z]{1,63})\.(read|write|\*)$/;

/** A SMART clinical scope taken apart, or null when the text is not one. */
export function parseSmartScope(s: string): { context: 'system' | 'patient' | 'user'; type: string; permission: 'read' | 'write' | '*' } | null {
  const m = SMART.exec(s);
  return m ? { context: m[1] as 'system' | 'patient' | 'user', type: m[2], permission: m[3] as 'read' | 'write' | '*' } : null;
}

/** Whether a scope may be granted to a system client at all: records:write or a system/… SMART scope. */
export function isSystemScope(s: string): boolean {
  return s === RECORDS_WRITE || parseSmartScope(s)?.context === 'system';
}

/** Whether the granted scope `g` covers the asked scope `a` (system/*.* covers system/Observation.read). */
export function scopeCovers(g: string, a: string): boolean {
  if (g === a) return true;
  const pg = parseSmartScope(g);
  const pa = parseSmartScope(a);
  if (!pg || !pa || pg.context !== pa.context) return false;
  return (pg.type === '*' || pg.type === pa.type) && (pg.permission === '*' || pg.permission === pa.permission);
}

/** Whether any of the scopes allows `permission` on resources of `type` in `context`. */
export function allows(scopes: readonly string[], context: 'system' | 'patient' | 'user', type: string, permission: 'read' | 'write'): boolean {
  return scopes.some((s) => scopeCovers(s, `${context}/${type}.${permission}`));
}
