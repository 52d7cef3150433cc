// Hypertension and diabetes care: the follow-up (classified by the norm's rules, never typed),
// the family-doctor team's worklist, the screening list, and programme rates with drill-down.
// Encounters and observations are written through records' service, referral drafts through
// referrals'; the chronic tables through this module's store.
import type { Db, Queryable } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';
import { actorOf } from '../../platform/auth.ts';
import { badRequest, forbidden } from '../../platform/errors.ts';
import { writeAudit, writeAuditMany } from '../../platform/audit.ts';
import type { Keys } from '../../platform/crypto.ts';
import { requireBasis, type AccessOptions } from '../records/access.ts';
import { normaliseObservation, bmi, type NormalisedObservation } from '../records/observations.ts';
import { addEncounter } from '../records/service.ts';
import { assertMayAttach, verifyPresence } from '../records/basis.ts';
import { createDraft } from '../referrals/service.ts';
import { ageOn } from '../registry/rules.ts';
import { setCondition } from '../registry/residents.ts';
import { packageDue, teamsOfUser, unitNames, type RateLevel } from '../contracts/service.ts';
import { elderlyWorklist } from '../publichealth/service.ts';
import { regionPrefix } from '../../shared/roles.ts';
import { countingOf, classifyVisit, formProblems, DEFAULT_CONFIG, onTarget, programmeOfIcd10, REFERRAL_REASONS, screeningStatus, type ChronicConfig, type Programme, type ReferralReason, type VisitClass } from './rules.ts';
import * as store from './store.ts';
import type { FollowUpDefaultsOut, FollowUpIn, FollowUpOut, ProgrammeRate, RateResident, ScreeningIn, ScreeningListOut, ScreeningOut, WorklistOut, WorklistQuery, WorklistRow } from './schema.ts';
import { addDays, onDayNow, today } from '../../shared/time.ts';

interface Me { worker: string | null; facility: { id: string; region: string } }

async function myWorker(q: Queryable, p: Principal): Promise<Me> {
  const r = await store.userWorkerAndFacility(q, p.userId);
  if (!r?.fid) throw forbidden({ zh: '您的账号未关联机构，不能记录随访', en: 'Your account has no facility; you cannot record follow-ups' });
  return { worker: r.worker_id, facility: { id: r.fid, region: r.region! } };
}

/** The resident and the previous follow-up, as defaults for the form (a read of the record: needs a basis, audited). */
export async function followUpDefaults(db: Db, p: Principal, o: AccessOptions, residentId: string, programme: Programme): Promise<FollowUpDefaultsOut> {
  const { basis } = await requireBasis(db, p, residentId, o);
  const l = await store.lastFollowUp(db, residentId, programme);
  const r = (await store.patient(db, residentId))!;
  await db.tx((q) => writeAudit(q, actorOf(p, p.ip), { action: 'record.followup_defaults', outcome: 'ok', residentId, basis }));
  const num = (v: unknown) => (v == null ? null : Number(v));
  return {
    resident: { name: r.name, age: ageOn(r.birth_date, today()), sex: r.sex },
    last: l ? { visitDate: l.visit_date, visitClass: l.visit_class, sbp: num(l.sbp), dbp: num(l.dbp), heartRate: num(l.heart_rate), weightKg: num(l.weight_kg), heightCm: num(l.height_cm),
      fastingGlucose: num(l.fasting_glucose), adherence: l.adherence ?? null, medication: l.medication ?? null, nextVisitDate: l.next_visit_date,
      visitMode: l.visit_mode, symptoms: l.symptoms, noSymptoms: l.no_symptoms, smokingNow: l.smoking_now, smokingTarget: l.smoking_target, drinkingNow: num(l.drinking_now), drinkingTarget: num(l.drinking_target),
      exerciseTimesNow: l.exercise_times_now, exerciseTimesTarget: l.exercise_times_target, exerciseMinutesNow: l.exercise_minutes_now, exerciseMinutesTarget: l.exercise_minutes_target,
      saltNow: l.salt_now as never, saltTarget: l.salt_target as never, stapleNow: l.staple_now, stapleTarget: l.staple_target, psychology: l.psychology as never, compliance: l.compliance as never,
      adverseReactionText: l.adverse_reaction_text, pedisLeft: l.pedis_left as never, pedisRight: l.pedis_right as never, hba1c: num(l.hba1c), hba1cDate: l.hba1c_date, hypoglycaemia: l.hypoglycaemia as never,
      medications: l.medications as never, insulinKind: l.insulin_kind, insulinDose: l.insulin_dose, transferReason: l.transfer_reason, transferTo: l.transfer_to, advice: l.advice, doctorName: l.doctor_name } : null,
  };
}

