// Issue 23, finding 15 (the chronic programme's lists): reads that show many residents wrote one
// audit row with a count, so they were missing from each resident's access log. Now the worklist,
// the screening list and a rate's residents write one row per resident shown.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../helpers/db.ts';
import { openTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import { buildTestCounty, VILLAGE_A } from '../helpers/county.ts';
import { makeIdNumber } from '../../src/modules/registry/id-number.ts';
import { hashPassword } from '../../src/platform/auth.ts';

for (const engine of ENGINES) {
  describe(`finding 15: list reads reach each resident's access log [${engine}]`, () => {
    let t: TestApp;
    let vd: string;
    const rid: Record<string, string> = {};
    before(async () => {
      t = await openTestApp(engine);
      await buildTestCounty(t.db);
      const admin = await t.signIn('admin', 'sysadmin');
      const people: [string, string][] = [['p1', '1950-01-01'], ['p2', '1960-06-01'], ['p3', '1970-01-01'], ['p4', '1990-01-01']];
      for (const [i, [k, bd]] of people.entries()) {
        rid[k] = (await t.app.inject({ method: 'POST', url: '/api/residents', headers: { cookie: admin }, payload: { idType: 'resident_id', idNumber: makeIdNumber('371003', bd, String(151 + i * 2)), name: `患者${k}`, villageCode: VILLAGE_A } })).json().resident.id;
      }
      vd = await t.signIn('vd', 'village_doctor', { facilityCode: 'V00A1' });
      const [w] = await t.db.query<{ id: string }>(`INSERT INTO workers (name, sex, worker_type, employer_id, qualified) SELECT '村医乙', 'F', 'village_doctor', id, true FROM facilities WHERE code = 'V00A1' RETURNING id`);
      await t.db.query("UPDATE users SET worker_id = $1 WHERE username = 'vd'", [w.id]);
      const [team] = await t.db.query<{ id: string }>(`INSERT INTO care_teams (name, facility_id) SELECT '甲镇2队', id FROM facilities WHERE code = 'T000A' RETURNING id`);
      await t.db.query(`INSERT INTO care_team_members (team_id, worker_id, role) VALUES ($1, $2, 'village_doctor')`, [team.id, w.id]);
      for (const k of ['p1', 'p2', 'p3']) {
        await t.db.query(`INSERT INTO contracts (resident_id, team_id, county_code, starts_on, ends_on, signed_how, status) VALUES ($1, $2, '371003', current_date - 100, current_date + 265, 'on_site', 'signed')`, [rid[k], team.id]);
      }
      await t.db.query(`INSERT INTO chronic_enrolments (resident_id, county_code, programme, enrolled_on, source) VALUES ($1,'371003','hypertension','2020-01-01','diagnosis'), ($2,'371003','diabetes','2020-01-01','diagnosis')`, [rid.p1, rid.p2]);
      await t.db.query("INSERT INTO users (username, display_name, password_hash, role, resident_id) VALUES ('res-p1', '患者p1', $1, 'resident', $2), ('res-p4', '患者p4', $1, 'resident', $3)", [await hashPassword(TEST_PASSWORD), rid.p1, rid.p4]);
    });
    after(() => t.close());
    const listed = async (list: string) => (await t.db.query<{ resident_id: string; basis: string }>(
      "SELECT resident_id, basis FROM audit_log WHERE action = 'record.listed' AND details->>'list' = $1 ORDER BY resident_id", [list])).map((r) => `${r.resident_id}:${r.basis}`);
    const logOf = async (username: string) => {
      const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: TEST_PASSWORD } });
      const cookie = `meridian_session=${login.cookies.find((c) => c.name === 'meridian_session')!.value}`;
      return (await t.app.inject({ method: 'GET', url: '/api/me/access-log', headers: { cookie } })).json().items as { action: string; who: string; basis: string }[];
    };

    test('the worklist writes one row per resident shown, and the resident sees it', async () => {
      const r = await t.app.inject({ method: 'GET', url: '/api/chronic/worklist', headers: { cookie: vd } });
      assert.equal(r.statusCode, 200, r.body);
      // each patient's programme follow-up, and (both 65 or older) their elderly annual service: four rows, two residents
      assert.deepEqual(r.json().items.map((x: { name: string; kind: string }) => `${x.name}:${x.kind}`).sort(), ['患者p1:chronic', '患者p1:elderly', '患者p2:chronic', '患者p2:elderly']);
      assert.deepEqual(await listed('chronic.worklist'), [`${rid.p1}:contract`, `${rid.p2}:contract`].sort());
      const limited = await t.app.inject({ method: 'GET', url: '/api/chronic/worklist?limit=1', headers: { cookie: vd } });
      assert.equal(limited.json().items.length, 1);
      assert.equal((await listed('chronic.worklist')).length, 3, 'only the resident shown is logged for the shorter page');
      const log = await logOf('res-p1');
      assert.ok(log.some((x) => x.action === 'record.listed' && x.who === 'vd' && x.basis === 'contract'), JSON.stringify(log));
      assert.ok(!(await logOf('res-p4')).some((x) => x.action === 'record.listed'), 'a resident not shown sees nothing');
    });

    test('the screening list writes one row per resident shown', async () => {
      const r = await t.app.inject({ method: 'GET', url: '/api/chronic/screening', headers: { cookie: vd } });
      assert.equal(r.statusCode, 200, r.body);
      const shown = (r.json().items as { residentId: string }[]).map((x) => `${x.residentId}:contract`).sort();
      assert.deepEqual(shown, [`${rid.p2}:contract`, `${rid.p3}:contract`].sort(), 'the 35+ contracted residents not in the hypertension programme');
      assert.deepEqual(await listed('chronic.screening_list'), shown);
    });
  });
}
