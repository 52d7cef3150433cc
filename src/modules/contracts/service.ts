// Family-doctor contracts: signing (one current contract per resident), renewal carrying the history,
// ending with a reason, fulfilment counted from the record, and the rates by township.
import type { Db, Queryable } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';
import { actorOf } from '../../platform/auth.ts';
import { badRequest, conflict, notFound, stale } from '../../platform/errors.ts';
import { writeAudit } from '../../platform/audit.ts';
import { fulfilment, itemStatus, owedToDate, packageProblems, parseFrequency, type ItemStatus, type PackageInput, type PackageItem } from './rules.ts';
import { PRIORITY_GROUPS, type PriorityGroup } from '../registry/rules.ts';
import { addDays, today } from '../../shared/time.ts';
import type { SignInput, TeamInput } from './schema.ts';
import * as store from './store.ts';
import type { RateLevel } from './store.ts';

export interface Team { id: string; name: string; facilityCode: string; facilityName: string; phone: string | null; members: { workerId: string; name: string; role: string }[] }

/** Teams based at facilities in the scope, with their members. */
export async function listTeams(q: Queryable, within: string | null): Promise<Team[]> {
  const teams = await store.activeTeams(q, within);
  const members = await store.teamMembers(q, teams.map((t) => t.id));
  return teams.map((t) => ({ id: t.id, name: t.name, facilityCode: t.code, facilityName: t.fname, phone: t.phone, members: members.filter((m) => m.team_id === t.id).map((m) => ({ workerId: m.worker_id, name: m.name, role: m.role })) }));
}

async function packagesByCode(q: Queryable, codes: string[]): Promise<{ id: string; code: string }[]> {
  const rows = await store.activePackagesByCode(q, codes);
  const missing = codes.filter((c) => !rows.some((r) => r.code === c));
  if (missing.length) throw badRequest('contract.invalid', { zh: '服务包不存在', en: 'Unknown package' }, missing.map((c) => ({ path: 'packageCodes', problem: `unknown package ${c} / 服务包不存在` })));
  return rows;
}

/** Signs a contract for a year; refused (409) when the resident already has a current one. */
export async function signContract(db: Db, p: Principal, input: SignInput, within: string | null, previousId: string | null = null) {
  return db.tx((q) => signContractIn(q, p, input, within, previousId));
}

/** The signing, inside the caller's transaction (a contract confirmed from an online request signs with the request's decision). */
export async function signContractIn(q: Queryable, p: Principal, input: SignInput, within: string | null, previousId: string | null) {
  {
    const county = await store.lockResidentInScope(q, input.residentId, within);
    if (!county) throw notFound({ zh: '居民', en: 'Resident' });
    if (!(await store.isActiveTeam(q, input.teamId))) throw badRequest('contract.invalid', { zh: '团队不存在', en: 'Unknown team' }, [{ path: 'teamId', problem: 'unknown team / 团队不存在' }]);
    if (!input.packageCodes.includes('BASIC')) throw badRequest('contract.invalid', { zh: '签约须包含基础服务包', en: 'A contract holds the basic package' }, [{ path: 'packageCodes', problem: 'BASIC is required / 须包含基础包' }]);
    const pk = await packagesByCode(q, input.packageCodes);
    const endsOn = addDays(input.startsOn, 364);
    const cur = await store.currentContractFrom(q, input.residentId, input.startsOn, previousId);
    if (cur) throw conflict('contract.current_exists', { zh: `该居民已有有效签约（至 ${cur.ends_on}）`, en: `The resident already has a current contract (until ${cur.ends_on})` }, [{ path: 'residentId', problem: `current contract ${cur.id}` }]);
    const status = previousId ? 'renewed' : 'signed';
    const id = await store.insertContract(q, { residentId: input.residentId, teamId: input.teamId, county, startsOn: input.startsOn, endsOn, signedHow: input.signedHow, status, previousId, createdBy: p.userId });
    for (const x of pk) await store.insertContractPackage(q, id, x.id);
    await writeAudit(q, actorOf(p, p.ip), { action: previousId ? 'contract.renew' : 'contract.sign', outcome: 'ok', residentId: input.residentId, recordType: 'contract', recordId: id });
    return { id, startsOn: input.startsOn, endsOn, status };
  }
}

