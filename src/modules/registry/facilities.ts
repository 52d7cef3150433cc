// Facilities, medical communities and their members.
import type { Db, Queryable } from '../../platform/db.ts';
import { badRequest, conflict, notFound, stale } from '../../platform/errors.ts';
import { writeAudit, type Actor } from '../../platform/audit.ts';
import { kindFitsTier, type FacilityKind, type Tier } from './rules.ts';
import * as store from './store.ts';
import type { FacilityIn, FacilityOut } from './schema.ts';

/** What a request carries (schema.ts, by z.infer). */
export type FacilityInput = FacilityIn;

/** What the API shows (schema.ts, by z.infer). */
export type Facility = FacilityOut;

function toFacility(r: store.FacilityRow): Facility {
  return {
    id: r.id, code: r.code, name: r.name, tier: r.tier, kind: r.kind, grade: r.grade, regionCode: r.region_code,
    regionName: r.region_name, parentFacilityCode: r.parent_code ?? null, parentFacilityName: r.parent_name ?? null,
    beds: r.beds, capabilityStandard: r.capability_standard ?? null,
    communityHospital: r.community_hospital, countySubcentre: r.county_subcentre, publicOwned: r.public_owned,
    openedOn: r.opened_on ?? null, closedOn: r.closed_on ?? null, version: r.version,
    community: r.community_id ? { id: r.community_id, name: r.community_name!, joinedOn: r.joined_on! } : null,
  };
}

export interface FacilityFilter {
  within: string | null;
  tier?: Tier;
  kind?: FacilityKind;
  q?: string;
  limit: number;
  offset: number;
}

/** Lists facilities inside the scope, with filters and a total for paging. */
export async function listFacilities(q: Queryable, f: FacilityFilter): Promise<{ items: Facility[]; total: number }> {
  const { rows, total: n } = await store.listFacilities(q, { within: f.within, tier: f.tier ?? null, kind: f.kind ?? null, q: f.q ?? null, limit: f.limit, offset: f.offset });
  return { items: rows.map(toFacility), total: n };
}

/** One facility by code inside the scope (404 outside it). */
export async function getFacility(q: Queryable, code: string, within: string | null): Promise<Facility> {
  const r = await store.facilityByCode(q, code, within);
  if (!r) throw notFound({ zh: '机构', en: 'Facility' });
  return toFacility(r);
}

async function checkFacility(q: Queryable, input: FacilityInput): Promise<string | null> {
  const fields = [];
  if (!kindFitsTier(input.kind, input.tier)) fields.push({ path: 'kind', problem: `${input.kind} cannot be at tier ${input.tier} / 机构类别与层级不符` });
  if (!(await store.regionLevel(q, input.regionCode))) fields.push({ path: 'regionCode', problem: 'unknown region / 未知行政区划' });
  let parentId: string | null = null;
  if (input.parentFacilityCode) {
    const p = await store.facilityIdTier(q, input.parentFacilityCode);
    if (!p) fields.push({ path: 'parentFacilityCode', problem: 'unknown facility / 未知机构' });
    else if (p.tier !== 'township') fields.push({ path: 'parentFacilityCode', problem: 'must be a township-tier centre (乡村一体化) / 须为乡镇级机构' });
    else parentId = p.id;
  }
  if (input.closedOn && input.openedOn && input.closedOn < input.openedOn) fields.push({ path: 'closedOn', problem: 'before openedOn / 早于开业日期' });
  if (fields.length) throw badRequest('facility.invalid', { zh: '机构信息有误', en: 'Invalid facility' }, fields);
  return parentId;
}

/** Creates a facility; audited. */
export async function createFacility(db: Db, actor: Actor, input: FacilityInput): Promise<Facility> {
  return db.tx(async (q) => {
    if (await store.facilityIdTier(q, input.code)) {
      throw conflict('facility.code_taken', { zh: `机构代码 ${input.code} 已存在`, en: `Facility code ${input.code} exists` }, [{ path: 'code', problem: 'taken / 已存在' }]);
    }
    const parentId = await checkFacility(q, input);
    const id = await store.insertFacility(q, input.code, {
      name: input.name, tier: input.tier, kind: input.kind, grade: input.grade ?? 'unrated', regionCode: input.regionCode, parentId, beds: input.beds ?? 0, capabilityStandard: input.capabilityStandard ?? null,
      communityHospital: input.communityHospital ?? false, countySubcentre: input.countySubcentre ?? false, publicOwned: input.publicOwned ?? true, openedOn: input.openedOn ?? null, closedOn: input.closedOn ?? null,
    });
    await writeAudit(q, actor, { action: 'facility.create', outcome: 'ok', recordType: 'facility', recordId: id, details: { code: input.code } });
    return getFacility(q, input.code, null);
  });
}

/** Updates a facility if `version` is current (409 otherwise); audited with what changed. */
export async function updateFacility(db: Db, actor: Actor, code: string, version: number, input: FacilityInput, within: string | null): Promise<Facility> {
  return db.tx(async (q) => {
    const before = await getFacility(q, code, within);
    const parentId = await checkFacility(q, input);
    const updated = await store.updateFacility(q, code, version, {
      name: input.name, tier: input.tier, kind: input.kind, grade: input.grade ?? before.grade, regionCode: input.regionCode, parentId, beds: input.beds ?? before.beds,
      capabilityStandard: input.capabilityStandard ?? null, communityHospital: input.communityHospital ?? false, countySubcentre: input.countySubcentre ?? false, publicOwned: input.publicOwned ?? true,
      openedOn: input.openedOn ?? null, closedOn: input.closedOn ?? null,
    });
    if (!updated) throw stale(before.version);
    await writeAudit(q, actor, { action: 'facility.update', outcome: 'ok', recordType: 'facility', recordId: before.id, details: { before: { ...before, community: undefined }, after: input } });
    return getFacility(q, code, null);
  });
}

