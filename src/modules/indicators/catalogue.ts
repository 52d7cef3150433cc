// The indicator catalogue: each indicator is one definition object. Adding an indicator is adding an
// entry here — the engine computes it, the dashboards, league tables, trends, targets, exports and
// drill-down show it with no page written for it.
//
// A computed definition gives one SQL statement of "facts": one row per counted thing (a resident, a
// visit, a health worker, a centre) and window with the columns
//   k (the window), town (12-digit township code or null), facility_id, team_id, resident_id (for drill-down, or null),
//   num (its part of the numerator), den (its part of the denominator; null for a count)
// over the parameters $1 county code (6 digits) and the windows side by side: $2 their starts, $3 their ends,
// $4 their as-of days (arrays; rules.ts windowOf), read as the relation WINDOWS below (wnd.f, wnd.t, wnd.a, wnd.k).
// Most definitions are written for one window ($2::date, $3::date, $4::date) and run for every window by
// perWindow; the heavy ones are written over all windows at once (one pass over their tables). The engine
// sums the facts by window and county, township, facility, medical community and team in one pass. These queries read the tables the registry, records, chronic, contracts and
// referral modules write: the indicators are by nature queries over the whole platform's data, so
// this module reads those tables directly (read-only), as ARCHITECTURE.md records.
import type { Db } from '../../platform/db.ts';
import { contractRates } from '../contracts/service.ts';
import { ELDERLY_RATE_DEFINITION } from '../publichealth/elderly.ts';
import { DEFAULT_CONFIG as CHRONIC, standardMeasurable } from '../chronic/rules.ts';
import type { Plausible, Window } from './rules.ts';

export type Level = 'county' | 'township' | 'community' | 'facility' | 'team';
export type Unit = '%' | 'per_1000' | 'per_10000' | 'count' | 'ratio';
export const UNIT_SCALE: Record<Unit, number> = { '%': 100, per_1000: 1000, per_10000: 10000, count: 1, ratio: 1 };
export const UNIT_LABEL: Record<Unit, { zh: string; en: string }> = {
  '%': { zh: '%', en: '%' }, per_1000: { zh: '每千人', en: 'per 1,000' }, per_10000: { zh: '每万人', en: 'per 10,000' }, count: { zh: '个', en: 'count' }, ratio: { zh: '比值', en: 'ratio' },
};

export interface Fact {
  town: string | null;
  facility_id: string | null;
  team_id: string | null;
  resident_id: string | null;
  num: number;
  den: number | null;
}

export interface Touch {
  table: string;
  /** SQL date of a row (a late row dated d recomputes the periods whose window reaches d); null = a registry change recomputes every stored period. */
  date: string | null;
  stamp: string;
}

export interface Definition {
  code: string;
  name: { zh: string; en: string };
  definition: { zh: string; en: string };
  unit: Unit;
  betterWhen: 'higher' | 'lower';
  levels: Level[];
  window: Window;
  source: 'computed' | 'entered';
  group: 'workforce' | 'contracts' | 'visits' | 'chronic' | 'public_health' | 'capacity' | 'referrals' | 'finance';
  /** The facts query (see the top of this file). */
  facts?: string;
  /** Facts from another module's service, where its rule is not SQL (fulfilment): county and township only. */
  compute?: (db: Db, w: { county: string; from: string; to: string; asOf: string }) => Promise<Fact[]>;
  /** Tables whose new rows change this indicator. */
  touches?: Touch[];
  /** Trend for the target status from month values (flows, states) or from year values (year-to-date rates). */
  trendFrom: 'month' | 'year';
  /** The range a county's or township's value is believable in, with its basis (the data-quality check). */
  plausible?: Plausible;
  /** False for a window the definition's rule cannot judge yet: its value is stored empty and shown "not yet measurable" (rules.ts qualityFlags). */
  measurable?: (w: { from: string; to: string; asOf: string }) => boolean;
}

// ---- shared SQL pieces --------------------------------------------------------------------------------
/** The windows of one statement, numbered k from 1 (its cardinality is the arrays' length: estimated exactly). */
export const WINDOWS = `unnest($2::date[], $3::date[], $4::date[]) WITH ORDINALITY AS wnd(f, t, a, k)`;
/** A facts query written for one window ($2::date start, $3::date end, $4::date as-of), run for each window of the statement. */
export function perWindow(sql: string): string {
  const inner = sql.replaceAll('$2::date', 'wnd.f').replaceAll('$3::date', 'wnd.t').replaceAll('$4::date', 'wnd.a');
  if (/\$[234](?!\d)/.test(inner)) throw new Error(`a facts query reads $2, $3 or $4 other than as ::date: ${sql.slice(0, 80)}`);
  return `SELECT wnd.k, x.town, x.facility_id, x.team_id, x.resident_id, x.num, x.den FROM ${WINDOWS} CROSS JOIN LATERAL (${inner}) x`;
}
const FTOWN = `CASE WHEN length(f.region_code) = 12 THEN left(f.region_code, 9) || '000' END`;
const RTOWN = `left(r.village_code, 9) || '000'`;
/** Residents living in the county, not merged away. */
const IN_COUNTY = `r.merged_into IS NULL AND r.village_code LIKE $1 || '%'`;
/** The team (and its centre) of the resident's current contract on the as-of day, through the contracts module's attribution function (migration 018). */
const TEAM_JOIN = `LEFT JOIN contract_team_on($4::date) ct ON ct.resident_id = r.id LEFT JOIN care_teams tm ON tm.id = ct.team_id`;
const FACILITY_OPEN = `f.region_code LIKE $1 || '%' AND (f.opened_on IS NULL OR f.opened_on <= $4::date) AND (f.closed_on IS NULL OR f.closed_on > $4::date)`;
const CENTRE_KINDS = `('township_centre','central_township_centre','community_centre')`;

