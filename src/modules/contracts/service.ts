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

export interface Team { id: string; name: string; facilityCode: string; facilityName: string; members: { workerId: string; name: string; role: string }[] }

/** Teams based at facilities in the scope, with their members. */
export async function listTeams(q: Queryable, within: string | null): Promise<Team[]> {
  const teams = await q.query<{ id: string; name: string; code: string; fname: string }>(
    `SELECT t.id, t.name, f.code, f.name AS fname FROM care_teams t JOIN facilities f ON f.id = t.facility_id WHERE t.active ${within ? 'AND f.region_code LIKE $1' : ''} ORDER BY f.code, t.name`,
    within ? [within + '%'] : []);
  const members = await q.query<{ team_id: string; worker_id: string; name: string; role: string }>(
    'SELECT m.team_id, m.worker_id, w.name, m.role FROM care_team_members m JOIN workers w ON w.id = m.worker_id WHERE m.team_id = ANY($1::uuid[]) ORDER BY m.role, w.name', [teams.map((t) => t.id)]);
  return teams.map((t) => ({ id: t.id, name: t.name, facilityCode: t.code, facilityName: t.fname, members: members.filter((m) => m.team_id === t.id).map((m) => ({ workerId: m.worker_id, name: m.name, role: m.role })) }));
}

async function packagesByCode(q: Queryable, codes: string[]): Promise<{ id: string; code: string }[]> {
  const rows = await q.query<{ id: string; code: string }>('SELECT id, code FROM service_packages WHERE code = ANY($1::text[]) AND active', [codes]);
  const missing = codes.filter((c) => !rows.some((r) => r.code === c));
  if (missing.length) throw badRequest('contract.invalid', { zh: '服务包不存在', en: 'Unknown package' }, missing.map((c) => ({ path: 'packageCodes', problem: `unknown package ${c} / 服务包不存在` })));
  return rows;
}

/** Signs a contract for a year; refused (409) when the resident already has a current one. */
export async function signContract(db: Db, p: Principal, input: { residentId: string; teamId: string; packageCodes: string[]; startsOn: string; signedHow: 'on_site' | 'at_home' | 'online' }, within: string | null, previousId: string | null = null) {
  return db.tx(async (q) => {
    const [r] = await q.query<{ county_code: string }>(`SELECT county_code FROM residents WHERE id = $1 AND merged_into IS NULL AND death_date IS NULL ${within ? 'AND village_code LIKE $2' : ''} FOR UPDATE`,
      within ? [input.residentId, within + '%'] : [input.residentId]);
    if (!r) throw notFound({ zh: '居民', en: 'Resident' });
    if (!(await q.query('SELECT 1 FROM care_teams WHERE id = $1 AND active', [input.teamId])).length) throw badRequest('contract.invalid', { zh: '团队不存在', en: 'Unknown team' }, [{ path: 'teamId', problem: 'unknown team / 团队不存在' }]);
    if (!input.packageCodes.includes('BASIC')) throw badRequest('contract.invalid', { zh: '签约须包含基础服务包', en: 'A contract holds the basic package' }, [{ path: 'packageCodes', problem: 'BASIC is required / 须包含基础包' }]);
    const pk = await packagesByCode(q, input.packageCodes);
    const endsOn = addDays(input.startsOn, 364);
    const [cur] = await q.query<{ id: string; ends_on: string }>(
      `SELECT id, ends_on FROM contracts WHERE resident_id = $1 AND status IN ('signed','renewed') AND ends_on >= $2 AND id IS DISTINCT FROM $3`, [input.residentId, input.startsOn, previousId]);
    if (cur) throw conflict('contract.current_exists', { zh: `该居民已有有效签约（至 ${cur.ends_on}）`, en: `The resident already has a current contract (until ${cur.ends_on})` }, [{ path: 'residentId', problem: `current contract ${cur.id}` }]);
    const [c] = await q.query<{ id: string }>(
      `INSERT INTO contracts (resident_id, team_id, county_code, starts_on, ends_on, signed_how, status, previous_id, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id`,
      [input.residentId, input.teamId, r.county_code, input.startsOn, endsOn, input.signedHow, previousId ? 'renewed' : 'signed', previousId, p.userId]);
    for (const x of pk) await q.query('INSERT INTO contract_packages (contract_id, package_id) VALUES ($1,$2)', [c.id, x.id]);
    await writeAudit(q, actorOf(p, p.ip), { action: previousId ? 'contract.renew' : 'contract.sign', outcome: 'ok', residentId: input.residentId, recordType: 'contract', recordId: c.id });
    return { id: c.id, startsOn: input.startsOn, endsOn, status: previousId ? 'renewed' : 'signed' };
  });
}

