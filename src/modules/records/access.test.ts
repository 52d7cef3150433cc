// The access matrix: for each role × each kind of legal basis (and none), open the record and
// search the index, on each engine; every allowed read leaves an audit row with its basis.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../../../test/helpers/db.ts';
import { openTestApp, TEST_PASSWORD, type TestApp } from '../../../test/helpers/app.ts';
import { buildTestCounty, TOWN_A, TOWN_B, VILLAGE_A } from '../../../test/helpers/county.ts';
import { buildContract, buildEncounter, buildFacility, buildReferral, buildTeam, buildUser, buildWorker, facilityId } from '../../../test/helpers/factories.ts';
import { makeIdNumber } from '../registry/id-number.ts';
import type { Role } from '../../shared/roles.ts';

const daysAgo = (n: number) => new Date(Date.now() - n * 86400_000).toISOString();
/** The Asia/Shanghai day `n` days from today. */
const shanghaiDay = (n: number) => new Date(Date.now() + n * 86400_000).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });

interface Cell { user: string; role: Role; facility?: string; region?: string; expect: string | 404 | 403 }

const MATRIX: Cell[] = [
  { user: 'contract_doc', role: 'doctor', facility: 'T000A', expect: 'contract' },
  { user: 'team_nurse', role: 'nurse', facility: 'T000A', expect: 'contract' },
  { user: 'expired_doc', role: 'doctor', facility: 'T000B', expect: 404 },
  { user: 'referral_doc', role: 'doctor', facility: 'H0001', expect: 'referral' },
  { user: 'coord', role: 'coordinator', facility: 'H0001', expect: 'referral' },
  { user: 'enc_doc', role: 'doctor', facility: 'H0005', expect: 'encounter' },
  { user: 'old_doc', role: 'doctor', facility: 'H0002', expect: 404 },
  { user: 'consent_nurse', role: 'nurse', facility: 'H0003', expect: 'consent' },
  { user: 'withdrawn_doc', role: 'doctor', facility: 'H0004', expect: 404 },
  { user: 'bg_vd', role: 'village_doctor', facility: 'V00A1', expect: 'break_glass' },
  { user: 'none_doc', role: 'doctor', facility: 'T000B', expect: 404 },
  { user: 'ph_a', role: 'public_health', region: TOWN_A, expect: 'public_health' },
  { user: 'ph_b', role: 'public_health', region: TOWN_B, expect: 404 },
  { user: 'self', role: 'resident', expect: 'self' },
  { user: 'other_res', role: 'resident', expect: 404 },
  { user: 'officer', role: 'officer', region: '371003', expect: 403 },
  { user: 'manager', role: 'manager', region: '371003', expect: 403 },
  { user: 'admin', role: 'sysadmin', expect: 403 },
];

