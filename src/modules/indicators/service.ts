// Indicators: the catalogue, stored values (league tables, trends, drill-down), targets with their
// status, entered values, the residents behind a rate (for those allowed), and on-demand computation.
import type { Db, Queryable } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';
import { actorOf } from '../../platform/auth.ts';
import { badRequest, forbidden, notFound, stale } from '../../platform/errors.ts';
import { writeAudit, writeAuditMany } from '../../platform/audit.ts';
import { scopePrefix } from '../../platform/scope.ts';
import { regionPrefix } from '../../shared/roles.ts';
import { teamsOfUser } from '../contracts/service.ts';
import { ageOn } from '../registry/rules.ts';
import { BY_CODE, CATALOGUE, UNIT_LABEL, type Definition, type Level } from './catalogue.ts';
import { compute, counties } from './engine.ts';
import { startJob } from './jobs.ts';
import type { CatalogueEntry, ComputeInput, EntryInput, Job, ResidentsInput, TargetInput, TargetRow, ValueRow, ValuesInput, TrendInput } from './schema.ts';
import { isPeriod, judgedComparator, roundValue, UNIT_DECIMALS, qualityFlags, periodBounds, type QualityFlag, type QualityInput, periodTime, periodsOfYear, slopePerYear, STATUS_RULE, targetStatus, windowOf, type Status } from './rules.ts';
import { today } from '../../shared/time.ts';
import * as store from './store.ts';

/** The catalogue as the web app and outside tools see it. */
export function catalogue(): CatalogueEntry[] {
  return CATALOGUE.map((d) => ({
    code: d.code, name: d.name, definition: d.definition, unit: d.unit, unitLabel: UNIT_LABEL[d.unit], betterWhen: d.betterWhen, levels: d.levels, window: d.window,
    source: d.source, group: d.group, drillToResidents: !!d.facts?.includes('r.id AS resident_id'), plausible: d.plausible ?? null, decimals: UNIT_DECIMALS[d.unit],
  }));
}

/** The data-quality flags of one stored value of the definition (the rule in rules.ts, held by the definition's range). */
function flagsOf(d: Definition, v: QualityInput, now: string): QualityFlag[] {
  const measurable = !d.measurable || !isPeriod(v.period) || d.measurable(windowOf(v.period, d.window, now));
  return qualityFlags({ ...v, measurable }, { unit: d.unit, plausible: d.plausible, today: now });
}

function definitionOf(code: string, path = 'code'): Definition {
  const d = BY_CODE.get(code);
  if (!d) throw badRequest('indicator.unknown', { zh: '未知指标', en: 'Unknown indicator' }, [{ path, problem: `unknown indicator "${code}" / 未知指标` }]);
  return d;
}

/** The county the principal's dashboards show (their scope's county, or the one asked for within it). */
export async function countyOf(q: Queryable, p: Principal, asked?: string): Promise<string> {
  const prefix = await scopePrefix(q, p);
  const all = await counties(q);
  const mine = all.filter((c) => prefix === null || c.startsWith(prefix.slice(0, 6)) || prefix.startsWith(c));
  if (asked) {
    if (!mine.includes(asked)) throw notFound({ zh: '县（区）', en: 'County' });
    return asked;
  }
  if (!mine.length) throw notFound({ zh: '县（区）', en: 'County' });
  return mine[0];
}

async function unitNames(q: Queryable, level: Level, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  return new Map((await store.unitNames(q, level, ids)).map((r) => [r.id, r.name]));
}

/** The units below a parent: townships of a county, facilities of a township (or the county's own), teams of a facility. */
async function childrenFilter(q: Queryable, county: string, level: Level, parent: string | undefined): Promise<string[] | null> {
  if (!parent) return null;
  if (level === 'township') return store.townshipsOf(q, parent);
  if (level === 'facility') return parent.length === 6 ? store.facilitiesIn(q, parent) : store.facilitiesUnder(q, parent.length === 12 ? parent.slice(0, 9) : parent);
  if (level === 'team') return store.teamsOfFacility(q, parent);
  if (level === 'community') return store.communitiesIn(q, county);
  return null;
}

