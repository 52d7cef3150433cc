// The lifelong record: summary, timeline and trends (each read audited with its basis), ingestion
// (one at a time or in batches, idempotent on the sender's record id), edits with optimistic
// concurrency and kept versions, consents, break-glass, and the resident's own access log.
import { joinTx, type Db, type Queryable } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';
import { actorOf } from '../../platform/auth.ts';
import { AppError, badRequest, conflict, forbidden, notFound, stale, type FieldProblem } from '../../platform/errors.ts';
import { auditBatcher, writeAudit, writeAuditMany } from '../../platform/audit.ts';
import { decrypt, type Keys } from '../../platform/crypto.ts';
import { maskIdNumber, maskOtherId } from '../registry/id-number.ts';
import { ageOn, priorityGroupsOf } from '../registry/rules.ts';
import { normaliseObservation, OBSERVATIONS, type NormalisedObservation } from './observations.ts';
import { antibacterialClass } from './antibacterials.ts';
import { findBasis, requireBasis, type AccessOptions, type Basis, type Part } from './access.ts';
import { assertMayAttach, settleGrant, verifyPresence, type AttachGrant } from './basis.ts';
import * as store from './store.ts';
import type {
  AccessLogItem, BreakGlassReviewItem, ConsentIn, ConsentItem, DiagnosisChange, DiagnosisOut, EncounterIn, EncounterKind, EncounterOut, ObservationBatchItem, ObservationBatchOut, ObservationIn,
  SummaryOut, TimelineOut, TimelineQuery, TrendsOut, VersionItem,
} from './schema.ts';
import { today } from '../../shared/time.ts';

/** Encounter kinds that belong to the public-health parts of the record. */
export const PUBLIC_HEALTH_KINDS = ['follow_up', 'health_check', 'home_visit'];
const CHRONIC_ICD = /^(I1[0-5]|E1[0-4]|A1[5-9]|F2[0-9]|F3[01])/;

function auditRead(db: Db, p: Principal, residentId: string, basis: Basis, action: string): Promise<void> {
  return auditBatcher(db).write(actorOf(p, p.ip), { action, outcome: 'ok', residentId, recordType: 'record', recordId: residentId, basis });
}

async function open(db: Db, p: Principal, residentId: string, o: AccessOptions, action: string): Promise<{ basis: Basis; part: Part }> {
  const b = await requireBasis(db, p, residentId, o);
  await auditRead(db, p, residentId, b.basis, action);
  return b;
}

const obsName = (code: string) => OBSERVATIONS.find((o) => o.code === code);

/** The one-screen summary a doctor needs: problems, medication, allergies, last vitals, contract, programmes. */
export async function summary(db: Db, keys: Keys, p: Principal, residentId: string, o: AccessOptions): Promise<SummaryOut> {
  const b = await requireBasis(db, p, residentId, o);
  const { part } = b;
  // The record's parts are independent reads: fetched side by side, with the audit row written alongside.
  const [, r, problems, meds, allergies, vitals, contract] = await Promise.all([
    auditRead(db, p, residentId, b.basis, 'record.summary'),
    store.summaryResident(db, residentId),
    store.activeProblems(db, residentId),
    part === 'all' ? store.recentMedications(db, residentId) : Promise.resolve([]),
    store.allergiesOf(db, residentId),
    store.lastVitals(db, residentId),
    store.currentContract(db, residentId),
  ]);
  if (!r) throw notFound({ zh: '居民', en: 'Resident' });
  const on = today();
  return {
    basis: b.basis, part,
    resident: {
      id: r.id, name: r.name, sex: r.sex, age: ageOn(r.birth_date, r.death_date ?? on), deathDate: r.death_date,
      idNumberMasked: r.id_type === 'resident_id' ? maskIdNumber(decrypt(keys, r.id_number_enc)) : maskOtherId(decrypt(keys, r.id_number_enc)),
      villageName: r.village_name, townshipName: r.township_name, priorityGroups: priorityGroupsOf(r.birth_date, r.conditions, on),
    },
    activeProblems: problems.filter((d) => part === 'all' || CHRONIC_ICD.test(d.icd10)).map((d) => ({ icd10: d.icd10, nameZh: d.name_zh, nameEn: d.name_en, onsetDate: d.onset_date, confirmed: d.confirmed })),
    medications: meds.map((m) => ({ drugName: m.drug_name, strength: m.strength, dose: m.dose, frequency: m.frequency, days: m.days, prescribedAt: m.prescribed_at.toISOString(), antibacterialClass: m.antibacterial_class })),
    allergies: allergies.map((a) => ({ substance: a.substance, reaction: a.reaction, severity: a.severity })),
    lastVitals: vitals.map((v) => ({ code: v.code, nameZh: obsName(v.code)?.nameZh ?? v.code, nameEn: obsName(v.code)?.nameEn ?? v.code, value: v.value, unit: v.unit, flag: v.flag, observedAt: v.observed_at.toISOString() })),
    contract: contract ? { teamName: contract.team, facilityName: contract.facility, startsOn: contract.starts_on, endsOn: contract.ends_on, status: contract.status } : null,
    programmes: r.conditions.filter((c) => c === 'hypertension' || c === 'diabetes'),
  };
}