/** The permanent population on each window's as-of day, in one pass over the residents: counted by township and
 *  day of death first (few distinct), then set against the windows (the same sums as POPULATION per window). */
const POPULATION_ALL = `SELECT wnd.k, p.town, NULL::uuid AS facility_id, NULL::uuid AS team_id, NULL::uuid AS resident_id, 0 AS num, p.n AS den
  FROM (SELECT ${RTOWN} AS town, r.death_date, count(*) AS n FROM residents r WHERE ${IN_COUNTY} AND r.permanent GROUP BY 1, 2) p
  JOIN ${WINDOWS} ON p.death_date IS NULL OR p.death_date > wnd.a`;

function staffPer(where: string): string {
  return `${perWindow(`SELECT ${FTOWN} AS town, f.id AS facility_id, NULL::uuid AS team_id, NULL::uuid AS resident_id, 1 AS num, 0 AS den
      FROM workers w JOIN facilities f ON f.id = w.employer_id
     WHERE w.active AND ${where} AND ${FACILITY_OPEN}`)}
    UNION ALL ${POPULATION_ALL}`;
}

/** The chronic programme facts, the same rules as the chronic module's programmeRates (the norm's table, DOMAIN §2). */
function programme(p: 'hypertension' | 'diabetes', measure: 'managed' | 'standard' | 'controlled'): string {
  const prev = CHRONIC.prevalence[p];
  // Norm-compliant: one follow-up for each quarter ended by the as-of day (the period's end, or today for one not over;
  // 4 a year, at least 1), as the chronic module counts it (chronic/rules.ts countingOf).
  const required = `GREATEST(1, (SELECT count(*) FROM unnest(ARRAY[3,6,9,12]) AS q(m) WHERE (make_date(extract(year FROM $3::date)::int, q.m, 1) + interval '1 month - 1 day')::date <= $4::date))`;
  const num = measure === 'managed' ? '(fu.n IS NOT NULL)::int' : measure === 'standard' ? `(fu.n >= ${required})::int` : '(fu.last_on_target IS TRUE)::int';
  const den = measure === 'managed' ? `(r.birth_date <= ($3::date - interval '35 years'))::int * ${prev}` : '(fu.n IS NOT NULL)::int';
  return `WITH fu AS (
      SELECT f.resident_id, count(*) AS n, (array_agg(f.on_target ORDER BY f.visit_date DESC, f.created_at DESC))[1] AS last_on_target
        FROM chronic_followups f WHERE f.programme = '${p}' AND f.visit_date BETWEEN $2::date AND $3::date AND f.county_code = $1 GROUP BY f.resident_id)
    SELECT ${RTOWN} AS town, tm.facility_id, ct.team_id, r.id AS resident_id, ${num} AS num, ${den} AS den
      FROM residents r LEFT JOIN fu ON fu.resident_id = r.id ${TEAM_JOIN}
     WHERE ${IN_COUNTY} AND (r.death_date IS NULL OR r.death_date >= $2::date) ${measure === 'managed' ? '' : 'AND fu.n IS NOT NULL'}`;
}

const PRIORITY = `(r.birth_date <= ($4::date - interval '65 years') OR r.birth_date > ($4::date - interval '7 years')
  OR r.conditions && ARRAY['hypertension','diabetes','tb','severe_mental','disability','pregnant','poverty'])`;

/** Coverage is cut by county and township only: whether a resident has a contract in force on each as-of day
 *  (contract_team_on's rule, contract_in_force, migration 025), for every window in one pass over residents and contracts. */
function coverage(priority: boolean): string {
  return `SELECT wnd.k, ${RTOWN} AS town, NULL::uuid AS facility_id, NULL::uuid AS team_id, r.id AS resident_id, coalesce(wnd.k = ANY(cw.ks), false)::int AS num, 1 AS den
      FROM residents r LEFT JOIN (SELECT c.resident_id, array_agg(cd.k) AS ks FROM contracts c JOIN unnest($4::date[]) WITH ORDINALITY AS cd(a, k)
                   ON contract_in_force(c.status, c.ended_reason, c.starts_on, c.ends_on, c.ended_on, cd.a) GROUP BY c.resident_id) cw ON cw.resident_id = r.id
      JOIN ${WINDOWS} ON (r.death_date IS NULL OR r.death_date > wnd.a) ${priority ? `AND ${PRIORITY.replaceAll('$4::date', 'wnd.a')}` : ''}
     WHERE ${IN_COUNTY} AND r.permanent`;
}

/** Visits of county residents (by their current address), in the county (num) of all wherever treated (den). */
function countyVisits(kinds: string): string {
  return `SELECT ${RTOWN} AS town, NULL::uuid AS facility_id, NULL::uuid AS team_id, r.id AS resident_id, (f.region_code LIKE $1 || '%')::int AS num, 1 AS den
      FROM encounters e JOIN residents r ON r.id = e.resident_id JOIN facilities f ON f.id = e.facility_id
     WHERE e.kind IN ${kinds} AND e.started_at >= $2::date AND e.started_at < $3::date + 1 AND ${IN_COUNTY}`;
}