/** Stored values of an indicator for a period at a level (optionally the children of one unit): the league table. */
export async function values(db: Db, p: Principal, o: ValuesInput): Promise<{ county: string; items: ValueRow[] }> {
  const d = definitionOf(o.code);
  const county = await countyOf(db, p, o.county);
  if (!d.levels.includes(o.level)) throw badRequest('indicator.level', { zh: '该指标不按此层级统计', en: 'This indicator is not cut by that level' }, [{ path: 'level', problem: `${o.code} is cut by ${d.levels.join(', ')} / 可选层级：${d.levels.join('、')}` }]);
  const only = await childrenFilter(db, county, o.level, o.parent);
  const rows = await store.storedValues(db, { code: o.code, period: o.period, level: o.level, county, only });
  const names = await unitNames(db, o.level, rows.map((r) => r.unit_id));
  const sign = d.betterWhen === 'higher' ? -1 : 1;
  const now = today();
  const items = rows.map((r): ValueRow => ({
    level: o.level, unitId: r.unit_id, name: names.get(r.unit_id) ?? r.unit_id, value: r.value, numerator: r.numerator, denominator: r.denominator,
    source: r.source, at: r.at.toISOString(), enteredBy: r.entered_by, note: r.note,
    flags: flagsOf(d, { value: r.value, denominator: r.denominator, period: o.period, level: o.level }, now),
  })).sort((a, b) => (a.value == null ? 1 : b.value == null ? -1 : sign * (a.value - b.value)) || a.name.localeCompare(b.name));
  return { county, items };
}

/** The monthly (and yearly) values of one unit, with the targets held against it. */
export async function trend(db: Db, p: Principal, o: TrendInput) {
  const d = definitionOf(o.code);
  const county = await countyOf(db, p, o.county);
  const now = today();
  const rows = (await store.unitSeries(db, { code: o.code, level: o.level, unit: o.unit, county }))
    .map((r) => ({ period: r.period, value: r.value, flags: flagsOf(d, { ...r, level: o.level }, now) }));
  const months = rows.filter((r) => r.period.length === 7 && !r.period.includes('Q')).slice(-o.months);
  const years = rows.filter((r) => r.period.length === 4);
  const targets = o.level === 'county' || o.level === 'township' ? await targetsWithStatus(db, county, { code: o.code, locality: o.unit }) : [];
  return { months, years, targets };
}

function levelOfLocality(code: string): Level | null {
  if (code.length === 6 && !code.endsWith('00')) return 'county';
  if (code.length === 12 && code.endsWith('000') && !code.endsWith('000000')) return 'township';
  return null;
}

/** The county's targets (or one indicator's at one locality), each with its current value, status by the rule, and sparkline. */
export async function targetsWithStatus(q: Queryable, county: string, o: { code?: string; locality?: string; year?: number } = {}): Promise<TargetRow[]> {
  // A report for a past year judges each target as it stood on that year's last day.
  const now = today();
  const day = o.year && `${o.year}-12-31` < now ? `${o.year}-12-31` : now;
  const ts = await store.targetsUnder(q, county, o);
  const keys = ts.filter((t) => t.indicator_code && levelOfLocality(t.locality_code));
  const vals = await store.localitySeries(q, county, keys.map((t) => ({ code: t.indicator_code!, locality: t.locality_code })));
  const by = new Map<string, typeof vals>();
  for (const v of vals) {
    const k = `${v.indicator_code}|${v.unit_id}`;
    by.set(k, [...(by.get(k) ?? []), v]);
  }
  const thisYear = Number(day.slice(0, 4));
  return ts.map((t): TargetRow => {
    const d = t.indicator_code ? BY_CODE.get(t.indicator_code) : undefined;
    const series = (by.get(`${t.indicator_code}|${t.locality_code}`) ?? []).filter((v) => v.period.slice(0, 4) <= day.slice(0, 4)).sort((a, b) => a.period.localeCompare(b.period));
    const months = series.filter((v) => v.period.length === 7 && !v.period.includes('Q'));
    const years = series.filter((v) => v.period.length === 4);
    const year = String(Math.min(t.due_year ?? thisYear, thisYear));
    // The current value: the due year's own (or this year's, to date); failing that the latest year's (a target past due
    // is judged on the latest figure), or for an entered indicator the latest entered for any period.
    const cur = years.find((v) => v.period === year && v.value != null) ?? [...years].reverse().find((v) => v.value != null)
      ?? (d?.source === 'entered' ? [...series].reverse().find((v) => v.value != null) : undefined);
    const trendPts = (d?.trendFrom === 'year' ? years : months.slice(-12)).filter((v) => v.value != null).map((v) => ({ t: periodTime(v.period), v: v.value! }));
    const st = targetStatus({ comparator: judgedComparator(t.comparator, d?.betterWhen), value: t.value, valueHigh: t.value_high, dueYear: t.due_year, current: cur?.value ?? null, slope: slopePerYear(trendPts), asOf: day });
    return {
      id: t.id, indicatorCode: t.indicator_code, indicatorName: d?.name ?? null, localityCode: t.locality_code, localityName: t.locality_name, comparator: t.comparator, value: t.value,
      valueHigh: t.value_high, unit: t.unit, dueYear: t.due_year, planId: t.plan_id, planTitle: t.plan_title, taskId: t.task_id, taskTitle: t.task_title, text: t.text, metric: t.metric, note: t.note, version: t.version,
      current: cur?.value ?? null, period: cur?.period ?? null, status: st.status, projected: st.projected == null ? null : Math.round(st.projected * 100) / 100, reason: st.reason,
      sparkline: months.slice(-12).map((v) => v.value), source: cur?.source ?? null,
      flags: cur && d ? flagsOf(d, { value: cur.value, denominator: cur.denominator, period: cur.period, level: cur.unit_level }, now) : [],
    };
  });
}

