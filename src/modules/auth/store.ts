// The auth module's SQL: a user's TOTP secret (confirmed and pending) and recovery codes.
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
