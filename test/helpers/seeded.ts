// A seeded demo county for a service test. The county the browser tests share (test/e2e/county.ts: 371003, 6,000
// residents, seed 11, seeded by `meridian seed` with the suite's secret while the suite runs) is not seeded a second
// time on PGlite: a test asking for that very county opens a copy of its database. Anything else — another size or
// seed, PostgreSQL, a run without the browser tests' county — is seeded here, as before.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPglite } from '../../src/platform/db.ts';
import { seedCounty } from '../../src/modules/demo/seed.ts';
import { openTestDb, TEST_KEYS, type Engine, type TestDb } from './db.ts';
import { E2E_COUNTY, waitForSharedCounty } from '../e2e/county.ts';

export interface SeedOptions { county: string; residents: number; seed: number; indicators?: boolean }

/** A fresh database holding the seeded county `o` (with its indicators computed unless `indicators: false`). */
export async function openSeededTestDb(engine: Engine, o: SeedOptions): Promise<TestDb> {
  const shared = process.env.MERIDIAN_E2E_COUNTY;
  const same = o.county === E2E_COUNTY.county && o.residents === E2E_COUNTY.residents && o.seed === E2E_COUNTY.seed && o.indicators !== false;
  if (engine === 'pglite' && shared && same) {
    await waitForSharedCounty(shared);
    const dir = mkdtempSync(join(tmpdir(), 'meridian-seeded-'));
    cpSync(join(shared, 'db'), join(dir, 'db'), { recursive: true });
    const db = await openPglite(join(dir, 'db'));
    return { db, keys: TEST_KEYS, engine, close: async () => { await db.close(); rmSync(dir, { recursive: true, force: true }); } };
  }
  const t = await openTestDb(engine);
  await seedCounty(t.db, t.keys, o);
  return t;
}
