// Issue 16, the official HL7 R4 examples (npm hl7.fhir.r4.examples 4.0.1, CC0, a devDependency):
// every example of a type Meridian creates is posted as a facility system would send it; each is
// either accepted and read back equal in what Meridian stores, or refused with a 4xx OperationOutcome
// naming the FHIRPath at fault — never a 5xx. The counts per type are printed. The examples'
// references to other example resources (Patient/example, Encounter/…) are pointed at a resident and
// an encounter of the test county, since those targets are not in Meridian.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ENGINES } from '../helpers/db.ts';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { buildTestCounty } from '../helpers/county.ts';
import { buildResident } from '../helpers/factories.ts';
import { HANDLERS } from '../../src/modules/fhir/service.ts';
import { FHIR, systemBearer } from './helpers.ts';

const DIR = dirname(createRequire(import.meta.url).resolve('hl7.fhir.r4.examples/package.json'));
type R = Record<string, unknown> & { resourceType: string; id?: string };

function examplesOf(type: string): { file: string; r: R }[] {
  return readdirSync(DIR).filter((f) => f.startsWith(`${type}-`) && f.endsWith('.json'))
    .map((file) => ({ file, r: JSON.parse(readFileSync(join(DIR, file), 'utf8')) as R })).filter((x) => x.r.resourceType === type);
}

/** Points every reference of the given types at Meridian's resources. */
function repoint(v: unknown, to: Record<string, string>): unknown {
  if (Array.isArray(v)) return v.map((x) => repoint(x, to));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const m = k === 'reference' && typeof x === 'string' ? /^(?:.*\/)?(Patient|Encounter|Organization)\/[^/]+$/.exec(x) : null;
      out[k] = m && to[m[1]] ? to[m[1]] : repoint(x, to);
    }
    return out;
  }
  return v;
}

for (const engine of ENGINES) {
  describe(`HL7 R4 examples [${engine}]`, () => {
    let t: TestApp;
    let his: string;
    const to: Record<string, string> = {};

    before(async () => {
      t = await openTestApp(engine);
      await buildTestCounty(t.db);
      his = await systemBearer(t, 'H0001', ['system/*.*']);
      const r = await buildResident(t.db, { name: '示例居民' });
      const e = await t.app.inject({ method: 'POST', url: '/fhir/R4/Encounter', headers: { ...FHIR, authorization: his }, payload: { resourceType: 'Encounter', status: 'finished', class: { code: 'AMB' }, subject: { reference: `Patient/${r.id}` }, period: { start: new Date(Date.now() - 3600_000).toISOString() }, serviceProvider: { reference: 'Organization/H0001' } } });
      assert.equal(e.statusCode, 201, e.body);
      Object.assign(to, { Patient: `Patient/${r.id}`, Encounter: `Encounter/${e.json().id}`, Organization: 'Organization/H0001' });
    });
    after(() => t.close());

    test('each example of a type Meridian creates is accepted and read back, or refused with a 4xx OperationOutcome naming the FHIRPath', async () => {
      const counts: Record<string, { examples: number; accepted: number; refused: number; reasons: Record<string, number> }> = {};
      for (const h of HANDLERS.filter((x) => x.interactions.includes('create'))) {
        counts[h.type] = { examples: 0, accepted: 0, refused: 0, reasons: {} };
        const c = counts[h.type];
        for (const { file, r } of examplesOf(h.type)) {
          c.examples++;
          const { id: _id, meta: _meta, ...body } = repoint(r, to) as R;
          const res = await t.app.inject({ method: 'POST', url: `/fhir/R4/${h.type}`, headers: { ...FHIR, authorization: his }, payload: body });
          assert.ok(res.statusCode < 500, `${file}: ${res.statusCode} ${res.body}`);
          const out = res.json();
          if (res.statusCode === 201 || res.statusCode === 200) {
            c.accepted++;
            const back = await t.app.inject({ method: 'GET', url: `/fhir/R4/${h.type}/${out.id}`, headers: { authorization: his } });
            assert.equal(back.statusCode, 200, `${file}: ${back.body}`);
            assert.deepEqual(back.json(), out, `${file}: read back differs`);
            if (h.type === 'Observation') {
              // What Meridian stores is the example's: one of its LOINC codes, its time, its value when sent in the catalogue's unit.
              const loinc = (r.code as { coding: { system: string; code: string }[] }).coding.filter((x) => x.system === 'http://loinc.org').map((x) => x.code);
              assert.ok(loinc.includes(out.code.coding[0].code), file);
              const vq = r.valueQuantity as { value: number; code?: string; unit?: string };
              if ((vq.code ?? vq.unit) === out.valueQuantity.code) assert.equal(out.valueQuantity.value, vq.value, file);
              const sent = (r.effectiveDateTime ?? r.effectiveInstant ?? (r.effectivePeriod as { start: string }).start) as string;
              // A date without a time is stored as 00:00 of that day in Asia/Shanghai.
              assert.equal(Date.parse(out.effectiveDateTime), Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(sent) ? `${sent}T00:00:00+08:00` : sent), file);
            }
          } else {
            c.refused++;
            assert.equal(out.resourceType, 'OperationOutcome', file);
            assert.ok(out.issue.length > 0 && out.issue.every((i: { expression?: string[]; details?: { text?: string } }) => i.expression?.length && i.details?.text), `${file}: ${res.body}`);
            const why = String(out.issue[0].details.coding?.[0]?.code ?? out.issue[0].code);
            c.reasons[why] = (c.reasons[why] ?? 0) + 1;
          }
        }
      }
      const total = Object.values(counts).reduce((a, x) => ({ examples: a.examples + x.examples, accepted: a.accepted + x.accepted }), { examples: 0, accepted: 0 });
      const readOnly = HANDLERS.filter((x) => !x.interactions.includes('create')).map((x) => `${x.type} (${examplesOf(x.type).length} examples, read-only here)`);
      console.log(JSON.stringify({ examples: counts, total: { ...total, acceptedShare: Math.round((total.accepted / total.examples) * 1000) / 1000 }, notPosted: readOnly }));
      assert.ok(total.examples > 50, `only ${total.examples} examples found in ${DIR}`);
    });
  });
}
