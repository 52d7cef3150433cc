// Run by scripts/test.mjs beside the test files: builds the shared seeded county once; on failure it leaves
// the FAILED marker with the seed's message, so that browser-test files waiting for the county stop at once.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSharedCounty, DEFAULT_COUNTY_DIR, E2E_COUNTY, FAILED } from './county.ts';

const dir = process.env.MERIDIAN_E2E_COUNTY || DEFAULT_COUNTY_DIR;
const t0 = Date.now();
try {
  await buildSharedCounty(dir);
} catch (e) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, FAILED), (e as Error).message);
  console.error(`# ${(e as Error).message}`);
  process.exit(1);
}
console.log(`# seeded the shared browser-test county (${E2E_COUNTY.county}, ${E2E_COUNTY.residents} residents, seed ${E2E_COUNTY.seed}) into ${dir} in ${Math.round((Date.now() - t0) / 1000)} s`);
