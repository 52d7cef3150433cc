// DIP (按病种分值付费) by the national technical specification (医保办发〔2020〕50号, and the 2.0
// grouping of 2024): disease groups from the main diagnosis and the procedures, core and
// comprehensive groups, group scores from three years' costs weighted 1:2:7, the point value budgeted
// at the start of the year and settled at its end, hospital coefficients, outlier cases, and each
// hospital's points, payment and balance. Pure: no I/O (data/insurance/README.md gives the sources).

/** Weights of the three years' mean costs, oldest first (技术规范: 前三年数据按 1:2:7). */
export const YEAR_WEIGHTS = [1, 2, 7] as const;
/** Outlier bands of a case's cost against its group's standard cost (技术规范 偏差病例). */
export const LOW_BAND = 0.5;
export const HIGH_BAND = 2;
export const REVIEW_BAND = 5;

/** One case as DIP sees it (money in fen). */
export interface DipCase {
  id: string;
  facilityCode: string;
  year: number;
  mainDiagnosis: string;
  procedures: readonly string[];
  totalFen: number;
  selfFen: number;
}

/** The ICD-9-CM-3 procedure class a comprehensive group is rolled up by (综合病种: 保守治疗/诊断性操作/治疗性操作/相关手术). */
export type ProcedureClass = 'conservative' | 'diagnostic' | 'therapeutic' | 'surgery';

/**
 * The class of one ICD-9-CM-3 code by the classification's chapters: 00–86 operations, 87–91 and
 * 92.0–92.1 diagnostic procedures (radiology, interviews and tests, microscopy, nuclear medicine),
 * 92.2–99 therapeutic procedures (radiotherapy, physical therapy, injections, …).
 */
export function procedureClass(code: string): Exclude<ProcedureClass, 'conservative'> {
  const cat = Number(code.slice(0, 2));
  if (cat <= 86) return 'surgery';
  if (cat <= 91) return 'diagnostic';
  if (cat === 92) return Number(code.slice(3, 4) || '0') <= 1 ? 'diagnostic' : 'therapeutic';
  return 'therapeutic';
}

/** The most resource-heavy class among a case's procedures (surgery > therapeutic > diagnostic > none). */
export function casesProcedureClass(procs: readonly string[]): ProcedureClass {
  const order = ['surgery', 'therapeutic', 'diagnostic'] as const;
  const have = new Set<ProcedureClass>(procs.map(procedureClass));
  return order.find((c) => have.has(c)) ?? 'conservative';
}

/** The ICD-10 subcategory (亚目, four characters: K35.8) of a diagnosis code; a bare category, or one with the clinical edition's placeholder (I10.x00), stays its category. */
export function subcategory(icd: string): string {
  return icd.slice(0, 5).replace(/\.x?$/, '');
}

/**
 * The disease-procedure combination key of a case (主目录 病种组合): the main diagnosis'
 * subcategory with its procedures (sorted, each to its 4-character subcategory, duplicates once),
 * or `保守` when it has none: `K35.8|47.09`, `I10|保守`.
 */
export function combinationKey(mainDiagnosis: string, procedures: readonly string[]): string {
  const ps = [...new Set(procedures.map((p) => p.slice(0, 5)))].sort();
  return `${subcategory(mainDiagnosis)}|${ps.length ? ps.join('+') : '保守'}`;
}

/** The comprehensive-group key (综合病种) of a case: the diagnosis category (3 characters) and its procedure class. */
export function comprehensiveKey(mainDiagnosis: string, procedures: readonly string[]): string {
  return `${mainDiagnosis.slice(0, 3)}|${casesProcedureClass(procedures)}`;
}

/** Weighted mean of yearly means, 1:2:7 oldest to newest; weights of years without cases are dropped (the others renormalised). */
export function weightedMean(byYear: readonly (number | null)[]): number | null {
  let w = 0;
  let s = 0;
  byYear.forEach((v, i) => { if (v != null) { w += YEAR_WEIGHTS[i]; s += YEAR_WEIGHTS[i] * v; } });
  return w ? s / w : null;
}

export interface DipGroup {
  key: string;
  kind: 'core' | 'comprehensive';
  /** Cases in the three base years. */
  cases: number;
  /** The group's standard cost (weighted mean cost, fen). */
  meanFen: number;
  /** RW × scale (the group's points). */
  score: number;
}

