// Writing to the record: unit checks, idempotent batches, optimistic concurrency with kept versions.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../../../test/helpers/db.ts';
import { openTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { buildTestCounty, VILLAGE_A } from '../../../test/helpers/county.ts';
import { makeIdNumber } from '../registry/id-number.ts';
import { normaliseObservation, bmi } from './observations.ts';
import { antibacterialClass } from './antibacterials.ts';

test('observation rules: units converted, implausible values refused, flags by reference range', () => {
  const cases: [string, number, string, 'M' | 'F', 'ok' | 'unit' | 'value', number?, string?][] = [
    ['1558-6', 70, 'mmol/L', 'M', 'value'], // a fasting glucose of 70 is not mmol/L
    ['1558-6', 126, 'mg/dL', 'M', 'ok', 7.0, 'H'],
    ['1558-6', 5.2, 'mmol/L', 'F', 'ok', 5.2, 'N'],
    ['1558-6', 3.5, 'mmol/L', 'F', 'ok', 3.5, 'L'],
    ['1558-6', 5.2, 'g/L', 'F', 'unit'],
    ['8480-6', 150, 'mmHg', 'M', 'ok', 150, 'H'],
    ['8480-6', 20, 'mm[Hg]', 'M', 'value'],
    ['2160-0', 1.2, 'mg/dL', 'M', 'ok', 106, 'N'],
    ['2160-0', 1.2, 'mg/dL', 'F', 'ok', 106, 'H'], // sex-specific reference range
    ['4548-4', 53, 'mmol/mol', 'M', 'ok', 7.0, 'H'],
    ['8302-2', 1.72, 'm', 'M', 'ok', 172, undefined],
    ['9999-9', 1, 'x', 'M', 'unit'],
  ];
  for (const [code, value, unit, sex, want, v, flag] of cases) {
    const r = normaliseObservation({ code, value, unit, sex });
    if (want === 'ok') {
      assert.ok(r.ok, `${code} ${value} ${unit}`);
      assert.equal(r.ok && r.value.value, v);
      if (flag) assert.equal(r.ok && r.value.flag, flag);
    } else {
      assert.ok(!r.ok, `${code} ${value} ${unit} should be refused`);
      if (!r.ok && code !== '9999-9') assert.equal(r.problems[0].path, want);
      if (!r.ok) assert.ok(r.problems[0].zh && r.problems[0].en);
    }
  }
  assert.equal(bmi(170, 65), 22.5);
});

test('antibacterial classes by generic name, dosage forms ignored', () => {
  assert.equal(antibacterialClass('阿莫西林胶囊'), 'unrestricted');
  assert.equal(antibacterialClass('头孢曲松钠'), 'restricted');
  assert.equal(antibacterialClass('美罗培南'), 'special');
  assert.equal(antibacterialClass('Levofloxacin'), 'restricted');
  assert.equal(antibacterialClass('硝苯地平缓释片'), null);
});

for (const engine of ENGINES) {
  describe(`record writing [${engine}]`, () => {
    let t: TestApp;
    let doc: string;
    let rid: string;
    // The doctor has no other basis for this resident: each encounter shows the resident's presence by their ID number.
    const idNumber = makeIdNumber('371003', '1960-02-02', '333');
    const presence = { idNumber };
    before(async () => {
      t = await openTestApp(engine);
      await buildTestCounty(t.db);
      doc = await t.signIn('doc', 'doctor', { facilityCode: 'T000A' });
      const r = await t.app.inject({ method: 'POST', url: '/api/residents', headers: { cookie: doc }, payload: { idType: 'resident_id', idNumber, name: '孙立新', villageCode: VILLAGE_A } });
      rid = r.json().resident.id;
    });
    after(() => t.close());

    test('an encounter with a glucose of 70 mmol/L is refused naming the field, and nothing is written', async () => {
      const r = await t.app.inject({ method: 'POST', url: '/api/records/encounters', headers: { cookie: doc }, payload: {
        residentId: rid, kind: 'follow_up', facilityCode: 'T000A', startedAt: new Date().toISOString(), presence, diagnoses: [{ icd10: 'E11' }, { icd10: 'X99.9' }],
        observations: [{ code: '8480-6', value: 132, unit: 'mmHg' }, { code: '1558-6', value: 70, unit: 'mmol/L' }] } });
      assert.equal(r.statusCode, 400);
      assert.deepEqual(r.json().error.fields.map((f: { path: string }) => f.path), ['observations[1].value', 'diagnoses[1].icd10']);
      assert.equal((await t.db.query('SELECT 1 FROM encounters WHERE resident_id = $1', [rid])).length, 0);
      assert.equal((await t.db.query('SELECT 1 FROM observations WHERE resident_id = $1', [rid])).length, 0);
    });

    test('recording at another facility is refused', async () => {
      const r = await t.app.inject({ method: 'POST', url: '/api/records/encounters', headers: { cookie: doc }, payload: { residentId: rid, kind: 'outpatient', facilityCode: 'H0001', startedAt: new Date().toISOString(), presence } });
      assert.equal(r.statusCode, 403);
    });

    test('a resent encounter (same sender id) is stored once', async () => {
      const body = { sourceSystem: 'his-t000a', sourceId: 'E-1', residentId: rid, kind: 'outpatient', facilityCode: 'T000A', startedAt: new Date().toISOString(), presence, diagnoses: [{ icd10: 'E11' }], observations: [{ code: '1558-6', value: 8.1, unit: 'mmol/L' }] };
      const a = await t.app.inject({ method: 'POST', url: '/api/records/encounters', headers: { cookie: doc }, payload: body });
      const b = await t.app.inject({ method: 'POST', url: '/api/records/encounters', headers: { cookie: doc }, payload: body });
      assert.equal(a.json().created, true);
      assert.deepEqual(b.json(), { id: a.json().id, created: false });
      assert.equal((await t.db.query('SELECT 1 FROM encounters WHERE source_id = $1', ['E-1'])).length, 1);
      assert.equal((await t.db.query('SELECT 1 FROM observations WHERE encounter_id = $1', [a.json().id])).length, 1);
    });

    test('a batch of 5,000 observations sent twice stores 5,000', async () => {
      // the doctor's basis: an encounter today with the resident present (the test above makes one too; this one stands alone)
      const enc = await t.app.inject({ method: 'POST', url: '/api/records/encounters', headers: { cookie: doc }, payload: { sourceSystem: 'his-t000a', sourceId: 'E-batch', residentId: rid, kind: 'outpatient', facilityCode: 'T000A', startedAt: new Date().toISOString(), presence } });
      assert.equal(enc.statusCode, 200, enc.body);
      const start = Date.now() - 5000 * 60_000;
      const items = Array.from({ length: 5000 }, (_, i) => ({ residentId: rid, sourceId: `obs-${i}`, code: i % 2 ? '8480-6' : '8462-4', value: i % 2 ? 120 + (i % 30) : 70 + (i % 20), unit: 'mmHg', observedAt: new Date(start + i * 60_000).toISOString() }));
      const first = await t.app.inject({ method: 'POST', url: '/api/records/observations/batch', headers: { cookie: doc }, payload: { sourceSystem: 'bp-cuff', items } });
      assert.equal(first.statusCode, 200, first.body);
      assert.deepEqual(first.json(), { received: 5000, stored: 5000, alreadyPresent: 0 });
      const again = await t.app.inject({ method: 'POST', url: '/api/records/observations/batch', headers: { cookie: doc }, payload: { sourceSystem: 'bp-cuff', items } });
      assert.deepEqual(again.json(), { received: 5000, stored: 0, alreadyPresent: 5000 });
      const [{ n }] = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM observations WHERE source_system = 'bp-cuff'");
      assert.equal(n, 5000);
      const bad = await t.app.inject({ method: 'POST', url: '/api/records/observations/batch', headers: { cookie: doc }, payload: { sourceSystem: 'bp-cuff', items: [{ ...items[0], sourceId: 'new-1' }, { ...items[1], sourceId: 'new-2', value: 900 }] } });
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(bad.json().error.fields.map((f: { path: string }) => f.path), ['items[1].value']);
      assert.equal((await t.db.query("SELECT 1 FROM observations WHERE source_id = 'new-1'")).length, 0, 'all or nothing');
    });

    test('two concurrent edits of one diagnosis: one succeeds, one gets 409, and the previous version is kept', async () => {
      // its own encounter with one diagnosis (the others' encounters may come later on the timeline)
      const enc = await t.app.inject({ method: 'POST', url: '/api/records/encounters', headers: { cookie: doc }, payload: { sourceSystem: 'his-t000a', sourceId: 'E-edit', residentId: rid, kind: 'outpatient', facilityCode: 'T000A', startedAt: new Date().toISOString(), presence, diagnoses: [{ icd10: 'I10' }] } });
      assert.equal(enc.statusCode, 200, enc.body);
      const tl = await t.app.inject({ method: 'GET', url: `/api/records/${rid}/timeline`, headers: { cookie: doc } });
      assert.equal(tl.statusCode, 200, tl.body);
      const d = tl.json().encounters.find((e: { id: string }) => e.id === enc.json().id).diagnoses[0];
      const [a, b] = await Promise.all([
        t.app.inject({ method: 'PUT', url: `/api/records/diagnoses/${d.id}`, headers: { cookie: doc }, payload: { version: d.version, status: 'resolved' } }),
        t.app.inject({ method: 'PUT', url: `/api/records/diagnoses/${d.id}`, headers: { cookie: doc }, payload: { version: d.version, confirmed: false } }),
      ]);
      assert.deepEqual([a.statusCode, b.statusCode].sort(), [200, 409]);
      const loser = a.statusCode === 409 ? a : b;
      assert.equal(loser.json().error.code, 'record.stale');
      const [row] = await t.db.query<{ version: number; status: string; confirmed: boolean }>('SELECT version, status, confirmed FROM diagnoses WHERE id = $1', [d.id]);
      assert.equal(row.version, d.version + 1);
      assert.ok(row.status === 'resolved' || row.confirmed === false, 'the winner\'s change is there');
      assert.ok(!(row.status === 'resolved' && row.confirmed === false), 'the loser\'s change is not');
      const v = await t.app.inject({ method: 'GET', url: `/api/records/diagnoses/${d.id}/versions`, headers: { cookie: doc } });
      assert.equal(v.json().items.length, 1);
      assert.equal(v.json().items[0].data.status, 'active');
    });
  });
}

test('ICD-10 import is checked line by line and loads nothing when any line is wrong', async () => {
  const { checkIcd10Csv } = await import('./reference.ts');
  assert.deepEqual(checkIcd10Csv('code,name_zh,name_en,chapter,category\nE11.9,2型糖尿病,T2DM,IV,chronic\n').problems, []);
  const bad = checkIcd10Csv('code,name_zh,name_en,chapter,category\nE11.9,2型糖尿病,T2DM,IV,chronic\ne119,x,y,IV,chronic\nJ06.9,,URTI,X,rare\n');
  assert.deepEqual(bad.problems.map((p) => p.path), ['line 3, column code', 'line 4, column name_zh', 'line 4, column category']);
  assert.deepEqual(checkIcd10Csv('code,name\nA00,x\n').problems.map((p) => p.path), ['line 1, column name_zh', 'line 1, column name_en', 'line 1, column category']);
});