/** The whole life across all facilities, newest first, paged by a `before` timestamp. */
export async function timeline(db: Db, p: Principal, residentId: string, o: AccessOptions, page: TimelineQuery): Promise<TimelineOut> {
  const { basis, part } = await requireBasis(db, p, residentId, o);
  // The encounters page, the immunisations and the audit row go side by side (one Promise.all, so a
  // failure of one is handled, never left as an unhandled rejection).
  const [encounters, immunisations] = await Promise.all([
    store.timelineEncounters(db, residentId, page.before ?? '9999-12-31', page.limit, part === 'public_health' ? PUBLIC_HEALTH_KINDS : null),
    store.immunisationsOf(db, residentId),
    auditRead(db, p, residentId, basis, 'record.timeline'),
  ]);
  const ids = encounters.map((e) => e.id);
  const [dx, obs, rx, docs] = ids.length ? await Promise.all([
    store.diagnosesOfEncounters(db, ids),
    store.observationsOfEncounters(db, ids),
    part === 'all' ? store.prescriptionsOfEncounters(db, ids) : Promise.resolve([]),
    part === 'all' ? store.documentsOfEncounters(db, ids) : Promise.resolve([]),
  ]) : [[], [], [], []];
  const by = <T extends { encounter_id: string }>(xs: T[], id: string) => xs.filter((x) => x.encounter_id === id);
  return {
    basis, part,
    encounters: encounters.map((e) => ({
      id: e.id, kind: e.kind, department: e.department, startedAt: e.started_at.toISOString(), endedAt: e.ended_at?.toISOString() ?? null, reason: e.reason,
      facilityName: e.facility_name, facilityTier: e.facility_tier, workerName: e.worker_name,
      diagnoses: by(dx, e.id).filter((d) => part === 'all' || CHRONIC_ICD.test(d.icd10)).map((d) => ({ id: d.id, version: d.version, icd10: d.icd10, nameZh: d.name_zh, nameEn: d.name_en, status: d.status, confirmed: d.confirmed })),
      observations: by(obs, e.id).map((x) => ({ code: x.code, nameZh: obsName(x.code)?.nameZh ?? x.code, nameEn: obsName(x.code)?.nameEn ?? x.code, value: x.value, unit: x.unit, flag: x.flag })),
      prescriptions: by(rx, e.id).map((x) => ({ drugName: x.drug_name, strength: x.strength, dose: x.dose, frequency: x.frequency, days: x.days, antibacterialClass: x.antibacterial_class })),
      documents: by(docs, e.id).map((x) => ({ id: x.id, kind: x.kind, title: x.title })),
    })),
    immunisations: immunisations.map((i) => ({ vaccine: i.vaccine, doseNumber: i.dose_number, givenOn: i.given_on, lot: i.lot, site: i.site })),
    nextBefore: encounters.length === page.limit ? encounters[encounters.length - 1].started_at.toISOString() : null,
  };
}

/** Series of observations for charts (blood pressure, glucose, weight …). */
export async function trends(db: Db, p: Principal, residentId: string, o: AccessOptions, codes: string[]): Promise<TrendsOut> {
  const { basis } = await open(db, p, residentId, o, 'record.trends');
  const rows = await store.observationSeries(db, residentId, codes);
  return { basis, series: codes.map((code) => ({ code, nameZh: obsName(code)?.nameZh ?? code, nameEn: obsName(code)?.nameEn ?? code, unit: obsName(code)?.unit ?? rows.find((r) => r.code === code)?.unit ?? '', points: rows.filter((r) => r.code === code).map((r) => ({ at: r.observed_at.toISOString(), value: r.value })) })) };
}

// ---- writing ----

/**
 * Listeners told, inside the writing transaction, of the diagnoses an encounter recorded: the
 * chronic programme enrols from them. Registered by the composition root (app.ts), so that the
 * record does not import the modules built on it.
 */
export type DiagnosesListener = (q: Queryable, o: {
  residentId: string; county: string; on: string;
  diagnoses: { icd10: string; status?: string | null; confirmed?: boolean | null; id?: string; onsetDate?: string | null }[];
  /** The encounter they were recorded in, when the record's own POST recorded them (the report card's source). */
  encounterId?: string; startedAt?: string; facilityId?: string; userId?: string | null;
}) => Promise<unknown>;
const diagnosesListeners = new Set<DiagnosesListener>();
/** Listeners told, inside the edit's transaction, of a diagnosis changed (a suspected case confirmed revises its report card). */
export type DiagnosisChangeListener = (q: Queryable, o: { diagnosisId: string; confirmed: boolean; status: string; userId: string }) => Promise<unknown>;
const diagnosisChangeListeners = new Set<DiagnosisChangeListener>();
/** Registers a listener for edited diagnoses (idempotent for the same function). */
export function onDiagnosisChanged(fn: DiagnosisChangeListener): void {
  diagnosisChangeListeners.add(fn);
}
/** Daily outpatient counts by township and syndrome for a county (the surveillance module's syndromic series). */
export function dailySyndromeCounts(q: Queryable, county: string, from: string, to: string, syndromes: { code: string; icd10: string; complaint: string }[]) {
  return store.dailySyndromeCounts(q, county, from, to, syndromes);
}
/** The encounter's facility, worker and recording user, for a report card drafted from it. */
export function encounterForCard(q: Queryable, encounterId: string) {
  return store.encounterForCard(q, encounterId);
}
/** Registers a listener for recorded diagnoses (idempotent for the same function). */
export function onDiagnosesRecorded(fn: DiagnosesListener): void {
  diagnosesListeners.add(fn);
}

