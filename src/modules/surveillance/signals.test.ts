// The daily detection through the API: a cholera case raises the fixed-threshold signal for the county;
// eight hand, foot and mouth cases in one township today raise EARS C3 there (C2 = (8 − 0)/0.2 = 40,
// C3 = 39 > 2); fever complaints count into the fever syndrome. The CDC verifies, investigates and
// confirms the outbreak with its cases; responsiveness figures follow. Attackers get 403/404/400/409.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../../../test/helpers/db.ts';
import { openTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { buildTestCounty, COUNTY, TOWN_A, TOWN_B, VILLAGE_A } from '../../../test/helpers/county.ts';
import { buildResident } from '../../../test/helpers/factories.ts';

for (const engine of ENGINES) {
  describe(`signals [${engine}]`, () => {
    let t: TestApp;
    let doc: string; let cdc: string; let cdcB: string; let docOnly: string;
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    before(async () => {
      t = await openTestApp(engine);
      await buildTestCounty(t.db);
      doc = await t.signIn('doc', 'doctor', { facilityCode: 'H0001' });
      docOnly = doc;
      cdc = await t.signIn('cdc', 'public_health', { regionCode: COUNTY });
      cdcB = await t.signIn('cdcb', 'public_health', { regionCode: TOWN_B });
      const visit = async (name: string, icd10: string) => {
        const p = await buildResident(t.db, { name, birthDate: '2020-06-01', villageCode: VILLAGE_A });
        const r = await t.app.inject({ method: 'POST', url: '/api/records/encounters', headers: { cookie: doc },
          payload: { residentId: p.id, kind: 'outpatient', facilityCode: 'H0001', startedAt: new Date(Date.now() - 60_000).toISOString(), reason: '发热、皮疹', diagnoses: [{ icd10 }], presence: { idNumber: p.idNumber } } });
        assert.equal(r.statusCode, 200, r.body);
      };
      for (let i = 0; i < 8; i++) await visit(`手足口${i}`, 'B08.4');
      await visit('霍乱甲', 'A00');
    });
    after(() => t.close());
    const call = (method: 'POST' | 'GET', url: string, cookie: string, payload?: object) => t.app.inject({ method, url, headers: { cookie }, payload });

    test('the detection raises fixed (cholera, county) and EARS C3 (HFMD and fever, township A) with counts and baseline; a rerun stores nothing new', async () => {
      assert.equal((await call('POST', '/api/surveillance/detection/run', docOnly, {})).statusCode, 403);
      assert.equal((await call('POST', '/api/surveillance/detection/run', cdcB, {})).statusCode, 403); // a township's staff: not the county CDC
      assert.equal((await call('POST', '/api/surveillance/detection/run', cdc, { day: '2026-02-30' })).statusCode, 400);
      const r = await call('POST', '/api/surveillance/detection/run', cdc, {});
      assert.equal(r.statusCode, 200, r.body);
      const items = (await call('GET', '/api/surveillance/signals', cdc)).json().items as { id: string; series: string; method: string; townshipCode: string | null; observed: number; expected: number; statistic: number; baseline: number[]; status: string; day: string; params: { minCases?: number } }[];
      const got = items.map((s) => `${s.series}|${s.method}|${s.townshipCode ?? 'county'}|${s.observed}`).sort();
      assert.deepEqual(got, [
        `cholera|fixed|county|1`,
        `hfmd|ears_c3|${TOWN_A}|8`,
        `syndrome:fever|ears_c3|${TOWN_A}|9`,
        `syndrome:rash|ears_c3|${TOWN_A}|9`,
      ]);
      const h = items.find((s) => s.series === 'hfmd')!;
      assert.deepEqual([h.day, h.expected, h.statistic, h.baseline, h.status, h.params.minCases], [today, 0, 39, [0, 0, 0, 0, 0, 0, 0], 'open', 3]);
      assert.equal(r.json().stored, 4);
      const again = await call('POST', '/api/surveillance/detection/run', cdc, {});
      assert.equal(again.json().stored, 0);
      // another township's staff do not see township A's signal
      assert.ok(!(await call('GET', '/api/surveillance/signals', cdcB)).json().items.some((s: { id: string }) => s.id === h.id));
      assert.equal((await call('GET', `/api/surveillance/signals/${h.id}`, cdcB)).statusCode, 404);
      const detail = (await call('GET', `/api/surveillance/signals/${h.id}`, cdc)).json();
      assert.equal(detail.points.length, 60);
      assert.deepEqual(detail.points.at(-1), { day: today, n: 8 });
      const grid = (await call('GET', '/api/surveillance/grid', cdc)).json();
      const a = grid.townships.find((x: { code: string }) => x.code === TOWN_A);
      assert.deepEqual([a.signals, a.cases, a.syndromes, grid.countySignals], [3, 9, 19, 1]); // syndromes: fever 9, rash 9, diarrhoea 1 (cholera, A00)
    });

    test('respond: verify, investigate, confirm with the cases linked; exclude needs a reason; wrong order 409', async () => {
      const items = (await call('GET', '/api/surveillance/signals', cdc)).json().items as { id: string; series: string }[];
      const h = items.find((s) => s.series === 'hfmd')!;
      const fever = items.find((s) => s.series === 'syndrome:fever')!;
      assert.equal((await call('POST', `/api/surveillance/signals/${h.id}/respond`, cdc, { action: 'confirm', cardIds: [] })).statusCode, 409);
      assert.equal((await call('POST', `/api/surveillance/signals/${fever.id}/respond`, cdc, { action: 'exclude' })).statusCode, 400);
      const ex = await call('POST', `/api/surveillance/signals/${fever.id}/respond`, cdc, { action: 'exclude', note: '与手足口病信号为同一批病例' });
      assert.deepEqual([ex.statusCode, ex.json().status], [200, 'excluded']);
      const inv = await call('POST', `/api/surveillance/signals/${h.id}/respond`, cdc, { action: 'investigate', note: '现场流调' });
      assert.deepEqual([inv.json().status, inv.json().actions], ['investigating', ['confirm', 'close']]);
      assert.ok(inv.json().respondedAt);
      const ids = (await t.db.query<{ id: string }>("SELECT id FROM report_cards WHERE disease = 'hfmd' ORDER BY id")).map((x) => x.id);
      assert.equal((await call('POST', `/api/surveillance/signals/${h.id}/respond`, cdc, { action: 'confirm' })).statusCode, 400);
      assert.equal((await call('POST', `/api/surveillance/signals/${h.id}/respond`, cdc, { action: 'confirm', cardIds: ['00000000-0000-4000-8000-000000000000'] })).statusCode, 400);
      const conf = await call('POST', `/api/surveillance/signals/${h.id}/respond`, cdc, { action: 'confirm', cardIds: ids, note: '托幼机构聚集性疫情' });
      assert.deepEqual([conf.statusCode, conf.json().status, conf.json().cases], [200, 'confirmed', ids]);
      assert.equal((await call('POST', `/api/surveillance/signals/${h.id}/respond`, cdcB, { action: 'close', note: 'x' })).statusCode, 404);
      const fig = (await call('GET', '/api/surveillance/signals/figures', cdc)).json();
      assert.deepEqual([fig.signals, fig.responded, fig.respondedShare, fig.inTimeShare, fig.byStatus.open, fig.byStatus.confirmed, fig.byStatus.excluded], [4, 2, 0.5, 0.5, 2, 1, 1]);
      const audit = await t.db.query<{ action: string }>("SELECT action FROM audit_log WHERE record_id = $1 ORDER BY id", [h.id]);
      assert.deepEqual(audit.map((x) => x.action), ['surveillance.signal_investigate', 'surveillance.signal_confirm']);
    });
  });
}