export interface GroupTable {
  groups: Map<string, DipGroup>;
  /** The all-case weighted mean cost (M, fen). */
  allMeanFen: number;
  threshold: number;
  scale: number;
  /** Share of the base years' cases falling in core groups (the specification asks for > 85%). */
  coreShare: number;
}

/**
 * Builds the group table from the three base years' cases (years y−3, y−2, y−1 for settling y):
 * combinations with at least `threshold` cases are core groups; the other cases are rolled up into
 * comprehensive groups by diagnosis category and procedure class. Each group's score
 * = (its 1:2:7-weighted mean cost ÷ the all-case weighted mean cost) × scale.
 */
export function buildGroups(cases: readonly DipCase[], baseYears: readonly [number, number, number], opts: { threshold: number; scale: number }): GroupTable {
  const yearIndex = new Map(baseYears.map((y, i) => [y, i]));
  const inBase = cases.filter((c) => yearIndex.has(c.year));
  const counts = new Map<string, number>();
  for (const c of inBase) { const k = combinationKey(c.mainDiagnosis, c.procedures); counts.set(k, (counts.get(k) ?? 0) + 1); }
  type Acc = { kind: 'core' | 'comprehensive'; n: number; sum: number[]; cnt: number[] };
  const acc = new Map<string, Acc>();
  const all = { sum: [0, 0, 0], cnt: [0, 0, 0] };
  let coreCases = 0;
  for (const c of inBase) {
    const combo = combinationKey(c.mainDiagnosis, c.procedures);
    const core = (counts.get(combo) ?? 0) >= opts.threshold;
    const key = core ? combo : comprehensiveKey(c.mainDiagnosis, c.procedures);
    const a = acc.get(key) ?? { kind: core ? 'core' : 'comprehensive', n: 0, sum: [0, 0, 0], cnt: [0, 0, 0] };
    const yi = yearIndex.get(c.year)!;
    a.n++; a.sum[yi] += c.totalFen; a.cnt[yi]++;
    acc.set(key, a);
    all.sum[yi] += c.totalFen; all.cnt[yi]++;
    if (core) coreCases++;
  }
  const means = (a: { sum: number[]; cnt: number[] }) => a.sum.map((s, i) => (a.cnt[i] ? s / a.cnt[i] : null));
  const allMeanFen = weightedMean(means(all)) ?? 0;
  const groups = new Map<string, DipGroup>();
  for (const [key, a] of acc) {
    const meanFen = weightedMean(means(a)) ?? 0;
    groups.set(key, { key, kind: a.kind, cases: a.n, meanFen, score: allMeanFen ? (meanFen / allMeanFen) * opts.scale : 0 });
  }
  return { groups, allMeanFen, threshold: opts.threshold, scale: opts.scale, coreShare: inBase.length ? coreCases / inBase.length : 0 };
}

/** The group a case of the settled year falls in: its combination when that is a core group, else its comprehensive group (null: no group, 未入组). */
export function groupOf(t: GroupTable, mainDiagnosis: string, procedures: readonly string[]): DipGroup | null {
  const combo = t.groups.get(combinationKey(mainDiagnosis, procedures));
  if (combo?.kind === 'core') return combo;
  return t.groups.get(comprehensiveKey(mainDiagnosis, procedures)) ?? null;
}

export type Band = 'normal' | 'low' | 'high' | 'review';

/**
 * A case's points by its cost against its group's standard (技术规范 偏差病例校正):
 * below 50% — points = cost ÷ standard × score (paid at cost); above 200% — points =
 * [(cost ÷ standard − 2) + 1] × score; above 500% also flagged for expert review (特病单议),
 * scored as above 200% until decided; otherwise the group's score.
 */
export function casePoints(costFen: number, group: Pick<DipGroup, 'meanFen' | 'score'>): { band: Band; ratio: number; points: number } {
  const ratio = group.meanFen ? costFen / group.meanFen : 0;
  if (ratio < LOW_BAND) return { band: 'low', ratio, points: ratio * group.score };
  if (ratio > HIGH_BAND) return { band: ratio > REVIEW_BAND ? 'review' : 'high', ratio, points: (ratio - 2 + 1) * group.score };
  return { band: 'normal', ratio, points: group.score };
}

