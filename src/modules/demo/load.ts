// Bulk loading for the demo county: multi-row INSERT … SELECT FROM unnest(…) in batches inside
// transactions (a single-row insert costs a round trip of ~0.3–0.5 ms on either engine).
import type { Queryable } from '../../platform/db.ts';

export interface Column<T> {
  name: string;
  type: string;
  get: (row: T) => unknown;
  /** A cast applied after unnest, for types an array parameter cannot carry directly (e.g. text[] from a literal). */
  cast?: string;
}

/** Inserts rows through unnest arrays, `batch` rows per statement. */
export async function insertMany<T>(q: Queryable, table: string, columns: Column<T>[], rows: readonly T[], batch = 5000): Promise<void> {
  const list = columns.map((c) => c.name).join(', ');
  const params = columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ');
  const select = columns.map((c) => (c.cast ? `${c.name}::${c.cast}` : c.name)).join(', ');
  const sql = `INSERT INTO ${table} (${list}) SELECT ${select} FROM unnest(${params}) AS t(${list})`;
  for (let i = 0; i < rows.length; i += batch) {
    const b = rows.slice(i, i + batch);
    await q.query(sql, columns.map((c) => b.map(c.get)));
  }
}

/** A version-4-shaped UUID from a random source (deterministic when the source is). */
export function uuidFrom(next: () => number): string {
  const h: string[] = [];
  for (let i = 0; i < 4; i++) h.push(Math.floor(next() * 0x100000000).toString(16).padStart(8, '0'));
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-${'89ab'[parseInt(s[16], 16) & 3]}${s.slice(17, 20)}-${s.slice(20, 32)}`;
}

/** One value in COPY text format. */
export function copyValue(v: unknown): string {
  if (v == null) return '\\N';
  return String(v).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/** Rows in COPY text format (tab-separated, one line each). */
export function copyText<T>(columns: Column<T>[], rows: readonly T[]): string {
  let out = '';
  for (const r of rows) out += columns.map((c) => copyValue(c.get(r))).join('\t') + '\n';
  return out;
}
