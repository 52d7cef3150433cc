// `npm run gen:sql`: writes src/modules/<m>/queries.sql, the reviewable snapshot of each module's SQL
// (test/architecture/scan.ts says what is read); test/architecture/sql-snapshot.test.ts compares.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { moduleNames, ROOT, snapshotOf, snapshotPath } from '../test/architecture/scan.ts';

for (const m of moduleNames()) {
  const path = snapshotPath(m);
  const text = snapshotOf(m);
  if (existsSync(path) && readFileSync(path, 'utf8') === text) continue;
  writeFileSync(path, text);
  console.log(`wrote ${relative(ROOT, path)}`);
}