for (const engine of ENGINES) {
  describe(`record access matrix [${engine}]`, () => {
    let t: TestApp;
    let rid: string;
    const cookie = new Map<string, string>();
    before(async () => {
      t = await openTestApp(engine);
      await buildTestCounty(t.db);
      for (const [code, name, kind] of [['H0002', '县中医院', 'tcm_hospital'], ['H0003', '县妇幼保健院', 'maternal_child_hospital'], ['H0004', '县整骨医院', 'specialised_hospital'], ['H0005', '县第二人民医院', 'general_hospital']] as const) {
        await buildFacility(t.db, { code, name, tier: 'county', kind, regionCode: '371003' });
      }
      await t.db.exec(`INSERT INTO icd10_codes (code, name_zh, name_en, category) VALUES ('I10', '原发性高血压', 'Essential hypertension', 'chronic'), ('J06.9', '急性上呼吸道感染', 'Acute URTI', 'common') ON CONFLICT DO NOTHING`);
      const admin = await t.signIn('admin', 'sysadmin');
      const mk = async (idn: string, name: string) => {
        const r = await t.app.inject({ method: 'POST', url: '/api/residents', headers: { cookie: admin }, payload: { idType: 'resident_id', idNumber: idn, name, villageCode: VILLAGE_A, phone: null } });
        assert.equal(r.statusCode, 201, r.body);
        return r.json().resident.id as string;
      };
      rid = await mk(makeIdNumber('371003', '1950-05-05', '111'), '赵大爷');
      const other = await mk(makeIdNumber('371003', '1970-05-05', '222'), '钱阿姨');
      for (const c of MATRIX) if (c.role !== 'resident') cookie.set(c.user, await t.signIn(c.user, c.role, { facilityCode: c.facility, regionCode: c.region }));
      // residents' own accounts (made directly: how a resident opens one is test/security/finding-02's)
      for (const [u, id] of [['self', rid], ['other_res', other]] as const) {
        await buildUser(t.db, { username: u, role: 'resident', residentId: id, password: TEST_PASSWORD });
        const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: u, password: TEST_PASSWORD } });
        cookie.set(u, `meridian_session=${login.cookies.find((x) => x.name === 'meridian_session')!.value}`);
      }
      // workers behind the users, a team with a current contract, an expired one, a referral
      const worker = async (user: string, facility: string, workerType: 'physician' | 'nurse' = 'physician') =>
        (await buildWorker(t.db, { name: user, workerType, specialty: null, employerId: await facilityId(t.db, facility), username: user })).id;
      const gp = await worker('contract_doc', 'T000A');
      const nurse = await worker('team_nurse', 'T000A', 'nurse');
      const exp = await worker('expired_doc', 'T000B');
      await worker('enc_doc', 'H0005');
      const team = await buildTeam(t.db, { name: '甲镇一队', facilityId: await facilityId(t.db, 'T000A'), leadWorkerId: gp, members: [{ workerId: gp, role: 'lead_gp' }, { workerId: nurse, role: 'nurse' }] });
      const team2 = await buildTeam(t.db, { name: '乙镇一队', facilityId: await facilityId(t.db, 'T000B'), leadWorkerId: exp });
      await buildContract(t.db, { residentId: rid, teamId: team.id });
      await buildContract(t.db, { residentId: rid, teamId: team2.id, startsOn: shanghaiDay(-730), endsOn: shanghaiDay(-365) });
      await buildReferral(t.db, { residentId: rid, fromFacilityId: await facilityId(t.db, 'T000A'), toFacilityId: await facilityId(t.db, 'H0001') });
      // encounters: one today at H0005 (through the API, the resident present with their ID card: it opens the basis), old at H0002
      const enc = await t.app.inject({ method: 'POST', url: '/api/records/encounters', headers: { cookie: cookie.get('enc_doc')! }, payload: {
        residentId: rid, kind: 'outpatient', facilityCode: 'H0005', startedAt: new Date().toISOString(), presence: { idNumber: makeIdNumber('371003', '1950-05-05', '111') }, diagnoses: [{ icd10: 'J06.9' }, { icd10: 'I10' }],
        observations: [{ code: '8480-6', value: 150, unit: 'mm[Hg]' }, { code: '8462-4', value: 95, unit: 'mm[Hg]' }], prescriptions: [{ drugName: '阿莫西林', dose: '0.5g', frequency: 'tid', days: 5 }] } });
      assert.equal(enc.statusCode, 200, enc.body);
      await buildEncounter(t.db, { residentId: rid, facilityId: await facilityId(t.db, 'H0002'), startedAt: daysAgo(200) });
      // consents: one active to H0003, one withdrawn to H0004 (given and withdrawn by the resident)
      const c1 = await t.app.inject({ method: 'POST', url: '/api/me/consents', headers: { cookie: cookie.get('self')! }, payload: { facilityCode: 'H0003', endsOn: '2099-12-31' } });
      assert.equal(c1.statusCode, 200, c1.body);
      const c2 = await t.app.inject({ method: 'POST', url: '/api/me/consents', headers: { cookie: cookie.get('self')! }, payload: { facilityCode: 'H0004', endsOn: '2099-12-31' } });
      assert.equal((await t.app.inject({ method: 'POST', url: `/api/me/consents/${c2.json().id}/withdraw`, headers: { cookie: cookie.get('self')! } })).statusCode, 200);
      // break-glass
      const bg = await t.app.inject({ method: 'POST', url: `/api/records/${rid}/break-glass`, headers: { cookie: cookie.get('bg_vd')! }, payload: { reason: '昏迷送诊，急需病史' } });
      assert.equal(bg.statusCode, 200, bg.body);
    });
    after(() => t.close());

    for (const c of MATRIX) {
      test(`${c.role} ${c.user}: ${c.expect}`, async () => {
        const h = { cookie: cookie.get(c.user)! };
        const before = (await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action IN ('record.summary','record.timeline','record.trends') AND resident_id = $1 AND user_id = (SELECT id FROM users WHERE username = $2)", [rid, c.user]))[0].n;
        for (const url of [`/api/records/${rid}/summary`, `/api/records/${rid}/timeline`, `/api/records/${rid}/trends?codes=8480-6,8462-4`]) {
          const r = await t.app.inject({ method: 'GET', url, headers: h });
          if (c.expect === 404 || c.expect === 403) {
            assert.equal(r.statusCode, c.expect, `${url} ${r.body}`);
            if (c.expect === 404) assert.deepEqual(r.json(), (await t.app.inject({ method: 'GET', url: url.replace(rid, '00000000-0000-4000-8000-000000000000'), headers: h })).json(), 'same as a missing resident');
          } else {
            assert.equal(r.statusCode, 200, `${url} ${r.body}`);
            assert.equal(r.json().basis, c.expect);
          }
        }
        const after = (await t.db.query<{ n: number; bases: string[] }>(
          "SELECT count(*)::int AS n, array_agg(DISTINCT basis) AS bases FROM audit_log WHERE action IN ('record.summary','record.timeline','record.trends') AND resident_id = $1 AND user_id = (SELECT id FROM users WHERE username = $2)",
          [rid, c.user]))[0];
        if (typeof c.expect === 'string') {
          assert.equal(after.n - before, 3, 'three reads, three audit rows');
          assert.deepEqual(after.bases, [c.expect]);
        } else {
          assert.equal(after.n, 0, 'no read, no audit row of a read');
        }
      });
    }

    test('public-health basis opens only the public-health parts', async () => {
      const r = await t.app.inject({ method: 'GET', url: `/api/records/${rid}/summary`, headers: { cookie: cookie.get('ph_a')! } });
      assert.equal(r.json().part, 'public_health');
      assert.deepEqual(r.json().medications, []);
      assert.deepEqual(r.json().activeProblems.map((p: { icd10: string }) => p.icd10), ['I10'], 'the URTI is not a public-health part');
      const full = await t.app.inject({ method: 'GET', url: `/api/records/${rid}/summary`, headers: { cookie: cookie.get('contract_doc')! } });
      assert.deepEqual(full.json().activeProblems.map((p: { icd10: string }) => p.icd10).sort(), ['I10', 'J06.9']);
      assert.equal(full.json().medications[0].antibacterialClass, 'unrestricted');
    });

    test('searching the index follows region scope: township A finds the resident, township B does not', async () => {
      const a = await t.app.inject({ method: 'GET', url: '/api/residents?q=赵', headers: { cookie: cookie.get('contract_doc')! } });
      assert.equal(a.json().total, 1);
      const b = await t.app.inject({ method: 'GET', url: '/api/residents?q=赵', headers: { cookie: cookie.get('none_doc')! } });
      assert.equal(b.json().total, 0);
      const off = await t.app.inject({ method: 'GET', url: '/api/residents?q=赵', headers: { cookie: cookie.get('officer')! } });
      assert.equal(off.statusCode, 403, 'officers see aggregates, never a person');
    });

    test('the resident sees who opened their record, from where and on what basis', async () => {
      // each of these opens the record itself (the matrix above does too; this test stands alone)
      for (const u of ['contract_doc', 'referral_doc', 'enc_doc', 'consent_nurse', 'bg_vd', 'ph_a', 'none_doc']) {
        await t.app.inject({ method: 'GET', url: `/api/records/${rid}/summary`, headers: { cookie: cookie.get(u)! } });
      }
      const r = await t.app.inject({ method: 'GET', url: '/api/me/access-log', headers: { cookie: cookie.get('self')! } });
      assert.equal(r.statusCode, 200);
      const who = new Set(r.json().items.map((i: { who: string; basis: string }) => `${i.who}:${i.basis}`));
      for (const x of ['contract_doc:contract', 'referral_doc:referral', 'enc_doc:encounter', 'consent_nurse:consent', 'bg_vd:break_glass', 'ph_a:public_health']) assert.ok(who.has(x), x);
      assert.ok(![...who].some((x) => String(x).startsWith('none_doc')));
      const facilities = new Set(r.json().items.map((i: { facility: string | null }) => i.facility));
      assert.ok(facilities.has('县人民医院'));
    });

    test('a resident signs in with their ID number as well as their username', async () => {
      const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: makeIdNumber('371003', '1950-05-05', '111'), password: TEST_PASSWORD } });
      assert.equal(login.statusCode, 200, login.body);
      assert.equal(login.json().user.role, 'resident');
    });

    test('break-glass is listed for the manager\'s review and can be reviewed', async () => {
      const l = await t.app.inject({ method: 'GET', url: '/api/break-glass', headers: { cookie: cookie.get('manager')! } });
      assert.equal(l.json().items.length, 1);
      assert.equal(l.json().items[0].reason, '昏迷送诊，急需病史');
      const r = await t.app.inject({ method: 'POST', url: `/api/break-glass/${l.json().items[0].id}/review`, headers: { cookie: cookie.get('manager')! }, payload: { note: '情况属实' } });
      assert.equal(r.statusCode, 200);
      assert.equal((await t.app.inject({ method: 'GET', url: '/api/break-glass', headers: { cookie: cookie.get('manager')! } })).json().items.length, 0);
    });
  });
}