/** Renews a contract: the old one ends (reason 'renewed') and a new one starts the day after, linked to it. */
export async function renewContract(db: Db, p: Principal, id: string, within: string | null, packageCodes?: string[]) {
  const c = await store.contractById(db, id);
  if (!c) throw notFound({ zh: '签约', en: 'Contract' });
  if (c.status === 'ended') throw conflict('contract.ended', { zh: '该签约已结束，不能续约', en: 'This contract has ended; sign a new one' });
  const codes = packageCodes ?? await store.contractPackageCodes(db, id);
  return db.tx((q) => renewIn(q, p, { residentId: c.resident_id, teamId: c.team_id, packageCodes: codes, startsOn: addDays(c.ends_on, 1), signedHow: c.signed_how }, within, id));
}

/** A renewal inside the caller's transaction: the new year signed, the old one ended as renewed (both or neither). */
export async function renewIn(q: Queryable, p: Principal, input: SignInput, within: string | null, previousId: string) {
  const out = await signContractIn(q, p, input, within, previousId);
  await store.endRenewed(q, previousId);
  return out;
}

/** Ends a contract early with a reason. */
export async function endContract(db: Db, p: Principal, id: string, reason: string, within: string | null) {
  await db.tx(async (q) => {
    const residentId = await store.endEarly(q, id, reason, today(), within);
    if (!residentId) throw notFound({ zh: '签约', en: 'Contract' });
    await writeAudit(q, actorOf(p, p.ip), { action: 'contract.end', outcome: 'ok', residentId, recordType: 'contract', recordId: id, details: { reason } });
  });
}

/** A contract's fulfilment to date. */
export async function contractFulfilment(db: Db, id: string, asOf = today()) {
  const c = await store.contractById(db, id);
  if (!c) throw notFound({ zh: '签约', en: 'Contract' });
  const items = await store.contractItems(db, id);
  const until = asOf < c.ends_on ? asOf : c.ends_on;
  // Counted as the rates and the worklist count them, so a contract reads the same everywhere.
  const delivered = await deliveredByContract(db, [{ id, residentId: c.resident_id, from: c.starts_on, to: until }], [...owedServices(items), ...items.map((i) => i.service)]);
  return fulfilment(items, delivered.get(id) ?? {}, c.starts_on, c.ends_on, asOf);
}

export type { RateLevel } from './store.ts';


/** Display names of units of a level. */
export async function unitNames(q: Queryable, level: RateLevel, codes: string[]): Promise<Map<string, string>> {
  return new Map((await store.unitNames(q, level, codes)).map((x) => [x.code, x.name]));
}

/** Services delivered within each contract's dates, counted in one query for many contracts (only the services asked for). */
export async function deliveredByContract(q: Queryable, list: { id: string; residentId: string; from: string; to: string }[], services: Iterable<string>): Promise<Map<string, Record<string, number>>> {
  const out = new Map<string, Record<string, number>>();
  const asked = [...new Set(services)].filter((x) => store.COUNTED_SERVICES.has(x));
  if (!list.length || !asked.length) return out;
  const rows = await store.delivered(q, { cid: list.map((c) => c.id), rid: list.map((c) => c.residentId), from: list.map((c) => c.from), to: list.map((c) => c.to) }, asked);
  for (const r of rows) out.set(r.cid, { ...(out.get(r.cid) ?? {}), [r.service]: r.n });
  return out;
}

/** The services owed by some item of the packages (on-demand items never are). */
export function owedServices(items: PackageItem[]): Set<string> {
  return new Set(items.filter((i) => parseFrequency(i.frequency) > 0).map((i) => i.service));
}

