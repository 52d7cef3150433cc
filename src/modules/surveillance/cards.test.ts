// Report cards end to end through the API: a notifiable diagnosis drafts a card for its doctor with the
// record's fields, the doctor completes and submits it within the limit, the county CDC reviews it
// (accept, return with a reason, duplicate, delete), the case class is revised; attackers get 403/404/400.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../../../test/helpers/db.ts';
import { openTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { buildTestCounty, COUNTY, TOWN_B, VILLAGE_A } from '../../../test/helpers/county.ts';
import { buildResident, buildWorker, facilityId } from '../../../test/helpers/factories.ts';
import { BY_CODE } from '../indicators/catalogue.ts';
import { aggregate } from '../indicators/engine.ts';

for (const engine of ENGINES) {
  describe(`report cards [${engine}]`, () => {
    let t: TestApp;
    let doc: string; let doc2: string; let cdc: string; let cdcB: string; let nurse: string; let workerId: string;
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    before(async () => {
      t = await openTestApp(engine);
      await buildTestCounty(t.db);
      const h = await facilityId(t.db, 'H0001');
      doc = await t.signIn('doc', 'doctor', { facilityCode: 'H0001' });
      workerId = (await buildWorker(t.db, { name: '王医生', workerType: 'physician', employerId: h, username: 'doc' })).id;
      doc2 = await t.signIn('doc2', 'doctor', { facilityCode: 'T000B' });
      cdc = await t.signIn('cdc', 'public_health', { regionCode: COUNTY });
      cdcB = await t.signIn('cdcb', 'public_health', { regionCode: TOWN_B });
      nurse = await t.signIn('nurse', 'nurse', { facilityCode: 'H0001' });
    });
    after(() => t.close());

    const visit = async (who: { id: string; idNumber: string }, diagnoses: object[], at = new Date(Date.now() - 60_000).toISOString()) => {
      const r = await t.app.inject({ method: 'POST', url: '/api/records/encounters', headers: { cookie: doc },
        payload: { residentId: who.id, kind: 'outpatient', facilityCode: 'H0001', workerId, startedAt: at, reason: '发热、腹泻', diagnoses, presence: { idNumber: who.idNumber } } });
      assert.equal(r.statusCode, 200, r.body);
      return r.json().id as string;
    };
    const mine = async () => (await t.app.inject({ method: 'GET', url: '/api/surveillance/cards/mine', headers: { cookie: doc } })).json().items as { id: string; disease: string; version: number; status: string; caseClass: string; missing: string[]; countdown: { state: string; minutesLeft: number } | null; limitHours: number; patient: { name: string; idMasked: string; address: string; sex: string }; facilityName: string; doctorName: string; fields: { residence: string }; probableDuplicateOf: string | null; icd10: string }[];
    const call = (method: 'POST' | 'PATCH' | 'GET', url: string, cookie: string, payload?: object) => t.app.inject({ method, url, headers: { cookie }, payload });

    // The county's cards, step by step: the indicators count the cards the steps before them made, so they
    // are subtests of one test, run in order as one unit.
    test('report cards from diagnosis to the reporting indicators: one story', async (step) => {
      await step.test('a cholera diagnosis drafts a 2-hour card with the record\'s fields; a cold drafts nothing', async () => {
        const p = await buildResident(t.db, { name: '张霍乱', birthDate: '1980-05-05', villageCode: VILLAGE_A, sex: 'M' });
        await visit(p, [{ icd10: 'A00' }, { icd10: 'J06.9' }]);
        const cards = (await mine()).filter((c) => c.patient.name === '张霍乱');
        assert.equal(cards.length, 1);
        const c = cards[0];
        assert.deepEqual([c.disease, c.icd10, c.status, c.caseClass, c.limitHours, c.facilityName, c.doctorName, c.fields.residence, c.patient.sex, c.patient.address],
          ['cholera', 'A00', 'draft', 'confirmed', 2, '县人民医院', '王医生', 'this_county', 'M', '甲一村']);
        assert.match(c.patient.idMasked, /^\d{6}\*+\d{2,4}$/);
        assert.equal(c.countdown!.state, 'on_time');
        assert.ok(c.countdown!.minutesLeft <= 119 && c.countdown!.minutesLeft >= 117, String(c.countdown!.minutesLeft));
        assert.deepEqual(c.missing, ['occupation', 'onsetDate']);
        const [row] = await t.db.query<{ due: number }>("SELECT extract(epoch FROM due_at - diagnosed_at)::int AS due FROM report_cards WHERE id = $1", [c.id]);
        assert.equal(row.due, 7200);
        // audited as drafted
        assert.equal((await t.db.query("SELECT 1 FROM audit_log WHERE action = 'surveillance.card_drafted' AND record_id = $1", [c.id])).length, 1);
      });

      await step.test('submit refuses an incomplete card naming the fields, then submits on time; the CDC accepts; others cannot see it', async () => {
        const p = await buildResident(t.db, { name: '李麻疹', birthDate: '1990-01-01', villageCode: VILLAGE_A, sex: 'F' });
        await visit(p, [{ icd10: 'B05', confirmed: false }]);
        let c = (await mine()).find((x) => x.patient.name === '李麻疹')!;
        assert.deepEqual([c.disease, c.caseClass, c.limitHours], ['measles', 'suspected', 24]);
        const bad = await call('POST', `/api/surveillance/cards/${c.id}/submit`, doc, { version: c.version });
        assert.equal(bad.statusCode, 400);
        assert.deepEqual(bad.json().error.fields.map((f: { path: string }) => f.path), ['occupation', 'onsetDate']);
        assert.equal((await call('PATCH', `/api/surveillance/cards/${c.id}`, doc, { version: c.version, occupation: 'astronaut' })).statusCode, 400);
        assert.equal((await call('PATCH', `/api/surveillance/cards/${c.id}`, doc, { version: c.version + 5, occupation: 'farmer' })).statusCode, 409);
        const ed = await call('PATCH', `/api/surveillance/cards/${c.id}`, doc, { version: c.version, occupation: 'farmer', onsetDate: today });
        assert.equal(ed.statusCode, 200, ed.body);
        assert.deepEqual(ed.json().missing, []);
        // other doctors, nurses and a township's public-health staff elsewhere: 404 / 403
        assert.equal((await call('GET', `/api/surveillance/cards/${c.id}`, doc2)).statusCode, 404);
        assert.equal((await call('GET', `/api/surveillance/cards/${c.id}`, cdcB)).statusCode, 404);
        assert.equal((await call('GET', `/api/surveillance/cards/${c.id}`, nurse)).statusCode, 403);
        assert.equal((await call('POST', `/api/surveillance/cards/${c.id}/submit`, cdc, { version: ed.json().version })).statusCode, 403);
        const sub = await call('POST', `/api/surveillance/cards/${c.id}/submit`, doc, { version: ed.json().version });
        assert.equal(sub.statusCode, 200, sub.body);
        assert.deepEqual([sub.json().status, sub.json().onTime, sub.json().countdown], ['submitted', true, null]);
        // the CDC's list shows it; the doctor cannot review
        const list = (await call('GET', '/api/surveillance/cards?status=submitted', cdc)).json().items as { id: string }[];
        assert.ok(list.some((x) => x.id === c.id));
        assert.ok(!(await call('GET', '/api/surveillance/cards', cdcB)).json().items.some((x: { id: string }) => x.id === c.id));
        assert.equal((await call('POST', `/api/surveillance/cards/${c.id}/review`, doc, { version: sub.json().version, action: 'accept' })).statusCode, 403);
        const acc = await call('POST', `/api/surveillance/cards/${c.id}/review`, cdc, { version: sub.json().version, action: 'accept' });
        assert.equal(acc.statusCode, 200, acc.body);
        assert.deepEqual([acc.json().status, acc.json().reviews], ['accepted', ['duplicate', 'delete']]);
        // the suspected case confirmed in the record revises the card
        const [dx] = await t.db.query<{ id: string; version: number }>('SELECT d.id, d.version FROM diagnoses d WHERE d.resident_id = $1', [p.id]);
        const edit = await t.app.inject({ method: 'PUT', url: `/api/records/diagnoses/${dx.id}`, headers: { cookie: doc }, payload: { version: dx.version, confirmed: true } });
        assert.equal(edit.statusCode, 200, edit.body);
        c = (await call('GET', `/api/surveillance/cards/${c.id}`, doc)).json();
        assert.equal(c.caseClass, 'confirmed');
        // then excluded on the card by the CDC, with a reason; never back to suspected
        const ex = await call('POST', `/api/surveillance/cards/${c.id}/revise`, cdc, { version: c.version, caseClass: 'excluded', reason: '血清IgM阴性' });
        assert.equal(ex.statusCode, 200, ex.body);
        const back = await call('POST', `/api/surveillance/cards/${c.id}/revise`, cdc, { version: ex.json().version, caseClass: 'suspected', reason: 'x' });
        assert.equal(back.statusCode, 400);
        assert.equal(back.json().error.fields[0].path, 'caseClass');
        const events = ex.json().events.map((e: { action: string; fromClass: string | null; toClass: string | null }) => `${e.action}:${e.fromClass ?? ''}>${e.toClass ?? ''}`);
        assert.deepEqual(events, ['drafted:>suspected', 'edited:>', 'submitted:>', 'accept:>', 'revised:suspected>confirmed', 'revised:confirmed>excluded']);
      });

      await step.test('return needs a reason and goes back to the doctor; a second card of the same person and disease is a duplicate; delete needs a reason', async () => {
        const p = await buildResident(t.db, { name: '赵痢疾', birthDate: '2000-03-03', villageCode: VILLAGE_A, sex: 'M' });
        await visit(p, [{ icd10: 'A03', onsetDate: today }]);
        await visit(p, [{ icd10: 'A06', onsetDate: today }]);
        const cards = (await mine()).filter((x) => x.patient.name === '赵痢疾');
        assert.equal(cards.length, 2);
        const submit = async (c: { id: string; version: number }) => {
          const e = await call('PATCH', `/api/surveillance/cards/${c.id}`, doc, { version: c.version, occupation: 'student' });
          const s = await call('POST', `/api/surveillance/cards/${c.id}/submit`, doc, { version: e.json().version });
          assert.equal(s.statusCode, 200, s.body);
          return s.json();
        };
        const [second, first] = cards; // newest first
        const a = await submit(first);
        const b = await submit(second);
        assert.equal(b.probableDuplicateOf, a.id);
        assert.equal(a.probableDuplicateOf, null);
        const noReason = await call('POST', `/api/surveillance/cards/${a.id}/review`, cdc, { version: a.version, action: 'return' });
        assert.equal(noReason.statusCode, 400);
        assert.equal(noReason.json().error.fields[0].path, 'reason');
        const ret = await call('POST', `/api/surveillance/cards/${a.id}/review`, cdc, { version: a.version, action: 'return', reason: '职业填写有误' });
        assert.deepEqual([ret.statusCode, ret.json().status, ret.json().reviewReason], [200, 'returned', '职业填写有误']);
        assert.equal((await mine()).find((x) => x.id === a.id)!.status, 'returned');
        const again = await call('POST', `/api/surveillance/cards/${a.id}/submit`, doc, { version: ret.json().version });
        assert.equal(again.json().status, 'submitted');
        const dup = await call('POST', `/api/surveillance/cards/${b.id}/review`, cdc, { version: b.version, action: 'duplicate' });
        assert.deepEqual([dup.statusCode, dup.json().status, dup.json().duplicateOf], [200, 'duplicate', a.id]);
        // the first card is not a duplicate of anything: refused
        const notDup = await call('POST', `/api/surveillance/cards/${a.id}/review`, cdc, { version: again.json().version, action: 'duplicate' });
        assert.equal(notDup.statusCode, 400);
        const del = await call('POST', `/api/surveillance/cards/${a.id}/review`, cdc, { version: again.json().version, action: 'delete', reason: '误诊' });
        assert.deepEqual([del.statusCode, del.json().status], [200, 'deleted']);
        const audit = await t.db.query<{ action: string }>("SELECT action FROM audit_log WHERE record_id = ANY($1::text[]) AND action LIKE 'surveillance.card_%' ORDER BY id", [[a.id, b.id]]);
        assert.deepEqual(audit.map((x) => x.action).filter((x) => /return|duplicate|delete/.test(x)), ['surveillance.card_return', 'surveillance.card_duplicate', 'surveillance.card_delete']);
        // nothing half-written by the refused requests
        const [row] = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM report_card_events WHERE card_id = $1 AND action = 'duplicate'", [a.id]);
        assert.equal(row.n, 0);
      });

      await step.test('escalation: a draft past its limit reaches the CDC\'s list as overdue; one within it does not', async () => {
        const startOfDay = Date.parse(`${today}T00:00:00+08:00`);
        const at = Date.now() - 150 * 60_000; // 2 h 30 min ago: a class A card is 30 min overdue
        const p = await buildResident(t.db, { name: '钱逾期', birthDate: '1970-01-01', villageCode: VILLAGE_A, sex: 'M' });
        const q = await buildResident(t.db, { name: '孙未逾期', birthDate: '1970-01-01', villageCode: VILLAGE_A, sex: 'M' });
        await visit(q, [{ icd10: 'A00' }]);
        const list = async () => (await call('GET', '/api/surveillance/cards', cdc)).json().items as { patient: { name: string }; status: string; countdown: { state: string } | null }[];
        assert.ok(!(await list()).some((c) => c.patient.name === '孙未逾期'));
        if (at < startOfDay) return; // before 02:30 in Shanghai an encounter 2 h 30 min ago would fall on yesterday: nothing to prove today
        await visit(p, [{ icd10: 'A00' }], new Date(at).toISOString());
        const c = (await list()).find((x) => x.patient.name === '钱逾期')!;
        assert.deepEqual([c.status, c.countdown?.state], ['draft', 'overdue']);
      });

      await step.test('indicators: reporting timeliness and completeness by facility, from the cards above', async () => {
        // at H0001 today: measles submitted on time (then excluded: still a report); dysentery ×2 deleted or duplicate (out);
        // cholera drafts for 张霍乱 and 孙未逾期 (and 钱逾期 when the escalation test could run): never submitted
        const late = (await t.db.query("SELECT 1 FROM report_cards c JOIN residents r ON r.id = c.resident_id WHERE r.name = '钱逾期'")).length;
        const w = { county: COUNTY, from: today, to: today, asOf: today };
        const h = await facilityId(t.db, 'H0001');
        const at = async (code: string) => (await aggregate(t.db, BY_CODE.get(code)!, w)).filter((u) => u.level === 'county' || u.unit === h).map((u) => `${u.level}:${u.num}/${u.den}`).sort();
        assert.deepEqual(await at('id_report_timeliness'), ['county:1/1', 'facility:1/1']);
        assert.deepEqual(await at('id_report_completeness'), [`county:1/${3 + late}`, `facility:1/${3 + late}`]);
      });
    });

    test('signed-out 401, residents 403, a bad id 400', async () => {
      assert.equal((await t.app.inject({ method: 'GET', url: '/api/surveillance/cards/mine' })).statusCode, 401);
      const res = await t.signIn('res1', 'resident');
      assert.equal((await call('GET', '/api/surveillance/cards', res)).statusCode, 403);
      assert.equal((await call('GET', '/api/surveillance/cards/not-a-uuid', cdc)).statusCode, 400);
      const cat = await call('GET', '/api/surveillance/diseases', cdc);
      assert.equal(new Set(cat.json().items.map((d: { group: string }) => d.group)).size, 41);
    });
  });
}
