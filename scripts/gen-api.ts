// Regenerates the web app's typed API client types (src/web/api/schema.d.ts) from the server's
// OpenAPI document. Run after changing a route: npm run gen:api
import { writeFileSync } from 'node:fs';
import { renderApiTypes } from './api-types.ts';

const out = new URL('../src/web/api/schema.d.ts', import.meta.url).pathname;
writeFileSync(out, await renderApiTypes());
console.log(`wrote ${out}`);