/** Renews a contract: the old one ends (reason 'renewed') and a new one starts the day after, linked to it. */
export async function renewContract(db: Db, p: Principal, id: string, within: string | null, packageCodes?: string[]) {
  const [c] = await db.query<{ resident_id: string; team_id: string; ends_on: string; status: string; signed_how: 'on_site' | 'at_home' | 'online' }>('SELECT * FROM contracts WHERE id = $1', [id]);
  if (!c) throw notFound({ zh: '签约', en: 'Contract' });
  if (c.status === 'ended') throw conflict('contract.ended', { zh: '该签约已结束，不能续约', en: 'This contract has ended; sign a new one' });
  const codes = packageCodes ?? (await db.query<{ code: string }>('SELECT p.code FROM contract_packages cp JOIN service_packages p ON p.id = cp.package_id WHERE cp.contract_id = $1', [id])).map((x) => x.code);
  const out = await signContract(db, p, { residentId: c.resident_id, teamId: c.team_id, packageCodes: codes, startsOn: addDays(c.ends_on, 1), signedHow: c.signed_how }, within, id);
  await db.query("UPDATE contracts SET status = 'ended', ended_reason = 'renewed', ended_on = ends_on, version = version + 1 WHERE id = $1", [id]);
  return out;
}

/** Ends a contract early with a reason. */
export async function endContract(db: Db, p: Principal, id: string, reason: string, within: string | null) {
  await db.tx(async (q) => {
    const rows = await q.query<{ resident_id: string }>(
      `UPDATE contracts c SET status = 'ended', ended_reason = $2, ended_on = $3, version = c.version + 1 FROM residents r
        WHERE c.id = $1 AND r.id = c.resident_id AND c.status <> 'ended' ${within ? 'AND r.village_code LIKE $4' : ''} RETURNING c.resident_id`,
      within ? [id, reason, today(), within + '%'] : [id, reason, today()]);
    if (!rows.length) throw notFound({ zh: '签约', en: 'Contract' });
    await writeAudit(q, actorOf(p, p.ip), { action: 'contract.end', outcome: 'ok', residentId: rows[0].resident_id, recordType: 'contract', recordId: id, details: { reason } });
  });
}

/** A contract's fulfilment to date. */
export async function contractFulfilment(db: Db, id: string, asOf = today()) {
  const [c] = await db.query<{ resident_id: string; starts_on: string; ends_on: string }>('SELECT resident_id, starts_on::text, ends_on::text FROM contracts WHERE id = $1', [id]);
  if (!c) throw notFound({ zh: '签约', en: 'Contract' });
  const items = (await db.query<{ items: PackageItem[] }>('SELECT p.items FROM contract_packages cp JOIN service_packages p ON p.id = cp.package_id WHERE cp.contract_id = $1', [id])).flatMap((x) => x.items);
  const until = asOf < c.ends_on ? asOf : c.ends_on;
  // Counted as the rates and the worklist count them, so a contract reads the same everywhere.
  const delivered = await deliveredByContract(db, [{ id, residentId: c.resident_id, from: c.starts_on, to: until }], [...owedServices(items), ...items.map((i) => i.service)]);
  return fulfilment(items, delivered.get(id) ?? {}, c.starts_on, c.ends_on, asOf);
}

export type RateLevel = 'team' | 'township' | 'community' | 'county';

/**
 * The SQL joins and unit key attributing a resident (`r`) to a unit of a level on a date ($1):
 * team — the team of their current contract, else the team serving their village; township — by
 * village code; community — the medical community of their township's centre; county — by code.
 */
