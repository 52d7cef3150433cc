// The daily detection over one county: which method runs on which series at which level, with the
// parameters as data; pure, so the bench and the service run the same code.
import { earsC1, earsC2, earsC3, fixedThreshold, movingPercentile, spaceTimeScan, C1_DEFAULTS, C2_DEFAULTS, C3_DEFAULTS, FIXED_DEFAULTS, MPM_DEFAULTS, SCAN_DEFAULTS, indexOf, rng,
  type EarsParams, type Evaluation, type FixedParams, type MpmParams, type ScanParams, type Series } from './detection.ts';
import { addDays } from '../../shared/time.ts';

export type Method = 'fixed' | 'mpm' | 'ears_c1' | 'ears_c2' | 'ears_c3' | 'scan';
export const METHODS: readonly Method[] = ['fixed', 'mpm', 'ears_c1', 'ears_c2', 'ears_c3', 'scan'];
export interface MethodParams {
  fixed: FixedParams; mpm: MpmParams; ears_c1: EarsParams; ears_c2: EarsParams; ears_c3: EarsParams; scan: ScanParams;
  /** The fewest cases a township's series must show on the day (EARS) or in the window (MPM) to signal: township series are sparse. */
  township: { minCases: number };
}
export const DEFAULT_PARAMS: MethodParams = { fixed: FIXED_DEFAULTS, mpm: MPM_DEFAULTS, ears_c1: C1_DEFAULTS, ears_c2: C2_DEFAULTS, ears_c3: C3_DEFAULTS, scan: SCAN_DEFAULTS, township: { minCases: 3 } };

/** What runs on a series: the methods at county level and at township level. */
export interface SeriesPlan { series: string; county: Method[]; township: Method[]; scan: boolean; mpmPercentile?: number }

/** A signal as the engine raises it (the service stores it; the bench scores it). */
export interface RaisedSignal { series: string; method: Method; township: string | null; day: string; observed: number; expected: number; threshold: number; statistic: number; pValue: number | null; baseline: number[]; params: object; cluster: { townships: string[]; from: string; to: string } | null }

/** Daily counts of one series: per township, with index 0 = start. */
export interface SeriesCounts { series: string; start: string; townships: string[]; counts: number[][] }

const sumSeries = (c: SeriesCounts): Series => ({ start: c.start, counts: c.counts[0]?.map((_, d) => c.counts.reduce((a, r) => a + r[d], 0)) ?? [] });

function run(method: Method, s: Series, day: string, p: MethodParams, percentile?: number): { ev: Evaluation | null; params: object } {
  switch (method) {
    case 'fixed': return { ev: fixedThreshold(s, day, p.fixed), params: p.fixed };
    case 'mpm': { const mp = { ...p.mpm, ...(percentile ? { percentile } : {}) }; return { ev: movingPercentile(s, day, mp), params: mp }; }
    case 'ears_c1': return { ev: earsC1(s, day, p.ears_c1), params: p.ears_c1 };
    case 'ears_c2': return { ev: earsC2(s, day, p.ears_c2), params: p.ears_c2 };
    case 'ears_c3': return { ev: earsC3(s, day, p.ears_c3), params: p.ears_c3 };
    default: return { ev: null, params: {} };
  }
}

/**
 * Runs a plan over a series' counts for one day: the county total through the county methods, each
 * township through the township methods, and the space-time scan over the townships (prospective,
 * each township its own zone unless `neighbours` are given).
 */
export function detect(plan: SeriesPlan, c: SeriesCounts, day: string, p: MethodParams = DEFAULT_PARAMS, neighbours?: number[][], seed = 1): RaisedSignal[] {
  const out: RaisedSignal[] = [];
  const push = (method: Method, township: string | null, ev: Evaluation, params: object) => out.push({ series: plan.series, method, township, day, observed: ev.observed, expected: ev.expected, threshold: ev.threshold,
    statistic: ev.statistic, pValue: null, baseline: ev.baseline, params, cluster: null });
  const county = sumSeries(c);
  for (const m of plan.county) { const { ev, params } = run(m, county, day, p, plan.mpmPercentile); if (ev?.signal) push(m, null, ev, params); }
  const min = p.township.minCases;
  const tp: MethodParams = { ...p, mpm: { ...p.mpm, minCases: Math.max(min, p.mpm.minCases) }, ears_c1: { ...p.ears_c1, minCases: Math.max(min, p.ears_c1.minCases) },
    ears_c2: { ...p.ears_c2, minCases: Math.max(min, p.ears_c2.minCases) }, ears_c3: { ...p.ears_c3, minCases: Math.max(min, p.ears_c3.minCases) } };
  for (const m of plan.township) {
    c.townships.forEach((tw, i) => { const { ev, params } = run(m, { start: c.start, counts: c.counts[i] }, day, tp, plan.mpmPercentile); if (ev?.signal) push(m, tw, ev, params); });
  }
  if (plan.scan && c.townships.length) {
    const end = indexOf({ start: c.start, counts: [] }, day);
    const from = end - p.scan.windowDays + 1;
    if (from >= 0) {
      const win = c.counts.map((r) => r.slice(from, end + 1));
      const nb = neighbours ?? c.townships.map((_, i) => [i]);
      const r = spaceTimeScan({ counts: win, neighbours: nb }, p.scan, rng(seed));
      if (r?.signal) {
        out.push({ series: plan.series, method: 'scan', township: c.townships[r.cluster.zones[0]], day, observed: r.cluster.observed, expected: r.cluster.expected, threshold: p.scan.alpha, statistic: r.cluster.llr, pValue: r.p,
          baseline: [], params: p.scan, cluster: { townships: r.cluster.zones.map((z) => c.townships[z]), from: addDays(c.start, from + r.cluster.fromDay), to: addDays(c.start, from + r.cluster.toDay) } });
      }
    }
  }
  return out;
}

/** The history a plan needs before the day: three years and the blocks after the same-season one (MPM), else the scan's window or EARS's ten days. */
export const historyDays = (p: MethodParams = DEFAULT_PARAMS): number => 366 * p.mpm.years + p.mpm.blockDays * (p.mpm.blocksEachSide + 1) + 7;
