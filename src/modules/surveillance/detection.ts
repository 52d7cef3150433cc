// The outbreak-detection methods, pure and parameterised by data: fixed threshold, the moving
// percentile method as CIDARS runs it, EARS C1/C2/C3, and Kulldorff's space-time permutation scan
// with Monte Carlo p-values. A daily series is an array of counts, index 0 = `start` (YYYY-MM-DD).
import { mulberry32 } from '../../shared/random.ts';

export interface Series { start: string; counts: readonly number[] }
/** The index of a day in a series (may be out of range). */
export const indexOf = (s: Series, day: string): number => Math.round((Date.parse(day) - Date.parse(s.start)) / 86_400_000);
/** The sum of a series over [from, to] (indices, inclusive); null when any day is outside the series. */
export function sumRange(s: Series, from: number, to: number): number | null {
  if (from < 0 || to >= s.counts.length || from > to) return null;
  let n = 0;
  for (let i = from; i <= to; i++) n += s.counts[i];
  return n;
}

/** What every method answers for a day: whether it signals, the observed count, the baseline and the threshold it was held to. */
export interface Evaluation { signal: boolean; observed: number; baseline: number[]; expected: number; threshold: number; statistic: number }

// ---- fixed threshold ----
export interface FixedParams { cases: number }
export const FIXED_DEFAULTS: FixedParams = { cases: 1 };
/** Fixed threshold: the day's count reaching `cases` (one case of the gravest diseases) signals. */
export function fixedThreshold(s: Series, day: string, p: FixedParams = FIXED_DEFAULTS): Evaluation | null {
  const i = indexOf(s, day);
  if (i < 0 || i >= s.counts.length) return null;
  const observed = s.counts[i];
  return { signal: observed >= p.cases, observed, baseline: [], expected: 0, threshold: p.cases, statistic: observed };
}

// ---- moving percentile (CIDARS) ----
export interface MpmParams {
  /** Percentile of the historical blocks (CIDARS: P50 in pilots, P80/P90 for the named diseases). */
  percentile: number;
  /** Years of history. */
  years: number;
  /** 7-day blocks on each side of the same-season block in each year (2: five blocks a year, fifteen in three years). */
  blocksEachSide: number;
  /** Days in the current window and in each block. */
  blockDays: number;
  /** The fewest cases in the current window that can signal (a zero never does). */
  minCases: number;
}
export const MPM_DEFAULTS: MpmParams = { percentile: 50, years: 3, blocksEachSide: 2, blockDays: 7, minCases: 1 };

/** The p-th percentile (0–100) by linear interpolation between order statistics (R's type 7, Excel's PERCENTILE). */
export function percentile(xs: readonly number[], p: number): number {
  if (!xs.length) return NaN;
  const v = [...xs].sort((a, b) => a - b);
  const h = (v.length - 1) * (p / 100);
  const lo = Math.floor(h);
  return lo + 1 < v.length ? v[lo] + (h - lo) * (v[lo + 1] - v[lo]) : v[lo];
}

/** The same calendar day `years` earlier (29 February falls back to the 28th). */
export function yearsBefore(day: string, years: number): string {
  const y = Number(day.slice(0, 4)) - years;
  const md = day.slice(5);
  const cand = `${y}-${md}`;
  return new Date(`${cand}T00:00:00Z`).toISOString().startsWith(cand) ? cand : `${y}-02-28`;
}

/**
 * The moving percentile method: the count of the 7 days ending `day` against the percentile of the
 * same-season 7-day blocks of earlier years (the block ending on the same date, and `blocksEachSide`
 * blocks before and after it, in each of `years` years). Signals when the current count exceeds the
 * percentile and reaches `minCases`. Null when the history is short.
 */
export function movingPercentile(s: Series, day: string, p: MpmParams = MPM_DEFAULTS): Evaluation | null {
  const i = indexOf(s, day);
  const observed = sumRange(s, i - p.blockDays + 1, i);
  if (observed === null) return null;
  const baseline: number[] = [];
  for (let y = 1; y <= p.years; y++) {
    const centre = indexOf(s, yearsBefore(day, y));
    for (let k = -p.blocksEachSide; k <= p.blocksEachSide; k++) {
      const end = centre + k * p.blockDays;
      const b = sumRange(s, end - p.blockDays + 1, end);
      if (b === null) return null;
      baseline.push(b);
    }
  }
  const threshold = percentile(baseline, p.percentile);
  const expected = baseline.reduce((a, b) => a + b, 0) / baseline.length;
  return { signal: observed > threshold && observed >= p.minCases, observed, baseline, expected, threshold, statistic: observed };
}

