// Report cards (传染病报告卡): drafted from a notifiable diagnosis inside the record's transaction,
// completed and submitted by the diagnosing doctor within the legal limit, reviewed by the county
// CDC's public-health staff, revised as the diagnosis changes. Every write audited.
import type { Db, Queryable } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';
import { actorOf } from '../../platform/auth.ts';
import { badRequest, conflict, notFound, stale } from '../../platform/errors.ts';
import { writeAudit, writeAuditMany } from '../../platform/audit.ts';
import { scopePrefix } from '../../platform/scope.ts';
import type { Keys } from '../../platform/crypto.ts';
import { cardPeople } from '../registry/residents.ts';
import { maskPhone } from '../registry/id-number.ts';
import { ageOn } from '../registry/rules.ts';
import { encounterForCard, type DiagnosesListener, type DiagnosisChangeListener } from '../records/service.ts';
import { dayOf } from '../../shared/time.ts';
import {
  caseClassOf, countdown, diseaseByCode, dueAt, findDuplicate, mayRevise, missingFields, needsGuardian, NEEDS_REASON, notifiableDisease, onTime, reportLimitHours, REVIEW_RESULT, REVIEWS,
  type CardFields, type CaseClass, type ReviewAction,
} from './rules.ts';
import * as store from './store.ts';
import type { CardEdit, CardOut, ReviewIn, ReviseIn } from './schema.ts';

const SYSTEM_ACTOR = { userId: null, username: 'records', role: null, ip: null };

/**
 * The record's listener: a notifiable diagnosis drafts a card for the diagnosing doctor, in the
 * record's transaction, with every field the record and the master index hold (one card per diagnosis).
 */
export const draftFromDiagnoses: DiagnosesListener = async (q, o) => {
  if (!o.encounterId) return [];
  const notifiable = o.diagnoses.map((d) => ({ d, disease: notifiableDisease(d.icd10) })).filter((x) => x.disease && x.d.id && x.d.status !== 'resolved');
  if (!notifiable.length) return [];
  const enc = await encounterForCard(q, o.encounterId);
  const person = (await cardPeople(q, null, [o.residentId])).get(o.residentId);
  if (!enc || !person) return [];
  const ids: string[] = [];
  for (const { d, disease } of notifiable) {
    const diagnosedAt = new Date(o.startedAt ?? enc.started_at);
    const fields: CardFields & Record<string, string | null> = {
      residence: person.countyCode === o.county ? 'this_county' : person.countyCode.slice(0, 4) === o.county.slice(0, 4) ? 'this_city' : person.countyCode.slice(0, 2) === o.county.slice(0, 2) ? 'this_province' : 'other_province',
      occupation: null, guardian: null, workplace: null, remarks: null,
      reportingFacility: enc.facility_name, facilityCode: enc.facility_code, reportingDoctor: enc.worker_name ?? enc.creator_name, chiefComplaint: enc.reason,
    };
    const id = await store.insertCard(q, {
      countyCode: o.county, residentId: o.residentId, encounterId: o.encounterId, diagnosisId: d.id!, disease: disease!.code, diseaseClass: disease!.class, icd10: d.icd10, caseClass: caseClassOf(d.confirmed),
      onsetDate: d.onsetDate ?? null, diagnosedAt, dueAt: dueAt(diagnosedAt, disease!), facilityId: enc.facility_id, doctorUserId: o.userId ?? enc.created_by, townshipCode: person.townshipCode, fields,
    });
    if (!id) continue;
    await store.insertCardEvent(q, { cardId: id, actorId: o.userId ?? null, actorName: fields.reportingDoctor ?? null, action: 'drafted', fromStatus: null, toStatus: 'draft', toClass: caseClassOf(d.confirmed) });
    ids.push(id);
  }
  if (ids.length) await writeAuditMany(q, ids.map((id) => ({ actor: SYSTEM_ACTOR, entry: { action: 'surveillance.card_drafted', outcome: 'ok' as const, residentId: o.residentId, recordType: 'report_card', recordId: id } })));
  return ids;
};

