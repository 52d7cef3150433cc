// Family-doctor contracts online (互联网+家庭医生签约, issue 24): the resident chooses a team and its
// packages on their phone and asks; the team confirms (the contract is signed then, signed_how
// 'online', in the same transaction as the decision) or declines with a reason the resident sees.
// A request for a resident whose contract ends within the renewal window is a renewal: confirmed, the
// new year follows the old one on.
import type { Db, Queryable } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';
import { actorOf } from '../../platform/auth.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { writeAudit, writeAuditMany } from '../../platform/audit.ts';
import { today } from '../../shared/time.ts';
import { requestKind, RENEWAL_WINDOW_DAYS, type RequestKind } from './rules.ts';
import { renewIn, signContractIn } from './service.ts';
import * as store from './store.ts';

export interface RequestOut {
  id: string; teamId: string; packageCodes: string[]; kind: 'sign' | 'renew'; note: string | null;
  status: 'requested' | 'confirmed' | 'declined' | 'withdrawn'; requestedAt: string; decidedAt: string | null; decisionNote: string | null; contractId: string | null;
}
const requestOut = (r: store.RequestRow): RequestOut => ({
  id: r.id, teamId: r.team_id, packageCodes: r.package_codes, kind: r.kind, note: r.note, status: r.status,
  requestedAt: new Date(r.requested_at).toISOString(), decidedAt: r.decided_at ? new Date(r.decided_at).toISOString() : null, decisionNote: r.decision_note, contractId: r.contract_id,
});

export interface ContractOptions {
  /** What a request made today would be. */
  next: RequestKind;
  renewalWindowDays: number;
  teams: { id: string; name: string; facilityName: string; phone: string | null; servesVillage: boolean; sameTownship: boolean; members: { name: string; role: string }[] }[];
  packages: { code: string; name: string; kind: 'basic' | 'personalised'; priceFen: number; payer: string; items: { name: string; frequency: string }[] }[];
  /** The resident's requests, newest first (the open one, if any, among them). */
  requests: RequestOut[];
}

/** What the resident may ask for: the county's teams (theirs first), the active packages, and their requests so far. */
export async function contractOptions(q: Queryable, residentId: string, day = today()): Promise<ContractOptions> {
  const teams = await store.teamsForResident(q, residentId);
  const members = await store.teamMembers(q, teams.map((t) => t.id));
  const latest = await store.latestLiveContract(q, residentId);
  const packages = (await store.listPackages(q)).filter((x) => x.active).sort((a, b) => (a.kind === b.kind ? a.code.localeCompare(b.code) : a.kind === 'basic' ? -1 : 1));
  return {
    next: requestKind(latest && { id: latest.id, endsOn: latest.ends_on }, day),
    renewalWindowDays: RENEWAL_WINDOW_DAYS,
    teams: teams.map((t) => ({ id: t.id, name: t.name, facilityName: t.fname, phone: t.phone, servesVillage: t.serves_village, sameTownship: t.same_town,
      members: members.filter((m) => m.team_id === t.id).map((m) => ({ name: m.name, role: m.role })) })),
    packages: packages.map((x) => ({ code: x.code, name: x.name, kind: x.kind, priceFen: x.price_fen, payer: x.payer, items: x.items.map((i) => ({ name: i.name, frequency: i.frequency })) })),
    requests: (await store.requestsOfResident(q, residentId)).map(requestOut),
  };
}

/** The resident's latest request if it is open or was decided in the last 30 days (the home shows it as the team's answer). */
export async function recentRequest(q: Queryable, residentId: string, now = new Date()): Promise<RequestOut | null> {
  const [r] = await store.requestsOfResident(q, residentId);
  if (!r) return null;
  const out = requestOut(r);
  const recent = out.status === 'requested' || (out.decidedAt != null && now.getTime() - Date.parse(out.decidedAt) <= 30 * 86400_000);
  return recent && out.status !== 'withdrawn' ? out : null;
}

/** The resident asks a team for a contract (or its renewal). One open request at a time. */
export async function requestContract(db: Db, p: Principal, residentId: string, input: { teamId: string; packageCodes: string[]; note?: string | null }, day = today()): Promise<RequestOut> {
  return db.tx(async (q) => {
    const county = await store.lockResidentInScope(q, residentId, null);
    if (!county) throw notFound({ zh: '居民', en: 'Resident' });
    const fields: { path: string; problem: string }[] = [];
    if (!(await store.teamInCounty(q, input.teamId, county))) fields.push({ path: 'teamId', problem: 'not a team of your county / 不是本县（区）的家庭医生团队' });
    const codes = [...new Set(input.packageCodes)];
    if (!codes.includes('BASIC')) fields.push({ path: 'packageCodes', problem: 'BASIC is required / 须包含基础服务包' });
    const known = new Set((await store.activePackagesByCode(q, codes)).map((x) => x.code));
    for (const c of codes) if (!known.has(c)) fields.push({ path: 'packageCodes', problem: `unknown package ${c} / 服务包不存在` });
    if (fields.length) throw badRequest('contract.request_invalid', { zh: '签约申请有误', en: 'Invalid contract request' }, fields);
    const latest = await store.latestLiveContract(q, residentId);
    const k = requestKind(latest && { id: latest.id, endsOn: latest.ends_on }, day);
    if (k.kind === 'too_early') {
      throw conflict('contract.current_exists', { zh: `您已签约至 ${k.endsOn}，可自 ${k.opensOn} 起申请续约`, en: `Your contract runs until ${k.endsOn}; you can ask to renew from ${k.opensOn}` });
    }
    const id = await store.insertRequest(q, { residentId, teamId: input.teamId, packageCodes: codes, kind: k.kind, previousId: k.kind === 'renew' ? k.previousId : null, note: input.note?.trim() || null, userId: p.userId });
    if (!id) throw conflict('contract.request_open', { zh: '您已有一份待确认的签约申请，可先撤回再重新申请', en: 'You already have a request waiting for the team; withdraw it to ask again' });
    await writeAudit(q, actorOf(p, p.ip), { action: 'contract.request', outcome: 'ok', residentId, basis: 'self', recordType: 'contract_request', recordId: id, details: { kind: k.kind, teamId: input.teamId } });
    return requestOut((await store.lockRequest(q, id))!);
  });
}

