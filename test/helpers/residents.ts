// Many residents at once for booking and referral tests (kept for the module tests that import it;
// the factory is buildResidents in factories.ts).
import type { Queryable } from '../../src/platform/db.ts';
import { buildResidents } from './factories.ts';

/** Inserts `n` residents of a village and returns their ids in order. */
export function bulkResidents(q: Queryable, n: number, village: string, prefix = 'r'): Promise<string[]> {
  return buildResidents(q, n, village, prefix);
}
