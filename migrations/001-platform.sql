-- Platform: users, sessions, the append-only audit trail.

CREATE TABLE users (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  username      text NOT NULL UNIQUE CHECK (username ~ '^[A-Za-z0-9_.@-]{2,64}$'),
  display_name  text NOT NULL,
  password_hash text NOT NULL,
  role          text NOT NULL CHECK (role IN ('sysadmin','officer','manager','doctor','nurse','public_health','village_doctor','coordinator','resident')),
  -- Scope: a region (GB/T 2260 or 12-digit statistical code; everything under it) and/or a facility.
  region_code   text,
  facility_code text,
  disabled      boolean NOT NULL DEFAULT false,
  failed_logins integer NOT NULL DEFAULT 0,
  locked_until  timestamptz,
  password_changed_at timestamptz NOT NULL DEFAULT now(),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sessions (
  token_hash   text PRIMARY KEY,            -- sha256 of the cookie value; the token itself is never stored
  user_id      uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  ip           text
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Append-only: each row carries the hash of the previous one (hash chain), so an altered or
-- deleted row is found by `meridian audit verify`. Rows are written in the same transaction as
-- what they record.
CREATE TABLE audit_log (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL,
  user_id     uuid,
  username    text,
  role        text,
  ip          text,
  action      text NOT NULL,
  resident_id uuid,
  record_type text,
  record_id   text,
  basis       text,
  outcome     text NOT NULL,
  details     jsonb,
  prev_hash   text NOT NULL,
  hash        text NOT NULL
);
CREATE INDEX audit_log_resident ON audit_log (resident_id, at) WHERE resident_id IS NOT NULL;
CREATE INDEX audit_log_user ON audit_log (user_id, at);

CREATE FUNCTION audit_log_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_refuse();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse();
