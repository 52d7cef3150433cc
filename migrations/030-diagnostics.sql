-- Shared diagnostic centres (issue 17): 基层检查、上级诊断、结果互认. A department of a community
-- member designated as the community's centre for a modality; the township orders and acquires, the
-- centre reads, reports and publishes; critical values reach the ordering clinician with timers;
-- results are recognised across the community; remote consultations. Tables shaped on FHIR R4:
-- ServiceRequest (diagnostic_orders), ImagingStudy (imaging_studies), DiagnosticReport and its
-- Observations (diagnostic_reports, diagnostic_report_versions), Flag/Communication (critical_alerts).
-- The diagnostic-centre doctor's role (diagnostician).

ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
  CHECK (role IN ('sysadmin','officer','manager','doctor','nurse','public_health','village_doctor','coordinator','resident','department','pharmacist','diagnostician'));

-- A centre (HealthcareService/Organization department): one live centre per community and modality.
CREATE TABLE diagnostic_centres (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  community_id   uuid NOT NULL REFERENCES communities(id),
  facility_id    uuid NOT NULL REFERENCES facilities(id),
  department     text NOT NULL CHECK (length(department) BETWEEN 1 AND 100),
  modality       text NOT NULL CHECK (modality IN ('imaging','ecg','laboratory','pathology')),
  name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  county_code    text NOT NULL,
  -- 两级审核: a second doctor verifies what the first wrote
  two_level      boolean NOT NULL DEFAULT false,
  -- minutes the ordering clinician has to acknowledge a critical value before it escalates
  ack_minutes    integer NOT NULL DEFAULT 15 CHECK (ack_minutes BETWEEN 1 AND 240),
  active         boolean NOT NULL DEFAULT true,
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX diagnostic_centres_one ON diagnostic_centres (community_id, modality) WHERE active;

-- The member facilities a centre serves.
CREATE TABLE diagnostic_centre_members (
  centre_id   uuid NOT NULL REFERENCES diagnostic_centres(id),
  facility_id uuid NOT NULL REFERENCES facilities(id),
  PRIMARY KEY (centre_id, facility_id)
);

-- The items a centre reads (ActivityDefinition): sub-modality (DR/CT/MR/US/ECG/LAB/PATH), LOINC where
-- known, the turnaround target, mutual recognition (mark, scope, window) and the price (fen).
CREATE TABLE diagnostic_items (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  centre_id          uuid NOT NULL REFERENCES diagnostic_centres(id),
  code               text NOT NULL CHECK (code ~ '^[A-Za-z0-9_.-]{2,32}$'),
  name_zh            text NOT NULL,
  name_en            text NOT NULL,
  kind               text NOT NULL CHECK (kind IN ('DR','CT','MR','US','ECG','LAB','PATH')),
  loinc              text,
  turnaround_minutes integer NOT NULL CHECK (turnaround_minutes BETWEEN 5 AND 20160),
  recognition_scope  text CHECK (recognition_scope IN ('community','city','province')),
  recognition_days   integer CHECK (recognition_days BETWEEN 1 AND 3650),
  price_fen          integer NOT NULL DEFAULT 0 CHECK (price_fen >= 0),
  active             boolean NOT NULL DEFAULT true,
  UNIQUE (centre_id, code),
  CHECK ((recognition_scope IS NULL) = (recognition_days IS NULL))
);

-- The duty roster of reading doctors (a shift per row).
CREATE TABLE diagnostic_roster (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  centre_id  uuid NOT NULL REFERENCES diagnostic_centres(id),
  user_id    uuid NOT NULL REFERENCES users(id),
  starts_at  timestamptz NOT NULL,
  ends_at    timestamptz NOT NULL,
  CHECK (ends_at > starts_at)
);
CREATE INDEX diagnostic_roster_centre ON diagnostic_roster (centre_id, starts_at);

-- Report templates: findings and impression text, and for labs the observations (code, name, unit, reference range).
CREATE TABLE report_templates (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  centre_id   uuid NOT NULL REFERENCES diagnostic_centres(id),
  item_code   text,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  findings    text NOT NULL DEFAULT '',
  impression  text NOT NULL DEFAULT '',
  fields      jsonb NOT NULL DEFAULT '[]',
  active      boolean NOT NULL DEFAULT true
);

-- Critical-value rules as data, per centre, each with its source: a numeric bound on an observation
-- (code, unit, below, above) or a coded finding the reader ticks (VF, AVB3, pneumothorax, …).
CREATE TABLE critical_rules (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  centre_id   uuid NOT NULL REFERENCES diagnostic_centres(id),
  code        text NOT NULL,
  name_zh     text NOT NULL,
  name_en     text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('numeric','finding')),
  unit        text,
  below       numeric,
  above       numeric,
  source      text NOT NULL,
  active      boolean NOT NULL DEFAULT true,
  UNIQUE (centre_id, code),
  CHECK (kind = 'finding' OR (unit IS NOT NULL AND (below IS NOT NULL OR above IS NOT NULL)))
);