// ---- EARS C1, C2, C3 (Hutwagner et al. 2003; CDC EARS) ----
export interface EarsParams {
  /** Days of baseline (7). */
  baselineDays: number;
  /** Threshold of C1 and C2 (3) and of C3 (2). */
  threshold: number;
  /** The smallest standard deviation used, so a flat baseline does not divide by zero (a guard; the published formula leaves it open). */
  minSd: number;
  /** The fewest cases on the day that can signal. */
  minCases: number;
}
export const C1_DEFAULTS: EarsParams = { baselineDays: 7, threshold: 3, minSd: 0.2, minCases: 1 };
export const C2_DEFAULTS: EarsParams = { baselineDays: 7, threshold: 3, minSd: 0.2, minCases: 1 };
export const C3_DEFAULTS: EarsParams = { baselineDays: 7, threshold: 2, minSd: 0.2, minCases: 1 };

/** Mean and sample standard deviation (n − 1). */
export function meanSd(xs: readonly number[]): { mean: number; sd: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, sd };
}

/** The EARS statistic (Y_t − mean)/sd over the baseline t−lag−n … t−lag−1, or null when the history is short. */
function earsStatistic(s: Series, i: number, lag: number, p: EarsParams): { stat: number; baseline: number[]; mean: number; sd: number } | null {
  const from = i - lag - p.baselineDays;
  const to = i - lag - 1;
  if (from < 0 || i >= s.counts.length) return null;
  const baseline = s.counts.slice(from, to + 1);
  const { mean, sd } = meanSd(baseline);
  return { stat: (s.counts[i] - mean) / Math.max(sd, p.minSd), baseline, mean, sd: Math.max(sd, p.minSd) };
}

/** EARS C1: the day's count against the mean and sd of the 7 days before it; signals above 3. */
export function earsC1(s: Series, day: string, p: EarsParams = C1_DEFAULTS): Evaluation | null {
  const i = indexOf(s, day);
  const e = earsStatistic(s, i, 0, p);
  if (!e) return null;
  const observed = s.counts[i];
  return { signal: e.stat > p.threshold && observed >= p.minCases, observed, baseline: e.baseline, expected: e.mean, threshold: e.mean + p.threshold * e.sd, statistic: e.stat };
}

/** EARS C2: as C1 with a two-day guard band (baseline t−9 … t−3). */
export function earsC2(s: Series, day: string, p: EarsParams = C2_DEFAULTS): Evaluation | null {
  const i = indexOf(s, day);
  const e = earsStatistic(s, i, 2, p);
  if (!e) return null;
  const observed = s.counts[i];
  return { signal: e.stat > p.threshold && observed >= p.minCases, observed, baseline: e.baseline, expected: e.mean, threshold: e.mean + p.threshold * e.sd, statistic: e.stat };
}

/** EARS C3: Σ over t, t−1, t−2 of max(0, C2 − 1); signals above 2. */
export function earsC3(s: Series, day: string, p: EarsParams = C3_DEFAULTS): Evaluation | null {
  const i = indexOf(s, day);
  const c2p = { ...p, threshold: C2_DEFAULTS.threshold };
  let stat = 0;
  let today: ReturnType<typeof earsStatistic> = null;
  for (let k = 0; k <= 2; k++) {
    const e = earsStatistic(s, i - k, 2, c2p);
    if (!e) return null;
    if (k === 0) today = e;
    stat += Math.max(0, e.stat - 1);
  }
  const observed = s.counts[i];
  return { signal: stat > p.threshold && observed >= p.minCases, observed, baseline: today!.baseline, expected: today!.mean, threshold: p.threshold, statistic: stat };
}

// ---- Kulldorff's space-time permutation scan (Kulldorff et al., PLoS Med 2005) ----
export interface ScanParams {
  /** Days in the study window ending on the day evaluated. */
  windowDays: number;
  /** The longest cluster in days (prospective: every cylinder ends on the last day). */
  maxDays: number;
  /** The most zones in a cluster (the centre and its nearest neighbours). */
  maxZones: number;
  /** Monte Carlo replications (999: p-values to 0.001). */
  replications: number;
  /** p-value under which a cluster signals. */
  alpha: number;
  /** The fewest cases in a cluster that can signal. */
  minCases: number;
  /** Stop the replications once the p-value cannot fall below alpha (sequential Monte Carlo, Besag & Clifford 1991): the answer (signal or not) is the same, the p-value then a lower bound. */
  stopEarly?: boolean;
}
export const SCAN_DEFAULTS: ScanParams = { windowDays: 28, maxDays: 7, maxZones: 3, replications: 999, alpha: 0.05, minCases: 3, stopEarly: true };

