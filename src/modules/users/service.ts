// User administration: create, list, disable, reset — used by the admin pages and the CLI alike.
import type { Db, Queryable } from '../../platform/db.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { actorOf, assertPasswordPolicy, clearAccountThrottle, hashPassword, type Principal } from '../../platform/auth.ts';
import { writeAudit, type Actor } from '../../platform/audit.ts';
import type { CreateUserIn, UserOut } from './schema.ts';
import type { Role } from '../../shared/roles.ts';

const SYSTEM_ACTOR: Actor = { userId: null, username: 'cli', role: 'sysadmin', ip: null };

/** The user as the API shows it, with the names of the region and facility of their scope. */
export async function describeScope(q: Queryable, p: Pick<Principal, 'userId' | 'username' | 'displayName' | 'role' | 'regionCode' | 'facilityCode'>): Promise<UserOut> {
  const [r] = p.regionCode ? await q.query<{ name: string }>('SELECT name FROM regions WHERE code = $1', [p.regionCode]) : [];
  const [f] = p.facilityCode ? await q.query<{ name: string }>('SELECT name FROM facilities WHERE code = $1', [p.facilityCode]) : [];
  return {
    id: p.userId,
    username: p.username,
    displayName: p.displayName,
    // A user's role: a facility system (role 'system') never reaches a route that describes its caller.
    role: p.role as Role,
    scope: { regionCode: p.regionCode, regionName: r?.name ?? null, facilityCode: p.facilityCode, facilityName: f?.name ?? null },
  };
}

// Which scope each role needs: officers and managers a region, facility staff a facility.
const NEEDS: Partial<Record<Role, 'region' | 'facility'>> = {
  officer: 'region', manager: 'region', public_health: 'region',
  doctor: 'facility', nurse: 'facility', village_doctor: 'facility', coordinator: 'facility',
};

/** Creates a user after checking the name, the password policy and the scope; audited. */
export async function createUser(db: Db, by: Principal | null, input: CreateUserIn): Promise<UserOut> {
  assertPasswordPolicy(input.password);
  const regionCode = input.regionCode ?? null;
  const facilityCode = input.facilityCode ?? null;
  const fields = [];
  if (regionCode && !(await db.query('SELECT 1 FROM regions WHERE code = $1', [regionCode])).length) {
    fields.push({ path: 'regionCode', problem: `unknown region ${regionCode} / 未知行政区划` });
  }
  if (facilityCode && !(await db.query('SELECT 1 FROM facilities WHERE code = $1', [facilityCode])).length) {
    fields.push({ path: 'facilityCode', problem: `unknown facility ${facilityCode} / 未知机构` });
  }
  const need = NEEDS[input.role];
  if (need === 'region' && !regionCode) fields.push({ path: 'regionCode', problem: `role ${input.role} needs a region scope / 该角色须指定行政区划范围` });
  if (need === 'facility' && !facilityCode) fields.push({ path: 'facilityCode', problem: `role ${input.role} needs a facility / 该角色须指定所属机构` });
  if (input.workerId && !(await db.query('SELECT 1 FROM workers WHERE id = $1', [input.workerId])).length) {
    fields.push({ path: 'workerId', problem: 'unknown health worker / 未知卫生人员' });
  }
  if (input.unitId && input.role !== 'department') fields.push({ path: 'unitId', problem: 'only department users belong to a unit / 仅责任部门用户可绑定单位' });
  if (input.unitId && !(await db.query('SELECT 1 FROM gov_units WHERE id = $1 AND active', [input.unitId])).length) fields.push({ path: 'unitId', problem: 'unknown unit / 未知单位' });
  if (fields.length) throw badRequest('user.invalid_scope', { zh: '用户范围有误', en: 'Invalid user scope' }, fields);
  const hash = await hashPassword(input.password);
  return db.tx(async (q) => {
    const existing = await q.query('SELECT 1 FROM users WHERE username = $1', [input.username]);
    if (existing.length) throw conflict('user.username_taken', { zh: `用户名 ${input.username} 已存在`, en: `Username ${input.username} is taken` }, [{ path: 'username', problem: 'taken / 已存在' }]);
    const [row] = await q.query<{ id: string }>(
      `INSERT INTO users (username, display_name, password_hash, role, region_code, facility_code, worker_id, unit_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [input.username, input.displayName ?? input.username, hash, input.role, regionCode, facilityCode, input.workerId ?? null, input.unitId ?? null],
    );
    await writeAudit(q, by ? actorOf(by, by.ip) : SYSTEM_ACTOR, { action: 'user.create', outcome: 'ok', recordType: 'user', recordId: row.id, details: { username: input.username, role: input.role } });
    return describeScope(q, { userId: row.id, username: input.username, displayName: input.displayName ?? input.username, role: input.role, regionCode, facilityCode });
  });
}

interface UserRow { id: string; username: string; display_name: string; role: Role; region_code: string | null; facility_code: string | null; disabled: boolean }

/** Lists users (administrators only), newest first. */
export async function listUsers(db: Db, by: Principal): Promise<UserOut[]> {
  if (by.role !== 'sysadmin') throw forbidden();
  const rows = await db.query<UserRow>('SELECT id, username, display_name, role, region_code, facility_code, disabled FROM users ORDER BY created_at DESC, username LIMIT 1000');
  return Promise.all(rows.map(async (u) => ({ ...(await describeScope(db, { userId: u.id, username: u.username, displayName: u.display_name, role: u.role, regionCode: u.region_code, facilityCode: u.facility_code })), disabled: u.disabled })));
}

async function findUser(q: Queryable, username: string): Promise<UserRow> {
  const [u] = await q.query<UserRow>('SELECT id, username, display_name, role, region_code, facility_code, disabled FROM users WHERE username = $1', [username]);
  if (!u) throw notFound({ zh: '用户', en: 'User' });
  return u;
}

/** Disables (or re-enables) a user and ends their sessions; audited. */
export async function setDisabled(db: Db, by: Principal | null, username: string, disabled: boolean): Promise<void> {
  await db.tx(async (q) => {
    const u = await findUser(q, username);
    await q.query('UPDATE users SET disabled = $2, updated_at = now() WHERE id = $1', [u.id, disabled]);
    if (disabled) await q.query('DELETE FROM sessions WHERE user_id = $1', [u.id]);
    await writeAudit(q, by ? actorOf(by, by.ip) : SYSTEM_ACTOR, { action: disabled ? 'user.disable' : 'user.enable', outcome: 'ok', recordType: 'user', recordId: u.id });
  });
}

/** Sets a new password for a user (administrator reset), clears the lock and ends their sessions. */
export async function resetPassword(db: Db, by: Principal | null, username: string, password: string): Promise<void> {
  assertPasswordPolicy(password);
  const hash = await hashPassword(password);
  await db.tx(async (q) => {
    const u = await findUser(q, username);
    await q.query('UPDATE users SET password_hash = $2, failed_logins = 0, locked_until = NULL, password_changed_at = now(), updated_at = now() WHERE id = $1', [u.id, hash]);
    await q.query('DELETE FROM sessions WHERE user_id = $1', [u.id]);
    await clearAccountThrottle(q, u.id);
    await writeAudit(q, by ? actorOf(by, by.ip) : SYSTEM_ACTOR, { action: 'user.reset_password', outcome: 'ok', recordType: 'user', recordId: u.id });
  });
}
