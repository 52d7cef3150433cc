-- Service packages are edited by managers: optimistic concurrency and who changed them last.
ALTER TABLE service_packages ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE service_packages ADD COLUMN updated_by uuid REFERENCES users(id);
ALTER TABLE service_packages ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
