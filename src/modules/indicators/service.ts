// Indicators: the catalogue, stored values (league tables, trends, drill-down), targets with their
// status, entered values, the residents behind a rate (for those allowed), and on-demand computation.
import type { Db, Queryable } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';
import { actorOf } from '../../platform/auth.ts';
import { badRequest, forbidden, notFound, stale } from '../../platform/errors.ts';
import { writeAudit } from '../../platform/audit.ts';
import { scopePrefix } from '../../platform/scope.ts';
import { regionPrefix } from '../../shared/roles.ts';
import { teamsOfUser } from '../contracts/service.ts';
import { ageOn } from '../registry/rules.ts';
import { BY_CODE, CATALOGUE, UNIT_LABEL, type Definition, type Level } from './catalogue.ts';
import { compute, counties } from './engine.ts';
import { isPeriod, judgedComparator, periodBounds, periodTime, periodsOfYear, slopePerYear, STATUS_RULE, targetStatus, windowOf, type Comparator, type Status } from './rules.ts';
import { today } from '../../shared/time.ts';

export interface CatalogueEntry {
  code: string; name: { zh: string; en: string }; definition: { zh: string; en: string }; unit: string; unitLabel: { zh: string; en: string };
  betterWhen: 'higher' | 'lower'; levels: Level[]; window: string; source: 'computed' | 'entered'; group: string; drillToResidents: boolean;
}

