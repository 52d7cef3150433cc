// Contract and programme rates at every level (team, township, community, county) and period (month,
// quarter, year, year to date) on a small hand-built county; the right answers are written here.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../../../test/helpers/db.ts';
import { openTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { buildTestCounty, VILLAGE_A, VILLAGE_A2, VILLAGE_B } from '../../../test/helpers/county.ts';
import { makeIdNumber } from '../registry/id-number.ts';
import { PACKAGES } from '../demo/history.ts';
import { buildCommunity, buildContract, buildEncounter, buildFollowup, buildPackage, buildTeam, facilityId } from '../../../test/helpers/factories.ts';

// A past year, so that every period is over and the answers do not move with the calendar.
const Y = new Date().getUTCFullYear() - 1;
const P = Y - 1;

for (const engine of ENGINES) {
  describe(`rates by level and period [${engine}]`, () => {
    let t: TestApp;
    let officer: string;
    const ids: Record<string, string> = {};
    const team: Record<string, string> = {};
    before(async () => {
      t = await openTestApp(engine);
      await buildTestCounty(t.db);
      // The medical community holds township A's centre and clinic; township B's centre is in none.
      const lead = await facilityId(t.db, 'H0001');
      await buildCommunity(t.db, { name: '文登医共体', leadFacilityId: lead, regionCode: '371003', joinedOn: '2020-01-01',
        memberIds: [lead, await facilityId(t.db, 'T000A'), await facilityId(t.db, 'V00A1')] });
      const admin = await t.signIn('admin', 'sysadmin');
      officer = await t.signIn('officer', 'officer', { regionCode: '371003' });
      const people: [string, string, string][] = [
        ['a1', '1950-02-01', VILLAGE_A], ['a2', '1970-01-01', VILLAGE_A], ['a3', '1980-01-01', VILLAGE_A2], ['a4', '2000-01-01', VILLAGE_A2],
        ['b1', '1960-01-01', VILLAGE_B], ['b2', `${Y - 35}-06-01`, VILLAGE_B], // b2 turns 35 on 1 June of the year
      ];
      for (const [i, [k, bd, v]] of people.entries()) {
        const r = await t.app.inject({ method: 'POST', url: '/api/residents', headers: { cookie: admin }, payload: { idType: 'resident_id', idNumber: makeIdNumber('371003', bd, String(301 + i * 2)), name: `居民${k}`, villageCode: v } });
        assert.equal(r.statusCode, 201, r.body);
        ids[k] = r.json().resident.id;
      }
      await t.db.query("UPDATE residents SET conditions = '{hypertension}' WHERE id = ANY($1::uuid[])", [[ids.a1, ids.a2, ids.b1]]);
      await t.db.query("UPDATE residents SET conditions = '{diabetes}' WHERE id = $1", [ids.a3]);
      for (const p of PACKAGES) await buildPackage(t.db, { code: p.code, name: p.name, kind: p.kind, priceFen: p.price, payer: p.payer, items: p.items });
      for (const [k, fac, village] of [['A1', 'T000A', VILLAGE_A], ['A2', 'T000A', VILLAGE_A2], ['B1', 'T000B', VILLAGE_B]]) {
        team[k] = (await buildTeam(t.db, { name: `${k}队`, facilityId: await facilityId(t.db, fac), leadWorkerId: null, villages: [village] })).id;
      }
      const contract = async (who: string, tm: string, startsOn: string, endsOn: string, status: 'signed' | 'renewed' | 'ended', packages: string[], previousId: string | null = null, endedReason: string | null = null) =>
        (await buildContract(t.db, { residentId: ids[who], teamId: team[tm], startsOn, endsOn, status, packages, previousId, endedReason })).id;
      await contract('a1', 'A1', `${Y}-01-01`, `${Y}-12-31`, 'signed', ['BASIC', 'HTN', 'ELDERLY']);
      await contract('a2', 'A2', `${Y}-01-01`, `${Y}-12-31`, 'signed', ['BASIC', 'HTN']); // lives in A's village, signed with team A2
      const b1old = await contract('b1', 'B1', `${P}-01-01`, `${P}-12-31`, 'ended', ['BASIC', 'HTN'], null, 'renewed');
      await contract('b1', 'B1', `${Y}-01-01`, `${Y}-12-31`, 'renewed', ['BASIC', 'HTN'], b1old);
      await contract('b2', 'B1', `${P}-04-01`, `${Y}-03-31`, 'signed', ['BASIC']); // ran out on 31 March, not renewed
      const a4old = await contract('a4', 'A2', `${P}-03-01`, `${Y}-02-28`, 'ended', ['BASIC'], null, 'renewed');
      await contract('a4', 'A2', `${Y}-03-01`, `${Y + 1}-02-28`, 'renewed', ['BASIC'], a4old);
      const t000a = await facilityId(t.db, 'T000A');
      const fu = (who: string, programme: 'hypertension' | 'diabetes', visitDate: string, onTarget: boolean) =>
        buildFollowup(t.db, { residentId: ids[who], programme, facilityId: t000a, visitDate, sbp: 130, dbp: 80, fastingGlucose: 6, onTarget, nextVisitDate: visitDate });
      for (const [d, on] of [['02-10', true], ['05-10', false], ['08-10', true], ['11-10', true]] as const) await fu('a1', 'hypertension', `${Y}-${d}`, on);
      await fu('a2', 'hypertension', `${Y}-03-05`, false);
      await fu('a2', 'hypertension', `${Y}-05-20`, false);
      await fu('b1', 'hypertension', `${Y}-04-15`, true);
      await fu('a3', 'diabetes', `${Y}-04-01`, true);
      await buildEncounter(t.db, { residentId: ids.a1, kind: 'health_check', facilityId: lead, startedAt: `${Y}-06-01T02:00:00Z` });
    });
    after(() => t.close());

    const get = async (url: string) => {
      const r = await t.app.inject({ method: 'GET', url, headers: { cookie: officer } });
      assert.equal(r.statusCode, 200, r.body);
      return r.json();
    };
    type Prog = { code: string; name: string; adults35: number; managed: number; standard: number; controlled: number };
    const prog = async (q: string) => {
      const j = await get(`/api/chronic/rates?${q}`);
      return { j, rows: Object.fromEntries((j.items as Prog[]).map((x) => [x.name, [x.adults35, x.managed, x.standard, x.controlled]])) };
    };

    test('programme rates, hypertension, the year: every level', async () => {
      const town = await prog(`programme=hypertension&level=township&period=year&on=${Y}-06-15`);
      assert.deepEqual([town.j.from, town.j.to, town.j.requiredFollowUps], [`${Y}-01-01`, `${Y}-12-31`, 4]);
      // [adults 35+, managed, norm-compliant (≥4), controlled at the last visit]
      assert.deepEqual(town.rows, { 甲镇: [3, 2, 1, 1], 乙镇: [2, 1, 0, 1] });
      const a = town.j.items.find((x: Prog) => x.name === '甲镇');
      assert.deepEqual([a.managementRate, a.standardRate, a.controlRate, a.estimated], [2 / (3 * 0.275), 0.5, 0.5, 1]);
      assert.deepEqual((await prog(`programme=hypertension&level=county&period=year&on=${Y}-06-15`)).rows, { 文登区: [5, 3, 1, 2] });
      assert.deepEqual((await prog(`programme=hypertension&level=community&period=year&on=${Y}-06-15`)).rows, { 文登医共体: [3, 2, 1, 1] }, 'township B is in no community');
      // teams on 31 Dec: a1 → A1 (contract); a2 → A2 (contract, though living in A1's village); a3 → A2 (its village); a4 → A2; b1, b2 → B1
      assert.deepEqual((await prog(`programme=hypertension&level=team&period=year&on=${Y}-06-15`)).rows, { 'A1队（甲镇卫生院）': [1, 1, 1, 1], 'A2队（甲镇卫生院）': [2, 1, 0, 0], 'B1队（乙镇卫生院）': [2, 1, 0, 1] });
      const cfg = (await prog(`programme=hypertension&level=county&period=year&on=${Y}-06-15&prevalence=0.25`)).j;
      assert.deepEqual([cfg.prevalence, cfg.items[0].estimated, cfg.items[0].managementRate], [0.25, 1, 3 / (5 * 0.25)], 'the prevalence estimate is configurable');
      assert.ok(cfg.definitions.standard.zh.includes('规范管理率'));
    });

    test('programme rates at the end of a month, a quarter and a day (year to date); the age-35 line moves with the period', async () => {
      const may = await prog(`programme=hypertension&level=township&period=month&on=${Y}-05-15`);
      // every period counts from 1 January to its end: by 31 May one quarter has ended, so one follow-up is asked for
      assert.deepEqual([may.j.from, may.j.to, may.j.countedFrom, may.j.requiredFollowUps], [`${Y}-05-01`, `${Y}-05-31`, `${Y}-01-01`, 1]);
      // norm-compliance is counted to the last quarter ended, 31 March: a1 (10 Feb) and a2 (5 Mar) were seen by then, b1 (15 Apr) not;
      // with one quarter over the rate is not yet measurable (every managed patient has the one follow-up asked)
      assert.equal(may.j.standardTo, `${Y}-03-31`);
      assert.equal(may.j.standardMeasurable, false);
      assert.deepEqual(may.rows, { 甲镇: [3, 2, 2, 0], 乙镇: [1, 1, 0, 1] }, 'b2 is not yet 35 on 31 May');
      assert.ok(may.j.items.every((x: { standardRate: number | null }) => x.standardRate === null));
      const q2 = await prog(`programme=hypertension&level=township&period=quarter&on=${Y}-05-15`);
      assert.deepEqual([q2.j.from, q2.j.to, q2.j.requiredFollowUps], [`${Y}-04-01`, `${Y}-06-30`, 2]);
      // by 30 June two follow-ups are asked for: a1 (10 Feb, 10 May) and a2 (5 Mar, 20 May) have them, b1 (15 Apr) does not
      assert.deepEqual(q2.rows, { 甲镇: [3, 2, 2, 0], 乙镇: [2, 1, 0, 1] });
      const ytd = await prog(`programme=hypertension&level=township&period=ytd&on=${Y}-05-15`);
      assert.deepEqual([ytd.j.from, ytd.j.to, ytd.j.requiredFollowUps], [`${Y}-01-01`, `${Y}-05-15`, 1]);
      assert.deepEqual(ytd.rows, { 甲镇: [3, 2, 2, 0], 乙镇: [1, 1, 0, 1] });
      assert.deepEqual((await prog(`programme=diabetes&level=team&period=year&on=${Y}-01-01`)).rows, { 'A1队（甲镇卫生院）': [1, 0, 0, 0], 'A2队（甲镇卫生院）': [2, 1, 0, 1], 'B1队（乙镇卫生院）': [2, 0, 0, 0] });
    });

    type Con = { name: string; population: number; contracted: number; priorityPopulation: number; priorityContracted: number; fulfilled: number; previousCycle: number; renewed: number; groups: { group: string; population: number; contracted: number; rate: number | null }[] };
    const con = async (q: string) => {
      const j = await get(`/api/contracts/rates?${q}`);
      return { j, rows: Object.fromEntries((j.items as Con[]).map((x) => [x.name, [x.population, x.contracted, x.priorityPopulation, x.priorityContracted, x.fulfilled, x.previousCycle, x.renewed]])) };
    };

    test('contract rates, the year: every level, with per-group coverage', async () => {
      const town = await con(`level=township&period=year&on=${Y}-06-15`);
      // [population, contracted, priority population, priority contracted, fulfilled, previous cycle, renewed]
      // fulfilled on 31 Dec: a1 (4 follow-ups, the check) and a4 (basic only); a2 and b1 are short of follow-ups.
      // renewal: a4's first year ended 28 Feb (renewed); b2's ended 31 Mar (not); the years ending on 31 Dec are not judged yet.
      assert.deepEqual(town.rows, { 甲镇: [4, 3, 3, 2, 2, 1, 1], 乙镇: [2, 1, 1, 1, 0, 1, 0] });
      const a = town.j.items.find((x: Con) => x.name === '甲镇');
      assert.deepEqual([a.coverage, a.priorityCoverage, a.fulfilmentRate, a.renewalRate], [3 / 4, 2 / 3, 2 / 3, 1]);
      const g = Object.fromEntries(a.groups.filter((x: Con['groups'][number]) => x.population).map((x: Con['groups'][number]) => [x.group, [x.population, x.contracted, x.rate]]));
      assert.deepEqual(g, { elderly_65: [1, 1, 1], hypertension: [2, 2, 1], diabetes: [1, 0, 0] });
      assert.equal(town.j.groupLabels.elderly_65.zh, '65岁及以上老年人');
      assert.deepEqual((await con(`level=county&period=year&on=${Y}-06-15`)).rows, { 文登区: [6, 4, 4, 3, 2, 2, 1] });
      assert.deepEqual((await con(`level=community&period=year&on=${Y}-06-15`)).rows, { 文登医共体: [4, 3, 3, 2, 2, 1, 1] });
      assert.deepEqual((await con(`level=team&period=year&on=${Y}-06-15`)).rows, {
        'A1队（甲镇卫生院）': [1, 1, 1, 1, 1, 0, 0], 'A2队（甲镇卫生院）': [3, 2, 2, 1, 1, 1, 1], 'B1队（乙镇卫生院）': [2, 1, 1, 1, 0, 1, 0] });
      assert.ok(town.j.definitions.contract_renewal.zh.includes('续约率'));
      assert.ok(town.j.definitions.attribution.zh.includes('团队'));
    });

    test('contract rates by month and by quarter: fulfilment to the period\'s end, renewal of the years ending in it', async () => {
      // 31 May: one quarterly follow-up owed (a1, a2, b1 each had it), no annual check owed yet: all fulfilled; nothing ended in May.
      const may = await con(`level=township&period=month&on=${Y}-05-15`);
      assert.deepEqual(may.rows, { 甲镇: [4, 3, 3, 2, 3, 0, 0], 乙镇: [2, 1, 1, 1, 1, 0, 0] });
      assert.equal(may.j.items[0].renewalRate, null);
      // 31 Mar: b2's year still runs (it ends that day); b1 owes its first follow-up (done only on 15 Apr); a4's first year ended 28 Feb and was renewed.
      const q1 = await con(`level=township&period=quarter&on=${Y}-02-15`);
      assert.deepEqual([q1.j.from, q1.j.to], [`${Y}-01-01`, `${Y}-03-31`]);
      assert.deepEqual(q1.rows, { 甲镇: [4, 3, 3, 2, 3, 1, 1], 乙镇: [2, 2, 1, 1, 1, 0, 0] });
      const ytd = await con(`level=county&period=ytd&on=${Y}-04-30`);
      // to 30 Apr: b2's year ended 31 Mar without renewal; a4's renewed
      assert.deepEqual(ytd.rows, { 文登区: [6, 4, 4, 3, 4, 2, 1] });
    });

    test('drill-down at any level: public-health staff see the residents of their township behind a team\'s number, audited; nobody elsewhere', async () => {
      const ph = await t.signIn('ph', 'public_health', { regionCode: '371003100000' });
      const drill = async (code: string, measure: string, cookie = ph) => {
        const r = await t.app.inject({ method: 'GET', url: `/api/chronic/rates/residents?programme=hypertension&level=team&code=${code}&period=year&on=${Y}-06-15&measure=${measure}`, headers: { cookie } });
        assert.equal(r.statusCode, 200, r.body);
        return r.json().items.map((x: { name: string; followUps: number }) => `${x.name}:${x.followUps}`);
      };
      assert.deepEqual(await drill(team.A2, 'managed'), ['居民a2:2']);
      assert.deepEqual(await drill(team.A1, 'standard'), ['居民a1:4']);
      assert.deepEqual(await drill(team.A2, 'not_controlled'), ['居民a2:2']);
      assert.deepEqual(await drill(team.B1, 'managed'), [], 'township B is outside their region');
      const nobody = await t.signIn('ph2', 'public_health', { regionCode: '371003101000' });
      assert.deepEqual(await drill(team.A1, 'managed', nobody), []);
      const [{ n }] = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'chronic.rate_residents'");
      assert.equal(n, 5);
      const off = await t.app.inject({ method: 'GET', url: `/api/chronic/rates/residents?programme=hypertension&level=team&code=${team.A1}&measure=managed`, headers: { cookie: officer } });
      assert.equal(off.statusCode, 403, 'officers see aggregates only');
    });

    test('bad levels and periods are refused naming the field', async () => {
      const r = await t.app.inject({ method: 'GET', url: '/api/contracts/rates?level=village&period=week', headers: { cookie: officer } });
      assert.equal(r.statusCode, 400);
      assert.deepEqual(r.json().error.fields.map((f: { path: string }) => f.path).sort(), ['querystring.level', 'querystring.period']);
      const p = await t.app.inject({ method: 'GET', url: '/api/chronic/rates?programme=hypertension&prevalence=2', headers: { cookie: officer } });
      assert.equal(p.statusCode, 400);
      assert.deepEqual(p.json().error.fields.map((f: { path: string }) => f.path), ['querystring.prevalence']);
    });
  });
}
