// Shared diagnostic centres: the township orders and acquires, the county reads (基层检查、上级诊断).
// Centres with their members, items, roster, templates and critical-value rules; orders through
// their states; reports from templates, verified (two-level where the centre asks), published to the
// requesting facility and into the resident's record (records' putReportDocument), amended with every
// version kept; critical values with acknowledgement and escalation timers; mutual recognition; remote
// consultations; the figures. Residents are read under records' basis rules and audited.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Db, Queryable } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';
import { actorOf, userByUsername } from '../../platform/auth.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { writeAudit, writeAuditMany } from '../../platform/audit.ts';
import { scopePrefix } from '../../platform/scope.ts';
import { requireBasis, type AccessOptions } from '../records/access.ts';
import { assertMayAttach, idNumberIs } from '../records/basis.ts';
import type { Keys } from '../../platform/crypto.ts';
import { DICOM_MODALITIES, patientProblem, readDicom, studyStart } from './dicom.ts';
import { putReportDocument } from '../records/service.ts';
import { facilityBriefs, getCommunity, getFacility } from '../registry/facilities.ts';
import { cardPeople, careFacts } from '../registry/residents.ts';
import { ageOn } from '../registry/rules.ts';
import { displayNames, usersOver } from '../users/service.ts';
import { today } from '../../shared/time.ts';
import {
  KINDS_OF, alertState, criticalHits, dueAt, flagOf, median, minutesBetween, nextStatus, readable, share, specimenModality, specimenStepAllowed, withinRecognition,
  type CriticalHit, type CriticalRule, type Modality, type OrderStatus, type SpecimenStep,
} from './rules.ts';
import * as store from './store.ts';
import type { MappedObservation } from './hl7.ts';
import type { AcquireIn, AmendIn, CentreIn, CentreOut, ItemIn, OrderIn, OrderOut, ReportIn, RuleIn, TemplateIn } from './schema.ts';

const DEFAULTS = JSON.parse(readFileSync(new URL('../../../data/diagnostics/critical-values.json', import.meta.url), 'utf8')) as {
  sources: Record<string, string>; rules: (Omit<CriticalRule, 'source' | 'unit' | 'below' | 'above'> & { modality: Modality; unit?: string | null; below?: number | null; above?: number | null; source: string })[];
};
/** The shipped default critical-value rules of a modality, each with its source written out. */
export function defaultRules(modality: Modality): CriticalRule[] {
  return DEFAULTS.rules.filter((r) => r.modality === modality).map((r) => ({ code: r.code, nameZh: r.nameZh, nameEn: r.nameEn, kind: r.kind, unit: r.unit ?? null, below: r.below ?? null, above: r.above ?? null, source: DEFAULTS.sources[r.source] ?? r.source }));
}

const iso = (d: Date | string | null | undefined) => (d == null ? null : new Date(d).toISOString());
const num = (v: string | number | null) => (v == null ? null : Number(v));
const CENTRE = { zh: '诊断中心', en: 'Diagnostic centre' };
const ORDER = { zh: '检查申请', en: 'Order' };

async function facilityOf(q: Queryable, p: Principal) {
  if (!p.facilityCode) throw forbidden({ zh: '您的账号未关联机构', en: 'Your account has no facility' });
  return getFacility(q, p.facilityCode, null);
}

// ---- centres ----

/** Designates a department of a community member as the community's centre for a modality, with the members it serves and the default critical-value rules. */
export async function createCentre(db: Db, p: Principal, input: CentreIn): Promise<CentreOut> {
  const within = await scopePrefix(db, p);
  const id = await db.tx(async (q) => {
    const community = await getCommunity(q, input.communityId, within);
    const host = community.members.find((m) => m.code === input.facilityCode && !m.leftOn);
    if (!host) throw badRequest('diagnostics.centre_invalid', { zh: '诊断中心须设在医共体成员单位', en: 'A centre must be a department of a member of the community' }, [{ path: 'facilityCode', problem: 'not a current member of the community / 不是该医共体的现有成员' }]);
    if (await store.liveCentreFor(q, community.id, input.modality)) {
      throw conflict('diagnostics.centre_exists', { zh: '该医共体已有此类诊断中心', en: 'The community already has a centre of this modality' }, [{ path: 'modality', problem: 'a centre exists / 已有该中心' }]);
    }
    const current = community.members.filter((m) => !m.leftOn).map((m) => m.code);
    const codes = input.memberCodes ?? current;
    const bad = codes.map((c, i) => ({ c, i })).filter((x) => !current.includes(x.c));
    if (bad.length) throw badRequest('diagnostics.centre_invalid', { zh: '服务单位须为医共体成员', en: 'Served facilities must be members of the community' }, bad.map((b) => ({ path: `memberCodes[${b.i}]`, problem: `${b.c} is not a member / 不是成员单位` })));
    const fac = await getFacility(q, input.facilityCode, null);
    const centreId = await store.insertCentre(q, { communityId: community.id, facilityId: fac.id, department: input.department, modality: input.modality, name: input.name, county: fac.regionCode.slice(0, 6), twoLevel: !!input.twoLevel, ackMinutes: input.ackMinutes ?? 15 });
    const memberIds = await Promise.all(codes.map(async (c) => (await getFacility(q, c, null)).id));
    await store.addMembers(q, centreId, [...new Set([fac.id, ...memberIds])]);
    await store.insertRules(q, centreId, defaultRules(input.modality));
    await writeAudit(q, actorOf(p, p.ip), { action: 'diagnostics.centre_create', outcome: 'ok', recordType: 'diagnostic_centre', recordId: centreId, details: { modality: input.modality, members: codes.length } });
    return centreId;
  });
  return (await describeCentres(db, [(await store.centreById(db, id))!]))[0];
}

async function adminCentre(q: Queryable, p: Principal, id: string): Promise<store.CentreRow> {
  const c = await store.centreById(q, id);
  const within = await scopePrefix(q, p);
  if (!c || !c.active || (within !== null && !c.county_code.startsWith(within.slice(0, 6)) && !within.startsWith(c.county_code))) throw notFound(CENTRE);
  return c;
}

/** Changes a centre's two-level review and acknowledgement limit. */
export async function setCentreSettings(db: Db, p: Principal, id: string, twoLevel: boolean, ackMinutes: number): Promise<CentreOut> {
  await db.tx(async (q) => {
    await adminCentre(q, p, id);
    await store.setCentreSettings(q, id, twoLevel, ackMinutes);
    await writeAudit(q, actorOf(p, p.ip), { action: 'diagnostics.centre_settings', outcome: 'ok', recordType: 'diagnostic_centre', recordId: id, details: { twoLevel, ackMinutes } });
  });
  return (await describeCentres(db, [(await store.centreById(db, id))!]))[0];
}

/** Adds or changes an item of a centre (kind fitting the centre's modality; recognition scope and window together). */
export async function putItem(db: Db, p: Principal, centreId: string, i: ItemIn): Promise<CentreOut> {
  await db.tx(async (q) => {
    const c = await adminCentre(q, p, centreId);
    const fields = [];
    if (!KINDS_OF[c.modality as Modality].includes(i.kind)) fields.push({ path: 'kind', problem: `a ${c.modality} centre reads ${KINDS_OF[c.modality as Modality].join('/')} / 与中心类别不符` });
    if ((i.recognitionScope == null) !== (i.recognitionDays == null)) fields.push({ path: 'recognitionDays', problem: 'scope and window go together / 互认范围与有效期须同时填写' });
    if (fields.length) throw badRequest('diagnostics.item_invalid', { zh: '检查项目有误', en: 'Invalid item' }, fields);
    const dup = (i.analytes ?? []).findIndex((a, k) => (i.analytes ?? []).findIndex((b) => b.local === a.local) !== k);
    if (dup >= 0) throw badRequest('diagnostics.item_invalid', { zh: '检验项目映射中本地代码重复', en: 'A local code appears twice in the analyte mapping' }, [{ path: `analytes[${dup}].local`, problem: 'repeated / 重复' }]);
    const id = await store.upsertItem(q, centreId, { code: i.code, nameZh: i.nameZh, nameEn: i.nameEn, kind: i.kind, loinc: i.loinc ?? null, turnaroundMinutes: i.turnaroundMinutes, recognitionScope: i.recognitionScope ?? null, recognitionDays: i.recognitionDays ?? null, priceFen: i.priceFen ?? 0,
      analytes: i.analytes ? i.analytes.map((a) => ({ local: a.local, code: a.code, loinc: a.loinc ?? null, nameZh: a.nameZh, nameEn: a.nameEn, unit: a.unit ?? null })) : null });
    await writeAudit(q, actorOf(p, p.ip), { action: 'diagnostics.item_put', outcome: 'ok', recordType: 'diagnostic_item', recordId: id, details: { centreId, code: i.code } });
  });
  return (await describeCentres(db, [(await store.centreById(db, centreId))!]))[0];
}

/** Adds a template to a centre. */
export async function addTemplate(db: Db, p: Principal, centreId: string, t: TemplateIn): Promise<CentreOut> {
  await db.tx(async (q) => {
    await adminCentre(q, p, centreId);
    const id = await store.insertTemplate(q, centreId, { itemCode: t.itemCode ?? null, name: t.name, findings: t.findings, impression: t.impression, fields: (t.fields ?? []).map((f) => ({ ...f })) });
    await writeAudit(q, actorOf(p, p.ip), { action: 'diagnostics.template_add', outcome: 'ok', recordType: 'report_template', recordId: id });
  });
  return (await describeCentres(db, [(await store.centreById(db, centreId))!]))[0];
}