/** The catalogue as the web app and outside tools see it. */
export function catalogue(): CatalogueEntry[] {
  return CATALOGUE.map((d) => ({
    code: d.code, name: d.name, definition: d.definition, unit: d.unit, unitLabel: UNIT_LABEL[d.unit], betterWhen: d.betterWhen, levels: d.levels, window: d.window,
    source: d.source, group: d.group, drillToResidents: !!d.facts?.includes('r.id AS resident_id'),
  }));
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

export interface ValueRow {
  level: Level; unitId: string; name: string; value: number | null; numerator: number | null; denominator: number | null;
  source: 'computed' | 'entered'; at: string; enteredBy: string | null; note: string | null;
}

async function unitNames(q: Queryable, level: Level, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const sql = level === 'county' || level === 'township' ? 'SELECT code AS id, name FROM regions WHERE code = ANY($1::text[])'
    : level === 'facility' ? 'SELECT id::text, name FROM facilities WHERE id::text = ANY($1::text[])'
      : level === 'team' ? 'SELECT id::text, name FROM care_teams WHERE id::text = ANY($1::text[])' : 'SELECT id::text, name FROM communities WHERE id::text = ANY($1::text[])';
  return new Map((await q.query<{ id: string; name: string }>(sql, [ids])).map((r) => [r.id, r.name]));
}

/** The units below a parent: townships of a county, facilities of a township (or the county's own), teams of a facility. */
async function childrenFilter(q: Queryable, county: string, level: Level, parent: string | undefined): Promise<string[] | null> {
  if (!parent) return null;
  if (level === 'township') return (await q.query<{ id: string }>(`SELECT code AS id FROM regions WHERE parent_code = $1 AND level = 'township'`, [parent])).map((r) => r.id);
  if (level === 'facility') {
    const pre = parent.length === 12 ? parent.slice(0, 9) : parent;
    const exact = parent.length === 6;
    return (await q.query<{ id: string }>(`SELECT id::text FROM facilities WHERE ${exact ? 'region_code = $1' : 'region_code LIKE $1 || \'%\''}`, [exact ? parent : pre])).map((r) => r.id);
  }
  if (level === 'team') return (await q.query<{ id: string }>('SELECT id::text FROM care_teams WHERE facility_id::text = $1', [parent])).map((r) => r.id);
  if (level === 'community') return (await q.query<{ id: string }>('SELECT id::text FROM communities WHERE region_code LIKE $1 || \'%\'', [county])).map((r) => r.id);
  return null;
}

/** Stored values of an indicator for a period at a level (optionally the children of one unit): the league table. */
export async function values(db: Db, p: Principal, o: { code: string; period: string; level: Level; parent?: string; county?: string }): Promise<{ county: string; items: ValueRow[] }> {
  const d = definitionOf(o.code);
  const county = await countyOf(db, p, o.county);
  if (!d.levels.includes(o.level)) throw badRequest('indicator.level', { zh: '该指标不按此层级统计', en: 'This indicator is not cut by that level' }, [{ path: 'level', problem: `${o.code} is cut by ${d.levels.join(', ')} / 可选层级：${d.levels.join('、')}` }]);
  const only = await childrenFilter(db, county, o.level, o.parent);
  const rows = await db.query<{ unit_id: string; value: number | null; numerator: number | null; denominator: number | null; source: 'computed' | 'entered'; at: Date; entered_by: string | null; note: string | null }>(
    `SELECT v.unit_id, v.value, v.numerator, v.denominator, v.source, v.at, u.username AS entered_by, v.note
       FROM indicator_values v LEFT JOIN users u ON u.id = v.entered_by
      WHERE v.indicator_code = $1 AND v.period = $2 AND v.unit_level = $3 AND v.county_code = $4 ${only ? 'AND v.unit_id = ANY($5::text[])' : ''}`,
    only ? [o.code, o.period, o.level, county, only] : [o.code, o.period, o.level, county]);
  const names = await unitNames(db, o.level, rows.map((r) => r.unit_id));
  const sign = d.betterWhen === 'higher' ? -1 : 1;
  const items = rows.map((r): ValueRow => ({
    level: o.level, unitId: r.unit_id, name: names.get(r.unit_id) ?? r.unit_id, value: r.value, numerator: r.numerator, denominator: r.denominator,
    source: r.source, at: r.at.toISOString(), enteredBy: r.entered_by, note: r.note,
  })).sort((a, b) => (a.value == null ? 1 : b.value == null ? -1 : sign * (a.value - b.value)) || a.name.localeCompare(b.name));
  return { county, items };
}

/** The monthly (and yearly) values of one unit, with the targets held against it. */
export async function trend(db: Db, p: Principal, o: { code: string; level: Level; unit: string; months: number; county?: string }) {
  definitionOf(o.code);
  const county = await countyOf(db, p, o.county);
  const rows = await db.query<{ period: string; value: number | null }>(
    `SELECT period, value FROM indicator_values WHERE indicator_code = $1 AND unit_level = $2 AND unit_id = $3 AND county_code = $4 ORDER BY period`, [o.code, o.level, o.unit, county]);
  const months = rows.filter((r) => r.period.length === 7 && !r.period.includes('Q')).slice(-o.months);
  const years = rows.filter((r) => r.period.length === 4);
  const targets = o.level === 'county' || o.level === 'township' ? await targetsWithStatus(db, county, { code: o.code, locality: o.unit }) : [];
  return { months, years, targets };
}

export interface TargetRow {
  id: string; indicatorCode: string | null; indicatorName: { zh: string; en: string } | null; localityCode: string; localityName: string; comparator: Comparator;
  value: number; valueHigh: number | null; unit: string; dueYear: number | null; planId: string | null; planTitle: string | null; taskId: string | null; taskTitle: string | null; text: string; metric: string | null; note: string | null;
  version: number; current: number | null; period: string | null; status: Status; projected: number | null; reason: string; sparkline: (number | null)[]; source: 'computed' | 'entered' | null;
}

function levelOfLocality(code: string): Level | null {
  if (code.length === 6 && !code.endsWith('00')) return 'county';
  if (code.length === 12 && code.endsWith('000') && !code.endsWith('000000')) return 'township';
  return null;
}

/** The county's targets (or one indicator's at one locality), each with its current value, status by the rule, and sparkline. */
export async function targetsWithStatus(q: Queryable, county: string, o: { code?: string; locality?: string; year?: number } = {}): Promise<TargetRow[]> {
  // A report for a past year judges each target as it stood on that year's last day.
  const day = o.year && `${o.year}-12-31` < today() ? `${o.year}-12-31` : today();
  const args: unknown[] = [county];
  let where = `t.locality_code LIKE $1 || '%'`;
  if (o.code) { args.push(o.code); where += ` AND t.indicator_code = $${args.length}`; }
  if (o.locality) { args.push(o.locality); where += ` AND t.locality_code = $${args.length}`; }
  const ts = await q.query<{ id: string; indicator_code: string | null; locality_code: string; locality_name: string; comparator: Comparator; value: number; value_high: number | null; unit: string;
    due_year: number | null; plan_id: string | null; plan_title: string | null; task_id: string | null; task_title: string | null; text: string; metric: string | null; note: string | null; version: number }>(
    `SELECT t.id, t.indicator_code, t.locality_code, g.name AS locality_name, t.comparator, t.value, t.value_high, t.unit, t.due_year, t.plan_id, p.title AS plan_title, t.task_id,
            k.number || ' ' || k.title AS task_title, t.text, t.metric, t.note, t.version
       FROM targets t JOIN regions g ON g.code = t.locality_code LEFT JOIN plans p ON p.id = t.plan_id LEFT JOIN plan_tasks k ON k.id = t.task_id WHERE ${where} ORDER BY t.due_year NULLS LAST, t.indicator_code, t.locality_code`, args);
  const keys = ts.filter((t) => t.indicator_code && levelOfLocality(t.locality_code));
  const vals = keys.length ? await q.query<{ indicator_code: string; unit_id: string; period: string; value: number | null; source: 'computed' | 'entered' }>(
    `SELECT indicator_code, unit_id, period, value, source FROM indicator_values
      WHERE county_code = $1 AND unit_level IN ('county','township') AND (indicator_code, unit_id) IN (SELECT * FROM unnest($2::text[], $3::text[]))`,
    [county, keys.map((t) => t.indicator_code), keys.map((t) => t.locality_code)]) : [];
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
    };
  });
}

