-- Sign-in hardening (issue 23): failures counted per (account, client address) with a growing
-- delay, sessions that end when idle or wait for a second factor, and two-factor sign-in (TOTP,
-- RFC 6238) with one-time recovery codes.

-- One row per sign-in subject and client address. The subject is 'u:' + the account's id, or
-- 'h:' + the keyed hash of what was typed when no account has that name, so that an unknown name
-- is throttled exactly like a known one (the answer never tells which). Every attempt is claimed
-- here before its password is checked; a claim made before not_before is refused, so parallel
-- guesses cannot all be checked.
CREATE TABLE login_throttle (
  subject    text NOT NULL,
  ip         text NOT NULL,
  attempts   integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  not_before timestamptz NOT NULL DEFAULT now(),
  last_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (subject, ip)
);

-- 'full': a signed-in session; 'mfa': the password was right, the second factor is awaited (no
-- access to anything else); 'enrol': a role that must use two factors and has not enrolled yet
-- (only enrolment, sign-out and the own profile).
ALTER TABLE sessions ADD COLUMN stage text NOT NULL DEFAULT 'full' CHECK (stage IN ('full', 'mfa', 'enrol'));
ALTER TABLE sessions ADD COLUMN mfa_attempts integer NOT NULL DEFAULT 0;

-- A user's TOTP secret (encrypted like personal identifiers). pending_secret is one shown for
-- enrolment and not yet confirmed with a first code; last_step is the 30-second step of the last
-- accepted code, so that a code is accepted once (RFC 6238 §5.2).
CREATE TABLE user_totp (
  user_id        uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  secret_enc     text,
  pending_secret_enc text,
  confirmed_at   timestamptz,
  last_step      bigint,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CHECK ((secret_enc IS NULL) = (confirmed_at IS NULL))
);

-- One-time recovery codes, stored as keyed hashes; used_at marks the one use.
CREATE TABLE user_recovery_codes (
  user_id    uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  code_hash  text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  used_at    timestamptz,
  PRIMARY KEY (user_id, code_hash)
);
