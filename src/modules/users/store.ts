// The users module's SQL: users (staff accounts and residents' own) and residents' activation codes,
// typed rows in and out. Its services call these; no other module does (they call users' services).
import type { Queryable } from '../../platform/db.ts';
import type { Role } from '../../shared/roles.ts';

// ---- scope names and checks (the registry's and the ledger's tables, read-only) ----

export async function regionName(q: Queryable, code: string): Promise<string | null> {
  const [r] = await q.query<{ name: string }>('SELECT name FROM regions WHERE code = $1', [code]);
  return r?.name ?? null;
}

export async function facilityName(q: Queryable, code: string): Promise<string | null> {
  const [f] = await q.query<{ name: string }>('SELECT name FROM facilities WHERE code = $1', [code]);
  return f?.name ?? null;
}

export async function workerExists(q: Queryable, id: string): Promise<boolean> {
  return (await q.query('SELECT 1 FROM workers WHERE id = $1', [id])).length > 0;
}

export async function activeUnitExists(q: Queryable, id: string): Promise<boolean> {
  return (await q.query('SELECT 1 FROM gov_units WHERE id = $1 AND active', [id])).length > 0;
}

// ---- users ----

export interface UserRow { id: string; username: string; display_name: string; role: Role; region_code: string | null; facility_code: string | null; disabled: boolean; resident_id: string | null }

export async function usernameTaken(q: Queryable, username: string): Promise<boolean> {
  return (await q.query('SELECT 1 FROM users WHERE username = $1', [username])).length > 0;
}

export interface NewUser { username: string; displayName: string; passwordHash: string; role: Role; regionCode: string | null; facilityCode: string | null; workerId: string | null; unitId: string | null }
export async function insertUser(q: Queryable, u: NewUser): Promise<string> {
  const [row] = await q.query<{ id: string }>(
    `INSERT INTO users (username, display_name, password_hash, role, region_code, facility_code, worker_id, unit_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [u.username, u.displayName, u.passwordHash, u.role, u.regionCode, u.facilityCode, u.workerId, u.unitId]);
  return row.id;
}

export function listUsers(q: Queryable, limit: number): Promise<UserRow[]> {
  return q.query<UserRow>('SELECT id, username, display_name, role, region_code, facility_code, disabled, resident_id FROM users ORDER BY created_at DESC, username LIMIT $1', [limit]);
}

export async function userNamed(q: Queryable, username: string): Promise<UserRow | undefined> {
  const [u] = await q.query<UserRow>('SELECT id, username, display_name, role, region_code, facility_code, disabled, resident_id FROM users WHERE username = $1', [username]);
  return u;
}

export async function setDisabled(q: Queryable, id: string, disabled: boolean): Promise<void> {
  await q.query('UPDATE users SET disabled = $2, updated_at = now() WHERE id = $1', [id, disabled]);
}

/** A new password hash; the failed-login count and lock are cleared. */
export async function setPasswordHash(q: Queryable, id: string, hash: string): Promise<void> {
  await q.query('UPDATE users SET password_hash = $2, failed_logins = 0, locked_until = NULL, password_changed_at = now(), updated_at = now() WHERE id = $1', [id, hash]);
}

/** Links a sign-in to the health worker it is. */
export async function linkWorker(q: Queryable, username: string, workerId: string): Promise<void> {
  await q.query('UPDATE users SET worker_id = $1 WHERE username = $2', [workerId, username]);
}

/** Binds a department sign-in to the unit of that name. */
export async function bindUnitNamed(q: Queryable, username: string, unitName: string): Promise<void> {
  await q.query('UPDATE users SET unit_id = (SELECT id FROM gov_units WHERE name = $2) WHERE username = $1', [username, unitName]);
}

// ---- residents' own accounts ----

export interface ResidentAccountRow { id: string; username: string }
export async function accountOfResident(q: Queryable, residentId: string): Promise<ResidentAccountRow | undefined> {
  const [u] = await q.query<ResidentAccountRow>('SELECT id, username FROM users WHERE resident_id = $1', [residentId]);
  return u;
}

export async function insertResidentAccount(q: Queryable, username: string, displayName: string, hash: string, residentId: string): Promise<string> {
  const [u] = await q.query<{ id: string }>(
    "INSERT INTO users (username, display_name, password_hash, role, resident_id) VALUES ($1, $2, $3, 'resident', $4) RETURNING id",
    [username, displayName, hash, residentId]);
  return u.id;
}

// ---- activation codes ----

export async function insertActivationCode(q: Queryable, residentId: string, codeHash: string, hours: number, issuedBy: string): Promise<Date> {
  const [c] = await q.query<{ expires_at: Date }>(
    'INSERT INTO resident_activation_codes (resident_id, code_hash, expires_at, issued_by) VALUES ($1, $2, now() + make_interval(hours => $3), $4) RETURNING expires_at',
    [residentId, codeHash, hours, issuedBy]);
  return c.expires_at;
}

/** Every unused code of a resident ends (a new one replaces them). */
export async function retireActivationCodes(q: Queryable, residentId: string): Promise<void> {
  await q.query('UPDATE resident_activation_codes SET expires_at = least(expires_at, now()) WHERE resident_id = $1 AND used_at IS NULL', [residentId]);
}

export interface ActivationCodeRow { id: string; code_hash: string; attempts: number }
export async function liveActivationCode(q: Queryable, residentId: string): Promise<ActivationCodeRow | undefined> {
  const [c] = await q.query<ActivationCodeRow>(
    'SELECT id, code_hash, attempts FROM resident_activation_codes WHERE resident_id = $1 AND used_at IS NULL AND expires_at > now() ORDER BY created_at DESC LIMIT 1 FOR UPDATE', [residentId]);
  return c;
}

export async function activationCodeTried(q: Queryable, id: string): Promise<void> {
  await q.query('UPDATE resident_activation_codes SET attempts = attempts + 1 WHERE id = $1', [id]);
}

export async function useActivationCode(q: Queryable, id: string): Promise<void> {
  await q.query('UPDATE resident_activation_codes SET used_at = now() WHERE id = $1', [id]);
}

/** Enabled users of a role, with their scope (for another module's notifications). */
export function enabledUsersOfRole(q: Queryable, role: Role): Promise<{ id: string; region_code: string | null; facility_code: string | null }[]> {
  return q.query('SELECT id, region_code, facility_code FROM users WHERE role = $1 AND NOT disabled', [role]);
}

export function displayNamesOf(q: Queryable, ids: string[]): Promise<{ id: string; display_name: string }[]> {
  return q.query('SELECT id, display_name FROM users WHERE id = ANY($1::uuid[])', [ids]);
}