/** Current value and status of the given targets (for modules that show targets, such as the plan ledger), by target id. */
export async function targetProgress(q: Queryable, ids: string[]): Promise<Map<string, { value: number; period: string | null; status: Status; reason: string }>> {
  const out = new Map<string, { value: number; period: string | null; status: Status; reason: string }>();
  if (!ids.length) return out;
  const rows = await q.query<{ county: string }>('SELECT DISTINCT left(locality_code, 6) AS county FROM targets WHERE id = ANY($1::uuid[]) AND indicator_code IS NOT NULL', [ids]);
  const wanted = new Set(ids);
  for (const { county } of rows) {
    for (const t of await targetsWithStatus(q, county)) {
      if (wanted.has(t.id) && t.current != null) out.set(t.id, { value: t.current, period: t.period, status: t.status, reason: t.reason });
    }
  }
  return out;
}

/** The commission's view: every target of the county with value, status and sparkline, and the status rule. */
export async function dashboard(db: Db, p: Principal, asked?: string, year?: number) {
  const county = await countyOf(db, p, asked);
  const [c] = await db.query<{ name: string }>('SELECT name FROM regions WHERE code = $1', [county]);
  const [run] = await db.query<{ at: Date | null }>('SELECT max(computed_at) AS at FROM indicator_runs WHERE county_code = $1', [county]);
  return { county, countyName: c?.name ?? county, computedAt: run?.at ? run.at.toISOString() : null, rule: STATUS_RULE, targets: await targetsWithStatus(db, county, { year }) };
}

export interface TargetInput {
  indicatorCode: string; localityCode: string; comparator: Comparator; value: number; valueHigh?: number | null; unit: string; dueYear: number; text?: string; note?: string | null;
}

async function checkTarget(q: Queryable, p: Principal, t: TargetInput) {
  const fields: { path: string; problem: string }[] = [];
  if (!BY_CODE.has(t.indicatorCode)) fields.push({ path: 'indicatorCode', problem: `unknown indicator "${t.indicatorCode}" / 未知指标` });
  const prefix = await scopePrefix(q, p);
  const [g] = await q.query<{ code: string }>('SELECT code FROM regions WHERE code = $1', [t.localityCode]);
  if (!g || (prefix !== null && !t.localityCode.startsWith(prefix.slice(0, 6)))) fields.push({ path: 'localityCode', problem: 'unknown region, or outside your scope / 地区不存在或超出范围' });
  if (t.comparator === 'range' && (t.valueHigh == null || t.valueHigh < t.value)) fields.push({ path: 'valueHigh', problem: 'a range needs an upper bound not below the value / 区间须有不低于下限的上限' });
  if (fields.length) throw badRequest('target.invalid', { zh: '目标有误，未保存', en: 'Invalid target; nothing was saved' }, fields);
}

/** Adds a target by hand (officers, administrators); audited. */
export async function addTarget(db: Db, p: Principal, t: TargetInput) {
  return db.tx(async (q) => {
    await checkTarget(q, p, t);
    const [r] = await q.query<{ id: string }>(
      `INSERT INTO targets (indicator_code, locality_code, comparator, value, value_high, unit, due_year, text, note, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING id`,
      [t.indicatorCode, t.localityCode, t.comparator, t.value, t.comparator === 'range' ? t.valueHigh : null, t.unit, t.dueYear, t.text ?? '', t.note ?? null, p.userId]);
    await writeAudit(q, actorOf(p, p.ip), { action: 'target.add', outcome: 'ok', recordType: 'target', recordId: r.id, details: { ...t } });
    return { id: r.id };
  });
}