/** Drafts an up-referral to the lead hospital of the facility's medical community (none when it has no community), for the doctor to complete and send. */
async function draftReferral(q: Queryable, p: Principal, me: Me,
  o: { residentId: string; county: string; urgency: 'urgent' | 'routine'; reason: ReferralReason; summary: object; note: string }): Promise<string | null> {
  const lead = await store.leadFacilityOf(q, me.facility.id);
  if (!lead) return null;
  return createDraft(q, p, { residentId: o.residentId, countyCode: o.county, direction: 'up', urgency: o.urgency, reasonCode: o.reason, reasonText: REFERRAL_REASONS[o.reason].zh,
    fromFacilityId: me.facility.id, fromWorkerId: me.worker, toFacilityId: lead, summary: o.summary, note: o.note });
}

/** The form's fields as stored (as typed: nothing rounded or clamped). */
function formColumns(i: FollowUpIn, ruleNext: string): store.FormColumns {
  const v = <T>(x: T | null | undefined): T | null => x ?? null;
  return {
    no_symptoms: !!i.noSymptoms, smoking_now: v(i.smokingNow), smoking_target: v(i.smokingTarget), drinking_now: v(i.drinkingNow), drinking_target: v(i.drinkingTarget),
    exercise_times_now: v(i.exerciseTimesNow), exercise_times_target: v(i.exerciseTimesTarget), exercise_minutes_now: v(i.exerciseMinutesNow), exercise_minutes_target: v(i.exerciseMinutesTarget),
    salt_now: v(i.saltNow), salt_target: v(i.saltTarget), staple_now: v(i.stapleNow), staple_target: v(i.stapleTarget), psychology: v(i.psychology), compliance: v(i.compliance),
    adverse_reaction_text: i.adverseReactionText || null, pedis_left: v(i.pedisLeft), pedis_right: v(i.pedisRight), hba1c: v(i.hba1c), hba1c_date: v(i.hba1cDate), hypoglycaemia: v(i.hypoglycaemia),
    medications: i.medications ?? [], insulin_kind: i.insulinKind || null, insulin_dose: i.insulinDose || null, transfer_reason: i.transferReason || null, transfer_to: i.transferTo || null,
    advice: i.advice || null, rule_next_visit_date: ruleNext,
  };
}