/** Adds or changes a critical-value rule of a centre (with its source). */
export async function putRule(db: Db, p: Principal, centreId: string, r: RuleIn): Promise<CentreOut> {
  if (r.kind === 'numeric' && (!r.unit || (r.below == null && r.above == null))) {
    throw badRequest('diagnostics.rule_invalid', { zh: '数值型危急值须有单位和上下限之一', en: 'A numeric rule needs a unit and a bound' }, [{ path: r.unit ? 'below' : 'unit', problem: 'required for a numeric rule / 数值型须填写' }]);
  }
  await db.tx(async (q) => {
    await adminCentre(q, p, centreId);
    await store.insertRules(q, centreId, [{ code: r.code, nameZh: r.nameZh, nameEn: r.nameEn, kind: r.kind, unit: r.unit ?? null, below: r.below ?? null, above: r.above ?? null, source: r.source }]);
    await writeAudit(q, actorOf(p, p.ip), { action: 'diagnostics.rule_put', outcome: 'ok', recordType: 'diagnostic_centre', recordId: centreId, details: { code: r.code, below: r.below ?? null, above: r.above ?? null, source: r.source } });
  });
  return (await describeCentres(db, [(await store.centreById(db, centreId))!]))[0];
}

/** Adds a shift of a reading doctor (a diagnostician of the centre's facility) to the roster. */
export async function addShift(db: Db, p: Principal, centreId: string, s: { username: string; startsAt: string; endsAt: string }): Promise<{ id: string }> {
  if (new Date(s.endsAt) <= new Date(s.startsAt)) throw badRequest('diagnostics.shift_invalid', { zh: '结束时间须晚于开始时间', en: 'The shift must end after it starts' }, [{ path: 'endsAt', problem: 'not after startsAt / 不晚于开始时间' }]);
  return db.tx(async (q) => {
    const c = await adminCentre(q, p, centreId);
    const u = await userByUsername(q, s.username);
    const host = await facilityBriefs(q, [c.facility_id]);
    if (!u || u.disabled || u.role !== 'diagnostician' || u.facility_code !== host.get(c.facility_id)?.code) {
      throw badRequest('diagnostics.shift_invalid', { zh: '排班医师须为本中心所在机构的诊断中心医师', en: 'The doctor must be a diagnostic-centre doctor of the centre\'s facility' }, [{ path: 'username', problem: 'not a reading doctor of this centre / 不是本中心医师' }]);
    }
    const id = await store.insertShift(q, centreId, u.id, s.startsAt, s.endsAt);
    await writeAudit(q, actorOf(p, p.ip), { action: 'diagnostics.shift_add', outcome: 'ok', recordType: 'diagnostic_roster', recordId: id, details: { centreId, user: u.username } });
    return { id };
  });
}

/** The roster of a centre between two days. */
export async function roster(db: Db, p: Principal, centreId: string, from: string, to: string) {
  const c = await visibleCentre(db, p, centreId);
  const rows = await store.rosterOf(db, c.id, `${from}T00:00:00+08:00`, `${to}T23:59:59+08:00`);
  const names = await displayNames(db, rows.map((r) => r.user_id));
  return { items: rows.map((r) => ({ id: r.id, userId: r.user_id, name: names.get(r.user_id) ?? '', startsAt: iso(r.starts_at)!, endsAt: iso(r.ends_at)! })) };
}

/** The centres a principal sees: sysadmin all; managers and officers of their region; a clinician the centres serving their facility; a reading doctor the centres of theirs. */
async function centresFor(q: Queryable, p: Principal): Promise<store.CentreRow[]> {
  const all = await store.activeCentres(q);
  if (p.role === 'sysadmin') return all;
  if (p.role === 'manager' || p.role === 'officer') {
    const within = await scopePrefix(q, p);
    return all.filter((c) => within !== null && (c.county_code.startsWith(within.slice(0, 6)) || within.startsWith(c.county_code)));
  }
  if (!p.facilityCode) return [];
  const fac = await getFacility(q, p.facilityCode, null);
  if (p.role === 'diagnostician') return all.filter((c) => c.facility_id === fac.id);
  const members = await store.membersOf(q, all.map((c) => c.id));
  return all.filter((c) => members.some((m) => m.centre_id === c.id && m.facility_id === fac.id));
}

async function visibleCentre(q: Queryable, p: Principal, id: string): Promise<store.CentreRow> {
  const c = (await centresFor(q, p)).find((x) => x.id === id);
  if (!c) throw notFound(CENTRE);
  return c;
}

async function describeCentres(q: Queryable, rows: store.CentreRow[]): Promise<CentreOut[]> {
  const ids = rows.map((r) => r.id);
  const members = await store.membersOf(q, ids);
  const facs = await facilityBriefs(q, [...rows.map((r) => r.facility_id), ...members.map((m) => m.facility_id)]);
  const items = await store.itemsOf(q, ids);
  const now = new Date();
  const out: CentreOut[] = [];
  for (const c of rows) {
    const duty = await store.onDuty(q, c.id, now);
    const names = await displayNames(q, duty);
    out.push({
      id: c.id, name: c.name, modality: c.modality as Modality, department: c.department, communityId: c.community_id, facility: { code: facs.get(c.facility_id)?.code ?? '', name: facs.get(c.facility_id)?.name ?? '' },
      twoLevel: c.two_level, ackMinutes: c.ack_minutes,
      members: members.filter((m) => m.centre_id === c.id).map((m) => ({ code: facs.get(m.facility_id)?.code ?? '', name: facs.get(m.facility_id)?.name ?? '' })).sort((a, b) => a.code.localeCompare(b.code)),
      items: items.filter((i) => i.centre_id === c.id).map(itemOut),
      rules: (await store.rulesOf(q, c.id)).map((r) => ({ code: r.code, nameZh: r.name_zh, nameEn: r.name_en, kind: r.kind, unit: r.unit, below: num(r.below), above: num(r.above), source: r.source })),
      templates: (await store.templatesOf(q, c.id)).map((t) => ({ id: t.id, itemCode: t.item_code, name: t.name, findings: t.findings, impression: t.impression, fields: t.fields })),
      onDuty: duty.map((u) => ({ userId: u, name: names.get(u) ?? '' })),
      ruleSources: DEFAULTS.sources,
    });
  }
  return out;
}

const itemOut = (i: store.ItemRow) => ({ id: i.id, code: i.code, nameZh: i.name_zh, nameEn: i.name_en, kind: i.kind as CentreOut['items'][number]['kind'], loinc: i.loinc, turnaroundMinutes: i.turnaround_minutes, recognitionScope: i.recognition_scope, recognitionDays: i.recognition_days, priceFen: i.price_fen, analytes: i.analytes });

/** The centres the principal sees, with members, items, rules, templates and who is on duty now. */
export async function listCentres(db: Db, p: Principal): Promise<{ items: CentreOut[] }> {
  return { items: await describeCentres(db, await centresFor(db, p)) };
}

// ---- recognition ----

/** The resident's earlier results of the item, each marked whether it still stands for recognition (needs a basis; audited). */
export async function recognitionCandidates(db: Db, p: Principal, o: AccessOptions, residentId: string, itemCode: string) {
  const b = await requireBasis(db, p, residentId, o);
  const rows = await store.publishedResults(db, residentId, itemCode);
  const centres = new Map((await store.activeCentres(db)).map((c) => [c.id, c]));
  const versions = await store.versionsOf(db, rows.map((r) => r.report_id));
  const now = new Date();
  await db.tx((q) => writeAudit(q, actorOf(p, p.ip), { action: 'diagnostics.recognition_check', outcome: 'ok', residentId, basis: b.basis, details: { itemCode, found: rows.length } }));
  return {
    items: rows.map((r) => ({
      reportId: r.report_id, orderId: r.order_id, centre: centres.get(r.centre_id)?.name ?? '', publishedAt: iso(r.published_at)!, scope: r.recognition_scope, windowDays: r.recognition_days,
      standing: r.recognition_scope != null && withinRecognition(r.published_at, r.recognition_days, now),
      impression: versions.filter((v) => v.report_id === r.report_id).at(-1)?.impression ?? '',
    })),
  };
}

async function standingResult(q: Queryable, residentId: string, itemCode: string, reportId: string | null) {
  const rows = await store.publishedResults(q, residentId, itemCode);
  const now = new Date();
  const standing = rows.filter((r) => r.recognition_scope != null && withinRecognition(r.published_at, r.recognition_days, now));
  return { standing, chosen: reportId ? rows.find((r) => r.report_id === reportId) : undefined };
}

/** Records an earlier result recognised instead of a repeat (互认): the avoided repeat and its cost are counted. */
export async function recognise(db: Db, p: Principal, o: AccessOptions, input: { residentId: string; centreId: string; itemCode: string; reportId: string }) {
  return db.tx(async (q) => {
    const grant = await assertMayAttach(q, p, input.residentId, o);
    const fac = await facilityOf(q, p);
    await visibleCentre(q, p, input.centreId);
    const { chosen } = await standingResult(q, input.residentId, input.itemCode, input.reportId);
    if (!chosen || chosen.recognition_scope == null || !withinRecognition(chosen.published_at, chosen.recognition_days, new Date())) {
      throw badRequest('diagnostics.not_recognisable', { zh: '该结果不在互认范围或有效期内', en: 'That result is not recognisable (no mark, or outside its window)' }, [{ path: 'reportId', problem: 'not a standing result of this item / 不是可互认的结果' }]);
    }
    const item = await store.itemByCode(q, input.centreId, input.itemCode);
    const price = item?.price_fen ?? chosen.price_fen;
    const id = await store.insertDecision(q, { residentId: input.residentId, itemCode: input.itemCode, reportId: chosen.report_id, recognised: true, reason: null, priceFen: price, facilityId: fac.id, by: p.userId, orderId: null });
    await writeAudit(q, actorOf(p, p.ip), { action: 'diagnostics.recognised', outcome: 'ok', residentId: input.residentId, basis: grant.basis, recordType: 'recognition_decision', recordId: id, details: { itemCode: input.itemCode, reportId: chosen.report_id } });
    return { decisionId: id, reportId: chosen.report_id, costAvoidedFen: price };
  });
}

// ---- orders ----

const placerNumber = () => `DX${today().replaceAll('-', '')}${randomBytes(4).toString('hex').toUpperCase()}`;

