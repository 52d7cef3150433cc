// The national basic public health service norms (3rd ed., 2017) for hypertension and type 2
// diabetes follow-up: the visit's class, emergencies, referral and the next date — computed, never
// typed. Pure: the web app imports it to show the class while a village doctor types.
import { addDays } from '../../shared/time.ts';

/** Thresholds of the norm; the values marked (verify) in DOMAIN.md are configuration, not constants. */
export interface ChronicConfig {
  bpTarget: { sbp: number; dbp: number };
  /** Systolic target from this age (the norm's 65+ relaxation). */
  elderlyAge: number;
  elderlyBpTarget: { sbp: number; dbp: number };
  emergencyBp: { sbp: number; dbp: number };
  heartRate: { high: number; low: number };
  glucoseTarget: number;
  glucoseEmergency: { high: number; low: number };
  temperatureEmergency: number;
  routineIntervalDays: number;
  shortIntervalDays: number;
  postReferralDays: number;
  prevalence: { hypertension: number; diabetes: number };
}

export const DEFAULT_CONFIG: ChronicConfig = {
  bpTarget: { sbp: 140, dbp: 90 },
  elderlyAge: 65,
  elderlyBpTarget: { sbp: 150, dbp: 90 },
  emergencyBp: { sbp: 180, dbp: 110 },
  heartRate: { high: 100, low: 56 },
  glucoseTarget: 7.0,
  glucoseEmergency: { high: 16.7, low: 3.9 },
  temperatureEmergency: 39,
  routineIntervalDays: 90,
  shortIntervalDays: 14,
  postReferralDays: 14,
  prevalence: { hypertension: 0.275, diabetes: 0.119 },
};

export type Programme = 'hypertension' | 'diabetes';
export type VisitClass = 'controlled' | 'uncontrolled' | 'adverse_reaction' | 'complication';

export const VISIT_CLASS_LABELS: Record<VisitClass, { zh: string; en: string }> = {
  controlled: { zh: '控制满意', en: 'Controlled' },
  uncontrolled: { zh: '控制不满意', en: 'Not controlled' },
  adverse_reaction: { zh: '不良反应', en: 'Adverse reaction' },
  complication: { zh: '并发症', en: 'Complication' },
};

/** Emergency symptoms of the norm (hypertension and diabetes lists together). */
export const SYMPTOMS = {
  altered_consciousness: { zh: '意识改变', en: 'Altered consciousness' },
  severe_headache_dizziness: { zh: '剧烈头痛或头晕', en: 'Severe headache or dizziness' },
  nausea_vomiting: { zh: '恶心呕吐', en: 'Nausea or vomiting' },
  blurred_vision_eye_pain: { zh: '视力模糊、眼痛', en: 'Blurred vision or eye pain' },
  palpitations: { zh: '心悸', en: 'Palpitations' },
  chest_tightness: { zh: '胸闷', en: 'Chest tightness' },
  unable_to_lie_flat: { zh: '喘憋不能平卧', en: 'Unable to lie flat' },
  pregnancy_or_breastfeeding: { zh: '妊娠期或哺乳期血压升高', en: 'Raised BP in pregnancy or breastfeeding' },
  ketotic_breath: { zh: '呼气有烂苹果样丙酮味', en: 'Ketotic (acetone) breath' },
  deep_fast_breathing: { zh: '深大呼吸、皮肤潮红', en: 'Deep rapid breathing, flushed skin' },
} as const;
export type Symptom = keyof typeof SYMPTOMS;

export { CHRONIC_REFERRAL_REASONS as REFERRAL_REASONS, type ChronicReferralReason as ReferralReason } from '../../shared/referral-reasons.ts';
import type { ChronicReferralReason as ReferralReason } from '../../shared/referral-reasons.ts';

export interface VisitInput {
  programme: Programme;
  visitDate: string;
  ageYears: number;
  sbp?: number | null;
  dbp?: number | null;
  heartRate?: number | null;
  fastingGlucose?: number | null;
  temperature?: number | null;
  symptoms?: Symptom[];
  adverseReaction?: boolean;
  /** The adverse reaction could not be brought under control. */
  adverseUncontrollable?: boolean;
  newComplication?: boolean;
  complicationWorse?: boolean;
}

export interface VisitResult {
  class: VisitClass;
  emergency: boolean;
  emergencyReasons: string[];
  referral: null | { urgency: 'urgent' | 'routine'; reason: ReferralReason };
  nextVisitDate: string;
}