/** The resident withdraws their open request. */
export async function withdrawRequest(db: Db, p: Principal, residentId: string, id: string): Promise<RequestOut> {
  return db.tx(async (q) => {
    const r = await store.lockRequest(q, id);
    if (!r || r.resident_id !== residentId) throw notFound({ zh: '签约申请', en: 'Contract request' });
    if (r.status !== 'requested') throw conflict('contract.request_decided', { zh: '该申请已处理，不能撤回', en: 'This request has already been decided' });
    await store.decideRequest(q, id, { status: 'withdrawn', userId: p.userId, note: null, contractId: null });
    await writeAudit(q, actorOf(p, p.ip), { action: 'contract.request_withdraw', outcome: 'ok', residentId, basis: 'self', recordType: 'contract_request', recordId: id });
    return requestOut((await store.lockRequest(q, id))!);
  });
}

export interface TeamRequest extends RequestOut {
  residentId: string; name: string; sex: 'M' | 'F'; birthDate: string; villageName: string; teamName: string; previousEndsOn: string | null;
}

/** The teams a member may decide for: their own; a system administrator every team (within the scope). */
async function decidingTeams(q: Queryable, p: Principal): Promise<string[] | null> {
  return p.role === 'sysadmin' ? null : store.teamsOfUser(q, p.userId);
}

/**
 * The requests to the caller's teams: the open ones (oldest first), and with `open` false the last 30
 * days' decided ones too. Each resident listed gets a row in their access log (basis: their request).
 */
export async function teamRequests(db: Db, p: Principal, within: string | null, open = true): Promise<TeamRequest[]> {
  const teams = await decidingTeams(db, p);
  const rows = teams && teams.length === 0 ? [] : await store.requestsForTeams(db, teams, within, open);
  const actor = actorOf(p, p.ip);
  const shown = [...new Set(rows.map((r) => r.resident_id))];
  await db.tx((q) => writeAuditMany(q, [
    { actor, entry: { action: 'contract.requests', outcome: 'ok', basis: 'contract_request', details: { open, shown: rows.length } } },
    ...shown.map((residentId) => ({ actor, entry: { action: 'record.listed', outcome: 'ok' as const, residentId, basis: 'contract_request', details: { list: 'contract.requests' } } })),
  ]));
  return rows.map((r) => ({ ...requestOut(r), residentId: r.resident_id, name: r.name, sex: r.sex, birthDate: r.birth_date, villageName: r.village_name, teamName: r.team_name, previousEndsOn: r.previous_ends_on }));
}

async function lockForDecision(q: Queryable, p: Principal, id: string): Promise<store.RequestRow> {
  const r = await store.lockRequest(q, id);
  if (!r) throw notFound({ zh: '签约申请', en: 'Contract request' });
  const teams = await decidingTeams(q, p);
  if (teams && !teams.includes(r.team_id)) throw forbidden({ zh: '只有被申请的团队成员可以处理该申请', en: 'Only a member of the team asked can decide this request' });
  if (r.status !== 'requested') throw conflict('contract.request_decided', { zh: '该申请已处理', en: 'This request has already been decided' });
  return r;
}

/**
 * The team confirms: the contract is signed (online) for a year from today, or, for a renewal, from the
 * day after the old year ends, with the packages asked for; the request records it. All or nothing.
 */
export async function confirmRequest(db: Db, p: Principal, id: string, within: string | null, day = today()) {
  return db.tx(async (q) => {
    const r = await lockForDecision(q, p, id);
    const latest = await store.latestLiveContract(q, r.resident_id);
    const k = requestKind(latest && { id: latest.id, endsOn: latest.ends_on }, day);
    if (k.kind === 'too_early') throw conflict('contract.current_exists', { zh: `该居民已签约至 ${k.endsOn}`, en: `The resident's contract runs until ${k.endsOn}` });
    const input = { residentId: r.resident_id, teamId: r.team_id, packageCodes: r.package_codes, startsOn: k.startsOn, signedHow: 'online' as const };
    const signed = k.kind === 'renew' ? await renewIn(q, p, input, within, k.previousId) : await signContractIn(q, p, input, within, null);
    await store.decideRequest(q, id, { status: 'confirmed', userId: p.userId, note: null, contractId: signed.id });
    await writeAudit(q, actorOf(p, p.ip), { action: 'contract.request_confirm', outcome: 'ok', residentId: r.resident_id, basis: 'contract_request', recordType: 'contract_request', recordId: id, details: { contractId: signed.id } });
    return signed;
  });
}

/** The team declines with a reason, which the resident reads on their phone. */
export async function declineRequest(db: Db, p: Principal, id: string, reason: string, within: string | null): Promise<void> {
  await db.tx(async (q) => {
    const r = await lockForDecision(q, p, id);
    if (!(await store.lockResidentInScope(q, r.resident_id, within))) throw notFound({ zh: '签约申请', en: 'Contract request' });
    await store.decideRequest(q, id, { status: 'declined', userId: p.userId, note: reason.trim(), contractId: null });
    await writeAudit(q, actorOf(p, p.ip), { action: 'contract.request_decline', outcome: 'ok', residentId: r.resident_id, basis: 'contract_request', recordType: 'contract_request', recordId: id, details: { reason } });
  });
}