/**
 * Orders an item of a centre for a resident (with a basis, through records' rule): the ordering
 * facility must be served by the centre; an earlier result that still stands for recognition must be
 * answered first (recognised through `recognise`, or not recognised here with a reason).
 */
export async function placeOrder(db: Db, p: Principal, o: AccessOptions, input: OrderIn): Promise<OrderOut> {
  const id = await db.tx(async (q) => {
    const grant = await assertMayAttach(q, p, input.residentId, o);
    const fac = await facilityOf(q, p);
    const c = await store.centreById(q, input.centreId);
    const members = c ? await store.membersOf(q, [c.id]) : [];
    if (!c || !c.active || !members.some((m) => m.facility_id === fac.id)) throw badRequest('diagnostics.not_served', { zh: '该诊断中心不服务您的机构', en: 'That centre does not serve your facility' }, [{ path: 'centreId', problem: 'not a centre serving your facility / 不服务本机构' }]);
    const item = await store.itemByCode(q, c.id, input.itemCode);
    if (!item) throw badRequest('diagnostics.order_invalid', { zh: '该中心没有此检查项目', en: 'The centre has no such item' }, [{ path: 'itemCode', problem: `${input.itemCode} is not an item of the centre / 不是该中心的项目` }]);
    const { standing, chosen } = await standingResult(q, input.residentId, input.itemCode, input.notRecognised?.reportId ?? null);
    if (standing.length && !input.notRecognised) {
      throw conflict('diagnostics.recognition_required', { zh: '该居民已有可互认的同项结果，请先决定是否互认', en: 'The resident has a recognisable result of this item: recognise it, or say why not' },
        [{ path: 'notRecognised', problem: `standing result ${standing[0].report_id} / 已有可互认结果` }]);
    }
    if (input.notRecognised && !chosen) throw badRequest('diagnostics.order_invalid', { zh: '所指结果不存在', en: 'No such earlier result' }, [{ path: 'notRecognised.reportId', problem: 'not an earlier result of this item / 不是该项目的既往结果' }]);
    const facts = await careFacts(q, input.residentId);
    if (!facts) throw notFound({ zh: '居民', en: 'Resident' });
    const orderId = await store.insertOrder(q, { placer: placerNumber(), county: facts.countyCode, centreId: c.id, itemId: item.id, residentId: input.residentId, requesterId: p.userId, requesterName: p.displayName, facilityId: fac.id,
      question: input.clinicalQuestion, priority: input.priority ?? 'routine', basis: grant.basis ?? 'encounter' });
    await store.insertOrderEvent(q, orderId, 'ordered', p.userId, null);
    if (input.notRecognised && chosen) {
      await store.insertDecision(q, { residentId: input.residentId, itemCode: input.itemCode, reportId: chosen.report_id, recognised: false, reason: input.notRecognised.reason, priceFen: item.price_fen, facilityId: fac.id, by: p.userId, orderId });
    }
    await writeAudit(q, actorOf(p, p.ip), { action: 'diagnostics.order', outcome: 'ok', residentId: input.residentId, basis: grant.basis, recordType: 'diagnostic_order', recordId: orderId,
      details: { centreId: c.id, itemCode: input.itemCode, notRecognised: input.notRecognised ?? null } });
    return orderId;
  });
  return (await describeOrders(db, [(await store.orderById(db, id))!]))[0];
}

/** Who the principal is to an order: the centre's reading doctor, staff of the requesting facility, or nobody (404). */
async function standing(q: Queryable, p: Principal, order: store.OrderRow, o: AccessOptions): Promise<{ as: 'centre' | 'facility'; basis: string; centre: store.CentreRow }> {
  const c = (await store.centreById(q, order.centre_id))!;
  if (p.facilityCode) {
    const fac = await getFacility(q, p.facilityCode, null);
    if (p.role === 'diagnostician' && fac.id === c.facility_id) return { as: 'centre', basis: 'diagnostic_centre', centre: c };
    if (p.role !== 'diagnostician' && fac.id === order.facility_id) {
      const b = await requireBasis(q, p, order.resident_id, o);
      return { as: 'facility', basis: b.basis, centre: c };
    }
  }
  throw notFound(ORDER);
}

async function describeOrders(q: Queryable, rows: store.OrderRow[]): Promise<OrderOut[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const centres = new Map<string, store.CentreRow>();
  for (const cid of new Set(rows.map((r) => r.centre_id))) centres.set(cid, (await store.centreById(q, cid))!);
  const items = new Map((await store.itemsByIds(q, [...new Set(rows.map((r) => r.item_id))])).map((i) => [i.id, i]));
  const people = await cardPeople(q, null, [...new Set(rows.map((r) => r.resident_id))]);
  const facs = await facilityBriefs(q, rows.map((r) => r.facility_id));
  const studies = new Map((await store.studiesOf(q, ids)).map((s) => [s.order_id, s]));
  const reports = await store.reportsOfOrders(q, ids);
  const versions = await store.versionsOf(q, reports.map((r) => r.id));
  const now = Date.now();
  const out: OrderOut[] = [];
  for (const r of rows) {
    const c = centres.get(r.centre_id)!;
    const it = items.get(r.item_id)!;
    const who = people.get(r.resident_id);
    const rep = reports.find((x) => x.order_id === r.id);
    const st = studies.get(r.id);
    const open = !['published', 'rejected', 'cancelled', 'verified'].includes(r.status);
    out.push({
      id: r.id, placerNumber: r.placer_number, status: r.status as OrderStatus, priority: r.priority, clinicalQuestion: r.clinical_question,
      centre: { id: c.id, name: c.name, modality: c.modality, twoLevel: c.two_level },
      item: { code: it.code, nameZh: it.name_zh, nameEn: it.name_en, kind: it.kind, turnaroundMinutes: it.turnaround_minutes },
      resident: { id: r.resident_id, name: who?.name ?? '', sex: who?.sex ?? 'M', age: who ? ageOn(who.birthDate, today()) : 0 },
      facility: { code: facs.get(r.facility_id)?.code ?? '', name: facs.get(r.facility_id)?.name ?? '' }, requester: r.requester_name,
      orderedAt: iso(r.ordered_at)!, scheduledFor: iso(r.scheduled_for), acquiredAt: iso(r.acquired_at), receivedAt: iso(r.received_at), dueAt: iso(r.due_at),
      minutesLeft: r.due_at && open ? Math.round((new Date(r.due_at).getTime() - now) / 60000) : null, rejectReason: r.reject_reason,
      study: st ? { studyUid: st.study_uid, modality: st.modality, startedAt: iso(st.started_at)!, description: st.description, seriesCount: st.series_count, instanceCount: st.instance_count, viewerUrl: st.viewer_url, source: st.source } : null,
      report: rep ? {
        id: rep.id, status: rep.status as 'preliminary' | 'final' | 'amended', version: rep.version, publishedAt: iso(rep.published_at),
        versions: versions.filter((v) => v.report_id === rep.id).map((v) => ({
          version: v.version, findings: v.findings, impression: v.impression, observations: v.observations.map((x) => ({ ...x, flag: x.flag as 'L' | 'N' | 'H' })), critical: v.critical,
          writtenBy: v.written_name, writtenAt: iso(v.written_at)!, verifiedBy: v.verified_name, verifiedAt: iso(v.verified_at), publishedAt: iso(v.published_at), amendReason: v.amend_reason, sourceMessageId: v.source_message_id,
        })),
      } : null,
      events: (await store.eventsOf(q, r.id)).map((e) => ({ step: e.step, at: iso(e.at)!, note: e.note })),
    });
  }
  return out;
}

/** One order, to its centre's reading doctors or to the requesting facility's staff (with a basis); a published report read is remembered for amendments. Audited. */
export async function getOrder(db: Db, p: Principal, o: AccessOptions, id: string): Promise<OrderOut> {
  const order = await store.orderById(db, id);
  if (!order) throw notFound(ORDER);
  const s = await standing(db, p, order, o);
  const [out] = await describeOrders(db, [order]);
  await db.tx(async (q) => {
    if (out.report?.publishedAt && s.as === 'facility') await store.insertRead(q, out.report.id, out.report.version, p.userId);
    await writeAudit(q, actorOf(p, p.ip), { action: 'diagnostics.order_read', outcome: 'ok', residentId: order.resident_id, basis: s.basis, recordType: 'diagnostic_order', recordId: id });
  });
  return out;
}

async function listed(db: Db, p: Principal, action: string, basis: string, rows: store.OrderRow[]) {
  const actor = actorOf(p, p.ip);
  await db.tx((q) => writeAuditMany(q, [{ actor, entry: { action, outcome: 'ok', basis, details: { shown: rows.length } } },
    ...[...new Set(rows.map((r) => r.resident_id))].map((residentId) => ({ actor, entry: { action: 'record.listed', outcome: 'ok' as const, residentId, basis, details: { list: action } } }))]));
}

const VIEWS: Record<string, OrderStatus[]> = {
  to_receive: ['acquired'], to_read: ['acquired', 'received'], to_verify: ['preliminary'], to_publish: ['verified'], open: ['ordered', 'scheduled', 'acquired', 'received', 'preliminary', 'verified'],
};

/** The reading doctor's worklist: the open orders of their centres, soonest deadline first (each resident shown audited). */
export async function worklist(db: Db, p: Principal, view: keyof typeof VIEWS) {
  const centres = await centresFor(db, p);
  let rows = await store.centreWorklist(db, centres.map((c) => c.id), VIEWS[view]);
  // a specimen is read only once received; an image or tracing once acquired
  if (view === 'to_read') rows = rows.filter((r) => readable(r.status as OrderStatus, centres.find((c) => c.id === r.centre_id)!.modality as Modality));
  if (view === 'to_receive') rows = rows.filter((r) => specimenModality(centres.find((c) => c.id === r.centre_id)!.modality as Modality));
  const items = await describeOrders(db, rows);
  await listed(db, p, 'diagnostics.worklist', 'diagnostic_centre', rows);
  return { items };
}