export function unitSql(level: RateLevel): { joins: string; key: string } {
  // Derived tables joined by hash, not a lookup per resident: a county has hundreds of thousands.
  if (level === 'team') {
    return { joins: `${CURRENT_CONTRACT} LEFT JOIN (SELECT DISTINCT ON (a.region_code) a.region_code, a.team_id FROM care_team_areas a JOIN care_teams t ON t.id = a.team_id AND t.active
                 ORDER BY a.region_code, t.name, t.id) area ON area.region_code = r.village_code`,
      key: 'coalesce(cur.team_id, area.team_id)::text' };
  }
  if (level === 'community') {
    return { joins: `LEFT JOIN (SELECT DISTINCT ON (f.region_code) f.region_code AS town, m.community_id FROM facilities f JOIN community_members m ON m.facility_id = f.id AND m.left_on IS NULL AND m.joined_on <= $1::date
                 WHERE f.tier = 'township' ORDER BY f.region_code, m.tight DESC) tc ON tc.town = left(r.village_code, 9) || '000'`, key: 'tc.community_id::text' };
  }
  return { joins: '', key: level === 'county' ? 'r.county_code' : "left(r.village_code, 9) || '000'" };
}

/** The residents' (`r`) current contracts on the day $1, as `cur` (the team level's joins hold it already). */
export const CURRENT_CONTRACT = `LEFT JOIN (SELECT DISTINCT ON (c.resident_id) c.resident_id, c.id, c.team_id FROM contracts c WHERE c.status IN ('signed','renewed') AND c.starts_on <= $1::date AND c.ends_on >= $1::date
                 ORDER BY c.resident_id, c.starts_on DESC) cur ON cur.resident_id = r.id`;
const withCurrent = (level: RateLevel, joins: string) => (level === 'team' ? joins : `${CURRENT_CONTRACT} ${joins}`);

/** Display names of units of a level. */
export async function unitNames(q: Queryable, level: RateLevel, codes: string[]): Promise<Map<string, string>> {
  const sql = level === 'team' ? "SELECT t.id::text AS code, t.name || '（' || f.name || '）' AS name FROM care_teams t JOIN facilities f ON f.id = t.facility_id WHERE t.id::text = ANY($1::text[])"
    : level === 'community' ? 'SELECT id::text AS code, name FROM communities WHERE id::text = ANY($1::text[])'
      : 'SELECT code, name FROM regions WHERE code = ANY($1::text[])';
  return new Map((await q.query<{ code: string; name: string }>(sql, [codes])).map((x) => [x.code, x.name]));
}

/**
 * Which services an item code counts, from the record (DOMAIN: a follow-up, a health check, a vaccination anywhere count):
 * the table and its rows (`x`), and when a row falls within a contract's dates (`k.f` to `k.t`).
 */
const SERVICE_SOURCES: Record<string, { table: string; match: string }> = {
  htn_followup: { table: 'chronic_followups', match: "x.programme = 'hypertension'" },
  dm_followup: { table: 'chronic_followups', match: "x.programme = 'diabetes'" },
  health_check: { table: 'encounters', match: "x.kind = 'health_check'" },
  elderly_check: { table: 'encounters', match: "x.kind = 'health_check'" },
  immunisation: { table: 'immunisations', match: 'true' },
  home_visit: { table: 'encounters', match: "x.kind = 'home_visit'" },
  consultation: { table: 'encounters', match: 'true' },
};
const WITHIN_CONTRACT: Record<string, string> = {
  chronic_followups: 'x.visit_date BETWEEN k.f AND k.t',
  encounters: 'x.started_at >= k.f AND x.started_at < k.t + 1',
  immunisations: 'x.given_on BETWEEN k.f AND k.t',
};
export const SERVICES = Object.keys(SERVICE_SOURCES);

/**
 * The SQL counting, for each row of a relation `k` (cid, rid, f, t, service), the services delivered to the
 * resident within the dates, as rows (cid, service, n) with n > 0: one pass over each table, whatever
 * services are asked of it (a health check counts for both check items, and any visit for a consultation).
 */