/**
 * The budgeted point value at the start of the year (预算点值): the year's expected inpatient total
 * cost (the fund's DIP budget ÷ the fund's share of cost) ÷ the points expected (Σ score × cases), in fen per point.
 */
export function budgetPointValue(fundBudgetFen: number, fundShare: number, expectedPoints: number): number {
  return expectedPoints > 0 && fundShare > 0 ? fundBudgetFen / fundShare / expectedPoints : 0;
}

/**
 * The settled point value at the year's end (结算点值): the fund available for DIP ÷ the fund's share
 * of cost (报销比例), over the year's settled points (after outlier adjustment and coefficients), fen per point.
 */
export function settledPointValue(fundAvailableFen: number, fundShare: number, settledPoints: number): number {
  return settledPoints > 0 && fundShare > 0 ? fundAvailableFen / fundShare / settledPoints : 0;
}

export interface SettledCase { id: string; facilityCode: string; groupKey: string | null; band: Band | 'ungrouped'; ratio: number; points: number }
export interface HospitalResult {
  facilityCode: string;
  coefficient: number;
  cases: number;
  grouped: number;
  /** Points after the outlier adjustment and the hospital coefficient. */
  points: number;
  totalFen: number;
  selfFen: number;
  /** The fund's payment: points × point value − the patients' own payments (never below 0). */
  paymentFen: number;
  /** The fund's payment less what the fund was billed (cost − self-pay): > 0 surplus (结余), < 0 overrun (超支). */
  balanceFen: number;
  lowCases: number;
  highCases: number;
  reviewCases: number;
}

/**
 * Settles a year's cases: each case's group, band and points (× its hospital's coefficient,
 * default 1), the settled point value, and each hospital's points, cases, payment and balance.
 * Cases that fall in no group (未入组) are paid by item and carry no points.
 */
export function settleYear(t: GroupTable, cases: readonly DipCase[], o: { fundAvailableFen: number; fundShare: number; coefficients?: Record<string, number> }): { cases: SettledCase[]; pointValue: number; totalPoints: number; hospitals: HospitalResult[] } {
  const coef = (f: string) => o.coefficients?.[f] ?? 1;
  const settled: SettledCase[] = [];
  let totalPoints = 0;
  for (const c of cases) {
    const g = groupOf(t, c.mainDiagnosis, c.procedures);
    if (!g) { settled.push({ id: c.id, facilityCode: c.facilityCode, groupKey: null, band: 'ungrouped', ratio: 0, points: 0 }); continue; }
    const r = casePoints(c.totalFen, g);
    const points = r.points * coef(c.facilityCode);
    totalPoints += points;
    settled.push({ id: c.id, facilityCode: c.facilityCode, groupKey: g.key, band: r.band, ratio: r.ratio, points });
  }
  const pointValue = settledPointValue(o.fundAvailableFen, o.fundShare, totalPoints);
  const by = new Map<string, HospitalResult>();
  cases.forEach((c, i) => {
    const s = settled[i];
    const h = by.get(c.facilityCode) ?? { facilityCode: c.facilityCode, coefficient: coef(c.facilityCode), cases: 0, grouped: 0, points: 0, totalFen: 0, selfFen: 0, paymentFen: 0, balanceFen: 0, lowCases: 0, highCases: 0, reviewCases: 0 };
    h.cases++;
    if (s.band !== 'ungrouped') { h.grouped++; h.points += s.points; h.totalFen += c.totalFen; h.selfFen += c.selfFen; }
    if (s.band === 'low') h.lowCases++;
    if (s.band === 'high') h.highCases++;
    if (s.band === 'review') h.reviewCases++;
    by.set(c.facilityCode, h);
  });
  const hospitals = [...by.values()].map((h) => {
    const paymentFen = Math.max(0, Math.round(h.points * pointValue - h.selfFen));
    return { ...h, paymentFen, balanceFen: paymentFen - (h.totalFen - h.selfFen) };
  }).sort((a, b) => a.facilityCode.localeCompare(b.facilityCode));
  return { cases: settled, pointValue, totalPoints, hospitals };
}