/** The requesting facility's orders (all, or one resident's with a basis). */
export async function facilityOrderList(db: Db, p: Principal, o: AccessOptions, residentId?: string) {
  const fac = await facilityOf(db, p);
  if (residentId) await requireBasis(db, p, residentId, o);
  const rows = await store.facilityOrders(db, [fac.id], residentId ?? null);
  const items = await describeOrders(db, rows);
  await listed(db, p, 'diagnostics.facility_orders', residentId ? 'record' : 'ordering_facility', rows);
  return { items };
}

async function moveOrder(db: Db, p: Principal, o: AccessOptions, id: string, move: string, side: 'facility' | 'centre', f: (q: Queryable, order: store.OrderRow, c: store.CentreRow, to: OrderStatus) => Promise<void>): Promise<OrderOut> {
  await db.tx(async (q) => {
    const order = await store.orderById(q, id, true);
    if (!order) throw notFound(ORDER);
    const s = await standing(q, p, order, o);
    if (s.as !== side) throw forbidden({ zh: side === 'centre' ? '此步骤由诊断中心完成' : '此步骤由申请机构完成', en: side === 'centre' ? 'The centre takes this step' : 'The requesting facility takes this step' });
    const to = nextStatus(order.status as OrderStatus, move);
    if (!to) throw conflict('diagnostics.wrong_state', { zh: `申请当前状态为 ${order.status}，不能执行此操作`, en: `The order is ${order.status}; it cannot ${move}` });
    await f(q, order, s.centre, to);
    await writeAudit(q, actorOf(p, p.ip), { action: `diagnostics.${move}`, outcome: 'ok', residentId: order.resident_id, basis: s.basis, recordType: 'diagnostic_order', recordId: id, details: { from: order.status, to } });
  });
  return (await describeOrders(db, [(await store.orderById(db, id))!]))[0];
}

/** The township books the acquisition (the order → scheduled). */
export function scheduleOrder(db: Db, p: Principal, o: AccessOptions, id: string, at: string) {
  return moveOrder(db, p, o, id, 'schedule', 'facility', async (q, order, _c, to) => {
    await store.setOrderStatus(q, order.id, to, { scheduledFor: at });
    await store.insertOrderEvent(q, order.id, 'scheduled', p.userId, at);
  });
}

/**
 * The township records the acquisition: for imaging and ECG the study (its UID in the centre's PACS,
 * the viewer link), whose time starts the reading deadline; for a specimen its collection (the
 * deadline starts when the centre receives it).
 */
export function acquireOrder(db: Db, p: Principal, o: AccessOptions, id: string, a: AcquireIn, now = new Date()) {
  return moveOrder(db, p, o, id, 'acquire', 'facility', async (q, order, c, to) => {
    const item = (await store.itemsByIds(q, [order.item_id]))[0];
    if (specimenModality(c.modality as Modality)) {
      await store.setOrderStatus(q, order.id, to, { acquiredAt: now });
      await store.insertOrderEvent(q, order.id, 'specimen.collected', p.userId, null, now);
      return;
    }
    if (!a.studyUid) throw badRequest('diagnostics.acquire_invalid', { zh: '请填写检查的 Study Instance UID', en: 'Give the study\'s Study Instance UID' }, [{ path: 'studyUid', problem: 'required for an image or tracing / 影像或心电须填写' }]);
    const started = a.startedAt ? new Date(a.startedAt) : now;
    await store.insertStudy(q, { orderId: order.id, studyUid: a.studyUid, modality: a.modality ?? item.kind, startedAt: started.toISOString(), description: a.description ?? null, seriesCount: a.seriesCount ?? 0, instanceCount: a.instanceCount ?? 0, viewerUrl: a.viewerUrl ?? null, source: 'pacs', by: p.userId });
    await store.setOrderStatus(q, order.id, to, { acquiredAt: now, dueAt: dueAt(now, item.turnaround_minutes) });
    await store.insertOrderEvent(q, order.id, 'acquired', p.userId, a.studyUid, now);
  });
}

/**
 * A DICOM file uploaded for an order of a centre without a PACS (by the township that acquired it):
 * its tags, read with dcmjs, fill the study record — StudyInstanceUID, modality (fitting the item),
 * study date — after the patient check (PatientID or AccessionNumber naming the order or the
 * resident's ID number; birth date and sex where the file has them); the file is kept. The first
 * file acquires the order (the reading deadline starts); later files of the same study add their
 * series and instances. 400 naming `fileBase64` for a file that is not one of this order's.
 */
export async function uploadDicom(db: Db, keys: Keys, p: Principal, o: AccessOptions, id: string, bytes: Buffer, now = new Date()): Promise<OrderOut> {
  const bad = (problem: string) => badRequest('diagnostics.dicom_invalid', { zh: `DICOM 文件不可用：${problem}`, en: `The DICOM file cannot be used: ${problem}` }, [{ path: 'fileBase64', problem }]);
  const read = readDicom(bytes);
  if (!read.ok) throw bad(read.problem);
  const tags = read.tags;
  await db.tx(async (q) => {
    const order = await store.orderById(q, id, true);
    if (!order) throw notFound(ORDER);
    const s = await standing(q, p, order, o);
    if (s.as !== 'facility') throw forbidden({ zh: '影像文件由申请机构上传', en: 'The requesting facility uploads the images' });
    if (specimenModality(s.centre.modality as Modality)) throw conflict('diagnostics.wrong_state', { zh: '检验与病理申请没有影像文件', en: 'Laboratory and pathology orders have no image files' });
    const item = (await store.itemsByIds(q, [order.item_id]))[0];
    const allowed = DICOM_MODALITIES[item.kind as keyof typeof DICOM_MODALITIES] ?? [];
    if (!allowed.includes(tags.modality)) throw bad(`Modality (0008,0060) ${tags.modality} does not fit the item ${item.code} (${allowed.join('/')}) / 检查类型与项目不符`);
    const facts = (await careFacts(q, order.resident_id))!;
    const who = patientProblem(tags, { placer: order.placer_number, birthDate: facts.birthDate, sex: facts.sex, idMatches: !!tags.patientId && await idNumberIs(q, keys, order.resident_id, tags.patientId) });
    if (who) throw bad(who);
    const [study] = await store.studiesOf(q, [order.id]);
    const first = !study;
    if (first) {
      const to = nextStatus(order.status as OrderStatus, 'acquire');
      if (!to) throw conflict('diagnostics.wrong_state', { zh: `申请当前状态为 ${order.status}，不能上传影像`, en: `The order is ${order.status}; no images can be uploaded` });
    } else {
      if (study.study_uid !== tags.studyUid) throw bad(`StudyInstanceUID ${tags.studyUid} is not the order's study ${study.study_uid} / 不是本申请的检查`);
      if (!['acquired', 'received', 'preliminary'].includes(order.status)) throw conflict('diagnostics.wrong_state', { zh: `申请当前状态为 ${order.status}，不能再添加影像`, en: `The order is ${order.status}; no more images can be added` });
    }
    const fileId = await store.insertImagingFile(q, { orderId: order.id, studyUid: tags.studyUid, seriesUid: tags.seriesUid, sopInstanceUid: tags.sopInstanceUid, modality: tags.modality, bytes, sha256: createHash('sha256').update(bytes).digest('hex'), by: p.userId });
    if (!fileId) throw conflict('diagnostics.dicom_duplicate', { zh: '该影像（SOP Instance UID）已上传', en: 'That instance (SOP Instance UID) was uploaded already' }, [{ path: 'fileBase64', problem: `SOPInstanceUID ${tags.sopInstanceUid} exists / 已存在` }]);
    const counts = await store.countStudyFiles(q, order.id);
    if (first) {
      await store.insertStudy(q, { orderId: order.id, studyUid: tags.studyUid, modality: tags.modality, startedAt: studyStart(tags) ?? now.toISOString(), description: tags.description, seriesCount: counts.series, instanceCount: counts.instances, viewerUrl: null, source: 'dicom_upload', by: p.userId });
      await store.setOrderStatus(q, order.id, 'acquired', { acquiredAt: now, dueAt: dueAt(now, item.turnaround_minutes) });
      await store.insertOrderEvent(q, order.id, 'acquired', p.userId, tags.studyUid, now);
    } else {
      await store.setStudyCounts(q, order.id, counts.series, counts.instances);
    }
    await writeAudit(q, actorOf(p, p.ip), { action: 'diagnostics.dicom_upload', outcome: 'ok', residentId: order.resident_id, basis: s.basis, recordType: 'imaging_file', recordId: fileId,
      details: { studyUid: tags.studyUid, sopInstanceUid: tags.sopInstanceUid, modality: tags.modality, size: bytes.byteLength } });
  });
  return (await describeOrders(db, [(await store.orderById(db, id))!]))[0];
}

