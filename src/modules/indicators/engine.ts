// The one engine that computes every computed indicator of the catalogue: for each definition it runs
// the definition's facts query once for all the windows of the periods asked (set-based: the windows
// side by side in one statement), sums the facts by window and county, township, facility, medical
// community and team (GROUPING SETS, one pass), and replaces the stored values of that indicator for
// those periods in the county in one transaction, with the definition's hash. `refresh` finds what
// a changed definition or a late record touches and recomputes only that.
import { createHash } from 'node:crypto';
import type { Db, Queryable } from '../../platform/db.ts';
import { CATALOGUE, UNIT_SCALE, type Definition, type Fact, type Level, type Touch } from './catalogue.ts';
import { dayOf } from '../../shared/time.ts';
import { yieldToRequests, type Progress } from './jobs.ts';
import { periodBounds, periodsOfYear, periodsTouchedBy, ratioValue, windowOf } from './rules.ts';
import { countiesWithFacilities, replaceComputed, runsOf, sumFactsSql, touchedSince, type RunRow, type SummedRow } from './store.ts';

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

/** One window of a definition: the dates its facts read (rules.ts windowOf). */
export interface DateWindow { from: string; to: string; asOf: string }

const windowKey = (w: DateWindow) => `${w.from}|${w.to}|${w.asOf}`;

/**
 * Sums the definition's facts for many windows at once: one statement over all of them (the facts read
 * their windows side by side), the sums per window and unit of every level the definition is cut by.
 */
export async function aggregateMany(db: Db, d: Definition, county: string, windows: DateWindow[]): Promise<UnitValue[][]> {
  if (!windows.length) return [];
  let rows: (SummedRow & { k: number })[];
  if (d.compute) {
    rows = [];
    for (const [i, w] of windows.entries()) {
      for (const r of sumFacts(await d.compute(db, { county, ...w }))) rows.push({ ...r, k: i + 1 });
      await yieldToRequests();
    }
  } else {
    rows = await sumFactsSql(db, d.facts!, { county, from: windows.map((w) => w.from), to: windows.map((w) => w.to), asOf: windows.map((w) => w.asOf) });
  }
  const out: UnitValue[][] = windows.map(() => []);
  for (const r of rows) {
    const level = LEVEL_OF_GROUPING[r.g];
    if (!level || !d.levels.includes(level)) continue;
    const unit = level === 'county' ? county : level === 'township' ? r.town : level === 'facility' ? r.facility_id : level === 'community' ? r.community_id : r.team_id;
    if (!unit) continue;
    out[Number(r.k) - 1].push({ level, unit, num: Number(r.num ?? 0), den: r.den == null ? null : Number(r.den) });
  }
  // A window without facts still has its county total (nothing counted), as the grand total of GROUPING SETS gives it.
  if (!d.compute && d.levels.includes('county')) for (const v of out) if (!v.some((x) => x.level === 'county')) v.push({ level: 'county', unit: county, num: 0, den: null });
  return out;
}

