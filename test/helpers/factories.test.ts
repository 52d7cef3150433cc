// The factories build their parents by default and honour what a test names.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, openTestDb, type TestDb, TEST_KEYS } from './db.ts';
import { decrypt, lookupHash } from '../../src/platform/crypto.ts';
import { verify } from '@node-rs/argon2';
import { buildContract, buildEncounter, buildEnrolment, buildFacility, buildFollowup, buildReferral, buildResident, buildTeam, buildUser, buildWorker, idNumberOf } from './factories.ts';
import { buildTestCounty, VILLAGE_B } from './county.ts';

for (const engine of ENGINES) {
  describe(`test factories [${engine}]`, () => {
    let t: TestDb;
    before(async () => { t = await openTestDb(engine); });
    after(() => t.close());

    test('a contract with nothing named brings its resident, team, facility, lead GP and regions', async () => {
      const c = await buildContract(t.db);
      const [row] = await t.db.query<{ county_code: string; status: string; days: number; lead: string; role: string; tier: string; village: string }>(`
        SELECT c.county_code, c.status, (c.ends_on - c.starts_on) AS days, w.worker_type AS lead, m.role, f.tier, r.village_code AS village
          FROM contracts c JOIN residents r ON r.id = c.resident_id JOIN care_teams tm ON tm.id = c.team_id
          JOIN facilities f ON f.id = tm.facility_id JOIN workers w ON w.id = tm.lead_worker_id
          JOIN care_team_members m ON m.team_id = tm.id AND m.worker_id = w.id WHERE c.id = $1`, [c.id]);
      assert.deepEqual(row, { county_code: '371003', status: 'signed', days: 364, lead: 'physician', role: 'lead_gp', tier: 'township', village: '371003100201' });
    });

    test('named parents are used, not made again', async () => {
      await buildTestCounty(t.db);
      const before = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM facilities'))[0].n;
      const [{ id: t000b }] = await t.db.query<{ id: string }>("SELECT id FROM facilities WHERE code = 'T000B'");
      const w = await buildWorker(t.db, { employerId: t000b, workerType: 'village_doctor' });
      const team = await buildTeam(t.db, { facilityId: t000b, members: [{ workerId: w.id, role: 'village_doctor' }], villages: [VILLAGE_B] });
      const r = await buildResident(t.db, { villageCode: VILLAGE_B, name: '张三', sex: 'F', birthDate: '1975-06-01' });
      await buildContract(t.db, { residentId: r.id, teamId: team.id, startsOn: '2025-01-01', endsOn: '2025-12-31' });
      assert.equal((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM facilities'))[0].n, before);
      const [m] = await t.db.query<{ role: string; area: string }>('SELECT m.role, a.region_code AS area FROM care_team_members m JOIN care_team_areas a USING (team_id) WHERE m.team_id = $1', [team.id]);
      assert.deepEqual(m, { role: 'village_doctor', area: VILLAGE_B });
      assert.equal(team.leadWorkerId, null);
      const [res] = await t.db.query<{ name_pinyin: string; name_initials: string; id_number_enc: string; id_number_hash: string; sex: string; county_code: string }>('SELECT * FROM residents WHERE id = $1', [r.id]);
      assert.equal(res.name_pinyin, 'zhangsan');
      assert.equal(res.name_initials, 'zs');
      assert.equal(decrypt(TEST_KEYS, res.id_number_enc), r.idNumber);
      assert.equal(res.id_number_hash, lookupHash(TEST_KEYS, r.idNumber));
      assert.equal(r.idNumber.slice(0, 14), '37100319750601');
      assert.equal(idNumberOf('371003', '1975-06-01', Number(r.idNumber.slice(14, 17))), r.idNumber);
      assert.equal(Number(r.idNumber[16]) % 2, 0, 'a woman has an even 17th digit');
    });

    test('an ID number has its GB 11643 check character', () => {
      // 11010519491231002X is the standard's own example
      assert.equal(idNumberOf('110105', '1949-12-31', 2), '11010519491231002X');
    });

    test('enrolment, referral and user', async () => {
      const e = await buildEnrolment(t.db, { programme: 'diabetes' });
      const [en] = await t.db.query<{ programme: string; status: string }>('SELECT programme, status FROM chronic_enrolments WHERE id = $1', [e.id]);
      assert.deepEqual(en, { programme: 'diabetes', status: 'active' });
      const draft = await buildReferral(t.db, { status: 'draft' });
      const sent = await buildReferral(t.db, { residentId: e.residentId });
      const rows = await t.db.query<{ id: string; status: string; sent: boolean; from_tier: string; to_tier: string }>(`
        SELECT r.id, r.status, r.sent_at IS NOT NULL AS sent, a.tier AS from_tier, b.tier AS to_tier FROM referrals r
          JOIN facilities a ON a.id = r.from_facility_id JOIN facilities b ON b.id = r.to_facility_id WHERE r.id = ANY($1::uuid[]) ORDER BY r.status`, [[draft.id, sent.id]]);
      assert.deepEqual(rows.map(({ id: _id, ...x }) => x), [
        { status: 'draft', sent: false, from_tier: 'township', to_tier: 'county' },
        { status: 'sent', sent: true, from_tier: 'township', to_tier: 'county' },
      ]);
      const f = await buildFacility(t.db, { tier: 'village' });
      const u = await buildUser(t.db, { role: 'village_doctor', facilityCode: f.code, password: 'Another-password-2' });
      const [row] = await t.db.query<{ role: string; facility_code: string; password_hash: string }>('SELECT role, facility_code, password_hash FROM users WHERE id = $1', [u.id]);
      assert.equal(row.role, 'village_doctor');
      assert.equal(row.facility_code, f.code);
      assert.equal(await verify(row.password_hash, 'Another-password-2'), true);
    });

    test('an encounter carries its observations, diagnoses and prescriptions; a follow-up its class', async () => {
      const e = await buildEncounter(t.db, { kind: 'follow_up', startedAt: '2025-03-20 09:00+08',
        observations: [{ code: '8480-6', value: 152, unit: 'mm[Hg]', flag: 'H' }], diagnoses: [{ icd10: 'I10', onsetDate: '2019-05-01' }],
        prescriptions: [{ drugName: '氨氯地平片', dose: '5mg', frequency: 'qd' }] });
      const [row] = await t.db.query<{ kind: string; county: string; obs: string; obs_at: string; dx: string; rx: string; rx_at: string }>(`
        SELECT e.kind, e.county_code AS county, o.code || '=' || o.value::text || o.flag AS obs, to_char(o.observed_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') AS obs_at,
               d.icd10 || '@' || d.onset_date::text AS dx, p.drug_name || ' ' || p.dose AS rx, to_char(p.prescribed_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') AS rx_at
          FROM encounters e JOIN observations o ON o.encounter_id = e.id JOIN diagnoses d ON d.encounter_id = e.id JOIN prescriptions p ON p.encounter_id = e.id WHERE e.id = $1`, [e.id]);
      assert.deepEqual(row, { kind: 'follow_up', county: '371003', obs: '8480-6=152H', obs_at: '2025-03-20 09:00', dx: 'I10@2019-05-01', rx: '氨氯地平片 5mg', rx_at: '2025-03-20 09:00' });
      const f = await buildFollowup(t.db, { residentId: e.residentId, visitDate: '2025-04-01', sbp: 150, dbp: 95, onTarget: false });
      const [fu] = await t.db.query<{ visit_class: string; next: string; sbp: number }>('SELECT visit_class, next_visit_date::text AS next, sbp FROM chronic_followups WHERE id = $1', [f.id]);
      assert.deepEqual(fu, { visit_class: 'uncontrolled', next: '2025-06-30', sbp: 150 });
    });

    test('a wrong parent is refused, not silently made', async () => {
      await assert.rejects(buildContract(t.db, { residentId: '00000000-0000-4000-8000-000000000000' }), /no resident|foreign key|violates/);
      await assert.rejects(buildFacility(t.db, { tier: 'village', parentCode: 'NOPE1' }), /no parent facility NOPE1/);
    });
  });
}