/** The facilities the principal may record care at (sysadmin: any). */
async function writableFacility(q: Queryable, p: Principal, code: string): Promise<{ id: string; county: string }> {
  const f = await store.facilityByCode(q, code);
  if (!f) throw badRequest('record.invalid', { zh: '机构不存在', en: 'Unknown facility' }, [{ path: 'facilityCode', problem: 'unknown facility / 未知机构' }]);
  if (p.role !== 'sysadmin' && !(await store.worksAt(q, f.id, p.facilityCode, p.userId))) throw forbidden({ zh: '只能记录本机构的诊疗', en: 'You can record care only at your own facility' });
  return { id: f.id, county: f.region_code.slice(0, 6) };
}

function checkObservation(o: ObservationIn, who: { sex: 'M' | 'F'; age: number }, at: string, fields: FieldProblem[]): NormalisedObservation | null {
  const n = normaliseObservation({ code: o.code, value: o.value, unit: o.unit, sex: who.sex, ageYears: who.age });
  if (n.ok) return n.value;
  for (const pr of n.problems) fields.push({ path: `${at}.${pr.path}`, problem: `${pr.en} / ${pr.zh}` });
  return null;
}

/** The namespace of a sender's record ids: one per system client, one shared by people signed in. */
const senderOf = (p: Principal) => (p.kind === 'system' && p.clientId ? `client:${p.clientId}` : '');

const sourceConflict = (path: string, sourceSystem: string, sourceId: string) => conflict('record.source_conflict',
  { zh: `记录号 ${sourceSystem}/${sourceId} 已用于另一位居民`, en: `The record id ${sourceSystem}/${sourceId} was sent for another resident` },
  [{ path, problem: `${sourceSystem}/${sourceId} is used for another resident / 已用于另一位居民` }]);

/** An encounter with its observations as another module records it (values already checked and normalised). */
export interface EncounterWrite {
  /** What assertMayAttach allowed for this resident (in the same transaction). */
  grant: AttachGrant;
  county: string;
  kind: EncounterKind;
  facilityId: string;
  workerId: string | null;
  startedAt: string;
  reason: string | null;
  observations: NormalisedObservation[];
}

/**
 * Adds an encounter and its observations inside the caller's transaction (the chronic follow-up
 * and screening, and this module's own POST), under a grant of assertMayAttach: the one writer of
 * `encounters`. An encounter that opens the writer's basis is marked on the resident's access log.
 */
export async function addEncounter(q: Queryable, p: Principal, e: EncounterWrite): Promise<{ id: string }> {
  const residentId = e.grant.residentId;
  const id = await store.insertEncounter(q, { residentId, county: e.county, kind: e.kind, facilityId: e.facilityId, department: null, workerId: e.workerId,
    startedAt: e.startedAt, endedAt: null, reason: e.reason, sourceSystem: null, sourceId: null, sender: senderOf(p), createdBy: p.kind === 'system' ? null : p.userId, presence: e.grant.presence });
  for (const n of e.observations) await store.insertEncounterObservation(q, residentId, id, n, e.startedAt);
  await settleGrant(q, p, e.grant, id);
  return { id };
}

/**
 * Records one encounter with what is attached to it, if the writer has a basis or the encounter
 * opens one (basis.ts); a resend with the same sender id for the same resident returns the first,
 * for another resident answers 409.
 */
