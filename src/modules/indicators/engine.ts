// The one engine that computes every computed indicator of the catalogue: for each definition and
// period it runs the definition's facts query once, sums the facts by county, township, facility,
// medical community and team (GROUPING SETS, one pass), and replaces the stored values of that
// indicator, period and county in one transaction, with the definition's hash. `refresh` finds what
// a changed definition or a late record touches and recomputes only that.
import { createHash } from 'node:crypto';
import type { Db, Queryable } from '../../platform/db.ts';
import { CATALOGUE, UNIT_SCALE, type Definition, type Fact, type Level } from './catalogue.ts';
import { yieldToRequests, type Progress } from './jobs.ts';
import { periodsOfYear, periodsTouchedBy, ratioValue, windowOf } from './rules.ts';
import { countiesWithFacilities, replaceComputed, runsOf, sumFactsSql, touchedSince, type SummedRow } from './store.ts';

/** A stable hash of what a definition computes (its SQL, window, unit and levels). */
export function definitionHash(d: Definition): string {
  return createHash('sha256').update(JSON.stringify([d.code, d.facts ?? d.compute?.toString() ?? '', d.window, d.unit, d.levels, d.measurable?.toString() ?? ''])).digest('hex').slice(0, 16);
}

export interface UnitValue {
  level: Level;
  unit: string;
  num: number;
  den: number | null;
}

const LEVEL_OF_GROUPING: Record<number, Level> = { 15: 'county', 7: 'township', 11: 'facility', 13: 'community', 14: 'team' };

/** Sums the definition's facts for one window into values per unit (every level the definition is cut by). */
export async function aggregate(db: Db, d: Definition, w: { county: string; from: string; to: string; asOf: string }): Promise<UnitValue[]> {
  let rows: SummedRow[];
  if (d.compute) {
    const facts = await d.compute(db, w);
    rows = sumFacts(facts);
  } else {
    rows = await sumFactsSql(db, d.facts!, w);
  }
  const out: UnitValue[] = [];
  for (const r of rows) {
    const level = LEVEL_OF_GROUPING[r.g];
    if (!level || !d.levels.includes(level)) continue;
    const unit = level === 'county' ? w.county : level === 'township' ? r.town : level === 'facility' ? r.facility_id : level === 'community' ? r.community_id : r.team_id;
    if (!unit) continue;
    out.push({ level, unit, num: Number(r.num ?? 0), den: r.den == null ? null : Number(r.den) });
  }
  return out;
}

/** The same sums in JavaScript, for definitions whose facts come from another module's service. */
function sumFacts(facts: Fact[]) {
  const acc = new Map<string, { g: number; town: string | null; facility_id: string | null; community_id: string | null; team_id: string | null; num: number; den: number | null }>();
  const add = (key: string, base: { g: number; town: string | null; facility_id: string | null; community_id: string | null; team_id: string | null }, f: Fact) => {
    const x = acc.get(key) ?? { ...base, num: 0, den: null };
    x.num += f.num;
    if (f.den != null) x.den = (x.den ?? 0) + f.den;
    acc.set(key, x);
  };
  const none = { town: null, facility_id: null, community_id: null, team_id: null };
  for (const f of facts) {
    add('county', { g: 15, ...none }, f);
    if (f.town) add(`t:${f.town}`, { g: 7, ...none, town: f.town }, f);
    if (f.facility_id) add(`f:${f.facility_id}`, { g: 11, ...none, facility_id: f.facility_id }, f);
    if (f.team_id) add(`m:${f.team_id}`, { g: 14, ...none, team_id: f.team_id }, f);
  }
  return [...acc.values()];
}

/** Replaces the stored values of one indicator, period and county. */
async function store(q: Queryable, d: Definition, county: string, period: string, values: UnitValue[], hash: string, ms: number, measurable: boolean): Promise<void> {
  const scale = UNIT_SCALE[d.unit];
  // A window the rule cannot judge yet keeps its counts and no value.
  await replaceComputed(q, { code: d.code, period, county, hash, ms, values: values.map((v) => ({ ...v, value: measurable ? ratioValue(v.num, d.unit === 'count' ? null : (v.den ?? 0), scale) : null })) });
}

