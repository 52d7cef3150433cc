// The resident master index: one record per person, identifiers encrypted with a lookup hash,
// duplicates refused or flagged, merges that move everything attached and can be undone.
import { today } from '../../shared/time.ts';
import type { Db, Queryable } from '../../platform/db.ts';
import { AppError, badRequest, conflict, notFound, type FieldProblem, stale } from '../../platform/errors.ts';
import { writeAudit, type Actor } from '../../platform/audit.ts';
import { decrypt, encrypt, lookupHash, type Keys } from '../../platform/crypto.ts';
import { validateIdNumber, maskIdNumber, maskOtherId, maskPhone } from './id-number.ts';
import { pinyinKeys } from './names.ts';
import { ageOn, priorityGroupsOf, type PriorityGroup } from './rules.ts';

export const ID_TYPES = ['resident_id', 'passport', 'hk_macao_permit', 'taiwan_permit', 'residence_permit', 'birth_certificate', 'medical_record'] as const;
export type IdType = (typeof ID_TYPES)[number];

export interface ResidentInput {
  idType: IdType;
  idNumber: string;
  name: string;
  sex?: 'M' | 'F';
  birthDate?: string;
  ethnicity?: string;
  phone?: string | null;
  householdNo?: string | null;
  relationToHead?: string | null;
  villageCode: string;
  registeredVillageCode?: string | null;
  permanent?: boolean;
}

export interface Resident {
  id: string;
  name: string;
  sex: 'M' | 'F';
  /** Age in whole years (at death for the dead); the birth date is never shown beside the masked ID number. */
  age: number;
  idType: IdType;
  idNumberMasked: string;
  phoneMasked: string | null;
  ethnicity: string;
  villageCode: string;
  villageName: string;
  townshipName: string | null;
  registeredVillageCode: string | null;
  householdNo: string | null;
  relationToHead: string | null;
  permanent: boolean;
  deathDate: string | null;
  priorityGroups: PriorityGroup[];
  conditions: string[];
  mergedInto: string | null;
  version: number;
}


const PHONE = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;

type Row = {
  id: string; name: string; sex: 'M' | 'F'; birth_date: string; id_type: IdType; id_number_last4: string; id_number_enc: string; phone_enc: string | null; phone_last4: string | null;
  ethnicity: string; village_code: string; village_name: string; township_name: string | null; registered_village_code: string | null; household_no: string | null;
  relation_to_head: string | null; permanent: boolean; death_date: string | null; conditions: string[]; merged_into: string | null; version: number;
};

const SELECT = `
  SELECT r.*, v.name AS village_name, t.name AS township_name, h.household_no
    FROM residents r
    JOIN regions v ON v.code = r.village_code
    LEFT JOIN regions t ON t.code = v.parent_code
    LEFT JOIN households h ON h.id = r.household_id`;