/** The record's listener for an edited diagnosis: a suspected case the doctor now confirms is revised to confirmed on its card. */
export const reviseFromDiagnosis: DiagnosisChangeListener = async (q, o) => {
  for (const c of await store.cardByDiagnosis(q, o.diagnosisId)) {
    if (!o.confirmed || c.case_class !== 'suspected' || ['deleted', 'duplicate'].includes(c.status)) continue;
    await store.updateCard(q, c.id, { caseClass: 'confirmed' });
    await store.insertCardEvent(q, { cardId: c.id, actorId: o.userId, actorName: null, action: 'revised', fromStatus: c.status, toStatus: c.status, fromClass: 'suspected', toClass: 'confirmed', reason: 'diagnosis confirmed in the record / 病历中诊断已确诊' });
    await writeAudit(q, { userId: o.userId, username: null, role: null, ip: null }, { action: 'surveillance.card_revised', outcome: 'ok', residentId: c.resident_id, recordType: 'report_card', recordId: c.id, details: { from: 'suspected', to: 'confirmed' } });
  }
};

const isClinician = (p: Principal) => p.role === 'doctor' || p.role === 'village_doctor';

/** Whether the principal may see the card: its doctor or a colleague at its facility; public-health staff (and sysadmins) within their region. */
async function maySee(q: Queryable, p: Principal, c: store.CardRow): Promise<boolean> {
  if (isClinician(p)) return c.doctor_user_id === p.userId || (!!p.facilityCode && c.fields.facilityCode === p.facilityCode);
  if (p.role === 'public_health' || p.role === 'sysadmin') {
    const prefix = await scopePrefix(q, p);
    return prefix === null || c.county_code.startsWith(prefix) || c.township_code.startsWith(prefix);
  }
  return false;
}

async function loadVisible(q: Queryable, p: Principal, id: string, lock = false): Promise<store.CardRow> {
  const c = await store.cardById(q, id, lock);
  if (!c || !(await maySee(q, p, c))) throw notFound({ zh: '报告卡', en: 'Report card' });
  return c;
}

