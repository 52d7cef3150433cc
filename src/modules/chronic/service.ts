// Hypertension and diabetes care: the follow-up (classified by the norm's rules, never typed),
// the family-doctor team's worklist, the screening list, and programme rates with drill-down.
import type { Db, Queryable } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';
import { actorOf } from '../../platform/auth.ts';
import { badRequest, forbidden } from '../../platform/errors.ts';
import { writeAudit } from '../../platform/audit.ts';
import { requireBasis, type AccessOptions } from '../records/access.ts';
import { normaliseObservation, bmi } from '../records/observations.ts';
import { ageOn } from '../registry/rules.ts';
import { setCondition } from '../registry/residents.ts';
import { packageDue, teamsOfUser, unitSql, unitNames, type RateLevel } from '../contracts/service.ts';
import { regionPrefix } from '../../shared/roles.ts';
import { countedFrom, requiredFollowUps, classifyVisit, DEFAULT_CONFIG, onTarget, programmeOfIcd10, REFERRAL_REASONS, screeningStatus, type ChronicConfig, type Programme, type ReferralReason, type Symptom, type VisitClass } from './rules.ts';
import { addDays, onDayNow, today } from '../../shared/time.ts';

export interface FollowUpInput {
  residentId: string;
  programme: Programme;
  visitDate: string;
  visitMode?: 'clinic' | 'home' | 'phone';
  symptoms?: Symptom[];
  sbp?: number | null;
  dbp?: number | null;
  heartRate?: number | null;
  weightKg?: number | null;
  heightCm?: number | null;
  fastingGlucose?: number | null;
  temperature?: number | null;
  lifestyle?: Record<string, string | number | null>;
  adherence?: 'regular' | 'intermittent' | 'none' | null;
  adverseReaction?: boolean;
  adverseUncontrollable?: boolean;
  newComplication?: boolean;
  complicationWorse?: boolean;
  medication?: string | null;
}

async function myWorker(q: Queryable, p: Principal): Promise<{ worker: string | null; facility: { id: string; region: string } }> {
  const [r] = await q.query<{ worker_id: string | null; fid: string | null; region: string | null }>(
    `SELECT u.worker_id, f.id AS fid, f.region_code AS region FROM users u LEFT JOIN facilities f ON f.code = u.facility_code WHERE u.id = $1`, [p.userId]);
  if (!r?.fid) throw forbidden({ zh: '您的账号未关联机构，不能记录随访', en: 'Your account has no facility; you cannot record follow-ups' });
  return { worker: r.worker_id, facility: { id: r.fid, region: r.region! } };
}

/** The previous follow-up (for the form's defaults and the two-consecutive rule). */
export async function lastFollowUp(q: Queryable, residentId: string, programme: Programme) {
  const [r] = await q.query<Record<string, unknown> & { visit_class: VisitClass; visit_date: string }>(
    'SELECT * FROM chronic_followups WHERE resident_id = $1 AND programme = $2 ORDER BY visit_date DESC, created_at DESC LIMIT 1', [residentId, programme]);
  return r ?? null;
}

/** The resident and the previous follow-up, as defaults for the form (a read of the record: needs a basis, audited). */
export async function followUpDefaults(db: Db, p: Principal, o: AccessOptions, residentId: string, programme: Programme) {
  const { basis } = await requireBasis(db, p, residentId, o);
  const l = await lastFollowUp(db, residentId, programme);
  const [r] = await db.query<{ name: string; birth_date: string; sex: 'M' | 'F' }>('SELECT name, birth_date, sex FROM residents WHERE id = $1', [residentId]);
  await db.tx((q) => writeAudit(q, actorOf(p, p.ip), { action: 'record.followup_defaults', outcome: 'ok', residentId, basis }));
  const num = (v: unknown) => (v == null ? null : Number(v));
  return {
    resident: { name: r.name, age: ageOn(r.birth_date, today()), sex: r.sex },
    last: l ? { visitDate: l.visit_date, visitClass: l.visit_class, sbp: num(l.sbp), dbp: num(l.dbp), heartRate: num(l.heart_rate), weightKg: num(l.weight_kg), heightCm: num(l.height_cm),
      fastingGlucose: num(l.fasting_glucose), adherence: (l.adherence as string) ?? null, medication: (l.medication as string) ?? null, nextVisitDate: l.next_visit_date as string } : null,
  };
}

