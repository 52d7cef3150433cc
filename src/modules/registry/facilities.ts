// Facilities, medical communities and their members.
import type { Db, Queryable } from '../../platform/db.ts';
import { badRequest, conflict, notFound, stale } from '../../platform/errors.ts';
import { writeAudit, type Actor } from '../../platform/audit.ts';
import { kindFitsTier, type FacilityKind, type Tier } from './rules.ts';

export interface FacilityInput {
  code: string;
  name: string;
  tier: Tier;
  kind: FacilityKind;
  grade?: string;
  regionCode: string;
  parentFacilityCode?: string | null;
  beds?: number;
  capabilityStandard?: 'basic' | 'recommended' | null;
  communityHospital?: boolean;
  countySubcentre?: boolean;
  publicOwned?: boolean;
  openedOn?: string | null;
  closedOn?: string | null;
}

export interface Facility {
  id: string;
  code: string;
  name: string;
  tier: Tier;
  kind: FacilityKind;
  grade: string;
  regionCode: string;
  regionName: string;
  parentFacilityCode: string | null;
  parentFacilityName: string | null;
  beds: number;
  capabilityStandard: 'basic' | 'recommended' | null;
  communityHospital: boolean;
  countySubcentre: boolean;
  publicOwned: boolean;
  openedOn: string | null;
  closedOn: string | null;
  version: number;
  community: { id: string; name: string; joinedOn: string } | null;
}

const SELECT = `
  SELECT f.*, r.name AS region_name, pf.code AS parent_code, pf.name AS parent_name,
         cm.community_id, c.name AS community_name, cm.joined_on
    FROM facilities f
    JOIN regions r ON r.code = f.region_code
    LEFT JOIN facilities pf ON pf.id = f.parent_facility_id
    LEFT JOIN community_members cm ON cm.facility_id = f.id AND cm.left_on IS NULL AND cm.tight
    LEFT JOIN communities c ON c.id = cm.community_id`;

type Row = Record<string, unknown> & { id: string; code: string; name: string; tier: Tier; kind: FacilityKind };