/** Records a follow-up: checks values, classifies by the norm, writes encounter, observations and the form; drafts the referral the rules call for. */
export async function recordFollowUp(db: Db, keys: Keys, p: Principal, o: AccessOptions, input: FollowUpIn, cfg: ChronicConfig = DEFAULT_CONFIG): Promise<FollowUpOut> {
  const presence = await verifyPresence(db, keys, p, input.residentId, input.presence);
  return db.tx(async (q) => {
    const at = onDayNow(input.visitDate);
    const grant = await assertMayAttach(q, p, input.residentId, o, { encounterAt: at, presence });
    const me = await myWorker(q, p);
    const res = (await store.patient(q, input.residentId))!;
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
    fields.push(...formProblems(input));
    if (fields.length) throw badRequest('followup.invalid', { zh: '随访记录有误，未保存', en: 'Invalid follow-up; nothing was saved' }, fields);
    const prev = await store.followUpBefore(q, input.residentId, input.programme, input.visitDate);
    const age = ageOn(res.birth_date, input.visitDate);
    const v = { programme: input.programme, visitDate: input.visitDate, ageYears: age, sbp: input.sbp, dbp: input.dbp, heartRate: input.heartRate, fastingGlucose: input.fastingGlucose,
      temperature: input.temperature, symptoms: input.symptoms, adverseReaction: input.adverseReaction, adverseUncontrollable: input.adverseUncontrollable,
      newComplication: input.newComplication, complicationWorse: input.complicationWorse };
    const result = classifyVisit(v, prev ? { visitClass: prev.visit_class, visitDate: prev.visit_date } : null, cfg);
    // enrolment: kept current from the record (a first follow-up enrols a diagnosed patient)
    await store.enrolKeeping(q, input.residentId, res.county_code, input.programme, input.visitDate);
    await setCondition(q, input.residentId, input.programme, true);
    const enc = await addEncounter(q, p, { grant, county: res.county_code, kind: 'follow_up', facilityId: me.facility.id, workerId: me.worker, startedAt: at,
      reason: input.programme === 'hypertension' ? '高血压随访' : '糖尿病随访', observations: normal.filter((n): n is NormalisedObservation => !!n) });
    const referralId = result.referral
      ? await draftReferral(q, p, me, { residentId: input.residentId, county: res.county_code, urgency: result.referral.urgency, reason: result.referral.reason,
        summary: { followUp: { date: input.visitDate, sbp: input.sbp, dbp: input.dbp, glucose: input.fastingGlucose, class: result.class, emergency: result.emergencyReasons } }, note: 'drafted by the chronic-disease follow-up rules' })
      : null;
    const id = await store.insertFollowUp(q, {
      residentId: input.residentId, county: res.county_code, programme: input.programme, encounterId: enc.id, facilityId: me.facility.id, workerId: me.worker, visitDate: input.visitDate,
      visitMode: input.visitMode ?? 'clinic', symptoms: input.symptoms ?? [], sbp: input.sbp ?? null, dbp: input.dbp ?? null, heartRate: input.heartRate ?? null, weightKg: input.weightKg ?? null,
      heightCm: input.heightCm ?? null, bmi: input.weightKg && input.heightCm ? bmi(input.heightCm, input.weightKg) : null, fastingGlucose: input.fastingGlucose ?? null,
      temperature: input.temperature ?? null, form: formColumns(input, result.nextVisitDate), adherence: input.adherence ?? null, adverseReaction: !!input.adverseReaction, adverseUncontrollable: !!input.adverseUncontrollable,
      newComplication: !!input.newComplication, complicationWorse: !!input.complicationWorse, medication: input.medication ?? null, visitClass: result.class, onTarget: onTarget(v, cfg),
      emergency: result.emergency, referralReason: result.referral?.reason ?? null, referralUrgency: result.referral?.urgency ?? null, referralId, nextVisitDate: input.nextVisitDate ?? result.nextVisitDate, createdBy: p.userId });
    await writeAudit(q, actorOf(p, p.ip), { action: 'chronic.followup', outcome: 'ok', residentId: input.residentId, recordType: 'chronic_followup', recordId: id, basis: grant.basis ?? 'encounter', details: { class: result.class } });
    return { id, encounterId: enc.id, ...result, nextVisitDate: input.nextVisitDate ?? result.nextVisitDate, ruleNextVisitDate: result.nextVisitDate, referralId, previousClass: prev?.visit_class ?? null };
  });
}

/**
 * The audit of a read that shows many residents: the list's own row (what was asked, how many),
 * and one row per resident shown, so that each resident's access log shows the read. One
 * transaction, one multi-row insert.
 */
async function auditList(db: Db, p: Principal, action: string, basis: string, residentIds: string[], details: Record<string, unknown>): Promise<void> {
  const actor = actorOf(p, p.ip);
  const shown = [...new Set(residentIds)];
  await db.tx((q) => writeAuditMany(q, [
    { actor, entry: { action, outcome: 'ok', basis, details } },
    ...shown.map((residentId) => ({ actor, entry: { action: 'record.listed', outcome: 'ok' as const, residentId, basis, details: { list: action } } })),
  ]));
}

const RISK: Record<string, number> = { complication: 0, uncontrolled: 1, adverse_reaction: 2, none: 3, controlled: 4 };
/** A resident's rows: the programmes' first (chronic follow-ups, the elderly annual service), then the packages'. */
const KIND_ORDER: Record<WorklistRow['kind'], number> = { chronic: 0, elderly: 1, package: 2 };
const STATUS_ORDER: Record<WorklistRow['status'], number> = { overdue: 0, due_this_week: 1, never_seen: 2, scheduled: 3 };