/** Drafts an up-referral to the lead hospital of the facility's medical community (none when it has no community), for the doctor to complete and send. */
async function draftReferral(q: Queryable, p: Principal, me: { worker: string | null; facility: { id: string } },
  o: { residentId: string; county: string; urgency: 'urgent' | 'routine'; reason: ReferralReason; summary: object; note: string }): Promise<string | null> {
  const [lead] = await q.query<{ id: string }>(
    `SELECT c.lead_facility_id AS id FROM community_members m JOIN communities c ON c.id = m.community_id WHERE m.facility_id = $1 AND m.left_on IS NULL ORDER BY m.tight DESC LIMIT 1`, [me.facility.id]);
  if (!lead) return null;
  const [r] = await q.query<{ id: string }>(
    `INSERT INTO referrals (resident_id, county_code, direction, urgency, reason_code, reason_text, from_facility_id, from_worker_id, to_facility_id, status, created_by, summary)
     VALUES ($1,$2,'up',$3,$4,$5,$6,$7,$8,'draft',$9,$10) RETURNING id`,
    [o.residentId, o.county, o.urgency, o.reason, REFERRAL_REASONS[o.reason].zh, me.facility.id, me.worker, lead.id, p.userId, JSON.stringify(o.summary)]);
  await q.query("INSERT INTO referral_events (referral_id, status, by_user, note) VALUES ($1, 'draft', $2, $3)", [r.id, p.userId, o.note]);
  return r.id;
}