// The write matrix: every write path that attaches data to a resident, for a worker without a
// basis (with no proof, a wrong proof, a back-dated proof), with a basis, and with a good proof
// (which opens the basis and marks it on the resident's access log). Refusals write nothing.
type WritePath = 'encounter' | 'batch' | 'followup' | 'screening';
const WRITES: WritePath[] = ['encounter', 'batch', 'followup', 'screening'];

for (const engine of ENGINES) {
  describe(`record write matrix [${engine}]`, () => {
    let t: TestApp;
    let rid: string;
    const idn = makeIdNumber('371003', '1955-03-03', '515');
    before(async () => {
      t = await openTestApp(engine);
      await buildTestCounty(t.db);
      const admin = await t.signIn('admin', 'sysadmin');
      const r = await t.app.inject({ method: 'POST', url: '/api/residents', headers: { cookie: admin }, payload: { idType: 'resident_id', idNumber: idn, name: '周大伯', villageCode: VILLAGE_A } });
      rid = r.json().resident.id;
      await buildFacility(t.db, { code: 'H0002', name: '县中医院', tier: 'county', kind: 'tcm_hospital', regionCode: '371003' });
    });
    after(() => t.close());

    const today = () => new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    const yesterday = () => new Date(Date.now() - 86400_000).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    const body = (w: WritePath, presence: object | undefined, backDated = false, facilityCode = 'T000B'): { url: string; payload: object } => {
      const day = backDated ? yesterday() : today();
      const at = backDated ? daysAgo(1) : new Date().toISOString();
      if (w === 'encounter') return { url: '/api/records/encounters', payload: { residentId: rid, kind: 'outpatient', facilityCode, startedAt: at, observations: [{ code: '8480-6', value: 128, unit: 'mmHg' }], presence } };
      if (w === 'batch') return { url: '/api/records/observations/batch', payload: { sourceSystem: 'cuff', items: [{ residentId: rid, sourceId: `m-${Math.random()}`, code: '8480-6', value: 131, unit: 'mmHg', observedAt: at }] } };
      if (w === 'followup') return { url: '/api/chronic/followups', payload: { residentId: rid, programme: 'hypertension', visitDate: day, sbp: 138, dbp: 84, presence } };
      return { url: '/api/chronic/screening/readings', payload: { residentId: rid, date: day, sbp: 126, dbp: 80, presence } };
    };
    const counts = async () => (await t.db.query<{ e: number; o: number; f: number }>(
      `SELECT (SELECT count(*)::int FROM encounters WHERE resident_id = $1) AS e, (SELECT count(*)::int FROM observations WHERE resident_id = $1) AS o,
              (SELECT count(*)::int FROM chronic_followups WHERE resident_id = $1) AS f`, [rid]))[0];
    const post = async (cookie: string, x: { url: string; payload: object }) => t.app.inject({ method: 'POST', url: x.url, headers: { cookie }, payload: x.payload });

    for (const w of WRITES) {
      test(`${w}: refused without a basis (no proof, wrong proof, back-dated proof), nothing written`, async () => {
        // at a facility where nobody recorded this resident's care (an encounter opens its whole facility)
        const doc = await t.signIn(`none_${w}`, 'doctor', { facilityCode: 'H0001' });
        const before = await counts();
        const none = await post(doc, body(w, undefined, false, 'H0001'));
        if (w === 'batch') {
          assert.equal(none.statusCode, 400, none.body);
          assert.deepEqual(none.json().error.fields.map((f: { path: string }) => f.path), ['items[0].residentId'], 'reads as an unknown resident');
        } else {
          assert.equal(none.statusCode, 404, none.body);
          const wrong = await post(doc, body(w, { idNumber: makeIdNumber('371003', '1955-03-03', '516') }, false, 'H0001'));
          assert.equal(wrong.statusCode, 400, wrong.body);
          assert.equal(wrong.json().error.code, 'record.presence_invalid');
          assert.deepEqual(wrong.json().error.fields.map((f: { path: string }) => f.path), ['presence.idNumber']);
          const late = await post(doc, body(w, { idNumber: idn }, true, 'H0001'));
          assert.equal(late.statusCode, 400, late.body);
          assert.equal(late.json().error.code, 'record.presence_window');
        }
        assert.deepEqual(await counts(), before, 'nothing written');
        assert.equal((await t.app.inject({ method: 'GET', url: `/api/records/${rid}/summary`, headers: { cookie: doc } })).statusCode, 404, 'and still no basis');
      });

      test(`${w}: allowed with a basis the worker has (break-glass)`, async () => {
        const doc = await t.signIn(`bg_${w}`, 'doctor', { facilityCode: 'T000B' });
        assert.equal((await t.app.inject({ method: 'POST', url: `/api/records/${rid}/break-glass`, headers: { cookie: doc }, payload: { reason: '急诊需要病史' } })).statusCode, 200);
        const before = await counts();
        const r = await post(doc, body(w, undefined));
        assert.equal(r.statusCode, 200, r.body);
        const after = await counts();
        assert.equal(after.o, before.o + (w === 'screening' || w === 'followup' ? 2 : 1), 'the readings');
        assert.equal(after.e, before.e + (w === 'batch' ? 0 : 1));
      });

      if (w !== 'batch') {
        test(`${w}: a good proof of presence today opens the basis, marked on the resident's access log`, async () => {
          const fac = { encounter: 'T000A', followup: 'V00A1', screening: 'H0002' }[w];
          const doc = await t.signIn(`proof_${w}`, 'doctor', { facilityCode: fac });
          const r = await post(doc, body(w, { idNumber: idn.toLowerCase() }, false, fac));
          assert.equal(r.statusCode, 200, r.body);
          const s = await t.app.inject({ method: 'GET', url: `/api/records/${rid}/summary`, headers: { cookie: doc } });
          assert.equal(s.statusCode, 200, s.body);
          assert.equal(s.json().basis, 'encounter');
          const [mark] = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'record.basis_opened' AND resident_id = $1 AND username = $2", [rid, `proof_${w}`]);
          assert.equal(mark.n, 1);
        });
      }
    }
  });
}