export interface ScanInput {
  /** counts[zone][day], days 0 … D−1, the last day the one evaluated. */
  counts: readonly (readonly number[])[];
  /** For each zone, the zones by distance from it, itself first. */
  neighbours: readonly (readonly number[])[];
}
export interface Cluster { zones: number[]; fromDay: number; toDay: number; observed: number; expected: number; llr: number }

/** Log-likelihood ratio of a cylinder with c cases against μ expected out of C (0 when c ≤ μ). */
export function scanLlr(c: number, mu: number, total: number): number {
  if (c <= mu) return 0;
  const a = c * Math.log(c / mu);
  const b = total - c > 0 ? (total - c) * Math.log((total - c) / (total - mu)) : 0;
  return a + b;
}

/** The most likely prospective cluster (cylinders ending on the last day), or null when no cylinder has more cases than expected. */
export function mostLikelyCluster(counts: readonly (readonly number[])[], neighbours: readonly (readonly number[])[], p: Pick<ScanParams, 'maxDays' | 'maxZones'>): Cluster | null {
  const Z = counts.length;
  const D = Z ? counts[0].length : 0;
  const zoneTot = counts.map((r) => r.reduce((a, b) => a + b, 0));
  const dayTot = Array.from({ length: D }, (_, d) => counts.reduce((a, r) => a + r[d], 0));
  const total = zoneTot.reduce((a, b) => a + b, 0);
  if (!total) return null;
  let best: Cluster | null = null;
  for (let z = 0; z < Z; z++) {
    // Cases and expected of the growing circle, per day from the end (suffix sums over days).
    const cDay = new Array<number>(D).fill(0);
    let zoneSum = 0;
    const zones: number[] = [];
    for (const n of neighbours[z].slice(0, p.maxZones)) {
      zones.push(n);
      zoneSum += zoneTot[n];
      for (let d = 0; d < D; d++) cDay[d] += counts[n][d];
      let c = 0;
      let dTot = 0;
      for (let len = 1; len <= Math.min(p.maxDays, D); len++) {
        const d = D - len;
        c += cDay[d];
        dTot += dayTot[d];
        const mu = (zoneSum * dTot) / total;
        const llr = scanLlr(c, mu, total);
        if (llr > 0 && (!best || llr > best.llr + 1e-12)) best = { zones: [...zones], fromDay: d, toDay: D - 1, observed: c, expected: mu, llr };
      }
    }
  }
  return best;
}

/** The seeded generator of a scan's permutations (so its p-value can be reproduced). */
export const rng = mulberry32;

/**
 * The space-time permutation scan: the most likely cluster and its Monte Carlo p-value, the rank of
 * its LLR among the maxima of `replications` data sets in which the cases' days are permuted among
 * the cases (each zone's and each day's totals kept): p = (1 + #{replica ≥ observed}) / (R + 1).
 */
export function spaceTimeScan(input: ScanInput, p: ScanParams = SCAN_DEFAULTS, random: () => number = rng(20260101)): { cluster: Cluster; p: number; signal: boolean } | null {
  const best = mostLikelyCluster(input.counts, input.neighbours, p);
  if (!best) return null;
  if (p.stopEarly && best.observed < p.minCases) return { cluster: best, p: 1, signal: false };
  const enough = Math.ceil(p.alpha * (p.replications + 1)); // this many replicas at or above the observed: p ≥ alpha
  const Z = input.counts.length;
  const D = input.counts[0].length;
  const caseZone: number[] = [];
  const caseDay: number[] = [];
  for (let z = 0; z < Z; z++) for (let d = 0; d < D; d++) for (let k = 0; k < input.counts[z][d]; k++) { caseZone.push(z); caseDay.push(d); }
  let atLeast = 0;
  const days = [...caseDay];
  for (let r = 0; r < p.replications; r++) {
    for (let i = days.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [days[i], days[j]] = [days[j], days[i]];
    }
    const m = Array.from({ length: Z }, () => new Array<number>(D).fill(0));
    for (let i = 0; i < days.length; i++) m[caseZone[i]][days[i]]++;
    const b = mostLikelyCluster(m, input.neighbours, p);
    if (b && b.llr >= best.llr - 1e-9) atLeast++;
    if (p.stopEarly && atLeast >= enough) break;
  }
  const pv = (1 + atLeast) / (p.replications + 1);
  return { cluster: best, p: pv, signal: pv < p.alpha && best.observed >= p.minCases };
}
