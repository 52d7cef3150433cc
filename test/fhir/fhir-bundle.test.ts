// Issue 16, slice 4: batch and all-or-nothing transaction Bundles with urn:uuid references resolved;
// a transaction with one invalid entry stores nothing (re-read from the database); concurrent
// transactions sending the same conditional creates store the patient once.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../helpers/db.ts';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { buildTestCounty, VILLAGE_A } from '../helpers/county.ts';
import { makeIdNumber } from '../../src/modules/registry/id-number.ts';
import { ID_SYSTEMS } from '../../src/modules/fhir/rules.ts';
import { FHIR, observationOf, patientOf, systemBearer } from './helpers.ts';

const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();

/** A transaction of one visit: the patient (conditional), the encounter and two readings. */
function visit(idNumber: string, tag: string, o: { badUnit?: boolean } = {}) {
  const p = `urn:uuid:00000000-0000-4000-8000-${tag.padStart(12, '0')}`;
  const e = `urn:uuid:10000000-0000-4000-8000-${tag.padStart(12, '0')}`;
  return {
    resourceType: 'Bundle', type: 'transaction',
    entry: [
      // The readings come first: the server creates in the order the references need.
      { fullUrl: `urn:uuid:20000000-0000-4000-8000-${tag.padStart(12, '0')}`, resource: { ...observationOf(p, '8480-6', 150, 'mm[Hg]', hoursAgo(1), { system: 'urn:his:obs', value: `${tag}-sbp` }), encounter: { reference: e } }, request: { method: 'POST', url: 'Observation' } },
      { fullUrl: `urn:uuid:30000000-0000-4000-8000-${tag.padStart(12, '0')}`, resource: observationOf(p, '8462-4', 95, o.badUnit ? 'kg' : 'mm[Hg]', hoursAgo(1), { system: 'urn:his:obs', value: `${tag}-dbp` }), request: { method: 'POST', url: 'Observation' } },
      { fullUrl: e, resource: { resourceType: 'Encounter', status: 'finished', identifier: [{ system: 'urn:his:enc', value: tag }], class: { code: 'AMB' }, subject: { reference: p }, period: { start: hoursAgo(2) }, serviceProvider: { reference: 'Organization/H0001' } }, request: { method: 'POST', url: 'Encounter' } },
      { fullUrl: p, resource: patientOf(idNumber, VILLAGE_A, '王五'), request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${ID_SYSTEMS.resident_id}|${idNumber}` } },
    ],
  };
}

for (const engine of ENGINES) {
  describe(`FHIR Bundles [${engine}]`, () => {
    let t: TestApp;
    let his: string;
    const count = async (table: string) => (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;

    before(async () => {
      t = await openTestApp(engine);
      await buildTestCounty(t.db);
      his = await systemBearer(t, 'H0001', ['system/*.*']);
    });
    after(() => t.close());

    test('a transaction stores the patient, the encounter and its readings with urn:uuid references resolved, and reads back', async () => {
      const idNumber = makeIdNumber('371003', '1955-03-03', '301');
      const r = await t.app.inject({ method: 'POST', url: '/fhir/R4', headers: { ...FHIR, authorization: his }, payload: visit(idNumber, '1') });
      assert.equal(r.statusCode, 200, r.body);
      const b = r.json();
      assert.equal(b.type, 'transaction-response');
      assert.deepEqual(b.entry.map((e: { response: { status: string } }) => e.response.status), ['201 Created', '201 Created', '201 Created', '201 Created']);
      const pid = b.entry[3].resource.id;
      const eid = b.entry[2].resource.id;
      assert.equal(b.entry[0].resource.subject.reference, `Patient/${pid}`);
      assert.equal(b.entry[0].resource.encounter.reference, `Encounter/${eid}`);
      const rows = await t.db.query<{ code: string; encounter_id: string | null }>('SELECT code, encounter_id FROM observations WHERE resident_id = $1 ORDER BY code', [pid]);
      assert.deepEqual(rows.map((x) => x.code), ['8462-4', '8480-6']);
      const back = await t.app.inject({ method: 'GET', url: `/fhir/R4/Observation?patient=${pid}`, headers: { authorization: his } });
      assert.equal(back.json().total, 2);
      // Patient/$everything: the patient, the encounter and its readings.
      const all = await t.app.inject({ method: 'GET', url: `/fhir/R4/Patient/${pid}/$everything`, headers: { authorization: his } });
      assert.equal(all.statusCode, 200, all.body);
      assert.deepEqual(all.json().entry.map((x: { resource: { resourceType: string } }) => x.resource.resourceType).sort(), ['Encounter', 'Observation', 'Observation', 'Patient']);
      // Sent again whole: nothing is stored twice (conditional patient, identified encounter and readings).
      const again = await t.app.inject({ method: 'POST', url: '/fhir/R4', headers: { ...FHIR, authorization: his }, payload: visit(idNumber, '1') });
      assert.equal(again.statusCode, 200, again.body);
      assert.deepEqual(again.json().entry.map((e: { response: { status: string } }) => e.response.status), ['200 OK', '200 OK', '200 OK', '200 OK']);
      assert.equal((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM observations WHERE resident_id = $1', [pid]))[0].n, 2);
      assert.equal((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM encounters WHERE resident_id = $1', [pid]))[0].n, 1);
    });

    test('one invalid entry rolls the whole transaction back: 400 naming Bundle.entry[i], nothing in the database', async () => {
      const before = { residents: await count('residents'), encounters: await count('encounters'), observations: await count('observations') };
      const r = await t.app.inject({ method: 'POST', url: '/fhir/R4', headers: { ...FHIR, authorization: his }, payload: visit(makeIdNumber('371003', '1956-04-04', '402'), '2', { badUnit: true }) });
      assert.equal(r.statusCode, 400, r.body);
      assert.equal(r.json().resourceType, 'OperationOutcome');
      assert.deepEqual(r.json().issue.map((i: { expression: string[] }) => i.expression[0]), ['Bundle.entry[1].resource.valueQuantity.code']);
      assert.deepEqual({ residents: await count('residents'), encounters: await count('encounters'), observations: await count('observations') }, before);
    });

    test('a structure error in an entry is refused before anything runs, at its path under the Bundle', async () => {
      const b = visit(makeIdNumber('371003', '1957-05-05', '503'), '3');
      (b.entry[3].resource as Record<string, unknown>).birthDate = 'yesterday';
      const r = await t.app.inject({ method: 'POST', url: '/fhir/R4', headers: { ...FHIR, authorization: his }, payload: b });
      assert.equal(r.statusCode, 400, r.body);
      assert.match(r.json().issue[0].expression[0], /^Bundle\.entry\[3\]\.resource\.birthDate$/);
    });

    test('concurrent transactions of the same visit store the patient once', async () => {
      const idNumber = makeIdNumber('371003', '1958-06-06', '605');
      const rs = await Promise.all([1, 2, 3].map(() => t.app.inject({ method: 'POST', url: '/fhir/R4', headers: { ...FHIR, authorization: his }, payload: visit(idNumber, '4') })));
      for (const r of rs) assert.equal(r.statusCode, 200, r.body);
      const ids = new Set(rs.map((r) => r.json().entry[3].resource.id));
      assert.equal(ids.size, 1);
      assert.equal((await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM residents WHERE name = '王五' AND id = $1", [[...ids][0]]))[0].n, 1);
      assert.equal((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM observations WHERE resident_id = $1', [[...ids][0]]))[0].n, 2);
    });

    test('a batch answers each entry on its own: one refused, the others stored', async () => {
      const idNumber = makeIdNumber('371003', '1959-07-07', '707');
      const r = await t.app.inject({ method: 'POST', url: '/fhir/R4', headers: { ...FHIR, authorization: his }, payload: {
        resourceType: 'Bundle', type: 'batch', entry: [
          { resource: patientOf(idNumber, VILLAGE_A, '赵六'), request: { method: 'POST', url: 'Patient' } },
          { resource: patientOf('371003195907070000', VILLAGE_A, '钱七'), request: { method: 'POST', url: 'Patient' } },
          { request: { method: 'GET', url: 'Organization/H0001' } },
        ] } });
      assert.equal(r.statusCode, 200, r.body);
      const b = r.json();
      assert.equal(b.type, 'batch-response');
      assert.deepEqual(b.entry.map((e: { response: { status: string } }) => e.response.status), ['201 Created', '400 Bad Request', '200 OK']);
      assert.deepEqual(b.entry[1].response.outcome.issue[0].expression, ['Bundle.entry[1].resource.identifier[0].value']);
      assert.equal(b.entry[2].resource.id, 'H0001');
      assert.equal((await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM residents WHERE name IN ('赵六', '钱七')"))[0].n, 1);
    });
  });
}
