// Issue 23, finding 11: creating a resident account answered 500 when the derived username (r- and
// the first 8 hex digits of the resident id) was taken. Usernames are now derived from the whole id
// (and step aside when even that is taken), and a unique violation in the registry and users modules
// answers 409 naming the field, in both languages.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../helpers/db.ts';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { buildTestCounty, VILLAGE_A } from '../helpers/county.ts';
import { buildContract, buildResident, buildTeam, buildUser, buildWorker, facilityId, linkUserToWorker } from '../helpers/factories.ts';
import { uniqueViolation } from '../../src/platform/http.ts';

for (const engine of ENGINES) {
  describe(`finding 11: a resident's account never collides on its username [${engine}]`, () => {
    let t: TestApp;
    let gp: string;
    let teamId: string;
    before(async () => {
      t = await openTestApp(engine);
      await buildTestCounty(t.db);
      gp = await t.signIn('gp11', 'doctor', { facilityCode: 'T000A' });
      const fid = await facilityId(t.db, 'T000A');
      const w = await buildWorker(t.db, { employerId: fid });
      await linkUserToWorker(t.db, 'gp11', w.id);
      teamId = (await buildTeam(t.db, { facilityId: fid, leadWorkerId: w.id })).id;
    });
    after(() => t.close());

    async function activate(resident: { id: string; idNumber: string }, password: string) {
      const issued = await t.app.inject({ method: 'POST', url: `/api/residents/${resident.id}/activation-code`, headers: { cookie: gp } });
      assert.equal(issued.statusCode, 200, issued.body);
      return t.app.inject({ method: 'POST', url: '/api/auth/resident-activate', payload: { login: resident.idNumber, code: issued.json().code, password } });
    }

    test('an account is made though the short name (r- + 8 hex) and the full one are taken; the resident signs in', async () => {
      const r = await buildResident(t.db, { villageCode: VILLAGE_A });
      await buildContract(t.db, { residentId: r.id, teamId });
      // someone else's accounts hold the names a derivation could pick
      await buildUser(t.db, { username: `r-${r.id.slice(0, 8)}`, role: 'doctor', facilityCode: 'T000A' });
      await buildUser(t.db, { username: `r-${r.id}`, role: 'doctor', facilityCode: 'T000A' });
      const a = await activate(r, 'Resident-pass-11');
      assert.equal(a.statusCode, 200, a.body);
      const rows = await t.db.query<{ username: string; role: string }>('SELECT username, role FROM users WHERE resident_id = $1', [r.id]);
      assert.equal(rows.length, 1);
      assert.equal(rows[0].role, 'resident');
      assert.notEqual(rows[0].username, `r-${r.id.slice(0, 8)}`);
      assert.notEqual(rows[0].username, `r-${r.id}`);
      const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: r.idNumber, password: 'Resident-pass-11' } });
      assert.equal(login.statusCode, 200, login.body);
      assert.equal(login.json().user.role, 'resident');
    });

    test('two residents whose ids share the first 8 hex digits both get accounts', async () => {
      const a = await buildResident(t.db, { villageCode: VILLAGE_A });
      // a second resident whose id starts like the first one's
      const bId = `${a.id.slice(0, 8)}-0000-4000-8000-000000000011`;
      const b = await buildResident(t.db, { villageCode: VILLAGE_A, birthDate: '1970-05-05' });
      await t.db.query('UPDATE residents SET id = $1 WHERE id = $2', [bId, b.id]);
      for (const r of [a, { ...b, id: bId }]) {
        await buildContract(t.db, { residentId: r.id, teamId });
        const x = await activate(r, 'Resident-pass-11');
        assert.equal(x.statusCode, 200, x.body);
      }
      const [{ n }] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM users WHERE resident_id = ANY($1::uuid[])', [[a.id, bId]]);
      assert.equal(n, 2);
    });

    test('a unique violation the services did not foresee answers 409 naming the field in both languages, never the value', async () => {
      let err: unknown;
      await buildUser(t.db, { username: 'twice11' });
      try {
        await buildUser(t.db, { username: 'twice11' });
      } catch (e) {
        err = e;
      }
      assert.equal((err as { code?: string }).code, '23505');
      const e = uniqueViolation(err);
      assert.equal(e.status, 409);
      assert.deepEqual(e.fields.map((f) => f.path), ['username']);
      assert.match(e.text.zh, /已存在/);
      assert.match(e.text.en, /already exists/);
      assert.doesNotMatch(JSON.stringify(e.toJSON()), /twice11/);
    });

    test('facilities registered twice at once: every answer is 201 or 409 naming the code, none 500', async () => {
      const admin = await t.signIn('admin11', 'sysadmin');
      const body = { code: 'DUP11', name: '重复卫生室', tier: 'township', kind: 'township_centre', regionCode: '371003100000' };
      const rs = await Promise.all([1, 2, 3, 4].map(() => t.app.inject({ method: 'POST', url: '/api/facilities', headers: { cookie: admin }, payload: body })));
      assert.deepEqual(rs.map((r) => r.statusCode).sort(), [201, 409, 409, 409], rs.map((r) => r.body).join('\n'));
      for (const r of rs.filter((x) => x.statusCode === 409)) assert.deepEqual(r.json().error.fields.map((f: { path: string }) => f.path), ['code']);
    });
  });
}
