// The registries through the HTTP API, on each engine: ID rules, duplicates, merge and undo, scope, CSV import.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../../../test/helpers/db.ts';
import { openTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { buildTestCounty, TOWN_A, VILLAGE_A, VILLAGE_A2, VILLAGE_B } from '../../../test/helpers/county.ts';
import { buildEnrolment } from '../../../test/helpers/factories.ts';
import { makeIdNumber } from './id-number.ts';

const ID1 = makeIdNumber('371003', '1956-04-12', '123'); // male (odd sequence)
const ID2 = makeIdNumber('371003', '1988-11-30', '246');

for (const engine of ENGINES) {
  describe(`registry API [${engine}]`, () => {
    let t: TestApp;
    let docA: string;
    let docB: string;
    let admin: string;
    let reviewer: string;
    before(async () => {
      t = await openTestApp(engine);
      await buildTestCounty(t.db);
      docA = await t.signIn('doc_a', 'doctor', { facilityCode: 'T000A' });
      docB = await t.signIn('doc_b', 'doctor', { facilityCode: 'T000B' });
      admin = await t.signIn('admin', 'sysadmin');
      reviewer = await t.signIn('ph_rev', 'public_health', { regionCode: '371003' });
    });
    after(() => t.close());
    const req = (method: 'GET' | 'POST' | 'PUT', url: string, cookie: string, payload?: object) => t.app.inject({ method, url, headers: { cookie }, payload });
    const base = { idType: 'resident_id', name: '王建国', villageCode: VILLAGE_A, phone: '13805451234' };

    // One resident's story, step by step (each step reads what the ones before it wrote: the registered 王建国,
    // the flagged duplicate, 李晓): subtests of one test, run in order as one unit.
    test('registration, duplicates, search, scope, reveal, merge and a stale edit: one story', async (step) => {
      await step.test('a valid ID registers; birth date and sex come from it; the ID and phone are stored encrypted and shown masked', async () => {
        const r = await req('POST', '/api/residents', docA, { ...base, idNumber: ID1 });
        assert.equal(r.statusCode, 201, r.body);
        const res = r.json().resident;
        // the birth date is stored (from the ID) but shown as an age only, never beside the masked ID
        assert.equal(res.birthDate, undefined);
        assert.equal((await t.db.query<{ birth_date: string }>('SELECT birth_date FROM residents WHERE id = $1', [res.id]))[0].birth_date, '1956-04-12');
        assert.equal(res.sex, 'M');
        assert.equal(res.idNumberMasked, `371003**********${ID1.slice(-2)}`);
        assert.equal(res.phoneMasked, '138****1234');
        assert.ok(res.priorityGroups.includes('elderly_65'));
        // 户籍地 by name (registered where they live when not given), never as a bare 12-digit code
        assert.equal(res.registeredVillageCode, VILLAGE_A);
        assert.equal(res.registeredPlace, '甲镇 甲一村');
        const [row] = await t.db.query<{ id_number_enc: string; phone_enc: string }>('SELECT id_number_enc, phone_enc FROM residents WHERE id = $1', [res.id]);
        assert.ok(!row.id_number_enc.includes(ID1) && !row.phone_enc.includes('13805451234'));
      });

      await step.test('the same ID again is refused with 409 naming the existing record', async () => {
        const r = await req('POST', '/api/residents', docA, { ...base, name: '王建民', idNumber: ID1 });
        assert.equal(r.statusCode, 409);
        const e = r.json().error;
        assert.equal(e.code, 'resident.duplicate_id');
        assert.match(e.message.zh, /王建国/);
        assert.equal(e.fields[0].path, 'idNumber');
      });

      await step.test('ID rules: bad check digit, impossible date, sex mismatch are refused naming idNumber; lower-case x accepted', async () => {
        const badCheck = ID2.slice(0, 17) + (ID2[17] === '0' ? '1' : '0');
        for (const [idNumber, extra] of [[badCheck, {}], ['371003198802301234', {}], [ID2, { sex: 'M' }]] as const) {
          const r = await req('POST', '/api/residents', docA, { ...base, idNumber, ...extra });
          assert.equal(r.statusCode, 400, `${idNumber} ${r.body}`);
          assert.equal(r.json().error.fields[0].path, 'idNumber');
        }
        // find a sequence whose check character is X, then send it in lower case
        let withX = '';
        for (let s = 100; s < 999 && !withX; s++) {
          const id = makeIdNumber('371003', '1990-01-01', String(s));
          if (id.endsWith('X')) withX = id;
        }
        const r = await req('POST', '/api/residents', docA, { ...base, name: '李晓', phone: null, idNumber: withX.toLowerCase() });
        assert.equal(r.statusCode, 201, r.body);
        const found = await req('GET', `/api/residents?q=${withX}`, docA);
        assert.equal(found.json().total, 1);
      });

      await step.test('a probable duplicate without an ID match is flagged for review', async () => {
        const r = await req('POST', '/api/residents', docA, { idType: 'birth_certificate', idNumber: 'O371234567', name: '王建国', sex: 'M', birthDate: '1956-04-12', villageCode: VILLAGE_A2 });
        assert.equal(r.statusCode, 201, r.body);
        assert.equal(r.json().possibleDuplicates.length, 1);
        assert.deepEqual(r.json().possibleDuplicates[0].reasons, ['same_name', 'same_birth_date']);
        const list = await req('GET', '/api/resident-duplicates', reviewer);
        assert.equal(list.statusCode, 200);
        assert.equal(list.json().items.length, 1);
      });

      await step.test('search by name, pinyin, initials and phone; results masked', async () => {
        for (const q of ['王建', 'wangjian', 'wjg', '13805451234']) {
          const r = await req('GET', `/api/residents?q=${encodeURIComponent(q)}`, docA);
          assert.equal(r.statusCode, 200);
          assert.ok(r.json().total >= 1, q);
          for (const it of r.json().items) assert.match(it.idNumberMasked, /\*{4}/);
        }
      });

      await step.test('scope: a doctor of another township cannot list, open or register residents of township A', async () => {
        const list = await req('GET', '/api/residents?q=wang', docB);
        assert.equal(list.json().total, 0);
        const [{ id }] = await t.db.query<{ id: string }>("SELECT id FROM residents WHERE name = '王建国' LIMIT 1");
        const open = await req('GET', `/api/residents/${id}`, docB);
        assert.equal(open.statusCode, 404);
        assert.equal(open.json().error.code, 'record.not_found');
        const missing = await req('GET', '/api/residents/00000000-0000-4000-8000-000000000000', docB);
        assert.deepEqual(open.json(), missing.json(), 'outside scope answers exactly as missing');
        const reg = await req('POST', '/api/residents', docB, { ...base, idNumber: ID2, sex: 'F' });
        assert.equal(reg.statusCode, 400);
        assert.equal(reg.json().error.fields[0].path, 'villageCode');
        const mine = await req('POST', '/api/residents', docB, { ...base, idNumber: ID2, villageCode: VILLAGE_B, phone: null });
        assert.equal(mine.statusCode, 201, mine.body);
        const own = await req('GET', `/api/residents/${id}`, docA);
        assert.equal(own.statusCode, 200);
        const audit = await t.db.query<{ basis: string }>("SELECT basis FROM audit_log WHERE action = 'resident.read' AND resident_id = $1", [id]);
        assert.deepEqual(audit.map((a) => a.basis), ['registry_scope']);
      });

      await step.test('reveal shows the full ID only on an audited request', async () => {
        const [{ id }] = await t.db.query<{ id: string }>("SELECT id FROM residents WHERE name = '王建国' AND id_type = 'resident_id'");
        const r = await req('POST', `/api/residents/${id}/reveal`, docA, { reason: '核对身份' });
        assert.equal(r.json().idNumber, ID1);
        const a = await t.db.query<{ details: { reason: string } }>("SELECT details FROM audit_log WHERE action = 'resident.reveal' AND resident_id = $1", [id]);
        assert.equal(a[0].details.reason, '核对身份');
      });

      await step.test('merge moves every attached record to the survivor and undo moves exactly those back', async () => {
        // A module table attached to residents, as every care module's will be.
        await t.db.exec('CREATE TABLE test_attached (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), resident_id uuid NOT NULL REFERENCES residents(id), note text)');
        const [pair] = (await req('GET', '/api/resident-duplicates', reviewer)).json().items;
        const survivor = pair.a.idType === 'resident_id' ? pair.a : pair.b;
        const merged = survivor === pair.a ? pair.b : pair.a;
        await t.db.query("INSERT INTO test_attached (resident_id, note) VALUES ($1, 'm1'), ($1, 'm2'), ($2, 's1')", [merged.id, survivor.id]);
        await t.db.query("UPDATE residents SET conditions = '{hypertension}' WHERE id = $1", [merged.id]);
        const m = await req('POST', `/api/resident-duplicates/${pair.id}/merge`, reviewer, { survivorId: survivor.id, mergedId: merged.id });
        assert.equal(m.statusCode, 200, m.body);
        assert.deepEqual(m.json().moved, { 'test_attached.resident_id': 2 });
        assert.equal((await t.db.query('SELECT 1 FROM test_attached WHERE resident_id = $1', [survivor.id])).length, 3);
        const s = await req('GET', `/api/residents/${survivor.id}`, docA);
        assert.ok(s.json().resident.conditions.includes('hypertension'));
        assert.equal((await req('GET', '/api/resident-duplicates', reviewer)).json().items.length, 0);
        const undo = await req('POST', `/api/resident-merges/${m.json().mergeId}/undo`, reviewer);
        assert.equal(undo.statusCode, 200, undo.body);
        const back = await t.db.query<{ note: string; resident_id: string }>('SELECT note, resident_id FROM test_attached ORDER BY note');
        assert.deepEqual(back.map((b) => [b.note, b.resident_id === merged.id ? 'merged' : 'survivor']), [['m1', 'merged'], ['m2', 'merged'], ['s1', 'survivor']]);
        const [mr] = await t.db.query<{ merged_into: string | null }>('SELECT merged_into FROM residents WHERE id = $1', [merged.id]);
        assert.equal(mr.merged_into, null);
        assert.ok(!(await req('GET', `/api/residents/${survivor.id}`, docA)).json().resident.conditions.includes('hypertension'));
        const actions = (await t.db.query<{ action: string }>("SELECT action FROM audit_log WHERE action LIKE 'resident.merge%' ORDER BY id")).map((a) => a.action);
        assert.deepEqual(actions, ['resident.merge', 'resident.merge_undo']);
      });

      await step.test('a merge of two records that both hold what one person may hold once is refused whole, naming the table', async () => {
        const [pair] = await t.db.query<{ id: string; resident_a: string; resident_b: string }>('SELECT id, resident_a, resident_b FROM resident_duplicates ORDER BY created_at LIMIT 1');
        await buildEnrolment(t.db, { residentId: pair.resident_a, enrolledOn: '2026-01-05' });
        await buildEnrolment(t.db, { residentId: pair.resident_b, enrolledOn: '2026-02-05' });
        const m = await req('POST', `/api/resident-duplicates/${pair.id}/merge`, reviewer, { survivorId: pair.resident_a, mergedId: pair.resident_b });
        assert.equal(m.statusCode, 409, m.body);
        assert.equal(m.json().error.code, 'resident.merge_conflict');
        assert.equal(m.json().error.fields[0].path, 'chronic_enrolments');
        const rows = await t.db.query<{ resident_id: string }>("SELECT resident_id FROM chronic_enrolments WHERE resident_id = ANY($1::uuid[]) ORDER BY enrolled_on", [[pair.resident_a, pair.resident_b]]);
        assert.deepEqual(rows.map((r) => r.resident_id), [pair.resident_a, pair.resident_b], 'nothing moved');
        const [mr] = await t.db.query<{ merged_into: string | null }>('SELECT merged_into FROM residents WHERE id = $1', [pair.resident_b]);
        assert.equal(mr.merged_into, null);
        await t.db.query('DELETE FROM chronic_enrolments WHERE resident_id = ANY($1::uuid[])', [[pair.resident_a, pair.resident_b]]);
      });

      await step.test('a stale edit is refused with 409 and nothing is overwritten', async () => {
        const [{ id }] = await t.db.query<{ id: string }>("SELECT id FROM residents WHERE name = '李晓'");
        const cur = (await req('GET', `/api/residents/${id}`, docA)).json().resident;
        const [{ idn }] = [{ idn: (await req('POST', `/api/residents/${id}/reveal`, docA, { reason: 'edit' })).json().idNumber }];
        const body = { idType: 'resident_id', idNumber: idn, name: '李晓', villageCode: VILLAGE_A, phone: '13900000001', version: cur.version };
        const [a, b] = await Promise.all([req('PUT', `/api/residents/${id}`, docA, body), req('PUT', `/api/residents/${id}`, docA, { ...body, phone: '13900000002' })]);
        assert.deepEqual([a.statusCode, b.statusCode].sort(), [200, 409]);
        const winner = a.statusCode === 200 ? '0001' : '0002';
        const now = (await req('GET', `/api/residents/${id}`, docA)).json().resident;
        assert.equal(now.phoneMasked, `139****${winner}`);
        assert.equal(now.version, cur.version + 1);
      });
    });

    test('a malformed region CSV reports line and column and loads nothing; a good one loads', async () => {
      const before = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM regions'))[0].n;
      const bad = 'code,name,parent_code\n371003102000,丙镇,371003\n37100310x000,坏码,371003\n371003102201,丙一村,371003999000\n371003102202,,371003102000\n';
      const r = await req('POST', '/api/regions/import', admin, { csv: bad });
      assert.equal(r.statusCode, 400);
      const fields = r.json().error.fields.map((f: { path: string }) => f.path);
      assert.deepEqual(fields, ['line 3, column code', 'line 4, column parent_code', 'line 5, column name']);
      assert.equal((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM regions'))[0].n, before);
      const good = 'code,name,parent_code\n371003102000,丙镇,371003\n371003102201,"丙一村",371003102000\n';
      const ok = await req('POST', '/api/regions/import', admin, { csv: good });
      assert.deepEqual(ok.json(), { imported: 2 });
      const kids = await req('GET', `/api/regions?parent=371003`, admin);
      assert.deepEqual(kids.json().items.map((k: { code: string }) => k.code), [TOWN_A, '371003101000', '371003102000']);
    });

    test('an account linked to a worker opens records at the worker\'s postings (scope follows postings)', async () => {
      const w = await req('POST', '/api/workers', admin, { name: '县派医生', sex: 'M', workerType: 'physician', specialty: 'internal_medicine', employerCode: 'H0001' });
      assert.equal(w.statusCode, 201, w.body);
      const posted = await req('POST', `/api/workers/${w.json().worker.id}/postings`, admin, { facilityCode: 'T000A', kind: 'county_to_township', startOn: '2024-01-01' });
      assert.deepEqual(posted.json().worker.postings.map((p: { facilityCode: string; kind: string }) => [p.facilityCode, p.kind]), [['T000A', 'county_to_township']]);
      const u = await req('POST', '/api/users', admin, { username: 'posted_doc', role: 'doctor', facilityCode: 'H0001', workerId: w.json().worker.id, password: 'Posted-pass-1' });
      assert.equal(u.statusCode, 201, u.body);
      const bad = await req('POST', '/api/users', admin, { username: 'nobody_doc', role: 'doctor', facilityCode: 'H0001', workerId: '00000000-0000-4000-8000-000000000000', password: 'Posted-pass-1' });
      assert.equal(bad.json().error.fields[0].path, 'workerId');
      const { principalFacilityIds } = await import('./workers.ts');
      const [row] = await t.db.query<{ id: string }>("SELECT id FROM users WHERE username = 'posted_doc'");
      const ids = await principalFacilityIds(t.db, { userId: row.id, username: 'posted_doc', displayName: '', role: 'doctor', regionCode: null, facilityCode: 'H0001', ip: null });
      const codes = (await t.db.query<{ code: string }>('SELECT code FROM facilities WHERE id = ANY($1::uuid[]) ORDER BY code', [ids])).map((r) => r.code);
      assert.deepEqual(codes, ['H0001', 'T000A']);
    });

    test('a facility joins at most one tight community at a time', async () => {
      const c = await req('POST', '/api/communities', admin, { name: '文登区医共体', kind: 'county_community', leadFacilityCode: 'H0001', regionCode: '371003', joinedOn: '2024-01-01' });
      assert.equal(c.statusCode, 201, c.body);
      const id = c.json().community.id;
      assert.equal((await req('POST', `/api/communities/${id}/members`, admin, { facilityCode: 'T000A', joinedOn: '2024-01-01' })).statusCode, 200);
      const c2 = await req('POST', '/api/communities', admin, { name: '另一医共体', kind: 'county_community', leadFacilityCode: 'T000B', regionCode: '371003', joinedOn: '2024-01-01' });
      const again = await req('POST', `/api/communities/${c2.json().community.id}/members`, admin, { facilityCode: 'T000A', joinedOn: '2024-02-01' });
      assert.equal(again.statusCode, 409);
      assert.equal(again.json().error.code, 'community.already_member');
      const f = await req('GET', '/api/facilities/T000A', docA);
      assert.equal(f.json().facility.community.name, '文登区医共体');
    });
  });
}