export async function recordEncounter(db: Db, keys: Keys, p: Principal, o: AccessOptions, e: EncounterIn): Promise<EncounterOut> {
  const presence = await verifyPresence(db, keys, p, e.residentId, e.presence);
  return db.tx(async (q) => {
    const fac = await writableFacility(q, p, e.facilityCode);
    const person = await store.livePerson(q, e.residentId);
    if (!person) throw notFound({ zh: '居民', en: 'Resident' });
    const who = { sex: person.sex, age: ageOn(person.birth_date, today()) };
    const sourceSystem = e.sourceSystem ?? 'meridian';
    const sender = senderOf(p);
    if (e.sourceId) {
      const dup = await store.encounterBySource(q, sender, sourceSystem, e.sourceId);
      if (dup && dup.resident_id !== e.residentId) throw sourceConflict('sourceId', sourceSystem, e.sourceId);
      if (dup) {
        // A facility system's own id for this resident names its own encounter: the resend is answered as it.
        if (p.kind !== 'system') await assertMayAttach(q, p, e.residentId, o);
        return { id: dup.id, created: false };
      }
    }
    const grant = await assertMayAttach(q, p, e.residentId, o, { encounterAt: e.startedAt, presence });
    const fields: FieldProblem[] = [];
    const obs = (e.observations ?? []).map((x, i) => checkObservation(x, who, `observations[${i}]`, fields));
    const icds = (e.diagnoses ?? []).map((d) => d.icd10);
    if (icds.length) {
      const known = await store.knownIcd10(q, icds);
      icds.forEach((c, i) => { if (!known.has(c)) fields.push({ path: `diagnoses[${i}].icd10`, problem: `unknown ICD-10 code ${c} / 未知的ICD-10编码` }); });
    }
    if (fields.length) throw badRequest('record.invalid', { zh: '诊疗记录有误，未保存', en: 'Invalid record; nothing was saved' }, fields);
    const id = await store.insertEncounter(q, { residentId: e.residentId, county: fac.county, kind: e.kind, facilityId: fac.id, department: e.department ?? null, workerId: e.workerId ?? null,
      startedAt: e.startedAt, endedAt: e.endedAt ?? null, reason: e.reason ?? null, sourceSystem, sourceId: e.sourceId ?? null, sender, createdBy: p.kind === 'system' ? null : p.userId, presence: grant.presence });
    const recorded = [];
    for (const d of e.diagnoses ?? []) recorded.push({ ...d, id: await store.insertDiagnosis(q, e.residentId, id, { icd10: d.icd10, onsetDate: d.onsetDate ?? null, status: d.status ?? 'active', confirmed: d.confirmed ?? true }) });
    // A confirmed hypertension or type 2 diabetes diagnosis enrols the resident in its programme; a notifiable one drafts a report card.
    if (recorded.length) {
      for (const fn of diagnosesListeners) {
        await fn(q, { residentId: e.residentId, county: fac.county, on: e.startedAt.slice(0, 10), diagnoses: recorded, encounterId: id, startedAt: e.startedAt, facilityId: fac.id, userId: p.kind === 'system' ? null : p.userId });
      }
    }
    for (const x of obs) if (x) await store.insertEncounterObservation(q, e.residentId, id, x, e.startedAt);
    for (const x of e.prescriptions ?? []) {
      await store.insertPrescription(q, e.residentId, id, { drugName: x.drugName, form: x.form ?? null, strength: x.strength ?? null, dose: x.dose ?? null, route: x.route ?? null,
        frequency: x.frequency ?? null, days: x.days ?? null, quantity: x.quantity ?? null, antibacterialClass: antibacterialClass(x.drugName) }, e.startedAt);
    }
    for (const x of e.immunisations ?? []) await store.insertImmunisation(q, e.residentId, id, fac.id, { vaccine: x.vaccine, doseNumber: x.doseNumber, givenOn: x.givenOn, lot: x.lot ?? null, site: x.site ?? null });
    for (const x of e.documents ?? []) await store.insertDocument(q, e.residentId, id, x, e.endedAt ?? e.startedAt);
    for (const x of e.allergies ?? []) await store.insertAllergy(q, e.residentId, { substance: x.substance, reaction: x.reaction ?? null, severity: x.severity ?? null });
    await settleGrant(q, p, grant, id);
    await writeAudit(q, actorOf(p, p.ip), { action: 'record.encounter_create', outcome: 'ok', residentId: e.residentId, recordType: 'encounter', recordId: id, basis: grant.basis ?? (grant.opens ? 'encounter' : null) });
    return { id, created: true };
  });
}

/**
 * Stores a batch of observations all-or-nothing, each resident's only with a basis for them
 * (basis.ts); items already received (same sender and record id, same resident) are not stored
 * twice, an id used for another resident answers 409. One audit row per resident.
 */
export async function recordObservationBatch(db: Db, p: Principal, o: AccessOptions, sourceSystem: string, items: ObservationBatchItem[]): Promise<ObservationBatchOut> {
  if (p.role !== 'sysadmin' && !p.facilityCode && p.kind !== 'system') throw forbidden();
  const sender = senderOf(p);
  return db.tx(async (q) => {
    const ids = [...new Set(items.map((i) => i.residentId))];
    const people = new Map((await store.livePeople(q, ids)).map((r) => [r.id, { sex: r.sex, age: ageOn(r.birth_date, today()) }]));
    // A resident the sender may not attach to reads exactly as one that does not exist.
    const grants = new Map<string, AttachGrant>();
    for (const rid of people.keys()) {
      try {
        grants.set(rid, await assertMayAttach(q, p, rid, o));
      } catch (err) {
        if (!(err instanceof AppError && err.status === 404)) throw err;
      }
    }
    const fields: FieldProblem[] = [];
    const norm = items.map((it, i) => {
      const who = grants.has(it.residentId) ? people.get(it.residentId) : undefined;
      if (!who) {
        fields.push({ path: `items[${i}].residentId`, problem: 'unknown resident / 居民不存在' });
        return null;
      }
      return checkObservation(it, who, `items[${i}]`, fields);
    });
    const seen = new Set<string>();
    items.forEach((it, i) => {
      if (seen.has(it.sourceId)) fields.push({ path: `items[${i}].sourceId`, problem: 'repeated within the batch / 批内重复' });
      seen.add(it.sourceId);
    });
    if (fields.length) throw new AppError(400, 'record.batch_invalid', { zh: `批量数据有 ${fields.length} 处错误，未保存任何数据`, en: `The batch has ${fields.length} problem(s); nothing was saved` }, fields.slice(0, 500));
    const sent = new Map((await store.observationsBySource(q, sender, sourceSystem, items.map((x) => x.sourceId))).map((r) => [r.source_id, r.resident_id]));
    const clash = items.findIndex((x) => sent.has(x.sourceId) && sent.get(x.sourceId) !== x.residentId);
    if (clash >= 0) throw sourceConflict(`items[${clash}].sourceId`, sourceSystem, items[clash].sourceId);
    const storedFor = new Map<string, number>();
    for (let i = 0; i < items.length; i += 2000) {
      const residents = await store.insertObservationBatch(q, sender, sourceSystem, items.slice(i, i + 2000).map((x, j) => ({ residentId: x.residentId, observedAt: x.observedAt, sourceId: x.sourceId, n: norm[i + j]! })));
      for (const r of residents) storedFor.set(r, (storedFor.get(r) ?? 0) + 1);
    }
    const receivedFor = new Map<string, number>();
    for (const x of items) receivedFor.set(x.residentId, (receivedFor.get(x.residentId) ?? 0) + 1);
    const stored = [...storedFor.values()].reduce((a, b) => a + b, 0);
    // One row per resident, so that each resident's access log shows what was added to their record.
    await writeAuditMany(q, [...receivedFor].map(([residentId, received]) => ({ actor: actorOf(p, p.ip), entry: {
      action: 'record.observation_batch', outcome: 'ok' as const, residentId, recordType: 'observation_batch', basis: grants.get(residentId)!.basis ?? (p.kind === 'system' ? 'system' : null),
      details: { sourceSystem, received, stored: storedFor.get(residentId) ?? 0 } } })));
    return { received: items.length, stored, alreadyPresent: items.length - stored };
  });
}

