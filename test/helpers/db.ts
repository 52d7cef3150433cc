// Test databases: PGlite always (a clone of the migrated template), and the PostgreSQL server of
// TEST_DATABASE_URL when set, each test file in a database of its own so runs never collide (a copy,
// by CREATE DATABASE … TEMPLATE, of a template database migrated once per set of migrations).
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { openPglite, openPgliteWorker, openPostgres, type Db } from '../../src/platform/db.ts';
import { listMigrations, migrate } from '../../src/platform/migrate.ts';
import { deriveKeys, type Keys } from '../../src/platform/crypto.ts';
import { CATALOGUE_CSV, ICD10_CSV, syncReferenceData } from '../../src/reference-data.ts';

/** 'pglite-worker': PGlite in its worker thread, as the server runs it (only the tests that name it). */
export type Engine = 'pglite' | 'postgres' | 'pglite-worker';

/** The engines this run tests on. */
export const ENGINES: ('pglite' | 'postgres')[] = ['pglite', ...(process.env.TEST_DATABASE_URL ? (['postgres'] as const) : [])];

/** A key of the current migrations and reference data: a template is built once for each. */
function templateKey(): string {
  const h = createHash('sha256');
  for (const m of listMigrations()) h.update(m.checksum);
  h.update(readFileSync(ICD10_CSV));
  h.update(readFileSync(CATALOGUE_CSV));
  return h.digest('hex').slice(0, 16);
}

/** Where the migrated PGlite template for the current migrations lives. */
export function templatePath(): string {
  return new URL(`../../.tmp/pglite-template-${templateKey()}.tar.gz`, import.meta.url).pathname;
}

/** The URL of another database on the server of `url`. */
const databaseUrl = (url: string, name: string) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};

/**
 * The migrated template database on the PostgreSQL server of `url` for the current migrations,
 * built when missing (by one process at a time: the others wait on an advisory lock).
 */
export async function ensurePostgresTemplate(url: string): Promise<string> {
  const name = `meridian_tpl_${templateKey()}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const exists = async () => (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount! > 0;
    if (await exists()) return name;
    await admin.query('SELECT pg_advisory_lock(7262031)');
    try {
      if (await exists()) return name;
      const building = `${name}_${process.pid}`;
      await admin.query(`DROP DATABASE IF EXISTS ${building}`);
      await admin.query(`CREATE DATABASE ${building}`);
      const db = await openPostgres(databaseUrl(url, building), { max: 4 });
      try {
        await migrate(db);
        await syncReferenceData(db);
      } finally {
        await db.close();
      }
      // Renamed only when complete: a template that exists is a whole one.
      await admin.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
      return name;
    } finally {
      await admin.query('SELECT pg_advisory_unlock(7262031)');
    }
  } finally {
    await admin.end();
  }
}

export interface TestDb {
  db: Db;
  keys: Keys;
  engine: Engine;
  close(): Promise<void>;
}

/** The suite's secret: test databases' keys, and the shared browser-test county's data folder (test/e2e/county.ts). */
export const TEST_SECRET = 'test-secret-key-not-for-production-use-0123456789';
export const TEST_KEYS = deriveKeys(TEST_SECRET);

/** Opens a fresh, migrated database on the engine. */
export async function openTestDb(engine: Engine): Promise<TestDb> {
  if (engine === 'pglite-worker') {
    const path = templatePath();
    const db = await openPgliteWorker(null, existsSync(path) ? readFileSync(path) : undefined);
    if (!existsSync(path)) {
      await migrate(db);
      await syncReferenceData(db);
    }
    return { db, keys: TEST_KEYS, engine, close: () => db.close() };
  }
  if (engine === 'pglite') {
    const path = templatePath();
    const db = existsSync(path)
      ? await openPglite(null, new Blob([readFileSync(path)]))
      : await openPglite(null);
    if (!existsSync(path)) {
      await migrate(db);
      await syncReferenceData(db);
    }
    return { db, keys: TEST_KEYS, engine, close: () => db.close() };
  }
  const url = process.env.TEST_DATABASE_URL!;
  const template = await ensurePostgresTemplate(url);
  const name = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  await admin.end();
  const db = await openPostgres(databaseUrl(url, name), { max: 20 });
  return {
    db,
    keys: TEST_KEYS,
    engine,
    async close() {
      await db.close();
      const a = new pg.Client({ connectionString: url });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}