/** Referrals as the referrals module counts them (migration 024 referrals_counted: sent on a day of the window, not withdrawn),
 *  of the county (sender or receiver in it, as its figures take them), by the primary-care end's township and the sending facility. */
const COUNTED_REFERRALS = `referrals_counted($2::date, $3::date) x JOIN facilities ff ON ff.id = x.from_facility_id JOIN facilities tf ON tf.id = x.to_facility_id
  JOIN facilities pf ON pf.id = x.primary_facility_id`;
const REFERRALS_OF_COUNTY = `(ff.region_code LIKE $1 || '%' OR tf.region_code LIKE $1 || '%')`;
const PTOWN = `CASE WHEN length(pf.region_code) = 12 THEN left(pf.region_code, 9) || '000' END`;

function referrals(direction: 'up' | 'down'): string {
  return `SELECT ${PTOWN} AS town, ff.id AS facility_id, NULL::uuid AS team_id, x.resident_id, 1 AS num, NULL::numeric AS den
      FROM ${COUNTED_REFERRALS}
     WHERE x.direction = '${direction}' AND ${REFERRALS_OF_COUNTY}`;
}
/** A referral's events (sent, withdrawn, …) recompute the periods from the day of the event on: a draft sent long after it was written is seen; a withdrawal does not reach back to the month the referral was sent. */
const T_REFERRALS: Touch = { table: 'referral_events', date: `(at AT TIME ZONE 'Asia/Shanghai')::date`, stamp: 'at' };

const T_RESIDENTS: Touch = { table: 'residents', date: null, stamp: 'updated_at' };
const T_CONTRACTS: Touch = { table: 'contracts', date: 'starts_on', stamp: 'created_at' };
const T_WORKERS: Touch = { table: 'workers', date: null, stamp: 'created_at' };
const T_FACILITIES: Touch = { table: 'facilities', date: null, stamp: 'updated_at' };
const T_ENCOUNTERS: Touch = { table: 'encounters', date: 'started_at::date', stamp: 'created_at' };

const ALL: Level[] = ['county', 'township', 'community', 'facility', 'team'];
const AREA: Level[] = ['county', 'township'];

function staff(code: string, zh: string, en: string, where: string, unit: Unit, dzh: string, den: string): Definition {
  return {
    code, name: { zh, en }, unit, betterWhen: 'higher', levels: AREA, window: 'point', source: 'computed', group: 'workforce', trendFrom: 'month',
    definition: { zh: `${dzh} ÷ 常住人口 × ${unit === 'per_1000' ? '1000' : '10000'}（在岗人员按执业机构所在地计；常住人口为期末在世的常住居民）`, en: `${den} ÷ permanent population × ${unit === 'per_1000' ? '1,000' : '10,000'} (staff counted where their employer is; population: permanent residents alive at the period's end)` },
    facts: staffPer(where), touches: [T_WORKERS, T_RESIDENTS],
  };
}