/** A card as the pages show it: the patient from the master index (ID masked), the countdown, what is missing, the reviews allowed. */
async function toOut(q: Queryable, keys: Keys, rows: store.CardRow[], now = new Date()): Promise<CardOut[]> {
  const people = await cardPeople(q, keys, [...new Set(rows.map((r) => r.resident_id))]);
  const events = rows.length ? await store.cardEvents(q, rows.map((r) => r.id)) : [];
  const others = new Map<string, Awaited<ReturnType<typeof store.cardsOfResident>>>();
  for (const rid of new Set(rows.map((r) => r.resident_id))) others.set(rid, await store.cardsOfResident(q, rid));
  return rows.map((c) => {
    const d = diseaseByCode(c.disease);
    const person = people.get(c.resident_id);
    const age = person ? ageOn(person.birthDate, dayOf(c.diagnosed_at)) : 0;
    const f = c.fields;
    const flat: CardFields = {
      patientName: person?.name ?? null, idNumber: person?.idMasked ?? null, sex: person?.sex ?? null, birthDate: person?.birthDate ?? null, address: person?.villageName ?? null, addressCode: person?.villageCode ?? null,
      residence: f.residence ?? null, occupation: f.occupation ?? null, caseClass: c.case_class, onsetDate: c.onset_date, diagnosedAt: c.diagnosed_at.toISOString(), disease: c.disease,
      reportingFacility: f.reportingFacility ?? null, reportingDoctor: f.reportingDoctor ?? null, reportedOn: c.submitted_at ? dayOf(c.submitted_at) : dayOf(now),
    };
    const missing = missingFields(flat);
    if (needsGuardian(age) && !f.guardian) missing.push('guardian');
    const key = (x: { id: string; resident_id: string; disease: string; diagnosed_on: string; status: string; case_class: string }) =>
      ({ id: x.id, residentId: x.resident_id, disease: x.disease, diagnosedOn: x.diagnosed_on, status: x.status, caseClass: x.case_class as CaseClass });
    const mine = others.get(c.resident_id) ?? [];
    const self = mine.find((x) => x.id === c.id);
    // only an earlier card (the list is in diagnosis order) can be the one this card duplicates
    const earlier = self ? mine.slice(0, mine.indexOf(self)) : [];
    const dup = self && !['deleted', 'duplicate'].includes(c.status) ? findDuplicate(key(self), earlier.map(key)) : null;
    return {
      id: c.id, version: c.version, status: c.status, disease: c.disease, diseaseNameZh: d?.nameZh ?? c.disease, diseaseNameEn: d?.nameEn ?? c.disease, diseaseClass: c.disease_class, icd10: c.icd10,
      caseClass: c.case_class, onsetDate: c.onset_date, diagnosedAt: c.diagnosed_at.toISOString(), dueAt: c.due_at.toISOString(), limitHours: d ? reportLimitHours(d) : 24,
      countdown: c.status === 'draft' || c.status === 'returned' ? countdown(c.diagnosed_at, c.due_at, now) : null,
      submittedAt: c.submitted_at?.toISOString() ?? null, onTime: c.submitted_at ? onTime(c.submitted_at, c.due_at) : null,
      patient: person ? { residentId: c.resident_id, name: person.name, idMasked: person.idMasked, sex: person.sex, birthDate: person.birthDate, age, phoneMasked: person.phone ? maskPhone(person.phone) : null,
        address: person.villageName, addressCode: person.villageCode, townshipName: person.townshipName } : null,
      fields: { residence: (f.residence ?? null) as CardOut['fields']['residence'], occupation: (f.occupation ?? null) as CardOut['fields']['occupation'], guardian: f.guardian ?? null, workplace: f.workplace ?? null, remarks: f.remarks ?? null },
      facilityName: f.reportingFacility ?? '', doctorName: f.reportingDoctor ?? null, missing,
      reviewReason: c.review_reason, reviewedAt: c.reviewed_at?.toISOString() ?? null, duplicateOf: c.duplicate_of, probableDuplicateOf: dup?.id ?? null,
      reviews: [...REVIEWS[c.status]],
      events: events.filter((e) => e.card_id === c.id).map((e) => ({ at: e.at.toISOString(), action: e.action, fromStatus: e.from_status, toStatus: e.to_status, fromClass: e.from_class, toClass: e.to_class, reason: e.reason, actor: e.actor_name })),
    };
  });
}

async function auditListed(q: Queryable, p: Principal, action: string, rows: store.CardRow[]): Promise<void> {
  await writeAuditMany(q, [{ actor: actorOf(p, p.ip), entry: { action, outcome: 'ok', recordType: 'report_card', details: { count: rows.length } } },
    ...[...new Set(rows.map((r) => r.resident_id))].map((rid) => ({ actor: actorOf(p, p.ip), entry: { action: 'record.listed', outcome: 'ok' as const, residentId: rid, recordType: 'report_card', basis: 'infectious_disease_report' } }))]);
}

/** The doctor's cards: those they drafted or their facility holds, open ones first. */
export async function myCards(db: Db, keys: Keys, p: Principal): Promise<CardOut[]> {
  return db.tx(async (q) => {
    const rows = await store.cardsOfDoctor(q, p.userId, p.facilityCode);
    await auditListed(q, p, 'surveillance.cards_mine', rows);
    return toOut(q, keys, rows);
  });
}