/** A specimen's step: sent (by the township), received or rejected (by the centre, the reading deadline starting at receipt). */
export async function specimenStep(db: Db, p: Principal, o: AccessOptions, id: string, step: SpecimenStep, note: string | undefined, now = new Date()): Promise<OrderOut> {
  if (step === 'collected') throw badRequest('diagnostics.specimen_invalid', { zh: '采集请用“采集/检查完成”', en: 'Record the collection as the acquisition' }, [{ path: 'step', problem: 'use acquire / 请用采集' }]);
  if (step === 'rejected' && !note?.trim()) throw badRequest('diagnostics.specimen_invalid', { zh: '拒收须写明原因', en: 'A rejection needs a reason' }, [{ path: 'note', problem: 'required to reject / 拒收须填写原因' }]);
  const move = step === 'sent' ? null : step === 'received' ? 'receive' : 'reject';
  await db.tx(async (q) => {
    const order = await store.orderById(q, id, true);
    if (!order) throw notFound(ORDER);
    const s = await standing(q, p, order, o);
    if (!specimenModality(s.centre.modality as Modality)) throw conflict('diagnostics.wrong_state', { zh: '影像与心电没有标本', en: 'Images and tracings have no specimen' });
    if (s.as !== (step === 'sent' ? 'facility' : 'centre')) throw forbidden();
    const last = (await store.lastSpecimenStep(q, id)) as SpecimenStep | null;
    if (!specimenStepAllowed(last, step)) throw conflict('diagnostics.wrong_state', { zh: `标本当前为 ${last ?? '未采集'}，不能 ${step}`, en: `The specimen is ${last ?? 'not collected'}; it cannot be ${step}` });
    if (move) {
      const to = nextStatus(order.status as OrderStatus, move);
      if (!to) throw conflict('diagnostics.wrong_state', { zh: `申请当前状态为 ${order.status}`, en: `The order is ${order.status}` });
      const item = (await store.itemsByIds(q, [order.item_id]))[0];
      await store.setOrderStatus(q, id, to, move === 'receive' ? { receivedAt: now, dueAt: dueAt(now, item.turnaround_minutes) } : { rejectReason: note!.trim() });
    }
    await store.insertOrderEvent(q, id, `specimen.${step}`, p.userId, note?.trim() || null, now);
    await writeAudit(q, actorOf(p, p.ip), { action: `diagnostics.specimen_${step}`, outcome: 'ok', residentId: order.resident_id, basis: s.basis, recordType: 'diagnostic_order', recordId: id, details: { note: note ?? null } });
  });
  return (await describeOrders(db, [(await store.orderById(db, id))!]))[0];
}

/** The requesting facility cancels an order not yet acquired (with a reason). */
export function cancelOrder(db: Db, p: Principal, o: AccessOptions, id: string, reason: string) {
  return moveOrder(db, p, o, id, 'cancel', 'facility', async (q, order, _c, to) => {
    await store.setOrderStatus(q, order.id, to, { rejectReason: reason });
    await store.insertOrderEvent(q, order.id, 'cancelled', p.userId, reason);
  });
}

// ---- reports ----

async function rulesFor(q: Queryable, c: store.CentreRow): Promise<CriticalRule[]> {
  return (await store.rulesOf(q, c.id)).map((r) => ({ code: r.code, nameZh: r.name_zh, nameEn: r.name_en, kind: r.kind, unit: r.unit, below: num(r.below), above: num(r.above), source: r.source }));
}

async function checkedReport(q: Queryable, c: store.CentreRow, input: { observations?: ReportIn['observations']; criticalFindings?: string[] }) {
  const rules = await rulesFor(q, c);
  const unknown = (input.criticalFindings ?? []).map((f, i) => ({ f, i })).filter((x) => !rules.some((r) => r.kind === 'finding' && r.code === x.f));
  if (unknown.length) throw badRequest('diagnostics.report_invalid', { zh: '危急值发现不在本中心的清单中', en: 'A critical finding is not on the centre\'s list' }, unknown.map((u) => ({ path: `criticalFindings[${u.i}]`, problem: `${u.f} is not a rule of the centre / 不在清单中` })));
  const observations = (input.observations ?? []).map((x) => ({ code: x.code, nameZh: x.nameZh, nameEn: x.nameEn, value: x.value, unit: x.unit, low: x.low ?? null, high: x.high ?? null, flag: flagOf(x.value, x.low ?? null, x.high ?? null) }));
  const critical = criticalHits(rules, observations, input.criticalFindings ?? []);
  return { observations, critical };
}

async function readingOrder(q: Queryable, p: Principal, o: AccessOptions, id: string) {
  const order = await store.orderById(q, id, true);
  if (!order) throw notFound(ORDER);
  const s = await standing(q, p, order, o);
  if (s.as !== 'centre') throw forbidden({ zh: '报告由诊断中心医师书写', en: 'Reports are written by the centre\'s doctors' });
  return { order, centre: s.centre };
}

/**
 * Who writes or verifies a version: a Meridian user, or the laboratory's system (no user: the name its
 * message gives, and the message the version came from). `p` stays the principal that is audited.
 */
export interface Writer { userId: string | null; name: string; messageId?: string | null }
const self = (p: Principal): Writer => ({ userId: p.userId, name: p.displayName });

/** A critical value on a verified version raises an alert at once to the ordering clinician (and their facility's desk), with its limit. */
async function raiseAlerts(q: Queryable, p: Principal, order: store.OrderRow, c: store.CentreRow, reportId: string, version: number, critical: unknown[], now: Date, by: Writer = self(p)) {
  if (!critical.length) return;
  const alertId = await store.insertAlert(q, { reportId, version, orderId: order.id, residentId: order.resident_id, facilityId: order.facility_id, centreId: c.id, notifyUserId: order.requester_id, what: critical, raisedAt: now, ackDueAt: new Date(now.getTime() + c.ack_minutes * 60_000) });
  await store.insertAlertEvent(q, alertId, 'raised', now, null, by.userId, null);
  await store.insertAlertEvent(q, alertId, 'notified', now, order.requester_id, null, 'ordering clinician / 申请医师');
  await store.insertMessages(q, [order.requester_id], 'critical', alertId, `危急值 / Critical value: ${order.placer_number}`);
  await writeAudit(q, actorOf(p, p.ip), { action: 'diagnostics.critical_raised', outcome: 'ok', residentId: order.resident_id, recordType: 'critical_alert', recordId: alertId, details: { version, what: critical } });
}

function reportText(item: store.ItemRow, v: { findings: string; impression: string; observations: { nameZh: string; value: number; unit: string; flag: string; low: number | null; high: number | null }[]; critical: { nameZh: string }[] }, writer: string, verifier: string | null, amended: string | null) {
  const lines = [`${item.name_zh}（${item.code}）`, `检查所见 / Findings: ${v.findings}`, `诊断意见 / Impression: ${v.impression}`];
  for (const x of v.observations) lines.push(`${x.nameZh}: ${x.value} ${x.unit}${x.flag !== 'N' ? ` ${x.flag}` : ''}${x.low != null || x.high != null ? ` (${x.low ?? ''}–${x.high ?? ''})` : ''}`);
  if (v.critical.length) lines.push(`危急值 / Critical: ${v.critical.map((c) => c.nameZh).join('、')}`);
  lines.push(`报告医师 ${writer}${verifier ? `，审核医师 ${verifier}` : ''}`);
  if (amended) lines.push(`更正原因 / Amended: ${amended}`);
  return lines.join('\n');
}

async function publishNow(q: Queryable, p: Principal, order: store.OrderRow, reportId: string, version: number, now: Date, status: 'final' | 'amended', by: Writer = self(p)) {
  const v = (await store.versionsOf(q, [reportId])).find((x) => x.version === version)!;
  const item = (await store.itemsByIds(q, [order.item_id]))[0];
  await store.publishVersion(q, reportId, version, now);
  await store.setReport(q, reportId, status, version, now);
  await store.setOrderStatus(q, order.id, 'published');
  await store.insertOrderEvent(q, order.id, status === 'amended' ? 'amended' : 'published', by.userId, null, now);
  const kind = item.kind === 'LAB' ? 'lab_report' : ['DR', 'CT', 'MR', 'US'].includes(item.kind) ? 'imaging_report' : 'examination_report';
  await putReportDocument(q, p, { residentId: order.resident_id, kind, title: `${item.name_zh}报告${status === 'amended' ? '（更正）' : ''}`, body: reportText(item, v, v.written_name, v.verified_name, v.amend_reason), writtenAt: now.toISOString(), reportId });
  await store.insertMessages(q, [order.requester_id], status === 'amended' ? 'amended' : 'published', order.id, `${item.name_zh}${status === 'amended' ? '报告已更正 / report amended' : '报告已发布 / report published'}: ${order.placer_number}`);
}

async function verifyNow(q: Queryable, p: Principal, order: store.OrderRow, c: store.CentreRow, reportId: string, version: number, now: Date, by: Writer = self(p)) {
  await store.verifyVersion(q, reportId, version, by.userId, by.name, now);
  await store.setReport(q, reportId, 'final', version, null);
  await store.setOrderStatus(q, order.id, 'verified');
  await store.insertOrderEvent(q, order.id, 'verified', by.userId, null, now);
  const v = (await store.versionsOf(q, [reportId])).find((x) => x.version === version)!;
  await raiseAlerts(q, p, order, c, reportId, version, v.critical, now, by);
}

/**
 * Writes (or rewrites, while unverified) the report of an order from what the reader typed; flags
 * each observation against its range and finds the critical values by the centre's rules. With
 * `verify` a centre without two-level review verifies it at once (raising any critical alert), and
 * with `publish` publishes it too.
 */
export async function writeReport(db: Db, p: Principal, o: AccessOptions, id: string, input: ReportIn, now = new Date()): Promise<OrderOut> {
  await db.tx(async (q) => {
    const { order, centre } = await readingOrder(q, p, o, id);
    if (!readable(order.status as OrderStatus, centre.modality as Modality)) throw conflict('diagnostics.wrong_state', { zh: `申请当前状态为 ${order.status}，不能书写报告`, en: `The order is ${order.status}; no report can be written now` });
    if (input.verify && centre.two_level) throw conflict('diagnostics.second_reader_required', { zh: '本中心实行两级审核：报告须由另一位医师审核', en: 'This centre verifies in two levels: another doctor must verify the report' }, [{ path: 'verify', problem: 'a second doctor verifies / 须由另一位医师审核' }]);
    if (input.publish && !input.verify) throw badRequest('diagnostics.report_invalid', { zh: '发布前须审核', en: 'A report is verified before it is published' }, [{ path: 'publish', problem: 'needs verify / 须先审核' }]);
    const { observations, critical } = await checkedReport(q, centre, input);
    const [existing] = await store.reportsOfOrders(q, [id]);
    const reportId = existing?.id ?? await store.insertReport(q, id, 'preliminary');
    const fields = { reportId, version: 1, findings: input.findings, impression: input.impression, observations, critical, by: p.userId, byName: p.displayName };
    if (existing) await store.updateDraftVersion(q, fields);
    else await store.insertVersion(q, { ...fields, amendReason: null });
    if (order.status !== 'preliminary') {
      await store.setOrderStatus(q, id, 'preliminary');
      await store.insertOrderEvent(q, id, 'preliminary', p.userId, null, now);
    }
    await writeAudit(q, actorOf(p, p.ip), { action: 'diagnostics.report_write', outcome: 'ok', residentId: order.resident_id, basis: 'diagnostic_centre', recordType: 'diagnostic_report', recordId: reportId, details: { critical: critical.map((c) => c.code) } });
    if (input.verify) {
      await verifyNow(q, p, { ...order, status: 'preliminary' }, centre, reportId, 1, now);
      if (input.publish) await publishNow(q, p, order, reportId, 1, now, 'final');
    }
  });
  return (await describeOrders(db, [(await store.orderById(db, id))!]))[0];
}

