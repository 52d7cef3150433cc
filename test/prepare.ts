// Run once before the suite: builds the migrated PGlite template that every test file clones
// (a fresh initdb costs seconds; a clone about one), keyed by the migrations' checksums, and the
// template database that every test file copies on the PostgreSQL server of TEST_DATABASE_URL.
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { ensurePostgresTemplate, templatePath } from './helpers/db.ts';
import { openPglite } from '../src/platform/db.ts';
import { migrate } from '../src/platform/migrate.ts';
import { syncReferenceData } from '../src/reference-data.ts';

const path = templatePath();
if (!existsSync(path)) {
  mkdirSync(new URL('../.tmp/', import.meta.url).pathname, { recursive: true });
  const db = await openPglite(null);
  await migrate(db);
  await syncReferenceData(db);
  const blob = await db.raw.dumpDataDir('gzip');
  const tmp = `${path}.${process.pid}`;
  writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()));
  renameSync(tmp, path);
  await db.close();
  console.log(`# prepared PGlite template ${path}`);
}
// The same on the PostgreSQL server when the run tests there too.
if (process.env.TEST_DATABASE_URL) await ensurePostgresTemplate(process.env.TEST_DATABASE_URL);
