// The indicators' SQL: stored values, runs, targets, and the reads of other modules' tables the
// dashboards name units by (regions, facilities, teams, communities — read-only, ARCHITECTURE.md).
// The facts queries of the definitions are in catalogue.ts (one literal per definition); the engine
// wraps them here. Typed rows in and out; every statement a literal at its call.
import type { Queryable } from '../../platform/db.ts';
import type { Comparator } from './rules.ts';
import type { Level } from './catalogue.ts';

// ---- units and their names ----

export interface UnitNameRow { id: string; name: string }

/** Names of units of a level (regions for county and township). */
export async function unitNames(q: Queryable, level: Level, ids: string[]): Promise<UnitNameRow[]> {
  switch (level) {
    case 'county':
    case 'township': return q.query<UnitNameRow>('SELECT code AS id, name FROM regions WHERE code = ANY($1::text[])', [ids]);
    case 'facility': return q.query<UnitNameRow>('SELECT id::text, name FROM facilities WHERE id::text = ANY($1::text[])', [ids]);
    case 'team': return q.query<UnitNameRow>('SELECT id::text, name FROM care_teams WHERE id::text = ANY($1::text[])', [ids]);
    case 'community': return q.query<UnitNameRow>('SELECT id::text, name FROM communities WHERE id::text = ANY($1::text[])', [ids]);
  }
}

/** Townships of a county (or of any parent region). */
export async function townshipsOf(q: Queryable, parent: string): Promise<string[]> {
  return (await q.query<{ id: string }>(`SELECT code AS id FROM regions WHERE parent_code = $1 AND level = 'township'`, [parent])).map((r) => r.id);
}

/** Facilities of exactly one region. */
export async function facilitiesIn(q: Queryable, region: string): Promise<string[]> {
  return (await q.query<{ id: string }>('SELECT id::text FROM facilities WHERE region_code = $1', [region])).map((r) => r.id);
}

/** Facilities whose region starts with the prefix. */
export async function facilitiesUnder(q: Queryable, prefix: string): Promise<string[]> {
  return (await q.query<{ id: string }>(`SELECT id::text FROM facilities WHERE region_code LIKE $1 || '%'`, [prefix])).map((r) => r.id);
}

/** Teams of a facility. */
export async function teamsOfFacility(q: Queryable, facilityId: string): Promise<string[]> {
  return (await q.query<{ id: string }>('SELECT id::text FROM care_teams WHERE facility_id::text = $1', [facilityId])).map((r) => r.id);
}

/** Medical communities of a county. */
export async function communitiesIn(q: Queryable, county: string): Promise<string[]> {
  return (await q.query<{ id: string }>(`SELECT id::text FROM communities WHERE region_code LIKE $1 || '%'`, [county])).map((r) => r.id);
}

/** A region's name, or undefined. */
export async function regionName(q: Queryable, code: string): Promise<string | undefined> {
  return (await q.query<{ name: string }>('SELECT name FROM regions WHERE code = $1', [code]))[0]?.name;
}

/** Whether a region exists. */
export async function regionExists(q: Queryable, code: string): Promise<boolean> {
  return (await q.query('SELECT 1 FROM regions WHERE code = $1', [code])).length > 0;
}

/** Whether a township of the county exists. */
export async function isTownshipOf(q: Queryable, code: string, county: string): Promise<boolean> {
  return (await q.query(`SELECT 1 FROM regions WHERE code = $1 AND level = 'township' AND parent_code = $2`, [code, county])).length > 0;
}

/** Whether a facility lies in the county. */
export async function isFacilityOf(q: Queryable, id: string, county: string): Promise<boolean> {
  return (await q.query(`SELECT 1 FROM facilities WHERE id::text = $1 AND region_code LIKE $2 || '%'`, [id, county])).length > 0;
}

/** The county's townships and its county- and township-tier facilities (the units values are entered for). */
export async function entryUnitRows(q: Queryable, county: string): Promise<{ towns: UnitNameRow[]; facilities: UnitNameRow[] }> {
  const towns = await q.query<UnitNameRow>(`SELECT code AS id, name FROM regions WHERE parent_code = $1 AND level = 'township' ORDER BY code`, [county]);
  const facilities = await q.query<UnitNameRow>(`SELECT id::text, name FROM facilities WHERE region_code LIKE $1 || '%' AND tier IN ('county','township') ORDER BY tier, code`, [county]);
  return { towns, facilities };
}

