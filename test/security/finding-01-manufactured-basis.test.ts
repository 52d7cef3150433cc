// Issue 23, finding 1: a basis could be manufactured by the act that needs it. A doctor with no
// basis posted an encounter (even in 2099) for any resident and then read the whole record as
// `encounter`; a village doctor did the same for another township's resident. Now an encounter
// opens access only with proof of presence (ID number or the resident's one-time code) starting
// today, or from a registered facility system; the first one is marked on the resident's log.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../helpers/db.ts';
import { openTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import { buildTestCounty, VILLAGE_A, VILLAGE_B } from '../helpers/county.ts';
import { makeIdNumber } from '../../src/modules/registry/id-number.ts';
import { assertMayAttach, inPresenceWindow } from '../../src/modules/records/basis.ts';
import { hashPassword, type Principal } from '../../src/platform/auth.ts';

test('the presence window: today (Asia/Shanghai) up to now, never the future', () => {
  const now = new Date('2026-03-10T02:00:00Z'); // 10:00 in Shanghai
  assert.equal(inPresenceWindow('2026-03-10T01:59:00Z', now), true);
  assert.equal(inPresenceWindow('2026-03-09T16:00:00Z', now), true, 'Shanghai midnight is today');
  assert.equal(inPresenceWindow('2026-03-09T15:59:00Z', now), false, 'yesterday in Shanghai, though the same UTC day');
  assert.equal(inPresenceWindow('2026-03-10T02:04:00Z', now), true, 'within the clock skew');
  assert.equal(inPresenceWindow('2026-03-10T02:06:00Z', now), false, 'the future');
  assert.equal(inPresenceWindow('2099-01-01T00:00:00Z', now), false);
});

for (const engine of ENGINES) {
  describe(`finding 1: no basis from the act that needs it [${engine}]`, () => {
    let t: TestApp;
    let a: string; // resident of township A
    let b: string; // resident of township B
    const idA = makeIdNumber('371003', '1979-11-27', '767');
    before(async () => {
      t = await openTestApp(engine);
      await buildTestCounty(t.db);
      const admin = await t.signIn('admin', 'sysadmin');
      const mk = async (idNumber: string, name: string, villageCode: string) =>
        (await t.app.inject({ method: 'POST', url: '/api/residents', headers: { cookie: admin }, payload: { idType: 'resident_id', idNumber, name, villageCode } })).json().resident.id as string;
      a = await mk(idA, '吴阿姨', VILLAGE_A);
      b = await mk(makeIdNumber('371003', '1966-01-02', '414'), '郑大叔', VILLAGE_B);
      // the resident's own account (made directly: how staff issue accounts is another finding's)
      await t.db.query("INSERT INTO users (username, display_name, password_hash, role, resident_id) VALUES ('res-a', '吴阿姨', $1, 'resident', $2)", [await hashPassword(TEST_PASSWORD), a]);
    });
    after(() => t.close());
    const enc = (cookie: string, payload: object) => t.app.inject({ method: 'POST', url: '/api/records/encounters', headers: { cookie }, payload });
    const summary = (cookie: string, id: string) => t.app.inject({ method: 'GET', url: `/api/records/${id}/summary`, headers: { cookie } });

    test('a doctor with no basis cannot open a record by posting an encounter, now or in 2099', async () => {
      const doc = await t.signIn('attacker', 'doctor', { facilityCode: 'H0001' });
      for (const startedAt of ['2099-01-01T00:00:00Z', new Date().toISOString()]) {
        const r = await enc(doc, { residentId: a, kind: 'outpatient', facilityCode: 'H0001', startedAt });
        assert.equal(r.statusCode, 404, r.body);
      }
      assert.equal((await t.db.query('SELECT 1 FROM encounters WHERE resident_id = $1', [a])).length, 0);
      assert.equal((await summary(doc, a)).statusCode, 404);
      // A future encounter with proof opens nothing either: it is refused.
      const future = await enc(doc, { residentId: a, kind: 'outpatient', facilityCode: 'H0001', startedAt: '2099-01-01T00:00:00Z', presence: { idNumber: idA } });
      assert.equal(future.statusCode, 400);
      assert.deepEqual(future.json().error.fields.map((f: { path: string }) => f.path), ['startedAt']);
    });

    test('a village doctor cannot open another township\'s resident by recording a visit', async () => {
      const vd = await t.signIn('vd_a', 'village_doctor', { facilityCode: 'V00A1' });
      const r = await enc(vd, { residentId: b, kind: 'home_visit', facilityCode: 'V00A1', startedAt: new Date().toISOString() });
      assert.equal(r.statusCode, 404, r.body);
      assert.equal((await summary(vd, b)).statusCode, 404);
    });

    test('the resident\'s one-time code proves presence once; the opening is on their access log', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'res-a', password: TEST_PASSWORD } });
      assert.equal(res.statusCode, 200, res.body);
      const self = `meridian_session=${res.cookies.find((c) => c.name === 'meridian_session')!.value}`;
      const c = await t.app.inject({ method: 'POST', url: '/api/me/presence-code', headers: { cookie: self } });
      assert.equal(c.statusCode, 200, c.body);
      const code = c.json().code as string;
      assert.match(code, /^\d{6}$/);
      const doc = await t.signIn('gp', 'doctor', { facilityCode: 'T000A' });
      const wrong = await enc(doc, { residentId: a, kind: 'outpatient', facilityCode: 'T000A', startedAt: new Date().toISOString(), presence: { code: code === '000000' ? '000001' : '000000' } });
      assert.equal(wrong.statusCode, 400);
      assert.equal(wrong.json().error.code, 'record.presence_invalid');
      const ok = await enc(doc, { residentId: a, kind: 'outpatient', facilityCode: 'T000A', startedAt: new Date().toISOString(), presence: { code } });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal((await summary(doc, a)).json().basis, 'encounter');
      const again = await t.signIn('gp2', 'doctor', { facilityCode: 'T000B' });
      const reuse = await enc(again, { residentId: a, kind: 'outpatient', facilityCode: 'T000B', startedAt: new Date().toISOString(), presence: { code } });
      assert.equal(reuse.statusCode, 400, 'a used code proves nothing');
      const log = (await t.app.inject({ method: 'GET', url: '/api/me/access-log', headers: { cookie: self } })).json().items as { action: string; who: string; basis: string }[];
      assert.deepEqual(log.filter((x) => x.action === 'record.basis_opened').map((x) => `${x.who}:${x.basis}`), ['gp:encounter']);
    });

    test('failed proofs are limited per worker', async () => {
      const doc = await t.signIn('guesser', 'doctor', { facilityCode: 'T000B' });
      const codes: number[] = [];
      for (let i = 0; i < 6; i++) {
        const r = await enc(doc, { residentId: b, kind: 'outpatient', facilityCode: 'T000B', startedAt: new Date().toISOString(), presence: { idNumber: makeIdNumber('371003', '1966-01-02', String(420 + i)) } });
        codes.push(r.statusCode);
      }
      assert.deepEqual(codes, [400, 400, 400, 400, 400, 429]);
    });

    test('a registered facility system opens a basis for its encounters; not for one in the future', async () => {
      const system: Principal = { userId: '00000000-0000-4000-8000-0000000000c1', username: 'his-h0001', displayName: 'HIS', role: 'doctor', regionCode: null, facilityCode: 'H0001', ip: null, kind: 'system', clientId: 'c1' };
      const o = { encounterDays: 90 };
      assert.deepEqual(await t.db.tx((q) => assertMayAttach(q, system, b, o, { encounterAt: new Date(Date.now() - 3 * 86400_000) })), { residentId: b, basis: null, presence: 'system', opens: true, codeId: null });
      assert.equal((await t.db.tx((q) => assertMayAttach(q, system, b, o, { encounterAt: '2099-01-01T00:00:00Z' }))).opens, false);
    });
  });
}