export const CATALOGUE: Definition[] = [
  // --- workforce (DOMAIN §6; national 2023: 3.40 / 4.00 per 1000, 3.99 GPs per 10,000)
  staff('physicians_per_1000', '每千人口执业（助理）医师数', 'Practising (assistant) physicians per 1,000', `w.worker_type IN ('physician','assistant_physician') AND w.qualified`, 'per_1000', '在岗执业（助理）医师数', 'Active practising (assistant) physicians'),
  staff('nurses_per_1000', '每千人口注册护士数', 'Registered nurses per 1,000', `w.worker_type = 'nurse' AND w.qualified`, 'per_1000', '在岗注册护士数', 'Active registered nurses'),
  staff('gps_per_10000', '每万人口全科医生数', 'General practitioners per 10,000', `w.worker_type IN ('physician','assistant_physician') AND w.specialty = 'general_practice' AND w.qualified`, 'per_10000', '注册全科医学专业的执业（助理）医师数', 'Practising (assistant) physicians registered in general practice'),
  staff('public_health_staff_per_1000', '每千人口专业公共卫生人员数', 'Public-health staff per 1,000', `w.worker_type = 'public_health'`, 'per_1000', '在岗公共卫生人员数', 'Active public-health staff'),
  {
    code: 'village_doctor_qualified_share', name: { zh: '乡村医生中具备执业（助理）医师资格人员比例', en: 'Village doctors with a practising (assistant) physician qualification' },
    unit: '%', betterWhen: 'higher', levels: ['county', 'township', 'facility'], window: 'point', source: 'computed', group: 'workforce', trendFrom: 'month',
    definition: { zh: '村卫生室在岗医生中具备执业（助理）医师资格者 ÷ 村卫生室在岗医生（乡村医生与执业（助理）医师）', en: 'Doctors at village clinics holding a practising (assistant) physician qualification ÷ all doctors at village clinics (village doctors and practising physicians)' },
    facts: `SELECT ${FTOWN} AS town, f.id AS facility_id, NULL::uuid AS team_id, NULL::uuid AS resident_id, (w.worker_type <> 'village_doctor' OR w.qualified)::int AS num, 1 AS den
      FROM workers w JOIN facilities f ON f.id = w.employer_id
     WHERE w.active AND f.tier = 'village' AND w.worker_type IN ('village_doctor','physician','assistant_physician') AND ${FACILITY_OPEN}`,
    touches: [T_WORKERS],
  },
  // --- family-doctor contracts (DOMAIN §3; the same rules as the contracts module's contractRates)
  {
    code: 'contract_coverage', name: { zh: '家庭医生签约服务覆盖率', en: 'Family-doctor contract coverage' }, unit: '%', betterWhen: 'higher', levels: AREA, window: 'point', source: 'computed', group: 'contracts', trendFrom: 'month',
    definition: { zh: '期末有有效签约的常住居民数 ÷ 常住人口数', en: 'Permanent residents with a current contract at the period\'s end ÷ permanent population' },
    facts: coverage(false), touches: [T_CONTRACTS, T_RESIDENTS],
  },
  {
    code: 'contract_coverage_priority', name: { zh: '重点人群签约服务覆盖率', en: 'Priority-group contract coverage' }, unit: '%', betterWhen: 'higher', levels: AREA, window: 'point', source: 'computed', group: 'contracts', trendFrom: 'month',
    definition: { zh: '期末有有效签约的重点人群居民数 ÷ 重点人群居民数（65岁以上、0–6岁、高血压、糖尿病、结核、严重精神障碍、残疾、孕产妇、困难群众；每人只计一次）', en: 'Priority-group residents with a current contract ÷ priority-group residents (65+, 0–6, hypertension, diabetes, TB, severe mental disorder, disability, pregnant, poor; each once)' },
    facts: coverage(true), touches: [T_CONTRACTS, T_RESIDENTS],
  },
  {
    code: 'contract_fulfilment', name: { zh: '家庭医生签约履约率', en: 'Contract fulfilment' }, unit: '%', betterWhen: 'higher', levels: AREA, window: 'point', source: 'computed', group: 'contracts', trendFrom: 'month',
    definition: { zh: '期末有效签约中，截至当日所有应提供服务均已提供的签约居民数 ÷ 签约居民数（签约模块的履约规则）', en: 'Contracted residents who received every service due so far ÷ contracted residents, on the period\'s end (the contracts module\'s fulfilment rule)' },
    compute: async (db, w) => {
      // The whole county in one call, by township (a call per township costs each its own pass over the contracts).
      const rows = await contractRates(db, w.county, { level: 'township', to: w.asOf });
      return rows.filter((r) => r.code.length === 12).map((r) => ({ town: r.code, facility_id: null, team_id: null, resident_id: null, num: r.fulfilled, den: r.contracted }));
    },
    touches: [T_CONTRACTS, { table: 'chronic_followups', date: 'visit_date', stamp: 'created_at' }, T_ENCOUNTERS],
  },
  // --- where care happens (DOMAIN §6)
  {
    code: 'county_visit_rate', name: { zh: '县域就诊率', en: 'In-county visit rate' }, unit: '%', betterWhen: 'higher', levels: AREA, window: 'flow', source: 'computed', group: 'visits', trendFrom: 'month',
    definition: { zh: '县域居民在县域内机构的门急诊和住院人次 ÷ 县域居民全部门急诊和住院人次（不论在何处就诊；按居民现住址归属乡镇）', en: 'Outpatient, emergency and inpatient visits of county residents at facilities in the county ÷ all their visits wherever treated (township by the resident\'s current address)' },
    facts: countyVisits(`('outpatient','emergency','inpatient')`), touches: [T_ENCOUNTERS],
  },
  {
    code: 'county_inpatient_rate', name: { zh: '县域内住院率', en: 'In-county inpatient rate' }, unit: '%', betterWhen: 'higher', levels: AREA, window: 'flow', source: 'computed', group: 'visits', trendFrom: 'month',
    definition: { zh: '县域居民在县域内机构的住院人次 ÷ 县域居民全部住院人次', en: 'Inpatient stays of county residents in the county ÷ all their inpatient stays wherever' },
    facts: countyVisits(`('inpatient')`), touches: [T_ENCOUNTERS],
  },
  {
    code: 'basic_level_visit_share', name: { zh: '基层门急诊人次占比', en: 'Basic level\'s share of outpatient and emergency visits' }, unit: '%', betterWhen: 'higher', levels: AREA, window: 'flow', source: 'computed', group: 'visits', trendFrom: 'month',
    definition: { zh: '县域内基层医疗卫生机构（乡镇卫生院、社区卫生服务中心（站）、村卫生室）门急诊人次 ÷ 县域内全部门急诊人次（乡镇按就诊者现住址归属；县外来诊者只计入县域合计）', en: 'Outpatient and emergency visits at basic-level facilities in the county ÷ all such visits at facilities in the county (township by the patient\'s address; patients from outside count in the county total only)' },
    facts: `SELECT CASE WHEN r.village_code LIKE $1 || '%' THEN ${RTOWN} END AS town, NULL::uuid AS facility_id, NULL::uuid AS team_id, r.id AS resident_id, (f.tier IN ('township','village'))::int AS num, 1 AS den
      FROM encounters e JOIN facilities f ON f.id = e.facility_id JOIN residents r ON r.id = e.resident_id
     WHERE e.kind IN ('outpatient','emergency') AND e.started_at >= $2::date AND e.started_at < $3::date + 1 AND f.region_code LIKE $1 || '%' AND r.merged_into IS NULL`,
    touches: [T_ENCOUNTERS],
  },
  {
    code: 'outpatient_antibiotic_rate', name: { zh: '门诊处方抗菌药物使用率', en: 'Outpatient prescriptions with an antibacterial' }, unit: '%', betterWhen: 'lower', levels: ['county', 'township', 'community', 'facility'], window: 'flow', source: 'computed', group: 'visits', trendFrom: 'month',
    definition: { zh: '开具抗菌药物的门诊人次 ÷ 开具处方的门诊人次（一次就诊只计一次；按开方机构归属）', en: 'Outpatient visits with an antibacterial prescribed ÷ outpatient visits with a prescription (a visit counts once; by the prescribing facility)' },
    facts: `SELECT ${FTOWN} AS town, f.id AS facility_id, NULL::uuid AS team_id, e.resident_id, max((p.antibacterial_class IS NOT NULL)::int) AS num, 1 AS den
      FROM encounters e JOIN facilities f ON f.id = e.facility_id JOIN prescriptions p ON p.encounter_id = e.id
     WHERE e.kind = 'outpatient' AND e.started_at >= $2::date AND e.started_at < $3::date + 1 AND f.region_code LIKE $1 || '%'
     GROUP BY e.id, f.id, f.region_code, e.resident_id`,
    touches: [T_ENCOUNTERS, { table: 'prescriptions', date: 'prescribed_at::date', stamp: 'recorded_at' }],
  },
  // --- infectious-disease reporting (the surveillance module's report cards; limits 2 h / 24 h from diagnosis)
  {
    code: 'id_report_timeliness', name: { zh: '传染病报告及时率', en: 'Infectious-disease reporting timeliness' }, unit: '%', betterWhen: 'higher', levels: ['county', 'township', 'community', 'facility'], window: 'flow', source: 'computed', group: 'public_health', trendFrom: 'month',
    definition: { zh: '在法定时限内（甲类及按甲类管理2小时，其他24小时）网络直报的报告卡 ÷ 已报告的报告卡（期内诊断；不含删除和重卡；按报告单位归属）', en: 'Cards submitted within the legal limit (2 h for class A and those managed as A, 24 h for the others) ÷ cards submitted (diagnosed in the period; deleted and duplicate cards excluded; by the reporting facility)' },
    facts: `SELECT ${FTOWN} AS town, f.id AS facility_id, NULL::uuid AS team_id, c.resident_id, (c.submitted_at <= c.due_at)::int AS num, 1 AS den
      FROM report_cards c JOIN facilities f ON f.id = c.facility_id
     WHERE c.submitted_at IS NOT NULL AND c.status NOT IN ('deleted','duplicate') AND c.diagnosed_at >= $2::date AND c.diagnosed_at < $3::date + 1 AND f.region_code LIKE $1 || '%'`,
    touches: [{ table: 'report_cards', date: 'diagnosed_at::date', stamp: 'updated_at' }],
  },
  {
    code: 'id_report_completeness', name: { zh: '传染病报告率', en: 'Infectious-disease reporting completeness' }, unit: '%', betterWhen: 'higher', levels: ['county', 'township', 'community', 'facility'], window: 'flow', source: 'computed', group: 'public_health', trendFrom: 'month',
    definition: { zh: '已网络直报的报告卡 ÷ 法定传染病诊断生成的报告卡（期内诊断；不含删除和重卡；按报告单位归属）', en: 'Cards submitted ÷ cards drafted from notifiable diagnoses (diagnosed in the period; deleted and duplicate cards excluded; by the reporting facility)' },
    facts: `SELECT ${FTOWN} AS town, f.id AS facility_id, NULL::uuid AS team_id, c.resident_id, (c.submitted_at IS NOT NULL)::int AS num, 1 AS den
      FROM report_cards c JOIN facilities f ON f.id = c.facility_id
     WHERE c.status NOT IN ('deleted','duplicate') AND c.diagnosed_at >= $2::date AND c.diagnosed_at < $3::date + 1 AND f.region_code LIKE $1 || '%'`,
    touches: [{ table: 'report_cards', date: 'diagnosed_at::date', stamp: 'updated_at' }],
  },
  // --- basic public health (DOMAIN §2; the same rules as the chronic module's programmeRates)
  {
    code: 'elderly_health_management_rate', name: { zh: '老年人健康管理率', en: 'Elderly (65+) health-management rate' }, unit: '%', betterWhen: 'higher', levels: ALL, window: 'ytd', source: 'computed', group: 'public_health', trendFrom: 'year',
    // The publichealth module's one definition (migration 041 elderly_managed_on), read by its own rate routes too, on the as-of day.
    definition: ELDERLY_RATE_DEFINITION,
    facts: `SELECT ${RTOWN} AS town, tm.facility_id, ct.team_id, r.id AS resident_id, r.managed::int AS num, 1 AS den
      FROM elderly_managed_on($4::date) r ${TEAM_JOIN}
     WHERE r.village_code LIKE $1 || '%'`,
    touches: [{ table: 'elderly_services', date: 'service_date', stamp: 'created_at' }, T_RESIDENTS],
  },
  ...(['hypertension', 'diabetes'] as const).flatMap((p): Definition[] => {
    const k = p === 'hypertension' ? 'htn' : 'dm';
    const zh = p === 'hypertension' ? '高血压' : '糖尿病';
    const en = p === 'hypertension' ? 'Hypertension' : 'Diabetes';
    const base = { unit: '%' as const, betterWhen: 'higher' as const, levels: ALL, window: 'ytd' as const, source: 'computed' as const, group: 'chronic' as const, trendFrom: 'year' as const,
      touches: [{ table: 'chronic_followups', date: 'visit_date', stamp: 'created_at' }, T_RESIDENTS, T_CONTRACTS] };
    return [
      { ...base, code: `${k}_management_rate`, name: { zh: `${zh}患者健康管理率`, en: `${en} management rate` }, facts: programme(p, 'managed'),
        definition: { zh: `年内（截至期末）接受随访管理的${zh}患者 ÷（35岁及以上居民 × 患病率${(CHRONIC.prevalence[p] * 100).toFixed(1)}%）`, en: `${en} patients followed up in the year to date ÷ (residents 35+ × prevalence ${(CHRONIC.prevalence[p] * 100).toFixed(1)}%)` } },
      { ...base, code: `${k}_standard_management_rate`, name: { zh: `${zh}患者规范管理率`, en: `${en} norm-compliant management rate` }, facts: programme(p, 'standard'), window: 'quarters',
        measurable: (w) => standardMeasurable(w.from, w.to),
        definition: { zh: `年初至期末随访次数达到规范要求（每个已结束的季度1次，全年≥4次）的${zh}患者 ÷ 同期接受管理的患者，统计至最近一个已结束的季度末；第二季度结束前恒为100%，为“尚不可测”`, en: `${en} patients with the follow-ups the norm asks by the period's end (one per quarter ended, ≥4 a year) ÷ patients under management by then, counted to the last quarter end; 100% by construction before the second quarter ends, so "not yet measurable"` } },
      { ...base, code: `${k}_control_rate`, name: { zh: p === 'hypertension' ? '管理人群血压控制率' : '管理人群血糖控制率', en: `${en} control rate (managed patients)` }, facts: programme(p, 'controlled'),
        definition: { zh: `最近一次随访${p === 'hypertension' ? '血压' : '空腹血糖'}达标的患者 ÷ 年内接受管理的患者`, en: `Managed patients whose latest follow-up is on target ÷ patients under management` } },
    ];
  }),
  // --- capacity
  {
    code: 'centres_basic_standard_share', name: { zh: '达到服务能力基本标准的乡镇卫生院、社区卫生服务中心占比', en: 'Centres at the basic capability standard' }, unit: '%', betterWhen: 'higher', levels: AREA, window: 'point', source: 'computed', group: 'capacity', trendFrom: 'month',
    definition: { zh: '达到“优质服务基层行”基本标准（或推荐标准）的乡镇卫生院和社区卫生服务中心 ÷ 全部在营的该类机构', en: 'Township and community centres at the basic (or recommended) standard ÷ all open centres' },
    facts: `SELECT ${FTOWN} AS town, f.id AS facility_id, NULL::uuid AS team_id, NULL::uuid AS resident_id, (f.capability_standard IN ('basic','recommended'))::int AS num, 1 AS den
      FROM facilities f WHERE f.kind IN ${CENTRE_KINDS} AND ${FACILITY_OPEN}`, touches: [T_FACILITIES],
  },
  {
    code: 'centres_recommended_standard_share', name: { zh: '达到服务能力推荐标准的乡镇卫生院、社区卫生服务中心占比', en: 'Centres at the recommended capability standard' }, unit: '%', betterWhen: 'higher', levels: AREA, window: 'point', source: 'computed', group: 'capacity', trendFrom: 'month',
    definition: { zh: '达到推荐标准的乡镇卫生院和社区卫生服务中心 ÷ 全部在营的该类机构', en: 'Township and community centres at the recommended standard ÷ all open centres' },
    facts: `SELECT ${FTOWN} AS town, f.id AS facility_id, NULL::uuid AS team_id, NULL::uuid AS resident_id, (f.capability_standard = 'recommended')::int AS num, 1 AS den
      FROM facilities f WHERE f.kind IN ${CENTRE_KINDS} AND ${FACILITY_OPEN}`, touches: [T_FACILITIES],
  },
  {
    code: 'community_hospitals', name: { zh: '建成社区医院数', en: 'Community hospitals' }, unit: 'count', betterWhen: 'higher', levels: AREA, window: 'point', source: 'computed', group: 'capacity', trendFrom: 'month',
    definition: { zh: '在营且已建成社区医院的基层机构数', en: 'Open basic-level facilities accredited as community hospitals' },
    facts: `SELECT ${FTOWN} AS town, f.id AS facility_id, NULL::uuid AS team_id, NULL::uuid AS resident_id, 1 AS num, NULL::numeric AS den
      FROM facilities f WHERE f.community_hospital AND ${FACILITY_OPEN}`, touches: [T_FACILITIES],
  },
  {
    code: 'beds_per_1000', name: { zh: '每千人口医疗卫生机构床位数', en: 'Hospital beds per 1,000' }, unit: 'per_1000', betterWhen: 'higher', levels: AREA, window: 'point', source: 'computed', group: 'capacity', trendFrom: 'month',
    definition: { zh: '县域内在营医疗卫生机构编制床位数 ÷ 常住人口 × 1000', en: 'Beds of open facilities in the county ÷ permanent population × 1,000' },
    facts: `${perWindow(`SELECT ${FTOWN} AS town, f.id AS facility_id, NULL::uuid AS team_id, NULL::uuid AS resident_id, f.beds AS num, 0 AS den
      FROM facilities f WHERE f.beds > 0 AND ${FACILITY_OPEN}`)}
      UNION ALL ${POPULATION_ALL}`, touches: [T_FACILITIES, T_RESIDENTS],
  },
  // --- referrals (DOMAIN §6, 上转率; down-referrals counted separately)
  {
    code: 'referrals_up', name: { zh: '上转人次', en: 'Up-referrals' }, unit: 'count', betterWhen: 'lower', levels: ['county', 'township', 'community', 'facility'], window: 'flow', source: 'computed', group: 'referrals', trendFrom: 'month',
    definition: { zh: '期内发出的上转（不含草稿和撤销；转出或转入机构在本县），乡镇按转出机构、机构按转出机构归属；与“转诊统计”同一口径', en: 'Up-referrals sent in the period (not drafts or withdrawn; sender or receiver in the county), by the referring facility and its township; the referral figures\' own count' },
    facts: referrals('up'), touches: [T_REFERRALS],
  },
  {
    code: 'referrals_down', name: { zh: '下转人次', en: 'Down-referrals' }, unit: 'count', betterWhen: 'higher', levels: ['county', 'township', 'community', 'facility'], window: 'flow', source: 'computed', group: 'referrals', trendFrom: 'month',
    definition: { zh: '期内发出的下转（不含草稿和撤销；转出或转入机构在本县），乡镇按接收的基层机构、机构按转出机构归属；与“转诊统计”同一口径', en: 'Down-referrals sent in the period (not drafts or withdrawn; sender or receiver in the county), by the receiving basic-level facility\'s township and by the referring facility; the referral figures\' own count' },
    facts: referrals('down'), touches: [T_REFERRALS],
  },
  {
    code: 'basic_up_referral_rate', name: { zh: '基层医疗机构上转率', en: 'Up-referral rate of the basic level' }, unit: '%', betterWhen: 'lower', levels: ['county', 'township', 'community', 'facility'], window: 'flow', source: 'computed', group: 'referrals', trendFrom: 'month',
    definition: { zh: '基层医疗卫生机构期内发出的上转人次 ÷ 基层医疗卫生机构门急诊人次', en: 'Up-referrals sent by basic-level facilities ÷ outpatient and emergency visits at basic-level facilities' },
    facts: `SELECT ${PTOWN} AS town, ff.id AS facility_id, NULL::uuid AS team_id, x.resident_id, 1 AS num, 0 AS den
      FROM ${COUNTED_REFERRALS}
     WHERE x.direction = 'up' AND ff.tier IN ('township','village') AND ff.region_code LIKE $1 || '%'
    UNION ALL
    SELECT ${FTOWN}, f.id, NULL::uuid, NULL::uuid, 0, count(*) FROM encounters e JOIN facilities f ON f.id = e.facility_id
     WHERE e.kind IN ('outpatient','emergency') AND e.started_at >= $2::date AND e.started_at < $3::date + 1 AND f.tier IN ('township','village') AND f.region_code LIKE $1 || '%'
     GROUP BY f.id, f.region_code`,
    touches: [T_ENCOUNTERS, T_REFERRALS],
  },
  {
    code: 'down_up_referral_ratio', name: { zh: '下转与上转人次之比', en: 'Down-referrals per up-referral' }, unit: 'ratio', betterWhen: 'higher', levels: ['county'], window: 'flow', source: 'computed', group: 'referrals', trendFrom: 'month',
    definition: { zh: '期内下转人次 ÷ 期内上转人次（与“转诊统计”同一口径）', en: 'Down-referrals ÷ up-referrals in the period (the referral figures\' count)' },
    facts: `SELECT NULL::text AS town, NULL::uuid AS facility_id, NULL::uuid AS team_id, x.resident_id, (x.direction = 'down')::int AS num, (x.direction = 'up')::int AS den
      FROM ${COUNTED_REFERRALS}
     WHERE x.direction IN ('up','down') AND ${REFERRALS_OF_COUNTY}`,
    touches: [T_REFERRALS],
  },
  // --- entered per period and unit (not computable from care data)
  ...([
    ['satisfaction', '群众就医满意度', 'Patient satisfaction', 'higher', '满意度调查中表示满意的受访者 ÷ 全部受访者（按调查报告录入）', 'Respondents satisfied ÷ all respondents (entered from the survey report)'],
    ['admin_expense_ratio', '管理费用率', 'Administrative expense ratio', 'lower', '管理费用 ÷ 总费用（按财务报表录入）', 'Administrative expenses ÷ total expenses (entered from the financial statements)'],
    ['service_revenue_share', '医疗服务收入占比', 'Medical-service revenue share', 'higher', '医疗服务收入（不含药品、耗材、检查、化验收入）÷ 医疗收入（按财务报表录入）', 'Medical-service revenue excluding drugs, consumables, imaging and lab ÷ medical revenue (entered from the financial statements)'],
    ['hai_rate', '医院感染发生率', 'Healthcare-associated infection rate', 'lower', '新发医院感染例数 ÷ 同期住院患者数（按医院感染监测报告录入）', 'New healthcare-associated infections ÷ inpatients in the period (entered from the infection-surveillance report)'],
    ['dip_coverage', 'DIP病种覆盖率', 'DIP coverage of inpatient cases', 'higher', '按DIP结算的住院病例 ÷ 全部住院病例（按医保结算数据录入）', 'Inpatient cases settled under DIP ÷ all inpatient cases (entered from the insurer\'s settlement data)'],
  ] as const).map(([code, zh, en, better, dzh, den]): Definition => ({
    code, name: { zh, en }, definition: { zh: dzh, en: den }, unit: '%', betterWhen: better, levels: ['county', 'township', 'facility'], window: 'flow', source: 'entered', group: 'finance', trendFrom: 'month',
  })),
];

