// The auth module's SQL: a user's TOTP secret (confirmed and pending) and recovery codes; the
// registered facility systems (system clients) and their access tokens.
import type { Queryable } from '../../platform/db.ts';

export interface TotpRow {
  secret_enc: string | null;
  pending_secret_enc: string | null;
  confirmed_at: Date | null;
  last_step: number | null;
}

/** The user's TOTP row, if they ever started enrolling. */
export async function totpOf(q: Queryable, userId: string): Promise<TotpRow | null> {
  const rows = await q.query<TotpRow>('SELECT secret_enc, pending_secret_enc, confirmed_at, last_step::float8 AS last_step FROM user_totp WHERE user_id = $1', [userId]);
  return rows[0] ?? null;
}

/** Stores a new secret awaiting its first code (a confirmed one stays in force until then). */
export async function setPendingSecret(q: Queryable, userId: string, secretEnc: string): Promise<void> {
  await q.query(
    `INSERT INTO user_totp (user_id, pending_secret_enc) VALUES ($1, $2)
     ON CONFLICT (user_id) DO UPDATE SET pending_secret_enc = EXCLUDED.pending_secret_enc, updated_at = now()`,
    [userId, secretEnc],
  );
}

/** Makes the pending secret the user's one, with the step of the code that confirmed it. */
export async function confirmPendingSecret(q: Queryable, userId: string, step: number): Promise<boolean> {
  const rows = await q.query(
    `UPDATE user_totp SET secret_enc = pending_secret_enc, pending_secret_enc = NULL, confirmed_at = now(), last_step = $2, updated_at = now()
      WHERE user_id = $1 AND pending_secret_enc IS NOT NULL RETURNING 1`,
    [userId, step],
  );
  return rows.length === 1;
}

/** Accepts a code's time step once: false when this step (or a later one) was already used. */
export async function useStep(q: Queryable, userId: string, step: number): Promise<boolean> {
  const rows = await q.query('UPDATE user_totp SET last_step = $2 WHERE user_id = $1 AND secret_enc IS NOT NULL AND (last_step IS NULL OR last_step < $2) RETURNING 1', [userId, step]);
  return rows.length === 1;
}

/** Replaces the user's recovery codes by these hashes. */
export async function replaceRecoveryCodes(q: Queryable, userId: string, hashes: string[]): Promise<void> {
  await q.query('DELETE FROM user_recovery_codes WHERE user_id = $1', [userId]);
  await q.query('INSERT INTO user_recovery_codes (user_id, code_hash) SELECT $1, h FROM unnest($2::text[]) AS t(h)', [userId, hashes]);
}

/** Marks an unused recovery code used; false when there is no such unused code. */
export async function useRecoveryCode(q: Queryable, userId: string, hash: string): Promise<boolean> {
  const rows = await q.query('UPDATE user_recovery_codes SET used_at = now() WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL RETURNING 1', [userId, hash]);
  return rows.length === 1;
}

/** How many unused recovery codes the user has. */
export async function recoveryCodesLeft(q: Queryable, userId: string): Promise<number> {
  const [r] = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM user_recovery_codes WHERE user_id = $1 AND used_at IS NULL', [userId]);
  return r.n;
}

/** Removes the user's authenticator (confirmed and pending) and recovery codes; true when one was enrolled. */
export async function removeSecondFactor(q: Queryable, userId: string): Promise<boolean> {
  const rows = await q.query<{ enrolled: boolean }>('DELETE FROM user_totp WHERE user_id = $1 RETURNING confirmed_at IS NOT NULL AS enrolled', [userId]);
  await q.query('DELETE FROM user_recovery_codes WHERE user_id = $1', [userId]);
  return rows[0]?.enrolled ?? false;
}

// ---- system clients (clients.ts) ----

export interface SystemClientRow {
  id: string;
  client_id: string;
  name: string;
  facility_id: string;
  facility_code: string;
  facility_name: string;
  scopes: string[];
  created_by: string | null;
  created_at: Date;
  revoked_at: Date | null;
}