/** Edits a target (optimistic version check); audited with the previous values. */
export async function editTarget(db: Db, p: Principal, id: string, version: number, t: TargetInput) {
  return db.tx(async (q) => {
    const prefix = await scopePrefix(q, p);
    const [old] = await q.query<Record<string, unknown> & { version: number; locality_code: string }>('SELECT * FROM targets WHERE id = $1 FOR UPDATE', [id]);
    if (!old || (prefix !== null && !old.locality_code.startsWith(prefix.slice(0, 6)))) throw notFound({ zh: '目标', en: 'Target' });
    if (old.version !== version) throw stale(old.version);
    await checkTarget(q, p, t);
    await q.query(`UPDATE targets SET indicator_code = $2, locality_code = $3, comparator = $4, value = $5, value_high = $6, unit = $7, due_year = $8, text = $9, note = $10, version = version + 1 WHERE id = $1`,
      [id, t.indicatorCode, t.localityCode, t.comparator, t.value, t.comparator === 'range' ? t.valueHigh : null, t.unit, t.dueYear, t.text ?? old.text, t.note ?? null]);
    await writeAudit(q, actorOf(p, p.ip), { action: 'target.edit', outcome: 'ok', recordType: 'target', recordId: id, details: { before: { comparator: old.comparator, value: old.value, due_year: old.due_year }, after: { ...t } } });
    return { id, version: version + 1 };
  });
}

export interface EntryInput { code: string; period: string; level: Level; unitId: string; value: number; note?: string | null }

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
  else if (e.level === 'township') unitOk = (await db.query(`SELECT 1 FROM regions WHERE code = $1 AND level = 'township' AND parent_code = $2`, [e.unitId, county])).length > 0;
  else if (e.level === 'facility') unitOk = (await db.query(`SELECT 1 FROM facilities WHERE id::text = $1 AND region_code LIKE $2 || '%'`, [e.unitId, county])).length > 0;
  if (!unitOk) fields.push({ path: 'unitId', problem: 'unknown unit, or outside your county / 单位不存在或不在本县' });
  if (fields.length) throw badRequest('indicator.entry_invalid', { zh: '录入有误，未保存', en: 'Invalid entry; nothing was saved' }, fields);
  return db.tx(async (q) => {
    const [prev] = await q.query<{ value: number | null }>('SELECT value FROM indicator_values WHERE indicator_code = $1 AND unit_level = $2 AND unit_id = $3 AND period = $4', [e.code, e.level, e.unitId, e.period]);
    await q.query(
      `INSERT INTO indicator_values (indicator_code, period, unit_level, unit_id, county_code, value, source, note, entered_by, at) VALUES ($1,$2,$3,$4,$5,$6,'entered',$7,$8, now())
       ON CONFLICT (indicator_code, unit_level, unit_id, period) DO UPDATE SET value = EXCLUDED.value, note = EXCLUDED.note, entered_by = EXCLUDED.entered_by, at = now()`,
      [e.code, e.period, e.level, e.unitId, county, e.value, e.note ?? null, p.userId]);
    await writeAudit(q, actorOf(p, p.ip), { action: 'indicator.enter', outcome: 'ok', recordType: 'indicator_value', recordId: `${e.code}/${e.level}/${e.unitId}/${e.period}`, details: { value: e.value, previous: prev?.value ?? null } });
    return { ok: true as const };
  });
}

/** Computes the indicators on demand for the caller's county (every period of the year, or the ones asked); audited. */
export async function computeNow(db: Db, p: Principal, o: { period?: string; codes?: string[]; year?: number }) {
  const county = await countyOf(db, p);
  const day = today();
  if (o.codes) for (const [i, c] of o.codes.entries()) definitionOf(c, `codes[${i}]`);
  const periods = o.period ? [o.period] : periodsOfYear(o.year ?? Number(day.slice(0, 4)), day);
  const r = await compute(db, { county, periods, codes: o.codes, today: day });
  await db.tx((q) => writeAudit(q, actorOf(p, p.ip), { action: 'indicator.compute', outcome: 'ok', details: { county, periods: periods.length, values: r.values, ms: r.ms } }));
  return { county, ...r };
}