/** Verifies a preliminary report (in a two-level centre by a doctor other than its writer), raising any critical alert; optionally publishes it. */
export async function verifyReport(db: Db, p: Principal, o: AccessOptions, id: string, publish: boolean, now = new Date()): Promise<OrderOut> {
  await db.tx(async (q) => {
    const { order, centre } = await readingOrder(q, p, o, id);
    if (order.status !== 'preliminary') throw conflict('diagnostics.wrong_state', { zh: `申请当前状态为 ${order.status}，没有待审核的报告`, en: `The order is ${order.status}; there is no report to verify` });
    const [rep] = await store.reportsOfOrders(q, [id]);
    const v = (await store.versionsOf(q, [rep.id])).find((x) => x.version === rep.version)!;
    if (centre.two_level && v.written_by === p.userId) throw conflict('diagnostics.second_reader_required', { zh: '两级审核：不能审核自己书写的报告', en: 'Two-level review: you cannot verify a report you wrote' });
    await verifyNow(q, p, order, centre, rep.id, rep.version, now);
    await writeAudit(q, actorOf(p, p.ip), { action: 'diagnostics.report_verify', outcome: 'ok', residentId: order.resident_id, basis: 'diagnostic_centre', recordType: 'diagnostic_report', recordId: rep.id });
    if (publish) await publishNow(q, p, order, rep.id, rep.version, now, 'final');
  });
  return (await describeOrders(db, [(await store.orderById(db, id))!]))[0];
}

/** Publishes a verified report to the requesting facility and into the resident's lifelong record. */
export async function publishReport(db: Db, p: Principal, o: AccessOptions, id: string, now = new Date()): Promise<OrderOut> {
  await db.tx(async (q) => {
    const { order } = await readingOrder(q, p, o, id);
    if (order.status !== 'verified') throw conflict('diagnostics.wrong_state', { zh: `申请当前状态为 ${order.status}，不能发布`, en: `The order is ${order.status}; it cannot be published` });
    const [rep] = await store.reportsOfOrders(q, [id]);
    await publishNow(q, p, order, rep.id, rep.version, now, 'final');
    await writeAudit(q, actorOf(p, p.ip), { action: 'diagnostics.report_publish', outcome: 'ok', residentId: order.resident_id, basis: 'diagnostic_centre', recordType: 'diagnostic_report', recordId: rep.id });
  });
  return (await describeOrders(db, [(await store.orderById(db, id))!]))[0];
}

/**
 * Amends a published report: a new version (the earlier kept), verified and published by the amending
 * doctor with the reason, the record's document replaced, the report marked amended; everyone who read
 * an earlier version is told; a critical value new in it raises its alert.
 */
export async function amendReport(db: Db, p: Principal, o: AccessOptions, id: string, input: AmendIn, now = new Date()): Promise<OrderOut> {
  await db.tx(async (q) => {
    const { order, centre } = await readingOrder(q, p, o, id);
    if (order.status !== 'published') throw conflict('diagnostics.wrong_state', { zh: '只有已发布的报告才能更正', en: 'Only a published report can be amended' });
    const { observations, critical } = await checkedReport(q, centre, input);
    await amendWith(q, p, self(p), order, centre, { findings: input.findings, impression: input.impression, observations, critical, reason: input.reason }, now);
  });
  return (await describeOrders(db, [(await store.orderById(db, id))!]))[0];
}

/** The amendment itself (a typed one, or a laboratory's correction): the new version verified and published, fresh critical values raised, earlier readers told. */
async function amendWith(q: Queryable, p: Principal, by: Writer, order: store.OrderRow, centre: store.CentreRow, v: { findings: string; impression: string; observations: unknown[]; critical: CriticalHit[]; reason: string }, now: Date): Promise<{ reportId: string; version: number }> {
  const [rep] = await store.reportsOfOrders(q, [order.id]);
  const version = rep.version + 1;
  await store.insertVersion(q, { reportId: rep.id, version, findings: v.findings, impression: v.impression, observations: v.observations, critical: v.critical, by: by.userId, byName: by.name, amendReason: v.reason, messageId: by.messageId });
  await store.verifyVersion(q, rep.id, version, by.userId, by.name, now);
  const before = (await store.versionsOf(q, [rep.id])).find((x) => x.version === rep.version)!;
  const fresh = v.critical.filter((c) => !before.critical.some((b) => b.code === c.code));
  await raiseAlerts(q, p, order, centre, rep.id, version, fresh, now, by);
  await publishNow(q, p, order, rep.id, version, now, 'amended', by);
  const readers = (await store.readersBefore(q, rep.id, version)).filter((u) => u !== order.requester_id);
  await store.insertMessages(q, readers, 'amended', order.id, `报告已更正 / Report amended: ${order.placer_number}`);
  await writeAudit(q, actorOf(p, p.ip), { action: 'diagnostics.report_amend', outcome: 'ok', residentId: order.resident_id, basis: by.messageId ? 'lab_interface' : 'diagnostic_centre', recordType: 'diagnostic_report', recordId: rep.id, details: { version, reason: v.reason, notified: readers.length + 1, messageId: by.messageId ?? null } });
  return { reportId: rep.id, version };
}

// ---- results from a laboratory system (HL7 v2 ORU^R01; lab-interface.ts reads and keeps the message) ----

/** What a laboratory's message asks of an order's report (already mapped by hl7.ts). */
export interface LabResultIn {
  /** OBR-25: F final, P preliminary, C correction. */
  action: 'P' | 'F' | 'C';
  findings: string; impression: string; observations: MappedObservation[];
  /** The laboratory system as writer and verifier (no Meridian user), with the message the version comes from. */
  writer: Writer; verifier: Writer;
  fillerNumber: string | null;
  /** The correction's reason (the message's notes), for C. */
  reason: string | null;
}

/**
 * A laboratory's result for an order of a laboratory or pathology centre, through the steps a typed
 * report takes: an order whose specimen was collected but not yet marked received is received now
 * (the laboratory has it); P writes or rewrites the unverified report; F does the same and, in a
 * centre without two-level review, verifies and publishes it at once (critical values raise their
 * alerts exactly as a typed report's do) — in a two-level centre it waits for a centre doctor's
 * verification; C on a published report is an amendment (every version kept, earlier readers told).
 * Refuses (AppError) what the order cannot take: the caller keeps the message as an error.
 */
export async function applyLabResult(q: Queryable, sys: Principal, order: store.OrderRow, r: LabResultIn, now = new Date()): Promise<{ reportId: string; outcome: 'preliminary' | 'published' | 'amended' }> {
  const centre = (await store.centreById(q, order.centre_id))!;
  if (!specimenModality(centre.modality as Modality)) throw conflict('diagnostics.lab_not_specimen', { zh: `申请 ${order.placer_number} 不是检验或病理申请`, en: `Order ${order.placer_number} is not a laboratory or pathology order` });
  if (['ordered', 'scheduled', 'rejected', 'cancelled'].includes(order.status)) {
    throw conflict('diagnostics.wrong_state', { zh: `申请 ${order.placer_number} 当前为 ${order.status}，不能接收结果`, en: `Order ${order.placer_number} is ${order.status}; it cannot take a result` });
  }
  if (r.fillerNumber) await store.setFillerNumber(q, order.id, r.fillerNumber);
  const critical = criticalHits(await rulesFor(q, centre), r.observations, []);
  if (order.status === 'published') {
    if (r.action !== 'C') throw conflict('diagnostics.lab_already_final', { zh: `申请 ${order.placer_number} 的报告已发布：更改须以更正结果（OBR-25 = C）发送`, en: `The report of ${order.placer_number} is published: a change comes as a correction (OBR-25 C)` });
    const { reportId } = await amendWith(q, sys, r.writer, order, centre, { findings: r.findings, impression: r.impression, observations: r.observations, critical, reason: r.reason ?? '检验系统更正结果 / Corrected by the laboratory (OBR-25 C)' }, now);
    return { reportId, outcome: 'amended' };
  }
  if (order.status === 'verified') {
    throw conflict('diagnostics.wrong_state', { zh: `申请 ${order.placer_number} 的报告已审核待发布：发布后再发送更正`, en: `The report of ${order.placer_number} is verified and waiting to be published: send the correction after publication` });
  }
  if (order.status === 'acquired') {
    const item = (await store.itemsByIds(q, [order.item_id]))[0];
    await store.setOrderStatus(q, order.id, 'received', { receivedAt: now, dueAt: dueAt(now, item.turnaround_minutes) });
    await store.insertOrderEvent(q, order.id, 'specimen.received', null, '检验系统回传结果 / result from the laboratory system', now);
  }
  const [existing] = await store.reportsOfOrders(q, [order.id]);
  const reportId = existing?.id ?? await store.insertReport(q, order.id, 'preliminary');
  const fields = { reportId, version: 1, findings: r.findings, impression: r.impression, observations: r.observations, critical, by: r.writer.userId, byName: r.writer.name, messageId: r.writer.messageId };
  if (existing) await store.updateDraftVersion(q, fields);
  else await store.insertVersion(q, { ...fields, amendReason: null });
  if (order.status !== 'preliminary') {
    await store.setOrderStatus(q, order.id, 'preliminary');
    await store.insertOrderEvent(q, order.id, 'preliminary', null, null, now);
  }
  await writeAudit(q, actorOf(sys, sys.ip), { action: 'diagnostics.report_write', outcome: 'ok', residentId: order.resident_id, basis: 'lab_interface', recordType: 'diagnostic_report', recordId: reportId, details: { critical: critical.map((c) => c.code), messageId: r.writer.messageId ?? null, resultStatus: r.action } });
  if (r.action === 'P' || centre.two_level) return { reportId, outcome: 'preliminary' };
  await verifyNow(q, sys, { ...order, status: 'preliminary' }, centre, reportId, 1, now, r.verifier);
  await publishNow(q, sys, order, reportId, 1, now, 'final', r.verifier);
  return { reportId, outcome: 'published' };
}

