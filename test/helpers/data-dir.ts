// A data folder for the `meridian` command whose embedded database is already migrated: a copy of the
// suite's migrated PGlite template (test/prepare.ts builds it), so a command-line test does not pay
// for a fresh initdb and every migration in its first child process. Tests of `migrate` itself start
// from an empty folder instead.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPglite } from '../../src/platform/db.ts';
import { templatePath } from './db.ts';

/** A fresh temporary data folder holding a migrated database with the reference data (`<dir>/db`). */
export async function migratedDataDir(prefix: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const path = templatePath();
  if (!existsSync(path)) throw new Error(`no PGlite template at ${path}: run the suite through npm test (test/prepare.ts builds it)`);
  const db = await openPglite(join(dir, 'db'), new Blob([readFileSync(path)]));
  await db.close();
  return dir;
}
