// Service packages (list, create, edit) and the team's worklist of package services, through the API.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../../../test/helpers/db.ts';
import { openTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { buildTestCounty, VILLAGE_A } from '../../../test/helpers/county.ts';
import { makeIdNumber } from '../registry/id-number.ts';
import { dueDates } from './rules.ts';
import { PACKAGES } from '../demo/history.ts';
import { addDays } from '../../shared/time.ts';
import { buildContract, buildEncounter, buildEnrolment, buildFollowup, buildPackage, buildTeam, buildWorker, facilityId } from '../../../test/helpers/factories.ts';

for (const engine of ENGINES) {
  describe(`service packages and the package worklist [${engine}]`, () => {
    let t: TestApp;
    let mgr: string;
    let vd: string;
    const ids: Record<string, string> = {};
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    const start = addDays(today, -100);
    before(async () => {
      t = await openTestApp(engine);
      await buildTestCounty(t.db);
      const admin = await t.signIn('admin', 'sysadmin');
      mgr = await t.signIn('mgr', 'manager', { regionCode: '371003' });
      vd = await t.signIn('vd', 'village_doctor', { facilityCode: 'V00A1' });
      for (const p of PACKAGES) await buildPackage(t.db, { code: p.code, name: p.name, kind: p.kind, priceFen: p.price, payer: p.payer, items: p.items });
      for (const [i, [k, bd]] of ([['w1', '1950-05-05'], ['w2', '1980-05-05']] as const).entries()) {
        const r = await t.app.inject({ method: 'POST', url: '/api/residents', headers: { cookie: admin }, payload: { idType: 'resident_id', idNumber: makeIdNumber('371003', bd, String(401 + i * 2)), name: `居民${k}`, villageCode: VILLAGE_A } });
        ids[k] = r.json().resident.id;
      }
      const w = await buildWorker(t.db, { name: '村医乙', workerType: 'village_doctor', employerId: await facilityId(t.db, 'V00A1'), username: 'vd' });
      const tm = await buildTeam(t.db, { name: '甲镇1队', facilityId: await facilityId(t.db, 'T000A'), leadWorkerId: null, members: [{ workerId: w.id, role: 'village_doctor' }] });
      for (const [k, packages] of [['w1', ['BASIC', 'HTN', 'ELDERLY']], ['w2', ['BASIC', 'HTN']]] as const) {
        await buildContract(t.db, { residentId: ids[k], teamId: tm.id, startsOn: start, endsOn: addDays(start, 364), packages: [...packages] });
      }
      // w1 is in the hypertension programme, last seen uncontrolled 30 days ago (due again 14 days later); w2 has the package but is not enrolled
      await buildEnrolment(t.db, { residentId: ids.w1, enrolledOn: start });
      await buildFollowup(t.db, { residentId: ids.w1, facilityId: await facilityId(t.db, 'V00A1'), visitDate: addDays(today, -30), sbp: 156, dbp: 96, onTarget: false, nextVisitDate: addDays(today, -16) });
    });
    after(() => t.close());

    const pkg = { code: 'DISAB', name: '残疾人康复服务包', kind: 'personalised', priceFen: 5000, payer: 'mixed', items: [{ service: 'home_visit', name: '上门康复指导', frequency: '4次/年' }] };

    test('managers create packages; frequencies, services and the basic package\'s price are checked, every bad field named', async () => {
      const bad = await t.app.inject({ method: 'POST', url: '/api/contracts/packages', headers: { cookie: mgr }, payload: { ...pkg, code: 'x', items: [
        { service: 'home_visit', name: '上门', frequency: '4次/月' }, { service: 'home_visit', name: '上门', frequency: '2次/年' }, { service: 'massage', name: '推拿', frequency: '0次/年' }] } });
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(bad.json().error.fields.map((f: { path: string }) => f.path), ['code', 'items[0].frequency', 'items[1].service', 'items[2].service', 'items[2].frequency']);
      assert.ok(bad.json().error.message.zh);
      const basicPriced = await t.app.inject({ method: 'POST', url: '/api/contracts/packages', headers: { cookie: mgr }, payload: { ...pkg, code: 'BASIC2', kind: 'basic' } });
      assert.deepEqual(basicPriced.json().error.fields.map((f: { path: string }) => f.path), ['priceFen']);
      assert.equal((await t.db.query("SELECT 1 FROM service_packages WHERE code IN ('X','BASIC2')")).length, 0, 'nothing half-written');
      const ok = await t.app.inject({ method: 'POST', url: '/api/contracts/packages', headers: { cookie: mgr }, payload: pkg });
      assert.equal(ok.statusCode, 201, ok.body);
      assert.deepEqual({ ...(ok.json() as object), id: undefined }, { ...pkg, id: undefined, active: true, version: 1 });
      const dup = await t.app.inject({ method: 'POST', url: '/api/contracts/packages', headers: { cookie: mgr }, payload: pkg });
      assert.equal(dup.statusCode, 409);
      assert.equal((await t.app.inject({ method: 'POST', url: '/api/contracts/packages', headers: { cookie: vd }, payload: { ...pkg, code: 'VD' } })).statusCode, 403, 'staff list, managers edit');
      const list = await t.app.inject({ method: 'GET', url: '/api/contracts/packages', headers: { cookie: vd } });
      assert.equal(list.statusCode, 200);
      assert.deepEqual(list.json().items.map((p: { code: string }) => p.code), ['BASIC', 'DISAB', 'DM', 'ELDERLY', 'HTN']);
      assert.equal(list.json().services.htn_followup.zh, '高血压随访');
      assert.ok((await t.db.query("SELECT 1 FROM audit_log WHERE action = 'package.create'")).length === 1);
    });

    test('edits carry the version; a stale edit is refused; the basic package cannot be switched off', async () => {
      const [p] = await t.db.query<{ id: string }>("SELECT id FROM service_packages WHERE code = 'DISAB'");
      const body = { name: pkg.name, kind: pkg.kind, priceFen: 6000, payer: pkg.payer, items: [...pkg.items, { service: 'consultation', name: '咨询', frequency: '按需' }], active: true, version: 1 };
      const r = await t.app.inject({ method: 'PUT', url: `/api/contracts/packages/${p.id}`, headers: { cookie: mgr }, payload: body });
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.json().version, 2);
      const again = await t.app.inject({ method: 'PUT', url: `/api/contracts/packages/${p.id}`, headers: { cookie: mgr }, payload: body });
      assert.equal(again.statusCode, 409);
      assert.equal(again.json().error.code, 'record.stale');
      const [row] = await t.db.query<{ price_fen: number; version: number }>('SELECT price_fen, version FROM service_packages WHERE id = $1', [p.id]);
      assert.deepEqual(row, { price_fen: 6000, version: 2 });
      const [b] = await t.db.query<{ id: string }>("SELECT id FROM service_packages WHERE code = 'BASIC'");
      const off = await t.app.inject({ method: 'PUT', url: `/api/contracts/packages/${b.id}`, headers: { cookie: mgr }, payload: { name: PACKAGES[0].name, kind: 'basic', priceFen: 0, payer: PACKAGES[0].payer, items: PACKAGES[0].items, active: false, version: 1 } });
      assert.equal(off.statusCode, 400);
      assert.deepEqual(off.json().error.fields.map((f: { path: string }) => f.path), ['active']);
    });

    type Row = { name: string; kind: string; service: string | null; status: string; nextDue: string | null; riskClass: string | null };
    const rows = async (q = '') => {
      const r = await t.app.inject({ method: 'GET', url: `/api/chronic/worklist${q}`, headers: { cookie: vd } });
      assert.equal(r.statusCode, 200, r.body);
      return (r.json().items as Row[]).map((x) => `${x.name}:${x.service ?? 'chronic'}:${x.status}:${x.nextDue}`);
    };

    test('the worklist holds the package services due, overdue or never delivered, riskiest resident first', async () => {
      const year = addDays(start, 364);
      const firstQuarter = dueDates(4, start)[0];
      // w1: the programme row (overdue; it covers the HTN package's follow-ups), the elderly programme's annual service (publichealth; it stands
      // for the ELDERLY package's 老年人健康体检: overdue from 1 October, due by 30 September, shown from the week before), the health check never done;
      // w2: its first quarterly follow-up overdue, the check never done
      const y = today.slice(0, 4);
      const eldStatus = today >= `${y}-10-01` ? 'overdue' : addDays(today, 7) >= `${y}-09-30` ? 'due_this_week' : 'scheduled';
      const eld = eldStatus === 'scheduled' ? [] : [`居民w1:elderly_annual:${eldStatus}:${y}-09-30`];
      assert.deepEqual(await rows(), [
        `居民w1:chronic:overdue:${addDays(today, -16)}`, ...eld, `居民w1:health_check:never_seen:${year}`,
        `居民w2:htn_followup:overdue:${firstQuarter}`, `居民w2:health_check:never_seen:${year}`]);
      // by status (overdue, due this week, never seen), then by due day
      const byDue = [[`居民w1:chronic:overdue:${addDays(today, -16)}`, addDays(today, -16)], [`居民w2:htn_followup:overdue:${firstQuarter}`, firstQuarter], ...eld.map((x) => [x, `${y}-09-30`])]
        .sort((a, b) => (a[0].includes(':due_this_week:') ? 1 : 0) - (b[0].includes(':due_this_week:') ? 1 : 0) || a[1].localeCompare(b[1])).map((x) => x[0]);
      assert.deepEqual(await rows('?sort=due'), [...byDue, `居民w1:health_check:never_seen:${year}`, `居民w2:health_check:never_seen:${year}`]);
      // a health check recorded at the county hospital counts against w2's package
      await buildEncounter(t.db, { residentId: ids.w2, kind: 'health_check', facilityId: await facilityId(t.db, 'H0001'), startedAt: new Date(Date.now() - 86_400_000).toISOString() });
      assert.deepEqual(await rows('?status=never_seen'), [`居民w1:health_check:never_seen:${year}`]);
      assert.deepEqual(await rows('?status=scheduled'), [...(eldStatus === 'scheduled' ? [`居民w1:elderly_annual:scheduled:${y}-09-30`] : []), `居民w2:health_check:scheduled:null`]);
      const csv = await t.app.inject({ method: 'GET', url: '/api/chronic/worklist.csv', headers: { cookie: vd } });
      assert.match(csv.headers['content-type'] as string, /text\/csv/);
      const lines = csv.body.replace('\uFEFF', '').trim().split('\n');
      assert.equal(lines.length, 1 + 3 + eld.length);
      if (eld.length) assert.match(lines[2], /^居民w1,男,\d+,甲一村,老年人健康管理,年度健康管理服务,1次\/年,1,0,/);
      assert.match(lines.at(-1)!, /^居民w2,男,\d+,甲一村,签约服务包,高血压随访,4次\/年,1,0,.*,逾期,$/);
    });
  });
}
