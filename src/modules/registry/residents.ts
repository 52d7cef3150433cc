// The resident master index: one record per person, identifiers encrypted with a lookup hash,
// duplicates refused or flagged, merges that move everything attached and can be undone.
import { today } from '../../shared/time.ts';
import type { Db, Queryable } from '../../platform/db.ts';
import { AppError, badRequest, conflict, notFound, type FieldProblem, stale } from '../../platform/errors.ts';
import { auditBatcher, writeAudit, type Actor } from '../../platform/audit.ts';
import { decrypt, encrypt, lookupHash, type Keys } from '../../platform/crypto.ts';
import { validateIdNumber, maskIdNumber, maskOtherId, maskPhone } from './id-number.ts';
import { pinyinKeys } from './names.ts';
import { ageOn, priorityGroupsOf } from './rules.ts';
import * as store from './store.ts';
import type { ResidentIn, ResidentOut } from './schema.ts';

export const ID_TYPES = ['resident_id', 'passport', 'hk_macao_permit', 'taiwan_permit', 'residence_permit', 'birth_certificate', 'medical_record'] as const;
export type IdType = (typeof ID_TYPES)[number];

/** What a request carries (schema.ts, by z.infer). */
export type ResidentInput = ResidentIn;

/** What the API shows (schema.ts, by z.infer). */
export type Resident = ResidentOut;


const PHONE = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;

function toResident(keys: Keys, r: store.ResidentRow, on = today()): Resident {
  const idNumber = decrypt(keys, r.id_number_enc);
  return {
    id: r.id, name: r.name, sex: r.sex, age: ageOn(r.birth_date, r.death_date ?? on), idType: r.id_type,
    idNumberMasked: r.id_type === 'resident_id' ? maskIdNumber(idNumber) : maskOtherId(idNumber),
    phoneMasked: r.phone_enc ? maskPhone(decrypt(keys, r.phone_enc)) : null,
    ethnicity: r.ethnicity, villageCode: r.village_code, villageName: r.village_name, townshipName: r.township_name,
    registeredVillageCode: r.registered_village_code, registeredPlace: r.registered_place, householdNo: r.household_no, relationToHead: r.relation_to_head, permanent: r.permanent,
    deathDate: r.death_date, priorityGroups: priorityGroupsOf(r.birth_date, r.conditions, on), conditions: r.conditions, mergedInto: r.merged_into, version: r.version,
  };
}

interface Checked {
  idNumber: string;
  sex: 'M' | 'F';
  birthDate: string;
  phone: string | null;
}

async function checkInput(q: Queryable, input: ResidentInput, within: string | null): Promise<Checked> {
  const fields: FieldProblem[] = [];
  let idNumber = input.idNumber.trim();
  let sex = input.sex;
  let birthDate = input.birthDate;
  if (input.idType === 'resident_id') {
    const v = validateIdNumber(idNumber, { birthDate, sex });
    if (!v.ok) for (const p of v.problems) fields.push({ path: 'idNumber', problem: `${p.en} / ${p.zh}` });
    else {
      idNumber = v.value;
      sex ??= v.sex;
      birthDate ??= v.birthDate;
    }
  } else if (!/^[A-Za-z0-9-]{5,30}$/.test(idNumber)) fields.push({ path: 'idNumber', problem: '5–30 letters, digits or - / 应为5–30位字母、数字或-' });
  if (!sex) fields.push({ path: 'sex', problem: 'required for this identifier type / 必填' });
  if (!birthDate) fields.push({ path: 'birthDate', problem: 'required for this identifier type / 必填' });
  else if (birthDate > today()) fields.push({ path: 'birthDate', problem: 'in the future / 不能晚于今天' });
  const phone = input.phone?.trim() || null;
  if (phone && !PHONE.test(phone)) fields.push({ path: 'phone', problem: 'not a mobile (11 digits from 13–19) or landline number / 不是有效的手机或固定电话号码' });
  if (!input.name.trim() || input.name.length > 50) fields.push({ path: 'name', problem: '1–50 characters / 1–50个字符' });
  const level = await store.regionLevel(q, input.villageCode);
  if (level !== 'village') fields.push({ path: 'villageCode', problem: 'not a known village or community code / 不是已知的村（居）委会代码' });
  else if (within && !input.villageCode.startsWith(within)) fields.push({ path: 'villageCode', problem: 'outside your scope / 超出您的管辖范围' });
  if (input.registeredVillageCode && !(await store.regionLevel(q, input.registeredVillageCode))) {
    fields.push({ path: 'registeredVillageCode', problem: 'unknown region / 未知行政区划' });
  }
  if (fields.length) throw badRequest('resident.invalid', { zh: '居民信息有误', en: 'Invalid resident' }, fields);
  return { idNumber, sex: sex!, birthDate: birthDate!, phone };
}

