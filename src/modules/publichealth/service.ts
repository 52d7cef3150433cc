// Public-health programmes, immunisation first: the schedule, a child's vaccination card (doses given,
// due, overdue, planned, and those that do not count), the vaccination clinic's daily due list, its
// vaccine lots, a dose recorded (the lot checked and taken from, the record written through records'
// service), and coverage and timeliness over the clinic's children. A child's history is the record's
// immunisations (records' service), so doses sent by facility systems count too.
import type { Db, Queryable } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';
import { actorOf } from '../../platform/auth.ts';
import { badRequest, conflict, notFound } from '../../platform/errors.ts';
import { writeAudit, writeAuditMany } from '../../platform/audit.ts';
import { requireBasis, type AccessOptions } from '../records/access.ts';
import { assertMayAttach } from '../records/basis.ts';
import { addEncounter, addImmunisation, immunisationHistories } from '../records/service.ts';
import { getFacility, facilityBriefs, listFacilities } from '../registry/facilities.ts';
import { careFacts, liveResidentName, residentsBornBetween } from '../registry/residents.ts';
import { ageOn } from '../registry/rules.ts';
import { regionPrefix } from '../../shared/roles.ts';
import { scopePrefix } from '../../platform/scope.ts';
import { townshipsOf } from '../registry/regions.ts';
import { addDays, onDayNow, today } from '../../shared/time.ts';
import { addSpan, childSchedule, coverageOf, lotProblem, nextDoseOf, type ChildSchedule, type LotProblem } from './rules.ts';
import { SCHEDULE_VERSIONS, VACCINES, versionOn } from './schedule.ts';
import * as store from './store.ts';
import type { ChildCardOut, ElderlyServiceIn, ElderlyServiceRead, VaccinationIn } from './schema.ts';
import type { z } from 'zod';
import { ELDERLY_AGE, ELDERLY_RATE_DEFINITION, annualStatus, bmiBand, bmiOf, elderlyFormProblems, isElderly, managementRate, missingItems, selfCareScore, waistBand, type AnnualStatus, type ElderlyFormIn } from './elderly.ts';

/** Children the clinic's lists take in: under 7 years (the 预防接种证's programme ages; catch-up to 18 is shown on a child's own card). */
export const LIST_AGE_YEARS = 7;

interface Clinic { id: string; code: string; name: string; regionCode: string; tier?: string }

/**
 * The vaccination clinic the worker acts for: the facility of their account, else — a township's
 * public-health worker — the one township-tier facility of their township (its health centre).
 */
async function clinicOf(q: Queryable, p: Principal): Promise<Clinic> {
  if (p.facilityCode) {
    const f = await getFacility(q, p.facilityCode, null);
    return { id: f.id, code: f.code, name: f.name, regionCode: f.regionCode, tier: f.tier };
  }
  const own = p.regionCode ? (await listFacilities(q, { within: regionPrefix(p.regionCode), tier: 'township', limit: 5, offset: 0 })).items.filter((f) => f.regionCode === p.regionCode) : [];
  if (own.length !== 1) throw badRequest('publichealth.facility_required', { zh: '账号未关联接种单位', en: 'Your account has no vaccination clinic' }, [{ path: 'facilityCode', problem: 'your account has no facility / 账号未关联机构' }]);
  return { id: own[0].id, code: own[0].code, name: own[0].name, regionCode: own[0].regionCode, tier: 'township' };
}

/**
 * The primary-care facility whose area's elderly the worker serves: a township or community centre
 * (its township's residents) or a village clinic (its village's); a hospital's doctor has none.
 */
async function elderlyClinicOf(q: Queryable, p: Principal): Promise<Clinic> {
  const c = await clinicOf(q, p);
  if (c.tier !== 'township' && c.tier !== 'village') {
    throw badRequest('publichealth.not_primary_care', { zh: '老年人健康管理由乡镇卫生院、社区卫生服务中心和村卫生室提供，您的机构不在其列', en: 'Elderly health management is provided by township and community centres and village clinics; your facility is none of them' },
      [{ path: 'facilityCode', problem: 'not a primary-care facility / 非基层医疗卫生机构' }]);
  }
  return c;
}

