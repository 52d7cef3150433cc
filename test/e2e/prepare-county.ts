// Run by scripts/test.mjs before the browser tests: builds the shared seeded county once.
import { buildSharedCounty, DEFAULT_COUNTY_DIR, E2E_COUNTY } from './county.ts';

const dir = process.env.MERIDIAN_E2E_COUNTY || DEFAULT_COUNTY_DIR;
const t0 = Date.now();
await buildSharedCounty(dir);
console.log(`# seeded the shared browser-test county (${E2E_COUNTY.county}, ${E2E_COUNTY.residents} residents, seed ${E2E_COUNTY.seed}) into ${dir} in ${Math.round((Date.now() - t0) / 1000)} s`);
