// The resident's own home page: what is due and who their family doctor is, gathered through the
// owning modules' service functions (records: who the resident is; chronic: the next follow-up;
// publichealth: the 65+ annual service; scheduling: live bookings; contracts: the team). Only the
// signed-in resident's own data; the read is audited with basis 'self' like their record's.
import type { Db } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';
import { actorOf } from '../../platform/auth.ts';
import { writeAudit } from '../../platform/audit.ts';
import { myResidentId } from '../records/service.ts';
import { nextFollowUps } from '../chronic/service.ts';
import { elderlyStatusOf } from '../publichealth/service.ts';
import { residentBookings } from '../scheduling/service.ts';
import { residentCareTeam } from '../contracts/service.ts';
import { contractOptions, recentRequest, requestContract, withdrawRequest, type ContractOptions, type RequestOut } from '../contracts/requests.ts';
import { liveResidentName } from '../registry/residents.ts';
import { today } from '../../shared/time.ts';
import type { HomeOut } from './schema.ts';

/** The signed-in resident's home (a resident principal only: myResidentId refuses anyone else). */
export async function myHome(db: Db, p: Principal, now = new Date()): Promise<HomeOut> {
  const rid = await myResidentId(db, p);
  const day = today();
  const [name, followUps, elderly, bookings, team] = [
    await liveResidentName(db, rid), await nextFollowUps(db, rid), await elderlyStatusOf(db, rid, day),
    await residentBookings(db, p, rid), await residentCareTeam(db, rid, day)];
  const contractRequest = await recentRequest(db, rid, now);
  const live = bookings.filter((b) => b.status === 'booked' && Date.parse(b.startsAt) >= now.getTime())
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt))
    .map((b) => ({ id: b.id, startsAt: b.startsAt, facilityName: b.facilityName, scheduleName: b.scheduleName }));
  await db.tx((q) => writeAudit(q, actorOf(p, p.ip), { action: 'me.home', outcome: 'ok', residentId: rid, basis: 'self',
    details: { followUps: followUps.length, elderly: elderly?.status ?? null, bookings: live.length, team: team?.basis ?? null } }));
  return {
    name: name ?? '',
    followUps: followUps.map((f) => ({ ...f, overdue: f.nextVisit != null && f.nextVisit < day })),
    elderly, bookings: live, team, contractRequest,
  };
}

/** What the signed-in resident may ask for online, and their requests so far (read audited as their own). */
export async function myContractOptions(db: Db, p: Principal): Promise<ContractOptions> {
  const rid = await myResidentId(db, p);
  const out = await contractOptions(db, rid);
  await db.tx((q) => writeAudit(q, actorOf(p, p.ip), { action: 'me.contract', outcome: 'ok', residentId: rid, basis: 'self', details: { next: out.next.kind, requests: out.requests.length } }));
  return out;
}

/** The signed-in resident asks a team for a contract or its renewal. */
export async function myContractRequest(db: Db, p: Principal, input: { teamId: string; packageCodes: string[]; note?: string | null }): Promise<RequestOut> {
  return requestContract(db, p, await myResidentId(db, p), input);
}

/** The signed-in resident withdraws their open request. */
export async function myContractWithdraw(db: Db, p: Principal, id: string): Promise<RequestOut> {
  return withdrawRequest(db, p, await myResidentId(db, p), id);
}