/** The schedule's versions with their series and doses, and the vaccines. */
export function schedule() {
  return {
    versions: SCHEDULE_VERSIONS.map((v) => ({ id: v.id, zh: v.zh, en: v.en, from: v.from, source: v.sourceText,
      series: v.series.map((s) => ({ code: s.code, zh: s.zh, en: s.en, catchUp: s.catchUp ?? null,
        doses: s.doses.map((d) => ({ dose: d.dose, age: d.age, minInterval: d.minInterval ?? null, minFromFirst: d.minFromFirst ?? null, products: d.products, completeBy: d.completeBy ?? null })) })) })),
    vaccines: Object.values(VACCINES),
    current: versionOn(today()).id,
  };
}

async function cardOf(q: Queryable, residentId: string, day: string): Promise<ChildCardOut> {
  const facts = await careFacts(q, residentId);
  const name = await liveResidentName(q, residentId);
  if (!facts || !name) throw notFound({ zh: '居民', en: 'Resident' });
  const history = (await immunisationHistories(q, [residentId])).get(residentId) ?? [];
  const s = childSchedule(facts.birthDate, history, day);
  const details = new Map((await store.vaccinationsOf(q, residentId)).map((v) => [`${v.vaccine}:${v.given_on}`, v]));
  const facilities = await facilityBriefs(q, [...new Set([...details.values()].map((v) => v.facility_id))]);
  return {
    resident: { id: residentId, name, sex: facts.sex, ageMonths: s.ageMonths },
    version: s.version, day,
    lines: s.lines.map((l) => {
      const d = l.givenOn ? details.get(`${l.vaccine}:${l.givenOn}`) : undefined;
      return { ...l, detail: d ? { manufacturer: d.manufacturer, lot: d.lot, expiresOn: d.expires_on, site: d.site, route: d.route, vaccinator: d.vaccinator_name, facilityName: facilities.get(d.facility_id)?.name ?? null } : null };
    }),
    notCounted: s.notCounted.map(({ vaccine, givenOn, series, dose, reason, version }) => ({ vaccine, givenOn, series, dose, reason, version })),
  };
}

/** A child's vaccination card on a day (default today), with a basis for their record; audited. */
export async function childCard(db: Db, p: Principal, o: AccessOptions, residentId: string): Promise<ChildCardOut> {
  const { basis } = await requireBasis(db, p, residentId, o);
  const card = await cardOf(db, residentId, today());
  await db.tx((q) => writeAudit(q, actorOf(p, p.ip), { action: 'publichealth.card_read', outcome: 'ok', residentId, basis }));
  return card;
}

async function clinicChildren(q: Queryable, clinic: Clinic, day: string) {
  const kids = await residentsBornBetween(q, regionPrefix(clinic.regionCode), addDays(addSpan(day, { years: -LIST_AGE_YEARS }), 1), day);
  const histories = await immunisationHistories(q, kids.map((k) => k.id));
  return kids.map((k) => ({ ...k, history: histories.get(k.id) ?? [] }));
}

const daysBetween = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000);

/**
 * The clinic's due list for a day: every child under 7 living in its area with a dose due or overdue
 * on that day, latest first (most days past the dose's first day), then by name. Listed residents are
 * written to their access logs (public-health basis).
 */