/** The team's worklist: programme patients and contract package services due this week, overdue, or never seen; riskiest first (uncontrolled last visit first). */
export async function worklist(db: Db, p: Principal, o: Pick<WorklistQuery, 'status' | 'limit'> & { sort?: WorklistQuery['sort'] }, cfg: ChronicConfig = DEFAULT_CONFIG): Promise<WorklistOut> {
  const teamIds = await teamsOfUser(db, p.userId);
  const day = today();
  const rows = await store.worklistPatients(db, teamIds, day);
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
  // The elderly 65+ annual service (the public-health programme's rule, through its exported function): it stands for the packages' 老年人健康体检 of the same residents.
  const elderly = await elderlyWorklist(db, teamIds, day);
  const inElderly = new Set(elderly.map((x) => x.residentId));
  for (let i = items.length - 1; i >= 0; i--) if (items[i].kind === 'package' && items[i].service === 'elderly_check' && inElderly.has(items[i].residentId)) items.splice(i, 1);
  for (const x of elderly) {
    if (x.status === 'done') continue;
    const nextDue = `${day.slice(0, 4)}-09-30`;
    items.push({ residentId: x.residentId, name: x.name, sex: x.sex, age: ageOn(x.birthDate, day), villageName: x.villageName, kind: 'elderly', programme: null, service: 'elderly_annual', serviceName: null,
      frequency: null, owed: 1, delivered: 0, lastVisit: null, lastClass: null, lastSbp: null, lastDbp: null, lastGlucose: null, nextDue, status: x.status === 'overdue' ? 'overdue' : dateStatus(nextDue), provisional: false, riskClass: null });
  }
  const worst = new Map<string, VisitClass>();
  for (const r of rows) if (r.visit_class && (!worst.has(r.resident_id) || RISK[r.visit_class] < RISK[worst.get(r.resident_id)!])) worst.set(r.resident_id, r.visit_class);
  for (const x of items) x.riskClass = worst.get(x.residentId) ?? null;
  const risk = (x: WorklistRow) => RISK[x.riskClass ?? 'none'];
  const byDue = (a: WorklistRow, b: WorklistRow) => (a.nextDue ?? '').localeCompare(b.nextDue ?? '');
  const byName = (a: WorklistRow, b: WorklistRow) => a.name.localeCompare(b.name) || a.residentId.localeCompare(b.residentId) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || byDue(a, b) || (a.service ?? '').localeCompare(b.service ?? '');
  const cmp = o.sort === 'due' ? (a: WorklistRow, b: WorklistRow) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || byDue(a, b) || byName(a, b)
    : o.sort === 'name' ? byName
      // by risk, a resident's rows together (their programme rows first), residents in the order of their earliest due date
      : (a: WorklistRow, b: WorklistRow) => risk(a) - risk(b) || (firstDue.get(a.residentId) ?? '').localeCompare(firstDue.get(b.residentId) ?? '') || byName(a, b) || byDue(a, b);
  const shown = items.filter((x) => (o.status ? x.status === o.status : x.status !== 'scheduled'));
  const firstDue = new Map<string, string>();
  for (const x of shown) if (x.nextDue && (!firstDue.has(x.residentId) || x.nextDue < firstDue.get(x.residentId)!)) firstDue.set(x.residentId, x.nextDue);
  const wanted = shown.sort(cmp);
  const page = wanted.slice(0, o.limit);
  await auditList(db, p, 'chronic.worklist', 'contract', page.map((x) => x.residentId), { rows: wanted.length });
  return { items: page, total: wanted.length };
}

/** Programme rates by unit of a level over a period (健康管理率, 规范管理率, 控制率): aggregates only, no person shown. */
export async function programmeRates(db: Queryable, within: string | null, programme: Programme, period: { level: RateLevel; from: string; to: string }, cfg: ChronicConfig = DEFAULT_CONFIG): Promise<ProgrammeRate[]> {
  // Management is a year's work: every period counts the follow-ups from the start of its calendar year to its end (a quarter's figures are those at the quarter's end).
  const { to, level } = period;
  const c = countingOf(to, today());
  // Residents are attributed to teams on the period's end, or today.
  const args = { attributionDay: c.dueBy, from: c.countedFrom, to, programme, need: c.requiredFollowUps, within };
  const rows = await store.programmeRateRows(db, level, args);
  // Norm-compliance is counted to the last quarter ended (countingOf): over that shorter span when the period runs past it.
  const byQuarter = c.standardTo === to ? null : new Map((await store.programmeRateRows(db, level, { ...args, to: c.standardTo, attributionDay: c.standardTo })).map((r) => [r.unit, r]));
  const names = await unitNames(db, level, rows.map((r) => r.unit));
  const prev = cfg.prevalence[programme];
  return rows.map((r) => {
    const q = byQuarter ? byQuarter.get(r.unit) : r;
    const standard = q?.standard ?? 0;
    const standardOf = q?.managed ?? 0;
    return {
      code: r.unit, name: names.get(r.unit) ?? r.unit, adults35: r.adults35, managed: r.managed, standard, standardOf, controlled: r.controlled, estimated: Math.round(r.adults35 * prev),
      managementRate: r.adults35 ? r.managed / (r.adults35 * prev) : null, standardRate: standardOf && c.standardMeasurable ? standard / standardOf : null, controlRate: r.managed ? r.controlled / r.managed : null,
    };
  }).sort((a, b) => a.name.localeCompare(b.name, 'zh') || a.code.localeCompare(b.code));
}

