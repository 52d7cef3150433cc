// Family-doctor contracts: signing (one current contract per resident), renewal carrying the history,
// ending with a reason, fulfilment counted from the record, and the rates by township.
import type { Db, Queryable } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';
import { actorOf } from '../../platform/auth.ts';
import { badRequest, conflict, notFound } from '../../platform/errors.ts';
import { writeAudit } from '../../platform/audit.ts';
import { today } from '../registry/residents.ts';
import { addDays } from '../chronic/rules.ts';
import { fulfilment, type PackageItem } from './rules.ts';

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

/** Services delivered to a resident since a date, counted by the package items' service codes. */
export async function deliveredServices(q: Queryable, residentId: string, from: string, to: string): Promise<Record<string, number>> {
  const [r] = await q.query<Record<string, number>>(
    `SELECT
       (SELECT count(*) FROM chronic_followups WHERE resident_id = $1 AND programme = 'hypertension' AND visit_date BETWEEN $2 AND $3)::int AS htn_followup,
       (SELECT count(*) FROM chronic_followups WHERE resident_id = $1 AND programme = 'diabetes' AND visit_date BETWEEN $2 AND $3)::int AS dm_followup,
       (SELECT count(*) FROM encounters WHERE resident_id = $1 AND kind = 'health_check' AND started_at::date BETWEEN $2 AND $3)::int AS health_check,
       (SELECT count(*) FROM encounters WHERE resident_id = $1 AND kind = 'health_check' AND started_at::date BETWEEN $2 AND $3)::int AS elderly_check,
       (SELECT count(*) FROM immunisations WHERE resident_id = $1 AND given_on BETWEEN $2 AND $3)::int AS immunisation,
       (SELECT count(*) FROM encounters WHERE resident_id = $1 AND kind = 'home_visit' AND started_at::date BETWEEN $2 AND $3)::int AS home_visit,
       (SELECT count(*) FROM encounters WHERE resident_id = $1 AND started_at::date BETWEEN $2 AND $3)::int AS consultation`,
    [residentId, from, to]);
  return r;
}

/** A contract's fulfilment to date. */
export async function contractFulfilment(db: Db, id: string, asOf = today()) {
  const [c] = await db.query<{ resident_id: string; starts_on: string; ends_on: string }>('SELECT resident_id, starts_on, ends_on FROM contracts WHERE id = $1', [id]);
  if (!c) throw notFound({ zh: '签约', en: 'Contract' });
  const items = (await db.query<{ items: PackageItem[] }>('SELECT p.items FROM contract_packages cp JOIN service_packages p ON p.id = cp.package_id WHERE cp.contract_id = $1', [id])).flatMap((x) => x.items);
  const until = asOf < c.ends_on ? asOf : c.ends_on;
  return fulfilment(items, await deliveredServices(db, c.resident_id, c.starts_on, until), c.starts_on, c.ends_on, asOf);
}

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
}

const PRIORITY_SQL = `(r.birth_date <= ($1::date - interval '65 years') OR r.birth_date > ($1::date - interval '7 years')
  OR r.conditions && ARRAY['hypertension','diabetes','tb','severe_mental','disability','pregnant','poverty'])`;

