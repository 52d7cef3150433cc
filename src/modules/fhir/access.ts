// Who may do what by FHIR, before the owning module's own rules: a facility system by the SMART
// scopes of its token (system/Observation.write, system/*.read …); a resident signed in reads their
// own record (patient/*.read) and writes nothing; staff by their role, the owning services checking
// scope and legal basis as on every other route.
import { allows } from '../auth/scopes.ts';
import { fhirError } from './outcome.ts';
import type { FhirCtx } from './handlers.ts';

/** The SMART scopes a signed-in resident's session carries. */
export const RESIDENT_SCOPES = ['patient/*.read'] as const;

/** Throws 403 unless the caller's scopes allow `permission` on `type`. */
export function requireScope(ctx: FhirCtx, type: string, permission: 'read' | 'write'): void {
  const p = ctx.p;
  if (p.kind === 'system') {
    if (allows(p.scopes ?? [], 'system', type, permission)) return;
    throw fhirError(403, 'auth.scope', { zh: `访问令牌缺少权限范围 system/${type}.${permission}`, en: `The access token lacks the scope system/${type}.${permission}` }, null, ctx.lang, 'forbidden');
  }
  if (p.role === 'resident') {
    if (allows(RESIDENT_SCOPES, 'patient', type, permission)) return;
    throw fhirError(403, 'auth.scope', { zh: `居民本人只能读取自己的记录（patient/*.read）`, en: 'A resident reads their own record only (patient/*.read)' }, null, ctx.lang, 'forbidden');
  }
}
