// Issue 23, finding 15 (the indicator drill-down): the residents behind a rate were read with one audit
// row holding a count, so the read was missing from each resident's trail. Now every resident shown has
// an audit row of their own (resident id, basis, the indicator and unit asked for).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../helpers/db.ts';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { buildTestCounty, TOWN_A, VILLAGE_A, VILLAGE_A2, VILLAGE_B } from '../helpers/county.ts';

for (const engine of ENGINES) {
  describe(`finding 15: the indicator drill-down leaves one audit row per resident shown [${engine}]`, () => {
    let t: TestApp;
    const id: Record<string, string> = {};
    before(async () => {
      t = await openTestApp(engine);
      await buildTestCounty(t.db);
      for (const [k, v] of [['A1', VILLAGE_A], ['A2', VILLAGE_A2], ['A3', VILLAGE_A], ['B1', VILLAGE_B]] as const) {
        const [r] = await t.db.query<{ id: string }>(
          `INSERT INTO residents (county_code, id_type, id_number_enc, id_number_hash, id_number_last4, name, name_pinyin, name_initials, sex, birth_date, village_code, permanent)
           VALUES ('371003', 'resident_id', 'x', $1, '0000', $2, $2, $2, 'F', '1950-01-01', $3, true) RETURNING id`, [`h15-${k}`, `居民${k}`, v]);
        id[k] = r.id;
      }
    });
    after(() => t.close());

    test('public-health staff drill into their township: each of the three residents shown has an audit row naming them', async () => {
      const ph = await t.signIn('ph15', 'public_health', { regionCode: TOWN_A });
      const r = await t.app.inject({ method: 'GET', url: `/api/indicators/residents?code=contract_coverage&period=2025&level=township&unit=${TOWN_A}&part=denominator`, headers: { cookie: ph } });
      assert.equal(r.statusCode, 200, r.body);
      const shown = r.json().items.map((x: { residentId: string }) => x.residentId).sort();
      assert.deepEqual(shown, [id.A1, id.A2, id.A3].sort(), 'the township\'s three residents, not B1 of the other township');
      const rows = await t.db.query<{ resident_id: string; basis: string; details: { code: string; unit: string } }>(
        `SELECT a.resident_id, a.basis, a.details FROM audit_log a JOIN users u ON u.id = a.user_id WHERE u.username = 'ph15' AND a.action = 'indicator.residents' ORDER BY a.id`);
      assert.deepEqual(rows.map((x) => x.resident_id).sort(), shown, 'one row per resident shown');
      for (const x of rows) {
        assert.equal(x.basis, 'public_health');
        assert.equal(x.details.code, 'contract_coverage');
        assert.equal(x.details.unit, TOWN_A);
      }
      const b1 = await t.db.query(`SELECT 1 FROM audit_log WHERE resident_id = $1 AND action = 'indicator.residents'`, [id.B1]);
      assert.equal(b1.length, 0, 'a resident not shown has no row');
    });
  });
}