/** The counties the platform holds data for (county-level regions with facilities). */
export async function countiesWithFacilities(q: Queryable): Promise<string[]> {
  const rows = await q.query<{ code: string }>(
    `SELECT r.code FROM regions r WHERE r.level = 'county' AND EXISTS (SELECT 1 FROM facilities f WHERE f.region_code LIKE r.code || '%') ORDER BY r.code`);
  return rows.map((r) => r.code);
}

/** The region a user is bound to (public-health staff see their region's residents). */
export async function userRegion(q: Queryable, userId: string): Promise<string | null> {
  return (await q.query<{ region_code: string | null }>('SELECT region_code FROM users WHERE id = $1', [userId]))[0]?.region_code ?? null;
}

// ---- stored values ----

export interface StoredValueRow {
  unit_id: string; value: number | null; numerator: number | null; denominator: number | null; source: 'computed' | 'entered'; at: Date; entered_by: string | null; note: string | null;
}

/** Stored values of an indicator for a period and level in a county, optionally only the listed units. */
export async function storedValues(q: Queryable, o: { code: string; period: string; level: Level; county: string; only: string[] | null }): Promise<StoredValueRow[]> {
  return q.query<StoredValueRow>(
    `SELECT v.unit_id, v.value, v.numerator, v.denominator, v.source, v.at, u.username AS entered_by, v.note
       FROM indicator_values v LEFT JOIN users u ON u.id = v.entered_by
      WHERE v.indicator_code = $1 AND v.period = $2 AND v.unit_level = $3 AND v.county_code = $4 AND ($5::text[] IS NULL OR v.unit_id = ANY($5::text[]))`,
    [o.code, o.period, o.level, o.county, o.only]);
}

/** Every stored period's value of one unit. */
export async function unitSeries(q: Queryable, o: { code: string; level: Level; unit: string; county: string }): Promise<{ period: string; value: number | null; denominator: number | null }[]> {
  return q.query<{ period: string; value: number | null; denominator: number | null }>(
    'SELECT period, value, denominator FROM indicator_values WHERE indicator_code = $1 AND unit_level = $2 AND unit_id = $3 AND county_code = $4 ORDER BY period', [o.code, o.level, o.unit, o.county]);
}

export interface SeriesRow { indicator_code: string; unit_id: string; unit_level: 'county' | 'township'; period: string; value: number | null; denominator: number | null; source: 'computed' | 'entered' }

/** The stored county and township values of the given (indicator, locality) pairs. */
export async function localitySeries(q: Queryable, county: string, pairs: { code: string; locality: string }[]): Promise<SeriesRow[]> {
  if (!pairs.length) return [];
  return q.query<SeriesRow>(
    `SELECT indicator_code, unit_id, unit_level, period, value, denominator, source FROM indicator_values
      WHERE county_code = $1 AND unit_level IN ('county','township') AND (indicator_code, unit_id) IN (SELECT * FROM unnest($2::text[], $3::text[]))`,
    [county, pairs.map((p) => p.code), pairs.map((p) => p.locality)]);
}

/** The stored value of one unit and period (before an entry replaces it). */
export async function storedValue(q: Queryable, o: { code: string; level: Level; unitId: string; period: string }): Promise<number | null | undefined> {
  const [r] = await q.query<{ value: number | null }>('SELECT value FROM indicator_values WHERE indicator_code = $1 AND unit_level = $2 AND unit_id = $3 AND period = $4', [o.code, o.level, o.unitId, o.period]);
  return r ? r.value : undefined;
}

/** Enters (or replaces) a value by hand. */
export async function upsertEntered(q: Queryable, e: { code: string; period: string; level: Level; unitId: string; county: string; value: number; note: string | null; userId: string }): Promise<void> {
  await q.query(
    `INSERT INTO indicator_values (indicator_code, period, unit_level, unit_id, county_code, value, source, note, entered_by, at) VALUES ($1,$2,$3,$4,$5,$6,'entered',$7,$8, now())
     ON CONFLICT (indicator_code, unit_level, unit_id, period) DO UPDATE SET value = EXCLUDED.value, note = EXCLUDED.note, entered_by = EXCLUDED.entered_by, at = now()`,
    [e.code, e.period, e.level, e.unitId, e.county, e.value, e.note, e.userId]);
}

export interface ComputedValue { level: Level; unit: string; num: number; den: number | null; value: number | null }