export interface GroupRate { group: PriorityGroup; population: number; contracted: number; rate: number | null }

export interface ContractRateRow {
  code: string;
  name: string;
  population: number;
  contracted: number;
  priorityPopulation: number;
  priorityContracted: number;
  fulfilled: number;
  previousCycle: number;
  renewed: number;
  coverage: number | null;
  priorityCoverage: number | null;
  fulfilmentRate: number | null;
  renewalRate: number | null;
  groups: GroupRate[];
}

/** The family-doctor teams a signed-in user works in: as a member (through their health worker) or by the team their account names. */
export const teamsOfUser = (q: Queryable, userId: string): Promise<string[]> => store.teamsOfUser(q, userId);

/** 签约率, 重点人群签约率 (all and per group), 履约率, 续约率 by unit of a level over a period (aggregates only). */
export async function contractRates(db: Db, within: string | null, o: { level?: RateLevel; from?: string; to?: string } = {}): Promise<ContractRateRow[]> {
  const day = today();
  const to = o.to ?? day;
  const from = o.from ?? addDays(to, -364);
  const asOf = to < day ? to : day;
  const level = o.level ?? 'township';
  // Fulfilment, in two steps: what the current contracts owe by the day, worked out by the rule once per
  // start, end and set of packages (a few thousand in a county, not one per contract)...
  // A scope within a county limits the contracts to its residents; a county or wider counts them all (the
  // residents of the scope pick theirs by id below, so the answers are the same either way, without a second scan of residents).
  const narrow = within != null && within.length > 6;
  const packageItems = await store.packageItemsById(db);
  const kinds = await store.owingKinds(db, asOf, within, narrow);
  const owed = kinds.flatMap((k) => owedToDate(k.packages.slice(1, -1).split(',').flatMap((id) => packageItems.get(id) ?? []), k.f, k.t, asOf).map((x) => ({ ...k, ...x })));
  // ...then one set-based count of the services delivered per contract and service owed, and the contracts short of one
  // (none is short when no service counted from the record is owed at all).
  const counted = owed.some((x) => store.COUNTED_SERVICES.has(x.service));
  const list = counted ? owed : [];
  const people = await store.ratePeople(db, { asOf, within, narrow, level,
    owed: { f: list.map((x) => x.f), t: list.map((x) => x.t), packages: list.map((x) => x.packages), service: list.map((x) => x.service), due: list.map((x) => x.due) } });
  // Renewal: contracts whose year ended in the period (before today), not ended early; renewed when a contract follows them. A team's by the ended contract's team.
  const renewal = await store.renewals(db, { from, asOf, within, level });
  const names = await unitNames(db, level, [...new Set([...people.map((x) => x.unit), ...renewal.map((x) => x.unit)])]);
  const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
  const units = [...new Set([...people.map((x) => x.unit), ...renewal.filter((x) => x.unit != null).map((x) => x.unit)])];
  return units.map((code) => {
    const x = (people.find((y) => y.unit === code) ?? { unit: code }) as Partial<store.RatePeople>;
    const rn = renewal.find((y) => y.unit === code);
    const n = (k: keyof store.RatePeople) => Number(x[k] ?? 0);
    const fulfilled = n('fulfilled');
    return {
      code, name: names.get(code) ?? code, population: n('population'), contracted: n('contracted'), priorityPopulation: n('priority_population'), priorityContracted: n('priority_contracted'),
      fulfilled, previousCycle: rn?.ended ?? 0, renewed: rn?.renewed ?? 0,
      coverage: ratio(n('contracted'), n('population')), priorityCoverage: ratio(n('priority_contracted'), n('priority_population')), fulfilmentRate: ratio(fulfilled, n('contracted')), renewalRate: ratio(rn?.renewed ?? 0, rn?.ended ?? 0),
      groups: PRIORITY_GROUPS.map((g) => ({ group: g, population: n(`p_${g}`), contracted: n(`c_${g}`), rate: ratio(n(`c_${g}`), n(`p_${g}`)) })),
    };
  }).sort((a, b) => a.name.localeCompare(b.name, 'zh') || a.code.localeCompare(b.code));
}

