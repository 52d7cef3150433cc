// Issue 16, slices 1–3: the FHIR R4 base (CapabilityStatement from the handlers' registry,
// OperationOutcome errors with FHIRPath expressions, sessions and SMART-scoped system tokens),
// validation (R4 structure definitions, ID check digit, units) and the resources' read, search,
// create and conditional create through the owning modules.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../helpers/db.ts';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { buildTestCounty, VILLAGE_A } from '../helpers/county.ts';
import { makeIdNumber } from '../../src/modules/registry/id-number.ts';
import { HANDLERS } from '../../src/modules/fhir/service.ts';
import { ID_SYSTEMS } from '../../src/modules/fhir/rules.ts';
import { FHIR, observationOf, patientOf, systemBearer } from './helpers.ts';
import { createClient } from '../../src/modules/auth/clients.ts';

for (const engine of ENGINES) {
  describe(`FHIR base and resources [${engine}]`, () => {
    let t: TestApp;
    let his: string; // H0001's HIS: Patient and Observation read/write, Encounter write
    let readOnly: string; // a system with system/Patient.read only
    const idNumber = makeIdNumber('371003', '1960-05-05', '123');
    let pid: string;

    before(async () => {
      t = await openTestApp(engine);
      await buildTestCounty(t.db);
      his = await systemBearer(t, 'H0001', ['system/Patient.*', 'system/Observation.*', 'system/Encounter.*', 'system/Organization.read']);
      readOnly = await systemBearer(t, 'H0001', ['system/Patient.read']);
    });
    after(() => t.close());

    test('metadata is a CapabilityStatement generated from the handlers: each type with exactly its interactions and search parameters', async () => {
      const r = await t.app.inject({ method: 'GET', url: '/fhir/R4/metadata' });
      assert.equal(r.statusCode, 200);
      assert.match(r.headers['content-type'] as string, /^application\/fhir\+json/);
      const cs = r.json();
      assert.equal(cs.resourceType, 'CapabilityStatement');
      assert.equal(cs.fhirVersion, '4.0.1');
      const types = cs.rest[0].resource.map((x: { type: string }) => x.type);
      assert.deepEqual(types, ['Patient', 'Organization', 'Practitioner', 'Encounter', 'Observation', 'Condition', 'AllergyIntolerance', 'Immunization']);
      const obs = cs.rest[0].resource.find((x: { type: string }) => x.type === 'Observation');
      assert.deepEqual(obs.interaction.map((i: { code: string }) => i.code), ['read', 'search-type', 'create']);
      assert.deepEqual(obs.searchParam.map((p: { name: string }) => p.name), ['_id', '_lastUpdated', 'patient', 'subject', 'code', 'date', 'status']);
      assert.equal(obs.conditionalCreate, true);
      assert.match(obs.documentation, /Not stored: .*component/);
      const cond = cs.rest[0].resource.find((x: { type: string }) => x.type === 'Condition');
      assert.deepEqual(cond.interaction.map((i: { code: string }) => i.code), ['read', 'search-type']);
      // Truthful: every search parameter it lists is accepted, and one it does not list is refused.
      for (const h of HANDLERS) {
        const unknown = await t.app.inject({ method: 'GET', url: `/fhir/R4/${h.type}?not-a-param=1`, headers: { authorization: his } });
        assert.equal(unknown.statusCode, 400, `${h.type}: ${unknown.body}`);
        assert.deepEqual(unknown.json().issue[0].expression, ['not-a-param']);
      }
    });

    test('without a session or token: 401 OperationOutcome (login); unknown type 404 not-supported; a scope missing 403', async () => {
      const r = await t.app.inject({ method: 'GET', url: '/fhir/R4/Patient' });
      assert.equal(r.statusCode, 401);
      assert.equal(r.json().resourceType, 'OperationOutcome');
      assert.equal(r.json().issue[0].code, 'login');
      const bad = await t.app.inject({ method: 'GET', url: '/fhir/R4/Patient', headers: { authorization: 'Bearer mat_nonsense_nonsense_nonsense' } });
      assert.equal(bad.statusCode, 401);
      const u = await t.app.inject({ method: 'GET', url: '/fhir/R4/Claim', headers: { authorization: his } });
      assert.equal(u.statusCode, 404);
      assert.equal(u.json().issue[0].code, 'not-supported');
      const w = await t.app.inject({ method: 'POST', url: '/fhir/R4/Patient', headers: { ...FHIR, authorization: readOnly }, payload: patientOf(makeIdNumber('371003', '1970-01-01', '555'), VILLAGE_A) });
      assert.equal(w.statusCode, 403);
      assert.equal(w.json().issue[0].code, 'forbidden');
      assert.equal(w.json().issue[0].details.coding[0].code, 'auth.scope');
    });

    test('a token asks for a narrower SMART scope than its client holds, never a wider one', async () => {
      const c = await createClient(t.db, null, { facilityCode: 'H0001', name: 'LIS', scopes: ['system/Observation.*'] });
      const ask = (scope: string) => t.app.inject({ method: 'POST', url: '/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `grant_type=client_credentials&client_id=${c.client.clientId}&client_secret=${c.clientSecret}&scope=${encodeURIComponent(scope)}` });
      const narrow = await ask('system/Observation.write');
      assert.equal(narrow.statusCode, 200, narrow.body);
      assert.equal(narrow.json().scope, 'system/Observation.write');
      const wide = await ask('system/Patient.read');
      assert.equal(wide.statusCode, 400);
      assert.equal(wide.json().error, 'invalid_scope');
      const bad = await t.app.inject({ method: 'POST', url: '/api/system-clients', headers: { cookie: await t.signIn('fh_admin', 'sysadmin') }, payload: { facilityCode: 'H0001', name: 'x', scopes: ['patient/*.read'] } });
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().error.fields[0].path, 'scopes.0');
    });

    test('structure errors (R4 definitions) answer 400 naming each FHIRPath; nothing is stored', async () => {
      const before = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM residents'))[0].n;
      const r = await t.app.inject({ method: 'POST', url: '/fhir/R4/Patient', headers: { ...FHIR, authorization: his, 'accept-language': 'en' },
        payload: { ...patientOf(idNumber, VILLAGE_A), birthDate: '1960-13-05', colour: 'blue' } });
      assert.equal(r.statusCode, 400, r.body);
      const paths = r.json().issue.map((i: { expression: string[] }) => i.expression[0]).sort();
      assert.deepEqual(paths, ['Patient.birthDate', 'Patient.colour']);
      assert.equal((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM residents'))[0].n, before);
    });

    test('Meridian rules: a wrong ID check digit and a unit that does not fit answer 400 at their FHIRPath', async () => {
      const wrong = idNumber.slice(0, 17) + (idNumber[17] === '0' ? '1' : '0');
      const r = await t.app.inject({ method: 'POST', url: '/fhir/R4/Patient', headers: { ...FHIR, authorization: his }, payload: patientOf(wrong, VILLAGE_A) });
      assert.equal(r.statusCode, 400, r.body);
      assert.deepEqual(r.json().issue.map((i: { expression: string[] }) => i.expression[0]), ['Patient.identifier[0].value']);
      assert.match(r.json().issue[0].details.text, /校验/);
    });

    test('conditional create by identifier stores the Patient once (sequential and concurrent retries); search by identifier finds it through the lookup hash', async () => {
      const body = patientOf(idNumber, VILLAGE_A, '李四', { gender: 'male', birthDate: '1960-05-05' });
      const headers = { ...FHIR, authorization: his, 'if-none-exist': `identifier=${ID_SYSTEMS.resident_id}|${idNumber}` };
      const first = await t.app.inject({ method: 'POST', url: '/fhir/R4/Patient', headers, payload: body });
      assert.equal(first.statusCode, 201, first.body);
      pid = first.json().id;
      assert.equal(first.headers.location, `http://localhost:80/fhir/R4/Patient/${pid}`);
      const again = await Promise.all([1, 2, 3, 4].map(() => t.app.inject({ method: 'POST', url: '/fhir/R4/Patient', headers, payload: body })));
      for (const a of again) {
        assert.equal(a.statusCode, 200, a.body);
        assert.equal(a.json().id, pid);
      }
      assert.equal((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM residents WHERE name = $1', ['李四']))[0].n, 1);
      const s = await t.app.inject({ method: 'GET', url: `/fhir/R4/Patient?identifier=${encodeURIComponent(`${ID_SYSTEMS.resident_id}|${idNumber}`)}`, headers: { authorization: his } });
      assert.equal(s.statusCode, 200, s.body);
      assert.equal(s.json().type, 'searchset');
      assert.equal(s.json().total, 1);
      const p = s.json().entry[0].resource;
      assert.equal(p.id, pid);
      assert.equal(p.gender, 'male');
      assert.equal(p.name[0].text, '李四');
      assert.equal(p.identifier[0].value, `371003**********${idNumber.slice(-2)}`);
      // Each resident a search shows is audited.
      const audit = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'fhir.patient_listed' AND resident_id = $1", [pid]);
      assert.equal(audit[0].n, 1);
    });

    test('Organization read by facility code; Encounter created and searched', async () => {
      const o = await t.app.inject({ method: 'GET', url: '/fhir/R4/Organization/H0001', headers: { authorization: his } });
      assert.equal(o.statusCode, 200, o.body);
      assert.equal(o.json().name, '县人民医院');
      const e = await t.app.inject({ method: 'POST', url: '/fhir/R4/Encounter', headers: { ...FHIR, authorization: his }, payload: {
        resourceType: 'Encounter', status: 'finished', identifier: [{ system: 'urn:his:enc', value: 'e1' }], class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
        subject: { reference: `Patient/${pid}` }, period: { start: '2026-11-20T09:00:00+08:00', end: '2026-11-20T09:20:00+08:00' }, serviceProvider: { reference: 'Organization/H0001' } } });
      assert.equal(e.statusCode, 201, e.body);
      assert.equal(e.json().class.code, 'AMB');
      const s = await t.app.inject({ method: 'GET', url: `/fhir/R4/Encounter?subject=Patient/${pid}&date=2026-11-20`, headers: { authorization: his } });
      assert.equal(s.json().total, 1);
    });
    test('Observation: created with unit conversion, read back, searched by code, date prefixes and paging with next links; resent with its identifier, stored once', async () => {
      const base = Date.parse('2026-11-01T02:00:00Z');
      for (let i = 0; i < 5; i++) {
        const r = await t.app.inject({ method: 'POST', url: '/fhir/R4/Observation', headers: { ...FHIR, authorization: his },
          payload: observationOf(`Patient/${pid}`, '8480-6', 16 + i, 'kPa', new Date(base + i * 86_400_000).toISOString(), { system: 'urn:his:obs', value: `sbp-${i}` }) });
        assert.equal(r.statusCode, 201, r.body);
        if (i === 0) {
          assert.equal(r.json().valueQuantity.value, 120); // 16 kPa × 7.50062 = 120.0 mm[Hg]
          assert.equal(r.json().valueQuantity.code, 'mm[Hg]');
        }
      }
      const resend = await t.app.inject({ method: 'POST', url: '/fhir/R4/Observation', headers: { ...FHIR, authorization: his, 'if-none-exist': 'identifier=urn:his:obs|sbp-0' },
        payload: observationOf(`Patient/${pid}`, '8480-6', 16, 'kPa', new Date(base).toISOString(), { system: 'urn:his:obs', value: 'sbp-0' }) });
      assert.equal(resend.statusCode, 200, resend.body);
      assert.equal((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM observations WHERE resident_id = $1', [pid]))[0].n, 5);
      const page1 = await t.app.inject({ method: 'GET', url: `/fhir/R4/Observation?patient=Patient/${pid}&code=http://loinc.org|8480-6&date=ge2026-11-02&date=lt2026-11-05&_count=2`, headers: { authorization: his } });
      assert.equal(page1.statusCode, 200, page1.body);
      // Shanghai days 2026-11-02 .. 2026-11-04: the readings of i = 1, 2, 3 (10:00 Shanghai each day).
      assert.equal(page1.json().total, 3);
      assert.deepEqual(page1.json().entry.map((e: { resource: { valueQuantity: { value: number } } }) => e.resource.valueQuantity.value), [143, 135]);
      const next = page1.json().link.find((l: { relation: string }) => l.relation === 'next').url as string;
      const page2 = await t.app.inject({ method: 'GET', url: next.replace('http://localhost:80', ''), headers: { authorization: his } });
      assert.deepEqual(page2.json().entry.map((e: { resource: { valueQuantity: { value: number } } }) => e.resource.valueQuantity.value), [128]);
      assert.equal(page2.json().link.some((l: { relation: string }) => l.relation === 'next'), false);
      const one = await t.app.inject({ method: 'GET', url: `/fhir/R4/Observation/${page2.json().entry[0].resource.id}`, headers: { authorization: his } });
      assert.equal(one.statusCode, 200);
      assert.equal(one.json().subject.reference, `Patient/${pid}`);
      const none = await t.app.inject({ method: 'GET', url: `/fhir/R4/Observation?patient=${pid}&code=http://loinc.org|8462-4`, headers: { authorization: his } });
      assert.equal(none.json().total, 0);
    });

    test('AllergyIntolerance and Immunization recorded with an encounter (the record\'s JSON route) are read by FHIR', async () => {
      const json = await systemBearer(t, 'H0001', ['records:write']);
      const r = await t.app.inject({ method: 'POST', url: '/api/records/encounters', headers: { authorization: json }, payload: {
        residentId: pid, kind: 'outpatient', facilityCode: 'H0001', startedAt: new Date(Date.now() - 7200_000).toISOString(), sourceSystem: 'his', sourceId: 'mz-ai-1',
        allergies: [{ substance: '青霉素', reaction: '皮疹', severity: 'moderate' }], immunisations: [{ vaccine: '乙肝疫苗', doseNumber: 2, givenOn: '2026-11-30', lot: 'L123' }] } });
      assert.equal(r.statusCode, 200, r.body);
      const a = await t.app.inject({ method: 'GET', url: `/fhir/R4/AllergyIntolerance?patient=${pid}`, headers: { authorization: his } });
      assert.equal(a.statusCode, 403); // the HIS token holds no AllergyIntolerance scope
      const all = await systemBearer(t, 'H0001', ['system/*.read']);
      const a2 = await t.app.inject({ method: 'GET', url: `/fhir/R4/AllergyIntolerance?patient=${pid}`, headers: { authorization: all } });
      assert.equal(a2.statusCode, 200, a2.body);
      assert.deepEqual(a2.json().entry.map((e: { resource: { code: { text: string }; reaction: { severity: string }[] } }) => [e.resource.code.text, e.resource.reaction[0].severity]), [['青霉素', 'moderate']]);
      const i = await t.app.inject({ method: 'GET', url: `/fhir/R4/Immunization?patient=${pid}&date=ge2026-11-30`, headers: { authorization: all } });
      assert.deepEqual(i.json().entry.map((e: { resource: { occurrenceDateTime: string; protocolApplied: { doseNumberPositiveInt: number }[]; lotNumber: string } }) => [e.resource.occurrenceDateTime, e.resource.protocolApplied[0].doseNumberPositiveInt, e.resource.lotNumber]), [['2026-11-30', 2, 'L123']]);
      assert.equal((await t.app.inject({ method: 'GET', url: `/fhir/R4/Immunization?patient=${pid}&date=lt2026-11-30`, headers: { authorization: all } })).json().total, 0);
      const ev = await t.app.inject({ method: 'GET', url: `/fhir/R4/Patient/${pid}/$everything`, headers: { authorization: all } });
      assert.ok(ev.json().entry.some((e: { resource: { resourceType: string } }) => e.resource.resourceType === 'Immunization'));
    });

    test('Observation refusals: a unit that does not fit, an unknown code; 400 at the FHIRPath', async () => {
      const r = await t.app.inject({ method: 'POST', url: '/fhir/R4/Observation', headers: { ...FHIR, authorization: his }, payload: observationOf(`Patient/${pid}`, '8480-6', 120, 'kg', '2026-11-10T08:00:00+08:00') });
      assert.equal(r.statusCode, 400, r.body);
      assert.deepEqual(r.json().issue[0].expression, ['Observation.valueQuantity.code']);
      const c = await t.app.inject({ method: 'POST', url: '/fhir/R4/Observation', headers: { ...FHIR, authorization: his }, payload: observationOf(`Patient/${pid}`, '9999-9', 1, 'mg', '2026-11-10T08:00:00+08:00') });
      assert.equal(c.statusCode, 400);
      assert.deepEqual(c.json().issue[0].expression, ['Observation.code.coding']);
    });

  });
}