/** Replaces the computed values of one indicator in a county for the given periods, and records their runs. */
export async function replaceComputed(q: Queryable, o: { code: string; county: string; hash: string; ms: number; periods: { period: string; values: ComputedValue[] }[] }): Promise<void> {
  const rows = o.periods.flatMap((p) => p.values.map((v) => ({ period: p.period, ...v })));
  await q.query(`DELETE FROM indicator_values WHERE indicator_code = $1 AND period = ANY($2::text[]) AND county_code = $3 AND source = 'computed'`, [o.code, o.periods.map((p) => p.period), o.county]);
  await q.query(
    `INSERT INTO indicator_values (indicator_code, period, unit_level, unit_id, county_code, numerator, denominator, value, source, definition_hash)
     SELECT $1, x.period, x.level, x.unit, $2, x.num, x.den, x.value, 'computed', $3 FROM unnest($4::text[], $5::text[], $6::text[], $7::numeric[], $8::numeric[], $9::numeric[]) AS x(period, level, unit, num, den, value)`,
    [o.code, o.county, o.hash, rows.map((v) => v.period), rows.map((v) => v.level), rows.map((v) => v.unit), rows.map((v) => v.num), rows.map((v) => v.den), rows.map((v) => v.value)]);
  await q.query(
    `INSERT INTO indicator_runs (indicator_code, period, county_code, definition_hash, computed_at, ms) SELECT $1, p, $3, $4, clock_timestamp(), $5 FROM unnest($2::text[]) AS p
     ON CONFLICT (indicator_code, period, county_code) DO UPDATE SET definition_hash = EXCLUDED.definition_hash, computed_at = EXCLUDED.computed_at, ms = EXCLUDED.ms`,
    [o.code, o.periods.map((p) => p.period), o.county, o.hash, Math.round(o.ms)]);
}

export interface RunRow { indicator_code: string; period: string; definition_hash: string; computed_at: Date }

/** The county's computation runs. */
export async function runsOf(q: Queryable, county: string): Promise<RunRow[]> {
  return q.query<RunRow>('SELECT indicator_code, period, definition_hash, computed_at FROM indicator_runs WHERE county_code = $1', [county]);
}

/** When the county was last computed. */
export async function lastComputed(q: Queryable, county: string): Promise<Date | null> {
  return (await q.query<{ at: Date | null }>('SELECT max(computed_at) AS at FROM indicator_runs WHERE county_code = $1', [county]))[0]?.at ?? null;
}

// ---- targets ----

export interface TargetDbRow {
  id: string; indicator_code: string | null; locality_code: string; locality_name: string; comparator: Comparator; value: number; value_high: number | null; unit: string;
  due_year: number | null; plan_id: string | null; plan_title: string | null; task_id: string | null; task_title: string | null; text: string; metric: string | null; note: string | null; version: number;
}

/** The targets under a region prefix, optionally one indicator's and/or one locality's, with their plan and task. */
export async function targetsUnder(q: Queryable, prefix: string, o: { code?: string; locality?: string }): Promise<TargetDbRow[]> {
  return q.query<TargetDbRow>(
    `SELECT t.id, t.indicator_code, t.locality_code, g.name AS locality_name, t.comparator, t.value, t.value_high, t.unit, t.due_year, t.plan_id, p.title AS plan_title, t.task_id,
            k.number || ' ' || k.title AS task_title, t.text, t.metric, t.note, t.version
       FROM targets t JOIN regions g ON g.code = t.locality_code LEFT JOIN plans p ON p.id = t.plan_id LEFT JOIN plan_tasks k ON k.id = t.task_id
      WHERE t.locality_code LIKE $1 || '%' AND ($2::text IS NULL OR t.indicator_code = $2) AND ($3::text IS NULL OR t.locality_code = $3)
      ORDER BY t.due_year NULLS LAST, t.indicator_code, t.locality_code`, [prefix, o.code ?? null, o.locality ?? null]);
}

/** The counties of the given targets that are held against an indicator. */
export async function countiesOfTargets(q: Queryable, ids: string[]): Promise<string[]> {
  return (await q.query<{ county: string }>('SELECT DISTINCT left(locality_code, 6) AS county FROM targets WHERE id = ANY($1::uuid[]) AND indicator_code IS NOT NULL', [ids])).map((r) => r.county);
}

export interface TargetWrite {
  indicatorCode: string; localityCode: string; comparator: Comparator; value: number; valueHigh: number | null; unit: string; dueYear: number; text: string; note: string | null;
}

/** Adds one target. */
export async function insertTarget(q: Queryable, t: TargetWrite, userId: string | null): Promise<string> {
  const [r] = await q.query<{ id: string }>(
    `INSERT INTO targets (indicator_code, locality_code, comparator, value, value_high, unit, due_year, text, note, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING id`,
    [t.indicatorCode, t.localityCode, t.comparator, t.value, t.valueHigh, t.unit, t.dueYear, t.text, t.note, userId]);
  return r.id;
}