export async function dueList(db: Db, p: Principal, f: { day?: string; status?: 'due' | 'overdue'; limit: number }) {
  const day = f.day ?? today();
  const clinic = await clinicOf(db, p);
  const kids = await clinicChildren(db, clinic, day);
  const items = [];
  for (const k of kids) {
    const s = childSchedule(k.birthDate, k.history, day);
    for (const l of s.lines) {
      if (l.status !== 'due' && l.status !== 'overdue') continue;
      if (f.status && l.status !== f.status) continue;
      items.push({ residentId: k.id, name: k.name, sex: k.sex, ageMonths: s.ageMonths, villageName: k.villageName, series: l.series, dose: l.dose, vaccine: l.vaccine,
        status: l.status, dueOn: l.dueOn!, daysLate: Math.max(0, daysBetween(l.dueOn!, day)), note: l.note });
    }
  }
  items.sort((a, b) => b.daysLate - a.daysLate || a.name.localeCompare(b.name) || a.residentId.localeCompare(b.residentId) || a.series.localeCompare(b.series));
  const page = items.slice(0, f.limit);
  const actor = actorOf(p, p.ip);
  const shown = [...new Set(page.map((x) => x.residentId))];
  await db.tx((q) => writeAuditMany(q, [
    { actor, entry: { action: 'publichealth.due_list', outcome: 'ok', basis: 'public_health', details: { facility: clinic.code, day, rows: items.length } } },
    ...shown.map((residentId) => ({ actor, entry: { action: 'record.listed', outcome: 'ok' as const, residentId, basis: 'public_health', details: { list: 'publichealth.due_list' } } })),
  ]));
  return { facility: { code: clinic.code, name: clinic.name }, day, version: versionOn(day).id, total: items.length, children: kids.length, items: page };
}

// ---- the clinic's vaccine lots ----

/** The clinic's lots (with stock, or all), soonest expiry first per vaccine. */
export async function lots(db: Db, p: Principal, all: boolean) {
  const clinic = await clinicOf(db, p);
  const day = today();
  const rows = await store.lotsOf(db, clinic.id, !all);
  return { facility: { code: clinic.code, name: clinic.name },
    items: rows.map((l) => ({ id: l.id, vaccine: l.vaccine, manufacturer: l.manufacturer, lot: l.lot, expiresOn: l.expires_on, quantity: l.quantity, expired: l.expires_on < day })) };
}

/** Receives doses of a lot into the clinic's stock; an expired lot is refused. */
export async function receiveLot(db: Db, p: Principal, input: { vaccine: string; manufacturer: string; lot: string; expiresOn: string; quantity: number }): Promise<{ id: string; quantity: number }> {
  if (input.expiresOn < today()) throw badRequest('publichealth.lot_expired', { zh: '该批号已过期，不能入库', en: 'The lot has expired; it cannot be received' }, [{ path: 'expiresOn', problem: 'in the past / 已过期' }]);
  return db.tx(async (q) => {
    const clinic = await clinicOf(q, p);
    const r = await store.receiveLot(q, { facilityId: clinic.id, ...input });
    if (r.expires_on !== input.expiresOn) {
      throw conflict('publichealth.lot_expiry_differs', { zh: `该批号已登记的有效期为 ${r.expires_on}`, en: `This lot is registered with expiry ${r.expires_on}` }, [{ path: 'expiresOn', problem: `the lot expires on ${r.expires_on} / 该批号有效期为 ${r.expires_on}` }]);
    }
    await store.insertMove(q, { lotId: r.id, kind: 'receive', quantity: input.quantity, refId: null, by: p.userId });
    await writeAudit(q, actorOf(p, p.ip), { action: 'publichealth.lot_receive', outcome: 'ok', recordType: 'vaccine_lot', recordId: r.id, details: { facility: clinic.code, vaccine: input.vaccine, lot: input.lot, quantity: input.quantity } });
    const [held] = (await store.lotsOf(q, clinic.id, false)).filter((l) => l.id === r.id);
    return { id: r.id, quantity: held.quantity };
  });
}

const LOT_TEXT: Record<LotProblem, { zh: string; en: string; problem: string }> = {
  lot_expired: { zh: '该批号已过期，不能接种', en: 'The lot has expired; it cannot be used', problem: 'expired / 已过期' },
  lot_empty: { zh: '该批号已无库存', en: 'No doses of this lot are left', problem: 'no stock / 无库存' },
  lot_wrong_vaccine: { zh: '该批号不是所选疫苗', en: 'The lot is of another vaccine', problem: 'another vaccine / 非所选疫苗' },
};