/** The emergency findings of a visit per the norm (empty when none). */
export function emergencyFindings(v: VisitInput, c: ChronicConfig = DEFAULT_CONFIG): string[] {
  const out: string[] = [];
  if ((v.sbp ?? 0) >= c.emergencyBp.sbp) out.push(`SBP ≥ ${c.emergencyBp.sbp}`);
  if ((v.dbp ?? 0) >= c.emergencyBp.dbp) out.push(`DBP ≥ ${c.emergencyBp.dbp}`);
  if (v.heartRate != null && (v.heartRate > c.heartRate.high || (v.programme === 'hypertension' && v.heartRate < c.heartRate.low))) {
    out.push(v.heartRate > c.heartRate.high ? `HR > ${c.heartRate.high}` : `HR < ${c.heartRate.low}`);
  }
  if (v.programme === 'diabetes') {
    if (v.fastingGlucose != null && v.fastingGlucose >= c.glucoseEmergency.high) out.push(`glucose ≥ ${c.glucoseEmergency.high}`);
    if (v.fastingGlucose != null && v.fastingGlucose <= c.glucoseEmergency.low) out.push(`glucose ≤ ${c.glucoseEmergency.low}`);
    if (v.temperature != null && v.temperature > c.temperatureEmergency) out.push(`temperature > ${c.temperatureEmergency}`);
  }
  for (const s of v.symptoms ?? []) out.push(s);
  return out;
}

/** Whether the visit's measurements are on target (BP by age, or fasting glucose). */
export function onTarget(v: VisitInput, c: ChronicConfig = DEFAULT_CONFIG): boolean {
  if (v.programme === 'hypertension') {
    const t = v.ageYears >= c.elderlyAge ? c.elderlyBpTarget : c.bpTarget;
    return v.sbp != null && v.dbp != null && v.sbp < t.sbp && v.dbp < t.dbp;
  }
  return v.fastingGlucose != null && v.fastingGlucose < c.glucoseTarget;
}

/** The programme's last follow-up before the one being classified (on or before its day). */
export interface PreviousVisit { visitClass: VisitClass; visitDate: string }

/**
 * Classifies a follow-up and derives referral and next date. `previous` is the last follow-up on or
 * before the visit's day: two uncontrolled visits make a referral only when they are on different days
 * (a second reading the same day repeats the visit; it is not the norm's next, consecutive visit).
 */
export function classifyVisit(v: VisitInput, previous: PreviousVisit | null, c: ChronicConfig = DEFAULT_CONFIG): VisitResult {
  const p = v.programme === 'hypertension' ? 'htn' : 'dm';
  const emergencyReasons = emergencyFindings(v, c);
  const emergency = emergencyReasons.length > 0;
  let cls: VisitClass;
  if (v.newComplication || v.complicationWorse) cls = 'complication';
  else if (v.adverseReaction) cls = 'adverse_reaction';
  else cls = onTarget(v, c) ? 'controlled' : 'uncontrolled';
  let referral: VisitResult['referral'] = null;
  if (emergency) referral = { urgency: 'urgent', reason: 'emergency' };
  else if (v.newComplication) referral = { urgency: 'routine', reason: `${p}_new_complication` as ReferralReason };
  else if (v.complicationWorse) referral = { urgency: 'routine', reason: `${p}_complication_worse` as ReferralReason };
  else if (v.adverseReaction && v.adverseUncontrollable) referral = { urgency: 'routine', reason: `${p}_adverse_uncontrollable` as ReferralReason };
  else if (cls === 'uncontrolled' && previous?.visitClass === 'uncontrolled' && previous.visitDate < v.visitDate) referral = { urgency: 'routine', reason: `${p}_uncontrolled_twice` as ReferralReason };
  const days = referral ? c.postReferralDays : cls === 'controlled' ? c.routineIntervalDays : c.shortIntervalDays;
  return { class: cls, emergency, emergencyReasons, referral, nextVisitDate: addDays(v.visitDate, days) };
}

