// User administration: create, list, disable, reset — used by the admin pages and the CLI alike.
import type { Db, Queryable } from '../../platform/db.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { actorOf, assertPasswordPolicy, clearAccountThrottle, endSessionsOf, hashPassword, type Principal } from '../../platform/auth.ts';
import { writeAudit, type Actor } from '../../platform/audit.ts';
import type { CreateUserIn, UserOut } from './schema.ts';
import { regionPrefix, type Role } from '../../shared/roles.ts';
import * as store from './store.ts';

const SYSTEM_ACTOR: Actor = { userId: null, username: 'cli', role: 'sysadmin', ip: null };

/** The user as the API shows it, with the names of the region and facility of their scope. */
export async function describeScope(q: Queryable, p: Pick<Principal, 'userId' | 'username' | 'displayName' | 'role' | 'regionCode' | 'facilityCode'>): Promise<UserOut> {
  return {
    id: p.userId,
    username: p.username,
    displayName: p.displayName,
    // A user's role: a facility system (role 'system') never reaches a route that describes its caller.
    role: p.role as Role,
    scope: {
      regionCode: p.regionCode, regionName: p.regionCode ? await store.regionName(q, p.regionCode) : null,
      facilityCode: p.facilityCode, facilityName: p.facilityCode ? await store.facilityName(q, p.facilityCode) : null,
    },
  };
}

// Which scope each role needs: officers and managers a region, facility staff a facility.
const NEEDS: Partial<Record<Role, 'region' | 'facility'>> = {
  officer: 'region', manager: 'region', public_health: 'region', pharmacist: 'region', insurance_auditor: 'region',
  doctor: 'facility', nurse: 'facility', village_doctor: 'facility', coordinator: 'facility', diagnostician: 'facility',
};

/**
 * Creates a user after checking the name, the password policy and the scope; audited. A resident's
 * account is never made by an administrator (the resident redeems an activation code instead).
 */
export async function createUser(db: Db, by: Principal | null, input: CreateUserIn): Promise<UserOut> {
  assertPasswordPolicy(input.password);
  const regionCode = input.regionCode ?? null;
  const facilityCode = input.facilityCode ?? null;
  const fields = [];
  if (by && input.role === 'resident') fields.push({ path: 'role', problem: 'a resident\'s account is made by the resident with an activation code / 居民账号须由居民本人凭激活码开通' });
  if (regionCode && (await store.regionName(db, regionCode)) === null) fields.push({ path: 'regionCode', problem: `unknown region ${regionCode} / 未知行政区划` });
  if (facilityCode && (await store.facilityName(db, facilityCode)) === null) fields.push({ path: 'facilityCode', problem: `unknown facility ${facilityCode} / 未知机构` });
  const need = NEEDS[input.role];
  if (need === 'region' && !regionCode) fields.push({ path: 'regionCode', problem: `role ${input.role} needs a region scope / 该角色须指定行政区划范围` });
  if (need === 'facility' && !facilityCode) fields.push({ path: 'facilityCode', problem: `role ${input.role} needs a facility / 该角色须指定所属机构` });
  if (input.workerId && !(await store.workerExists(db, input.workerId))) fields.push({ path: 'workerId', problem: 'unknown health worker / 未知卫生人员' });
  if (input.unitId && input.role !== 'department') fields.push({ path: 'unitId', problem: 'only department users belong to a unit / 仅责任部门用户可绑定单位' });
  if (input.unitId && !(await store.activeUnitExists(db, input.unitId))) fields.push({ path: 'unitId', problem: 'unknown unit / 未知单位' });
  if (fields.length) throw badRequest('user.invalid_scope', { zh: '用户范围有误', en: 'Invalid user scope' }, fields);
  const hash = await hashPassword(input.password);
  return db.tx(async (q) => {
    if (await store.usernameTaken(q, input.username)) throw conflict('user.username_taken', { zh: `用户名 ${input.username} 已存在`, en: `Username ${input.username} is taken` }, [{ path: 'username', problem: 'taken / 已存在' }]);
    const displayName = input.displayName ?? input.username;
    const id = await store.insertUser(q, { username: input.username, displayName, passwordHash: hash, role: input.role, regionCode, facilityCode, workerId: input.workerId ?? null, unitId: input.unitId ?? null });
    await writeAudit(q, by ? actorOf(by, by.ip) : SYSTEM_ACTOR, { action: 'user.create', outcome: 'ok', recordType: 'user', recordId: id, details: { username: input.username, role: input.role } });
    return describeScope(q, { userId: id, username: input.username, displayName, role: input.role, regionCode, facilityCode });
  });
}

