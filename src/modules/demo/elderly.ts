// The demo county's elderly 65+ annual services of this year: each health check the year of care gave a
// resident 65+ since 1 January (history.ts, at their township's centre) is their annual service, and a
// further share of those without one had theirs drawn on a day of the year (a visit only if its day has
// come, with its health check in the record) — about two in three served by the year's end, as counties
// report for the programme. Each form is filled as a township centre fills the 健康体检表 (readings
// plausible for the resident's age, sex and conditions), judged by publichealth's own rules
// (elderly.ts: a form they refuse stops the seed), and about one in twenty left incomplete (an item
// not done), recorded but not counted. Loaded through publichealth's and records' bulk loaders.
import type { Db } from '../../platform/db.ts';
import { uuidFrom } from './load.ts';
import { rng as makeRng, type Rng } from './rng.ts';
import { loadCare, type BulkEncounter } from '../records/bulk.ts';
import { loadElderlyServices, type BulkElderlyService } from '../publichealth/bulk.ts';
import { bmiOf, elderlyFormProblems, missingItems, selfCareScore, type ElderlyFormIn, type SelfCareAnswers } from '../publichealth/elderly.ts';
import { addDays, today as todayOf } from '../../shared/time.ts';

interface Old { id: string; birth_date: string; sex: 'M' | 'F'; village_code: string; county_code: string; conditions: string[] }

/** The share of residents 65+ without a health check this year whose annual service is drawn here. */
const EXTRA_SHARE = 0.27;

