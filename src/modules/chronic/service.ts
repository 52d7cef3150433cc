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
import { setCondition, today } from '../registry/residents.ts';
import { classifyVisit, DEFAULT_CONFIG, onTarget, REFERRAL_REASONS, type ChronicConfig, type Programme, type Symptom, type VisitClass } from './rules.ts';

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
    const at = `${input.visitDate}T${new Date().toISOString().slice(11)}`;
    const [enc] = await q.query<{ id: string }>(
      `INSERT INTO encounters (resident_id, county_code, kind, facility_id, worker_id, started_at, reason, created_by) VALUES ($1,$2,'follow_up',$3,$4,$5,$6,$7) RETURNING id`,
      [input.residentId, res.county_code, me.facility.id, me.worker, at, input.programme === 'hypertension' ? '高血压随访' : '糖尿病随访', p.userId]);
    for (const n of normal) {
      if (n) await q.query('INSERT INTO observations (resident_id, encounter_id, code, value, unit, ref_low, ref_high, flag, observed_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)',
        [input.residentId, enc.id, n.code, n.value, n.unit, n.refLow, n.refHigh, n.flag, at]);
    }
    let referralId: string | null = null;
    if (result.referral) {
      // The referral module receives a draft to the community's lead hospital, for the doctor to complete and send.
      const [lead] = await q.query<{ id: string }>(
        `SELECT c.lead_facility_id AS id FROM community_members m JOIN communities c ON c.id = m.community_id WHERE m.facility_id = $1 AND m.left_on IS NULL ORDER BY m.tight DESC LIMIT 1`, [me.facility.id]);
      if (lead) {
        const [r] = await q.query<{ id: string }>(
          `INSERT INTO referrals (resident_id, county_code, direction, urgency, reason_code, reason_text, from_facility_id, from_worker_id, to_facility_id, status, created_by, summary)
           VALUES ($1,$2,'up',$3,$4,$5,$6,$7,$8,'draft',$9,$10) RETURNING id`,
          [input.residentId, res.county_code, result.referral.urgency, result.referral.reason, REFERRAL_REASONS[result.referral.reason].zh, me.facility.id, me.worker, lead.id, p.userId,
            JSON.stringify({ followUp: { date: input.visitDate, sbp: input.sbp, dbp: input.dbp, glucose: input.fastingGlucose, class: result.class, emergency: result.emergencyReasons } })]);
        referralId = r.id;
        await q.query("INSERT INTO referral_events (referral_id, status, by_user, note) VALUES ($1, 'draft', $2, 'drafted by the chronic-disease follow-up rules')", [r.id, p.userId]);
      }
    }
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
  programme: Programme;
  lastVisit: string | null;
  lastClass: VisitClass | null;
  lastSbp: number | null;
  lastDbp: number | null;
  lastGlucose: number | null;
  nextDue: string | null;
  status: 'overdue' | 'due_this_week' | 'never_seen' | 'scheduled';
}