/**
 * Records a dose given at the clinic: the child owes this dose now (else refused with the day it is
 * due), the lot is the clinic's, unexpired and holds a dose; one dose taken from the lot, the dose
 * written to the record (records' service) and the clinic's details here, in one transaction.
 */
export async function recordVaccination(db: Db, p: Principal, o: AccessOptions, input: VaccinationIn) {
  const day = today();
  const givenOn = input.givenOn ?? day;
  if (givenOn > day) throw badRequest('publichealth.given_in_future', { zh: '接种日期不能晚于今天', en: 'The day given cannot be after today' }, [{ path: 'givenOn', problem: 'after today / 晚于今天' }]);
  const info = VACCINES[input.vaccine];
  const route = input.route ?? info.route;
  if ((route === 'oral') !== (input.site === 'oral')) {
    throw badRequest('publichealth.site_route', { zh: '口服疫苗的部位为“口服”，注射疫苗须选注射部位', en: 'An oral vaccine\'s site is "oral"; an injected one needs an injection site' }, [{ path: 'site', problem: 'does not fit the route / 与接种途径不符' }]);
  }
  const result = await db.tx(async (q) => {
    const clinic = await clinicOf(q, p);
    const grant = await assertMayAttach(q, p, input.residentId, o);
    const facts = await careFacts(q, input.residentId);
    if (!facts) throw notFound({ zh: '居民', en: 'Resident' });
    if (givenOn < facts.birthDate) throw badRequest('publichealth.given_before_birth', { zh: '接种日期早于出生日期', en: 'The day given is before the birth date' }, [{ path: 'givenOn', problem: 'before birth / 早于出生日期' }]);
    const lot = await store.lotForUpdate(q, input.lotId);
    if (!lot || lot.facility_id !== clinic.id) throw badRequest('publichealth.lot_unknown', { zh: '本接种单位没有该批号', en: 'The clinic holds no such lot' }, [{ path: 'lotId', problem: 'not a lot of this clinic / 非本单位批号' }]);
    const bad = lotProblem({ vaccine: lot.vaccine, expiresOn: lot.expires_on, quantity: lot.quantity }, input.vaccine, givenOn);
    if (bad) throw badRequest(`publichealth.${bad}`, { zh: LOT_TEXT[bad].zh, en: LOT_TEXT[bad].en }, [{ path: 'lotId', problem: `${lot.lot}: ${LOT_TEXT[bad].problem}` }]);
    const history = (await immunisationHistories(q, [input.residentId])).get(input.residentId) ?? [];
    const before = childSchedule(facts.birthDate, history, givenOn);
    const line = nextDoseOf(before, input.vaccine);
    if (!line) {
      const next = before.lines.find((l) => (l.status === 'upcoming') && l.vaccine === input.vaccine);
      throw badRequest('publichealth.not_due', { zh: next ? `该疫苗下一剂 ${next.dueOn} 起方可接种` : '该儿童不需要接种此疫苗', en: next ? `The next dose of this vaccine may be given from ${next.dueOn}` : 'The child owes no dose of this vaccine' },
        [{ path: 'vaccine', problem: next ? `not due before ${next.dueOn} / ${next.dueOn} 前不可接种` : 'no dose owed / 无需接种' }]);
    }
    if (!(await store.takeOne(q, lot.id))) throw badRequest('publichealth.lot_empty', { zh: LOT_TEXT.lot_empty.zh, en: LOT_TEXT.lot_empty.en }, [{ path: 'lotId', problem: `${lot.lot}: ${LOT_TEXT.lot_empty.problem}` }]);
    const immunisationId = await addImmunisation(q, grant, clinic.id, { vaccine: input.vaccine, doseNumber: line.dose, givenOn, lot: lot.lot, site: input.site });
    const id = await store.insertVaccination(q, { residentId: input.residentId, county: facts.countyCode, immunisationId, vaccine: input.vaccine, series: line.series, doseNumber: line.dose, givenOn,
      lotId: lot.id, manufacturer: lot.manufacturer, lot: lot.lot, expiresOn: lot.expires_on, site: input.site, route, vaccinatorId: p.userId, vaccinatorName: p.displayName, facilityId: clinic.id, scheduleVersion: before.version });
    await store.insertMove(q, { lotId: lot.id, kind: 'administer', quantity: 1, refId: id, by: p.userId });
    await writeAudit(q, actorOf(p, p.ip), { action: 'publichealth.vaccination_record', outcome: 'ok', residentId: input.residentId, recordType: 'vaccination', recordId: id, basis: grant.basis,
      details: { vaccine: input.vaccine, series: line.series, dose: line.dose, lot: lot.lot, facility: clinic.code } });
    return { id, series: line.series, dose: line.dose, lotLeft: lot.quantity - 1, card: await cardOf(q, input.residentId, day) };
  });
  return result;
}

