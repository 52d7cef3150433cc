// The region a principal may see: their region scope, else their facility's region; null = all.
// Every module limits lists and reads by it, so it lives with the principal, not in a module.
import type { Queryable } from './db.ts';
import type { Principal } from './auth.ts';
import { regionPrefix } from '../shared/roles.ts';

/** The region-code prefix limiting what the principal may list, or null for the whole system. */
export async function scopePrefix(q: Queryable, p: Principal): Promise<string | null> {
  if (p.role === 'sysadmin') return null;
  if (p.regionCode) return regionPrefix(p.regionCode);
  if (p.facilityCode) {
    const [f] = await q.query<{ region_code: string }>('SELECT region_code FROM facilities WHERE code = $1', [p.facilityCode]);
    if (f) return regionPrefix(f.region_code);
  }
  // A user with no resolvable scope sees nothing rather than everything.
  return '\u0000';
}
