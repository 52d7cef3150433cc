// The resident's home through the API on a hand-built county; expected values written here by hand.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../../../test/helpers/db.ts';
import { openTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { buildTestCounty, VILLAGE_A } from '../../../test/helpers/county.ts';
import { buildContract, buildEnrolment, buildFollowup, buildPackage, buildResident, buildTeam, buildUser, buildWorker, facilityId } from '../../../test/helpers/factories.ts';
import { addDays } from '../../shared/time.ts';

const PASSWORD = 'Resident-pass-1';

for (const engine of ENGINES) {
  describe(`resident home [${engine}]`, () => {
    let t: TestApp;
    let elder: string;
    let young: string;
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    const login = async (username: string) => {
      const r = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: PASSWORD } });
      assert.equal(r.statusCode, 200, r.body);
      return `meridian_session=${r.cookies.find((c) => c.name === 'meridian_session')!.value}`;
    };
    const home = (cookie: string) => t.app.inject({ method: 'GET', url: '/api/me/home', headers: { cookie } });
    before(async () => {
      t = await openTestApp(engine);
      await buildTestCounty(t.db);
      const centre = await facilityId(t.db, 'T000A');
      const lead = await buildWorker(t.db, { name: '王医生', employerId: centre });
      const team = await buildTeam(t.db, { name: '甲镇1队', facilityId: centre, leadWorkerId: lead.id, members: [{ workerId: lead.id, role: 'lead_gp' }], villages: [VILLAGE_A] });
      await buildPackage(t.db, { code: 'BASIC', name: '基础包', kind: 'basic', payer: 'public_health', items: [] });
      const e = await buildResident(t.db, { name: '张老汉', birthDate: '1950-03-03', villageCode: VILLAGE_A });
      const y = await buildResident(t.db, { name: '李青年', birthDate: '1996-05-05', villageCode: VILLAGE_A });
      elder = e.id; young = y.id;
      await buildContract(t.db, { residentId: elder, teamId: team.id, startsOn: addDays(today, -30), endsOn: addDays(today, 334), packages: ['BASIC'] });
      await buildEnrolment(t.db, { residentId: elder, programme: 'hypertension', enrolledOn: addDays(today, -200) });
      await buildFollowup(t.db, { residentId: elder, programme: 'hypertension', facilityId: centre, visitDate: addDays(today, -100), nextVisitDate: addDays(today, -10) });
      await buildUser(t.db, { username: 'elder', role: 'resident', residentId: elder, password: PASSWORD });
      await buildUser(t.db, { username: 'young', role: 'resident', residentId: young, password: PASSWORD });
    });
    after(() => t.close());

    test('an enrolled 65+ resident with a contract sees the overdue follow-up, the annual check and their team', async () => {
      const r = await home(await login('elder'));
      assert.equal(r.statusCode, 200, r.body);
      const h = r.json();
      assert.equal(h.name, '张老汉');
      assert.deepEqual(h.followUps, [{ programme: 'hypertension', lastVisit: addDays(today, -100), nextVisit: addDays(today, -10), overdue: true }]);
      // no annual service this year: due until 30 September, overdue from 1 October
      assert.equal(h.elderly.status, today.slice(5) >= '10-01' ? 'overdue' : 'due');
      assert.equal(h.elderly.age >= 75, true);
      assert.equal(h.team.basis, 'contract');
      assert.equal(h.team.team.name, '甲镇1队');
      assert.deepEqual(h.team.team.members, [{ name: '王医生', role: 'lead_gp' }]);
      assert.equal(h.team.team.phone, null);
      assert.deepEqual(h.team.contract.packages, ['基础包']);
      assert.deepEqual(h.bookings, []);
      const audit = await t.db.query<{ basis: string }>("SELECT basis FROM audit_log WHERE action = 'me.home' AND resident_id = $1", [elder]);
      assert.deepEqual(audit.map((a) => a.basis), ['self']);
    });

    test('a young resident without a contract: nothing due, the team serving their village', async () => {
      const h = (await home(await login('young'))).json();
      assert.deepEqual(h.followUps, []);
      assert.equal(h.elderly, null);
      assert.equal(h.team.basis, 'village');
      assert.equal(h.team.contract, null);
      assert.equal(h.team.team.name, '甲镇1队');
    });

    test('staff cannot read a home', async () => {
      const gp = await t.signIn('gp', 'doctor', { facilityCode: 'T000A' });
      assert.equal((await home(gp)).statusCode, 403);
    });
  });
}
