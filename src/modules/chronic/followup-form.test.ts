// The national follow-up forms through the API: every bound beyond its limit is refused by name and
// nothing is written; a complete form of each programme is read back as sent.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../../../test/helpers/db.ts';
import { openTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { addDays } from '../../shared/time.ts';
import { buildContract, buildEnrolment, buildFacility, buildRegionTree, buildResident, buildTeam, buildWorker, linkUserToWorker } from '../../../test/helpers/factories.ts';

for (const engine of ENGINES) {
  describe(`chronic follow-up form [${engine}]`, () => {
    let t: TestApp;
    let vd: string;
    const ids: Record<string, string> = {};
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    const fu = (body: object) => t.app.inject({ method: 'POST', url: '/api/chronic/followups', headers: { cookie: vd }, payload: body });
    const last = async (residentId: string, programme: string) =>
      (await t.app.inject({ method: 'GET', url: `/api/chronic/followups/last?residentId=${residentId}&programme=${programme}`, headers: { cookie: vd } })).json().last;
    before(async () => {
      t = await openTestApp(engine);
      const tree = await buildRegionTree(t.db, { county: '371091' });
      const town = await buildFacility(t.db, { code: 'T91A', name: '甲镇卫生院', tier: 'township', kind: 'township_centre', regionCode: tree.townA, beds: 40 });
      const clinic = await buildFacility(t.db, { code: 'V91A', name: '甲一村卫生室', tier: 'village', kind: 'village_clinic', regionCode: tree.villageA, parentCode: town.code });
      vd = await t.signIn('vdform', 'village_doctor', { facilityCode: clinic.code });
      const w = await buildWorker(t.db, { name: '村医王', workerType: 'village_doctor', employerId: clinic.id });
      await linkUserToWorker(t.db, 'vdform', w.id);
      const team = await buildTeam(t.db, { name: '甲镇1队', facilityId: town.id, members: [{ workerId: w.id, role: 'village_doctor' }] });
      for (const [k, birthDate] of [['h', '1958-04-01'], ['d', '1962-09-01']] as const) {
        ids[k] = (await buildResident(t.db, { name: `患者${k}`, birthDate, villageCode: tree.villageA })).id;
        await buildContract(t.db, { residentId: ids[k], teamId: team.id, startsOn: addDays(today, -100), endsOn: addDays(today, 265) });
      }
      await buildEnrolment(t.db, { residentId: ids.h, programme: 'hypertension' });
      await buildEnrolment(t.db, { residentId: ids.d, programme: 'diabetes' });
    });
    after(() => t.close());

    const htnForm = () => ({
      residentId: ids.h, programme: 'hypertension', visitDate: today, visitMode: 'home', symptoms: [], noSymptoms: true, sbp: 136, dbp: 84, heartRate: 72, weightKg: 68.5, heightCm: 165,
      smokingNow: 10, smokingTarget: 5, drinkingNow: 2.5, drinkingTarget: 1, exerciseTimesNow: 3, exerciseTimesTarget: 5, exerciseMinutesNow: 20, exerciseMinutesTarget: 30,
      saltNow: 'heavy', saltTarget: 'light', psychology: 'fair', compliance: 'good', adherence: 'regular', adverseReaction: true, adverseReactionText: '干咳',
      medications: [{ drug: '氨氯地平片', dose: 5, unit: 'mg', timesPerDay: 1 }, { drug: '氢氯噻嗪片', dose: 12.5, unit: 'mg', timesPerDay: 1 }],
      transferReason: '血压波动', transferTo: '县人民医院 心内科', advice: '低盐饮食，戒烟', nextVisitDate: addDays(today, 60),
    });

    test('a complete hypertension form is saved and read back as sent, the doctor as its signature', async () => {
      const r = await fu(htnForm());
      assert.equal(r.statusCode, 200, r.body);
      // controlled (136/84, but a drug reaction): class 3, back within 2 weeks by the rule; the doctor chose 60 days
      assert.equal(r.json().class, 'adverse_reaction');
      assert.equal(r.json().ruleNextVisitDate, addDays(today, 14));
      assert.equal(r.json().nextVisitDate, addDays(today, 60));
      const l = await last(ids.h, 'hypertension');
      const { residentId: _r, programme: _p, visitDate, adverseReaction: _a, ...sent } = htnForm();
      for (const [k, v] of Object.entries(sent)) assert.deepEqual(l[k], v, k);
      assert.equal(l.visitDate, visitDate);
      assert.equal(l.doctorName, '村医王');
      assert.equal(l.stapleNow, null);
    });

    test('a complete diabetes form is saved and read back as sent', async () => {
      const body = {
        residentId: ids.d, programme: 'diabetes', visitDate: today, symptoms: [], fastingGlucose: 8.4, sbp: 128, dbp: 78, weightKg: 72, heightCm: 170,
        pedisLeft: 'normal', pedisRight: 'weak', stapleNow: 400, stapleTarget: 300, smokingNow: 0, smokingTarget: 0, exerciseTimesNow: 2, exerciseTimesTarget: 5,
        hba1c: 7.8, hba1cDate: addDays(today, -10), hypoglycaemia: 'occasional', adherence: 'intermittent', psychology: 'good', compliance: 'fair',
        medications: [{ drug: '二甲双胍片', dose: 0.5, unit: 'g', timesPerDay: 3 }], insulinKind: '甘精胰岛素', insulinDose: '睡前 10U', advice: '控制主食',
      };
      const r = await fu(body);
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.json().class, 'uncontrolled');
      // no date given: the rule's (uncontrolled → 2 weeks)
      assert.equal(r.json().nextVisitDate, addDays(today, 14));
      const l = await last(ids.d, 'diabetes');
      const { residentId: _r, programme: _p, ...sent } = body;
      for (const [k, v] of Object.entries(sent)) assert.deepEqual(l[k], v, k);
      assert.equal(l.nextVisitDate, addDays(today, 14));
      assert.equal(l.noSymptoms, false);
    });

    test('each bound beyond its limit: 400 naming the field in both languages, nothing written', async () => {
      const before = await last(ids.h, 'hypertension');
      const beyond: [string, object, string, string][] = [
        ['smokingNow', { smokingNow: 101 }, 'cigarettes per day', '日吸烟量'], ['smokingTarget', { smokingTarget: -1 }, 'cigarettes per day', '日吸烟量目标'],
        ['drinkingNow', { drinkingNow: 31 }, 'liquor per day', '日饮酒量'], ['drinkingTarget', { drinkingTarget: 30.5 }, 'liquor per day', '日饮酒量目标'],
        ['exerciseTimesNow', { exerciseTimesNow: 22 }, 'exercise sessions', '运动次数'], ['exerciseTimesTarget', { exerciseTimesTarget: 22 }, 'exercise sessions', '运动次数目标'],
        ['exerciseMinutesNow', { exerciseMinutesNow: 601 }, 'minutes per session', '每次运动时间'], ['exerciseMinutesTarget', { exerciseMinutesTarget: 601 }, 'minutes per session', '每次运动时间目标'],
        ['medications.0.dose', { medications: [{ drug: '氨氯地平片', dose: 5001, unit: 'mg', timesPerDay: 1 }] }, 'dose per time', '每次剂量'],
        ['medications.0.timesPerDay', { medications: [{ drug: '氨氯地平片', dose: 5, unit: 'mg', timesPerDay: 7 }] }, 'times per day', '每日次数'],
        ['nextVisitDate', { nextVisitDate: addDays(today, -1) }, 'next visit', '下次随访日期'],
      ];
      for (const [path, change, en, zh] of beyond) {
        const r = await fu({ ...htnForm(), ...change });
        assert.equal(r.statusCode, 400, path);
        const f = (r.json().error.fields as { path: string; problem: string }[]).find((x) => x.path === path);
        assert.ok(f, `${path} named: ${r.body}`);
        assert.ok(f.problem.includes(en) && f.problem.includes(zh), f.problem);
      }
      const dmBeyond: [string, object][] = [['stapleNow', { stapleNow: 2001 }], ['stapleTarget', { stapleTarget: -5 }], ['hba1c', { hba1c: 20.5 }]];
      for (const [path, change] of dmBeyond) {
        const r = await fu({ residentId: ids.d, programme: 'diabetes', visitDate: today, fastingGlucose: 6.1, hba1cDate: today, ...change });
        assert.equal(r.statusCode, 400, path);
        assert.ok((r.json().error.fields as { path: string }[]).some((x) => x.path === path), `${path}: ${r.body}`);
      }
      assert.deepEqual(await last(ids.h, 'hypertension'), before, 'nothing was written');
      const [{ n }] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM chronic_followups WHERE resident_id = ANY($1::uuid[])', [[ids.h, ids.d]]);
      assert.equal(n, 2, 'only the two complete forms');
    });
  });
}