/** The county CDC's review list (submitted first), within the reviewer's region. */
export async function reviewList(db: Db, keys: Keys, p: Principal, status: string | null): Promise<CardOut[]> {
  return db.tx(async (q) => {
    const rows = await store.cardsInRegion(q, await scopePrefix(q, p), status);
    await auditListed(q, p, 'surveillance.cards_review_list', rows);
    return toOut(q, keys, rows);
  });
}

/** One card. */
export async function getCard(db: Db, keys: Keys, p: Principal, id: string): Promise<CardOut> {
  return db.tx(async (q) => {
    const c = await loadVisible(q, p, id);
    await writeAudit(q, actorOf(p, p.ip), { action: 'surveillance.card_read', outcome: 'ok', residentId: c.resident_id, recordType: 'report_card', recordId: id, basis: 'infectious_disease_report' });
    return (await toOut(q, keys, [c]))[0];
  });
}

const check = (c: store.CardRow, version: number) => { if (c.version !== version) throw stale(c.version); };
const wrongState = (status: string) => conflict('surveillance.card_state', { zh: `报告卡当前状态（${status}）不允许此操作`, en: `The card's status (${status}) does not allow this` });

/** The doctor completes a draft or a returned card (the fields the record does not hold). */
export async function editCard(db: Db, keys: Keys, p: Principal, id: string, e: CardEdit): Promise<CardOut> {
  return db.tx(async (q) => {
    const c = await loadVisible(q, p, id, true);
    if (!isClinician(p)) throw notFound({ zh: '报告卡', en: 'Report card' });
    check(c, e.version);
    if (c.status !== 'draft' && c.status !== 'returned') throw wrongState(c.status);
    const fields = { ...c.fields };
    for (const k of ['residence', 'occupation', 'guardian', 'workplace', 'remarks'] as const) if (e[k] !== undefined) fields[k] = e[k] ?? null;
    await store.updateCard(q, id, { fields, onsetDate: e.onsetDate });
    await store.insertCardEvent(q, { cardId: id, actorId: p.userId, actorName: p.displayName, action: 'edited', fromStatus: c.status, toStatus: c.status });
    await writeAudit(q, actorOf(p, p.ip), { action: 'surveillance.card_edit', outcome: 'ok', residentId: c.resident_id, recordType: 'report_card', recordId: id });
    return (await toOut(q, keys, [(await store.cardById(q, id))!]))[0];
  });
}

/** The doctor submits the card: every field of the national card filled, else 400 naming them. */
export async function submitCard(db: Db, keys: Keys, p: Principal, id: string, version: number, now = new Date()): Promise<CardOut> {
  return db.tx(async (q) => {
    const c = await loadVisible(q, p, id, true);
    if (!isClinician(p)) throw notFound({ zh: '报告卡', en: 'Report card' });
    check(c, version);
    if (c.status !== 'draft' && c.status !== 'returned') throw wrongState(c.status);
    const [out] = await toOut(q, keys, [c], now);
    if (out.missing.length) {
      throw badRequest('surveillance.card_incomplete', { zh: `报告卡尚有 ${out.missing.length} 项未填写`, en: `${out.missing.length} field(s) of the card are empty` },
        out.missing.map((m) => ({ path: m, problem: 'required / 必填' })));
    }
    await store.updateCard(q, id, { status: 'submitted', submittedAt: now, reviewReason: null });
    await store.insertCardEvent(q, { cardId: id, actorId: p.userId, actorName: p.displayName, action: 'submitted', fromStatus: c.status, toStatus: 'submitted' });
    await writeAudit(q, actorOf(p, p.ip), { action: 'surveillance.card_submit', outcome: 'ok', residentId: c.resident_id, recordType: 'report_card', recordId: id, details: { onTime: onTime(now, c.due_at) } });
    return (await toOut(q, keys, [(await store.cardById(q, id))!], now))[0];
  });
}

