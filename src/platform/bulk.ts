// Bulk loading helpers for the owners' loaders (the demo county, imports): multi-row INSERT … SELECT
// FROM unnest(…) in batches (a single-row insert costs a round trip of ~0.3–0.5 ms on either engine),
// and rows in COPY text format for ownedCopy (src/platform/ownership.ts). Only a module's own store
// or loader calls these for its own tables.
import type { Queryable } from './db.ts';

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