// ---- plausible ranges (the data-quality check) ------------------------------------------------------
// Sources: the national statistics bulletin for 2023 (国家卫生健康委《2023年我国卫生健康事业发展统计公报》:
// 3.40 physicians, 4.00 nurses, 7.23 beds per 1,000, 3.99 GPs per 10,000), the basic public-health norms'
// programme figures, and the plans' targets. A county or township outside its range is flagged, not hidden.
const P = (low: number, high: number, zh: string, en: string): Plausible => ({ low, high, basis: { zh, en }, levels: ['county', 'township'] });
/** Resources: a township's figure counts its one centre's staff and beds (not the county seat's hospitals), a county's the whole. */
const PC = (low: number, high: number, zh: string, en: string): Plausible => ({ ...P(low, high, zh, en), levels: ['county'] });
const PLAUSIBLE: Record<string, Plausible> = {
  physicians_per_1000: PC(1.5, 6, '全国2023年3.40，县域多在2–5', 'national 2023: 3.40; counties mostly 2–5'),
  nurses_per_1000: PC(1.5, 7, '全国2023年4.00', 'national 2023: 4.00'),
  gps_per_10000: PC(1, 10, '全国2023年3.99；规划目标每万人4–5名', 'national 2023: 3.99; plans target 4–5'),
  public_health_staff_per_1000: PC(0.3, 2, '全国约0.7–1.0', 'national about 0.7–1.0'),
  beds_per_1000: PC(3, 10, '全国2023年7.23', 'national 2023: 7.23'),
  village_doctor_qualified_share: PC(20, 80, '约半数；文登规划2025年50%', 'about half; Wendeng\'s plan: 50% by 2025'),
  contract_coverage: P(20, 80, '全国签约覆盖约45%；规划目标65%', 'national coverage about 45%; plans target 65%'),
  contract_coverage_priority: P(40, 95, '重点人群高于总体；规划目标75%', 'priority groups above overall; plans target 75%'),
  contract_fulfilment: P(30, 100, '到期服务的完成比例', 'services due so far delivered'),
  county_visit_rate: P(70, 100, '规划目标90%', 'plans aim at 90%'),
  county_inpatient_rate: P(60, 98, '规划目标85%–90%', 'plans aim at 85–90%'),
  basic_level_visit_share: P(35, 85, '全国2023年约55%；文登目标65%', 'national 2023 about 55%; Wendeng targets 65%'),
  outpatient_antibiotic_rate: P(3, 40, '门诊处方抗菌药物使用率全国约20%', 'national outpatient prescriptions about 20%'),
  elderly_health_management_rate: P(35, 85, '国家基本公共卫生服务约60%–70%', 'national programme about 60–70%'),
  htn_management_rate: P(25, 85, '全国管理率约54.1%', 'national: 54.1% managed'),
  htn_standard_management_rate: P(25, 90, '全国规范管理率约45.7%–70%', 'national: 45.7–70% norm-compliant'),
  htn_control_rate: P(25, 85, '管理人群血压控制率约50%–70%', 'managed patients on target about 50–70%'),
  dm_management_rate: P(25, 90, '糖尿病患者管理率', 'managed diabetes patients'),
  dm_standard_management_rate: P(25, 90, '全国规范管理率约45%–70%', 'national: 45–70% norm-compliant'),
  dm_control_rate: P(25, 85, '管理人群血糖控制率约50%', 'about half of the managed at target'),
  centres_basic_standard_share: PC(50, 100, '多数机构达到基本标准', 'most centres at the basic standard'),
  centres_recommended_standard_share: PC(10, 80, '约三分之一；规划目标40%', 'about a third; plans: 40%'),
  basic_up_referral_rate: P(0.5, 10, '基层诊疗人次中上转的少数', 'a few in a hundred of the basic level\'s visits'),
  down_up_referral_ratio: P(0.1, 2, '多数县下转少于上转', 'fewer down- than up-referrals in most counties'),
  id_report_timeliness: P(80, 100, '法定传染病报告及时率一般在95%以上', 'statutory reporting timeliness usually above 95%'),
  id_report_completeness: P(80, 100, '法定传染病报告率一般在95%以上', 'statutory reporting completeness usually above 95%'),
};
for (const [code, range] of Object.entries(PLAUSIBLE)) {
  const d = CATALOGUE.find((x) => x.code === code);
  if (!d) throw new Error(`plausible range for an unknown indicator: ${code}`);
  d.plausible = range;
}

// Definitions written for one window run for every window of the statement.
for (const d of CATALOGUE) if (d.facts && !d.facts.includes(WINDOWS)) d.facts = perWindow(d.facts);

export const BY_CODE = new Map(CATALOGUE.map((d) => [d.code, d]));