function toFacility(r: Row): Facility {
  return {
    id: r.id, code: r.code, name: r.name, tier: r.tier, kind: r.kind, grade: r.grade as string, regionCode: r.region_code as string,
    regionName: r.region_name as string, parentFacilityCode: (r.parent_code as string) ?? null, parentFacilityName: (r.parent_name as string) ?? null,
    beds: r.beds as number, capabilityStandard: (r.capability_standard as Facility['capabilityStandard']) ?? null,
    communityHospital: r.community_hospital as boolean, countySubcentre: r.county_subcentre as boolean, publicOwned: r.public_owned as boolean,
    openedOn: (r.opened_on as string) ?? null, closedOn: (r.closed_on as string) ?? null, version: r.version as number,
    community: r.community_id ? { id: r.community_id as string, name: r.community_name as string, joinedOn: r.joined_on as string } : null,
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
  const where: string[] = [];
  const args: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    args.push(v);
    where.push(sql.replace('?', `$${args.length}`));
  };
  if (f.within) add('f.region_code LIKE ?', f.within + '%');
  if (f.tier) add('f.tier = ?', f.tier);
  if (f.kind) add('f.kind = ?', f.kind);
  if (f.q) {
    add('(f.name LIKE ? OR f.code LIKE $' + (args.length + 2) + ')', `%${f.q}%`);
    args.push(`${f.q}%`);
  }
  const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const [{ n }] = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM facilities f ${w}`, args);
  const rows = await q.query<Row>(`${SELECT} ${w} ORDER BY f.tier = 'village', f.tier = 'township', f.tier = 'county', f.code LIMIT ${f.limit} OFFSET ${f.offset}`, args);
  return { items: rows.map(toFacility), total: n };
}

/** One facility by code inside the scope (404 outside it). */
export async function getFacility(q: Queryable, code: string, within: string | null): Promise<Facility> {
  const rows = await q.query<Row>(`${SELECT} WHERE f.code = $1 ${within ? 'AND f.region_code LIKE $2' : ''}`, within ? [code, within + '%'] : [code]);
  if (!rows.length) throw notFound({ zh: '机构', en: 'Facility' });
  return toFacility(rows[0]);
}

async function checkFacility(q: Queryable, input: FacilityInput): Promise<string | null> {
  const fields = [];
  if (!kindFitsTier(input.kind, input.tier)) fields.push({ path: 'kind', problem: `${input.kind} cannot be at tier ${input.tier} / 机构类别与层级不符` });
  if (!(await q.query('SELECT 1 FROM regions WHERE code = $1', [input.regionCode])).length) fields.push({ path: 'regionCode', problem: 'unknown region / 未知行政区划' });
  let parentId: string | null = null;
  if (input.parentFacilityCode) {
    const [p] = await q.query<{ id: string; tier: string }>('SELECT id, tier FROM facilities WHERE code = $1', [input.parentFacilityCode]);
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
    if ((await q.query('SELECT 1 FROM facilities WHERE code = $1', [input.code])).length) {
      throw conflict('facility.code_taken', { zh: `机构代码 ${input.code} 已存在`, en: `Facility code ${input.code} exists` }, [{ path: 'code', problem: 'taken / 已存在' }]);
    }
    const parentId = await checkFacility(q, input);
    const [r] = await q.query<{ id: string }>(
      `INSERT INTO facilities (code, name, tier, kind, grade, region_code, parent_facility_id, beds, capability_standard, community_hospital, county_subcentre, public_owned, opened_on, closed_on)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14) RETURNING id`,
      [input.code, input.name, input.tier, input.kind, input.grade ?? 'unrated', input.regionCode, parentId, input.beds ?? 0, input.capabilityStandard ?? null,
        input.communityHospital ?? false, input.countySubcentre ?? false, input.publicOwned ?? true, input.openedOn ?? null, input.closedOn ?? null],
    );
    await writeAudit(q, actor, { action: 'facility.create', outcome: 'ok', recordType: 'facility', recordId: r.id, details: { code: input.code } });
    return getFacility(q, input.code, null);
  });
}

/** Updates a facility if `version` is current (409 otherwise); audited with what changed. */
export async function updateFacility(db: Db, actor: Actor, code: string, version: number, input: FacilityInput, within: string | null): Promise<Facility> {
  return db.tx(async (q) => {
    const before = await getFacility(q, code, within);
    const parentId = await checkFacility(q, input);
    const rows = await q.query(
      `UPDATE facilities SET name=$3, tier=$4, kind=$5, grade=$6, region_code=$7, parent_facility_id=$8, beds=$9, capability_standard=$10,
         community_hospital=$11, county_subcentre=$12, public_owned=$13, opened_on=$14, closed_on=$15, version = version + 1, updated_at = now()
       WHERE code = $1 AND version = $2 RETURNING id`,
      [code, version, input.name, input.tier, input.kind, input.grade ?? before.grade, input.regionCode, parentId, input.beds ?? before.beds,
        input.capabilityStandard ?? null, input.communityHospital ?? false, input.countySubcentre ?? false, input.publicOwned ?? true, input.openedOn ?? null, input.closedOn ?? null],
    );
    if (!rows.length) throw stale(before.version);
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
  const rows = await q.query<{ id: string; name: string; kind: Community['kind']; tight: boolean; region_code: string; lead_code: string; lead_name: string; members: number }>(
    `SELECT c.*, f.code AS lead_code, f.name AS lead_name,
            (SELECT count(*) FROM community_members m WHERE m.community_id = c.id AND m.left_on IS NULL)::int AS members
       FROM communities c JOIN facilities f ON f.id = c.lead_facility_id
      ${within ? 'WHERE c.region_code LIKE $1' : ''} ORDER BY c.name`,
    within ? [within + '%'] : [],
  );
  return rows.map((r) => ({ id: r.id, name: r.name, kind: r.kind, tight: r.tight, regionCode: r.region_code, lead: { code: r.lead_code, name: r.lead_name }, memberCount: r.members }));
}

/** One community with its members (404 outside the scope). */
export async function getCommunity(q: Queryable, id: string, within: string | null): Promise<Community> {
  const [c] = await q.query<{ id: string; name: string; kind: Community['kind']; tight: boolean; region_code: string; lead_code: string; lead_name: string }>(
    `SELECT c.*, f.code AS lead_code, f.name AS lead_name FROM communities c JOIN facilities f ON f.id = c.lead_facility_id WHERE c.id = $1 ${within ? 'AND c.region_code LIKE $2' : ''}`,
    within ? [id, within + '%'] : [id],
  );
  if (!c) throw notFound({ zh: '医共体', en: 'Medical community' });
  const members = await q.query<{ code: string; name: string; tier: Tier; kind: FacilityKind; joined_on: string; left_on: string | null }>(
    `SELECT f.code, f.name, f.tier, f.kind, m.joined_on, m.left_on FROM community_members m JOIN facilities f ON f.id = m.facility_id
      WHERE m.community_id = $1 ORDER BY m.left_on IS NOT NULL, f.tier = 'village', f.tier = 'township', f.code`,
    [id],
  );
  return {
    id: c.id, name: c.name, kind: c.kind, tight: c.tight, regionCode: c.region_code, lead: { code: c.lead_code, name: c.lead_name },
    members: members.map((m) => ({ code: m.code, name: m.name, tier: m.tier, kind: m.kind, joinedOn: m.joined_on, leftOn: m.left_on })),
  };
}

/** Creates a community led by a facility (which joins it as its first member). */
export async function createCommunity(db: Db, actor: Actor, input: { name: string; kind: Community['kind']; tight: boolean; leadFacilityCode: string; regionCode: string; joinedOn: string }): Promise<Community> {
  const id = await db.tx(async (q) => {
    const [lead] = await q.query<{ id: string }>('SELECT id FROM facilities WHERE code = $1', [input.leadFacilityCode]);
    if (!lead) throw badRequest('community.invalid', { zh: '牵头机构不存在', en: 'Unknown lead facility' }, [{ path: 'leadFacilityCode', problem: 'unknown facility / 未知机构' }]);
    if (!(await q.query('SELECT 1 FROM regions WHERE code = $1', [input.regionCode])).length) throw badRequest('community.invalid', { zh: '行政区划不存在', en: 'Unknown region' }, [{ path: 'regionCode', problem: 'unknown region / 未知行政区划' }]);
    const [c] = await q.query<{ id: string }>('INSERT INTO communities (name, kind, tight, lead_facility_id, region_code) VALUES ($1,$2,$3,$4,$5) RETURNING id', [input.name, input.kind, input.tight, lead.id, input.regionCode]);
    await addMemberTx(q, c.id, input.leadFacilityCode, input.joinedOn, input.tight);
    await writeAudit(q, actor, { action: 'community.create', outcome: 'ok', recordType: 'community', recordId: c.id });
    return c.id;
  });
  return getCommunity(db, id, null);
}

async function addMemberTx(q: Queryable, communityId: string, facilityCode: string, joinedOn: string, tight: boolean): Promise<void> {
  const [f] = await q.query<{ id: string; name: string }>('SELECT id, name FROM facilities WHERE code = $1', [facilityCode]);
  if (!f) throw badRequest('community.invalid', { zh: '机构不存在', en: 'Unknown facility' }, [{ path: 'facilityCode', problem: 'unknown facility / 未知机构' }]);
  if (tight) {
    const [other] = await q.query<{ name: string; community_id: string }>(
      `SELECT c.name, m.community_id FROM community_members m JOIN communities c ON c.id = m.community_id WHERE m.facility_id = $1 AND m.tight AND m.left_on IS NULL`, [f.id]);
    if (other) {
      throw conflict('community.already_member', { zh: `${f.name} 已是紧密型医共体「${other.name}」的成员`, en: `${f.name} already belongs to the tight community "${other.name}"` }, [{ path: 'facilityCode', problem: 'already in a tight community / 已属于其他紧密型医共体' }]);
    }
  }
  await q.query('INSERT INTO community_members (community_id, facility_id, joined_on, tight) VALUES ($1,$2,$3,$4)', [communityId, f.id, joinedOn, tight]);
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
    const rows = await q.query(
      `UPDATE community_members m SET left_on = $3 FROM facilities f
        WHERE f.id = m.facility_id AND m.community_id = $1 AND f.code = $2 AND m.left_on IS NULL AND m.joined_on <= $3 RETURNING m.facility_id`,
      [communityId, facilityCode, leftOn],
    );
    if (!rows.length) throw notFound({ zh: '成员', en: 'Member' });
    await writeAudit(q, actor, { action: 'community.remove_member', outcome: 'ok', recordType: 'community', recordId: communityId, details: { facilityCode, leftOn } });
  });
  return getCommunity(db, communityId, within);
}