/** Edits a diagnosis if `version` is current (409 otherwise); the previous row is kept in record_versions. */
export async function editDiagnosis(db: Db, p: Principal, o: AccessOptions, id: string, version: number, change: DiagnosisChange): Promise<DiagnosisOut> {
  const residentId = await store.diagnosisResident(db, id);
  if (!residentId) throw notFound({ zh: '诊断', en: 'Diagnosis' });
  const { basis, part } = await requireBasis(db, p, residentId, o);
  if (part !== 'all') throw notFound({ zh: '诊断', en: 'Diagnosis' });
  return db.tx(async (q) => {
    const cur = await store.diagnosisForUpdate(q, id);
    if (cur.version !== version) throw stale(cur.version);
    await store.insertRecordVersion(q, 'diagnoses', id, cur.version, cur, p.userId);
    const after = await store.updateDiagnosis(q, id, change);
    for (const fn of diagnosisChangeListeners) await fn(q, { diagnosisId: id, confirmed: after.confirmed, status: after.status, userId: p.userId });
    await writeAudit(q, actorOf(p, p.ip), { action: 'record.diagnosis_edit', outcome: 'ok', residentId, recordType: 'diagnosis', recordId: id, basis, details: { fromVersion: version } });
    return { id: after.id, version: after.version, status: after.status, confirmed: after.confirmed, onsetDate: after.onset_date };
  });
}

/** The previous versions of a record row. */
export async function versions(db: Db, p: Principal, o: AccessOptions, table: 'diagnoses', id: string): Promise<VersionItem[]> {
  const residentId = await store.diagnosisResident(db, id);
  if (!residentId) throw notFound();
  await open(db, p, residentId, o, 'record.versions');
  const rows = await store.versionsOf(db, table, id);
  return rows.map((r) => ({ version: r.version, data: r.data, changedAt: r.changed_at.toISOString(), changedBy: r.username }));
}

// ---- consent, break-glass, the resident's view ----

/** Break-glass: opens the record for a few hours with a reason, flagged for the facility manager's review. */
export async function breakGlass(db: Db, p: Principal, residentId: string, reason: string, hours = 4): Promise<{ expiresAt: string }> {
  if (!['doctor', 'nurse', 'village_doctor', 'coordinator'].includes(p.role)) throw forbidden();
  return db.tx(async (q) => {
    if (!(await store.livePerson(q, residentId))) throw notFound({ zh: '居民', en: 'Resident' });
    const expires = await store.insertBreakGlass(q, residentId, p.userId, await store.facilityIdByCode(q, p.facilityCode), reason, hours);
    await writeAudit(q, actorOf(p, p.ip), { action: 'record.break_glass', outcome: 'ok', residentId, recordType: 'break_glass', basis: 'break_glass', details: { reason, hours } });
    return { expiresAt: expires.toISOString() };
  });
}

/** Break-glass grants awaiting review, for managers (their region) and administrators. */
export async function breakGlassForReview(db: Db, p: Principal, within: string | null): Promise<BreakGlassReviewItem[]> {
  const rows = await store.breakGlassAwaitingReview(db, within);
  await db.tx((q) => writeAudit(q, actorOf(p, p.ip), { action: 'record.break_glass_list', outcome: 'ok', details: { rows: rows.length } }));
  return rows.map((r) => ({ id: r.id, reason: r.reason, grantedAt: r.granted_at.toISOString(), expiresAt: r.expires_at.toISOString(), username: r.username, displayName: r.display_name, facility: r.facility, residentName: r.resident_name }));
}

