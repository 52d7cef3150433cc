// The daily detection and the CDC's signal worklist: counts refreshed from the cards (this module's)
// and from outpatient visits (records' function), every plan run over the county, signals stored with
// their method, counts, baseline and parameters, and the response recorded. Audited.
import type { Db, Queryable } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';
import { actorOf } from '../../platform/auth.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { writeAudit } from '../../platform/audit.ts';
import { scopePrefix } from '../../platform/scope.ts';
import { townshipsOf } from '../registry/regions.ts';
import { dailySyndromeCounts } from '../records/service.ts';
import { addDays, today } from '../../shared/time.ts';
import { detect, DEFAULT_PARAMS, historyDays, METHODS, type MethodParams, type RaisedSignal, type SeriesCounts } from './engine.ts';
import { dailyPlans, inCombination } from './plan.ts';
import { SYNDROMES, syndromeSeries } from './syndromes.ts';
import { diseaseByCode, responsiveness, SIGNAL_ACTIONS, VERIFY_HOURS, type SignalAction } from './rules.ts';
import * as store from './store.ts';

/** The methods' parameters: the defaults, overridden by the rows of surveillance_params (series '*': every series). */
export async function currentParams(q: Queryable): Promise<MethodParams> {
  const rows = await store.paramRows(q);
  const p = structuredClone(DEFAULT_PARAMS) as MethodParams;
  for (const r of rows) if (r.series === '*' && (METHODS as readonly string[]).includes(r.method)) Object.assign(p[r.method as keyof MethodParams], r.params);
  for (const r of rows) if (r.method === 'township' && r.series === '*') Object.assign(p.township, r.params);
  return p;
}

/** Recounts a county's days [from, to]: notifiable cases from the cards, syndromes from the record's outpatient visits. */
export async function refreshCounts(q: Queryable, county: string, from: string, to: string): Promise<number> {
  const [cards, syn] = await Promise.all([
    store.cardCounts(q, county, from, to),
    dailySyndromeCounts(q, county, from, to, SYNDROMES.map((s) => ({ code: s.code, icd10: s.icd10, complaint: s.complaint }))),
  ]);
  const rows = [...cards, ...syn.map((r) => ({ day: r.day, township: r.township, series: syndromeSeries(r.syndrome), n: r.n }))];
  await store.replaceCounts(q, county, from, to, rows);
  return rows.length;
}

export interface DetectionRun { county: string; day: string; series: number; raised: number; stored: number; countMs: number; detectMs: number }

/**
 * The daily detection for a county and day: the last `recountDays` recounted (late records), then
 * every plan over the county's townships; signals of the default combination are stored (new ones only).
 */
export async function runDetection(db: Db, county: string, day: string, o: { recountDays?: number; params?: MethodParams } = {}): Promise<DetectionRun> {
  const t0 = performance.now();
  const p = o.params ?? (await currentParams(db));
  const from = addDays(day, -historyDays(p));
  await db.tx((q) => refreshCounts(q, county, addDays(day, -((o.recountDays ?? 7) - 1)), day));
  const t1 = performance.now();
  const towns = (await townshipsOf(db, county)).map((t) => t.code);
  const rows = await store.countsBetween(db, county, from, day);
  const D = Math.round((Date.parse(day) - Date.parse(from)) / 86_400_000) + 1;
  const ti = new Map(towns.map((t, i) => [t, i]));
  const bySeries = new Map<string, number[][]>();
  for (const r of rows) {
    const i = ti.get(r.township);
    if (i === undefined) continue;
    if (!bySeries.has(r.series)) bySeries.set(r.series, towns.map(() => new Array<number>(D).fill(0)));
    bySeries.get(r.series)![i][Math.round((Date.parse(r.day) - Date.parse(from)) / 86_400_000)] += r.n;
  }
  const raised: RaisedSignal[] = [];
  const plans = dailyPlans();
  for (const plan of plans) {
    const counts = bySeries.get(plan.series);
    if (!counts) continue; // no case in five years: nothing can signal (the fixed threshold needs one)
    const c: SeriesCounts = { series: plan.series, start: from, townships: towns, counts };
    raised.push(...detect(plan, c, day, p, undefined, Date.parse(day) / 86_400_000).filter(inCombination));
  }
  const stored = await db.tx((q) => store.insertSignals(q, county, VERIFY_HOURS, raised));
  return { county, day, series: plans.length, raised: raised.length, stored, countMs: Math.round(t1 - t0), detectMs: Math.round(performance.now() - t1) };
}