/** An order by its placer number (the ones the laboratory's centres read), or by the laboratory's own filler number. */
export async function labOrderFor(q: Queryable, centreFacilityId: string, key: { placer: string | null; filler: string | null }): Promise<store.OrderRow | null> {
  const centres = (await store.activeCentres(q)).filter((c) => c.facility_id === centreFacilityId && specimenModality(c.modality as Modality));
  const ids = centres.map((c) => c.id);
  if (key.placer) {
    const o = await store.orderByPlacer(q, key.placer);
    if (o && ids.includes(o.centre_id)) return o;
  }
  if (key.filler) return (await store.orderByFiller(q, ids, key.filler)) ?? null;
  return null;
}

/** The centres' items by id, with their analyte mappings (for mapping a message's results). */
export async function itemOfOrder(q: Queryable, order: store.OrderRow): Promise<store.ItemRow> {
  return (await store.itemsByIds(q, [order.item_id]))[0];
}

// ---- critical values ----

/**
 * Escalates every critical alert past its acknowledgement limit, once: to the managers over the
 * requesting facility and the centre's doctors on duty, each step timed and audited. Run before
 * every read of the desk (and by the server's timer); `now` is the clock, which tests control.
 */
export async function escalateDue(db: Db, now = new Date()): Promise<number> {
  return db.tx(async (q) => {
    const due = await store.overdueAlerts(q, now);
    for (const a of due) {
      const fac = (await facilityBriefs(q, [a.facility_id])).get(a.facility_id)!;
      const managers = await usersOver(q, 'manager', { code: fac.code, regionCode: fac.regionCode });
      const duty = await store.onDuty(q, a.centre_id, now);
      const to = [...new Set([...managers, ...duty])];
      await store.markEscalated(q, a.id, now);
      await store.insertAlertEvent(q, a.id, 'escalated', now, null, null, `${managers.length} manager(s), ${duty.length} duty doctor(s) / 管理者 ${managers.length}，值班医师 ${duty.length}`);
      for (const u of to) await store.insertAlertEvent(q, a.id, 'notified', now, u, null, managers.includes(u) ? 'facility manager / 机构管理者' : 'centre duty doctor / 中心值班医师');
      await store.insertMessages(q, to, 'escalation', a.id, `危急值超时未确认 / Critical value not acknowledged: ${fac.name}`);
      await writeAudit(q, actorOf(null, null), { action: 'diagnostics.critical_escalated', outcome: 'ok', residentId: a.resident_id, recordType: 'critical_alert', recordId: a.id, details: { to: to.length, overdueSeconds: Math.round((now.getTime() - a.ack_due_at.getTime()) / 1000) } });
    }
    return due.length;
  });
}

async function describeAlerts(q: Queryable, rows: store.AlertRow[], now: Date) {
  const orders = new Map<string, store.OrderRow>();
  for (const r of rows) orders.set(r.order_id, (await store.orderById(q, r.order_id))!);
  const items = new Map((await store.itemsByIds(q, [...new Set([...orders.values()].map((o) => o.item_id))])).map((i) => [i.id, i]));
  const people = await cardPeople(q, null, [...new Set(rows.map((r) => r.resident_id))]);
  const facs = await facilityBriefs(q, rows.map((r) => r.facility_id));
  const centres = new Map((await store.activeCentres(q)).map((c) => [c.id, c.name]));
  const events = await store.alertEventsOf(q, rows.map((r) => r.id));
  return rows.map((a) => {
    const o = orders.get(a.order_id)!;
    const it = items.get(o.item_id)!;
    return {
      id: a.id, orderId: a.order_id, placerNumber: o.placer_number, item: { zh: it.name_zh, en: it.name_en }, resident: { id: a.resident_id, name: people.get(a.resident_id)?.name ?? '' },
      facility: facs.get(a.facility_id)?.name ?? '', centre: centres.get(a.centre_id) ?? '', what: a.what as never,
      raisedAt: iso(a.raised_at)!, ackDueAt: iso(a.ack_due_at)!, state: alertState({ ackDueAt: a.ack_due_at, acknowledgedAt: a.acknowledged_at }, now),
      secondsLeft: Math.round((a.ack_due_at.getTime() - now.getTime()) / 1000), escalatedAt: iso(a.escalated_at), acknowledgedAt: iso(a.acknowledged_at), acknowledgedBy: a.ack_name,
      readBack: a.read_back, actionTaken: a.action_taken, minutesToAck: a.acknowledged_at ? minutesBetween(a.raised_at, a.acknowledged_at) : null,
      events: events.filter((e) => e.alert_id === a.id).map((e) => ({ step: e.step, at: iso(e.at)!, note: e.note })),
    };
  });
}

/** The critical-value desk: the facility's alerts (clinicians, the duty desk) or the centre's (its doctors), open first with their timers. Escalates what is due first. */
export async function alertDesk(db: Db, p: Principal, openOnly: boolean, now = new Date()) {
  await escalateDue(db, now);
  let rows: store.AlertRow[];
  if (p.role === 'diagnostician') rows = await store.alertsOfCentres(db, (await centresFor(db, p)).map((c) => c.id));
  else rows = await store.alertsOfFacilities(db, [(await facilityOf(db, p)).id], openOnly);
  if (openOnly) rows = rows.filter((r) => !r.acknowledged_at);
  const items = await describeAlerts(db, rows, now);
  const actor = actorOf(p, p.ip);
  await db.tx((q) => writeAuditMany(q, [{ actor, entry: { action: 'diagnostics.alert_desk', outcome: 'ok', basis: 'critical_value', details: { shown: rows.length } } },
    ...[...new Set(rows.map((r) => r.resident_id))].map((residentId) => ({ actor, entry: { action: 'record.listed', outcome: 'ok' as const, residentId, basis: 'critical_value', details: { list: 'diagnostics.alert_desk' } } }))]));
  return { items };
}

/** The number of critical values my facility has still to acknowledge (for the banner on every page; no personal data, so not audited). */
export async function openAlerts(db: Db, p: Principal): Promise<{ open: number }> {
  if (!p.facilityCode) return { open: 0 };
  return { open: await store.openAlertCount(db, [(await getFacility(db, p.facilityCode, null)).id]) };
}

/** Acknowledges a critical value at the requesting facility: read back and the action taken, timed and audited. */
export async function acknowledgeAlert(db: Db, p: Principal, id: string, readBack: string, action: string, now = new Date()) {
  await db.tx(async (q) => {
    const a = await store.alertById(q, id, true);
    const fac = await facilityOf(q, p);
    if (!a || a.facility_id !== fac.id) throw notFound({ zh: '危急值', en: 'Critical value' });
    if (!(await store.acknowledge(q, id, p.userId, p.displayName, readBack, action, now))) throw conflict('diagnostics.already_acknowledged', { zh: '该危急值已确认', en: 'The critical value was acknowledged already' });
    await store.insertAlertEvent(q, id, 'acknowledged', now, null, p.userId, readBack);
    await writeAudit(q, actorOf(p, p.ip), { action: 'diagnostics.critical_acknowledged', outcome: 'ok', residentId: a.resident_id, recordType: 'critical_alert', recordId: id,
      details: { secondsAfterRaised: Math.round((now.getTime() - a.raised_at.getTime()) / 1000), withinLimit: now <= a.ack_due_at, readBack, action } });
  });
  const a = (await store.alertById(db, id))!;
  return (await describeAlerts(db, [a], now))[0];
}

/** My messages (critical values, escalations, published and amended reports), newest first. */
export async function myMessages(db: Db, p: Principal) {
  const rows = await store.messagesOf(db, p.userId);
  return { items: rows.map((m) => ({ id: m.id, kind: m.kind, refId: m.ref_id, title: m.title, createdAt: iso(m.created_at)!, readAt: iso(m.read_at) })), unread: rows.filter((m) => !m.read_at).length };
}

export async function readMessages(db: Db, p: Principal, ids: string[]) {
  await store.markMessagesRead(db, p.userId, ids);
  return { ok: true as const };
}

// ---- figures ----

export const FIGURE_DEFINITIONS = {
  turnaround: { zh: '报告时限：自影像/心电采集完成（检验、病理自标本签收）至报告审核的分钟数；中位数与在目标时限内完成的比例', en: 'Turnaround: minutes from acquisition (a specimen: its receipt) to the verified report; the median and the share within the item\'s target' },
  critical: { zh: '危急值及时确认率：在确认时限内（默认15分钟）由申请机构复述确认的危急值 ÷ 发出的危急值', en: 'Critical values acknowledged (read back) at the requesting facility within the limit (default 15 minutes) ÷ critical values raised' },
  recognition: { zh: '互认率：互认的既往结果 ÷ 遇到可互认结果时的全部决定；避免的重复检查费用按项目价格计', en: 'Recognition rate: earlier results recognised ÷ all decisions on a standing result; repeats avoided priced at the item\'s price' },
  orders: { zh: '各机构向诊断中心提出的检查申请数，及已完成的远程会诊数', en: 'Orders each facility sent to the centres, and remote consultations held' },
};