/** Screening: three high readings on different days → suspected (refer to confirm); one or two → recheck; high-normal → high risk. */
export function screeningStatus(readings: { date: string; sbp: number; dbp: number }[], c: ChronicConfig = DEFAULT_CONFIG): 'none' | 'high_risk' | 'recheck' | 'suspected' {
  const highDays = new Set(readings.filter((r) => r.sbp >= c.bpTarget.sbp || r.dbp >= c.bpTarget.dbp).map((r) => r.date));
  if (highDays.size >= 3) return 'suspected';
  if (highDays.size >= 1) return 'recheck';
  if (readings.some((r) => r.sbp >= 130 || r.dbp >= 85)) return 'high_risk';
  return 'none';
}

export interface ManagedPatient {
  /** Follow-ups in the period, oldest first, each with its class. */
  visits: { date: string; class: VisitClass; onTarget: boolean }[];
}

/** 健康管理率: managed patients ÷ (adults 35+ × prevalence). */
export function managementRate(managed: number, adults35: number, prevalence: number): number | null {
  const expected = adults35 * prevalence;
  return expected > 0 ? managed / expected : null;
}

/** 规范管理率: managed patients with at least four follow-ups in the year ÷ managed patients. */
export function standardManagementRate(patients: ManagedPatient[]): number | null {
  return patients.length ? patients.filter((p) => p.visits.length >= 4).length / patients.length : null;
}

/** 控制率: managed patients whose latest follow-up is on target ÷ managed patients. */
export function controlRate(patients: ManagedPatient[]): number | null {
  return patients.length ? patients.filter((p) => p.visits.length && p.visits[p.visits.length - 1].onTarget).length / patients.length : null;
}

/** The programme a diagnosis enrols into: I10–I15 hypertension, E11 type 2 diabetes, else none. */
export function programmeOfIcd10(code: string): Programme | null {
  const c = code.trim().toUpperCase();
  const m = /^I1([0-5])(\.|$)/.exec(c);
  if (m) return 'hypertension';
  if (/^E11(\.|$)/.test(c)) return 'diabetes';
  return null;
}

// The reporting periods are shared with the contracts' rates (src/shared/period.ts).
export { periodRange, type PeriodKind } from '../../shared/period.ts';

/** The first day a period's programme rates count follow-ups from: 1 January of the year the period ends in (management is counted over the year to the period's end). */
export function countedFrom(to: string): string {
  return `${to.slice(0, 4)}-01-01`;
}

/** Follow-ups a patient needs in a period to count as norm-compliant: one per calendar quarter ending in it (4 a year), at least one. */
export function requiredFollowUps(from: string, to: string): number {
  let n = 0;
  for (let y = Number(from.slice(0, 4)); y <= Number(to.slice(0, 4)); y++) {
    for (const q of ['03-31', '06-30', '09-30', '12-31']) if (`${y}-${q}` >= from && `${y}-${q}` <= to) n++;
  }
  return Math.max(1, n);
}

/**
 * Whether the norm-compliant rate says anything for a period counted from `from` to `to`: only once two
 * quarters have ended. Before that one follow-up is asked for, every managed patient has had it (being
 * managed is having one), and the rate would be 100% by construction — "not yet measurable", not 100%.
 */
export function standardMeasurable(from: string, to: string): boolean {
  return requiredFollowUps(from, to) >= 2;
}

/**
 * How a period ending on `to` is counted on `today`: follow-ups from 1 January of its year, and the follow-ups
 * due by its end or, for a period not yet over, by today (a quarter counts as ended from its last day) — the
 * year so far asks only for the quarters already over, not for one still running.
 */
export function countingOf(to: string, today: string): { countedFrom: string; dueBy: string; standardTo: string; requiredFollowUps: number; standardMeasurable: boolean } {
  const from = countedFrom(to);
  const dueBy = to < today ? to : today;
  const standardTo = lastQuarterEnd(from, dueBy);
  return { countedFrom: from, dueBy, standardTo, requiredFollowUps: requiredFollowUps(from, standardTo), standardMeasurable: standardMeasurable(from, standardTo) };
}

/**
 * The day the norm-compliant rate is counted to: the last quarter end from `from` to `day` (or `day` when none has
 * come). Follow-ups of a quarter still running would otherwise count toward the quarters already over and
 * the rate would climb through each quarter and fall at its end; counted to the last quarter ended, it
 * changes only when a quarter ends, as the quarterly report has it.
 */
export function lastQuarterEnd(from: string, day: string): string {
  const y = Number(day.slice(0, 4));
  for (const q of ['12-31', '09-30', '06-30', '03-31']) if (`${y}-${q}` <= day && `${y}-${q}` >= from) return `${y}-${q}`;
  return day;
}