/** Records a follow-up: checks values, classifies by the norm, writes encounter, observations and the form; drafts the referral the rules call for. */
export async function recordFollowUp(db: Db, p: Principal, o: AccessOptions, input: FollowUpInput, cfg: ChronicConfig = DEFAULT_CONFIG) {
  const { basis } = await requireBasis(db, p, input.residentId, o);
  return db.tx(async (q) => {
    const me = await myWorker(q, p);
    const [res] = await q.query<{ birth_date: string; sex: 'M' | 'F'; county_code: string; village_code: string }>('SELECT birth_date, sex, county_code, village_code FROM residents WHERE id = $1', [input.residentId]);
    const fields: { path: string; problem: string }[] = [];
    if (input.visitDate > today()) fields.push({ path: 'visitDate', problem: 'in the future / 不能晚于今天' });
    const obs: { code: string; value: number; unit: string; path: string }[] = [];
    if (input.sbp != null) obs.push({ code: '8480-6', value: input.sbp, unit: 'mm[Hg]', path: 'sbp' });
    if (input.dbp != null) obs.push({ code: '8462-4', value: input.dbp, unit: 'mm[Hg]', path: 'dbp' });
    if (input.heartRate != null) obs.push({ code: '8867-4', value: input.heartRate, unit: '/min', path: 'heartRate' });
    if (input.weightKg != null) obs.push({ code: '29463-7', value: input.weightKg, unit: 'kg', path: 'weightKg' });
    if (input.fastingGlucose != null) obs.push({ code: '1558-6', value: input.fastingGlucose, unit: 'mmol/L', path: 'fastingGlucose' });
    const normal = obs.map((x) => {
      const n = normaliseObservation({ code: x.code, value: x.value, unit: x.unit, sex: res.sex });
      if (!n.ok) for (const pr of n.problems) fields.push({ path: x.path, problem: `${pr.en} / ${pr.zh}` });
      return n.ok ? n.value : null;
    });
    if (input.programme === 'hypertension' && (input.sbp == null || input.dbp == null)) fields.push({ path: 'sbp', problem: 'blood pressure is required at a hypertension follow-up / 高血压随访须测血压' });
    if (input.programme === 'diabetes' && input.fastingGlucose == null) fields.push({ path: 'fastingGlucose', problem: 'fasting glucose is required at a diabetes follow-up / 糖尿病随访须测空腹血糖' });
    if (input.sbp != null && input.dbp != null && input.dbp >= input.sbp) fields.push({ path: 'dbp', problem: 'diastolic must be below systolic / 舒张压应低于收缩压' });
    if (fields.length) throw badRequest('followup.invalid', { zh: '随访记录有误，未保存', en: 'Invalid follow-up; nothing was saved' }, fields);
    const prev = await lastFollowUp(q, input.residentId, input.programme);
    const age = ageOn(res.birth_date, input.visitDate);
    const v = { programme: input.programme, visitDate: input.visitDate, ageYears: age, sbp: input.sbp, dbp: input.dbp, heartRate: input.heartRate, fastingGlucose: input.fastingGlucose,
      temperature: input.temperature, symptoms: input.symptoms, adverseReaction: input.adverseReaction, adverseUncontrollable: input.adverseUncontrollable,
      newComplication: input.newComplication, complicationWorse: input.complicationWorse };
    const result = classifyVisit(v, prev?.visit_class ?? null, cfg);
    // enrolment: kept current from the record (a first follow-up enrols a diagnosed patient)
    await q.query(`INSERT INTO chronic_enrolments (resident_id, county_code, programme, enrolled_on, source) VALUES ($1,$2,$3,$4,'diagnosis')
                   ON CONFLICT (resident_id, programme) WHERE status = 'active' DO NOTHING`, [input.residentId, res.county_code, input.programme, input.visitDate]);
    await setCondition(q, input.residentId, input.programme, true);
    const at = onDayNow(input.visitDate);
    const [enc] = await q.query<{ id: string }>(
      `INSERT INTO encounters (resident_id, county_code, kind, facility_id, worker_id, started_at, reason, created_by) VALUES ($1,$2,'follow_up',$3,$4,$5,$6,$7) RETURNING id`,
      [input.residentId, res.county_code, me.facility.id, me.worker, at, input.programme === 'hypertension' ? '高血压随访' : '糖尿病随访', p.userId]);
    for (const n of normal) {
      if (n) await q.query('INSERT INTO observations (resident_id, encounter_id, code, value, unit, ref_low, ref_high, flag, observed_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)',
        [input.residentId, enc.id, n.code, n.value, n.unit, n.refLow, n.refHigh, n.flag, at]);
    }
    const referralId = result.referral
      ? await draftReferral(q, p, me, { residentId: input.residentId, county: res.county_code, urgency: result.referral.urgency, reason: result.referral.reason,
        summary: { followUp: { date: input.visitDate, sbp: input.sbp, dbp: input.dbp, glucose: input.fastingGlucose, class: result.class, emergency: result.emergencyReasons } }, note: 'drafted by the chronic-disease follow-up rules' })
      : null;
    const [f] = await q.query<{ id: string }>(
      `INSERT INTO chronic_followups (resident_id, county_code, programme, encounter_id, facility_id, worker_id, visit_date, visit_mode, symptoms, sbp, dbp, heart_rate, weight_kg, height_cm, bmi,
         fasting_glucose, temperature, lifestyle, adherence, adverse_reaction, adverse_uncontrollable, new_complication, complication_worse, medication, visit_class, on_target, emergency,
         referral_reason, referral_urgency, referral_id, next_visit_date, created_by)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,$27,$28,$29,$30,$31,$32) RETURNING id`,
      [input.residentId, res.county_code, input.programme, enc.id, me.facility.id, me.worker, input.visitDate, input.visitMode ?? 'clinic', input.symptoms ?? [], input.sbp ?? null, input.dbp ?? null,
        input.heartRate ?? null, input.weightKg ?? null, input.heightCm ?? null, input.weightKg && input.heightCm ? bmi(input.heightCm, input.weightKg) : null, input.fastingGlucose ?? null,
        input.temperature ?? null, JSON.stringify(input.lifestyle ?? {}), input.adherence ?? null, !!input.adverseReaction, !!input.adverseUncontrollable, !!input.newComplication,
        !!input.complicationWorse, input.medication ?? null, result.class, onTarget(v, cfg), result.emergency, result.referral?.reason ?? null, result.referral?.urgency ?? null, referralId,
        result.nextVisitDate, p.userId]);
    await writeAudit(q, actorOf(p, p.ip), { action: 'chronic.followup', outcome: 'ok', residentId: input.residentId, recordType: 'chronic_followup', recordId: f.id, basis, details: { class: result.class } });
    return { id: f.id, ...result, referralId, previousClass: prev?.visit_class ?? null };
  });
}

export interface WorklistRow {
  residentId: string;
  name: string;
  sex: 'M' | 'F';
  age: number;
  villageName: string;
  /** A programme follow-up (chronic) or a contract package item (package). */
  kind: 'chronic' | 'package';
  programme: Programme | null;
  /** The package item's service code and name (package rows). */
  service: string | null;
  serviceName: string | null;
  frequency: string | null;
  /** Package rows: services owed so far this contract year, and delivered. */
  owed: number | null;
  delivered: number | null;
  lastVisit: string | null;
  lastClass: VisitClass | null;
  lastSbp: number | null;
  lastDbp: number | null;
  lastGlucose: number | null;
  nextDue: string | null;
  status: 'overdue' | 'due_this_week' | 'never_seen' | 'scheduled';
  /** Enrolled from screening, awaiting the confirming referral's result. */
  provisional: boolean;
  /** The resident's riskiest latest programme class, which orders the list. */
  riskClass: VisitClass | null;
}
export type WorklistSort = 'risk' | 'due' | 'name';

