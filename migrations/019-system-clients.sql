-- System clients (issue 23, "Trust"): a facility's HIS/LIS sends data as a registered client of that
-- facility. It obtains a short-lived Bearer token with its client id and secret (OAuth 2.0 client
-- credentials, RFC 6749 §4.4) and acts as the principal role 'system' bound to the facility.

-- One row per registered system. The secret is shown once at creation and kept only as an Argon2id
-- hash; a revoked client (revoked_at set) obtains no token and its tokens stop working at once.
CREATE TABLE system_clients (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  facility_id uuid NOT NULL REFERENCES facilities(id),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  client_id   text NOT NULL UNIQUE CHECK (client_id ~ '^[A-Za-z0-9_.-]{8,64}$'),
  secret_hash text NOT NULL,
  scopes      text[] NOT NULL DEFAULT '{records:write}',
  created_by  uuid,           -- the administrator (users.id); null from the command line
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz,
  revoked_by  uuid
);
CREATE INDEX system_clients_facility ON system_clients (facility_id);

-- Access tokens issued to a client: only the SHA-256 of the token is kept, with its expiry.
CREATE TABLE system_client_tokens (
  token_hash text PRIMARY KEY,
  client_id  uuid NOT NULL REFERENCES system_clients(id) ON DELETE CASCADE,
  scopes     text[] NOT NULL,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX system_client_tokens_client ON system_client_tokens (client_id, expires_at);