/** Current value (rounded to the indicator's precision, as shown) and status of the given targets (for modules that show targets, such as the plan ledger), by target id. */
export async function targetProgress(q: Queryable, ids: string[]): Promise<Map<string, { value: number; period: string | null; status: Status; reason: string }>> {
  const out = new Map<string, { value: number; period: string | null; status: Status; reason: string }>();
  if (!ids.length) return out;
  const wanted = new Set(ids);
  for (const county of await store.countiesOfTargets(q, ids)) {
    for (const t of await targetsWithStatus(q, county)) {
      const unit = t.indicatorCode ? BY_CODE.get(t.indicatorCode)?.unit : undefined;
      if (wanted.has(t.id) && t.current != null) out.set(t.id, { value: unit ? roundValue(t.current, unit) : t.current, period: t.period, status: t.status, reason: t.reason });
    }
  }
  return out;
}

/** The commission's view: every target of the county with value, status and sparkline, and the status rule. */
export async function dashboard(db: Db, p: Principal, asked?: string, year?: number) {
  const county = await countyOf(db, p, asked);
  const at = await store.lastComputed(db, county);
  return { county, countyName: (await store.regionName(db, county)) ?? county, computedAt: at ? at.toISOString() : null, rule: STATUS_RULE, targets: await targetsWithStatus(db, county, { year }) };
}

async function checkTarget(q: Queryable, p: Principal, t: TargetInput) {
  const fields: { path: string; problem: string }[] = [];
  if (!BY_CODE.has(t.indicatorCode)) fields.push({ path: 'indicatorCode', problem: `unknown indicator "${t.indicatorCode}" / 未知指标` });
  const prefix = await scopePrefix(q, p);
  if (!(await store.regionExists(q, t.localityCode)) || (prefix !== null && !t.localityCode.startsWith(prefix.slice(0, 6)))) fields.push({ path: 'localityCode', problem: 'unknown region, or outside your scope / 地区不存在或超出范围' });
  if (t.comparator === 'range' && (t.valueHigh == null || t.valueHigh < t.value)) fields.push({ path: 'valueHigh', problem: 'a range needs an upper bound not below the value / 区间须有不低于下限的上限' });
  if (fields.length) throw badRequest('target.invalid', { zh: '目标有误，未保存', en: 'Invalid target; nothing was saved' }, fields);
}

/** Adds a target by hand (officers, administrators); audited. */
export async function addTarget(db: Db, p: Principal, t: TargetInput) {
  return db.tx(async (q) => {
    await checkTarget(q, p, t);
    const id = await store.insertTarget(q, { ...t, valueHigh: t.comparator === 'range' ? t.valueHigh ?? null : null, text: t.text ?? '', note: t.note ?? null }, p.userId);
    await writeAudit(q, actorOf(p, p.ip), { action: 'target.add', outcome: 'ok', recordType: 'target', recordId: id, details: { ...t } });
    return { id };
  });
}