const RISK: Record<string, number> = { complication: 0, uncontrolled: 1, adverse_reaction: 2, none: 3, controlled: 4 };
const STATUS_ORDER: Record<WorklistRow['status'], number> = { overdue: 0, due_this_week: 1, never_seen: 2, scheduled: 3 };

/** The team's worklist: programme patients and contract package services due this week, overdue, or never seen; riskiest first (uncontrolled last visit first). */
export async function worklist(db: Db, p: Principal, o: { status?: WorklistRow['status']; limit: number; sort?: WorklistSort }, cfg: ChronicConfig = DEFAULT_CONFIG): Promise<{ items: WorklistRow[]; total: number }> {
  const teamIds = await teamsOfUser(db, p.userId);
  const day = today();
  const rows = await db.query<{ resident_id: string; name: string; sex: 'M' | 'F'; birth_date: string; village_name: string; programme: Programme; provisional: boolean; enrolled_on: string; visit_date: string | null;
    visit_class: VisitClass | null; sbp: number | null; dbp: number | null; fasting_glucose: number | null; next_visit_date: string | null }>(
    `WITH pts AS (
       SELECT DISTINCT r.id, r.name, r.sex, r.birth_date, v.name AS village_name, e.programme, e.provisional, e.enrolled_on
         FROM contracts c
         JOIN residents r ON r.id = c.resident_id AND r.merged_into IS NULL AND r.death_date IS NULL
         JOIN regions v ON v.code = r.village_code
         JOIN chronic_enrolments e ON e.resident_id = r.id AND e.status = 'active'
        WHERE c.team_id = ANY($1::uuid[]) AND c.status IN ('signed','renewed') AND c.starts_on <= $2::date AND c.ends_on >= $2::date)
     SELECT pts.id AS resident_id, pts.name, pts.sex, pts.birth_date::text, pts.village_name, pts.programme, pts.provisional, pts.enrolled_on::text,
            f.visit_date::text, f.visit_class, f.sbp, f.dbp, f.fasting_glucose::float8 AS fasting_glucose, f.next_visit_date::text
       FROM pts LEFT JOIN LATERAL (
         SELECT visit_date, visit_class, sbp, dbp, fasting_glucose, next_visit_date FROM chronic_followups
          WHERE resident_id = pts.id AND programme = pts.programme ORDER BY visit_date DESC, created_at DESC LIMIT 1) f ON true`,
    [teamIds, day]);
  const weekEnd = addDays(day, 7);
  const dateStatus = (due: string) => (due < day ? 'overdue' : due <= weekEnd ? 'due_this_week' : 'scheduled') as WorklistRow['status'];
  const blank = { service: null, serviceName: null, frequency: null, owed: null, delivered: null };
  const items: WorklistRow[] = rows.map((r) => {
    // Never seen: a screening-provisional patient is due within 2 weeks of the referral to confirm; others at once.
    const nextDue = r.visit_date ? r.next_visit_date : r.provisional ? addDays(r.enrolled_on, cfg.postReferralDays) : null;
    const status = !r.visit_date ? (r.provisional && dateStatus(nextDue!) !== 'scheduled' ? dateStatus(nextDue!) : 'never_seen') : dateStatus(r.next_visit_date!);
    return { residentId: r.resident_id, name: r.name, sex: r.sex, age: ageOn(r.birth_date, day), villageName: r.village_name, kind: 'chronic' as const, programme: r.programme, ...blank,
      lastVisit: r.visit_date, lastClass: r.visit_class, lastSbp: r.sbp, lastDbp: r.dbp, lastGlucose: r.fasting_glucose, nextDue, status, provisional: r.provisional, riskClass: null };
  });
  // Package services of the contracts; a programme's follow-ups are the chronic rows when the resident is enrolled.
  const enrolled = new Set(rows.map((r) => `${r.resident_id}:${r.programme === 'hypertension' ? 'htn_followup' : 'dm_followup'}`));
  for (const x of await packageDue(db, teamIds, day, weekEnd)) {
    if (enrolled.has(`${x.residentId}:${x.service}`)) continue;
    items.push({ residentId: x.residentId, name: x.name, sex: x.sex, age: ageOn(x.birthDate, day), villageName: x.villageName, kind: 'package', programme: null, service: x.service, serviceName: x.serviceName,
      frequency: x.frequency, owed: x.owed, delivered: x.delivered, lastVisit: null, lastClass: null, lastSbp: null, lastDbp: null, lastGlucose: null, nextDue: x.nextDue, status: x.status, provisional: false, riskClass: null });
  }
  const worst = new Map<string, VisitClass>();
  for (const r of rows) if (r.visit_class && (!worst.has(r.resident_id) || RISK[r.visit_class] < RISK[worst.get(r.resident_id)!])) worst.set(r.resident_id, r.visit_class);
  for (const x of items) x.riskClass = worst.get(x.residentId) ?? null;
  const risk = (x: WorklistRow) => RISK[x.riskClass ?? 'none'];
  const byDue = (a: WorklistRow, b: WorklistRow) => (a.nextDue ?? '').localeCompare(b.nextDue ?? '');
  const byName = (a: WorklistRow, b: WorklistRow) => a.name.localeCompare(b.name) || a.residentId.localeCompare(b.residentId) || (a.kind === b.kind ? 0 : a.kind === 'chronic' ? -1 : 1) || byDue(a, b) || (a.service ?? '').localeCompare(b.service ?? '');
  const cmp = o.sort === 'due' ? (a: WorklistRow, b: WorklistRow) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || byDue(a, b) || byName(a, b)
    : o.sort === 'name' ? byName
      // by risk, a resident's rows together (their programme rows first), residents in the order of their earliest due date
      : (a: WorklistRow, b: WorklistRow) => risk(a) - risk(b) || (firstDue.get(a.residentId) ?? '').localeCompare(firstDue.get(b.residentId) ?? '') || byName(a, b) || byDue(a, b);
  const shown = items.filter((x) => (o.status ? x.status === o.status : x.status !== 'scheduled'));
  const firstDue = new Map<string, string>();
  for (const x of shown) if (x.nextDue && (!firstDue.has(x.residentId) || x.nextDue < firstDue.get(x.residentId)!)) firstDue.set(x.residentId, x.nextDue);
  const wanted = shown.sort(cmp);
  await db.tx((q) => writeAudit(q, actorOf(p, p.ip), { action: 'chronic.worklist', outcome: 'ok', basis: 'contract', details: { rows: wanted.length } }));
  return { items: wanted.slice(0, o.limit), total: wanted.length };
}