export interface Community {
  id: string;
  name: string;
  kind: 'county_community' | 'city_group';
  tight: boolean;
  regionCode: string;
  lead: { code: string; name: string };
  members: { code: string; name: string; tier: Tier; kind: FacilityKind; joinedOn: string; leftOn: string | null }[];
}

/** Lists communities whose region lies in the scope. */
export async function listCommunities(q: Queryable, within: string | null): Promise<Omit<Community, 'members'>[] & { memberCount?: number }[]> {
  const rows = await store.listCommunities(q, within);
  return rows.map((r) => ({ id: r.id, name: r.name, kind: r.kind, tight: r.tight, regionCode: r.region_code, lead: { code: r.lead_code, name: r.lead_name }, memberCount: r.members }));
}

/** One community with its members (404 outside the scope). */
export async function getCommunity(q: Queryable, id: string, within: string | null): Promise<Community> {
  const c = await store.communityById(q, id, within);
  if (!c) throw notFound({ zh: '医共体', en: 'Medical community' });
  const members = await store.communityMembers(q, id);
  return {
    id: c.id, name: c.name, kind: c.kind, tight: c.tight, regionCode: c.region_code, lead: { code: c.lead_code, name: c.lead_name },
    members: members.map((m) => ({ code: m.code, name: m.name, tier: m.tier, kind: m.kind, joinedOn: m.joined_on, leftOn: m.left_on })),
  };
}

/** Creates a community led by a facility (which joins it as its first member). */
export async function createCommunity(db: Db, actor: Actor, input: { name: string; kind: Community['kind']; tight: boolean; leadFacilityCode: string; regionCode: string; joinedOn: string }): Promise<Community> {
  const id = await db.tx(async (q) => {
    const lead = await store.facilityIdTier(q, input.leadFacilityCode);
    if (!lead) throw badRequest('community.invalid', { zh: '牵头机构不存在', en: 'Unknown lead facility' }, [{ path: 'leadFacilityCode', problem: 'unknown facility / 未知机构' }]);
    if (!(await store.regionLevel(q, input.regionCode))) throw badRequest('community.invalid', { zh: '行政区划不存在', en: 'Unknown region' }, [{ path: 'regionCode', problem: 'unknown region / 未知行政区划' }]);
    const cid = await store.insertCommunity(q, { name: input.name, kind: input.kind, tight: input.tight, leadFacilityId: lead.id, regionCode: input.regionCode });
    await addMemberTx(q, cid, input.leadFacilityCode, input.joinedOn, input.tight);
    await writeAudit(q, actor, { action: 'community.create', outcome: 'ok', recordType: 'community', recordId: cid });
    return cid;
  });
  return getCommunity(db, id, null);
}

async function addMemberTx(q: Queryable, communityId: string, facilityCode: string, joinedOn: string, tight: boolean): Promise<void> {
  const f = await store.facilityIdTier(q, facilityCode);
  if (!f) throw badRequest('community.invalid', { zh: '机构不存在', en: 'Unknown facility' }, [{ path: 'facilityCode', problem: 'unknown facility / 未知机构' }]);
  if (tight) {
    const other = await store.tightCommunityOf(q, f.id);
    if (other) {
      throw conflict('community.already_member', { zh: `${f.name} 已是紧密型医共体「${other.name}」的成员`, en: `${f.name} already belongs to the tight community "${other.name}"` }, [{ path: 'facilityCode', problem: 'already in a tight community / 已属于其他紧密型医共体' }]);
    }
  }
  await store.insertMember(q, communityId, f.id, joinedOn, tight);
}

/** Adds a member facility; a facility belongs to at most one tight community at a time. */
export async function addMember(db: Db, actor: Actor, communityId: string, facilityCode: string, joinedOn: string, within: string | null): Promise<Community> {
  await db.tx(async (q) => {
    const c = await getCommunity(q, communityId, within);
    await addMemberTx(q, communityId, facilityCode, joinedOn, c.tight);
    await writeAudit(q, actor, { action: 'community.add_member', outcome: 'ok', recordType: 'community', recordId: communityId, details: { facilityCode, joinedOn } });
  });
  return getCommunity(db, communityId, within);
}

/** Records that a member left on a date. */
export async function removeMember(db: Db, actor: Actor, communityId: string, facilityCode: string, leftOn: string, within: string | null): Promise<Community> {
  await db.tx(async (q) => {
    await getCommunity(q, communityId, within);
    if (!(await store.endMembership(q, communityId, facilityCode, leftOn))) throw notFound({ zh: '成员', en: 'Member' });
    await writeAudit(q, actor, { action: 'community.remove_member', outcome: 'ok', recordType: 'community', recordId: communityId, details: { facilityCode, leftOn } });
  });
  return getCommunity(db, communityId, within);
}

/** Code, name, tier and region of facilities by id (for lists in other modules). */
export async function facilityBriefs(q: Queryable, ids: string[]): Promise<Map<string, { code: string; name: string; tier: string; regionCode: string }>> {
  const rows = ids.length ? await store.facilitiesByIds(q, [...new Set(ids)]) : [];
  return new Map(rows.map((r) => [r.id, { code: r.code, name: r.name, tier: r.tier, regionCode: r.region_code }]));
}