// ---- indicators ----

export const COVERAGE_DEFINITIONS = {
  coverage: { zh: '接种率 = 实种人数 ÷ 应种人数 × 100%（应种：居住在本单位辖区、未满7周岁、该剂次程序月龄已到的儿童；实种：其中该剂次已有有效接种的儿童）',
    en: 'Coverage = children with the dose validly given ÷ children living in the area, under 7, whose age for the dose has come × 100%' },
  timeliness: { zh: '及时接种率 = 在程序月龄后1个月内（乙肝第1剂为出生24小时内）完成该剂次的儿童 ÷ 应种人数 × 100%',
    en: 'Timeliness = children given the dose within a month of its age (HepB 1: within 24 hours of birth) ÷ children due × 100%' },
};

/** Coverage and timeliness by vaccine series and dose over the clinic's children on a day (aggregates only). */
export async function coverage(db: Db, p: Principal, f: { day?: string }) {
  const day = f.day ?? today();
  const clinic = await clinicOf(db, p);
  const kids = (await clinicChildren(db, clinic, day)).map((k) => ({ birth: k.birthDate, history: k.history }));
  return { facility: { code: clinic.code, name: clinic.name }, day, children: kids.length, definitions: COVERAGE_DEFINITIONS, items: coverageOf(kids, day) };
}

/**
 * Coverage and timeliness by township over the children under 7 living in the principal's region (or
 * the county named, for an administrator), with the region's total: aggregates only, no person shown.
 */
export async function coverageByTownship(db: Db, p: Principal, f: { day?: string; county?: string }) {
  const day = f.day ?? today();
  const scope = await scopePrefix(db, p);
  const prefix = scope ?? f.county;
  if (!prefix) throw badRequest('publichealth.county_required', { zh: '请指定区县', en: 'Name the county' }, [{ path: 'county', problem: 'required / 必填' }]);
  const kids = await residentsBornBetween(db, prefix, addDays(addSpan(day, { years: -LIST_AGE_YEARS }), 1), day);
  const histories = await immunisationHistories(db, kids.map((k) => k.id));
  const towns = (await townshipsOf(db, prefix.slice(0, 6))).filter((t) => t.code.startsWith(prefix) || prefix.startsWith(regionPrefix(t.code)));
  const byTown = new Map<string, { birth: string; history: { vaccine: string; givenOn: string }[] }[]>(towns.map((t) => [t.code, []]));
  for (const k of kids) byTown.get(`${k.villageCode.slice(0, 9)}000`)?.push({ birth: k.birthDate, history: histories.get(k.id) ?? [] });
  const all = [...byTown.values()].flat();
  await db.tx((q) => writeAudit(q, actorOf(p, p.ip), { action: 'publichealth.coverage_read', outcome: 'ok', details: { region: prefix, day } }));
  return {
    day, version: versionOn(day).id, definitions: COVERAGE_DEFINITIONS,
    total: { code: prefix, children: all.length, items: coverageOf(all, day) },
    townships: towns.map((t) => ({ code: t.code, name: t.name, children: byTown.get(t.code)!.length, items: coverageOf(byTown.get(t.code)!, day) })),
  };
}

export type { ChildSchedule };
export { ELDERLY_RATE_DEFINITION };

// ---- health management of the elderly aged 65+ ----