/** Marks a break-glass grant as reviewed with a note. */
export async function reviewBreakGlass(db: Db, p: Principal, id: string, note: string, within: string | null): Promise<void> {
  await db.tx(async (q) => {
    if (!(await store.markBreakGlassReviewed(q, id, p.userId, note, within))) throw notFound();
    await writeAudit(q, actorOf(p, p.ip), { action: 'record.break_glass_review', outcome: 'ok', recordType: 'break_glass', recordId: id, details: { note } });
  });
}

async function ownResident(q: Queryable, p: Principal): Promise<string> {
  const rid = await store.residentOfUser(q, p.userId);
  if (p.role !== 'resident' || !rid) throw forbidden();
  return rid;
}

/**
 * The legal basis the principal has for a resident's record, for another module's use case that needs
 * one (issuing a resident's activation code); 404 without one, as for a resident who does not exist.
 */
export async function recordBasis(db: Db, p: Principal, residentId: string, o: AccessOptions): Promise<Basis> {
  return (await requireBasis(db, p, residentId, o)).basis;
}

/** A resident's consents. */
export async function myConsents(db: Db, p: Principal): Promise<ConsentItem[]> {
  const rows = await store.consentsOf(db, await ownResident(db, p));
  return rows.map((r) => ({ id: r.id, startsOn: r.starts_on, endsOn: r.ends_on, withdrawnAt: r.withdrawn_at?.toISOString() ?? null, workerName: r.worker, facilityName: r.facility, active: !r.withdrawn_at && r.ends_on >= today() }));
}

/** A resident consents to a facility (by code) or a worker (by id) opening their record until a date. */
export async function giveConsent(db: Db, p: Principal, to: ConsentIn): Promise<{ id: string }> {
  return db.tx(async (q) => {
    const rid = await ownResident(q, p);
    if (to.endsOn < today()) throw badRequest('consent.invalid', { zh: '结束日期已过', en: 'The end date has passed' }, [{ path: 'endsOn', problem: 'in the past / 已过' }]);
    let facilityId: string | null = null;
    if (to.facilityCode) {
      facilityId = await store.facilityIdByCode(q, to.facilityCode);
      if (!facilityId) throw badRequest('consent.invalid', { zh: '机构不存在', en: 'Unknown facility' }, [{ path: 'facilityCode', problem: 'unknown / 不存在' }]);
    } else if (!to.workerId || !(await store.workerExists(q, to.workerId))) {
      throw badRequest('consent.invalid', { zh: '须指定机构或医生', en: 'Name a facility or a worker' }, [{ path: 'workerId', problem: 'unknown / 不存在' }]);
    }
    const id = await store.insertConsent(q, rid, facilityId ? null : to.workerId!, facilityId, today(), to.endsOn);
    await writeAudit(q, actorOf(p, p.ip), { action: 'consent.give', outcome: 'ok', residentId: rid, recordType: 'consent', recordId: id });
    return { id };
  });
}

/** Withdraws one of the resident's own consents. */
export async function withdrawConsent(db: Db, p: Principal, id: string): Promise<void> {
  await db.tx(async (q) => {
    const rid = await ownResident(q, p);
    if (!(await store.withdrawConsent(q, id, rid))) throw notFound();
    await writeAudit(q, actorOf(p, p.ip), { action: 'consent.withdraw', outcome: 'ok', residentId: rid, recordType: 'consent', recordId: id });
  });
}

/** Every access to the resident's own record: who, from which facility, when, on what basis. */
export async function myAccessLog(db: Db, p: Principal, limit = 200): Promise<AccessLogItem[]> {
  const rid = await ownResident(db, p);
  const rows = await store.accessLogOf(db, rid, p.userId, limit);
  return rows.map((r) => ({ at: r.at instanceof Date ? r.at.toISOString() : String(r.at), action: r.action, basis: r.basis, who: r.display_name ?? r.username ?? '—', role: r.role, facility: r.facility }));
}

/** The resident's own record: summary and timeline through the same code, with basis 'self'. */
export async function myResidentId(db: Db, p: Principal): Promise<string> {
  return ownResident(db, p);
}

// ---- the FHIR face (src/modules/fhir): reads and writes of single records under the same rules ----

/**
 * Who may read a resident's records by FHIR and how narrowed: a person with a legal basis
 * (access.ts; public-health staff only the public-health parts), or a facility system, which reads
 * back what it sent itself (its sender namespace). Null: no basis (the caller gets 404).
 */
async function fhirBasis(q: Queryable, p: Principal, residentId: string, o: AccessOptions): Promise<{ basis: string; part: Part; sender: string | null } | null> {
  if (p.kind === 'system') {
    // The resident in the facility's care (a recent encounter there, an open referral, a consent to
    // it: the rule of assertMayAttach) opens their record; otherwise the system reads what it sent.
    const f = p.facilityCode ? await store.facilityBasisFlags(q, p.facilityCode, residentId, o.encounterDays) : undefined;
    const basis = f?.in_region ? (['referral', 'encounter', 'consent'] as const).find((x) => f[x]) : undefined;
    return basis ? { basis, part: 'all', sender: null } : { basis: 'system', part: 'all', sender: senderOf(p) };
  }
  const b = await findBasis(q, p, residentId, o);
  return b ? { basis: b.basis, part: b.part, sender: null } : null;
}