/** Edits a target (optimistic version check); audited with the previous values. */
export async function editTarget(db: Db, p: Principal, id: string, version: number, t: TargetInput) {
  return db.tx(async (q) => {
    const prefix = await scopePrefix(q, p);
    const old = await store.lockTarget(q, id);
    if (!old || (prefix !== null && !old.locality_code.startsWith(prefix.slice(0, 6)))) throw notFound({ zh: '目标', en: 'Target' });
    if (old.version !== version) throw stale(old.version);
    await checkTarget(q, p, t);
    await store.updateTarget(q, id, { ...t, valueHigh: t.comparator === 'range' ? t.valueHigh ?? null : null, text: t.text ?? old.text, note: t.note ?? null });
    await writeAudit(q, actorOf(p, p.ip), { action: 'target.edit', outcome: 'ok', recordType: 'target', recordId: id, details: { before: { comparator: old.comparator, value: old.value, due_year: old.due_year }, after: { ...t } } });
    return { id, version: version + 1 };
  });
}

/** Enters the value of a non-computable indicator for a period and unit (marked entered, with who and when); audited. */
export async function enterValue(db: Db, p: Principal, e: EntryInput) {
  const fields: { path: string; problem: string }[] = [];
  const d = BY_CODE.get(e.code);
  if (!d) fields.push({ path: 'code', problem: `unknown indicator "${e.code}" / 未知指标` });
  else if (d.source !== 'entered') fields.push({ path: 'code', problem: 'this indicator is computed from the data, not entered / 该指标由数据自动计算，不能手工录入' });
  else if (!d.levels.includes(e.level)) fields.push({ path: 'level', problem: `entered for ${d.levels.join(', ')} / 可录入层级：${d.levels.join('、')}` });
  if (d?.unit === '%' && (e.value < 0 || e.value > 100)) fields.push({ path: 'value', problem: 'a percentage lies between 0 and 100 / 百分比应在0–100之间' });
  const county = await countyOf(db, p);
  let unitOk = false;
  if (e.level === 'county') unitOk = e.unitId === county;
  else if (e.level === 'township') unitOk = await store.isTownshipOf(db, e.unitId, county);
  else if (e.level === 'facility') unitOk = await store.isFacilityOf(db, e.unitId, county);
  if (!unitOk) fields.push({ path: 'unitId', problem: 'unknown unit, or outside your county / 单位不存在或不在本县' });
  if (fields.length) throw badRequest('indicator.entry_invalid', { zh: '录入有误，未保存', en: 'Invalid entry; nothing was saved' }, fields);
  return db.tx(async (q) => {
    const prev = await store.storedValue(q, e);
    await store.upsertEntered(q, { ...e, county, note: e.note ?? null, userId: p.userId });
    await writeAudit(q, actorOf(p, p.ip), { action: 'indicator.enter', outcome: 'ok', recordType: 'indicator_value', recordId: `${e.code}/${e.level}/${e.unitId}/${e.period}`, details: { value: e.value, previous: prev ?? null } });
    return { ok: true as const };
  });
}

/**
 * Starts computing the indicators for the caller's county (every period of the year, or the ones asked) as a
 * job (jobs.ts: one at a time, 409 while another runs); audited when it starts and when it ends.
 */
export async function startCompute(db: Db, p: Principal, o: ComputeInput): Promise<Job> {
  const county = await countyOf(db, p);
  const day = today();
  if (o.codes) for (const [i, c] of o.codes.entries()) definitionOf(c, `codes[${i}]`);
  const periods = o.period ? [o.period] : periodsOfYear(o.year ?? Number(day.slice(0, 4)), day);
  const actor = actorOf(p, p.ip);
  const job = startJob(db, { kind: 'compute', county, requestedBy: p.username }, async (progress) => {
    const r = await compute(db, { county, periods, codes: o.codes, today: day, progress });
    await db.tx((q) => writeAudit(q, actor, { action: 'indicator.compute', outcome: 'ok', recordType: 'indicator_job', recordId: job.id, details: { county, periods: periods.length, values: r.values, ms: r.ms } }));
    return r;
  });
  await db.tx((q) => writeAudit(q, actor, { action: 'indicator.compute_start', outcome: 'ok', recordType: 'indicator_job', recordId: job.id, details: { county, periods: periods.length, codes: o.codes ?? null } }));
  return job;
}

