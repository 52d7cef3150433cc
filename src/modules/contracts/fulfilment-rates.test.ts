// The rates' fulfilment (counted set-based in SQL) agrees, unit by unit, with the rule applied to each
// current contract on its own (`fulfilment` of rules.ts over `deliveredByContract`), on a seeded county
// with an extra package owing home visits, consultations and vaccinations, at several days and levels.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, openTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { seedCounty } from '../demo/seed.ts';
import { buildPackage } from '../../../test/helpers/factories.ts';
import { contractRates, deliveredByContract, owedServices, type RateLevel } from './service.ts';

/** The oracle's attribution of a resident (`r`) to a unit on the day $1, over contracts' SQL functions (migration 018). */
function unitSql(level: RateLevel): { joins: string; key: string } {
  if (level === 'team') return { joins: 'LEFT JOIN (SELECT resident_id, contract_id AS id, team_id FROM contract_team_on($1::date)) cur ON cur.resident_id = r.id LEFT JOIN village_team() area ON area.village_code = r.village_code', key: 'coalesce(cur.team_id, area.team_id)::text' };
  if (level === 'community') return { joins: 'LEFT JOIN township_community_on($1::date) tc ON tc.township_code = township_of(r.village_code)', key: 'tc.community_id::text' };
  return { joins: '', key: level === 'county' ? 'r.county_code' : 'township_of(r.village_code)' };
}
import { fulfilment, type PackageItem } from './rules.ts';

for (const engine of ENGINES) {
  describe(`contract fulfilment, set-based and per contract [${engine}]`, () => {
    let t: TestDb;
    before(async () => {
      t = await openTestDb(engine);
      await seedCounty(t.db, t.keys, { county: '371003', residents: 2000, seed: 5, indicators: false });
      // Every third current contract also takes a package owing services the demo packages do not.
      await buildPackage(t.db, { code: 'EXTRA', name: '测试包', kind: 'personalised', priceFen: 1000, payer: 'resident', items: [
        { service: 'home_visit', name: '上门服务', frequency: '2次/年' }, { service: 'consultation', name: '一般诊疗', frequency: '6次/年' },
        { service: 'immunisation', name: '预防接种', frequency: '1次/年' }, { service: 'health_check', name: '健康体检', frequency: '2次/年' }] });
      // (set-based on purpose: a third of the seeded county's contracts, picked by a hash of their id)
      await t.db.query(`INSERT INTO contract_packages (contract_id, package_id) SELECT c.id, p.id FROM contracts c, service_packages p
        WHERE p.code = 'EXTRA' AND c.status IN ('signed','renewed') AND abs(hashtext(c.id::text)) % 3 = 0`);
    });
    after(() => t.close());

    // The oracle: each current contract of a resident counted, judged by the rule one by one (as the rates did before).
    const perContract = async (level: RateLevel, asOf: string) => {
      const u = unitSql(level);
      const cs = await t.db.query<{ id: string; resident_id: string; starts_on: string; ends_on: string; unit: string; items: PackageItem[] }>(
        `SELECT cur.id, r.id AS resident_id, c.starts_on::text, c.ends_on::text, ${u.key} AS unit,
                (SELECT coalesce(jsonb_agg(i), '[]') FROM contract_packages cp JOIN service_packages p ON p.id = cp.package_id, jsonb_array_elements(p.items) i WHERE cp.contract_id = cur.id) AS items
           FROM residents r ${level === 'team' ? u.joins : `LEFT JOIN (SELECT DISTINCT ON (c.resident_id) c.resident_id, c.id FROM contracts c WHERE contract_in_force(c.status, c.ended_reason, c.starts_on, c.ends_on, c.ended_on, $1::date)
                 ORDER BY c.resident_id, c.starts_on DESC) cur ON cur.resident_id = r.id ${u.joins}`} JOIN contracts c ON c.id = cur.id
          WHERE r.merged_into IS NULL AND r.permanent AND (r.death_date IS NULL OR r.death_date > $1::date)`, [asOf]);
      const delivered = await deliveredByContract(t.db, cs.map((c) => ({ id: c.id, residentId: c.resident_id, from: c.starts_on, to: asOf })), owedServices(cs.flatMap((c) => c.items)));
      const out: Record<string, [number, number]> = {};
      for (const c of cs) {
        if (c.unit == null) continue;
        const x = (out[c.unit] ??= [0, 0]);
        x[1]++;
        if (fulfilment(c.items, delivered.get(c.id) ?? {}, c.starts_on, c.ends_on, asOf).fulfilled) x[0]++;
      }
      return out;
    };

    test('fulfilled and contracted per unit agree at every level on several days, and some contracts are short of a service', async () => {
      const year = new Date().getUTCFullYear();
      for (const asOf of [`${year - 1}-03-31`, `${year - 1}-09-30`, `${year - 1}-12-31`, `${year}-01-15`]) {
        for (const level of ['county', 'township', 'community', 'team'] as RateLevel[]) {
          const rates = await contractRates(t.db, null, { level, to: asOf });
          const want = await perContract(level, asOf);
          const got = Object.fromEntries(rates.filter((r) => r.contracted).map((r) => [r.code, [r.fulfilled, r.contracted]]));
          assert.deepEqual(got, want, `${level} on ${asOf}`);
          if (level === 'county') {
            const [c] = rates;
            assert.ok(c.fulfilled > 0 && c.fulfilled < c.contracted, `some fulfilled, some not on ${asOf}: ${c.fulfilled} of ${c.contracted}`);
          }
        }
      }
    });

    test('within a township, the same answers as the county\'s rows for it', async () => {
      const year = new Date().getUTCFullYear();
      const all = await contractRates(t.db, null, { level: 'township', to: `${year - 1}-12-31` });
      const town = all.find((r) => r.contracted > 0)!;
      const inside = await contractRates(t.db, town.code.slice(0, 9), { level: 'township', to: `${year - 1}-12-31` });
      assert.deepEqual(inside, [town]);
    });
  });
}
