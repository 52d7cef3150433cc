// Residents' own sign-in: a password set at the facility, or a one-time code handed over there
// with which the resident sets it; then they sign in with their phone or ID number.
import { createHash, randomInt } from 'node:crypto';
import type { Db, Queryable } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';
import { actorOf, assertPasswordPolicy, hashPassword } from '../../platform/auth.ts';
import { notFound, unauthorized } from '../../platform/errors.ts';
import { writeAudit } from '../../platform/audit.ts';
import { lookupHash, type Keys } from '../../platform/crypto.ts';

const codeHash = (code: string) => createHash('sha256').update(code).digest('hex');

/** The resident a phone number or ID number names (null when none, or more than one share a phone). */
export async function residentByLogin(q: Queryable, keys: Keys, login: string): Promise<string | null> {
  const v = login.trim().toUpperCase();
  const rows = /^\d{17}[\dX]$/.test(v)
    ? await q.query<{ id: string }>("SELECT id FROM residents WHERE id_type = 'resident_id' AND id_number_hash = $1 AND merged_into IS NULL", [lookupHash(keys, v)])
    : /^1[3-9]\d{9}$/.test(v)
      ? await q.query<{ id: string }>('SELECT id FROM residents WHERE phone_hash = $1 AND merged_into IS NULL', [lookupHash(keys, v)])
      : [];
  return rows.length === 1 ? rows[0].id : null;
}

/** The username of the resident account a login (phone or ID number) names, if any. */
export async function residentUsername(q: Queryable, keys: Keys, login: string): Promise<string | null> {
  const rid = await residentByLogin(q, keys, login);
  if (!rid) return null;
  const [u] = await q.query<{ username: string }>('SELECT username FROM users WHERE resident_id = $1', [rid]);
  return u?.username ?? null;
}

async function upsertAccount(q: Queryable, residentId: string, password: string): Promise<void> {
  const [r] = await q.query<{ name: string }>('SELECT name FROM residents WHERE id = $1 AND merged_into IS NULL', [residentId]);
  if (!r) throw notFound({ zh: '居民', en: 'Resident' });
  const hash = await hashPassword(password);
  await q.query(
    `INSERT INTO users (username, display_name, password_hash, role, resident_id) VALUES ($1, $2, $3, 'resident', $4)
     ON CONFLICT (resident_id) WHERE resident_id IS NOT NULL DO UPDATE SET password_hash = EXCLUDED.password_hash, failed_logins = 0, locked_until = NULL, password_changed_at = now()`,
    [`r-${residentId.slice(0, 8)}`, r.name, hash, residentId]);
}

/** Staff set a resident's password at the facility (the resident is in the staff's scope). */
export async function setResidentPassword(db: Db, p: Principal, residentId: string, password: string, within: string | null): Promise<void> {
  assertPasswordPolicy(password);
  await db.tx(async (q) => {
    if (within && !(await q.query('SELECT 1 FROM residents WHERE id = $1 AND village_code LIKE $2', [residentId, within + '%'])).length) throw notFound({ zh: '居民', en: 'Resident' });
    await upsertAccount(q, residentId, password);
    await writeAudit(q, actorOf(p, p.ip), { action: 'resident.account_password', outcome: 'ok', residentId, recordType: 'resident', recordId: residentId });
  });
}

/** Staff issue a one-time code (valid 24 h) for the resident to set their own password. */
export async function issueActivationCode(db: Db, p: Principal, residentId: string, within: string | null): Promise<{ code: string; expiresAt: string }> {
  return db.tx(async (q) => {
    if (!(await q.query(`SELECT 1 FROM residents WHERE id = $1 AND merged_into IS NULL ${within ? 'AND village_code LIKE $2' : ''}`, within ? [residentId, within + '%'] : [residentId])).length) {
      throw notFound({ zh: '居民', en: 'Resident' });
    }
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const [c] = await q.query<{ expires_at: Date }>(`INSERT INTO resident_activation_codes (resident_id, code_hash, expires_at, issued_by) VALUES ($1, $2, now() + interval '24 hours', $3) RETURNING expires_at`,
      [residentId, codeHash(code), p.userId]);
    await writeAudit(q, actorOf(p, p.ip), { action: 'resident.activation_code', outcome: 'ok', residentId, recordType: 'resident', recordId: residentId });
    return { code, expiresAt: c.expires_at.toISOString() };
  });
}

/** A resident sets their password with the one-time code (5 tries per code). */
export async function activateWithCode(db: Db, keys: Keys, login: string, code: string, password: string, ip: string | null): Promise<void> {
  assertPasswordPolicy(password);
  const bad = () => unauthorized('auth.invalid_code', { zh: '账号或验证码错误', en: 'Wrong login or code' });
  await db.tx(async (q) => {
    const rid = await residentByLogin(q, keys, login);
    if (!rid) throw bad();
    const [c] = await q.query<{ id: string; code_hash: string; attempts: number }>(
      'SELECT id, code_hash, attempts FROM resident_activation_codes WHERE resident_id = $1 AND used_at IS NULL AND expires_at > now() ORDER BY created_at DESC LIMIT 1 FOR UPDATE', [rid]);
    if (!c || c.attempts >= 5) throw bad();
    if (c.code_hash !== codeHash(code)) {
      await q.query('UPDATE resident_activation_codes SET attempts = attempts + 1 WHERE id = $1', [c.id]);
      return 'wrong';
    }
    await q.query('UPDATE resident_activation_codes SET used_at = now() WHERE id = $1', [c.id]);
    await upsertAccount(q, rid, password);
    await writeAudit(q, { userId: null, username: null, role: 'resident', ip }, { action: 'resident.activate', outcome: 'ok', residentId: rid });
    return 'ok';
  }).then((r) => {
    if (r === 'wrong') throw bad();
  });
}