/** Sums the definition's facts for one window into values per unit (every level the definition is cut by). */
export async function aggregate(db: Db, d: Definition, w: { county: string; from: string; to: string; asOf: string }): Promise<UnitValue[]> {
  return (await aggregateMany(db, d, w.county, [w]))[0];
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

/** The sums of several windows' values per unit (a flow's quarter and year from its months: each event lies in one month). */
function sumValues(parts: UnitValue[][]): UnitValue[] {
  if (parts.length === 1) return parts[0];
  const acc = new Map<string, UnitValue>();
  for (const part of parts) {
    for (const v of part) {
      const k = `${v.level}|${v.unit}`;
      const x = acc.get(k);
      if (!x) acc.set(k, { ...v });
      else {
        x.num += v.num;
        if (v.den != null) x.den = (x.den ?? 0) + v.den;
      }
    }
  }
  return [...acc.values()];
}

/** The windows a period is computed from: a flow's months (its facts are events, each in one month), else its own window. */
export function windowsOfPeriod(d: Pick<Definition, 'window'>, period: string, today: string): DateWindow[] {
  if (d.window === 'flow' && !/^\d{4}-\d{2}$/.test(period)) {
    const { from, to } = periodBounds(period);
    const months: DateWindow[] = [];
    for (let m = Number(from.slice(5, 7)); m <= Number(to.slice(5, 7)); m++) months.push(windowOf(`${from.slice(0, 4)}-${String(m).padStart(2, '0')}`, 'flow', today));
    return months;
  }
  return [windowOf(period, d.window, today)];
}

export interface ComputeOptions {
  county: string;
  periods: string[];
  codes?: string[];
  today: string;
  log?: (m: string) => void;
  /** A job's progress (jobs.ts): told the number of steps (one per definition), then each one done. */
  progress?: Progress;
}

/**
 * Computes and stores the indicators for the periods: per definition one statement over every window its
 * periods need (windows shared by several periods once; a flow's quarters and year summed from its months),
 * and one replacement of its stored values for all those periods, in one transaction.
 */
export async function compute(db: Db, o: ComputeOptions): Promise<{ indicators: number; periods: number; values: number; ms: number }> {
  const t0 = performance.now();
  const defs = CATALOGUE.filter((d) => d.source === 'computed' && (!o.codes || o.codes.includes(d.code)));
  o.progress?.steps(defs.length);
  let values = 0;
  for (const d of defs) {
    const t1 = performance.now();
    const hash = definitionHash(d);
    const windows = new Map<string, DateWindow>();
    const parts = new Map<string, string[]>();
    for (const period of o.periods) {
      const ws = windowsOfPeriod(d, period, o.today);
      for (const w of ws) windows.set(windowKey(w), w);
      parts.set(period, ws.map(windowKey));
    }
    const list = [...windows.values()];
    const sums = await aggregateMany(db, d, o.county, list);
    const byKey = new Map(list.map((w, i) => [windowKey(w), sums[i]]));
    const ms = (performance.now() - t1) / o.periods.length;
    const scale = UNIT_SCALE[d.unit];
    const stored = o.periods.map((period) => {
      const v = sumValues(parts.get(period)!.map((k) => byKey.get(k)!));
      // A window the rule cannot judge yet keeps its counts and no value.
      const measurable = d.measurable?.(windowOf(period, d.window, o.today)) ?? true;
      values += v.length;
      return { period, values: v.map((x) => ({ ...x, value: measurable ? ratioValue(x.num, d.unit === 'count' ? null : (x.den ?? 0), scale) : null })) };
    });
    await db.tx((q) => replaceComputed(q, { code: d.code, county: o.county, hash, ms, periods: stored }));
    o.progress?.step();
    o.log?.(`indicators: ${d.code} × ${o.periods.length} periods`);
    // Between statements the event loop serves waiting requests (on PGlite a statement holds the main thread).
    await yieldToRequests();
  }
  return { indicators: defs.length, periods: o.periods.length, values, ms: Math.round(performance.now() - t0) };
}

/** The counties the platform holds data for (county-level regions with facilities). */
export async function counties(q: Queryable): Promise<string[]> {
  return countiesWithFacilities(q);
}

/**
 * What needs recomputing: periods computed with another definition, periods a late record reaches, and the
 * current periods once a new day has begun since they were computed (a state read "as of today" moves with the day).
 * Each table a definition watches is asked once (its rows stamped after the earliest run of the definitions
 * that watch it: index-backed, migration 032), so a refresh after one late record reads only what came.
 */
export async function stalePeriods(db: Db, county: string, today: string): Promise<Map<string, Set<string>>> {
  const runs = await runsOf(db, county);
  const out = new Map<string, Set<string>>();
  const current = new Set(periodsOfYear(Number(today.slice(0, 4)), today).filter((p) => windowOf(p, 'flow', today).to >= today));
  const computed = CATALOGUE.filter((x) => x.source === 'computed');
  const runsByCode = new Map<string, RunRow[]>();
  for (const r of runs) runsByCode.set(r.indicator_code, [...(runsByCode.get(r.indicator_code) ?? []), r]);
  // The earliest run of the definitions watching each table, and what arrived in it since.
  const since = new Map<string, { touch: Touch; at: Date }>();
  for (const d of computed) {
    const mine = runsByCode.get(d.code) ?? [];
    if (!mine.length) continue;
    const oldest = mine.reduce((a, r) => (r.computed_at < a ? r.computed_at : a), mine[0].computed_at);
    for (const t of d.touches ?? []) {
      const key = `${t.table}|${t.date}|${t.stamp}`;
      const x = since.get(key);
      if (!x || oldest < x.at) since.set(key, { touch: t, at: oldest });
    }
  }
  const arrived = new Map<string, { n: number; d: string | null }>();
  for (const [key, x] of since) arrived.set(key, await touchedSince(db, x.touch, x.at));
  for (const d of computed) {
    const mine = runsByCode.get(d.code) ?? [];
    const stored = new Set(mine.map((r) => r.period));
    const hash = definitionHash(d);
    const stale = new Set<string>([...current].filter((p) => !stored.has(p)));
    for (const r of mine) {
      if (r.definition_hash !== hash) stale.add(r.period);
      if (current.has(r.period) && dayOf(r.computed_at) < today) stale.add(r.period);
    }
    if (mine.length) {
      const oldest = mine.reduce((a, r) => (r.computed_at < a ? r.computed_at : a), mine[0].computed_at);
      for (const t of d.touches ?? []) {
        const row = arrived.get(`${t.table}|${t.date}|${t.stamp}`);
        if (!row?.n) continue;
        // Rows stamped before this definition's own earliest run are already in it.
        if (since.get(`${t.table}|${t.date}|${t.stamp}`)!.at < oldest && !(await touchedSince(db, t, oldest)).n) continue;
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
  progress?.steps(work.reduce((n, w) => n + [...w.stale.values()].filter((s) => s.size).length, 0));
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