/** Lists users (administrators only), newest first. */
export async function listUsers(db: Db, by: Principal): Promise<UserOut[]> {
  if (by.role !== 'sysadmin') throw forbidden();
  const rows = await store.listUsers(db, 1000);
  return Promise.all(rows.map(async (u) => ({ ...(await describeScope(db, { userId: u.id, username: u.username, displayName: u.display_name, role: u.role, regionCode: u.region_code, facilityCode: u.facility_code })), disabled: u.disabled })));
}

async function findUser(q: Queryable, username: string): Promise<store.UserRow> {
  const u = await store.userNamed(q, username);
  if (!u) throw notFound({ zh: '用户', en: 'User' });
  return u;
}

/** Disables (or re-enables) a user and ends their sessions; audited. */
export async function setDisabled(db: Db, by: Principal | null, username: string, disabled: boolean): Promise<void> {
  await db.tx(async (q) => {
    const u = await findUser(q, username);
    await store.setDisabled(q, u.id, disabled);
    if (disabled) await endSessionsOf(q, u.id);
    await writeAudit(q, by ? actorOf(by, by.ip) : SYSTEM_ACTOR, { action: disabled ? 'user.disable' : 'user.enable', outcome: 'ok', recordType: 'user', recordId: u.id });
  });
}

/**
 * Sets a new password for a staff user (administrator reset), clears the lock and ends their sessions.
 * A resident's password is theirs alone: 409, issue them an activation code instead.
 */
export async function resetPassword(db: Db, by: Principal | null, username: string, password: string): Promise<void> {
  assertPasswordPolicy(password);
  const hash = await hashPassword(password);
  await db.tx(async (q) => {
    const u = await findUser(q, username);
    if (u.role === 'resident' || u.resident_id) {
      throw conflict('user.resident_password', {
        zh: '居民的密码只能由本人设置：请为其签发一次性激活码（POST /api/residents/{id}/activation-code）',
        en: 'Only the resident sets their password: issue them a one-time activation code (POST /api/residents/{id}/activation-code)',
      }, [{ path: 'username', problem: 'a resident\'s account / 居民账号' }]);
    }
    await store.setPasswordHash(q, u.id, hash);
    await endSessionsOf(q, u.id);
    await clearAccountThrottle(q, u.id);
    await writeAudit(q, by ? actorOf(by, by.ip) : SYSTEM_ACTOR, { action: 'user.reset_password', outcome: 'ok', recordType: 'user', recordId: u.id });
  });
}

/**
 * The enabled users of a role who stand over a facility: posted at it, or with a region scope that
 * covers its region (for another module's notifications, e.g. a critical value escalated to the
 * facility's management).
 */
export async function usersOver(q: Queryable, role: Role, facility: { code: string; regionCode: string }): Promise<string[]> {
  const rows = await store.enabledUsersOfRole(q, role);
  return rows.filter((u) => u.facility_code === facility.code || (u.region_code != null && facility.regionCode.startsWith(regionPrefix(u.region_code)))).map((u) => u.id);
}

/** Display names of users by id (for another module's lists: rosters, who acknowledged). */
export async function displayNames(q: Queryable, ids: string[]): Promise<Map<string, string>> {
  const rows = ids.length ? await store.displayNamesOf(q, [...new Set(ids)]) : [];
  return new Map(rows.map((r) => [r.id, r.display_name]));
}