export interface TargetLockRow { version: number; locality_code: string; comparator: Comparator; value: number; due_year: number | null; text: string }

/** One target, locked for an edit. */
export async function lockTarget(q: Queryable, id: string): Promise<TargetLockRow | undefined> {
  return (await q.query<TargetLockRow>('SELECT version, locality_code, comparator, value, due_year, text FROM targets WHERE id = $1 FOR UPDATE', [id]))[0];
}

/** Rewrites one target and raises its version. */
export async function updateTarget(q: Queryable, id: string, t: TargetWrite): Promise<void> {
  await q.query(`UPDATE targets SET indicator_code = $2, locality_code = $3, comparator = $4, value = $5, value_high = $6, unit = $7, due_year = $8, text = $9, note = $10, version = version + 1 WHERE id = $1`,
    [id, t.indicatorCode, t.localityCode, t.comparator, t.value, t.valueHigh, t.unit, t.dueYear, t.text, t.note]);
}

export interface PlanTargetWrite {
  indicator: string | null; comparator: string; value: number; valueHigh: number | null; unit: string; year: number | null; taskId: string | null; text: string; metric: string | null;
}

/** How many targets a plan (or its tasks) holds. */
export async function countPlanTargets(q: Queryable, planId: string): Promise<number> {
  const [r] = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM targets WHERE plan_id = $1 OR task_id IN (SELECT id FROM plan_tasks WHERE plan_id = $1)', [planId]);
  return r.n;
}

/** Deletes a plan's targets (its own and its tasks'); returns how many. */
export async function deletePlanTargets(q: Queryable, planId: string): Promise<number> {
  return (await q.query('DELETE FROM targets WHERE plan_id = $1 OR task_id IN (SELECT id FROM plan_tasks WHERE plan_id = $1) RETURNING id', [planId])).length;
}

/** Inserts a plan's targets in plan order (plan_position 1…n). */
export async function insertPlanTargets(q: Queryable, o: { locality: string; planId: string; userId: string | null; targets: PlanTargetWrite[] }): Promise<void> {
  const tg = o.targets;
  await q.query(
    `INSERT INTO targets (indicator_code, locality_code, comparator, value, value_high, unit, due_year, plan_id, task_id, text, metric, created_by, plan_position)
     SELECT x.ind, $1, x.cmp, x.val, x.high, x.unit, x.yr, $2, x.task, x.txt, x.metric, $3, x.pos
       FROM unnest($4::text[], $5::text[], $6::numeric[], $7::numeric[], $8::text[], $9::int[], $10::uuid[], $11::text[], $12::text[]) WITH ORDINALITY AS x(ind, cmp, val, high, unit, yr, task, txt, metric, pos)`,
    [o.locality, o.planId, o.userId, tg.map((t) => t.indicator), tg.map((t) => t.comparator), tg.map((t) => t.value), tg.map((t) => t.valueHigh),
      tg.map((t) => t.unit), tg.map((t) => t.year), tg.map((t) => t.taskId), tg.map((t) => t.text), tg.map((t) => t.metric)]);
}

export interface TaskTargetRow {
  id: string; task_id: string; metric: string | null; text: string; comparator: string; value: number; value_high: number | null; unit: string; due_year: number | null; indicator_code: string | null; locality_code: string;
}

/** The targets held by the given plan tasks, in plan order. */
export async function targetsOfTasks(q: Queryable, taskIds: string[]): Promise<TaskTargetRow[]> {
  return q.query<TaskTargetRow>(
    'SELECT id, task_id, metric, text, comparator, value, value_high, unit, due_year, indicator_code, locality_code FROM targets WHERE task_id = ANY($1::uuid[]) ORDER BY plan_position NULLS LAST, created_at, id', [taskIds]);
}

export interface HandTargetWrite { code: string; comparator: string; value: number; unit: string; dueYear: number; text: string; note: string }

/** Bulk-adds targets typed in by hand for one locality (the demo county's). */
export async function insertHandTargets(q: Queryable, locality: string, rows: HandTargetWrite[]): Promise<void> {
  await q.query(
    `INSERT INTO targets (indicator_code, locality_code, comparator, value, unit, due_year, text, note)
     SELECT x.code, $1, x.cmp, x.value, x.unit, x.due, x.text, x.note FROM unnest($2::text[], $3::text[], $4::numeric[], $5::text[], $6::int[], $7::text[], $8::text[]) AS x(code, cmp, value, unit, due, text, note)`,
    [locality, rows.map((r) => r.code), rows.map((r) => r.comparator), rows.map((r) => r.value), rows.map((r) => r.unit), rows.map((r) => r.dueYear), rows.map((r) => r.text), rows.map((r) => r.note)]);
}

