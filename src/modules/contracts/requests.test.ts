// Contracts online: a resident asks from their phone, the team confirms or declines. Hand-built
// county; every expected value written here by hand from the rules (renewal window 30 days).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../../../test/helpers/db.ts';
import { openTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { buildTestCounty, VILLAGE_A, VILLAGE_B } from '../../../test/helpers/county.ts';
import { buildContract, buildPackage, buildResident, buildTeam, buildUser, buildWorker, facilityId } from '../../../test/helpers/factories.ts';
import { addDays } from '../../shared/time.ts';

const PASSWORD = 'Resident-pass-1';

for (const engine of ENGINES) {
  describe(`contract requests [${engine}]`, () => {
    let t: TestApp;
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    const ids = {} as Record<'teamA' | 'teamB' | 'young' | 'renewer' | 'early' | 'other' | 'oldContract', string>;
    const cookies = {} as Record<string, string>;
    const login = async (username: string, password = PASSWORD) => {
      const r = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
      assert.equal(r.statusCode, 200, r.body);
      return `meridian_session=${r.cookies.find((c) => c.name === 'meridian_session')!.value}`;
    };
    const call = (cookie: string, method: 'GET' | 'POST', url: string, payload?: unknown) => t.app.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) });

    before(async () => {
      t = await openTestApp(engine);
      await buildTestCounty(t.db);
      const a = await facilityId(t.db, 'T000A');
      const b = await facilityId(t.db, 'T000B');
      const gpA = await buildWorker(t.db, { name: '王医生', employerId: a });
      const gpB = await buildWorker(t.db, { name: '赵医生', employerId: b });
      ids.teamA = (await buildTeam(t.db, { name: '甲镇1队', facilityId: a, leadWorkerId: gpA.id, members: [{ workerId: gpA.id, role: 'lead_gp' }], villages: [VILLAGE_A] })).id;
      ids.teamB = (await buildTeam(t.db, { name: '乙镇1队', facilityId: b, leadWorkerId: gpB.id, members: [{ workerId: gpB.id, role: 'lead_gp' }], villages: [VILLAGE_B] })).id;
      await buildPackage(t.db, { code: 'BASIC', name: '基础包', kind: 'basic', payer: 'public_health', items: [{ service: 'health_check', name: '健康体检', frequency: '1次/年' }] });
      await buildPackage(t.db, { code: 'HTN', name: '高血压包', kind: 'personalised', priceFen: 3000, payer: 'resident', items: [] });
      await buildPackage(t.db, { code: 'OLD', name: '旧服务包', kind: 'personalised', items: [] });
      ids.young = (await buildResident(t.db, { name: '李青年', birthDate: '1996-05-05', villageCode: VILLAGE_A })).id;
      ids.renewer = (await buildResident(t.db, { name: '张续约', birthDate: '1950-03-03', villageCode: VILLAGE_A })).id;
      ids.early = (await buildResident(t.db, { name: '刘早到', birthDate: '1960-01-01', villageCode: VILLAGE_A })).id;
      ids.other = (await buildResident(t.db, { name: '陈旁人', birthDate: '1970-01-01', villageCode: VILLAGE_A })).id;
      // renewer's year ends in 10 days (inside the 30-day window); early's in 200 days (outside it)
      ids.oldContract = (await buildContract(t.db, { residentId: ids.renewer, teamId: ids.teamA, startsOn: addDays(today, -354), endsOn: addDays(today, 10), packages: ['BASIC'] })).id;
      await buildContract(t.db, { residentId: ids.early, teamId: ids.teamA, startsOn: addDays(today, -164), endsOn: addDays(today, 200), packages: ['BASIC'] });
      for (const [u, r] of [['young', ids.young], ['renewer', ids.renewer], ['early', ids.early], ['other', ids.other]] as const) {
        await buildUser(t.db, { username: u, role: 'resident', residentId: r, password: PASSWORD });
        cookies[u] = await login(u);
      }
      await buildUser(t.db, { username: 'gpA', role: 'doctor', facilityCode: 'T000A', workerId: gpA.id, password: PASSWORD });
      await buildUser(t.db, { username: 'gpB', role: 'doctor', facilityCode: 'T000B', workerId: gpB.id, password: PASSWORD });
      cookies.gpA = await login('gpA');
      cookies.gpB = await login('gpB');
    });
    after(() => t.close());

    let youngRequest = '';
    test('a resident without a contract sees a new contract from today, their village\'s team first, the basic package first', async () => {
      const r = await call(cookies.young, 'GET', '/api/me/contract');
      assert.equal(r.statusCode, 200, r.body);
      const o = r.json();
      assert.deepEqual(o.next, { kind: 'sign', startsOn: today });
      assert.deepEqual(o.teams.map((x: { name: string; servesVillage: boolean; sameTownship: boolean }) => [x.name, x.servesVillage, x.sameTownship]), [['甲镇1队', true, true], ['乙镇1队', false, false]]);
      assert.deepEqual(o.packages.map((x: { code: string }) => x.code), ['BASIC', 'HTN', 'OLD']);
      assert.deepEqual(o.requests, []);
    });

    test('bad requests name the field; nothing is stored', async () => {
      const noBasic = await call(cookies.young, 'POST', '/api/me/contract-requests', { teamId: ids.teamA, packageCodes: ['HTN'] });
      assert.equal(noBasic.statusCode, 400);
      assert.deepEqual(noBasic.json().error.fields.map((f: { path: string }) => f.path), ['packageCodes']);
      const badTeam = await call(cookies.young, 'POST', '/api/me/contract-requests', { teamId: '00000000-0000-4000-8000-000000000000', packageCodes: ['BASIC', 'NOPE'] });
      assert.equal(badTeam.statusCode, 400);
      assert.deepEqual(badTeam.json().error.fields.map((f: { path: string }) => f.path), ['teamId', 'packageCodes']);
      const [{ n }] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM contract_requests');
      assert.equal(n, 0);
    });

    test('a request; a second one while it is open is refused', async () => {
      const r = await call(cookies.young, 'POST', '/api/me/contract-requests', { teamId: ids.teamA, packageCodes: ['BASIC', 'HTN', 'BASIC'], note: '请周末联系' });
      assert.equal(r.statusCode, 201, r.body);
      const q = r.json();
      assert.equal(q.status, 'requested');
      assert.equal(q.kind, 'sign');
      assert.deepEqual(q.packageCodes, ['BASIC', 'HTN']);
      assert.equal(q.note, '请周末联系');
      youngRequest = q.id;
      const again = await call(cookies.young, 'POST', '/api/me/contract-requests', { teamId: ids.teamB, packageCodes: ['BASIC'] });
      assert.equal(again.statusCode, 409);
      assert.equal(again.json().error.code, 'contract.request_open');
      assert.equal((await call(cookies.young, 'GET', '/api/me/home')).json().contractRequest.status, 'requested');
    });

    test('another team neither sees nor decides it; the team asked sees it, and the listing is in the resident\'s access log', async () => {
      const listB = await call(cookies.gpB, 'GET', '/api/contracts/requests');
      assert.equal(listB.statusCode, 200);
      assert.deepEqual(listB.json().items, []);
      const confirmB = await call(cookies.gpB, 'POST', `/api/contracts/requests/${youngRequest}/confirm`);
      assert.equal(confirmB.statusCode, 403);
      const listA = (await call(cookies.gpA, 'GET', '/api/contracts/requests')).json().items;
      assert.deepEqual(listA.map((x: { name: string; teamName: string; villageName: string }) => [x.name, x.teamName]), [['李青年', '甲镇1队']]);
      const log = await t.db.query<{ username: string; basis: string }>("SELECT username, basis FROM audit_log WHERE resident_id = $1 AND action = 'record.listed'", [ids.young]);
      assert.deepEqual(log, [{ username: 'gpA', basis: 'contract_request' }]);
      // a resident cannot read the team's list; staff cannot use a resident's page
      assert.equal((await call(cookies.young, 'GET', '/api/contracts/requests')).statusCode, 403);
      assert.equal((await call(cookies.gpA, 'GET', '/api/me/contract')).statusCode, 403);
    });

    test('confirmed: a one-year contract signed online from today with the packages asked for; not twice', async () => {
      const r = await call(cookies.gpA, 'POST', `/api/contracts/requests/${youngRequest}/confirm`);
      assert.equal(r.statusCode, 201, r.body);
      const { startsOn, endsOn, status } = r.json() as { startsOn: string; endsOn: string; status: string };
      assert.deepEqual({ startsOn, endsOn, status }, { startsOn: today, endsOn: addDays(today, 364), status: 'signed' });
      const [c] = await t.db.query<{ signed_how: string; team_id: string; packages: string[] }>(
        `SELECT c.signed_how, c.team_id, ARRAY(SELECT p.code FROM contract_packages cp JOIN service_packages p ON p.id = cp.package_id WHERE cp.contract_id = c.id ORDER BY p.code) AS packages
           FROM contracts c WHERE c.resident_id = $1`, [ids.young]);
      assert.deepEqual(c, { signed_how: 'online', team_id: ids.teamA, packages: ['BASIC', 'HTN'] });
      const again = await call(cookies.gpA, 'POST', `/api/contracts/requests/${youngRequest}/confirm`);
      assert.equal(again.statusCode, 409);
      const home = (await call(cookies.young, 'GET', '/api/me/home')).json();
      assert.equal(home.contractRequest.status, 'confirmed');
      assert.equal(home.team.basis, 'contract');
      assert.equal(home.team.contract.startsOn, today);
    });

    test('a contract ending within 30 days is renewed: declined with a reason first, then asked again and confirmed from the day after it ends', async () => {
      const o = (await call(cookies.renewer, 'GET', '/api/me/contract')).json();
      assert.deepEqual(o.next, { kind: 'renew', previousId: ids.oldContract, startsOn: addDays(today, 11) });
      const first = (await call(cookies.renewer, 'POST', '/api/me/contract-requests', { teamId: ids.teamA, packageCodes: ['BASIC', 'OLD'] })).json();
      assert.equal(first.kind, 'renew');
      const tooShort = await call(cookies.gpA, 'POST', `/api/contracts/requests/${first.id}/decline`, { reason: ' ' });
      assert.equal(tooShort.statusCode, 400);
      assert.equal((await call(cookies.gpA, 'POST', `/api/contracts/requests/${first.id}/decline`, { reason: '旧服务包已停用，请改选高血压包' })).statusCode, 200);
      const home = (await call(cookies.renewer, 'GET', '/api/me/home')).json();
      assert.equal(home.contractRequest.status, 'declined');
      assert.equal(home.contractRequest.decisionNote, '旧服务包已停用，请改选高血压包');
      const second = (await call(cookies.renewer, 'POST', '/api/me/contract-requests', { teamId: ids.teamA, packageCodes: ['BASIC', 'HTN'] })).json();
      const r = await call(cookies.gpA, 'POST', `/api/contracts/requests/${second.id}/confirm`);
      assert.equal(r.statusCode, 201, r.body);
      assert.equal(r.json().startsOn, addDays(today, 11));
      assert.equal(r.json().endsOn, addDays(today, 375));
      assert.equal(r.json().status, 'renewed');
      const rows = await t.db.query<{ status: string; ended_reason: string | null; previous_id: string | null }>(
        'SELECT status, ended_reason, previous_id FROM contracts WHERE resident_id = $1 ORDER BY starts_on', [ids.renewer]);
      assert.deepEqual(rows, [{ status: 'ended', ended_reason: 'renewed', previous_id: null }, { status: 'renewed', ended_reason: null, previous_id: ids.oldContract }]);
    });

    test('too early to renew: refused with the day the window opens', async () => {
      const r = await call(cookies.early, 'POST', '/api/me/contract-requests', { teamId: ids.teamA, packageCodes: ['BASIC'] });
      assert.equal(r.statusCode, 409);
      assert.equal(r.json().error.code, 'contract.current_exists');
      assert.match(r.json().error.message.zh, new RegExp(addDays(today, 170)));
    });

    test('withdrawn by its resident only, once', async () => {
      const q = (await call(cookies.other, 'POST', '/api/me/contract-requests', { teamId: ids.teamB, packageCodes: ['BASIC'] })).json();
      assert.equal((await call(cookies.young, 'POST', `/api/me/contract-requests/${q.id}/withdraw`)).statusCode, 404);
      const w = await call(cookies.other, 'POST', `/api/me/contract-requests/${q.id}/withdraw`);
      assert.equal(w.statusCode, 200);
      assert.equal(w.json().status, 'withdrawn');
      assert.equal((await call(cookies.other, 'POST', `/api/me/contract-requests/${q.id}/withdraw`)).statusCode, 409);
      assert.equal((await call(cookies.other, 'GET', '/api/me/home')).json().contractRequest, null);
    });

    test('a confirmation that cannot sign leaves the request open and no contract (a package stopped since)', async () => {
      const q = (await call(cookies.other, 'POST', '/api/me/contract-requests', { teamId: ids.teamA, packageCodes: ['BASIC', 'OLD'] })).json();
      await t.db.query("UPDATE service_packages SET active = false WHERE code = 'OLD'");
      const r = await call(cookies.gpA, 'POST', `/api/contracts/requests/${q.id}/confirm`);
      assert.equal(r.statusCode, 400);
      const [row] = await t.db.query<{ status: string; n: number }>('SELECT status, (SELECT count(*)::int FROM contracts WHERE resident_id = $2) AS n FROM contract_requests WHERE id = $1', [q.id, ids.other]);
      assert.deepEqual(row, { status: 'requested', n: 0 });
    });
  });
}
