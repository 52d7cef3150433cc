// Issue 16, access: a search never returns what the caller may not read, per role and legal basis;
// each resident shown is audited with the basis; a resident reads their own record only.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../helpers/db.ts';
import { openTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import { buildTestCounty, TOWN_A } from '../helpers/county.ts';
import { buildConsents, buildResident, buildUser, facilityId } from '../helpers/factories.ts';
import { FHIR, observationOf, systemBearer } from './helpers.ts';

for (const engine of ENGINES) {
  describe(`FHIR access by role and basis [${engine}]`, () => {
    let t: TestApp;
    let his: string;
    let consented: { id: string };
    let other: { id: string };
    const cookies: Record<string, string> = {};
    const get = (url: string, who: string) => t.app.inject({ method: 'GET', url, headers: who.startsWith('Bearer') ? { authorization: who } : { cookie: who } });

    before(async () => {
      t = await openTestApp(engine);
      await buildTestCounty(t.db);
      consented = await buildResident(t.db, { name: '有授权' });
      other = await buildResident(t.db, { name: '无授权' });
      his = await systemBearer(t, 'H0001', ['system/*.*']);
      // The hospital's HIS sends a visit with a reading for each resident (its encounter opens its basis).
      for (const r of [consented, other]) {
        const at = new Date(Date.now() - 3600_000).toISOString();
        const e = await t.app.inject({ method: 'POST', url: '/fhir/R4/Encounter', headers: { ...FHIR, authorization: his }, payload: { resourceType: 'Encounter', status: 'finished', class: { code: 'AMB' }, subject: { reference: `Patient/${r.id}` }, period: { start: at }, serviceProvider: { reference: 'Organization/H0001' } } });
        assert.equal(e.statusCode, 201, e.body);
        const o = await t.app.inject({ method: 'POST', url: '/fhir/R4/Observation', headers: { ...FHIR, authorization: his }, payload: observationOf(`Patient/${r.id}`, '8480-6', 130, 'mm[Hg]', at) });
        assert.equal(o.statusCode, 201, o.body);
      }
      // A doctor of the township centre with the first resident's consent to the centre, and one without.
      await buildConsents(t.db, [consented.id], { facilityId: await facilityId(t.db, 'T000A') });
      cookies.doctor = await t.signIn('fh_doctor', 'doctor', { facilityCode: 'T000A' });
      cookies.manager = await t.signIn('fh_manager', 'manager', { regionCode: TOWN_A });
      cookies.ph = await t.signIn('fh_ph', 'public_health', { regionCode: TOWN_A });
      await buildUser(t.db, { username: 'fh_resident', role: 'resident', residentId: consented.id });
      const r = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'fh_resident', password: TEST_PASSWORD } });
      cookies.resident = `meridian_session=${r.cookies.find((c) => c.name === 'meridian_session')!.value}`;
    });
    after(() => t.close());

    test('a doctor sees the observations of the resident who consented, none of the other\'s; each shown resident audited with the basis', async () => {
      const yes = await get(`/fhir/R4/Observation?patient=${consented.id}`, cookies.doctor);
      assert.equal(yes.statusCode, 200, yes.body);
      assert.equal(yes.json().total, 1);
      const no = await get(`/fhir/R4/Observation?patient=${other.id}`, cookies.doctor);
      assert.equal(no.statusCode, 200);
      assert.equal(no.json().total, 0);
      const oid = (await t.db.query<{ id: string }>('SELECT id FROM observations WHERE resident_id = $1', [other.id]))[0].id;
      assert.equal((await get(`/fhir/R4/Observation/${oid}`, cookies.doctor)).statusCode, 404);
      const audit = await t.db.query<{ resident_id: string; basis: string }>("SELECT a.resident_id, a.basis FROM audit_log a JOIN users u ON u.id = a.user_id WHERE u.username = 'fh_doctor' AND a.action = 'record.fhir_search'");
      assert.deepEqual(audit.map((a) => [a.resident_id, a.basis]), [[consented.id, 'consent']]);
      // A person searches one resident at a time: without patient, 400 naming it.
      const all = await get('/fhir/R4/Observation', cookies.doctor);
      assert.equal(all.statusCode, 400);
      assert.deepEqual(all.json().issue[0].expression, ['patient']);
    });

    test('public-health staff see the public-health parts only: the hospital\'s outpatient encounter is not shown', async () => {
      const e = await get(`/fhir/R4/Encounter?patient=${consented.id}`, cookies.ph);
      assert.equal(e.statusCode, 200, e.body);
      assert.equal(e.json().total, 0);
    });

    test('a manager sees no person: Patient 403; Organization readable', async () => {
      assert.equal((await get(`/fhir/R4/Patient/${consented.id}`, cookies.manager)).statusCode, 403);
      assert.equal((await get('/fhir/R4/Patient', cookies.manager)).statusCode, 403);
      assert.equal((await get('/fhir/R4/Organization/T000A', cookies.manager)).statusCode, 200);
    });

    test('a resident reads their own Patient and observations (patient/*.read), not another\'s, and writes nothing', async () => {
      const me = await get(`/fhir/R4/Patient/${consented.id}`, cookies.resident);
      assert.equal(me.statusCode, 200, me.body);
      assert.equal((await get(`/fhir/R4/Patient/${other.id}`, cookies.resident)).statusCode, 404);
      const s = await get('/fhir/R4/Patient', cookies.resident);
      assert.deepEqual(s.json().entry.map((x: { resource: { id: string } }) => x.resource.id), [consented.id]);
      assert.equal((await get(`/fhir/R4/Observation?patient=${consented.id}`, cookies.resident)).json().total, 1);
      assert.equal((await get(`/fhir/R4/Observation?patient=${other.id}`, cookies.resident)).json().total, 0);
      const ev = await get(`/fhir/R4/Patient/${consented.id}/$everything`, cookies.resident);
      assert.deepEqual(ev.json().entry.map((x: { resource: { resourceType: string } }) => x.resource.resourceType).sort(), ['Encounter', 'Observation', 'Patient']);
      assert.equal((await get(`/fhir/R4/Patient/${other.id}/$everything`, cookies.resident)).statusCode, 404);
      const w = await t.app.inject({ method: 'POST', url: '/fhir/R4/Observation', headers: { ...FHIR, cookie: cookies.resident }, payload: observationOf(`Patient/${consented.id}`, '8480-6', 120, 'mm[Hg]', new Date().toISOString()) });
      assert.equal(w.statusCode, 403);
    });

    test('a facility system without the resident in its care reads back only what it sent itself', async () => {
      const lis = await systemBearer(t, 'T000A', ['system/*.read']);
      assert.equal((await get(`/fhir/R4/Observation?patient=${other.id}`, lis)).json().total, 0);
      assert.equal((await get('/fhir/R4/Observation', lis)).json().total, 0);
      // The hospital's HIS (encounters there) reads both residents' readings.
      assert.equal((await get('/fhir/R4/Observation', his)).json().total, 2);
    });
  });
}
