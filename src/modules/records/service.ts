// The lifelong record: summary, timeline and trends (each read audited with its basis), ingestion
// (one at a time or in batches, idempotent on the sender's record id), edits with optimistic
// concurrency and kept versions, consents, break-glass, and the resident's own access log.
import type { Db, Queryable } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';
import { actorOf } from '../../platform/auth.ts';
import { AppError, badRequest, forbidden, notFound, stale, type FieldProblem } from '../../platform/errors.ts';
import { auditBatcher, writeAudit } from '../../platform/audit.ts';
import { decrypt, type Keys } from '../../platform/crypto.ts';
import { maskIdNumber } from '../registry/id-number.ts';
import { ageOn, priorityGroupsOf } from '../registry/rules.ts';
import { normaliseObservation, OBSERVATIONS } from './observations.ts';
import { antibacterialClass } from './antibacterials.ts';
import { requireBasis, type AccessOptions, type Basis, type Part } from './access.ts';
import { enrolFromDiagnoses } from '../chronic/service.ts';
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
export async function summary(db: Db, keys: Keys, p: Principal, residentId: string, o: AccessOptions) {
  const b = await requireBasis(db, p, residentId, o);
  const { part } = b;
  // The record's parts are independent reads: fetched side by side, with the audit row written alongside.
  const [, [r], problems, meds, allergies, vitals, [contract]] = await Promise.all([
    auditRead(db, p, residentId, b.basis, 'record.summary'),
    db.query<{ id: string; name: string; sex: 'M' | 'F'; birth_date: string; death_date: string | null; id_type: string; id_number_enc: string; id_number_last4: string; conditions: string[]; village_name: string; township_name: string | null }>(
      `SELECT r.*, v.name AS village_name, t.name AS township_name FROM residents r JOIN regions v ON v.code = r.village_code LEFT JOIN regions t ON t.code = v.parent_code WHERE r.id = $1`, [residentId]),
    db.query<{ icd10: string; name_zh: string; name_en: string; onset_date: string | null; confirmed: boolean }>(
      `SELECT DISTINCT ON (d.icd10) d.icd10, c.name_zh, c.name_en, d.onset_date, d.confirmed FROM diagnoses d JOIN icd10_codes c ON c.code = d.icd10
        WHERE d.resident_id = $1 AND d.status = 'active' ORDER BY d.icd10, d.recorded_at DESC`, [residentId]),
    part === 'all' ? db.query<{ drug_name: string; strength: string | null; dose: string | null; frequency: string | null; days: number | null; prescribed_at: Date; antibacterial_class: string | null }>(
      `SELECT drug_name, strength, dose, frequency, days, prescribed_at, antibacterial_class FROM prescriptions
        WHERE resident_id = $1 AND prescribed_at >= now() - interval '90 days' ORDER BY prescribed_at DESC LIMIT 30`, [residentId]) : Promise.resolve([]),
    db.query<{ substance: string; reaction: string | null; severity: string | null }>('SELECT substance, reaction, severity FROM allergies WHERE resident_id = $1', [residentId]),
    db.query<{ code: string; value: number; unit: string; flag: string | null; observed_at: Date }>(
      `SELECT DISTINCT ON (code) code, value, unit, flag, observed_at FROM observations WHERE resident_id = $1 ORDER BY code, observed_at DESC`, [residentId]),
    db.query<{ team: string; facility: string; starts_on: string; ends_on: string; status: string }>(
      `SELECT t.name AS team, f.name AS facility, c.starts_on, c.ends_on, c.status FROM contracts c JOIN care_teams t ON t.id = c.team_id JOIN facilities f ON f.id = t.facility_id
        WHERE c.resident_id = $1 AND c.status IN ('signed','renewed') AND c.ends_on >= current_date ORDER BY c.starts_on DESC LIMIT 1`, [residentId]),
  ]);
  const basis = b.basis;
  const on = today();
  return {
    basis, part,
    resident: {
      id: r.id, name: r.name, sex: r.sex, birthDate: r.birth_date, age: ageOn(r.birth_date, r.death_date ?? on), deathDate: r.death_date,
      idNumberMasked: r.id_type === 'resident_id' ? maskIdNumber(decrypt(keys, r.id_number_enc)) : `****${r.id_number_last4}`,
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
export async function timeline(db: Db, p: Principal, residentId: string, o: AccessOptions, page: { before?: string; limit: number }) {
  const { basis, part } = await requireBasis(db, p, residentId, o);
  const args: unknown[] = [residentId, page.before ?? '9999-12-31', page.limit];
  // The encounters page, the immunisations and the audit row go side by side (one Promise.all, so a
  // failure of one is handled, never left as an unhandled rejection).
  const [encounters, immunisations] = await Promise.all([
    db.query<{ id: string; kind: string; department: string | null; started_at: Date; ended_at: Date | null; reason: string | null; facility_name: string; facility_tier: string; worker_name: string | null }>(
    `SELECT e.id, e.kind, e.department, e.started_at, e.ended_at, e.reason, f.name AS facility_name, f.tier AS facility_tier, w.name AS worker_name
       FROM encounters e JOIN facilities f ON f.id = e.facility_id LEFT JOIN workers w ON w.id = e.worker_id
      WHERE e.resident_id = $1 AND e.started_at < $2::timestamptz ${part === 'public_health' ? `AND e.kind = ANY('{${PUBLIC_HEALTH_KINDS.join(',')}}')` : ''}
      ORDER BY e.started_at DESC LIMIT $3`, args),
    db.query<{ vaccine: string; dose_number: number; given_on: string; lot: string | null; site: string | null }>(
      'SELECT vaccine, dose_number, given_on, lot, site FROM immunisations WHERE resident_id = $1 ORDER BY given_on DESC', [residentId]),
    auditRead(db, p, residentId, basis, 'record.timeline'),
  ]);
  const ids = encounters.map((e) => e.id);
  const [dx, obs, rx, docs] = ids.length ? await Promise.all([
    db.query<{ encounter_id: string; icd10: string; name_zh: string; name_en: string; status: string; confirmed: boolean; id: string; version: number }>(
      'SELECT d.id, d.version, d.encounter_id, d.icd10, c.name_zh, c.name_en, d.status, d.confirmed FROM diagnoses d JOIN icd10_codes c ON c.code = d.icd10 WHERE d.encounter_id = ANY($1::uuid[])', [ids]),
    db.query<{ encounter_id: string; code: string; value: number; unit: string; flag: string | null }>('SELECT encounter_id, code, value, unit, flag FROM observations WHERE encounter_id = ANY($1::uuid[]) ORDER BY code', [ids]),
    part === 'all' ? db.query<{ encounter_id: string; drug_name: string; strength: string | null; dose: string | null; frequency: string | null; days: number | null; antibacterial_class: string | null }>(
      'SELECT encounter_id, drug_name, strength, dose, frequency, days, antibacterial_class FROM prescriptions WHERE encounter_id = ANY($1::uuid[])', [ids]) : Promise.resolve([]),
    part === 'all' ? db.query<{ encounter_id: string; id: string; kind: string; title: string }>('SELECT encounter_id, id, kind, title FROM documents WHERE encounter_id = ANY($1::uuid[])', [ids]) : Promise.resolve([]),
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
export async function trends(db: Db, p: Principal, residentId: string, o: AccessOptions, codes: string[]) {
  const { basis } = await open(db, p, residentId, o, 'record.trends');
  const rows = await db.query<{ code: string; value: number; unit: string; observed_at: Date }>(
    'SELECT code, value, unit, observed_at FROM observations WHERE resident_id = $1 AND code = ANY($2::text[]) ORDER BY observed_at', [residentId, codes]);
  return { basis, series: codes.map((code) => ({ code, nameZh: obsName(code)?.nameZh ?? code, nameEn: obsName(code)?.nameEn ?? code, unit: obsName(code)?.unit ?? rows.find((r) => r.code === code)?.unit ?? '', points: rows.filter((r) => r.code === code).map((r) => ({ at: r.observed_at.toISOString(), value: r.value })) })) };
}

// ---- writing ----

export interface ObservationIn { code: string; value: number; unit: string; observedAt?: string; sourceId?: string }
export interface EncounterIn {
  sourceSystem?: string;
  sourceId?: string;
  residentId: string;
  kind: 'outpatient' | 'emergency' | 'inpatient' | 'home_visit' | 'follow_up' | 'health_check' | 'remote_consultation';
  facilityCode: string;
  department?: string | null;
  workerId?: string | null;
  startedAt: string;
  endedAt?: string | null;
  reason?: string | null;
  diagnoses?: { icd10: string; onsetDate?: string | null; status?: 'active' | 'resolved'; confirmed?: boolean }[];
  observations?: ObservationIn[];
  prescriptions?: { drugName: string; form?: string | null; strength?: string | null; dose?: string | null; route?: string | null; frequency?: string | null; days?: number | null; quantity?: number | null }[];
  immunisations?: { vaccine: string; doseNumber: number; givenOn: string; lot?: string | null; site?: string | null }[];
  documents?: { kind: 'discharge_summary' | 'examination_report' | 'lab_report' | 'imaging_report' | 'referral_letter' | 'other'; title: string; body: string }[];
  allergies?: { substance: string; reaction?: string | null; severity?: 'mild' | 'moderate' | 'severe' | null }[];
}

/** The facilities the principal may record care at (sysadmin: any). */
async function writableFacility(q: Queryable, p: Principal, code: string): Promise<{ id: string; county: string }> {
  const [f] = await q.query<{ id: string; region_code: string }>('SELECT id, region_code FROM facilities WHERE code = $1', [code]);
  if (!f) throw badRequest('record.invalid', { zh: '机构不存在', en: 'Unknown facility' }, [{ path: 'facilityCode', problem: 'unknown facility / 未知机构' }]);
  if (p.role !== 'sysadmin') {
    const mine = await q.query(
      `SELECT 1 FROM facilities f WHERE f.id = $1 AND (f.code = $2
         OR f.id IN (SELECT w.employer_id FROM users u JOIN workers w ON w.id = u.worker_id WHERE u.id = $3)
         OR f.id IN (SELECT wp.facility_id FROM users u JOIN worker_postings wp ON wp.worker_id = u.worker_id WHERE u.id = $3 AND (wp.end_on IS NULL OR wp.end_on >= current_date)))`,
      [f.id, p.facilityCode, p.userId]);
    if (!mine.length) throw forbidden({ zh: '只能记录本机构的诊疗', en: 'You can record care only at your own facility' });
  }
  return { id: f.id, county: f.region_code.slice(0, 6) };
}

async function residentSex(q: Queryable, id: string): Promise<{ sex: 'M' | 'F'; age: number } | null> {
  const [r] = await q.query<{ sex: 'M' | 'F'; birth_date: string }>('SELECT sex, birth_date FROM residents WHERE id = $1 AND merged_into IS NULL', [id]);
  return r ? { sex: r.sex, age: ageOn(r.birth_date, today()) } : null;
}

function checkObservation(o: ObservationIn, who: { sex: 'M' | 'F'; age: number }, at: string, fields: FieldProblem[]) {
  const n = normaliseObservation({ code: o.code, value: o.value, unit: o.unit, sex: who.sex, ageYears: who.age });
  if (n.ok) return n.value;
  for (const pr of n.problems) fields.push({ path: `${at}.${pr.path}`, problem: `${pr.en} / ${pr.zh}` });
  return null;
}

/** Records one encounter with what is attached to it; a resend with the same sender id returns the first. */
export async function recordEncounter(db: Db, p: Principal, e: EncounterIn): Promise<{ id: string; created: boolean }> {
  return db.tx(async (q) => {
    const fac = await writableFacility(q, p, e.facilityCode);
    const who = await residentSex(q, e.residentId);
    if (!who) throw notFound({ zh: '居民', en: 'Resident' });
    if (e.sourceId) {
      const [dup] = await q.query<{ id: string }>('SELECT id FROM encounters WHERE source_system = $1 AND source_id = $2', [e.sourceSystem ?? 'meridian', e.sourceId]);
      if (dup) return { id: dup.id, created: false };
    }
    const fields: FieldProblem[] = [];
    const obs = (e.observations ?? []).map((x, i) => checkObservation(x, who, `observations[${i}]`, fields));
    const icds = (e.diagnoses ?? []).map((d) => d.icd10);
    if (icds.length) {
      const known = new Set((await q.query<{ code: string }>('SELECT code FROM icd10_codes WHERE code = ANY($1::text[])', [icds])).map((r) => r.code));
      icds.forEach((c, i) => { if (!known.has(c)) fields.push({ path: `diagnoses[${i}].icd10`, problem: `unknown ICD-10 code ${c} / 未知的ICD-10编码` }); });
    }
    if (fields.length) throw badRequest('record.invalid', { zh: '诊疗记录有误，未保存', en: 'Invalid record; nothing was saved' }, fields);
    const [row] = await q.query<{ id: string }>(
      `INSERT INTO encounters (resident_id, county_code, kind, facility_id, department, worker_id, started_at, ended_at, reason, source_system, source_id, created_by)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) RETURNING id`,
      [e.residentId, fac.county, e.kind, fac.id, e.department ?? null, e.workerId ?? null, e.startedAt, e.endedAt ?? null, e.reason ?? null, e.sourceSystem ?? 'meridian', e.sourceId ?? null, p.userId]);
    for (const d of e.diagnoses ?? []) {
      await q.query('INSERT INTO diagnoses (resident_id, encounter_id, icd10, onset_date, status, confirmed) VALUES ($1,$2,$3,$4,$5,$6)',
        [e.residentId, row.id, d.icd10, d.onsetDate ?? null, d.status ?? 'active', d.confirmed ?? true]);
    }
    // A confirmed hypertension or type 2 diabetes diagnosis enrols the resident in its programme.
    if (e.diagnoses?.length) await enrolFromDiagnoses(q, { residentId: e.residentId, county: fac.county, on: e.startedAt.slice(0, 10), diagnoses: e.diagnoses });
    for (const o of obs) {
      if (!o) continue;
      await q.query('INSERT INTO observations (resident_id, encounter_id, code, value, unit, ref_low, ref_high, flag, observed_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)',
        [e.residentId, row.id, o.code, o.value, o.unit, o.refLow ?? null, o.refHigh ?? null, o.flag ?? null, e.startedAt]);
    }
    for (const x of e.prescriptions ?? []) {
      await q.query(`INSERT INTO prescriptions (resident_id, encounter_id, drug_name, form, strength, dose, route, frequency, days, quantity, antibacterial_class, prescribed_at)
                     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
        [e.residentId, row.id, x.drugName, x.form ?? null, x.strength ?? null, x.dose ?? null, x.route ?? null, x.frequency ?? null, x.days ?? null, x.quantity ?? null, antibacterialClass(x.drugName), e.startedAt]);
    }
    for (const x of e.immunisations ?? []) {
      await q.query('INSERT INTO immunisations (resident_id, encounter_id, vaccine, dose_number, given_on, lot, site, facility_id) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)',
        [e.residentId, row.id, x.vaccine, x.doseNumber, x.givenOn, x.lot ?? null, x.site ?? null, fac.id]);
    }
    for (const x of e.documents ?? []) {
      await q.query('INSERT INTO documents (resident_id, encounter_id, kind, title, body, written_at) VALUES ($1,$2,$3,$4,$5,$6)', [e.residentId, row.id, x.kind, x.title, x.body, e.endedAt ?? e.startedAt]);
    }
    for (const x of e.allergies ?? []) {
      await q.query('INSERT INTO allergies (resident_id, substance, reaction, severity) VALUES ($1,$2,$3,$4)', [e.residentId, x.substance, x.reaction ?? null, x.severity ?? null]);
    }
    await writeAudit(q, actorOf(p, p.ip), { action: 'record.encounter_create', outcome: 'ok', residentId: e.residentId, recordType: 'encounter', recordId: row.id });
    return { id: row.id, created: true };
  });
}

export interface ObservationBatchItem extends ObservationIn { residentId: string; sourceId: string; observedAt: string }

/** Stores a batch of observations all-or-nothing; items already received (same sender id) are not stored twice. */
export async function recordObservationBatch(db: Db, p: Principal, sourceSystem: string, items: ObservationBatchItem[]): Promise<{ received: number; stored: number; alreadyPresent: number }> {
  if (p.role !== 'sysadmin' && !p.facilityCode) throw forbidden();
  return db.tx(async (q) => {
    const ids = [...new Set(items.map((i) => i.residentId))];
    const people = new Map((await q.query<{ id: string; sex: 'M' | 'F'; birth_date: string }>('SELECT id, sex, birth_date FROM residents WHERE id = ANY($1::uuid[]) AND merged_into IS NULL', [ids]))
      .map((r) => [r.id, { sex: r.sex, age: ageOn(r.birth_date, today()) }]));
    const fields: FieldProblem[] = [];
    const norm = items.map((it, i) => {
      const who = people.get(it.residentId);
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
    let stored = 0;
    for (let i = 0; i < items.length; i += 2000) {
      const slice = items.slice(i, i + 2000);
      const ns = norm.slice(i, i + 2000);
      const rows = await q.query(
        `INSERT INTO observations (resident_id, code, value, unit, ref_low, ref_high, flag, observed_at, source_system, source_id)
         SELECT r, c, v, u, lo, hi, f, at, $9, s FROM unnest($1::uuid[], $2::text[], $3::numeric[], $4::text[], $5::numeric[], $6::numeric[], $7::text[], $8::timestamptz[], $10::text[]) AS t(r, c, v, u, lo, hi, f, at, s)
         ON CONFLICT (source_system, source_id) WHERE source_id IS NOT NULL DO NOTHING RETURNING id`,
        [slice.map((x) => x.residentId), ns.map((x) => x!.code), ns.map((x) => x!.value), ns.map((x) => x!.unit), ns.map((x) => x!.refLow ?? null), ns.map((x) => x!.refHigh ?? null),
          ns.map((x) => x!.flag ?? null), slice.map((x) => x.observedAt), sourceSystem, slice.map((x) => x.sourceId)]);
      stored += rows.length;
    }
    await writeAudit(q, actorOf(p, p.ip), { action: 'record.observation_batch', outcome: 'ok', recordType: 'observation_batch', details: { sourceSystem, received: items.length, stored } });
    return { received: items.length, stored, alreadyPresent: items.length - stored };
  });
}

/** Edits a diagnosis if `version` is current (409 otherwise); the previous row is kept in record_versions. */
export async function editDiagnosis(db: Db, p: Principal, o: AccessOptions, id: string, version: number, change: { status?: 'active' | 'resolved'; confirmed?: boolean; onsetDate?: string | null }) {
  const [d] = await db.query<{ resident_id: string }>('SELECT resident_id FROM diagnoses WHERE id = $1', [id]);
  if (!d) throw notFound({ zh: '诊断', en: 'Diagnosis' });
  const { basis, part } = await requireBasis(db, p, d.resident_id, o);
  if (part !== 'all') throw notFound({ zh: '诊断', en: 'Diagnosis' });
  return db.tx(async (q) => {
    const [cur] = await q.query<Record<string, unknown> & { version: number }>('SELECT * FROM diagnoses WHERE id = $1 FOR UPDATE', [id]);
    if (cur.version !== version) throw stale(cur.version);
    await q.query('INSERT INTO record_versions (table_name, row_id, version, data, changed_by) VALUES ($1,$2,$3,$4,$5)', ['diagnoses', id, cur.version, JSON.stringify(cur), p.userId]);
    const [after] = await q.query<{ id: string; version: number; status: string; confirmed: boolean; onset_date: string | null }>(
      `UPDATE diagnoses SET status = COALESCE($2, status), confirmed = COALESCE($3, confirmed), onset_date = CASE WHEN $5 THEN $4::date ELSE onset_date END, version = version + 1
        WHERE id = $1 RETURNING id, version, status, confirmed, onset_date`,
      [id, change.status ?? null, change.confirmed ?? null, change.onsetDate ?? null, change.onsetDate !== undefined]);
    await writeAudit(q, actorOf(p, p.ip), { action: 'record.diagnosis_edit', outcome: 'ok', residentId: d.resident_id, recordType: 'diagnosis', recordId: id, basis, details: { fromVersion: version } });
    return { id: after.id, version: after.version, status: after.status, confirmed: after.confirmed, onsetDate: after.onset_date };
  });
}

/** The previous versions of a record row. */
export async function versions(db: Db, p: Principal, o: AccessOptions, table: 'diagnoses', id: string) {
  const [d] = await db.query<{ resident_id: string }>(`SELECT resident_id FROM ${table} WHERE id = $1`, [id]);
  if (!d) throw notFound();
  await open(db, p, d.resident_id, o, 'record.versions');
  const rows = await db.query<{ version: number; data: unknown; changed_at: Date; username: string | null }>(
    'SELECT v.version, v.data, v.changed_at, u.username FROM record_versions v LEFT JOIN users u ON u.id = v.changed_by WHERE v.table_name = $1 AND v.row_id = $2 ORDER BY v.version', [table, id]);
  return rows.map((r) => ({ version: r.version, data: r.data, changedAt: r.changed_at.toISOString(), changedBy: r.username }));
}

// ---- consent, break-glass, the resident's view ----

/** Break-glass: opens the record for a few hours with a reason, flagged for the facility manager's review. */
export async function breakGlass(db: Db, p: Principal, residentId: string, reason: string, hours = 4): Promise<{ expiresAt: string }> {
  if (!['doctor', 'nurse', 'village_doctor', 'coordinator'].includes(p.role)) throw forbidden();
  return db.tx(async (q) => {
    const [r] = await q.query('SELECT 1 FROM residents WHERE id = $1 AND merged_into IS NULL', [residentId]);
    if (!r) throw notFound({ zh: '居民', en: 'Resident' });
    const [f] = await q.query<{ id: string }>('SELECT id FROM facilities WHERE code = $1', [p.facilityCode]);
    const [g] = await q.query<{ expires_at: Date }>(`INSERT INTO break_glass (resident_id, user_id, facility_id, reason, expires_at) VALUES ($1,$2,$3,$4, now() + make_interval(hours => $5)) RETURNING expires_at`,
      [residentId, p.userId, f?.id ?? null, reason, hours]);
    await writeAudit(q, actorOf(p, p.ip), { action: 'record.break_glass', outcome: 'ok', residentId, recordType: 'break_glass', basis: 'break_glass', details: { reason, hours } });
    return { expiresAt: g.expires_at.toISOString() };
  });
}

/** Break-glass grants awaiting review, for managers (their region) and administrators. */
export async function breakGlassForReview(db: Db, p: Principal, within: string | null) {
  const rows = await db.query<{ id: string; reason: string; granted_at: Date; expires_at: Date; username: string; display_name: string; facility: string | null; resident_name: string }>(
    `SELECT b.id, b.reason, b.granted_at, b.expires_at, u.username, u.display_name, f.name AS facility, r.name AS resident_name
       FROM break_glass b JOIN users u ON u.id = b.user_id LEFT JOIN facilities f ON f.id = b.facility_id JOIN residents r ON r.id = b.resident_id
      WHERE b.reviewed_at IS NULL ${within ? 'AND f.region_code LIKE $1' : ''} ORDER BY b.granted_at DESC LIMIT 200`, within ? [within + '%'] : []);
  await db.tx((q) => writeAudit(q, actorOf(p, p.ip), { action: 'record.break_glass_list', outcome: 'ok', details: { rows: rows.length } }));
  return rows.map((r) => ({ id: r.id, reason: r.reason, grantedAt: r.granted_at.toISOString(), expiresAt: r.expires_at.toISOString(), username: r.username, displayName: r.display_name, facility: r.facility, residentName: r.resident_name }));
}

/** Marks a break-glass grant as reviewed with a note. */
export async function reviewBreakGlass(db: Db, p: Principal, id: string, note: string, within: string | null) {
  await db.tx(async (q) => {
    const rows = await q.query(`UPDATE break_glass b SET reviewed_by = $2, reviewed_at = now(), review_note = $3 FROM facilities f
      WHERE b.id = $1 AND b.reviewed_at IS NULL AND f.id = b.facility_id ${within ? 'AND f.region_code LIKE $4' : ''} RETURNING b.resident_id`,
      within ? [id, p.userId, note, within + '%'] : [id, p.userId, note]);
    if (!rows.length) throw notFound();
    await writeAudit(q, actorOf(p, p.ip), { action: 'record.break_glass_review', outcome: 'ok', recordType: 'break_glass', recordId: id, details: { note } });
  });
}

async function ownResident(q: Queryable, p: Principal): Promise<string> {
  const [u] = await q.query<{ resident_id: string | null }>('SELECT resident_id FROM users WHERE id = $1', [p.userId]);
  if (p.role !== 'resident' || !u?.resident_id) throw forbidden();
  return u.resident_id;
}

/** A resident's consents. */
export async function myConsents(db: Db, p: Principal) {
  const rid = await ownResident(db, p);
  const rows = await db.query<{ id: string; starts_on: string; ends_on: string; withdrawn_at: Date | null; worker: string | null; facility: string | null }>(
    `SELECT c.id, c.starts_on, c.ends_on, c.withdrawn_at, w.name AS worker, f.name AS facility FROM consents c
       LEFT JOIN workers w ON w.id = c.grantee_worker_id LEFT JOIN facilities f ON f.id = c.grantee_facility_id WHERE c.resident_id = $1 ORDER BY c.created_at DESC`, [rid]);
  return rows.map((r) => ({ id: r.id, startsOn: r.starts_on, endsOn: r.ends_on, withdrawnAt: r.withdrawn_at?.toISOString() ?? null, workerName: r.worker, facilityName: r.facility, active: !r.withdrawn_at && r.ends_on >= today() }));
}

/** A resident consents to a facility (by code) or a worker (by id) opening their record until a date. */
export async function giveConsent(db: Db, p: Principal, to: { facilityCode?: string; workerId?: string }, endsOn: string) {
  return db.tx(async (q) => {
    const rid = await ownResident(q, p);
    if (endsOn < today()) throw badRequest('consent.invalid', { zh: '结束日期已过', en: 'The end date has passed' }, [{ path: 'endsOn', problem: 'in the past / 已过' }]);
    let facilityId: string | null = null;
    if (to.facilityCode) {
      const [f] = await q.query<{ id: string }>('SELECT id FROM facilities WHERE code = $1', [to.facilityCode]);
      if (!f) throw badRequest('consent.invalid', { zh: '机构不存在', en: 'Unknown facility' }, [{ path: 'facilityCode', problem: 'unknown / 不存在' }]);
      facilityId = f.id;
    } else if (!to.workerId || !(await q.query('SELECT 1 FROM workers WHERE id = $1', [to.workerId])).length) {
      throw badRequest('consent.invalid', { zh: '须指定机构或医生', en: 'Name a facility or a worker' }, [{ path: 'workerId', problem: 'unknown / 不存在' }]);
    }
    const [c] = await q.query<{ id: string }>('INSERT INTO consents (resident_id, grantee_worker_id, grantee_facility_id, starts_on, ends_on) VALUES ($1,$2,$3,$4,$5) RETURNING id',
      [rid, facilityId ? null : to.workerId, facilityId, today(), endsOn]);
    await writeAudit(q, actorOf(p, p.ip), { action: 'consent.give', outcome: 'ok', residentId: rid, recordType: 'consent', recordId: c.id });
    return { id: c.id };
  });
}

/** Withdraws one of the resident's own consents. */
export async function withdrawConsent(db: Db, p: Principal, id: string) {
  await db.tx(async (q) => {
    const rid = await ownResident(q, p);
    const rows = await q.query('UPDATE consents SET withdrawn_at = now() WHERE id = $1 AND resident_id = $2 AND withdrawn_at IS NULL RETURNING id', [id, rid]);
    if (!rows.length) throw notFound();
    await writeAudit(q, actorOf(p, p.ip), { action: 'consent.withdraw', outcome: 'ok', residentId: rid, recordType: 'consent', recordId: id });
  });
}

/** Every access to the resident's own record: who, from which facility, when, on what basis. */
export async function myAccessLog(db: Db, p: Principal, limit = 200) {
  const rid = await ownResident(db, p);
  const rows = await db.query<{ at: Date; action: string; basis: string | null; display_name: string | null; role: string | null; facility: string | null; username: string | null }>(
    `SELECT a.at, a.action, a.basis, a.role, a.username, u.display_name, f.name AS facility
       FROM audit_log a LEFT JOIN users u ON u.id = a.user_id LEFT JOIN facilities f ON f.code = u.facility_code
      WHERE a.resident_id = $1 AND a.outcome = 'ok' AND (a.action LIKE 'record.%' OR a.action IN ('resident.read', 'resident.reveal', 'scheduling.resident_bookings', 'scheduling.slot_bookings', 'scheduling.bed_board')) AND a.user_id IS DISTINCT FROM $2
      ORDER BY a.id DESC LIMIT $3`, [rid, p.userId, limit]);
  return rows.map((r) => ({ at: r.at instanceof Date ? r.at.toISOString() : String(r.at), action: r.action, basis: r.basis, who: r.display_name ?? r.username ?? '—', role: r.role, facility: r.facility }));
}

/** The resident's own record: summary and timeline through the same code, with basis 'self'. */
export async function myResidentId(db: Db, p: Principal): Promise<string> {
  return ownResident(db, p);
}