async function householdId(q: Queryable, householdNo: string | null | undefined, villageCode: string): Promise<string | null> {
  return householdNo ? store.householdId(q, householdNo, villageCode) : null;
}

export interface DuplicateCandidate {
  id: string;
  name: string;
  birthDate: string;
  villageName: string;
  reasons: string[];
}

async function probableDuplicates(q: Queryable, keys: Keys, id: string | null, name: string, pinyin: string, birthDate: string, villageCode: string, phone: string | null): Promise<DuplicateCandidate[]> {
  const phoneHash = phone ? lookupHash(keys, phone) : null;
  const rows = await store.sameNameAndBirth(q, birthDate, name, pinyin, id);
  return rows.map((r) => ({
    id: r.id, name: r.name, birthDate: r.birth_date, villageName: r.village_name,
    reasons: [
      r.name === name ? 'same_name' : 'same_pinyin', 'same_birth_date',
      ...(r.village_code === villageCode ? ['same_village'] : []), ...(phoneHash && r.phone_hash === phoneHash ? ['same_phone'] : []),
    ],
  }));
}

function valuesOf(keys: Keys, input: ResidentInput, c: Checked, idHash: string, hh: string | null, cur?: store.ResidentRow): store.ResidentValues {
  const py = pinyinKeys(input.name.trim());
  return {
    idType: input.idType, idNumberEnc: encrypt(keys, c.idNumber), idNumberHash: idHash, idNumberLast4: c.idNumber.slice(-4), name: input.name.trim(), namePinyin: py.full, nameInitials: py.initials,
    sex: c.sex, birthDate: c.birthDate, ethnicity: input.ethnicity ?? cur?.ethnicity ?? '汉族', phoneEnc: c.phone ? encrypt(keys, c.phone) : null, phoneHash: c.phone ? lookupHash(keys, c.phone) : null,
    phoneLast4: c.phone?.slice(-4) ?? null, householdId: hh, relationToHead: input.relationToHead ?? null, villageCode: input.villageCode,
    registeredVillageCode: input.registeredVillageCode ?? (cur ? cur.registered_village_code : input.villageCode), permanent: input.permanent ?? cur?.permanent ?? true,
  };
}