export interface ProgrammeRate {
  code: string;
  name: string;
  adults35: number;
  estimated: number;
  managed: number;
  standard: number;
  controlled: number;
  managementRate: number | null;
  standardRate: number | null;
  controlRate: number | null;
}

export interface RatePeriod { level: RateLevel; from: string; to: string }

/** Programme rates by unit of a level over a period (健康管理率, 规范管理率, 控制率): aggregates only, no person shown. */
export async function programmeRates(db: Queryable, within: string | null, programme: Programme, period: RatePeriod, cfg: ChronicConfig = DEFAULT_CONFIG): Promise<ProgrammeRate[]> {
  // Management is a year's work: every period counts the follow-ups from the start of its calendar year to its end (a quarter's figures are those at the quarter's end).
  const { to, level } = period;
  const from = countedFrom(to);
  const day = today();
  const u = unitSql(level);
  const need = requiredFollowUps(from, to);
  // $1 is the day residents are attributed to teams on (the period's end, or today); $2..$3 the period.
  const args: unknown[] = [to < day ? to : day, from, to, programme, need];
  if (within) args.push(within);
  const rows = await db.query<{ unit: string; adults35: number; managed: number; standard: number; controlled: number }>(
    `WITH fu AS (
       SELECT f.resident_id, count(*) AS n, (array_agg(f.on_target ORDER BY f.visit_date DESC, f.created_at DESC))[1] AS last_on_target
         FROM chronic_followups f WHERE f.programme = $4 AND f.visit_date BETWEEN $2::date AND $3::date ${within ? "AND f.county_code = left($6, 6)" : ''}
        GROUP BY f.resident_id)
     SELECT ${u.key} AS unit,
            count(*) FILTER (WHERE r.birth_date <= ($3::date - interval '35 years'))::int AS adults35,
            count(fu.n)::int AS managed, count(*) FILTER (WHERE fu.n >= $5)::int AS standard, count(*) FILTER (WHERE fu.last_on_target)::int AS controlled
       FROM residents r LEFT JOIN fu ON fu.resident_id = r.id ${u.joins}
      WHERE r.merged_into IS NULL AND (r.death_date IS NULL OR r.death_date >= $2::date) ${within ? "AND r.village_code LIKE $6 || '%'" : ''}
        AND $1::date IS NOT NULL -- the attribution day, used by the team and community joins
      GROUP BY 1 HAVING ${u.key} IS NOT NULL`, args);
  const names = await unitNames(db, level, rows.map((r) => r.unit));
  const prev = cfg.prevalence[programme];
  return rows.map((r) => ({
    code: r.unit, name: names.get(r.unit) ?? r.unit, adults35: r.adults35, managed: r.managed, standard: r.standard, controlled: r.controlled, estimated: Math.round(r.adults35 * prev),
    managementRate: r.adults35 ? r.managed / (r.adults35 * prev) : null, standardRate: r.managed ? r.standard / r.managed : null, controlRate: r.managed ? r.controlled / r.managed : null,
  })).sort((a, b) => a.name.localeCompare(b.name, 'zh') || a.code.localeCompare(b.code));
}