/** The county a principal runs detection for: their county (a CDC's scope), or the one a sysadmin names. */
async function countyOf(q: Queryable, p: Principal, asked?: string): Promise<string> {
  const prefix = await scopePrefix(q, p);
  if (prefix === null) {
    if (!asked) throw badRequest('surveillance.county_required', { zh: '请指定县（区）', en: 'Name the county' }, [{ path: 'county', problem: 'required / 必填' }]);
    return asked;
  }
  if (prefix.length !== 6 || (asked && asked !== prefix)) throw forbidden({ zh: '只有县级疾控可运行本县预警', en: 'Only a county CDC runs its county\'s detection' });
  return prefix;
}

/** On demand: the detection for the caller's county and a day (default today). */
export async function runOnDemand(db: Db, p: Principal, x: { county?: string; day?: string }): Promise<DetectionRun> {
  const county = await countyOf(db, p, x.county);
  const r = await runDetection(db, county, x.day ?? today());
  await db.tx((q) => writeAudit(q, actorOf(p, p.ip), { action: 'surveillance.detection_run', outcome: 'ok', recordType: 'county', recordId: county, details: { ...r } }));
  return r;
}

const seriesName = (series: string) => {
  const s = SYNDROMES.find((x) => syndromeSeries(x.code) === series);
  if (s) return { zh: `${s.nameZh}症候群`, en: `${s.nameEn} syndrome` };
  const d = diseaseByCode(series);
  return { zh: d?.nameZh ?? series, en: d?.nameEn ?? series };
};

function toOut(s: store.SignalRow, towns: Map<string, string>, now = new Date()) {
  const n = seriesName(s.series);
  return {
    id: s.id, series: s.series, seriesNameZh: n.zh, seriesNameEn: n.en, method: s.method, day: s.day, countyCode: s.county_code, townshipCode: s.township_code, townshipName: s.township_code ? towns.get(s.township_code) ?? null : null,
    observed: s.observed, expected: Math.round(s.expected * 100) / 100, threshold: Math.round(s.threshold * 1000) / 1000, statistic: Math.round(s.statistic * 1000) / 1000, pValue: s.p_value, baseline: s.baseline, params: s.params,
    cluster: s.cluster ? { ...s.cluster, townshipNames: s.cluster.townships.map((t) => towns.get(t) ?? t) } : null,
    status: s.status, verifyDueAt: s.verify_due_at.toISOString(), overdue: s.status === 'open' && s.verify_due_at < now, respondedAt: s.responded_at?.toISOString() ?? null, closedAt: s.closed_at?.toISOString() ?? null, note: s.note,
    createdAt: s.created_at.toISOString(), actions: Object.keys(SIGNAL_ACTIONS[s.status]) as SignalAction[],
  };
}
export type SignalOut = ReturnType<typeof toOut>;

async function townNames(q: Queryable, counties: Iterable<string>): Promise<Map<string, string>> {
  const m = new Map<string, string>();
  for (const c of new Set(counties)) for (const t of await townshipsOf(q, c)) m.set(t.code, t.name);
  return m;
}

/** The CDC's worklist: signals in the region (open first), over a period (default the last 30 days). */
export async function signalList(db: Db, p: Principal, x: { status?: string; from?: string; to?: string }): Promise<SignalOut[]> {
  const to = x.to ?? today();
  const rows = await store.signalsIn(db, await scopePrefix(db, p), x.status ?? null, x.from ?? addDays(to, -30), to);
  const towns = await townNames(db, rows.map((r) => r.county_code));
  return rows.map((r) => toOut(r, towns));
}

async function visibleSignal(q: Queryable, p: Principal, id: string, lock = false): Promise<store.SignalRow> {
  const s = await store.signalById(q, id, lock);
  const prefix = await scopePrefix(q, p);
  if (!s || (prefix !== null && !s.county_code.startsWith(prefix) && !(s.township_code ?? '').startsWith(prefix))) throw notFound({ zh: '预警信号', en: 'Signal' });
  return s;
}