function deliveredSql(services: string[]): string {
  const byTable = new Map<string, string[]>();
  for (const x of services) byTable.set(SERVICE_SOURCES[x].table, [...(byTable.get(SERVICE_SOURCES[x].table) ?? []), x]);
  return [...byTable].map(([table, xs]) => `SELECT k.cid, k.service, count(*)::int AS n FROM k JOIN ${table} x ON x.resident_id = k.rid AND ${WITHIN_CONTRACT[table]}
      AND CASE k.service ${xs.map((x) => `WHEN '${x}' THEN ${SERVICE_SOURCES[x].match}`).join(' ')} END
     WHERE k.service IN (${xs.map((x) => `'${x}'`).join(', ')}) GROUP BY 1, 2`).join('\n     UNION ALL ');
}

/** Services delivered within each contract's dates, counted in one query for many contracts (only the services asked for). */
export async function deliveredByContract(q: Queryable, list: { id: string; residentId: string; from: string; to: string }[], services: Iterable<string>): Promise<Map<string, Record<string, number>>> {
  const out = new Map<string, Record<string, number>>();
  const asked = [...new Set(services)].filter((x) => SERVICE_SOURCES[x]);
  if (!list.length || !asked.length) return out;
  const rows = await q.query<{ cid: string; service: string; n: number }>(
    `WITH k AS (SELECT l.cid, l.rid, l.f, l.t, s.service FROM unnest($1::uuid[], $2::uuid[], $3::date[], $4::date[]) AS l(cid, rid, f, t), unnest($5::text[]) AS s(service))
     SELECT cid::text, service, n FROM (${deliveredSql(asked)}) d`,
    [list.map((c) => c.id), list.map((c) => c.residentId), list.map((c) => c.from), list.map((c) => c.to), asked]);
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

const groupSql = (g: PriorityGroup) => (g === 'elderly_65' ? "r.birth_date <= ($1::date - interval '65 years')" : g === 'child_0_6' ? "r.birth_date > ($1::date - interval '7 years')" : `'${g}' = ANY(r.conditions)`);
const PRIORITY_SQL = `(${PRIORITY_GROUPS.map(groupSql).join(' OR ')})`;

/** The family-doctor teams a signed-in user works in: as a member (through their health worker) or by the team their account names. */
export async function teamsOfUser(q: Queryable, userId: string): Promise<string[]> {
  return (await q.query<{ team_id: string }>(
    `SELECT m.team_id FROM users u JOIN care_team_members m ON m.worker_id = u.worker_id WHERE u.id = $1
     UNION SELECT u.team_id FROM users u WHERE u.id = $1 AND u.team_id IS NOT NULL`, [userId])).map((r) => r.team_id);
}

/** 签约率, 重点人群签约率 (all and per group), 履约率, 续约率 by unit of a level over a period (aggregates only). */
export async function contractRates(db: Db, within: string | null, o: { level?: RateLevel; from?: string; to?: string } = {}): Promise<ContractRateRow[]> {
  const day = today();
  const to = o.to ?? day;
  const from = o.from ?? addDays(to, -364);
  const asOf = to < day ? to : day;
  const level = o.level ?? 'township';
  const u = unitSql(level);
  const args: unknown[] = [asOf];
  if (within) args.push(within + '%');
  const scope = within ? 'AND r.village_code LIKE $2' : '';
  // Fulfilment, in two steps: what the current contracts owe by the day, worked out by the rule once per
  // start, end and set of packages (a few thousand in a county, not one per contract)...
  // A scope within a county limits the contracts to its residents; a county or wider counts them all (the
  // residents of the scope pick theirs by id below, so the answers are the same either way, without a second scan of residents).
  const narrow = within != null && within.length > 6;
  const scoped = narrow ? 'AND EXISTS (SELECT 1 FROM residents r WHERE r.id = c.resident_id AND r.village_code LIKE $2)' : '';
  const owing = `SELECT c.id, c.resident_id, c.starts_on, c.ends_on, array_agg(cp.package_id::text ORDER BY cp.package_id::text)::text AS packages
       FROM contracts c JOIN contract_packages cp ON cp.contract_id = c.id
      WHERE c.status IN ('signed','renewed') AND c.starts_on <= $1::date AND c.ends_on >= $1::date ${scoped}
      GROUP BY c.id`;
  const packageItems = new Map((await db.query<{ id: string; items: PackageItem[] }>('SELECT id::text, items FROM service_packages')).map((x) => [x.id, x.items]));
  const kinds = await db.query<{ f: string; t: string; packages: string }>(`SELECT starts_on::text AS f, ends_on::text AS t, packages FROM (${owing}) c GROUP BY 1, 2, 3`, narrow ? args : [asOf]);
  const owed = kinds.flatMap((k) => owedToDate(k.packages.slice(1, -1).split(',').flatMap((id) => packageItems.get(id) ?? []), k.f, k.t, asOf).map((o) => ({ ...k, ...o })));
  // ...then one set-based count of the services delivered per contract and service owed, and the contracts short of one.
  const base = args.length;
  const services = [...new Set(owed.map((o) => o.service))].filter((x) => SERVICE_SOURCES[x]);
  const unmet = services.length ? `, owe AS (SELECT * FROM unnest($${base + 1}::date[], $${base + 2}::date[], $${base + 3}::text[], $${base + 4}::text[], $${base + 5}::int[]) AS o(f, t, packages, service, due)),
     k AS (SELECT c.id AS cid, c.resident_id AS rid, c.starts_on AS f, $1::date AS t, o.service, o.due FROM cc c JOIN owe o ON o.f = c.starts_on AND o.t = c.ends_on AND o.packages = c.packages),
     d AS (${deliveredSql(services)}),
     unmet AS (SELECT DISTINCT k.cid FROM k LEFT JOIN d ON d.cid = k.cid AND d.service = k.service WHERE coalesce(d.n, 0) < k.due)` : ', unmet AS (SELECT NULL::uuid AS cid WHERE false)';
  const owedArgs = services.length ? [owed.map((o) => o.f), owed.map((o) => o.t), owed.map((o) => o.packages), owed.map((o) => o.service), owed.map((o) => o.due)] : [];
  const people = await db.query<Record<string, number> & { unit: string }>(
    `WITH cc AS (${owing})${unmet}
     SELECT ${u.key} AS unit, count(*)::int AS population, count(cur.id)::int AS contracted, count(cur.id) FILTER (WHERE un.cid IS NULL)::int AS fulfilled,
            count(*) FILTER (WHERE ${PRIORITY_SQL})::int AS priority_population, count(cur.id) FILTER (WHERE ${PRIORITY_SQL})::int AS priority_contracted,
            ${PRIORITY_GROUPS.map((g) => `count(*) FILTER (WHERE ${groupSql(g)})::int AS "p_${g}", count(cur.id) FILTER (WHERE ${groupSql(g)})::int AS "c_${g}"`).join(', ')}
       FROM residents r ${withCurrent(level, u.joins)} LEFT JOIN unmet un ON un.cid = cur.id
      WHERE r.merged_into IS NULL AND r.permanent AND (r.death_date IS NULL OR r.death_date > $1::date) ${scope}
      GROUP BY 1 HAVING ${u.key} IS NOT NULL`, [...args, ...owedArgs]);
  // Renewal: contracts whose year ended in the period (before today), not ended early; renewed when a contract follows them. A team's by the ended contract's team.
  const rargs: unknown[] = [from, asOf];
  if (within) rargs.push(within + '%');
  const rKey = level === 'team' ? 'c.team_id::text' : u.key;
  const renewal = await db.query<{ unit: string; ended: number; renewed: number }>(
    `SELECT ${rKey} AS unit, count(*)::int AS ended, count(nx.previous_id)::int AS renewed
       FROM contracts c JOIN residents r ON r.id = c.resident_id ${level === 'community' ? u.joins.replace(/\$1::date/g, '$2::date') : ''}
       LEFT JOIN (SELECT DISTINCT previous_id FROM contracts WHERE previous_id IS NOT NULL) nx ON nx.previous_id = c.id
      WHERE c.ends_on >= $1::date AND c.ends_on < $2::date AND (c.ended_reason IS NULL OR c.ended_reason = 'renewed') AND r.merged_into IS NULL ${within ? 'AND r.village_code LIKE $3' : ''}
      GROUP BY 1`, rargs);
  const names = await unitNames(db, level, [...new Set([...people.map((x) => x.unit), ...renewal.map((x) => x.unit)])]);
  const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
  const units = [...new Set([...people.map((x) => x.unit), ...renewal.filter((x) => x.unit != null).map((x) => x.unit)])];
  return units.map((code) => {
    const x = people.find((y) => y.unit === code) ?? ({ unit: code } as Record<string, number> & { unit: string });
    const rn = renewal.find((y) => y.unit === code);
    const n = (k: string) => x[k] ?? 0;
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
  const cs = await q.query<{ id: string; resident_id: string; name: string; sex: 'M' | 'F'; birth_date: string; village_name: string; starts_on: string; ends_on: string; items: PackageItem[] }>(
    `SELECT c.id, r.id AS resident_id, r.name, r.sex, r.birth_date::text, v.name AS village_name, c.starts_on::text, c.ends_on::text,
            (SELECT coalesce(jsonb_agg(i), '[]') FROM contract_packages cp JOIN service_packages p ON p.id = cp.package_id, jsonb_array_elements(p.items) i WHERE cp.contract_id = c.id) AS items
       FROM contracts c JOIN residents r ON r.id = c.resident_id AND r.merged_into IS NULL AND r.death_date IS NULL JOIN regions v ON v.code = r.village_code
      WHERE c.team_id = ANY($1::uuid[]) AND c.status IN ('signed','renewed') AND c.starts_on <= $2::date AND c.ends_on >= $2::date`, [teamIds, day]);
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
export async function createTeam(db: Db, p: Principal, input: { name: string; facilityCode: string; members: { workerId: string; role: 'lead_gp' | 'gp' | 'nurse' | 'public_health' | 'village_doctor' | 'specialist' }[]; villageCodes: string[] }, within: string | null) {
  return db.tx(async (q) => {
    const [f] = await q.query<{ id: string; tier: string }>(`SELECT id, tier FROM facilities WHERE code = $1 ${within ? 'AND region_code LIKE $2' : ''}`, within ? [input.facilityCode, within + '%'] : [input.facilityCode]);
    const fields: { path: string; problem: string }[] = [];
    if (!f) fields.push({ path: 'facilityCode', problem: 'unknown facility, or outside your scope / 机构不存在或超出范围' });
    else if (f.tier !== 'township') fields.push({ path: 'facilityCode', problem: 'teams are based at township or community centres / 团队应设在乡镇卫生院或社区卫生服务中心' });
    const leads = input.members.filter((m) => m.role === 'lead_gp');
    if (leads.length !== 1) fields.push({ path: 'members', problem: 'exactly one lead GP / 须有且仅有一名团队长（全科医生）' });
    const known = new Set((await q.query<{ id: string }>('SELECT id FROM workers WHERE id = ANY($1::uuid[])', [input.members.map((m) => m.workerId)])).map((r) => r.id));
    input.members.forEach((m, i) => { if (!known.has(m.workerId)) fields.push({ path: `members[${i}].workerId`, problem: 'unknown health worker / 未知卫生人员' }); });
    const villages = new Set((await q.query<{ code: string }>("SELECT code FROM regions WHERE code = ANY($1::text[]) AND level = 'village'", [input.villageCodes])).map((r) => r.code));
    input.villageCodes.forEach((c, i) => { if (!villages.has(c)) fields.push({ path: `villageCodes[${i}]`, problem: 'not a village code / 不是村（居）委会代码' }); });
    if (fields.length) throw badRequest('team.invalid', { zh: '团队信息有误', en: 'Invalid team' }, fields);
    const [t] = await q.query<{ id: string }>('INSERT INTO care_teams (name, facility_id, lead_worker_id) VALUES ($1,$2,$3) RETURNING id', [input.name, f!.id, leads[0].workerId]);
    for (const m of input.members) await q.query('INSERT INTO care_team_members (team_id, worker_id, role) VALUES ($1,$2,$3) ON CONFLICT DO NOTHING', [t.id, m.workerId, m.role]);
    for (const v of input.villageCodes) await q.query('INSERT INTO care_team_areas (team_id, region_code) VALUES ($1,$2)', [t.id, v]);
    await writeAudit(q, actorOf(p, p.ip), { action: 'team.create', outcome: 'ok', recordType: 'care_team', recordId: t.id });
    return { id: t.id };
  });
}

export interface ServicePackage extends PackageInput { id: string; active: boolean; version: number }

/** Every service package, basic first. */
export async function listPackages(q: Queryable): Promise<ServicePackage[]> {
  const rows = await q.query<{ id: string; code: string; name: string; kind: 'basic' | 'personalised'; price_fen: number; payer: PackageInput['payer']; items: PackageItem[]; active: boolean; version: number }>(
    "SELECT id, code, name, kind, price_fen, payer, items, active, version FROM service_packages ORDER BY kind = 'basic' DESC, code");
  return rows.map((r) => ({ id: r.id, code: r.code, name: r.name, kind: r.kind, priceFen: r.price_fen, payer: r.payer, items: r.items, active: r.active, version: r.version }));
}

/** Creates a service package (managers and system administrators); the code is unique. */
export async function createPackage(db: Db, p: Principal, input: PackageInput & { active?: boolean }): Promise<ServicePackage> {
  const fields = packageProblems(input);
  if (fields.length) throw badRequest('package.invalid', { zh: '服务包信息有误，未保存', en: 'Invalid service package; nothing was saved' }, fields);
  return db.tx(async (q) => {
    if ((await q.query('SELECT 1 FROM service_packages WHERE code = $1', [input.code])).length) {
      throw conflict('package.code_taken', { zh: `服务包代码 ${input.code} 已存在`, en: `Package code ${input.code} is taken` }, [{ path: 'code', problem: 'taken / 已存在' }]);
    }
    const [r] = await q.query<{ id: string }>('INSERT INTO service_packages (code, name, kind, price_fen, payer, items, active, updated_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id',
      [input.code, input.name, input.kind, input.priceFen, input.payer, JSON.stringify(input.items), input.active ?? true, p.userId]);
    await writeAudit(q, actorOf(p, p.ip), { action: 'package.create', outcome: 'ok', recordType: 'service_package', recordId: r.id, details: { code: input.code } });
    return { ...input, id: r.id, active: input.active ?? true, version: 1 };
  });
}

/** Edits a package (send the version you read); the code stays. Contracts holding it owe the new items from now on. */
export async function updatePackage(db: Db, p: Principal, id: string, input: Omit<PackageInput, 'code'> & { active: boolean; version: number }): Promise<ServicePackage> {
  return db.tx(async (q) => {
    const [cur] = await q.query<{ code: string; version: number }>('SELECT code, version FROM service_packages WHERE id = $1 FOR UPDATE', [id]);
    if (!cur) throw notFound({ zh: '服务包', en: 'Service package' });
    const fields = packageProblems({ ...input, code: cur.code });
    if (cur.code === 'BASIC' && !input.active) fields.push({ path: 'active', problem: 'every contract holds the basic package / 基础包不能停用' });
    if (fields.length) throw badRequest('package.invalid', { zh: '服务包信息有误，未保存', en: 'Invalid service package; nothing was saved' }, fields);
    if (cur.version !== input.version) throw stale(cur.version);
    await q.query('UPDATE service_packages SET name = $2, kind = $3, price_fen = $4, payer = $5, items = $6, active = $7, version = version + 1, updated_by = $8, updated_at = now() WHERE id = $1',
      [id, input.name, input.kind, input.priceFen, input.payer, JSON.stringify(input.items), input.active, p.userId]);
    await writeAudit(q, actorOf(p, p.ip), { action: 'package.update', outcome: 'ok', recordType: 'service_package', recordId: id, details: { code: cur.code, version: cur.version + 1 } });
    return { ...input, code: cur.code, id, version: cur.version + 1 };
  });
}