/** Residents 35+ of the team's contracts (or, for public-health staff, of their region) without a blood-pressure reading this year. */
export async function screeningList(db: Db, p: Principal, limit: number, cfg: ChronicConfig = DEFAULT_CONFIG): Promise<{ items: { residentId: string; name: string; sex: 'M' | 'F'; age: number; villageName: string; lastReading: string | null; reason: 'no_reading' | 'recheck'; highDays: number }[]; total: number }> {
  const day = today();
  const yearStart = `${day.slice(0, 4)}-01-01`;
  const [me] = await db.query<{ region_code: string | null }>('SELECT region_code FROM users WHERE id = $1', [p.userId]);
  const byRegion = p.role === 'public_health' && me?.region_code;
  const rows = await db.query<{ id: string; name: string; sex: 'M' | 'F'; birth_date: string; village_name: string; last_reading: Date | null; high_days: number; this_year: boolean }>(
    `WITH pop AS (
       ${byRegion
         ? `SELECT r.id FROM residents r WHERE r.village_code LIKE $5 || '%'`
         : `SELECT c.resident_id AS id FROM contracts c
             WHERE c.status IN ('signed','renewed') AND c.starts_on <= $1::date AND c.ends_on >= $1::date
               AND c.team_id = ANY($5::uuid[])`}),
     hi AS (
       SELECT s.resident_id, count(DISTINCT (s.observed_at AT TIME ZONE 'Asia/Shanghai')::date)::int AS days
         FROM observations s JOIN observations d ON d.resident_id = s.resident_id AND d.code = '8462-4' AND d.encounter_id = s.encounter_id
        WHERE s.resident_id IN (SELECT id FROM pop) AND s.code = '8480-6' AND s.observed_at > ($1::date - 365) AND (s.value >= $3 OR d.value >= $4)
        GROUP BY 1)
     SELECT r.id, r.name, r.sex, r.birth_date::text, v.name AS village_name, coalesce(hi.days, 0) AS high_days,
            (SELECT max(o.observed_at) FROM observations o WHERE o.resident_id = r.id AND o.code = '8480-6') AS last_reading,
            EXISTS (SELECT 1 FROM observations o WHERE o.resident_id = r.id AND o.code = '8480-6' AND o.observed_at >= $2::date) AS this_year
       FROM pop JOIN residents r ON r.id = pop.id JOIN regions v ON v.code = r.village_code LEFT JOIN hi ON hi.resident_id = r.id
      WHERE r.merged_into IS NULL AND r.death_date IS NULL AND r.birth_date <= ($1::date - interval '35 years')
        AND NOT ('hypertension' = ANY(r.conditions))
        AND NOT EXISTS (SELECT 1 FROM chronic_enrolments e WHERE e.resident_id = r.id AND e.programme = 'hypertension' AND e.status = 'active')
      ORDER BY coalesce(hi.days, 0) DESC, r.birth_date, r.name, r.id`,
    byRegion ? [day, yearStart, cfg.bpTarget.sbp, cfg.bpTarget.dbp, regionPrefix(me!.region_code!)] : [day, yearStart, cfg.bpTarget.sbp, cfg.bpTarget.dbp, await teamsOfUser(db, p.userId)]);
  // Due: no reading this year, or one or two high readings awaiting the recheck on other days.
  const due = rows.filter((r) => !r.this_year || (r.high_days >= 1 && r.high_days <= 2));
  await db.tx((q) => writeAudit(q, actorOf(p, p.ip), { action: 'chronic.screening_list', outcome: 'ok', basis: byRegion ? 'public_health' : 'contract', details: { rows: due.length } }));
  return {
    total: due.length,
    items: due.slice(0, limit).map((r) => ({ residentId: r.id, name: r.name, sex: r.sex, age: ageOn(r.birth_date, day), villageName: r.village_name, lastReading: r.last_reading ? new Date(r.last_reading).toISOString() : null,
      reason: r.high_days >= 1 ? 'recheck' as const : 'no_reading' as const, highDays: r.high_days })),
  };
}

