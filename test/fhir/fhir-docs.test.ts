// docs/fhir.md says per type what is mapped and what Meridian does not store: the same lists as the
// handlers (and so as the CapabilityStatement). A change to a handler without the docs fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { HANDLERS } from '../../src/modules/fhir/service.ts';

test('docs/fhir.md lists every handler\'s mapped and not-stored elements', () => {
  const doc = readFileSync(new URL('../../docs/fhir.md', import.meta.url), 'utf8');
  for (const h of HANDLERS) {
    const at = doc.indexOf(`### ${h.type}\n`);
    assert.ok(at >= 0, `no section for ${h.type}`);
    const section = doc.slice(at, doc.indexOf('\n### ', at + 4) >>> 0);
    for (const m of [...h.mapped, ...h.notStored]) assert.ok(section.includes(`- ${m}\n`), `${h.type}: "${m}" missing from docs/fhir.md`);
    for (const p of h.searchParams) assert.ok(section.includes(`\`${p.name}\``), `${h.type}: search parameter ${p.name} missing`);
  }
});
