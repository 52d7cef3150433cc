-- Infectious-disease reporting and early warning (the surveillance module): report cards (传染病报告卡)
-- with their review and revision history, the daily counts the detection methods read, the methods'
-- parameters, the signals they raise and the CDC's response. Diagnoses and regions stay with records
-- and registry: this module keeps ids of them and reads them through their functions.

CREATE TABLE report_cards (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  county_code   text NOT NULL,
  resident_id   uuid NOT NULL REFERENCES residents(id),
  encounter_id  uuid REFERENCES encounters(id),
  diagnosis_id  uuid REFERENCES diagnoses(id),
  disease       text NOT NULL,          -- the catalogue's code (data/surveillance/notifiable-diseases.json)
  disease_class text NOT NULL CHECK (disease_class IN ('A','B','C')),
  icd10         text NOT NULL,
  case_class    text NOT NULL CHECK (case_class IN ('suspected','clinical','confirmed','carrier','excluded')),
  onset_date    date,
  diagnosed_at  timestamptz NOT NULL,
  due_at        timestamptz NOT NULL,
  facility_id   uuid NOT NULL REFERENCES facilities(id),
  doctor_user_id uuid REFERENCES users(id),
  township_code text NOT NULL,          -- where the patient lives (现住址), for counts and the grid
  fields        jsonb NOT NULL DEFAULT '{}'::jsonb,  -- the rest of the national card (address, occupation, guardian, phone, …)
  status        text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','submitted','returned','accepted','duplicate','deleted')),
  submitted_at  timestamptz,
  reviewed_at   timestamptz,
  reviewed_by   uuid REFERENCES users(id),
  review_reason text,
  duplicate_of  uuid REFERENCES report_cards(id),
  version       integer NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (status NOT IN ('returned','deleted') OR review_reason IS NOT NULL),
  CHECK (status <> 'duplicate' OR duplicate_of IS NOT NULL)
);
-- One card per recorded diagnosis (a resend of the diagnosis never drafts a second).
CREATE UNIQUE INDEX report_cards_diagnosis ON report_cards (diagnosis_id) WHERE diagnosis_id IS NOT NULL;
CREATE INDEX report_cards_doctor ON report_cards (doctor_user_id, status);
CREATE INDEX report_cards_county ON report_cards (county_code, status, diagnosed_at);
CREATE INDEX report_cards_resident ON report_cards (resident_id, disease);

CREATE TABLE report_card_events (
  id          bigserial PRIMARY KEY,
  card_id     uuid NOT NULL REFERENCES report_cards(id),
  at          timestamptz NOT NULL DEFAULT now(),
  actor_id    uuid REFERENCES users(id),
  actor_name  text,                    -- as the card shows it (a snapshot, as on the paper card)
  action      text NOT NULL CHECK (action IN ('drafted','edited','submitted','accept','return','duplicate','delete','revised')),
  from_status text,
  to_status   text NOT NULL,
  from_class  text,
  to_class    text,
  reason      text
);
CREATE INDEX report_card_events_card ON report_card_events (card_id, at);

-- Daily counts per county, township and series (a disease code, or syndrome:<code>), kept by the daily job.
CREATE TABLE surveillance_counts (
  county_code   text NOT NULL,
  township_code text NOT NULL,
  series        text NOT NULL,
  day           date NOT NULL,
  n             integer NOT NULL CHECK (n >= 0),
  PRIMARY KEY (county_code, series, township_code, day)
);

-- The methods' parameters as data, per series (a row with series '*' is the method's default).
CREATE TABLE surveillance_params (
  method  text NOT NULL CHECK (method IN ('fixed','mpm','ears_c1','ears_c2','ears_c3','scan')),
  series  text NOT NULL,
  params  jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (method, series)
);

CREATE TABLE surveillance_signals (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  county_code   text NOT NULL,
  township_code text,                    -- null: a county-level signal
  series        text NOT NULL,
  method        text NOT NULL,
  day           date NOT NULL,
  observed      integer NOT NULL,
  expected      numeric NOT NULL,
  threshold     numeric NOT NULL,
  statistic     numeric NOT NULL,
  p_value       numeric,
  baseline      jsonb NOT NULL,          -- the counts it was compared with
  params        jsonb NOT NULL,          -- the parameters that raised it
  cluster       jsonb,                   -- the scan's townships and days
  status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open','excluded','investigating','confirmed','closed')),
  verify_due_at timestamptz NOT NULL,
  responded_at  timestamptz,
  responded_by  uuid REFERENCES users(id),
  closed_at     timestamptz,
  note          text,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX surveillance_signals_once ON surveillance_signals (county_code, series, method, day, coalesce(township_code, ''));
CREATE INDEX surveillance_signals_status ON surveillance_signals (county_code, status, day);

CREATE TABLE surveillance_signal_cases (
  signal_id uuid NOT NULL REFERENCES surveillance_signals(id),
  card_id   uuid NOT NULL REFERENCES report_cards(id),
  PRIMARY KEY (signal_id, card_id)
);

-- The daily syndromic count (records' dailySyndromeCounts, which the surveillance module calls) reads a
-- county's outpatient encounters of the last days: an index by county and time, so it does not scan the
-- county's whole history (about 4 million encounters a year). The table stays the records module's.
CREATE INDEX encounters_county_started ON encounters (county_code, started_at);