/** The residents behind a programme rate in a unit, for those allowed to see them: public-health staff for their region, a doctor for their team's contracted patients; audited. */
export async function rateResidents(db: Db, p: Principal, o: { programme: Programme; level: RateLevel; code: string; from: string; to: string; measure: 'managed' | 'standard' | 'controlled' | 'not_controlled' }) {
  const [me] = await db.query<{ region_code: string | null }>('SELECT region_code FROM users WHERE id = $1', [p.userId]);
  const day = today();
  const u = unitSql(o.level);
  const from = countedFrom(o.to);
  const mine = p.role === 'public_health' && me?.region_code ? regionPrefix(me.region_code) : null;
  const rows = await db.query<{ id: string; name: string; sex: 'M' | 'F'; birth_date: string; village_name: string; n: number; last_on_target: boolean; last_visit: string }>(
    `WITH fu AS (
       SELECT f.resident_id, count(*)::int AS n, (array_agg(f.on_target ORDER BY f.visit_date DESC, f.created_at DESC))[1] AS last_on_target, max(f.visit_date)::text AS last_visit
         FROM chronic_followups f WHERE f.programme = $2 AND f.visit_date BETWEEN $3::date AND $4::date GROUP BY f.resident_id)
     SELECT r.id, r.name, r.sex, r.birth_date::text, v.name AS village_name, fu.n, fu.last_on_target, fu.last_visit
       FROM fu JOIN residents r ON r.id = fu.resident_id JOIN regions v ON v.code = r.village_code ${u.joins}
      WHERE ${u.key} = $5 AND r.merged_into IS NULL AND $1::date IS NOT NULL
        AND (($6::text IS NOT NULL AND r.village_code LIKE $6 || '%') OR EXISTS (SELECT 1 FROM contracts c WHERE c.resident_id = r.id AND c.status IN ('signed','renewed') AND c.ends_on >= current_date
              AND c.team_id = ANY($7::uuid[])))
      ORDER BY r.name LIMIT 2000`,
    [o.to < day ? o.to : day, o.programme, from, o.to, o.code, mine, await teamsOfUser(db, p.userId)]);
  const need = requiredFollowUps(from, o.to);
  const keep = rows.filter((r) => o.measure === 'managed' || (o.measure === 'standard' ? r.n >= need : o.measure === 'controlled' ? r.last_on_target : !r.last_on_target));
  await db.tx((q) => writeAudit(q, actorOf(p, p.ip), { action: 'chronic.rate_residents', outcome: 'ok', basis: mine ? 'public_health' : 'contract', details: { ...o, rows: keep.length } }));
  return keep.map((r) => ({ residentId: r.id, name: r.name, sex: r.sex, age: ageOn(r.birth_date, day), villageName: r.village_name, followUps: r.n, lastVisit: r.last_visit, lastOnTarget: r.last_on_target }));
}

/** Enrols a resident from confirmed, active diagnoses in the record (I10–I15 hypertension, E11 diabetes); a provisional (screening) enrolment becomes confirmed. Runs in the caller's transaction. */
export async function enrolFromDiagnoses(q: Queryable, o: { residentId: string; county: string; on: string; diagnoses: { icd10: string; status?: string | null; confirmed?: boolean | null }[] }): Promise<Programme[]> {
  const programmes = [...new Set(o.diagnoses.filter((d) => d.confirmed !== false && d.status !== 'resolved').map((d) => programmeOfIcd10(d.icd10)).filter((x): x is Programme => !!x))];
  for (const pg of programmes) {
    await q.query(`INSERT INTO chronic_enrolments (resident_id, county_code, programme, enrolled_on, source) VALUES ($1,$2,$3,$4,'diagnosis')
                   ON CONFLICT (resident_id, programme) WHERE status = 'active' DO UPDATE SET provisional = false`, [o.residentId, o.county, pg, o.on]);
    await setCondition(q, o.residentId, pg, true);
  }
  return programmes;
}

export interface ScreeningInput { residentId: string; date: string; sbp: number; dbp: number }