/** Registers a resident: refuses an identifier already indexed (naming that record), flags probable duplicates. */
export async function createResident(db: Db, keys: Keys, actor: Actor, input: ResidentInput, within: string | null): Promise<{ resident: Resident; possibleDuplicates: DuplicateCandidate[] }> {
  return db.tx(async (q) => {
    const c = await checkInput(q, input, within);
    const idHash = lookupHash(keys, c.idNumber);
    const existing = await store.residentWithIdentifier(q, input.idType, idHash, null);
    if (existing) {
      throw new AppError(409, 'resident.duplicate_id', { zh: `该证件号码已登记：${existing.name}（${existing.id}）`, en: `This identifier is already registered: ${existing.name} (${existing.id})` },
        [{ path: 'idNumber', problem: `already registered as resident ${existing.id} / 已登记` }]);
    }
    const hh = await householdId(q, input.householdNo, input.villageCode);
    const values = valuesOf(keys, input, c, idHash, hh);
    const id = await store.insertResident(q, values);
    const dups = await probableDuplicates(q, keys, id, values.name, values.namePinyin, c.birthDate, input.villageCode, c.phone);
    for (const d of dups) {
      const [a, b] = [id, d.id].sort();
      await store.flagDuplicate(q, a, b, d.reasons);
    }
    await writeAudit(q, actor, { action: 'resident.create', outcome: 'ok', residentId: id, recordType: 'resident', recordId: id, details: { flaggedDuplicates: dups.length } });
    return { resident: toResident(keys, (await store.residentById(q, id, null))!), possibleDuplicates: dups };
  });
}

/** Reads one resident inside the scope (404 outside it, or once merged away unless asked); the read is audited with its basis. */
export async function getResident(db: Db, keys: Keys, actor: Actor, id: string, within: string | null, basis: string): Promise<Resident> {
  return db.tx(async (q) => {
    const r = await store.residentById(q, id, within);
    if (!r) throw notFound({ zh: '居民', en: 'Resident' });
    await writeAudit(q, actor, { action: 'resident.read', outcome: 'ok', residentId: id, recordType: 'resident', recordId: id, basis });
    return toResident(keys, r);
  });
}

/**
 * getResident for many readers at once (the FHIR face's Patient read): the row read outside a
 * transaction, the audit row written through the database's read batcher (group commit), the answer
 * given once that row is committed. Never inside an open transaction.
 */
export async function readResident(db: Db, keys: Keys, actor: Actor, id: string, within: string | null, basis: string): Promise<Resident> {
  const r = await store.residentById(db, id, within);
  if (!r) throw notFound({ zh: '居民', en: 'Resident' });
  await auditBatcher(db).write(actor, { action: 'resident.read', outcome: 'ok', residentId: id, recordType: 'resident', recordId: id, basis });
  return toResident(keys, r);
}

/** Reveals the full identifier and phone of a resident: an explicit, audited action. */
export async function revealResident(db: Db, keys: Keys, actor: Actor, id: string, within: string | null, reason: string): Promise<{ idNumber: string; phone: string | null }> {
  return db.tx(async (q) => {
    const r = await store.residentById(q, id, within);
    if (!r) throw notFound({ zh: '居民', en: 'Resident' });
    await writeAudit(q, actor, { action: 'resident.reveal', outcome: 'ok', residentId: id, recordType: 'resident', recordId: id, basis: 'registry_scope', details: { reason } });
    return { idNumber: decrypt(keys, r.id_number_enc), phone: r.phone_enc ? decrypt(keys, r.phone_enc) : null };
  });
}

export interface SearchInput {
  q?: string;
  villageCode?: string;
  limit: number;
  offset: number;
}

/** Searches the index inside the scope by name, pinyin or initials, full ID number (hash), or phone; results masked. */
export async function searchResidents(db: Db, keys: Keys, actor: Actor, within: string | null, s: SearchInput): Promise<{ items: Resident[]; total: number }> {
  const f: store.ResidentSearch = { within, village: s.villageCode ? s.villageCode.replace(/0+$/, '') : null, idHash: null, phoneHash: null, pinyin: null, name: null, limit: s.limit, offset: s.offset };
  const term = s.q?.trim() ?? '';
  let kind = 'none';
  if (term) {
    if (/^\d{17}[\dXx]$/.test(term)) {
      kind = 'id_number';
      f.idHash = lookupHash(keys, term.toUpperCase());
    } else if (/^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/.test(term)) {
      kind = 'phone';
      f.phoneHash = lookupHash(keys, term);
    } else if (/^[A-Za-z0-9-]{5,30}$/.test(term) && /\d/.test(term)) {
      kind = 'other_id';
      f.idHash = lookupHash(keys, term);
    } else if (/^[a-zA-Z]+$/.test(term)) {
      kind = 'pinyin';
      f.pinyin = term.toLowerCase();
    } else {
      kind = 'name';
      f.name = term;
    }
  }
  const { rows, total: n } = await store.searchResidents(db, f);
  // A search is a read of personal data (names of the people found): audited without listing them.
  await db.tx((q) => writeAudit(q, actor, { action: 'resident.search', outcome: 'ok', basis: 'registry_scope', details: { kind, found: n } }));
  return { items: rows.map((r) => toResident(keys, r)), total: n };
}

