// Meridian's default combination of methods: which (method, level) signals go to the CDC's worklist,
// with the parameters tuned on bench/surveillance. Pure.
import type { Method, RaisedSignal, SeriesPlan } from './engine.ts';
import { DISEASES } from './rules.ts';
import { SYNDROMES, syndromeSeries } from './syndromes.ts';

/** The (method, level) pairs of the default combination. */
export const DEFAULT_COMBINATION: readonly string[] = ['fixed:county', 'ears_c3:township', 'scan:township'];

/** Whether a raised signal belongs to the default combination. */
export function inCombination(s: Pick<RaisedSignal, 'method' | 'township'>): boolean {
  const level = s.method === 'scan' || s.township ? 'township' : 'county';
  return DEFAULT_COMBINATION.includes(`${s.method}:${level}`);
}

const levels = (level: 'county' | 'township'): Method[] => DEFAULT_COMBINATION.filter((x) => x.endsWith(`:${level}`) && !x.startsWith('scan')).map((x) => x.split(':')[0] as Method);

/** The plans the daily job runs: each catalogue disease with a detection method (fixed, or the moving percentile with the other methods of the combination), and each syndrome. */
export function dailyPlans(): SeriesPlan[] {
  const plans: SeriesPlan[] = [];
  for (const d of DISEASES) {
    if (!d.detection) continue;
    if (d.detection.method === 'fixed') plans.push({ series: d.code, county: ['fixed'], township: [], scan: false });
    else plans.push({ series: d.code, county: levels('county').filter((m) => m !== 'fixed'), township: levels('township'), scan: DEFAULT_COMBINATION.includes('scan:township'), mpmPercentile: d.detection.percentile });
  }
  for (const s of SYNDROMES) plans.push({ series: syndromeSeries(s.code), county: ['ears_c1', 'ears_c2', 'ears_c3'].filter((m) => DEFAULT_COMBINATION.includes(`${m}:county`)) as Method[], township: levels('township').filter((m) => m !== 'mpm'), scan: true });
  return plans;
}