/** The CDC reviews a card: accept, return for correction (reason), mark a duplicate (of an earlier card of the same person and disease), or delete (reason). */
export async function reviewCard(db: Db, keys: Keys, p: Principal, id: string, r: ReviewIn): Promise<CardOut> {
  return db.tx(async (q) => {
    const c = await loadVisible(q, p, id, true);
    if (p.role !== 'public_health' && p.role !== 'sysadmin') throw notFound({ zh: '报告卡', en: 'Report card' });
    check(c, r.version);
    const action = r.action as ReviewAction;
    if (!REVIEWS[c.status].includes(action)) throw wrongState(c.status);
    if (NEEDS_REASON.has(action) && !r.reason) throw badRequest('surveillance.reason_required', { zh: '请填写原因', en: 'A reason is required' }, [{ path: 'reason', problem: 'required / 必填' }]);
    let duplicateOf: string | null = null;
    if (action === 'duplicate') {
      const mine = await store.cardsOfResident(q, c.resident_id);
      const key = (x: (typeof mine)[number]) => ({ id: x.id, residentId: x.resident_id, disease: x.disease, diagnosedOn: x.diagnosed_on, status: x.status, caseClass: x.case_class as CaseClass });
      const self = mine.find((x) => x.id === id)!;
      const candidates = mine.slice(0, mine.indexOf(self)).filter((x) => !r.duplicateOf || x.id === r.duplicateOf);
      const dup = findDuplicate(key(self), candidates.map(key));
      if (!dup) throw badRequest('surveillance.not_duplicate', { zh: '没有同一患者同一病种在时限内的其他有效报告卡', en: 'No other live card of the same person and disease within the window' }, [{ path: 'duplicateOf', problem: 'no such card / 无对应报告卡' }]);
      duplicateOf = dup.id;
    }
    const to = REVIEW_RESULT[action];
    await store.updateCard(q, id, { status: to, reviewedAt: new Date(), reviewedBy: p.userId, reviewReason: r.reason ?? null, duplicateOf });
    await store.insertCardEvent(q, { cardId: id, actorId: p.userId, actorName: p.displayName, action, fromStatus: c.status, toStatus: to, reason: r.reason ?? null });
    await writeAudit(q, actorOf(p, p.ip), { action: `surveillance.card_${action}`, outcome: 'ok', residentId: c.resident_id, recordType: 'report_card', recordId: id, details: { reason: r.reason ?? null, duplicateOf } });
    return (await toOut(q, keys, [(await store.cardById(q, id))!]))[0];
  });
}

/** A card's case classification revised (订正): suspected → clinical/confirmed → excluded, by its doctor or the CDC, with a reason. */
export async function reviseCard(db: Db, keys: Keys, p: Principal, id: string, r: ReviseIn): Promise<CardOut> {
  return db.tx(async (q) => {
    const c = await loadVisible(q, p, id, true);
    check(c, r.version);
    if (['deleted', 'duplicate'].includes(c.status)) throw wrongState(c.status);
    if (!mayRevise(c.case_class, r.caseClass)) {
      throw badRequest('surveillance.revision_invalid', { zh: `病例分类不能从 ${c.case_class} 订正为 ${r.caseClass}`, en: `The case class cannot be revised from ${c.case_class} to ${r.caseClass}` }, [{ path: 'caseClass', problem: 'not allowed / 不允许' }]);
    }
    await store.updateCard(q, id, { caseClass: r.caseClass });
    await store.insertCardEvent(q, { cardId: id, actorId: p.userId, actorName: p.displayName, action: 'revised', fromStatus: c.status, toStatus: c.status, fromClass: c.case_class, toClass: r.caseClass, reason: r.reason });
    await writeAudit(q, actorOf(p, p.ip), { action: 'surveillance.card_revised', outcome: 'ok', residentId: c.resident_id, recordType: 'report_card', recordId: id, details: { from: c.case_class, to: r.caseClass, reason: r.reason } });
    return (await toOut(q, keys, [(await store.cardById(q, id))!]))[0];
  });
}
