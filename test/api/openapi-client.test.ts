// The web app's typed client must match the server's routes: regenerate with `npm run gen:api`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { renderApiTypes } from '../../scripts/api-types.ts';

test('src/web/api/schema.d.ts is generated from the current OpenAPI document', async () => {
  const committed = readFileSync(new URL('../../src/web/api/schema.d.ts', import.meta.url), 'utf8');
  assert.ok(committed === (await renderApiTypes()), 'schema.d.ts is stale: run `npm run gen:api` and commit it');
});