/** The clinic's residents aged 65+ on a day (registry), each with their services of that year. */
async function clinicElderly(q: Queryable, clinic: Clinic, day: string) {
  const olds = await residentsBornBetween(q, regionPrefix(clinic.regionCode), '1880-01-01', addSpan(day, { years: -ELDERLY_AGE }));
  const served = await store.elderlyServicesOf(q, olds.map((r) => r.id), `${day.slice(0, 4)}-01-01`);
  const by = new Map<string, store.ElderlyServiceRow[]>();
  for (const s of served) by.set(s.resident_id, [...(by.get(s.resident_id) ?? []), s]);
  return olds.map((r) => ({ ...r, services: by.get(r.id) ?? [] }));
}

/**
 * The clinic's elderly list for a day: every resident 65+ of its area with the year's annual service
 * done, due or overdue (from 1 October), overdue first; listed residents written to their access logs.
 */
export async function elderlyDueList(db: Db, p: Principal, f: { day?: string; status?: AnnualStatus; limit: number }) {
  const day = f.day ?? today();
  const clinic = await elderlyClinicOf(db, p);
  const olds = await clinicElderly(db, clinic, day);
  const all = olds.map((r) => {
    const s = annualStatus(r.services.filter((x) => x.complete).map((x) => x.service_date), day);
    return { residentId: r.id, name: r.name, sex: r.sex, age: ageOn(r.birthDate, day), villageCode: r.villageCode, villageName: r.villageName, status: s.status, servedOn: s.servedOn,
      daysLate: s.status === 'overdue' ? daysBetween(`${s.year}-10-01`, day) : 0 };
  });
  const counts = { due: 0, overdue: 0, done: 0 };
  for (const x of all) counts[x.status]++;
  const rank = { overdue: 0, due: 1, done: 2 } as const;
  const items = all.filter((x) => !f.status || x.status === f.status).sort((a, b) => rank[a.status] - rank[b.status] || b.daysLate - a.daysLate || a.name.localeCompare(b.name) || a.residentId.localeCompare(b.residentId));
  const page = items.slice(0, f.limit);
  const actor = actorOf(p, p.ip);
  await db.tx((q) => writeAuditMany(q, [
    { actor, entry: { action: 'publichealth.elderly_due_list', outcome: 'ok', basis: 'public_health', details: { facility: clinic.code, day, rows: items.length } } },
    ...page.map((x) => ({ actor, entry: { action: 'record.listed', outcome: 'ok' as const, residentId: x.residentId, basis: 'public_health', details: { list: 'publichealth.elderly_due_list' } } })),
  ]));
  return { facility: { code: clinic.code, name: clinic.name }, day, year: Number(day.slice(0, 4)), total: items.length, residents: olds.length, counts, items: page };
}

/**
 * Records an annual service at the clinic: a resident 65+ on the service day, with a basis to write
 * to their record; the form refused naming each field out of range, else saved as typed with its
 * self-care total and band, BMI, and whether it is complete (counted as managed).
 */