const gauss = (r: Rng) => Math.sqrt(-2 * Math.log(1 - r.next())) * Math.cos(2 * Math.PI * r.next());
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const clampTo = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** One resident's form: the norm's items, plausible for the resident; `incomplete` leaves one test undone. */
export function demoForm(r: Rng, x: Old, serviceDate: string, incomplete: boolean): ElderlyFormIn {
  const age = Number(serviceDate.slice(0, 4)) - Number(x.birth_date.slice(0, 4));
  const htn = x.conditions.includes('hypertension');
  const dm = x.conditions.includes('diabetes');
  const frail = r.next() < clampTo((age - 70) / 40, 0.03, 0.5);
  const level = (): number => (frail ? (r.next() < 0.5 ? 1 : r.next() < 0.8 ? 2 : 3) : r.next() < 0.9 ? 0 : 1);
  const scores = { eating: [0, 0, 3, 5], grooming: [0, 1, 3, 7], dressing: [0, 0, 3, 5], toileting: [0, 1, 5, 10], activity: [0, 1, 5, 10] } as const;
  const selfCare = Object.fromEntries(Object.entries(scores).map(([k, s]) => [k, s[level()]])) as SelfCareAnswers;
  const heightCm = round(x.sex === 'M' ? 166 + gauss(r) * 5.5 : 155 + gauss(r) * 5);
  const bmi = clampTo(23.8 + gauss(r) * 3, 16.5, 36);
  const weightKg = round((bmi * heightCm * heightCm) / 10000);
  const sbp = Math.round(clampTo((htn ? 146 : 128) + gauss(r) * 13, 95, 200));
  const dbp = Math.round(clampTo(sbp * 0.58 + gauss(r) * 6, 55, sbp - 20));
  const glucose = round(clampTo(dm ? 7.6 + gauss(r) * 1.6 : 5.3 + gauss(r) * 0.6, 3.9, 18));
  const tc = round(clampTo(4.9 + gauss(r) * 0.9, 2.8, 9));
  const smoking = x.sex === 'M' ? (r.next() < 0.32 ? 'current' : r.next() < 0.3 ? 'quit' : 'never') : r.next() < 0.03 ? 'current' : 'never';
  const drinking = x.sex === 'M' ? (['never', 'occasional', 'often', 'daily'] as const)[Math.min(3, Math.floor(r.next() ** 1.6 * 4))] : r.next() < 0.1 ? 'occasional' : 'never';
  const exercise = (['daily', 'weekly', 'occasional', 'none'] as const)[Math.floor(r.next() * 4)];
  const cognition = r.next() < 0.08 ? 'positive' : 'negative';
  const emotion = r.next() < 0.06 ? 'positive' : 'negative';
  const symptoms = r.next() < 0.55 ? ['none'] : [...new Set([(['dizziness', 'fatigue', 'joint_pain', 'blurred_vision', 'tinnitus', 'constipation', 'chronic_cough', 'palpitations'] as const)[Math.floor(r.next() * 8)]])];
  const abnormal = htn || dm || sbp >= 140 || glucose >= 7 || tc >= 6.2 || bmi >= 28;
  const f: ElderlyFormIn = {
    serviceDate, selfCare, symptoms,
    healthSelfRating: (['satisfied', 'fairly_satisfied', 'unsure', 'somewhat_dissatisfied', 'dissatisfied'] as const)[Math.min(4, Math.floor(r.next() ** 1.5 * 5))],
    cognition, mmse: cognition === 'positive' ? 18 + Math.floor(r.next() * 8) : null, emotion, gds: emotion === 'positive' ? 11 + Math.floor(r.next() * 10) : null,
    exerciseFrequency: exercise, exerciseMinutes: exercise === 'none' ? null : 20 + 10 * Math.floor(r.next() * 5), exerciseYears: exercise === 'none' ? null : 1 + Math.floor(r.next() * 20),
    diet: [r.next() < 0.6 ? 'balanced' : r.next() < 0.5 ? 'mostly_vegetarian' : 'mostly_meat', ...(r.next() < 0.3 ? ['salty'] : [])],
    smoking, cigarettesPerDay: smoking === 'current' ? 5 + Math.floor(r.next() * 16) : null, drinking, alcoholLiang: drinking === 'never' ? null : round(0.5 + r.next() * 3),
    temperature: round(36.2 + r.next() * 0.8), pulse: Math.round(clampTo(74 + gauss(r) * 8, 50, 110)), respiration: 16 + Math.floor(r.next() * 5),
    systolicLeft: sbp, diastolicLeft: dbp, heightCm, weightKg, waistCm: round(clampTo((x.sex === 'M' ? 86 : 81) + (bmi - 24) * 2.4 + gauss(r) * 4, 60, 130)),
    lips: r.next() < 0.95 ? 'ruddy' : 'pale', dentition: (['normal', 'missing', 'caries', 'dentures'] as const)[Math.floor(r.next() * 4)], pharynx: r.next() < 0.93 ? 'normal' : 'congested',
    visionLeft: round(clampTo(0.7 + gauss(r) * 0.2, 0.1, 1.5)), visionRight: round(clampTo(0.7 + gauss(r) * 0.2, 0.1, 1.5)),
    hearing: r.next() < clampTo((age - 60) / 60, 0.05, 0.4) ? 'not_heard' : 'heard', motor: frail && r.next() < 0.5 ? 'unable' : 'able',
    skin: 'normal', lymphNodes: 'none', breathSounds: r.next() < 0.95 ? 'normal' : 'abnormal', rales: 'none', heartRate: Math.round(clampTo(74 + gauss(r) * 8, 50, 110)),
    heartRhythm: r.next() < 0.94 ? 'regular' : 'irregular', murmur: 'none', abdomen: 'normal', oedema: r.next() < 0.94 ? 'none' : 'both_symmetric',
    haemoglobin: Math.round(x.sex === 'M' ? 138 + gauss(r) * 12 : 125 + gauss(r) * 10), wbc: round(clampTo(6.2 + gauss(r) * 1.4, 3, 12)), platelets: Math.round(clampTo(215 + gauss(r) * 45, 90, 420)),
    fastingGlucose: glucose, alt: Math.round(clampTo(21 + gauss(r) * 8, 6, 90)), ast: Math.round(clampTo(23 + gauss(r) * 7, 8, 80)), totalBilirubin: round(clampTo(12 + gauss(r) * 4, 3, 30)),
    creatinine: Math.round(clampTo((x.sex === 'M' ? 82 : 64) + gauss(r) * 15, 35, 180)), urea: round(clampTo(5.6 + gauss(r) * 1.3, 2.5, 12)),
    totalCholesterol: tc, triglycerides: round(clampTo(1.5 + gauss(r) * 0.6, 0.4, 5)), ldl: round(clampTo(tc * 0.6 + gauss(r) * 0.3, 0.8, tc - 0.5)), hdl: round(clampTo(1.3 + gauss(r) * 0.25, 0.6, 2.4)),
    urineProtein: r.next() < 0.93 ? '-' : '±', urineGlucose: dm && glucose > 10 ? '+' : '-', ecg: r.next() < 0.82 ? 'normal' : 'abnormal', ultrasound: r.next() < 0.75 ? 'normal' : 'abnormal',
    evaluation: abnormal ? 'abnormal' : 'normal', evaluationText: abnormal ? [htn || sbp >= 140 ? '血压偏高' : '', dm || glucose >= 7 ? '血糖偏高' : '', tc >= 6.2 ? '血脂异常' : '', bmi >= 28 ? '肥胖' : ''].filter(Boolean).join('；') : null,
    guidance: htn || dm ? ['chronic-management'] : abnormal ? ['recheck'] : ['regular-follow-up'],
    riskFactors: [...(smoking === 'current' ? ['quit_smoking'] : []), ...(drinking === 'often' || drinking === 'daily' ? ['healthy_drinking'] : []), 'exercise', ...(bmi >= 28 ? ['weight_loss'] : []), 'vaccination'],
  };
  if (f.riskFactors!.includes('weight_loss')) f.targetWeightKg = round(f.weightKg! * 0.93);
  if (f.ecg === 'abnormal') f.ecgText = r.next() < 0.5 ? 'ST-T改变' : '窦性心动过缓';
  if (f.ultrasound === 'abnormal') f.ultrasoundText = r.next() < 0.6 ? '脂肪肝' : '胆囊结石';
  if (incomplete) {
    const undone = (['ultrasound', 'ecg', 'hdl', 'visionLeft'] as const)[Math.floor(r.next() * 4)];
    f[undone] = null;
    if (undone === 'ultrasound') f.ultrasoundText = null;
    if (undone === 'ecg') f.ecgText = null;
  }
  return f;
}