/** What the programme rates mean, shown beside them. */
export const PROGRAMME_RATE_DEFINITIONS = {
  management: { zh: '健康管理率 = 本年初至期末接受随访管理的患者数 ÷（35岁及以上常住人口 × 患病率估计）', en: 'Management rate = patients followed up from 1 January to the period\'s end ÷ (residents 35+ × estimated prevalence)' },
  standard: { zh: '规范管理率 = 本年初至期末随访次数达到规范要求（每个已结束的季度1次，全年≥4次）的患者数 ÷ 同期管理患者数，统计至最近一个已结束的季度末；第二季度结束前每位管理患者都已达到所要求的1次，该率恒为100%，显示为“尚不可测”', en: 'Norm-compliant rate = managed patients with the follow-ups the norm asks for by the period\'s end (one for each quarter ended, ≥4 a year) ÷ the patients managed by then, counted to the last quarter end; before the second quarter ends every managed patient has the one follow-up asked for, the rate would be 100% by construction and is shown as "not yet measurable"' },
  control: { zh: '血压（血糖）控制率 = 截至期末最近一次随访血压（空腹血糖）达标的患者数 ÷ 管理患者数', en: 'Control rate = managed patients whose latest follow-up by the period\'s end is on target ÷ managed patients' },
  attribution: { zh: '团队：居民计入其当前签约团队，未签约者计入服务其所在村的团队；医共体：按乡镇卫生院所属医共体', en: 'Team: a resident counts for the team of their current contract, else the team serving their village; community: by the medical community of the township centre' },
} as const;

// ---- the national follow-up forms' fields (高血压/2型糖尿病患者随访服务记录表) ----

/** 盐摄入情况, 心理调整 and 遵医行为, 足背动脉搏动, 低血糖反应: the forms' choices. */
export const SALT = ['light', 'medium', 'heavy'] as const;
export const GRADE = ['good', 'fair', 'poor'] as const;
export const PEDIS = ['normal', 'weak', 'absent'] as const;
export const HYPOGLYCAEMIA = ['none', 'occasional', 'frequent'] as const;
export const DOSE_UNITS = ['mg', 'g', 'μg', 'ml', 'U', 'tablet', 'capsule', 'bag'] as const;

/**
 * The plausible range of each number on the forms (inclusive), with the field's names: a value
 * outside is refused by name, never clamped. Lifestyle values are the resident's own daily/weekly
 * figures: 支/日 of cigarettes, 两/日 of liquor (50 g), 次/周 and 分钟/次 of exercise, 克/天 of staple food.
 */
export const FORM_LIMITS = {
  smokingNow: { min: 0, max: 100, int: true, zh: '日吸烟量（支/日）', en: 'cigarettes per day' },
  smokingTarget: { min: 0, max: 100, int: true, zh: '日吸烟量目标（支/日）', en: 'cigarettes per day (target)' },
  drinkingNow: { min: 0, max: 30, int: false, zh: '日饮酒量（两/日）', en: 'liquor per day (liang)' },
  drinkingTarget: { min: 0, max: 30, int: false, zh: '日饮酒量目标（两/日）', en: 'liquor per day (liang, target)' },
  exerciseTimesNow: { min: 0, max: 21, int: true, zh: '运动次数（次/周）', en: 'exercise sessions per week' },
  exerciseTimesTarget: { min: 0, max: 21, int: true, zh: '运动次数目标（次/周）', en: 'exercise sessions per week (target)' },
  exerciseMinutesNow: { min: 0, max: 600, int: true, zh: '每次运动时间（分钟/次）', en: 'minutes per session' },
  exerciseMinutesTarget: { min: 0, max: 600, int: true, zh: '每次运动时间目标（分钟/次）', en: 'minutes per session (target)' },
  stapleNow: { min: 0, max: 2000, int: true, zh: '主食（克/天）', en: 'staple food (g/day)' },
  stapleTarget: { min: 0, max: 2000, int: true, zh: '主食目标（克/天）', en: 'staple food (g/day, target)' },
  hba1c: { min: 3, max: 20, int: false, zh: '糖化血红蛋白（%）', en: 'HbA1c (%)' },
  dose: { min: 0.001, max: 5000, int: false, zh: '每次剂量', en: 'dose per time' },
  timesPerDay: { min: 1, max: 6, int: true, zh: '每日次数', en: 'times per day' },
} as const;
export type FormNumber = keyof typeof FORM_LIMITS;