export async function recordElderlyService(db: Db, p: Principal, o: AccessOptions, input: ElderlyServiceIn) {
  const day = today();
  const problems = elderlyFormProblems(input as ElderlyFormIn, day);
  if (problems.length) throw badRequest('publichealth.elderly_form', { zh: '体检表有不符合要求的项', en: 'Some fields of the form are out of range' }, problems);
  return db.tx(async (q) => {
    const clinic = await elderlyClinicOf(q, p);
    const grant = await assertMayAttach(q, p, input.residentId, o);
    const facts = await careFacts(q, input.residentId);
    if (!facts) throw notFound({ zh: '居民', en: 'Resident' });
    if (!isElderly(facts.birthDate, input.serviceDate)) throw badRequest('publichealth.not_elderly', { zh: '服务日期时该居民未满65周岁', en: 'The resident is under 65 on the service day' }, [{ path: 'residentId', problem: 'under 65 / 未满65周岁' }]);
    // The service is a health check in the record (its timeline; the contract packages' 老年人健康体检 counts it).
    await addEncounter(q, p, { grant, county: facts.countyCode, kind: 'health_check', facilityId: clinic.id, workerId: null, startedAt: onDayNow(input.serviceDate),
      reason: '老年人健康管理年度服务', observations: [] });
    const sc = selfCareScore(input.selfCare);
    const bmi = input.heightCm != null && input.weightKg != null ? bmiOf(input.weightKg, input.heightCm) : null;
    const missing = missingItems(input as ElderlyFormIn);
    const id = await store.insertElderlyService(q, { residentId: input.residentId, county: facts.countyCode, facilityId: clinic.id, serviceDate: input.serviceDate, form: input, total: sc.total, band: sc.band, bmi, complete: missing.length === 0, by: p.userId });
    await writeAudit(q, actorOf(p, p.ip), { action: 'publichealth.elderly_service_record', outcome: 'ok', residentId: input.residentId, recordType: 'elderly_service', recordId: id, basis: grant.basis,
      details: { facility: clinic.code, serviceDate: input.serviceDate, selfCare: sc.total, complete: missing.length === 0 } });
    return { id, selfCareTotal: sc.total, selfCareBand: sc.band, bmi, bmiBand: bmi == null ? null : bmiBand(bmi), waistBand: input.waistCm == null ? null : waistBand(input.waistCm, facts.sex), complete: missing.length === 0, missing };
  });
}


/** The day a year's rate is taken on: its last day, or today while it runs. */
function rateDay(year: number | undefined): { year: number; day: string } {
  const now = today();
  const y = year ?? Number(now.slice(0, 4));
  return { year: y, day: `${y}-12-31` < now ? `${y}-12-31` : now };
}

/**
 * 老年人健康管理率 over the clinic's area for a year (at its end, or today for the current year):
 * aggregates only, by the module's one definition (store.elderlyManagedByTownship → migration 041
 * elderly_managed_on, which the indicator catalogue reads too).
 */
export async function elderlyRate(db: Db, p: Principal, f: { year?: number }) {
  const { year, day } = rateDay(f.year);
  const clinic = await elderlyClinicOf(db, p);
  const rows = await store.elderlyManagedByTownship(db, regionPrefix(clinic.regionCode), day);
  const residents = rows.reduce((n, r) => n + r.residents, 0);
  const managed = rows.reduce((n, r) => n + r.managed, 0);
  await db.tx((q) => writeAudit(q, actorOf(p, p.ip), { action: 'publichealth.elderly_rate_read', outcome: 'ok', details: { facility: clinic.code, year } }));
  return { facility: { code: clinic.code, name: clinic.name }, year, day, residents, managed, rate: managementRate(managed, residents), definition: ELDERLY_RATE_DEFINITION };
}

/** 老年人健康管理率 by township of the principal's region (or the county named, for an administrator), with the region's total: aggregates only. */
export async function elderlyRateByTownship(db: Db, p: Principal, f: { year?: number; county?: string }) {
  const { year, day } = rateDay(f.year);
  const scope = await scopePrefix(db, p);
  const prefix = scope ?? f.county;
  if (!prefix) throw badRequest('publichealth.county_required', { zh: '请指定区县', en: 'Name the county' }, [{ path: 'county', problem: 'required / 必填' }]);
  const rows = new Map((await store.elderlyManagedByTownship(db, prefix, day)).map((r) => [r.town, r]));
  const towns = (await townshipsOf(db, prefix.slice(0, 6))).filter((t) => t.code.startsWith(prefix) || prefix.startsWith(regionPrefix(t.code)));
  const cell = (c: { residents: number; managed: number } | undefined) => ({ residents: c?.residents ?? 0, managed: c?.managed ?? 0, rate: managementRate(c?.managed ?? 0, c?.residents ?? 0) });
  const residents = [...rows.values()].reduce((n, r) => n + r.residents, 0);
  const managed = [...rows.values()].reduce((n, r) => n + r.managed, 0);
  await db.tx((q) => writeAudit(q, actorOf(p, p.ip), { action: 'publichealth.elderly_rate_read', outcome: 'ok', details: { region: prefix, year } }));
  return { year, day, definition: ELDERLY_RATE_DEFINITION, total: { code: prefix, ...cell({ residents, managed }) },
    townships: towns.map((t) => ({ code: t.code, name: t.name, ...cell(rows.get(t.code)) })) };
}

