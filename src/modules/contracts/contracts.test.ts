// Contracts through the API on a hand-built county; the right answers are written here.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../../../test/helpers/db.ts';
import { openTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { buildTestCounty, VILLAGE_A, VILLAGE_B } from '../../../test/helpers/county.ts';
import { makeIdNumber } from '../registry/id-number.ts';
import { PACKAGES } from '../demo/history.ts';
import { addDays } from '../../shared/time.ts';
import { buildFollowup, buildPackage, buildTeam, buildWorker, facilityId } from '../../../test/helpers/factories.ts';

for (const engine of ENGINES) {
  describe(`family-doctor contracts [${engine}]`, () => {
    let t: TestApp;
    let gp: string;
    let team: string;
    const ids: Record<string, string> = {};
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    before(async () => {
      t = await openTestApp(engine);
      await buildTestCounty(t.db);
      const admin = await t.signIn('admin', 'sysadmin');
      gp = await t.signIn('gp', 'doctor', { facilityCode: 'T000A' });
      // township A: an elder (priority), a hypertension patient (priority), two young adults; township B: one adult
      const people: [string, string, string][] = [['elder', '1950-03-03', VILLAGE_A], ['htn', '1975-03-03', VILLAGE_A], ['y1', '1995-03-03', VILLAGE_A], ['y2', '1996-03-03', VILLAGE_A], ['b1', '1990-03-03', VILLAGE_B]];
      for (const [k, bd, v] of people) {
        const r = await t.app.inject({ method: 'POST', url: '/api/residents', headers: { cookie: admin }, payload: { idType: 'resident_id', idNumber: makeIdNumber('371003', bd, String(201 + people.findIndex((x) => x[0] === k) * 2)), name: `居民${k}`, villageCode: v } });
        ids[k] = r.json().resident.id;
      }
      await t.db.query("UPDATE residents SET conditions = '{hypertension}' WHERE id = ANY($1)", [[ids.htn, ids.b1]]);
      // a team of township A's centre with no members yet
      team = (await buildTeam(t.db, { name: '甲镇1队', facilityId: await facilityId(t.db, 'T000A'), members: [] })).id;
      for (const p of PACKAGES) await buildPackage(t.db, { code: p.code, name: p.name, kind: p.kind, priceFen: p.price, payer: p.payer, items: p.items });
    });
    after(() => t.close());
    const post = (url: string, payload: object) => t.app.inject({ method: 'POST', url, headers: { cookie: gp }, payload });

    // What the township-A tests read, made once by whichever test runs first (each test stands alone):
    // htn signed 100 days ago (BASIC+HTN), elder's contract of 400 days ago renewed, y2's signed today and ended.
    let signing: Promise<Record<'a' | 'e' | 'rn' | 'y' | 'bad' | 'ended', Awaited<ReturnType<typeof post>>>> | undefined;
    const signed = () => (signing ??= (async () => {
      const a = await post('/api/contracts', { residentId: ids.htn, teamId: team, packageCodes: ['BASIC', 'HTN'], startsOn: addDays(today, -100), signedHow: 'on_site' });
      const e = await post('/api/contracts', { residentId: ids.elder, teamId: team, packageCodes: ['BASIC', 'ELDERLY'], startsOn: addDays(today, -400), signedHow: 'at_home' });
      const rn = await post(`/api/contracts/${e.json().id}/renew`, {});
      const y = await post('/api/contracts', { residentId: ids.y2, teamId: team, packageCodes: ['BASIC'], startsOn: today, signedHow: 'online' });
      const bad = await post(`/api/contracts/${y.json().id}/end`, {});
      const ended = await post(`/api/contracts/${y.json().id}/end`, { reason: '迁出本区' });
      return { a, e, rn, y, bad, ended };
    })());

    test('sign; a second current contract is refused with 409; renewal carries the history; ending needs a reason', async () => {
      const { a, e, rn, bad, ended } = await signed();
      assert.equal(a.statusCode, 201, a.body);
      assert.equal(a.json().endsOn, addDays(addDays(today, -100), 364));
      const dup = await post('/api/contracts', { residentId: ids.htn, teamId: team, packageCodes: ['BASIC'], startsOn: today, signedHow: 'online' });
      assert.equal(dup.statusCode, 409);
      assert.equal(dup.json().error.code, 'contract.current_exists');
      const noBasic = await post('/api/contracts', { residentId: ids.y1, teamId: team, packageCodes: ['HTN'], startsOn: today, signedHow: 'online' });
      assert.equal(noBasic.statusCode, 400);
      assert.equal(noBasic.json().error.fields[0].path, 'packageCodes');
      assert.equal(e.statusCode, 201, e.body);
      assert.equal(rn.statusCode, 201, rn.body);
      assert.equal(rn.json().status, 'renewed');
      assert.equal(rn.json().startsOn, addDays(addDays(today, -400), 365));
      const [old] = await t.db.query<{ status: string; ended_reason: string }>('SELECT status, ended_reason FROM contracts WHERE id = $1', [e.json().id]);
      assert.deepEqual(old, { status: 'ended', ended_reason: 'renewed' });
      assert.equal(bad.statusCode, 400);
      assert.equal(ended.statusCode, 200);
    });

    test('fulfilment counts follow-ups recorded anywhere against the schedule', async () => {
      // township B's adult, hypertensive, signed 100 days ago with a team of B's centre by B's GP (township A's counts stay as the rates test has them)
      const gpB = await t.signIn('gpB', 'doctor', { facilityCode: 'T000B' });
      const teamB = (await buildTeam(t.db, { name: '乙镇1队', facilityId: await facilityId(t.db, 'T000B'), members: [] })).id;
      const c = await t.app.inject({ method: 'POST', url: '/api/contracts', headers: { cookie: gpB }, payload: { residentId: ids.b1, teamId: teamB, packageCodes: ['BASIC', 'HTN'], startsOn: addDays(today, -100), signedHow: 'on_site' } });
      assert.equal(c.statusCode, 201, c.body);
      const f0 = (await t.app.inject({ method: 'GET', url: `/api/contracts/${c.json().id}/fulfilment`, headers: { cookie: gpB } })).json();
      // 100 days into the year: the first quarterly follow-up is due (day 91), the annual check is not.
      assert.deepEqual(f0.items.map((i: { service: string; due: number; delivered: number }) => `${i.service}:${i.due}/${i.delivered}`).sort(), ['consultation:0/0', 'health_check:0/0', 'htn_followup:1/0']);
      assert.equal(f0.fulfilled, false);
      await buildFollowup(t.db, { residentId: ids.b1, facilityId: await facilityId(t.db, 'H0001'), visitDate: addDays(today, -70), nextVisitDate: addDays(today, -70) });
      const f1 = (await t.app.inject({ method: 'GET', url: `/api/contracts/${c.json().id}/fulfilment`, headers: { cookie: gpB } })).json();
      assert.equal(f1.fulfilled, true, 'a follow-up at the county hospital counts too');
    });

    test('a team needs one lead GP, known workers and village codes', async () => {
      const w = await buildWorker(t.db, { name: '全科甲', sex: 'F', workerType: 'physician', specialty: 'general_practice', employerId: await facilityId(t.db, 'T000A') });
      const mgr = await t.signIn('mgr', 'manager', { regionCode: '371003' });
      const bad = await t.app.inject({ method: 'POST', url: '/api/contracts/teams', headers: { cookie: mgr }, payload: { name: '甲镇2队', facilityCode: 'H0001', members: [{ workerId: w.id, role: 'nurse' }], villageCodes: ['371003100000'] } });
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(bad.json().error.fields.map((f: { path: string }) => f.path), ['facilityCode', 'members', 'villageCodes[0]']);
      const ok = await t.app.inject({ method: 'POST', url: '/api/contracts/teams', headers: { cookie: mgr }, payload: { name: '甲镇2队', facilityCode: 'T000A', members: [{ workerId: w.id, role: 'lead_gp' }], villageCodes: [VILLAGE_A] } });
      assert.equal(ok.statusCode, 201, ok.body);
      const list = await t.app.inject({ method: 'GET', url: '/api/contracts/teams', headers: { cookie: mgr } });
      assert.deepEqual(list.json().items.find((x: { id: string }) => x.id === ok.json().id).members.map((m: { name: string; role: string }) => [m.name, m.role]), [['全科甲', 'lead_gp']]);
    });

    test('rates by township, by hand', async () => {
      await signed();
      await buildFollowup(t.db, { residentId: ids.htn, facilityId: await facilityId(t.db, 'H0001'), visitDate: addDays(today, -70), nextVisitDate: addDays(today, -70) });
      const r = await t.app.inject({ method: 'GET', url: '/api/contracts/rates', headers: { cookie: gp } });
      assert.equal(r.statusCode, 200, r.body);
      const a = r.json().items.find((x: { code: string }) => x.code === '371003100000');
      // A: 4 permanent residents; current contracts: htn (fulfilled), elder (renewed, ELDERLY check not yet due → fulfilled); y2 ended
      assert.deepEqual({ population: a.population, contracted: a.contracted, priorityPopulation: a.priorityPopulation, priorityContracted: a.priorityContracted, fulfilled: a.fulfilled, previousCycle: a.previousCycle, renewed: a.renewed },
        { population: 4, contracted: 2, priorityPopulation: 2, priorityContracted: 2, fulfilled: 2, previousCycle: 1, renewed: 1 });
      assert.equal(a.coverage, 0.5);
      assert.equal(a.priorityCoverage, 1);
      assert.equal(a.renewalRate, 1);
      assert.ok(r.json().definitions.contract_coverage.zh.includes('常住人口'));
    });
  });
}
