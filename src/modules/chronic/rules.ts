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
