// Fund supervision rules (智能监管) as data: data/insurance/supervision-rules.json holds each rule's
// parameters and source; the functions here (pure) run them over settlement lists and return the
// hits with their evidence, for the auditor's worklist.
import { casesProcedureClass, casePoints, combinationKey, comprehensiveKey, groupOf, type GroupTable } from './rules.ts';
import { daysBetween } from './list.ts';

export const RULE_CODES = ['decomposed_admission', 'below_standard_admission', 'sex_age_inconsistent', 'upcoding'] as const;
export type RuleCode = (typeof RULE_CODES)[number];

export interface RuleParams {
  decomposed_admission: { withinDays: number };
  below_standard_admission: { minDays: number; minCostShareOfGroup: number; exceptSurgery: boolean };
  sex_age_inconsistent: { maleOnly: string[]; femaleOnly: string[]; ageLimited: { codes: string; minYears: number; maxYears: number }[] };
  upcoding: { scoreRatio: number };
}
export interface RuleDef<C extends RuleCode = RuleCode> { code: C; name: { zh: string; en: string }; description: { zh: string; en: string }; params: RuleParams[C]; source: string }

/** One settlement as the rules see it (money in fen; the patient by their ID number's lookup hash). */
export interface SupCase {
  id: string;
  listNo: string;
  patientKey: string;
  facilityCode: string;
  setting: 'inpatient' | 'outpatient_special';
  sex: 'M' | 'F';
  birthDate: string;
  admittedOn: string;
  dischargedOn: string;
  days: number;
  mainDiagnosis: string;
  otherDiagnoses: readonly string[];
  procedures: readonly string[];
  totalFen: number;
}
export interface Hit { settlementId: string; rule: RuleCode; evidence: Record<string, unknown> }

/** Whether an ICD-10 code falls in a range written as in the rules file ("N40-N51", "D07.4-D07.6", "B26.0", "A34"). */
export function inRange(code: string, range: string): boolean {
  const [lo, hi = lo] = range.split('-');
  const at = (x: string) => code.slice(0, x.length);
  return at(lo) >= lo && at(hi) <= hi;
}

