// Many residents at once for booking and referral tests: inserted in one statement (the identifiers
// are placeholders; these tests never read or reveal them).
import type { Queryable } from '../../src/platform/db.ts';

/** Inserts `n` residents of a village and returns their ids in order. */
export async function bulkResidents(q: Queryable, n: number, village: string, prefix = 'r'): Promise<string[]> {
  const rows = await q.query<{ id: string }>(
    `INSERT INTO residents (county_code, id_type, id_number_enc, id_number_hash, id_number_last4, name, name_pinyin, name_initials, sex, birth_date, village_code)
     SELECT left($2, 6), 'medical_record', 'x', $3 || '-' || g, lpad(g::text, 4, '0'), '测试' || g, 'ceshi' || g, 'cs', CASE WHEN g % 2 = 0 THEN 'F' ELSE 'M' END, DATE '1960-01-01' + g, $2
       FROM generate_series(1, $1) AS g ORDER BY g RETURNING id`, [n, village, `${prefix}-${Math.random().toString(36).slice(2)}`]);
  return rows.map((r) => r.id);
}