export interface PackageDueRow {
  contractId: string; residentId: string; name: string; sex: 'M' | 'F'; birthDate: string; villageName: string;
  service: string; serviceName: string; frequency: string; owed: number; delivered: number; nextDue: string | null; status: ItemStatus;
}

/** Every owed package item of the teams' current contracts on a day, with where it stands (delivered anywhere in the record since the contract began). */
export async function packageDue(q: Queryable, teamIds: string[], day: string, weekEnd: string): Promise<PackageDueRow[]> {
  if (!teamIds.length) return [];
  const cs = await store.teamContracts(q, teamIds, day);
  const delivered = await deliveredByContract(q, cs.map((c) => ({ id: c.id, residentId: c.resident_id, from: c.starts_on, to: day })), owedServices(cs.flatMap((c) => c.items)));
  const out: PackageDueRow[] = [];
  for (const c of cs) {
    // The same service in two packages is owed once, at the higher frequency (as fulfilment counts it).
    const items = new Map<string, PackageItem>();
    for (const it of c.items) if (!items.has(it.service) || parseFrequency(it.frequency) > parseFrequency(items.get(it.service)!.frequency)) items.set(it.service, it);
    for (const it of items.values()) {
      const n = delivered.get(c.id)?.[it.service] ?? 0;
      const st = itemStatus(parseFrequency(it.frequency), c.starts_on, c.ends_on, n, day, weekEnd);
      if (!st) continue;
      out.push({ contractId: c.id, residentId: c.resident_id, name: c.name, sex: c.sex, birthDate: c.birth_date, villageName: c.village_name, service: it.service, serviceName: it.name,
        frequency: it.frequency, owed: st.due, delivered: n, nextDue: st.nextDue, status: st.status });
    }
  }
  return out;
}

/** Creates a family-doctor team at a township or community centre, with members and the villages it serves. */
export async function createTeam(db: Db, p: Principal, input: TeamInput, within: string | null) {
  return db.tx(async (q) => {
    const f = await store.facilityInScope(q, input.facilityCode, within);
    const fields: { path: string; problem: string }[] = [];
    if (!f) fields.push({ path: 'facilityCode', problem: 'unknown facility, or outside your scope / 机构不存在或超出范围' });
    else if (f.tier !== 'township') fields.push({ path: 'facilityCode', problem: 'teams are based at township or community centres / 团队应设在乡镇卫生院或社区卫生服务中心' });
    const leads = input.members.filter((m) => m.role === 'lead_gp');
    if (leads.length !== 1) fields.push({ path: 'members', problem: 'exactly one lead GP / 须有且仅有一名团队长（全科医生）' });
    const known = await store.knownWorkers(q, input.members.map((m) => m.workerId));
    input.members.forEach((m, i) => { if (!known.has(m.workerId)) fields.push({ path: `members[${i}].workerId`, problem: 'unknown health worker / 未知卫生人员' }); });
    const villages = await store.knownVillages(q, input.villageCodes);
    input.villageCodes.forEach((c, i) => { if (!villages.has(c)) fields.push({ path: `villageCodes[${i}]`, problem: 'not a village code / 不是村（居）委会代码' }); });
    if (fields.length) throw badRequest('team.invalid', { zh: '团队信息有误', en: 'Invalid team' }, fields);
    const id = await store.insertTeam(q, input.name, f!.id, leads[0].workerId, input.phone ?? null);
    for (const m of input.members) await store.insertTeamMember(q, id, m.workerId, m.role);
    for (const v of input.villageCodes) await store.insertTeamArea(q, id, v);
    await writeAudit(q, actorOf(p, p.ip), { action: 'team.create', outcome: 'ok', recordType: 'care_team', recordId: id });
    return { id };
  });
}