/** Whole years of age on a day. */
function ageOn(birth: string, on: string): number {
  const [by, bm, bd] = birth.split('-').map(Number);
  const [y, m, d] = on.split('-').map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** 分解住院: an inpatient admission of the same patient for the same diagnosis category within `withinDays` of their previous discharge (the later one is hit). */
export function decomposedAdmissions(cases: readonly SupCase[], p: RuleParams['decomposed_admission']): Hit[] {
  const hits: Hit[] = [];
  const by = new Map<string, SupCase[]>();
  for (const c of cases) if (c.setting === 'inpatient') { const k = `${c.patientKey}|${c.mainDiagnosis.slice(0, 3)}`; by.set(k, [...(by.get(k) ?? []), c]); }
  for (const list of by.values()) {
    list.sort((a, b) => a.admittedOn.localeCompare(b.admittedOn) || a.dischargedOn.localeCompare(b.dischargedOn));
    for (let i = 1; i < list.length; i++) {
      const prev = list[i - 1];
      const gap = daysBetween(prev.dischargedOn, list[i].admittedOn);
      if (gap >= 0 && gap <= p.withinDays) {
        hits.push({ settlementId: list[i].id, rule: 'decomposed_admission', evidence: { previousListNo: prev.listNo, previousFacility: prev.facilityCode, previousDischargedOn: prev.dischargedOn, admittedOn: list[i].admittedOn, gapDays: gap, category: list[i].mainDiagnosis.slice(0, 3), withinDays: p.withinDays } });
      }
    }
  }
  return hits;
}

/** 低标准入院: an inpatient stay shorter than `minDays`, or costing under `minCostShareOfGroup` of its DIP group's standard (operations excepted when so set). */
export function belowStandardAdmissions(cases: readonly SupCase[], p: RuleParams['below_standard_admission'], table: GroupTable | null): Hit[] {
  const hits: Hit[] = [];
  for (const c of cases) {
    if (c.setting !== 'inpatient') continue;
    if (p.exceptSurgery && casesProcedureClass(c.procedures) === 'surgery') continue;
    const reasons: string[] = [];
    const ev: Record<string, unknown> = { days: c.days, totalFen: c.totalFen };
    if (c.days < p.minDays) { reasons.push('days'); ev.minDays = p.minDays; }
    const g = table ? groupOf(table, c.mainDiagnosis, c.procedures) : null;
    if (g && c.totalFen < p.minCostShareOfGroup * g.meanFen) { reasons.push('cost'); Object.assign(ev, { group: g.key, groupStandardFen: Math.round(g.meanFen), share: Number((c.totalFen / g.meanFen).toFixed(4)), minShare: p.minCostShareOfGroup }); }
    if (reasons.length) hits.push({ settlementId: c.id, rule: 'below_standard_admission', evidence: { reasons, ...ev } });
  }
  return hits;
}

/** 诊断与性别/年龄不符: a diagnosis (main or other) limited to the other sex, or outside its age limits on the admission day. */
export function sexAgeInconsistent(cases: readonly SupCase[], p: RuleParams['sex_age_inconsistent']): Hit[] {
  const hits: Hit[] = [];
  for (const c of cases) {
    const age = ageOn(c.birthDate, c.admittedOn);
    const found: { code: string; problem: string }[] = [];
    for (const d of [c.mainDiagnosis, ...c.otherDiagnoses]) {
      const other = c.sex === 'M' ? p.femaleOnly : p.maleOnly;
      const r = other.find((x) => inRange(d, x));
      if (r) found.push({ code: d, problem: `${c.sex === 'M' ? 'female' : 'male'}-only ${r}` });
      for (const a of p.ageLimited) if (inRange(d, a.codes) && (age < a.minYears || age > a.maxYears)) found.push({ code: d, problem: `age ${age} outside ${a.minYears}–${a.maxYears} for ${a.codes}` });
    }
    if (found.length) hits.push({ settlementId: c.id, rule: 'sex_age_inconsistent', evidence: { sex: c.sex, age, findings: found } });
  }
  return hits;
}

/**
 * The group implied by a main diagnosis alone (no procedure): its conservative combination when
 * that is a core group, else its category's conservative comprehensive group.
 */
export function diagnosisOnlyGroup(table: GroupTable, mainDiagnosis: string) {
  const core = table.groups.get(combinationKey(mainDiagnosis, []));
  if (core?.kind === 'core') return core;
  return table.groups.get(comprehensiveKey(mainDiagnosis, [])) ?? null;
}

/** 高套分值: the case's group scores at least `scoreRatio` × the diagnosis-only group, and its cost is nearer that group's standard than its own group's. */
export function upcoding(cases: readonly SupCase[], p: RuleParams['upcoding'], table: GroupTable | null): Hit[] {
  if (!table) return [];
  const hits: Hit[] = [];
  for (const c of cases) {
    const g = groupOf(table, c.mainDiagnosis, c.procedures);
    const ref = diagnosisOnlyGroup(table, c.mainDiagnosis);
    if (!g || !ref || g.key === ref.key || ref.score <= 0) continue;
    const ratio = g.score / ref.score;
    if (ratio < p.scoreRatio) continue;
    if (Math.abs(c.totalFen - ref.meanFen) >= Math.abs(c.totalFen - g.meanFen)) continue;
    hits.push({ settlementId: c.id, rule: 'upcoding', evidence: { group: g.key, groupScore: Number(g.score.toFixed(2)), groupStandardFen: Math.round(g.meanFen), diagnosisOnlyGroup: ref.key, diagnosisOnlyScore: Number(ref.score.toFixed(2)), diagnosisOnlyStandardFen: Math.round(ref.meanFen), scoreRatio: Number(ratio.toFixed(2)), totalFen: c.totalFen, band: casePoints(c.totalFen, g).band } });
  }
  return hits;
}

/** Runs every rule of the file over the cases (the group table, when given, for the rules that need DIP groups). */
export function runRules(rules: readonly RuleDef[], cases: readonly SupCase[], table: GroupTable | null): Hit[] {
  const out: Hit[] = [];
  for (const r of rules) {
    if (r.code === 'decomposed_admission') out.push(...decomposedAdmissions(cases, r.params as RuleParams['decomposed_admission']));
    else if (r.code === 'below_standard_admission') out.push(...belowStandardAdmissions(cases, r.params as RuleParams['below_standard_admission'], table));
    else if (r.code === 'sex_age_inconsistent') out.push(...sexAgeInconsistent(cases, r.params as RuleParams['sex_age_inconsistent']));
    else if (r.code === 'upcoding') out.push(...upcoding(cases, r.params as RuleParams['upcoding'], table));
  }
  return out;
}