/** Updates demographics if `version` is current (409 otherwise); the previous values go to the audit row. */
export async function updateResident(db: Db, keys: Keys, actor: Actor, id: string, version: number, input: ResidentInput, within: string | null): Promise<Resident> {
  return db.tx(async (q) => {
    const found = await store.residentById(q, id, within);
    if (!found || found.merged_into) throw notFound({ zh: '居民', en: 'Resident' });
    const cur = found;
    const c = await checkInput(q, input, within);
    const idHash = lookupHash(keys, c.idNumber);
    const clash = await store.residentWithIdentifier(q, input.idType, idHash, id);
    if (clash) throw conflict('resident.duplicate_id', { zh: `该证件号码已登记：${clash.name}（${clash.id}）`, en: `This identifier is already registered: ${clash.name} (${clash.id})` }, [{ path: 'idNumber', problem: `already registered as resident ${clash.id}` }]);
    const hh = await householdId(q, input.householdNo, input.villageCode);
    const updated = await store.updateResident(q, id, version, valuesOf(keys, input, c, idHash, hh, cur));
    if (!updated) throw stale(cur.version);
    const before = toResident(keys, cur);
    await writeAudit(q, actor, { action: 'resident.update', outcome: 'ok', residentId: id, recordType: 'resident', recordId: id,
      details: { before: { ...before, idNumberMasked: undefined, phoneMasked: undefined }, version } });
    return toResident(keys, (await store.residentById(q, id, null))!);
  });
}

/** Records a death (date of death); audited. */
export async function recordDeath(db: Db, actor: Actor, id: string, deathDate: string, within: string | null): Promise<void> {
  await db.tx(async (q) => {
    if (!(await store.recordDeath(q, id, deathDate, within))) throw notFound({ zh: '居民', en: 'Resident' });
    await writeAudit(q, actor, { action: 'resident.death', outcome: 'ok', residentId: id, recordType: 'resident', recordId: id, details: { deathDate } });
  });
}

/** Adds or removes a condition tag held by a care module (e.g. hypertension on enrolment). */
export async function setCondition(q: Queryable, residentId: string, condition: string, present: boolean): Promise<void> {
  await (present ? store.addCondition(q, residentId, condition) : store.removeCondition(q, residentId, condition));
}

// ---- duplicates and merges ----

export interface DuplicatePair {
  id: string;
  status: string;
  reasons: string[];
  a: Resident;
  b: Resident;
  createdAt: string;
}

/** Lists open duplicate pairs with both residents inside the scope. */
export async function listDuplicates(db: Db, keys: Keys, actor: Actor, within: string | null): Promise<DuplicatePair[]> {
  const pairs = await store.openDuplicates(db, within);
  if (!pairs.length) return [];
  const ids = pairs.flatMap((p) => [p.resident_a, p.resident_b]);
  const rows = await store.residentsByIds(db, ids);
  const byId = new Map(rows.map((r) => [r.id, toResident(keys, r)]));
  await db.tx((q) => writeAudit(q, actor, { action: 'resident.duplicates_list', outcome: 'ok', basis: 'registry_scope', details: { pairs: pairs.length } }));
  return pairs.map((p) => ({ id: p.id, status: p.status, reasons: p.reasons, a: byId.get(p.resident_a)!, b: byId.get(p.resident_b)!, createdAt: p.created_at.toISOString() }));
}