/** The facility of a code, if any. */
export async function facilityByCode(q: Queryable, code: string): Promise<{ id: string; code: string; name: string } | null> {
  const rows = await q.query<{ id: string; code: string; name: string }>('SELECT id, code, name FROM facilities WHERE code = $1', [code]);
  return rows[0] ?? null;
}

/** Registers a client; returns its row id. */
export async function insertClient(q: Queryable, c: { facilityId: string; name: string; clientId: string; secretHash: string; scopes: string[]; createdBy: string | null }): Promise<string> {
  const [r] = await q.query<{ id: string }>(
    'INSERT INTO system_clients (facility_id, name, client_id, secret_hash, scopes, created_by) VALUES ($1, $2, $3, $4, $5::text[], $6) RETURNING id',
    [c.facilityId, c.name, c.clientId, c.secretHash, c.scopes, c.createdBy]);
  return r.id;
}

/** Every client (newest first), or those of one facility, with the facility's code and name. */
export function listClients(q: Queryable, facilityId: string | null): Promise<SystemClientRow[]> {
  return q.query<SystemClientRow>(
    `SELECT c.id, c.client_id, c.name, c.facility_id, f.code AS facility_code, f.name AS facility_name, c.scopes, c.created_by, c.created_at, c.revoked_at
       FROM system_clients c JOIN facilities f ON f.id = c.facility_id
      WHERE $1::uuid IS NULL OR c.facility_id = $1
      ORDER BY c.created_at DESC, c.client_id LIMIT 1000`, [facilityId]);
}

/** One client by its public client id (revoked or not). */
export async function clientByClientId(q: Queryable, clientId: string): Promise<(SystemClientRow & { secret_hash: string }) | null> {
  const rows = await q.query<SystemClientRow & { secret_hash: string }>(
    `SELECT c.id, c.client_id, c.name, c.facility_id, f.code AS facility_code, f.name AS facility_name, c.scopes, c.created_by, c.created_at, c.revoked_at, c.secret_hash
       FROM system_clients c JOIN facilities f ON f.id = c.facility_id WHERE c.client_id = $1`, [clientId]);
  return rows[0] ?? null;
}

/** Revokes a client and deletes its tokens; false when there is no such client not yet revoked. */
export async function revokeClient(q: Queryable, clientId: string, by: string | null): Promise<{ id: string } | null> {
  const rows = await q.query<{ id: string }>('UPDATE system_clients SET revoked_at = now(), revoked_by = $2 WHERE client_id = $1 AND revoked_at IS NULL RETURNING id', [clientId, by]);
  if (!rows.length) return null;
  await q.query('DELETE FROM system_client_tokens WHERE client_id = $1', [rows[0].id]);
  return rows[0];
}

/** Stores an access token's hash for a client until it expires (and drops the client's expired ones). */
export async function insertToken(q: Queryable, clientRowId: string, tokenHash: string, scopes: string[], seconds: number): Promise<void> {
  await q.query('DELETE FROM system_client_tokens WHERE client_id = $1 AND expires_at <= now()', [clientRowId]);
  await q.query('INSERT INTO system_client_tokens (token_hash, client_id, scopes, expires_at) VALUES ($1, $2, $3::text[], now() + make_interval(secs => $4))', [tokenHash, clientRowId, scopes, seconds]);
}

export interface TokenClientRow {
  id: string;
  client_id: string;
  name: string;
  facility_code: string;
  region_code: string;
  scopes: string[];
}

/** The client of an unexpired access token, if the client is not revoked. */
export async function clientOfToken(q: Queryable, tokenHash: string): Promise<TokenClientRow | null> {
  const rows = await q.query<TokenClientRow>(
    `SELECT c.id, c.client_id, c.name, f.code AS facility_code, f.region_code, t.scopes
       FROM system_client_tokens t JOIN system_clients c ON c.id = t.client_id JOIN facilities f ON f.id = c.facility_id
      WHERE t.token_hash = $1 AND t.expires_at > now() AND c.revoked_at IS NULL`, [tokenHash]);
  return rows[0] ?? null;
}