/**
 * A resident's annual services, newest first, with their forms, and this year's status: a read of the
 * record (needs a basis, else 404 as for no resident), audited.
 */
export async function elderlyOfResident(db: Db, p: Principal, o: AccessOptions, residentId: string) {
  const { basis } = await requireBasis(db, p, residentId, o);
  const facts = await careFacts(db, residentId);
  const name = await liveResidentName(db, residentId);
  if (!facts || !name) throw notFound({ zh: '居民', en: 'Resident' });
  const day = today();
  const rows = await store.elderlyServicesFull(db, residentId);
  const facilities = await facilityBriefs(db, [...new Set(rows.map((r) => r.facility_id))]);
  const s = annualStatus(rows.filter((r) => r.complete).map((r) => r.service_date), day);
  await db.tx((q) => writeAudit(q, actorOf(p, p.ip), { action: 'publichealth.elderly_services_read', outcome: 'ok', residentId, basis, details: { services: rows.length } }));
  return {
    resident: { id: residentId, name, sex: facts.sex, age: ageOn(facts.birthDate, day) }, year: s.year, status: s.status,
    services: rows.map((r) => {
      const form = r.form as ElderlyFormIn & Record<string, unknown>;
      const { residentId: _r, ...rest } = form as Record<string, unknown>;
      return { id: r.id, serviceDate: r.service_date, facilityName: facilities.get(r.facility_id)?.name ?? null, selfCareTotal: r.self_care_total, selfCareBand: r.self_care_band,
        bmi: r.bmi, complete: r.complete, missing: missingItems(form), form: rest as z.infer<typeof ElderlyServiceRead> };
    }),
  };
}

/** The annual service's state of one resident on a team's worklist (publichealth's rows for chronic's worklist). */
export interface ElderlyWorklistRow { residentId: string; name: string; sex: 'M' | 'F'; birthDate: string; villageName: string; status: AnnualStatus; servedOn: string | null; dueFrom: string; daysLate: number }

/**
 * The residents 65+ under the teams' current contracts on a day, each with the year's annual service
 * done, due, or overdue (from 1 October: annualStatus): what the family-doctor team's worklist shows
 * of the elderly programme. No audit here: the worklist audits the rows it shows.
 */
export async function elderlyWorklist(q: Queryable, teamIds: string[], day: string): Promise<ElderlyWorklistRow[]> {
  if (!teamIds.length) return [];
  const rows = await store.elderlyOfTeams(q, teamIds, day);
  return rows.map((r) => {
    const s = annualStatus(r.served_on ? [r.served_on] : [], day);
    const dueFrom = s.status === 'overdue' ? `${s.year}-10-01` : `${s.year}-01-01`;
    return { residentId: r.resident_id, name: r.name, sex: r.sex, birthDate: r.birth_date, villageName: r.village_name, status: s.status, servedOn: s.servedOn, dueFrom,
      daysLate: s.status === 'overdue' ? daysBetween(`${s.year}-10-01`, day) : 0 };
  });
}

/**
 * The year's 65+ annual service of one resident (null under 65): done, due or overdue, by annualStatus.
 * No audit here: the caller (the resident's own home page) audits its read.
 */
export async function elderlyStatusOf(q: Queryable, residentId: string, day = today()): Promise<{ age: number; year: number; status: AnnualStatus; servedOn: string | null } | null> {
  const facts = await careFacts(q, residentId);
  if (!facts) return null;
  const age = ageOn(facts.birthDate, day);
  if (age < ELDERLY_AGE) return null;
  const rows = await store.elderlyServicesFull(q, residentId);
  const s = annualStatus(rows.filter((r) => r.complete).map((r) => r.service_date), day);
  return { age, year: s.year, status: s.status, servedOn: s.servedOn };
}
