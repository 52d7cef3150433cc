// Numbered SQL migrations (migrations/NNN-name.sql), forward only, each applied in its own
// transaction and recorded in schema_migrations. The same files serve PGlite and PostgreSQL.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { Db } from './db.ts';

export const MIGRATIONS_DIR = new URL('../../migrations/', import.meta.url).pathname;

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

/** Lists the migration files in order, refusing gaps and duplicate numbers. */
export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir).filter((f) => /^\d{3}-[a-z0-9-]+\.sql$/.test(f)).sort();
  const out: Migration[] = [];
  for (const f of files) {
    const version = Number(f.slice(0, 3));
    if (out.some((m) => m.version === version)) throw new Error(`duplicate migration number ${version}: ${f}`);
    const sql = readFileSync(join(dir, f), 'utf8');
    out.push({ version, name: f.replace(/\.sql$/, ''), sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  return out;
}

/** Applies every migration not yet recorded; returns the names applied. */
export async function migrate(db: Db, dir = MIGRATIONS_DIR): Promise<string[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now())`);
  const applied: string[] = [];
  for (const m of listMigrations(dir)) {
    const done = await db.tx(async (q) => {
      // Two servers starting together on one PostgreSQL database take turns here.
      if (db.engine === 'postgres') await q.query('SELECT pg_advisory_xact_lock(7262001)');
      const rows = await q.query<{ checksum: string }>('SELECT checksum FROM schema_migrations WHERE version = $1', [m.version]);
      if (rows.length) {
        if (rows[0].checksum !== m.checksum) throw new Error(`migration ${m.name} was changed after it was applied; add a new migration instead`);
        return false;
      }
      await q.exec(m.sql);
      await q.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, m.checksum]);
      return true;
    });
    if (done) applied.push(m.name);
  }
  return applied;
}