/** Residents 35+ of the team's contracts (or, for public-health staff, of their region) without a blood-pressure reading this year. */
export async function screeningList(db: Db, p: Principal, limit: number, cfg: ChronicConfig = DEFAULT_CONFIG): Promise<ScreeningListOut> {
  const day = today();
  const yearStart = `${day.slice(0, 4)}-01-01`;
  const region = await store.userRegion(db, p.userId);
  const byRegion = p.role === 'public_health' && !!region;
  const among = byRegion ? { regionPrefix: regionPrefix(region!) } : { teamIds: await teamsOfUser(db, p.userId) };
  const rows = await store.screeningCandidates(db, day, yearStart, cfg.bpTarget.sbp, cfg.bpTarget.dbp, among);
  // Due: no reading this year, or one or two high readings awaiting the recheck on other days.
  const due = rows.filter((r) => !r.this_year || (r.high_days >= 1 && r.high_days <= 2));
  const shown = due.slice(0, limit);
  await auditList(db, p, 'chronic.screening_list', byRegion ? 'public_health' : 'contract', shown.map((r) => r.id), { rows: due.length });
  return {
    total: due.length,
    items: shown.map((r) => ({ residentId: r.id, name: r.name, sex: r.sex, age: ageOn(r.birth_date, day), villageName: r.village_name, lastReading: r.last_reading ? new Date(r.last_reading).toISOString() : null,
      reason: r.high_days >= 1 ? 'recheck' as const : 'no_reading' as const, highDays: r.high_days })),
  };
}

/** The residents behind a programme rate in a unit, for those allowed to see them: public-health staff for their region, a doctor for their team's contracted patients; audited. */
export async function rateResidents(db: Db, p: Principal, o: { programme: Programme; level: RateLevel; code: string; from: string; to: string; measure: 'managed' | 'standard' | 'controlled' | 'not_controlled' }): Promise<RateResident[]> {
  const region = await store.userRegion(db, p.userId);
  const day = today();
  const c = countingOf(o.to, day);
  const mine = p.role === 'public_health' && region ? regionPrefix(region) : null;
  const until = o.measure === 'standard' ? c.standardTo : c.dueBy;
  const rows = await store.rateResidentRows(db, o.level, { attributionDay: until, programme: o.programme, from: c.countedFrom, to: o.measure === 'standard' ? c.standardTo : o.to, code: o.code, region: mine, teamIds: await teamsOfUser(db, p.userId) });
  const need = c.requiredFollowUps;
  const keep = rows.filter((r) => o.measure === 'managed' || (o.measure === 'standard' ? r.n >= need : o.measure === 'controlled' ? r.last_on_target : !r.last_on_target));
  await auditList(db, p, 'chronic.rate_residents', mine ? 'public_health' : 'contract', keep.map((r) => r.id), { ...o, rows: keep.length });
  return keep.map((r) => ({ residentId: r.id, name: r.name, sex: r.sex, age: ageOn(r.birth_date, day), villageName: r.village_name, followUps: r.n, lastVisit: r.last_visit, lastOnTarget: r.last_on_target }));
}

/** Enrols a resident from confirmed, active diagnoses in the record (I10–I15 hypertension, E11 diabetes); a provisional (screening) enrolment becomes confirmed. Runs in the caller's transaction. */
export async function enrolFromDiagnoses(q: Queryable, o: { residentId: string; county: string; on: string; diagnoses: { icd10: string; status?: string | null; confirmed?: boolean | null }[] }): Promise<Programme[]> {
  const programmes = [...new Set(o.diagnoses.filter((d) => d.confirmed !== false && d.status !== 'resolved').map((d) => programmeOfIcd10(d.icd10)).filter((x): x is Programme => !!x))];
  for (const pg of programmes) {
    await store.enrolConfirming(q, o.residentId, o.county, pg, o.on);
    await setCondition(q, o.residentId, pg, true);
  }
  return programmes;
}