/** The team's worklist: contracted programme patients due this week, overdue, or never seen; riskiest first. */
export async function worklist(db: Db, p: Principal, o: { status?: WorklistRow['status']; limit: number }): Promise<{ items: WorklistRow[]; total: number }> {
  const [me] = await db.query<{ worker_id: string | null; team_id: string | null }>('SELECT worker_id, team_id FROM users WHERE id = $1', [p.userId]);
  const day = today();
  const rows = await db.query<{ resident_id: string; name: string; sex: 'M' | 'F'; birth_date: string; village_name: string; programme: Programme; visit_date: string | null;
    visit_class: VisitClass | null; sbp: number | null; dbp: number | null; fasting_glucose: number | null; next_visit_date: string | null }>(
    `WITH teams AS (
       SELECT team_id FROM care_team_members WHERE worker_id = $1 UNION SELECT $2::uuid WHERE $2::uuid IS NOT NULL),
     pts AS (
       SELECT DISTINCT r.id, r.name, r.sex, r.birth_date, v.name AS village_name, e.programme
         FROM contracts c JOIN teams t ON t.team_id = c.team_id
         JOIN residents r ON r.id = c.resident_id AND r.merged_into IS NULL AND r.death_date IS NULL
         JOIN regions v ON v.code = r.village_code
         JOIN chronic_enrolments e ON e.resident_id = r.id AND e.status = 'active'
        WHERE c.status IN ('signed','renewed') AND c.starts_on <= $3::date AND c.ends_on >= $3::date)
     SELECT pts.id AS resident_id, pts.name, pts.sex, pts.birth_date, pts.village_name, pts.programme, f.visit_date, f.visit_class, f.sbp, f.dbp, f.fasting_glucose, f.next_visit_date
       FROM pts LEFT JOIN LATERAL (
         SELECT visit_date, visit_class, sbp, dbp, fasting_glucose, next_visit_date FROM chronic_followups
          WHERE resident_id = pts.id AND programme = pts.programme ORDER BY visit_date DESC, created_at DESC LIMIT 1) f ON true`,
    [me?.worker_id ?? null, me?.team_id ?? null, day]);
  const week = new Date(`${day}T00:00:00Z`);
  week.setUTCDate(week.getUTCDate() + 7);
  const weekEnd = week.toISOString().slice(0, 10);
  const risk = (c: VisitClass | null) => (c === 'complication' ? 0 : c === 'uncontrolled' ? 1 : c === 'adverse_reaction' ? 2 : c === null ? 3 : 4);
  const items: WorklistRow[] = rows.map((r) => ({
    residentId: r.resident_id, name: r.name, sex: r.sex, age: ageOn(r.birth_date, day), villageName: r.village_name, programme: r.programme,
    lastVisit: r.visit_date, lastClass: r.visit_class, lastSbp: r.sbp, lastDbp: r.dbp, lastGlucose: r.fasting_glucose, nextDue: r.next_visit_date,
    status: !r.visit_date ? 'never_seen' : r.next_visit_date! < day ? 'overdue' : r.next_visit_date! <= weekEnd ? 'due_this_week' : 'scheduled',
  }));
  const wanted = items.filter((x) => (o.status ? x.status === o.status : x.status !== 'scheduled'))
    .sort((a, b) => risk(a.lastClass) - risk(b.lastClass) || (a.nextDue ?? '').localeCompare(b.nextDue ?? '') || a.name.localeCompare(b.name));
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

/** Programme rates by township for a year (or to date): aggregates only, no person shown. */
export async function programmeRates(db: Queryable, within: string | null, programme: Programme, year: number, cfg: ChronicConfig = DEFAULT_CONFIG): Promise<ProgrammeRate[]> {
  const from = `${year}-01-01`;
  const to = `${year}-12-31`;
  const rows = await db.query<{ code: string; name: string; adults35: number; managed: number; standard: number; controlled: number }>(
    `WITH fu AS (
       SELECT f.resident_id, count(*) AS n, (array_agg(f.on_target ORDER BY f.visit_date DESC, f.created_at DESC))[1] AS last_on_target
         FROM chronic_followups f WHERE f.programme = $1 AND f.visit_date BETWEEN $2::date AND $3::date ${within ? 'AND f.county_code LIKE left($4, 6) || \'%\'' : ''}
        GROUP BY f.resident_id),
     people AS (
       SELECT left(r.village_code, 9) || '000' AS town, r.birth_date, fu.n, fu.last_on_target
         FROM residents r LEFT JOIN fu ON fu.resident_id = r.id
        WHERE r.merged_into IS NULL AND (r.death_date IS NULL OR r.death_date >= $2::date) ${within ? 'AND r.village_code LIKE $4 || \'%\'' : ''})
     SELECT t.code, t.name,
            count(*) FILTER (WHERE p.birth_date <= ($3::date - interval '35 years'))::int AS adults35,
            count(p.n)::int AS managed, count(*) FILTER (WHERE p.n >= 4)::int AS standard, count(*) FILTER (WHERE p.last_on_target)::int AS controlled
       FROM people p JOIN regions t ON t.code = p.town GROUP BY t.code, t.name ORDER BY t.code`,
    within ? [programme, from, to, within] : [programme, from, to]);
  const prev = cfg.prevalence[programme];
  return rows.map((r) => ({
    ...r, estimated: Math.round(r.adults35 * prev),
    managementRate: r.adults35 ? r.managed / (r.adults35 * prev) : null, standardRate: r.managed ? r.standard / r.managed : null, controlRate: r.managed ? r.controlled / r.managed : null,
  }));
}

/** Residents 35+ of the team's contracts (or, for public-health staff, of their region) without a blood-pressure reading this year. */
export async function screeningList(db: Db, p: Principal, limit: number): Promise<{ items: { residentId: string; name: string; sex: 'M' | 'F'; age: number; villageName: string; lastReading: string | null }[]; total: number }> {
  const day = today();
  const yearStart = `${day.slice(0, 4)}-01-01`;
  const [me] = await db.query<{ worker_id: string | null; team_id: string | null; region_code: string | null }>('SELECT worker_id, team_id, region_code FROM users WHERE id = $1', [p.userId]);
  const byRegion = p.role === 'public_health' && me?.region_code;
  const rows = await db.query<{ id: string; name: string; sex: 'M' | 'F'; birth_date: string; village_name: string; last_reading: Date | null }>(
    `WITH pop AS (
       ${byRegion
         ? `SELECT r.id FROM residents r WHERE r.village_code LIKE $3 || '%'`
         : `SELECT c.resident_id AS id FROM contracts c
             WHERE c.status IN ('signed','renewed') AND c.starts_on <= $1::date AND c.ends_on >= $1::date
               AND c.team_id IN (SELECT team_id FROM care_team_members WHERE worker_id = $3 UNION SELECT $4::uuid WHERE $4::uuid IS NOT NULL)`})
     SELECT r.id, r.name, r.sex, r.birth_date, v.name AS village_name,
            (SELECT max(o.observed_at) FROM observations o WHERE o.resident_id = r.id AND o.code = '8480-6') AS last_reading
       FROM pop JOIN residents r ON r.id = pop.id JOIN regions v ON v.code = r.village_code
      WHERE r.merged_into IS NULL AND r.death_date IS NULL AND r.birth_date <= ($1::date - interval '35 years')
        AND NOT ('hypertension' = ANY(r.conditions))
        AND NOT EXISTS (SELECT 1 FROM observations o WHERE o.resident_id = r.id AND o.code = '8480-6' AND o.observed_at >= $2::date)
      ORDER BY r.birth_date`,
    byRegion ? [day, yearStart, me!.region_code] : [day, yearStart, me?.worker_id ?? null, me?.team_id ?? null]);
  await db.tx((q) => writeAudit(q, actorOf(p, p.ip), { action: 'chronic.screening_list', outcome: 'ok', basis: byRegion ? 'public_health' : 'contract', details: { rows: rows.length } }));
  return {
    total: rows.length,
    items: rows.slice(0, limit).map((r) => ({ residentId: r.id, name: r.name, sex: r.sex, age: ageOn(r.birth_date, day), villageName: r.village_name, lastReading: r.last_reading ? r.last_reading.toISOString() : null })),
  };
}

/** The residents behind a programme rate in a township, for those allowed to see them: public-health staff for their region, a doctor for their team's contracted patients; audited. */
export async function rateResidents(db: Db, p: Principal, o: { programme: Programme; year: number; township: string; measure: 'managed' | 'standard' | 'controlled' | 'not_controlled' }) {
  const [me] = await db.query<{ worker_id: string | null; team_id: string | null; region_code: string | null }>('SELECT worker_id, team_id, region_code FROM users WHERE id = $1', [p.userId]);
  const prefix = o.township.slice(0, 9);
  const ph = p.role === 'public_health' && me?.region_code && (prefix.startsWith(me.region_code.replace(/0+$/, '')) || me.region_code.startsWith(prefix));
  const rows = await db.query<{ id: string; name: string; sex: 'M' | 'F'; birth_date: string; village_name: string; n: number; last_on_target: boolean; last_visit: string }>(
    `WITH fu AS (
       SELECT f.resident_id, count(*)::int AS n, (array_agg(f.on_target ORDER BY f.visit_date DESC, f.created_at DESC))[1] AS last_on_target, max(f.visit_date)::text AS last_visit
         FROM chronic_followups f WHERE f.programme = $1 AND f.visit_date BETWEEN $2::date AND $3::date GROUP BY f.resident_id)
     SELECT r.id, r.name, r.sex, r.birth_date, v.name AS village_name, fu.n, fu.last_on_target, fu.last_visit
       FROM fu JOIN residents r ON r.id = fu.resident_id JOIN regions v ON v.code = r.village_code
      WHERE r.village_code LIKE $4 || '%' AND r.merged_into IS NULL
        AND ($5::boolean OR EXISTS (SELECT 1 FROM contracts c WHERE c.resident_id = r.id AND c.status IN ('signed','renewed') AND c.ends_on >= current_date
              AND c.team_id IN (SELECT team_id FROM care_team_members WHERE worker_id = $6 UNION SELECT $7::uuid WHERE $7::uuid IS NOT NULL)))
      ORDER BY r.name LIMIT 2000`,
    [o.programme, `${o.year}-01-01`, `${o.year}-12-31`, prefix, !!ph, me?.worker_id ?? null, me?.team_id ?? null]);
  const keep = rows.filter((r) => o.measure === 'managed' || (o.measure === 'standard' ? r.n >= 4 : o.measure === 'controlled' ? r.last_on_target : !r.last_on_target));
  await db.tx((q) => writeAudit(q, actorOf(p, p.ip), { action: 'chronic.rate_residents', outcome: 'ok', basis: ph ? 'public_health' : 'contract', details: { ...o, rows: keep.length } }));
  const day = today();
  return keep.map((r) => ({ residentId: r.id, name: r.name, sex: r.sex, age: ageOn(r.birth_date, day), villageName: r.village_name, followUps: r.n, lastVisit: r.last_visit, lastOnTarget: r.last_on_target }));
}