/** Merges `mergedId` into `survivorId`: every attached row moves to the survivor; audited; undoable. */
export async function mergeResidents(db: Db, actor: Actor, survivorId: string, mergedId: string, within: string | null, duplicateId?: string): Promise<{ mergeId: string; moved: Record<string, number> }> {
  if (survivorId === mergedId) throw badRequest('resident.merge_same', { zh: '不能与自身合并', en: 'Cannot merge a record into itself' }, [{ path: 'survivorId', problem: 'same as the merged record' }]);
  return db.tx(async (q) => {
    const found = await store.lockResidents(q, [survivorId, mergedId], within);
    if (found.length !== 2) throw notFound({ zh: '居民', en: 'Resident' });
    if (found.some((r) => r.merged_into)) throw conflict('resident.already_merged', { zh: '其中一条记录已被合并', en: 'One of the records was already merged' });
    const moved: Record<string, string[]> = {};
    // Tables whose rows belong to a resident are found from the foreign keys, so that a module added
    // later is covered by merge without touching this code. Each must have an `id` primary key.
    for (const t of await store.attachedTables(q)) {
      let rows: string[];
      try {
        rows = await store.moveAllAttached(q, t.table, t.column, survivorId, mergedId);
      } catch (e) {
        // Both records hold something only one person may hold (an active enrolment, a bed, a booking of the
        // same session): a person must decide which stays; the transaction rolls back, nothing moves.
        if ((e as { code?: string }).code === '23505') {
          throw conflict('resident.merge_conflict', { zh: `两条记录在 ${t.table} 中各有一条只能保留一条的记录，请先处理其中一条再合并`, en: `Both records hold a row in ${t.table} that only one person may hold; resolve one of them before merging` },
            [{ path: t.table, problem: 'both records hold a row that must be unique per person / 两条记录各有一条须唯一的记录' }]);
        }
        throw e;
      }
      if (rows.length) moved[`${t.table}.${t.column}`] = rows;
    }
    // The survivor inherits the merged record's conditions (the union), recorded for undo.
    const before = await store.conditionsOf(q, survivorId);
    await store.inheritConditions(q, survivorId, mergedId);
    await store.setMergedInto(q, mergedId, survivorId);
    const mergeId = await store.insertMerge(q, survivorId, mergedId, { rows: moved, survivorConditions: before }, actor.userId);
    await store.closePairsMerged(q, mergedId, actor.userId, duplicateId ?? null);
    await writeAudit(q, actor, { action: 'resident.merge', outcome: 'ok', residentId: survivorId, recordType: 'resident_merge', recordId: mergeId, details: { mergedId, moved: Object.fromEntries(Object.entries(moved).map(([k, v]) => [k, v.length])) } });
    return { mergeId, moved: Object.fromEntries(Object.entries(moved).map(([k, v]) => [k, v.length])) };
  });
}

/** Undoes a merge: exactly the rows that moved go back, the merged record is live again. */
export async function undoMerge(db: Db, actor: Actor, mergeId: string, within: string | null): Promise<void> {
  await db.tx(async (q) => {
    const m = await store.lockMerge(q, mergeId, within);
    if (!m) throw notFound({ zh: '合并记录', en: 'Merge' });
    if (m.undone_at) throw conflict('resident.merge_undone', { zh: '该合并已撤销', en: 'This merge was already undone' });
    for (const [key, ids] of Object.entries(m.moved.rows)) {
      const [table, column] = key.split('.');
      await store.moveAttachedRows(q, table, column, m.merged_id, ids);
    }
    if (await store.identifierClash(q, m.merged_id)) throw conflict('resident.duplicate_id', { zh: '撤销后证件号码将重复', en: 'Undoing would duplicate an identifier' });
    await store.setMergedInto(q, m.merged_id, null);
    await store.setConditions(q, m.survivor_id, m.moved.survivorConditions);
    await store.markMergeUndone(q, mergeId, actor.userId);
    await store.reopenPairUndone(q, m.survivor_id, m.merged_id);
    await writeAudit(q, actor, { action: 'resident.merge_undo', outcome: 'ok', residentId: m.survivor_id, recordType: 'resident_merge', recordId: mergeId });
  });
}