/** One signal with its series (the last 60 days of the county or township, with its baseline and threshold) and linked cases. */
export async function signalDetail(db: Db, p: Principal, id: string) {
  const s = await visibleSignal(db, p, id);
  const towns = await townNames(db, [s.county_code]);
  const series = await store.seriesTotals(db, s.county_code, s.series, s.method === 'scan' || !s.township_code ? (s.method === 'scan' ? s.township_code : null) : s.township_code, addDays(s.day, -59), s.day);
  const byDay = new Map(series.map((r) => [r.day, r.n]));
  const points = Array.from({ length: 60 }, (_, i) => { const d = addDays(s.day, i - 59); return { day: d, n: byDay.get(d) ?? 0 }; });
  return { ...toOut(s, towns), points, cases: (await store.casesOf(db, id)).map((c) => c.card_id) };
}

/** The response: verify (exclude, or investigate), then confirm the outbreak with its cases linked, or close. */
export async function respond(db: Db, p: Principal, id: string, x: { action: SignalAction; note?: string; cardIds?: string[] }) {
  await db.tx(async (q) => {
    const s = await visibleSignal(q, p, id, true);
    const to = SIGNAL_ACTIONS[s.status][x.action];
    if (!to) throw conflict('surveillance.signal_state', { zh: `信号当前状态（${s.status}）不允许此操作`, en: `The signal's status (${s.status}) does not allow this` });
    if ((x.action === 'exclude' || x.action === 'close') && !x.note) throw badRequest('surveillance.reason_required', { zh: '请填写原因', en: 'A reason is required' }, [{ path: 'note', problem: 'required / 必填' }]);
    if (x.action === 'confirm') {
      const ids = [...new Set(x.cardIds ?? [])];
      if (!ids.length) throw badRequest('surveillance.cases_required', { zh: '确认暴发须关联病例', en: 'Link the outbreak\'s cases' }, [{ path: 'cardIds', problem: 'required / 必填' }]);
      const found = await store.cardsByIds(q, s.county_code, ids);
      const missing = ids.filter((c) => !found.some((f) => f.id === c));
      if (missing.length) throw badRequest('surveillance.cases_unknown', { zh: '有病例不属于本县', en: 'Some cases are not of this county' }, missing.map((m) => ({ path: 'cardIds', problem: `unknown card ${m} / 未知报告卡` })));
      await store.linkCases(q, id, ids);
    }
    await store.respondSignal(q, id, to, p.userId, x.note ?? null, to !== 'investigating', s.status === 'open');
    await writeAudit(q, actorOf(p, p.ip), { action: `surveillance.signal_${x.action}`, outcome: 'ok', recordType: 'signal', recordId: id, details: { from: s.status, to, note: x.note ?? null, cases: x.cardIds?.length ?? 0 } });
  });
  return signalDetail(db, p, id);
}

/** Responsiveness over a period, as CIDARS reports it. */
export async function signalFigures(db: Db, p: Principal, x: { from?: string; to?: string }) {
  const to = x.to ?? today();
  const from = x.from ?? addDays(to, -30);
  const rows = await store.signalsIn(db, await scopePrefix(db, p), null, from, to);
  return { from, to, ...responsiveness(rows.map((r) => ({ createdAt: r.created_at, respondedAt: r.responded_at, dueAt: r.verify_due_at }))),
    byStatus: Object.fromEntries(['open', 'excluded', 'investigating', 'confirmed', 'closed'].map((k) => [k, rows.filter((r) => r.status === k).length])) };
}

/** The township grid: signals and cases of the last 7 days ending `day`, per township. */
export async function signalGrid(db: Db, p: Principal, day = today()) {
  const prefix = await scopePrefix(db, p);
  const county = prefix && prefix.length >= 6 ? prefix.slice(0, 6) : null;
  if (!county) throw badRequest('surveillance.county_required', { zh: '请指定县（区）', en: 'Name the county' }, [{ path: 'county', problem: 'required / 必填' }]);
  const towns = await townshipsOf(db, county);
  const from = addDays(day, -6);
  const [signals, counts] = await Promise.all([store.signalsIn(db, county, null, from, day), store.countsBetween(db, county, from, day)]);
  return { from, to: day, townships: towns.map((t) => ({
    code: t.code, name: t.name,
    signals: signals.filter((s) => s.township_code === t.code || s.cluster?.townships.includes(t.code)).length,
    cases: counts.filter((c) => c.township === t.code && !c.series.startsWith('syndrome:')).reduce((a, c) => a + c.n, 0),
    syndromes: counts.filter((c) => c.township === t.code && c.series.startsWith('syndrome:')).reduce((a, c) => a + c.n, 0),
  })), countySignals: signals.filter((s) => !s.township_code).length };
}
