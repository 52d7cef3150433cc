// Issue 23, finding 2: staff could take over a resident's account. POST /api/residents/:id/account
// checked region scope only and overwrote an existing password: a doctor (and the sysadmin) set a
// password, signed in as the resident and read the record as self; the resident was locked out, their
// access log showed neither the change nor the reads, and old sessions stayed valid. Now staff only
// issue a one-time activation code, with a legal basis for the resident's record, audited and shown in
// the resident's access log; no staff member sets a resident's password (the old route answers 410, an
// administrator's reset 409); the resident redeems the code with their own password, and a reset ends
// every session of the account.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../helpers/db.ts';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { buildTestCounty, VILLAGE_A } from '../helpers/county.ts';
import { buildContract, buildResident, buildTeam, buildUser, buildWorker, facilityId, linkUserToWorker } from '../helpers/factories.ts';

const RESIDENT_PASSWORD = 'Own-password-1';

for (const engine of ENGINES) {
  describe(`finding 2: staff cannot take over a resident's account [${engine}]`, () => {
    let t: TestApp;
    let resident: { id: string; idNumber: string };
    let residentCookie: string;
    let gp: string; // the resident's contracted family doctor (a basis)
    let stranger: string; // a doctor of the same township with no basis
    let admin: string;
    before(async () => {
      t = await openTestApp(engine);
      await buildTestCounty(t.db);
      resident = await buildResident(t.db, { villageCode: VILLAGE_A, birthDate: '1979-11-27', name: '吴阿姨' });
      await buildUser(t.db, { username: 'res-a', role: 'resident', residentId: resident.id, password: RESIDENT_PASSWORD });
      residentCookie = await login('res-a', RESIDENT_PASSWORD);
      gp = await t.signIn('gp02', 'doctor', { facilityCode: 'T000A' });
      const fid = await facilityId(t.db, 'T000A');
      const w = await buildWorker(t.db, { employerId: fid });
      await linkUserToWorker(t.db, 'gp02', w.id);
      const team = await buildTeam(t.db, { facilityId: fid, leadWorkerId: w.id });
      await buildContract(t.db, { residentId: resident.id, teamId: team.id });
      stranger = await t.signIn('doc02', 'doctor', { facilityCode: 'T000A' });
      admin = await t.signIn('admin02', 'sysadmin');
    });
    after(() => t.close());

    async function login(username: string, password: string): Promise<string> {
      const r = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
      assert.equal(r.statusCode, 200, r.body);
      return `meridian_session=${r.cookies.find((c) => c.name === 'meridian_session')!.value}`;
    }
    const post = (cookie: string, url: string, payload?: object) => t.app.inject({ method: 'POST', url, headers: { cookie }, ...(payload ? { payload } : {}) });
    const accessLog = async () => {
      const r = await t.app.inject({ method: 'GET', url: '/api/me/access-log', headers: { cookie: residentCookie } });
      assert.equal(r.statusCode, 200, r.body);
      return r.json().items as { action: string; who: string; basis: string | null }[];
    };

    test('neither a doctor nor the sysadmin can set a resident\'s password: 410 pointing to the activation code, password unchanged', async () => {
      for (const cookie of [stranger, gp, admin]) {
        const r = await post(cookie, `/api/residents/${resident.id}/account`, { password: 'Taken-over-1' });
        assert.equal(r.statusCode, 410, r.body);
        const e = r.json().error;
        assert.match(e.message.en, /activation-code/);
        assert.match(e.message.zh, /激活码/);
      }
      const wrong = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'res-a', password: 'Taken-over-1' } });
      assert.equal(wrong.statusCode, 401);
      assert.equal((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: residentCookie } })).statusCode, 200, 'the resident is still signed in');
    });

    test('an administrator\'s password reset refuses a resident\'s account', async () => {
      const r = await post(admin, '/api/users/res-a/reset-password', { password: 'Taken-over-1' });
      assert.equal(r.statusCode, 409, r.body);
      assert.deepEqual(r.json().error.fields.map((f: { path: string }) => f.path), ['username']);
      assert.equal((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'res-a', password: 'Taken-over-1' } })).statusCode, 401);
    });

    test('a doctor without a basis for the record (same township) gets 404 for an activation code; the sysadmin may not ask', async () => {
      const r = await post(stranger, `/api/residents/${resident.id}/activation-code`);
      assert.equal(r.statusCode, 404, r.body);
      assert.equal((await post(admin, `/api/residents/${resident.id}/activation-code`)).statusCode, 403);
      const [{ n }] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM resident_activation_codes WHERE resident_id = $1', [resident.id]);
      assert.equal(n, 0);
    });

    test('the family doctor issues a code (in the resident\'s log); the resident redeems it; every old session ends', async () => {
      const issued = await post(gp, `/api/residents/${resident.id}/activation-code`);
      assert.equal(issued.statusCode, 200, issued.body);
      const { code, reset } = issued.json();
      assert.match(code, /^\d{6}$/);
      assert.equal(reset, true, 'the resident already has an account');
      const log = await accessLog();
      const entry = log.find((x) => x.action === 'resident.activation_code');
      assert.ok(entry, `the code is in the resident's access log: ${JSON.stringify(log)}`);
      assert.equal(entry.who, 'gp02');
      assert.equal(entry.basis, 'contract');

      // A wrong code is refused; the right one with the resident's own new password works.
      const wrongCode = code === '000000' ? '000001' : '000000';
      const bad = await t.app.inject({ method: 'POST', url: '/api/auth/resident-activate', payload: { login: resident.idNumber, code: wrongCode, password: 'Chosen-by-me-2' } });
      assert.equal(bad.statusCode, 401);
      const ok = await t.app.inject({ method: 'POST', url: '/api/auth/resident-activate', payload: { login: resident.idNumber, code, password: 'Chosen-by-me-2' } });
      assert.equal(ok.statusCode, 200, ok.body);
      // the old session is over, the old password too; the new one signs in (by ID number as by username)
      assert.equal((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: residentCookie } })).statusCode, 401, 'the old session ended');
      assert.equal((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'res-a', password: RESIDENT_PASSWORD } })).statusCode, 401);
      residentCookie = await login(resident.idNumber, 'Chosen-by-me-2');
      assert.ok((await accessLog()).some((x) => x.action === 'resident.activate'), 'the reset is in the resident\'s access log');
      // a code is used once
      const again = await t.app.inject({ method: 'POST', url: '/api/auth/resident-activate', payload: { login: resident.idNumber, code, password: 'Chosen-by-me-3' } });
      assert.equal(again.statusCode, 401);
    });
  });
}