/** Records a screening blood pressure; the third high reading on a different day (within a year) enrols the resident provisionally and drafts a referral to confirm, with a follow-up due within 2 weeks. */
export async function recordScreening(db: Db, p: Principal, o: AccessOptions, input: ScreeningInput, cfg: ChronicConfig = DEFAULT_CONFIG) {
  const { basis } = await requireBasis(db, p, input.residentId, o);
  return db.tx(async (q) => {
    const me = await myWorker(q, p);
    const [res] = await q.query<{ sex: 'M' | 'F'; county_code: string }>('SELECT sex, county_code FROM residents WHERE id = $1', [input.residentId]);
    const fields: { path: string; problem: string }[] = [];
    if (input.date > today()) fields.push({ path: 'date', problem: 'in the future / 不能晚于今天' });
    const normal = ([['sbp', '8480-6', input.sbp], ['dbp', '8462-4', input.dbp]] as const).map(([path, code, value]) => {
      const n = normaliseObservation({ code, value, unit: 'mm[Hg]', sex: res.sex });
      if (!n.ok) for (const pr of n.problems) fields.push({ path, problem: `${pr.en} / ${pr.zh}` });
      return n.ok ? n.value : null;
    });
    if (input.dbp >= input.sbp) fields.push({ path: 'dbp', problem: 'diastolic must be below systolic / 舒张压应低于收缩压' });
    if (fields.length) throw badRequest('screening.invalid', { zh: '筛查血压有误，未保存', en: 'Invalid screening reading; nothing was saved' }, fields);
    const at = onDayNow(input.date);
    const [enc] = await q.query<{ id: string }>(
      `INSERT INTO encounters (resident_id, county_code, kind, facility_id, worker_id, started_at, reason, created_by) VALUES ($1,$2,'outpatient',$3,$4,$5,'高血压筛查',$6) RETURNING id`,
      [input.residentId, res.county_code, me.facility.id, me.worker, at, p.userId]);
    for (const n of normal) {
      await q.query('INSERT INTO observations (resident_id, encounter_id, code, value, unit, ref_low, ref_high, flag, observed_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)',
        [input.residentId, enc.id, n!.code, n!.value, n!.unit, n!.refLow, n!.refHigh, n!.flag, at]);
    }
    // The past year's readings: a systolic and a diastolic taken together (same encounter, or the same moment).
    const readings = await q.query<{ date: string; sbp: number; dbp: number }>(
      `SELECT (s.observed_at AT TIME ZONE 'Asia/Shanghai')::date::text AS date, s.value::float8 AS sbp, d.value::float8 AS dbp
         FROM observations s JOIN observations d ON d.resident_id = s.resident_id AND d.code = '8462-4'
              AND (d.encounter_id = s.encounter_id OR (d.encounter_id IS NULL AND s.encounter_id IS NULL AND d.observed_at = s.observed_at))
        WHERE s.resident_id = $1 AND s.code = '8480-6' AND s.observed_at > ($2::date - 365) AND s.observed_at < ($2::date + 1)`, [input.residentId, input.date]);
    const status = screeningStatus(readings, cfg);
    const highDays = new Set(readings.filter((r) => r.sbp >= cfg.bpTarget.sbp || r.dbp >= cfg.bpTarget.dbp).map((r) => r.date)).size;
    let enrolmentId: string | null = null;
    let referralId: string | null = null;
    if (status === 'suspected') {
      const [e] = await q.query<{ id: string }>(
        `INSERT INTO chronic_enrolments (resident_id, county_code, programme, enrolled_on, source, provisional) VALUES ($1,$2,'hypertension',$3,'screening',true)
         ON CONFLICT (resident_id, programme) WHERE status = 'active' DO NOTHING RETURNING id`, [input.residentId, res.county_code, input.date]);
      if (e) {
        enrolmentId = e.id;
        referralId = await draftReferral(q, p, me, { residentId: input.residentId, county: res.county_code, urgency: 'routine', reason: 'screening_confirm',
          summary: { screening: readings.sort((a, b) => a.date.localeCompare(b.date)) }, note: 'drafted by the hypertension screening rule (three high readings on different days)' });
      }
    }
    await writeAudit(q, actorOf(p, p.ip), { action: 'chronic.screening', outcome: 'ok', residentId: input.residentId, recordType: 'encounter', recordId: enc.id, basis, details: { status, enrolled: !!enrolmentId } });
    return { status, highDays, enrolmentId, referralId, followUpDue: enrolmentId ? addDays(input.date, cfg.postReferralDays) : null };
  });
}