// ---- facts (the catalogue's literals, wrapped) ----

export interface SummedRow { g: number; town: string | null; facility_id: string | null; community_id: string | null; team_id: string | null; num: number | null; den: number | null }

/**
 * Sums a definition's facts (catalogue.ts) for many windows at once ($2, $3, $4: their starts, ends and as-of
 * days; the facts number them k from 1) by window and county, township, facility, medical community and team, in one pass.
 */
export async function sumFactsSql(q: Queryable, facts: string, w: { county: string; from: string[]; to: string[]; asOf: string[] }): Promise<(SummedRow & { k: number })[]> {
  return q.query<SummedRow & { k: number }>(
    `WITH f AS (${facts}),
     g AS (SELECT f.k, f.town, f.facility_id, f.team_id, cm.community_id, f.num, f.den FROM f
             LEFT JOIN community_members cm ON cm.facility_id = f.facility_id AND cm.tight AND cm.left_on IS NULL)
     SELECT k::int, GROUPING(town, facility_id, community_id, team_id)::int AS g, town, facility_id::text, community_id::text, team_id::text, sum(num)::float8 AS num, sum(den)::float8 AS den
       FROM g WHERE $1::text IS NOT NULL AND cardinality($2::date[]) = cardinality($3::date[]) AND $4::date[] IS NOT NULL -- every parameter typed, whichever the facts use
      GROUP BY GROUPING SETS ((k), (k, town), (k, facility_id), (k, community_id), (k, team_id))`,
    [w.county, w.from, w.to, w.asOf]);
}

export interface BehindRow { id: string; name: string; sex: 'M' | 'F'; birth_date: string; village_name: string; num: number }

/**
 * The residents behind a definition's facts in one township, facility or team, limited to those the caller
 * may see: residents of a region (public-health staff) or the contracted residents of the caller's teams.
 */
export async function residentsBehindFacts(q: Queryable, facts: string, o: {
  county: string; from: string; to: string; asOf: string; level: 'township' | 'facility' | 'team'; unit: string; part: 'numerator' | 'not_numerator' | 'denominator';
  regionPrefix: string | null; teamIds: string[];
}): Promise<BehindRow[]> {
  return q.query<BehindRow>(
    `WITH f AS (${facts})
     SELECT r.id, r.name, r.sex, r.birth_date, v.name AS village_name, max(f.num)::float8 AS num
       FROM f JOIN residents r ON r.id = f.resident_id JOIN regions v ON v.code = r.village_code
      WHERE CASE $6::text WHEN 'township' THEN f.town WHEN 'facility' THEN f.facility_id::text ELSE f.team_id::text END = $5
        AND CASE $7::text WHEN 'numerator' THEN f.num > 0 WHEN 'not_numerator' THEN f.num = 0 AND coalesce(f.den, 0) > 0 ELSE coalesce(f.den, 0) > 0 END
        AND $1::text IS NOT NULL AND cardinality($2::date[]) = 1 AND $3::date[] IS NOT NULL AND $4::date[] IS NOT NULL
        AND (($8::text IS NOT NULL AND r.village_code LIKE $8 || '%') OR ($8::text IS NULL AND EXISTS (SELECT 1 FROM contracts c WHERE c.resident_id = r.id AND c.status IN ('signed','renewed') AND c.ends_on >= current_date
              AND c.team_id = ANY($9::uuid[]))))
      GROUP BY r.id, r.name, r.sex, r.birth_date, v.name ORDER BY r.name LIMIT 2000`,
    [o.county, [o.from], [o.to], [o.asOf], o.unit, o.level, o.part, o.regionPrefix, o.teamIds]);
}

/** New rows of a table since a moment, and the earliest date among them (what a late record reaches); table and columns from the catalogue's `touches`. */
export async function touchedSince(q: Queryable, t: { table: string; date: string | null; stamp: string }, since: Date): Promise<{ n: number; d: string | null }> {
  const [row] = await q.query<{ n: number; d: string | null }>(
    `SELECT count(*)::int AS n, ${t.date ? `min(${t.date})::text` : 'NULL::text'} AS d FROM ${t.table} WHERE ${t.stamp} > $1`, [since]);
  return row;
}