export interface ServicePackage extends PackageInput { id: string; active: boolean; version: number }

/** Every service package, basic first. */
export async function listPackages(q: Queryable): Promise<ServicePackage[]> {
  const rows = await store.listPackages(q);
  return rows.map((r) => ({ id: r.id, code: r.code, name: r.name, kind: r.kind, priceFen: r.price_fen, payer: r.payer, items: r.items, active: r.active, version: r.version }));
}

/** Creates a service package (managers and system administrators); the code is unique. */
export async function createPackage(db: Db, p: Principal, input: PackageInput & { active?: boolean }): Promise<ServicePackage> {
  const fields = packageProblems(input);
  if (fields.length) throw badRequest('package.invalid', { zh: '服务包信息有误，未保存', en: 'Invalid service package; nothing was saved' }, fields);
  return db.tx(async (q) => {
    if (await store.packageCodeTaken(q, input.code)) {
      throw conflict('package.code_taken', { zh: `服务包代码 ${input.code} 已存在`, en: `Package code ${input.code} is taken` }, [{ path: 'code', problem: 'taken / 已存在' }]);
    }
    const id = await store.insertPackage(q, { ...input, active: input.active ?? true, updatedBy: p.userId });
    await writeAudit(q, actorOf(p, p.ip), { action: 'package.create', outcome: 'ok', recordType: 'service_package', recordId: id, details: { code: input.code } });
    return { ...input, id, active: input.active ?? true, version: 1 };
  });
}

/** Edits a package (send the version you read); the code stays. Contracts holding it owe the new items from now on. */
export async function updatePackage(db: Db, p: Principal, id: string, input: Omit<PackageInput, 'code'> & { active: boolean; version: number }): Promise<ServicePackage> {
  return db.tx(async (q) => {
    const cur = await store.lockPackage(q, id);
    if (!cur) throw notFound({ zh: '服务包', en: 'Service package' });
    const fields = packageProblems({ ...input, code: cur.code });
    if (cur.code === 'BASIC' && !input.active) fields.push({ path: 'active', problem: 'every contract holds the basic package / 基础包不能停用' });
    if (fields.length) throw badRequest('package.invalid', { zh: '服务包信息有误，未保存', en: 'Invalid service package; nothing was saved' }, fields);
    if (cur.version !== input.version) throw stale(cur.version);
    await store.updatePackage(q, id, { ...input, updatedBy: p.userId });
    await writeAudit(q, actorOf(p, p.ip), { action: 'package.update', outcome: 'ok', recordType: 'service_package', recordId: id, details: { code: cur.code, version: cur.version + 1 } });
    return { ...input, code: cur.code, id, version: cur.version + 1 };
  });
}

export interface ResidentCareTeam {
  basis: 'contract' | 'village';
  team: { id: string; name: string; facilityName: string; phone: string | null; members: { name: string; role: string }[] };
  contract: { id: string; startsOn: string; endsOn: string; packages: string[] } | null;
}

/**
 * The family-doctor team of a resident on a day: their contract's team, else the team serving their
 * village (the attribution of migration 018), with the team's service phone when one is kept (a duty
 * line of the team, never a health worker's own number). Null: no team at all.
 */
export async function residentCareTeam(q: Queryable, residentId: string, day = today()): Promise<ResidentCareTeam | null> {
  const c = await store.contractInForceOf(q, residentId, day);
  const teamId = c?.team_id ?? await store.villageTeamOf(q, residentId);
  if (!teamId) return null;
  const t = await store.teamBrief(q, teamId);
  if (!t) return null;
  const members = await store.teamMembers(q, [teamId]);
  return {
    basis: c ? 'contract' : 'village',
    team: { id: t.id, name: t.name, facilityName: t.fname, phone: t.phone, members: members.map((m) => ({ name: m.name, role: m.role })) },
    contract: c ? { id: c.id, startsOn: c.starts_on, endsOn: c.ends_on, packages: c.packages } : null,
  };
}