/** 签约率, 重点人群签约率, 履约率, 续约率 by township on a date (aggregates only). */
export async function contractRates(db: Db, within: string | null, asOf = today()): Promise<ContractRateRow[]> {
  const args: unknown[] = [asOf];
  if (within) args.push(within + '%');
  const people = await db.query<{ town: string; population: number; contracted: number; priority_population: number; priority_contracted: number }>(
    `SELECT left(r.village_code, 9) || '000' AS town, count(*)::int AS population, count(c.id)::int AS contracted,
            count(*) FILTER (WHERE ${PRIORITY_SQL})::int AS priority_population, count(c.id) FILTER (WHERE ${PRIORITY_SQL})::int AS priority_contracted
       FROM residents r
       LEFT JOIN LATERAL (SELECT id FROM contracts c WHERE c.resident_id = r.id AND c.status IN ('signed','renewed') AND c.starts_on <= $1 AND c.ends_on >= $1 LIMIT 1) c ON true
      WHERE r.merged_into IS NULL AND r.permanent AND (r.death_date IS NULL OR r.death_date > $1) ${within ? 'AND r.village_code LIKE $2' : ''}
      GROUP BY 1`, args);
  // Fulfilment: per current contract, its items against the services delivered since it began.
  const current = await db.query<{ id: string; resident_id: string; starts_on: string; ends_on: string; town: string; items: PackageItem[] }>(
    `SELECT c.id, c.resident_id, c.starts_on, c.ends_on, left(r.village_code, 9) || '000' AS town,
            (SELECT coalesce(jsonb_agg(i), '[]') FROM contract_packages cp JOIN service_packages p ON p.id = cp.package_id, jsonb_array_elements(p.items) i WHERE cp.contract_id = c.id) AS items
       FROM contracts c JOIN residents r ON r.id = c.resident_id
      WHERE c.status IN ('signed','renewed') AND c.starts_on <= $1 AND c.ends_on >= $1 AND r.merged_into IS NULL ${within ? 'AND r.village_code LIKE $2' : ''}`, args);
  const counts = await db.query<{ resident_id: string; service: string; at: string }>(
    `SELECT f.resident_id, CASE f.programme WHEN 'hypertension' THEN 'htn_followup' ELSE 'dm_followup' END AS service, f.visit_date::text AS at
       FROM chronic_followups f JOIN contracts c ON c.resident_id = f.resident_id AND c.status IN ('signed','renewed') AND c.starts_on <= $1 AND c.ends_on >= $1
      WHERE f.visit_date BETWEEN c.starts_on AND $1 ${within ? 'AND f.county_code = left($2, 6)' : ''}
     UNION ALL
     SELECT e.resident_id, 'health_check', e.started_at::date::text FROM encounters e JOIN contracts c ON c.resident_id = e.resident_id AND c.status IN ('signed','renewed') AND c.starts_on <= $1 AND c.ends_on >= $1
      WHERE e.kind = 'health_check' AND e.started_at::date BETWEEN c.starts_on AND $1 ${within ? 'AND e.county_code = left($2, 6)' : ''}`, args);
  const delivered = new Map<string, Record<string, number>>();
  for (const x of counts) {
    const d = delivered.get(x.resident_id) ?? {};
    d[x.service] = (d[x.service] ?? 0) + 1;
    if (x.service === 'health_check') d.elderly_check = (d.elderly_check ?? 0) + 1;
    delivered.set(x.resident_id, d);
  }
  const fulfilledByTown = new Map<string, number>();
  for (const c of current) {
    const f = fulfilment(c.items, delivered.get(c.resident_id) ?? {}, c.starts_on, c.ends_on, asOf);
    if (f.fulfilled) fulfilledByTown.set(c.town, (fulfilledByTown.get(c.town) ?? 0) + 1);
  }
  // Renewal: contracts whose year ended in the past 12 months, and how many were followed by a renewal.
  const renewal = await db.query<{ town: string; ended: number; renewed: number }>(
    `SELECT left(r.village_code, 9) || '000' AS town, count(*)::int AS ended,
            count(*) FILTER (WHERE EXISTS (SELECT 1 FROM contracts n WHERE n.previous_id = c.id))::int AS renewed
       FROM contracts c JOIN residents r ON r.id = c.resident_id
      WHERE c.ends_on < $1 AND c.ends_on >= ($1::date - 365) AND (c.ended_reason IS NULL OR c.ended_reason = 'renewed') ${within ? 'AND r.village_code LIKE $2' : ''}
      GROUP BY 1`, args);
  const names = new Map((await db.query<{ code: string; name: string }>('SELECT code, name FROM regions WHERE code = ANY($1::text[])', [people.map((x) => x.town)])).map((x) => [x.code, x.name]));
  const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
  return people.sort((a, b) => a.town.localeCompare(b.town)).map((x) => {
    const rn = renewal.find((y) => y.town === x.town);
    const fulfilled = fulfilledByTown.get(x.town) ?? 0;
    return {
      code: x.town, name: names.get(x.town) ?? x.town, population: x.population, contracted: x.contracted, priorityPopulation: x.priority_population, priorityContracted: x.priority_contracted,
      fulfilled, previousCycle: rn?.ended ?? 0, renewed: rn?.renewed ?? 0,
      coverage: ratio(x.contracted, x.population), priorityCoverage: ratio(x.priority_contracted, x.priority_population), fulfilmentRate: ratio(fulfilled, x.contracted), renewalRate: ratio(rn?.renewed ?? 0, rn?.ended ?? 0),
    };
  });
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