export interface ComputeOptions {
  county: string;
  periods: string[];
  codes?: string[];
  today: string;
  log?: (m: string) => void;
  /** A job's progress (jobs.ts): told the number of steps (definition × period), then each one done. */
  progress?: Progress;
}

/** Computes and stores the indicators for the periods (windows shared by several periods are computed once). */
export async function compute(db: Db, o: ComputeOptions): Promise<{ indicators: number; periods: number; values: number; ms: number }> {
  const t0 = performance.now();
  const defs = CATALOGUE.filter((d) => d.source === 'computed' && (!o.codes || o.codes.includes(d.code)));
  o.progress?.steps(defs.length * o.periods.length);
  let values = 0;
  for (const d of defs) {
    const hash = definitionHash(d);
    const cache = new Map<string, UnitValue[]>();
    for (const period of o.periods) {
      const w = windowOf(period, d.window, o.today);
      const key = `${w.from}|${w.to}|${w.asOf}`;
      const t1 = performance.now();
      let v = cache.get(key);
      if (!v) {
        cache.set(key, (v = await aggregate(db, d, { county: o.county, ...w })));
        await yieldToRequests();
      }
      const measurable = d.measurable?.(w) ?? true;
      await db.tx((q) => store(q, d, o.county, period, v, hash, performance.now() - t1, measurable));
      values += v.length;
      o.progress?.step();
      // Between statements the event loop serves waiting requests (on PGlite a statement holds the main thread).
      await yieldToRequests();
    }
    o.log?.(`indicators: ${d.code} × ${o.periods.length} periods`);
  }
  return { indicators: defs.length, periods: o.periods.length, values, ms: Math.round(performance.now() - t0) };
}

/** The counties the platform holds data for (county-level regions with facilities). */
export async function counties(q: Queryable): Promise<string[]> {
  return countiesWithFacilities(q);
}

/** What needs recomputing: periods computed with another definition, periods a late record reaches, and the current periods. */
export async function stalePeriods(db: Db, county: string, today: string): Promise<Map<string, Set<string>>> {
  const runs = await runsOf(db, county);
  const out = new Map<string, Set<string>>();
  const current = periodsOfYear(Number(today.slice(0, 4)), today).filter((p) => windowOf(p, 'flow', today).to >= today);
  for (const d of CATALOGUE.filter((x) => x.source === 'computed')) {
    const mine = runs.filter((r) => r.indicator_code === d.code);
    const stale = new Set<string>(current);
    const hash = definitionHash(d);
    for (const r of mine) if (r.definition_hash !== hash) stale.add(r.period);
    if (mine.length) {
      const stored = new Set(mine.map((r) => r.period));
      const oldest = mine.reduce((a, r) => (r.computed_at < a ? r.computed_at : a), mine[0].computed_at);
      for (const t of d.touches ?? []) {
        const row = await touchedSince(db, t, oldest);
        if (!row.n) continue;
        const touched = t.date && row.d ? periodsTouchedBy(row.d, d.window, today) : [...stored];
        for (const p of touched) if (stored.has(p)) stale.add(p);
      }
    }
    out.set(d.code, stale);
  }
  return out;
}

/** Recomputes what is stale in every county (the nightly job, and after a definition changes). */
export async function refresh(db: Db, today: string, log?: (m: string) => void, progress?: Progress): Promise<{ county: string; indicators: number; periods: number; values: number }[]> {
  const done: { county: string; indicators: number; periods: number; values: number }[] = [];
  const work: { county: string; stale: Map<string, Set<string>> }[] = [];
  for (const county of await counties(db)) work.push({ county, stale: await stalePeriods(db, county, today) });
  progress?.steps(work.reduce((n, w) => n + [...w.stale.values()].reduce((m, s) => m + s.size, 0), 0));
  // Each compute below reports its own steps; the job counts them against the total above.
  const inner: Progress | undefined = progress && { steps: () => {}, step: () => progress.step() };
  for (const { county, stale } of work) {
    let n = 0;
    let values = 0;
    for (const [code, periods] of stale) {
      if (!periods.size) continue;
      values += (await compute(db, { county, periods: [...periods].sort(), codes: [code], today, log, progress: inner })).values;
      n += periods.size;
    }
    done.push({ county, indicators: [...stale.values()].filter((s) => s.size).length, periods: n, values });
  }
  return done;
}