/** The residents behind a rate in a township, facility or team, for those allowed to see them (the chronic module's rule:
 *  public-health staff for their region, a clinician for their team's contracted residents); officers see aggregates only; audited. */
export async function residentsBehind(db: Db, p: Principal, o: { code: string; period: string; level: 'township' | 'facility' | 'team'; unit: string; part: 'numerator' | 'not_numerator' | 'denominator' }) {
  const d = definitionOf(o.code);
  if (!['doctor', 'nurse', 'village_doctor', 'public_health'].includes(p.role)) throw forbidden({ zh: '您的角色只能查看汇总数据，不能查看个人', en: 'Your role sees aggregates only, never a person' });
  if (!d.facts?.includes('r.id AS resident_id') || !d.levels.includes(o.level)) throw badRequest('indicator.no_residents', { zh: '该指标不能下钻到居民', en: 'This indicator does not drill down to residents' }, [{ path: 'code', problem: 'no residents behind this indicator at that level / 该层级无居民明细' }]);
  if (!isPeriod(o.period)) throw badRequest('indicator.period', { zh: '统计期有误', en: 'Invalid period' }, [{ path: 'period', problem: 'YYYY, YYYY-Qn or YYYY-MM' }]);
  const county = await countyOf(db, p);
  const [me] = await db.query<{ region_code: string | null }>('SELECT region_code FROM users WHERE id = $1', [p.userId]);
  const ph = p.role === 'public_health' && !!me?.region_code;
  const w = windowOf(o.period, d.window, today());
  const col = o.level === 'township' ? 'f.town' : o.level === 'facility' ? 'f.facility_id::text' : 'f.team_id::text';
  const partSql = o.part === 'numerator' ? 'AND f.num > 0' : o.part === 'not_numerator' ? 'AND f.num = 0 AND coalesce(f.den, 0) > 0' : 'AND coalesce(f.den, 0) > 0';
  const rows = await db.query<{ id: string; name: string; sex: 'M' | 'F'; birth_date: string; village_name: string; num: number }>(
    `WITH f AS (${d.facts})
     SELECT r.id, r.name, r.sex, r.birth_date, v.name AS village_name, max(f.num)::float8 AS num
       FROM f JOIN residents r ON r.id = f.resident_id JOIN regions v ON v.code = r.village_code
      WHERE ${col} = $5 ${partSql} AND $1::text IS NOT NULL AND $2::date <= $3::date AND $4::date IS NOT NULL
        AND (($6::boolean AND r.village_code LIKE $7 || '%') OR (NOT $6::boolean AND EXISTS (SELECT 1 FROM contracts c WHERE c.resident_id = r.id AND c.status IN ('signed','renewed') AND c.ends_on >= current_date
              AND c.team_id = ANY($8::uuid[]))))
      GROUP BY r.id, r.name, r.sex, r.birth_date, v.name ORDER BY r.name LIMIT 2000`,
    [county, w.from, w.to, w.asOf, o.unit, ph, ph ? regionPrefix(me!.region_code!) : '', await teamsOfUser(db, p.userId)]);
  await db.tx((q) => writeAudit(q, actorOf(p, p.ip), { action: 'indicator.residents', outcome: 'ok', basis: ph ? 'public_health' : 'contract', details: { ...o, rows: rows.length } }));
  const day = today();
  return rows.map((r) => ({ residentId: r.id, name: r.name, sex: r.sex, age: ageOn(r.birth_date, day), villageName: r.village_name, inNumerator: r.num > 0 }));
}

/** Units a user may enter values for: the county, its townships, its facilities. */
export async function entryUnits(db: Db, p: Principal) {
  const county = await countyOf(db, p);
  const towns = await db.query<{ id: string; name: string }>(`SELECT code AS id, name FROM regions WHERE parent_code = $1 AND level = 'township' ORDER BY code`, [county]);
  const facs = await db.query<{ id: string; name: string }>(`SELECT id::text, name FROM facilities WHERE region_code LIKE $1 || '%' AND tier IN ('county','township') ORDER BY tier, code`, [county]);
  const [c] = await db.query<{ name: string }>('SELECT name FROM regions WHERE code = $1', [county]);
  return { county: [{ id: county, name: c?.name ?? county }], township: towns, facility: facs };
}

/** The year-period label of today's year (used by the report and the defaults). */
export function currentYear(): string {
  return today().slice(0, 4);
}

export { periodBounds };