-- An order (ServiceRequest): a clinician of a member facility orders an item of a centre for a resident.
CREATE TABLE diagnostic_orders (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  placer_number       text NOT NULL UNIQUE,
  county_code         text NOT NULL,
  centre_id           uuid NOT NULL REFERENCES diagnostic_centres(id),
  item_id             uuid NOT NULL REFERENCES diagnostic_items(id),
  resident_id         uuid NOT NULL REFERENCES residents(id),
  requester_id        uuid NOT NULL REFERENCES users(id),
  requester_name      text NOT NULL,
  facility_id         uuid NOT NULL REFERENCES facilities(id),
  clinical_question   text NOT NULL,
  priority            text NOT NULL DEFAULT 'routine' CHECK (priority IN ('routine','urgent','stat')),
  status              text NOT NULL CHECK (status IN ('ordered','scheduled','acquired','received','rejected','preliminary','verified','published','cancelled')),
  basis               text NOT NULL,
  scheduled_for       timestamptz,
  acquired_at         timestamptz,
  received_at         timestamptz,
  due_at              timestamptz,
  reject_reason       text,
  ordered_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX diagnostic_orders_worklist ON diagnostic_orders (centre_id, status, due_at);
CREATE INDEX diagnostic_orders_facility ON diagnostic_orders (facility_id, ordered_at DESC);
CREATE INDEX diagnostic_orders_resident ON diagnostic_orders (resident_id, ordered_at DESC);

-- Every step of an order, timed (status changes and specimen steps: collected, sent, received, rejected).
CREATE TABLE diagnostic_order_events (
  id        bigserial PRIMARY KEY,
  order_id  uuid NOT NULL REFERENCES diagnostic_orders(id),
  step      text NOT NULL,
  at        timestamptz NOT NULL DEFAULT now(),
  user_id   uuid REFERENCES users(id),
  note      text
);
CREATE INDEX diagnostic_order_events_order ON diagnostic_order_events (order_id, id);

-- The acquisition (ImagingStudy): identifiers in the centre's PACS and a viewer link, or tags read from DICOM.
CREATE TABLE imaging_studies (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  order_id        uuid NOT NULL UNIQUE REFERENCES diagnostic_orders(id),
  study_uid       text NOT NULL CHECK (study_uid ~ '^[0-9.]{1,64}$'),
  modality        text NOT NULL,
  started_at      timestamptz NOT NULL,
  description     text,
  series_count    integer NOT NULL DEFAULT 0 CHECK (series_count >= 0),
  instance_count  integer NOT NULL DEFAULT 0 CHECK (instance_count >= 0),
  viewer_url      text,
  source          text NOT NULL CHECK (source IN ('pacs','dicom_upload','specimen')),
  recorded_by     uuid REFERENCES users(id),
  recorded_at     timestamptz NOT NULL DEFAULT now()
);

-- The report (DiagnosticReport): one per order; its versions below.
CREATE TABLE diagnostic_reports (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  order_id         uuid NOT NULL UNIQUE REFERENCES diagnostic_orders(id),
  status           text NOT NULL CHECK (status IN ('preliminary','final','amended')),
  version          integer NOT NULL DEFAULT 1,
  published_at     timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now()
);

-- Every version kept: findings, impression, observations (code, name, value, unit, range, flag),
-- critical findings, who wrote, verified and published it, and why it was amended.
CREATE TABLE diagnostic_report_versions (
  report_id     uuid NOT NULL REFERENCES diagnostic_reports(id),
  version       integer NOT NULL,
  findings      text NOT NULL,
  impression    text NOT NULL,
  observations  jsonb NOT NULL DEFAULT '[]',
  critical      jsonb NOT NULL DEFAULT '[]',
  written_by    uuid NOT NULL REFERENCES users(id),
  written_name  text NOT NULL,
  written_at    timestamptz NOT NULL DEFAULT now(),
  verified_by   uuid REFERENCES users(id),
  verified_name text,
  verified_at   timestamptz,
  published_at  timestamptz,
  amend_reason  text,
  PRIMARY KEY (report_id, version)
);

-- Who read which version (so that an amendment notifies earlier readers).
CREATE TABLE diagnostic_report_reads (
  report_id  uuid NOT NULL REFERENCES diagnostic_reports(id),
  version    integer NOT NULL,
  user_id    uuid NOT NULL REFERENCES users(id),
  read_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (report_id, version, user_id)
);

-- A critical value raised by a verified report: to the ordering clinician and their facility's duty
-- desk; acknowledged (read back, action) within ack_minutes or escalated.
CREATE TABLE critical_alerts (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  report_id        uuid NOT NULL REFERENCES diagnostic_reports(id),
  version          integer NOT NULL,
  order_id         uuid NOT NULL REFERENCES diagnostic_orders(id),
  resident_id      uuid NOT NULL REFERENCES residents(id),
  facility_id      uuid NOT NULL REFERENCES facilities(id),
  centre_id        uuid NOT NULL REFERENCES diagnostic_centres(id),
  notify_user_id   uuid NOT NULL REFERENCES users(id),
  what             jsonb NOT NULL,
  raised_at        timestamptz NOT NULL,
  ack_due_at       timestamptz NOT NULL,
  escalated_at     timestamptz,
  acknowledged_at  timestamptz,
  acknowledged_by  uuid REFERENCES users(id),
  ack_name         text,
  read_back        text,
  action_taken     text,
  UNIQUE (report_id, version)
);
CREATE INDEX critical_alerts_open ON critical_alerts (facility_id) WHERE acknowledged_at IS NULL;

CREATE TABLE critical_alert_events (
  id        bigserial PRIMARY KEY,
  alert_id  uuid NOT NULL REFERENCES critical_alerts(id),
  step      text NOT NULL CHECK (step IN ('raised','notified','escalated','acknowledged')),
  at        timestamptz NOT NULL,
  to_user   uuid REFERENCES users(id),
  by_user   uuid REFERENCES users(id),
  note      text
);
CREATE INDEX critical_alert_events_alert ON critical_alert_events (alert_id, id);

-- Messages to a person (Communication): critical values, escalations, amended reports.
CREATE TABLE diagnostic_messages (
  id          bigserial PRIMARY KEY,
  user_id     uuid NOT NULL REFERENCES users(id),
  kind        text NOT NULL CHECK (kind IN ('critical','escalation','amended','published','consultation')),
  ref_id      uuid NOT NULL,
  title       text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  read_at     timestamptz
);
CREATE INDEX diagnostic_messages_user ON diagnostic_messages (user_id, created_at DESC);

-- Mutual recognition: an order for an item the resident already has, recognised or not (with a reason).
CREATE TABLE recognition_decisions (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resident_id     uuid NOT NULL REFERENCES residents(id),
  item_code       text NOT NULL,
  report_id       uuid NOT NULL REFERENCES diagnostic_reports(id),
  recognised      boolean NOT NULL,
  reason          text,
  price_fen       integer NOT NULL DEFAULT 0,
  facility_id     uuid NOT NULL REFERENCES facilities(id),
  decided_by      uuid NOT NULL REFERENCES users(id),
  order_id        uuid REFERENCES diagnostic_orders(id),
  decided_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (recognised OR length(coalesce(reason, '')) >= 2)
);
CREATE INDEX recognition_decisions_facility ON recognition_decisions (facility_id, decided_at);

-- Remote consultation (远程会诊): requested with a summary and attached reports, scheduled with a
-- specialist, held (the video link is kept), the opinion recorded.
CREATE TABLE consultations (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  county_code     text NOT NULL,
  resident_id     uuid NOT NULL REFERENCES residents(id),
  requester_id    uuid NOT NULL REFERENCES users(id),
  facility_id     uuid NOT NULL REFERENCES facilities(id),
  centre_id       uuid NOT NULL REFERENCES diagnostic_centres(id),
  summary         text NOT NULL,
  question        text NOT NULL,
  report_ids      uuid[] NOT NULL DEFAULT '{}',
  status          text NOT NULL CHECK (status IN ('requested','scheduled','held','cancelled')),
  specialist_id   uuid REFERENCES users(id),
  scheduled_at    timestamptz,
  link            text,
  opinion         text,
  held_at         timestamptz,
  requested_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX consultations_centre ON consultations (centre_id, status);