/** The narrowing of a search of records: one resident (with a basis) or, for a facility system, what it sent. */
export type RecordQuery = Omit<store.RecordFilter, 'sender'>;

async function auditShown(db: Db, p: Principal, action: string, shown: { residentId: string; basis: string }[]): Promise<void> {
  const seen = new Map(shown.map((s) => [s.residentId, s.basis]));
  if (!seen.size) return;
  await db.tx((q) => writeAuditMany(q, [...seen].map(([residentId, basis]) => ({ actor: actorOf(p, p.ip), entry: { action, outcome: 'ok' as const, residentId, recordType: 'record', basis } }))));
}

async function searchRecords<R extends { resident_id: string }>(db: Db, p: Principal, o: AccessOptions, f: RecordQuery, action: string, run: (f: store.RecordFilter, part: Part) => Promise<{ rows: R[]; total: number }>): Promise<{ rows: R[]; total: number }> {
  let sender: string | null = null;
  let part: Part = 'all';
  let basis = 'system';
  if (f.residentId) {
    const b = await fhirBasis(db, p, f.residentId, o);
    if (!b) return { rows: [], total: 0 };
    ({ sender, part, basis } = b);
  } else if (p.kind === 'system') {
    sender = senderOf(p);
  } else {
    // A person searches one resident's record at a time (their basis is per resident).
    throw badRequest('record.patient_required', { zh: '须指定居民（patient）', en: 'Name the resident (patient)' }, [{ path: 'patient', problem: 'required / 必填' }]);
  }
  const out = await run({ ...f, sender }, part);
  await auditShown(db, p, action, out.rows.map((r) => ({ residentId: r.resident_id, basis })));
  return out;
}

async function readRecord<R extends { resident_id: string; sender: string | null }>(db: Db, p: Principal, o: AccessOptions, row: R | undefined, action: string, publicHealth: (r: R) => boolean): Promise<R> {
  if (!row) throw notFound();
  const b = await fhirBasis(db, p, row.resident_id, o);
  if (!b || (b.sender !== null && row.sender !== b.sender) || (b.part === 'public_health' && !publicHealth(row))) throw notFound();
  await auditShown(db, p, action, [{ residentId: row.resident_id, basis: b.basis }]);
  return row;
}

/** One observation by id, with a basis (404 without one); audited for its resident. */
export async function observationRecord(db: Db, p: Principal, o: AccessOptions, id: string): Promise<store.ObservationRecordRow> {
  return readRecord(db, p, o, await store.observationById(db, id), 'record.fhir_read', () => true);
}

/** Observations of a resident (or a system's own), audited per resident shown. */
export async function observationRecords(db: Db, p: Principal, o: AccessOptions, f: RecordQuery) {
  return searchRecords(db, p, o, f, 'record.fhir_search', (g) => store.observationsWhere(db, g));
}

/** One encounter by id, with a basis; public-health staff see the public-health kinds only. */
export async function encounterRecord(db: Db, p: Principal, o: AccessOptions, id: string): Promise<store.EncounterRecordRow> {
  return readRecord(db, p, o, await store.encounterById(db, id), 'record.fhir_read', (r) => PUBLIC_HEALTH_KINDS.includes(r.kind));
}

/** Encounters of a resident (or a system's own), audited per resident shown. */
export async function encounterRecords(db: Db, p: Principal, o: AccessOptions, f: RecordQuery) {
  return searchRecords(db, p, o, f, 'record.fhir_search', (g, part) => store.encountersWhere(db, part === 'public_health' ? { ...g, codes: (g.codes ?? PUBLIC_HEALTH_KINDS).filter((k) => PUBLIC_HEALTH_KINDS.includes(k)) } : g));
}

/** One diagnosis by id, with a basis; public-health staff see the chronic-disease ones only. */
export async function diagnosisRecord(db: Db, p: Principal, o: AccessOptions, id: string): Promise<store.DiagnosisRecordRow> {
  return readRecord(db, p, o, await store.diagnosisById(db, id), 'record.fhir_read', (r) => CHRONIC_ICD.test(r.icd10));
}

/** Diagnoses of a resident (or a system's own), audited per resident shown. */
export async function diagnosisRecords(db: Db, p: Principal, o: AccessOptions, f: RecordQuery & { statuses: string[] | null }) {
  return searchRecords(db, p, o, f, 'record.fhir_search', async (g, part) => {
    const out = await store.diagnosesWhere(db, { ...g, statuses: f.statuses });
    return part === 'all' ? out : { rows: out.rows.filter((r) => CHRONIC_ICD.test(r.icd10)), total: out.rows.filter((r) => CHRONIC_ICD.test(r.icd10)).length };
  });
}

/**
 * One observation sent by FHIR: stored through the batch's rules (basis, units, idempotent on the
 * sender's record id) and answered with its id; `created` is false when it had been sent before.
 */
