// Test databases: PGlite always (a clone of the migrated template), and the PostgreSQL server of
// TEST_DATABASE_URL when set, each test file in a schema of its own so runs never collide.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { openPglite, openPgliteWorker, openPostgres, type Db } from '../../src/platform/db.ts';
import { listMigrations, migrate } from '../../src/platform/migrate.ts';
import { deriveKeys, type Keys } from '../../src/platform/crypto.ts';
import { ICD10_CSV, syncReferenceData } from '../../src/modules/records/reference.ts';

/** 'pglite-worker': PGlite in its worker thread, as the server runs it (only the tests that name it). */
export type Engine = 'pglite' | 'postgres' | 'pglite-worker';

/** The engines this run tests on. */
export const ENGINES: ('pglite' | 'postgres')[] = ['pglite', ...(process.env.TEST_DATABASE_URL ? (['postgres'] as const) : [])];

/** Where the migrated PGlite template for the current migrations lives. */
export function templatePath(): string {
  const h = createHash('sha256');
  for (const m of listMigrations()) h.update(m.checksum);
  h.update(readFileSync(ICD10_CSV));
  return new URL(`../../.tmp/pglite-template-${h.digest('hex').slice(0, 16)}.tar.gz`, import.meta.url).pathname;
}

export interface TestDb {
  db: Db;
  keys: Keys;
  engine: Engine;
  close(): Promise<void>;
}

export const TEST_KEYS = deriveKeys('test-secret-key-not-for-production-use-0123456789');

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
  const schema = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = await openPostgres(url, { max: 1 });
  await admin.exec(`CREATE SCHEMA ${schema}`);
  await admin.close();
  const db = await openPostgres(url, { searchPath: `${schema},public`, max: 20 });
  await migrate(db);
  await syncReferenceData(db);
  return {
    db,
    keys: TEST_KEYS,
    engine,
    async close() {
      await db.close();
      const a = await openPostgres(url, { max: 1 });
      await a.exec(`DROP SCHEMA ${schema} CASCADE`);
      await a.close();
    },
  };
}
