-- Family-doctor service packages edited by managers (optimistic concurrency, who changed them last), and contract renewal lookups.
ALTER TABLE service_packages ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE service_packages ADD COLUMN updated_by uuid REFERENCES users(id);
ALTER TABLE service_packages ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
-- The renewal rate looks up, for every contract that ended, the contract that renewed it.
CREATE INDEX contracts_previous ON contracts (previous_id) WHERE previous_id IS NOT NULL;