/** Records a screening blood pressure; the third high reading on a different day (within a year) enrols the resident provisionally and drafts a referral to confirm, with a follow-up due within 2 weeks. */
export async function recordScreening(db: Db, keys: Keys, p: Principal, o: AccessOptions, input: ScreeningIn, cfg: ChronicConfig = DEFAULT_CONFIG): Promise<ScreeningOut> {
  const presence = await verifyPresence(db, keys, p, input.residentId, input.presence);
  return db.tx(async (q) => {
    const at = onDayNow(input.date);
    const grant = await assertMayAttach(q, p, input.residentId, o, { encounterAt: at, presence });
    const me = await myWorker(q, p);
    const res = (await store.patient(q, input.residentId))!;
    const fields: { path: string; problem: string }[] = [];
    if (input.date > today()) fields.push({ path: 'date', problem: 'in the future / 不能晚于今天' });
    const normal = ([['sbp', '8480-6', input.sbp], ['dbp', '8462-4', input.dbp]] as const).map(([path, code, value]) => {
      const n = normaliseObservation({ code, value, unit: 'mm[Hg]', sex: res.sex });
      if (!n.ok) for (const pr of n.problems) fields.push({ path, problem: `${pr.en} / ${pr.zh}` });
      return n.ok ? n.value : null;
    });
    if (input.dbp >= input.sbp) fields.push({ path: 'dbp', problem: 'diastolic must be below systolic / 舒张压应低于收缩压' });
    if (fields.length) throw badRequest('screening.invalid', { zh: '筛查血压有误，未保存', en: 'Invalid screening reading; nothing was saved' }, fields);
    const enc = await addEncounter(q, p, { grant, county: res.county_code, kind: 'outpatient', facilityId: me.facility.id, workerId: me.worker, startedAt: at,
      reason: '高血压筛查', observations: normal as NormalisedObservation[] });
    const readings = await store.screeningReadings(q, input.residentId, input.date);
    const status = screeningStatus(readings, cfg);
    const highDays = new Set(readings.filter((r) => r.sbp >= cfg.bpTarget.sbp || r.dbp >= cfg.bpTarget.dbp).map((r) => r.date)).size;
    let enrolmentId: string | null = null;
    let referralId: string | null = null;
    if (status === 'suspected') {
      enrolmentId = await store.enrolProvisional(q, input.residentId, res.county_code, input.date);
      if (enrolmentId) {
        referralId = await draftReferral(q, p, me, { residentId: input.residentId, county: res.county_code, urgency: 'routine', reason: 'screening_confirm',
          summary: { screening: readings.sort((a, b) => a.date.localeCompare(b.date)) }, note: 'drafted by the hypertension screening rule (three high readings on different days)' });
      }
    }
    await writeAudit(q, actorOf(p, p.ip), { action: 'chronic.screening', outcome: 'ok', residentId: input.residentId, recordType: 'encounter', recordId: enc.id, basis: grant.basis ?? 'encounter', details: { status, enrolled: !!enrolmentId } });
    return { status, highDays, enrolmentId, referralId, followUpDue: enrolmentId ? addDays(input.date, cfg.postReferralDays) : null };
  });
}

// Bulk loads of the chronic tables (the demo county): the chronic module writes its own tables.
export { linkFollowupReferrals } from './store.ts';

/**
 * A resident's standing for a long prescription (长期处方): enrolled in a programme (confirmed, active)
 * and stable — every programme's latest follow-up controlled.
 */
export async function programmeStanding(q: Queryable, residentId: string): Promise<{ enrolled: boolean; stable: boolean; programmes: Programme[] }> {
  const rows = await store.enrolmentStanding(q, residentId);
  return { enrolled: rows.length > 0, stable: rows.length > 0 && rows.every((r) => r.last_class === 'controlled'), programmes: rows.map((r) => r.programme) };
}

/** A resident's programmes with the next follow-up the last one set (null: never followed up). No audit: the caller audits its read. */
export async function nextFollowUps(q: Queryable, residentId: string): Promise<{ programme: Programme; lastVisit: string | null; nextVisit: string | null }[]> {
  return (await store.nextVisits(q, residentId)).map((r) => ({ programme: r.programme, lastVisit: r.last_visit, nextVisit: r.next_visit }));
}
