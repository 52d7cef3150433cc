-- Family-doctor teams, service packages and contracts (FHIR CareTeam, Contract).

CREATE TABLE care_teams (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name         text NOT NULL,
  facility_id  uuid NOT NULL REFERENCES facilities(id),   -- the township or community centre the team is based at
  lead_worker_id uuid REFERENCES workers(id),
  active       boolean NOT NULL DEFAULT true,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX care_teams_facility ON care_teams (facility_id);

CREATE TABLE care_team_members (
  team_id    uuid NOT NULL REFERENCES care_teams(id),
  worker_id  uuid NOT NULL REFERENCES workers(id),
  role       text NOT NULL CHECK (role IN ('lead_gp','gp','nurse','public_health','village_doctor','specialist')),
  PRIMARY KEY (team_id, worker_id)
);
CREATE INDEX care_team_members_worker ON care_team_members (worker_id);

-- The villages or grids a team serves.
CREATE TABLE care_team_areas (
  team_id      uuid NOT NULL REFERENCES care_teams(id),
  region_code  text NOT NULL REFERENCES regions(code),
  PRIMARY KEY (team_id, region_code)
);

CREATE TABLE service_packages (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code        text NOT NULL UNIQUE,
  name        text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('basic','personalised')),
  price_fen   integer NOT NULL DEFAULT 0 CHECK (price_fen >= 0),
  payer       text NOT NULL CHECK (payer IN ('insurance','public_health','resident','mixed')),
  -- Items: [{"service": "htn_followup", "name": "高血压随访", "frequency": "4次/年"}]
  items       jsonb NOT NULL,
  active      boolean NOT NULL DEFAULT true
);

CREATE TABLE contracts (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resident_id  uuid NOT NULL REFERENCES residents(id),
  team_id      uuid NOT NULL REFERENCES care_teams(id),
  county_code  text NOT NULL,
  starts_on    date NOT NULL,
  ends_on      date NOT NULL,
  signed_how   text NOT NULL CHECK (signed_how IN ('on_site','at_home','online')),
  status       text NOT NULL CHECK (status IN ('signed','renewed','ended')),
  ended_reason text,
  ended_on     date,
  previous_id  uuid REFERENCES contracts(id),
  created_by   uuid REFERENCES users(id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  version      integer NOT NULL DEFAULT 1,
  CHECK (ends_on > starts_on)
);
CREATE INDEX contracts_resident ON contracts (resident_id, ends_on DESC);
CREATE INDEX contracts_team ON contracts (team_id, ends_on);

CREATE TABLE contract_packages (
  contract_id uuid NOT NULL REFERENCES contracts(id),
  package_id  uuid NOT NULL REFERENCES service_packages(id),
  PRIMARY KEY (contract_id, package_id)
);

ALTER TABLE users ADD COLUMN team_id uuid REFERENCES care_teams(id);
