-- The lifelong health record: encounters and what is attached to them, consents, break-glass grants,
-- and the previous versions of every changed row. Maps onto FHIR Encounter, Condition, Observation,
-- MedicationRequest, AllergyIntolerance, Immunization, DocumentReference, Consent.

CREATE TABLE icd10_codes (
  code     text PRIMARY KEY,
  name_zh  text NOT NULL,
  name_en  text NOT NULL,
  chapter  text,
  category text NOT NULL
);

CREATE TABLE encounters (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resident_id  uuid NOT NULL REFERENCES residents(id),
  county_code  text NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('outpatient','emergency','inpatient','home_visit','follow_up','health_check','remote_consultation')),
  facility_id  uuid NOT NULL REFERENCES facilities(id),
  department   text,
  worker_id    uuid REFERENCES workers(id),
  started_at   timestamptz NOT NULL,
  ended_at     timestamptz,
  reason       text,
  source_system text,
  source_id    text,          -- the sender's record id: a retried batch never doubles
  created_by   uuid REFERENCES users(id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  version      integer NOT NULL DEFAULT 1,
  CHECK (ended_at IS NULL OR ended_at >= started_at)
);
CREATE UNIQUE INDEX encounters_source ON encounters (source_system, source_id) WHERE source_id IS NOT NULL;
CREATE INDEX encounters_resident ON encounters (resident_id, started_at DESC);
CREATE INDEX encounters_facility ON encounters (facility_id, started_at);
CREATE INDEX encounters_worker ON encounters (worker_id, started_at) WHERE worker_id IS NOT NULL;

CREATE TABLE diagnoses (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resident_id  uuid NOT NULL REFERENCES residents(id),
  encounter_id uuid REFERENCES encounters(id),
  icd10        text NOT NULL REFERENCES icd10_codes(code),
  onset_date   date,
  status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active','resolved')),
  confirmed    boolean NOT NULL DEFAULT true,
  source_system text,
  source_id    text,
  recorded_at  timestamptz NOT NULL DEFAULT now(),
  version      integer NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX diagnoses_source ON diagnoses (source_system, source_id) WHERE source_id IS NOT NULL;
CREATE INDEX diagnoses_resident ON diagnoses (resident_id);
CREATE INDEX diagnoses_icd ON diagnoses (icd10);

CREATE TABLE observations (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resident_id  uuid NOT NULL REFERENCES residents(id),
  encounter_id uuid REFERENCES encounters(id),
  code         text NOT NULL,
  value        numeric NOT NULL,
  unit         text NOT NULL,
  ref_low      numeric,
  ref_high     numeric,
  flag         text CHECK (flag IN ('L','N','H')),
  observed_at  timestamptz NOT NULL,
  source_system text,
  source_id    text,
  recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX observations_source ON observations (source_system, source_id) WHERE source_id IS NOT NULL;
CREATE INDEX observations_resident ON observations (resident_id, code, observed_at DESC);

CREATE TABLE prescriptions (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resident_id  uuid NOT NULL REFERENCES residents(id),
  encounter_id uuid REFERENCES encounters(id),
  drug_name    text NOT NULL,
  form         text,
  strength     text,
  dose         text,
  route        text,
  frequency    text,
  days         integer CHECK (days IS NULL OR days BETWEEN 1 AND 365),
  quantity     numeric,
  antibacterial_class text CHECK (antibacterial_class IN ('unrestricted','restricted','special')),
  prescribed_at timestamptz NOT NULL,
  source_system text,
  source_id    text,
  recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX prescriptions_source ON prescriptions (source_system, source_id) WHERE source_id IS NOT NULL;
CREATE INDEX prescriptions_resident ON prescriptions (resident_id, prescribed_at DESC);
CREATE INDEX prescriptions_encounter ON prescriptions (encounter_id);

CREATE TABLE allergies (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resident_id  uuid NOT NULL REFERENCES residents(id),
  substance    text NOT NULL,
  reaction     text,
  severity     text CHECK (severity IN ('mild','moderate','severe')),
  recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX allergies_resident ON allergies (resident_id);

CREATE TABLE immunisations (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resident_id  uuid NOT NULL REFERENCES residents(id),
  encounter_id uuid REFERENCES encounters(id),
  vaccine      text NOT NULL,
  dose_number  integer NOT NULL CHECK (dose_number BETWEEN 1 AND 10),
  given_on     date NOT NULL,
  lot          text,
  site         text,
  facility_id  uuid REFERENCES facilities(id),
  source_system text,
  source_id    text
);
CREATE UNIQUE INDEX immunisations_source ON immunisations (source_system, source_id) WHERE source_id IS NOT NULL;
CREATE INDEX immunisations_resident ON immunisations (resident_id);

CREATE TABLE documents (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resident_id  uuid NOT NULL REFERENCES residents(id),
  encounter_id uuid REFERENCES encounters(id),
  kind         text NOT NULL CHECK (kind IN ('discharge_summary','examination_report','lab_report','imaging_report','referral_letter','other')),
  title        text NOT NULL,
  body         text NOT NULL,
  written_at   timestamptz NOT NULL,
  source_system text,
  source_id    text
);
CREATE UNIQUE INDEX documents_source ON documents (source_system, source_id) WHERE source_id IS NOT NULL;
CREATE INDEX documents_resident ON documents (resident_id);

-- The resident's own consent to a worker or a facility opening their record (withdrawable, with an end date).
CREATE TABLE consents (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resident_id  uuid NOT NULL REFERENCES residents(id),
  grantee_worker_id   uuid REFERENCES workers(id),
  grantee_facility_id uuid REFERENCES facilities(id),
  starts_on    date NOT NULL,
  ends_on      date NOT NULL,
  withdrawn_at timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now(),
  CHECK ((grantee_worker_id IS NULL) <> (grantee_facility_id IS NULL)),
  CHECK (ends_on >= starts_on)
);
CREATE INDEX consents_resident ON consents (resident_id);

-- Break-glass: emergency access with a reason, for a few hours, flagged for the manager's review.
CREATE TABLE break_glass (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resident_id  uuid NOT NULL REFERENCES residents(id),
  user_id      uuid NOT NULL REFERENCES users(id),
  facility_id  uuid REFERENCES facilities(id),
  reason       text NOT NULL,
  granted_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  reviewed_by  uuid REFERENCES users(id),
  reviewed_at  timestamptz,
  review_note  text
);
CREATE INDEX break_glass_user ON break_glass (user_id, resident_id, expires_at);

-- Previous versions of changed record rows (who, when, what).
CREATE TABLE record_versions (
  id          bigserial PRIMARY KEY,
  table_name  text NOT NULL,
  row_id      uuid NOT NULL,
  version     integer NOT NULL,
  data        jsonb NOT NULL,
  changed_by  uuid REFERENCES users(id),
  changed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX record_versions_row ON record_versions (table_name, row_id);

-- A resident's own sign-in: the user account linked to their index record.
ALTER TABLE users ADD COLUMN resident_id uuid REFERENCES residents(id);
CREATE UNIQUE INDEX users_resident ON users (resident_id) WHERE resident_id IS NOT NULL;

-- One-time codes handed to a resident at the facility to set their own password.
CREATE TABLE resident_activation_codes (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resident_id uuid NOT NULL REFERENCES residents(id),
  code_hash   text NOT NULL,
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz,
  attempts    integer NOT NULL DEFAULT 0,
  issued_by   uuid REFERENCES users(id),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX resident_activation_codes_resident ON resident_activation_codes (resident_id);
