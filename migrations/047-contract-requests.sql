-- Family-doctor contracts online (issue 24): a resident asks a team for a contract (or its renewal)
-- from their phone; the team confirms it (the contract is then signed, signed_how 'online') or
-- declines it with a reason. And the team's service phone, which the resident's home calls.

ALTER TABLE care_teams ADD COLUMN phone text CHECK (phone IS NULL OR phone ~ '^[0-9][0-9-]{6,19}$');

CREATE TABLE contract_requests (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resident_id          uuid NOT NULL REFERENCES residents(id),
  team_id              uuid NOT NULL REFERENCES care_teams(id),
  package_codes        text[] NOT NULL CHECK (cardinality(package_codes) BETWEEN 1 AND 10),
  kind                 text NOT NULL CHECK (kind IN ('sign','renew')),
  previous_contract_id uuid REFERENCES contracts(id),
  note                 text CHECK (note IS NULL OR length(note) <= 200),
  status               text NOT NULL DEFAULT 'requested' CHECK (status IN ('requested','confirmed','declined','withdrawn')),
  requested_by         uuid NOT NULL REFERENCES users(id),
  requested_at         timestamptz NOT NULL DEFAULT now(),
  decided_by           uuid REFERENCES users(id),
  decided_at           timestamptz,
  decision_note        text,
  contract_id          uuid REFERENCES contracts(id),
  CHECK ((kind = 'renew') = (previous_contract_id IS NOT NULL)),
  CHECK ((status = 'confirmed') = (contract_id IS NOT NULL)),
  CHECK (status <> 'declined' OR decision_note IS NOT NULL)
);
-- One open request per resident.
CREATE UNIQUE INDEX contract_requests_open ON contract_requests (resident_id) WHERE status = 'requested';
CREATE INDEX contract_requests_team ON contract_requests (team_id, status, requested_at);