export interface FormFieldsIn {
  programme: Programme; visitDate: string; symptoms?: string[] | null; noSymptoms?: boolean | null;
  smokingNow?: number | null; smokingTarget?: number | null; drinkingNow?: number | null; drinkingTarget?: number | null;
  exerciseTimesNow?: number | null; exerciseTimesTarget?: number | null; exerciseMinutesNow?: number | null; exerciseMinutesTarget?: number | null;
  saltNow?: string | null; saltTarget?: string | null; stapleNow?: number | null; stapleTarget?: number | null;
  adverseReaction?: boolean | null; adverseReactionText?: string | null;
  pedisLeft?: string | null; pedisRight?: string | null; hba1c?: number | null; hba1cDate?: string | null; hypoglycaemia?: string | null;
  medications?: { drug: string; dose: number; unit: string; timesPerDay: number }[] | null; insulinKind?: string | null; insulinDose?: string | null;
  nextVisitDate?: string | null;
}
export interface FieldProblem { path: string; problem: string }

/** The problems of the form's own fields (bounds and the rules between fields), each naming its field in English and Chinese; none: it may be saved. */
export function formProblems(f: FormFieldsIn): FieldProblem[] {
  const out: FieldProblem[] = [];
  const range = (path: string, key: FormNumber, v: number | null | undefined) => {
    if (v == null) return;
    const l = FORM_LIMITS[key];
    if (!Number.isFinite(v) || v < l.min || v > l.max) out.push({ path, problem: `${l.en} must be between ${l.min} and ${l.max} / ${l.zh}应在 ${l.min} 至 ${l.max} 之间` });
    else if (l.int && !Number.isInteger(v)) out.push({ path, problem: `${l.en} must be a whole number / ${l.zh}应为整数` });
  };
  for (const k of ['smokingNow', 'smokingTarget', 'drinkingNow', 'drinkingTarget', 'exerciseTimesNow', 'exerciseTimesTarget', 'exerciseMinutesNow', 'exerciseMinutesTarget', 'stapleNow', 'stapleTarget', 'hba1c'] as const) range(k, k, f[k]);
  (f.medications ?? []).forEach((m, i) => { range(`medications.${i}.dose`, 'dose', m.dose); range(`medications.${i}.timesPerDay`, 'timesPerDay', m.timesPerDay); });
  if (f.noSymptoms && (f.symptoms?.length ?? 0) > 0) out.push({ path: 'noSymptoms', problem: 'no symptoms was ticked beside symptoms / 已选“无症状”又选了症状' });
  if (f.adverseReactionText && !f.adverseReaction) out.push({ path: 'adverseReactionText', problem: 'a reaction is described but 有 was not chosen / 填写了不良反应但未选“有”' });
  if (f.programme === 'hypertension') {
    for (const k of ['stapleNow', 'stapleTarget', 'pedisLeft', 'pedisRight', 'hba1c', 'hba1cDate', 'hypoglycaemia', 'insulinKind', 'insulinDose'] as const)
      if (f[k] != null) out.push({ path: k, problem: 'is on the diabetes form only / 仅糖尿病随访表填写' });
  } else {
    for (const k of ['saltNow', 'saltTarget'] as const) if (f[k] != null) out.push({ path: k, problem: 'salt intake is on the hypertension form only / 盐摄入仅高血压随访表填写' });
  }
  if (f.hba1cDate && f.hba1cDate > f.visitDate) out.push({ path: 'hba1cDate', problem: 'HbA1c date is after the visit / 糖化血红蛋白检查日期晚于随访日期' });
  if (f.hba1c != null && !f.hba1cDate) out.push({ path: 'hba1cDate', problem: 'HbA1c needs its test date / 须填写糖化血红蛋白检查日期' });
  if ((f.insulinDose && !f.insulinKind) || (f.insulinKind && !f.insulinDose)) out.push({ path: f.insulinKind ? 'insulinDose' : 'insulinKind', problem: 'insulin needs its kind and dose / 胰岛素须填写种类和用法用量' });
  if (f.nextVisitDate && f.nextVisitDate < f.visitDate) out.push({ path: 'nextVisitDate', problem: 'next visit is before this visit / 下次随访日期早于本次随访日期' });
  return out;
}