/** The residents behind a rate in a township, facility or team, for those allowed to see them (the chronic module's rule:
 *  public-health staff for their region, a clinician for their team's contracted residents); officers see aggregates only; audited. */
export async function residentsBehind(db: Db, p: Principal, o: ResidentsInput) {
  const d = definitionOf(o.code);
  if (!['doctor', 'nurse', 'village_doctor', 'public_health'].includes(p.role)) throw forbidden({ zh: '您的角色只能查看汇总数据，不能查看个人', en: 'Your role sees aggregates only, never a person' });
  if (!d.facts?.includes('r.id AS resident_id') || !d.levels.includes(o.level)) throw badRequest('indicator.no_residents', { zh: '该指标不能下钻到居民', en: 'This indicator does not drill down to residents' }, [{ path: 'code', problem: 'no residents behind this indicator at that level / 该层级无居民明细' }]);
  if (!isPeriod(o.period)) throw badRequest('indicator.period', { zh: '统计期有误', en: 'Invalid period' }, [{ path: 'period', problem: 'YYYY, YYYY-Qn or YYYY-MM' }]);
  const county = await countyOf(db, p);
  const region = await store.userRegion(db, p.userId);
  const ph = p.role === 'public_health' && !!region;
  const w = windowOf(o.period, d.window, today());
  const rows = await store.residentsBehindFacts(db, d.facts!, { county, ...w, level: o.level, unit: o.unit, part: o.part, regionPrefix: ph ? regionPrefix(region!) : null, teamIds: await teamsOfUser(db, p.userId) });
  // One row per resident shown, so that each resident's access log shows the read (an empty answer still leaves one row).
  const basis = ph ? 'public_health' : 'contract';
  const actor = actorOf(p, p.ip);
  const details = { code: o.code, period: o.period, level: o.level, unit: o.unit, part: o.part, rows: rows.length };
  await db.tx((q) => writeAuditMany(q, rows.length
    ? rows.map((r) => ({ actor, entry: { action: 'indicator.residents', outcome: 'ok' as const, residentId: r.id, basis, details } }))
    : [{ actor, entry: { action: 'indicator.residents', outcome: 'ok' as const, basis, details } }]));
  const day = today();
  return rows.map((r) => ({ residentId: r.id, name: r.name, sex: r.sex, age: ageOn(r.birth_date, day), villageName: r.village_name, inNumerator: r.num > 0 }));
}

/** Units a user may enter values for: the county, its townships, its facilities. */
export async function entryUnits(db: Db, p: Principal) {
  const county = await countyOf(db, p);
  const { towns, facilities } = await store.entryUnitRows(db, county);
  return { county: [{ id: county, name: (await store.regionName(db, county)) ?? county }], township: towns, facility: facilities };
}

/** The year-period label of today's year (used by the report and the defaults). */
export function currentYear(): string {
  return today().slice(0, 4);
}

export { periodBounds };
/** The target statuses in words, for other modules' documents. */
export { issuingUnit, STATUS_LABEL } from './export.ts';

// ---- what other modules ask of the targets (the ledger's plans hold targets; it never writes the table itself) ----

/**
 * Replaces a plan's targets (its own and its tasks') by the given ones, in plan order, inside the caller's
 * transaction: a plan's save writes them, its withdrawal clears them (an empty list). Returns how many
 * were removed and added.
 */
export async function replacePlanTargets(q: Queryable, planId: string, o: { locality: string; userId: string | null; targets: store.PlanTargetWrite[] }): Promise<{ removed: number; added: number }> {
  const removed = await store.deletePlanTargets(q, planId);
  if (o.targets.length) await store.insertPlanTargets(q, { locality: o.locality, planId, userId: o.userId, targets: o.targets });
  return { removed, added: o.targets.length };
}

/** The targets the given plan tasks hold, in plan order (the ledger shows them under each task). */
export async function targetsOfTasks(q: Queryable, taskIds: string[]): Promise<store.TaskTargetRow[]> {
  return taskIds.length ? store.targetsOfTasks(q, taskIds) : [];
}

/** Bulk-adds targets typed in by hand for one locality (the demo county's), in the caller's transaction. */
export async function addHandTargets(q: Queryable, locality: string, rows: store.HandTargetWrite[]): Promise<void> {
  if (rows.length) await store.insertHandTargets(q, locality, rows);
}