/** Turnaround per centre and item, critical-value timeliness per centre, recognition per facility, orders and consultations per facility, for the days from–to. */
export async function figures(db: Db, p: Principal, from: string, to: string) {
  if (from > to) throw badRequest('diagnostics.period_invalid', { zh: '开始日期晚于结束日期', en: 'from is after to' }, [{ path: 'from', problem: 'after to / 晚于结束日期' }]);
  const centres = await centresFor(db, p);
  const ids = centres.map((c) => c.id);
  const name = new Map(centres.map((c) => [c.id, c.name]));
  const ta = await store.turnaroundRows(db, ids, from, to);
  const groups = new Map<string, typeof ta>();
  for (const r of ta) groups.set(`${r.centre_id}|${r.item_code}`, [...(groups.get(`${r.centre_id}|${r.item_code}`) ?? []), r]);
  const turnaround = [...groups.values()].map((g) => {
    const mins = g.map((r) => minutesBetween(r.start_at, r.verified_at));
    const within = mins.filter((m) => m <= g[0].target).length;
    return { centre: name.get(g[0].centre_id) ?? '', itemCode: g[0].item_code, item: { zh: g[0].item_zh, en: g[0].item_en }, reports: g.length, medianMinutes: median(mins), withinTarget: within, withinTargetShare: share(within, g.length), targetMinutes: g[0].target };
  }).sort((a, b) => a.centre.localeCompare(b.centre) || a.itemCode.localeCompare(b.itemCode));
  const al = await store.alertRows(db, ids, from, to);
  const critical = centres.map((c) => {
    const rows = al.filter((a) => a.centre_id === c.id);
    const acked = rows.filter((a) => a.acknowledged_at);
    const within = acked.filter((a) => a.acknowledged_at! <= a.ack_due_at).length;
    return { centre: c.name, alerts: rows.length, acknowledged: acked.length, withinLimit: within, withinLimitShare: share(within, rows.length), medianMinutesToAck: median(acked.map((a) => minutesBetween(a.raised_at, a.acknowledged_at!))) };
  });
  const memberIds = [...new Set((await store.membersOf(db, ids)).map((m) => m.facility_id))];
  const facs = await facilityBriefs(db, memberIds);
  const dec = await store.decisionRows(db, memberIds, from, to);
  const recognition = memberIds.map((f) => {
    const rows = dec.filter((d) => d.facility_id === f);
    const rec = rows.filter((d) => d.recognised);
    return { facility: facs.get(f)?.name ?? '', decisions: rows.length, recognised: rec.length, rate: share(rec.length, rows.length), costAvoidedFen: rec.reduce((s, d) => s + d.price_fen, 0) };
  }).filter((r) => r.decisions > 0);
  const ord = await store.ordersByFacility(db, ids, from, to);
  const cons = await store.consultationCounts(db, ids, from, to);
  const orders = memberIds.map((f) => ({ facility: facs.get(f)?.name ?? '', orders: ord.find((x) => x.facility_id === f)?.n ?? 0, consultations: cons.find((x) => x.facility_id === f)?.n ?? 0 }))
    .filter((r) => r.orders || r.consultations).sort((a, b) => b.orders - a.orders);
  return { from, to, turnaround, critical, recognition, orders, definitions: FIGURE_DEFINITIONS };
}

// ---- remote consultation ----

async function describeConsultations(q: Queryable, rows: store.ConsultationRow[]) {
  const people = await cardPeople(q, null, [...new Set(rows.map((r) => r.resident_id))]);
  const facs = await facilityBriefs(q, rows.map((r) => r.facility_id));
  const centres = new Map((await store.activeCentres(q)).map((c) => [c.id, c.name]));
  const names = await displayNames(q, rows.map((r) => r.specialist_id).filter((x): x is string => !!x));
  return rows.map((c) => ({
    id: c.id, status: c.status as 'requested', resident: { id: c.resident_id, name: people.get(c.resident_id)?.name ?? '' }, facility: facs.get(c.facility_id)?.name ?? '', centre: centres.get(c.centre_id) ?? '',
    summary: c.summary, question: c.question, reportIds: c.report_ids, specialist: c.specialist_id ? names.get(c.specialist_id) ?? '' : null, scheduledAt: iso(c.scheduled_at), link: c.link,
    opinion: c.opinion, heldAt: iso(c.held_at), requestedAt: iso(c.requested_at)!,
  }));
}

/** A township doctor asks a centre's specialist for an opinion, with the summary and reports attached (with a basis). */
export async function requestConsultation(db: Db, p: Principal, o: AccessOptions, input: { residentId: string; centreId: string; summary: string; question: string; reportIds?: string[] }) {
  const id = await db.tx(async (q) => {
    const grant = await assertMayAttach(q, p, input.residentId, o);
    const fac = await facilityOf(q, p);
    const c = await visibleCentre(q, p, input.centreId);
    const facts = (await careFacts(q, input.residentId))!;
    const reps = input.reportIds?.length ? await store.reportsOfOrders(q, (await store.residentOrders(q, input.residentId)).map((x) => x.id)) : [];
    const bad = (input.reportIds ?? []).map((r, i) => ({ r, i })).filter((x) => !reps.some((y) => y.id === x.r && y.published_at));
    if (bad.length) throw badRequest('diagnostics.consultation_invalid', { zh: '附带的报告不是该居民已发布的报告', en: 'An attached report is not a published report of the resident' }, bad.map((b) => ({ path: `reportIds[${b.i}]`, problem: 'not a published report of the resident / 不是该居民的已发布报告' })));
    const cid = await store.insertConsultation(q, { county: facts.countyCode, residentId: input.residentId, requesterId: p.userId, facilityId: fac.id, centreId: c.id, summary: input.summary, question: input.question, reportIds: input.reportIds ?? [] });
    await writeAudit(q, actorOf(p, p.ip), { action: 'diagnostics.consultation_request', outcome: 'ok', residentId: input.residentId, basis: grant.basis, recordType: 'consultation', recordId: cid });
    return cid;
  });
  return (await describeConsultations(db, [(await store.consultationById(db, id))!]))[0];
}

/** Consultations of my centres (reading doctors) or my facility (requesters). */
export async function consultations(db: Db, p: Principal) {
  const centres = p.role === 'diagnostician' ? (await centresFor(db, p)).map((c) => c.id) : [];
  const facs = p.role === 'diagnostician' ? [] : [(await facilityOf(db, p)).id];
  const rows = await store.consultationsOf(db, centres, facs);
  const actor = actorOf(p, p.ip);
  await db.tx((q) => writeAuditMany(q, [...new Set(rows.map((r) => r.resident_id))].map((residentId) => ({ actor, entry: { action: 'record.listed', outcome: 'ok' as const, residentId, basis: 'consultation', details: { list: 'diagnostics.consultations' } } }))));
  return { items: await describeConsultations(db, rows) };
}

async function centreConsultation(q: Queryable, p: Principal, id: string) {
  const c = await store.consultationById(q, id, true);
  if (!c || !(await centresFor(q, p)).some((x) => x.id === c.centre_id)) throw notFound({ zh: '会诊', en: 'Consultation' });
  return c;
}

/** The centre schedules the consultation with one of its doctors (the video link kept). */
export async function scheduleConsultation(db: Db, p: Principal, id: string, s: { username: string; at: string; link?: string }) {
  await db.tx(async (q) => {
    const c = await centreConsultation(q, p, id);
    if (c.status !== 'requested' && c.status !== 'scheduled') throw conflict('diagnostics.wrong_state', { zh: '会诊已结束', en: 'The consultation is over' });
    const u = await userByUsername(q, s.username);
    if (!u || u.role !== 'diagnostician' || u.facility_code !== p.facilityCode) throw badRequest('diagnostics.consultation_invalid', { zh: '会诊专家须为本中心医师', en: 'The specialist must be a doctor of the centre' }, [{ path: 'username', problem: 'not a doctor of the centre / 不是本中心医师' }]);
    await store.scheduleConsultation(q, id, u.id, s.at, s.link ?? null);
    await store.insertMessages(q, [c.requester_id], 'consultation', id, `远程会诊已安排 / Consultation scheduled`);
    await writeAudit(q, actorOf(p, p.ip), { action: 'diagnostics.consultation_schedule', outcome: 'ok', residentId: c.resident_id, recordType: 'consultation', recordId: id, details: { specialist: u.username, at: s.at } });
  });
  return (await describeConsultations(db, [(await store.consultationById(db, id))!]))[0];
}

/** The specialist records the opinion: the consultation is held, and the opinion goes into the resident's record. */
export async function recordOpinion(db: Db, p: Principal, id: string, opinion: string, now = new Date()) {
  await db.tx(async (q) => {
    const c = await centreConsultation(q, p, id);
    if (c.status !== 'scheduled') throw conflict('diagnostics.wrong_state', { zh: '会诊尚未安排或已结束', en: 'The consultation is not scheduled, or is over' });
    await store.holdConsultation(q, id, opinion, now);
    await putReportDocument(q, p, { residentId: c.resident_id, kind: 'examination_report', title: '远程会诊意见', body: `会诊问题 / Question: ${c.question}\n会诊意见 / Opinion: ${opinion}\n会诊专家 ${p.displayName}`, writtenAt: now.toISOString(), reportId: id });
    await store.insertMessages(q, [c.requester_id], 'consultation', id, `远程会诊意见已出 / Consultation opinion recorded`);
    await writeAudit(q, actorOf(p, p.ip), { action: 'diagnostics.consultation_opinion', outcome: 'ok', residentId: c.resident_id, recordType: 'consultation', recordId: id });
  });
  return (await describeConsultations(db, [(await store.consultationById(db, id))!]))[0];
}

/** The server's escalation timer: every `intervalMs` (default 30 s) escalates the critical values past their limit, so a manager is told even when nobody opens the desk. */
export function startEscalation(db: Db, log: { error(o: object, m: string): void }, intervalMs = 30_000): { stop(): void } {
  let running = false;
  const h = setInterval(() => {
    if (running) return;
    running = true;
    escalateDue(db).catch((e: unknown) => log.error({ err: e }, 'critical-value escalation failed')).finally(() => { running = false; });
  }, intervalMs);
  h.unref();
  return { stop: () => clearInterval(h) };
}