/** Loads this year's annual services of the county's residents 65+; answers the counts. */
export async function seedElderly(db: Db, o: { county: string; seed: number; day?: string }): Promise<{ residents: number; services: number; complete: number }> {
  const day = o.day ?? todayOf();
  const from = `${day.slice(0, 4)}-01-01`;
  const r = makeRng(o.seed * 13 + 65);
  const olds = await db.query<Old>(
    `SELECT id, birth_date::text AS birth_date, sex, village_code, county_code, conditions FROM residents
      WHERE county_code = $1 AND merged_into IS NULL AND death_date IS NULL AND birth_date <= ($2::date - interval '65 years')::date ORDER BY id`, [o.county, day]);
  // The year of care's health checks since 1 January: the first of each resident's is their annual service.
  const checks = await db.query<{ resident_id: string; facility_id: string; day: string }>(
    `SELECT DISTINCT ON (resident_id) resident_id, facility_id, (started_at AT TIME ZONE 'Asia/Shanghai')::date::text AS day FROM encounters
      WHERE county_code = $1 AND kind = 'health_check' AND started_at >= ($2::date::timestamp AT TIME ZONE 'Asia/Shanghai') AND started_at < (($3::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
      ORDER BY resident_id, started_at`, [o.county, from, day]);
  const centres = await db.query<{ id: string; region_code: string }>(
    "SELECT id, region_code FROM facilities WHERE tier = 'township' AND region_code LIKE $1 || '%' ORDER BY kind = 'community_centre', code", [o.county]);
  const centreOf = new Map<string, string>();
  for (const c of centres) if (!centreOf.has(c.region_code.slice(0, 9))) centreOf.set(c.region_code.slice(0, 9), c.id);
  const checked = new Map(checks.map((c) => [c.resident_id, c]));
  const yearDays = Math.round((Date.parse(`${Number(day.slice(0, 4)) + 1}-01-01`) - Date.parse(from)) / 86_400_000);
  const encounters: BulkEncounter[] = [];
  const services: BulkElderlyService[] = [];
  for (const x of olds) {
    let at = checked.get(x.id) ? { facility: checked.get(x.id)!.facility_id, day: checked.get(x.id)!.day } : null;
    if (!at) {
      const facility = centreOf.get(x.village_code.slice(0, 9));
      const drawn = r.next() < EXTRA_SHARE ? addDays(from, Math.floor(r.next() * yearDays)) : null;
      if (!facility || !drawn || drawn > day) continue;
      at = { facility, day: drawn };
      encounters.push({ id: uuidFrom(() => r.next()), residentId: x.id, countyCode: x.county_code, kind: 'health_check', facilityId: facility, workerId: null, department: '体检科',
        startedAt: `${drawn}T09:${String(Math.floor(r.next() * 60)).padStart(2, '0')}:00+08:00`, endedAt: null, sourceSystem: 'demo' });
    }
    const form = demoForm(r, x, at.day, r.next() < 0.05);
    const problems = elderlyFormProblems(form, day);
    if (problems.length) throw new Error(`demo elderly form refused by the rules: ${JSON.stringify(problems)}`);
    const sc = selfCareScore(form.selfCare);
    services.push({ residentId: x.id, county: x.county_code, facilityId: at.facility, serviceDate: at.day, form, selfCareTotal: sc.total, selfCareBand: sc.band,
      bmi: bmiOf(form.weightKg!, form.heightCm!), complete: missingItems(form).length === 0 });
  }
  await db.tx(async (q) => {
    await loadCare(q, { encounters, diagnoses: [], observations: [], prescriptions: [] });
    await loadElderlyServices(q, services);
  });
  return { residents: olds.length, services: services.length, complete: services.filter((s) => s.complete).length };
}