function toResident(keys: Keys, r: Row, on = today()): Resident {
  const idNumber = decrypt(keys, r.id_number_enc);
  return {
    id: r.id, name: r.name, sex: r.sex, age: ageOn(r.birth_date, r.death_date ?? on), idType: r.id_type,
    idNumberMasked: r.id_type === 'resident_id' ? maskIdNumber(idNumber) : maskOtherId(idNumber),
    phoneMasked: r.phone_enc ? maskPhone(decrypt(keys, r.phone_enc)) : null,
    ethnicity: r.ethnicity, villageCode: r.village_code, villageName: r.village_name, townshipName: r.township_name,
    registeredVillageCode: r.registered_village_code, householdNo: r.household_no, relationToHead: r.relation_to_head, permanent: r.permanent,
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
  const [v] = await q.query<{ level: string }>('SELECT level FROM regions WHERE code = $1', [input.villageCode]);
  if (!v || v.level !== 'village') fields.push({ path: 'villageCode', problem: 'not a known village or community code / 不是已知的村（居）委会代码' });
  else if (within && !input.villageCode.startsWith(within)) fields.push({ path: 'villageCode', problem: 'outside your scope / 超出您的管辖范围' });
  if (input.registeredVillageCode && !(await q.query('SELECT 1 FROM regions WHERE code = $1', [input.registeredVillageCode])).length) {
    fields.push({ path: 'registeredVillageCode', problem: 'unknown region / 未知行政区划' });
  }
  if (fields.length) throw badRequest('resident.invalid', { zh: '居民信息有误', en: 'Invalid resident' }, fields);
  return { idNumber, sex: sex!, birthDate: birthDate!, phone };
}

async function householdId(q: Queryable, householdNo: string | null | undefined, villageCode: string): Promise<string | null> {
  if (!householdNo) return null;
  const [h] = await q.query<{ id: string }>(
    `INSERT INTO households (household_no, village_code) VALUES ($1, $2) ON CONFLICT (household_no) DO UPDATE SET household_no = EXCLUDED.household_no RETURNING id`,
    [householdNo, villageCode],
  );
  return h.id;
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
  const rows = await q.query<{ id: string; name: string; name_pinyin: string; birth_date: string; village_code: string; village_name: string; phone_hash: string | null }>(
    `SELECT r.id, r.name, r.name_pinyin, r.birth_date, r.village_code, v.name AS village_name, r.phone_hash
       FROM residents r JOIN regions v ON v.code = r.village_code
      WHERE r.merged_into IS NULL AND r.birth_date = $1 AND (r.name = $2 OR r.name_pinyin = $3) AND ($4::uuid IS NULL OR r.id <> $4)`,
    [birthDate, name, pinyin, id],
  );
  return rows.map((r) => ({
    id: r.id, name: r.name, birthDate: r.birth_date, villageName: r.village_name,
    reasons: [
      r.name === name ? 'same_name' : 'same_pinyin', 'same_birth_date',
      ...(r.village_code === villageCode ? ['same_village'] : []), ...(phoneHash && r.phone_hash === phoneHash ? ['same_phone'] : []),
    ],
  }));
}

/** Registers a resident: refuses an identifier already indexed (naming that record), flags probable duplicates. */
export async function createResident(db: Db, keys: Keys, actor: Actor, input: ResidentInput, within: string | null): Promise<{ resident: Resident; possibleDuplicates: DuplicateCandidate[] }> {
  return db.tx(async (q) => {
    const c = await checkInput(q, input, within);
    const idHash = lookupHash(keys, c.idNumber);
    const [existing] = await q.query<{ id: string; name: string }>('SELECT id, name FROM residents WHERE id_type = $1 AND id_number_hash = $2 AND merged_into IS NULL', [input.idType, idHash]);
    if (existing) {
      throw new AppError(409, 'resident.duplicate_id', { zh: `该证件号码已登记：${existing.name}（${existing.id}）`, en: `This identifier is already registered: ${existing.name} (${existing.id})` },
        [{ path: 'idNumber', problem: `already registered as resident ${existing.id} / 已登记` }]);
    }
    const py = pinyinKeys(input.name.trim());
    const hh = await householdId(q, input.householdNo, input.villageCode);
    const [row] = await q.query<{ id: string }>(
      `INSERT INTO residents (county_code, id_type, id_number_enc, id_number_hash, id_number_last4, name, name_pinyin, name_initials, sex, birth_date, ethnicity,
         phone_enc, phone_hash, phone_last4, household_id, relation_to_head, village_code, registered_village_code, permanent)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19) RETURNING id`,
      [input.villageCode.slice(0, 6), input.idType, encrypt(keys, c.idNumber), idHash, c.idNumber.slice(-4), input.name.trim(), py.full, py.initials, c.sex, c.birthDate,
        input.ethnicity ?? '汉族', c.phone ? encrypt(keys, c.phone) : null, c.phone ? lookupHash(keys, c.phone) : null, c.phone?.slice(-4) ?? null, hh,
        input.relationToHead ?? null, input.villageCode, input.registeredVillageCode ?? input.villageCode, input.permanent ?? true],
    );
    const dups = await probableDuplicates(q, keys, row.id, input.name.trim(), py.full, c.birthDate, input.villageCode, c.phone);
    for (const d of dups) {
      const [a, b] = [row.id, d.id].sort();
      await q.query('INSERT INTO resident_duplicates (resident_a, resident_b, reasons) VALUES ($1,$2,$3) ON CONFLICT DO NOTHING', [a, b, d.reasons]);
    }
    await writeAudit(q, actor, { action: 'resident.create', outcome: 'ok', residentId: row.id, recordType: 'resident', recordId: row.id, details: { flaggedDuplicates: dups.length } });
    const [r] = await q.query<Row>(`${SELECT} WHERE r.id = $1`, [row.id]);
    return { resident: toResident(keys, r), possibleDuplicates: dups };
  });
}

/** Reads one resident inside the scope (404 outside it, or once merged away unless asked); the read is audited with its basis. */
export async function getResident(db: Db, keys: Keys, actor: Actor, id: string, within: string | null, basis: string): Promise<Resident> {
  return db.tx(async (q) => {
    const [r] = await q.query<Row>(`${SELECT} WHERE r.id = $1 ${within ? 'AND r.village_code LIKE $2' : ''}`, within ? [id, within + '%'] : [id]);
    if (!r) throw notFound({ zh: '居民', en: 'Resident' });
    await writeAudit(q, actor, { action: 'resident.read', outcome: 'ok', residentId: id, recordType: 'resident', recordId: id, basis });
    return toResident(keys, r);
  });
}

/** Reveals the full identifier and phone of a resident: an explicit, audited action. */
export async function revealResident(db: Db, keys: Keys, actor: Actor, id: string, within: string | null, reason: string): Promise<{ idNumber: string; phone: string | null }> {
  return db.tx(async (q) => {
    const [r] = await q.query<{ id_number_enc: string; phone_enc: string | null }>(
      `SELECT id_number_enc, phone_enc FROM residents WHERE id = $1 ${within ? 'AND village_code LIKE $2' : ''}`, within ? [id, within + '%'] : [id]);
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
  const where = ['r.merged_into IS NULL'];
  const args: unknown[] = [];
  const add = (sql: string, ...vals: unknown[]) => {
    let s2 = sql;
    for (const v of vals) {
      args.push(v);
      s2 = s2.replace('?', `$${args.length}`);
    }
    where.push(s2);
  };
  if (within) add('r.village_code LIKE ?', within + '%');
  if (s.villageCode) add('r.village_code LIKE ?', s.villageCode.replace(/0+$/, '') + '%');
  const term = s.q?.trim() ?? '';
  let kind = 'none';
  if (term) {
    if (/^\d{17}[\dXx]$/.test(term)) {
      kind = 'id_number';
      add('r.id_number_hash = ?', lookupHash(keys, term.toUpperCase()));
    } else if (/^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/.test(term)) {
      kind = 'phone';
      add('r.phone_hash = ?', lookupHash(keys, term));
    } else if (/^[A-Za-z0-9-]{5,30}$/.test(term) && /\d/.test(term)) {
      kind = 'other_id';
      add('r.id_number_hash = ?', lookupHash(keys, term));
    } else if (/^[a-zA-Z]+$/.test(term)) {
      kind = 'pinyin';
      const t = term.toLowerCase();
      add('(r.name_pinyin LIKE ? OR r.name_initials LIKE ?)', t + '%', t + '%');
    } else {
      kind = 'name';
      add('r.name LIKE ?', term + '%');
    }
  }
  const w = `WHERE ${where.join(' AND ')}`;
  const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM residents r ${w}`, args);
  const rows = await db.query<Row>(`${SELECT} ${w} ORDER BY r.name_pinyin, r.birth_date LIMIT ${s.limit} OFFSET ${s.offset}`, args);
  // A search is a read of personal data (names of the people found): audited without listing them.
  await db.tx((q) => writeAudit(q, actor, { action: 'resident.search', outcome: 'ok', basis: 'registry_scope', details: { kind, found: n } }));
  return { items: rows.map((r) => toResident(keys, r)), total: n };
}

/** Updates demographics if `version` is current (409 otherwise); the previous values go to the audit row. */
export async function updateResident(db: Db, keys: Keys, actor: Actor, id: string, version: number, input: ResidentInput, within: string | null): Promise<Resident> {
  return db.tx(async (q) => {
    const [cur] = await q.query<Row>(`${SELECT} WHERE r.id = $1 AND r.merged_into IS NULL ${within ? 'AND r.village_code LIKE $2' : ''}`, within ? [id, within + '%'] : [id]);
    if (!cur) throw notFound({ zh: '居民', en: 'Resident' });
    const c = await checkInput(q, input, within);
    const idHash = lookupHash(keys, c.idNumber);
    const [clash] = await q.query<{ id: string; name: string }>('SELECT id, name FROM residents WHERE id_type = $1 AND id_number_hash = $2 AND merged_into IS NULL AND id <> $3', [input.idType, idHash, id]);
    if (clash) throw conflict('resident.duplicate_id', { zh: `该证件号码已登记：${clash.name}（${clash.id}）`, en: `This identifier is already registered: ${clash.name} (${clash.id})` }, [{ path: 'idNumber', problem: `already registered as resident ${clash.id}` }]);
    const py = pinyinKeys(input.name.trim());
    const hh = await householdId(q, input.householdNo, input.villageCode);
    const rows = await q.query(
      `UPDATE residents SET id_type=$3, id_number_enc=$4, id_number_hash=$5, id_number_last4=$6, name=$7, name_pinyin=$8, name_initials=$9, sex=$10, birth_date=$11,
         ethnicity=$12, phone_enc=$13, phone_hash=$14, phone_last4=$15, household_id=$16, relation_to_head=$17, village_code=$18, registered_village_code=$19,
         permanent=$20, county_code = left($18, 6), version = version + 1, updated_at = now()
       WHERE id = $1 AND version = $2 RETURNING id`,
      [id, version, input.idType, encrypt(keys, c.idNumber), idHash, c.idNumber.slice(-4), input.name.trim(), py.full, py.initials, c.sex, c.birthDate, input.ethnicity ?? cur.ethnicity,
        c.phone ? encrypt(keys, c.phone) : null, c.phone ? lookupHash(keys, c.phone) : null, c.phone?.slice(-4) ?? null, hh, input.relationToHead ?? null, input.villageCode,
        input.registeredVillageCode ?? cur.registered_village_code, input.permanent ?? cur.permanent],
    );
    if (!rows.length) throw stale(cur.version);
    const before = toResident(keys, cur);
    await writeAudit(q, actor, { action: 'resident.update', outcome: 'ok', residentId: id, recordType: 'resident', recordId: id,
      details: { before: { ...before, idNumberMasked: undefined, phoneMasked: undefined }, version } });
    const [r] = await q.query<Row>(`${SELECT} WHERE r.id = $1`, [id]);
    return toResident(keys, r);
  });
}

/** Records a death (date of death); audited. */
export async function recordDeath(db: Db, actor: Actor, id: string, deathDate: string, within: string | null): Promise<void> {
  await db.tx(async (q) => {
    const rows = await q.query(`UPDATE residents SET death_date = $2, version = version + 1, updated_at = now() WHERE id = $1 AND merged_into IS NULL AND birth_date <= $2 ${within ? 'AND village_code LIKE $3' : ''} RETURNING id`,
      within ? [id, deathDate, within + '%'] : [id, deathDate]);
    if (!rows.length) throw notFound({ zh: '居民', en: 'Resident' });
    await writeAudit(q, actor, { action: 'resident.death', outcome: 'ok', residentId: id, recordType: 'resident', recordId: id, details: { deathDate } });
  });
}

/** Adds or removes a condition tag held by a care module (e.g. hypertension on enrolment). */
export async function setCondition(q: Queryable, residentId: string, condition: string, present: boolean): Promise<void> {
  await q.query(
    present
      ? `UPDATE residents SET conditions = array_append(conditions, $2) WHERE id = $1 AND NOT ($2 = ANY(conditions))`
      : `UPDATE residents SET conditions = array_remove(conditions, $2) WHERE id = $1`,
    [residentId, condition],
  );
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
  const pairs = await db.query<{ id: string; status: string; reasons: string[]; resident_a: string; resident_b: string; created_at: Date }>(
    `SELECT d.* FROM resident_duplicates d JOIN residents a ON a.id = d.resident_a JOIN residents b ON b.id = d.resident_b
      WHERE d.status = 'open' ${within ? 'AND a.village_code LIKE $1 AND b.village_code LIKE $1' : ''} ORDER BY d.created_at LIMIT 200`,
    within ? [within + '%'] : [],
  );
  if (!pairs.length) return [];
  const ids = pairs.flatMap((p) => [p.resident_a, p.resident_b]);
  const rows = await db.query<Row>(`${SELECT} WHERE r.id = ANY($1::uuid[])`, [ids]);
  const byId = new Map(rows.map((r) => [r.id, toResident(keys, r)]));
  await db.tx((q) => writeAudit(q, actor, { action: 'resident.duplicates_list', outcome: 'ok', basis: 'registry_scope', details: { pairs: pairs.length } }));
  return pairs.map((p) => ({ id: p.id, status: p.status, reasons: p.reasons, a: byId.get(p.resident_a)!, b: byId.get(p.resident_b)!, createdAt: p.created_at.toISOString() }));
}

// Tables whose rows belong to a resident: found from the foreign keys, so that a module added
// later is covered by merge without touching this code. Each must have an `id` primary key.
async function attachedTables(q: Queryable): Promise<{ table: string; column: string }[]> {
  return q.query<{ table: string; column: string }>(
    `SELECT cl.relname AS table, a.attname AS column
       FROM pg_constraint c
       JOIN pg_class cl ON cl.oid = c.conrelid
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
      WHERE c.contype = 'f' AND c.confrelid = 'residents'::regclass
        AND cl.relname NOT IN ('residents', 'resident_duplicates', 'resident_merges')
      ORDER BY 1, 2`,
  );
}

/** Merges `mergedId` into `survivorId`: every attached row moves to the survivor; audited; undoable. */
export async function mergeResidents(db: Db, actor: Actor, survivorId: string, mergedId: string, within: string | null, duplicateId?: string): Promise<{ mergeId: string; moved: Record<string, number> }> {
  if (survivorId === mergedId) throw badRequest('resident.merge_same', { zh: '不能与自身合并', en: 'Cannot merge a record into itself' }, [{ path: 'survivorId', problem: 'same as the merged record' }]);
  return db.tx(async (q) => {
    const found = await q.query<{ id: string; merged_into: string | null }>(
      `SELECT id, merged_into FROM residents WHERE id = ANY($1::uuid[]) ${within ? 'AND village_code LIKE $2' : ''} FOR UPDATE`, within ? [[survivorId, mergedId], within + '%'] : [[survivorId, mergedId]]);
    if (found.length !== 2) throw notFound({ zh: '居民', en: 'Resident' });
    if (found.some((r) => r.merged_into)) throw conflict('resident.already_merged', { zh: '其中一条记录已被合并', en: 'One of the records was already merged' });
    const moved: Record<string, string[]> = {};
    for (const t of await attachedTables(q)) {
      let rows: { id: string }[];
      try {
        rows = await q.query<{ id: string }>(`UPDATE ${t.table} SET ${t.column} = $1 WHERE ${t.column} = $2 RETURNING id`, [survivorId, mergedId]);
      } catch (e) {
        // Both records hold something only one person may hold (an active enrolment, a bed, a booking of the
        // same session): a person must decide which stays; the transaction rolls back, nothing moves.
        if ((e as { code?: string }).code === '23505') {
          throw conflict('resident.merge_conflict', { zh: `两条记录在 ${t.table} 中各有一条只能保留一条的记录，请先处理其中一条再合并`, en: `Both records hold a row in ${t.table} that only one person may hold; resolve one of them before merging` },
            [{ path: t.table, problem: 'both records hold a row that must be unique per person / 两条记录各有一条须唯一的记录' }]);
        }
        throw e;
      }
      if (rows.length) moved[`${t.table}.${t.column}`] = rows.map((r) => r.id);
    }
    // The survivor inherits the merged record's conditions (the union), recorded for undo.
    const [{ conditions: before }] = await q.query<{ conditions: string[] }>('SELECT conditions FROM residents WHERE id = $1', [survivorId]);
    await q.query(`UPDATE residents SET conditions = ARRAY(SELECT DISTINCT unnest(conditions || (SELECT conditions FROM residents WHERE id = $2))), version = version + 1 WHERE id = $1`, [survivorId, mergedId]);
    await q.query('UPDATE residents SET merged_into = $1, version = version + 1, updated_at = now() WHERE id = $2', [survivorId, mergedId]);
    const [m] = await q.query<{ id: string }>('INSERT INTO resident_merges (survivor_id, merged_id, moved, merged_by) VALUES ($1,$2,$3,$4) RETURNING id',
      [survivorId, mergedId, JSON.stringify({ rows: moved, survivorConditions: before }), actor.userId]);
    await q.query(`UPDATE resident_duplicates SET status = 'merged', decided_by = $2, decided_at = now()
                    WHERE status = 'open' AND ((resident_a = $1 OR resident_b = $1)) ${duplicateId ? 'OR id = $3' : ''}`,
      duplicateId ? [mergedId, actor.userId, duplicateId] : [mergedId, actor.userId]);
    await writeAudit(q, actor, { action: 'resident.merge', outcome: 'ok', residentId: survivorId, recordType: 'resident_merge', recordId: m.id, details: { mergedId, moved: Object.fromEntries(Object.entries(moved).map(([k, v]) => [k, v.length])) } });
    return { mergeId: m.id, moved: Object.fromEntries(Object.entries(moved).map(([k, v]) => [k, v.length])) };
  });
}

/** Undoes a merge: exactly the rows that moved go back, the merged record is live again. */
export async function undoMerge(db: Db, actor: Actor, mergeId: string, within: string | null): Promise<void> {
  await db.tx(async (q) => {
    const [m] = await q.query<{ survivor_id: string; merged_id: string; moved: { rows: Record<string, string[]>; survivorConditions: string[] }; undone_at: Date | null }>(
      `SELECT m.* FROM resident_merges m JOIN residents s ON s.id = m.survivor_id WHERE m.id = $1 ${within ? 'AND s.village_code LIKE $2' : ''} FOR UPDATE OF m`,
      within ? [mergeId, within + '%'] : [mergeId]);
    if (!m) throw notFound({ zh: '合并记录', en: 'Merge' });
    if (m.undone_at) throw conflict('resident.merge_undone', { zh: '该合并已撤销', en: 'This merge was already undone' });
    for (const [key, ids] of Object.entries(m.moved.rows)) {
      const [table, column] = key.split('.');
      if (!/^[a-z_][a-z0-9_]*$/.test(table) || !/^[a-z_][a-z0-9_]*$/.test(column)) throw new Error(`bad table in merge record: ${key}`);
      await q.query(`UPDATE ${table} SET ${column} = $1 WHERE id = ANY($2::uuid[])`, [m.merged_id, ids]);
    }
    const [clash] = await q.query<{ id: string }>(
      `SELECT r2.id FROM residents r1 JOIN residents r2 ON r2.id_type = r1.id_type AND r2.id_number_hash = r1.id_number_hash AND r2.id <> r1.id AND r2.merged_into IS NULL WHERE r1.id = $1`, [m.merged_id]);
    if (clash) throw conflict('resident.duplicate_id', { zh: '撤销后证件号码将重复', en: 'Undoing would duplicate an identifier' });
    await q.query('UPDATE residents SET merged_into = NULL, version = version + 1, updated_at = now() WHERE id = $1', [m.merged_id]);
    await q.query('UPDATE residents SET conditions = $2, version = version + 1 WHERE id = $1', [m.survivor_id, m.moved.survivorConditions]);
    await q.query('UPDATE resident_merges SET undone_by = $2, undone_at = now() WHERE id = $1', [mergeId, actor.userId]);
    await q.query(`UPDATE resident_duplicates SET status = 'undone' WHERE status = 'merged' AND ((resident_a = $1 AND resident_b = $2) OR (resident_a = $2 AND resident_b = $1))`, [m.survivor_id, m.merged_id]);
    await writeAudit(q, actor, { action: 'resident.merge_undo', outcome: 'ok', residentId: m.survivor_id, recordType: 'resident_merge', recordId: mergeId });
  });
}

/** Marks a flagged pair as two distinct people. */
export async function markDistinct(db: Db, actor: Actor, duplicateId: string, within: string | null): Promise<void> {
  await db.tx(async (q) => {
    const rows = await q.query(
      `UPDATE resident_duplicates d SET status = 'distinct', decided_by = $2, decided_at = now()
        FROM residents a WHERE d.id = $1 AND d.status = 'open' AND a.id = d.resident_a ${within ? 'AND a.village_code LIKE $3' : ''} RETURNING d.id`,
      within ? [duplicateId, actor.userId, within + '%'] : [duplicateId, actor.userId]);
    if (!rows.length) throw notFound({ zh: '疑似重复记录', en: 'Duplicate pair' });
    await writeAudit(q, actor, { action: 'resident.mark_distinct', outcome: 'ok', recordType: 'resident_duplicate', recordId: duplicateId });
  });
}

/** The live resident a phone number or ID number names (null when none, or more than one share the phone). */
export async function residentIdByLogin(q: Queryable, keys: Keys, login: string): Promise<string | null> {
  const v = login.trim().toUpperCase();
  const rows = /^\d{17}[\dX]$/.test(v)
    ? await q.query<{ id: string }>("SELECT id FROM residents WHERE id_type = 'resident_id' AND id_number_hash = $1 AND merged_into IS NULL", [lookupHash(keys, v)])
    : /^1[3-9]\d{9}$/.test(v)
      ? await q.query<{ id: string }>('SELECT id FROM residents WHERE phone_hash = $1 AND merged_into IS NULL', [lookupHash(keys, v)])
      : [];
  return rows.length === 1 ? rows[0].id : null;
}

/** The name of a live (not merged away) resident, or null. */
export async function liveResidentName(q: Queryable, id: string): Promise<string | null> {
  const [r] = await q.query<{ name: string }>('SELECT name FROM residents WHERE id = $1 AND merged_into IS NULL', [id]);
  return r?.name ?? null;
}