/** Marks a flagged pair as two distinct people. */
export async function markDistinct(db: Db, actor: Actor, duplicateId: string, within: string | null): Promise<void> {
  await db.tx(async (q) => {
    if (!(await store.markDistinct(q, duplicateId, actor.userId, within))) throw notFound({ zh: '疑似重复记录', en: 'Duplicate pair' });
    await writeAudit(q, actor, { action: 'resident.mark_distinct', outcome: 'ok', recordType: 'resident_duplicate', recordId: duplicateId });
  });
}

/** The live resident a phone number or ID number names (null when none, or more than one share the phone). */
export async function residentIdByLogin(q: Queryable, keys: Keys, login: string): Promise<string | null> {
  const v = login.trim().toUpperCase();
  const rows = /^\d{17}[\dX]$/.test(v) ? await store.liveResidentsByIdHash(q, lookupHash(keys, v)) : /^1[3-9]\d{9}$/.test(v) ? await store.liveResidentsByPhoneHash(q, lookupHash(keys, v)) : [];
  return rows.length === 1 ? rows[0].id : null;
}

/** The name of a live (not merged away) resident, or null. */
export function liveResidentName(q: Queryable, id: string): Promise<string | null> {
  return store.liveResidentName(q, id);
}

/** The master-index facts a report card needs for live residents, with the ID number masked and the phone decrypted (for the card's contact field) when keys are given. */
export async function cardPeople(q: Queryable, keys: Keys | null, ids: readonly string[]): Promise<Map<string, { name: string; sex: 'M' | 'F'; birthDate: string; deathDate: string | null; idMasked: string | null; phone: string | null; villageCode: string; villageName: string; townshipCode: string; townshipName: string | null; countyCode: string; registeredVillageCode: string | null }>> {
  const rows = ids.length ? await store.cardPeople(q, ids) : [];
  return new Map(rows.map((r) => [r.id, {
    name: r.name, sex: r.sex, birthDate: r.birth_date, deathDate: r.death_date,
    idMasked: !keys ? null : r.id_type === 'resident_id' ? maskIdNumber(decrypt(keys, r.id_number_enc)) : maskOtherId(decrypt(keys, r.id_number_enc)),
    phone: keys && r.phone_enc ? decrypt(keys, r.phone_enc) : null, villageCode: r.village_code, villageName: r.village_name, townshipCode: r.township_code, townshipName: r.township_name,
    countyCode: r.county_code, registeredVillageCode: r.registered_village_code,
  }]));
}

/** Live children born in [bornFrom, bornTo] living under a region prefix (a clinic's area), for the programmes' lists. */
export async function residentsBornBetween(q: Queryable, prefix: string, bornFrom: string, bornTo: string): Promise<{ id: string; name: string; sex: 'M' | 'F'; birthDate: string; villageCode: string; villageName: string }[]> {
  return (await store.residentsBornBetween(q, prefix, bornFrom, bornTo)).map((r) => ({ id: r.id, name: r.name, sex: r.sex, birthDate: r.birth_date, villageCode: r.village_code, villageName: r.village_name }));
}

/** What care rules need of a live resident: sex, birth date, county, the priority-group conditions (null when none or merged away). */
export async function careFacts(q: Queryable, id: string): Promise<{ sex: 'M' | 'F'; birthDate: string; countyCode: string; conditions: string[] } | null> {
  const r = await store.liveCareFacts(q, id);
  return r ? { sex: r.sex, birthDate: r.birth_date, countyCode: r.county_code, conditions: r.conditions } : null;
}