export async function recordObservation(db: Db, p: Principal, o: AccessOptions, sourceSystem: string, item: ObservationBatchItem, encounterId: string | null = null): Promise<{ id: string; created: boolean }> {
  return db.tx(async (q) => {
    const inTx = joinTx(db, q);
    if (encounterId) {
      const e = await store.encounterById(q, encounterId);
      if (!e || e.resident_id !== item.residentId) throw badRequest('record.invalid', { zh: '就诊不存在或不属于该居民', en: 'The encounter does not exist or is another resident\'s' }, [{ path: 'encounter', problem: 'unknown encounter / 就诊不存在' }]);
    }
    const out = await recordObservationBatch(inTx, p, o, sourceSystem, [item]);
    const [row] = await store.observationIdsBySource(q, senderOf(p), sourceSystem, [item.sourceId]);
    if (encounterId && out.stored === 1) await store.linkObservationEncounter(q, row.id, encounterId);
    return { id: row.id, created: out.stored === 1 };
  });
}

/** The rows the FHIR face maps (records' own shapes, handed out through its service). */
export type { DiagnosisRecordRow, EncounterRecordRow, ObservationRecordRow } from './store.ts';

/** One allergy by id, with a basis; audited. */
export async function allergyRecord(db: Db, p: Principal, o: AccessOptions, id: string): Promise<store.AllergyRecordRow> {
  return readRecord(db, p, o, await store.allergyById(db, id), 'record.fhir_read', () => true);
}

/** Allergies of a resident, audited per resident shown. */
export async function allergyRecords(db: Db, p: Principal, o: AccessOptions, f: RecordQuery) {
  return searchRecords(db, p, o, f, 'record.fhir_search', (g) => store.allergiesWhere(db, g));
}

/** One immunisation by id, with a basis; audited. */
export async function immunisationRecord(db: Db, p: Principal, o: AccessOptions, id: string): Promise<store.ImmunisationRecordRow> {
  return readRecord(db, p, o, await store.immunisationById(db, id), 'record.fhir_read', () => true);
}

/** Immunisations of a resident (or a system's own), audited per resident shown. */
export async function immunisationRecords(db: Db, p: Principal, o: AccessOptions, f: RecordQuery) {
  return searchRecords(db, p, o, f, 'record.fhir_search', (g) => store.immunisationsWhere(db, g));
}

export type { AllergyRecordRow, ImmunisationRecordRow } from './store.ts';

/** The resident, facility and start of an encounter (null when there is none), for a module attaching to it. */
export async function encounterBrief(q: Queryable, id: string): Promise<{ residentId: string; facilityId: string | null; startedAt: Date } | null> {
  const r = await store.encounterBrief(q, id);
  return r ? { residentId: r.resident_id, facilityId: r.facility_id, startedAt: r.started_at } : null;
}

/**
 * Writes prescription lines into the record (inside the caller's transaction): the medicines module
 * calls it when a structured prescription may be dispensed, so the record's medication list and the
 * indicators built on it see it. The caller has checked the writer's basis (assertMayAttach).
 */
export async function addPrescriptionLines(q: Queryable, residentId: string, encounterId: string, at: string,
  lines: { drugName: string; form: string; strength: string; dose: string; route: string; frequency: string; days: number; quantity: number; antibacterialClass: string | null }[]): Promise<void> {
  for (const x of lines) await store.insertPrescription(q, residentId, encounterId, x, at);
}

/**
 * Writes one dose to the record inside the caller's transaction (the vaccination clinic's record of
 * it lives in the public-health module), under a grant of assertMayAttach; answers the row's id.
 */
export async function addImmunisation(q: Queryable, g: AttachGrant, facilityId: string, x: { vaccine: string; doseNumber: number; givenOn: string; lot: string; site: string }): Promise<string> {
  return store.insertImmunisationAlone(q, g.residentId, facilityId, x);
}

/** Residents' immunisations (vaccine and day, oldest first), by resident: for rules over many children, whose access the caller checked. */
export async function immunisationHistories(q: Queryable, residentIds: readonly string[]): Promise<Map<string, { id: string; vaccine: string; givenOn: string }[]>> {
  const out = new Map<string, { id: string; vaccine: string; givenOn: string }[]>(residentIds.map((id) => [id, []]));
  if (!residentIds.length) return out;
  for (const r of await store.immunisationHistories(q, residentIds)) out.get(r.resident_id)?.push({ id: r.id, vaccine: r.vaccine, givenOn: r.given_on });
  return out;
}

/**
 * A published diagnostic report into the resident's lifelong record (the diagnostics module's
 * reports, inside its transaction): one document per report, kept current by its id, so an amended
 * report replaces its text (the versions stay with the diagnostics module). Audited as a record write.
 */
export async function putReportDocument(q: Queryable, p: Principal, x: { residentId: string; kind: 'lab_report' | 'imaging_report' | 'examination_report'; title: string; body: string; writtenAt: string; reportId: string }): Promise<string> {
  const id = await store.upsertSourcedDocument(q, { residentId: x.residentId, kind: x.kind, title: x.title, body: x.body, writtenAt: x.writtenAt, sourceSystem: 'diagnostics', sourceId: x.reportId });
  if (!id) throw conflict('record.source_conflict', { zh: '报告号已用于另一位居民', en: 'The report id was used for another resident' });
  await writeAudit(q, actorOf(p, p.ip), { action: 'record.document_put', outcome: 'ok', residentId: x.residentId, recordType: 'document', recordId: id, details: { source: 'diagnostics', reportId: x.reportId } });
  return id;
}
